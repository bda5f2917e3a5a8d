// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/syscalls.c: ABI names and libseccomp's per-ABI syscall tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "unit.h"
#include "syscalls.h"

static void test_x86_64_numbers_are_the_kernel_abi(void **state)
{
	(void)state;
	assert_int_equal(eu_syscall_nr(EU_ARCH_X86_64, "read"), 0);
	assert_int_equal(eu_syscall_nr(EU_ARCH_X86_64, "write"), 1);
	assert_int_equal(eu_syscall_nr(EU_ARCH_X86_64, "execve"), 59);
	assert_int_equal(eu_syscall_nr(EU_ARCH_X86_64, "openat"), 257);
	assert_int_equal(eu_syscall_nr(EU_ARCH_X86_64, "clone3"), 435);
}

static void test_i386_numbers_differ_from_x86_64(void **state)
{
	(void)state;
	assert_int_equal(eu_syscall_nr(EU_ARCH_I386, "read"), 3);
	assert_int_equal(eu_syscall_nr(EU_ARCH_I386, "execve"), 11);
	assert_int_equal(eu_syscall_nr(EU_ARCH_I386, "socketcall"), 102);
	assert_int_equal(eu_syscall_nr(EU_ARCH_I386, "getppid"), 64);
	/* socketcall exists only on i386 */
	assert_int_equal(eu_syscall_nr(EU_ARCH_X86_64, "socketcall"), -1);
}

/* libseccomp names these with pseudo-numbers (they also go through socketcall/ipc). */
static void test_i386_multiplexed_calls_resolve_to_direct_syscalls(void **state)
{
	(void)state;
	assert_int_equal(eu_syscall_nr(EU_ARCH_I386, "socket"), 359);
	assert_int_equal(eu_syscall_nr(EU_ARCH_I386, "connect"), 362);
	assert_int_equal(eu_syscall_nr(EU_ARCH_I386, "recvmmsg"), 337);
	assert_int_equal(eu_syscall_nr(EU_ARCH_I386, "shmget"), 395);
	assert_int_equal(eu_syscall_nr(EU_ARCH_I386, "ipc"), 117);
	/* and a name that exists nowhere is still unknown */
	assert_int_equal(eu_syscall_nr(EU_ARCH_I386, "sockets"), -1);
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
	(void)state;
	assert_int_equal(eu_syscall_nr(EU_ARCH_X86_64, "no_such_syscall"), -1);
	assert_int_equal(eu_syscall_nr(EU_ARCH_X86_64, ""), -1);
	assert_null(eu_syscall_name(EU_ARCH_X86_64, EU_NR_MAX - 1));
	assert_null(eu_syscall_name(EU_ARCH_X86_64, -1));
	assert_null(eu_syscall_name(EU_ARCH_COUNT, 0));
	assert_int_equal(eu_syscall_nr(-1, "read"), -1);
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
