// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/learn_request.c: the OCI hook's request to the resident learner. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"
#include "learn_request.h"

static void pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* Send raw bytes with the given descriptors, as a client that is not the hook might. */
static void send_raw(int fd, const void *buf, size_t len, const int *fds, size_t nfds)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl = { 0 };
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		struct cmsghdr *cm;

		msg.msg_control = ctl.buf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	}
	assert_int_equal(sendmsg(fd, &msg, 0), (ssize_t)len);
}

static void test_a_request_round_trips_with_its_log(void **state)
{
	char *args[] = { "-q", "--oci-state", "/run/eunomia/hooks/c1.json", "-o", "", "x y" };
	struct eu_err err = { 0 };
	char **got = NULL, buf[8];
	int sv[2], p[2], log_fd = -1;
	size_t n = 0;

	(void)state;
	pair(sv);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(eu_learn_request_send(sv[0], args, 6, p[1], &err), 0);
	assert_int_equal(eu_learn_request_recv(sv[1], 1000, &got, &n, &log_fd, &err), 0);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(got[i], args[i]);
	assert_null(got[n]);
	/* the descriptor is the pipe's write end, close-on-exec */
	assert_true(fcntl(log_fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(write(log_fd, "ok", 2), 2);
	assert_int_equal(read(p[0], buf, sizeof(buf)), 2);
	free(got);
	close(log_fd);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

static void test_no_request_in_time_is_an_error(void **state)
{
	struct eu_err err = { 0 };
	char **got = NULL;
	int sv[2], log_fd = -1;
	size_t n;

	(void)state;
	pair(sv);
	assert_int_equal(eu_learn_request_recv(sv[1], 50, &got, &n, &log_fd, &err), -1);
	assert_string_equal(err.msg, "no request within 50 ms");
	assert_null(got);
	close(sv[0]);
	close(sv[1]);
}

/* Every descriptor a bad request brings is closed, and nothing is returned. */
static void test_bad_requests_are_refused_and_their_descriptors_closed(void **state)
{
	static const char good[] = EU_LEARN_MAGIC "\0-q";
	static const struct {
		const char *buf;
		size_t len;
		size_t nfds;
		const char *msg;
	} bad[] = {
		{ good, sizeof(good), 0, "a learner request without its log descriptor" },
		{ good, sizeof(good), 2, "a learner request must carry one descriptor" },
		{ "eunomia-learn/2\0-q", 19, 1, "a learner request must begin with eunomia-learn/1" },
		{ "eunomia", 7, 1, "a learner request must begin with eunomia-learn/1" },
		{ EU_LEARN_MAGIC "\0-q", sizeof(EU_LEARN_MAGIC) + 2, 1,
		  "a learner request whose last argument has no terminating NUL" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct eu_err err = { 0 };
		char **got = NULL;
		int sv[2], fds[2], log_fd = -1;
		size_t n;

		pair(sv);
		fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		fds[1] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		send_raw(sv[0], bad[i].buf, bad[i].len, fds, bad[i].nfds);
		close(fds[0]);
		close(fds[1]);
		assert_int_equal(eu_learn_request_recv(sv[1], 1000, &got, &n, &log_fd, &err), -1);
		assert_string_equal(err.msg, bad[i].msg);
		assert_null(got);
		assert_int_equal(log_fd, -1);
		/* the received copies were closed: the lowest free numbers are free again */
		assert_false(fd_open(fds[0]));
		assert_false(fd_open(fds[1]));
		close(sv[0]);
		close(sv[1]);
	}
}

static void test_limits(void **state)
{
	char *many[EU_LEARN_ARGS_MAX + 1];
	struct eu_err err = { 0 };
	char **got = NULL, *big, buf[128] = EU_LEARN_MAGIC;
	size_t n, off = sizeof(EU_LEARN_MAGIC);
	int sv[2];

	(void)state;
	for (size_t i = 0; i <= EU_LEARN_ARGS_MAX; i++)
		many[i] = "-q";
	pair(sv);
	assert_int_equal(eu_learn_request_send(sv[0], many, EU_LEARN_ARGS_MAX + 1, 0, &err), -1);
	big = malloc(EU_LEARN_REQUEST_MAX);
	assert_non_null(big);
	memset(big, 'a', EU_LEARN_REQUEST_MAX - 1);
	big[EU_LEARN_REQUEST_MAX - 1] = '\0';
	assert_int_equal(eu_learn_request_send(sv[0], &big, 1, 0, &err), -1);
	assert_string_equal(err.msg, "a learner request of 65552 bytes (at most 65536)");
	free(big);
	/* the parser counts arguments too */
	for (size_t i = 0; i <= EU_LEARN_ARGS_MAX; i++) {
		buf[off++] = 'a';
		buf[off++] = '\0';
	}
	assert_int_equal(eu_learn_request_parse(buf, off, &got, &n, &err), -1);
	assert_string_equal(err.msg, "a learner request of 33 arguments (at most 32)");
	assert_int_equal(eu_learn_request_parse(buf, off - 2, &got, &n, &err), 0);
	assert_int_equal(n, EU_LEARN_ARGS_MAX);
	free(got);
	/* no arguments at all is a request the learner refuses, not the codec */
	assert_int_equal(eu_learn_request_parse(EU_LEARN_MAGIC, sizeof(EU_LEARN_MAGIC), &got, &n,
						&err),
			 0);
	assert_int_equal(n, 0);
	assert_null(got[0]);
	free(got);
	close(sv[0]);
	close(sv[1]);
}

UNIT_TESTS(
	cmocka_unit_test(test_a_request_round_trips_with_its_log),
	cmocka_unit_test(test_no_request_in_time_is_an_error),
	cmocka_unit_test(test_bad_requests_are_refused_and_their_descriptors_closed),
	cmocka_unit_test(test_limits))
