// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/syscalls.c: ABI names and libseccomp's per-ABI syscall tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "unit.h"
#include "cleanup.h"
#include "syscalls.h"

#define X64 EU_ARCH_X86_64
#define I386 EU_ARCH_I386

/* A syscall's number on an ABI: -1 for a name the ABI lacks. */
struct nr_case {
	int arch, nr;
	const char *name;
};

static void expect_numbers(const struct nr_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int got = eu_syscall_nr(c[i].arch, c[i].name);

		if (got != c[i].nr)
			fail_msg("'%s' on ABI %d: %d, expected %d", c[i].name, c[i].arch, got, c[i].nr);
	}
}

static void test_x86_64_numbers_are_the_kernel_abi(void **state)
{
	static const struct nr_case cases[] = {
		{ X64, 0, "read" }, { X64, 1, "write" }, { X64, 59, "execve" },
		{ X64, 257, "openat" }, { X64, 435, "clone3" },
	};

	(void)state;
	expect_numbers(cases, EU_ARRAY_SIZE(cases));
}

static void test_i386_numbers_differ_from_x86_64(void **state)
{
	static const struct nr_case cases[] = {
		{ I386, 3, "read" }, { I386, 11, "execve" }, { I386, 102, "socketcall" },
		{ I386, 64, "getppid" },
		/* socketcall exists only on i386 */
		{ X64, -1, "socketcall" },
	};

	(void)state;
	expect_numbers(cases, EU_ARRAY_SIZE(cases));
}

/* libseccomp names these with pseudo-numbers (they also go through socketcall/ipc). */
static void test_i386_multiplexed_calls_resolve_to_direct_syscalls(void **state)
{
	static const struct nr_case cases[] = {
		{ I386, 359, "socket" }, { I386, 362, "connect" }, { I386, 337, "recvmmsg" },
		{ I386, 395, "shmget" }, { I386, 117, "ipc" },
		/* and a name that exists nowhere is still unknown */
		{ I386, -1, "sockets" },
	};

	(void)state;
	expect_numbers(cases, EU_ARRAY_SIZE(cases));
}

static void test_x32_numbers_have_no_x32_bit(void **state)
{
	char *name;

	(void)state;
	assert_int_equal(eu_syscall_nr(EU_ARCH_X32, "read"), 0);
	/* x32 has its own numbers from 512 on */
	name = eu_syscall_name(EU_ARCH_X32, 512);
	assert_non_null(name);
	assert_string_equal(name, "rt_sigaction");
	free(name);
}

static void test_unknown_names_and_numbers(void **state)
{
	static const struct nr_case cases[] = {
		{ X64, -1, "no_such_syscall" }, { X64, -1, "" }, { -1, -1, "read" },
	};

	(void)state;
	expect_numbers(cases, EU_ARRAY_SIZE(cases));
	assert_null(eu_syscall_name(EU_ARCH_X86_64, EU_NR_MAX - 1));
	assert_null(eu_syscall_name(EU_ARCH_X86_64, -1));
	assert_null(eu_syscall_name(EU_ARCH_COUNT, 0));
}

/* Every number libseccomp names maps back to itself, on every ABI. */
static void test_name_number_round_trip_all_abis(void **state)
{
	(void)state;
	for (int arch = 0; arch < EU_ARCH_COUNT; arch++) {
		int named = 0;

		for (int nr = 0; nr < EU_NR_MAX; nr++) {
			char *name = eu_syscall_name(arch, nr);

			if (!name)
				continue;
			named++;
			assert_int_equal(eu_syscall_nr(arch, name), nr);
			free(name);
		}
		/* each ABI has hundreds of syscalls */
		assert_true(named > 300);
	}
}

static void test_arch_names_and_aliases(void **state)
{
	(void)state;
	assert_string_equal(eu_arch_name(EU_ARCH_X86_64), "x86_64");
	assert_string_equal(eu_arch_name(EU_ARCH_I386), "i386");
	assert_string_equal(eu_arch_name(EU_ARCH_X32), "x32");
	assert_null(eu_arch_name(EU_ARCH_COUNT));
	assert_int_equal(eu_arch_from_name("x86_64"), EU_ARCH_X86_64);
	assert_int_equal(eu_arch_from_name("SCMP_ARCH_X86_64"), EU_ARCH_X86_64);
	assert_int_equal(eu_arch_from_name("SCMP_ARCH_X86"), EU_ARCH_I386);
	assert_int_equal(eu_arch_from_name("x86"), EU_ARCH_I386);
	assert_int_equal(eu_arch_from_name("SCMP_ARCH_X32"), EU_ARCH_X32);
	assert_int_equal(eu_arch_from_name("aarch64"), -1);
}

UNIT_TESTS(
	cmocka_unit_test(test_x86_64_numbers_are_the_kernel_abi),
	cmocka_unit_test(test_i386_numbers_differ_from_x86_64),
	cmocka_unit_test(test_i386_multiplexed_calls_resolve_to_direct_syscalls),
	cmocka_unit_test(test_x32_numbers_have_no_x32_bit),
	cmocka_unit_test(test_unknown_names_and_numbers),
	cmocka_unit_test(test_name_number_round_trip_all_abis),
	cmocka_unit_test(test_arch_names_and_aliases))
