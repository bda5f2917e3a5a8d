// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/rule.c: the text of a syscall rule, both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "rule.h"

static void test_canonical_texts_round_trip(void **state)
{
	static const char *const texts[] = {
		"allow",
		"errno 1",
		"allow if arg0 == 8",
		"allow if arg0 == 4294967295",
		"allow if arg0 & 0x7e020000 == 0",
		"errno 22 if arg0 == 16 && arg2 == 9",
		"allow if arg1 != 0 && arg2 < 3 && arg3 <= 4 && arg4 > 5 && arg5 >= 6",
		"errno 4095 if arg5 & 0xffffffffffffffff == 18446744073709551615",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct eu_rule r = { 0 }, again = { 0 };
		char why[128], out[256];
		size_t col;

		assert_int_equal(eu_rule_parse(texts[i], &r, why, sizeof(why), &col), 0);
		eu_rule_format(&r, out, sizeof(out));
		assert_string_equal(out, texts[i]);
		assert_int_equal(eu_rule_parse(out, &again, why, sizeof(why), &col), 0);
		assert_true(eu_rule_equal(&r, &again));
	}
}

static void test_hex_and_spacing_are_read_and_written_canonically(void **state)
{
	struct eu_rule r = { 0 };
	char why[128], out[256];
	size_t col;

	assert_int_equal(eu_rule_parse("allow  if  arg0 == 0x10", &r, why, sizeof(why), &col), 0);
	assert_int_equal(r.ncond, 1);
	assert_int_equal(r.cond[0].value, 16);
	eu_rule_format(&r, out, sizeof(out));
	assert_string_equal(out, "allow if arg0 == 16");
}

static void test_bad_rules_say_what_was_expected_and_where(void **state)
{
	static const struct {
		const char *text, *why;
		size_t col;
	} bad[] = {
		{ "", "expected 'allow' or 'errno N'", 0 },
		{ "deny", "expected 'allow' or 'errno N'", 0 },
		{ "errno", "expected an errno number after 'errno'", 5 },
		{ "errno 0", "an errno is a number from 1 to 4095", 0 },
		{ "errno -1", "expected an errno number after 'errno'", 6 },
		{ "allow when", "expected 'if' and conditions, or the end", 6 },
		{ "allow if", "expected an argument, arg0 to arg5", 8 },
		{ "allow if arg0", "expected a comparison: ==, !=, <, <=, >, >= or '& MASK =='", 13 },
		{ "allow if arg0 == x", "expected a number after the comparison", 17 },
		{ "allow if arg0 & 3 = 1", "expected '==' after the mask", 18 },
		{ "allow if arg0 == 1 && arg1 == 1 && arg2 == 1 && arg3 == 1 && arg4 == 1 && "
		  "arg5 == 1 && arg0 == 2",
		  "at most six conditions, one for each argument", 87 },
		{ "allow if arg0 >= 1 && arg0 <= 5",
		  "an argument can be compared once in a rule (write two rules for 'or')", 22 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct eu_rule r = { 0 };
		char why[128];
		size_t col = 999;

		assert_int_equal(eu_rule_parse(bad[i].text, &r, why, sizeof(why), &col), -1);
		assert_string_equal(why, bad[i].why);
		assert_int_equal(col, bad[i].col);
	}
}

UNIT_TESTS(
	cmocka_unit_test(test_canonical_texts_round_trip),
	cmocka_unit_test(test_hex_and_spacing_are_read_and_written_canonically),
	cmocka_unit_test(test_bad_rules_say_what_was_expected_and_where))
