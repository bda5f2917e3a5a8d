/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Part of learn.bpf.c, included once after learn_syscalls.bpf.h: capability
 * checks. A check's first sighting is news, with the stack it came from; the
 * cap_capable tracepoint, fexit or a kprobe pair do it, whichever the kernel has.
 */
#ifndef EUNOMIA_LEARN_CAPS_BPF_H
#define EUNOMIA_LEARN_CAPS_BPF_H

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

#endif
