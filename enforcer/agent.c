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
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "agent_proto.h"
#include "cleanup.h"
#include "listener.h"
#include "monitor_maps.h"
#include "notify_rates.h"
#include "syscalls.h"
#include "usock.h"

/* Linux 6.6; the headers of older distributions do not name them. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#ifndef AUDIT_ARCH_X86_64
#define AUDIT_ARCH_X86_64 0xc000003eU
#define AUDIT_ARCH_I386 0x40000003U
#endif
#define SIGKILL_NR 9

/* What an epoll event is about: a listener's id (from 1 up), or one of these. */
#define KEY_SECCOMP (UINT64_MAX - 1)
#define KEY_CTL (UINT64_MAX - 2)
#define KEY_DAEMON (UINT64_MAX - 3)
#define KEY_TIMER (UINT64_MAX - 4)
#define KEY_SIGNAL (UINT64_MAX - 5)

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
	/* exec=go: the command's execve waits for the binding (until exec_since + EXEC_WAIT_NS) */
	bool exec_waiting;
	uint64_t exec_id, exec_since;
};

/* How long a command's execve waits for a daemon to hold it, at most. */
#define EXEC_WAIT_NS (2 * 1000000000ULL)

struct agent {
	int seccomp_sock, ctl_sock, daemon, ep;
	struct held *v;
	size_t cap;
	uint32_t next_id;
	struct eu_nrates *rates;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct seccomp_notif_sizes sizes;
	char *buf; /* EU_AGENT_MSG_MAX: the daemon's messages */
	bool stop; /* told to exit once nothing is held */
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

/* The listeners held (a closing record holds none: it waits only to be told). */
static size_t held_count(const struct agent *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->cap; i++)
		n += a->v[i].used && !a->v[i].closing;
	return n;
}

/* Let a command's execve that waited for the binding go on. */
static void release_exec(struct agent *a, struct held *h)
{
	if (!h->exec_waiting)
		return;
	memset(a->resp, 0, a->sizes.seccomp_notif_resp);
	a->resp->id = h->exec_id;
	a->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (h->fd >= 0)
		seccomp_notify_respond(h->fd, a->resp);
	h->exec_waiting = false;
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
			release_exec(a, &a->v[i]);
	epoll_ctl(a->ep, EPOLL_CTL_DEL, a->daemon, NULL);
	close(a->daemon);
	a->daemon = -1;
}

static void send_or_drop(struct agent *a, const struct eu_agent_msg *m)
{
	struct eu_err err = { 0 };

	if (a->daemon >= 0 && eu_agent_msg_send(a->daemon, m, &err))
		daemon_gone(a); /* the next daemon hears it all again */
}

static void tell_listener(struct agent *a, const struct held *h)
{
	struct eu_agent_msg m = { .type = EU_AG_LISTENER, .id = h->id, .slot = h->slot,
				  .generation = h->generation, .pid = h->pid, .meta = h->meta,
				  .state = h->state };

	send_or_drop(a, &m);
}

static bool deliverable(void *ctx, uint32_t id)
{
	struct agent *a = ctx;
	const struct held *h = held_by_id(a, id);

	return a->daemon >= 0 && h && h->slot != EU_AGENT_UNBOUND;
}

/*
 * An event of a listener's calls, in the container its daemon bound it to: a
 * call counted before the binding did not know it.
 */
