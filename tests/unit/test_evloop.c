// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/evloop.c: each kind of source calls its callback (a readable
 * descriptor, a signal, a periodic and a one-shot timer), a callback ends the
 * loop or fails it, and an event of a source removed in the same batch is not
 * delivered.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "unit.h"
#include "evloop.h"

struct seen {
	int calls, fd, signo, after;
	uint32_t events;
	struct eu_evloop *l;
	int other; /* the descriptor the first callback removes */
};

static int stop_at_third(void *ctx, struct eu_err *err)
{
	struct seen *s = ctx;

	return ++s->calls == 3 ? EU_EV_STOP : 0;
}

static void test_a_periodic_timer_fires_until_its_callback_stops_the_loop(void **state)
{
	struct eu_err err = { 0 };
	struct eu_evloop *l = NULL;
	struct seen s = { 0 };

	assert_int_equal(eu_evloop_new(&l, &err), 0);
	assert_int_equal(eu_evloop_add_timer(l, 1000000, stop_at_third, &s, NULL, &err), 0);
	assert_int_equal(eu_evloop_run(l, &err), 0);
	assert_int_equal(s.calls, 3);
	eu_evloop_free(l);
}

static int count(void *ctx, struct eu_err *err)
{
	((struct seen *)ctx)->calls++;
	return 0;
}

static void test_a_timer_set_once_fires_once(void **state)
{
	struct eu_err err = { 0 };
	struct eu_evloop *l = NULL;
	struct seen once = { 0 }, stopper = { 0 };
	int timer = -1;

	assert_int_equal(eu_evloop_new(&l, &err), 0);
	/* not armed until set: the loop would otherwise stop at once */
	assert_int_equal(eu_evloop_add_timer(l, 0, count, &once, &timer, &err), 0);
	assert_true(timer >= 0);
	assert_int_equal(eu_evloop_set_timer(timer, 1000000, 0, &err), 0);
	assert_int_equal(eu_evloop_add_timer(l, 20000000, stop_at_third, &stopper, NULL, &err), 0);
	assert_int_equal(eu_evloop_run(l, &err), 0);
	assert_int_equal(once.calls, 1);
	eu_evloop_free(l);
}

static int read_and_stop(void *ctx, int fd, uint32_t events, struct eu_err *err)
{
	struct seen *s = ctx;
	char c;

	s->calls++;
	s->fd = fd;
	s->events = events;
	assert_int_equal(read(fd, &c, 1), 1);
	return EU_EV_STOP;
}

static void test_a_readable_descriptor_calls_its_callback(void **state)
{
	struct eu_err err = { 0 };
	struct eu_evloop *l = NULL;
	struct seen s = { 0 };
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(eu_evloop_new(&l, &err), 0);
	assert_int_equal(eu_evloop_add_fd(l, p[0], EPOLLIN, read_and_stop, &s, &err), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(eu_evloop_run(l, &err), 0);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.fd, p[0]);
	assert_true(s.events & EPOLLIN);
	eu_evloop_free(l);
	/* the loop closes only what it made: the pipe is still ours */
	assert_int_equal(close(p[0]), 0);
	assert_int_equal(close(p[1]), 0);
}

static int on_signal(void *ctx, int signo, struct eu_err *err)
{
	struct seen *s = ctx;

	s->signo = signo;
	return signo == SIGUSR1 ? EU_EV_STOP : 0;
}

static void test_a_signal_arrives_as_a_call_and_can_stop_the_loop(void **state)
{
	struct eu_err err = { 0 };
	struct eu_evloop *l = NULL;
	struct seen s = { 0 };
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	assert_int_equal(eu_evloop_new(&l, &err), 0);
	assert_int_equal(eu_evloop_add_signals(l, &mask, on_signal, &s, &err), 0);
	/* blocked from the add on: sent before the loop runs, it waits for it (no death) */
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(eu_evloop_run(l, &err), 0);
	assert_int_equal(s.signo, SIGUSR1);
	eu_evloop_free(l);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
}

static int fail_io(void *ctx, int fd, uint32_t events, struct eu_err *err)
{
	return eu_fail(err, EU_E_IO, 0, "reading %d went wrong", fd);
}

static void test_a_failing_callback_fails_the_loop_with_its_error(void **state)
{
	struct eu_err err = { 0 };
	struct eu_evloop *l = NULL;
	char want[64];
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(eu_evloop_new(&l, &err), 0);
	assert_int_equal(eu_evloop_add_fd(l, p[0], EPOLLIN, fail_io, NULL, &err), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(eu_evloop_run(l, &err), -1);
	assert_int_equal(err.kind, EU_E_IO);
	snprintf(want, sizeof(want), "reading %d went wrong", p[0]);
	assert_string_equal(err.msg, want);
	eu_evloop_free(l);
	close(p[0]);
	close(p[1]);
}

/* Whichever of the two readable pipes comes first removes the other. */
static int remove_other(void *ctx, int fd, uint32_t events, struct eu_err *err)
{
	struct seen *s = ctx;

	s->calls++;
	eu_evloop_del_fd(s->l, fd == s->fd ? s->other : s->fd);
	eu_evloop_del_fd(s->l, fd);
	return 0;
}

static int after(void *ctx, struct eu_err *err)
{
	struct seen *s = ctx;

	s->after++;
	assert_int_equal(s->calls, 1); /* after the batch, not before the first wait */
	return EU_EV_STOP;
}

static void test_a_source_removed_in_a_batch_gets_no_event_of_it(void **state)
{
	struct eu_err err = { 0 };
	struct seen s = { 0 };
	int a[2], b[2];

	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	assert_int_equal(eu_evloop_new(&s.l, &err), 0);
	s.fd = a[0];
	s.other = b[0];
	assert_int_equal(eu_evloop_add_fd(s.l, a[0], EPOLLIN, remove_other, &s, &err), 0);
	assert_int_equal(eu_evloop_add_fd(s.l, b[0], EPOLLIN, remove_other, &s, &err), 0);
	eu_evloop_after(s.l, after, &s);
	/* both readable before the wait: one batch holds both events */
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(write(b[1], "x", 1), 1);
	assert_int_equal(eu_evloop_run(s.l, &err), 0);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.after, 1);
	eu_evloop_free(s.l);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
}

static void test_an_unknown_descriptor_is_refused(void **state)
{
	struct eu_err err = { 0 };
	struct eu_evloop *l = NULL;

	assert_int_equal(eu_evloop_new(&l, &err), 0);
	assert_int_equal(eu_evloop_add_fd(l, 9999, EPOLLIN, fail_io, NULL, &err), -1);
	assert_int_equal(err.kind, EU_E_INTERNAL);
	assert_string_equal(err.msg, "epoll: Bad file descriptor");
	assert_int_equal(eu_evloop_mod_fd(l, 9999, EPOLLIN), -1);
	eu_evloop_del_fd(l, 9999); /* nothing to remove: nothing happens */
	eu_evloop_free(l);
}

UNIT_TESTS(cmocka_unit_test(test_a_periodic_timer_fires_until_its_callback_stops_the_loop),
	   cmocka_unit_test(test_a_timer_set_once_fires_once),
	   cmocka_unit_test(test_a_readable_descriptor_calls_its_callback),
	   cmocka_unit_test(test_a_signal_arrives_as_a_call_and_can_stop_the_loop),
	   cmocka_unit_test(test_a_failing_callback_fails_the_loop_with_its_error),
	   cmocka_unit_test(test_a_source_removed_in_a_batch_gets_no_event_of_it),
	   cmocka_unit_test(test_an_unknown_descriptor_is_refused))
