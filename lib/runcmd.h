/* SPDX-License-Identifier: GPL-2.0-only */
/* Running another program (a container runtime's CLI) without a shell, with a time bound. */
#ifndef EUNOMIA_RUNCMD_H
#define EUNOMIA_RUNCMD_H

#include <stddef.h>

#include "errors.h"

/*
 * Run argv[0] (searched in PATH) with argv, no shell. Its stdout is captured
 * into *out (NUL-terminated, at most max_out bytes); its stderr is captured
 * for the error message. Killed after timeout_ms. Returns 0 when the program
 * ran and exited 0; otherwise fills err with what it printed.
 */
int eu_run_capture(char *const argv[], int timeout_ms, size_t max_out, char **out, size_t *len,
		   struct eu_err *err);

/*
 * Find the program execvp() would run for `name`: itself when it contains a
 * '/', else the first executable regular file of that name in PATH. Fails with
 * EU_E_CHILD and the reason ("No such file or directory", "Permission denied").
 */
int eu_find_program(const char *name, char **path, struct eu_err *err);

#endif
