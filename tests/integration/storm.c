// SPDX-License-Identifier: GPL-2.0-only
/*
 * A known number of syscalls from many tasks alive at once, for the bats tests:
 * PROCS processes of THREADS threads each, all started before any of them
 * begins, then every thread makes CALLS getppid() calls. The learned count must
 * be PROCS * THREADS * CALLS exactly, whichever path (fast, exact, shared
 * slot) each task took through eunomia's tracer.
 *
 * With -t SECONDS instead of CALLS, every thread calls getppid() in a tight
 * loop for that long, and storm prints how many calls were made in all
 * ("calls N"), whatever each returned (under a filter that refuses it: EPERM).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long calls;
static long seconds;	     /* -t: for how long, instead of a number of calls */
static unsigned long *total; /* -t: calls made, shared by every process */
static int go_fd;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t); /* the vDSO: no syscall */
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void work(void)
{
	unsigned long n = 0;
	double end;

	if (!seconds) {
		for (long i = 0; i < calls; i++)
			syscall(SYS_getppid);
		return;
	}
	end = now() + (double)seconds;
	do {
		for (int i = 0; i < 1024; i++, n++)
			syscall(SYS_getppid);
	} while (now() < end);
	__atomic_fetch_add(total, n, __ATOMIC_RELAXED);
}

/* Wait for the go (EOF on the pipe wakes every reader at once), then work. */
static void *wait_and_work(void *arg)
{
	char c;

	if (read(go_fd, &c, 1) < 0)
		_exit(1);
	work();
	return arg;
}

static long arg_long(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > 100000) {
		fprintf(stderr, "storm: %s must be an integer from 1 to 100000, not '%s'\n", what, s);
		exit(2);
	}
	return v;
}

/* One process: start its threads, say it is ready, and work with them after the go. */
static void run_process(long threads, int ready_fd)
{
	pthread_t *tid = calloc((size_t)threads, sizeof(*tid));

	if (!tid)
		_exit(1);
	for (long i = 1; i < threads; i++)
		if (pthread_create(&tid[i], NULL, wait_and_work, NULL)) {
			fprintf(stderr, "storm: cannot start a thread\n");
			_exit(1);
		}
	if (write(ready_fd, "r", 1) != 1)
		_exit(1);
	wait_and_work(NULL);
	for (long i = 1; i < threads; i++)
		pthread_join(tid[i], NULL);
	_exit(0);
}

int main(int argc, char **argv)
{
	int ready[2], go[2], status, failed = 0;
	long procs, threads;
	char c;

	if (argc == 5 && !strcmp(argv[1], "-t")) {
		seconds = arg_long(argv[2], "SECONDS");
		argv += 2;
		argc -= 2;
		total = mmap(NULL, sizeof(*total), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			     -1, 0);
		if (total == MAP_FAILED) {
			perror("storm: mmap");
			return 1;
		}
	} else if (argc == 4) {
		calls = arg_long(argv[3], "CALLS");
	} else {
		fprintf(stderr, "Usage: storm PROCS THREADS CALLS\n"
				"       storm -t SECONDS PROCS THREADS\n");
		return 2;
	}
	procs = arg_long(argv[1], "PROCS");
	threads = arg_long(argv[2], "THREADS");
	if (pipe(ready) || pipe(go)) {
		perror("storm: pipe");
		return 1;
	}
	go_fd = go[0];
	for (long p = 0; p < procs; p++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("storm: fork");
			return 1;
		}
		if (pid == 0) {
			close(go[1]);
			run_process(threads, ready[1]);
		}
	}
	close(go[0]);
	for (long p = 0; p < procs; p++)
		if (read(ready[0], &c, 1) != 1) {
			fprintf(stderr, "storm: a process died before it was ready\n");
			return 1;
		}
	/* Every task is alive: let them go. */
	close(go[1]);
	while (wait(&status) > 0)
		failed |= !WIFEXITED(status) || WEXITSTATUS(status);
	if (seconds && !failed)
		printf("calls %lu\n", __atomic_load_n(total, __ATOMIC_RELAXED));
	return failed;
}
