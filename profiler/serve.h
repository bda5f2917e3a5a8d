/* SPDX-License-Identifier: GPL-2.0-only */
/* eunomia learn --serve: the resident learner the OCI hook hands containers to (serve.c). */
#ifndef EUNOMIA_SERVE_H
#define EUNOMIA_SERVE_H

#include "errors.h"
#include "learner.h"

/* Until SIGTERM or SIGINT: learners on standby, each taking one container. */
int learn_serve(const struct learn_opts *o, struct eu_err *err);

#endif
