// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loads and attaches bench/noop.bpf.c, prints "ready" once attached, and keeps
 * it attached until SIGINT or SIGTERM. bench/learn-overhead.sh waits for the
 * line before it starts timing. With --sys-exit, its no-op sys_exit program too.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "noop.skel.h"

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, args);
}

int main(int argc, char **argv)
{
	struct noop_bpf *obj;
	sigset_t mask;
	int sig, err;

	libbpf_set_print(print_libbpf);

	/* Block the stop signals first, so one that comes early is not lost. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--sys-exit"))) {
		fprintf(stderr, "Usage: noop_loader [--sys-exit]\n");
		return 2;
	}
	obj = noop_bpf__open();
	if (!obj) {
		fprintf(stderr, "noop_loader: opening noop.bpf.o: %s\n", strerror(errno));
		return 1;
	}
	bpf_program__set_autoload(obj->progs.noop_exit, argc == 2);
	err = noop_bpf__load(obj);
	if (err) {
		fprintf(stderr, "noop_loader: loading noop.bpf.o: %s\n", strerror(-err));
		noop_bpf__destroy(obj);
		return 1;
	}
	err = noop_bpf__attach(obj);
	if (err) {
		fprintf(stderr, "noop_loader: attaching its programs: %s\n", strerror(-err));
		noop_bpf__destroy(obj);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);

	sigwait(&mask, &sig);
	noop_bpf__destroy(obj);
	return 0;
}
