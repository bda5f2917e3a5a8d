/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Between the monitor daemon and its seccomp agent (the process that holds the
 * containers' seccomp listeners and answers what their filters refuse): one
 * SOCK_SEQPACKET connection on a root-only socket, one message a packet.
 *
 *   agent -> daemon  LISTENER  a listener it holds: its process, how it answers,
 *                              the profile, the OCI state, and the slot it is
 *                              bound to when a daemon bound it already
 *                    EVENT     a struct mon_event (counted by the agent's rate limit)
 *                    GONE      a listener whose processes are all gone
 *   daemon -> agent  BOUND     the monitor slot (and its generation) a listener is held in
 *                    STOP      exit once no listener is held (or now, with force)
 */
#ifndef EUNOMIA_AGENT_PROTO_H
#define EUNOMIA_AGENT_PROTO_H

#include <linux/types.h> /* monitor.h uses the kernel's fixed-width types */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "errors.h"
#include "listener.h"
#include "monitor.h"

#define EU_AGENT_SOCKET "/run/eunomia/agent.sock"
#define EU_AGENT_LOCK "/run/eunomia/agent.lock"
#define EU_AGENT_MSG_MAX (EU_LISTENER_STATE_MAX + 8192U)
#define EU_AGENT_UNBOUND UINT32_MAX /* a listener no daemon has bound to a slot yet */

enum eu_agent_msg_type {
	EU_AG_LISTENER = 1,
	EU_AG_BOUND,
	EU_AG_EVENT,
	EU_AG_GONE,
	EU_AG_STOP,
};

struct eu_agent_msg {
	enum eu_agent_msg_type type;
	uint32_t id;	     /* the listener */
	uint32_t slot;	     /* LISTENER, BOUND: or EU_AGENT_UNBOUND */
	uint64_t generation; /* LISTENER, BOUND */
	bool force;	     /* STOP */
	pid_t pid;	     /* LISTENER: the process that loaded the filter */
	struct eu_listener_meta meta; /* LISTENER (meta.profile points into the message) */
	const char *state;   /* LISTENER: the OCI state's JSON, or NULL (points into it) */
	struct mon_event event; /* EVENT */
};

/* Pack m into buf (EU_AGENT_MSG_MAX bytes at most); returns its length, or 0 if it does not fit. */
size_t eu_agent_msg_pack(const struct eu_agent_msg *m, char *buf, size_t size);

/* Unpack a packet; the strings of *m point into buf, which must outlive it. */
int eu_agent_msg_unpack(char *buf, size_t len, struct eu_agent_msg *m, struct eu_err *err);

/*
 * Send one message; receive one, waiting at most timeout_ms: 1 with a message,
 * 0 at the end (the peer is gone), -1 on error.
 */
int eu_agent_msg_send(int sock, const struct eu_agent_msg *m, struct eu_err *err);
int eu_agent_msg_recv(int sock, char *buf, size_t size, int timeout_ms, struct eu_agent_msg *m,
		      struct eu_err *err);

#endif
