// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/caps.c: capability names through libcap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "unit.h"
#include "caps.h"

static void test_names_are_oci_spelling(void **state)
{
	char *n;

	(void)state;
	n = eu_cap_name(0);
	assert_string_equal(n, "CAP_CHOWN");
	free(n);
	n = eu_cap_name(21);
	assert_string_equal(n, "CAP_SYS_ADMIN");
	free(n);
	n = eu_cap_name(40);
	assert_string_equal(n, "CAP_CHECKPOINT_RESTORE");
	free(n);
}

static void test_lookup_accepts_either_case(void **state)
{
	(void)state;
	assert_int_equal(eu_cap_from_name("CAP_CHOWN"), 0);
	assert_int_equal(eu_cap_from_name("cap_chown"), 0);
	assert_int_equal(eu_cap_from_name("CAP_NET_RAW"), 13);
	assert_int_equal(eu_cap_from_name("CAP_SYS_ADMIN"), 21);
}

static void test_lookup_refuses_non_names(void **state)
{
	(void)state;
	assert_int_equal(eu_cap_from_name("CAP_NO_SUCH_THING"), -1);
	assert_int_equal(eu_cap_from_name("chown"), -1); /* no prefix */
	assert_int_equal(eu_cap_from_name("all"), -1);	 /* libcap's set syntax */
	assert_int_equal(eu_cap_from_name("3"), -1);	 /* a number is not a name */
	assert_int_equal(eu_cap_from_name(""), -1);
}

static void test_unknown_numbers_have_no_name(void **state)
{
	(void)state;
	assert_null(eu_cap_name(63));
	assert_null(eu_cap_name(-1));
	assert_null(eu_cap_name(64));
}

static void test_format_lists_set_bits_in_order(void **state)
{
	char buf[128];

	(void)state;
	eu_caps_format((1ULL << 21) | 1ULL, buf, sizeof(buf));
	assert_string_equal(buf, "CAP_CHOWN,CAP_SYS_ADMIN");
	eu_caps_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

UNIT_TESTS(
	cmocka_unit_test(test_names_are_oci_spelling),
	cmocka_unit_test(test_lookup_accepts_either_case),
	cmocka_unit_test(test_lookup_refuses_non_names),
	cmocka_unit_test(test_unknown_numbers_have_no_name),
	cmocka_unit_test(test_format_lists_set_bits_in_order))
