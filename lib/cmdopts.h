/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the commands' option parsing shares: each command lists its options in
 * a table that says where each value goes; eu_getopt() turns it into
 * getopt_long()'s form, stores the plain values itself (strings, flags, counts,
 * seconds), answers -h/--help and the usage errors for a missing value, an
 * unknown option and an argument too many, and hands back only the options the
 * command reads itself. EU_DEFINE_COMMAND() is the whole of a command that only
 * parses, runs and reports.
 */
#ifndef EUNOMIA_CMDOPTS_H
#define EUNOMIA_CMDOPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "errors.h"

/* the most options one command has */
#define EU_OPTS_MAX 32

/* What eu_getopt() does with an option. */
enum eu_opt_kind {
	EU_ARG_OWN,	/* returns its key: the command reads optarg itself */
	EU_ARG_STRING,	/* *to.str = optarg */
	EU_ARG_FLAG,	/* *to.flag = true */
	EU_ARG_COUNT,	/* (*to.count)++ */
	EU_ARG_SECONDS, /* *to.seconds: positive seconds (eu_parse_seconds) */
	EU_ARG_USAGE,	/* the usage on standard output, then exit 0 */
};

struct eu_opt {
	const char *name; /* the long option, without "--" */
	int key;	  /* a letter: the short option too; else 0, or an EU_ARG_OWN's (256 on) */
	int has_arg;	  /* no_argument or required_argument */
	enum eu_opt_kind kind;
	union {
		const char **str;
		bool *flag;
		int *count;
		double *seconds;
	} to;
};

#define EU_OPT_STRING(name, key, ptr) \
	{ (name), (key), required_argument, EU_ARG_STRING, { .str = (ptr) } }
#define EU_OPT_FLAG(name, key, ptr) { (name), (key), no_argument, EU_ARG_FLAG, { .flag = (ptr) } }
#define EU_OPT_SECONDS(name, key, ptr) \
	{ (name), (key), required_argument, EU_ARG_SECONDS, { .seconds = (ptr) } }
#define EU_OPT_OWN(name, key) { (name), (key), required_argument, EU_ARG_OWN, { NULL } }

/* the options several commands spell alike */
#define EU_OPT_HELP { "help", 'h', no_argument, EU_ARG_USAGE, { NULL } }
#define EU_OPT_QUIET(ptr) EU_OPT_FLAG("quiet", 'q', ptr)
#define EU_OPT_VERBOSE(ptr) { "verbose", 'v', no_argument, EU_ARG_COUNT, { .count = (ptr) } }
#define EU_OPT_DURATION(ptr) EU_OPT_SECONDS("duration", 'd', ptr)
#define EU_OPT_EVENTS(ptr) EU_OPT_STRING("events", 'e', ptr)
#define EU_OPT_METRICS(ptr) EU_OPT_STRING("metrics", 0, ptr)

struct eu_getopt {
	const struct eu_opt *opts; /* ending with { 0 } */
	void (*usage)(FILE *f);	   /* for EU_OPT_HELP */
	bool no_operands;	   /* an argument after the options is a usage error */
	/* eu_getopt()'s own: opts in getopt_long()'s form, made at the first call */
	bool started;
	char shortopts[3 + 2 * EU_OPTS_MAX];
	struct option longopts[EU_OPTS_MAX + 1];
};

/*
 * The command's next EU_ARG_OWN option (its key; optarg its value), 0 after
 * the last (optind is the first operand), -1 on a usage error.
 */
int eu_getopt(struct eu_getopt *g, int argc, char **argv, struct eu_err *err);

/* A decimal integer from lo to hi (strtol's syntax), into *out; false if it is not one. */
bool eu_parse_long(const char *s, long lo, long hi, long *out);

/*
 * int name(argc, argv): argv into a zeroed `opts_type` by parse(argc, argv,
 * &opts, &err), then run(&opts, &err); a failure of either reported as prog's
 * (eu_report()), whose status it returns.
 */
#define EU_DEFINE_COMMAND(name, opts_type, parse, run, prog)            \
	int name(int argc, char **argv)                                 \
	{                                                               \
		opts_type opts = { 0 };                                 \
		struct eu_err err = { 0 };                              \
                                                                        \
		if (parse(argc, argv, &opts, &err) || run(&opts, &err)) \
			return eu_report(&err, prog);                   \
		return 0;                                               \
	}

/* Option `opt`'s value: a positive, finite number of seconds (up to 1e9), else a usage error. */
int eu_parse_seconds(const char *s, const char *opt, double *out, struct eu_err *err);

#endif
