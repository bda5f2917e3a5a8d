/* SPDX-License-Identifier: GPL-2.0-only */
/* The profile's YAML form, read and written with libyaml. The format is in eunomia-profile(5). */
#ifndef EUNOMIA_PROFILE_YAML_H
#define EUNOMIA_PROFILE_YAML_H

#include <stddef.h>

#include "errors.h"
#include "profile.h"

/*
 * Parse a profile document. `name` is used in error messages, which read
 * "NAME:LINE:COLUMN: what was wrong, what was expected".
 */
int eu_profile_parse(const char *name, const char *buf, size_t len, struct eu_profile *p,
		     struct eu_err *err);

/* Read and parse a profile file; *out is a new profile on success. */
int eu_profile_load(const char *path, struct eu_profile **out, struct eu_err *err);

/* Serialise: the same profile always gives the same bytes. *out is heap, NUL-terminated. */
int eu_profile_emit(const struct eu_profile *p, char **out, size_t *len, struct eu_err *err);

/* Emit, then write to `path` atomically ("-" or NULL: stdout). */
int eu_profile_save(const struct eu_profile *p, const char *path, struct eu_err *err);

#endif
