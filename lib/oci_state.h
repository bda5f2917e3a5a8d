/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The OCI runtime state, as a runtime hands it to a hook on standard input
 * (runtime-spec runtime.md: ociVersion, id, status, pid, bundle, annotations).
 * Read with json-c; strings point into the parsed document, which the state owns.
 */
#ifndef EUNOMIA_OCI_STATE_H
#define EUNOMIA_OCI_STATE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "errors.h"

struct eu_oci_state {
	const char *oci_version;
	const char *id;
	const char *status; /* creating, created, running, stopped */
	const char *bundle; /* absolute path */
	pid_t pid;	    /* 0 when the state has none (a stopped container) */
	struct json_object *annotations; /* an object of strings, or NULL */
	struct json_object *doc;
};

/*
 * Parse a state document. `name` names it in errors. With `need_pid`, a
 * missing or non-positive pid is an error (a hook that binds to the container's
 * init needs one). Fails with EU_E_PROFILE and what was wrong.
 */
int eu_oci_state_parse(const char *name, const char *buf, size_t len, bool need_pid,
		       struct eu_oci_state *s, struct eu_err *err);

/* Value of an annotation, or NULL. */
const char *eu_oci_annotation(const struct eu_oci_state *s, const char *key);

void eu_oci_state_free(struct eu_oci_state *s);

#endif
