// SPDX-License-Identifier: GPL-2.0-only
/*
 * eunomia monitor: the daemon that holds registered containers to their
 * profiles at run time. The checks live in the kernel (monitor_bpf.c), pinned
 * so that they outlive the daemon; this file registers containers, turns the
 * kernel's events into the JSON-lines stream, flushes suppressed counts every
 * second and notices containers that ended.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "commands.h"
#include "container.h"
#include "ctable.h"
#include "events.h"
#include "families.h"
#include "agent.h"
#include "monitor_agent.h"
#include "monitor_bpf.h"
#include "monitor_maps.h"
#include "monitor_metrics.h"
#include "profile_yaml.h"
#include "syscalls.h"

#define PROG "eunomia monitor"
#define PATH_CACHE 64

struct monitor_opts {
	const char *attach;
	const char *profile;
	const char *events;
	const char *runtime_root;
	const char *profiles; /* --profiles DIR */
	const char *metrics;  /* --metrics ADDR */
	double duration;
	bool kill, block, reset, list, quiet, no_denials, agent;
	int verbose;
};

struct monitor {
	const struct monitor_opts *o;
	struct mon *mon;
	struct eu_events *ev;
	struct timespec mono0, real0; /* to turn the kernel's monotonic stamps into times */
	uint64_t dropped_seen;	      /* events_dropped already reported */
	struct eu_ctable *cts;	      /* the containers held, by slot, as this daemon knows them */
	struct {
		uint64_t hash;
		char path[MON_PATH_MAX];
	} paths[PATH_CACHE]; /* exec paths by hash: a summary event carries only the hash */
	unsigned int npaths;
	struct eu_err write_err;
	bool write_failed;
	struct mon_counts *counts;	   /* for the metrics */
	struct eu_metrics_server *metrics; /* --metrics */
	int stats_fd;			   /* keeps the kernel's BPF run-time statistics on */
	struct mon_agent *agent;	   /* the seccomp agent; NULL while it is gone */
	uint64_t unheld;		   /* filters handed over that could not be held */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: eunomia monitor [OPTIONS]\n"
		"       eunomia monitor --attach CONTAINER --profile PROFILE [OPTIONS]\n"
		"       eunomia monitor --list | --reset\n"
		"\n"
		"Hold registered containers to their profiles at run time and report every\n"
		"violation as a JSON line: syscalls outside the profile, capabilities it never\n"
		"used, executables it never ran, and every syscall seccomp refused a held\n"
		"container (see eunomia denials). The checks stay in the kernel (pinned under\n"
		MON_PIN_DIR ") when the daemon stops, and a new daemon picks them up.\n"
		"With a monitor already running, --attach registers the container with it and\n"
		"returns.\n"
		"\n"
		"Options:\n"
		"  -a, --attach CONTAINER   hold a running container (runc or crun id, Docker\n"
		"                           or podman name or id, pid:N) to --profile\n"
		"  -p, --profile PROFILE    the profile for --attach: a file, or a name (no '/')\n"
		"                           for --profiles DIR/NAME.yaml\n"
		"      --profiles DIR       where profiles named without a path are: for\n"
		"                           --attach and the OCI hook's io.eunomia.profile=NAME\n"
		"      --kill               end an offending process with SIGKILL\n"
		"      --block              refuse what the profile does not allow with EPERM\n"
		"                           (capabilities, executions; needs BPF-LSM)\n"
		"      --no-denials         do not watch for syscalls seccomp refused (no\n"
		"                           sys_exit and signal_generate programs)\n"
		"      --agent              be the monitor's seccomp agent, which the monitor\n"
		"                           starts itself (see eunomia-monitor(8))\n"
		"  -e, --events FILE        append events to FILE, reopened on SIGHUP (default:\n"
		"                           standard output)\n"
		"      --metrics ADDR       serve Prometheus metrics on http://ADDR/metrics\n"
		"                           (e.g. 127.0.0.1:9464; default: off)\n"
		"      --runtime-root DIR   state directory of runc/crun for --attach\n"
		"  -d, --duration SECONDS   stop after SECONDS (the checks stay)\n"
		"      --list               print the containers held now, one a line: slot,\n"
		"                           id, name, init pid, processes, profile\n"
		"      --reset              unpin every program and map: monitoring ends\n"
		"  -q, --quiet              print only errors on standard error\n"
		"  -v, --verbose            libbpf's messages too\n"
		"  -h, --help               show this help\n"
		"\n"
		"Each BPF mechanism is probed at start-up, with a fallback where the kernel\n"
		"refuses it; EUNOMIA_REFUSE=KIND[/TARGET],... refuses some on purpose.\n"
		"\n"
		"Exit status: 0 done; 2 usage; 3 bad profile; 4 I/O error; 5 container not\n"
		"found; 6 the kernel lacks what is needed; 7 another monitor runs. See\n"
		"eunomia-monitor(8).\n");
}

