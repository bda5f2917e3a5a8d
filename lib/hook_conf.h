/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /etc/eunomia/hook.conf: what the OCI hook may do. Lines of "key = value";
 * '#' starts a comment. A missing file means the defaults.
 *
 *   learn_dirs = /var/lib/eunomia/profiles   where learned profiles may be written (':' between)
 *   eunomia = /usr/local/sbin/eunomia        the eunomia binary the hook runs
 *   state_dir = /run/eunomia/hooks           the hook's own records of running learners
 *   learn_socket = /run/eunomia/learn.sock   a resident learner (eunomia learn --serve), tried
 *                                            first; none: always start a learner
 *   timeout = 10                             seconds a learner may take to start or to finish
 */
#ifndef EUNOMIA_HOOK_CONF_H
#define EUNOMIA_HOOK_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

#define EU_HOOK_CONF "/etc/eunomia/hook.conf"
#define EU_HOOK_MAX_DIRS 16

struct eu_hook_conf {
	char *learn_dirs[EU_HOOK_MAX_DIRS];
	size_t n_learn_dirs;
	char *eunomia;
	char *state_dir;
	char *learn_socket; /* NULL: none */
	unsigned int timeout; /* seconds */
};

/* Defaults, with `eunomia` the binary the hook was built to run. */
int eu_hook_conf_defaults(struct eu_hook_conf *c, const char *eunomia, struct eu_err *err);

/* Parse a configuration over the defaults already in c; errors name FILE:LINE. */
int eu_hook_conf_parse(const char *name, const char *buf, size_t len, struct eu_hook_conf *c,
		       struct eu_err *err);

/* Read a file; one that does not exist leaves the defaults (when `optional`). */
int eu_hook_conf_load(const char *path, bool optional, struct eu_hook_conf *c,
		      struct eu_err *err);

void eu_hook_conf_free(struct eu_hook_conf *c);

#endif
