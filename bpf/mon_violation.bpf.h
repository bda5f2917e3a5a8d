/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Part of monitor.bpf.c, included once after mon_member.bpf.h: what a
 * violation becomes. It is counted in a rate-limit entry (mon_rates) and sent
 * as an event at most once per interval; mon_flush writes what was suppressed.
 */
#ifndef EUNOMIA_MON_VIOLATION_BPF_H
#define EUNOMIA_MON_VIOLATION_BPF_H

/* ---- violations ------------------------------------------------------------------- */

static __always_inline __u32 answer(bool can_block, bool *block)
{
	struct mon_config *c = bpf_map_lookup_elem(&mon_config, &zero);
	__u32 flags = c ? c->flags : 0;

	*block = can_block && (flags & MON_C_BLOCK);
	if (*block)
		return MON_ACT_DENIED;
	if (flags & MON_C_KILL) {
		bpf_send_signal(SIGKILL);
		return MON_ACT_KILLED;
	}
	return MON_ACT_ALERTED;
}

static __always_inline __u64 interval_ns(void)
{
	struct mon_config *c = bpf_map_lookup_elem(&mon_config, &zero);

	return c && c->interval_ns ? c->interval_ns : 1000000000ULL;
}

/*
 * Write one event for a rate entry: `count` violations (total minus those
 * already accounted for). The ring buffer is reserved first, so a full one
 * leaves the count to the next event: nothing is claimed that was not written.
 * `alone`: a violation the rate table had no room for, accounted by itself.
 */
static __always_inline void emit(struct mon_rate_key *k, struct mon_rate *r, const char *path,
				 bool summary, bool alone)
{
	struct mon_stats *st = stats();
	struct mon_event *e;
	__u64 total, prev;

	e = bpf_ringbuf_reserve(&mon_events, sizeof(*e), 0);
	if (!e) {
		if (st)
			__sync_fetch_and_add(&st->events_dropped, 1);
		return;
	}
	/*
	 * Account for the violations up to `total`: `emitted` only ever rises, so
	 * two writers racing (a violation and the flush) never count one twice.
	 */
	total = r->total;
	e->count = 0;
	for (int i = 0; i < 8; i++) {
		prev = r->emitted;
		if (total <= prev)
			break;
		if (__sync_val_compare_and_swap(&r->emitted, prev, total) == prev) {
			e->count = total - prev;
			break;
		}
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->total = alone ? 0 : total;
	e->generation = k->generation;
	e->path_hash = k->path_hash;
	e->kind = k->kind;
	e->ct = k->ct;
	e->pid = r->pid;
	e->tgid = r->tgid;
	e->arch = k->arch;
	e->what = k->what;
	e->ret = r->ret;
	e->action = r->action;
	e->summary = summary;
	e->ppid = r->ppid;
	__builtin_memcpy(e->comm, r->comm, sizeof(e->comm));
	__builtin_memcpy(e->args, r->args, sizeof(e->args));
	e->path[0] = '\0';
	if (path)
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), path);
	if (!e->count) {
		bpf_ringbuf_discard(e, 0);
		return;
	}
	bpf_ringbuf_submit(e, 0);
	if (st)
		__sync_fetch_and_add(&st->events, 1);
}

/*
 * Count a violation; write an event unless one for the same violation was
 * written within the interval (the flush iterator reports those later).
 */
static __always_inline void violation(__u32 ct, struct mon_policy *p, __u32 kind,
				      __u32 arch, __s32 what, __s32 ret, __u64 path_hash,
				      const char *path, const __u64 *args, __u32 action)
{
	struct mon_rate_key k = { .ct = ct, .kind = kind, .arch = arch, .what = what,
				  .path_hash = path_hash, .generation = p->generation };
	struct mon_rate fresh = {}, *r;
	struct mon_stats *st = stats();
	__u64 now = bpf_ktime_get_ns(), last, id;

	if (st)
		__sync_fetch_and_add(&st->violations, 1);
	r = bpf_map_lookup_elem(&mon_rates, &k);
	if (!r) {
		bpf_map_update_elem(&mon_rates, &k, &fresh, BPF_NOEXIST);
		r = bpf_map_lookup_elem(&mon_rates, &k);
	}
	if (!r) {
		/* The table is full: this violation gets an event of its own, unlimited. */
		if (st)
			__sync_fetch_and_add(&st->rates_full, 1);
		r = bpf_map_lookup_elem(&mon_rate_scratch, &zero);
		if (!r)
			return;
		__builtin_memset(r, 0, sizeof(*r));
		r->total = 1;
		r->action = action;
		r->ret = ret;
		id = bpf_get_current_pid_tgid();
		r->pid = (__u32)id;
		r->tgid = id >> 32;
		r->ppid = BPF_CORE_READ(bpf_get_current_task_btf(), real_parent, tgid);
		bpf_get_current_comm(r->comm, sizeof(r->comm));
		if (args)
			__builtin_memcpy(r->args, args, sizeof(r->args));
		emit(&k, r, path, false, true);
		return;
	}
	__sync_fetch_and_add(&r->total, 1);
	last = r->last_ns;
	/* Signed: a flush may have stamped a time later than ours. */
	if (last && (__s64)(now - last) < (__s64)interval_ns())
		return;
	/* One CPU writes the event; the others' violations are in the total. */
	if (__sync_val_compare_and_swap(&r->last_ns, last, now) != last)
		return;
	id = bpf_get_current_pid_tgid();
	r->pid = (__u32)id;
	r->tgid = id >> 32;
	r->ppid = BPF_CORE_READ(bpf_get_current_task_btf(), real_parent, tgid);
	r->action = action;
	r->ret = ret;
	bpf_get_current_comm(r->comm, sizeof(r->comm));
	if (args)
		__builtin_memcpy(r->args, args, sizeof(r->args));
	emit(&k, r, path, false, false);
}

#endif
