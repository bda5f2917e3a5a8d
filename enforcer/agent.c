// SPDX-License-Identifier: GPL-2.0-only
/*
 * The monitor's seccomp agent (eunomia monitor --agent, which the monitor
 * starts): it holds every seccomp listener a container's filter hands to
 * /run/eunomia/seccomp.sock and answers each call the filter refused as the
 * filter's metadata says (its errno, a SIGKILL, or "go on"), counting them
 * under the monitor's rate limit; the daemon, connected on agent.sock, writes
 * the events and holds the containers' processes in its BPF maps. A process of
 * its own, small and without BPF, so that a daemon that dies leaves every
 * container held: the agent keeps answering and counting, and tells the next
 * daemon what happened meanwhile (the kernel's man page: seccomp_unotify(2)).
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "agent_int.h"
#include "agent_proto.h"
#include "cleanup.h"
#include "evloop.h"
#include "listener.h"
#include "monitor_maps.h"
#include "notify_rates.h"
#include "pktq.h"
#include "syscalls.h"
#include "usock.h"

/* Linux 6.6; the headers of older distributions do not name them. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/* How long, with no daemon, a listener that ended keeps what it counted for the next one. */
#define CLOSING_KEEP_NS (60 * 1000000000ULL)
/* Messages kept for a daemon that does not read: past that, it is dropped. */
#define OUT_MAX 4096

uint64_t agent_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

/* The listeners held, and the records of those that ended, not told yet. */
static size_t held_count(const struct agent *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->cap; i++)
		n += a->v[i].used;
	return n;
}

static struct held *held_by_id(struct agent *a, uint32_t id)
{
	for (size_t i = 0; i < a->cap; i++)
		if (a->v[i].used && a->v[i].id == id)
			return &a->v[i];
	return NULL;
}

/* ---- the daemon ------------------------------------------------------------------- */

static void daemon_gone(struct agent *a)
{
	if (a->daemon < 0)
		return;
	for (size_t i = 0; i < a->cap; i++)
		if (a->v[i].used)
			agent_release_exec(a, &a->v[i]);
	eu_pktq_clear(a->out);
	eu_evloop_del_fd(a->loop, a->daemon);
	close(a->daemon);
	a->daemon = -1;
}

/* Wait for the daemon's socket to take more, or not. */
static void want_out(struct agent *a, bool on)
{
	eu_evloop_mod_fd(a->loop, a->daemon, EPOLLIN | (on ? EPOLLOUT : 0));
}

/*
 * A message for the daemon, never waiting on it: what its socket does not take
 * now is kept, in order, until it does. A daemon that stops reading altogether
 * is dropped (the next one is told everything again). False: not delivered.
 */
static bool send_or_drop(struct agent *a, const struct eu_agent_msg *m)
{
	size_t len;

	if (a->daemon < 0)
		return false;
	len = eu_agent_msg_pack(m, a->packed, EU_AGENT_MSG_MAX);
	if (!len && m->type == EU_AG_LISTENER) {
		/* a state json-c wrote longer than it came: the daemon finds the container by its pid */
		struct eu_agent_msg bare = *m;

		bare.state = NULL;
		len = eu_agent_msg_pack(&bare, a->packed, EU_AGENT_MSG_MAX);
	}
	if (!len)
		return false;
	if (eu_pktq_send(a->out, a->daemon, a->packed, len)) {
		daemon_gone(a);
		return false;
	}
	if (eu_pktq_pending(a->out))
		want_out(a, true);
	return true;
}

static void tell_listener(struct agent *a, const struct held *h)
{
	struct eu_agent_msg m = { .type = EU_AG_LISTENER, .id = h->id, .slot = h->slot,
				  .generation = h->generation, .pid = h->pid, .meta = h->meta,
				  .state = h->state };

	send_or_drop(a, &m);
}

bool agent_deliverable(void *ctx, uint32_t id)
{
	struct agent *a = ctx;
	const struct held *h = held_by_id(a, id);

	return a->daemon >= 0 && h && h->slot != EU_AGENT_UNBOUND;
}

/*
 * An event of a listener's calls, in the container its daemon bound it to: a
 * call counted before the binding did not know it.
 */
bool agent_deliver(void *ctx, uint32_t listener, const struct mon_event *e)
{
	struct eu_agent_msg m = { .type = EU_AG_EVENT, .event = *e };
	const struct held *h = held_by_id(ctx, listener);

	if (h) {
		m.event.ct = h->slot;
		m.event.generation = h->generation;
	}
	return send_or_drop(ctx, &m);
}

static void finish(struct agent *a, struct held *h);

static int daemon_message(struct agent *a)
{
	struct eu_agent_msg m;
	struct eu_err err = { 0 };
	struct held *h;
	int r = eu_agent_msg_recv(a->daemon, a->buf, EU_AGENT_MSG_MAX, 0, &m, &err);

	if (r <= 0) {
		daemon_gone(a);
		return 0;
	}
	switch (m.type) {
	case EU_AG_BOUND:
		h = held_by_id(a, m.id);
		if (h) {
			h->slot = m.slot;
			h->generation = m.generation;
			agent_release_exec(a, h);
			if (h->closing)
				finish(a, h);
		}
		break;
	case EU_AG_STOP:
		a->stop = true;
		return m.force || !held_count(a) ? 1 : 0;
	default:
		break;
	}
	return 0;
}

