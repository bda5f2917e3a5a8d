/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The learn tracer: the life of bpf/learn.bpf.c seen from user space. It
 * probes the kernel, picks one program per job, loads and attaches them,
 * registers the tasks to learn, and turns the kernel's aggregates into a profile.
 */
#ifndef EUNOMIA_TRACER_H
#define EUNOMIA_TRACER_H

#include <linux/types.h> /* learn.h uses the kernel's fixed-width types */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bpf_probe.h"
#include "errors.h"
#include "learn.h"
#include "metrics.h"
#include "profile.h"

struct tracer;

typedef void (*tracer_event_fn)(void *ctx, const struct learn_event *e);

struct tracer_opts {
	enum eu_hook sys_hook; /* EU_HOOK_NONE: the best the kernel offers */
	enum eu_hook cap_hook;
	enum eu_boundary boundary;
	bool verbose; /* libbpf's debug output */
	tracer_event_fn on_event;
	void *ctx;
};

struct tracer_stats {
	int64_t live_tasks;
	uint64_t events_lost;
	uint64_t tasks_lost;
	uint64_t nr_out_of_range;
	uint64_t slot_mismatch;
	uint64_t crossed_filter; /* tasks that crossed the boundary at a seccomp filter load */
	uint64_t crossed_exec;	 /* ... at their execve */
};

int tracer_open(struct tracer **out, const struct tracer_opts *opts, struct eu_err *err);
void tracer_close(struct tracer *t);

/*
 * tracer_open in two steps, for a learner kept on standby (learn --serve): the
 * expensive part (probes, BTF, the verifier) ahead of time, attaching when a
 * container comes. tracer_fits: was it loaded with these options (the handler
 * aside, which tracer_set_handler gives)?
 */
int tracer_load(struct tracer **out, const struct tracer_opts *opts, struct eu_err *err);
bool tracer_fits(const struct tracer *t, const struct tracer_opts *opts);
void tracer_set_handler(struct tracer *t, tracer_event_fn on_event, void *ctx);
int tracer_attach(struct tracer *t, struct eu_err *err);

/* Read the kernel symbols the capability collection needs now rather than at the end. */
void tracer_preload_ksyms(struct tracer *t);

/* One line naming the mechanisms in use, e.g. "syscalls: tp_btf/sys_enter, ...". */
void tracer_describe(const struct tracer *t, char *buf, size_t size);

/* How seeded tasks count. */
enum tracer_seed_phase {
	TRACER_COUNTED,	 /* from now: a running container or process */
	TRACER_HELD,	 /* eunomia's own held child: from its execve call */
	TRACER_BOUNDARY, /* a starting container: from the runtime boundary */
};

/*
 * Register existing tasks: the thread group `tgid` with its descendants, and
 * (when `mntns` is non-zero) every task in that mount namespace, which is also
 * the namespace whose later execs join.
 */
int tracer_seed(struct tracer *t, pid_t tgid, uint32_t mntns, enum tracer_seed_phase phase,
		struct eu_err *err);

/*
 * How long since something was seen for the first time (a syscall, an
 * argument's value, a capability), or since learning began if nothing was.
 */
uint64_t tracer_quiet_ns(const struct tracer *t);

/* Count the registered tasks that are still alive, by walking all tasks. */
int tracer_count_live(struct tracer *t, uint64_t *n, struct eu_err *err);

/* File descriptor to poll for events; then call tracer_consume(). */
int tracer_epoll_fd(const struct tracer *t);
int tracer_consume(struct tracer *t);

void tracer_stats(const struct tracer *t, struct tracer_stats *s);

/* Did the capability check of this event skip auditing (a probe, not a need)? */
bool tracer_cap_is_noaudit(struct tracer *t, const struct learn_event *e);

/* So far: syscalls counted (all ABIs) and distinct syscalls learned, for the metrics. */
int tracer_totals(struct tracer *t, uint64_t *observed, uint64_t *distinct, struct eu_err *err);

/* Run count and time of each loaded program, for the metrics; returns how many (<= max). */
size_t tracer_program_stats(struct tracer *t, struct eu_prog_stat *out, size_t max);

/* Add what was learned (syscalls, counts, capabilities, runtime setup) to p. */
int tracer_collect(struct tracer *t, struct eu_profile *p, struct eu_err *err);

#endif
