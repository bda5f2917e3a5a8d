// SPDX-License-Identifier: GPL-2.0-only
/* The error convention described in errors.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

/* The names in parentheses: errors.h also defines them as macros. */
int (eu_fail)(struct eu_err *err, enum eu_err_kind kind, int errnum, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return -1;
	err->kind = kind;
	err->errnum = errnum;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (errnum && n >= 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(errnum));
	return -1;
}

int (eu_wrap)(struct eu_err *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	va_list ap;
	int n;

	if (!err)
		return -1;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* Keep as much of the original message as fits after the prefix. */
	if (n >= 0 && (size_t)n + 2 < sizeof(err->msg)) {
		memcpy(err->msg + n, ": ", 2);
		n += 2;
		strncpy(err->msg + n, old, sizeof(err->msg) - (size_t)n - 1);
		err->msg[sizeof(err->msg) - 1] = '\0';
	}
	return -1;
}

int eu_report(const struct eu_err *err, const char *prog)
{
	fprintf(stderr, "%s: %s\n", prog ? prog : "eunomia", err->msg);
	return err->kind ? (int)err->kind : EU_E_INTERNAL;
}