/* What the daemon sent, or room on its socket for what waits for it. */
static int daemon_ready(void *ctx, int fd, uint32_t events, struct eu_err *err)
{
	struct agent *a = ctx;

	if ((events & EPOLLOUT) && a->daemon >= 0) {
		if (eu_pktq_flush(a->out, a->daemon))
			daemon_gone(a);
		else if (!eu_pktq_pending(a->out))
			want_out(a, false);
	}
	if ((events & ~EPOLLOUT) && a->daemon >= 0 && daemon_message(a))
		return EU_EV_STOP;
	return 0;
}

static int daemon_connects(void *ctx, int lfd, uint32_t events, struct eu_err *err)
{
	struct agent *a = ctx;
	struct eu_err ignored = { 0 };
	int fd = accept4(a->ctl_sock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK); /* cppcheck-suppress nullPointer ; no address wanted */

	if (fd < 0)
		return 0;
	daemon_gone(a); /* one daemon at a time: the newest */
	a->daemon = fd;
	a->stop = false;
	if (eu_evloop_add_fd(a->loop, fd, EPOLLIN, daemon_ready, a, &ignored)) {
		daemon_gone(a);
		return 0;
	}
	for (size_t i = 0; i < a->cap; i++)
		if (a->v[i].used)
			tell_listener(a, &a->v[i]);
	return 0;
}

/* ---- listeners ---------------------------------------------------------------------- */

/* A listener's record goes: what it held back is written, the daemon told. */
static void finish(struct agent *a, struct held *h)
{
	struct eu_agent_msg m = { .type = EU_AG_GONE, .id = h->id };

	/* what it held back goes now, while the daemon can still name its container */
	eu_nrates_flush(a->rates, agent_now_ns(), MON_INTERVAL_NS, h->id, agent_deliverable, agent_deliver, a);
	eu_nrates_drop(a->rates, h->id);
	send_or_drop(a, &m);
	if (h->fd >= 0) {
		eu_evloop_del_fd(a->loop, h->fd);
		close(h->fd);
	}
	free(h->state);
	free(h->meta.profile);
	memset(h, 0, sizeof(*h));
}

/*
 * Its filter's last user is gone. Unless a daemon can take what it counted
 * now, the record waits for one to bind it (the next daemon is told of it).
 */
static void drop(struct agent *a, struct held *h)
{
	agent_release_exec(a, h);
	if (agent_deliverable(a, h->id)) {
		finish(a, h);
		return;
	}
	eu_evloop_del_fd(a->loop, h->fd);
	close(h->fd);
	h->fd = -1;
	h->closing = true;
	h->closed_at = agent_now_ns();
}

static struct held *held_by_fd(struct agent *a, int fd)
{
	for (size_t i = 0; i < a->cap; i++)
		if (a->v[i].used && a->v[i].fd == fd)
			return &a->v[i];
	return NULL;
}

/* A call the filter handed over, or the filter's last user gone. */
static int listener_ready(void *ctx, int fd, uint32_t events, struct eu_err *err)
{
	struct agent *a = ctx;
	struct held *h = held_by_fd(a, fd);

	if (!h)
		return 0;
	if (events & EPOLLIN)
		agent_answer(a, h);
	else if (events & (EPOLLHUP | EPOLLERR))
		drop(a, h);
	return 0;
}

