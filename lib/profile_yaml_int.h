/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Between the profile's reader (profile_yaml.c) and its schema
 * (profile_yaml_fields.c). Internal to lib/; callers use profile_yaml.h.
 */
#ifndef EUNOMIA_PROFILE_YAML_INT_H
#define EUNOMIA_PROFILE_YAML_INT_H

#include <yaml.h>

#include "yaml_read.h"

/* Fill c->p from the document's root mapping; errors name the file, line and column. */
int eu_profile_yaml_fields(struct eu_y_ctx *c, yaml_node_t *root);

#endif
