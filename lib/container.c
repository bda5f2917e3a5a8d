// SPDX-License-Identifier: GPL-2.0-only
/* Container lookup from runtime state (see container.h). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "container.h"
#include "docker.h"
#include "oci_state.h"
#include "file.h"
#include "json.h"
#include "runcmd.h"

void eu_container_free(struct eu_container *c)
{
	free(c->id);
	free(c->name);
	free(c->runtime);
	free(c->bundle);
	free(c->image);
	free(c->pod);
	free(c->compose);
	free(c->cgroup);
	*c = (struct eu_container){ 0 };
}

int eu_ns_inode(pid_t pid, const char *ns, uint32_t *ino, struct eu_err *err)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	if (stat(path, &st) < 0)
		return eu_fail(err, errno == ENOENT ? EU_E_NOTFOUND : EU_E_IO, errno,
			       "cannot read the %s namespace of process %d", ns, (int)pid);
	*ino = (uint32_t)st.st_ino;
	return 0;
}

int eu_proc_start_time(pid_t pid, uint64_t *ticks)
{
	char path[64], buf[1024];
	_cleanup_fclose_ FILE *f = NULL;
	const char *p;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	/* The command name may contain spaces and parentheses: skip to the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -1; /* cppcheck-suppress resourceLeak ; _cleanup_fclose_ closes f */
	p++;
	/* Fields 3..21 follow, then starttime (22). */
	for (int field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (field == 22)
			return sscanf(p, "%" SCNu64, ticks) == 1 ? 0 : -1;
		while (*p && *p != ' ')
			p++;
	}
	return -1;
}

int eu_container_from_pid(pid_t pid, struct eu_container *c, struct eu_err *err)
{
	_cleanup_free_ char *text = NULL;
	char path[64], cg[1024];
	size_t len;

	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
		return eu_fail(err, EU_E_NOTFOUND, 0, "process %d does not exist", (int)pid);
	c->pid = pid;
	if (eu_ns_inode(pid, "mnt", &c->mntns, err) || eu_ns_inode(pid, "pid", &c->pidns, err))
		return -1;
	if (eu_proc_start_time(pid, &c->start) < 0)
		return eu_fail(err, EU_E_NOTFOUND, 0, "process %d does not exist", (int)pid);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (eu_read_file(path, 1 << 16, &text, &len, err))
		return -1;
	free(c->cgroup);
	c->cgroup = eu_cgroup_of_proc(text, cg, sizeof(cg)) ? strdup(cg) : NULL;
	return 0;
}

bool eu_container_alive(const struct eu_container *c)
{
	uint64_t now;

	if (c->pid <= 0 || eu_proc_start_time(c->pid, &now) < 0)
		return false;
	return !c->start || now == c->start;
}

static int set_str(char **slot, const char *v, struct eu_err *err)
{
	char *copy = strdup(v);

	if (!copy)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "naming a container");
	free(*slot);
	*slot = copy;
	return 0;
}

static int podman_inspect(const char *spec, struct json_object **arr, struct json_object **ct,
			  struct eu_err *err);

/*
 * Name Docker container ID from Docker's state: in DIR (its state directory)
 * when known, else in the data roots of the running dockerds. Quietly nothing
 * when Docker does not know it (a container of another engine's, or a dockerd
 * gone): the id still names it.
 */
static int name_docker(struct eu_container *c, const char *dir, const char *id,
		       struct eu_err *err)
{
	struct eu_docker_ct d;
	struct eu_err quiet = { 0 };
	int rc;

	if (dir ? eu_docker_read(dir, &d, &quiet) : eu_docker_find(id, NULL, &d, &quiet))
		return 0;
	if (strcmp(d.id, id)) { /* a prefix, or a directory that is not its own */
		eu_docker_ct_free(&d);
		return 0;
	}
	rc = set_str(&c->runtime, "docker", err) || set_str(&c->id, d.id, err) ||
			     set_str(&c->name, d.name, err) ||
			     (d.image && set_str(&c->image, d.image, err)) ||
			     (d.compose && set_str(&c->compose, d.compose, err))
		     ? -1
		     : 0;
	eu_docker_ct_free(&d);
	return rc;
}

/*
 * A process named by pid: whose is it? Its cgroup says when a runtime made it
 * (Docker, containerd, CRI-O, podman, LXC, a systemd service); otherwise it is
 * the host's. A podman container is named from podman's own state when podman
 * answers.
 */