enum { OPT_KILL = 256, OPT_BLOCK, OPT_RESET, OPT_LIST, OPT_RUNTIME_ROOT, OPT_PROFILES,
       OPT_METRICS, OPT_NO_DENIALS, OPT_AGENT };

static int parse_args(int argc, char **argv, struct monitor_opts *o, struct eu_err *err)
{
	static const struct option longopts[] = {
		{ "attach", required_argument, NULL, 'a' },
		{ "profile", required_argument, NULL, 'p' },
		{ "events", required_argument, NULL, 'e' },
		{ "duration", required_argument, NULL, 'd' },
		{ "kill", no_argument, NULL, OPT_KILL },
		{ "block", no_argument, NULL, OPT_BLOCK },
		{ "no-denials", no_argument, NULL, OPT_NO_DENIALS },
		{ "agent", no_argument, NULL, OPT_AGENT },
		{ "reset", no_argument, NULL, OPT_RESET },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "profiles", required_argument, NULL, OPT_PROFILES },
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "runtime-root", required_argument, NULL, OPT_RUNTIME_ROOT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:a:p:e:d:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o->attach = optarg;
			break;
		case 'p':
			o->profile = optarg;
			break;
		case 'e':
			o->events = optarg;
			break;
		case 'd':
			if (eu_parse_seconds(optarg, "--duration", &o->duration, err))
				return -1;
			break;
		case OPT_KILL:
			o->kill = true;
			break;
		case OPT_BLOCK:
			o->block = true;
			break;
		case OPT_NO_DENIALS:
			o->no_denials = true;
			break;
		case OPT_AGENT:
			o->agent = true;
			break;
		case OPT_RESET:
			o->reset = true;
			break;
		case OPT_LIST:
			o->list = true;
			break;
		case OPT_METRICS:
			o->metrics = optarg;
			break;
		case OPT_RUNTIME_ROOT:
			o->runtime_root = optarg;
			break;
		case OPT_PROFILES: {
			struct stat st;

			if (optarg[0] != '/' || strlen(optarg) >= sizeof(((struct mon_config *)0)->profiles_dir) ||
			    stat(optarg, &st) < 0 || !S_ISDIR(st.st_mode))
				return eu_fail(err, EU_E_USAGE, 0,
					       "--profiles expects the absolute path of a directory, "
					       "not '%s'",
					       optarg);
			o->profiles = optarg;
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
	if (optind < argc)
		return eu_fail(err, EU_E_USAGE, 0, "unexpected argument '%s' (see --help)",
			       argv[optind]);
	if (!!o->attach != !!o->profile)
		return eu_fail(err, EU_E_USAGE, 0, "--attach and --profile go together");
	if ((o->reset || o->list || o->agent) &&
	    (o->attach || o->kill || o->block || o->events || o->profiles || o->metrics ||
	     o->no_denials || o->reset + o->list + o->agent > 1))
		return eu_fail(err, EU_E_USAGE, 0, "--%s takes no other option",
			       o->reset ? "reset" : o->list ? "list" : "agent");
	return 0;
}

/* ---- events ---------------------------------------------------------------------- */

static void write_event(struct monitor *d, const struct eu_event *e)
{
	struct eu_err err = { 0 };

	if (d->counts)
		mon_counts_add(d->counts, e);
	if (eu_events_write(d->ev, e, &err) && !d->write_failed) {
		d->write_failed = true;
		d->write_err = err;
	}
}

static void say(struct monitor *d, enum eu_level level, const char *kind,
		const struct eu_container *ct, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void say(struct monitor *d, enum eu_level level, const char *kind,
		const struct eu_container *ct, const char *fmt, ...)
{
	struct eu_event e = { .level = level, .kind = kind };
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e.message = msg;
	e.ct = ct;
	write_event(d, &e);
}

/* ---- containers -------------------------------------------------------------------- */

/*
 * Bring the table up to date with slot `slot` as the pinned maps have it now:
 * a registration this daemon has not seen is announced (with `how`); a slot
 * that was released is forgotten. Returns its container, or NULL.
 */
static const struct eu_container *track(struct monitor *d, uint32_t slot, const char *how)
{
	struct mon_container info;
	struct eu_container view;
	struct eu_err err = { 0 };
	enum eu_ct_change ch;
	const struct eu_container *ct;

	if (!mon_container(d->mon, slot, &info)) {
		eu_ctable_remove(d->cts, slot);
		return NULL;
	}
	eu_mon_view(&info, &view);
	if (eu_ctable_put(d->cts, slot, info.generation, &view, &ch, &err)) {
		say(d, EU_LEVEL_WARNING, "monitor", &view, "%s", err.msg);
		return NULL;
	}
	ct = eu_ctable_get(d->cts, slot, info.generation);
	if (ch != EU_CT_SAME && how)
		say(d, EU_LEVEL_INFO, "container", ct, "%s %s (init pid %u)", how, info.profile,
		    info.pid);
	return ct;
}

/* The container a kernel event names (slot and generation), if it is still held. */
static const struct eu_container *find_held(struct monitor *d, uint32_t slot, uint64_t gen)
{
	const struct eu_container *ct = eu_ctable_get(d->cts, slot, gen);

	if (ct || slot >= MON_MAX_CTS)
		return ct;
	/* registered since the last scan */
	ct = track(d, slot, "held to");
	return ct && eu_ctable_get(d->cts, slot, gen) ? ct : NULL;
}

static const char *action_name(uint32_t a)
{
	switch (a) {
	case MON_ACT_DENIED:
		return "denied";
	case MON_ACT_KILLED:
		return "killed";
	default:
		return "alerted";
	}
}

static const char *cached_path(struct monitor *d, const struct mon_event *k)
{
	unsigned int i;

	if (k->path[0]) {
		i = d->npaths++ % PATH_CACHE;
		d->paths[i].hash = k->path_hash;
		snprintf(d->paths[i].path, sizeof(d->paths[i].path), "%s", k->path);
		return k->path;
	}
	for (i = 0; i < PATH_CACHE && i < d->npaths; i++)
		if (d->paths[i].hash == k->path_hash)
			return d->paths[i].path;
	return NULL;
}

static struct json_object *detail_of(struct monitor *d, const struct mon_event *k,
				     const char **key)
{
	struct json_object *o = json_object_new_object();
	_cleanup_free_ char *clean = NULL;
	uint64_t args[EU_ARRAY_SIZE(k->args)];
	const char *path;
	char fam[16];

	if (!o)
		return NULL;
	switch (k->kind) {
	case MON_EV_SYSCALL:
		*key = "syscall";
		eu_event_add_syscall(o, (int)k->arch, k->what);
		break;
	case MON_EV_DENIAL:
		*key = "syscall";
		eu_event_add_syscall(o, (int)k->arch, k->what);
		for (size_t i = 0; i < EU_ARRAY_SIZE(args); i++)
			args[i] = k->args[i];
		eu_event_add_args(o, args, EU_ARRAY_SIZE(args));
		break;
	case MON_EV_CAP:
		*key = "capability";
		eu_event_add_capability(o, k->what, k->ret == 0);
		break;
	case MON_EV_EXEC:
		*key = "exec";
		path = cached_path(d, k);
		clean = path ? eu_utf8_clean(path) : NULL;
		json_object_object_add(o, "path", clean ? json_object_new_string(clean) : NULL);
		break;
	case MON_EV_SOCKET:
		*key = "socket";
		json_object_object_add(o, "family",
				       json_object_new_string(eu_family_name(k->what, fam, sizeof(fam))));
		json_object_object_add(o, "nr", json_object_new_int(k->what));
		break;
	default:
		*key = "detail";
	}
	return o;
}

static const char *kind_name(uint32_t k)
{
	switch (k) {
	case MON_EV_SYSCALL:
	case MON_EV_DENIAL: /* what was attempted: a syscall */
		return "syscall";
	case MON_EV_CAP:
		return "capability";
	case MON_EV_EXEC:
		return "exec";
	case MON_EV_SOCKET:
		return "socket";
	default:
		return "unknown";
	}
}

static void on_event(void *ctx, const struct mon_event *k)
{
	struct monitor *d = ctx;
	struct eu_event e = { .level = EU_LEVEL_ALERT, .kind = kind_name(k->kind) };
	static const struct eu_container ended = { .id = "(ended)", .name = "(ended)" };
	const struct eu_container *ct;
	char comm[MON_COMM_LEN + 1], exe[PATH_MAX];
	int64_t ns;

	/* The kernel's monotonic stamp, as wall-clock time. */
	ns = (int64_t)k->ts_ns - ((int64_t)d->mono0.tv_sec * 1000000000LL + d->mono0.tv_nsec);
	ns += (int64_t)d->real0.tv_sec * 1000000000LL + d->real0.tv_nsec;
	e.when.tv_sec = ns / 1000000000LL;
	e.when.tv_nsec = ns % 1000000000LL;
	ct = find_held(d, k->ct, k->generation);
	e.ct = ct ? ct : &ended;
	memcpy(comm, k->comm, MON_COMM_LEN);
	comm[MON_COMM_LEN] = '\0';
	eu_proc_exe((pid_t)k->tgid, exe, sizeof(exe));
	e.pid = (pid_t)k->tgid;
	e.tid = (pid_t)k->pid;
	e.ppid = (pid_t)k->ppid;
	e.comm = comm;
	e.exe = exe[0] ? exe : NULL;
	e.detail = detail_of(d, k, &e.detail_key);
	/* An execution's file is the process's program from then on, as the container names it. */
	if (k->kind == MON_EV_EXEC && k->path[0])
		e.exe = k->path;
	e.action = action_name(k->action);
	if (k->kind == MON_EV_DENIAL) {
		e.by = "seccomp";
		if (k->action == MON_ACT_KILLED)
			e.signo = k->ret;
		else
			e.errnum = k->ret;
	}
	e.count = k->count;
	e.summary = k->summary;
	write_event(d, &e);
}

/*
 * --attach: the profile and the container, checked before anything is loaded.
 * A profile name is looked up in `dir` (the running monitor's when NULL).
 */
static int load_attach(const struct monitor_opts *o, const char *dir, char **path,
		       struct eu_profile **p, struct eu_container *ct, struct eu_err *err)
{
	if (!o->attach)
		return 0;
	if (eu_mon_profile_path(o->profile, dir, path, err) || eu_profile_load(*path, p, err) ||
	    eu_container_lookup(o->attach, o->runtime_root, ct, err))
		return -1;
	return 0;
}

static int attach_container(struct monitor *d, const struct eu_container *ct,
			    const struct eu_profile *p, const char *path, bool announce,
			    struct eu_err *err)
{
	const struct eu_container *held_ct;
	uint32_t slot;

	if (mon_register(d->mon, ct, p, path, false, &slot, err))
		return -1;
	if (announce && (held_ct = track(d, slot, NULL)))
		say(d, EU_LEVEL_INFO, "container", held_ct,
		    "held to %s: %zu syscalls, %zu executables (init pid %d)", path,
		    eu_profile_syscall_total(p, -1), p->execs.n, (int)ct->pid);
	if (!announce && !d->o->quiet)
		fprintf(stderr, PROG ": %s registered with the running monitor, held to %s\n",
			d->o->attach, path);
	return 0;
}

struct sweep_ctx {
	struct monitor *d;
	struct mon_stats *st;
};

/*
 * Alive while the kernel counts tasks of it, or (registered, none counted yet)
 * its init lives, or the agent holds its filter's listener (what its calls
 * made is still to come).
 */
static bool slot_alive(void *ctx, uint32_t slot, const struct eu_container *ct)
{
	struct sweep_ctx *s = ctx;
	uint64_t gen = 0;

	eu_ctable_at(s->d->cts, slot, &gen);
	return s->st->live[slot] > 0 || eu_container_alive(ct) ||
	       mon_agent_holds(s->d->agent, slot, gen);
}

static void slot_gone(void *ctx, uint32_t slot, const struct eu_container *ct)
{
	struct sweep_ctx *s = ctx;
	struct eu_err err = { 0 };

	if (mon_release(s->d->mon, slot, &err))
		say(s->d, EU_LEVEL_WARNING, "monitor", ct, "%s", err.msg);
	else
		say(s->d, EU_LEVEL_INFO, "container", ct, "ended; its policy is removed");
}

/*
 * Containers registered by others (monitor --attach, the OCI hook) are
 * announced; those whose processes are all gone leave their slot.
 */
static void scan_containers(struct monitor *d)
{
	struct mon_stats st;
	struct sweep_ctx sc = { d, &st };
	struct eu_err err = { 0 };

	if (mon_stats(d->mon, &st))
		return;
	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		track(d, i, "held to");
	eu_ctable_sweep(d->cts, slot_alive, slot_gone, &sc);
	if (mon_watch_syscalls(d->mon, &err))
		say(d, EU_LEVEL_WARNING, "monitor", NULL, "%s", err.msg);
	if (st.events_dropped > d->dropped_seen) {
		say(d, EU_LEVEL_WARNING, "monitor", NULL,
		    "%" PRIu64 " events could not be written (ring buffer full); their violations "
		    "are counted in later events",
		    (uint64_t)(st.events_dropped - d->dropped_seen));
		d->dropped_seen = st.events_dropped;
	}
}

static void announce_start(struct monitor *d)
{
	char jobs[3072];
	struct mon_info in;
	struct mon_stats st;
	unsigned int held = 0;

	mon_info(d->mon, &in);
	mon_describe(&in, jobs, sizeof(jobs));
	say(d, EU_LEVEL_INFO, "monitor", NULL, "started: %s%s; %u programs attached now, %u "
	    "already held by the kernel%s",
	    jobs, d->o->kill ? ", offenders are killed" : (d->o->block ? ", violations are refused" : ""),
	    in.links_created, in.links_reused,
	    in.links_removed ? ", an earlier monitor's denial programs detached" : "");
	if (mon_stats(d->mon, &st) == 0)
		d->dropped_seen = st.events_dropped;
	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		held += track(d, i, "still held to") != NULL;
	if (!d->o->quiet)
		fprintf(stderr, PROG ": monitoring (%s), %u containers already held\n%s%s\n",
			in.lsm ? "BPF-LSM" : "tracepoints, alerts only", held, PROG ": ", jobs);
}

/* ---- the daemon ----------------------------------------------------------------------- */

static double elapsed(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void agent_warn(void *ctx, const char *msg)
{
	say(ctx, EU_LEVEL_WARNING, "monitor", NULL, "%s", msg);
}

/*
 * The seccomp agent, started when none runs: the containers under eunomia's
 * filter hand it their refusals. Without it the monitor goes on, and says so;
 * it tries again now and then.
 */
static void agent_up(struct monitor *d, int ep, unsigned int *tries)
{
	struct mon_agent_opts ao = { .mon = d->mon, .on_event = on_event, .warn = agent_warn,
				     .ctx = d, .unheld = &d->unheld };
	struct epoll_event ev = { .events = EPOLLIN };
	struct eu_err err = { 0 };

	if (d->agent || (*tries)++ % 10)
		return;
	if (mon_agent_open(&d->agent, &ao, &err)) {
		say(d, EU_LEVEL_WARNING, "monitor", NULL,
		    "%s: containers under eunomia's filter cannot hand it what they refuse", err.msg);
		return;
	}
	ev.data.fd = mon_agent_fd(d->agent);
	if (epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0) {
		mon_agent_close(d->agent, false, false);
		d->agent = NULL;
	}
}

static void agent_down(struct monitor *d, int ep, const struct eu_err *why)
{
	say(d, EU_LEVEL_WARNING, "monitor", NULL, "%s", why->msg);
	epoll_ctl(ep, EPOLL_CTL_DEL, mon_agent_fd(d->agent), NULL);
	mon_agent_close(d->agent, false, false);
	d->agent = NULL;
}

static int loop(struct monitor *d, int sigfd, struct eu_err *err)
{
	unsigned int agent_tries = 0;
	struct itimerspec tick = { { 1, 0 }, { 1, 0 } };
	_cleanup_close_ int ep = epoll_create1(EPOLL_CLOEXEC);
	_cleanup_close_ int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct epoll_event ev = { .events = EPOLLIN };
	int fds[4] = { sigfd, tfd, mon_epoll_fd(d->mon),
		       d->metrics ? eu_metrics_server_fd(d->metrics) : -1 };

	if (ep < 0 || tfd < 0 || timerfd_settime(tfd, 0, &tick, NULL) < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "setting up the event loop");
	for (int i = 0; i < 4 && fds[i] >= 0; i++) {
		ev.data.fd = fds[i];
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0)
			return eu_fail(err, EU_E_INTERNAL, errno, "epoll");
	}
	agent_up(d, ep, &agent_tries);
	for (;;) {
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
					if (si.ssi_signo != SIGHUP)
						return 0;
					if (eu_events_reopen(d->ev, err))
						return -1;
				}
			} else if (fd == tfd) {
				uint64_t ticks;

				if (read(tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
					return eu_fail(err, EU_E_INTERNAL, errno, "timerfd");
				if (mon_flush(d->mon, err))
					return -1;
				if (d->metrics)
					eu_metrics_server_run(d->metrics); /* its timeouts */
				mon_consume(d->mon);
				scan_containers(d);
				agent_up(d, ep, &agent_tries);
				if (d->o->duration > 0 && elapsed(&d->mono0) >= d->o->duration)
					return 0;
			} else if (d->agent && fd == mon_agent_fd(d->agent)) {
				struct eu_err aerr = { 0 };

				if (mon_agent_read(d->agent, &aerr))
					agent_down(d, ep, &aerr);
			} else if (d->metrics && fd == fds[3]) {
				mon_consume(d->mon); /* counts up to date before they are served */
				eu_metrics_server_run(d->metrics);
			} else if (mon_consume(d->mon) < 0) {
				return eu_fail(err, EU_E_KERNEL, errno, "reading the BPF ring buffer");
			}
			if (d->write_failed) {
				*err = d->write_err;
				return -1;
			}
		}
	}
}

static void serve_metrics(void *ctx, struct eu_mtext *t)
{
	struct monitor *d = ctx;

	if (!d->mon)
		return;
	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		track(d, i, "held to"); /* registered since the last scan */
	d->counts->unheld = d->unheld;
	mon_metrics_text(d->mon, d->cts, d->counts, t);
}

/* --metrics: the endpoint, and the kernel's BPF run-time statistics while it serves them. */
static int start_metrics(struct monitor *d, struct eu_err *err)
{
	if (!d->o->metrics)
		return 0;
	d->counts = calloc(1, sizeof(*d->counts));
	if (!d->counts)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "counting for the metrics");
	if (eu_metrics_server_start(d->o->metrics, serve_metrics, d, &d->metrics, err))
		return -1;
	d->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (d->stats_fd < 0 && !d->o->quiet)
		fprintf(stderr, PROG ": warning: cannot enable BPF run-time statistics (%s); "
				"eunomia_bpf_program_* stay 0\n",
			strerror(errno));
	return 0;
}

