// SPDX-License-Identifier: GPL-2.0-only
/*
 * Learn mode, kernel side. A task belongs to the learned container when it has
 * an entry in `tasks` (task storage): seeded by an iterator walk, inherited on
 * fork, or joined at exec by mount namespace (runc exec, podman exec). Syscalls
 * and capability checks of those tasks are aggregated here; user space hears
 * only what is new (a first-seen syscall or capability, an exec, the end).
 *
 * Several programs do the same job through different kernel mechanisms; user
 * space probes the kernel and loads only one of each (see profiler/tracer.c).
 * Where the kernel refuses the task iterator, user space finds the tasks in
 * /proc and stores them pending (LEARN_T_PENDING); each is registered here at
 * its next syscall.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "learn.h"
#include "syscall.bpf.h"
#include "cred.bpf.h"
#include "path.bpf.h"
#include "task.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Kernel constants that BTF does not carry (they are #defines). */
#define E2BIG 7 /* a full hash map refuses a new key with it */

/* Set before load. */
const volatile __u32 boundary = LEARN_BOUNDARY_NONE;
/* The native ABI's execve and execveat, from libseccomp's table. */
const volatile __s32 nr_execve = -1;
const volatile __s32 nr_execveat = -1;
/* The native ABI's socket(2) and socketpair(2): the families they create are recorded. */
const volatile __s32 nr_socket = -1;
const volatile __s32 nr_socketpair = -1;

/* Which argument of each syscall is learned (LEARN_ARG_*), filled from lib/argspec.c. */
const volatile __u8 arg_watch[EU_ARCH_COUNT][EU_NR_MAX];

/* Set by user space between loads of the seeding iterator. */
__u32 seed_mode;
__u32 seed_tgid;  /* register this thread group and its descendants */
__u32 seed_flags; /* LEARN_T_* given to seeded tasks */
__u64 seed_count; /* LEARN_SEED_COUNT: the answer */

/* Mount namespace of the container: a task that execs inside it joins (0 = none). */
__u32 ct_mntns;

/* Tasks user space stored as pending, not registered yet (user space adds to it atomically). */
__u64 seed_pending;

/* What was learned. Bitmaps are read by user space at the end. */
__u64 seen[EU_ARCH_COUNT][EU_NR_WORDS];
__u64 setup_seen[EU_ARCH_COUNT][EU_NR_WORDS];
__u64 families; /* socket(2) families (bit per AF_*), native ABI only */
__u64 args_lost[EU_ARCH_COUNT][EU_NR_WORDS]; /* a value of this syscall found arg_values full */

/* Health counters. */
__s64 live_tasks;
__u64 events_lost;
__u64 nr_out_of_range;
__u64 tasks_lost;
__u64 slot_mismatch; /* a task's syscalls came with other registers than its own: a bug */

/* Where tasks crossed the boundary: at a seccomp filter load, or at an execve. */
__u64 crossed_filter;
__u64 crossed_exec;

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct learn_task);
} tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct learn_counts);
} counts SEC(".maps");

