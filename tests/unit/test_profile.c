// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/profile.c: the model, merge and comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "profile.h"
#include "syscalls.h"

static int setup(void **state)
{
	/* Two profile pointers, not two profiles. */
	struct eu_profile **pp = calloc(2, sizeof(*pp)); /* NOLINT(bugprone-sizeof-expression) */

	if (!pp)
		return -1;
	pp[0] = eu_profile_new();
	pp[1] = eu_profile_new();
	*state = pp;
	return pp[0] && pp[1] ? 0 : -1;
}

static int teardown(void **state)
{
	struct eu_profile **pp = *state;

	eu_profile_free(pp[0]);
	eu_profile_free(pp[1]);
	free(pp);
	return 0;
}

static void test_add_syscall_sets_bit_and_counts(void **state)
{
	struct eu_profile *p = ((struct eu_profile **)*state)[0];
	struct eu_err err = { 0 };

	assert_false(eu_profile_has_syscall(p, EU_ARCH_X86_64, 1));
	assert_int_equal(eu_profile_add_syscall(p, EU_ARCH_X86_64, 1, 5, &err), 0);
	assert_int_equal(eu_profile_add_syscall(p, EU_ARCH_X86_64, 1, 2, &err), 0);
	assert_true(eu_profile_has_syscall(p, EU_ARCH_X86_64, 1));
	assert_true(p->arch[EU_ARCH_X86_64].present);
	assert_int_equal(p->arch[EU_ARCH_X86_64].count[1], 7);
	assert_false(eu_profile_has_syscall(p, EU_ARCH_I386, 1));
	assert_int_equal(eu_profile_syscall_total(p, -1), 1);
}

static void test_add_syscall_refuses_out_of_range(void **state)
{
	struct eu_profile *p = ((struct eu_profile **)*state)[0];
	struct eu_err err = { 0 };

	assert_int_equal(eu_profile_add_syscall(p, EU_ARCH_X86_64, EU_NR_MAX, 1, &err), -1);
	assert_int_equal(err.kind, EU_E_PROFILE);
	assert_non_null(strstr(err.msg, "out of range"));
	assert_int_equal(eu_profile_add_syscall(p, EU_ARCH_X86_64, -1, 1, &err), -1);
	assert_int_equal(eu_profile_add_syscall(p, EU_ARCH_COUNT, 0, 1, &err), -1);
	assert_int_equal(eu_profile_syscall_total(p, -1), 0);
}

static void test_counts_saturate_instead_of_wrapping(void **state)
{
	struct eu_profile *p = ((struct eu_profile **)*state)[0];
	struct eu_err err = { 0 };

	assert_int_equal(eu_profile_add_syscall(p, EU_ARCH_X86_64, 0, UINT64_MAX - 1, &err), 0);
	assert_int_equal(eu_profile_add_syscall(p, EU_ARCH_X86_64, 0, 5, &err), 0);
	assert_true(p->arch[EU_ARCH_X86_64].count[0] == UINT64_MAX);
}

static void test_merge_is_union_and_counts_add(void **state)
{
	struct eu_profile **pp = *state, *a = pp[0], *b = pp[1];
	struct eu_err err = { 0 };

	eu_profile_add_syscall(a, EU_ARCH_X86_64, 0, 10, &err);
	eu_profile_add_syscall(a, EU_ARCH_X86_64, 1, 1, &err);
	eu_profile_add_syscall(b, EU_ARCH_X86_64, 1, 2, &err);
	eu_profile_add_syscall(b, EU_ARCH_I386, 3, 4, &err);
	a->caps_used = 1ULL << 0;
	a->caps_denied = 1ULL << 21;
	b->caps_used = 1ULL << 21;
	eu_strv_add_sorted(&a->execs, "/bin/sh", &err);
	eu_strv_add_sorted(&b->execs, "/bin/busybox", &err);
	eu_strv_add_sorted(&b->execs, "/bin/sh", &err);
	a->meta.runs = 1;
	a->meta.duration_ms = 1500;
	b->meta.runs = 2;
	b->meta.duration_ms = 500;

	assert_int_equal(eu_profile_merge(a, b, &err), 0);
	assert_int_equal(a->arch[EU_ARCH_X86_64].count[0], 10);
	assert_int_equal(a->arch[EU_ARCH_X86_64].count[1], 3);
	assert_true(a->arch[EU_ARCH_I386].present);
	assert_int_equal(a->arch[EU_ARCH_I386].count[3], 4);
	assert_int_equal(eu_profile_syscall_total(a, -1), 3);
	assert_true(a->caps_used == ((1ULL << 0) | (1ULL << 21)));
	/* still listed as denied: it was denied in one run and used in another */
	assert_true(a->caps_denied == (1ULL << 21));
	assert_int_equal(a->execs.n, 2);
	assert_string_equal(a->execs.v[0], "/bin/busybox");
	assert_string_equal(a->execs.v[1], "/bin/sh");
	assert_int_equal(a->meta.runs, 3);
	assert_int_equal(a->meta.duration_ms, 2000);
}

