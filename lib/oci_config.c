// SPDX-License-Identifier: GPL-2.0-only
/* An OCI bundle's config.json (see oci_config.h). */
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "file.h"
#include "json.h"
#include "oci_config.h"

int eu_oci_config_parse(const char *name, const char *buf, size_t len, struct json_object **cfg,
			struct eu_err *err)
{
	struct json_object *doc;

	*cfg = NULL;
	if (eu_json_parse(name, buf, len, &doc, err))
		return -1;
	if (!json_object_is_type(doc, json_type_object)) {
		eu_fail(err, EU_E_PROFILE, 0, "%s: expected a JSON object (an OCI config)", name);
		goto fail;
	}
	if (!eu_json_get(doc, "process", json_type_object)) {
		eu_fail(err, EU_E_PROFILE, 0, "%s: no process object: not an OCI runtime config",
			name);
		goto fail;
	}
	*cfg = doc;
	return 0;
fail:
	json_object_put(doc);
	return -1;
}

int eu_oci_config_load(const char *bundle, char **path, struct json_object **cfg,
		       struct eu_err *err)
{
	_cleanup_free_ char *buf = NULL;
	char *p;
	size_t len;

	*path = NULL;
	*cfg = NULL;
	if (asprintf(&p, "%s/config.json", bundle) < 0)
		return eu_fail(err, EU_E_INTERNAL, 0, "out of memory");
	if (eu_read_file(p, EU_INPUT_MAX, &buf, &len, err) ||
	    eu_oci_config_parse(p, buf, len, cfg, err)) {
		free(p);
		return -1;
	}
	*path = p;
	return 0;
}
