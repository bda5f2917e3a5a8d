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
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "commands.h"
#include "container.h"
#include "ctable.h"
#include "events.h"
#include "file.h"
#include "learn_request.h"
#include "metrics.h"
#include "oci_state.h"
#include "profile_yaml.h"
#include "syscalls.h"
#include "learner.h"
#include "tracer.h"

#define PROG "eunomia learn"


/* Everything one learning run owns. */
struct learn_run {
	const struct learn_opts *o;
	struct eu_profile *profile;
	struct tracer *tracer;
	struct eu_container ct;
	enum eu_boundary boundary; /* the one the tracer was given */
	pid_t child; /* learn -- CMD: the command's pid, 0 once reaped */
	int child_status;
	bool child_exited;
	bool empty; /* every tracked task is gone */
	bool stop_requested;
	int stop_signal;
	struct eu_err event_err; /* first failure inside the event callback */
	bool event_failed;
	struct timespec t0;
	time_t started;		    /* wall clock, for the metadata */
	const struct eu_profile *merged; /* --merge: the profile this run folds into */
	double next_checkpoint;	    /* elapsed seconds */
	struct eu_metrics_server *metrics;
	struct eu_events *ev; /* --events; closed after a write failed (the profile matters more) */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: eunomia learn [OPTIONS] CONTAINER\n"
		"       eunomia learn [OPTIONS] -- COMMAND [ARGS...]\n"
		"       eunomia learn --serve [--socket PATH] [--standby N]\n"
		"\n"
		"Trace every syscall and capability check of one container, or of a command\n"
		"and its children, and write a YAML profile of them.\n"
		"\n"
		"CONTAINER is a runc or crun container id, a Docker or podman container name\n"
		"or id, or pid:N (process N, its threads and descendants, and anything that later executes\n"
		"in its mount namespace). A COMMAND is started stopped and released once traced,\n"
		"so its profile begins with its own execve.\n"
		"\n"
		"Learning ends when all the traced processes are gone, after --duration, or on\n"
		"SIGINT/SIGTERM/SIGHUP; the profile is written in every case.\n"
		"\n"
		"Options:\n"
		"  -o, --output FILE        write the profile to FILE, atomically (default: stdout)\n"
		"  -m, --merge FILE         fold this run into the profile FILE (union; counts add);\n"
		"                           the result goes to --output, or back to FILE\n"
		"  -d, --duration SECONDS   stop learning after SECONDS\n"
		"      --until-quiet SECONDS\n"
		"                           stop learning once nothing new (syscall, argument\n"
		"                           value, capability) has been seen for SECONDS\n"
		"      --checkpoint SECONDS write the profile learned so far every SECONDS (to\n"
		"                           --output or --merge, atomically), so that a learner\n"
		"                           killed with SIGKILL still leaves a recent profile\n"
		"      --grace SECONDS      with COMMAND: when learning is stopped, how long the\n"
		"                           command has to exit after SIGTERM (default 5)\n"
		"      --runtime-root DIR   state directory of runc/crun (default: /run/runc, /run/crun)\n"
		"      --oci-state FILE     learn the container of this OCI state document (what a\n"
		"                           runtime gives its hooks), instead of naming one\n"
		"      --ready-fd FD        write \"ready\" to file descriptor FD once following\n"
		"      --boundary WHEN      for a container that is starting (--oci-state), where\n"
		"                           its syscalls begin to count: seccomp-filter (when the\n"
		"                           runtime loads its filter), exec (its execve), none\n"
		"                           (everything the runtime did too) or auto (default:\n"
		"                           seccomp-filter if its config has one, else exec)\n"
		"      --metrics ADDR       serve Prometheus metrics on http://ADDR/metrics while\n"
		"                           learning (e.g. 127.0.0.1:9464; default: off)\n"
		"  -e, --events FILE        write events as JSON lines to FILE (appended; '-' for\n"
		"                           standard output, with --output): learning began, each\n"
		"                           syscall, capability and executable when first seen,\n"
		"                           the profile written; SIGHUP then reopens FILE instead\n"
		"                           of stopping\n"
		"      --syscall-hook HOOK  trace syscalls with tp_btf, raw_tp or tracepoint\n"
		"                           (default: the first of those the kernel allows)\n"
		"      --cap-hook HOOK      trace capability checks with tp_btf, fexit or kprobe\n"
		"                           (default: the first of those the kernel allows)\n"
		"      --serve              stay resident for the OCI hook: keep learners loaded\n"
		"                           ahead of time and hand one to each container the hook\n"
		"                           asks to learn, so that the hook adds milliseconds to a\n"
		"                           container's start, not the time BPF takes to load\n"
		"      --socket PATH        with --serve: where the hook connects (default\n"
		"                           " EU_LEARN_SOCKET ")\n"
		"      --standby N          with --serve: learners kept loaded (default 1, up to 16)\n"
		"  -q, --quiet              print only errors\n"
		"  -v, --verbose            print each syscall, capability and executable when first\n"
		"                           seen; twice: also libbpf's debug output\n"
		"  -h, --help               show this help\n"
		"\n"
		"Each BPF mechanism is probed at start-up, with a fallback where the kernel\n"
		"refuses it; EUNOMIA_REFUSE=KIND[/TARGET],... refuses some on purpose.\n"
		"\n"
		"Exit status: 0 profile written; 2 usage; 3 bad profile (--merge); 4 I/O error;\n"
		"5 container not found; 6 kernel lacks BPF support; 7 runtime error; 8 COMMAND\n"
		"could not be started. See eunomia-learn(8).\n");
}

