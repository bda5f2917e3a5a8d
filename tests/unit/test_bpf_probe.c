// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/bpf_probe.c's refusals on purpose (EUNOMIA_REFUSE), by which
 * every fallback is tested on a kernel that has the real thing: which words
 * refuse which mechanisms, that a bad word is a usage error naming it, and that
 * a probe so refused says why (as root; the probes load BPF programs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "bpf_probe.h"

static void refuse(const char *list)
{
	if (list)
		setenv(EU_REFUSE_ENV, list, 1);
	else
		unsetenv(EU_REFUSE_ENV);
}

static void test_a_kind_refuses_all_of_it_a_target_only_itself(void **state)
{
	(void)state;
	refuse(NULL);
	assert_false(eu_refused_on_purpose("tp_btf", "sys_enter"));
	refuse("tp_btf/sys_enter, iter/task");
	assert_true(eu_refused_on_purpose("tp_btf", "sys_enter"));
	assert_false(eu_refused_on_purpose("tp_btf", "sys_exit"));
	assert_false(eu_refused_on_purpose("raw_tp", "sys_enter"));
	assert_true(eu_refused_on_purpose("iter", "task"));
	assert_false(eu_refused_on_purpose("iter", "bpf_map_elem"));
	refuse("tp_btf");
	assert_true(eu_refused_on_purpose("tp_btf", "sys_exit"));
	assert_true(eu_refused_on_purpose("tp_btf", "sched_process_fork"));
	assert_false(eu_refused_on_purpose("lsm", "capable"));
	/* a target is a whole word, not a prefix */
	refuse("tp_btf/sys");
	assert_false(eu_refused_on_purpose("tp_btf", "sys_enter"));
	refuse(NULL);
}

static void test_a_word_that_names_no_mechanism_is_a_usage_error(void **state)
{
	static const char *const good[] = { "", " , ", "lsm", "iter/bpf_map_elem,raw_tp",
					    "fexit/cap_capable kprobe" };
	static const char *const bad[] = { "bogus", "tp_btf/", "tp_btf/sys_enter,TP_BTF",
					   "iter,/task" };
	struct eu_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&err, 0, sizeof(err));
		refuse(good[i]);
		assert_int_equal(eu_refuse_check(&err), 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		refuse(bad[i]);
		assert_int_equal(eu_refuse_check(&err), -1);
		assert_int_equal(err.kind, EU_E_USAGE);
		assert_non_null(strstr(err.msg, "names no mechanism"));
	}
	memset(&err, 0, sizeof(err));
	refuse("raw_tp,bogus/x");
	assert_int_equal(eu_refuse_check(&err), -1);
	assert_non_null(strstr(err.msg, "'bogus/x'"));
	refuse(NULL);
}

static void test_a_probe_refused_on_purpose_says_so(void **state)
{
	struct eu_probes *p;

	(void)state;
	if (geteuid() != 0) {
		printf("skipped: probing loads BPF programs, which needs root\n");
		skip();
	}
	p = eu_probes_new();
	assert_non_null(p);
	refuse("tp_btf/sys_enter,iter/task,iter/bpf_map_elem,raw_tp/sys_exit");
	assert_false(eu_probe_tp_btf(p, "sys_enter"));
	assert_string_equal(eu_probes_why(p), "refused on purpose (" EU_REFUSE_ENV ")");
	assert_false(eu_probe_iter_task(p));
	assert_false(eu_probe_iter_map(p));
	assert_false(eu_probe_raw_tp(p, "sys_exit"));
	assert_string_equal(eu_probes_why(p), "refused on purpose (" EU_REFUSE_ENV ")");
	/* what is not named is asked of the kernel: a tracepoint it does not have */
	assert_false(eu_probe_tp_btf(p, "no_such_tracepoint_at_all"));
	assert_string_equal(eu_probes_why(p), "not in the kernel's BTF");
	refuse(NULL);
	eu_probes_free(p);
}

UNIT_TESTS(
	cmocka_unit_test(test_a_kind_refuses_all_of_it_a_target_only_itself),
	cmocka_unit_test(test_a_word_that_names_no_mechanism_is_a_usage_error),
	cmocka_unit_test(test_a_probe_refused_on_purpose_says_so))
