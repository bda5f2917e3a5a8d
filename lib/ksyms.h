/* SPDX-License-Identifier: GPL-2.0-only */
/* Address ranges of a few kernel functions, from /proc/kallsyms. */
#ifndef EUNOMIA_KSYMS_H
#define EUNOMIA_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

struct eu_krange {
	uint64_t start, end; /* [start, end) */
};

/*
 * Find the text ranges of `names` (a function's end is where the next symbol
 * starts). Returns how many were found; fails when kallsyms cannot be read
 * or hides its addresses (kernel.kptr_restrict).
 */
int eu_ksyms_ranges(const char *const *names, size_t n, struct eu_krange *out, size_t *found,
		    struct eu_err *err);

/*
 * Kernel functions that check a capability without auditing it
 * (CAP_OPT_NOAUDIT): a check whose kernel stack passes through one of them is
 * a probe, not a need (learn leaves it out, monitor does not alert on it).
 */
#define EU_NOAUDIT_FUNCS 6
extern const char *const eu_noaudit_funcs[EU_NOAUDIT_FUNCS];

bool eu_krange_contains(const struct eu_krange *r, size_t n, uint64_t addr);

/*
 * The x86_64 syscalls the running kernel implements, as bits by number: those
 * with an entry point __x64_sys_NAME in /proc/kallsyms (libseccomp's names;
 * umount2's entry is __x64_sys_umount). Symbol names need no kptr_restrict.
 */
int eu_kernel_syscalls(uint64_t *bits, size_t words, struct eu_err *err);

#endif
