// SPDX-License-Identifier: GPL-2.0-only
/*
 * eunomia learn --serve: a resident learner for the OCI hook.
 *
 * Loading the learn programs (the kernel's BTF, twice; the verifier; the kernel
 * symbols) takes over a hundred milliseconds, too long to add to every
 * container's start. The server keeps learners on standby: child processes
 * whose tracer is loaded but not attached (an attached one would cost every
 * syscall on the host), each waiting in accept() on the socket. A hook's
 * request (learn_request.h) goes to one of them, which attaches, follows the
 * container, answers "ready PID" and learns as `eunomia learn --oci-state`
 * would; the server then loads the next standby.
 *
 * A learner that has taken a container belongs to the container, not to the
 * server: it leaves the server's session, so that neither a Ctrl-C on the
 * server's terminal nor a stop or restart of the server loses its profile.
 * Idle standbys die with the server (PR_SET_PDEATHSIG).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "evloop.h"
#include "learn_request.h"
#include "usock.h"
#include "learner.h"
#include "serve.h"
#include "tracer.h"

#define PROG "eunomia learn"
#define MAX_STANDBY 16
#define REQUEST_TIMEOUT_MS 5000

/* What a standby tells the server (one write, atomic on a pipe). */
struct report {
	pid_t pid;
	char what; /* 'L' loaded, 'T' took a request */
};

struct standby {
	pid_t pid; /* 0: an empty place */
	bool loaded;
};

struct server {
	const struct learn_opts *o;
	const char *path;
	pid_t self;
	int lfd;       /* the listening socket */
	int report[2]; /* standbys -> server */
	struct eu_evloop *loop;
	int retry; /* the timer of pause_filling() */
	struct standby sb[MAX_STANDBY];
	unsigned int n;
	bool loaded_once;  /* a standby has loaded: the kernel takes our programs */
	bool retry_armed;  /* a standby died: the next is started after a pause */
	bool announced;
};

static struct tracer_opts standby_opts(const struct learn_opts *o)
{
	/* what a request from the hook needs by default: a starting container, counted from its filter */
	return (struct tracer_opts){ .sys_hook = o->sys_hook, .cap_hook = o->cap_hook,
				     .boundary = EU_BOUNDARY_SECCOMP, .verbose = o->verbose > 1 };
}

static void say_report(int fd, char what)
{
	struct report r = { .pid = getpid(), .what = what };

	/* the server reads it or is gone: nothing to do about a failure here */
	if (write(fd, &r, sizeof(r)) < 0)
		return;
}

/*
 * One request, in a learner that has left the server: the hook's arguments, its
 * log as our standard error, and the connection as --ready-fd.
 */
static int serve_request(const struct server *srv, int conn, struct tracer **t, int slog)
{
	_cleanup_free_ char **args = NULL;
	_cleanup_free_ char **argv = NULL;
	struct learn_opts o = { 0 };
	struct eu_err err = { 0 };
	int logfd, null;
	size_t n;

	if (eu_learn_request_recv(conn, REQUEST_TIMEOUT_MS, &args, &n, &logfd, &err)) {
		dprintf(slog, PROG ": learner %d: a bad request on %s: %s\n", (int)getpid(), srv->path,
			err.msg);
		return err.kind;
	}
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(logfd, 2) < 0) {
		dprintf(slog, PROG ": learner %d: %s\n", (int)getpid(), strerror(errno));
		return EU_E_INTERNAL;
	}
	close(null);
	close(logfd);
	argv = calloc(n + 2, sizeof(*argv));
	if (!argv)
		return EU_E_INTERNAL;
	argv[0] = "eunomia learn";
	memcpy(argv + 1, args, n * sizeof(*args));
	if (learn_parse_args((int)n + 1, argv, &o, &err))
		goto fail;
	if (!o.oci_state || o.serve || o.ready_fd >= 0) {
		eu_fail(&err, EU_E_USAGE, 0,
			"a request to the resident learner names a container by --oci-state, and "
			"neither --serve nor --ready-fd");
		goto fail;
	}
	o.ready_fd = conn;
	/* the server's choice of mechanisms, unless the request makes its own */
	if (o.sys_hook == EU_HOOK_NONE)
		o.sys_hook = srv->o->sys_hook;
	if (o.cap_hook == EU_HOOK_NONE)
		o.cap_hook = srv->o->cap_hook;
	if (!srv->o->quiet)
		dprintf(slog, PROG ": learner %d: learning the container of %s\n", (int)getpid(),
			o.oci_state);
	if (learn_run(&o, t, &err))
		goto fail;
	if (!srv->o->quiet)
		dprintf(slog, PROG ": learner %d: profile written to %s\n", (int)getpid(),
			o.output ? o.output : o.merge);
	return 0;
