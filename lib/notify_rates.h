/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seccomp agent's rate limit, as the kernel side keeps the BPF monitor's
 * (bpf/monitor.bpf.c): one entry per distinct call a listener's filter
 * refused; the first makes an event at once, the rest of an interval are
 * counted, and a flush writes what was held back once the interval is over.
 * An event is written only when it can be delivered; until then its calls stay
 * counted, so that none is lost while no daemon listens, and none is counted twice.
 */
#ifndef EUNOMIA_NOTIFY_RATES_H
#define EUNOMIA_NOTIFY_RATES_H

#include <linux/types.h> /* monitor.h uses the kernel's fixed-width types */
#include <stdbool.h>
#include <stdint.h>

#include "monitor.h"

struct eu_nrates;

/*
 * What the entry of a call is: its listener, the event's kind, arch and
 * syscall, and for a syscall whose argument learning records, that value
 * (eu_argspec_key: each refused family is its own event).
 */
struct eu_nrate_key {
	uint32_t listener;
	uint32_t kind;
	uint32_t arch;
	int32_t nr;
	uint64_t value;
};

struct eu_nrates *eu_nrates_new(void);
void eu_nrates_free(struct eu_nrates *r);

/*
 * An event to write, for `listener`'s calls (the caller names its container).
 * False: it could not be written; its calls stay counted for a later one.
 */
typedef bool (*eu_nrates_fn)(void *ctx, uint32_t listener, const struct mon_event *e);

/*
 * Whether the next call of entry k needs its details (who made it, with what):
 * it makes an event now, or the entry has none yet. Reading them (/proc) costs
 * more than the rest of a call's answer, so the calls only counted skip it.
 */
bool eu_nrates_wants_info(const struct eu_nrates *r, const struct eu_nrate_key *k,
			  uint64_t now_ns, uint64_t interval_ns, bool deliver);

/*
 * Count one call; `info` describes it (process, arguments, action), or is NULL
 * when eu_nrates_wants_info said no. When the entry's interval is over and
 * `deliver`, fn gets an event standing for every call not written yet. A
 * summary carries the details of the last call that made an event, as the
 * BPF monitor's do. A false return: out of memory (the call is not counted).
 */
bool eu_nrates_hit(struct eu_nrates *r, const struct eu_nrate_key *k, const struct mon_event *info,
		   uint64_t now_ns, uint64_t interval_ns, bool deliver, eu_nrates_fn fn, void *ctx);

/*
 * Write the summaries of what was held back: of every entry whose interval is
 * over, or (listener >= 0, `now`) of that listener's entries whatever the
 * interval. Entries of listeners `deliverable` says no to are left as they are.
 */
void eu_nrates_flush(struct eu_nrates *r, uint64_t now_ns, uint64_t interval_ns, int64_t listener,
		     bool (*deliverable)(void *ctx, uint32_t listener), eu_nrates_fn fn, void *ctx);

/* Forget a listener's entries (after its last flush). */
void eu_nrates_drop(struct eu_nrates *r, uint32_t listener);

/* Calls counted and not written yet, in all entries (for the metrics and tests). */
uint64_t eu_nrates_pending(const struct eu_nrates *r);

#endif
