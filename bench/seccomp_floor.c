// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run a command under the cheapest seccomp filter there is, one instruction
 * that allows everything: the floor for any seccomp profile, since the kernel
 * takes its slower syscall entry for every task with a filter. The benchmarks
 * of enforcement measure profiles against it.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_fprog prog = { .len = 1, .filter = allow };

	if (argc < 2) {
		fprintf(stderr, "Usage: seccomp_floor COMMAND [ARGS...]\n");
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		fprintf(stderr, "seccomp_floor: cannot load the filter: %s\n", strerror(errno));
		return 1;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "seccomp_floor: cannot run %s: %s\n", argv[1], strerror(errno));
	return 127;
}
