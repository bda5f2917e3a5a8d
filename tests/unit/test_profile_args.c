// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/profile_args.c and lib/argspec.c: learned argument values into rules. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "argspec.h"
#include "profile.h"
#include "profile_yaml.h"
#include "syscalls.h"

#define X64 EU_ARCH_X86_64

static int nr(const char *name)
{
	return eu_syscall_nr(X64, name);
}

/* A profile that allows `names` outright, as a learning run leaves it before its arguments. */
static struct eu_profile *learned(const char *const *names)
{
	struct eu_profile *p = eu_profile_new();
	struct eu_err err = { 0 };

	assert_non_null(p);
	for (size_t i = 0; names[i]; i++)
		assert_int_equal(eu_profile_add_syscall(p, X64, nr(names[i]), 3, &err), 0);
	return p;
}

/* Check the rules of one syscall, as text, joined by "; " ("" for none). */
static void expect_rules(const struct eu_profile *p, const char *name, const char *want)
{
	char buf[256];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->nrules && off < sizeof(buf); i++) {
		char text[128];

		if (p->rules[i].arch != X64 || p->rules[i].nr != nr(name))
			continue;
		eu_rule_format(&p->rules[i], text, sizeof(text));
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", off ? "; " : "", text);
	}
	if (strcmp(buf, want))
		fail_msg("the rules of %s: '%s', expected '%s'", name, buf, want);
}

static void restrict_ok(struct eu_profile *p, const char *name, const uint64_t *v, size_t n,
			bool lost, bool want_ruled)
{
	struct eu_err err = { 0 };
	bool ruled;

	assert_int_equal(eu_profile_restrict_args(p, X64, nr(name), v, n, lost, &ruled, &err), 0);
	assert_int_equal(ruled, want_ruled);
}

static void test_socket_is_allowed_for_its_learned_families_only(void **state)
{
	static const char *const names[] = { "socket", "read", NULL };
	static const uint64_t families[] = { 1, 2, 10 };
	struct eu_profile *p = learned(names);
	(void)state;
	restrict_ok(p, "socket", families, 3, false, true);
	assert_false(eu_profile_has_syscall(p, X64, nr("socket")));
	assert_true(eu_profile_has_rules(p, X64, nr("socket")));
	assert_int_equal(p->arch[X64].count[nr("socket")], 0);
	expect_rules(p, "socket", "allow if arg0 == 1; allow if arg0 == 2; allow if arg0 == 10");
	/* a syscall with no watched argument is left alone */
	restrict_ok(p, "read", families, 1, false, false);
	assert_true(eu_profile_has_syscall(p, X64, nr("read")));
	assert_false(eu_profile_has_rules(p, X64, nr("read")));
	eu_profile_free(p);
}

static void test_clone_and_unshare_compare_only_namespace_flags(void **state)
{
	static const char *const names[] = { "clone", "unshare", NULL };
	static const uint64_t none = 0, newns = 0x20000;
	struct eu_profile *p = learned(names);
	(void)state;
	restrict_ok(p, "clone", &none, 1, false, true);
	restrict_ok(p, "unshare", &newns, 1, false, true);
	expect_rules(p, "clone", "allow if arg0 & 0x7e020080 == 0");
	expect_rules(p, "unshare", "allow if arg0 & 0x7e020080 == 131072");
	eu_profile_free(p);
}

static void test_ioctl_past_its_bound_stays_argument_free_and_says_so(void **state)
{
	static const char *const names[] = { "ioctl", "prctl", NULL };
	const struct eu_argspec *s = eu_argspec_by_name("ioctl");
	uint64_t v[200];
	struct eu_profile *p = learned(names);

	(void)state;
	assert_non_null(s);
	assert_true(s->max_values > 0 && s->max_values < 200);
	for (size_t i = 0; i < 200; i++)
		v[i] = 0x5400 + i;
	restrict_ok(p, "ioctl", v, s->max_values + 1, false, false);
	assert_true(eu_profile_has_syscall(p, X64, nr("ioctl")));
	assert_true(eu_bit_test(p->arch[X64].argfree, (unsigned int)nr("ioctl")));
	/* at the bound it is ruled */
	eu_profile_free(p);
	p = learned(names);
	restrict_ok(p, "ioctl", v, s->max_values, false, true);
	assert_false(eu_profile_has_syscall(p, X64, nr("ioctl")));
	/* values the kernel side could not keep: argument-free */
	restrict_ok(p, "prctl", v, 2, true, false);
	assert_true(eu_profile_has_syscall(p, X64, nr("prctl")));
	assert_true(eu_bit_test(p->arch[X64].argfree, (unsigned int)nr("prctl")));
	eu_profile_free(p);
}

