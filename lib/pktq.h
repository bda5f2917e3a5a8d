/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Packets for a non-blocking SOCK_SEQPACKET peer that reads when it can: sent
 * at once while the socket takes them, kept in order (up to a bound) while it
 * does not, and sent when the socket is writable again. The monitor's seccomp
 * agent writes to its daemon this way: a daemon that is slow or stopped must
 * never stop the agent answering the containers' calls.
 */
#ifndef EUNOMIA_PKTQ_H
#define EUNOMIA_PKTQ_H

#include <stdbool.h>
#include <stddef.h>

struct eu_pktq;

/* A queue that keeps at most `max` packets. */
struct eu_pktq *eu_pktq_new(size_t max);
void eu_pktq_free(struct eu_pktq *q);

/*
 * Send a packet on fd (non-blocking), or keep a copy while earlier ones wait
 * or the socket is full. 0: sent or kept; -1: the peer cannot be written to
 * (errno), or the queue is full (ENOBUFS) or out of memory: the caller drops the peer.
 */
int eu_pktq_send(struct eu_pktq *q, int fd, const void *buf, size_t len);

/* Send what waits, in order, until the socket is full: 0, or -1 as above. */
int eu_pktq_flush(struct eu_pktq *q, int fd);

/* Packets waiting (the caller then waits for the socket to be writable). */
size_t eu_pktq_pending(const struct eu_pktq *q);

/* Forget what waits (the peer is gone). */
void eu_pktq_clear(struct eu_pktq *q);

#endif
