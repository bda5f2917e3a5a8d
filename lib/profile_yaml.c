// SPDX-License-Identifier: GPL-2.0-only
/*
 * The profile's YAML form, read: libyaml loads the document, its tree is
 * walked against the schema (profile_yaml_fields.c), so every complaint can
 * point at a line and column. Writing is in profile_yaml_emit.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "cleanup.h"
#include "file.h"
#include "profile.h"
#include "profile_yaml.h"
#include "profile_yaml_int.h"
#include "yaml_read.h"

static int yaml_syntax_error(const char *name, const yaml_parser_t *ps, struct eu_err *err)
{
	const yaml_mark_t *m = &ps->problem_mark;

	if (ps->error == YAML_MEMORY_ERROR)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "%s: out of memory parsing YAML", name);
	if (ps->context)
		return eu_fail(err, EU_E_PROFILE, 0, "%s:%zu:%zu: YAML syntax error: %s %s", name,
			       m->line + 1, m->column + 1, ps->problem, ps->context);
	return eu_fail(err, EU_E_PROFILE, 0, "%s:%zu:%zu: YAML syntax error: %s", name,
		       m->line + 1, m->column + 1, ps->problem ? ps->problem : "unknown problem");
}

/*
 * libyaml scans a flow collection ("[[[...") to its end before it returns its
 * first event, checking every open level at every token: deep nesting costs it
 * time quadratic in the depth (minutes for a few hundred kilobytes). A profile
 * needs three levels; refuse more than EU_YAML_MAX_FLOW before libyaml sees it.
 * A cheap lexer: quoted scalars and comments are skipped, and a bracket counts
 * only where a flow collection can begin (not the '[' of /usr/bin/[).
 */
#define EU_YAML_MAX_FLOW 32

static int check_flow_depth(const char *name, const char *buf, size_t len, struct eu_err *err)
{
	size_t line = 1, col = 0, depth = 0;
	bool token_start = true; /* only blanks since a line start or an indicator */

	for (size_t i = 0; i < len; i++, col++) {
		char ch = buf[i];

		if (ch == '\n') {
			line++;
			col = (size_t)-1;
			token_start = true;
			continue;
		}
		if (ch == ' ' || ch == '\t')
			continue;
		if (ch == '#' && (i == 0 || buf[i - 1] == ' ' || buf[i - 1] == '\t' ||
				  buf[i - 1] == '\n')) {
			while (i + 1 < len && buf[i + 1] != '\n')
				i++;
			continue;
		}
		if (token_start && (ch == '\'' || ch == '"')) {
			/* a quoted scalar: to its closing quote ('' and \" escape one) */
			for (i++; i < len; i++, col++) {
				if (buf[i] == '\n') {
					line++;
					col = (size_t)-1;
				} else if (ch == '"' && buf[i] == '\\' && i + 1 < len) {
					i++;
					col++;
				} else if (buf[i] == ch) {
					if (ch == '\'' && i + 1 < len && buf[i + 1] == '\'') {
						i++;
						col++;
						continue;
					}
					break;
				}
			}
			token_start = false;
			continue;
		}
		if (token_start && (ch == '[' || ch == '{')) {
			if (++depth > EU_YAML_MAX_FLOW)
				return eu_fail(err, EU_E_PROFILE, 0,
					       "%s:%zu:%zu: collections nested more than %d deep "
					       "(a profile needs a few levels)",
					       name, line, col + 1, EU_YAML_MAX_FLOW);
			continue; /* token_start stays: "[[" */
		}
		if ((ch == ']' || ch == '}') && depth > 0) {
			depth--;
			token_start = false;
			continue;
		}
		token_start = ch == ':' || ch == ',' || ch == '-' || ch == '?';
	}
	return 0;
}

int eu_profile_parse(const char *name, const char *buf, size_t len, struct eu_profile *p,
		     struct eu_err *err)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	struct eu_y_ctx c = { .name = name, .doc = &doc, .p = p, .err = err };
	int rc = -1;

	if (check_flow_depth(name, buf, len, err))
		return -1;
	if (!yaml_parser_initialize(&parser))
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "cannot initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = yaml_syntax_error(name, &parser, err);
		yaml_parser_delete(&parser);
		return rc;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		eu_fail(err, EU_E_PROFILE, 0,
			"%s:1:1: the document is empty (expected a profile: a mapping with "
			"'version: %d')",
			name, EU_PROFILE_VERSION);
		goto out;
	}
	if (eu_y_want(&c, root, YAML_MAPPING_NODE, "the profile"))
		goto out;
	/* A profile is one document; a second one is a mistake worth reporting. */
	if (!yaml_parser_load(&parser, &extra)) {
		yaml_syntax_error(name, &parser, err);
		goto out;
	}
	if (yaml_document_get_root_node(&extra)) {
		eu_fail(err, EU_E_PROFILE, 0,
			"%s:%zu:%zu: a second YAML document (expected one profile per file)", name,
			extra.start_mark.line + 1, extra.start_mark.column + 1);
		yaml_document_delete(&extra);
		goto out;
	}
	yaml_document_delete(&extra);
	rc = eu_profile_yaml_fields(&c, root);
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int eu_profile_load(const char *path, struct eu_profile **out, struct eu_err *err)
{
	_cleanup_free_ char *buf = NULL;
	struct eu_profile *p;
	size_t len;

	if (eu_read_file(path, EU_INPUT_MAX, &buf, &len, err))
		return -1;
	p = eu_profile_new();
	if (!p)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "loading %s", path);
	if (eu_profile_parse(path, buf, len, p, err)) {
		eu_profile_free(p);
		return -1;
	}
	*out = p;
	return 0;
}