fail:
	dprintf(slog, PROG ": learner %d: %s\n", (int)getpid(), err.msg);
	return eu_report(&err, PROG); /* to the hook's log */
}

/* A standby's life, in the child: load, wait for a request, serve it. Never returns. */
static void standby_main(struct server *srv, bool announce)
{
	struct tracer_opts topts = standby_opts(srv->o);
	struct tracer *t = NULL;
	struct eu_err err = { 0 };
	struct sockaddr_un peer;
	struct timespec t0, t1;
	sigset_t none;
	int conn, rc, slog;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	eu_evloop_free(srv->loop); /* the server's, not this learner's */
	srv->loop = NULL;
	close(srv->report[0]);
	/* an idle standby ends with the server; a race with its death is caught by the ppid */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != srv->self)
		_exit(EU_E_INTERNAL);
	/*
	 * Loading takes a CPU for a good 100 ms, just when a container is starting
	 * (the one that took the last standby): it waits for idle CPU time.
	 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sched_setscheduler(0, SCHED_IDLE, &(struct sched_param){ 0 });
	if (tracer_load(&t, &topts, &err))
		exit(eu_report(&err, PROG));
	tracer_preload_ksyms(t);
	sched_setscheduler(0, SCHED_OTHER, &(struct sched_param){ 0 });
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (srv->o->verbose)
		fprintf(stderr, PROG ": learner %d on standby, loaded in %.0f ms\n", (int)getpid(),
			(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	if (announce && !srv->o->quiet) {
		char desc[1024];

		tracer_describe(t, desc, sizeof(desc));
		fprintf(stderr, PROG ": serving the OCI hook on %s, %u learner%s on standby; %s\n",
			srv->path, srv->n, srv->n > 1 ? "s" : "", desc);
	}
	say_report(srv->report[1], 'L');
	do
		conn = accept4(srv->lfd, (struct sockaddr *)&peer, &(socklen_t){ sizeof(peer) },
			       SOCK_CLOEXEC);
	while (conn < 0 && (errno == EINTR || errno == ECONNABORTED));
	if (conn < 0) {
		fprintf(stderr, PROG ": learner %d: accept: %s\n", (int)getpid(), strerror(errno));
		exit(EU_E_INTERNAL);
	}
	say_report(srv->report[1], 'T');
	close(srv->report[1]);
	close(srv->lfd);
	/* the container's now: out of the server's life and session */
	prctl(PR_SET_PDEATHSIG, 0);
	setsid();
	slog = fcntl(2, F_DUPFD_CLOEXEC, 3);
	rc = serve_request(srv, conn, &t, slog < 0 ? 2 : slog);
	tracer_close(t); /* the standby's, when the request needed other options */
	exit(rc);
}

static int spawn_standby(struct server *srv, struct standby *s, struct eu_err *err)
{
	pid_t pid;

	(void)fflush(NULL); /* nothing buffered twice */
	pid = fork();
	if (pid < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "fork");
	if (pid == 0)
		standby_main(srv, !srv->announced);
	srv->announced = true;
	*s = (struct standby){ .pid = pid };
	return 0;
}

static int fill(struct server *srv, struct eu_err *err)
{
	if (srv->retry_armed)
		return 0;
	for (unsigned int i = 0; i < srv->n; i++)
		if (!srv->sb[i].pid && spawn_standby(srv, &srv->sb[i], err))
			return -1;
	return 0;
}

static struct standby *find(struct server *srv, pid_t pid)
{
	for (unsigned int i = 0; i < srv->n; i++)
		if (srv->sb[i].pid == pid)
			return &srv->sb[i];
	return NULL;
}

/* Start no standby for `ms` milliseconds (a pause already set stays). */
static int pause_filling(struct server *srv, long ms, struct eu_err *err)
{
	if (srv->retry_armed)
		return 0;
	if (eu_evloop_set_timer(srv->retry, (uint64_t)ms * 1000000, 0, err))
		return -1;
	srv->retry_armed = true;
	return 0;
}

static void read_reports(struct server *srv)
{
	struct report r;

	while (read(srv->report[0], &r, sizeof(r)) == sizeof(r)) {
		struct standby *s = find(srv, r.pid);

		if (!s)
			continue;
		if (r.what == 'L') {
			s->loaded = true;
			srv->loaded_once = true;
		} else if (r.what == 'T') {
			*s = (struct standby){ 0 }; /* a learner now, no longer ours */
		}
	}
}