/* Values of watched arguments: the key is the news, the value when it was first seen. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LEARN_ARG_VALUES);
	__type(key, struct learn_arg_key);
	__type(value, __u64);
} arg_values SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LEARN_CAP_SITES);
	__type(key, struct learn_cap_key);
	__type(value, struct learn_cap_site);
} cap_sites SEC(".maps");

/* Where a check's stack is taken before it is known to be new (a site is too big for the stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct learn_cap_site);
} cap_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __always_inline struct learn_event *event_new(__u32 kind)
{
	struct learn_event *e;
	__u64 id;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&events_lost, 1);
		return 0;
	}
	id = bpf_get_current_pid_tgid();
	e->ts_ns = bpf_ktime_get_ns();
	e->kind = kind;
	e->pid = (__u32)id;
	e->tgid = id >> 32;
	e->arch = 0;
	e->nr = 0;
	e->ret = 0;
	e->setup = 0;
	e->ppid = BPF_CORE_READ(bpf_get_current_task_btf(), real_parent, tgid);
	e->stack = 0;
	e->value = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->path[0] = '\0';
	e->request[0] = '\0';
	return e;
}

static __always_inline void emit(__u32 kind, __u32 arch, __s32 nr, __s32 ret, __u32 setup,
				 __u64 stack)
{
	struct learn_event *e = event_new(kind);

	if (!e)
		return;
	e->arch = arch;
	e->nr = nr;
	e->ret = ret;
	e->setup = setup;
	e->stack = stack;
	bpf_ringbuf_submit(e, 0);
}

static __always_inline void emit_exec(struct linux_binprm *bprm)
{
	struct learn_event *e = event_new(LEARN_EV_EXEC);
	struct file *f;

	if (!e)
		return;
	f = BPF_CORE_READ(bprm, file);
	if (eu_path_resolve(BPF_CORE_READ(f, f_path.mnt), BPF_CORE_READ(f, f_path.dentry),
			    e->path) < 0)
		e->path[0] = '\0';
	bpf_probe_read_kernel_str(e->request, EU_PATH_HALF, BPF_CORE_READ(bprm, filename));
	bpf_ringbuf_submit(e, 0);
}

/* Set a bit; true when this call set it (so "first seen" is reported once). */
static __always_inline bool set_first(__u64 *word, __u64 bit)
{
	if (*word & bit)
		return false;
	return !(__sync_fetch_and_or(word, bit) & bit);
}

/* ---- slots: which tasks are ours, without a helper call (bpf/syscall.bpf.h) ---- */

struct eu_slot slots[EU_SLOTS];

/* A task's key in the slot table: its saved registers' distance from `slots`. */
static __always_inline __u64 regs_key(const void *regs)
{
	return eu_regs_key(regs, &slots);
}

static __always_inline struct eu_slot *slot_at(__u32 i)
{
	return &slots[i & (EU_SLOTS - 1)];
}

/*
 * Give task `t` an entry and count it as live, once. The flag dance makes
 * registration and exit race-free: whichever of them sets its bit first wins.
 * The slot is written first, so that an exit that sees the task registered
 * also sees which slot to leave.
 */
static __always_inline struct learn_task *task_register(struct task_struct *t, __u32 flags)
{
	struct learn_task *lt;
	__u32 old;

	lt = bpf_task_storage_get(&tasks, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!lt) {
		__sync_fetch_and_add(&tasks_lost, 1);
		return 0;
	}
	lt->slot = eu_slot_index(regs_key((void *)bpf_task_pt_regs(t)));
	/* Before the flag: a syscall that sees the task registered sees its first filter too. */
	if (!(lt->flags & LEARN_T_REGISTERED))
		lt->filter0 = (__u64)t->seccomp.filter;
	old = __sync_fetch_and_or(&lt->flags, LEARN_T_REGISTERED | flags);
	if (old & (LEARN_T_REGISTERED | LEARN_T_DEAD))
		return lt;
	lt->pending_cap = -1;
	__sync_fetch_and_add(&slot_at(lt->slot)->nr_tasks, 1);
	__sync_fetch_and_add(&live_tasks, 1);
	return lt;
}

/*
 * Mark a task gone; true when this call took the last one out of live_tasks.
 * Runs in the exiting task itself (or for a task that never ran since it was
 * registered), so a slot it claimed is released before its stack can be reused.
 */
static __always_inline bool task_retire(struct task_struct *t, struct learn_task *lt)
{
	__u32 old = __sync_fetch_and_or(&lt->flags, LEARN_T_DEAD);
	struct eu_slot *s;

	if (!(old & LEARN_T_REGISTERED) || (old & LEARN_T_DEAD))
		return false;
	eu_slot_leave(slot_at(lt->slot), regs_key((void *)bpf_task_pt_regs(t)));
	return __sync_fetch_and_sub(&live_tasks, 1) == 1;
}

/* Take a task out of LEARN_T_PENDING, once (its exit and its syscall may race). */
static __always_inline bool pending_take(struct learn_task *lt)
{
	if (!(lt->flags & LEARN_T_PENDING) ||
	    !(__sync_fetch_and_and(&lt->flags, ~LEARN_T_PENDING) & LEARN_T_PENDING))
		return false;
	__sync_fetch_and_sub(&seed_pending, 1);
	return true;
}

