/* SPDX-License-Identifier: GPL-2.0-only */
/* JSON documents through json-c, with errors that point at a line and column. */
#ifndef EUNOMIA_JSON_H
#define EUNOMIA_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "errors.h"

/* Deepest nesting accepted; deeper documents are refused, not recursed into. */
#define EU_JSON_DEPTH 64

static inline void eu_json_putp(struct json_object **o)
{
	json_object_put(*o);
}

/* A reference dropped when the variable goes out of scope, spelled as cleanup.h's are. */
#define _cleanup_json_ __attribute__((cleanup(eu_json_putp)))

/* Parse exactly one JSON value (trailing garbage is an error). *out: put with json_object_put. */
int eu_json_parse(const char *name, const char *buf, size_t len, struct json_object **out,
		  struct eu_err *err);

/* Member `key` of an object if it has that type, else NULL. */
struct json_object *eu_json_get(struct json_object *obj, const char *key, json_type type);

/* String member, or NULL when absent or not a string. */
const char *eu_json_str(struct json_object *obj, const char *key);

/* Integer member: 0 found, 1 absent, -1 present with another type. */
int eu_json_int(struct json_object *obj, const char *key, int64_t *out);

/* Write `o` as pretty JSON with a final newline: to `path` atomically, or stdout for NULL/"-". */
int eu_json_save(struct json_object *o, const char *path, struct eu_err *err);

#endif
