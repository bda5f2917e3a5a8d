// SPDX-License-Identifier: GPL-2.0-only
/* Between the monitor daemon and its seccomp agent (see agent_proto.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "agent_proto.h"

#define MAGIC 0x47415545U /* "EUAG" */

/* The fixed part of every packet, then a LISTENER's strings or an EVENT's struct. */
struct head {
	uint32_t magic;
	uint32_t type;
	uint32_t id;
	uint32_t slot;
	uint64_t generation;
	uint32_t force;
	int32_t pid;
	uint32_t mode;
	int32_t errnum;
	uint32_t exec_go;
};

size_t eu_agent_msg_pack(const struct eu_agent_msg *m, char *buf, size_t size)
{
	struct head h = { .magic = MAGIC, .type = m->type, .id = m->id, .slot = m->slot,
			  .generation = m->generation, .force = m->force, .pid = m->pid,
			  .mode = m->meta.mode, .errnum = m->meta.errnum, .exec_go = m->meta.exec_go };
	size_t len = sizeof(h);

	if (size < len)
		return 0;
	memcpy(buf, &h, sizeof(h));
	if (m->type == EU_AG_EVENT) {
		if (size - len < sizeof(m->event))
			return 0;
		memcpy(buf + len, &m->event, sizeof(m->event));
		return len + sizeof(m->event);
	}
	if (m->type == EU_AG_LISTENER) {
		const char *profile = m->meta.profile ? m->meta.profile : "";
		const char *state = m->state ? m->state : "";
		size_t p = strlen(profile) + 1, s = strlen(state) + 1;

		if (size - len < p + s)
			return 0;
		memcpy(buf + len, profile, p);
		memcpy(buf + len + p, state, s);
		return len + p + s;
	}
	return len;
}

int eu_agent_msg_unpack(char *buf, size_t len, struct eu_agent_msg *m, struct eu_err *err)
{
	struct head h;
	char *end = buf + len, *s;

	memset(m, 0, sizeof(*m));
	if (len < sizeof(h))
		return eu_fail(err, EU_E_PROFILE, 0, "a message of the agent of %zu bytes", len);
	memcpy(&h, buf, sizeof(h));
	if (h.magic != MAGIC || h.type < EU_AG_LISTENER || h.type > EU_AG_STOP ||
	    h.mode > EU_LISTEN_COMPLAIN)
		return eu_fail(err, EU_E_PROFILE, 0, "a message of the agent that is none");
	m->type = (enum eu_agent_msg_type)h.type;
	m->id = h.id;
	m->slot = h.slot;
	m->generation = h.generation;
	m->force = h.force != 0;
	m->pid = h.pid;
	m->meta.mode = (enum eu_listener_mode)h.mode;
	m->meta.errnum = h.errnum;
	m->meta.exec_go = h.exec_go != 0;
	s = buf + sizeof(h);
	if (m->type == EU_AG_EVENT) {
		if ((size_t)(end - s) != sizeof(m->event))
			return eu_fail(err, EU_E_PROFILE, 0, "an event of the agent of %zu bytes",
				       (size_t)(end - s));
		memcpy(&m->event, s, sizeof(m->event));
		return 0;
	}
	if (m->type == EU_AG_LISTENER) {
		char *nul = memchr(s, '\0', (size_t)(end - s)), *nul2;

		nul2 = nul ? memchr(nul + 1, '\0', (size_t)(end - nul - 1)) : NULL;
		if (!nul || !nul2 || nul2 + 1 != end || s[0] != '/')
			return eu_fail(err, EU_E_PROFILE, 0,
				       "a listener of the agent without its profile and state");
		m->meta.profile = s;
		m->state = nul[1] ? nul + 1 : NULL;
		return 0;
	}
	return (size_t)(end - s) ? eu_fail(err, EU_E_PROFILE, 0, "a message of the agent too long")
				 : 0;
}

int eu_agent_msg_send(int sock, const struct eu_agent_msg *m, struct eu_err *err)
{
	char *buf = malloc(EU_AGENT_MSG_MAX);
	size_t len = buf ? eu_agent_msg_pack(m, buf, EU_AGENT_MSG_MAX) : 0;
	ssize_t r = -1;

	if (len)
		do
			r = send(sock, buf, len, MSG_NOSIGNAL);
		while (r < 0 && errno == EINTR);
	free(buf);
	if (!len)
		return eu_fail(err, EU_E_INTERNAL, buf ? 0 : ENOMEM, "a message for the agent");
	return r < 0 ? eu_fail(err, EU_E_IO, errno, "talking to the monitor's agent") : 0;
}

int eu_agent_msg_recv(int sock, char *buf, size_t size, int timeout_ms, struct eu_agent_msg *m,
		      struct eu_err *err)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	ssize_t r;
	int pr;

	while ((pr = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	if (pr <= 0)
		return eu_fail(err, EU_E_RUNTIME, pr < 0 ? errno : ETIMEDOUT,
			       "no word from the monitor's agent");
	do
		r = recv(sock, buf, size, MSG_DONTWAIT | MSG_TRUNC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return eu_fail(err, EU_E_IO, errno, "listening to the monitor's agent");
	if (r == 0)
		return 0;
	if ((size_t)r > size)
		return eu_fail(err, EU_E_PROFILE, 0, "a message of the agent of %zd bytes", r);
	return eu_agent_msg_unpack(buf, (size_t)r, m, err) ? -1 : 1;
}
