/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Docker and podman seccomp profiles (the JSON of `--security-opt seccomp=FILE`,
 * e.g. /usr/share/containers/seccomp.json), read with json-c into an eunomia
 * profile the way those runtimes read them for a container: entries are kept
 * or left out by the container's capabilities (includes/excludes.caps), the
 * host's architecture (includes/excludes.arches) and the running kernel
 * (includes.minKernel); names an architecture lacks are skipped; conditions on
 * one argument given twice become separate rules, as runc does.
 */
#ifndef EUNOMIA_DOCKER_PROFILE_H
#define EUNOMIA_DOCKER_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "profile.h"

/* podman's default capabilities (containers.conf default_capabilities). */
#define EU_PODMAN_DEFAULT_CAPS                                                                     \
	"CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_NET_BIND_SERVICE,"          \
	"CAP_SETFCAP,CAP_SETGID,CAP_SETPCAP,CAP_SETUID,CAP_SYS_CHROOT"

struct eu_import_opts {
	uint64_t caps;	   /* the container's capabilities; they also become the profile's */
	const char *kernel; /* release compared with includes.minKernel ("6.1.0-18-amd64") */
};

/*
 * Read a Docker/podman profile into `p`. `name` names the document in errors.
 * *skipped counts (entry, name) pairs no architecture of the profile knows.
 */
int eu_docker_import(const char *name, const char *buf, size_t len,
		     const struct eu_import_opts *o, struct eu_profile *p, size_t *skipped,
		     struct eu_err *err);

#endif