/* The kernel keeps holding registered containers; with none, nothing stays attached. */
static void stop(struct monitor *d, struct eu_err *err)
{
	struct mon_container ct;
	unsigned int held = 0;
	int lock, rc;

	/* Under the slot lock: a registration arriving now is either seen here or refused. */
	if (eu_mon_lock(&lock, err)) {
		say(d, EU_LEVEL_WARNING, "monitor", NULL, "stopped, but %s", err->msg);
		return;
	}
	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		held += mon_container(d->mon, i, &ct);
	if (held) {
		eu_mon_unlock(lock);
		say(d, EU_LEVEL_INFO, "monitor", NULL,
		    "stopped; the kernel and the seccomp agent keep holding %u containers", held);
		return;
	}
	mon_agent_close(d->agent, true, false); /* it goes too, holding nothing */
	d->agent = NULL;
	mon_close(d->mon);
	d->mon = NULL;
	rc = mon_reset(err);
	eu_mon_unlock(lock);
	if (rc)
		say(d, EU_LEVEL_WARNING, "monitor", NULL, "stopped, but %s", err->msg);
	else
		say(d, EU_LEVEL_INFO, "monitor", NULL, "stopped; no container was held, so "
						       "nothing stays attached");
}

static int run(const struct monitor_opts *o, struct eu_err *err)
{
	struct monitor d = { .o = o, .stats_fd = -1 };
	struct mon_opts mo = { .kill = o->kill, .block = o->block, .verbose = o->verbose > 0,
			       .no_denials = o->no_denials,
			       .profiles_dir = o->profiles,
			       .on_event = on_event, .ctx = &d };
	_cleanup_close_ int lock = -1, sigfd = -1;
	struct eu_container ct = { 0 };
	struct eu_profile *p = NULL;
	_cleanup_free_ char *path = NULL;
	bool elsewhere;
	sigset_t mask;
	int rc = -1;

	if (eu_ctable_new(MON_MAX_CTS, &d.cts, err) ||
	    eu_mon_lock_file(MON_DAEMON_LOCK, false, &elsewhere, &lock, err) ||
	    load_attach(o, elsewhere ? NULL : (o->profiles ? o->profiles : ""), &path, &p, &ct, err))
		goto out;
	if (elsewhere) {
		if (!o->attach) {
			eu_fail(err, EU_E_RUNTIME, 0,
				"a monitor is already running (it holds " MON_DAEMON_LOCK "); register a "
				"container with it with --attach");
			goto out;
		}
		if (o->kill || o->block || o->events || o->profiles || o->metrics || o->no_denials) {
			eu_fail(err, EU_E_USAGE, 0,
				"a monitor is already running: --kill, --block, --no-denials, --events, "
				"--profiles and --metrics are its own; give only --attach and --profile");
			goto out;
		}
		mo.register_only = true;
	}
	/* The event file and the endpoint first: a bad one must not leave programs pinned behind. */
	if (!elsewhere && (eu_events_open(o->events, &d.ev, err) || start_metrics(&d, err)))
		goto out;
	if (mon_open(&d.mon, &mo, err))
		goto out;
	if (elsewhere) {
		rc = attach_container(&d, &ct, p, path, false, err);
		goto out;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0) {
		eu_fail(err, EU_E_INTERNAL, errno, "signalfd");
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &d.mono0);
	clock_gettime(CLOCK_REALTIME, &d.real0);
	announce_start(&d);
	if (o->attach && attach_container(&d, &ct, p, path, true, err)) {
		struct eu_err ignored = { 0 };

		stop(&d, &ignored); /* nothing held: nothing stays attached */
		goto out;
	}
	if (d.write_failed) {
		*err = d.write_err;
		goto out;
	}
	rc = loop(&d, sigfd, err);
	if (!rc) {
		mon_consume(d.mon);
		stop(&d, err);
	}
out:
	mon_agent_close(d.agent, false, false);
	eu_metrics_server_stop(d.metrics);
	if (d.stats_fd >= 0)
		close(d.stats_fd);
	free(d.counts);
	eu_ctable_free(d.cts);
	eu_events_close(d.ev);
	mon_close(d.mon);
	eu_profile_free(p);
	eu_container_free(&ct);
	return rc;
}

