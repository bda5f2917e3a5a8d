/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which of monitor.bpf.c's programs do each of the monitor's jobs on this
 * kernel (internal to monitor_bpf.c). Every way is probed on its own, best
 * first; a way the kernel refuses when the object loads is dropped for the
 * next; a job an earlier daemon's pinned link already does is left to it.
 */
#ifndef EUNOMIA_MONITOR_JOBS_H
#define EUNOMIA_MONITOR_JOBS_H

#include <stdbool.h>

#include "errors.h"
#include "monitor_bpf.h"

struct mon_choice {
	int way;     /* index in the job's ways; -1: off */
	int variant; /* which of the way's programs (the fast path, or without it) */
	bool pinned; /* an earlier daemon's link does it: nothing to attach */
};

struct mon_plan {
	struct mon_choice c[MON_JOBS];
	bool fast;	     /* the kernel has bpf_rdonly_cast */
	unsigned int base_pinned; /* how many of the process programs are an earlier daemon's */
	struct mon_info *info; /* each job's how and why, kept up to date */
};

/*
 * Probe everything: fails (EU_E_KERNEL, one line naming the program, the
 * kernel's answer and what would make it work) only for what the monitor
 * cannot do without: following processes, and checking syscalls.
 */
int mon_plan_probe(struct mon_plan *pl, const struct mon_opts *o, struct mon_info *info,
		   struct eu_err *err);

/* Jobs whose links an earlier daemon pinned under MON_PIN_DIR keep them. */
void mon_plan_pickup(struct mon_plan *pl);

/*
 * The kernel refused program `prog` when the object loaded (`why`): its job
 * takes its next way, or goes off. Fails when the monitor cannot do without.
 */
int mon_plan_refuse(struct mon_plan *pl, const char *prog, const char *why, struct eu_err *err);

/* Is program `prog` to be loaded (register_only: only what registering runs)? */
bool mon_plan_loads(const struct mon_plan *pl, const char *prog, bool register_only);

/* Is program `prog` to be attached by this daemon (not pinned by an earlier one)? */
bool mon_plan_attaches(const struct mon_plan *pl, const char *prog);

/*
 * How many of the programs the plan runs on an event (processes, capabilities,
 * executions, ...) have lost their pinned link, detached by somebody else:
 * their jobs are not done. The per-syscall programs and the iterators, which
 * are not always attached, are not counted.
 */
unsigned int mon_plan_missing(const struct mon_plan *pl);

/* Is job `job` done by its first way (the kernel program; else user space or off)? */
bool mon_plan_best(const struct mon_plan *pl, enum mon_job_id job);

/* The denial programs, which --no-denials detaches. */
bool mon_plan_is_denial(const char *prog);

/*
 * The programs on every syscall (sys_enter, sys_exit, signal_generate): pinned
 * as programs, attached only while a container is held without eunomia's
 * filter (lib/monitor_maps.h, eu_mon_watch_syscalls).
 */
bool mon_plan_is_syscall(const char *prog);

#endif
