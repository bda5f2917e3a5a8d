// SPDX-License-Identifier: GPL-2.0-only
/* The runtime allowance (see allowance.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allowance.h"
#include "cleanup.h"
#include "profile_yaml.h"
#include "syscalls.h"

#ifndef EUNOMIA_DATADIR
#define EUNOMIA_DATADIR "/usr/local/share/eunomia"
#endif
/* the tree the binary was built in (the Makefile's CURDIR); "" matches no binary */
#ifndef EUNOMIA_SRCDIR
#define EUNOMIA_SRCDIR ""
#endif

#define ALLOWANCE_FILE "runtimes/runc-init.yaml"

/*
 * Whether the running binary lies inside the tree it was built from: only then
 * may it read that tree, so an installed copy never picks up a checkout that
 * happens to sit where it was built.
 */
static bool in_source_tree(void)
{
	_cleanup_free_ char *self = realpath("/proc/self/exe", NULL);
	_cleanup_free_ char *src = realpath(EUNOMIA_SRCDIR, NULL);
	size_t n = src ? strlen(src) : 0;

	return self && n > 1 && strncmp(self, src, n) == 0 && self[n] == '/';
}

/* a directory that may hold the allowance, and what it is, for the error */
struct place {
	const char *dir, *what;
};

/*
 * Load the allowance from the first place that has it. A file that is there
 * but unreadable or malformed is an error, not a reason to try the next one:
 * another copy standing in for it would hide the fault.
 */
static int allowance_load(const struct place *places, size_t n, struct eu_profile **a,
			  char **path, struct eu_err *err)
{
	char tried[sizeof(err->msg)] = "";
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		free(*path);
		if (asprintf(path, "%s/" ALLOWANCE_FILE, places[i].dir) < 0) {
			*path = NULL;
			return eu_fail(err, EU_E_INTERNAL, ENOMEM, "naming the runtime allowance");
		}
		if (!eu_profile_load(*path, a, err))
			return 0;
		if (err->kind != EU_E_IO || err->errnum != ENOENT)
			return -1;
		if (len < sizeof(tried))
			len += (size_t)snprintf(tried + len, sizeof(tried) - len, "%s%s (%s)",
						i ? " or " : "", *path, places[i].what);
	}
	return eu_fail(err, EU_E_IO, 0, "not found at %s", tried);
}

/* Syscalls allowed in some way (outright or by a rule that allows), over every ABI. */
static size_t allowed_total(const struct eu_profile *p)
{
	size_t n = eu_profile_syscall_total(p, -1);

	for (int arch = 0; arch < EU_ARCH_COUNT; arch++)
		for (int nr = 0; nr < EU_NR_MAX; nr++)
			n += !eu_profile_has_syscall(p, arch, nr) && eu_profile_has_rules(p, arch, nr);
	return n;
}

/* The allowance's rules (clone without namespace flags), by name onto each ABI of p. */
static int add_rules(struct eu_profile *p, const struct eu_profile *a, int native,
		     struct eu_err *err)
{
	for (size_t i = 0; i < a->nrules; i++) {
		_cleanup_free_ char *name = NULL;
		struct eu_rule r = a->rules[i];

		if (r.arch != native || !(name = eu_syscall_name(native, r.nr)))
			continue;
		for (int arch = 0; arch < EU_ARCH_COUNT; arch++) {
			if (!p->arch[arch].present)
				continue;
			r.arch = arch;
			r.nr = eu_syscall_nr(arch, name);
			if (r.nr >= 0 && eu_profile_add_rule(p, &r, err))
				return -1;
		}
	}
	return 0;
}

int eu_runtime_allowance_add(struct eu_profile *p, size_t *added, char **path,
			     struct eu_err *err)
{
	const char *env = getenv("EUNOMIA_DATADIR");
	struct place places[2];
	struct eu_profile *a = NULL;
	size_t before = allowed_total(p), nplaces = 0;
	int native = eu_arch_native(), rc = -1;

	*added = 0;
	*path = NULL;
	/* a directory asked for is the only one: a mistyped one must not fall back quietly */
	if (env && *env) {
		places[nplaces++] = (struct place){ env, "$EUNOMIA_DATADIR" };
	} else {
		/* a build runs without make install, and an older installed copy does not win */
		if (in_source_tree())
			places[nplaces++] =
				(struct place){ EUNOMIA_SRCDIR "/policies", "the source tree" };
		places[nplaces++] = (struct place){ EUNOMIA_DATADIR, "the installation" };
	}
	if (allowance_load(places, nplaces, &a, path, err))
		return eu_wrap(err, "the runtime allowance (--no-runtime-allowance leaves it out)");
	/* named on the native ABI, added by name to every ABI the profile has */
	for (int arch = 0; arch < EU_ARCH_COUNT; arch++) {
		if (!p->arch[arch].present)
			continue;
		for (int nr = 0; nr < EU_NR_MAX; nr++) {
			_cleanup_free_ char *name = NULL;
			int n;

			if (!eu_profile_has_syscall(a, native, nr))
				continue;
			name = eu_syscall_name(native, nr);
			n = name ? eu_syscall_nr(arch, name) : -1;
			if (n >= 0 && !eu_profile_has_syscall(p, arch, n) &&
			    eu_profile_add_syscall(p, arch, n, 0, err))
				goto out;
		}
	}
	if (add_rules(p, a, native, err))
		goto out;
	*added = allowed_total(p) - before;
	rc = 0;
out:
	eu_profile_free(a);
	return rc;
}

int eu_runtime_allowance_handover(struct eu_profile *p, size_t *added, struct eu_err *err)
{
	static const char *const names[] = { "read", "close" };
	size_t before = eu_profile_syscall_total(p, -1);

	for (int arch = 0; arch < EU_ARCH_COUNT; arch++)
		for (size_t i = 0; p->arch[arch].present && i < EU_ARRAY_SIZE(names); i++) {
			int nr = eu_syscall_nr(arch, names[i]);

			if (nr >= 0 && !eu_profile_has_syscall(p, arch, nr) &&
			    eu_profile_add_syscall(p, arch, nr, 0, err))
				return -1;
		}
	*added = eu_profile_syscall_total(p, -1) - before;
	return 0;
}
