/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading a libyaml document tree against a fixed schema, so that every
 * complaint names FILE:LINE:COLUMN. Internal to lib/: the profile's reader
 * (profile_yaml.c, profile_yaml_fields.c) is its only user.
 */
#ifndef EUNOMIA_YAML_READ_H
#define EUNOMIA_YAML_READ_H

#include <stdbool.h>
#include <stdint.h>
#include <yaml.h>

#include "cleanup.h"
#include "errors.h"

struct eu_profile;

/* One document being read: `name` for messages, `p` the profile being filled. */
struct eu_y_ctx {
	const char *name;
	yaml_document_t *doc;
	struct eu_profile *p;
	struct eu_err *err;
};

/* Fail with "NAME:LINE:COLUMN: message", at node n's start. */
int eu_y_fail_at(struct eu_y_ctx *c, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Always -1, as eu_fail() (see errors.h): the analysers do not follow a variadic call. */
#define eu_y_fail_at(...) ({ eu_y_fail_at(__VA_ARGS__); -1; })

/* Fail unless n is of type t ("expected a list for WHAT, found a scalar"). */
int eu_y_want(struct eu_y_ctx *c, const yaml_node_t *n, yaml_node_type_t t, const char *what);

yaml_node_t *eu_y_node_at(struct eu_y_ctx *c, int index);

/* A scalar's text (no embedded NUL); the string belongs to the document. */
int eu_y_get_str(struct eu_y_ctx *c, const yaml_node_t *n, const char *what, const char **out);
int eu_y_get_nonempty(struct eu_y_ctx *c, const yaml_node_t *n, const char *what,
		      const char **out);
/* A decimal integer, digits only. */
int eu_y_get_u64(struct eu_y_ctx *c, const yaml_node_t *n, const char *what, uint64_t *out);
/* "12.345" seconds, at most millisecond precision, into milliseconds. */
int eu_y_get_ms(struct eu_y_ctx *c, const yaml_node_t *n, const char *what, uint64_t *ms);
/* A non-empty string, copied into *slot with eu_set_str(). */
int eu_y_set_str(struct eu_y_ctx *c, const yaml_node_t *n, const char *what, char **slot);

typedef int (*eu_y_field_fn)(struct eu_y_ctx *c, yaml_node_t *key, yaml_node_t *val, void *arg);
typedef int (*eu_y_item_fn)(struct eu_y_ctx *c, yaml_node_t *item, void *arg);

/*
 * One key of a mapping with a fixed set of keys (at most 64) and how its value is read: by
 * `parse`; or, called `what` in messages, as a mapping with the keys `fields`, a mapping whose
 * every pair goes to `pair`, or a list whose every item goes to `item`. A table of these is the
 * schema, so that a key whose value is only a nested mapping or list needs no parser of its own.
 */
struct eu_y_field {
	const char *key;
	bool required;
	eu_y_field_fn parse;
	const char *what;
	const struct eu_y_field *fields;
	size_t nfields;
	eu_y_field_fn pair;
	eu_y_item_fn item;
};

#define EU_Y_VALUE(k, fn) { .key = (k), .parse = (fn) }
#define EU_Y_FIELDS(k, w, f) { .key = (k), .what = (w), .fields = (f), .nfields = EU_ARRAY_SIZE(f) }
#define EU_Y_PAIRS(k, w, fn) { .key = (k), .what = (w), .pair = (fn) }
#define EU_Y_LIST(k, w, fn) { .key = (k), .what = (w), .item = (fn) }

/* Walk a mapping with a fixed set of keys: unknown, duplicate and missing keys are errors. */
int eu_y_walk_fields(struct eu_y_ctx *c, yaml_node_t *map, const char *where,
		     const struct eu_y_field *f, size_t nf, void *arg);

/* Call fn for each key and value of a mapping. */
int eu_y_walk_map(struct eu_y_ctx *c, yaml_node_t *map, const char *what, eu_y_field_fn fn,
		  void *arg);

/* Call fn for each item of a list. */
int eu_y_walk_list(struct eu_y_ctx *c, yaml_node_t *seq, const char *what, eu_y_item_fn fn,
		   void *arg);

#endif
