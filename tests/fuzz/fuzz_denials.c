// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for eunomia denials' reader of the monitor's event file
 * (lib/denials.c): the input as JSON lines, as `eunomia denials --events` reads
 * them, then its first line as a --since value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "denials.h"
#include "syscalls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eu_denials_filter f = { 0 };
	struct eu_denials d = { 0 };
	struct timespec now = { .tv_sec = 1795623679 }, since;
	struct eu_err err = { 0 };
	char first[128];
	size_t n = 0;
	FILE *in;

	if (!size)
		return 0;
	in = fmemopen((void *)data, size, "r");
	if (!in)
		abort();
	if (!eu_denials_read(&d, &f, in, "fuzz", &err)) {
		/* what the table and --fix rely on once the file is accepted */
		eu_denials_sort(&d);
		for (size_t i = 0; i < d.n; i++)
			if (!d.v[i].container || d.v[i].count < 1 || d.v[i].events < 1 ||
			    !eu_arch_name(d.v[i].arch) || d.v[i].nr < 0 || d.v[i].nr >= EU_NR_MAX ||
			    d.v[i].code < 1)
				abort();
	} else if (err.kind != EU_E_PROFILE && err.kind != EU_E_INTERNAL && err.kind != EU_E_IO) {
		abort();
	}
	(void)fclose(in);
	eu_denials_free(&d);
	while (n < size && n < sizeof(first) - 1 && data[n] && data[n] != '\n') {
		first[n] = (char)data[n];
		n++;
	}
	first[n] = '\0';
	if (!eu_since_parse(first, &now, &since, &err) &&
	    (since.tv_nsec < 0 || since.tv_nsec >= 1000000000))
		abort();
	return 0;
}
