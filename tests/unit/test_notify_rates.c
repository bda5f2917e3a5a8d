// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/notify_rates.c: the seccomp agent writes the first refused call
 * at once and the rest of an interval as one count; every call is in exactly
 * one event, also across a time when no daemon listens; a listener that ends
 * has its last counts written at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "notify_rates.h"

#define SEC 1000000000ULL

#define MAX_EVENTS 1024

struct got {
	struct mon_event *e; /* MAX_EVENTS of them */
	size_t n;
	uint64_t sum;
	bool open; /* can events be delivered? */
	bool refuse; /* the writer fails (a daemon that stopped reading) */
	uint32_t listeners[MAX_EVENTS]; /* whose calls each event stands for */
};

static bool collect(void *ctx, uint32_t listener, const struct mon_event *e)
{
	struct got *g = ctx;

	if (g->refuse)
		return false;
	assert_true(g->n < MAX_EVENTS);
	g->listeners[g->n] = listener;
	g->e[g->n++] = *e;
	g->sum += e->count;
	return true;
}

static bool deliverable(void *ctx, uint32_t listener)
{
	(void)listener;
	return ((struct got *)ctx)->open;
}

static struct mon_event call(int pid)
{
	struct mon_event e = { .kind = MON_EV_DENIAL, .what = 39, .pid = (uint32_t)pid,
			       .tgid = (uint32_t)pid, .action = MON_ACT_DENIED, .ret = 1 };

	memcpy(e.comm, "storm", 6);
	return e;
}

static void test_a_storm_is_a_few_events_whose_counts_add_up(void **state)
{
	struct eu_nrates *r = eu_nrates_new();
	struct eu_nrate_key k = { .listener = 1, .kind = MON_EV_DENIAL, .nr = 39 };
	struct got g = { .e = calloc(MAX_EVENTS, sizeof(struct mon_event)), .open = true };
	struct mon_event c = call(7);
	uint64_t t = 10 * SEC;

	(void)state;
	/* 10,000 calls over 5 seconds, a flush every second */
	for (int i = 0; i < 10000; i++) {
		uint64_t now = t + (uint64_t)i * (5 * SEC / 10000);

		assert_true(eu_nrates_hit(r, &k, &c, now, SEC, true, collect, &g));
		if (i % 2000 == 1999)
			eu_nrates_flush(r, now, SEC, -1, deliverable, collect, &g);
	}
	eu_nrates_flush(r, t + 7 * SEC, SEC, -1, deliverable, collect, &g);
	assert_int_equal(g.sum, 10000);
	assert_true(g.n >= 5 && g.n <= 7);
	assert_int_equal(g.e[0].count, 1);
	assert_int_equal(g.e[0].summary, 0);
	assert_int_equal(g.e[0].total, 0);
	assert_int_equal(g.e[0].pid, 7);
	assert_string_equal(g.e[0].comm, "storm");
	assert_int_equal(g.e[g.n - 1].summary, 1);
	assert_int_equal(eu_nrates_pending(r), 0);
	eu_nrates_free(r);
	free(g.e);
}

static void test_nothing_is_lost_while_no_daemon_listens(void **state)
{
	struct eu_nrates *r = eu_nrates_new();
	struct eu_nrate_key k = { .listener = 2, .kind = MON_EV_DENIAL, .nr = 170 };
	struct got g = { .e = calloc(MAX_EVENTS, sizeof(struct mon_event)), .open = false };
	struct mon_event c = call(8);

	(void)state;
	for (int i = 0; i < 30; i++)
		assert_true(eu_nrates_hit(r, &k, &c, (uint64_t)i * SEC, SEC, false, collect, &g));
	eu_nrates_flush(r, 40 * SEC, SEC, -1, deliverable, collect, &g);
	assert_int_equal(g.n, 0);
	assert_int_equal(eu_nrates_pending(r), 30);
	/* a daemon connects: all thirty in one event, the first one of its entry */
	g.open = true;
	eu_nrates_flush(r, 41 * SEC, SEC, -1, deliverable, collect, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.e[0].count, 30);
	assert_int_equal(g.e[0].summary, 0);
	eu_nrates_free(r);
	free(g.e);
}

