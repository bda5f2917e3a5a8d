/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The monitor's seccomp agent (agent.c): `eunomia monitor --agent`, which the
 * monitor daemon starts and which outlives it.
 */
#ifndef EUNOMIA_AGENT_H
#define EUNOMIA_AGENT_H

#include "errors.h"

/* Serve until told to stop with nothing held, or killed; 0 when another agent runs already. */
int eu_agent_run(struct eu_err *err);

#endif
