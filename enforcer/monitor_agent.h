/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's side of the seccomp agent (agent.c): start it when none runs,
 * hold each container whose listener it holds (a monitor slot, MON_P_FILTERED,
 * its processes seeded like --attach's), and pass on its events.
 */
#ifndef EUNOMIA_MONITOR_AGENT_H
#define EUNOMIA_MONITOR_AGENT_H

#include <stdbool.h>

#include "errors.h"
#include "monitor_bpf.h"

struct mon_agent;

/* What the daemon is told: an event, or trouble worth a warning event. */
typedef void (*mon_agent_warn_fn)(void *ctx, const char *msg);

struct mon_agent_opts {
	struct mon *mon;
	mon_event_fn on_event;
	mon_agent_warn_fn warn;
	void *ctx;
	/* counts the listeners whose container could not be held (no profile, or one unread) */
	uint64_t *unheld;
};

/* Connect to the agent, starting it first when none runs. */
int mon_agent_open(struct mon_agent **out, const struct mon_agent_opts *o, struct eu_err *err);

/* Its descriptor, to poll; then mon_agent_read(): 0 while it is there, -1 once it is gone. */
int mon_agent_fd(const struct mon_agent *a);
int mon_agent_read(struct mon_agent *a, struct eu_err *err);

/*
 * Does the agent hold a listener of the container in slot (that generation
 * of it)? Until it says the listener is gone, after it wrote what its calls
 * made, the container is held (its events name it) even when its processes
 * have all ended.
 */
bool mon_agent_holds(const struct mon_agent *a, uint32_t slot, uint64_t generation);

/*
 * Let go of the agent: with `stop` it exits once it holds no listener (with
 * `force`, at once: what it held then fails with ENOSYS).
 */
void mon_agent_close(struct mon_agent *a, bool stop, bool force);

/* monitor --reset: stop an agent that runs, whatever it holds. */
void mon_agent_stop_running(void);

#endif
