// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/monitor_rates.c on real BPF maps of the monitor's shapes: every
 * violation is counted in exactly one event, whoever wrote it (the kernel, its
 * flush iterator, the sweep from user space) and in whatever order they arrive;
 * the sweep writes an entry's summary only once its count has stood still; the
 * entries of a registration that ended are written out at once, then dropped
 * the next time round.
 * Creating BPF maps needs root (CAP_BPF): without it the tests skip.
 */
#include <bpf/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "monitor_rates.h"

#define SEC_NS 1000000000ULL
#define GEN 77 /* the generation of slot 3's registration */

struct maps {
	struct mon_rate_maps m;
	struct mon_event got[600];
	size_t n;
};

static int setup(void **state)
{
	static struct maps mp;

	memset(&mp, 0, sizeof(mp));
	mp.m.rates = bpf_map_create(BPF_MAP_TYPE_HASH, "rates", sizeof(struct mon_rate_key),
				    sizeof(struct mon_rate), MON_RATE_KEYS, NULL);
	mp.m.acct = bpf_map_create(BPF_MAP_TYPE_HASH, "acct", sizeof(struct mon_rate_key),
				   sizeof(struct mon_acct), MON_RATE_KEYS, NULL);
	mp.m.policies = bpf_map_create(BPF_MAP_TYPE_ARRAY, "policies", sizeof(__u32),
				       sizeof(struct mon_policy), MON_MAX_CTS, NULL);
	if (mp.m.policies >= 0) {
		struct mon_policy p = { .flags = MON_P_ACTIVE, .generation = GEN };
		__u32 slot = 3;

		bpf_map_update_elem(mp.m.policies, &slot, &p, BPF_ANY);
	}
	*state = &mp;
	return 0;
}

static int teardown(void **state)
{
	struct maps *mp = *state;

	close(mp->m.rates);
	close(mp->m.acct);
	close(mp->m.policies);
	return 0;
}

static void need_maps(const struct maps *mp)
{
	if (mp->m.rates < 0 || mp->m.acct < 0 || mp->m.policies < 0) {
		printf("skipped: creating BPF maps needs root (CAP_BPF)\n");
		skip();
	}
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * SEC_NS + (uint64_t)t.tv_nsec;
}

static void collect(void *ctx, const struct mon_event *e)
{
	struct maps *mp = ctx;

	assert_true(mp->n < sizeof(mp->got) / sizeof(mp->got[0]));
	mp->got[mp->n++] = *e;
}

static int sweep(struct maps *mp, uint64_t at)
{
	struct eu_err err = { 0 };
	int rc = mon_rates_sweep(&mp->m, at, SEC_NS, collect, mp, &err);

	if (rc)
		printf("sweep: %s\n", err.msg);
	return rc;
}

/* A kernel event for syscall `nr` of container slot 3 that accounts up to `total`. */
static struct mon_event kernel_event(int nr, uint64_t count, uint64_t total)
{
	return (struct mon_event){ .ct = 3, .kind = MON_EV_SYSCALL, .what = nr, .count = count,
				   .total = total, .generation = GEN };
}

static void put_rate(const struct maps *mp, int nr, uint64_t total, uint64_t last_ns)
{
	struct mon_rate_key k = { .ct = 3, .kind = MON_EV_SYSCALL, .what = nr, .generation = GEN };
	struct mon_rate r = { .total = total, .last_ns = last_ns, .pid = 42, .tgid = 42 };

	memcpy(r.comm, "storm", 6);
	assert_int_equal(bpf_map_update_elem(mp->m.rates, &k, &r, BPF_ANY), 0);
}

static void test_each_violation_is_counted_by_one_event(void **state)
{
	struct maps *mp = *state;
	struct mon_event e;

	need_maps(mp);
	e = kernel_event(39, 1, 1); /* the first violation, written at once */
	assert_int_equal(mon_rates_account(&mp->m, &e), 1);
	e = kernel_event(39, 1, 1); /* the same event read twice (a daemon restarted) */
	assert_int_equal(mon_rates_account(&mp->m, &e), 0);
	e = kernel_event(39, 9, 10); /* the next, after nine suppressed */
	assert_int_equal(mon_rates_account(&mp->m, &e), 9);
	/* an event of its own (the rate table was full) carries no total */
	e = kernel_event(40, 1, 0);
	assert_int_equal(mon_rates_account(&mp->m, &e), 1);
	assert_int_equal(mon_rates_account(&mp->m, &e), 1);
}

static void test_the_sweep_writes_a_summary_once_the_count_stands_still(void **state)
{
	struct maps *mp = *state;
	struct mon_event e = kernel_event(50, 4, 4);
	uint64_t now = now_ns();

	need_maps(mp);
	assert_int_equal(mon_rates_account(&mp->m, &e), 4); /* the kernel's event, 4 so far */
	put_rate(mp, 50, 10, now - 2 * SEC_NS);
	/* first sweep: the count moved since the last one (none yet): the kernel may still write */
	assert_int_equal(sweep(mp, now), 0);
	assert_int_equal(mp->n, 0);
	/* it stood still for a whole sweep: the six held back are written, as a summary */
	assert_int_equal(sweep(mp, now + SEC_NS), 0);
	assert_int_equal(mp->n, 1);
	assert_int_equal(mp->got[0].count, 6);
	assert_int_equal(mp->got[0].total, 10);
	assert_int_equal(mp->got[0].summary, 1);
	assert_int_equal(mp->got[0].generation, GEN);
	assert_int_equal(mp->got[0].what, 50);
	assert_int_equal(mp->got[0].pid, 42);
	assert_string_equal(mp->got[0].comm, "storm");
	/* nothing is written twice */
	assert_int_equal(sweep(mp, now + 2 * SEC_NS), 0);
	assert_int_equal(mp->n, 1);
	/* a kernel event that was in flight meanwhile, up to 8: the sweep counted it already */
	e = kernel_event(50, 4, 8);
	assert_int_equal(mon_rates_account(&mp->m, &e), 0);
	/* and one beyond what the sweep saw counts only the rest */
	e = kernel_event(50, 5, 13);
	assert_int_equal(mon_rates_account(&mp->m, &e), 3);
}

