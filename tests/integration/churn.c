// SPDX-License-Identifier: GPL-2.0-only
/*
 * Short-lived processes at a steady rate, for the bats tests: `churn TOTAL RATE
 * CALLS` forks TOTAL children, RATE a second, one after the other; each makes
 * CALLS getppid() calls and exits at once, and the parent reaps them as it
 * goes. The parent itself never calls getppid, so a learner that follows every
 * child counts exactly TOTAL * CALLS. Static, so that it runs in a busybox
 * container too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long arg_long(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0) {
		fprintf(stderr, "churn: %s must be a positive number, not '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long total, rate, calls;
	struct timespec t0, due;

	if (argc != 4) {
		fprintf(stderr, "usage: churn TOTAL RATE CALLS\n");
		return 2;
	}
	total = arg_long(argv[1], "TOTAL");
	rate = arg_long(argv[2], "RATE");
	calls = arg_long(argv[3], "CALLS");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < total; i++) {
		long long ns = (long long)t0.tv_nsec + i * 1000000000LL / rate;
		pid_t p;

		due.tv_sec = t0.tv_sec + (time_t)(ns / 1000000000LL);
		due.tv_nsec = (long)(ns % 1000000000LL);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR)
			;
		p = fork();
		if (p < 0) {
			perror("churn: fork");
			return 1;
		}
		if (p == 0) {
			for (long c = 0; c < calls; c++)
				syscall(SYS_getppid);
			_exit(0);
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	while (wait(NULL) > 0)
		;
	return 0;
}
