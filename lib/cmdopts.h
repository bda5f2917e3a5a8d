/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the commands' option parsing shares: getopt_long() set up again for
 * each command; -h/--help, -q/--quiet, -v/--verbose and the options several
 * commands spell alike (--duration, --events, --metrics); the usage errors for
 * a missing value, an unknown option and an argument too many.
 */
#ifndef EUNOMIA_CMDOPTS_H
#define EUNOMIA_CMDOPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "errors.h"

/* above the commands' own long-only options, which count up from 256 */
#define EU_OPT_METRICS_VAL 1024

#define EU_OPT_HELP { "help", no_argument, NULL, 'h' }
#define EU_OPT_QUIET { "quiet", no_argument, NULL, 'q' }
#define EU_OPT_VERBOSE { "verbose", no_argument, NULL, 'v' }
#define EU_OPT_DURATION { "duration", required_argument, NULL, 'd' }
#define EU_OPT_EVENTS { "events", required_argument, NULL, 'e' }
#define EU_OPT_METRICS { "metrics", required_argument, NULL, EU_OPT_METRICS_VAL }

struct eu_getopt {
	const char *shortopts; /* starting "+:", so that ':' (no value) and '?' differ */
	const struct option *longopts;
	void (*usage)(FILE *f); /* 'h': printed on standard output, then exit 0 */
	bool *quiet;		/* 'q' sets it; NULL: the command has no -q */
	int *verbose;		/* 'v' counts in it; NULL: no -v */
	double *duration;	/* 'd': positive seconds (eu_parse_seconds) */
	const char **events;	/* 'e': the event file */
	const char **metrics;	/* --metrics: the address to serve them on */
	bool no_operands;	/* an argument after the options is a usage error */
	bool started;		/* set by eu_getopt() */
};

/*
 * The command's next option of its own (what getopt_long() returns), 0 after
 * the last (optind is the first operand), -1 on a usage error.
 */
int eu_getopt(struct eu_getopt *g, int argc, char **argv, struct eu_err *err);

/* Option `opt`'s value: a positive, finite number of seconds (up to 1e9), else a usage error. */
int eu_parse_seconds(const char *s, const char *opt, double *out, struct eu_err *err);

#endif
