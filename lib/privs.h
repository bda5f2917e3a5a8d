/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Privileges of the enforced command, set the way container runtimes set them:
 * the user changes with capabilities kept (PR_SET_KEEPCAPS), then the bounding,
 * permitted, effective, inheritable and ambient sets become the profile's
 * capabilities, and no_new_privs is set so that no exec can gain more.
 */
#ifndef EUNOMIA_PRIVS_H
#define EUNOMIA_PRIVS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "errors.h"

struct eu_user {
	bool set; /* change user and group before dropping capabilities */
	uid_t uid;
	gid_t gid;
};

/* Parse "UID[:GID]" (numbers only: there is no name service inside a container). */
int eu_user_parse(const char *s, struct eu_user *u, struct eu_err *err);

/* Keep exactly the capabilities in mask `keep` (bit n = capability n); see above. */
int eu_privs_apply(uint64_t keep, const struct eu_user *u, struct eu_err *err);

/*
 * For a profile that does not know the capabilities: change user (if asked)
 * the ordinary way, with no capability kept across it, and set no_new_privs;
 * the capability sets are what the kernel makes of that.
 */
int eu_privs_unchanged(const struct eu_user *u, struct eu_err *err);

#endif
