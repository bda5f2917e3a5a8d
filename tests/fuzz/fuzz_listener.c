// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for what runc, crun and podman send the monitor's seccomp
 * agent with a filter's listener (lib/listener.c): the ContainerProcessState
 * JSON and, in it, the metadata eunomia enforce --monitor wrote.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "listener.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eu_err err = { 0 };
	struct eu_listener l;
	struct eu_listener_meta again = { 0 };
	size_t msize;
	char *meta;

	if (eu_listener_parse((const char *)data, size, 7, &l, &err))
		return 0;
	/* what the agent relies on once a listener is accepted */
	if (l.fd != 7 || l.pid <= 0 || !l.meta.profile || l.meta.profile[0] != '/')
		abort();
	if (l.meta.mode == EU_LISTEN_ENFORCE && (l.meta.errnum < 1 || l.meta.errnum > 4095))
		abort();
	/* the metadata it was given reads back as the same */
	msize = strlen(l.meta.profile) + 64;
	meta = malloc(msize);
	if (!meta)
		abort();
	if (eu_listener_meta_format(&l.meta, meta, msize, &err) ||
	    eu_listener_meta_parse(meta, &again, &err) || again.mode != l.meta.mode ||
	    again.errnum != l.meta.errnum || again.exec_go != l.meta.exec_go ||
	    strcmp(again.profile, l.meta.profile))
		abort();
	free(again.profile);
	free(meta);
	l.fd = -1; /* not a descriptor of ours */
	eu_listener_free(&l);
	return 0;
}
