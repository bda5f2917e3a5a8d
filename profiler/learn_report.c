// SPDX-License-Identifier: GPL-2.0-only
/*
 * What eunomia learn says of a run: the profile's metadata, the summary it
 * prints at the end, and its Prometheus metrics while it learns.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "caps.h"
#include "learn_int.h"
#include "metrics.h"
#include "profile.h"
#include "syscalls.h"
#include "tracer.h"

void learn_metrics_text(void *ctx, struct eu_mtext *t)
{
	struct learn_run *r = ctx;
	struct eu_err ignored = { 0 };
	uint64_t observed = 0, distinct = 0;
	const char *name = r->ct.name ? r->ct.name : r->ct.id ? r->ct.id
				  : r->o->command     ? r->o->command[0]
						      : "unknown";
	const char *labels[] = { "container", name, NULL };
	struct tracer_stats st;
	struct eu_prog_stat progs[EU_PROG_STATS_MAX];

	tracer_totals(r->tracer, &observed, &distinct, &ignored);
	tracer_stats(r->tracer, &st);
	eu_mtext_family(t, "eunomia_containers_tracked", "gauge", "Containers being learned.");
	eu_mtext_sample(t, "eunomia_containers_tracked", NULL, 1);
	if (learn_target(r)) {
		const struct eu_container *cs[] = { learn_target(r) };

		eu_mtext_containers(t, cs, 1);
	}
	eu_mtext_family(t, "eunomia_container_processes", "gauge",
			"Tasks (threads included) followed, per container.");
	eu_mtext_sample(t, "eunomia_container_processes", labels,
			st.live_tasks > 0 ? (double)st.live_tasks : 0);
	eu_mtext_family(t, "eunomia_syscalls_observed_total", "counter",
			"Syscalls the container made since learning began (after its boundary).");
	eu_mtext_sample(t, "eunomia_syscalls_observed_total", labels, (double)observed);
	eu_mtext_family(t, "eunomia_syscalls_learned", "gauge",
			"Distinct syscalls learned so far (all ABIs).");
	eu_mtext_sample(t, "eunomia_syscalls_learned", labels, (double)distinct);
	eu_mtext_family(t, "eunomia_learn_seconds_since_new", "gauge",
			"Seconds since learning last saw something new (a syscall, an argument "
			"value, a capability): how complete the recording looks.");
	eu_mtext_sample(t, "eunomia_learn_seconds_since_new", labels,
			(double)tracer_quiet_ns(r->tracer) / 1e9);
	eu_mtext_family(t, "eunomia_executables_learned", "gauge", "Distinct executables learned so far.");
	eu_mtext_sample(t, "eunomia_executables_learned", labels, (double)r->profile->execs.n);
	eu_mtext_family(t, "eunomia_events_dropped_total", "counter",
			"Events the kernel could not write (ring buffer full).");
	eu_mtext_sample(t, "eunomia_events_dropped_total", NULL, (double)st.events_lost);
	eu_mtext_programs(t, progs, tracer_program_stats(r->tracer, progs, EU_PROG_STATS_MAX),
			  "eunomia learn");
	eu_mtext_family(t, "process_resident_memory_bytes", "gauge",
			"Resident memory size of eunomia learn in bytes.");
	eu_mtext_sample(t, "process_resident_memory_bytes", NULL, eu_metrics_resident_bytes());
}

/* Where the syscalls in the profile began to count, from what the kernel saw. */
static enum eu_boundary boundary_used(const struct learn_run *r)
{
	struct tracer_stats st;

	tracer_stats(r->tracer, &st);
	if (r->boundary == EU_BOUNDARY_NONE)
		return EU_BOUNDARY_NONE;
	if (st.crossed_filter)
		return EU_BOUNDARY_SECCOMP;
	if (st.crossed_exec)
		return EU_BOUNDARY_EXEC;
	return r->boundary;
}

int learn_fill_metadata(const struct learn_run *r, struct eu_profile *p, double seconds,
			struct eu_err *err)
{
	struct eu_meta *m = &p->meta;
	time_t started = r->started;
	struct utsname u;
	char when[32];
	struct tm tm;

	gmtime_r(&started, &tm);
	(void)strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm); /* 20 of 32 bytes */
	if (uname(&u) < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "uname");
	m->duration_ms = (uint64_t)llround(seconds * 1000);
	m->runs = 1;
	m->boundary = boundary_used(r);
	if (eu_set_str(&m->kernel, u.release, err) || eu_set_str(&m->learned_at, when, err) ||
	    eu_set_str(&m->container_id, r->ct.id, err) ||
	    eu_set_str(&m->container_name, r->ct.name, err) ||
	    eu_set_str(&m->runtime, r->ct.runtime, err) || eu_set_str(&m->image, r->ct.image, err) ||
	    eu_set_str(&m->bundle, r->ct.bundle, err))
		return -1;
	for (char **a = r->o->command; a && *a; a++)
		if (eu_strv_append(&m->command, *a, err))
			return -1;
	return 0;
}

