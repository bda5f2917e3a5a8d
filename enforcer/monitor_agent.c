// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's side of the seccomp agent (see monitor_agent.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent_proto.h"
#include "cleanup.h"
#include "container.h"
#include "monitor_agent.h"
#include "oci_state.h"
#include "profile_yaml.h"
#include "usock.h"

/* A listener the agent holds, and the slot (and generation) of its container. */
struct bound {
	uint32_t id, slot;
	uint64_t generation;
};

struct mon_agent {
	int fd;
	char *buf;
	struct mon_agent_opts o;
	struct bound *bound; /* nbound of them */
	size_t nbound;
};

/*
 * The agent: this binary again, as `monitor --agent`, in a session of its own
 * and the child of nobody here (it outlives the daemon: init reaps it).
 */
static int spawn(struct eu_err *err)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "cannot start the monitor's agent");
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (setsid() < 0 || fork() != 0)
			_exit(0);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			/* its own complaints, which are few, go where the daemon's went */
		}
		/* nothing else of the daemon's: a pipe kept open would keep its reader waiting */
		syscall(SYS_close_range, 3, ~0U, 0);
		{
			char *const argv[] = { "eunomia", "monitor", "--agent", NULL };

			execv("/proc/self/exe", argv);
		}
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

static int connect_or_spawn(struct eu_err *err)
{
	struct timespec pause = { 0, 10000000L };
	int fd = eu_usock_connect(EU_AGENT_SOCKET, SOCK_SEQPACKET);

	if (fd >= 0)
		return fd;
	for (int i = 0; i < 300; i++) { /* three seconds */
		/*
		 * Started again every half second: an agent on its way out (an
		 * earlier daemon's, told to stop) still holds the lock a new one
		 * takes, and the new one then leaves it to the old.
		 */
		if (i % 50 == 0 && spawn(err))
			return -1;
		fd = eu_usock_connect(EU_AGENT_SOCKET, SOCK_SEQPACKET);
		if (fd >= 0)
			return fd;
		nanosleep(&pause, NULL);
	}
	eu_fail(err, EU_E_RUNTIME, errno,
		"the monitor's agent did not start (it listens on " EU_AGENT_SOCKET ")");
	return -1;
}

int mon_agent_open(struct mon_agent **out, const struct mon_agent_opts *o, struct eu_err *err)
{
	struct mon_agent *a = calloc(1, sizeof(*a));

	*out = NULL;
	if (!a || !(a->buf = malloc(EU_AGENT_MSG_MAX))) {
		free(a);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "talking to the monitor's agent");
	}
	a->o = *o;
	a->fd = connect_or_spawn(err);
	if (a->fd < 0) {
		free(a->buf);
		free(a);
		return -1;
	}
	/* an agent that stopped reading (stopped itself) does not stop the daemon for long */
	setsockopt(a->fd, SOL_SOCKET, SO_SNDTIMEO, &(struct timeval){ .tv_sec = 1 },
		   sizeof(struct timeval));
	*out = a;
	return 0;
}

int mon_agent_fd(const struct mon_agent *a)
{
	return a->fd;
}

static void warn(struct mon_agent *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct mon_agent *a, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (a->o.warn)
		a->o.warn(a->o.ctx, msg);
}

/*
 * A container whose processes ended before a daemon held it (they ran while
 * none could): named from what the agent kept, its state or its pid, so that
 * what it did is reported under its name.
 */
static int ended_container(const char *id, const char *bundle, pid_t pid, struct eu_container *ct,
			   struct eu_err *err)
{
	char spec[32];

	snprintf(spec, sizeof(spec), "pid:%d", (int)pid);
	*ct = (struct eu_container){ .id = strdup(id ? id : spec), .name = strdup(id ? id : "host"),
				     .runtime = id ? NULL : strdup("host"),
				     .bundle = bundle ? strdup(bundle) : NULL, .pid = pid };
	if (!ct->id || !ct->name || (!id && !ct->runtime) || (bundle && !ct->bundle)) {
		eu_container_free(ct);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "naming an ended container");
	}
	return 0;
}

