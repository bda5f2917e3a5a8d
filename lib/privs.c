// SPDX-License-Identifier: GPL-2.0-only
/* Users, capabilities and no_new_privs for eunomia enforce, with libcap. */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "privs.h"

int eu_user_parse(const char *s, struct eu_user *u, struct eu_err *err)
{
	unsigned long uid, gid;
	char *end;

	errno = 0;
	uid = strtoul(s, &end, 10);
	gid = uid;
	if (!errno && end != s && *end == ':') {
		const char *g = end + 1;

		gid = strtoul(g, &end, 10);
		if (end == g)
			errno = EINVAL;
	}
	if (errno || end == s || *end || *s == '-' || uid > 0xfffffffe || gid > 0xfffffffe)
		return eu_fail(err, EU_E_USAGE, 0, "--user expects UID or UID:GID (numbers), not '%s'",
			       s);
	u->set = true;
	u->uid = (uid_t)uid;
	u->gid = (gid_t)gid;
	return 0;
}

static int cap_fail(struct eu_err *err, int cap, const char *what)
{
	int e = errno;
	_cleanup_free_ char *name = cap >= 0 ? eu_cap_name(cap) : NULL;

	return eu_fail(err, EU_E_KERNEL, e, "cannot %s %s%s", what,
		       name ? name : "the profile's capabilities",
		       e == EPERM ? " (eunomia enforce must run as root)" : "");
}

static int change_user(const struct eu_user *u, struct eu_err *err)
{
	/* Keep the permitted set across setuid; the sets are rebuilt right after. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot keep capabilities across setuid");
	if (setgroups(0, NULL) < 0 || setresgid(u->gid, u->gid, u->gid) < 0)
		return eu_fail(err, EU_E_USAGE, errno, "cannot change to group %u", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return eu_fail(err, EU_E_USAGE, errno, "cannot change to user %u", u->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot reset keep-capabilities");
	return 0;
}

int eu_privs_apply(uint64_t keep, const struct eu_user *u, struct eu_err *err)
{
	static const cap_flag_t sets[] = { CAP_PERMITTED, CAP_EFFECTIVE, CAP_INHERITABLE };
	cap_value_t last = cap_max_bits();
	cap_t c;
	int rc;

	/* The bounding set first: dropping from it needs CAP_SETPCAP, still effective here. */
	for (cap_value_t v = 0; v < last; v++)
		if (!(v < 64 && (keep & (1ULL << v))) && cap_drop_bound(v) < 0)
			return cap_fail(err, v, "drop from the bounding set");
	if (u && u->set && change_user(u, err))
		return -1;

	c = cap_init();
	if (!c)
		return eu_fail(err, EU_E_INTERNAL, errno, "libcap: cannot allocate a capability set");
	for (cap_value_t v = 0; v < last && v < 64; v++) {
		if (!(keep & (1ULL << v)))
			continue;
		for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
			if (cap_set_flag(c, sets[i], 1, &v, CAP_SET) < 0) {
				cap_free(c);
				return cap_fail(err, v, "prepare");
			}
	}
	rc = cap_set_proc(c);
	cap_free(c);
	if (rc < 0)
		return cap_fail(err, -1, "set the permitted, effective and inheritable sets to");
	/* Ambient: what a non-root user keeps across exec. */
	if (cap_reset_ambient() < 0)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot clear the ambient capabilities");
	for (cap_value_t v = 0; v < last && v < 64; v++)
		if ((keep & (1ULL << v)) && cap_set_ambient(v, CAP_SET) < 0)
			return cap_fail(err, v, "raise in the ambient set");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot set no_new_privs");
	return 0;
}

int eu_privs_unchanged(const struct eu_user *u, struct eu_err *err)
{
	/*
	 * No PR_SET_KEEPCAPS: a change to another user drops the capabilities
	 * as the kernel drops them at any setuid from root, and no capability is
	 * raised in the ambient set for it.
	 */
	if (u && u->set &&
	    (setgroups(0, NULL) < 0 || setresgid(u->gid, u->gid, u->gid) < 0 ||
	     setresuid(u->uid, u->uid, u->uid) < 0))
		return eu_fail(err, EU_E_USAGE, errno, "cannot change to user %u:%u", u->uid, u->gid);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot set no_new_privs");
	return 0;
}