/* Say where counting began and what was set aside as the runtime's setup. */
static void print_boundary(const struct learn_run *r)
{
	const struct eu_meta *m = &r->profile->meta;
	size_t setup = 0;
	char caps[512];

	if (r->boundary == EU_BOUNDARY_NONE)
		return;
	for (int a = 0; a < EU_ARCH_COUNT; a++)
		for (int w = 0; w < EU_NR_WORDS; w++)
			setup += (size_t)__builtin_popcountll(m->setup_bits[a][w]);
	eu_caps_format(m->setup_caps, caps, sizeof(caps));
	fprintf(stderr,
		PROG ": counted from %s; runtime setup before it (%zu syscalls, capabilities "
		     "[%s]) is listed in metadata.runtime_setup, not allowed\n",
		m->boundary == EU_BOUNDARY_SECCOMP ? "the seccomp filter load"
		: m->boundary == EU_BOUNDARY_EXEC  ? "the container's execve"
						   : "nothing: the container never ran its program",
		setup, caps);
}

/* Even with --quiet (an OCI hook forwards it): the profile may not start the container. */
void learn_warn_no_filter(const struct learn_run *r)
{
	if (r->boundary == EU_BOUNDARY_SECCOMP && r->profile->meta.boundary == EU_BOUNDARY_EXEC)
		fprintf(stderr,
			PROG ": warning: the container loaded no seccomp filter, so its syscalls "
			     "count from its execve, and what its runtime does between loading a "
			     "filter and that execve is not in the profile: a runtime enforcing it "
			     "may fail to start the container. Learn it under a permissive filter "
			     "(eunomia export --learning) for an exact boundary\n");
}

/* What the argument rules hold, of the native ABI. */
static void print_args(const struct eu_profile *p)
{
	char ruled[512], unruled[256];

	eu_profile_args_summary(p, eu_arch_native(), ruled, sizeof(ruled), unruled,
				sizeof(unruled));
	if (*ruled)
		fprintf(stderr, PROG ": argument rules: %s\n", ruled);
	if (*unruled)
		fprintf(stderr,
			PROG ": argument-free (too many values, or clone3 with namespaces): %s\n",
			unruled);
}

void learn_print_summary(const struct learn_run *r, const struct eu_profile *written,
			 double seconds, const char *dest)
{
	char caps[512], target[300], extra[160] = "";
	struct tracer_stats st;

	if (r->o->command)
		snprintf(target, sizeof(target), "command %s", r->o->command[0]);
	else
		snprintf(target, sizeof(target), "container %s", r->ct.name ? r->ct.name : r->o->target);
	eu_caps_format(r->profile->caps_used, caps, sizeof(caps));
	if (r->profile->caps_unknown)
		snprintf(caps, sizeof(caps), "not traced");
	tracer_stats(r->tracer, &st);
	if (r->child_exited && WIFEXITED(r->child_status))
		snprintf(extra, sizeof(extra), "; command exited %d", WEXITSTATUS(r->child_status));
	else if (r->child_exited && WIFSIGNALED(r->child_status))
		snprintf(extra, sizeof(extra), "; command killed by signal %d",
			 WTERMSIG(r->child_status));
	fprintf(stderr,
		PROG ": %s: %zu syscalls (x86_64 %zu, i386 %zu, x32 %zu), capabilities %s%s%s, "
		     "%zu executables in %.1f s%s; profile written to %s\n",
		target, eu_profile_syscall_total(r->profile, -1),
		eu_profile_syscall_total(r->profile, EU_ARCH_X86_64),
		eu_profile_syscall_total(r->profile, EU_ARCH_I386),
		eu_profile_syscall_total(r->profile, EU_ARCH_X32), r->profile->caps_unknown ? "" : "[",
		caps, r->profile->caps_unknown ? "" : "]", r->profile->execs.n,
		seconds, extra, dest);
	if (written != r->profile)
		fprintf(stderr, PROG ": merged: %zu syscalls in all, %u runs\n",
			eu_profile_syscall_total(written, -1), written->meta.runs);
	print_args(r->profile);
	if (r->profile->meta.has_quiet)
		fprintf(stderr,
			PROG ": nothing new was seen in the last %.1f s of %.1f s (syscalls, "
			     "argument values, capabilities); the longer, the likelier the "
			     "recording is complete (--until-quiet)\n",
			(double)r->profile->meta.quiet_ms / 1000, seconds);
	print_boundary(r);
	if (st.events_lost)
		fprintf(stderr,
			PROG ": warning: %" PRIu64 " events were lost (ring buffer full); the "
			     "list of executables may be incomplete\n",
			st.events_lost);
	if (st.tasks_lost)
		fprintf(stderr,
			PROG ": warning: %" PRIu64 " processes could not be followed (out of "
			     "memory for task storage)\n",
			st.tasks_lost);
	if (st.nr_out_of_range)
		fprintf(stderr,
			PROG ": warning: %" PRIu64 " syscalls had numbers above %d and are not in "
			     "the profile\n",
			st.nr_out_of_range, EU_NR_MAX - 1);
	if (st.slot_mismatch)
		fprintf(stderr,
			PROG ": warning: %" PRIu64 " syscalls came with registers other than their "
			     "task's; this kernel breaks an assumption of the fast path, and the "
			     "profile may be incomplete: learn again with --syscall-hook=raw_tp\n",
			st.slot_mismatch);
}
