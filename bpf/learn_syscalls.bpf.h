/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Part of learn.bpf.c, included once after its maps and slots: the syscall
 * programs. A first-seen syscall, socket family or watched argument value of a
 * learned task is news; everything else is a counter.
 */
#ifndef EUNOMIA_LEARN_SYSCALLS_BPF_H
#define EUNOMIA_LEARN_SYSCALLS_BPF_H

/* ---- syscalls ---------------------------------------------------------------- */

/*
 * Count one syscall of a task whose syscalls belong to the profile. Only a
 * CPU's first count of a syscall can be the first anywhere, so the shared
 * bitmap is looked at once per CPU and syscall, not on every call.
 */
static __always_inline void count_syscall(__u32 arch, __u64 nr)
{
	struct learn_counts *c;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&counts, &zero);
	if (!c || ++c->n[arch][nr] != 1)
		return;
	if (set_first(&seen[arch][nr >> 6], 1ULL << (nr & 63)))
		emit(LEARN_EV_SYSCALL, arch, (__s32)nr, 0, 0, 0);
}

/* socket(2) or socketpair(2) of the native ABI: remember the family it asked for. */
static __always_inline bool is_socket_call(long id)
{
	return id == nr_socket || id == nr_socketpair;
}

static __always_inline void note_family(__u32 arch, __u64 nr, __u64 family)
{
	if (arch == EU_ARCH_X86_64 && is_socket_call((long)nr) && family < 64 &&
	    !(families & (1ULL << family)))
		__sync_fetch_and_or(&families, 1ULL << family);
}

/* Where a program finds the syscall's arguments. */
enum args_from {
	ARGS_BTF,  /* a pt_regs pointer the verifier trusts (tp_btf) */
	ARGS_CORE, /* a pt_regs address read through probes (raw_tp) */
	ARGS_TP,   /* the classic tracepoint's own copy */
};

/* Argument i (0 or 1) of a syscall of ABI arch: i386 passes them in ebx, ecx. */
static __always_inline __u64 arg_read(struct pt_regs *regs, void *tp, enum args_from from,
				      __u32 arch, __u32 i)
{
	bool compat = arch == EU_ARCH_I386;

	if (from == ARGS_TP) {
		/*
		 * Both read at fixed offsets: the verifier refuses a context
		 * pointer moved by a computed offset, which a plain ?: becomes.
		 */
		__u64 a0 = ((struct trace_event_raw_sys_enter *)tp)->args[0];
		__u64 a1 = ((struct trace_event_raw_sys_enter *)tp)->args[1];

		barrier_var(a0);
		barrier_var(a1);
		return i ? a1 : a0;
	}
	if (from == ARGS_BTF)
		return compat ? (i ? regs->cx : regs->bx) : (i ? regs->si : regs->di);
	return compat ? (i ? BPF_CORE_READ(regs, cx) : BPF_CORE_READ(regs, bx))
		      : (i ? BPF_CORE_READ(regs, si) : BPF_CORE_READ(regs, di));
}

/*
 * A watched argument (arg_watch): the value, or the part of it the profile's
 * rule will compare, goes into arg_values once. Only the first sighting of a
 * value costs an update; later ones a lookup.
 */
static __always_inline void note_arg(struct pt_regs *regs, void *tp, enum args_from from,
				     __u32 arch, __u64 nr)
{
	struct learn_arg_key key = { .arch = arch, .nr = (__u32)nr };
	__u8 w = arg_watch[arch][nr];
	__u64 now, flags;
	long err;

	if (!w)
		return;
	key.value = arg_read(regs, tp, from, arch, LEARN_ARG_INDEX(w));
	switch (LEARN_ARG_KIND(w)) {
	case LEARN_ARG_NSFLAGS:
		key.value &= LEARN_CLONE_NEW_MASK;
		break;
	case LEARN_ARG_CLONE3: /* struct clone_args begins with its flags */
		if (bpf_probe_read_user(&flags, sizeof(flags), (void *)key.value))
			key.value = LEARN_ARG_UNREADABLE;
		else
			key.value = flags & LEARN_CLONE_NEW_MASK;
		break;
	}
	if (bpf_map_lookup_elem(&arg_values, &key))
		return;
	now = bpf_ktime_get_ns();
	err = bpf_map_update_elem(&arg_values, &key, &now, BPF_NOEXIST);
	if (err == -E2BIG) {
		__sync_fetch_and_or(&args_lost[arch][nr >> 6], 1ULL << (nr & 63));
		return;
	}
	if (err) /* -EEXIST: another CPU saw it first */
		return;
	{
		struct learn_event *e = event_new(LEARN_EV_ARG);

		if (!e)
			return;
		e->arch = arch;
		e->nr = (__s32)nr;
		e->value = key.value;
		bpf_ringbuf_submit(e, 0);
	}
}

/*
 * The ABI of a syscall: x32 numbers carry a bit, i386 calls (32-bit code, or
 * int 0x80 from 64-bit code) set TS_COMPAT while they run. False when the
 * number is out of range.
 */
