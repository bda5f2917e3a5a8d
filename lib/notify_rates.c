// SPDX-License-Identifier: GPL-2.0-only
/* The seccomp agent's rate limit (see notify_rates.h). */
#include <stdlib.h>
#include <string.h>

#include "notify_rates.h"

struct entry {
	struct eu_nrate_key key;
	bool used;
	uint64_t total;	  /* calls counted */
	uint64_t written; /* calls events have stood for */
	uint64_t last_ns; /* when the last event was written; 0: none yet */
	bool has_info;
	struct mon_event info; /* the last call whose details were read: who made it, with what */
};

struct eu_nrates {
	struct entry *v;
	size_t cap, n; /* open addressing, cap a power of two, n used */
};

struct eu_nrates *eu_nrates_new(void)
{
	struct eu_nrates *r = calloc(1, sizeof(*r));

	if (r) {
		r->cap = 64;
		r->v = calloc(r->cap, sizeof(*r->v));
		if (!r->v) {
			free(r);
			return NULL;
		}
	}
	return r;
}

void eu_nrates_free(struct eu_nrates *r)
{
	if (r)
		free(r->v);
	free(r);
}

static size_t hash(const struct eu_nrate_key *k)
{
	uint64_t h = ((uint64_t)k->listener << 32 | k->kind) * 0x9E3779B97F4A7C15ULL;

	h ^= ((uint64_t)k->arch << 32 | (uint32_t)k->nr) * 0xC2B2AE3D27D4EB4FULL;
	h ^= k->value * 0x165667B19E3779F9ULL;
	return (size_t)(h ^ (h >> 29));
}

static bool same(const struct eu_nrate_key *a, const struct eu_nrate_key *b)
{
	return a->listener == b->listener && a->kind == b->kind && a->arch == b->arch &&
	       a->nr == b->nr && a->value == b->value;
}

static struct entry *slot(struct entry *v, size_t cap, const struct eu_nrate_key *k)
{
	size_t i = hash(k) & (cap - 1);

	while (v[i].used && !same(&v[i].key, k))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

static bool grow(struct eu_nrates *r)
{
	size_t cap = r->cap * 2;
	struct entry *v = calloc(cap, sizeof(*v));

	if (!v)
		return false;
	for (size_t i = 0; i < r->cap; i++)
		if (r->v[i].used)
			*slot(v, cap, &r->v[i].key) = r->v[i];
	free(r->v);
	r->v = v;
	r->cap = cap;
	return true;
}

/* An event for what `e` holds unwritten. */
static void write_out(struct entry *e, uint64_t now_ns, bool summary, eu_nrates_fn fn, void *ctx)
{
	struct mon_event ev = e->info;

	ev.ts_ns = now_ns;
	ev.count = e->total - e->written;
	ev.total = 0; /* counted here: the daemon takes the count as it is */
	ev.summary = summary;
	if (summary)
		ev.path[0] = '\0';
	if (!fn(ctx, e->key.listener, &ev))
		return;
	e->written = e->total;
	e->last_ns = now_ns;
}

/* The entry of k, or NULL. */
static const struct entry *find(const struct eu_nrates *r, const struct eu_nrate_key *k)
{
	const struct entry *e = slot(r->v, r->cap, k);

	return e->used ? e : NULL;
}

static bool due(const struct entry *e, uint64_t now_ns, uint64_t interval_ns, bool deliver)
{
	return deliver && (!e->last_ns || now_ns - e->last_ns >= interval_ns);
}

bool eu_nrates_wants_info(const struct eu_nrates *r, const struct eu_nrate_key *k,
			  uint64_t now_ns, uint64_t interval_ns, bool deliver)
{
	const struct entry *e = find(r, k);

	return !e || !e->has_info || due(e, now_ns, interval_ns, deliver);
}

bool eu_nrates_hit(struct eu_nrates *r, const struct eu_nrate_key *k, const struct mon_event *info,
		   uint64_t now_ns, uint64_t interval_ns, bool deliver, eu_nrates_fn fn, void *ctx)
{
	struct entry *e;

	if (r->n + 1 > r->cap / 2 && !grow(r))
		return false;
	e = slot(r->v, r->cap, k);
	if (!e->used) {
		memset(e, 0, sizeof(*e));
		e->used = true;
		e->key = *k;
		r->n++;
	}
	e->total++;
	if (info) {
		e->info = *info;
		e->has_info = true;
	}
	if (e->has_info && due(e, now_ns, interval_ns, deliver))
		write_out(e, now_ns, false, fn, ctx);
	return true;
}

void eu_nrates_flush(struct eu_nrates *r, uint64_t now_ns, uint64_t interval_ns, int64_t listener,
		     bool (*deliverable)(void *ctx, uint32_t listener), eu_nrates_fn fn, void *ctx)
{
	for (size_t i = 0; i < r->cap; i++) {
		struct entry *e = &r->v[i];

		if (!e->used || e->total == e->written || !e->has_info ||
		    (listener >= 0 && e->key.listener != (uint64_t)listener) ||
		    (listener < 0 && e->last_ns && now_ns - e->last_ns < interval_ns) ||
		    (deliverable && !deliverable(ctx, e->key.listener)))
			continue;
		/* a call no event stood for yet, whatever came before it, is news: not a summary */
		write_out(e, now_ns, e->written != 0, fn, ctx);
	}
}

void eu_nrates_drop(struct eu_nrates *r, uint32_t listener)
{
	struct entry *old = r->v;
	size_t cap = r->cap;

	/* rebuilt without them: open addressing cannot just blank an entry */
	r->v = calloc(cap, sizeof(*r->v));
	if (!r->v) { /* keep them: a few stale entries are harmless */
		r->v = old;
		return;
	}
	r->n = 0;
	for (size_t i = 0; i < cap; i++)
		if (old[i].used && old[i].key.listener != listener) {
			*slot(r->v, cap, &old[i].key) = old[i];
			r->n++;
		}
	free(old);
}

uint64_t eu_nrates_pending(const struct eu_nrates *r)
{
	uint64_t n = 0;

	for (size_t i = 0; i < r->cap; i++)
		if (r->v[i].used)
			n += r->v[i].total - r->v[i].written;
	return n;
}
