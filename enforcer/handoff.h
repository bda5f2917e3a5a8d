/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * eunomia enforce --monitor -- COMMAND: the command's seccomp listener, handed
 * to the monitor before the command runs (handoff.c).
 */
#ifndef EUNOMIA_HANDOFF_H
#define EUNOMIA_HANDOFF_H

#include "errors.h"

/*
 * Before the filter is loaded: a helper process, of nobody's here once this
 * process executes the command, that waits for this process's listener to
 * appear, takes it (pidfd_getfd) and hands it to the monitor with `metadata`;
 * meanwhile the command waits in its execve, which the filter sends to the
 * monitor too (exec=go: it answers "go on"). Should the hand-over fail, the
 * helper says why and kills this process before the command's first
 * instruction.
 */
int eu_handoff_start(const char *metadata, struct eu_err *err);

#endif