static void deliver(void *ctx, uint32_t listener, const struct mon_event *e)
{
	struct eu_agent_msg m = { .type = EU_AG_EVENT, .event = *e };
	const struct held *h = held_by_id(ctx, listener);

	if (h) {
		m.event.ct = h->slot;
		m.event.generation = h->generation;
	}
	send_or_drop(ctx, &m);
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
			release_exec(a, h);
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

static void daemon_connects(struct agent *a)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd = accept4(a->ctl_sock, NULL, NULL, SOCK_CLOEXEC); /* cppcheck-suppress nullPointer ; no address wanted */

	if (fd < 0)
		return;
	daemon_gone(a); /* one daemon at a time: the newest */
	a->daemon = fd;
	a->stop = false;
	ev.data.u64 = KEY_DAEMON;
	if (epoll_ctl(a->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		daemon_gone(a);
		return;
	}
	for (size_t i = 0; i < a->cap; i++)
		if (a->v[i].used)
			tell_listener(a, &a->v[i]);
}

/* ---- listeners ---------------------------------------------------------------------- */

/* A listener's record goes: what it held back is written, the daemon told. */
static void finish(struct agent *a, struct held *h)
{
	struct eu_agent_msg m = { .type = EU_AG_GONE, .id = h->id };

	/* what it held back goes now, while the daemon can still name its container */
	eu_nrates_flush(a->rates, now_ns(), MON_INTERVAL_NS, h->id, deliverable, deliver, a);
	eu_nrates_drop(a->rates, h->id);
	send_or_drop(a, &m);
	if (h->fd >= 0) {
		epoll_ctl(a->ep, EPOLL_CTL_DEL, h->fd, NULL);
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
	release_exec(a, h);
	if (deliverable(a, h->id)) {
		finish(a, h);
		return;
	}
	epoll_ctl(a->ep, EPOLL_CTL_DEL, h->fd, NULL);
	close(h->fd);
	h->fd = -1;
	h->closing = true;
}

static void listener_arrives(struct agent *a)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct eu_listener l;
	struct eu_err err = { 0 };
	struct held *h = NULL;
	/* cppcheck-suppress nullPointer ; no address wanted */
	_cleanup_close_ int conn = accept4(a->seccomp_sock, NULL, NULL, SOCK_CLOEXEC);

	if (conn < 0 || eu_listener_recv(conn, 2000, &l, &err)) {
		if (conn >= 0)
			fprintf(stderr, "eunomia monitor agent: %s\n", err.msg);
		return;
	}
	for (size_t i = 0; i < a->cap && !h; i++)
		if (!a->v[i].used)
			h = &a->v[i];
	if (!h) {
		struct held *v = reallocarray(a->v, a->cap ? a->cap * 2 : 16, sizeof(*v));

		if (!v) {
			close(l.fd);
			eu_listener_free(&l);
			return;
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
	ev.data.u64 = h->id;
	if (epoll_ctl(a->ep, EPOLL_CTL_ADD, h->fd, &ev) < 0) {
		finish(a, h);
		return;
	}
	tell_listener(a, h);
}

/* Who made the call: its thread group, parent and name, from /proc (read before it is answered). */
static void who(pid_t tid, struct mon_event *e)
{
	char path[64], line[256];
	_cleanup_fclose_ FILE *f = NULL;

	e->pid = e->tgid = (uint32_t)tid;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned int v;

		if (sscanf(line, "Name:\t%15[^\n]", e->comm) == 1)
			continue;
		if (sscanf(line, "Tgid:\t%u", &v) == 1)
			e->tgid = v;
		else if (sscanf(line, "PPid:\t%u", &v) == 1)
			e->ppid = v;
	}
}

/* The call's ABI and number as the events name them. */
static void abi_of(const struct seccomp_data *d, struct mon_event *e)
{
	e->arch = EU_ARCH_X86_64;
	e->what = d->nr;
	if (d->arch == AUDIT_ARCH_I386) {
		e->arch = EU_ARCH_I386;
	} else if (d->nr & EU_X32_SYSCALL_BIT) {
		e->arch = EU_ARCH_X32;
		e->what = d->nr & ~EU_X32_SYSCALL_BIT;
	}
}

static bool is_exec_call(const struct mon_event *e)
{
	int nr = e->arch == EU_ARCH_X86_64 ? e->what : -1;

	return nr >= 0 && (nr == eu_syscall_nr(EU_ARCH_X86_64, "execve") ||
			   nr == eu_syscall_nr(EU_ARCH_X86_64, "execveat"));
}

/* One call the filter refused: answered as the listener's metadata says, then counted. */
static void answer(struct agent *a, struct held *h)
{
	struct seccomp_notif *req = a->req;
	struct seccomp_notif_resp *resp = a->resp;
	struct mon_event e = { 0 };
	struct eu_nrate_key k;
	uint64_t now;
	bool daemon_up, details;

	memset(req, 0, a->sizes.seccomp_notif); /* the kernel refuses a request with data in it */
	if (seccomp_notify_receive(h->fd, req))
		return; /* the caller is gone (ENOENT) */
	abi_of(&req->data, &e);
	memset(resp, 0, a->sizes.seccomp_notif_resp);
	resp->id = req->id;
	/*
	 * eunomia enforce's command waits in its execve until the agent holds its
	 * listener, and then until a daemon holds its container, if one runs: it is
	 * watched from its first instruction.
	 */
	if (h->meta.exec_go && is_exec_call(&e)) {
		if (h->slot == EU_AGENT_UNBOUND && a->daemon >= 0 && !h->exec_waiting) {
			h->exec_waiting = true;
			h->exec_id = req->id;
			h->exec_since = now_ns();
			return;
		}
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		seccomp_notify_respond(h->fd, resp);
		return;
	}
	e.kind = h->meta.mode == EU_LISTEN_COMPLAIN ? MON_EV_SYSCALL : MON_EV_DENIAL;
	k = (struct eu_nrate_key){ .listener = h->id, .kind = e.kind, .arch = e.arch, .nr = e.what };
	now = now_ns();
	daemon_up = deliverable(a, h->id);
	/*
	 * A call only counted needs no details: /proc is read for those that make an
	 * event, and for a kill (whose signal goes to the thread group).
	 */
	details = h->meta.mode == EU_LISTEN_KILL ||
		  eu_nrates_wants_info(a->rates, &k, now, MON_INTERVAL_NS, daemon_up);
	e.pid = e.tgid = req->pid;
	if (details) {
		who((pid_t)req->pid, &e);
		/* what was read of /proc names that task only if it still waits on this call */
		if (seccomp_notify_id_valid(h->fd, req->id))
			return;
	}
	for (int i = 0; i < 6; i++)
		e.args[i] = req->data.args[i];
	e.ct = h->slot;
	e.generation = h->generation;
	switch (h->meta.mode) {
	case EU_LISTEN_COMPLAIN:
		e.action = MON_ACT_ALERTED;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		break;
	case EU_LISTEN_KILL: {
		_cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, (pid_t)e.tgid, 0);

		e.action = MON_ACT_KILLED;
		e.ret = SIGKILL_NR;
		if (pfd >= 0)
			syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
		resp->error = -h->meta.errnum;
		break;
	}
	default:
		e.action = MON_ACT_DENIED;
		e.ret = h->meta.errnum;
		resp->error = -h->meta.errnum;
	}
	seccomp_notify_respond(h->fd, resp); /* ENOENT: killed meanwhile; it is counted all the same */
	eu_nrates_hit(a->rates, &k, details ? &e : NULL, now, MON_INTERVAL_NS, daemon_up,
		      deliver, a);
}

/* ---- the loop -------------------------------------------------------------------------- */

/* Once a second: what the interval held back is written; an execve waits no longer than it should. */
static void each_second(struct agent *a)
{
	uint64_t now = now_ns();

	eu_nrates_flush(a->rates, now, MON_INTERVAL_NS, -1, deliverable, deliver, a);
	for (size_t i = 0; i < a->cap; i++)
		if (a->v[i].used && a->v[i].exec_waiting && now - a->v[i].exec_since >= EXEC_WAIT_NS)
			release_exec(a, &a->v[i]);
}


static int add(int ep, int fd, uint64_t key, struct eu_err *err)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = key };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0
		       ? eu_fail(err, EU_E_INTERNAL, errno, "the agent's event loop")
		       : 0;
}

