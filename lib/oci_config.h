/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An OCI bundle's config.json (runtime-spec config.md), read with json-c:
 * enforce writes a profile into it, learn reads whether the runtime will load
 * a seccomp filter (the learning boundary).
 */
#ifndef EUNOMIA_OCI_CONFIG_H
#define EUNOMIA_OCI_CONFIG_H

#include <json-c/json.h>
#include <stdbool.h>

#include "errors.h"

/*
 * Read BUNDLE/config.json: an object with a "process" object. *path is the
 * file's path (free it), *cfg the document (json_object_put it). Errors name
 * the file: EU_E_IO when it cannot be read, EU_E_PROFILE when it is no config.
 */
int eu_oci_config_load(const char *bundle, char **path, struct json_object **cfg,
		       struct eu_err *err);

/* Does the config give the runtime a seccomp filter to load (linux.seccomp)? */
bool eu_oci_config_has_seccomp(struct json_object *cfg);

#endif
