/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the monitor's seccomp agent: what agent.c (its listeners, its daemon,
 * its loop) and agent_calls.c (the calls it answers) share.
 */
#ifndef EUNOMIA_AGENT_INT_H
#define EUNOMIA_AGENT_INT_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "listener.h"
#include "monitor.h"

struct held {
	bool used;
	uint32_t id;
	int fd;
	pid_t pid;
	struct eu_listener_meta meta;
	char *state;
	uint32_t slot; /* EU_AGENT_UNBOUND until a daemon binds it */
	uint64_t generation;
	/*
	 * Its filter's last user is gone before a daemon bound it: the descriptor is
	 * closed, and the record kept (what it counted, with it) for a daemon to bind.
	 */
	bool closing;
	uint64_t closed_at;
	/* exec=go: the command's execve waits for the binding (until exec_since + EXEC_WAIT_NS) */
	bool exec_waiting;
	uint64_t exec_id, exec_since;
};

/* How long a command's execve waits for a daemon to hold it, at most. */
#define EXEC_WAIT_NS (2 * 1000000000ULL)

struct eu_evloop;
struct eu_nrates;
struct eu_pktq;

struct agent {
	int seccomp_sock, ctl_sock, daemon;
	struct eu_evloop *loop;
	struct held *v;
	size_t cap;
	uint32_t next_id;
	struct eu_nrates *rates;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct seccomp_notif_sizes sizes;
	char *buf; /* EU_AGENT_MSG_MAX: the daemon's messages */
	char *packed; /* EU_AGENT_MSG_MAX: one message to the daemon */
	struct eu_pktq *out; /* what the daemon has not taken yet */
	bool stop; /* told to exit once nothing is held */
};

uint64_t agent_now_ns(void);

/* The daemon can take the events of listener id now (it bound it). */
bool agent_deliverable(void *ctx, uint32_t id);

/* An event of listener's calls, to the daemon; false if it could not be sent. */
bool agent_deliver(void *ctx, uint32_t listener, const struct mon_event *e);

/* One call h's filter handed over: answered as its metadata says, then counted. */
void agent_answer(struct agent *a, struct held *h);

/* Let a command's execve that waited for the binding go on. */
void agent_release_exec(struct agent *a, struct held *h);

#endif