static int loop(struct agent *a, int tfd, int sigfd, struct eu_err *err)
{
	for (;;) {
		struct epoll_event evs[16];
		int n = epoll_wait(a->ep, evs, 16, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return eu_fail(err, EU_E_INTERNAL, errno, "epoll_wait");
		for (int i = 0; i < n; i++) {
			uint64_t key = evs[i].data.u64;
			struct held *h;

			if (key == KEY_SECCOMP) {
				listener_arrives(a);
			} else if (key == KEY_CTL) {
				daemon_connects(a);
			} else if (key == KEY_DAEMON) {
				if (daemon_message(a))
					return 0;
			} else if (key == KEY_TIMER) {
				uint64_t ticks;

				if (read(tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
					return eu_fail(err, EU_E_INTERNAL, errno, "timerfd");
				each_second(a);
			} else if (key == KEY_SIGNAL) {
				struct signalfd_siginfo si;

				/* SIGTERM: what is held goes (its calls then fail with ENOSYS) */
				while (read(sigfd, &si, sizeof(si)) == sizeof(si))
					if (si.ssi_signo != SIGHUP)
						return 0;
			} else if ((h = held_by_id(a, (uint32_t)key))) {
				if (evs[i].events & EPOLLIN)
					answer(a, h);
				else if (evs[i].events & (EPOLLHUP | EPOLLERR))
					drop(a, h);
			}
		}
		if (a->stop && !held_count(a))
			return 0;
		if (a->daemon < 0 && !held_count(a))
			return 0; /* nothing to hold, nobody to tell */
	}
}

int eu_agent_run(struct eu_err *err)
{
	struct agent a = { .seccomp_sock = -1, .ctl_sock = -1, .daemon = -1, .ep = -1 };
	struct itimerspec tick = { { 1, 0 }, { 1, 0 } };
	_cleanup_close_ int lock = -1, tfd = -1, sigfd = -1;
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
	sigaddset(&mask, SIGPIPE);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	a.rates = eu_nrates_new();
	a.buf = malloc(EU_AGENT_MSG_MAX);
	a.ep = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (!a.rates || !a.buf || a.ep < 0 || tfd < 0 || sigfd < 0 ||
	    timerfd_settime(tfd, 0, &tick, NULL) < 0 || seccomp_notify_alloc(&a.req, &a.resp) ||
	    syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &a.sizes) < 0) {
		eu_fail(err, EU_E_INTERNAL, errno, "starting the monitor's agent");
		goto out;
	}
	if (eu_usock_listen(EU_SECCOMP_SOCKET, SOCK_STREAM, "monitor", &a.seccomp_sock, err) ||
	    eu_usock_listen(EU_AGENT_SOCKET, SOCK_SEQPACKET, "monitor agent", &a.ctl_sock, err) ||
	    add(a.ep, a.seccomp_sock, KEY_SECCOMP, err) || add(a.ep, a.ctl_sock, KEY_CTL, err) ||
	    add(a.ep, tfd, KEY_TIMER, err) ||
	    add(a.ep, sigfd, KEY_SIGNAL, err))
		goto out;
	rc = loop(&a, tfd, sigfd, err);
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
	if (a.ep >= 0)
		close(a.ep);
	if (a.req)
		seccomp_notify_free(a.req, a.resp);
	eu_nrates_free(a.rates);
	free(a.buf);
	return rc;
}
