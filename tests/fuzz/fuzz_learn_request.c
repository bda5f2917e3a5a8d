// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the OCI hook's request to the resident learner
 * (lib/learn_request.c), parsed as `eunomia learn --serve` parses what a client
 * of its socket sent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "learn_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eu_err err = { 0 };
	char **args = NULL;
	size_t n = 0, total = 0;

	if (eu_learn_request_parse((const char *)data, size, &args, &n, &err))
		return 0;
	/* what the learner relies on once a request is accepted */
	if (n > EU_LEARN_ARGS_MAX || args[n])
		abort();
	for (size_t i = 0; i < n; i++)
		total += strlen(args[i]) + 1;
	if (total + sizeof(EU_LEARN_MAGIC) != size)
		abort();
	free(args);
	return 0;
}