/* A run that could not trace capabilities leaves the union not knowing them either. */
static void test_merge_with_a_run_that_did_not_trace_capabilities_knows_none(void **state)
{
	struct eu_profile **pp = *state, *a = pp[0], *b = pp[1], *c;
	struct eu_err err = { 0 };

	a->caps_used = 1ULL << 0;
	b->caps_unknown = true;
	c = eu_profile_copy(a, &err);
	assert_non_null(c);
	assert_true(eu_profile_equal(a, c));
	assert_int_equal(eu_profile_merge(a, b, &err), 0);
	assert_true(a->caps_unknown);
	assert_true(a->caps_used == 1ULL << 0); /* still listed, for review */
	assert_false(eu_profile_equal(a, c));
	assert_int_equal(eu_profile_merge(c, a, &err), 0);
	assert_true(c->caps_unknown);
	eu_profile_free(c);
}

static void test_merge_keeps_first_identity_and_fills_gaps(void **state)
{
	struct eu_profile **pp = *state, *a = pp[0], *b = pp[1];
	struct eu_err err = { 0 };

	eu_set_str(&a->meta.container_id, "first", &err);
	eu_set_str(&b->meta.container_id, "second", &err);
	eu_set_str(&b->meta.runtime, "runc", &err);
	assert_int_equal(eu_profile_merge(a, b, &err), 0);
	assert_string_equal(a->meta.container_id, "first");
	assert_string_equal(a->meta.runtime, "runc");
}

static void test_merge_of_different_boundaries_is_the_loosest(void **state)
{
	struct eu_profile **pp = *state, *a = pp[0], *b = pp[1];
	struct eu_err err = { 0 };

	/* an empty profile takes the boundary of what is merged in */
	b->meta.runs = 1;
	b->meta.boundary = EU_BOUNDARY_SECCOMP;
	assert_int_equal(eu_profile_merge(a, b, &err), 0);
	assert_int_equal(a->meta.boundary, EU_BOUNDARY_SECCOMP);
	/* the same boundary again keeps it */
	assert_int_equal(eu_profile_merge(a, b, &err), 0);
	assert_int_equal(a->meta.boundary, EU_BOUNDARY_SECCOMP);
	/* a run with another boundary makes it "none" */
	b->meta.boundary = EU_BOUNDARY_EXEC;
	assert_int_equal(eu_profile_merge(a, b, &err), 0);
	assert_int_equal(a->meta.boundary, EU_BOUNDARY_NONE);
}

static void test_merge_of_socket_families(void **state)
{
	struct eu_profile **pp = *state, *a = pp[0], *b = pp[1];
	struct eu_err err = { 0 };

	a->has_families = b->has_families = true;
	a->families = 1ULL << 1;
	b->families = 1ULL << 2;
	assert_int_equal(eu_profile_merge(a, b, &err), 0);
	assert_true(a->has_families);
	assert_int_equal(a->families, (1ULL << 1) | (1ULL << 2));
	/* a profile that says nothing of sockets (imported) allows them all: so does the union */
	b->has_families = false;
	b->families = 0;
	assert_int_equal(eu_profile_merge(a, b, &err), 0);
	assert_false(a->has_families);
	assert_int_equal(a->families, 0);
}

static void test_equal_sees_every_field(void **state)
{
	struct eu_profile **pp = *state, *a = pp[0], *b = pp[1];
	struct eu_err err = { 0 };

	assert_true(eu_profile_equal(a, b));
	eu_profile_add_syscall(a, EU_ARCH_X86_64, 1, 1, &err);
	assert_false(eu_profile_equal(a, b));
	eu_profile_add_syscall(b, EU_ARCH_X86_64, 1, 2, &err);
	assert_false(eu_profile_equal(a, b)); /* same syscall, different count */
	eu_profile_add_syscall(a, EU_ARCH_X86_64, 1, 1, &err);
	assert_true(eu_profile_equal(a, b));
	eu_bit_set(a->meta.setup_bits[EU_ARCH_X86_64], 165);
	assert_false(eu_profile_equal(a, b));
	eu_bit_set(b->meta.setup_bits[EU_ARCH_X86_64], 165);
	assert_true(eu_profile_equal(a, b));
	a->has_families = true;
	assert_false(eu_profile_equal(a, b));
	b->has_families = true;
	assert_true(eu_profile_equal(a, b));
	a->families = 1ULL << 2;
	assert_false(eu_profile_equal(a, b));
	b->families = 1ULL << 2;
	eu_set_str(&a->meta.kernel, "6.1", &err);
	assert_false(eu_profile_equal(a, b));
}

