/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Part of monitor.bpf.c, included once after mon_violation.bpf.h: capability
 * checks, executions and sockets held to the policy. The tracepoints alert (or
 * kill); the BPF-LSM programs, where the kernel has them, can refuse.
 */
#ifndef EUNOMIA_MON_ACCESS_BPF_H
#define EUNOMIA_MON_ACCESS_BPF_H

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

#endif
