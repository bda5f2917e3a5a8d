// SPDX-License-Identifier: GPL-2.0-only
/* The runtime allowance (see allowance.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "allowance.h"
#include "cleanup.h"
#include "profile_yaml.h"
#include "syscalls.h"

#ifndef EUNOMIA_DATADIR
#define EUNOMIA_DATADIR "/usr/local/share/eunomia"
#endif

int eu_runtime_allowance_add(struct eu_profile *p, size_t *added, char **path,
			     struct eu_err *err)
{
	const char *dir = getenv("EUNOMIA_DATADIR");
	struct eu_profile *a = NULL;
	size_t before = eu_profile_syscall_total(p, -1);
	int native = eu_arch_native(), rc = -1;

	*added = 0;
	if (asprintf(path, "%s/runtimes/runc-init.yaml", dir && *dir ? dir : EUNOMIA_DATADIR) < 0) {
		*path = NULL;
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "naming the runtime allowance");
	}
	if (eu_profile_load(*path, &a, err))
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
	*added = eu_profile_syscall_total(p, -1) - before;
	rc = 0;
out:
	eu_profile_free(a);
	return rc;
}
