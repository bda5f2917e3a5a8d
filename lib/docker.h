/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Docker's containers, named from Docker's own state: each running dockerd's
 * data root (its --data-root, else the "data-root" of its configuration file,
 * else /var/lib/docker) keeps containers/<id>/config.v2.json, with the name,
 * image, labels and init pid of every container.
 *
 * The state is read rather than the API asked: an OCI hook or the runtime shim
 * runs while dockerd holds the container's lock for its start, and an inspect
 * would wait for the very start it is part of; reading also needs no access to
 * the API's socket. The file is dockerd's own and may change between versions:
 * only Name, Config.Image, Config.Labels and State (Running, Pid) are read,
 * which every Docker since 1.10 writes.
 */
#ifndef EUNOMIA_DOCKER_H
#define EUNOMIA_DOCKER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/types.h>

#include "errors.h"

#define EU_DOCKER_DATA_ROOT "/var/lib/docker"
#define EU_DOCKER_CONFIG "/etc/docker/daemon.json"

struct eu_docker_ct {
	char *id;	/* 64 hex digits */
	char *name;	/* without Docker's leading '/' */
	char *image;	/* as the user named it (Config.Image) */
	char *compose;	/* com.docker.compose.project "/" .service, or NULL */
	struct json_object *labels; /* Config.Labels (a reference of its own), or NULL */
	pid_t pid;	/* the init process while it runs, else 0 */
	bool running;
};

/*
 * The container SPEC names (its id, else its name, else a prefix of its id that
 * only it has) under DATA_ROOT, or under the data root of every dockerd running
 * when DATA_ROOT is NULL. EU_E_NOTFOUND when none has it (quietly: no Docker
 * at all is no error of the caller's); EU_E_USAGE when an id prefix is not
 * unique.
 */
int eu_docker_find(const char *spec, const char *data_root, struct eu_docker_ct *ct,
		   struct eu_err *err);

/* The container whose state directory (DATA_ROOT/containers/ID) is DIR. */
int eu_docker_read(const char *dir, struct eu_docker_ct *ct, struct eu_err *err);

/*
 * The state directory of Docker container ID, whose OCI bundle is BUNDLE: in
 * the data root the bundle's /etc/hostname comes from (Docker bind-mounts it
 * from a container's state directory: this one's, or, when it shares another's
 * network, that one's). Returns a malloc'd path, or NULL when the bundle is
 * not Docker's, or ID is no Docker id. Read it with eu_docker_read() and check
 * that the id is ID.
 */
char *eu_docker_dir_of_bundle(const char *bundle, const char *id);

/* The same, from the bundle's config.json already parsed. */
char *eu_docker_dir_of_config(struct json_object *config, const char *id);

/* The data roots of the dockerd processes running now (at most MAX; each malloc'd). */
size_t eu_docker_data_roots(char **roots, size_t max);

void eu_docker_ct_free(struct eu_docker_ct *ct);

#endif
