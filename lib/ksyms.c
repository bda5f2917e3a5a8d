// SPDX-License-Identifier: GPL-2.0-only
/* Kernel symbol ranges from /proc/kallsyms (see ksyms.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "ksyms.h"
#include "syscalls.h"

/*
 * Kernel functions that check a capability without auditing it
 * (CAP_OPT_NOAUDIT): the check probes, it does not ask for a privilege the
 * caller needs. A capability check whose kernel stack passes through one of
 * them does not go into the profile.
 */
const char *const eu_noaudit_funcs[EU_NOAUDIT_FUNCS] = {
	/*
	 * The overcommit heuristic, on every accountable mmap. Its capability
	 * hook tail-calls cap_capable(), so the stack shows only the caller.
	 */
	"security_vm_enough_memory_mm",
	"cap_vm_enough_memory",
	"ns_capable_noaudit",	     /* e.g. seccomp filter load without no_new_privs */
	"has_ns_capability_noaudit", /* e.g. ptrace access checks in /proc */
	"has_capability_noaudit",
	"ptracer_capable",
};

int eu_ksyms_ranges(const char *const *names, size_t n, struct eu_krange *out, size_t *found,
		    struct eu_err *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/kallsyms", "re");
	char line[512], name[256], type;
	uint64_t addr;
	ssize_t pending = -1; /* index of a match whose end is the next address */
	bool any_addr = false;

	*found = 0;
	if (!f)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot read /proc/kallsyms");
	for (size_t i = 0; i < n; i++)
		out[i] = (struct eu_krange){ 0 };
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, name) != 3)
			continue;
		any_addr |= addr != 0;
		if (pending >= 0 && addr > out[pending].start) {
			out[pending].end = addr;
			pending = -1;
		}
		if (type != 't' && type != 'T')
			continue;
		for (size_t i = 0; i < n; i++) {
			if (!out[i].start && !strcmp(name, names[i])) {
				out[i].start = addr;
				pending = (ssize_t)i;
				(*found)++;
				break;
			}
		}
	}
	if (!any_addr)
		return eu_fail(err, EU_E_KERNEL, 0,
			       "/proc/kallsyms hides kernel addresses (kernel.kptr_restrict)");
	return 0;
}

int eu_kernel_syscalls(uint64_t *bits, size_t words, struct eu_err *err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/kallsyms", "re");
	char line[512], name[256], type;
	uint64_t addr;

	if (!f)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot read /proc/kallsyms");
	memset(bits, 0, words * sizeof(*bits));
	while (fgets(line, sizeof(line), f)) {
		const char *sys;
		int nr;

		if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, name) != 3 ||
		    strncmp(name, "__x64_sys_", 10))
			continue;
		sys = name + 10;
		nr = eu_syscall_nr(EU_ARCH_X86_64, !strcmp(sys, "umount") ? "umount2" : sys);
		if (nr >= 0 && (size_t)nr / 64 < words)
			bits[nr / 64] |= 1ULL << (nr % 64);
	}
	return 0;
}

bool eu_krange_contains(const struct eu_krange *r, size_t n, uint64_t addr)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].start && addr >= r[i].start && addr < r[i].end)
			return true;
	return false;
}