static int parse_hook(const char *s, const char *opt, const enum eu_hook *allowed, size_t n,
		      enum eu_hook *out, struct eu_err *err)
{
	enum eu_hook h = eu_hook_from_name(s);

	for (size_t i = 0; i < n; i++)
		if (h == allowed[i]) {
			*out = h;
			return 0;
		}
	return eu_fail(err, EU_E_USAGE, 0, "%s: unknown mechanism '%s'", opt, s);
}

enum { OPT_GRACE = 256, OPT_RUNTIME_ROOT, OPT_SYSCALL_HOOK, OPT_CAP_HOOK, OPT_OCI_STATE,
       OPT_READY_FD, OPT_BOUNDARY, OPT_METRICS, OPT_CHECKPOINT, OPT_SERVE, OPT_SOCKET,
       OPT_STANDBY, OPT_UNTIL_QUIET };

/* learn --serve takes the tracer's options and its own; a container comes with each request. */
static int check_serve_args(int argc, char **argv, const struct learn_opts *o,
			    struct eu_err *err)
{
	const char *bad = o->output		? "--output"
			  : o->merge		? "--merge"
			  : o->duration > 0	? "--duration"
			  : o->until_quiet > 0	? "--until-quiet"
			  : o->checkpoint > 0	? "--checkpoint"
			  : o->runtime_root	? "--runtime-root"
			  : o->oci_state	? "--oci-state"
			  : o->ready_fd >= 0	? "--ready-fd"
			  : o->boundary >= 0	? "--boundary"
			  : o->metrics		? "--metrics"
			  : o->events		? "--events"
			  : NULL;

	if (bad)
		return eu_fail(err, EU_E_USAGE, 0,
			       "%s does not go with --serve: each container's request says where "
			       "its profile goes",
			       bad);
	if (optind < argc)
		return eu_fail(err, EU_E_USAGE, 0,
			       "--serve learns the containers the OCI hook hands it ('%s' is extra)",
			       argv[optind]);
	return 0;
}