static __always_inline bool syscall_abi(struct task_struct *task, long id, __u32 *arch,
					__u64 *nr)
{
	id = eu_syscall_abi(task, id, arch);
	if ((unsigned long)id >= EU_NR_MAX) {
		__sync_fetch_and_add(&nr_out_of_range, 1);
		return false;
	}
	*nr = (__u64)id & (EU_NR_MAX - 1);
	return true;
}

/*
 * The exact path, through task storage. `s` is the task's slot (NULL where
 * the hook gives no registers): a task found to count claims a free slot, so
 * that its next syscalls take the fast path.
 */
static __always_inline int sys_enter_exact(struct eu_slot *s, __u64 key, long id,
					   struct pt_regs *regs, void *tp, enum args_from from)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct learn_task *lt;
	__u32 arch;
	__u64 nr;

	lt = bpf_task_storage_get(&tasks, task, 0, 0);
	if (!lt)
		return 0;
	if (lt->flags & LEARN_T_PENDING)
		task_complete(task, lt);
	if (!syscall_abi(task, id, &arch, &nr))
		return 0;

	if (!(lt->flags & LEARN_T_SYSCALLS)) {
		bool exec = arch == EU_ARCH_X86_64 && ((__s32)nr == nr_execve || (__s32)nr == nr_execveat);

		/*
		 * Before the boundary. A held command (learn -- CMD) counts from
		 * its execve call, so the exec itself is in the profile and what
		 * eunomia's child did before is not. With the seccomp boundary,
		 * the first syscall made under a filter the task did not have
		 * when it was registered crosses it, for this task and the
		 * children it makes from then on; capabilities still wait for
		 * the execve (the runtime sets them up after its filter). A
		 * filter the runtime itself ran under is not the container's.
		 * Otherwise the runtime is still building the container: that
		 * is runtime setup.
		 */
		if ((lt->flags & LEARN_T_HELD) && exec) {
			__sync_fetch_and_or(&lt->flags, LEARN_T_SYSCALLS | LEARN_T_CAPS);
		} else if (boundary == LEARN_BOUNDARY_SECCOMP &&
			   (__u64)task->seccomp.filter != lt->filter0) {
			__sync_fetch_and_or(&lt->flags, LEARN_T_SYSCALLS);
			__sync_fetch_and_add(&crossed_filter, 1);
		} else if (lt->flags & LEARN_T_HELD) {
			return 0;
		} else {
			if (set_first(&setup_seen[arch][nr >> 6], 1ULL << (nr & 63)))
				emit(LEARN_EV_SYSCALL, arch, (__s32)nr, 0, 1, 0);
			return 0;
		}
	}

	if (s) {
		if (lt->slot != eu_slot_index(key))
			__sync_fetch_and_add(&slot_mismatch, 1);
		else
			eu_slot_claim(s, key, task);
	}
	count_syscall(arch, nr);
	if (is_socket_call(id))
		note_family(arch, nr, arg_read(regs, tp, from, arch, 0));
	note_arg(regs, tp, from, arch, nr);
	return 0;
}

/*
 * The hot path. A task outside the container costs one array load; the task
 * that claimed its slot is counted with no helper call. `cast` says whether the
 * kernel has bpf_rdonly_cast; without it the task comes from a helper.
 */
static __always_inline int sys_enter_slots(struct pt_regs *regs, long id, bool cast)
{
	__u64 key = regs_key(regs);
	struct eu_slot *s = slot_at(eu_slot_index(key));
	struct task_struct *task;
	__u32 arch;
	__u64 nr;

	if (!s->nr_tasks) /* tasks stored from /proc wait for their first syscall here */
		return seed_pending ? sys_enter_exact(s, key, id, regs, 0, ARGS_BTF) : 0;
	if (s->regs != key)
		return sys_enter_exact(s, key, id, regs, 0, ARGS_BTF);
	task = eu_slot_task(s, cast);
	if (syscall_abi(task, id, &arch, &nr)) {
		count_syscall(arch, nr);
		if (is_socket_call(id))
			note_family(arch, nr, regs->di);
		note_arg(regs, 0, ARGS_BTF, arch, nr);
	}
	return 0;
}

/* learn_sys_enter_btf, learn_sys_enter_btf_nocast */
EU_SYSCALL_TP_BTF(learn_sys_enter, sys_enter, sys_enter_slots)

/*
 * The fallbacks take the exact path: raw_tp passes the registers as a number,
 * which cannot be related to bpf_task_pt_regs(), and the classic tracepoint
 * does not pass them at all.
 */
SEC("raw_tp/sys_enter")
int BPF_PROG(learn_sys_enter_raw, struct pt_regs *regs, long id)
{
	return sys_enter_exact(0, 0, id, regs, 0, ARGS_CORE);
}

SEC("tracepoint/raw_syscalls/sys_enter")
int learn_sys_enter_tp(struct trace_event_raw_sys_enter *ctx)
{
	return sys_enter_exact(0, 0, ctx->id, 0, ctx, ARGS_TP);
}

#endif
