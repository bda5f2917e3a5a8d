// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading a libyaml document tree against a fixed schema (yaml_read.h): each
 * helper checks one node and, when it is wrong, says where and what was expected.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "cleanup.h"
#include "errors.h"
#include "profile.h"
#include "yaml_read.h"

/* Parenthesised: the name is also a macro (yaml_read.h). */
int (eu_y_fail_at)(struct eu_y_ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return eu_fail(c->err, EU_E_PROFILE, 0, "%s:%zu:%zu: %s", c->name, n->start_mark.line + 1,
		       n->start_mark.column + 1, msg);
}

static const char *kind_name(yaml_node_type_t t)
{
	switch (t) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

int eu_y_want(struct eu_y_ctx *c, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
	if (n->type == t)
		return 0;
	return eu_y_fail_at(c, n, "expected %s for %s, found %s", kind_name(t), what,
			    kind_name(n->type));
}

yaml_node_t *eu_y_node_at(struct eu_y_ctx *c, int index)
{
	return yaml_document_get_node(c->doc, index);
}

int eu_y_get_str(struct eu_y_ctx *c, const yaml_node_t *n, const char *what, const char **out)
{
	if (eu_y_want(c, n, YAML_SCALAR_NODE, what))
		return -1;
	/* libyaml guarantees termination; an embedded NUL would silently truncate. */
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
		return eu_y_fail_at(c, n, "%s contains a NUL byte", what);
	*out = (const char *)n->data.scalar.value;
	return 0;
}

int eu_y_get_nonempty(struct eu_y_ctx *c, const yaml_node_t *n, const char *what,
		      const char **out)
{
	if (eu_y_get_str(c, n, what, out))
		return -1;
	if (!**out)
		return eu_y_fail_at(c, n, "expected a non-empty string for %s", what);
	return 0;
}

int eu_y_get_u64(struct eu_y_ctx *c, const yaml_node_t *n, const char *what, uint64_t *out)
{
	const char *s, *p;
	uint64_t v = 0;

	if (eu_y_get_str(c, n, what, &s))
		return -1;
	if (!*s)
		return eu_y_fail_at(c, n, "expected a non-negative integer for %s, found nothing",
				    what);
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return eu_y_fail_at(c, n,
					    "expected a non-negative integer for %s, found '%s'",
					    what, s);
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return eu_y_fail_at(c, n, "%s is too large: '%s'", what, s);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return 0;
}

int eu_y_set_str(struct eu_y_ctx *c, const yaml_node_t *n, const char *what, char **slot)
{
	const char *s;

	if (eu_y_get_nonempty(c, n, what, &s))
		return -1;
	return eu_set_str(slot, s, c->err);
}

/* Call fn for each key and value of a mapping. */
int eu_y_walk_map(struct eu_y_ctx *c, yaml_node_t *map, const char *what, eu_y_field_fn fn,
		  void *arg)
{
	if (eu_y_want(c, map, YAML_MAPPING_NODE, what))
		return -1;
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
	     pr++)
		if (fn(c, eu_y_node_at(c, pr->key), eu_y_node_at(c, pr->value), arg))
			return -1;
	return 0;
}

/* Call fn for each item of a list. */
int eu_y_walk_list(struct eu_y_ctx *c, yaml_node_t *seq, const char *what, eu_y_item_fn fn,
		   void *arg)
{
	if (eu_y_want(c, seq, YAML_SEQUENCE_NODE, what))
		return -1;
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++)
		if (fn(c, eu_y_node_at(c, *it), arg))
			return -1;
	return 0;
}

/* A mapping being walked by eu_y_walk_fields(): its schema, and the keys seen so far. */
struct fields_walk {
	const char *where;
	const struct eu_y_field *f;
	size_t nf;
	uint64_t seen;
	void *arg;
};

static int field_pair(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct fields_walk *w = arg;
	const struct eu_y_field *f;
	const char *key;
	size_t i;

	if (eu_y_get_str(c, k, "a key", &key))
		return -1;
	for (i = 0; i < w->nf && strcmp(key, w->f[i].key); i++)
		;
	if (i == w->nf) {
		char expected[512] = "";
		size_t off = 0;

		for (size_t j = 0; j < w->nf && off < sizeof(expected); j++)
			off += snprintf(expected + off, sizeof(expected) - off, "%s%s",
					j ? ", " : "", w->f[j].key);
		return eu_y_fail_at(c, k, "unknown key '%s' in %s (expected one of: %s)", key,
				    w->where, expected);
	}
	if (w->seen & (1ULL << i))
		return eu_y_fail_at(c, k, "duplicate key '%s' in %s", key, w->where);
	w->seen |= 1ULL << i;
	f = &w->f[i];
	if (f->parse)
		return f->parse(c, k, v, w->arg);
	if (f->fields)
		return eu_y_walk_fields(c, v, f->what, f->fields, f->nfields, w->arg);
	if (f->pair)
		return eu_y_walk_map(c, v, f->what, f->pair, w->arg);
	return eu_y_walk_list(c, v, f->what, f->item, w->arg);
}

/* Walk a mapping with a fixed set of keys: unknown, duplicate and missing keys are errors. */
int eu_y_walk_fields(struct eu_y_ctx *c, yaml_node_t *map, const char *where,
		     const struct eu_y_field *f, size_t nf, void *arg)
{
	struct fields_walk w = { .where = where, .f = f, .nf = nf, .arg = arg };

	if (eu_y_walk_map(c, map, where, field_pair, &w))
		return -1;
	for (size_t i = 0; i < nf; i++)
		if (f[i].required && !(w.seen & (1ULL << i)))
			return eu_y_fail_at(c, map, "missing key '%s' in %s", f[i].key, where);
	return 0;
}

/* "12.345" seconds, at most millisecond precision, into milliseconds. */
int eu_y_get_ms(struct eu_y_ctx *c, const yaml_node_t *n, const char *what, uint64_t *ms)
{
	const char *s, *p;
	uint64_t whole = 0, frac = 0;
	int digits = 0;

	if (eu_y_get_str(c, n, what, &s))
		return -1;
	for (p = s; *p >= '0' && *p <= '9' && whole < UINT64_MAX / 10000; p++)
		whole = whole * 10 + (uint64_t)(*p - '0');
	if (p != s && *p == '.')
		for (p++; *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
			frac = frac * 10 + (uint64_t)(*p - '0');
	if (p == s || *p)
		return eu_y_fail_at(c, n,
				    "expected seconds with at most 3 decimals for %s, found '%s'",
				    what, s);
	while (digits++ < 3)
		frac *= 10;
	*ms = whole * 1000 + frac;
	return 0;
}