static int attribute_by_cgroup(struct eu_container *c, struct eu_err *err)
{
	struct eu_cgroup_ref ref;

	if (!c->cgroup || !eu_cgroup_parse(c->cgroup, &ref))
		return set_str(&c->runtime, "host", err) || set_str(&c->name, "host", err);
	if (set_str(&c->runtime, ref.runtime, err) || set_str(&c->id, ref.id, err) ||
	    set_str(&c->name, ref.id, err))
		return -1;
	if (!strcmp(ref.runtime, "docker"))
		return name_docker(c, NULL, ref.id, err);
	if (!strcmp(ref.runtime, "podman")) {
		struct json_object *arr = NULL, *ct;
		struct eu_err quiet = { 0 };
		int rc = 0;

		if (!podman_inspect(ref.id, &arr, &ct, &quiet)) {
			const char *name = eu_json_str(ct, "Name");
			const char *image = eu_json_str(ct, "ImageName");

			if ((name && set_str(&c->name, name, err)) ||
			    (image && set_str(&c->image, image, err)))
				rc = -1;
		}
		json_object_put(arr);
		return rc;
	}
	return 0;
}

static bool valid_id(const char *id)
{
	/* runc's rule: letters, digits, '_', '+', '-', '.'; never a path. */
	if (!*id || strlen(id) > 1024 || !strcmp(id, ".") || !strcmp(id, ".."))
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+-.", *p))
			return false;
	return true;
}

/* Check that the recorded init pid is the same process, not a reused pid. */
static int check_init(struct eu_container *c, int64_t pid, int64_t start, bool have_start,
		      const char *what, struct eu_err *err)
{
	uint64_t actual;

	if (pid <= 0 || pid > INT_MAX)
		return eu_fail(err, EU_E_RUNTIME, 0, "%s has no valid init pid", what);
	if (eu_proc_start_time((pid_t)pid, &actual) < 0)
		return eu_fail(err, EU_E_NOTFOUND, 0,
			       "%s is not running (its init process %" PRId64 " is gone)", what, pid);
	if (have_start && (uint64_t)start != actual)
		return eu_fail(err, EU_E_NOTFOUND, 0,
			       "%s is not running (pid %" PRId64 " now belongs to another process)",
			       what, pid);
	return eu_container_from_pid((pid_t)pid, c, err);
}

static int set(char **slot, const char *v, struct eu_err *err)
{
	free(*slot);
	*slot = v ? strdup(v) : NULL;
	if (v && !*slot)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "copying container data");
	return 0;
}

/* Where a runtime keeps a container's state, <root>/<id>/<file>, and how it records the init. */
struct state_file {
	const char *runtime;
	const char *file;
	const char *pid_key;
	const char *start_key;
};

/* runc's is libcontainer's own state. */
static const struct state_file runc_state = { "runc", "state.json", "init_process_pid",
					      "init_process_start" };
static const struct state_file crun_state = { "crun", "status", "pid", "process-start-time" };

/* Read container id's state into *st, and check that its init is still the process recorded. */
static int read_state(const char *id, const char *root, const struct state_file *sf,
		      struct eu_container *c, struct json_object **st, struct eu_err *err)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	int64_t pid = 0, start = 0;
	char what[1200];
	bool have_start;
	size_t len;

	if (asprintf(&path, "%s/%s/%s", root, id, sf->file) < 0) {
		path = NULL;
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "%s state path", sf->runtime);
	}
	if (eu_read_file(path, EU_INPUT_MAX, &buf, &len, err) ||
	    eu_json_parse(path, buf, len, st, err))
		return -1;
	if (eu_json_int(*st, sf->pid_key, &pid) != 0)
		return eu_fail(err, EU_E_RUNTIME, 0, "%s has no %s", path, sf->pid_key);
	have_start = eu_json_int(*st, sf->start_key, &start) == 0;
	snprintf(what, sizeof(what), "%s container %s", sf->runtime, id);
	return check_init(c, pid, start, have_start, what, err);
}

/* A container of runc's or crun's is named by its id. */
static int set_names(struct eu_container *c, const char *id, const char *runtime,
		     struct eu_err *err)
{
	return set(&c->id, id, err) || set(&c->name, id, err) || set(&c->runtime, runtime, err)
		       ? -1
		       : 0;
}

static int lookup_runc(const char *id, const char *root, struct eu_container *c,
		       struct eu_err *err)
{
	_cleanup_json_ struct json_object *st = NULL;
	struct json_object *labels;

	if (read_state(id, root, &runc_state, c, &st, err))
		return -1;
	labels = eu_json_get(eu_json_get(st, "config", json_type_object), "labels",
			     json_type_array);
	for (size_t i = 0; labels && i < json_object_array_length(labels); i++) {
		const char *l = json_object_get_string(json_object_array_get_idx(labels, i));

		if (l && !strncmp(l, "bundle=", 7) && set(&c->bundle, l + 7, err))
			return -1;
	}
	return set_names(c, id, "runc", err);
}

static int lookup_crun(const char *id, const char *root, struct eu_container *c,
		       struct eu_err *err)
{
	_cleanup_json_ struct json_object *st = NULL;