/* A task user space stored, in its own context: register it as the iterator would have. */
static __always_inline void task_complete(struct task_struct *t, struct learn_task *lt)
{
	if (pending_take(lt) && !(lt->flags & LEARN_T_DEAD))
		task_register(t, lt->flags & (LEARN_T_SYSCALLS | LEARN_T_CAPS | LEARN_T_HELD));
}

/* The syscall and capability programs, one file each, included once in this order. */
#include "learn_syscalls.bpf.h"
#include "learn_caps.bpf.h"

/* ---- process life cycle -------------------------------------------------------- */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(learn_fork, struct task_struct *parent, struct task_struct *child)
{
	struct learn_task *plt = bpf_task_storage_get(&tasks, parent, 0, 0);

	/* Threads and processes alike: the child inherits the parent's phase. */
	if (!plt)
		return 0;
	task_complete(parent, plt); /* the fork of a kernel thread comes with no syscall */
	task_register(child, plt->flags & (LEARN_T_SYSCALLS | LEARN_T_CAPS));
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(learn_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct learn_task *lt = bpf_task_storage_get(&tasks, p, 0, 0);
	struct pt_regs *regs;
	__u32 arch;
	__u64 nr;

	if (!lt) {
		/*
		 * Entering the container later (runc exec, podman exec): the
		 * runtime is done with this task, which runs the container's
		 * program from here.
		 */
		if (!ct_mntns || BPF_CORE_READ(p, nsproxy, mnt_ns, ns.inum) != ct_mntns)
			return 0;
		lt = task_register(p, LEARN_T_SYSCALLS | LEARN_T_CAPS);
		if (lt)
			emit_exec(bprm);
		return 0;
	}
	task_complete(p, lt); /* stored while already in execve */
	/*
	 * The runtime has finished with this task once it executes the
	 * container's program: capability checks count from here, and so do
	 * syscalls if no filter load came first. Then the execve itself,
	 * whose entry was still setup, is counted too: its number is in the
	 * registers it was called with.
	 */
	if (!(lt->flags & LEARN_T_SYSCALLS)) {
		__sync_fetch_and_or(&lt->flags, LEARN_T_SYSCALLS);
		__sync_fetch_and_add(&crossed_exec, 1);
		regs = (struct pt_regs *)bpf_task_pt_regs(p);
		if (regs && syscall_abi(p, BPF_CORE_READ(regs, orig_ax), &arch, &nr))
			count_syscall(arch, nr);
	}
	__sync_fetch_and_or(&lt->flags, LEARN_T_CAPS);
	emit_exec(bprm);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(learn_exit, struct task_struct *p)
{
	struct learn_task *lt = bpf_task_storage_get(&tasks, p, 0, 0);
	bool was_pending, last;

	if (!lt)
		return 0;
	was_pending = pending_take(lt);
	last = task_retire(p, lt);
	/* Empty once no task is left, counted or still waiting to be (seeded from /proc). */
	if ((last || (was_pending && !live_tasks)) && !seed_pending)
		emit(LEARN_EV_EMPTY, 0, 0, 0, 0, 0);
	bpf_task_storage_delete(&tasks, p);
	return 0;
}

/* ---- seeding: find the container's tasks that exist already -------------------- */

SEC("iter/task")
int learn_seed(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct learn_task *lt;

	if (!t)
		return 0;
	if (seed_mode == LEARN_SEED_COUNT) {
		lt = bpf_task_storage_get(&tasks, t, 0, 0);
		if (lt && (lt->flags & (LEARN_T_REGISTERED | LEARN_T_DEAD)) == LEARN_T_REGISTERED &&
		    !(t->flags & PF_EXITING))
			seed_count++;
		return 0;
	}
	if ((t->flags & PF_EXITING) || !eu_task_inside(t, ct_mntns, seed_tgid))
		return 0;
	lt = task_register(t, seed_flags);
	/* It may have begun to exit meanwhile, after its exit event: undo. */
	if (lt && (t->flags & PF_EXITING) && task_retire(t, lt))
		emit(LEARN_EV_EMPTY, 0, 0, 0, 0, 0);
	return 0;
}
