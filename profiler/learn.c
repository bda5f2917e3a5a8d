// SPDX-License-Identifier: GPL-2.0-only
/*
 * eunomia learn: trace one container (or one command) and write its profile.
 * The kernel side aggregates; this file resolves the target, runs the event
 * loop, decides when learning ends, and writes the profile atomically.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "container.h"
#include "ctable.h"
#include "events.h"
#include "evloop.h"
#include "file.h"
#include "metrics.h"
#include "oci_state.h"
#include "profile_yaml.h"
#include "syscalls.h"
#include "learn_int.h"
#include "learner.h"
#include "tracer.h"


/* Fail before learning, not after an hour of it, when the profile cannot be written. */
static int check_output_dir(const char *path, struct eu_err *err)
{
	_cleanup_free_ char *copy = NULL;
	const char *dir;

	if (!path || !strcmp(path, "-"))
		return 0;
	copy = strdup(path);
	if (!copy)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "checking %s", path);
	dir = dirname(copy);
	if (access(dir, W_OK | X_OK) < 0)
		return eu_fail(err, EU_E_IO, errno, "cannot write the profile into %s", dir);
	return 0;
}

static double elapsed(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * The executables of an exec: the file that runs (resolved by the kernel side,
 * so busybox's re-exec through /proc/self/exe reads /bin/busybox) and, when
 * different and absolute, the name it was asked for (a script, a symlink).
 */
static int add_exec(struct eu_profile *p, const struct learn_event *e, struct eu_err *err)
{
	const char *req = e->request;

	if (e->path[0] && eu_strv_add_sorted(&p->execs, e->path, err))
		return -1;
	if (req[0] != '/' || !strcmp(req, e->path) || !strncmp(req, "/proc/", 6) ||
	    !strncmp(req, "/dev/fd/", 8))
		return 0;
	return eu_strv_add_sorted(&p->execs, req, err);
}


/* Write one event; a failure is reported once, and events stop (learning goes on). */
static void emit_event(struct learn_run *r, const struct eu_event *ev)
{
	struct eu_err err = { 0 };

	if (!eu_events_write(r->ev, ev, &err))
		return;
	fprintf(stderr, PROG ": warning: %s; no more events are written, learning goes on\n",
		err.msg);
	eu_events_close(r->ev);
	r->ev = NULL;
}

/* An info event about the learning itself (began, ended). */
static void say(struct learn_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct learn_run *r, const char *fmt, ...)
{
	struct eu_event ev = { .level = EU_LEVEL_INFO, .kind = "learn" };
	char msg[512];
	va_list ap;

	if (!r->ev)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ev.message = msg;
	eu_event_set_container(&ev, learn_target(r));
	emit_event(r, &ev);
}

/* --events: a syscall, capability or executable seen for the first time. */
static void write_learned(struct learn_run *r, const struct learn_event *e)
{
	struct eu_event ev = { .level = EU_LEVEL_INFO, .action = "learned", .pid = (pid_t)e->tgid,
			       .tid = (pid_t)e->pid, .ppid = (pid_t)e->ppid };
	struct json_object *o = json_object_new_object();
	char comm[LEARN_COMM_LEN + 1], exe[PATH_MAX];

	if (!o)
		return; /* no memory: a later allocation fails the learning itself */
	memcpy(comm, e->comm, LEARN_COMM_LEN);
	comm[LEARN_COMM_LEN] = '\0';
	eu_proc_exe((pid_t)e->tgid, exe, sizeof(exe));
	ev.comm = comm;
	ev.exe = exe[0] ? exe : NULL;
	switch (e->kind) {
	case LEARN_EV_SYSCALL:
		ev.kind = ev.detail_key = "syscall";
		eu_event_add_syscall(o, (int)e->arch, e->nr);
		break;
	case LEARN_EV_CAP:
		ev.kind = ev.detail_key = "capability";
		eu_event_add_capability(o, e->nr, e->ret == 0);
		break;
	default:
		ev.kind = ev.detail_key = "exec";
		json_object_object_add(o, "path", json_object_new_string(e->path[0] ? e->path : "?"));
		if (e->request[0] && strcmp(e->request, e->path))
			json_object_object_add(o, "requested", json_object_new_string(e->request));
		if (e->path[0])
			ev.exe = e->path;
		break;
	}
	if (e->setup) /* before the boundary: the runtime's, not in the profile */
		json_object_object_add(o, "runtime_setup", json_object_new_boolean(1));
	ev.detail = o;
	eu_event_set_container(&ev, learn_target(r));
	emit_event(r, &ev);
}

static void on_event(void *ctx, const struct learn_event *e)
{
	struct learn_run *r = ctx;
	int verbose = r->o->verbose;

	if (r->ev && e->kind != LEARN_EV_EMPTY &&
	    !(e->kind == LEARN_EV_CAP && tracer_cap_is_noaudit(r->tracer, e)))
		write_learned(r, e);

	switch (e->kind) {
	case LEARN_EV_EXEC:
		if (!r->event_failed && add_exec(r->profile, e, &r->event_err))
			r->event_failed = true;
		if (verbose)
			fprintf(stderr, PROG ": exec %s as %s (pid %u)\n",
				e->path[0] ? e->path : "?", e->request, e->tgid);
		break;
	case LEARN_EV_EMPTY:
		r->empty = true;
		break;
	case LEARN_EV_SYSCALL:
		if (verbose) {
			_cleanup_free_ char *name = eu_syscall_name((int)e->arch, e->nr);

			fprintf(stderr, PROG ": %ssyscall %s %s (%d) by pid %u (%.16s)\n",
				e->setup ? "runtime setup " : "", eu_arch_name((int)e->arch),
				name ? name : "?", e->nr, e->tgid, e->comm);
		}
		break;
	case LEARN_EV_CAP:
		if (verbose) {
			_cleanup_free_ char *name = eu_cap_name(e->nr);
			bool probe = tracer_cap_is_noaudit(r->tracer, e);

			/* Unaudited probes (every mmap checks CAP_SYS_ADMIN) only at -vv. */
			if (probe && verbose < 2)
				break;
			fprintf(stderr, PROG ": %scapability %s %s by pid %u (%.16s)%s\n",
				e->setup ? "runtime setup " : "", name ? name : "?",
				e->ret ? "denied" : "granted", e->tgid, e->comm,
				probe ? " (an unaudited probe: not in the profile)" : "");
		}
		break;
	}
}

static void reap_child(struct learn_run *r)
{
	int status;

	while (r->child && waitpid(r->child, &status, WNOHANG) > 0) {
		r->child_status = status;
		r->child_exited = true;
		r->child = 0;
	}
}

/* A stop (signal or --duration): a command is asked to exit and given --grace to do so. */
static void request_stop(struct learn_run *r, int sig)
{
	if (r->stop_requested) {
		r->empty = true; /* second request: stop now */
		return;
	}
	r->stop_requested = true;
	r->stop_signal = sig;
	if (r->child) {
		kill(r->child, sig ? sig : SIGTERM);
		r->grace_deadline = elapsed(&r->t0) + r->o->grace;
	} else {
		r->empty = true;
	}
}


/*
 * --checkpoint: the profile as it would be if learning stopped now, written
 * atomically where the final one goes. The run's own state is not touched.
 */
static int write_checkpoint(struct learn_run *r, struct eu_err *err)
{
	const char *dest = r->o->output ? r->o->output : r->o->merge;
	struct eu_profile *now = NULL, *out = NULL;
	int rc = -1;

	now = eu_profile_copy(r->profile, err);
	if (!now || tracer_collect(r->tracer, now, err) ||
	    learn_fill_metadata(r, now, elapsed(&r->t0), err))
		goto out;
	if (r->merged) {
		out = eu_profile_copy(r->merged, err);
		if (!out || eu_profile_merge(out, now, err))
			goto out;
	}
	rc = eu_profile_save(out ? out : now, dest, err);
out:
	eu_profile_free(now);
	eu_profile_free(out);
	return rc;
}

/* --until-quiet: nothing new, once the news still queued is read. */
static bool quiet_enough(struct learn_run *r)
{
	tracer_consume(r->tracer);
	return (double)tracer_quiet_ns(r->tracer) >= r->o->until_quiet * 1e9;
}

/* SIGCHLD reaps the command; SIGHUP reopens --events FILE; the others stop learning. */
static int on_signal(void *ctx, int signo, struct eu_err *err)
{
	struct learn_run *r = ctx;
	struct eu_err reopen = { 0 };

	if (signo == SIGCHLD)
		reap_child(r);
	else if (signo == SIGHUP && r->ev && r->o->events && strcmp(r->o->events, "-")) {
		if (eu_events_reopen(r->ev, &reopen))
			fprintf(stderr, PROG ": warning: %s\n", reopen.msg);
	} else
		request_stop(r, signo);
	return 0;
}

static int on_tick(void *ctx, struct eu_err *err)
{
	struct learn_run *r = ctx;
	uint64_t live;

	/* The kernel's live counter is exact; this walk is the safety net. */
	if (tracer_count_live(r->tracer, &live, err))
		return -1;
	if (!live)
		r->empty = true;
	if (r->o->duration > 0 && !r->stop_requested && elapsed(&r->t0) >= r->o->duration)
		request_stop(r, 0);
	if (r->o->until_quiet > 0 && !r->stop_requested && quiet_enough(r)) {
		double q = (double)tracer_quiet_ns(r->tracer) / 1e9;

		if (!r->o->quiet)
			fprintf(stderr, PROG ": nothing new for %.1f s: learning ends\n", q);
		say(r, "nothing new for %.1f s: learning ends", q);
		request_stop(r, 0);
	}
	if (r->stop_requested && r->child && elapsed(&r->t0) >= r->grace_deadline)
		r->empty = true;
	if (r->o->checkpoint > 0 && !r->empty && elapsed(&r->t0) >= r->next_checkpoint) {
		struct eu_err cerr = { 0 };

		r->next_checkpoint = elapsed(&r->t0) + r->o->checkpoint;
		tracer_consume(r->tracer); /* executables up to now */
		if (write_checkpoint(r, &cerr))
			fprintf(stderr, PROG ": warning: checkpoint: %s\n", cerr.msg);
		else
			say(r, "checkpoint written");
	}
	return 0;
}

static int on_ring(void *ctx, int fd, uint32_t events, struct eu_err *err)
{
	struct learn_run *r = ctx;

	if (tracer_consume(r->tracer) < 0)
		return eu_fail(err, EU_E_KERNEL, errno, "reading the BPF ring buffer");
	return 0;
}

static int on_metrics(void *ctx, int fd, uint32_t events, struct eu_err *err)
{
	struct learn_run *r = ctx;

	tracer_consume(r->tracer);
	eu_metrics_server_run(r->metrics);
	return 0;
}

/* Learning ends once every traced task is gone (or a stop made it so), seen after each batch. */
static int all_gone(void *ctx, struct eu_err *err)
{
	const struct learn_run *r = ctx;

	return r->empty ? EU_EV_STOP : 0;
}

static int event_loop(struct learn_run *r, struct eu_evloop *l, struct eu_err *err)
{
	uint64_t tick = 1000000000;

	/* checkpoints more often than the tick */
	if (r->o->checkpoint > 0 && r->o->checkpoint < 1)
		tick = (uint64_t)(r->o->checkpoint * 1e9);
	if (eu_evloop_add_timer(l, tick, on_tick, r, NULL, err) ||
	    eu_evloop_add_fd(l, tracer_epoll_fd(r->tracer), EPOLLIN, on_ring, r, err) ||
	    (r->metrics && eu_evloop_add_fd(l, eu_metrics_server_fd(r->metrics), EPOLLIN,
					    on_metrics, r, err)))
		return -1;
	eu_evloop_after(l, all_gone, r);
	if (!r->empty && eu_evloop_run(l, err))
		return -1;
	/* Events still queued (an exec just before the end) belong to the profile. */
	tracer_consume(r->tracer);
	reap_child(r);
	return 0;
}

/* The container of an OCI state document; *starting when the runtime is still creating it. */
static int container_from_state_file(const char *path, struct eu_container *ct, bool *starting,
				     struct eu_err *err)
{
	_cleanup_free_ char *buf = NULL;
	struct eu_oci_state st;
	size_t len;
	int rc;

	if (eu_read_file(path, EU_INPUT_MAX, &buf, &len, err) ||
	    eu_oci_state_parse(path, buf, len, true, &st, err))
		return -1;
	rc = eu_container_from_oci_state(&st, ct, err);
	*starting = st.status && (!strcmp(st.status, "creating") || !strcmp(st.status, "created"));
	eu_oci_state_free(&st);
	return rc;
}

/* Tell whoever waits (an OCI hook) that the container is followed from here on. */
static int signal_ready(int fd, struct eu_err *err)
{
	if (fd < 0)
		return 0;
	char msg[32];
	int n = snprintf(msg, sizeof(msg), "ready %d\n", (int)getpid());

	/* the pid: a hook that handed the container to a resident learner waits for it at poststop */
	if (eu_write_all(fd, msg, (size_t)n) < 0) {
		eu_fail(err, EU_E_IO, errno, "writing to --ready-fd %d", fd); /* before close() */
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int learn_run(struct learn_opts *o, struct tracer **standby, struct eu_err *err)
{
	struct learn_run r = { .o = o };
	struct eu_profile *merged = NULL, *out;
	struct tracer_opts topts = { 0 };
	_cleanup_close_ int go = -1, exec_status = -1, stats_fd = -1;
	struct eu_evloop *loop = NULL;
	const char *dest = o->output ? o->output : o->merge;
	uint32_t own_mntns = 0;
	bool starting = false;
	char desc[1024];
	sigset_t mask;
	double seconds;
	int rc = -1;

	if (o->merge && eu_profile_load(o->merge, &merged, err))
		return -1;
	if (check_output_dir(dest, err))
		goto out;
	if (o->target && eu_container_lookup(o->target, o->runtime_root, &r.ct, err))
		goto out;
	if (o->oci_state && container_from_state_file(o->oci_state, &r.ct, &starting, err))
		goto out;
	/*
	 * A container the runtime is still building counts from the seccomp
	 * filter load, or from its execve when no filter is loaded first: what
	 * the runtime did before is setup. A running one counts from now.
	 */
	if (o->boundary >= 0 && !starting) {
		eu_fail(err, EU_E_USAGE, 0,
			"--boundary is for a container that is starting (--oci-state with status "
			"creating or created): a running one has crossed it already");
		goto out;
	}
	if (o->command || (o->boundary < 0 && !starting))
		r.boundary = EU_BOUNDARY_NONE;
	else
		r.boundary = o->boundary < 0 ? EU_BOUNDARY_SECCOMP : (enum eu_boundary)o->boundary;
	r.profile = eu_profile_new();
	if (!r.profile) {
		eu_fail(err, EU_E_INTERNAL, ENOMEM, "allocating a profile");
		goto out;
	}

	/* Signals arrive through the event loop, never asynchronously. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	if (eu_evloop_new(&loop, err) || eu_evloop_add_signals(loop, &mask, on_signal, &r, err))
		goto out;

	topts.sys_hook = o->sys_hook;
	topts.cap_hook = o->cap_hook;
	topts.boundary = r.boundary;
	topts.verbose = o->verbose > 1;
	topts.on_event = on_event;
	topts.ctx = &r;
	/* The event file and the endpoint before the tracer: a bad one fails before anything is loaded. */
	if (o->events && eu_events_open(o->events, &r.ev, err))
		goto out;
	if (o->metrics) {
		if (eu_metrics_server_start(o->metrics, learn_metrics_text, &r, &r.metrics, err))
			goto out;
		/* Held open for the run, closed by its cleanup (which clang 14 does not model). */
		/* NOLINTNEXTLINE(clang-analyzer-deadcode.DeadStores) */
		stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME); /* -1: the run-time metrics stay 0 */
	}
	if (standby && *standby && tracer_fits(*standby, &topts)) {
		r.tracer = *standby; /* loaded ahead (learn --serve): only attaching is left */
		*standby = NULL;
		tracer_set_handler(r.tracer, on_event, &r);
		if (tracer_attach(r.tracer, err))
			goto out;
	} else if (tracer_open(&r.tracer, &topts, err)) {
		goto out;
	}
	tracer_describe(r.tracer, desc, sizeof(desc));

	if (o->command) {
		if (learn_spawn_held(o->command, &r.child, &go, &exec_status, err) ||
		    tracer_seed(r.tracer, r.child, 0, TRACER_HELD, err))
			goto out;
	} else {
		if (eu_ns_inode(getpid(), "mnt", &own_mntns, err))
			goto out;
		/* A process in our own mount namespace is no container: follow it by descent only. */
		if (tracer_seed(r.tracer, r.ct.pid, r.ct.mntns == own_mntns ? 0 : r.ct.mntns,
				r.boundary == EU_BOUNDARY_NONE ? TRACER_COUNTED : TRACER_BOUNDARY, err))
			goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	r.merged = merged;
	r.next_checkpoint = o->checkpoint;
	r.started = time(NULL);
	if (!o->quiet) {
		if (o->command)
			fprintf(stderr, PROG ": learning command %s (pid %d); %s\n",
				o->command[0], (int)r.child, desc);
		else
			fprintf(stderr, PROG ": learning container %s (%s, pid %d); %s\n",
				r.ct.name ? r.ct.name : o->target,
				r.ct.runtime ? r.ct.runtime : "process", (int)r.ct.pid, desc);
	}
	if (o->command)
		say(&r, "learning command %s (pid %d); %s", o->command[0], (int)r.child, desc);
	else
		say(&r, "learning (init pid %d); %s", (int)r.ct.pid, desc);
	if (o->command && learn_release_held(o->command[0], eu_steal_fd(&go), eu_steal_fd(&exec_status), err))
		goto out;
	if (signal_ready(o->ready_fd, err))
		goto out;

	if (event_loop(&r, loop, err))
		goto out;
	seconds = elapsed(&r.t0);
	if (r.event_failed) {
		*err = r.event_err;
		goto out;
	}
	if (tracer_collect(r.tracer, r.profile, err))
		goto out;
	if (learn_fill_metadata(&r, r.profile, seconds, err))
		goto out;
	out = r.profile;
	if (merged) {
		if (eu_profile_merge(merged, r.profile, err))
			goto out;
		out = merged;
	}
	if (eu_profile_save(out, dest, err))
		goto out;
	say(&r, "profile written to %s: %zu syscalls, %zu executables, after %.1f s",
	    dest && strcmp(dest, "-") ? dest : "stdout", eu_profile_syscall_total(out, -1),
	    out->execs.n, seconds);
	if (!o->quiet)
		learn_print_summary(&r, out, seconds, dest && strcmp(dest, "-") ? dest : "stdout");
	learn_warn_no_filter(&r);
	rc = 0;
out:
	if (rc && r.child) {
		kill(r.child, SIGKILL);
		waitpid(r.child, NULL, 0);
	}
	eu_evloop_free(loop);
	eu_metrics_server_stop(r.metrics);
	eu_events_close(r.ev);
	tracer_close(r.tracer);
	eu_profile_free(r.profile);
	eu_profile_free(merged);
	eu_container_free(&r.ct);
	return rc;
}