	if (read_state(id, root, &crun_state, c, &st, err) ||
	    set(&c->bundle, eu_json_str(st, "bundle"), err))
		return -1;
	return set_names(c, id, "crun", err);
}

/* podman keeps its state in its own database: ask podman itself. *ct points into *arr. */
static int podman_inspect(const char *spec, struct json_object **arr, struct json_object **ct,
			  struct eu_err *err)
{
	char *argv[] = { "podman", "container", "inspect", "--format", "json", "--",
			 (char *)spec, NULL };
	_cleanup_free_ char *out = NULL;
	size_t len;

	*arr = NULL;
	if (eu_run_capture(argv, 10000, EU_INPUT_MAX, &out, &len, err)) {
		err->kind = EU_E_NOTFOUND;
		return eu_wrap(err, "no runc, crun or Docker container '%s', and podman", spec);
	}
	if (eu_json_parse("podman container inspect", out, len, arr, err))
		return -1;
	*ct = json_object_is_type(*arr, json_type_array) ? json_object_array_get_idx(*arr, 0) : NULL;
	if (!*ct) {
		json_object_put(*arr);
		*arr = NULL;
		return eu_fail(err, EU_E_NOTFOUND, 0, "podman knows no container '%s'", spec);
	}
	return 0;
}

static int lookup_podman(const char *spec, struct eu_container *c, struct eu_err *err)
{
	_cleanup_json_ struct json_object *arr = NULL;
	struct json_object *ct, *state;
	const char *name;
	int64_t pid = 0;
	char what[1200];

	if (podman_inspect(spec, &arr, &ct, err))
		return -1;
	state = eu_json_get(ct, "State", json_type_object);
	if (!state || eu_json_int(state, "Pid", &pid) != 0)
		return eu_fail(err, EU_E_RUNTIME, 0, "podman container inspect %s: no State.Pid",
			       spec);
	snprintf(what, sizeof(what), "podman container %s", spec);
	if (pid == 0)
		return eu_fail(err, EU_E_NOTFOUND, 0, "%s is not running", what);
	if (check_init(c, pid, 0, false, what, err))
		return -1;
	name = eu_json_str(ct, "Name");
	return set(&c->id, eu_json_str(ct, "Id"), err) || set(&c->name, name ? name : spec, err) ||
			       set(&c->image, eu_json_str(ct, "ImageName"), err) ||
			       set(&c->runtime, "podman", err)
		       ? -1
		       : 0;
}

static bool exists(const char *root, const char *id, const char *file)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s/%s", root, id, file);
	return stat(path, &st) == 0;
}

/*
 * A Docker container by name or id, from Docker's state: 0 found, 1 Docker
 * does not know it (the next runtime is asked), -1 an error.
 */
static int lookup_docker(const char *spec, struct eu_container *c, struct eu_err *err)
{
	struct eu_docker_ct d;
	char what[1200];
	int rc = -1;

	if (eu_docker_find(spec, NULL, &d, err)) {
		if (err->kind != EU_E_NOTFOUND)
			return -1;
		*err = (struct eu_err){ 0 };
		return 1;
	}
	snprintf(what, sizeof(what), "Docker container %s", d.name);
	if (!d.running || !d.pid) {
		eu_fail(err, EU_E_NOTFOUND, 0, "%s is not running", what);
		goto out;
	}
	if (check_init(c, d.pid, 0, false, what, err))
		goto out;
	/* its cgroup names it: the pid is the container's, not a reused one */
	if (!c->cgroup || !strstr(c->cgroup, d.id)) {
		eu_fail(err, EU_E_NOTFOUND, 0,
			"%s is not running (pid %d is not in its cgroup)", what, (int)d.pid);
		goto out;
	}
	rc = set(&c->id, d.id, err) || set(&c->name, d.name, err) ||
			     set(&c->runtime, "docker", err) || set(&c->image, d.image, err) ||
			     set(&c->compose, d.compose, err)
		     ? -1
		     : 0;
out:
	if (rc)
		eu_container_free(c);
	eu_docker_ct_free(&d);
	return rc;
}

/*
 * Who started it, from the annotations its manager leaves in the spec (podman,
 * CRI-O, containerd's CRI plugin), else from the state directory the runtime
 * keeps for it (runc, crun).
 */
static const char *runtime_of(const struct eu_oci_state *s)
{
	const char *manager = eu_oci_annotation(s, "io.container.manager");

	if (manager && !strcmp(manager, "libpod"))
		return "podman";
	if (eu_oci_annotation(s, "io.kubernetes.cri-o.ContainerType"))
		return "cri-o";
	if (eu_oci_annotation(s, "io.kubernetes.cri.container-type"))
		return "containerd";
	/* The directory: a starting container's hooks run before its state file is written. */
	if (valid_id(s->id) && exists(EU_RUNC_ROOT, s->id, ""))
		return "runc";
	if (valid_id(s->id) && exists(EU_CRUN_ROOT, s->id, ""))
		return "crun";
	return NULL;
}

