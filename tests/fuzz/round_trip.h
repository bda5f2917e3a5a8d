/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the fuzz targets that make a profile share: it must write out and read
 * back as the same profile, as `eunomia enforce` will read it; any difference aborts.
 */
#ifndef EUNOMIA_FUZZ_ROUND_TRIP_H
#define EUNOMIA_FUZZ_ROUND_TRIP_H

#include <stdio.h>
#include <stdlib.h>

#include "profile.h"
#include "profile_yaml.h"

/* Emit p, parse it again and compare; `what` names the profile ("emitted", "imported"). */
static inline void fuzz_round_trip(const struct eu_profile *p, const char *what)
{
	struct eu_profile *again = eu_profile_new();
	struct eu_err err = { 0 };
	char *text = NULL;
	size_t len;

	if (!again)
		abort();
	if (eu_profile_emit(p, &text, &len, &err)) {
		fprintf(stderr, "emit failed: %s\n", err.msg);
		abort();
	}
	if (eu_profile_parse(what, text, len, again, &err)) {
		fprintf(stderr, "the %s profile does not read back: %s\n%s", what, err.msg, text);
		abort();
	}
	if (!eu_profile_equal(p, again)) {
		fprintf(stderr, "the %s profile reads back different:\n%s", what, text);
		abort();
	}
	free(text);
	eu_profile_free(again);
}

#endif