/* --list: the containers the kernel holds, from the pinned maps (no daemon needed). */
static int list_held(struct eu_err *err)
{
	struct mon_container ct;
	struct eu_mon_maps maps;
	struct mon_stats st = { 0 };
	char path[256];
	int fd;
	__u32 key = 0;

	if (eu_mon_maps_open(&maps, err))
		return -1;
	snprintf(path, sizeof(path), MON_PIN_DIR "/mon_stats");
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		bpf_map_lookup_elem(fd, &key, &st);
		close(fd);
	}
	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		if (eu_mon_container(&maps, i, &ct))
			printf("%u\t%s\t%s\t%u\t%lld\t%s\n", i, ct.id, ct.name, ct.pid,
			       (long long)st.live[i], ct.profile);
	eu_mon_maps_close(&maps);
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor_opts o = { 0 };
	struct eu_err err = { 0 };

	if (parse_args(argc, argv, &o, &err))
		return eu_report(&err, PROG);
	if (o.list) {
		if (list_held(&err))
			return eu_report(&err, PROG);
		return 0;
	}
	if (o.agent) {
		if (eu_agent_run(&err))
			return eu_report(&err, PROG " agent");
		return 0;
	}
	if (o.reset) {
		/* the agent too: what it holds fails with ENOSYS from now */
		mon_agent_stop_running();
		if (mon_reset(&err))
			return eu_report(&err, PROG);
		if (!o.quiet)
			fprintf(stderr, PROG ": unpinned everything under " MON_PIN_DIR "\n");
		return 0;
	}
	if (run(&o, &err))
		return eu_report(&err, PROG);
	return 0;
}