static int listener_arrives(void *ctx, int fd, uint32_t events, struct eu_err *unused)
{
	struct agent *a = ctx;
	struct eu_listener l;
	struct eu_err err = { 0 };
	struct held *h = NULL;
	/* cppcheck-suppress nullPointer ; no address wanted */
	_cleanup_close_ int conn = accept4(a->seccomp_sock, NULL, NULL, SOCK_CLOEXEC);

	if (conn < 0 || eu_listener_recv(conn, 2000, &l, &err)) {
		if (conn >= 0)
			fprintf(stderr, "eunomia monitor agent: %s\n", err.msg);
		return 0;
	}
	for (size_t i = 0; i < a->cap && !h; i++)
		if (!a->v[i].used)
			h = &a->v[i];
	if (!h) {
		struct held *v = reallocarray(a->v, a->cap ? a->cap * 2 : 16, sizeof(*v));

		if (!v) {
			close(l.fd);
			eu_listener_free(&l);
			return 0;
		}
		memset(v + a->cap, 0, (a->cap ? a->cap : 16) * sizeof(*v));
		h = v + a->cap;
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = v;
	}
	*h = (struct held){ .used = true, .id = ++a->next_id, .fd = l.fd, .pid = l.pid,
			    .meta = l.meta, .state = l.state, .slot = EU_AGENT_UNBOUND };
	/*
	 * The caller, stopped in its call, wakes the agent on its own CPU and the
	 * answer wakes it back there: a switch, no cross-CPU wake-up each way. Before
	 * 6.6 the kernel does not know the flag (EINVAL), and the calls still work.
	 */
	ioctl(h->fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	if (eu_evloop_add_fd(a->loop, h->fd, EPOLLIN, listener_ready, a, &err)) {
		finish(a, h);
		return 0;
	}
	tell_listener(a, h);
	return 0;
}

/* ---- the loop -------------------------------------------------------------------------- */

/* Once a second: what the interval held back is written; an execve waits no longer than it should. */
static int each_second(void *ctx, struct eu_err *err)
{
	struct agent *a = ctx;
	uint64_t now = agent_now_ns();

	eu_nrates_flush(a->rates, now, MON_INTERVAL_NS, -1, agent_deliverable, agent_deliver, a);
	for (size_t i = 0; i < a->cap; i++) {
		struct held *h = &a->v[i];

		if (h->used && h->exec_waiting && now - h->exec_since >= EXEC_WAIT_NS)
			agent_release_exec(a, h);
		/* no daemon came for it: what it counted goes with it */
		if (h->used && h->closing && a->daemon < 0 && now - h->closed_at >= CLOSING_KEEP_NS) {
			eu_nrates_drop(a->rates, h->id);
			free(h->state);
			free(h->meta.profile);
			memset(h, 0, sizeof(*h));
		}
	}
	return 0;
}

/* SIGTERM: what is held goes (its calls then fail with ENOSYS); SIGHUP is ignored. */
static int on_signal(void *ctx, int signo, struct eu_err *err)
{
	return signo == SIGTERM || signo == SIGINT ? EU_EV_STOP : 0;
}

/* After each batch: done when told to stop, or with nothing to hold and nobody to tell. */
static int idle(void *ctx, struct eu_err *err)
{
	const struct agent *a = ctx;

	if (held_count(a) || (!a->stop && a->daemon >= 0))
		return 0;
	return EU_EV_STOP;
}

int eu_agent_run(struct eu_err *err)
{
	struct agent a = { .seccomp_sock = -1, .ctl_sock = -1, .daemon = -1 };
	_cleanup_close_ int lock = -1;
	bool busy;
	sigset_t mask;
	int rc = -1;

	if (eu_mon_lock_file(EU_AGENT_LOCK, false, &busy, &lock, err))
		return -1;
	if (busy)
		return 0; /* an agent runs: it is the one */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	/* a write to a closed pipe (its stderr's reader gone) is an error, not the end */
	(void)signal(SIGPIPE, SIG_IGN);
	if (eu_evloop_new(&a.loop, err) ||
	    eu_evloop_add_signals(a.loop, &mask, on_signal, &a, err) ||
	    eu_evloop_add_timer(a.loop, 1000000000, each_second, &a, NULL, err))
		goto out;
	a.rates = eu_nrates_new();
	a.buf = malloc(EU_AGENT_MSG_MAX);
	a.packed = malloc(EU_AGENT_MSG_MAX);
	a.out = eu_pktq_new(OUT_MAX);
	if (!a.rates || !a.buf || !a.packed || !a.out || seccomp_notify_alloc(&a.req, &a.resp) ||
	    syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &a.sizes) < 0) {
		eu_fail(err, EU_E_INTERNAL, errno, "starting the monitor's agent");
		goto out;
	}
	if (eu_usock_listen(EU_SECCOMP_SOCKET, SOCK_STREAM, "monitor", &a.seccomp_sock, err) ||
	    eu_usock_listen(EU_AGENT_SOCKET, SOCK_SEQPACKET, "monitor agent", &a.ctl_sock, err) ||
	    eu_evloop_add_fd(a.loop, a.seccomp_sock, EPOLLIN, listener_arrives, &a, err) ||
	    eu_evloop_add_fd(a.loop, a.ctl_sock, EPOLLIN, daemon_connects, &a, err))
		goto out;
	eu_evloop_after(a.loop, idle, &a);
	rc = eu_evloop_run(a.loop, err);
out:
	for (size_t i = 0; i < a.cap; i++)
		if (a.v[i].used) {
			if (a.v[i].fd >= 0)
				close(a.v[i].fd);
			free(a.v[i].state);
			free(a.v[i].meta.profile);
		}
	free(a.v);
	if (a.seccomp_sock >= 0) {
		close(a.seccomp_sock);
		unlink(EU_SECCOMP_SOCKET);
	}
	if (a.ctl_sock >= 0) {
		close(a.ctl_sock);
		unlink(EU_AGENT_SOCKET);
	}
	if (a.daemon >= 0)
		close(a.daemon);
	eu_evloop_free(a.loop);
	if (a.req)
		seccomp_notify_free(a.req, a.resp);
	eu_nrates_free(a.rates);
	eu_pktq_free(a.out);
	free(a.packed);
	free(a.buf);
	return rc;
}
