// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/task_walk.c: from /proc, the tasks the BPF task iterator would
 * find: a thread group with its descendants and threads, or everything in a
 * mount namespace; each handed over as a working pidfd; nothing else.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "container.h"
#include "task_walk.h"

struct seen {
	pid_t tids[64];
	pid_t tgids[64];
	size_t n;
	bool bad_fd;
};

static int note(void *ctx, const struct eu_task_ref *t, struct eu_err *err)
{
	struct seen *s = ctx;

	(void)err;
	/* a pidfd that names the task: signal 0 through it succeeds */
	if (syscall(SYS_pidfd_send_signal, t->pidfd, 0, NULL, 0) != 0 && t->tid == t->tgid)
		s->bad_fd = true;
	if (s->n < 64) {
		s->tids[s->n] = t->tid;
		s->tgids[s->n++] = t->tgid;
	}
	return 0;
}

static bool has(const struct seen *s, pid_t tid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->tids[i] == tid)
			return true;
	return false;
}

static void *idle(void *arg)
{
	__atomic_store_n((pid_t *)arg, (pid_t)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	pause();
	return NULL;
}

/*
 * A child with a second thread and a grandchild, all waiting; the pids come
 * back through a pipe: child, its thread, grandchild.
 */
static pid_t family(pid_t out[3])
{
	int fds[2];
	pid_t child;

	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pthread_t t;
		pid_t ids[3] = { getpid(), 0, 0 };

		close(fds[0]);
		if (pthread_create(&t, NULL, idle, &ids[1]))
			_exit(1);
		while (!__atomic_load_n(&ids[1], __ATOMIC_SEQ_CST))
			sched_yield();
		ids[2] = fork();
		if (ids[2] == 0) {
			pause();
			_exit(0);
		}
		if (write(fds[1], ids, sizeof(ids)) != sizeof(ids))
			_exit(1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], out, 3 * sizeof(pid_t)), 3 * sizeof(pid_t));
	close(fds[0]);
	return child;
}

static void end(const pid_t ids[3])
{
	kill(ids[2], SIGKILL);
	kill(ids[0], SIGKILL);
	waitpid(ids[0], NULL, 0);
}

static void test_a_thread_group_with_its_threads_and_descendants(void **state)
{
	struct eu_err err = { 0 };
	struct seen s = { 0 };
	pid_t ids[3];

	(void)state;
	family(ids);
	assert_int_equal(eu_task_walk(ids[0], 0, note, &s, NULL, &err), 0);
	assert_true(has(&s, ids[0]));
	assert_true(has(&s, ids[2]));
	if (!has(&s, ids[1])) /* a thread's pidfd needs Linux 6.9 */
		assert_int_equal(s.n, 2);
	assert_false(has(&s, getpid()));
	assert_false(s.bad_fd);
	for (size_t i = 0; i < s.n; i++)
		assert_true(s.tgids[i] == ids[0] || s.tgids[i] == ids[2]);
	end(ids);
}

static void test_a_mount_namespace_holds_every_task_in_it(void **state)
{
	struct eu_err err = { 0 };
	struct seen s = { 0 };
	uint32_t own = 0;
	pid_t ids[3];

	(void)state;
	family(ids);
	assert_int_equal(eu_ns_inode(getpid(), "mnt", &own, &err), 0);
	/* ours: it holds us and the family */
	assert_int_equal(eu_task_walk(0, own, note, &s, NULL, &err), 0);
	assert_true(s.n > 0);
	end(ids);
	/* a namespace no task is in */
	memset(&s, 0, sizeof(s));
	assert_int_equal(eu_task_walk(0, 1, note, &s, NULL, &err), 0);
	assert_int_equal(s.n, 0);
}

static int stop(void *ctx, const struct eu_task_ref *t, struct eu_err *e)
{
	(void)ctx;
	(void)t;
	return eu_fail(e, EU_E_KERNEL, 0, "stop here");
}

static void test_a_callback_that_fails_stops_the_walk(void **state)
{
	struct eu_err err = { 0 };
	pid_t ids[3];

	(void)state;
	family(ids);
	assert_int_equal(eu_task_walk(ids[0], 0, stop, NULL, NULL, &err), -1);
	assert_string_equal(err.msg, "stop here");
	end(ids);
}

UNIT_TESTS(
	cmocka_unit_test(test_a_thread_group_with_its_threads_and_descendants),
	cmocka_unit_test(test_a_mount_namespace_holds_every_task_in_it),
	cmocka_unit_test(test_a_callback_that_fails_stops_the_walk))
