// SPDX-License-Identifier: GPL-2.0-only
/*
 * The commands' event loop (see evloop.h). Each source has an id of its own in
 * the epoll set, never reused, so that an event read before a callback removed
 * its source (or another took its descriptor number) is dropped, not misrouted.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "cleanup.h"
#include "evloop.h"

enum source_kind { SRC_FD, SRC_SIGNAL, SRC_TIMER };

struct source {
	uint64_t id; /* 0: a free place */
	int fd;
	enum source_kind kind;
	bool owned; /* a signalfd or timerfd the loop made: it closes it */
	union {
		eu_ev_fd_fn fd;
		eu_ev_signal_fn sig;
		eu_ev_fn timer;
	} fn;
	void *ctx;
};

struct eu_evloop {
	int ep;
	struct source *v;
	size_t cap;
	uint64_t next_id;
	eu_ev_fn after;
	void *after_ctx;
};

int eu_evloop_new(struct eu_evloop **out, struct eu_err *err)
{
	struct eu_evloop *l = calloc(1, sizeof(*l));

	if (!l)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "setting up the event loop");
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	if (l->ep < 0) {
		eu_fail(err, EU_E_INTERNAL, errno, "setting up the event loop");
		free(l);
		return -1;
	}
	*out = l;
	return 0;
}

void eu_evloop_free(struct eu_evloop *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->cap; i++)
		if (l->v[i].id && l->v[i].owned)
			close(l->v[i].fd);
	close(l->ep);
	free(l->v);
	free(l);
}

static struct source *find(struct eu_evloop *l, uint64_t id)
{
	for (size_t i = 0; i < l->cap; i++)
		if (l->v[i].id == id)
			return &l->v[i];
	return NULL;
}

/* s goes into the set; an owned fd is closed when that fails. */
static int add(struct eu_evloop *l, const struct source *s, uint32_t events, struct eu_err *err)
{
	struct epoll_event ev = { .events = events };
	struct source *slot = find(l, 0);

	if (!slot) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct source *v = reallocarray(l->v, cap, sizeof(*v));

		if (!v) {
			if (s->owned)
				close(s->fd);
			return eu_fail(err, EU_E_INTERNAL, ENOMEM, "epoll");
		}
		memset(v + l->cap, 0, (cap - l->cap) * sizeof(*v));
		slot = v + l->cap;
		l->v = v;
		l->cap = cap;
	}
	*slot = *s;
	slot->id = ev.data.u64 = ++l->next_id;
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, s->fd, &ev) < 0) {
		int saved = errno;

		if (s->owned)
			close(s->fd);
		slot->id = 0;
		return eu_fail(err, EU_E_INTERNAL, saved, "epoll");
	}
	return 0;
}

int eu_evloop_add_fd(struct eu_evloop *l, int fd, uint32_t events, eu_ev_fd_fn fn, void *ctx,
		     struct eu_err *err)
{
	struct source s = { .fd = fd, .kind = SRC_FD, .fn.fd = fn, .ctx = ctx };

	return add(l, &s, events, err);
}

static struct source *find_fd(struct eu_evloop *l, int fd)
{
	for (size_t i = 0; i < l->cap; i++)
		if (l->v[i].id && l->v[i].fd == fd)
			return &l->v[i];
	return NULL;
}

int eu_evloop_mod_fd(struct eu_evloop *l, int fd, uint32_t events)
{
	struct source *s = find_fd(l, fd);
	struct epoll_event ev = { .events = events };

	if (!s)
		return -1;
	ev.data.u64 = s->id;
	return epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &ev);
}

void eu_evloop_del_fd(struct eu_evloop *l, int fd)
{
	struct source *s = find_fd(l, fd);

	if (!s)
		return;
	epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
	if (s->owned)
		close(s->fd);
	s->id = 0;
}

int eu_evloop_add_signals(struct eu_evloop *l, const sigset_t *mask, eu_ev_signal_fn fn,
			  void *ctx, struct eu_err *err)
{
	struct source s = { .kind = SRC_SIGNAL, .owned = true, .fn.sig = fn, .ctx = ctx };

	sigprocmask(SIG_BLOCK, mask, NULL);
	s.fd = signalfd(-1, mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s.fd < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "signalfd");
	return add(l, &s, EPOLLIN, err);
}

int eu_evloop_set_timer(int timer, uint64_t first_ns, uint64_t period_ns, struct eu_err *err)
{
	const uint64_t s = 1000000000;
	struct itimerspec t = {
		.it_value = { (time_t)(first_ns / s), (long)(first_ns % s) },
		.it_interval = { (time_t)(period_ns / s), (long)(period_ns % s) },
	};

	if (timerfd_settime(timer, 0, &t, NULL) < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "timerfd");
	return 0;
}

int eu_evloop_add_timer(struct eu_evloop *l, uint64_t period_ns, eu_ev_fn fn, void *ctx,
			int *timer, struct eu_err *err)
{
	struct source s = { .kind = SRC_TIMER, .owned = true, .fn.timer = fn, .ctx = ctx };

	s.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (s.fd < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "setting up the event loop");
	if (period_ns && eu_evloop_set_timer(s.fd, period_ns, period_ns, err)) {
		close(s.fd);
		return -1;
	}
	if (add(l, &s, EPOLLIN, err))
		return -1;
	if (timer)
		*timer = s.fd;
	return 0;
}

void eu_evloop_after(struct eu_evloop *l, eu_ev_fn fn, void *ctx)
{
	l->after = fn;
	l->after_ctx = ctx;
}

static int read_signals(const struct source *s, struct eu_err *err)
{
	struct signalfd_siginfo si;

	while (read(s->fd, &si, sizeof(si)) == sizeof(si)) {
		int rc = s->fn.sig(s->ctx, (int)si.ssi_signo, err);

		if (rc)
			return rc;
	}
	return 0;
}

static int dispatch(struct eu_evloop *l, const struct epoll_event *e, struct eu_err *err)
{
	const struct source *found = find(l, e->data.u64);
	struct source s;
	uint64_t ticks;

	if (!found)
		return 0; /* removed by a callback of this same batch */
	s = *found; /* a callback that adds a source may move the table */
	switch (s.kind) {
	case SRC_FD:
		return s.fn.fd(s.ctx, s.fd, e->events, err);
	case SRC_SIGNAL:
		return read_signals(&s, err);
	case SRC_TIMER:
		if (read(s.fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
			return eu_fail(err, EU_E_INTERNAL, errno, "timerfd");
		return s.fn.timer(s.ctx, err);
	}
	return 0;
}

int eu_evloop_run(struct eu_evloop *l, struct eu_err *err)
{
	for (;;) {
		struct epoll_event evs[16];
		int n, rc = 0;

		do
			n = epoll_wait(l->ep, evs, EU_ARRAY_SIZE(evs), -1);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return eu_fail(err, EU_E_INTERNAL, errno, "epoll_wait");
		for (int i = 0; i < n && !rc; i++)
			rc = dispatch(l, &evs[i], err);
		if (!rc && l->after)
			rc = l->after(l->after_ctx, err);
		if (rc)
			return rc < 0 ? -1 : 0;
	}
}
