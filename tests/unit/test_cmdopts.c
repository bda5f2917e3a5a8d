// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/cmdopts.c: a command sees only its own options, -q and -v are
 * taken for it, --help prints the usage and exits 0, and each usage error says
 * what the user typed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "cmdopts.h"

static const struct option longopts[] = {
	{ "xarg", required_argument, NULL, 'x' },
	{ "flag", no_argument, NULL, 256 },
	EU_OPT_QUIET,
	EU_OPT_VERBOSE,
	EU_OPT_HELP,
	{ 0 },
};

static void usage(FILE *f)
{
	(void)fputs("Usage: test-command\n", f);
}

static void test_the_command_sees_its_own_options_and_not_q_or_v(void **state)
{
	char *argv[] = { "cmd", "-q", "-vv", "--xarg", "val", "--verbose", "--flag", "op", NULL };
	bool quiet = false;
	int verbose = 0;
	struct eu_getopt g = { .shortopts = "+:x:qvh", .longopts = longopts, .usage = usage,
			       .quiet = &quiet, .verbose = &verbose };
	struct eu_err err = { 0 };

	assert_int_equal(eu_getopt(&g, 8, argv, &err), 'x');
	assert_string_equal(optarg, "val");
	assert_int_equal(eu_getopt(&g, 8, argv, &err), 256);
	assert_int_equal(eu_getopt(&g, 8, argv, &err), 0);
	assert_string_equal(argv[optind], "op");
	assert_true(quiet);
	assert_int_equal(verbose, 3);
}

static void test_a_second_command_in_the_same_process_parses_from_the_start(void **state)
{
	char *first[] = { "cmd", "-x", "a", NULL };
	char *second[] = { "cmd", "-x", "b", "rest", NULL };
	struct eu_getopt g1 = { .shortopts = "+:x:h", .longopts = longopts, .usage = usage };
	struct eu_getopt g2 = g1;
	struct eu_err err = { 0 };

	while (eu_getopt(&g1, 3, first, &err) > 0)
		;
	assert_int_equal(eu_getopt(&g2, 4, second, &err), 'x');
	assert_string_equal(optarg, "b");
	assert_int_equal(eu_getopt(&g2, 4, second, &err), 0);
	assert_int_equal(optind, 3);
}

static void expect_usage_error(char **argv, int argc, const char *shortopts, bool no_operands,
			       const char *msg)
{
	struct eu_getopt g = { .shortopts = shortopts, .longopts = longopts, .usage = usage,
			       .no_operands = no_operands };
	struct eu_err err = { 0 };
	int c;

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
	char *unknown[] = { "cmd", "--nope", NULL };
	char *no_q[] = { "cmd", "-q", NULL };
	char *extra[] = { "cmd", "-x", "v", "extra", NULL };

	expect_usage_error(missing, 2, "+:x:h", false, "option -x needs a value");
	expect_usage_error(missing_long, 2, "+:x:h", false, "option --xarg needs a value");
	expect_usage_error(unknown, 2, "+:x:h", false, "unknown option '--nope' (see --help)");
	/* a command without -q: an unknown option, not a silent one */
	expect_usage_error(no_q, 2, "+:x:h", false, "unknown option '-q' (see --help)");
	expect_usage_error(extra, 4, "+:x:h", true, "unexpected argument 'extra' (see --help)");
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
		char *argv[] = { "cmd", "--help", NULL };
		struct eu_getopt g = { .shortopts = "+:h", .longopts = longopts, .usage = usage };
		struct eu_err err = { 0 };

		eu_getopt(&g, 2, argv, &err);
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

static void test_duration_events_and_metrics_are_taken_for_the_command(void **state)
{
	static const struct option common[] = {
		EU_OPT_DURATION, EU_OPT_EVENTS, EU_OPT_METRICS, EU_OPT_HELP, { 0 },
	};
	char *argv[] = { "cmd", "-d", "2.5", "--events", "ev.json", "--metrics", ":9464", NULL };
	char *bad[] = { "cmd", "--duration", "soon", NULL };
	const char *events = NULL, *metrics = NULL;
	double duration = 0;
	struct eu_getopt g = { .shortopts = "+:d:e:h", .longopts = common, .usage = usage,
			       .duration = &duration, .events = &events, .metrics = &metrics };
	struct eu_getopt g2 = g;
	struct eu_err err = { 0 };

	assert_int_equal(eu_getopt(&g, 7, argv, &err), 0);
	assert_true(duration == 2.5);
	assert_string_equal(events, "ev.json");
	assert_string_equal(metrics, ":9464");
	assert_int_equal(eu_getopt(&g2, 3, bad, &err), -1);
	assert_int_equal(err.kind, EU_E_USAGE);
	assert_string_equal(err.msg, "--duration expects a positive number of seconds, not 'soon'");
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

UNIT_TESTS(cmocka_unit_test(test_the_command_sees_its_own_options_and_not_q_or_v),
	   cmocka_unit_test(test_a_second_command_in_the_same_process_parses_from_the_start),
	   cmocka_unit_test(test_each_usage_error_names_what_was_typed),
	   cmocka_unit_test(test_help_prints_the_usage_on_stdout_and_exits_0),
	   cmocka_unit_test(test_duration_events_and_metrics_are_taken_for_the_command),
	   cmocka_unit_test(test_seconds_are_positive_and_finite))
