// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/pktq.c: packets for a SOCK_SEQPACKET peer that does not read
 * are kept in order and sent when it does; never a blocked writer, never a
 * packet lost or reordered; past its bound, and to a peer that is gone, the
 * writer is told.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"
#include "pktq.h"

#define PKT 1000

static void pair(int sv[2])
{
	int small = 4096;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
	/* a small buffer: the socket is full after a few packets */
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
}

static void packet(char *buf, uint32_t i)
{
	memset(buf, (int)(i & 0xff), PKT);
	memcpy(buf, &i, sizeof(i));
}

/* Read what waits at fd: each packet must be the next one expected; returns how many. */
static uint32_t drain(int fd, uint32_t *next)
{
	char buf[PKT + 1];
	uint32_t n = 0, i;
	ssize_t r;

	while ((r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		assert_int_equal(r, PKT);
		memcpy(&i, buf, sizeof(i));
		assert_int_equal(i, *next);
		(*next)++;
		n++;
	}
	return n;
}

static void test_a_peer_that_does_not_read_gets_every_packet_in_order_later(void **state)
{
	struct eu_pktq *q = eu_pktq_new(1000);
	char buf[PKT];
	uint32_t next = 0, got = 0;
	int sv[2];

	(void)state;
	pair(sv);
	for (uint32_t i = 0; i < 200; i++) {
		packet(buf, i);
		assert_int_equal(eu_pktq_send(q, sv[0], buf, PKT), 0);
	}
	/* the socket took a few; the rest wait, and nothing blocked */
	assert_true(eu_pktq_pending(q) > 0);
	assert_true(eu_pktq_pending(q) < 200);
	/* the peer reads; what waits goes as the socket takes it, in order */
	while (got < 200) {
		got += drain(sv[1], &next);
		assert_int_equal(eu_pktq_flush(q, sv[0]), 0);
		if (!eu_pktq_pending(q))
			got += drain(sv[1], &next);
	}
	assert_int_equal(next, 200);
	assert_int_equal(eu_pktq_pending(q), 0);
	/* once empty, a packet goes straight out */
	packet(buf, 200);
	assert_int_equal(eu_pktq_send(q, sv[0], buf, PKT), 0);
	assert_int_equal(eu_pktq_pending(q), 0);
	assert_int_equal(drain(sv[1], &next), 1);
	eu_pktq_free(q);
	close(sv[0]);
	close(sv[1]);
}

static void test_past_its_bound_and_to_a_peer_that_is_gone_the_writer_is_told(void **state)
{
	struct eu_pktq *q = eu_pktq_new(8);
	char buf[PKT];
	uint32_t i = 0;
	int sv[2];

	(void)state;
	pair(sv);
	packet(buf, 0);
	while (eu_pktq_send(q, sv[0], buf, PKT) == 0)
		assert_true(++i < 1000);
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(eu_pktq_pending(q), 8);
	/* the peer goes: a flush says so, and clear forgets what waited */
	close(sv[1]);
	assert_int_equal(eu_pktq_flush(q, sv[0]), -1);
	assert_true(errno == EPIPE || errno == ECONNRESET); /* ECONNRESET: it left data unread */
	eu_pktq_clear(q);
	assert_int_equal(eu_pktq_pending(q), 0);
	assert_int_equal(eu_pktq_send(q, sv[0], buf, PKT), -1);
	eu_pktq_free(q);
	close(sv[0]);
}

UNIT_TESTS(
	cmocka_unit_test(test_a_peer_that_does_not_read_gets_every_packet_in_order_later),
	cmocka_unit_test(test_past_its_bound_and_to_a_peer_that_is_gone_the_writer_is_told))
