/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An OCI bundle's config.json (runtime-spec config.md), read with json-c, for
 * enforce to write a profile into it.
 */
#ifndef EUNOMIA_OCI_CONFIG_H
#define EUNOMIA_OCI_CONFIG_H

#include <json-c/json.h>

#include "errors.h"

/*
 * Read BUNDLE/config.json: an object with a "process" object. *path is the
 * file's path (free it), *cfg the document (json_object_put it). Errors name
 * the file: EU_E_IO when it cannot be read, EU_E_PROFILE when it is no config.
 */
int eu_oci_config_load(const char *bundle, char **path, struct json_object **cfg,
		       struct eu_err *err);

#endif
