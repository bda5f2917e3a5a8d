/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside eunomia-oci-hook: the stages' work, which eunomia-oci-hook.c (options,
 * the OCI state, the stage) calls into hook_learn.c (a learner for the
 * container) and hook_monitor.c (the container held to a profile by the monitor).
 */
#ifndef EUNOMIA_HOOK_H
#define EUNOMIA_HOOK_H

#include <stddef.h>

#include "errors.h"
#include "hook_conf.h"
#include "oci_state.h"

#define PROG "eunomia-oci-hook"

/*
 * io.eunomia.learn=PATH: a learner bound to the container's init process, the
 * resident one's when it runs, else one started here; 0 when none is asked for.
 */
int hook_start_learning(const struct eu_hook_conf *conf, const struct eu_oci_state *st,
			const char *state_text, size_t state_len, struct eu_err *err);

/* At poststop: wait (bounded) for the container's learner to write its profile, else stop it. */
int hook_stop_learning(const struct eu_hook_conf *conf, const struct eu_oci_state *st,
		       struct eu_err *err);

/* io.eunomia.profile=PROFILE: hold the container to it with the running monitor. */
int hook_start_monitoring(const struct eu_oci_state *st, struct eu_err *err);

/* At poststop: free the container's slot; err NULL: failures are not reported. */
int hook_stop_monitoring(const struct eu_oci_state *st, struct eu_err *err);

#endif