/* The first of these annotations that the state has. */
static const char *annotation(const struct eu_oci_state *s, const char *a, const char *b)
{
	const char *v = eu_oci_annotation(s, a);

	return v ? v : b ? eu_oci_annotation(s, b) : NULL;
}

int eu_container_from_oci_state(const struct eu_oci_state *s, struct eu_container *c,
				struct eu_err *err)
{
	const char *name = annotation(s, "io.kubernetes.container.name",
				      "io.kubernetes.cri.container-name");
	const char *pod = annotation(s, "io.kubernetes.pod.name", "io.kubernetes.cri.sandbox-name");
	const char *ns = annotation(s, "io.kubernetes.pod.namespace",
				    "io.kubernetes.cri.sandbox-namespace");
	const char *image = annotation(s, "io.kubernetes.cri-o.ImageName",
				       "io.kubernetes.cri.image-name");
	_cleanup_free_ char *pod_name = NULL;

	*c = (struct eu_container){ 0 };
	if (pod && asprintf(&pod_name, "%s/%s", ns ? ns : "default", pod) < 0) {
		pod_name = NULL;
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "naming a container");
	}
	if (eu_container_from_pid(s->pid, c, err)) {
		eu_wrap(err, "container %s", s->id);
		/* the init exited between the pid check and reading its namespaces */
		if (err->errnum == ENOENT || err->errnum == ESRCH)
			err->kind = EU_E_NOTFOUND;
		eu_container_free(c);
		return -1;
	}
	if (set(&c->id, s->id, err) || set(&c->name, name ? name : s->id, err) ||
	    set(&c->bundle, s->bundle, err) || set(&c->image, image, err) ||
	    set(&c->pod, pod_name, err) || set(&c->runtime, runtime_of(s), err)) {
		eu_container_free(c);
		return -1;
	}
	if (!c->runtime) { /* no manager's annotations: Docker's bundle says nothing of itself */
		_cleanup_free_ char *dir = eu_docker_dir_of_bundle(s->bundle, s->id);

		if (dir && name_docker(c, dir, s->id, err)) {
			eu_container_free(c);
			return -1;
		}
	}
	return 0;
}

int eu_container_copy(struct eu_container *dst, const struct eu_container *src,
		      struct eu_err *err)
{
	*dst = *src;
	dst->id = dst->name = dst->runtime = dst->bundle = dst->image = dst->pod = dst->compose =
		dst->cgroup = NULL;
	if (set(&dst->id, src->id, err) || set(&dst->name, src->name, err) ||
	    set(&dst->runtime, src->runtime, err) || set(&dst->bundle, src->bundle, err) ||
	    set(&dst->image, src->image, err) || set(&dst->pod, src->pod, err) ||
	    set(&dst->compose, src->compose, err) || set(&dst->cgroup, src->cgroup, err)) {
		eu_container_free(dst);
		return -1;
	}
	return 0;
}

int eu_container_lookup(const char *spec, const char *runtime_root, struct eu_container *c,
			struct eu_err *err)
{
	int rc;

	*c = (struct eu_container){ 0 };
	if (!strncmp(spec, "pid:", 4)) {
		char *end;
		long pid;

		errno = 0;
		pid = strtol(spec + 4, &end, 10);
		if (errno || end == spec + 4 || *end || pid <= 0 || pid > INT_MAX)
			return eu_fail(err, EU_E_USAGE, 0, "'%s' is not a valid pid:N", spec);
		if (eu_container_from_pid((pid_t)pid, c, err))
			return -1;
		return attribute_by_cgroup(c, err);
	}
	if (!valid_id(spec))
		return eu_fail(err, EU_E_USAGE, 0,
			       "'%s' is not a container id or name (letters, digits, '_+-.')", spec);
	if (exists(runtime_root ? runtime_root : EU_RUNC_ROOT, spec, "state.json"))
		return lookup_runc(spec, runtime_root ? runtime_root : EU_RUNC_ROOT, c, err);
	if (exists(runtime_root ? runtime_root : EU_CRUN_ROOT, spec, "status"))
		return lookup_crun(spec, runtime_root ? runtime_root : EU_CRUN_ROOT, c, err);
	if (runtime_root)
		return eu_fail(err, EU_E_NOTFOUND, 0, "no container '%s' under %s", spec,
			       runtime_root);
	rc = lookup_docker(spec, c, err);
	if (rc <= 0)
		return rc;
	return lookup_podman(spec, c, err);
}
