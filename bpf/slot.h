/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * An entry of the syscall path's slot table (see bpf/syscall.bpf.h). User
 * space never reads one, but learn's table is a global array, so its skeleton
 * needs the type.
 */
#ifndef EUNOMIA_BPF_SLOT_H
#define EUNOMIA_BPF_SLOT_H

#define EU_SLOT_BITS 12
#define EU_SLOTS (1u << EU_SLOT_BITS)

struct eu_slot {
	__u64 regs; /* the claiming task's registers (relative address), 0 if unclaimed */
	__u64 task; /* its task_struct */
	__u32 nr_tasks;
	__u32 ct; /* monitor: the claiming task's container slot (learn: unused) */
};

#endif