/* Children that ended: standbys are replaced (after a pause when they died on their own). */
static int reap(struct server *srv, struct eu_err *err)
{
	int status;
	pid_t pid;

	read_reports(srv); /* a learner that took a request and ended is no standby */
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct standby *s = find(srv, pid);
		bool loaded;

		if (!s)
			continue; /* a learner that served a container */
		loaded = s->loaded;
		*s = (struct standby){ 0 };
		if (!srv->loaded_once)
			return eu_fail(err, WIFEXITED(status) && WEXITSTATUS(status) == EU_E_KERNEL
						    ? EU_E_KERNEL
						    : EU_E_RUNTIME,
				       0, "no learner could be loaded (see the message above)");
		fprintf(stderr, PROG ": warning: a learner on standby (pid %d) %s; another in 1 s\n",
			(int)pid, loaded ? "ended" : "failed to load");
		if (pause_filling(srv, 1000, err))
			return -1;
	}
	return 0;
}

/* The socket: a stale one is replaced; a live one, or anything but a socket, left alone. */
static int open_socket(struct server *srv, struct eu_err *err)
{
	return eu_usock_listen(srv->path, SOCK_SEQPACKET, "resident learner", &srv->lfd, err);
}

/* SIGCHLD: a child ended; SIGHUP is ignored; SIGINT and SIGTERM stop serving. */
static int on_signal(void *ctx, int signo, struct eu_err *err)
{
	if (signo == SIGCHLD)
		return reap(ctx, err);
	return signo == SIGHUP ? 0 : EU_EV_STOP;
}

static int on_retry(void *ctx, struct eu_err *err)
{
	struct server *srv = ctx;

	srv->retry_armed = false;
	return 0;
}

static int on_report(void *ctx, int fd, uint32_t events, struct eu_err *err)
{
	read_reports(ctx);
	return 0;
}

static int refill(void *ctx, struct eu_err *err)
{
	return fill(ctx, err);
}

/* Idle standbys end with the server; learners that took a container go on. */
static void stop_standbys(struct server *srv)
{
	read_reports(srv);
	for (unsigned int i = 0; i < srv->n; i++)
		if (srv->sb[i].pid)
			kill(srv->sb[i].pid, SIGKILL);
	for (unsigned int i = 0; i < srv->n; i++)
		if (srv->sb[i].pid)
			waitpid(srv->sb[i].pid, NULL, 0);
}

int learn_serve(const struct learn_opts *o, struct eu_err *err)
{
	struct server srv = { .o = o, .path = o->socket ? o->socket : EU_LEARN_SOCKET,
			      .self = getpid(), .lfd = -1, .report = { -1, -1 }, .retry = -1,
			      .n = o->standby ? o->standby : 1 };
	sigset_t mask;
	int rc = -1;

	if (geteuid() != 0)
		return eu_fail(err, EU_E_USAGE, 0, "--serve loads BPF programs: run it as root");
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	if (eu_evloop_new(&srv.loop, err) ||
	    eu_evloop_add_signals(srv.loop, &mask, on_signal, &srv, err) ||
	    eu_evloop_add_timer(srv.loop, 0, on_retry, &srv, &srv.retry, err))
		goto out;
	if (pipe2(srv.report, O_CLOEXEC | O_NONBLOCK) < 0) {
		eu_fail(err, EU_E_INTERNAL, errno, "setting up the server");
		goto out;
	}
	/* the server reads without waiting; a standby writes with (a full pipe is a busy server) */
	fcntl(srv.report[1], F_SETFL, 0);
	if (open_socket(&srv, err))
		goto out;
	if (eu_evloop_add_fd(srv.loop, srv.report[0], EPOLLIN, on_report, &srv, err))
		goto unlink_out;
	/* a standby is started now, and again after each batch of events that ended one */
	eu_evloop_after(srv.loop, refill, &srv);
	if (fill(&srv, err) || eu_evloop_run(srv.loop, err))
		goto unlink_out;
	rc = 0;
	if (!o->quiet)
		fprintf(stderr, PROG ": no longer serving %s; learners of running containers go on\n",
			srv.path);
unlink_out:
	stop_standbys(&srv);
	unlink(srv.path);
out:
	if (srv.lfd >= 0)
		close(srv.lfd);
	for (int i = 0; i < 2; i++)
		if (srv.report[i] >= 0)
			close(srv.report[i]);
	eu_evloop_free(srv.loop);
	return rc;
}
