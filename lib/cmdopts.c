// SPDX-License-Identifier: GPL-2.0-only
/* The commands' shared option parsing (see cmdopts.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "cmdopts.h"

int eu_getopt(struct eu_getopt *g, int argc, char **argv, struct eu_err *err)
{
	int c;

	/* a command can parse twice in one process (learn --serve hands a request to learn) */
	if (!g->started) {
		optind = 1;
		opterr = 0;
		g->started = true;
	}
	for (;;) {
		c = getopt_long(argc, argv, g->shortopts, g->longopts, NULL);
		if (c == 'q' && g->quiet)
			*g->quiet = true;
		else if (c == 'v' && g->verbose)
			(*g->verbose)++;
		else if (c == 'd' && g->duration) {
			if (eu_parse_seconds(optarg, "--duration", g->duration, err))
				return -1;
		} else if (c == 'e' && g->events)
			*g->events = optarg;
		else if (c == EU_OPT_METRICS_VAL && g->metrics)
			*g->metrics = optarg;
		else
			break;
	}
	switch (c) {
	case 'h':
		g->usage(stdout);
		exit(0);
	case ':':
		return eu_fail(err, EU_E_USAGE, 0, "option %s needs a value", argv[optind - 1]);
	case '?':
		return eu_fail(err, EU_E_USAGE, 0, "unknown option '%s' (see --help)",
			       argv[optind - 1]);
	case -1:
		if (g->no_operands && optind < argc)
			return eu_fail(err, EU_E_USAGE, 0, "unexpected argument '%s' (see --help)",
				       argv[optind]);
		return 0;
	default:
		return c;
	}
}

int eu_parse_seconds(const char *s, const char *opt, double *out, struct eu_err *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 1e9)
		return eu_fail(err, EU_E_USAGE, 0,
			       "%s expects a positive number of seconds, not '%s'", opt, s);
	*out = v;
	return 0;
}