static void test_clone3_without_namespaces_is_answered_enosys_and_clone_allowed(void **state)
{
	static const char *const names[] = { "clone3", NULL };
	static const uint64_t none = 0;
	struct eu_profile *p = learned(names);
	(void)state;
	restrict_ok(p, "clone3", &none, 1, false, true);
	assert_false(eu_profile_has_syscall(p, X64, nr("clone3")));
	expect_rules(p, "clone3", "errno 38");
	/* glibc falls back to clone: allowed without namespace flags */
	expect_rules(p, "clone", "allow if arg0 & 0x7e020080 == 0");
	eu_profile_free(p);
}

static void test_clone3_with_namespaces_or_unreadable_flags_stays(void **state)
{
	static const char *const names[] = { "clone3", "clone", NULL };
	static const uint64_t newuser[] = { 0, 0x10000000 }, unreadable = ~0ULL, none = 0;
	struct eu_profile *p = learned(names);

	(void)state;
	restrict_ok(p, "clone3", newuser, 2, false, false);
	assert_true(eu_profile_has_syscall(p, X64, nr("clone3")));
	assert_true(eu_bit_test(p->arch[X64].argfree, (unsigned int)nr("clone3")));
	eu_profile_free(p);
	p = learned(names);
	restrict_ok(p, "clone3", &unreadable, 1, false, false);
	assert_true(eu_profile_has_syscall(p, X64, nr("clone3")));
	eu_profile_free(p);
	/* clone allowed outright stays so: ENOSYS for clone3 adds no narrower clone */
	p = learned(names);
	restrict_ok(p, "clone3", &none, 1, false, true);
	assert_true(eu_profile_has_syscall(p, X64, nr("clone")));
	assert_false(eu_profile_has_rules(p, X64, nr("clone")));
	eu_profile_free(p);
}

static void test_i386_socket_stays_argument_free(void **state)
{
	static const uint64_t inet = 2;
	struct eu_profile *p = eu_profile_new();
	int sock = eu_syscall_nr(EU_ARCH_I386, "socket");
	struct eu_err err = { 0 };
	bool ruled;

	(void)state;
	assert_non_null(p);
	assert_int_equal(eu_profile_add_syscall(p, EU_ARCH_I386, sock, 1, &err), 0);
	/* libseccomp would widen a rule on it to socketcall(SYS_SOCKET) of any family */
	assert_int_equal(eu_profile_restrict_args(p, EU_ARCH_I386, sock, &inet, 1, false, &ruled,
						  &err), 0);
	assert_false(ruled);
	assert_true(eu_profile_has_syscall(p, EU_ARCH_I386, sock));
	assert_false(eu_profile_has_rules(p, EU_ARCH_I386, sock));
	assert_true(eu_bit_test(p->arch[EU_ARCH_I386].argfree, (unsigned int)sock));
	eu_profile_free(p);
}

static void test_merge_unions_values_and_outright_wins(void **state)
{
	static const char *const names[] = { "socket", NULL };
	static const uint64_t inet = 2, unix_ = 1;
	struct eu_profile *a = learned(names), *b = learned(names), *c = learned(names);
	struct eu_err err = { 0 };
	(void)state;
	restrict_ok(a, "socket", &inet, 1, false, true);
	restrict_ok(b, "socket", &unix_, 1, false, true);
	assert_int_equal(eu_profile_merge(a, b, &err), 0);
	expect_rules(a, "socket", "allow if arg0 == 2; allow if arg0 == 1");
	/* a run that left socket argument-free allows every family: so does the union */
	assert_int_equal(eu_profile_merge(a, c, &err), 0);
	assert_true(eu_profile_has_syscall(a, X64, nr("socket")));
	assert_false(eu_profile_has_rules(a, X64, nr("socket")));
	eu_profile_free(a);
	eu_profile_free(b);
	eu_profile_free(c);
}

/*
 * A learning run's three kinds of argument: socket ruled for families fam[0]
 * and fam[1], ioctl left argument-free past its bound, clone3 answered ENOSYS.
 */
static void restrict_three(struct eu_profile *p, const uint64_t fam[2])
{
	static const uint64_t none = 0;
	uint64_t many[100];

	for (size_t i = 0; i < 100; i++)
		many[i] = i;
	restrict_ok(p, "socket", fam, 2, false, true);
	restrict_ok(p, "ioctl", many, 100, false, false);
	restrict_ok(p, "clone3", &none, 1, false, true);
}

