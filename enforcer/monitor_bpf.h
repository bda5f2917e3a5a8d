/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The monitor's kernel side, from user space: probe, load (or find pinned
 * under /sys/fs/bpf/eunomia/monitor), attach and pin, register containers,
 * flush suppressed counts, read events. The daemon (monitor*.c) only talks to
 * this interface.
 */
#ifndef EUNOMIA_MONITOR_BPF_H
#define EUNOMIA_MONITOR_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "container.h"
#include "errors.h"
#include "monitor.h"
#include "profile.h"

struct mon;

typedef void (*mon_event_fn)(void *ctx, const struct mon_event *e);

struct mon_opts {
	bool kill;  /* SIGKILL offenders */
	bool block; /* refuse with EPERM where BPF-LSM allows */
	bool register_only; /* a daemon runs: leave its configuration and programs alone */
	bool no_denials; /* do not watch for syscalls seccomp refused (sys_exit, signal_generate) */
	const char *profiles_dir; /* --profiles, or NULL */
	bool verbose;
	mon_event_fn on_event;
	void *ctx;
};

/* The monitor's jobs, each done by the best mechanism the kernel takes. */
enum mon_job_id {
	MON_JOB_SYSCALLS, /* syscalls outside the profile (needed) */
	MON_JOB_ERRNO,	  /* syscalls seccomp refused with an errno */
	MON_JOB_KILL,	  /* syscalls seccomp refused by killing */
	MON_JOB_CAPS,	  /* capabilities outside the profile */
	MON_JOB_EXECS,	  /* executables outside the profile */
	MON_JOB_FAMILIES, /* socket families outside the profile (BPF-LSM only) */
	MON_JOB_SEED,	  /* finding a running container's processes */
	MON_JOB_FLUSH,	  /* writing the counts the rate limit held back */
	MON_JOBS
};

struct mon_job {
	char how[80];  /* the mechanism in use, "" when the job is off */
	char why[320]; /* why not the best one, or why off; "" when the best is in use */
};

/* What was loaded or found, for the start-up message. */
struct mon_info {
	bool lsm; /* BPF-LSM programs check capabilities and executions */
	char lsm_why[160]; /* why not, when not */
	struct mon_job jobs[MON_JOBS];
	bool no_denials; /* --no-denials */
	unsigned int links_reused;  /* programs already attached by an earlier daemon */
	unsigned int links_created; /* attached and pinned now */
	unsigned int links_removed; /* an earlier daemon's, for what this one does not watch */
};

/* One line: each job and how it is done, or why it is off. */
void mon_describe(const struct mon_info *info, char *buf, size_t size);

int mon_open(struct mon **out, const struct mon_opts *o, struct eu_err *err);
void mon_close(struct mon *m);
void mon_info(const struct mon *m, struct mon_info *info);

/*
 * Hold a container to a profile: its policy, executables and identity go
 * into the pinned maps, then its processes are registered. A container
 * already registered (same id) gets the new profile in its slot.
 */
int mon_register(struct mon *m, const struct eu_container *ct, const struct eu_profile *p,
		 const char *profile_path, bool filtered, uint32_t *slot, struct eu_err *err);

/*
 * The syscall programs attached while a held container runs without eunomia's
 * filter, and only then (lib/monitor_maps.h).
 */
int mon_watch_syscalls(struct mon *m, struct eu_err *err);

/* Forget slot `slot`: its policy, executables and mount namespace. */
int mon_release(struct mon *m, uint32_t slot, struct eu_err *err);

/* The identity of a slot; false when the slot holds no container. */
bool mon_container(struct mon *m, uint32_t slot, struct mon_container *out);

/*
 * Write events for violations suppressed longer than the interval: the flush
 * iterator, or a sweep from user space where the kernel refuses it.
 */
int mon_flush(struct mon *m, struct eu_err *err);

int mon_epoll_fd(const struct mon *m);
int mon_consume(struct mon *m);

int mon_stats(struct mon *m, struct mon_stats *out);

/* Programs this monitor runs on events whose pinned link is gone (mon_plan_missing). */
unsigned int mon_programs_missing(const struct mon *m);

/* Unpin everything: programs detach once no daemon holds them. */
int mon_reset(struct eu_err *err);

#endif