int learn_parse_args(int argc, char **argv, struct learn_opts *o, struct eu_err *err)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "merge", required_argument, NULL, 'm' },
		{ "duration", required_argument, NULL, 'd' },
		{ "until-quiet", required_argument, NULL, OPT_UNTIL_QUIET },
		{ "grace", required_argument, NULL, OPT_GRACE },
		{ "runtime-root", required_argument, NULL, OPT_RUNTIME_ROOT },
		{ "syscall-hook", required_argument, NULL, OPT_SYSCALL_HOOK },
		{ "cap-hook", required_argument, NULL, OPT_CAP_HOOK },
		{ "oci-state", required_argument, NULL, OPT_OCI_STATE },
		{ "ready-fd", required_argument, NULL, OPT_READY_FD },
		{ "boundary", required_argument, NULL, OPT_BOUNDARY },
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "events", required_argument, NULL, 'e' },
		{ "checkpoint", required_argument, NULL, OPT_CHECKPOINT },
		{ "serve", no_argument, NULL, OPT_SERVE },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "standby", required_argument, NULL, OPT_STANDBY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const enum eu_hook sys_hooks[] = { EU_HOOK_TP_BTF, EU_HOOK_RAW_TP,
						  EU_HOOK_TRACEPOINT };
	static const enum eu_hook cap_hooks[] = { EU_HOOK_TP_BTF, EU_HOOK_FEXIT, EU_HOOK_KPROBE };
	int c;

	o->grace = 5;
	o->ready_fd = -1;
	o->boundary = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:o:m:d:e:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case 'm':
			o->merge = optarg;
			break;
		case 'd':
			if (eu_parse_seconds(optarg, "--duration", &o->duration, err))
				return -1;
			break;
		case OPT_UNTIL_QUIET:
			if (eu_parse_seconds(optarg, "--until-quiet", &o->until_quiet, err))
				return -1;
			break;
		case OPT_GRACE:
			if (eu_parse_seconds(optarg, "--grace", &o->grace, err))
				return -1;
			break;
		case OPT_RUNTIME_ROOT:
			o->runtime_root = optarg;
			break;
		case OPT_SYSCALL_HOOK:
			if (parse_hook(optarg, "--syscall-hook", sys_hooks, EU_ARRAY_SIZE(sys_hooks),
				       &o->sys_hook, err))
				return -1;
			break;
		case OPT_CAP_HOOK:
			if (parse_hook(optarg, "--cap-hook", cap_hooks, EU_ARRAY_SIZE(cap_hooks),
				       &o->cap_hook, err))
				return -1;
			break;
		case OPT_OCI_STATE:
			o->oci_state = optarg;
			break;
		case OPT_READY_FD: {
			char *end;
			long fd;

			errno = 0;
			fd = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || fd < 3 || fd > 65535 ||
			    fcntl((int)fd, F_GETFD) < 0)
				return eu_fail(err, EU_E_USAGE, 0,
					       "--ready-fd expects an open file descriptor above 2, "
					       "not '%s'",
					       optarg);
			o->ready_fd = (int)fd;
			break;
		}
		case OPT_BOUNDARY:
			o->boundary = strcmp(optarg, "auto") ? eu_boundary_from_name(optarg) : -1;
			if (o->boundary < 0 && strcmp(optarg, "auto"))
				return eu_fail(err, EU_E_USAGE, 0,
					       "--boundary expects auto, seccomp-filter, exec or none, "
					       "not '%s'",
					       optarg);
			break;
		case OPT_METRICS:
			o->metrics = optarg;
			break;
		case 'e':
			o->events = optarg;
			break;
		case OPT_CHECKPOINT:
			if (eu_parse_seconds(optarg, "--checkpoint", &o->checkpoint, err))
				return -1;
			break;
		case OPT_SERVE:
			o->serve = true;
			break;
		case OPT_SOCKET:
			o->socket = optarg;
			break;
		case OPT_STANDBY: {
			char *end;
			unsigned long n;

			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 1 || n > 16 || optarg[0] == '-')
				return eu_fail(err, EU_E_USAGE, 0,
					       "--standby expects a number of learners from 1 to 16, "
					       "not '%s'",
					       optarg);
			o->standby = (unsigned int)n;
			break;
		}
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return eu_getopt_fail(c, argv, optind, err);
		}
	}
	if (o->serve)
		return check_serve_args(argc, argv, o, err);
	if (o->socket || o->standby)
		return eu_fail(err, EU_E_USAGE, 0, "--socket and --standby go with --serve");
	if (o->checkpoint > 0 && (!o->output || !strcmp(o->output, "-")) && !o->merge)
		return eu_fail(err, EU_E_USAGE, 0,
			       "--checkpoint writes the profile to a file: give --output FILE or "
			       "--merge FILE");
	if (o->events && !strcmp(o->events, "-") && (!o->output || !strcmp(o->output, "-")) &&
	    !o->merge)
		return eu_fail(err, EU_E_USAGE, 0,
			       "--events - writes to standard output, where the profile goes: give "
			       "--output FILE too");
	if (optind > 1 && !strcmp(argv[optind - 1], "--")) {
		if (optind >= argc)
			return eu_fail(err, EU_E_USAGE, 0, "no command after '--'");
		o->command = argv + optind;
		if (o->boundary >= 0)
			return eu_fail(err, EU_E_USAGE, 0,
				       "--boundary is for containers a runtime starts; a command "
				       "counts from its own execve");
		return 0;
	}
	if (o->oci_state) {
		if (optind < argc)
			return eu_fail(err, EU_E_USAGE, 0,
				       "--oci-state names the container ('%s' is extra)", argv[optind]);
		return 0;
	}
	if (optind >= argc)
		return eu_fail(err, EU_E_USAGE, 0,
			       "name a container, or give a command after '--' (see --help)");
	if (argc - optind > 1)
		return eu_fail(err, EU_E_USAGE, 0,
			       "one container at a time ('%s' is extra); to run a command, put "
			       "'--' before it",
			       argv[optind + 1]);
	o->target = argv[optind];
	return 0;
}

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

