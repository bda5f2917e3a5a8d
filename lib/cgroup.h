/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which container a cgroup path names, by the patterns the runtimes and their
 * cgroup managers use (cgroupfs or systemd): Docker, containerd (CRI), CRI-O,
 * podman (rootful and rootless), LXC, and systemd services. A path that
 * matches none is the host's.
 */
#ifndef EUNOMIA_CGROUP_H
#define EUNOMIA_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

#define EU_CGROUP_ID_MAX 128

struct eu_cgroup_ref {
	const char *runtime; /* "docker", "containerd", "cri-o", "podman", "lxc", "systemd"; NULL: host */
	char id[EU_CGROUP_ID_MAX]; /* container id (64 hex digits), or the unit / container name */
	char pod[EU_CGROUP_ID_MAX]; /* Kubernetes pod UID when the path has one, else "" */
};

/*
 * Read one cgroup path ("/system.slice/docker-<id>.scope", ...). True when it
 * names a container or a service. Runtime helper processes (conmon) are not
 * containers: their scopes are the host's.
 */
bool eu_cgroup_parse(const char *path, struct eu_cgroup_ref *out);

/*
 * The cgroup path of a /proc/PID/cgroup document: the first v1 line with a
 * controller (on a hybrid host they hold the containers' paths), else the
 * unified (v2) line "0::PATH", else name=systemd's. Copies it into buf; false
 * when there is none.
 */
bool eu_cgroup_of_proc(const char *text, char *buf, size_t size);

#endif
