// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the profile's YAML reader (lib/profile_yaml*.c). What
 * it reads it must write back the same: a parsed profile is emitted, read
 * again and compared, exported to the JSON forms as `eunomia export` and
 * `enforce` do, and merged as `learn --merge` does.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "profile.h"
#include "profile_yaml.h"
#include "round_trip.h"
#include "seccomp_json.h"

static void export_json(const struct eu_profile *p)
{
	for (int form = EU_JSON_OCI; form <= EU_JSON_K8S; form++) {
		struct json_object *o = NULL;
		struct eu_err err = { 0 };

		if (!eu_seccomp_json(p, (enum eu_json_form)form, "fuzz", &o, &err)) {
			if (!json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY))
				abort();
			json_object_put(o);
		}
	}
	{
		struct json_object *caps = NULL;
		struct eu_err err = { 0 };

		(void)eu_seccomp_json_is_union(p);
		if (!eu_oci_capabilities(p, &caps, &err))
			json_object_put(caps);
	}
}

/* learn --merge: a copy is the same profile; folded into itself it still writes out */
static void merge_self(const struct eu_profile *p)
{
	struct eu_err err = { 0 };
	struct eu_profile *copy = eu_profile_copy(p, &err);
	char *text = NULL;
	size_t len;

	if (!copy)
		abort();
	if (!eu_profile_equal(p, copy)) {
		fprintf(stderr, "the copy of a profile differs from it\n");
		abort();
	}
	if (!eu_profile_merge(copy, p, &err) && eu_profile_emit(copy, &text, &len, &err)) {
		fprintf(stderr, "emit of a merged profile failed: %s\n", err.msg);
		abort();
	}
	free(text);
	eu_profile_free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eu_profile *p = eu_profile_new();
	struct eu_err err = { 0 };

	if (!p)
		abort();
	if (!eu_profile_parse("fuzz", (const char *)data, size, p, &err)) {
		fuzz_round_trip(p, "emitted");
		export_json(p);
		merge_self(p);
	}
	eu_profile_free(p);
	return 0;
}
