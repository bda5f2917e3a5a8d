// SPDX-License-Identifier: GPL-2.0-only
/*
 * eunomia monitor: the daemon that holds registered containers to their
 * profiles at run time. The checks live in the kernel (monitor_bpf.c), pinned
 * so that they outlive the daemon; this file starts and stops the daemon and
 * runs its loop: the kernel's events, the seccomp agent, a tick every second
 * that flushes suppressed counts and notices containers that ended. Its events
 * are written by monitor_events.c, its containers kept by monitor_cts.c.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "cleanup.h"
#include "commands.h"
#include "evloop.h"
#include "monitor_int.h"
#include "monitor_maps.h"

static void announce_start(struct monitor *d)
{
	char jobs[3072];
	struct mon_info in;
	struct mon_stats st;
	unsigned int held = 0;

	mon_info(d->mon, &in);
	mon_describe(&in, jobs, sizeof(jobs));
	monitor_say(d, EU_LEVEL_INFO, "monitor", NULL,
		    "started: %s%s; %u programs attached now, %u already held by the kernel%s",
		    jobs,
		    d->o->kill ? ", offenders are killed" :
				 (d->o->block ? ", violations are refused" : ""),
		    in.links_created, in.links_reused,
		    in.links_removed ? ", an earlier monitor's denial programs detached" : "");
	if (mon_stats(d->mon, &st) == 0)
		d->dropped_seen = st.events_dropped;
	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		held += monitor_track(d, i, "still held to") != NULL;
	if (!d->o->quiet)
		fprintf(stderr, PROG ": monitoring (%s), %u containers already held\n%s%s\n",
			in.lsm ? "BPF-LSM" : "tracepoints, alerts only", held, PROG ": ", jobs);
}

static double elapsed(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void agent_warn(void *ctx, const char *msg)
{
	monitor_say(ctx, EU_LEVEL_WARNING, "monitor", NULL, "%s", msg);
}

/* A failed event write ends the loop (monitor_say() keeps it for here). */
static int written(struct monitor *d, struct eu_err *err)
{
	if (!d->write_failed)
		return 0;
	*err = d->write_err;
	return -1;
}

static int agent_ready(void *ctx, int fd, uint32_t events, struct eu_err *err);

/*
 * The seccomp agent, started when none runs: the containers under eunomia's
 * filter hand it their refusals. Without it the monitor goes on, and says so;
 * it tries again now and then.
 */
static void agent_up(struct monitor *d)
{
	struct mon_agent_opts ao = { .mon = d->mon, .on_event = monitor_on_event,
				     .warn = agent_warn, .ctx = d, .unheld = &d->unheld };
	struct eu_err err = { 0 };

	if (d->agent || d->agent_tries++ % 10)
		return;
	if (mon_agent_open(&d->agent, &ao, &err)) {
		monitor_say(d, EU_LEVEL_WARNING, "monitor", NULL,
			    "%s: containers under eunomia's filter cannot hand it what they "
			    "refuse",
			    err.msg);
		return;
	}
	if (eu_evloop_add_fd(d->loop, mon_agent_fd(d->agent), EPOLLIN, agent_ready, d, &err)) {
		mon_agent_close(d->agent, false, false);
		d->agent = NULL;
	}
}

static void agent_down(struct monitor *d, const struct eu_err *why)
{
	monitor_say(d, EU_LEVEL_WARNING, "monitor", NULL, "%s", why->msg);
	eu_evloop_del_fd(d->loop, mon_agent_fd(d->agent));
	mon_agent_close(d->agent, false, false);
	d->agent = NULL;
}

static int agent_ready(void *ctx, int fd, uint32_t events, struct eu_err *err)
{
	struct monitor *d = ctx;
	struct eu_err aerr = { 0 };

	if (mon_agent_read(d->agent, &aerr))
		agent_down(d, &aerr);
	return written(d, err);
}

/* SIGHUP reopens the event file (logrotate); SIGINT and SIGTERM stop the daemon. */
static int on_signal(void *ctx, int signo, struct eu_err *err)
{
	struct monitor *d = ctx;

	if (signo != SIGHUP)
		return EU_EV_STOP;
	return eu_events_reopen(d->ev, err) ? -1 : 0;
}

static int on_tick(void *ctx, struct eu_err *err)
{
	struct monitor *d = ctx;

	if (mon_flush(d->mon, err))
		return -1;
	if (d->metrics)
		eu_metrics_server_run(d->metrics); /* its timeouts */
	mon_consume(d->mon);
	monitor_scan(d);
	agent_up(d);
	if (d->o->duration > 0 && elapsed(&d->mono0) >= d->o->duration)
		return EU_EV_STOP;
	return written(d, err);
}

static int on_kernel_events(void *ctx, int fd, uint32_t events, struct eu_err *err)
{
	struct monitor *d = ctx;

	if (mon_consume(d->mon) < 0)
		return eu_fail(err, EU_E_KERNEL, errno, "reading the BPF ring buffer");
	return written(d, err);
}

