/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The programs eunomia's own binaries run, found beside them: in the build
 * tree they sit side by side, once installed the hook and the runtime shim
 * are in $(LIBEXECDIR)/eunomia and eunomia in $(SBINDIR).
 */
#ifndef EUNOMIA_SELFPATH_H
#define EUNOMIA_SELFPATH_H

#include <stddef.h>

/*
 * The first of REL (paths relative to the directory of the running
 * executable) that can be executed, written into BUF; else FALLBACK.
 */
const char *eu_beside_self(const char *const *rel, size_t n, const char *fallback, char *buf,
			   size_t size);

#endif
