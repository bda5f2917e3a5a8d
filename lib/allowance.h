/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The runtime allowance: what runc's init (a Go program) may do after it loads
 * a container's seccomp filter and before it executes the container's program,
 * some of it only now and then, so that a learned profile can miss it
 * (policies/runtimes/runc-init.yaml, installed under DATADIR/runtimes; a build
 * reads it from the tree, so it runs without make install).
 */
#ifndef EUNOMIA_ALLOWANCE_H
#define EUNOMIA_ALLOWANCE_H

#include <stddef.h>

#include "errors.h"
#include "profile.h"

/*
 * Add the allowance's syscalls to each architecture of p. *added: how many were
 * new; *path: the file it came from (free it). It is read from $EUNOMIA_DATADIR
 * alone when that is set; else, by a binary still inside the source tree it was
 * built in, from that tree's policies/, then from the installed DATADIR. Fails,
 * naming each place tried and --no-runtime-allowance, when it cannot be read.
 */
int eu_runtime_allowance_add(struct eu_profile *p, size_t *added, char **path,
			     struct eu_err *err);

/*
 * Under a filter that hands its refusals to the monitor (listenerPath), runc's
 * init hands the listener to its parent and waits for the go-ahead (runc 1.1:
 * a read, then a close) before the monitor holds it: a refusal then would be
 * answered by nobody, and the container would not start. These are added to
 * each architecture of p whatever else is; *added counts the new ones.
 */
int eu_runtime_allowance_handover(struct eu_profile *p, size_t *added, struct eu_err *err);

#endif
