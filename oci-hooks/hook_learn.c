// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hook's learn path: check where the profile goes, hand the container to
 * the resident learner or start `eunomia learn --oci-state` detached from the
 * runtime, and at poststop wait for that learner (bounded) and stop it if need be.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "file.h"
#include "hook.h"
#include "learn_request.h"
#include "profile_yaml.h"

/* Is `path` (resolved) `dir` itself or inside it? */
static bool inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n > 1 && dir[n - 1] == '/')
		n--;
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/*
 * Where the learner may write: an absolute path without '.' or '..' components,
 * in a directory that resolves inside one of learn_dirs, whose last component is
 * not a symlink, and that holds nothing or an eunomia profile. *out: the path
 * with its directory resolved. *exists: there is a profile to merge into.
 */
static int check_output(const struct eu_hook_conf *conf, const char *path, char **out,
			bool *exists, struct eu_err *err)
{
	_cleanup_free_ char *dcopy = NULL, *bcopy = NULL, *real = NULL;
	struct eu_profile *p = NULL;
	const char *base;
	struct stat st;
	size_t i;

	size_t len = strlen(path);

	if (path[0] != '/' || strstr(path, "/../") || strstr(path, "/./") || path[len - 1] == '/' ||
	    (len >= 3 && !strcmp(path + len - 3, "/..")) || (len >= 2 && !strcmp(path + len - 2, "/.")))
		return eu_fail(err, EU_E_USAGE, 0,
			       "io.eunomia.learn=%s: expected an absolute path to a file, without "
			       "'.' or '..'",
			       path);
	dcopy = strdup(path);
	bcopy = strdup(path);
	if (!dcopy || !bcopy)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "checking %s", path);
	base = basename(bcopy);
	real = realpath(dirname(dcopy), NULL);
	if (!real)
		/* cppcheck-suppress memleak ; dcopy is _cleanup_free_ */
		return eu_fail(err, EU_E_IO, errno, "io.eunomia.learn=%s: its directory", path);
	for (i = 0; i < conf->n_learn_dirs; i++) {
		_cleanup_free_ char *allowed = realpath(conf->learn_dirs[i], NULL);

		if (allowed && inside(real, allowed))
			break;
	}
	if (i == conf->n_learn_dirs)
		return eu_fail(err, EU_E_USAGE, 0,
			       "io.eunomia.learn=%s: %s is not inside a directory that learn_dirs "
			       "allows (%s%s)",
			       path, real, conf->learn_dirs[0], conf->n_learn_dirs > 1 ? ", ..." : "");
	if (asprintf(out, "%s/%s", real, base) < 0)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "checking %s", path);
	*exists = false;
	if (lstat(*out, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return eu_fail(err, EU_E_IO, errno, "io.eunomia.learn=%s", path);
	}
	if (S_ISLNK(st.st_mode))
		return eu_fail(err, EU_E_USAGE, 0,
			       "io.eunomia.learn=%s is a symbolic link; it is not followed", path);
	if (!S_ISREG(st.st_mode))
		return eu_fail(err, EU_E_USAGE, 0, "io.eunomia.learn=%s is not a regular file", path);
	if (eu_profile_load(*out, &p, err)) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		return eu_fail(err, EU_E_USAGE, 0,
			       "io.eunomia.learn=%s holds something that is not an eunomia profile "
			       "(%s); it is not overwritten",
			       path, why);
	}
	eu_profile_free(p);
	*exists = true;
	return 0;
}

static char *state_file(const struct eu_hook_conf *conf, const char *id, const char *ext)
{
	char *p;

	return asprintf(&p, "%s/%s.%s", conf->state_dir, id, ext) < 0 ? NULL : p;
}

/* The learner's pid and start time, as the hook recorded them; 0 when none or gone. */
static pid_t recorded_learner(const char *pidfile)
{
	_cleanup_fclose_ FILE *f = fopen(pidfile, "re");
	unsigned long long start = 0;
	uint64_t now;
	int pid = 0;

	if (!f || fscanf(f, "%d %llu", &pid, &start) != 2 || pid <= 0)
		return 0;
	/* a pid whose process is gone may be someone else's by now */
	if (eu_proc_start_time(pid, &now) < 0 || now != start)
		return 0; /* cppcheck-suppress resourceLeak ; _cleanup_fclose_ closes f */
	return pid; /* cppcheck-suppress resourceLeak */
}

