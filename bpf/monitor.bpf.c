// SPDX-License-Identifier: GPL-2.0-only
/*
 * Monitor mode, kernel side. Registered containers are held to their profiles:
 * a task belongs to a container slot when it has an entry in `tasks` (seeded
 * by an iterator walk, inherited on fork, joined at exec by mount namespace);
 * its syscalls, capability checks and executions are checked against the
 * slot's policy. A violation is counted in a rate-limit entry and becomes an
 * event at most once per interval; the flush iterator writes what was
 * suppressed. Everything lives in maps pinned under /sys/fs/bpf/eunomia, and
 * the programs' links are pinned too, so a daemon restart loses no policy.
 *
 * With BPF-LSM (lsm/capable, lsm/bprm_check_security) a violation can be
 * refused; without it the tracepoints only alert, or kill the offender.
 * User space loads one program per job, whichever the kernel accepts; where
 * the kernel refuses the iterators, it seeds tasks itself (MON_T_PENDING) and
 * sweeps mon_rates itself.
 *
 * What seccomp refuses a held task is reported too (MON_EV_DENIAL): sys_enter
 * does not run for a syscall the filter refused, sys_exit does (with -errno),
 * and a kill action shows as the SIGSYS it generates.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "monitor.h"
#include "cred.bpf.h"
#include "path.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define TS_COMPAT 0x0002 /* thread_info.status: a 32-bit syscall is in progress */
#define PF_EXITING 0x00000004
#define CAP_OPT_NOAUDIT 0x2
#define SIGKILL 9
#define SIGSYS 31
#define EPERM 1
#define MAX_ERRNO 4095
#define SYS_SECCOMP 1		/* si_code of seccomp's SIGSYS */
#define SECCOMP_MODE_DEAD 3	/* set on the task before a kill action's SIGSYS (Linux 5.17+) */
#define AUDIT_ARCH_I386 0x40000003
#define MAX_ANCESTORS 64

/* Set before load: the executions are checked by lsm/bprm_check_security. */
const volatile bool exec_lsm = false;

/* Set by user space before it runs the seeding iterator (not pinned: per daemon). */
__u32 seed_ct;
__u32 seed_tgid;
__u32 seed_mntns;

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct mon_task);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mon_tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MON_MAX_CTS);
	__type(key, __u32);
	__type(value, struct mon_policy);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mon_policies SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MON_MAX_CTS);
	__type(key, __u32);
	__type(value, struct mon_container);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mon_containers SEC(".maps");

/* Mount namespace -> container slot: a task executing in it joins. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MON_MAX_CTS);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mon_mntns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct mon_exec_key);
	__type(value, __u8);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mon_execs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mon_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mon_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mon_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mon_stats SEC(".maps");

struct {
	/* Not LRU: an evicted entry would take unreported counts with it. */
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MON_RATE_KEYS);
	__type(key, struct mon_rate_key);
	__type(value, struct mon_rate);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mon_rates SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MON_SLOTS);
	__type(key, __u32);
	__type(value, struct mon_slot);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mon_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mon_events SEC(".maps");

/*
 * What the daemons have accounted for, per rate entry: user space's alone (no
 * program uses it), pinned with the rest so that a new daemon goes on from there.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MON_RATE_KEYS);
	__type(key, struct mon_rate_key);
	__type(value, struct mon_acct);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mon_acct SEC(".maps");

/*
 * Tasks user space registered that have not made a syscall since
 * (MON_T_PENDING): mapped by user space, which adds to it atomically.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mon_pending SEC(".maps");

/* A rate entry for a violation the full table has no room for. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mon_rate);
} mon_rate_scratch SEC(".maps");

/* Scratch space too big for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mon_exec_key);
} mon_scratch SEC(".maps");

static const __u32 zero;

static __always_inline struct mon_stats *stats(void)
{
	return bpf_map_lookup_elem(&mon_stats, &zero);
}

/* ---- membership ----------------------------------------------------------------- */

