/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A profile as one seccomp filter, built with libseccomp: each architecture the
 * profile lists allows its own syscalls, every other syscall gets the deny
 * action, and architectures the profile does not list are killed, so that an
 * i386 (int 0x80) or x32 call cannot slip past an x86_64 profile.
 */
#ifndef EUNOMIA_FILTER_H
#define EUNOMIA_FILTER_H

#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "profile.h"

struct eu_filter_opts {
	enum eu_deny deny;
	int deny_errno;	    /* with EU_DENY_ERRNO; 0 means EPERM */
	bool deny_set;	    /* deny or deny_errno were given: the profile's default yields */
	bool complain;	    /* allow everything, log what the profile would deny */
	bool linear;	    /* no binary tree: one comparison after another (benchmarks) */
	/*
	 * Syscalls newer than the newest the profile names (per architecture)
	 * fail with ENOSYS, as runc does: a program then falls back to the
	 * older call it learned with (clone3 to clone), on a newer kernel too.
	 */
	bool enosys_new;
	/*
	 * Every call the profile does not decide goes to the monitor: the
	 * filter's default is SCMP_ACT_NOTIFY. That is a syscall it does not
	 * allow, a call of one it allows by argument rules that no rule allows,
	 * and a number libseccomp has no name for. What the profile decides
	 * stays decided in the filter: its rules' errnos, ENOSYS above the
	 * newest (enosys_new). Not write: runc's own init writes under the
	 * filter before the monitor has its listener, so write gets the deny
	 * action (when the profile allows it by argument rules, its calls no
	 * rule allows go to the monitor all the same). With `notify_exec`, the
	 * native execve goes to the monitor although the profile allows it, so
	 * that eunomia enforce's command waits in its execve until the monitor
	 * holds the listener (it answers: go on); set it only for a profile
	 * that allows it, or the monitor lets through an execve the profile
	 * refuses.
	 */
	bool notify;
	bool notify_exec;
};

/* Does a notify filter leave this syscall to the deny action (runc writes under it)? */
bool eu_filter_never_notified(const char *name);

/* Take the profile's default action (when it has one) unless the options name one. */
void eu_filter_default_from(struct eu_filter_opts *o, const struct eu_profile *p);

/* libseccomp's action for a syscall the profile does not allow. */
uint32_t eu_filter_deny_action(const struct eu_filter_opts *o);

/*
 * Build the filter. Fails, naming the syscall and architecture, when
 * libseccomp does not know a syscall of the profile, and when the kernel or
 * libseccomp lacks an action the options ask for.
 */
int eu_filter_build(const struct eu_profile *p, const struct eu_filter_opts *o,
		    scmp_filter_ctx *out, struct eu_err *err);

/* Scheduling weight of a syscall seen `count` times (1..255; 0 for never seen). */
uint8_t eu_filter_priority(uint64_t count);

#endif
