/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading input files with a size bound, and writing output files atomically. */
#ifndef EUNOMIA_FILE_H
#define EUNOMIA_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "errors.h"

/* Largest document eunomia reads (profiles, OCI state, config.json). */
#define EU_INPUT_MAX (16U << 20)

/*
 * Read all of `path` ("-" is stdin) into a NUL-terminated heap buffer.
 * Files larger than `max` bytes are refused with EU_E_PROFILE.
 */
int eu_read_file(const char *path, size_t max, char **out, size_t *out_len, struct eu_err *err);

/*
 * Replace `path` with `buf` so that readers see the old file or the new one,
 * never a part: write a temporary file beside it, fsync, rename, fsync the
 * directory. `mode` applies when the file is new; an existing file keeps its
 * mode. On failure the old file is untouched and the temporary is removed.
 * A character device or a FIFO (/dev/null, a pipe) is written through, not
 * replaced; a block device or a socket is refused.
 */
int eu_write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode,
			 struct eu_err *err);

/* Write all of buf to fd, retrying on EINTR and short writes. */
int eu_write_all(int fd, const void *buf, size_t len);

#endif
