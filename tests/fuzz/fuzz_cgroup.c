// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for lib/cgroup.c: a /proc/PID/cgroup document and the
 * cgroup path taken from it, the way lib/container.c reads a process's
 * container. Both functions read C strings, so the input is NUL-terminated.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"

static void check(const char *path)
{
	struct eu_cgroup_ref r;

	if (eu_cgroup_parse(path, &r) != (r.runtime != NULL))
		abort();
	if (strnlen(r.id, sizeof(r.id)) == sizeof(r.id) ||
	    strnlen(r.pod, sizeof(r.pod)) == sizeof(r.pod))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char buf[4096], small[8];

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	check(text);
	if (eu_cgroup_of_proc(text, buf, sizeof(buf)))
		check(buf);
	(void)eu_cgroup_of_proc(text, small, sizeof(small));
	free(text);
	return 0;
}