static int on_metrics(void *ctx, int fd, uint32_t events, struct eu_err *err)
{
	struct monitor *d = ctx;

	mon_consume(d->mon); /* counts up to date before they are served */
	eu_metrics_server_run(d->metrics);
	return written(d, err);
}

static int loop(struct monitor *d, struct eu_err *err)
{
	if (eu_evloop_add_timer(d->loop, 1000000000, on_tick, d, NULL, err) ||
	    eu_evloop_add_fd(d->loop, mon_epoll_fd(d->mon), EPOLLIN, on_kernel_events, d, err) ||
	    (d->metrics && eu_evloop_add_fd(d->loop, eu_metrics_server_fd(d->metrics), EPOLLIN,
					    on_metrics, d, err)))
		return -1;
	agent_up(d);
	return eu_evloop_run(d->loop, err);
}

static void serve_metrics(void *ctx, struct eu_mtext *t)
{
	struct monitor *d = ctx;

	if (!d->mon)
		return;
	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		monitor_track(d, i, "held to"); /* registered since the last scan */
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
		monitor_say(d, EU_LEVEL_WARNING, "monitor", NULL, "stopped, but %s", err->msg);
		return;
	}
	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		held += mon_container(d->mon, i, &ct);
	if (held) {
		eu_mon_unlock(lock);
		monitor_say(d, EU_LEVEL_INFO, "monitor", NULL,
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
		monitor_say(d, EU_LEVEL_WARNING, "monitor", NULL, "stopped, but %s", err->msg);
	else
		monitor_say(d, EU_LEVEL_INFO, "monitor", NULL,
			    "stopped; no container was held, so nothing stays attached");
}

static int run(const struct monitor_opts *o, struct eu_err *err)
{
	struct monitor d = { .o = o, .stats_fd = -1 };
	struct mon_opts mo = { .kill = o->kill, .block = o->block, .verbose = o->verbose > 0,
			       .no_denials = o->no_denials,
			       .profiles_dir = o->profiles,
			       .on_event = monitor_on_event, .ctx = &d };
	_cleanup_close_ int lock = -1;
	struct eu_container ct = { 0 };
	struct eu_profile *p = NULL;
	_cleanup_free_ char *path = NULL;
	bool elsewhere;
	sigset_t mask;
	int rc = -1;

	if (eu_ctable_new(MON_MAX_CTS, &d.cts, err) ||
	    eu_mon_lock_file(MON_DAEMON_LOCK, false, &elsewhere, &lock, err) ||
	    monitor_load_attach(o, elsewhere ? NULL : (o->profiles ? o->profiles : ""), &path, &p,
				&ct, err))
		goto out;
	if (elsewhere) {
		if (!o->attach) {
			eu_fail(err, EU_E_RUNTIME, 0,
				"a monitor is already running (it holds " MON_DAEMON_LOCK "); "
				"register a container with it with --attach");
			goto out;
		}
		if (o->kill || o->block || o->events || o->profiles || o->metrics ||
		    o->no_denials) {
			eu_fail(err, EU_E_USAGE, 0,
				"a monitor is already running: --kill, --block, --no-denials, "
				"--events, --profiles and --metrics are its own; give only "
				"--attach and --profile");
			goto out;
		}
		mo.register_only = true;
	}
	/* The event file and endpoint first: a bad one must not leave programs pinned behind. */
	if (!elsewhere && (eu_events_open(o->events, &d.ev, err) || start_metrics(&d, err)))
		goto out;
	if (mon_open(&d.mon, &mo, err))
		goto out;
	if (elsewhere) {
		rc = monitor_attach(&d, &ct, p, path, false, err);
		goto out;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (eu_evloop_new(&d.loop, err) ||
	    eu_evloop_add_signals(d.loop, &mask, on_signal, &d, err))
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &d.mono0);
	clock_gettime(CLOCK_REALTIME, &d.real0);
	announce_start(&d);
	if (o->attach && monitor_attach(&d, &ct, p, path, true, err)) {
		struct eu_err ignored = { 0 };

		stop(&d, &ignored); /* nothing held: nothing stays attached */
		goto out;
	}
	if (d.write_failed) {
		*err = d.write_err;
		goto out;
	}
	rc = loop(&d, err);
	if (!rc) {
		mon_consume(d.mon);
		stop(&d, err);
	}
out:
	mon_agent_close(d.agent, false, false);
	eu_evloop_free(d.loop);
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

int cmd_monitor(int argc, char **argv)
{
	struct monitor_opts o = { 0 };
	struct eu_err err = { 0 };

	if (monitor_parse_args(argc, argv, &o, &err))
		return eu_report(&err, PROG);
	if (o.list) {
		if (monitor_list_held(&err))
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
