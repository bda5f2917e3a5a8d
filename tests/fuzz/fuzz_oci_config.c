// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for a bundle's config.json (lib/oci_config.c), read as
 * `eunomia enforce --bundle` reads it, then written back as it writes it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "json.h"
#include "oci_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *cfg;
	struct eu_err err = { 0 };

	if (eu_oci_config_parse("fuzz", (const char *)data, size, &cfg, &err))
		return 0;
	if (!eu_json_get(cfg, "process", json_type_object))
		abort();
	(void)eu_json_get(cfg, "linux", json_type_object);
	if (!json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PRETTY |
							 JSON_C_TO_STRING_SPACED |
							 JSON_C_TO_STRING_NOSLASHESCAPE))
		abort();
	json_object_put(cfg);
	return 0;
}