/* Wait up to `seconds` for process `pid` (not our child) to exit. */
static bool wait_exit(pid_t pid, unsigned int seconds)
{
	_cleanup_close_ int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p;

	if (fd < 0)
		return errno == ESRCH;
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (poll(&p, 1, (int)seconds * 1000) < 0)
		if (errno != EINTR)
			return false;
	return p.revents & POLLIN;
}

/* Print the learner's own messages (warnings, errors) as the hook's. */
static void forward_log(const char *logfile, const char *id)
{
	_cleanup_fclose_ FILE *f = fopen(logfile, "re");
	char line[1024];

	while (f && fgets(line, sizeof(line), f))
		fprintf(stderr, PROG ": container %s: %s", id, line);
}

static void write_pidfile(const char *pidfile, pid_t pid)
{
	struct eu_err ignored = { 0 };
	char text[64];
	uint64_t start;
	int n;

	/* Without it poststop cannot find the learner, which still ends with the container. */
	if (eu_proc_start_time(pid, &start) < 0)
		return;
	n = snprintf(text, sizeof(text), "%d %llu\n", (int)pid, (unsigned long long)start);
	eu_write_file_atomic(pidfile, text, (size_t)n, 0600, &ignored);
}

/* The learner's arguments after "eunomia learn", whoever runs it; returns how many. */
static size_t learner_args(char **argv, const char *statefile, const char *out, bool merge,
			   const char *boundary)
{
	size_t n = 0;

	argv[n++] = "-q";
	argv[n++] = "--oci-state";
	argv[n++] = (char *)statefile;
	argv[n++] = merge ? "--merge" : "-o";
	argv[n++] = (char *)out;
	if (boundary) {
		argv[n++] = "--boundary";
		argv[n++] = (char *)boundary;
	}
	argv[n] = NULL;
	return n;
}

/* The learner, twice forked so that it is nobody's child but init's, and out of the runtime's session. */
static void spawn_learner(const struct eu_hook_conf *conf, char **args, size_t nargs,
			  const char *pidfile, int logfd, int ready)
{
	pid_t pid;

	if (setsid() < 0)
		_exit(1);
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0) {
		write_pidfile(pidfile, pid);
		_exit(0);
	}
	{
		char *argv[16] = { "eunomia", "learn", "--ready-fd", "3" };
		int fd;

		memcpy(argv + 4, args, (nargs + 1) * sizeof(*args));
		/* No runtime pipe may stay open in the learner, or the runtime waits for it. */
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(logfd, 2) < 0 ||
		    dup2(ready, 3) < 0)
			_exit(1);
		syscall(SYS_close_range, 4, ~0U, 0);
		execv(conf->eunomia, argv);
		dprintf(2, "cannot run %s: %s\n", conf->eunomia, strerror(errno));
		_exit(127);
	}
}

/*
 * Hand the container to the resident learner (eunomia learn --serve), whose
 * programs are loaded already: 1 when there is none (the hook starts a learner
 * itself), 0 when handed (*conn answers "ready PID"), -1 on an error.
 */
static int hand_over(const struct eu_hook_conf *conf, char **args, size_t nargs, int logfd,
		     int *conn, struct eu_err *err)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;

	if (!conf->learn_socket)
		return 1;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", conf->learn_socket);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "socket");
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			return 1; /* no server, or a stale socket */
		return eu_fail(err, EU_E_RUNTIME, errno, "cannot reach the resident learner at %s",
			       conf->learn_socket);
	}
	if (eu_learn_request_send(fd, args, nargs, logfd, err))
		return -1;
	*conn = eu_steal_fd(&fd);
	return 0;
}

