/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Syscalls seccomp refused held containers, as the monitor's event stream
 * reports them ("by": "seccomp"): read from its JSON lines, chosen by
 * container and time, grouped by container and syscall, and folded into a
 * profile. eunomia denials is the command; this is what it does.
 */
#ifndef EUNOMIA_DENIALS_H
#define EUNOMIA_DENIALS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "errors.h"
#include "profile.h"

/* Longest event line read; the monitor writes well under 2 KiB. */
#define EU_DENIAL_LINE_MAX (1U << 20)

/* One row: a syscall of one container, refused one way. */
struct eu_denial {
	char *container; /* its name, else its id */
	char *syscall;	 /* its name; NULL when libseccomp had none for it */
	int arch;	 /* EU_ARCH_* */
	int nr;
	bool killed; /* SIGSYS (a kill action), else an errno */
	int code;    /* the errno, or the signal */
	uint64_t count;	 /* the refusals: the events' counts, summed */
	uint64_t events; /* the events that said so */
	struct timespec first, last; /* of those events */
};

struct eu_denials {
	struct eu_denial *v;
	size_t n, cap;
};

/* Which denials count. */
struct eu_denials_filter {
	const char *container; /* its name or its id; NULL: every container */
	bool since_set;
	struct timespec since; /* events at this time or later */
};

/*
 * Add what one event line says (a denial is kept, matching `f`; any other
 * event is passed over). `name` and `lineno` name the line in errors, which
 * are EU_E_PROFILE: "FILE:LINE: ...".
 */
int eu_denials_add_line(struct eu_denials *d, const struct eu_denials_filter *f, const char *line,
			size_t len, const char *name, size_t lineno, struct eu_err *err);

/* Every line of the stream `in` (named `name`), as eu_denials_add_line(). */
int eu_denials_read(struct eu_denials *d, const struct eu_denials_filter *f, FILE *in,
		    const char *name, struct eu_err *err);

/* Order by container, then syscall name (number without one), architecture, action. */
void eu_denials_sort(struct eu_denials *d);

void eu_denials_free(struct eu_denials *d);

/*
 * RFC 3339 (2026-11-25T16:00:00Z, 2026-11-25T17:00:00.5+01:00; 'T', 't' or a
 * space between date and time): 0, else -1.
 */
int eu_time_parse(const char *s, struct timespec *out);

/*
 * --since: an RFC 3339 time, or a duration before `now` in seconds, minutes,
 * hours and days (90s, 10m, 2h, 1d, 1h30m). A usage error otherwise.
 */
int eu_since_parse(const char *s, const struct timespec *now, struct timespec *out,
		   struct eu_err *err);

/*
 * Allow outright in `p` each syscall of `d` (of container `container`, or of
 * all when NULL) that it does not allow outright yet, and append its name to
 * `added` ("acct", or "acct (i386)" on another ABI than x86_64). Argument
 * rules of such a syscall give way (eu_profile_add_syscall()).
 */
int eu_denials_fold(const struct eu_denials *d, const char *container, struct eu_profile *p,
		    struct eu_strv *added, struct eu_err *err);

#endif
