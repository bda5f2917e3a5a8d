// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/cmdopts.c: eu_getopt() stores what a command's table says
 * (strings, flags, counts, seconds) and hands back only the command's own
 * options, --help prints the usage and exits 0, and each usage error says what
 * the user typed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "cleanup.h"
#include "cmdopts.h"

enum { OPT_FLAG = 256 };

struct test_opts {
	const char *str, *events, *metrics;
	bool quiet, set;
	int verbose;
	double duration, secs;
};

/* -x and --flag the command's own; the rest stored in *o */
static void test_table(struct eu_opt *t, size_t n, struct test_opts *o)
{
	const struct eu_opt opts[] = {
		EU_OPT_OWN("xarg", 'x'),
		{ "flag", OPT_FLAG, no_argument, EU_ARG_OWN, { NULL } },
		EU_OPT_STRING("str", 's', &o->str),
		EU_OPT_STRING("long-str", 0, &o->str),
		EU_OPT_FLAG("set", 0, &o->set),
		EU_OPT_SECONDS("secs", 0, &o->secs),
		EU_OPT_DURATION(&o->duration),
		EU_OPT_EVENTS(&o->events),
		EU_OPT_METRICS(&o->metrics),
		EU_OPT_QUIET(&o->quiet),
		EU_OPT_VERBOSE(&o->verbose),
		EU_OPT_HELP,
		{ 0 },
	};

	assert_true(n >= EU_ARRAY_SIZE(opts));
	memcpy(t, opts, sizeof(opts));
}

static void usage(FILE *f)
{
	(void)fputs("Usage: test-command\n", f);
}

static void test_the_command_sees_only_its_own_options(void **state)
{
	char *argv[] = { "cmd", "-q", "-vv", "--xarg", "val", "--verbose", "--flag", "op", NULL };
	struct test_opts o = { 0 };
	struct eu_opt t[EU_OPTS_MAX];
	struct eu_getopt g = { .opts = t, .usage = usage };
	struct eu_err err = { 0 };

	test_table(t, EU_ARRAY_SIZE(t), &o);
	assert_int_equal(eu_getopt(&g, 8, argv, &err), 'x');
	assert_string_equal(optarg, "val");
	assert_int_equal(eu_getopt(&g, 8, argv, &err), OPT_FLAG);
	assert_int_equal(eu_getopt(&g, 8, argv, &err), 0);
	assert_string_equal(argv[optind], "op");
	assert_true(o.quiet);
	assert_int_equal(o.verbose, 3);
}

static void test_strings_flags_and_seconds_are_stored_in_order(void **state)
{
	char *argv[] = { "cmd",	 "-s",	      "a",	 "--set",   "--secs",	"1.5", "-d",
			 "2.5",	 "--events",  "ev.json", "--metrics", ":9464",	"--long-str",
			 "b",	 NULL };
	struct test_opts o = { 0 };
	struct eu_opt t[EU_OPTS_MAX];
	struct eu_getopt g = { .opts = t, .usage = usage };
	struct eu_err err = { 0 };

	test_table(t, EU_ARRAY_SIZE(t), &o);
	assert_int_equal(eu_getopt(&g, 14, argv, &err), 0);
	assert_string_equal(o.str, "b"); /* the last one given */
	assert_true(o.set);
	assert_true(o.secs == 1.5);
	assert_true(o.duration == 2.5);
	assert_string_equal(o.events, "ev.json");
	assert_string_equal(o.metrics, ":9464");
}

static void test_a_second_command_in_the_same_process_parses_from_the_start(void **state)
{
	char *first[] = { "cmd", "-x", "a", NULL };
	char *second[] = { "cmd", "-x", "b", "rest", NULL };
	struct test_opts o = { 0 };
	struct eu_opt t[EU_OPTS_MAX];
	struct eu_getopt g1 = { .opts = t, .usage = usage };
	struct eu_getopt g2 = g1;
	struct eu_err err = { 0 };

	test_table(t, EU_ARRAY_SIZE(t), &o);
	while (eu_getopt(&g1, 3, first, &err) > 0)
		;
	assert_int_equal(eu_getopt(&g2, 4, second, &err), 'x');
	assert_string_equal(optarg, "b");
	assert_int_equal(eu_getopt(&g2, 4, second, &err), 0);
	assert_int_equal(optind, 3);
}

static void expect_usage_error(char **argv, int argc, bool no_operands, const char *msg)
{
	struct test_opts o = { 0 };
	struct eu_opt t[EU_OPTS_MAX];
	struct eu_getopt g = { .opts = t, .usage = usage, .no_operands = no_operands };
	struct eu_err err = { 0 };
	int c;

	test_table(t, EU_ARRAY_SIZE(t), &o);
	while ((c = eu_getopt(&g, argc, argv, &err)) > 0)
		;
	assert_int_equal(c, -1);
	assert_int_equal(err.kind, EU_E_USAGE);
	assert_string_equal(err.msg, msg);
}

