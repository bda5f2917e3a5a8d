// SPDX-License-Identifier: GPL-2.0-only
/* Containers from cgroup paths (see cgroup.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"

/* Is s[0..n) a full container id: 64 lowercase hex digits? */
static bool is_id(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

static void set(struct eu_cgroup_ref *r, const char *runtime, const char *id, size_t n)
{
	r->runtime = runtime;
	snprintf(r->id, sizeof(r->id), "%.*s", (int)n, id);
}

/* A runtime and the name that marks its containers in a path. */
struct marker {
	const char *name;
	const char *runtime;
};

/* systemd drivers: a scope "<name><id>.scope" */
static const struct marker scopes[] = {
	{ "docker-", "docker" },
	{ "cri-containerd-", "containerd" },
	{ "crio-", "cri-o" },
	{ "libpod-", "podman" },
};

/* cgroupfs drivers: a bare id under the runtime's parent "<name>" */
static const struct marker parents[] = {
	{ "docker", "docker" },
	{ "libpod_parent", "podman" },
};

/* The runtime whose systemd scope the path component comp[0..n) is, and its id; or NULL. */
static const char *scope(const char *comp, size_t n, const char **id)
{
	for (size_t i = 0; i < EU_ARRAY_SIZE(scopes); i++) {
		size_t p = strlen(scopes[i].name);

		if (n != p + 64 + 6 || strncmp(comp, scopes[i].name, p) ||
		    strncmp(comp + p + 64, ".scope", 6))
			continue;
		*id = comp + p;
		if (is_id(*id, 64))
			return scopes[i].runtime;
	}
	return NULL;
}

/* The runtime whose cgroupfs parent the component prev[0..n) is, or NULL. */
static const char *parent(const char *prev, size_t n)
{
	for (size_t i = 0; i < EU_ARRAY_SIZE(parents); i++)
		if (n == strlen(parents[i].name) && !strncmp(prev, parents[i].name, n))
			return parents[i].runtime;
	return NULL;
}

/* Kubernetes pod UID from a "pod<uid>" or "kubepods-...-pod<uid>.slice" component. */
static void pod_of(const char *comp, size_t n, struct eu_cgroup_ref *r)
{
	const char *p = NULL;

	for (size_t i = 0; i + 3 <= n; i++)
		if (!strncmp(comp + i, "pod", 3) && (i == 0 || comp[i - 1] == '-'))
			p = comp + i + 3;
	if (!p)
		return;
	n -= (size_t)(p - comp);
	if (n > 6 && !strncmp(p + n - 6, ".slice", 6))
		n -= 6;
	/* systemd escapes the UID's dashes as underscores */
	snprintf(r->pod, sizeof(r->pod), "%.*s", (int)n, p);
	for (char *c = r->pod; *c; c++)
		if (*c == '_')
			*c = '-';
}

bool eu_cgroup_parse(const char *path, struct eu_cgroup_ref *out)
{
	const char *comp = path, *id, *prev = NULL;
	size_t prevn = 0;
	bool kube = strstr(path, "kubepods") != NULL;

	memset(out, 0, sizeof(*out));
	while (*comp) {
		const char *end, *runtime;
		size_t n;

		while (*comp == '/')
			comp++;
		end = strchr(comp, '/');
		n = end ? (size_t)(end - comp) : strlen(comp);
		if (!n)
			break;
		if (kube)
			pod_of(comp, n, out);
		runtime = scope(comp, n, &id);
		if (runtime) {
			set(out, runtime, id, 64);
			return true;
		}
		/* under kubepods, a bare id with any parent is containerd's */
		if (is_id(comp, n) && prev) {
			runtime = parent(prev, prevn);
			if (runtime || kube) {
				set(out, runtime ? runtime : "containerd", comp, n);
				return true;
			}
		}
		/* podman with cgroupfs: libpod_parent/libpod-<id> */
		if (n == 7 + 64 && !strncmp(comp, "libpod-", 7) && is_id(comp + 7, 64)) {
			set(out, "podman", comp + 7, 64);
			return true;
		}
		if (n > 12 && !strncmp(comp, "lxc.payload.", 12)) {
			set(out, "lxc", comp + 12, n - 12);
			return true;
		}
		if (!end && n > 8 && !strncmp(comp + n - 8, ".service", 8)) {
			set(out, "systemd", comp, n);
			return true;
		}
		prev = comp;
		prevn = n;
		comp += n;
	}
	out->pod[0] = '\0';
	return false;
}

bool eu_cgroup_of_proc(const char *text, char *buf, size_t size)
{
	const char *found[3] = { NULL }; /* a v1 controller's, the unified one, name=systemd's */
	size_t len[3] = { 0 };

	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		const char *c1 = memchr(line, ':', n);
		const char *c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - line)) : NULL;

		if (c2) {
			int k = c2 == c1 + 1 ? 1 : !strncmp(c1 + 1, "name=", 5) ? 2 : 0;

			if (!found[k]) {
				found[k] = c2 + 1;
				len[k] = n - (size_t)(c2 + 1 - line);
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	/* v1 controllers first: on a hybrid host they hold the containers' paths */
	for (int k = 0; k < 3; k++)
		if (found[k]) {
			snprintf(buf, size, "%.*s", (int)len[k], found[k]);
			return true;
		}
	return false;
}
