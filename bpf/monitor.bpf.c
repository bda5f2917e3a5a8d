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
#include "syscall.bpf.h"
#include "cred.bpf.h"
#include "path.bpf.h"
#include "task.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define CAP_OPT_NOAUDIT 0x2
#define SIGKILL 9
#define SIGSYS 31
#define EPERM 1
#define MAX_ERRNO 4095
#define SYS_SECCOMP 1		/* si_code of seccomp's SIGSYS */
#define SECCOMP_MODE_DEAD 3	/* set on the task before a kill action's SIGSYS (Linux 5.17+) */
#define AUDIT_ARCH_I386 0x40000003

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
	__uint(max_entries, EU_SLOTS);
	__type(key, __u32);
	__type(value, struct eu_slot);
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

/* Membership, violations and the checks, a file per concern; each included once, in this order. */
#include "mon_member.bpf.h"
#include "mon_violation.bpf.h"
#include "mon_syscalls.bpf.h"
#include "mon_access.bpf.h"

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

SEC("iter/task")
int mon_seed(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct mon_task *mt;

	if (!t || (t->flags & PF_EXITING) || !eu_task_inside(t, seed_mntns, seed_tgid))
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
