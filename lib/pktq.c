// SPDX-License-Identifier: GPL-2.0-only
/* Packets for a peer that reads when it can (see pktq.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pktq.h"

struct pkt {
	size_t len;
	char *data;
};

struct eu_pktq {
	struct pkt *v; /* a ring of cap, n from head */
	size_t cap, head, n, max;
};

struct eu_pktq *eu_pktq_new(size_t max)
{
	struct eu_pktq *q = calloc(1, sizeof(*q));

	if (q)
		q->max = max ? max : 1;
	return q;
}

void eu_pktq_clear(struct eu_pktq *q)
{
	for (; q->n; q->n--, q->head = (q->head + 1) % q->cap)
		free(q->v[q->head].data);
	q->head = 0;
}

void eu_pktq_free(struct eu_pktq *q)
{
	if (!q)
		return;
	eu_pktq_clear(q);
	free(q->v);
	free(q);
}

size_t eu_pktq_pending(const struct eu_pktq *q)
{
	return q->n;
}

/* 1 sent, 0 the socket is full, -1 the peer cannot be written to. */
static int try_send(int fd, const void *buf, size_t len)
{
	ssize_t r;

	do
		r = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r >= 0)
		return 1;
	return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
}

static int keep(struct eu_pktq *q, const void *buf, size_t len)
{
	struct pkt *slot;

	if (q->n >= q->max) {
		errno = ENOBUFS;
		return -1;
	}
	if (q->n == q->cap) { /* grow the ring, unrolled from head */
		size_t cap = q->cap ? q->cap * 2 : 16;
		struct pkt *v = calloc(cap, sizeof(*v));

		if (!v)
			return -1;
		for (size_t i = 0; i < q->n; i++)
			v[i] = q->v[(q->head + i) % q->cap];
		free(q->v);
		q->v = v;
		q->cap = cap;
		q->head = 0;
	}
	slot = &q->v[(q->head + q->n) % q->cap];
	slot->data = malloc(len ? len : 1);
	if (!slot->data)
		return -1;
	memcpy(slot->data, buf, len);
	slot->len = len;
	q->n++;
	return 0;
}

int eu_pktq_flush(struct eu_pktq *q, int fd)
{
	while (q->n) {
		struct pkt *p = &q->v[q->head];
		int r = try_send(fd, p->data, p->len);

		if (r <= 0)
			return r;
		free(p->data);
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
	return 0;
}

int eu_pktq_send(struct eu_pktq *q, int fd, const void *buf, size_t len)
{
	int r;

	if (q->n && eu_pktq_flush(q, fd) < 0)
		return -1;
	if (q->n) /* after those that still wait */
		return keep(q, buf, len);
	r = try_send(fd, buf, len);
	return r < 0 ? -1 : r ? 0 : keep(q, buf, len);
}
