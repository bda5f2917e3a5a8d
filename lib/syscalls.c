// SPDX-License-Identifier: GPL-2.0-only
/* ABI names and syscall name/number lookups through libseccomp. */
#include <seccomp.h>
#include <string.h>

#include "cleanup.h"
#include "syscalls.h"

struct arch_desc {
	const char *name;     /* how a profile spells it */
	const char *aliases[3]; /* other spellings accepted on input */
	uint32_t token;
};

static const struct arch_desc arches[EU_ARCH_COUNT] = {
	[EU_ARCH_X86_64] = { "x86_64", { "SCMP_ARCH_X86_64", "amd64", NULL }, SCMP_ARCH_X86_64 },
	[EU_ARCH_I386] = { "i386", { "SCMP_ARCH_X86", "x86", "i686" }, SCMP_ARCH_X86 },
	[EU_ARCH_X32] = { "x32", { "SCMP_ARCH_X32", NULL, NULL }, SCMP_ARCH_X32 },
};

const char *eu_arch_name(int arch)
{
	if (arch < 0 || arch >= EU_ARCH_COUNT)
		return NULL;
	return arches[arch].name;
}

int eu_arch_from_name(const char *name)
{
	for (int i = 0; i < EU_ARCH_COUNT; i++) {
		if (!strcmp(name, arches[i].name))
			return i;
		for (size_t j = 0; j < EU_ARRAY_SIZE(arches[i].aliases) && arches[i].aliases[j]; j++)
			if (!strcmp(name, arches[i].aliases[j]))
				return i;
	}
	return -1;
}

uint32_t eu_arch_token(int arch)
{
	return arches[arch].token;
}

int eu_arch_native(void)
{
	return EU_ARCH_X86_64;
}

char *eu_syscall_name(int arch, int nr)
{
	if (arch < 0 || arch >= EU_ARCH_COUNT || nr < 0)
		return NULL;
	if (arch == EU_ARCH_X32)
		nr |= EU_X32_SYSCALL_BIT;
	return seccomp_syscall_resolve_num_arch(arches[arch].token, nr);
}

/*
 * On i386 the socket and SysV IPC calls exist twice: as direct syscalls
 * (socket is 359) and through the socketcall/ipc multiplexers. libseccomp
 * resolves their names to negative pseudo-numbers that stand for both; a
 * profile records the direct syscall the kernel saw, so find its number by
 * asking libseccomp's table the other way round.
 */
static int direct_nr(int arch, const char *name)
{
	for (int nr = 0; nr < EU_NR_MAX; nr++) {
		_cleanup_free_ char *n = eu_syscall_name(arch, nr);

		if (n && !strcmp(n, name))
			return nr;
	}
	return -1;
}

int eu_syscall_nr(int arch, const char *name)
{
	int nr;

	if (arch < 0 || arch >= EU_ARCH_COUNT)
		return -1;
	nr = seccomp_syscall_resolve_name_arch(arches[arch].token, name);
	if (nr == __NR_SCMP_ERROR)
		return -1;
	if (nr < 0)
		return direct_nr(arch, name);
	if (arch == EU_ARCH_X32)
		nr &= ~EU_X32_SYSCALL_BIT;
	return nr;
}
