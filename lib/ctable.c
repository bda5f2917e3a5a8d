// SPDX-License-Identifier: GPL-2.0-only
/* The container table (see ctable.h). */
#include <errno.h>
#include <stdlib.h>

#include "ctable.h"

struct ct_entry {
	bool used;
	uint64_t gen;
	struct eu_container c;
};

struct eu_ctable {
	uint32_t nkeys;
	size_t count;
	struct ct_entry e[];
};

int eu_ctable_new(uint32_t nkeys, struct eu_ctable **out, struct eu_err *err)
{
	struct eu_ctable *t = calloc(1, sizeof(*t) + (size_t)nkeys * sizeof(t->e[0]));

	if (!t)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "cannot allocate the container table");
	t->nkeys = nkeys;
	*out = t;
	return 0;
}

void eu_ctable_free(struct eu_ctable *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->nkeys; i++)
		eu_ctable_remove(t, i);
	free(t);
}

int eu_ctable_put(struct eu_ctable *t, uint32_t key, uint64_t gen, const struct eu_container *c,
		  enum eu_ct_change *change, struct eu_err *err)
{
	struct eu_container copy;
	struct ct_entry *e;

	if (key >= t->nkeys)
		return eu_fail(err, EU_E_INTERNAL, 0, "container key %u is out of range", key);
	e = &t->e[key];
	if (e->used && e->gen == gen) {
		*change = EU_CT_SAME;
		return 0;
	}
	if (eu_container_copy(&copy, c, err))
		return -1;
	*change = e->used ? EU_CT_REPLACED : EU_CT_APPEARED;
	eu_ctable_remove(t, key);
	e->c = copy;
	e->gen = gen;
	e->used = true;
	t->count++;
	return 0;
}

const struct eu_container *eu_ctable_at(const struct eu_ctable *t, uint32_t key, uint64_t *gen)
{
	if (key >= t->nkeys || !t->e[key].used)
		return NULL;
	if (gen)
		*gen = t->e[key].gen;
	return &t->e[key].c;
}

const struct eu_container *eu_ctable_get(const struct eu_ctable *t, uint32_t key, uint64_t gen)
{
	uint64_t have;
	const struct eu_container *c = eu_ctable_at(t, key, &have);

	return c && have == gen ? c : NULL;
}

bool eu_ctable_remove(struct eu_ctable *t, uint32_t key)
{
	if (key >= t->nkeys || !t->e[key].used)
		return false;
	eu_container_free(&t->e[key].c);
	t->e[key].used = false;
	t->count--;
	return true;
}

size_t eu_ctable_count(const struct eu_ctable *t)
{
	return t->count;
}

size_t eu_ctable_sweep(struct eu_ctable *t, eu_ct_alive_fn alive, eu_ct_gone_fn gone, void *ctx)
{
	size_t n = 0;

	for (uint32_t i = 0; i < t->nkeys; i++) {
		const struct eu_container *c = eu_ctable_at(t, i, NULL);

		if (!c || (alive ? alive(ctx, i, c) : eu_container_alive(c)))
			continue;
		if (gone)
			gone(ctx, i, c);
		eu_ctable_remove(t, i);
		n++;
	}
	return n;
}

void eu_event_set_container(struct eu_event *e, const struct eu_container *c)
{
	static const struct eu_container host = { .id = "host", .name = "host", .runtime = "host" };

	e->ct = c ? c : &host;
}