static void test_a_listener_that_ends_is_written_out_then_forgotten(void **state)
{
	struct eu_nrates *r = eu_nrates_new();
	struct got g = { .e = calloc(MAX_EVENTS, sizeof(struct mon_event)), .open = true };
	struct mon_event c = call(9);

	(void)state;
	/* many keys of two listeners: the table grows */
	for (int nr = 0; nr < 300; nr++)
		for (uint32_t l = 1; l <= 2; l++) {
			struct eu_nrate_key k = { .listener = l, .kind = MON_EV_DENIAL, .nr = nr };

			assert_true(eu_nrates_hit(r, &k, &c, SEC, SEC, true, collect, &g));
			assert_true(eu_nrates_hit(r, &k, &c, SEC + 1, SEC, true, collect, &g));
		}
	assert_int_equal(g.n, 600);
	assert_int_equal(eu_nrates_pending(r), 600);
	g.n = 0;
	g.sum = 0;
	/* listener 1 ends a moment later: its held-back calls go at once */
	eu_nrates_flush(r, SEC + 2, SEC, 1, deliverable, collect, &g);
	assert_int_equal(g.n, 300);
	for (size_t i = 0; i < g.n; i++)
		assert_int_equal(g.listeners[i], 1);
	assert_int_equal(g.sum, 300);
	eu_nrates_drop(r, 1);
	assert_int_equal(eu_nrates_pending(r), 300);
	eu_nrates_free(r);
	free(g.e);
}

/*
 * The agent reads a call's details (/proc) only when eu_nrates_wants_info says
 * so: once per event, not once per call; a summary names the last call read.
 */
static void test_only_the_calls_that_make_an_event_need_their_details(void **state)
{
	struct eu_nrates *r = eu_nrates_new();
	struct eu_nrate_key k = { .listener = 3, .kind = MON_EV_DENIAL, .nr = 39 };
	struct got g = { .e = calloc(MAX_EVENTS, sizeof(struct mon_event)), .open = true };
	uint64_t t = 10 * SEC;
	int asked = 0, last_read = 0;

	(void)state;
	/* no daemon yet: the first call's details are kept for the event written later */
	g.open = false;
	assert_true(eu_nrates_wants_info(r, &k, t, SEC, false));
	{
		struct mon_event c = call(100);

		assert_true(eu_nrates_hit(r, &k, &c, t, SEC, false, collect, &g));
	}
	assert_false(eu_nrates_wants_info(r, &k, t + 1, SEC, false));
	assert_true(eu_nrates_hit(r, &k, NULL, t + 1, SEC, false, collect, &g));
	g.open = true;
	eu_nrates_flush(r, t + 2, SEC, -1, deliverable, collect, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.e[0].count, 2);
	assert_int_equal(g.e[0].pid, 100);
	/* 4,000 calls of as many processes over 4 seconds, a flush every half second */
	t += 10 * SEC;
	for (int i = 0; i < 4000; i++) {
		uint64_t now = t + (uint64_t)i * (4 * SEC / 4000);
		struct mon_event c = call(1000 + i);
		bool want = eu_nrates_wants_info(r, &k, now, SEC, true);

		asked += want;
		if (want)
			last_read = 1000 + i;
		assert_true(eu_nrates_hit(r, &k, want ? &c : NULL, now, SEC, true, collect, &g));
		if (i % 500 == 499) {
			size_t before = g.n;

			eu_nrates_flush(r, now, SEC, -1, deliverable, collect, &g);
			for (size_t j = before; j < g.n; j++)
				assert_int_equal(g.e[j].pid, last_read);
		}
	}
	eu_nrates_flush(r, t + 6 * SEC, SEC, -1, deliverable, collect, &g);
	assert_int_equal(g.sum, 4002);
	assert_true(asked >= 4 && asked <= 5);
	assert_int_equal(g.e[g.n - 1].pid, last_read);
	assert_int_equal(eu_nrates_pending(r), 0);
	eu_nrates_free(r);
	free(g.e);
}

static void test_an_event_that_could_not_be_written_keeps_its_calls(void **state)
{
	struct eu_nrates *r = eu_nrates_new();
	struct eu_nrate_key k = { .listener = 4, .kind = MON_EV_DENIAL, .nr = 169 };
	struct got g = { .e = calloc(MAX_EVENTS, sizeof(struct mon_event)), .open = true,
			 .refuse = true };
	struct mon_event c = call(11);

	(void)state;
	for (int i = 0; i < 5; i++)
		assert_true(eu_nrates_hit(r, &k, &c, SEC + (uint64_t)i, SEC, true, collect, &g));
	eu_nrates_flush(r, 3 * SEC, SEC, -1, deliverable, collect, &g);
	assert_int_equal(eu_nrates_pending(r), 5);
	/* the writer works again: all five in one event, the first of its entry */
	g.refuse = false;
	eu_nrates_flush(r, 4 * SEC, SEC, -1, deliverable, collect, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.e[0].count, 5);
	assert_int_equal(g.e[0].summary, 0);
	assert_int_equal(eu_nrates_pending(r), 0);
	eu_nrates_free(r);
	free(g.e);
}

UNIT_TESTS(
	cmocka_unit_test(test_a_storm_is_a_few_events_whose_counts_add_up),
	cmocka_unit_test(test_only_the_calls_that_make_an_event_need_their_details),
	cmocka_unit_test(test_an_event_that_could_not_be_written_keeps_its_calls),
	cmocka_unit_test(test_nothing_is_lost_while_no_daemon_listens),
	cmocka_unit_test(test_a_listener_that_ends_is_written_out_then_forgotten))
