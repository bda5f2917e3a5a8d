/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Part of monitor.bpf.c, included once after mon_violation.bpf.h: the syscall
 * programs. sys_enter checks what a task held without our filter calls;
 * sys_exit and signal_generate report what seccomp refused a held task.
 */
#ifndef EUNOMIA_MON_SYSCALLS_BPF_H
#define EUNOMIA_MON_SYSCALLS_BPF_H

/* ---- syscalls (tracepoint: alert or kill) ------------------------------------------- */

static __always_inline bool policy_allows(struct mon_policy *p, __u32 arch, long id)
{
	return (unsigned long)id < EU_NR_MAX && (p->arch_present & (1u << arch)) &&
	       (p->syscalls[arch][(id >> 6) & (EU_NR_WORDS - 1)] & (1ULL << (id & 63)));
}

/* The check itself, for a held task of container `ct`. */
static __always_inline void check_syscall(struct task_struct *task, __u32 ct, long raw)
{
	struct mon_policy *p = policy_of(ct);
	struct mon_task *mt;
	__u32 arch;
	long id;
	bool block;

	if (!p || (p->flags & MON_P_FILTERED))
		return;
	id = eu_syscall_abi(task, raw, &arch);
	if (policy_allows(p, arch, id))
		return;
	/* It runs: should it fail, sys_exit must not take it for one seccomp refused. */
	mt = bpf_task_storage_get(&mon_tasks, bpf_get_current_task_btf(), 0, 0);
	if (mt)
		mt->entered = (__u32)raw + 1;
	violation(ct, p, MON_EV_SYSCALL, arch, (__s32)id, 0, 0, 0, 0, answer(false, &block));
}

/*
 * Through task storage. `s` is the task's entry in mon_slots (NULL where the
 * hook gives no registers): a held task claims a free one, so that its next
 * syscalls take the fast path.
 */
static __always_inline int sys_enter_exact(struct eu_slot *s, __u64 key, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mon_task *mt = bpf_task_storage_get(&mon_tasks, task, 0, 0);

	if (mt && (mt->flags & MON_T_PENDING))
		task_complete(task, mt);
	mt = current_member(&task);
	if (!mt)
		return 0;
	if (s && mt->slot == eu_slot_index(key) && eu_slot_claim(s, key, task))
		s->ct = mt->ct;
	check_syscall(task, mt->ct, id);
	return 0;
}

/* The slot of the task whose saved registers are `regs` (their key in *key). */
static __always_inline struct eu_slot *slot_of(struct pt_regs *regs, __u64 *key)
{
	struct mon_config *cfg = bpf_map_lookup_elem(&mon_config, &zero);

	if (!cfg)
		return 0;
	*key = eu_regs_key(regs, cfg);
	return slot_at(eu_slot_index(*key));
}

/*
 * The hot path: a task outside costs three array loads, the slot's claimer no
 * helper call. While tasks user space registered wait for their next syscall,
 * every task takes the exact path, so that they are found.
 */
static __always_inline int sys_enter_slots(struct pt_regs *regs, long id, bool cast)
{
	struct eu_slot *s;
	__u64 key;

	s = slot_of(regs, &key);
	if (!s)
		return 0;
	if (!s->nr_tasks)
		return seeds_pending() ? sys_enter_exact(s, key, id) : 0;
	if (s->regs != key)
		return sys_enter_exact(s, key, id);
	check_syscall(eu_slot_task(s, cast), s->ct, id);
	return 0;
}

/* mon_sys_enter_btf, mon_sys_enter_btf_nocast */
EU_SYSCALL_TP_BTF(mon_sys_enter, sys_enter, sys_enter_slots)

/* raw_tp passes the registers as a number that cannot be related to bpf_task_pt_regs(). */
SEC("raw_tp/sys_enter")
int BPF_PROG(mon_sys_enter_raw, struct pt_regs *regs, long id)
{
	return sys_enter_exact(0, 0, id);
}

/* ---- syscalls seccomp refused (sys_exit for errno actions, SIGSYS for kills) ---------- */

/*
 * A syscall of a held task failed (ret is -errno). Inside the profile it is the
 * syscall's own error. Outside it, either sys_enter saw it run (and marked it),
 * or sys_enter never ran for it: seccomp refused it.
 */
static __always_inline void check_exit(struct task_struct *task, __u32 ct, struct pt_regs *regs,
				       long raw, long ret)
{
	struct mon_policy *p = policy_of(ct);
	struct mon_stats *st;
	struct mon_task *mt;
	__u64 args[6];
	__u32 arch;
	long id;

	/* -1: no syscall (rt_sigreturn sets it, and restores a return value that may be an error) */
	if (!p || raw < 0 || (p->flags & MON_P_FILTERED))
		return;
	id = eu_syscall_abi(task, raw, &arch);
	if (policy_allows(p, arch, id))
		return;
	mt = bpf_task_storage_get(&mon_tasks, bpf_get_current_task_btf(), 0, 0);
	if (!mt || (mt->flags & (MON_T_REGISTERED | MON_T_DEAD)) != MON_T_REGISTERED)
		return;
	if (mt->entered == (__u32)raw + 1) {
		mt->entered = 0;
		return;
	}
	st = stats();
	if (st)
		__sync_fetch_and_add(&st->denials, 1);
	eu_syscall_args(regs, arch, args);
	violation(ct, p, MON_EV_DENIAL, arch, (__s32)id, (__s32)-ret, 0, 0, args, MON_ACT_DENIED);
}

