// SPDX-License-Identifier: GPL-2.0-only
/* json-c helpers (see json.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "file.h"
#include "json.h"

static void offset_to_line_col(const char *buf, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

int eu_json_parse(const char *name, const char *buf, size_t len, struct json_object **out,
		  struct eu_err *err)
{
	struct json_tokener *tok = json_tokener_new_ex(EU_JSON_DEPTH);
	struct json_object *obj;
	enum json_tokener_error jerr;
	size_t end, line, col;

	if (!tok)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "cannot create a JSON parser");
	if (len > INT32_MAX) {
		json_tokener_free(tok);
		return eu_fail(err, EU_E_PROFILE, 0, "%s is too large to parse", name);
	}
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue) {
		offset_to_line_col(buf, len, &line, &col);
		json_object_put(obj);
		return eu_fail(err, EU_E_PROFILE, 0, "%s:%zu:%zu: JSON ends too early", name, line,
			       col);
	}
	if (jerr != json_tokener_success) {
		offset_to_line_col(buf, end, &line, &col);
		json_object_put(obj);
		return eu_fail(err, EU_E_PROFILE, 0, "%s:%zu:%zu: JSON syntax error: %s", name,
			       line, col, json_tokener_error_desc(jerr));
	}
	while (end < len && isspace((unsigned char)buf[end]))
		end++;
	if (end < len) {
		offset_to_line_col(buf, end, &line, &col);
		json_object_put(obj);
		return eu_fail(err, EU_E_PROFILE, 0,
			       "%s:%zu:%zu: unexpected text after the JSON document", name, line,
			       col);
	}
	*out = obj;
	return 0;
}

struct json_object *eu_json_get(struct json_object *obj, const char *key, json_type type)
{
	struct json_object *v;

	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

const char *eu_json_str(struct json_object *obj, const char *key)
{
	struct json_object *v = eu_json_get(obj, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

int eu_json_int(struct json_object *obj, const char *key, int64_t *out)
{
	struct json_object *v;

	if (!obj || !json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
		return 1;
	if (!json_object_is_type(v, json_type_int))
		return -1;
	errno = 0;
	*out = json_object_get_int64(v);
	return errno ? -1 : 0;
}

/* Serialise pretty, with a final newline, the way people keep JSON in git. */
int eu_json_save(struct json_object *o, const char *path, struct eu_err *err)
{
	const char *s = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	_cleanup_free_ char *text = NULL;

	if (!s || asprintf(&text, "%s\n", s) < 0) {
		text = NULL;
		return eu_fail(err, EU_E_INTERNAL, 0, "out of memory serialising JSON");
	}
	if (!path || !strcmp(path, "-")) {
		if (eu_write_all(STDOUT_FILENO, text, strlen(text)))
			return eu_fail(err, EU_E_IO, errno, "writing to standard output");
		return 0;
	}
	return eu_write_file_atomic(path, text, strlen(text), 0644, err);
}
