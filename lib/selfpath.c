// SPDX-License-Identifier: GPL-2.0-only
/* Programs found beside the running executable (see selfpath.h). */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "selfpath.h"

const char *eu_beside_self(const char *const *rel, size_t n, const char *fallback, char *buf,
			   size_t size)
{
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (len > 0) {
		const char *dir;

		self[len] = '\0';
		dir = dirname(self);
		for (size_t i = 0; i < n; i++) {
			snprintf(buf, size, "%s/%s", dir, rel[i]);
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return fallback;
}
