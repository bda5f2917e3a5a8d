/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Part of monitor.bpf.c, included once after its maps: which tasks are held,
 * and by which container. A task is a member when it has a registered entry in
 * mon_tasks; the slot table (bpf/syscall.bpf.h) lets the syscall path find it
 * without a helper call.
 */
#ifndef EUNOMIA_MON_MEMBER_BPF_H
#define EUNOMIA_MON_MEMBER_BPF_H

/* ---- membership ----------------------------------------------------------------- */

/*
 * The slot table of the syscall path (bpf/syscall.bpf.h). Keys are taken
 * relative to mon_config's value, which every load of the programs shares
 * through the pin.
 */
static __always_inline struct eu_slot *slot_at(__u32 i)
{
	return bpf_map_lookup_elem(&mon_slots, &i);
}

static __always_inline struct mon_task *task_register(struct task_struct *t, __u32 ct)
{
	struct mon_config *cfg = bpf_map_lookup_elem(&mon_config, &zero);
	struct mon_stats *st = stats();
	struct mon_task *mt;
	struct eu_slot *s;
	__u32 old;

	if (ct >= MON_MAX_CTS || !cfg)
		return 0;
	mt = bpf_task_storage_get(&mon_tasks, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!mt) {
		if (st)
			__sync_fetch_and_add(&st->tasks_lost, 1);
		return 0;
	}
	if (mt->flags & (MON_T_REGISTERED | MON_T_DEAD))
		return mt;
	/* Slot and container first: an exit that sees the task registered sees them too. */
	mt->ct = ct;
	mt->slot = eu_slot_index(eu_regs_key((void *)bpf_task_pt_regs(t), cfg));
	old = __sync_fetch_and_or(&mt->flags, MON_T_REGISTERED);
	if (old & (MON_T_REGISTERED | MON_T_DEAD))
		return mt;
	s = slot_at(mt->slot);
	if (s)
		__sync_fetch_and_add(&s->nr_tasks, 1);
	if (st)
		__sync_fetch_and_add(&st->live[mt->ct & (MON_MAX_CTS - 1)], 1);
	return mt;
}

/* Runs in the exiting task itself, so a claimed entry is released before its stack is reused. */
static __always_inline void task_retire(struct task_struct *t, struct mon_task *mt)
{
	struct mon_config *cfg = bpf_map_lookup_elem(&mon_config, &zero);
	__u32 old = __sync_fetch_and_or(&mt->flags, MON_T_DEAD);
	struct mon_stats *st;
	struct eu_slot *s;

	if (!(old & MON_T_REGISTERED) || (old & MON_T_DEAD))
		return;
	s = slot_at(mt->slot);
	if (s)
		eu_slot_leave(s, cfg ? eu_regs_key((void *)bpf_task_pt_regs(t), cfg) : 0);
	st = stats();
	if (st)
		__sync_fetch_and_sub(&st->live[mt->ct & (MON_MAX_CTS - 1)], 1);
}

static __always_inline struct mon_policy *policy_of(__u32 ct)
{
	struct mon_policy *p = bpf_map_lookup_elem(&mon_policies, &ct);

	return p && (p->flags & MON_P_ACTIVE) ? p : 0;
}

/* Are tasks that user space registered waiting for their next syscall? */
static __always_inline bool seeds_pending(void)
{
	__u64 *n = bpf_map_lookup_elem(&mon_pending, &zero);

	return n && *n;
}

/* Take a task out of MON_T_PENDING, once (its exit and its syscall may race). */
static __always_inline bool pending_take(struct mon_task *mt)
{
	__u64 *n;

	if (!(mt->flags & MON_T_PENDING) ||
	    !(__sync_fetch_and_and(&mt->flags, ~MON_T_PENDING) & MON_T_PENDING))
		return false;
	n = bpf_map_lookup_elem(&mon_pending, &zero);
	if (n)
		__sync_fetch_and_sub(n, 1);
	return true;
}

/*
 * A task user space registered, in a context where `t` is trusted: count it as
 * a member, unless its slot went to another container meanwhile. (Registered
 * by another way meanwhile, a fork or an iterator, it is held already.)
 */
static __always_inline void task_complete(struct task_struct *t, struct mon_task *mt)
{
	__u32 ct = mt->ct;
	struct mon_container *c;

	if (!pending_take(mt) || (mt->flags & (MON_T_DEAD | MON_T_REGISTERED)))
		return;
	c = bpf_map_lookup_elem(&mon_containers, &ct);
	if (policy_of(ct) && c && c->pid == mt->owner)
		task_register(t, ct);
	else
		__sync_fetch_and_or(&mt->flags, MON_T_DEAD);
}

/* The current task's entry, when it is a member (registered, alive). */
static __always_inline struct mon_task *current_member(struct task_struct **task)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct mon_task *mt = bpf_task_storage_get(&mon_tasks, t, 0, 0);

	*task = t;
	if (!mt || (mt->flags & (MON_T_REGISTERED | MON_T_DEAD)) != MON_T_REGISTERED)
		return 0;
	return mt;
}

#endif
