/* SPDX-License-Identifier: GPL-2.0-only */
/* Capability names, from libcap. Profiles spell them as OCI does: "CAP_CHOWN". */
#ifndef EUNOMIA_CAPS_H
#define EUNOMIA_CAPS_H

#include <stdint.h>

/* "CAP_CHOWN" for 0; NULL for a number libcap has no name for. Caller frees. */
char *eu_cap_name(int cap);

/* Number of a capability name ("CAP_CHOWN" or "cap_chown"), or -1. */
int eu_cap_from_name(const char *name);

/*
 * Parse a comma-separated list of capabilities, "CAP_CHOWN,CAP_KILL" (or as
 * podman and containers.conf write them, "CHOWN,KILL"); "" is the empty set.
 * Returns -1 with the unknown name in err (EU_E_USAGE).
 */
struct eu_err;
int eu_caps_parse_list(const char *s, uint64_t *mask, struct eu_err *err);

/* Write the names of the set bits of `mask`, comma-separated, into buf. */
void eu_caps_format(uint64_t mask, char *buf, size_t size);

#endif
