/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * eunomia's root-only Unix sockets under /run/eunomia: the resident learner's,
 * the monitor's seccomp listener socket and its agent's.
 */
#ifndef EUNOMIA_USOCK_H
#define EUNOMIA_USOCK_H

#include "errors.h"

/*
 * Listen on `path` (an absolute path; its directory made 0700 if missing),
 * with a socket of `type` (SOCK_STREAM, SOCK_SEQPACKET) only root can connect
 * to. A stale socket (nothing behind it) is replaced; a live one (`who` serves
 * it already) or anything that is not a socket is left alone, and an error.
 */
int eu_usock_listen(const char *path, int type, const char *who, int *fd, struct eu_err *err);

/* Connect to `path`; -1 with errno (ENOENT, ECONNREFUSED: nobody listens). */
int eu_usock_connect(const char *path, int type);

#endif
