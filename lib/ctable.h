/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The container table: the containers a learner or the monitor holds now,
 * each under a key (the monitor's slot; 0 for a learner's one container) and
 * a generation (a new registration of the same key is a new container). They
 * appear when put, and disappear when removed or when a sweep finds them
 * ended. Events and metrics name containers from it.
 */
#ifndef EUNOMIA_CTABLE_H
#define EUNOMIA_CTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "container.h"
#include "errors.h"
#include "events.h"

struct eu_ctable;

enum eu_ct_change {
	EU_CT_SAME,	/* the key already held this generation: nothing changed */
	EU_CT_APPEARED, /* the key was free */
	EU_CT_REPLACED, /* the key held another generation, which is gone now */
};

/* A table for keys 0 .. nkeys-1. */
int eu_ctable_new(uint32_t nkeys, struct eu_ctable **out, struct eu_err *err);
void eu_ctable_free(struct eu_ctable *t);

/* Put a copy of `c` under (key, gen); *change says what that did. */
int eu_ctable_put(struct eu_ctable *t, uint32_t key, uint64_t gen, const struct eu_container *c,
		  enum eu_ct_change *change, struct eu_err *err);

/* The container under key with this generation; NULL when there is none (or another one). */
const struct eu_container *eu_ctable_get(const struct eu_ctable *t, uint32_t key, uint64_t gen);

/* The container under key, whatever its generation; *gen (if not NULL) gets it. */
const struct eu_container *eu_ctable_at(const struct eu_ctable *t, uint32_t key, uint64_t *gen);

/* Forget key; false when it held nothing. */
bool eu_ctable_remove(struct eu_ctable *t, uint32_t key);

/* How many containers the table holds. */
size_t eu_ctable_count(const struct eu_ctable *t);

/* Is it still running? (eu_container_alive() checks its init process.) */
typedef bool (*eu_ct_alive_fn)(void *ctx, uint32_t key, const struct eu_container *c);
/* Told of a container that ended, before it is removed. */
typedef void (*eu_ct_gone_fn)(void *ctx, uint32_t key, const struct eu_container *c);

/*
 * Remove every container that `alive` (eu_container_alive() when NULL) says
 * has ended, telling `gone` (may be NULL) first. Returns how many went.
 */
size_t eu_ctable_sweep(struct eu_ctable *t, eu_ct_alive_fn alive, eu_ct_gone_fn gone, void *ctx);

/* Name the container in an event (borrowing c's strings); "host" for NULL. */
void eu_event_set_container(struct eu_event *e, const struct eu_container *c);

#endif
