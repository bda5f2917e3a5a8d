/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A container's tasks found from /proc, for kernels that refuse BPF task
 * iterators: the same tasks the iterators find (a thread group and its
 * descendants, or everything in a mount namespace), each handed over as a
 * pidfd, which is how user space names a task to BPF task storage.
 */
#ifndef EUNOMIA_TASK_WALK_H
#define EUNOMIA_TASK_WALK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "errors.h"

struct eu_task_ref {
	pid_t tid;
	pid_t tgid;
	int pidfd; /* valid during the call only */
};

/* Return 0 to go on, -1 (with *err) to stop the walk. */
typedef int (*eu_task_fn)(void *ctx, const struct eu_task_ref *t, struct eu_err *err);

/*
 * Every thread of thread group `tgid` and of its descendants (up to 64
 * generations, as the iterators look), and, when `mntns` is not 0, every
 * thread whose mount namespace is that inode. With tgid 0 and mntns 0, every
 * task. A task that exits during the walk is skipped. Threads other than a
 * process's first need pidfds of threads (Linux 6.9); before that only each
 * process's leader is handed over (*threads_missed counts the others).
 */
int eu_task_walk(pid_t tgid, uint32_t mntns, eu_task_fn fn, void *ctx, unsigned int *threads_missed,
		 struct eu_err *err);

/*
 * Has the task of this pidfd exited (a pidfd polls readable once it has,
 * after the kernel's sched_process_exit)? A task stored for BPF after that
 * point is never seen to exit by the BPF programs: the caller takes it back.
 */
bool eu_task_exited(int pidfd);

#endif
