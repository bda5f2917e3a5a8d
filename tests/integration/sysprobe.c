// SPDX-License-Identifier: GPL-2.0-only
/*
 * Make the named syscalls, each with arguments that make it fail harmlessly
 * were it allowed, and print "NAME ERRNO-NAME" (or "NAME ok") a line. The bats
 * tests run it under eunomia enforce to see what a profile denies. Static, so
 * that it also runs in a busybox container.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct call {
	const char *name;
	long nr;
	long args[4];
} calls[] = {
	{ "getppid", SYS_getppid, { 0 } },
	{ "unshare", SYS_unshare, { -1 } },		/* EINVAL: no such flags */
	{ "mount", SYS_mount, { -1, -1, -1, -1 } },	/* EFAULT */
	{ "keyctl", SYS_keyctl, { -1 } },		/* EOPNOTSUPP */
	{ "ptrace", SYS_ptrace, { -1, -1 } },		/* EIO or ESRCH */
	{ "bpf", SYS_bpf, { -1 } },			/* EINVAL */
	{ "reboot", SYS_reboot, { -1, -1 } },		/* EINVAL: no magic */
	{ "init_module", SYS_init_module, { 0, 0, 0 } }, /* EFAULT */
};

static const char *errno_name(int e)
{
	static const struct { int e; const char *name; } names[] = {
		{ EPERM, "EPERM" },   { ENOSYS, "ENOSYS" }, { EINVAL, "EINVAL" },
		{ EFAULT, "EFAULT" }, { EIO, "EIO" },	    { ESRCH, "ESRCH" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EACCES, "EACCES" }, { ENOENT, "ENOENT" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	return "other";
}

int main(int argc, char **argv)
{
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		const struct call *c = NULL;
		long ret;

		for (size_t j = 0; j < sizeof(calls) / sizeof(calls[0]); j++)
			if (!strcmp(argv[i], calls[j].name))
				c = &calls[j];
		if (!c) {
			fprintf(stderr, "sysprobe: unknown syscall '%s'\n", argv[i]);
			rc = 2;
			continue;
		}
		ret = syscall(c->nr, c->args[0], c->args[1], c->args[2], c->args[3]);
		printf("%s %s\n", c->name, ret == -1 ? errno_name(errno) : "ok");
	}
	return rc;
}