/* The container being learned, for events (a command run by learn is the host's). */
static const struct eu_container *learned(const struct learn_run *r)
{
	return r->ct.id || r->ct.name ? &r->ct : NULL;
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
	eu_event_set_container(&ev, learned(r));
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
	eu_event_set_container(&ev, learned(r));
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

/*
 * Start COMMAND held at a pipe, so that it can be registered before it runs.
 * *go is the pipe's write end: closing it after writing one byte releases the
 * command; *exec_status reports an exec failure (EOF means the exec happened).
 */
static int spawn_held(char **argv, pid_t *pid, int *go, int *exec_status, struct eu_err *err)
{
	int gate[2], status[2];
	sigset_t none;
	pid_t p;

	if (pipe2(gate, O_CLOEXEC) < 0 || pipe2(status, O_CLOEXEC) < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "cannot create a pipe");
	p = fork();
	if (p < 0)
		return eu_fail(err, EU_E_CHILD, errno, "cannot fork");
	if (p == 0) {
		char c;
		int e;

		/* Undo what the parent set up for itself before anything else. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close(gate[1]);
		close(status[0]);
		if (read(gate[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;
		if (write(status[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(gate[0]);
	close(status[1]);
	*pid = p;
	*go = gate[1];
	*exec_status = status[0];
	return 0;
}

/* Release the held command; fails if it could not execute. */
static int release_held(const char *cmd, int go, int exec_status, struct eu_err *err)
{
	ssize_t n;
	int e = 0;

	if (write(go, "g", 1) != 1)
		return eu_fail(err, EU_E_CHILD, errno, "cannot start %s", cmd);
	close(go);
	do
		n = read(exec_status, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(exec_status);
	if (n == sizeof(e))
		return eu_fail(err, EU_E_CHILD, e, "cannot run %s", cmd);
	return 0;
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
static void request_stop(struct learn_run *r, int sig, double *grace_deadline)
{
	if (r->stop_requested) {
		r->empty = true; /* second request: stop now */
		return;
	}
	r->stop_requested = true;
	r->stop_signal = sig;
	if (r->child) {
		kill(r->child, sig ? sig : SIGTERM);
		*grace_deadline = elapsed(&r->t0) + r->o->grace;
	} else {
		r->empty = true;
	}
}

static int fill_metadata(const struct learn_run *r, struct eu_profile *p, double seconds,
			 struct eu_err *err);

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
	    fill_metadata(r, now, elapsed(&r->t0), err))
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

static int event_loop(struct learn_run *r, int sigfd, struct eu_err *err)
{
	struct itimerspec tick = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	_cleanup_close_ int ep = -1, tfd = -1;
	struct epoll_event ev = { .events = EPOLLIN };
	double grace_deadline = 0;

	ep = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (r->o->checkpoint > 0 && r->o->checkpoint < 1) { /* checkpoints more often than the tick */
		tick.it_interval.tv_sec = tick.it_value.tv_sec = 0;
		tick.it_interval.tv_nsec = tick.it_value.tv_nsec = (long)(r->o->checkpoint * 1e9);
	}
	if (ep < 0 || tfd < 0 || timerfd_settime(tfd, 0, &tick, NULL) < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "cannot set up the event loop");
	ev.data.fd = tracer_epoll_fd(r->tracer);
	if (epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "epoll");
	ev.data.fd = sigfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, sigfd, &ev) < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "epoll");
	ev.data.fd = tfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "epoll");
	if (r->metrics) {
		ev.data.fd = eu_metrics_server_fd(r->metrics);
		if (epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
			return eu_fail(err, EU_E_INTERNAL, errno, "epoll");
	}

	while (!r->empty) {
		struct epoll_event evs[4];
		int n = epoll_wait(ep, evs, EU_ARRAY_SIZE(evs), -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return eu_fail(err, EU_E_INTERNAL, errno, "epoll_wait");
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == sigfd) {
				struct signalfd_siginfo si;

				while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
					struct eu_err reopen = { 0 };

					if (si.ssi_signo == SIGCHLD)
						reap_child(r);
					else if (si.ssi_signo == SIGHUP && r->ev && r->o->events &&
						 strcmp(r->o->events, "-")) {
						if (eu_events_reopen(r->ev, &reopen))
							fprintf(stderr, PROG ": warning: %s\n", reopen.msg);
					} else
						request_stop(r, (int)si.ssi_signo, &grace_deadline);
				}
			} else if (fd == tfd) {
				uint64_t ticks, live;

				if (read(tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
					return eu_fail(err, EU_E_INTERNAL, errno, "timerfd");
				/* The kernel's live counter is exact; this walk is the safety net. */
				if (tracer_count_live(r->tracer, &live, err))
					return -1;
				if (!live)
					r->empty = true;
				if (r->o->duration > 0 && !r->stop_requested &&
				    elapsed(&r->t0) >= r->o->duration)
					request_stop(r, 0, &grace_deadline);
				if (r->o->until_quiet > 0 && !r->stop_requested && quiet_enough(r)) {
					double q = (double)tracer_quiet_ns(r->tracer) / 1e9;

					if (!r->o->quiet)
						fprintf(stderr, PROG ": nothing new for %.1f s: learning ends\n", q);
					say(r, "nothing new for %.1f s: learning ends", q);
					request_stop(r, 0, &grace_deadline);
				}
				if (r->stop_requested && r->child && elapsed(&r->t0) >= grace_deadline)
					r->empty = true;
				if (r->o->checkpoint > 0 && !r->empty &&
				    elapsed(&r->t0) >= r->next_checkpoint) {
					struct eu_err cerr = { 0 };

					r->next_checkpoint = elapsed(&r->t0) + r->o->checkpoint;
					tracer_consume(r->tracer); /* executables up to now */
					if (write_checkpoint(r, &cerr))
						fprintf(stderr, PROG ": warning: checkpoint: %s\n", cerr.msg);
					else
						say(r, "checkpoint written");
				}
			} else if (r->metrics && fd == eu_metrics_server_fd(r->metrics)) {
				tracer_consume(r->tracer);
				eu_metrics_server_run(r->metrics);
			} else {
				if (tracer_consume(r->tracer) < 0)
					return eu_fail(err, EU_E_KERNEL, errno,
						       "reading the BPF ring buffer");
			}
		}
	}
	/* Events still queued (an exec just before the end) belong to the profile. */
	tracer_consume(r->tracer);
	reap_child(r);
	return 0;
}

/* ---- metrics ------------------------------------------------------------------------ */

static void serve_metrics(void *ctx, struct eu_mtext *t)
{
	struct learn_run *r = ctx;
	struct eu_err ignored = { 0 };
	uint64_t observed = 0, distinct = 0;
	const char *name = r->ct.name ? r->ct.name : r->ct.id ? r->ct.id
				  : r->o->command     ? r->o->command[0]
						      : "unknown";
	const char *labels[] = { "container", name, NULL };
	struct tracer_stats st;
	struct eu_prog_stat progs[EU_PROG_STATS_MAX];

	tracer_totals(r->tracer, &observed, &distinct, &ignored);
	tracer_stats(r->tracer, &st);
	eu_mtext_family(t, "eunomia_containers_tracked", "gauge", "Containers being learned.");
	eu_mtext_sample(t, "eunomia_containers_tracked", NULL, 1);
	if (learned(r)) {
		const struct eu_container *cs[] = { learned(r) };

		eu_mtext_containers(t, cs, 1);
	}
	eu_mtext_family(t, "eunomia_container_processes", "gauge",
			"Tasks (threads included) followed, per container.");
	eu_mtext_sample(t, "eunomia_container_processes", labels,
			st.live_tasks > 0 ? (double)st.live_tasks : 0);
	eu_mtext_family(t, "eunomia_syscalls_observed_total", "counter",
			"Syscalls the container made since learning began (after its boundary).");
	eu_mtext_sample(t, "eunomia_syscalls_observed_total", labels, (double)observed);
	eu_mtext_family(t, "eunomia_syscalls_learned", "gauge",
			"Distinct syscalls learned so far (all ABIs).");
	eu_mtext_sample(t, "eunomia_syscalls_learned", labels, (double)distinct);
	eu_mtext_family(t, "eunomia_learn_seconds_since_new", "gauge",
			"Seconds since learning last saw something new (a syscall, an argument "
			"value, a capability): how complete the recording looks.");
	eu_mtext_sample(t, "eunomia_learn_seconds_since_new", labels,
			(double)tracer_quiet_ns(r->tracer) / 1e9);
	eu_mtext_family(t, "eunomia_executables_learned", "gauge", "Distinct executables learned so far.");
	eu_mtext_sample(t, "eunomia_executables_learned", labels, (double)r->profile->execs.n);
	eu_mtext_family(t, "eunomia_events_dropped_total", "counter",
			"Events the kernel could not write (ring buffer full).");
	eu_mtext_sample(t, "eunomia_events_dropped_total", NULL, (double)st.events_lost);
	eu_mtext_programs(t, progs, tracer_program_stats(r->tracer, progs, EU_PROG_STATS_MAX),
			  "eunomia learn");
	eu_mtext_family(t, "process_resident_memory_bytes", "gauge",
			"Resident memory size of eunomia learn in bytes.");
	eu_mtext_sample(t, "process_resident_memory_bytes", NULL, eu_metrics_resident_bytes());
}

/* Where the syscalls in the profile began to count, from what the kernel saw. */
static enum eu_boundary boundary_used(const struct learn_run *r)
{
	struct tracer_stats st;

	tracer_stats(r->tracer, &st);
	if (r->boundary == EU_BOUNDARY_NONE)
		return EU_BOUNDARY_NONE;
	if (st.crossed_filter)
		return EU_BOUNDARY_SECCOMP;
	if (st.crossed_exec)
		return EU_BOUNDARY_EXEC;
	return r->boundary;
}

static int fill_metadata(const struct learn_run *r, struct eu_profile *p, double seconds,
			 struct eu_err *err)
{
	struct eu_meta *m = &p->meta;
	time_t started = r->started;
	struct utsname u;
	char when[32];
	struct tm tm;

	gmtime_r(&started, &tm);
	(void)strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm); /* 20 of 32 bytes */
	if (uname(&u) < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "uname");
	m->duration_ms = (uint64_t)llround(seconds * 1000);
	m->runs = 1;
	m->boundary = boundary_used(r);
	if (eu_set_str(&m->kernel, u.release, err) || eu_set_str(&m->learned_at, when, err) ||
	    eu_set_str(&m->container_id, r->ct.id, err) ||
	    eu_set_str(&m->container_name, r->ct.name, err) ||
	    eu_set_str(&m->runtime, r->ct.runtime, err) || eu_set_str(&m->image, r->ct.image, err) ||
	    eu_set_str(&m->bundle, r->ct.bundle, err))
		return -1;
	for (char **a = r->o->command; a && *a; a++)
		if (eu_strv_append(&m->command, *a, err))
			return -1;
	return 0;
}

/* Say where counting began and what was set aside as the runtime's setup. */
static void print_boundary(const struct learn_run *r)
{
	const struct eu_meta *m = &r->profile->meta;
	size_t setup = 0;
	char caps[512];

	if (r->boundary == EU_BOUNDARY_NONE)
		return;
	for (int a = 0; a < EU_ARCH_COUNT; a++)
		for (int w = 0; w < EU_NR_WORDS; w++)
			setup += (size_t)__builtin_popcountll(m->setup_bits[a][w]);
	eu_caps_format(m->setup_caps, caps, sizeof(caps));
	fprintf(stderr,
		PROG ": counted from %s; runtime setup before it (%zu syscalls, capabilities "
		     "[%s]) is listed in metadata.runtime_setup, not allowed\n",
		m->boundary == EU_BOUNDARY_SECCOMP ? "the seccomp filter load"
		: m->boundary == EU_BOUNDARY_EXEC  ? "the container's execve"
						   : "nothing: the container never ran its program",
		setup, caps);
}

/* Even with --quiet (an OCI hook forwards it): the profile may not start the container. */
static void warn_no_filter(const struct learn_run *r)
{
	if (r->boundary == EU_BOUNDARY_SECCOMP && r->profile->meta.boundary == EU_BOUNDARY_EXEC)
		fprintf(stderr,
			PROG ": warning: the container loaded no seccomp filter, so its syscalls "
			     "count from its execve, and what its runtime does between loading a "
			     "filter and that execve is not in the profile: a runtime enforcing it "
			     "may fail to start the container. Learn it under a permissive filter "
			     "(eunomia export --learning) for an exact boundary\n");
}

/* What the argument rules hold, of the native ABI. */
static void print_args(const struct eu_profile *p)
{
	char ruled[512], unruled[256];

	eu_profile_args_summary(p, eu_arch_native(), ruled, sizeof(ruled), unruled,
				sizeof(unruled));
	if (*ruled)
		fprintf(stderr, PROG ": argument rules: %s\n", ruled);
	if (*unruled)
		fprintf(stderr,
			PROG ": argument-free (too many values, or clone3 with namespaces): %s\n",
			unruled);
}

static void print_summary(const struct learn_run *r, const struct eu_profile *written,
			  double seconds, const char *dest)
{
	char caps[512], target[300], extra[160] = "";
	struct tracer_stats st;

	if (r->o->command)
		snprintf(target, sizeof(target), "command %s", r->o->command[0]);
	else
		snprintf(target, sizeof(target), "container %s", r->ct.name ? r->ct.name : r->o->target);
	eu_caps_format(r->profile->caps_used, caps, sizeof(caps));
	if (r->profile->caps_unknown)
		snprintf(caps, sizeof(caps), "not traced");
	tracer_stats(r->tracer, &st);
	if (r->child_exited && WIFEXITED(r->child_status))
		snprintf(extra, sizeof(extra), "; command exited %d", WEXITSTATUS(r->child_status));
	else if (r->child_exited && WIFSIGNALED(r->child_status))
		snprintf(extra, sizeof(extra), "; command killed by signal %d",
			 WTERMSIG(r->child_status));
	fprintf(stderr,
		PROG ": %s: %zu syscalls (x86_64 %zu, i386 %zu, x32 %zu), capabilities %s%s%s, "
		     "%zu executables in %.1f s%s; profile written to %s\n",
		target, eu_profile_syscall_total(r->profile, -1),
		eu_profile_syscall_total(r->profile, EU_ARCH_X86_64),
		eu_profile_syscall_total(r->profile, EU_ARCH_I386),
		eu_profile_syscall_total(r->profile, EU_ARCH_X32), r->profile->caps_unknown ? "" : "[",
		caps, r->profile->caps_unknown ? "" : "]", r->profile->execs.n,
		seconds, extra, dest);
	if (written != r->profile)
		fprintf(stderr, PROG ": merged: %zu syscalls in all, %u runs\n",
			eu_profile_syscall_total(written, -1), written->meta.runs);
	print_args(r->profile);
	if (r->profile->meta.has_quiet)
		fprintf(stderr,
			PROG ": nothing new was seen in the last %.1f s of %.1f s (syscalls, "
			     "argument values, capabilities); the longer, the likelier the "
			     "recording is complete (--until-quiet)\n",
			(double)r->profile->meta.quiet_ms / 1000, seconds);
	print_boundary(r);
	if (st.events_lost)
		fprintf(stderr,
			PROG ": warning: %" PRIu64 " events were lost (ring buffer full); the "
			     "list of executables may be incomplete\n",
			st.events_lost);
	if (st.tasks_lost)
		fprintf(stderr,
			PROG ": warning: %" PRIu64 " processes could not be followed (out of "
			     "memory for task storage)\n",
			st.tasks_lost);
	if (st.nr_out_of_range)
		fprintf(stderr,
			PROG ": warning: %" PRIu64 " syscalls had numbers above %d and are not in "
			     "the profile\n",
			st.nr_out_of_range, EU_NR_MAX - 1);
	if (st.slot_mismatch)
		fprintf(stderr,
			PROG ": warning: %" PRIu64 " syscalls came with registers other than their "
			     "task's; this kernel breaks an assumption of the fast path, and the "
			     "profile may be incomplete: learn again with --syscall-hook=raw_tp\n",
			st.slot_mismatch);
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
	_cleanup_close_ int sigfd = -1, go = -1, exec_status = -1, stats_fd = -1;
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
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0) {
		eu_fail(err, EU_E_INTERNAL, errno, "signalfd");
		goto out;
	}

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
		if (eu_metrics_server_start(o->metrics, serve_metrics, &r, &r.metrics, err))
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
		if (spawn_held(o->command, &r.child, &go, &exec_status, err) ||
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
	if (o->command && release_held(o->command[0], eu_steal_fd(&go), eu_steal_fd(&exec_status), err))
		goto out;
	if (signal_ready(o->ready_fd, err))
		goto out;

	if (event_loop(&r, sigfd, err))
		goto out;
	seconds = elapsed(&r.t0);
	if (r.event_failed) {
		*err = r.event_err;
		goto out;
	}
	if (tracer_collect(r.tracer, r.profile, err))
		goto out;
	if (fill_metadata(&r, r.profile, seconds, err))
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
		print_summary(&r, out, seconds, dest && strcmp(dest, "-") ? dest : "stdout");
	warn_no_filter(&r);
	rc = 0;
out:
	if (rc && r.child) {
		kill(r.child, SIGKILL);
		waitpid(r.child, NULL, 0);
	}
	eu_metrics_server_stop(r.metrics);
	eu_events_close(r.ev);
	tracer_close(r.tracer);
	eu_profile_free(r.profile);
	eu_profile_free(merged);
	eu_container_free(&r.ct);
	return rc;
}

int cmd_learn(int argc, char **argv)
{
	struct learn_opts o = { 0 };
	struct eu_err err = { 0 };

	if (learn_parse_args(argc, argv, &o, &err))
		return eu_report(&err, PROG);
	if (o.serve)
		return learn_serve(&o, &err) ? eu_report(&err, PROG) : 0;
	if (learn_run(&o, NULL, &err))
		return eu_report(&err, PROG);
	return 0;
}