/* The bpf_rdonly_cast kfunc (Linux 6.2+) turns a saved address back into a typed pointer. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/*
 * A task's saved registers as a number: their distance from mon_config's
 * value (the verifier allows the difference of two pointers), the same for
 * every load of these programs, and never 0.
 */
static __always_inline __u64 regs_key(const void *regs, const void *base)
{
	return (__u64)regs - (__u64)base;
}

/* Fibonacci hashing: stack addresses differ mostly in their middle bits. */
static __always_inline __u32 slot_index(__u64 key)
{
	return (__u32)((key * 0x9E3779B97F4A7C15ULL) >> (64 - MON_SLOT_BITS));
}

static __always_inline struct mon_slot *slot_at(__u32 i)
{
	return bpf_map_lookup_elem(&mon_slots, &i);
}

static __always_inline struct mon_task *task_register(struct task_struct *t, __u32 ct)
{
	struct mon_config *cfg = bpf_map_lookup_elem(&mon_config, &zero);
	struct mon_stats *st = stats();
	struct mon_task *mt;
	struct mon_slot *s;
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
	mt->slot = slot_index(regs_key((void *)bpf_task_pt_regs(t), cfg));
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
	struct mon_slot *s;

	if (!(old & MON_T_REGISTERED) || (old & MON_T_DEAD))
		return;
	s = slot_at(mt->slot);
	if (s) {
		if (cfg && s->regs == regs_key((void *)bpf_task_pt_regs(t), cfg)) {
			s->task = 0;
			s->regs = 0;
		}
		__sync_fetch_and_sub(&s->nr_tasks, 1);
	}
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

/* ---- syscalls (tracepoint: alert or kill) ------------------------------------------- */

/* The syscall's ABI (into *arch) and its number without the x32 bit. */
static __always_inline long syscall_abi(struct task_struct *task, long id, __u32 *arch)
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
	id = syscall_abi(task, raw, &arch);
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
static __always_inline int sys_enter_exact(struct mon_slot *s, __u64 key, long id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mon_task *mt = bpf_task_storage_get(&mon_tasks, task, 0, 0);

	if (mt && (mt->flags & MON_T_PENDING))
		task_complete(task, mt);
	mt = current_member(&task);
	if (!mt)
		return 0;
	if (s && mt->slot == slot_index(key) && !s->regs &&
	    __sync_val_compare_and_swap(&s->regs, 0, key) == 0) {
		s->ct = mt->ct;
		s->task = (__u64)task;
	}
	check_syscall(task, mt->ct, id);
	return 0;
}

/* The slot of the task whose saved registers are `regs` (their key in *key). */
static __always_inline struct mon_slot *slot_of(struct pt_regs *regs, __u64 *key)
{
	struct mon_config *cfg = bpf_map_lookup_elem(&mon_config, &zero);

	if (!cfg)
		return 0;
	*key = regs_key(regs, cfg);
	return slot_at(slot_index(*key));
}

/* The task that claimed slot `s`, the current one: no helper call where `cast`. */
static __always_inline struct task_struct *slot_task(struct mon_slot *s, bool cast)
{
	if (cast)
		return bpf_rdonly_cast((void *)s->task, bpf_core_type_id_kernel(struct task_struct));
	return bpf_get_current_task_btf();
}

/*
 * The hot path: a task outside costs three array loads, the slot's claimer no
 * helper call. While tasks user space registered wait for their next syscall,
 * every task takes the exact path, so that they are found.
 */
static __always_inline int sys_enter_slots(struct pt_regs *regs, long id, bool cast)
{
	struct mon_slot *s;
	__u64 key;

	s = slot_of(regs, &key);
	if (!s)
		return 0;
	if (!s->nr_tasks)
		return seeds_pending() ? sys_enter_exact(s, key, id) : 0;
	if (s->regs != key)
		return sys_enter_exact(s, key, id);
	check_syscall(slot_task(s, cast), s->ct, id);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(mon_sys_enter_btf, struct pt_regs *regs, long id)
{
	return sys_enter_slots(regs, id, true);
}

/* Kernels before 6.2, which have no bpf_rdonly_cast. */
SEC("tp_btf/sys_enter")
int BPF_PROG(mon_sys_enter_btf_nocast, struct pt_regs *regs, long id)
{
	return sys_enter_slots(regs, id, false);
}

/* raw_tp passes the registers as a number that cannot be related to bpf_task_pt_regs(). */
SEC("raw_tp/sys_enter")
int BPF_PROG(mon_sys_enter_raw, struct pt_regs *regs, long id)
{
	return sys_enter_exact(0, 0, id);
}

/* ---- syscalls seccomp refused (sys_exit for errno actions, SIGSYS for kills) ---------- */

/* Arguments of the syscall in the saved registers `regs`, by its ABI's convention. */
static __always_inline void syscall_args(struct pt_regs *regs, __u32 arch, __u64 *a)
{
	if (arch == EU_ARCH_I386) {
		a[0] = BPF_CORE_READ(regs, bx);
		a[1] = BPF_CORE_READ(regs, cx);
		a[2] = BPF_CORE_READ(regs, dx);
		a[3] = BPF_CORE_READ(regs, si);
		a[4] = BPF_CORE_READ(regs, di);
		a[5] = BPF_CORE_READ(regs, bp);
	} else {
		a[0] = BPF_CORE_READ(regs, di);
		a[1] = BPF_CORE_READ(regs, si);
		a[2] = BPF_CORE_READ(regs, dx);
		a[3] = BPF_CORE_READ(regs, r10);
		a[4] = BPF_CORE_READ(regs, r8);
		a[5] = BPF_CORE_READ(regs, r9);
	}
}

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
	id = syscall_abi(task, raw, &arch);
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
	syscall_args(regs, arch, args);
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
	struct mon_slot *s;
	__u64 key;

	if (ret >= 0 || ret < -MAX_ERRNO)
		return 0;
	s = slot_of(regs, &key);
	if (!s || !s->nr_tasks)
		return 0;
	if (s->regs != key)
		return sys_exit_exact(regs, regs->orig_ax, ret);
	check_exit(slot_task(s, cast), s->ct, regs, regs->orig_ax, ret);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(mon_sys_exit_btf, struct pt_regs *regs, long ret)
{
	return sys_exit_slots(regs, ret, true);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(mon_sys_exit_btf_nocast, struct pt_regs *regs, long ret)
{
	return sys_exit_slots(regs, ret, false);
}

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
	syscall_args((struct pt_regs *)bpf_task_pt_regs(task), arch, args);
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

/* ---- capabilities -------------------------------------------------------------------- */

/* Does the kernel stack pass through a function that checks without auditing? */
static __always_inline bool stack_is_noaudit(void *ctx)
{
	struct mon_config *c = bpf_map_lookup_elem(&mon_config, &zero);
	__u64 ips[12] = {};
	long n;

	if (!c)
		return false;
	n = bpf_get_stack(ctx, ips, sizeof(ips), 0);
	if (n <= 0)
		return false;
	for (int i = 0; i < 12; i++) {
		if (i >= (__u64)n / 8)
			break;
		for (int j = 0; j < MON_NOAUDIT_RANGES; j++)
			if (ips[i] >= c->noaudit[j][0] && ips[i] < c->noaudit[j][1])
				return true;
	}
	return false;
}

/* Outside the profile: a capability it never used (or a refusal it never met). */
static __always_inline bool cap_outside(struct mon_policy *p, int cap, bool granted)
{
	__u64 bit = 1ULL << (cap & 63);

	return (p->flags & MON_P_CAPS) && !(p->caps & bit) && (granted || !(p->caps_denied & bit));
}

/* The capability:cap_capable tracepoint (Linux 6.14+): alert or kill. */
SEC("tp_btf/cap_capable")
int BPF_PROG(mon_cap_tp, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	struct task_struct *task;
	struct mon_task *mt = current_member(&task);
	struct mon_policy *p;
	bool block;

	if (!mt || cap < 0 || cap >= EU_CAP_MAX)
		return 0;
	p = policy_of(mt->ct);
	if (!p || !cap_outside(p, cap, ret == 0) || cred_is_foreign(cred) || stack_is_noaudit(ctx))
		return 0;
	violation(mt->ct, p, MON_EV_CAP, 0, cap, ret, 0, 0, 0, answer(false, &block));
	return 0;
}

/* BPF-LSM: the same check, where a violation can be refused. */
SEC("lsm/capable")
int BPF_PROG(mon_lsm_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	struct task_struct *task;
	struct mon_task *mt;
	struct mon_policy *p;
	bool block;
	__u32 action;


	if (ret || (opts & CAP_OPT_NOAUDIT) || cap < 0 || cap >= EU_CAP_MAX)
		return ret;
	mt = current_member(&task);
	if (!mt)
		return 0;
	p = policy_of(mt->ct);
	/*
	 * BPF-LSM runs after the capability module, and only when it granted
	 * the capability: what arrives here is used unless we say no.
	 */
	if (!p || !cap_outside(p, cap, true) || cred_is_foreign(cred))
		return 0;
	action = answer(true, &block);
	violation(mt->ct, p, MON_EV_CAP, 0, cap, 0, 0, 0, 0, action);
	return block ? -EPERM : 0;
}

/* ---- executions ---------------------------------------------------------------------- */

static __always_inline __u64 path_hash(const char *path)
{
	__u64 h = 0xcbf29ce484222325ULL;

	for (int i = 0; i < MON_PATH_MAX; i++) {
		char c = path[i];

		if (!c)
			break;
		h = (h ^ (__u8)c) * 0x100000001b3ULL;
	}
	return h;
}

/* Is the file outside the profile's executables? Fills the scratch key with its path. */
static __always_inline struct mon_exec_key *exec_outside(struct mon_task *mt, struct mon_policy *p,
							struct file *f, bool *outside)
{
	struct mon_exec_key *k = bpf_map_lookup_elem(&mon_scratch, &zero);

	*outside = false;
	if (!k || !(p->flags & MON_P_EXECS))
		return 0;
	__builtin_memset(k, 0, sizeof(*k));
	k->ct = mt->ct;
	if (eu_path_resolve(BPF_CORE_READ(f, f_path.mnt), BPF_CORE_READ(f, f_path.dentry),
			    k->path) < 0)
		return k; /* too deep to name: not judged */
	*outside = !bpf_map_lookup_elem(&mon_execs, k);
	return k;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(mon_exec, struct task_struct *t, pid_t old_pid, struct linux_binprm *bprm)
{
	struct mon_task *mt = bpf_task_storage_get(&mon_tasks, t, 0, 0);
	struct mon_exec_key *k;
	struct mon_policy *p;
	bool outside, block, joined = false;

	if (!mt) {
		/* Entering a container later (runc exec, podman exec). */
		__u32 ns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
		__u32 *ct = bpf_map_lookup_elem(&mon_mntns, &ns);

		if (!ct)
			return 0;
		mt = task_register(t, *ct);
		if (!mt)
			return 0;
		joined = true;
	} else if (mt->flags & MON_T_PENDING) {
		/* registered by user space while already in execve, after its sys_enter */
		task_complete(t, mt);
		joined = true;
	}
	/* With the LSM hook, executions of known members were judged (and maybe refused) there. */
	if (exec_lsm && !joined)
		return 0;
	if ((mt->flags & (MON_T_REGISTERED | MON_T_DEAD)) != MON_T_REGISTERED)
		return 0;
	p = policy_of(mt->ct);
	if (!p)
		return 0;
	k = exec_outside(mt, p, BPF_CORE_READ(bprm, file), &outside);
	if (k && outside)
		violation(mt->ct, p, MON_EV_EXEC, 0, 0, 0, path_hash(k->path), k->path, 0,
			  answer(false, &block));
	return 0;
}

/* BPF-LSM: refuse the execution itself. */
SEC("lsm/bprm_check_security")
int BPF_PROG(mon_lsm_bprm, struct linux_binprm *bprm, int ret)
{
	struct task_struct *task;
	struct mon_task *mt;
	struct mon_exec_key *k;
	struct mon_policy *p;
	bool outside, block;
	__u32 action;

	if (ret)
		return ret;
	/*
	 * A script is judged by its interpreter, which this hook sees next (the
	 * kernel has read the file's head into bprm->buf): learn records the
	 * file that runs, as sched_process_exec shows it.
	 */
	if (bprm->buf[0] == '#' && bprm->buf[1] == '!')
		return 0;
	mt = current_member(&task);
	if (!mt)
		return 0; /* a task joining by mount namespace is judged at sched_process_exec */
	p = policy_of(mt->ct);
	if (!p)
		return 0;
	k = exec_outside(mt, p, bprm->file, &outside);
	if (!k || !outside)
		return 0;
	action = answer(true, &block);
	violation(mt->ct, p, MON_EV_EXEC, 0, 0, 0, path_hash(k->path), k->path, 0, action);
	return block ? -EPERM : 0;
}

/* ---- sockets (BPF-LSM only) --------------------------------------------------------- */

SEC("lsm/socket_create")
int BPF_PROG(mon_lsm_socket, int family, int type, int protocol, int kern, int ret)
{
	struct task_struct *task;
	struct mon_task *mt;
	struct mon_policy *p;
	bool block;
	__u32 action;

	if (ret || kern)
		return ret;
	mt = current_member(&task);
	/* learn records the native ABI's socket(2) and socketpair(2) only */
	if (!mt || (task->thread_info.status & TS_COMPAT))
		return 0;
	p = policy_of(mt->ct);
	if (!p || !(p->flags & MON_P_FAMILIES) ||
	    (family >= 0 && family < 64 && (p->families & (1ULL << family))))
		return 0;
	action = answer(true, &block);
	violation(mt->ct, p, MON_EV_SOCKET, 0, family, 0, 0, 0, 0, action);
	return block ? -EPERM : 0;
}

/* ---- process life cycle --------------------------------------------------------------- */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(mon_fork, struct task_struct *parent, struct task_struct *child)
{
	struct mon_task *pt = bpf_task_storage_get(&mon_tasks, parent, 0, 0);

	if (!pt)
		return 0;
	task_complete(parent, pt); /* a kernel thread's fork has no syscall to complete it */
	if (!(pt->flags & MON_T_DEAD))
		task_register(child, pt->ct);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(mon_exit, struct task_struct *t)
{
	struct mon_task *mt = bpf_task_storage_get(&mon_tasks, t, 0, 0);

	if (!mt)
		return 0;
	pending_take(mt);
	task_retire(t, mt);
	bpf_task_storage_delete(&mon_tasks, t);
	return 0;
}

/* ---- user space's jobs: seeding a container, flushing suppressed counts ---------------- */

static __always_inline bool seed_matches(struct task_struct *t)
{
	struct task_struct *p = t;

	if (seed_mntns && BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum) == seed_mntns)
		return true;
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
int mon_seed(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct mon_task *mt;

	if (!t || (t->flags & PF_EXITING) || !seed_matches(t))
		return 0;
	mt = task_register(t, seed_ct);
	/* It may have begun to exit meanwhile, after its exit event: undo. */
	if (mt && (t->flags & PF_EXITING))
		task_retire(t, mt);
	/*
	 * A task held while in a syscall: that syscall entered before sys_enter
	 * could mark it, and is not one seccomp refused should it fail.
	 */
	else if (mt)
		mt->entered = (__u32)BPF_CORE_READ((struct pt_regs *)bpf_task_pt_regs(t), orig_ax) + 1;
	return 0;
}

/* Every rate entry with violations no event has accounted for, once its interval is over. */
SEC("iter/bpf_map_elem")
int mon_flush(struct bpf_iter__bpf_map_elem *ctx)
{
	struct mon_rate_key *k = ctx->key;
	struct mon_rate *r = ctx->value;
	__u64 now = bpf_ktime_get_ns(), last;

	if (!k || !r || r->total == r->emitted)
		return 0;
	last = r->last_ns;
	if ((__s64)(now - last) < (__s64)interval_ns())
		return 0;
	if (__sync_val_compare_and_swap(&r->last_ns, last, now) != last)
		return 0;
	emit(k, r, 0, true, false);
	return 0;
}
