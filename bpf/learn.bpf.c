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
#include "cred.bpf.h"
#include "path.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Kernel constants that BTF does not carry (they are #defines). */
#define TS_COMPAT 0x0002 /* thread_info.status: a 32-bit syscall is in progress */
#define PF_EXITING 0x00000004
#define MAX_ANCESTORS 64
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

/* ---- slots: which tasks are ours, without a helper call (see learn.h) --------- */

/* The bpf_rdonly_cast kfunc (Linux 6.2+) turns a saved address back into a typed pointer. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

struct learn_slot slots[LEARN_SLOTS];

/*
 * A task's saved registers as a number. The verifier allows no arithmetic on a
 * pointer but the difference of two, so this is their distance from `slots`:
 * as good a name for the task as the address itself, and never 0.
 */
static __always_inline __u64 regs_key(const void *regs)
{
	return (__u64)regs - (__u64)&slots;
}

/* Fibonacci hashing: stack addresses differ mostly in their middle bits. */
static __always_inline __u32 slot_index(__u64 key)
{
	return (__u32)((key * 0x9E3779B97F4A7C15ULL) >> (64 - LEARN_SLOT_BITS));
}

static __always_inline struct learn_slot *slot_at(__u32 i)
{
	return &slots[i & (LEARN_SLOTS - 1)];
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
	lt->slot = slot_index(regs_key((void *)bpf_task_pt_regs(t)));
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
	struct learn_slot *s;

	if (!(old & LEARN_T_REGISTERED) || (old & LEARN_T_DEAD))
		return false;
	s = slot_at(lt->slot);
	if (s->regs == regs_key((void *)bpf_task_pt_regs(t))) {
		s->task = 0;
		s->regs = 0;
	}
	__sync_fetch_and_sub(&s->nr_tasks, 1);
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
	*arch = EU_ARCH_X86_64;
	if (id & EU_X32_SYSCALL_BIT) {
		*arch = EU_ARCH_X32;
		id &= ~(long)EU_X32_SYSCALL_BIT;
	} else if (task->thread_info.status & TS_COMPAT) {
		*arch = EU_ARCH_I386;
	}
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
static __always_inline int sys_enter_exact(struct learn_slot *s, __u64 key, long id,
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
		if (lt->slot != slot_index(key))
			__sync_fetch_and_add(&slot_mismatch, 1);
		else if (!s->regs && __sync_val_compare_and_swap(&s->regs, 0, key) == 0)
			s->task = (__u64)task;
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
	struct learn_slot *s = slot_at(slot_index(key));
	struct task_struct *task;
	__u32 arch;
	__u64 nr;

	if (!s->nr_tasks) /* tasks stored from /proc wait for their first syscall here */
		return seed_pending ? sys_enter_exact(s, key, id, regs, 0, ARGS_BTF) : 0;
	if (s->regs != key)
		return sys_enter_exact(s, key, id, regs, 0, ARGS_BTF);
	if (cast)
		task = bpf_rdonly_cast((void *)s->task, bpf_core_type_id_kernel(struct task_struct));
	else
		task = bpf_get_current_task_btf();
	if (syscall_abi(task, id, &arch, &nr)) {
		count_syscall(arch, nr);
		if (is_socket_call(id))
			note_family(arch, nr, regs->di);
		note_arg(regs, 0, ARGS_BTF, arch, nr);
	}
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(learn_sys_enter_btf, struct pt_regs *regs, long id)
{
	return sys_enter_slots(regs, id, true);
}

/* Kernels before 6.2, which have no bpf_rdonly_cast. */
SEC("tp_btf/sys_enter")
int BPF_PROG(learn_sys_enter_btf_nocast, struct pt_regs *regs, long id)
{
	return sys_enter_slots(regs, id, false);
}

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

/* ---- capabilities ------------------------------------------------------------ */

static __always_inline struct learn_task *current_task_entry(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct learn_task *lt = bpf_task_storage_get(&tasks, t, 0, 0);

	if (lt && (lt->flags & LEARN_T_PENDING))
		task_complete(t, lt);
	return lt;
}

/*
 * Record a capability check once per distinct (capability, result, phase,
 * kernel stack); the count says how often. New sites are announced.
 */
static __always_inline void on_capable(void *ctx, struct learn_task *lt, int cap, int ret)
{
	struct learn_cap_key key = {};
	struct learn_cap_site *site, *known;
	__u64 hash = 0xcbf29ce484222325ULL; /* FNV-1a */
	__u32 zero = 0;
	long n;

	if (cap < 0 || cap >= EU_CAP_MAX)
		return;
	/* eunomia's own held child, before the command's execve */
	if ((lt->flags & (LEARN_T_HELD | LEARN_T_CAPS)) == LEARN_T_HELD)
		return;
	site = bpf_map_lookup_elem(&cap_scratch, &zero);
	if (!site)
		return;
	n = bpf_get_stack(ctx, site->ips, sizeof(site->ips), 0);
	if (n < 0)
		n = 0;
	for (int i = 0; i < LEARN_STACK_DEPTH; i++) {
		if (i >= n / 8)
			site->ips[i] = 0; /* what the kernel did not write is not this stack */
		hash = (hash ^ site->ips[i]) * 0x100000001b3ULL;
	}
	key.stack = hash;
	key.cap = (__u16)cap;
	key.granted = ret == 0;
	key.setup = !(lt->flags & LEARN_T_CAPS);
	known = bpf_map_lookup_elem(&cap_sites, &key);
	if (known) {
		__sync_fetch_and_add(&known->count, 1);
		return;
	}
	site->count = 1;
	if (bpf_map_update_elem(&cap_sites, &key, site, BPF_NOEXIST) == 0)
		emit(LEARN_EV_CAP, 0, cap, ret, key.setup, key.stack);
}


/* The capability:cap_capable tracepoint exists since Linux 6.14. */
SEC("tp_btf/cap_capable")
int BPF_PROG(learn_cap_tp, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	struct learn_task *lt = current_task_entry();

	if (lt && !cred_is_foreign(cred))
		on_capable(ctx, lt, cap, ret);
	return 0;
}

/*
 * Older kernels: the return value of cap_capable() itself. Here the audit
 * option is visible, so checks made without auditing are dropped at once.
 */
#define CAP_OPT_NOAUDIT 0x2

SEC("fexit/cap_capable")
int BPF_PROG(learn_cap_fexit, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	struct learn_task *lt = current_task_entry();

	if (lt && !(opts & CAP_OPT_NOAUDIT) && !cred_is_foreign(cred))
		on_capable(ctx, lt, cap, ret);
	return 0;
}

/* Kernels without fexit: remember the capability on entry, read the result on return. */
SEC("kprobe/cap_capable")
int BPF_KPROBE(learn_cap_kprobe, const struct cred *cred, struct user_namespace *ns, int cap,
	       unsigned int opts)
{
	struct learn_task *lt = current_task_entry();

	if (lt)
		lt->pending_cap = (opts & CAP_OPT_NOAUDIT) || cred_is_foreign(cred) ? -1 : cap;
	return 0;
}

SEC("kretprobe/cap_capable")
int BPF_KRETPROBE(learn_cap_kretprobe, int ret)
{
	struct learn_task *lt = current_task_entry();

	if (lt && lt->pending_cap >= 0) {
		on_capable(ctx, lt, lt->pending_cap, ret);
		lt->pending_cap = -1;
	}
	return 0;
}

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

static __always_inline bool seed_matches(struct task_struct *t)
{
	struct task_struct *p = t;

	if (ct_mntns && BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum) == ct_mntns)
		return true;
	if (!seed_tgid)
		return false;
	for (int i = 0; i < MAX_ANCESTORS && p; i++) {
		if (p->tgid == seed_tgid)
			return true;
		if (p->pid <= 1)
			break;
		p = p->real_parent;
	}
	return false;
}

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
	if ((t->flags & PF_EXITING) || !seed_matches(t))
		return 0;
	lt = task_register(t, seed_flags);
	/* It may have begun to exit meanwhile, after its exit event: undo. */
	if (lt && (t->flags & PF_EXITING) && task_retire(t, lt))
		emit(LEARN_EV_EMPTY, 0, 0, 0, 0, 0);
	return 0;
}
