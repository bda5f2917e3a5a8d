/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An OCI bundle's config.json (runtime-spec config.md), read with json-c, for
 * enforce to write a profile into it.
 */
#ifndef EUNOMIA_OCI_CONFIG_H
#define EUNOMIA_OCI_CONFIG_H

#include <json-c/json.h>
#include <stddef.h>

#include "errors.h"

/*
 * Parse a config document: an object with a "process" object. `name` names it
 * in errors (EU_E_PROFILE). *cfg: json_object_put it.
 */
int eu_oci_config_parse(const char *name, const char *buf, size_t len, struct json_object **cfg,
			struct eu_err *err);

/*
 * Read BUNDLE/config.json with eu_oci_config_parse(). *path is the
 * file's path (free it), *cfg the document (json_object_put it). Errors name
 * the file: EU_E_IO when it cannot be read, EU_E_PROFILE when it is no config.
 */
int eu_oci_config_load(const char *bundle, char **path, struct json_object **cfg,
		       struct eu_err *err);

#endif
