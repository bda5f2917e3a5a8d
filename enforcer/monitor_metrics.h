/* SPDX-License-Identifier: GPL-2.0-only */
/* The monitor's Prometheus metrics: what the daemon counts, and the text it serves. */
#ifndef EUNOMIA_MONITOR_METRICS_H
#define EUNOMIA_MONITOR_METRICS_H

#include <stdint.h>

#include "ctable.h"
#include "events.h"
#include "metrics.h"
#include "monitor_bpf.h"

#define MON_COUNT_KEYS 1024 /* (container, kind, action) series; the rest are summed in "other" */
#define MON_DENIAL_KEYS 1024 /* (container, syscall, action) series of what seccomp refused */

struct mon_count {
	char container[128];
	char kind[32]; /* a kind, or a syscall's name */
	char action[16];
	uint64_t n;
};

struct mon_counts {
	struct mon_count v[MON_COUNT_KEYS];
	unsigned int nv;
	struct mon_count denials[MON_DENIAL_KEYS]; /* kind: the syscall */
	unsigned int ndenials;
	uint64_t events[3]; /* by enum eu_level */
	uint64_t suppressed;
	uint64_t unheld; /* filters handed over without a profile to hold them to */
};

/*
 * Count one event of the stream: violations by container, kind and action,
 * and syscalls seccomp refused by container, syscall and action.
 */
void mon_counts_add(struct mon_counts *c, const struct eu_event *e);

/* Everything, in the text format: the kernel side's counters, the daemon's, its memory. */
void mon_metrics_text(struct mon *m, const struct eu_ctable *cts, const struct mon_counts *c,
		      struct eu_mtext *t);

#endif
