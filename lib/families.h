/* SPDX-License-Identifier: GPL-2.0-only */
/* Socket address families (AF_*) by name, for profiles and events. */
#ifndef EUNOMIA_FAMILIES_H
#define EUNOMIA_FAMILIES_H

#include <stdint.h>

#include "errors.h"

/* Families are recorded in one 64-bit mask (the kernel defines 46 today). */
#define EU_FAMILY_MAX 64

/* "AF_INET"; "AF_<n>" for a number without a name. buf: at least 16 bytes. */
const char *eu_family_name(int af, char *buf, size_t size);

/* AF_UNIX, AF_INET, ... or AF_<n>; -1 when unknown or out of range. */
int eu_family_from_name(const char *name);

#endif