int hook_start_learning(const struct eu_hook_conf *conf, const struct eu_oci_state *st,
			const char *state_text, size_t state_len, struct eu_err *err)
{
	const char *want = eu_oci_annotation(st, "io.eunomia.learn");
	const char *merge = eu_oci_annotation(st, "io.eunomia.learn.merge");
	const char *boundary = eu_oci_annotation(st, "io.eunomia.learn.boundary");
	_cleanup_free_ char *out = NULL, *statefile = NULL, *logfile = NULL, *pidfile = NULL;
	_cleanup_close_ int ready_r = -1, logfd = -1;
	char *args[16];
	size_t nargs;
	int ready[2], status, no_server;
	struct pollfd p;
	char buf[32] = "";
	bool exists;
	pid_t pid;

	if (!want)
		return 0; /* nothing asked of us */
	if (merge && strcmp(merge, "true") && strcmp(merge, "false"))
		return eu_fail(err, EU_E_USAGE, 0, "io.eunomia.learn.merge=%s: expected true or false",
			       merge);
	if (boundary && strcmp(boundary, "auto") && eu_boundary_from_name(boundary) < 0)
		return eu_fail(err, EU_E_USAGE, 0,
			       "io.eunomia.learn.boundary=%s: expected auto, seccomp-filter, exec or "
			       "none",
			       boundary);
	if (check_output(conf, want, &out, &exists, err))
		return -1;
	/* An existing profile is replaced, or with merge=true this run is folded into it. */
	exists = exists && merge && !strcmp(merge, "true");
	statefile = state_file(conf, st->id, "json");
	logfile = state_file(conf, st->id, "log");
	pidfile = state_file(conf, st->id, "pid");
	if (!statefile || !logfile || !pidfile)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "naming the hook's files");
	if (mkdir(conf->state_dir, 0700) < 0 && errno != EEXIST)
		return eu_fail(err, EU_E_IO, errno, "cannot create %s", conf->state_dir);
	if (eu_write_file_atomic(statefile, state_text, state_len, 0600, err))
		return -1;
	logfd = open(logfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (logfd < 0)
		return eu_fail(err, EU_E_IO, errno, "cannot create %s", logfile);
	nargs = learner_args(args, statefile, out, exists, boundary);
	no_server = hand_over(conf, args, nargs, logfd, &ready_r, err);
	if (no_server < 0)
		return -1;
	if (no_server) { /* no resident learner: start one, and wait while it loads */
		if (pipe2(ready, O_CLOEXEC) < 0)
			return eu_fail(err, EU_E_INTERNAL, errno, "pipe");
		ready_r = ready[0];
		pid = fork();
		if (pid < 0) {
			close(ready[1]);
			return eu_fail(err, EU_E_INTERNAL, errno, "fork");
		}
		if (pid == 0)
			spawn_learner(conf, args, nargs, pidfile, logfd, ready[1]);
		close(ready[1]);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	/* "ready PID" once the learner follows the container; EOF if it failed first */
	p = (struct pollfd){ .fd = ready_r, .events = POLLIN };
	if (poll(&p, 1, (int)conf->timeout * 1000) > 0 && read(ready_r, buf, sizeof(buf) - 1) > 0 &&
	    !strncmp(buf, "ready", 5)) {
		long lp = strtol(buf + 5, NULL, 10);

		if (!no_server && lp > 0)
			write_pidfile(pidfile, (pid_t)lp); /* for poststop, which waits for it */
		return 0;
	}
	pid = recorded_learner(pidfile);
	if (pid > 0)
		kill(pid, SIGKILL);
	forward_log(logfile, st->id);
	unlink(pidfile);
	unlink(statefile);
	return eu_fail(err, EU_E_RUNTIME, 0,
		       "container %s: the learner did not start within %u s (see the messages "
		       "above)",
		       st->id, conf->timeout);
}

int hook_stop_learning(const struct eu_hook_conf *conf, const struct eu_oci_state *st,
		       struct eu_err *err)
{
	_cleanup_free_ char *statefile = state_file(conf, st->id, "json");
	_cleanup_free_ char *logfile = state_file(conf, st->id, "log");
	_cleanup_free_ char *pidfile = state_file(conf, st->id, "pid");
	const char *want = eu_oci_annotation(st, "io.eunomia.learn");
	struct stat sb;
	int rc = 0;
	pid_t pid;

	if (!statefile || !logfile || !pidfile)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "naming the hook's files");
	if (stat(pidfile, &sb) < 0)
		return 0; /* no learner was started for this container */
	pid = recorded_learner(pidfile);
	/* The container is gone: the learner writes its profile and exits by itself. */
	if (pid > 0 && !wait_exit(pid, conf->timeout)) {
		kill(pid, SIGTERM); /* learn writes the profile on SIGTERM too */
		if (!wait_exit(pid, 5)) {
			kill(pid, SIGKILL);
			rc = eu_fail(err, EU_E_RUNTIME, 0,
				     "container %s: the learner did not finish and was killed; "
				     "%s may hold the profile of an earlier run",
				     st->id, want ? want : "the profile");
		}
	}
	forward_log(logfile, st->id);
	unlink(pidfile);
	unlink(statefile);
	unlink(logfile);
	return rc;
}