static void test_copy_is_equal_and_independent(void **state)
{
	struct eu_profile **pp = *state, *a = pp[0], *c;
	struct eu_err err = { 0 };

	eu_profile_add_syscall(a, EU_ARCH_X86_64, 0, 7, &err);
	eu_profile_add_syscall(a, EU_ARCH_I386, 3, 1, &err);
	eu_strv_add_sorted(&a->execs, "/bin/sh", &err);
	eu_set_str(&a->meta.container_name, "web", &err);
	eu_strv_append(&a->meta.command, "nginx", &err);
	a->caps_used = 1ULL << 10;
	a->has_families = true;
	a->families = 1ULL << 1;
	a->meta.runs = 2;
	a->meta.duration_ms = 1500;
	a->meta.boundary = EU_BOUNDARY_EXEC;
	c = eu_profile_copy(a, &err);
	assert_non_null(c);
	assert_true(eu_profile_equal(a, c));
	assert_int_equal(c->meta.runs, 2);
	assert_int_equal(c->meta.duration_ms, 1500);
	assert_int_equal(c->meta.boundary, EU_BOUNDARY_EXEC);
	assert_string_equal(c->meta.command.v[0], "nginx");
	/* the copy owns its own memory */
	assert_ptr_not_equal(c->execs.v[0], a->execs.v[0]);
	eu_profile_add_syscall(c, EU_ARCH_X86_64, 1, 1, &err);
	assert_false(eu_profile_has_syscall(a, EU_ARCH_X86_64, 1));
	eu_profile_free(c);
	/* a profile that says nothing of sockets is copied as such */
	a->has_families = false;
	a->families = 0;
	c = eu_profile_copy(a, &err);
	assert_non_null(c);
	assert_false(c->has_families);
	eu_profile_free(c);
}

/* runtime_setup may name an ABI the profile has no section for (found by tests/fuzz) */
static void test_copy_keeps_setup_of_an_abi_without_section(void **state)
{
	struct eu_profile **pp = *state, *a = pp[0], *c;
	struct eu_err err = { 0 };

	eu_profile_add_syscall(a, EU_ARCH_X86_64, 0, 1, &err);
	eu_bit_set(a->meta.setup_bits[EU_ARCH_I386], 21);
	c = eu_profile_copy(a, &err);
	assert_non_null(c);
	assert_false(c->arch[EU_ARCH_I386].present);
	assert_true(eu_bit_test(c->meta.setup_bits[EU_ARCH_I386], 21));
	assert_true(eu_profile_equal(a, c));
	eu_profile_free(c);
}

static void test_strv_sorted_unique(void **state)
{
	struct eu_strv sv = { 0 };
	struct eu_err err = { 0 };
	const char *in[] = { "m", "a", "z", "m", "b", "a" };

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		assert_int_equal(eu_strv_add_sorted(&sv, in[i], &err), 0);
	assert_int_equal(sv.n, 4);
	assert_string_equal(sv.v[0], "a");
	assert_string_equal(sv.v[1], "b");
	assert_string_equal(sv.v[2], "m");
	assert_string_equal(sv.v[3], "z");
	eu_strv_free(&sv);
	assert_int_equal(sv.n, 0);
}

static void test_boundary_names(void **state)
{
	(void)state;
	for (int b = EU_BOUNDARY_NONE; b <= EU_BOUNDARY_EXEC; b++)
		assert_int_equal(eu_boundary_from_name(eu_boundary_name(b)), b);
	assert_int_equal(eu_boundary_from_name("prestart"), -1);
}

UNIT_TESTS(
	cmocka_unit_test_setup_teardown(test_add_syscall_sets_bit_and_counts, setup, teardown),
	cmocka_unit_test_setup_teardown(
		test_merge_with_a_run_that_did_not_trace_capabilities_knows_none, setup,
		teardown),
	cmocka_unit_test_setup_teardown(test_add_syscall_refuses_out_of_range, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_counts_saturate_instead_of_wrapping, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_merge_is_union_and_counts_add, setup, teardown),
	cmocka_unit_test_setup_teardown(test_merge_keeps_first_identity_and_fills_gaps, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_merge_of_socket_families, setup, teardown),
	cmocka_unit_test_setup_teardown(test_merge_of_different_boundaries_is_the_loosest,
					setup, teardown),
	cmocka_unit_test_setup_teardown(test_equal_sees_every_field, setup, teardown),
	cmocka_unit_test_setup_teardown(test_copy_is_equal_and_independent, setup, teardown),
	cmocka_unit_test_setup_teardown(test_copy_keeps_setup_of_an_abi_without_section,
					setup, teardown),
	cmocka_unit_test(test_strv_sorted_unique),
	cmocka_unit_test(test_boundary_names))
