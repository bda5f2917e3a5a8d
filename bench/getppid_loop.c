// SPDX-License-Identifier: GPL-2.0-only
/*
 * The workload of bench/learn-overhead.sh and bench/enforce-overhead.sh: N
 * getppid() syscalls, timed by the program itself so that a tracer's or an
 * enforcer's start-up never lands in the measurement. getppid does almost
 * nothing in the kernel, so what a tracer or a filter adds shows. With -p, the
 * calls are personality(0xffffffff) instead, a query as cheap as getppid that
 * container profiles allow only for some argument values.
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
/*
 * Calls per timed chunk: about a millisecond, far longer than a clock read and
 * shorter than a scheduler tick, so that most chunks run undisturbed.
 */
#define CHUNK 1000

static int use_personality;

static void call_getppid(long n)
{
	/* syscall(2), not getppid(3): no libc caching, one real syscall per call. */
	if (use_personality)
		for (long i = 0; i < n; i++)
			syscall(SYS_personality, 0xffffffffUL);
	else
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: getppid_loop [-m] [-p] N\n"
		"Make N getppid() syscalls and print the mean ns per call (CLOCK_MONOTONIC).\n"
		"  -m  print instead the median over chunks of %d calls: on a busy machine\n"
		"      a chunk that was preempted or interrupted then does not move the result\n"
		"  -p  call personality(0xffffffff) instead of getppid()\n",
		CHUNK);
}

int main(int argc, char **argv)
{
	double *chunk_ns, total = 0, t0;
	const char *arg;
	long n, chunks;
	int median;
	char *end;

	median = 0;
	for (; argc > 2 && argv[1][0] == '-'; argc--, argv++) {
		if (!strcmp(argv[1], "-m")) {
			median = 1;
		} else if (!strcmp(argv[1], "-p")) {
			use_personality = 1;
		} else {
			usage();
			return 2;
		}
	}
	if (argc != 2) {
		usage();
		return 2;
	}
	arg = argv[argc - 1];
	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < CHUNK) {
		fprintf(stderr, "getppid_loop: N must be an integer of at least %d, not '%s'\n",
			CHUNK, arg);
		return 2;
	}
	chunks = n / CHUNK;
	chunk_ns = malloc((size_t)chunks * sizeof(*chunk_ns));
	if (!chunk_ns) {
		fprintf(stderr, "getppid_loop: cannot allocate %ld chunk times\n", chunks);
		return 1;
	}

	call_getppid(WARMUP_CALLS);
	for (long i = 0; i < chunks; i++) {
		t0 = now_ns();
		call_getppid(CHUNK);
		chunk_ns[i] = now_ns() - t0;
		total += chunk_ns[i];
	}

	if (median) {
		qsort(chunk_ns, (size_t)chunks, sizeof(*chunk_ns), cmp_double);
		printf("%.2f\n", (chunks % 2 ? chunk_ns[chunks / 2]
				  : (chunk_ns[chunks / 2 - 1] + chunk_ns[chunks / 2]) / 2) / CHUNK);
	} else {
		printf("%.2f\n", total / (double)(chunks * CHUNK));
	}
	free(chunk_ns);
	return 0;
}
