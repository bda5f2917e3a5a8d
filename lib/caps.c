// SPDX-License-Identifier: GPL-2.0-only
/* Capability name lookups through libcap. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "caps.h"
#include "errors.h"
#include "cleanup.h"
#include "common.h"

char *eu_cap_name(int cap)
{
	char *lower, *upper;

	if (cap < 0 || cap >= EU_CAP_MAX)
		return NULL;
	lower = cap_to_name(cap);
	if (!lower)
		return NULL;
	/* libcap prints capabilities it does not know as bare numbers. */
	if (isdigit((unsigned char)lower[0])) {
		cap_free(lower);
		return NULL;
	}
	upper = strdup(lower);
	cap_free(lower);
	if (!upper)
		return NULL;
	for (char *p = upper; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return upper;
}

int eu_cap_from_name(const char *name)
{
	cap_value_t v;

	/* cap_from_name() also accepts numbers and "all"; a profile must name one. */
	if (strncasecmp(name, "cap_", 4) != 0)
		return -1;
	if (cap_from_name(name, &v) != 0 || v < 0 || v >= EU_CAP_MAX)
		return -1;
	return v;
}

int eu_caps_parse_list(const char *s, uint64_t *mask, struct eu_err *err)
{
	*mask = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		char name[64];
		int cap;

		snprintf(name, sizeof(name), "%s%.*s", strncasecmp(s, "cap_", 4) ? "CAP_" : "",
			 (int)n, s);
		cap = n && n < 40 ? eu_cap_from_name(name) : -1;
		if (cap < 0)
			return eu_fail(err, EU_E_USAGE, 0, "unknown capability '%.*s'", (int)n, s);
		*mask |= 1ULL << cap;
		s += n + (s[n] == ',');
	}
	return 0;
}

void eu_caps_format(uint64_t mask, char *buf, size_t size)
{
	size_t off = 0;

	if (size)
		buf[0] = '\0';
	for (int cap = 0; cap < EU_CAP_MAX && off < size; cap++) {
		_cleanup_free_ char *name = NULL;

		if (!(mask & (1ULL << cap)))
			continue;
		name = eu_cap_name(cap);
		if (name)
			off += snprintf(buf + off, size - off, "%s%s", off ? "," : "", name);
		else
			off += snprintf(buf + off, size - off, "%s%d", off ? "," : "", cap);
	}
}
