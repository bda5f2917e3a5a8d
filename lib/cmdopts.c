// SPDX-License-Identifier: GPL-2.0-only
/* The commands' shared option parsing (see cmdopts.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "cmdopts.h"

/* getopt_long()'s value for an option stored here, which the command never sees */
#define STORED_VAL 1024

static int opt_val(const struct eu_opt *o, size_t i)
{
	return o->key ? o->key : STORED_VAL + (int)i;
}

/* The table in getopt_long()'s form: "+" stops at the first operand, ":" tells ':' from '?'. */
static int make_getopt(struct eu_getopt *g, struct eu_err *err)
{
	char *s = g->shortopts;
	size_t i;

	*s++ = '+';
	*s++ = ':';
	for (i = 0; g->opts[i].name; i++) {
		const struct eu_opt *o = &g->opts[i];

		if (i == EU_OPTS_MAX)
			return eu_fail(err, EU_E_INTERNAL, 0, "more than %d options", EU_OPTS_MAX);
		g->longopts[i] = (struct option){ o->name, o->has_arg, NULL, opt_val(o, i) };
		if (o->key > 0 && o->key < 256) {
			*s++ = (char)o->key;
			if (o->has_arg == required_argument)
				*s++ = ':';
		}
	}
	*s = '\0';
	g->longopts[i] = (struct option){ 0 };
	return 0;
}

static const struct eu_opt *find_opt(const struct eu_getopt *g, int c)
{
	for (size_t i = 0; g->opts[i].name; i++)
		if (opt_val(&g->opts[i], i) == c)
			return &g->opts[i];
	return NULL;
}

/* Store option o's value; -1 on a bad one. */
static int store(const struct eu_opt *o, struct eu_err *err)
{
	char name[64];

	switch (o->kind) {
	case EU_ARG_STRING:
		*o->to.str = optarg;
		return 0;
	case EU_ARG_FLAG:
		*o->to.flag = true;
		return 0;
	case EU_ARG_COUNT:
		(*o->to.count)++;
		return 0;
	case EU_ARG_SECONDS:
		snprintf(name, sizeof(name), "--%s", o->name);
		return eu_parse_seconds(optarg, name, o->to.seconds, err);
	default:
		return eu_fail(err, EU_E_INTERNAL, 0, "--%s: nowhere to store it", o->name);
	}
}

int eu_getopt(struct eu_getopt *g, int argc, char **argv, struct eu_err *err)
{
	const struct eu_opt *o;
	int c;

	/* a command can parse twice in one process (learn --serve hands a request to learn) */
	if (!g->started) {
		if (make_getopt(g, err))
			return -1;
		optind = 1;
		opterr = 0;
		g->started = true;
	}
	for (;;) {
		c = getopt_long(argc, argv, g->shortopts, g->longopts, NULL);
		o = find_opt(g, c);
		if (!o || o->kind == EU_ARG_OWN || o->kind == EU_ARG_USAGE)
			break;
		if (store(o, err))
			return -1;
	}
	if (o && o->kind == EU_ARG_USAGE) {
		g->usage(stdout);
		exit(0);
	}
	if (o)
		return c;
	switch (c) {
	case ':':
		return eu_fail(err, EU_E_USAGE, 0, "option %s needs a value", argv[optind - 1]);
	case '?':
		return eu_fail(err, EU_E_USAGE, 0, "unknown option '%s' (see --help)",
			       argv[optind - 1]);
	default:
		if (g->no_operands && optind < argc)
			return eu_fail(err, EU_E_USAGE, 0, "unexpected argument '%s' (see --help)",
				       argv[optind]);
		return 0;
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

bool eu_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}