/* Through task storage (no claimed slot, or raw_tp). */
static __always_inline int sys_exit_exact(struct pt_regs *regs, long raw, long ret)
{
	struct task_struct *task;
	struct mon_task *mt = current_member(&task);

	if (mt)
		check_exit(task, mt->ct, regs, raw, ret);
	return 0;
}

/*
 * The same slot table as sys_enter: a syscall that succeeded costs one
 * comparison, a failed one of a task outside every container two array loads.
 */
static __always_inline int sys_exit_slots(struct pt_regs *regs, long ret, bool cast)
{
	struct eu_slot *s;
	__u64 key;

	if (ret >= 0 || ret < -MAX_ERRNO)
		return 0;
	s = slot_of(regs, &key);
	if (!s || !s->nr_tasks)
		return 0;
	if (s->regs != key)
		return sys_exit_exact(regs, regs->orig_ax, ret);
	check_exit(eu_slot_task(s, cast), s->ct, regs, regs->orig_ax, ret);
	return 0;
}

/* mon_sys_exit_btf, mon_sys_exit_btf_nocast */
EU_SYSCALL_TP_BTF(mon_sys_exit, sys_exit, sys_exit_slots)

SEC("raw_tp/sys_exit")
int BPF_PROG(mon_sys_exit_raw, struct pt_regs *regs, long ret)
{
	if (ret >= 0 || ret < -MAX_ERRNO)
		return 0;
	return sys_exit_exact(regs, BPF_CORE_READ(regs, orig_ax), ret);
}

/*
 * A kill action: seccomp marks the task dead, rolls the syscall back (sys_exit
 * then shows its number as the return value, which is not an error) and
 * generates SIGSYS with si_code SYS_SECCOMP, naming the syscall. SCMP_ACT_TRAP
 * sends the same signal to a task that lives on: not a kill, not reported.
 */
static __always_inline int seccomp_killed(int nr, __u32 audit_arch)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mon_task *mt = bpf_task_storage_get(&mon_tasks, task, 0, 0);
	struct mon_policy *p;
	struct mon_stats *st;
	__u64 args[6];
	__u32 arch = EU_ARCH_X86_64;

	if (!mt || (mt->flags & (MON_T_REGISTERED | MON_T_DEAD)) != MON_T_REGISTERED ||
	    task->seccomp.mode != SECCOMP_MODE_DEAD)
		return 0;
	p = policy_of(mt->ct);
	if (!p || (p->flags & MON_P_FILTERED))
		return 0;
	if (audit_arch == AUDIT_ARCH_I386) {
		arch = EU_ARCH_I386;
	} else if (nr & EU_X32_SYSCALL_BIT) {
		arch = EU_ARCH_X32;
		nr &= ~EU_X32_SYSCALL_BIT;
	}
	st = stats();
	if (st)
		__sync_fetch_and_add(&st->denials, 1);
	eu_syscall_args((struct pt_regs *)bpf_task_pt_regs(task), arch, args);
	violation(mt->ct, p, MON_EV_DENIAL, arch, nr, SIGSYS, 0, 0, args, MON_ACT_KILLED);
	return 0;
}

/*
 * info is a pointer, or SEND_SIG_NOINFO (0) or SEND_SIG_PRIV (1): the verifier
 * (6.12) takes it for a number, so it is read with bpf_probe_read_kernel().
 * Seccomp sends the signal to the task itself.
 */
static __always_inline int signal_generate(int sig, struct kernel_siginfo *info, __u64 task)
{
	if (sig != SIGSYS || (unsigned long)info <= 1 || task != bpf_get_current_task() ||
	    BPF_CORE_READ(info, si_code) != SYS_SECCOMP)
		return 0;
	return seccomp_killed(BPF_CORE_READ(info, _sifields._sigsys._syscall),
			      BPF_CORE_READ(info, _sifields._sigsys._arch));
}

SEC("tp_btf/signal_generate")
int BPF_PROG(mon_signal_btf, int sig, struct kernel_siginfo *info, struct task_struct *t,
	     int group, int result)
{
	return signal_generate(sig, info, (__u64)t);
}

SEC("raw_tp/signal_generate")
int BPF_PROG(mon_signal_raw, int sig, struct kernel_siginfo *info, struct task_struct *t,
	     int group, int result)
{
	return signal_generate(sig, info, (__u64)t);
}

#endif
