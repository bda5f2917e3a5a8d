// SPDX-License-Identifier: GPL-2.0-only
/* The command's seccomp listener, handed to the monitor before it runs (see handoff.h). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "handoff.h"
#include "listener.h"

#define WAIT_MS 10000 /* for the filter to be loaded, then for the monitor */

/* The descriptor number of pid's seccomp listener, once it has one; -1 until then. */
static int listener_of(pid_t pid)
{
	char dir[64], path[320], target[64];
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			if (!strcmp(target, "anon_inode:seccomp notify"))
				return atoi(de->d_name);
		}
	}
	return -1;
}

static void helper(pid_t enforced, const char *metadata)
{
	struct timespec pause = { 0, 1000000L };
	struct eu_err err = { 0 };
	int pidfd = (int)syscall(SYS_pidfd_open, enforced, 0), n = -1, l = -1;

	for (int ms = 0; pidfd >= 0 && ms < WAIT_MS && (n = listener_of(enforced)) < 0; ms++)
		nanosleep(&pause, NULL);
	if (n >= 0)
		l = (int)syscall(SYS_pidfd_getfd, pidfd, n, 0);
	if (l < 0) {
		eu_fail(&err, EU_E_KERNEL, errno, "cannot take the command's seccomp listener");
	} else if (!eu_listener_send(EU_SECCOMP_SOCKET, l, enforced, metadata, NULL, &err)) {
		_exit(0);
	}
	fprintf(stderr, "eunomia enforce: %s; the command is stopped before it runs\n", err.msg);
	if (pidfd >= 0)
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	_exit(1);
}

int eu_handoff_start(const char *metadata, struct eu_err *err)
{
	pid_t enforced = getpid(), mid = fork();
	int status;

	if (mid < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "cannot start the hand-over to the monitor");
	if (mid == 0) {
		/* a grandchild: the command, which this process becomes, never waits for it */
		pid_t h = fork();

		if (h == 0)
			helper(enforced, metadata);
		_exit(h < 0 ? 1 : 0);
	}
	while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return eu_fail(err, EU_E_INTERNAL, 0, "cannot start the hand-over to the monitor");
	return 0;
}
