// SPDX-License-Identifier: GPL-2.0-only
/* The monitor's rate-limited counts, from user space (see monitor_rates.h). */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "monitor_rates.h"

#define BATCH 256

static struct mon_rate_key key_of(const struct mon_event *e)
{
	return (struct mon_rate_key){ .ct = e->ct, .kind = e->kind, .arch = e->arch,
				      .what = e->what, .path_hash = e->path_hash,
				      .generation = e->generation };
}

uint64_t mon_rates_account(const struct mon_rate_maps *m, const struct mon_event *e)
{
	struct mon_rate_key k = key_of(e);
	struct mon_acct a = { 0 };
	uint64_t n;

	if (!e->total)
		return e->count; /* no rate entry: it stands alone */
	bpf_map_lookup_elem(m->acct, &k, &a); /* none yet: nothing accounted */
	if (e->total <= a.accounted)
		return 0;
	n = e->total - a.accounted;
	a.accounted = e->total;
	/* Full (as many entries as mon_rates): the next event of this entry counts from 0. */
	bpf_map_update_elem(m->acct, &k, &a, BPF_ANY);
	return n;
}

/* The summary of suppressed violations the flush iterator would write for (k, r). */
static void summary_of(const struct mon_rate_key *k, const struct mon_rate *r, uint64_t now_ns,
		       struct mon_event *e)
{
	memset(e, 0, sizeof(*e));
	e->ts_ns = now_ns;
	e->total = r->total;
	e->generation = k->generation;
	e->path_hash = k->path_hash;
	e->kind = k->kind;
	e->ct = k->ct;
	e->arch = k->arch;
	e->what = k->what;
	e->pid = r->pid;
	e->tgid = r->tgid;
	e->ppid = r->ppid;
	e->ret = r->ret;
	e->action = r->action;
	e->summary = 1;
	memcpy(e->comm, r->comm, sizeof(e->comm));
	memcpy(e->args, r->args, sizeof(e->args));
}

/*
 * One entry. While its count moves the kernel writes its events (the next
 * violation after the interval does); once it has stood still for a whole
 * sweep, what is left unaccounted is this sweep's to write. That keeps to one
 * event an interval, as the iterator does by stamping the entry, which user
 * space cannot do without losing the kernel's concurrent counts.
 */
static void sweep_one(const struct mon_rate_maps *m, const struct mon_rate_key *k,
		      const struct mon_rate *r, uint64_t now_ns, uint64_t interval_ns,
		      mon_rates_fn fn, void *ctx)
{
	struct mon_acct a = { 0 };
	struct mon_event e;

	bpf_map_lookup_elem(m->acct, k, &a);
	if (r->total <= a.accounted)
		return;
	if (r->total != a.swept) {
		a.swept = r->total;
		bpf_map_update_elem(m->acct, k, &a, BPF_ANY);
		return;
	}
	if ((int64_t)(now_ns - r->last_ns) < (int64_t)interval_ns) /* signed: stamped after now */
		return;
	summary_of(k, r, now_ns, &e);
	e.count = mon_rates_account(m, &e);
	if (e.count)
		fn(ctx, &e);
}

/* The registration each slot holds now: 0 for none (generations are never 0). */
static void current_generations(const struct mon_rate_maps *m, uint64_t gen[MON_MAX_CTS])
{
	struct mon_policy p;

	for (__u32 ct = 0; ct < MON_MAX_CTS; ct++)
		gen[ct] = bpf_map_lookup_elem(m->policies, &ct, &p) == 0 && (p.flags & MON_P_ACTIVE)
				  ? p.generation
				  : 0;
}

/*
 * An entry of a registration that ended: no violation comes any more (its
 * tasks are gone, or counted in another registration's entries), so what no
 * event accounted for is written now, whatever the interval. The entry and its
 * accounting go the next time round: an event the kernel wrote meanwhile (in
 * the ring buffer, not read yet) is still counted against them, not from 0.
 */
static void retire_one(const struct mon_rate_maps *m, const struct mon_rate_key *k,
		       const struct mon_rate *r, uint64_t now_ns, mon_rates_fn fn, void *ctx)
{
	struct mon_acct a = { 0 };
	struct mon_event e;

	summary_of(k, r, now_ns, &e);
	e.count = mon_rates_account(m, &e);
	if (e.count)
		fn(ctx, &e);
	bpf_map_lookup_elem(m->acct, k, &a);
	if (!a.retiring) {
		a.retiring = 1;
		bpf_map_update_elem(m->acct, k, &a, BPF_ANY);
		return;
	}
	bpf_map_delete_elem(m->rates, k);
	bpf_map_delete_elem(m->acct, k);
}

/* Each entry of mon_rates, in batches: retired ones always, the others when `sweep`. */
static int walk(const struct mon_rate_maps *m, uint64_t now_ns, uint64_t interval_ns, bool sweep,
		mon_rates_fn fn, void *ctx, struct eu_err *err)
{
	_cleanup_free_ struct mon_rate_key *keys = calloc(BATCH, sizeof(*keys));
	_cleanup_free_ struct mon_rate *vals = calloc(BATCH, sizeof(*vals));
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u64 token = 0; /* a hash map's batch position (a bucket index) */
	uint64_t gen[MON_MAX_CTS];
	bool first = true;

	if (!keys || !vals)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "sweeping the monitor's rate table");
	current_generations(m, gen);
	for (;;) {
		__u32 n = BATCH;
		int rc = bpf_map_lookup_batch(m->rates, first ? NULL : &token, &token, keys, vals,
					      &n, &opts);
		int e = errno;

		for (__u32 i = 0; i < n && (rc == 0 || e == ENOENT); i++) {
			const struct mon_rate_key *k = &keys[i];

			if (k->ct >= MON_MAX_CTS || gen[k->ct] != k->generation)
				retire_one(m, k, &vals[i], now_ns, fn, ctx);
			else if (sweep)
				sweep_one(m, k, &vals[i], now_ns, interval_ns, fn, ctx);
		}
		if (rc && e == ENOENT)
			return 0; /* the end */
		if (rc)
			return eu_fail(err, EU_E_KERNEL, e, "cannot read the monitor's rate table");
		first = false;
	}
}

int mon_rates_sweep(const struct mon_rate_maps *m, uint64_t now_ns, uint64_t interval_ns,
		    mon_rates_fn fn, void *ctx, struct eu_err *err)
{
	return walk(m, now_ns, interval_ns, true, fn, ctx, err);
}

int mon_rates_retire(const struct mon_rate_maps *m, uint64_t now_ns, mon_rates_fn fn, void *ctx,
		     struct eu_err *err)
{
	return walk(m, now_ns, 0, false, fn, ctx, err);
}
