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
	/*
	 * For a syscall whose argument learning records (eu_argspec_find(), not
	 * i386's socket and socketpair): the distinct values the events give of
	 * it, in their rules' form (namespace bits only for clone and unshare),
	 * and whether an event did not give it. None for clone3, whose flags
	 * are behind a pointer.
	 */
	uint64_t *values;
	size_t nvalues;
	bool value_missing;
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

/* What eu_denials_fold() did, one entry for each change, as the summary says it. */
struct eu_denials_fix {
	struct eu_strv allowed; /* allowed outright: "acct", "mkdir (i386)" */
	struct eu_strv rules;	/* rules added: "socket: allow if arg0 == 16" */
	struct eu_strv left;	/* refused, and left as they are: "clone3 (why)" */
};

void eu_denials_fix_free(struct eu_denials_fix *fx);

/*
 * Fold the denials of `d` (of container `container`, or of all when NULL)
 * into `p`, adding to `fx` what changed. A syscall whose argument learning
 * records (argspec.h; not i386's socket and socketpair) is allowed for the
 * values refused only, a rule each ("allow if arg0 == 16"), as learning allows
 * it for the values it saw, whether `p` had it or not; past its spec's bound
 * it is allowed outright, as learning leaves it. Without the values (clone3's
 * flags are behind a pointer; an event without "args"), one that `p` restricts
 * by rules is left as it is. Any other syscall is allowed outright, rules it
 * had giving way (eu_profile_add_syscall()).
 */
int eu_denials_fold(const struct eu_denials *d, const char *container, struct eu_profile *p,
		    struct eu_denials_fix *fx, struct eu_err *err);

#endif
