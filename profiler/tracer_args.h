/* SPDX-License-Identifier: GPL-2.0-only */
/* The argument values learning records (lib/argspec.h), between the tracer and its BPF object. */
#ifndef EUNOMIA_TRACER_ARGS_H
#define EUNOMIA_TRACER_ARGS_H

#include "errors.h"
#include "profile.h"

struct learn_bpf;

/* Before load: tell the kernel side which argument of which syscall to record. */
void tracer_args_watch(struct learn_bpf *skel);

/*
 * After learning: the recorded values into the profile's rules, for the
 * syscalls the profile allows (eu_profile_restrict_args); clone3 last, since
 * its answer depends on how clone is allowed.
 */
int tracer_args_collect(struct learn_bpf *skel, struct eu_profile *p, struct eu_err *err);

#endif
