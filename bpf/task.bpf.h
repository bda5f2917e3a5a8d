/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which running tasks are a container's, shared by learn and monitor: the
 * seeding iterators walk every task and keep those this says are inside.
 */
#ifndef EUNOMIA_TASK_BPF_H
#define EUNOMIA_TASK_BPF_H

#include <bpf/bpf_core_read.h>

#define PF_EXITING 0x00000004
/* How far up the parents a walk goes: deeper trees are not containers' (nor cheap). */
#define MAX_ANCESTORS 64

/*
 * Task `t` is in mount namespace `mntns` (0: none given), or descends from the
 * process `tgid` (0: none given), itself included.
 */
static __always_inline bool eu_task_inside(struct task_struct *t, __u32 mntns, __u32 tgid)
{
	struct task_struct *p = t;

	if (mntns && BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum) == mntns)
		return true;
	if (!tgid)
		return false;
	for (int i = 0; i < MAX_ANCESTORS && p; i++) {
		if (p->tgid == tgid)
			return true;
		if (p->pid <= 1)
			break;
		p = p->real_parent;
	}
	return false;
}

#endif
