// SPDX-License-Identifier: GPL-2.0-only
/* An OCI bundle's config.json (see oci_config.h). */
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "file.h"
#include "json.h"
#include "oci_config.h"

int eu_oci_config_load(const char *bundle, char **path, struct json_object **cfg,
		       struct eu_err *err)
{
	_cleanup_free_ char *buf = NULL;
	struct json_object *doc = NULL;
	char *p;
	size_t len;

	*path = NULL;
	*cfg = NULL;
	if (asprintf(&p, "%s/config.json", bundle) < 0)
		return eu_fail(err, EU_E_INTERNAL, 0, "out of memory");
	if (eu_read_file(p, EU_INPUT_MAX, &buf, &len, err) ||
	    eu_json_parse(p, buf, len, &doc, err))
		goto fail;
	if (!json_object_is_type(doc, json_type_object)) {
		eu_fail(err, EU_E_PROFILE, 0, "%s: expected a JSON object (an OCI config)", p);
		goto fail;
	}
	if (!eu_json_get(doc, "process", json_type_object)) {
		eu_fail(err, EU_E_PROFILE, 0, "%s: no process object: not an OCI runtime config", p);
		goto fail;
	}
	*path = p;
	*cfg = doc;
	return 0;
fail:
	json_object_put(doc);
	free(p);
	return -1;
}
