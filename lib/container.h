/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Finding a container: from a runtime's own state (runc, crun), from podman,
 * or from a process id. The result names the container and gives the init
 * process and mount namespace that the tracer follows.
 */
#ifndef EUNOMIA_CONTAINER_H
#define EUNOMIA_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "errors.h"

#define EU_RUNC_ROOT "/run/runc"
#define EU_CRUN_ROOT "/run/crun"

struct eu_container {
	char *id;
	char *name;
	char *runtime; /* "runc", "crun", "podman", "docker", ..., "host", or NULL */
	char *bundle;
	char *image;
	char *pod;	/* Kubernetes "namespace/pod" (io.kubernetes.pod.*), or NULL */
	char *compose;	/* Docker Compose "project/service" (com.docker.compose.*), or NULL */
	char *cgroup;	/* the init process's cgroup path, when read */
	pid_t pid;	/* init process */
	uint64_t start; /* its start time (clock ticks since boot); 0: not read */
	uint32_t mntns; /* its mount namespace (inode number) */
	uint32_t pidns; /* its pid namespace (inode number) */
};

/*
 * Resolve `spec`: "pid:N", a runc or crun container id (state under
 * runtime_root, or the runtime's default when NULL), a Docker container's name
 * or id (docker.h), or a podman container name or id. Fails with
 * EU_E_NOTFOUND when nothing matches.
 */
int eu_container_lookup(const char *spec, const char *runtime_root, struct eu_container *c,
			struct eu_err *err);

struct eu_oci_state;

/*
 * The container an OCI runtime describes to a hook: its init pid (which must
 * be alive), id and bundle; name, pod, image and runtime from the annotations
 * its manager leaves (Kubernetes io.kubernetes.container.name and
 * io.kubernetes.pod.*, CRI-O's and containerd's own; io.container.manager=libpod
 * is podman), else from Docker's state (a bundle Docker made), else from runc's
 * or crun's state directory.
 */
int eu_container_from_oci_state(const struct eu_oci_state *s, struct eu_container *c,
				struct eu_err *err);

/* Fill pid-derived fields (namespaces, start time, cgroup) for a live pid; fails if it is gone. */
int eu_container_from_pid(pid_t pid, struct eu_container *c, struct eu_err *err);

/* True while the init process lives (the same process: its start time is checked when known). */
bool eu_container_alive(const struct eu_container *c);

/* A deep copy (free it with eu_container_free()). */
int eu_container_copy(struct eu_container *dst, const struct eu_container *src,
		      struct eu_err *err);

void eu_container_free(struct eu_container *c);

/* Inode number of /proc/PID/ns/NS ("mnt", "pid", ...). */
int eu_ns_inode(pid_t pid, const char *ns, uint32_t *ino, struct eu_err *err);

/* Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat). */
int eu_proc_start_time(pid_t pid, uint64_t *ticks);

#endif
