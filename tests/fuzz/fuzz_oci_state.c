// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the OCI state a runtime writes to a hook's standard
 * input (lib/oci_state.c), read both as the hook (no pid needed) and as
 * `learn --oci-state` (a pid needed) read it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oci_state.h"

static void parse(const uint8_t *data, size_t size, bool need_pid)
{
	struct eu_oci_state s;
	struct eu_err err = { 0 };

	if (eu_oci_state_parse("fuzz", (const char *)data, size, need_pid, &s, &err)) {
		if (s.doc || !err.msg[0])
			abort();
		return;
	}
	/* what the hook relies on once the state is accepted */
	if (!s.oci_version || !s.id || !*s.id || strchr(s.id, '/') || !s.status ||
	    !s.bundle || s.bundle[0] != '/' || s.pid < 0 || (need_pid && s.pid == 0))
		abort();
	(void)eu_oci_annotation(&s, "io.eunomia.learn");
	(void)eu_oci_annotation(&s, "io.eunomia.profile");
	eu_oci_state_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse(data, size, false);
	parse(data, size, true);
	return 0;
}
