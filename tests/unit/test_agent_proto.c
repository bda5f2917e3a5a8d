// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/agent_proto.c: every message between the monitor daemon and its
 * seccomp agent reads back as it was sent, over a real SOCK_SEQPACKET pair; a
 * packet that is not one (short, foreign, out of range, cut, too long) is
 * refused, never half read; a peer that is gone and one that says nothing are
 * told apart.
 */
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
#include "agent_proto.h"

struct pair {
	int a, b;
	char *buf;
};

static int setup(void **state)
{
	struct pair *p = calloc(1, sizeof(*p));
	int sv[2];

	if (!p || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -1;
	p->a = sv[0];
	p->b = sv[1];
	p->buf = malloc(EU_AGENT_MSG_MAX);
	*state = p;
	return p->buf ? 0 : -1;
}

static int teardown(void **state)
{
	struct pair *p = *state;

	if (p->a >= 0)
		close(p->a);
	close(p->b);
	free(p->buf);
	free(p);
	return 0;
}

/* Send m from one end, receive it at the other. */
static void roundtrip(struct pair *p, const struct eu_agent_msg *m, struct eu_agent_msg *out)
{
	struct eu_err err = { 0 };

	assert_int_equal(eu_agent_msg_send(p->a, m, &err), 0);
	assert_int_equal(eu_agent_msg_recv(p->b, p->buf, EU_AGENT_MSG_MAX, 1000, out, &err), 1);
}

static void test_a_listener_reads_back_with_its_profile_and_state(void **state)
{
	struct pair *p = *state;
	char profile[] = "/var/lib/eunomia/profiles/web.yaml";
	struct eu_agent_msg m = {
		.type = EU_AG_LISTENER, .id = 3, .slot = EU_AGENT_UNBOUND, .pid = 4242,
		.meta = { .mode = EU_LISTEN_KILL, .errnum = 13, .exec_go = true, .profile = profile },
		.state = "{\"id\":\"web\",\"pid\":4242}",
	}, out;

	roundtrip(p, &m, &out);
	assert_int_equal(out.type, EU_AG_LISTENER);
	assert_int_equal(out.id, 3);
	assert_int_equal(out.slot, EU_AGENT_UNBOUND);
	assert_int_equal(out.pid, 4242);
	assert_int_equal(out.meta.mode, EU_LISTEN_KILL);
	assert_int_equal(out.meta.errnum, 13);
	assert_true(out.meta.exec_go);
	assert_string_equal(out.meta.profile, profile);
	assert_string_equal(out.state, m.state);
	/* eunomia enforce -- CMD: no OCI state */
	m.state = NULL;
	m.slot = 5;
	m.generation = 0x123456789ULL;
	roundtrip(p, &m, &out);
	assert_null(out.state);
	assert_int_equal(out.slot, 5);
	assert_int_equal(out.generation, 0x123456789ULL);
}

static void test_an_event_and_the_short_messages_read_back(void **state)
{
	struct pair *p = *state;
	struct eu_agent_msg m = { .type = EU_AG_EVENT }, out;

	m.event.kind = MON_EV_DENIAL;
	m.event.count = 12345;
	m.event.pid = 77;
	m.event.args[5] = UINT64_MAX;
	memcpy(m.event.comm, "sysprobe", 9);
	roundtrip(p, &m, &out);
	assert_int_equal(out.type, EU_AG_EVENT);
	assert_memory_equal(&out.event, &m.event, sizeof(m.event));

	m = (struct eu_agent_msg){ .type = EU_AG_BOUND, .id = 9, .slot = 63, .generation = 7 };
	roundtrip(p, &m, &out);
	assert_int_equal(out.type, EU_AG_BOUND);
	assert_int_equal(out.id, 9);
	assert_int_equal(out.slot, 63);
	assert_int_equal(out.generation, 7);

	m = (struct eu_agent_msg){ .type = EU_AG_GONE, .id = 9 };
	roundtrip(p, &m, &out);
	assert_int_equal(out.type, EU_AG_GONE);
	assert_int_equal(out.id, 9);

	m = (struct eu_agent_msg){ .type = EU_AG_STOP, .force = true };
	roundtrip(p, &m, &out);
	assert_int_equal(out.type, EU_AG_STOP);
	assert_true(out.force);
}

static void test_packets_that_are_not_messages_are_refused(void **state)
{
	struct pair *p = *state;
	char profile[] = "/p.yaml";
	struct eu_agent_msg good = { .type = EU_AG_LISTENER, .id = 1, .pid = 1,
				     .meta = { .errnum = 1, .profile = profile }, .state = "{}" };
	struct eu_agent_msg out;
	struct eu_err err = { 0 };
	char *buf = p->buf, *copy = malloc(EU_AGENT_MSG_MAX);
	size_t len = eu_agent_msg_pack(&good, buf, EU_AGENT_MSG_MAX), head;

	assert_non_null(copy);
	assert_true(len > 0);
	head = len - sizeof("/p.yaml") - sizeof("{}");
	/* as packed, it is one */
	memcpy(copy, buf, len);
	assert_int_equal(eu_agent_msg_unpack(copy, len, &out, &err), 0);
	/* shorter than its head */
	memcpy(copy, buf, len);
	assert_int_equal(eu_agent_msg_unpack(copy, head - 1, &out, &err), -1);
	/* not ours: the magic */
	memcpy(copy, buf, len);
	copy[0] ^= 1;
	assert_int_equal(eu_agent_msg_unpack(copy, len, &out, &err), -1);
	/* a type out of range, a mode out of range (the head's second and eighth words) */
	memcpy(copy, buf, len);
	memset(copy + 4, 0x7f, 4);
	assert_int_equal(eu_agent_msg_unpack(copy, len, &out, &err), -1);
	memcpy(copy, buf, len);
	memset(copy + 32, 0x7f, 4);
	assert_int_equal(eu_agent_msg_unpack(copy, len, &out, &err), -1);
	/* a listener cut short: its state's NUL is missing */
	memcpy(copy, buf, len);
	assert_int_equal(eu_agent_msg_unpack(copy, len - 1, &out, &err), -1);
	/* a relative profile */
	memcpy(copy, buf, len);
	copy[head] = 'p';
	assert_int_equal(eu_agent_msg_unpack(copy, len, &out, &err), -1);
	/* an event of the wrong size */
	good = (struct eu_agent_msg){ .type = EU_AG_EVENT };
	len = eu_agent_msg_pack(&good, buf, EU_AGENT_MSG_MAX);
	memcpy(copy, buf, len);
	assert_int_equal(eu_agent_msg_unpack(copy, len - 1, &out, &err), -1);
	/* a short message with bytes after it */
	good = (struct eu_agent_msg){ .type = EU_AG_GONE, .id = 2 };
	len = eu_agent_msg_pack(&good, buf, EU_AGENT_MSG_MAX);
	memcpy(copy, buf, len);
	copy[len] = 'x';
	assert_int_equal(eu_agent_msg_unpack(copy, len + 1, &out, &err), -1);
	/* a message that does not fit its buffer is not packed */
	assert_int_equal(eu_agent_msg_pack(&good, buf, len - 1), 0);
	/* a packet larger than the reader's buffer is refused, not cut */
	good = (struct eu_agent_msg){ .type = EU_AG_LISTENER, .id = 1, .pid = 1,
				      .meta = { .errnum = 1, .profile = profile }, .state = "{}" };
	assert_int_equal(eu_agent_msg_send(p->a, &good, &err), 0);
	assert_int_equal(eu_agent_msg_recv(p->b, buf, 16, 1000, &out, &err), -1);
	free(copy);
}

static void test_silence_and_a_peer_that_is_gone_are_told_apart(void **state)
{
	struct pair *p = *state;
	struct eu_agent_msg out;
	struct eu_err err = { 0 };

	assert_int_equal(eu_agent_msg_recv(p->b, p->buf, EU_AGENT_MSG_MAX, 20, &out, &err), -1);
	assert_int_equal(err.kind, EU_E_RUNTIME);
	close(p->a);
	p->a = -1;
	assert_int_equal(eu_agent_msg_recv(p->b, p->buf, EU_AGENT_MSG_MAX, 1000, &out, &err), 0);
}

UNIT_TESTS(
	cmocka_unit_test_setup_teardown(test_a_listener_reads_back_with_its_profile_and_state,
					setup, teardown),
	cmocka_unit_test_setup_teardown(test_an_event_and_the_short_messages_read_back, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_packets_that_are_not_messages_are_refused, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_silence_and_a_peer_that_is_gone_are_told_apart,
					setup, teardown))
