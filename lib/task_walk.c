// SPDX-License-Identifier: GPL-2.0-only
/* A container's tasks found from /proc (see task_walk.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "task_walk.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9: a pidfd of a thread, not only of a leader */
#endif

#define MAX_ANCESTORS 64 /* as far up as the BPF iterators look */

struct proc {
	pid_t pid, ppid;
	unsigned long long start; /* since boot, in clock ticks: with pid, names a process */
};

static int by_pid(const void *a, const void *b)
{
	pid_t x = ((const struct proc *)a)->pid, y = ((const struct proc *)b)->pid;

	return (x > y) - (x < y);
}

static pid_t numeric(const char *name)
{
	char *end;
	long v = strtol(name, &end, 10);

	return *name && !*end && v > 0 && v < (1L << 30) ? (pid_t)v : 0;
}

/*
 * Task `tid` of process `pid` from /proc/PID/task/TID/stat: its state, parent
 * (4th field) and start time (22nd); -1 when it is gone.
 */
static int read_stat(pid_t pid, pid_t tid, char *state, pid_t *ppid, unsigned long long *start)
{
	char path[80], buf[1024];
	_cleanup_close_ int fd = -1;
	const char *p;
	ssize_t n;
	int pp;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return -1; /* cppcheck-suppress resourceLeak ; _cleanup_close_ closes fd */
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the name may hold anything, ')' too */
	if (!p || sscanf(p + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
				"%*d %*d %*d %llu", state, &pp, start) != 3)
		return -1; /* cppcheck-suppress resourceLeak ; _cleanup_close_ closes fd */
	*ppid = (pid_t)pp;
	return 0; /* cppcheck-suppress resourceLeak ; _cleanup_close_ closes fd */
}

/* Every process now, sorted by pid; *n of them. */
static int list_procs(struct proc **out, size_t *n, struct eu_err *err)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	struct proc *v = NULL;
	size_t cap = 0;
	struct dirent *de;

	*out = NULL;
	*n = 0;
	if (!d)
		return eu_fail(err, EU_E_IO, errno, "cannot read /proc");
	while ((de = readdir(d))) {
		pid_t pid = numeric(de->d_name), ppid;
		unsigned long long start;
		char state;

		if (!pid || read_stat(pid, pid, &state, &ppid, &start))
			continue; /* not a process, or gone */
		if (*n == cap) {
			struct proc *nv = reallocarray(v, cap ? cap * 2 : 256, sizeof(*v));

			if (!nv) {
				free(v);
				return eu_fail(err, EU_E_INTERNAL, ENOMEM, "listing processes");
			}
			v = nv;
			cap = cap ? cap * 2 : 256;
		}
		v[*n].pid = pid;
		v[*n].start = start;
		v[(*n)++].ppid = ppid;
	}
	if (v)
		qsort(v, *n, sizeof(*v), by_pid);
	*out = v;
	return 0;
}

/* Is `pid` the thread group `tgid` or one of its descendants? */
static bool descends(const struct proc *v, size_t n, pid_t pid, pid_t tgid)
{
	for (int i = 0; i < MAX_ANCESTORS && pid > 0; i++) {
		struct proc key = { .pid = pid }, *p;

		if (pid == tgid)
			return true;
		if (pid == 1)
			break;
		p = bsearch(&key, v, n, sizeof(*v), by_pid);
		if (!p)
			break;
		pid = p->ppid;
	}
	return false;
}

static bool in_mntns(pid_t pid, pid_t tid, uint32_t mntns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/ns/mnt", (int)pid, (int)tid);
	return stat(path, &st) == 0 && (uint32_t)st.st_ino == mntns;
}

/*
 * Is the pidfd just opened for task `tid` of process `p` still that task of
 * that process, alive (not a zombie)? Its pid may have been reused since the
 * snapshot: the process's start time says.
 */
static bool still_ours(const struct proc *p, pid_t tid)
{
	unsigned long long start;
	pid_t ppid;
	char state;

	if (read_stat(p->pid, tid, &state, &ppid, &start) || state == 'Z' || state == 'X')
		return false;
	if (tid != p->pid && read_stat(p->pid, p->pid, &state, &ppid, &start))
		return false;
	return start == p->start;
}

/* Each thread of process `p` (all, or those in `mntns`), to fn. */
static int walk_threads(const struct proc *p, bool all, uint32_t mntns, eu_task_fn fn, void *ctx,
			unsigned int *missed, struct eu_err *err)
{
	pid_t pid = p->pid;
	char path[64];
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return 0; /* gone */
	while ((de = readdir(d))) {
		pid_t tid = numeric(de->d_name);
		struct eu_task_ref t = { .tid = tid, .tgid = pid };
		_cleanup_close_ int fd = -1;

		if (!tid || (!all && !in_mntns(pid, tid, mntns)))
			continue;
		fd = (int)syscall(SYS_pidfd_open, tid, tid == pid ? 0 : PIDFD_THREAD);
		if (fd < 0) {
			if (errno == EINVAL && tid != pid && missed)
				(*missed)++; /* a kernel without thread pidfds */
			continue;	   /* else gone */
		}
		if (!still_ours(p, tid))
			continue; /* gone, a zombie, or its pid given to another since the snapshot */
		t.pidfd = fd;
		if (fn(ctx, &t, err))
			return -1;
	}
	return 0;
}

int eu_task_walk(pid_t tgid, uint32_t mntns, eu_task_fn fn, void *ctx, unsigned int *threads_missed,
		 struct eu_err *err)
{
	_cleanup_free_ struct proc *v = NULL;
	bool every = !tgid && !mntns;
	size_t n;

	if (threads_missed)
		*threads_missed = 0;
	if (list_procs(&v, &n, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		bool all = every || (tgid && descends(v, n, v[i].pid, tgid));

		if ((all || mntns) && walk_threads(&v[i], all, mntns, fn, ctx, threads_missed, err))
			return -1;
	}
	return 0;
}

bool eu_task_exited(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLIN | POLLHUP));
}