static void test_each_usage_error_names_what_was_typed(void **state)
{
	char *missing[] = { "cmd", "-x", NULL };
	char *missing_long[] = { "cmd", "--xarg", NULL };
	char *missing_stored[] = { "cmd", "--str", NULL };
	char *unknown[] = { "cmd", "--nope", NULL };
	char *long_only[] = { "cmd", "-m", ":1", NULL };
	char *extra[] = { "cmd", "-x", "v", "extra", NULL };
	char *bad_secs[] = { "cmd", "--secs", "soon", NULL };
	char *bad_duration[] = { "cmd", "-d", "-1", NULL };

	expect_usage_error(missing, 2, false, "option -x needs a value");
	expect_usage_error(missing_long, 2, false, "option --xarg needs a value");
	expect_usage_error(missing_stored, 2, false, "option --str needs a value");
	expect_usage_error(unknown, 2, false, "unknown option '--nope' (see --help)");
	/* --metrics has no short form */
	expect_usage_error(long_only, 3, false, "unknown option '-m' (see --help)");
	expect_usage_error(extra, 4, true, "unexpected argument 'extra' (see --help)");
	expect_usage_error(bad_secs, 3, false,
			   "--secs expects a positive number of seconds, not 'soon'");
	expect_usage_error(bad_duration, 3, false,
			   "--duration expects a positive number of seconds, not '-1'");
}

static void test_an_option_the_table_does_not_have_is_unknown(void **state)
{
	const struct eu_opt opts[] = { EU_OPT_HELP, { 0 } };
	char *argv[] = { "cmd", "-q", NULL };
	struct eu_getopt g = { .opts = opts, .usage = usage };
	struct eu_err err = { 0 };

	assert_int_equal(eu_getopt(&g, 2, argv, &err), -1);
	assert_string_equal(err.msg, "unknown option '-q' (see --help)");
}

static void test_a_table_too_long_is_refused(void **state)
{
	struct eu_opt t[EU_OPTS_MAX + 2] = { 0 };
	char *argv[] = { "cmd", NULL };
	bool flag = false;
	struct eu_getopt g = { .usage = usage };
	struct eu_err err = { 0 };

	for (size_t i = 0; i < EU_OPTS_MAX + 1; i++)
		t[i] = (struct eu_opt)EU_OPT_FLAG("flag", 0, &flag);
	g.opts = t;
	assert_int_equal(eu_getopt(&g, 1, argv, &err), -1);
	assert_int_equal(err.kind, EU_E_INTERNAL);
}

/* --help ends the process: it runs in a child, its standard output a temporary file. */
static void test_help_prints_the_usage_on_stdout_and_exits_0(void **state)
{
	FILE *out = tmpfile();
	char line[128] = "";
	int status = -1;
	pid_t child;

	assert_non_null(out);
	(void)fflush(stdout); /* nothing of ours written twice */
	child = fork();
	assert_true(child >= 0);
	if (!child && dup2(fileno(out), STDOUT_FILENO) >= 0) {
		char *argv[] = { "cmd", "-q", "--help", NULL };
		struct test_opts o = { 0 };
		struct eu_opt t[EU_OPTS_MAX];
		struct eu_getopt g = { .opts = t, .usage = usage };
		struct eu_err err = { 0 };

		test_table(t, EU_ARRAY_SIZE(t), &o);
		eu_getopt(&g, 3, argv, &err);
	}
	if (!child)
		_exit(99); /* not reached: --help exits */
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	rewind(out);
	assert_non_null(fgets(line, sizeof(line), out));
	assert_string_equal(line, "Usage: test-command\n");
	(void)fclose(out);
}

static void test_seconds_are_positive_and_finite(void **state)
{
	static const char *const bad[] = { "0", "-1", "abc", "1s", "inf", "nan", "", "2e9" };
	struct eu_err err = { 0 };
	double v = 0;

	assert_int_equal(eu_parse_seconds("1.5", "--duration", &v, &err), 0);
	assert_true(v == 1.5);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[128];

		assert_int_equal(eu_parse_seconds(bad[i], "--duration", &v, &err), -1);
		assert_int_equal(err.kind, EU_E_USAGE);
		snprintf(want, sizeof(want),
			 "--duration expects a positive number of seconds, not '%s'", bad[i]);
		assert_string_equal(err.msg, want);
	}
}

static void test_integers_are_whole_and_in_range(void **state)
{
	static const char *const bad[] = { "0", "17", "-1", "", "1x", "x", "99999999999999999999" };
	long v = 0;

	assert_true(eu_parse_long("16", 1, 16, &v));
	assert_int_equal(v, 16);
	assert_true(eu_parse_long("1", 1, 16, &v));
	assert_int_equal(v, 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 42;
		assert_false(eu_parse_long(bad[i], 1, 16, &v));
		assert_int_equal(v, 42); /* untouched */
	}
}

UNIT_TESTS(cmocka_unit_test(test_the_command_sees_only_its_own_options),
	   cmocka_unit_test(test_strings_flags_and_seconds_are_stored_in_order),
	   cmocka_unit_test(test_a_second_command_in_the_same_process_parses_from_the_start),
	   cmocka_unit_test(test_each_usage_error_names_what_was_typed),
	   cmocka_unit_test(test_an_option_the_table_does_not_have_is_unknown),
	   cmocka_unit_test(test_a_table_too_long_is_refused),
	   cmocka_unit_test(test_help_prints_the_usage_on_stdout_and_exits_0),
	   cmocka_unit_test(test_seconds_are_positive_and_finite),
	   cmocka_unit_test(test_integers_are_whole_and_in_range))
