/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the learn tracer: the state shared by tracer.c (probe, load, attach,
 * events), tracer_seed.c (registering tasks, counting the live ones) and
 * tracer_collect.c (reading what the kernel learned, and its stats).
 */
#ifndef EUNOMIA_TRACER_INT_H
#define EUNOMIA_TRACER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "ksyms.h"
#include "syscalls.h"
#include "tracer.h"

#define N_NOAUDIT EU_NOAUDIT_FUNCS

struct learn_bpf;
struct ring_buffer;
struct bpf_link;
struct hook_choice; /* tracer.c's: a job and one way to do it */

struct tracer {
	struct tracer_opts opts; /* as loaded */
	struct learn_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *seed_link;
	const struct hook_choice *sys, *cap; /* cap NULL: capability checks are not traced */
	bool fast; /* the syscall hook counts with no BPF helper call */
	bool iter; /* tasks are found by the BPF task iterator, else in /proc */
	char sys_why[320], cap_why[320], seed_why[224]; /* what the kernel refused, and why */
	tracer_event_fn on_event;
	void *ctx;
	/* Read lazily: /proc/kallsyms costs ~30 ms, too much for start-up (but see tracer_preload_ksyms). */
	int ksyms_state; /* 0: not read yet, 1: read, -1: unavailable */
	struct eu_krange noaudit[N_NOAUDIT];
	uint64_t caps_noaudit; /* capabilities seen only in unaudited checks */
	/* The news: when learning began, and when something was last seen for the first time. */
	uint64_t start_ns, last_new_ns;
	uint64_t first_ns[EU_ARCH_COUNT][EU_NR_MAX]; /* 0: not seen */
};

#endif