static void test_the_sweep_leaves_an_entry_the_kernel_still_writes(void **state)
{
	struct maps *mp = *state;
	uint64_t now = now_ns();

	need_maps(mp);
	/* counting still: each sweep sees a new total */
	put_rate(mp, 60, 100, now - 2 * SEC_NS);
	assert_int_equal(sweep(mp, now), 0);
	put_rate(mp, 60, 200, now - 2 * SEC_NS);
	assert_int_equal(sweep(mp, now + SEC_NS), 0);
	assert_int_equal(mp->n, 0);
	/* still, but the kernel wrote an event within the interval: its next one will say it */
	put_rate(mp, 60, 200, now + SEC_NS + SEC_NS / 2);
	assert_int_equal(sweep(mp, now + 2 * SEC_NS), 0);
	assert_int_equal(mp->n, 0);
	/* the interval over: written */
	assert_int_equal(sweep(mp, now + 3 * SEC_NS), 0);
	assert_int_equal(mp->n, 1);
	assert_int_equal(mp->got[0].count, 200);
}

static void test_the_sweep_reads_a_table_larger_than_one_batch(void **state)
{
	struct maps *mp = *state;
	uint64_t now = now_ns(), sum = 0;

	need_maps(mp);
	for (int nr = 0; nr < 500; nr++)
		put_rate(mp, 1000 + nr, (uint64_t)nr + 1, now - 5 * SEC_NS);
	assert_int_equal(sweep(mp, now), 0);
	assert_int_equal(sweep(mp, now + SEC_NS), 0);
	assert_int_equal(mp->n, 500);
	for (size_t i = 0; i < mp->n; i++)
		sum += mp->got[i].count;
	assert_int_equal(sum, 500 * 501 / 2);
}

static void test_a_registration_that_ended_is_written_out_at_once_then_dropped_next_time(void **state)
{
	struct maps *mp = *state;
	struct mon_policy next = { .flags = MON_P_ACTIVE, .generation = GEN + 1 };
	struct mon_rate_key k = { .ct = 3, .kind = MON_EV_SYSCALL, .what = 70, .generation = GEN };
	struct mon_event e = kernel_event(70, 1, 1);
	struct eu_err err = { 0 };
	struct mon_rate r;
	struct mon_acct a;
	__u32 slot = 3;
	uint64_t now = now_ns();

	need_maps(mp);
	assert_int_equal(mon_rates_account(&mp->m, &e), 1);
	put_rate(mp, 70, 40, now); /* 39 held back, the interval not over */
	assert_int_equal(mon_rates_retire(&mp->m, now, collect, mp, &err), 0);
	assert_int_equal(mp->n, 0); /* still its slot's registration */
	/* the slot goes to another container: the entry is written out, however recent */
	assert_int_equal(bpf_map_update_elem(mp->m.policies, &slot, &next, BPF_ANY), 0);
	assert_int_equal(mon_rates_retire(&mp->m, now, collect, mp, &err), 0);
	assert_int_equal(mp->n, 1);
	assert_int_equal(mp->got[0].count, 39);
	assert_int_equal(mp->got[0].generation, GEN);
	/* a kernel event still in the ring buffer is counted against the entry, not anew */
	e = kernel_event(70, 39, 40);
	assert_int_equal(mon_rates_account(&mp->m, &e), 0);
	/* the next time round, the entry and its accounting go */
	assert_int_equal(bpf_map_lookup_elem(mp->m.rates, &k, &r), 0);
	assert_int_equal(mon_rates_retire(&mp->m, now, collect, mp, &err), 0);
	assert_int_equal(mp->n, 1);
	assert_int_not_equal(bpf_map_lookup_elem(mp->m.rates, &k, &r), 0);
	assert_int_not_equal(bpf_map_lookup_elem(mp->m.acct, &k, &a), 0);
	/* and the sweep does the same for a released slot */
	put_rate(mp, 71, 5, now);
	next.flags = 0;
	assert_int_equal(bpf_map_update_elem(mp->m.policies, &slot, &next, BPF_ANY), 0);
	assert_int_equal(sweep(mp, now), 0);
	assert_int_equal(mp->n, 2);
	assert_int_equal(mp->got[1].count, 5);
}

UNIT_TESTS(
	cmocka_unit_test_setup_teardown(test_each_violation_is_counted_by_one_event, setup,
					teardown),
	cmocka_unit_test_setup_teardown(
		test_the_sweep_writes_a_summary_once_the_count_stands_still, setup, teardown),
	cmocka_unit_test_setup_teardown(test_the_sweep_leaves_an_entry_the_kernel_still_writes,
					setup, teardown),
	cmocka_unit_test_setup_teardown(test_the_sweep_reads_a_table_larger_than_one_batch,
					setup, teardown),
	cmocka_unit_test_setup_teardown(
		test_a_registration_that_ended_is_written_out_at_once_then_dropped_next_time, setup,
		teardown))
