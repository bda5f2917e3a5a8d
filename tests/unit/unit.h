/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every unit test file shares: cmocka with the headers it needs first, and
 * UNIT_TESTS(...), the main() that runs the file's tests as one group, no fixtures;
 * UNIT_CASE(...), a test of one row of a table.
 */
#ifndef EUNOMIA_TESTS_UNIT_H
#define EUNOMIA_TESTS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* UNIT_TESTS(cmocka_unit_test(test_a), ...): main(), running these tests in order. */
#define UNIT_TESTS(...)                                                        \
	int main(void)                                                         \
	{                                                                      \
		const struct CMUnitTest tests[] = { __VA_ARGS__ };             \
		return cmocka_run_group_tests(tests, NULL, NULL);              \
	}

/*
 * UNIT_CASE(test_name, fn, &table[i]): a test of its own, named test_name, that runs
 * fn on one row of a table (*state is the row), for a table whose rows are the tests.
 */
#define UNIT_CASE(test_name, fn, row)                                          \
	{ .name = #test_name, .test_func = (fn), .initial_state = (void *)(row) }

#endif
