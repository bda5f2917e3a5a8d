// SPDX-License-Identifier: GPL-2.0-only
/*
 * Registering the tasks to learn (tracer_seed) and counting the live ones
 * (tracer_count_live): by the BPF task iterator where the kernel has it, else
 * by walking /proc (see tracer.h).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>

#include "bpf_probe.h"
#include "learn.h" /* before the skeleton, which uses its structs */
#include "learn.skel.h"
#include "task_walk.h"
#include "tracer.h"
#include "tracer_int.h"

/* Run the iterator once over every task on the system. */
static int run_iter(struct tracer *t, struct eu_err *err)
{
	return eu_bpf_iter_run(bpf_link__fd(t->seed_link), "task", err);
}

struct seed_ctx {
	struct tracer *t;
	__u32 flags;
	uint64_t live;
};

/*
 * A task found in /proc, stored pending for the kernel to register at its
 * next syscall. The count goes up first, so that the kernel never sees an
 * entry it does not count; one already there (inherited meanwhile) stays. A
 * task that exited meanwhile makes no syscall, and its exit has passed the
 * BPF programs by: its entry is taken back here.
 */
static int seed_task(void *ctx, const struct eu_task_ref *task, struct eu_err *err)
{
	struct seed_ctx *sc = ctx;
	struct learn_task v = { .flags = LEARN_T_PENDING | sc->flags, .pending_cap = -1 };
	__u64 *pending = &sc->t->skel->bss->seed_pending; /* .bss is mapped: shared with the kernel */
	int fd = bpf_map__fd(sc->t->skel->maps.tasks);

	__atomic_fetch_add(pending, 1, __ATOMIC_SEQ_CST);
	if (bpf_map_update_elem(fd, &task->pidfd, &v, BPF_NOEXIST)) {
		__atomic_fetch_sub(pending, 1, __ATOMIC_SEQ_CST);
		if (errno == EEXIST || errno == ESRCH || errno == ENOENT)
			return 0; /* already followed, or gone */
		return eu_fail(err, EU_E_KERNEL, errno, "cannot follow task %d", (int)task->tid);
	}
	if (eu_task_exited(task->pidfd) && bpf_map_lookup_elem(fd, &task->pidfd, &v) == 0 &&
	    (v.flags & LEARN_T_PENDING) && bpf_map_delete_elem(fd, &task->pidfd) == 0)
		__atomic_fetch_sub(pending, 1, __ATOMIC_SEQ_CST);
	return 0;
}

/* A registered (or pending) task that has not exited, for tracer_count_live without the iterator. */
static int count_task(void *ctx, const struct eu_task_ref *task, struct eu_err *err)
{
	struct seed_ctx *sc = ctx;
	struct learn_task v;

	(void)err;
	if (bpf_map_lookup_elem(bpf_map__fd(sc->t->skel->maps.tasks), &task->pidfd, &v) == 0 &&
	    (v.flags & (LEARN_T_REGISTERED | LEARN_T_PENDING)) && !(v.flags & LEARN_T_DEAD))
		sc->live++;
	return 0;
}

int tracer_seed(struct tracer *t, pid_t tgid, uint32_t mntns, enum tracer_seed_phase phase,
		struct eu_err *err)
{
	static const __u32 flags[] = {
		[TRACER_COUNTED] = LEARN_T_SYSCALLS | LEARN_T_CAPS,
		[TRACER_HELD] = LEARN_T_HELD,
		[TRACER_BOUNDARY] = 0,
	};
	struct learn_bpf__bss *bss = t->skel->bss;
	struct seed_ctx sc = { .t = t, .flags = flags[phase] };
	unsigned int missed = 0;
	int rc = 0;

	bss->seed_mode = LEARN_SEED_REGISTER;
	bss->seed_tgid = (__u32)tgid;
	bss->seed_flags = flags[phase];
	bss->ct_mntns = mntns;
	/*
	 * Forks of registered tasks are caught by the fork program, but a task
	 * forked by a parent the walk had not reached yet may sit behind the
	 * walk's position: a second walk finds it.
	 */
	if (t->iter) {
		for (int walk = 0; walk < 2 && !rc; walk++)
			rc = run_iter(t, err);
		bss->seed_tgid = 0;
		return rc;
	}
	/*
	 * From /proc: one pending more for the walks' whole length, so that the
	 * tasks stored first cannot make the container look empty while the
	 * walks have not reached the others (learn's tick counts the rest).
	 */
	__atomic_fetch_add(&bss->seed_pending, 1, __ATOMIC_SEQ_CST);
	for (int walk = 0; walk < 2 && !rc; walk++)
		rc = eu_task_walk(tgid, mntns, seed_task, &sc, &missed, err);
	__atomic_fetch_sub(&bss->seed_pending, 1, __ATOMIC_SEQ_CST);
	bss->seed_tgid = 0;
	if (missed)
		fprintf(stderr,
			"eunomia learn: warning: %u threads that were there before are not followed "
			"(pidfds of threads need Linux 6.9)\n",
			missed);
	return rc;
}

int tracer_count_live(struct tracer *t, uint64_t *n, struct eu_err *err)
{
	struct learn_bpf__bss *bss = t->skel->bss;
	__u32 saved = bss->ct_mntns;
	struct seed_ctx sc = { .t = t };
	int rc;

	if (!t->iter) {
		rc = eu_task_walk(0, 0, count_task, &sc, NULL, err);
		*n = sc.live;
		return rc;
	}

	bss->seed_mode = LEARN_SEED_COUNT;
	bss->seed_count = 0;
	rc = run_iter(t, err);
	bss->seed_mode = LEARN_SEED_REGISTER;
	bss->ct_mntns = saved;
	*n = bss->seed_count;
	return rc;
}
