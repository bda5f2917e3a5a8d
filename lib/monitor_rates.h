/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The monitor's rate-limited counts, from user space. The kernel counts each
 * distinct violation in mon_rates and writes an event at most once an
 * interval; each event carries the entry's running total, and is counted here
 * as the part of it that no earlier event accounted for (mon_acct, pinned):
 * exact whoever wrote it, the kernel, its flush iterator, or the sweep below.
 *
 * The sweep stands in for the flush iterator on kernels that refuse map
 * iterators: it reads mon_rates in batches and writes, for each entry whose
 * count has stood still for a whole sweep, the events the kernel suppressed.
 *
 * Entries are keyed by the registration of their slot (its generation): those
 * of a registration that ended are retired, with whatever they hold that no
 * event has said yet, however recent, by the sweep or by mon_rates_retire().
 */
#ifndef EUNOMIA_MONITOR_RATES_H
#define EUNOMIA_MONITOR_RATES_H

#include <stdint.h>

#include "errors.h"
#include "monitor.h"

struct mon_rate_maps {
	int rates, acct, policies;
};

/*
 * How many violations `e` stands for: its total less what earlier events
 * accounted for (0: they did it all, the event says nothing new); records it.
 */
uint64_t mon_rates_account(const struct mon_rate_maps *m, const struct mon_event *e);

typedef void (*mon_rates_fn)(void *ctx, const struct mon_event *e);

/*
 * One sweep at CLOCK_MONOTONIC `now_ns`: a summary event, through fn, for
 * each entry with violations no event accounted for, quiet since the last
 * sweep and for `interval_ns` since its last event.
 */
int mon_rates_sweep(const struct mon_rate_maps *m, uint64_t now_ns, uint64_t interval_ns,
		    mon_rates_fn fn, void *ctx, struct eu_err *err);

/*
 * Only the entries of registrations that ended (released, or their slot given
 * to another container): a last summary of what no event accounted for, then
 * the entry and its accounting go.
 */
int mon_rates_retire(const struct mon_rate_maps *m, uint64_t now_ns, mon_rates_fn fn, void *ctx,
		     struct eu_err *err);

#endif
