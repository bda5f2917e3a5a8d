/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A line diff of two texts in the unified format (`diff -u`), so that a
 * command that rewrites a file (eunomia denials --fix) shows the change before
 * it makes it. Written here, not run as diff(1): eunomia starts no programs
 * it does not have to.
 */
#ifndef EUNOMIA_LINEDIFF_H
#define EUNOMIA_LINEDIFF_H

#include <stddef.h>
#include <stdio.h>

#include "errors.h"

/* Lines of context around each change. */
#define EU_DIFF_CONTEXT 3

/*
 * Write to `out` how text `a` (named `a_name` in the "---" line) becomes `b`
 * (`b_name`, "+++"): hunks of changed lines with their context. *changed: the
 * lines removed and added (0: the texts are equal, and nothing is written).
 */
int eu_line_diff(FILE *out, const char *a_name, const char *a, const char *b_name, const char *b,
		 size_t *changed, struct eu_err *err);

#endif