static void test_learned_rules_first_seen_and_quiet_read_back_from_yaml(void **state)
{
	static const char *const names[] = { "socket", "ioctl", "clone3", "read", NULL };
	static const uint64_t fam[] = { 1, 16 };
	struct eu_profile *p = learned(names), *q = eu_profile_new();
	struct eu_err err = { 0 };
	char *text = NULL;
	size_t len;

	(void)state;
	restrict_three(p, fam);
	eu_profile_first_seen(p, X64, nr("read"), 12);
	eu_profile_first_seen(p, X64, nr("socket"), 2500);
	eu_profile_first_seen(p, X64, nr("socket"), 3000); /* the earliest is kept */
	p->meta.has_quiet = true;
	p->meta.quiet_ms = 41250;
	assert_int_equal(eu_profile_emit(p, &text, &len, &err), 0);
	assert_non_null(strstr(text, "      socket: 2.500\n"));
	assert_non_null(strstr(text, "    quiet_seconds: 41.250\n"));
	assert_non_null(strstr(text, "    argument_free:\n    - ioctl\n"));
	assert_int_equal(eu_profile_parse("t", text, len, q, &err), 0);
	assert_true(eu_profile_equal(p, q));
	free(text);
	eu_profile_free(p);
	eu_profile_free(q);
}

static void test_summary_names_what_the_rules_hold(void **state)
{
	static const char *const names[] = { "socket", "ioctl", "clone3", NULL };
	static const uint64_t fam[] = { 1, 2 };
	struct eu_profile *p = learned(names);
	char ruled[256], unruled[128];

	(void)state;
	restrict_three(p, fam);
	eu_profile_args_summary(p, X64, ruled, sizeof(ruled), unruled, sizeof(unruled));
	assert_string_equal(ruled, "socket 2 values, clone 1 namespace set, clone3 ENOSYS");
	assert_string_equal(unruled, "ioctl");
	eu_profile_free(p);
}

static void test_argspec_finds_by_number_on_each_abi_and_reads_its_rules_back(void **state)
{
	const struct eu_argspec *s;
	struct eu_rule r;
	uint64_t v;

	(void)state;
	for (int a = 0; a < EU_ARCH_COUNT; a++) {
		s = eu_argspec_find(a, eu_syscall_nr(a, "ioctl"));
		assert_non_null(s);
		assert_string_equal(s->syscall, "ioctl");
		assert_int_equal(s->arg, 1);
	}
	assert_null(eu_argspec_find(X64, nr("read")));
	assert_null(eu_argspec_by_name("read"));
	s = eu_argspec_by_name("unshare");
	eu_argspec_rule(s, X64, nr("unshare"), 0x10000000 | 0x400, &r); /* NEWUSER | CLONE_FILES */
	assert_true(eu_argspec_rule_value(s, &r, &v));
	assert_int_equal(v, 0x10000000); /* only the namespace bits */
	r.errnum = EPERM;
	assert_false(eu_argspec_rule_value(s, &r, &v));
}

static void test_rate_keys_tell_refused_values_apart_within_a_bound(void **state)
{
	uint64_t a[6] = { 16 }, b[6] = { 17 }, big[6] = { 0 };
	uint64_t seen_max = 0;

	(void)state;
	assert_int_not_equal(eu_argspec_key(X64, nr("socket"), a), eu_argspec_key(X64, nr("socket"), b));
	assert_int_not_equal(eu_argspec_key(X64, nr("socket"), a), 0);
	/* no spec, or clone3's pointer: one key for every call */
	assert_int_equal(eu_argspec_key(X64, nr("read"), a), 0);
	assert_int_equal(eu_argspec_key(X64, nr("clone3"), a), 0);
	/* clone: its namespace bits only */
	a[0] = 0x10000000 | 0x11;
	b[0] = 0x10000000 | 0x400;
	assert_int_equal(eu_argspec_key(X64, nr("clone"), a), eu_argspec_key(X64, nr("clone"), b));
	/* ioctl: any request folds into at most 512 keys */
	for (uint64_t v = 0; v < 200000; v += 7) {
		uint64_t k;

		big[1] = v * 0x9E3779B97F4A7C15ULL;
		k = eu_argspec_key(X64, nr("ioctl"), big);
		seen_max = k > seen_max ? k : seen_max;
	}
	assert_true(seen_max <= 512);
}

UNIT_TESTS(
	cmocka_unit_test(test_socket_is_allowed_for_its_learned_families_only),
	cmocka_unit_test(test_clone_and_unshare_compare_only_namespace_flags),
	cmocka_unit_test(test_ioctl_past_its_bound_stays_argument_free_and_says_so),
	cmocka_unit_test(test_clone3_without_namespaces_is_answered_enosys_and_clone_allowed),
	cmocka_unit_test(test_clone3_with_namespaces_or_unreadable_flags_stays),
	cmocka_unit_test(test_i386_socket_stays_argument_free),
	cmocka_unit_test(test_merge_unions_values_and_outright_wins),
	cmocka_unit_test(test_learned_rules_first_seen_and_quiet_read_back_from_yaml),
	cmocka_unit_test(test_summary_names_what_the_rules_hold),
	cmocka_unit_test(test_argspec_finds_by_number_on_each_abi_and_reads_its_rules_back),
	cmocka_unit_test(test_rate_keys_tell_refused_values_apart_within_a_bound))
