// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for `eunomia import`: a Docker/podman seccomp profile
 * (lib/docker_profile.c) into an eunomia profile, which must then write out
 * and read back as the same profile, as `eunomia enforce` will read it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "caps.h"
#include "docker_profile.h"
#include "profile.h"
#include "profile_yaml.h"
#include "round_trip.h"

static void import(const uint8_t *data, size_t size, const struct eu_import_opts *o)
{
	struct eu_profile *p = eu_profile_new();
	struct eu_err err = { 0 };
	size_t skipped;

	if (!p)
		abort();
	if (!eu_docker_import("fuzz", (const char *)data, size, o, p, &skipped, &err))
		fuzz_round_trip(p, "imported");
	eu_profile_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eu_import_opts o = { .kernel = "6.1.0-18-amd64" };
	struct eu_err err = { 0 };

	/* podman's defaults on Debian 12's kernel, then every capability libcap names on an unknown kernel */
	if (eu_caps_parse_list(EU_PODMAN_DEFAULT_CAPS, &o.caps, &err))
		abort();
	import(data, size, &o);
	o = (struct eu_import_opts){ .kernel = NULL };
	for (int cap = 0; cap < EU_CAP_MAX; cap++) {
		char *name = eu_cap_name(cap);

		if (name)
			o.caps |= 1ULL << cap;
		free(name);
	}
	import(data, size, &o);
	return 0;
}
