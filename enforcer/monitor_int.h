/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside eunomia monitor: the daemon's state, shared by monitor.c (start, loop,
 * stop), monitor_opts.c (its options), monitor_events.c (the events it writes)
 * and monitor_cts.c (the containers it holds).
 */
#ifndef EUNOMIA_MONITOR_INT_H
#define EUNOMIA_MONITOR_INT_H

#include <linux/types.h> /* bpf/monitor.h's __u32, which the kernel side has from vmlinux.h */
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "container.h"
#include "ctable.h"
#include "errors.h"
#include "events.h"
#include "evloop.h"
#include "monitor_agent.h"
#include "monitor_bpf.h"
#include "monitor_metrics.h"
#include "profile.h"

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
	/* the containers held, by slot, as this daemon knows them */
	struct eu_ctable *cts;
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
	unsigned int agent_tries;	   /* starting it is tried every tenth tick */
	struct eu_evloop *loop;
	uint64_t unheld;		   /* filters handed over that could not be held */
};

/* monitor_opts.c: argv into o; --help prints the usage and exits. */
int monitor_parse_args(int argc, char **argv, struct monitor_opts *o, struct eu_err *err);

/*
 * monitor_events.c: an event of the daemon's own, about ct (or none); a failed
 * write is kept in d->write_err for the loop to end on.
 */
void monitor_say(struct monitor *d, enum eu_level level, const char *kind,
		 const struct eu_container *ct, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* monitor_events.c: a report of the kernel or the agent, as an alert (a mon_event_fn). */
void monitor_on_event(void *ctx, const struct mon_event *k);

/*
 * monitor_cts.c: bring the table up to date with slot as the pinned maps have
 * it now; a registration not seen before is announced with `how` (if any).
 */
const struct eu_container *monitor_track(struct monitor *d, uint32_t slot, const char *how);

/* The container a kernel event names (slot and generation), if it is still held. */
const struct eu_container *monitor_find_held(struct monitor *d, uint32_t slot, uint64_t gen);

/* Announce registrations made by others; release the slots of containers that ended. */
void monitor_scan(struct monitor *d);

/*
 * --attach: the profile and the container, checked before anything is loaded.
 * A profile name is looked up in `dir` (the running monitor's when NULL).
 */
int monitor_load_attach(const struct monitor_opts *o, const char *dir, char **path,
			struct eu_profile **p, struct eu_container *ct, struct eu_err *err);

/* Register ct, held to p; announced as an event (`announce`) or on standard error. */
int monitor_attach(struct monitor *d, const struct eu_container *ct, const struct eu_profile *p,
		   const char *path, bool announce, struct eu_err *err);

/* --list: the containers the kernel holds, from the pinned maps (no daemon needed). */
int monitor_list_held(struct eu_err *err);

#endif
