// SPDX-License-Identifier: GPL-2.0-only
/*
 * The workload of bench/learn-overhead.sh: N getppid() syscalls, timed by the
 * program itself so that a tracer's start-up never lands in the measurement.
 * getppid does almost nothing in the kernel, so what a tracer adds shows.
 * With -c the clock is the thread's CPU time: time spent preempted by other
 * work on a busy machine is then left out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Enough to fault in the code, settle the CPU and let a tracer hear our first getppid. */
#define WARMUP_CALLS 20000

static void call_getppid(long n)
{
	/* syscall(2), not getppid(3): no libc caching, one real syscall per call. */
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
}

int main(int argc, char **argv)
{
	clockid_t clock = CLOCK_MONOTONIC;
	struct timespec t0, t1;
	const char *arg;
	double ns;
	char *end;
	long n;

	if (argc == 3 && !strcmp(argv[1], "-c"))
		clock = CLOCK_THREAD_CPUTIME_ID;
	else if (argc != 2) {
		fprintf(stderr, "Usage: getppid_loop [-c] N\n");
		return 2;
	}
	arg = argv[argc - 1];
	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n <= 0) {
		fprintf(stderr, "getppid_loop: N must be a positive integer, not '%s'\n", arg);
		return 2;
	}

	call_getppid(WARMUP_CALLS);
	clock_gettime(clock, &t0);
	call_getppid(n);
	clock_gettime(clock, &t1);

	ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	printf("%.2f\n", ns / (double)n);
	return 0;
}
