/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The syscall path learn.bpf.c and monitor.bpf.c share: which ABI a syscall
 * is of, where its arguments are, and the slot table that finds a followed
 * task from its saved registers without a helper call (each costs ~20 ns on
 * CPUs whose kernels mitigate return-stack attacks with "safe RET").
 *
 * A task is known by its saved user registers (task_pt_regs, the first
 * argument of sys_enter and sys_exit), which sit at a fixed place on its own
 * kernel stack. A hash of that address picks a slot: nr_tasks counts the
 * followed tasks whose address falls there, so 0 means "not ours" after one
 * array load. `regs` and `task` name the one task that claimed the slot; it
 * alone takes the fast path, and every other task in a busy slot takes the
 * exact task-storage path. Each program keeps its own table (learn: a global
 * array; monitor: a pinned map) and says what "followed" means.
 */
#ifndef EUNOMIA_SYSCALL_BPF_H
#define EUNOMIA_SYSCALL_BPF_H

#include "common.h"
#include "slot.h"

#define TS_COMPAT 0x0002 /* thread_info.status: a 32-bit syscall is in progress */

/* The bpf_rdonly_cast kfunc (Linux 6.2+) turns a saved address back into a typed pointer. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/*
 * A task's saved registers as a number. The verifier allows no arithmetic on a
 * pointer but the difference of two, so this is their distance from `base` (an
 * object of the program's): as good a name for the task as the address itself,
 * and never 0.
 */
static __always_inline __u64 eu_regs_key(const void *regs, const void *base)
{
	return (__u64)regs - (__u64)base;
}

/* Fibonacci hashing: stack addresses differ mostly in their middle bits. */
static __always_inline __u32 eu_slot_index(__u64 key)
{
	return (__u32)((key * 0x9E3779B97F4A7C15ULL) >> (64 - EU_SLOT_BITS));
}

/* Claim a free slot for `task`, whose key is `key`: its next syscalls take the fast path. */
static __always_inline bool eu_slot_claim(struct eu_slot *s, __u64 key, struct task_struct *task)
{
	if (s->regs || __sync_val_compare_and_swap(&s->regs, 0, key) != 0)
		return false;
	s->task = (__u64)task;
	return true;
}

/* A task whose key is `key` leaves slot `s`: released if it had claimed it, uncounted. */
static __always_inline void eu_slot_leave(struct eu_slot *s, __u64 key)
{
	if (s->regs == key) {
		s->task = 0;
		s->regs = 0;
	}
	__sync_fetch_and_sub(&s->nr_tasks, 1);
}

/* The task that claimed slot `s`, the current one: no helper call where `cast`. */
static __always_inline struct task_struct *eu_slot_task(struct eu_slot *s, bool cast)
{
	if (cast)
		return bpf_rdonly_cast((void *)s->task, bpf_core_type_id_kernel(struct task_struct));
	return bpf_get_current_task_btf();
}

/*
 * The ABI of a syscall (into *arch) and its number without the x32 bit: x32
 * numbers carry a bit, i386 calls (32-bit code, or int 0x80 from 64-bit code)
 * set TS_COMPAT while they run.
 */
static __always_inline long eu_syscall_abi(struct task_struct *task, long id, __u32 *arch)
{
	*arch = EU_ARCH_X86_64;
	if (id & EU_X32_SYSCALL_BIT) {
		*arch = EU_ARCH_X32;
		return id & ~(long)EU_X32_SYSCALL_BIT;
	}
	if (task->thread_info.status & TS_COMPAT)
		*arch = EU_ARCH_I386;
	return id;
}

/* The six argument registers of an ABI, in order, read from `regs` into a[]. */
#define EU_READ_ARGS(a, regs, r0, r1, r2, r3, r4, r5)                                \
	((a)[0] = BPF_CORE_READ(regs, r0), (a)[1] = BPF_CORE_READ(regs, r1),         \
	 (a)[2] = BPF_CORE_READ(regs, r2), (a)[3] = BPF_CORE_READ(regs, r3),         \
	 (a)[4] = BPF_CORE_READ(regs, r4), (a)[5] = BPF_CORE_READ(regs, r5))

/* The arguments of the syscall in the saved registers `regs`, by its ABI's convention. */
static __always_inline void eu_syscall_args(struct pt_regs *regs, __u32 arch, __u64 *a)
{
	if (arch == EU_ARCH_I386)
		EU_READ_ARGS(a, regs, bx, cx, dx, si, di, bp);
	else
		EU_READ_ARGS(a, regs, di, si, dx, r10, r8, r9);
}

/*
 * A syscall tracepoint's tp_btf program in its two forms, `name`_btf and
 * `name`_btf_nocast: with bpf_rdonly_cast, and for kernels before 6.2 without
 * it (user space loads whichever the kernel accepts). `fn(regs, arg, cast)` is
 * the program's body; `arg` is the syscall's number (sys_enter) or its return
 * value (sys_exit).
 */
#define EU_SYSCALL_TP_BTF(name, tp, fn)						\
	SEC("tp_btf/" #tp)							\
	int BPF_PROG(name##_btf, struct pt_regs *regs, long arg)		\
	{									\
		return fn(regs, arg, true);					\
	}									\
	SEC("tp_btf/" #tp)							\
	int BPF_PROG(name##_btf_nocast, struct pt_regs *regs, long arg)	\
	{									\
		return fn(regs, arg, false);					\
	}

#endif
