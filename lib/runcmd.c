// SPDX-License-Identifier: GPL-2.0-only
/* Run a helper program and capture what it prints (see spawn.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "runcmd.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct capture {
	int fd;
	char *buf;
	size_t len, max;
	bool truncated;
};

/* Read what is available; returns 1 at EOF, 0 otherwise, -1 on error. */
static int capture_read(struct capture *c)
{
	char tmp[4096];
	ssize_t n = read(c->fd, tmp, sizeof(tmp));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return 1;
	if (c->len + (size_t)n > c->max) {
		c->truncated = true;
		n = (ssize_t)(c->max - c->len);
	}
	if (n > 0) {
		char *nb = realloc(c->buf, c->len + (size_t)n + 1);

		if (!nb)
			return -1;
		c->buf = nb;
		memcpy(c->buf + c->len, tmp, (size_t)n);
		c->len += (size_t)n;
		c->buf[c->len] = '\0';
	}
	return 0;
}

int eu_run_capture(char *const argv[], int timeout_ms, size_t max_out, char **out, size_t *len,
		   struct eu_err *err)
{
	int opipe[2] = { -1, -1 }, epipe[2] = { -1, -1 };
	struct capture co = { .fd = -1, .max = max_out }, ce = { .fd = -1, .max = 2048 };
	posix_spawn_file_actions_t fa;
	long long deadline = now_ms() + timeout_ms;
	bool timed_out = false;
	pid_t pid;
	int status, rc, open_fds = 2;

	if (pipe2(opipe, O_CLOEXEC) < 0 || pipe2(epipe, O_CLOEXEC) < 0) {
		rc = eu_fail(err, EU_E_INTERNAL, errno, "cannot create a pipe");
		goto out_pipes;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, opipe[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, epipe[1], STDERR_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		rc = eu_fail(err, EU_E_RUNTIME, rc, "cannot run %s", argv[0]);
		goto out_pipes;
	}
	close(opipe[1]);
	close(epipe[1]);
	opipe[1] = epipe[1] = -1;
	co.fd = opipe[0];
	ce.fd = epipe[0];
	opipe[0] = epipe[0] = -1; /* owned by the captures now */

	while (open_fds > 0) {
		struct pollfd pfd[2] = { { co.fd, POLLIN, 0 }, { ce.fd, POLLIN, 0 } };
		long long left = deadline - now_ms();

		if (left <= 0) {
			timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(pfd, 2, (int)left) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			struct capture *c = i ? &ce : &co;

			if (c->fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (capture_read(c)) {
				close(c->fd);
				c->fd = -1;
				open_fds--;
			}
		}
		pfd[0].fd = co.fd;
		pfd[1].fd = ce.fd;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out) {
		rc = eu_fail(err, EU_E_RUNTIME, 0, "%s did not answer within %d ms", argv[0],
			     timeout_ms);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		char *msg = ce.buf ? ce.buf : "";
		size_t n = strlen(msg);

		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		rc = eu_fail(err, EU_E_RUNTIME, 0, "%s failed (%s %d)%s%s", argv[0],
			     WIFEXITED(status) ? "exit status" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			     n ? ": " : "", msg);
	} else if (co.truncated) {
		rc = eu_fail(err, EU_E_RUNTIME, 0, "%s printed more than %zu bytes", argv[0],
			     max_out);
	} else {
		*out = co.buf ? co.buf : strdup("");
		*len = co.len;
		co.buf = NULL;
		rc = *out ? 0 : eu_fail(err, EU_E_INTERNAL, ENOMEM, "capturing output");
	}
out_pipes:
	for (int i = 0; i < 2; i++) {
		if (opipe[i] >= 0)
			close(opipe[i]);
		if (epipe[i] >= 0)
			close(epipe[i]);
	}
	if (co.fd > 0)
		close(co.fd);
	if (ce.fd > 0)
		close(ce.fd);
	free(co.buf);
	free(ce.buf);
	return rc;
}

static int executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	return access(path, X_OK) < 0 ? -errno : 0;
}

int eu_find_program(const char *name, char **path, struct eu_err *err)
{
	const char *dirs = getenv("PATH");
	int rc = -ENOENT;

	if (!*name)
		return eu_fail(err, EU_E_CHILD, ENOENT, "cannot run ''");
	if (strchr(name, '/')) {
		rc = executable(name);
		if (rc)
			return eu_fail(err, EU_E_CHILD, -rc, "cannot run %s", name);
		*path = strdup(name);
		return *path ? 0 : eu_fail(err, EU_E_INTERNAL, ENOMEM, "copying a path");
	}
	/* execvp's default when PATH is unset */
	if (!dirs)
		dirs = "/bin:/usr/bin";
	while (*dirs) {
		size_t n = strcspn(dirs, ":");
		_cleanup_free_ char *p = NULL;
		int r;

		if (asprintf(&p, "%.*s/%s", (int)n, n ? dirs : ".", name) < 0) {
			p = NULL;
			return eu_fail(err, EU_E_INTERNAL, ENOMEM, "searching PATH");
		}
		r = executable(p);
		if (!r) {
			*path = eu_steal(p);
			return 0;
		}
		/* Like execvp: a file found but not runnable is worth reporting. */
		if (r == -EACCES)
			rc = r;
		dirs += n + (dirs[n] == ':');
	}
	return eu_fail(err, EU_E_CHILD, -rc, "cannot run %s", name);
}
