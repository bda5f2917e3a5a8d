/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The event loop of the long-running commands (learn, learn --serve, monitor,
 * the monitor's agent): one epoll set, a callback for each source in it (a
 * descriptor, a set of signals through a signalfd, a timerfd), run until a
 * callback ends it or fails.
 */
#ifndef EUNOMIA_EVLOOP_H
#define EUNOMIA_EVLOOP_H

#include <signal.h>
#include <stdint.h>

#include "errors.h"

struct eu_evloop;

/* What a callback returns besides 0 (go on) and -1 (err filled): eu_evloop_run() returns 0. */
#define EU_EV_STOP 1

/* fd is ready: events as epoll reports them (EPOLLIN, EPOLLOUT, EPOLLHUP...). */
typedef int (*eu_ev_fd_fn)(void *ctx, int fd, uint32_t events, struct eu_err *err);
/* One signal of the set, taken from the signalfd: one call for each. */
typedef int (*eu_ev_signal_fn)(void *ctx, int signo, struct eu_err *err);
/* A timer expired (its expirations read), or a batch of events has been handled. */
typedef int (*eu_ev_fn)(void *ctx, struct eu_err *err);

int eu_evloop_new(struct eu_evloop **out, struct eu_err *err);

/* Closes what the loop created (the epoll set, signalfds, timerfds); added fds stay open. */
void eu_evloop_free(struct eu_evloop *l);

/* fd (events, e.g. EPOLLIN) calls fn; removed with eu_evloop_del_fd(). */
int eu_evloop_add_fd(struct eu_evloop *l, int fd, uint32_t events, eu_ev_fd_fn fn, void *ctx,
		     struct eu_err *err);
int eu_evloop_mod_fd(struct eu_evloop *l, int fd, uint32_t events);

/* Safe within a callback: an event already read for fd is not delivered. */
void eu_evloop_del_fd(struct eu_evloop *l, int fd);

/*
 * The signals of mask are blocked (now: a signal sent before the loop runs waits
 * for it) and arrive as calls of fn, never asynchronously.
 */
int eu_evloop_add_signals(struct eu_evloop *l, const sigset_t *mask, eu_ev_signal_fn fn,
			  void *ctx, struct eu_err *err);

/*
 * A timer calling fn every period_ns, the first time period_ns from now; 0: not
 * armed until eu_evloop_set_timer(). *timer (may be NULL) names it for that.
 */
int eu_evloop_add_timer(struct eu_evloop *l, uint64_t period_ns, eu_ev_fn fn, void *ctx,
			int *timer, struct eu_err *err);

/* Next expiry in first_ns (0 disarms), then every period_ns (0: once). */
int eu_evloop_set_timer(int timer, uint64_t first_ns, uint64_t period_ns, struct eu_err *err);

/* fn after each batch of events (not before the first wait). */
void eu_evloop_after(struct eu_evloop *l, eu_ev_fn fn, void *ctx);

/* Wait and dispatch until a callback returns EU_EV_STOP (0) or -1 (-1, err filled). */
int eu_evloop_run(struct eu_evloop *l, struct eu_err *err);

#endif
