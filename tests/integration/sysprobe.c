// SPDX-License-Identifier: GPL-2.0-only
/*
 * Make the named syscalls, each with arguments that make it fail harmlessly
 * were it allowed, and print "CALL ERRNO-NAME" (or "CALL ok") a line. A call is
 * NAME or NAME:ARG0[:ARG1[:ARG2]] to choose the first arguments (numbers, 0x
 * for hex). The bats tests run it under eunomia enforce, and under runc or
 * podman, to see what a profile denies. Static, so that it runs in a busybox
 * container too. A clone that succeeds makes a child that exits at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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
	{ "personality", SYS_personality, { 0xffffffff } }, /* a query */
	{ "socket", SYS_socket, { -1, -1, -1 } },	  /* EAFNOSUPPORT */
	{ "clone", SYS_clone, { -1 } },			  /* EINVAL */
	{ "clone3", SYS_clone3, { 0, 0 } },		  /* EINVAL or EFAULT */
	{ "acct", SYS_acct, { -1 } },			  /* EFAULT */
	{ "kexec_load", SYS_kexec_load, { -1, -1, -1, -1 } },
	{ "chroot", SYS_chroot, { -1 } },
	{ "perf_event_open", SYS_perf_event_open, { -1, -1, -1, -1 } },
	{ "userfaultfd", SYS_userfaultfd, { -1 } },
	{ "io_uring_setup", SYS_io_uring_setup, { -1, -1 } },
	{ "pidfd_open", SYS_pidfd_open, { -1, -1 } },
	{ "open_by_handle_at", SYS_open_by_handle_at, { -1, -1, -1 } },
	{ "setns", SYS_setns, { -1, -1 } },
	{ "syslog", SYS_syslog, { -1, -1, -1 } },
	{ "add_key", SYS_add_key, { -1, -1, -1, -1 } },
	{ "settimeofday", SYS_settimeofday, { -1, -1 } },
	{ "vhangup", SYS_vhangup, { 0 } },
	{ "unshare0", SYS_unshare, { 0 } },		  /* unshare nothing: allowed, 0 */
};

static const char *errno_name(int e)
{
	static const struct { int e; const char *name; } names[] = {
		{ EPERM, "EPERM" },   { ENOSYS, "ENOSYS" }, { EINVAL, "EINVAL" },
		{ EFAULT, "EFAULT" }, { EIO, "EIO" },	    { ESRCH, "ESRCH" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EACCES, "EACCES" }, { ENOENT, "ENOENT" },
		{ EAFNOSUPPORT, "EAFNOSUPPORT" }, { EBADF, "EBADF" }, { ENOMEM, "ENOMEM" },
		{ EEXIST, "EEXIST" }, { E2BIG, "E2BIG" }, { ENOTDIR, "ENOTDIR" },
		{ EPROTONOSUPPORT, "EPROTONOSUPPORT" }, { ENODEV, "ENODEV" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	return "other";
}

/* Parse NAME[:ARG0[:ARG1[:ARG2]]] into c (a copy of the table's entry, arguments replaced). */
static int parse_call(const char *spec, struct call *c)
{
	char name[64], *colon, *end;
	const char *args;

	snprintf(name, sizeof(name), "%s", spec);
	colon = strchr(name, ':');
	if (colon)
		*colon = '\0';
	for (size_t j = 0; j < sizeof(calls) / sizeof(calls[0]); j++)
		if (!strcmp(name, calls[j].name))
			*c = calls[j];
	if (!c->name)
		return -1;
	args = colon ? spec + (colon - name) + 1 : NULL;
	for (int i = 0; args && *args && i < 3; i++) {
		c->args[i] = (long)strtoull(args, &end, 0);
		if (end == args || (*end && *end != ':'))
			return -1;
		args = *end ? end + 1 : end;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		struct call c = { 0 };
		long ret;

		if (parse_call(argv[i], &c)) {
			fprintf(stderr, "sysprobe: cannot make '%s'\n", argv[i]);
			rc = 2;
			continue;
		}
		fflush(stdout);
		ret = syscall(c.nr, c.args[0], c.args[1], c.args[2], c.args[3]);
		if (ret == 0 && (c.nr == SYS_clone || c.nr == SYS_clone3))
			_exit(0); /* the child of a clone that was allowed */
		if (ret > 0 && (c.nr == SYS_clone || c.nr == SYS_clone3))
			waitpid((pid_t)ret, NULL, __WALL);
		printf("%s %s\n", argv[i], ret == -1 ? errno_name(errno) : "ok");
	}
	return rc;
}
