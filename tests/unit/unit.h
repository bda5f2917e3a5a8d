/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every unit test file shares: cmocka with the headers it needs first, and
 * UNIT_TESTS(...), the main() that runs the file's tests as one group, no fixtures.
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

#endif
