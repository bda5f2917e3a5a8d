/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Enumerations named by a table indexed by their values ("errno", "kill-process",
 * ...), looked up both ways; a NULL entry is a value without a name.
 */
#ifndef EUNOMIA_NAMES_H
#define EUNOMIA_NAMES_H

#include <stddef.h>
#include <string.h>

#include "cleanup.h"

static inline const char *eu_name_of(const char *const *names, size_t n, size_t v,
				     const char *unknown)
{
	return v < n && names[v] ? names[v] : unknown;
}

/* The value named `name`, searched from `first` on; -1 for none. */
static inline int eu_name_find(const char *const *names, size_t n, size_t first, const char *name)
{
	for (size_t v = first; v < n; v++)
		if (names[v] && !strcmp(name, names[v]))
			return (int)v;
	return -1;
}

/* The table's name for v (negative values too), or `unknown`. */
#define EU_NAME_OF(names, v, unknown) eu_name_of(names, EU_ARRAY_SIZE(names), (size_t)(v), unknown)
#define EU_NAME_FIND(names, first, name) eu_name_find(names, EU_ARRAY_SIZE(names), first, name)

#endif