static bool gone(pid_t pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

/* The container a listener's state (or its process) names. */
static int container_of(const struct eu_agent_msg *m, struct eu_container *ct, struct eu_err *err)
{
	struct eu_oci_state st;
	int rc;

	if (!m->state) { /* eunomia enforce's command: named as --attach pid:N names it */
		char spec[32];

		snprintf(spec, sizeof(spec), "pid:%d", (int)m->pid);
		rc = eu_container_lookup(spec, NULL, ct, err);
		return rc && gone(m->pid) ? ended_container(NULL, NULL, m->pid, ct, err) : rc;
	}
	if (eu_oci_state_parse("the listener's state", m->state, strlen(m->state), false, &st, err))
		return -1;
	if (!st.pid)
		st.pid = m->pid;
	rc = eu_container_from_oci_state(&st, ct, err);
	if (rc && gone(st.pid))
		rc = ended_container(st.id, st.bundle, st.pid, ct, err);
	eu_oci_state_free(&st);
	return rc;
}

/* Listener id is bound to slot (again, after a restart of the agent's daemon). */
static void remember(struct mon_agent *a, uint32_t id, uint32_t slot, uint64_t generation)
{
	struct bound *v;

	for (size_t i = 0; i < a->nbound; i++)
		if (a->bound[i].id == id) {
			a->bound[i].slot = slot;
			a->bound[i].generation = generation;
			return;
		}
	v = reallocarray(a->bound, a->nbound + 1, sizeof(*v));
	if (!v)
		return; /* the container then ends with its processes, as one --attach held */
	a->bound = v;
	a->bound[a->nbound++] = (struct bound){ .id = id, .slot = slot, .generation = generation };
}

static void forget(struct mon_agent *a, uint32_t id)
{
	for (size_t i = 0; i < a->nbound; i++)
		if (a->bound[i].id == id) {
			a->bound[i] = a->bound[--a->nbound];
			return;
		}
}

bool mon_agent_holds(const struct mon_agent *a, uint32_t slot, uint64_t generation)
{
	for (size_t i = 0; a && i < a->nbound; i++)
		if (a->bound[i].slot == slot && a->bound[i].generation == generation)
			return true;
	return false;
}

/*
 * Is this container (the same init) held already? A second registration would
 * start it over, under a new generation, while its processes run: what they
 * did meanwhile would name no container.
 */
static bool held_already(struct mon_agent *a, const struct eu_container *ct,
			 struct eu_agent_msg *reply)
{
	struct mon_container info;

	for (uint32_t i = 0; i < MON_MAX_CTS; i++)
		if (mon_container(a->o.mon, i, &info) && !strcmp(info.id, ct->id) &&
		    info.pid == (uint32_t)ct->pid) {
			reply->slot = i;
			reply->generation = info.generation;
			return true;
		}
	return false;
}

/*
 * Hold the container of a listener: in the slot a daemon gave it already,
 * when that registration is still there (a daemon restarted); else anew.
 */
static void hold_listener(struct mon_agent *a, const struct eu_agent_msg *m)
{
	struct eu_agent_msg reply = { .type = EU_AG_BOUND, .id = m->id, .slot = MON_MAX_CTS };
	struct eu_container ct = { 0 };
	struct eu_profile *p = NULL;
	struct mon_container info;
	struct eu_err err = { 0 };
	uint32_t slot;
	int rc;

	if (m->slot != EU_AGENT_UNBOUND && mon_container(a->o.mon, m->slot, &info) &&
	    info.generation == m->generation) {
		reply.slot = m->slot;
		reply.generation = m->generation;
	} else if (!(rc = container_of(m, &ct, &err)) && held_already(a, &ct, &reply)) {
		/* runc exec's filter, or the hook registered it first: the same registration */
	} else if (rc || eu_profile_load(m->meta.profile, &p, &err) ||
		   mon_register(a->o.mon, &ct, p, m->meta.profile, true, &slot, &err)) {
		/* its refusals are still answered; they are reported without a container */
		if (a->o.unheld)
			(*a->o.unheld)++;
		warn(a, "process %d's filter hands its refusals to the monitor, but it cannot be "
			"held: %s", (int)m->pid, err.msg);
	} else if (mon_container(a->o.mon, slot, &info)) {
		reply.slot = slot;
		reply.generation = info.generation;
	}
	if (reply.slot < MON_MAX_CTS)
		remember(a, m->id, reply.slot, reply.generation);
	eu_profile_free(p);
	eu_container_free(&ct);
	if (eu_agent_msg_send(a->fd, &reply, &err))
		warn(a, "%s", err.msg);
}

int mon_agent_read(struct mon_agent *a, struct eu_err *err)
{
	struct eu_agent_msg m;
	int r = eu_agent_msg_recv(a->fd, a->buf, EU_AGENT_MSG_MAX, 0, &m, err);

	if (r < 0 && err->kind == EU_E_RUNTIME)
		return 0; /* nothing after all */
	if (r <= 0)
		return r ? -1
			 : eu_fail(err, EU_E_RUNTIME, 0,
				   "the monitor's agent is gone: containers under eunomia's filter "
				   "are no longer held (their refused calls fail with ENOSYS)");
	if (m.type == EU_AG_LISTENER)
		hold_listener(a, &m);
	else if (m.type == EU_AG_EVENT && a->o.on_event)
		a->o.on_event(a->o.ctx, &m.event);
	else if (m.type == EU_AG_GONE)
		forget(a, m.id);
	return 0;
}

void mon_agent_close(struct mon_agent *a, bool stop, bool force)
{
	struct eu_agent_msg m = { .type = EU_AG_STOP, .force = force };
	struct eu_err ignored = { 0 };

	if (!a)
		return;
	if (stop && !eu_agent_msg_send(a->fd, &m, &ignored)) {
		/*
		 * Until it has let go of its sockets (it closes this one last), two
		 * seconds at most (it stays while it holds a listener): a daemon
		 * started next must not connect to an agent on its way out.
		 */
		struct pollfd p = { .fd = a->fd, .events = POLLRDHUP };

		for (int i = 0; i < 20 && poll(&p, 1, 100) >= 0; i++)
			if (p.revents & (POLLRDHUP | POLLHUP | POLLERR))
				break;
	}
	close(a->fd);
	free(a->bound);
	free(a->buf);
	free(a);
}

void mon_agent_stop_running(void)
{
	struct eu_agent_msg m = { .type = EU_AG_STOP, .force = true };
	struct eu_err ignored = { 0 };
	_cleanup_close_ int fd = eu_usock_connect(EU_AGENT_SOCKET, SOCK_SEQPACKET);
	struct timespec pause = { 0, 10000000L };

	if (fd < 0 || eu_agent_msg_send(fd, &m, &ignored))
		return;
	/* until it has let go of its sockets */
	for (int i = 0; i < 200 && !access(EU_AGENT_SOCKET, F_OK); i++)
		nanosleep(&pause, NULL);
}
