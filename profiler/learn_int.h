/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside eunomia learn: one run's state, shared by learn.c (the run and its
 * event loop), learn_report.c (the profile's metadata, the summary, the
 * metrics) and learn_child.c (the command learn -- CMD starts).
 */
#ifndef EUNOMIA_LEARN_INT_H
#define EUNOMIA_LEARN_INT_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "container.h"
#include "errors.h"
#include "events.h"
#include "learner.h"
#include "metrics.h"
#include "profile.h"
#include "tracer.h"

#define PROG "eunomia learn"

/* Everything one learning run owns. */
struct learn_run {
	const struct learn_opts *o;
	struct eu_profile *profile;
	struct tracer *tracer;
	struct eu_container ct;
	enum eu_boundary boundary; /* the one the tracer was given */
	pid_t child; /* learn -- CMD: the command's pid, 0 once reaped */
	int child_status;
	bool child_exited;
	bool empty; /* every tracked task is gone */
	bool stop_requested;
	int stop_signal;
	double grace_deadline; /* elapsed seconds: a stopped command is killed after it */
	struct eu_err event_err; /* first failure inside the event callback */
	bool event_failed;
	struct timespec t0;
	time_t started;		    /* wall clock, for the metadata */
	const struct eu_profile *merged; /* --merge: the profile this run folds into */
	double next_checkpoint;	    /* elapsed seconds */
	struct eu_metrics_server *metrics;
	struct eu_events *ev; /* --events; closed after a write failed (the profile matters more) */
};

/* The container being learned, for events and metrics (a command run by learn is the host's). */
static inline const struct eu_container *learn_target(const struct learn_run *r)
{
	return r->ct.id || r->ct.name ? &r->ct : NULL;
}

/* --metrics: what has been learned so far (an eu_metrics_fn). */
void learn_metrics_text(void *ctx, struct eu_mtext *t);

/* The profile's metadata: what was learned, when, for how long, from where. */
int learn_fill_metadata(const struct learn_run *r, struct eu_profile *p, double seconds,
			struct eu_err *err);

/* The lines learn prints at its end: what it learned, where it went, how complete. */
void learn_print_summary(const struct learn_run *r, const struct eu_profile *written,
			 double seconds, const char *dest);

/*
 * A container that loaded no seccomp filter: its profile counts from the
 * execve, and may not start it; said even with --quiet.
 */
void learn_warn_no_filter(const struct learn_run *r);

/*
 * Start COMMAND held at a pipe, so that it can be registered before it runs.
 * *go is the pipe's write end: closing it after writing one byte releases the
 * command; *exec_status reports an exec failure (EOF means the exec happened).
 */
int learn_spawn_held(char **argv, pid_t *pid, int *go, int *exec_status, struct eu_err *err);

/* Release the held command; fails if it could not execute. */
int learn_release_held(const char *cmd, int go, int exec_status, struct eu_err *err);

#endif
