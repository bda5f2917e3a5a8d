// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the OCI hook's configuration, /etc/eunomia/hook.conf
 * (lib/hook_conf.c), parsed over the defaults as the hook does.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hook_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eu_hook_conf c;
	struct eu_err err = { 0 };

	if (eu_hook_conf_defaults(&c, "/usr/local/sbin/eunomia", &err))
		abort();
	if (!eu_hook_conf_parse("fuzz", (const char *)data, size, &c, &err)) {
		/* what the hook relies on once the file is accepted */
		if (!c.n_learn_dirs || c.n_learn_dirs > EU_HOOK_MAX_DIRS || c.timeout < 1 ||
		    c.timeout > 300 || c.eunomia[0] != '/' || c.state_dir[0] != '/' ||
		    (c.learn_socket && c.learn_socket[0] != '/'))
			abort();
		for (size_t i = 0; i < c.n_learn_dirs; i++)
			if (c.learn_dirs[i][0] != '/')
				abort();
	}
	eu_hook_conf_free(&c);
	return 0;
}
