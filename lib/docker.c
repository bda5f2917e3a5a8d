// SPDX-License-Identifier: GPL-2.0-only
/* Docker's containers from Docker's own state (see docker.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "docker.h"
#include "file.h"
#include "json.h"

void eu_docker_ct_free(struct eu_docker_ct *ct)
{
	free(ct->id);
	free(ct->name);
	free(ct->image);
	free(ct->compose);
	json_object_put(ct->labels);
	*ct = (struct eu_docker_ct){ 0 };
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int eu_docker_read(const char *dir, struct eu_docker_ct *ct, struct eu_err *err)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	_cleanup_json_ struct json_object *root = NULL;
	struct json_object *config, *labels, *state;
	const char *name, *id, *project = NULL, *service = NULL;
	int64_t pid = 0;
	size_t len;

	*ct = (struct eu_docker_ct){ 0 };
	if (asprintf(&path, "%s/config.v2.json", dir) < 0) {
		path = NULL;
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "docker state path");
	}
	if (eu_read_file(path, EU_INPUT_MAX, &buf, &len, err) ||
	    eu_json_parse(path, buf, len, &root, err))
		return -1;
	id = eu_json_str(root, "ID");
	name = eu_json_str(root, "Name");
	if (!id || !name)
		return eu_fail(err, EU_E_RUNTIME, 0,
			       "%s: no ID or Name: not a Docker container's state", path);
	config = eu_json_get(root, "Config", json_type_object);
	labels = eu_json_get(config, "Labels", json_type_object);
	if (labels) {
		ct->labels = json_object_get(labels);
		project = eu_json_str(labels, "com.docker.compose.project");
		service = eu_json_str(labels, "com.docker.compose.service");
	}
	state = eu_json_get(root, "State", json_type_object);
	if (state)
		eu_json_int(state, "Pid", &pid);
	ct->running = state && json_object_get_boolean(eu_json_get(state, "Running",
								    json_type_boolean));
	ct->pid = ct->running && pid > 0 && pid <= INT_MAX ? (pid_t)pid : 0;
	ct->id = strdup(id);
	ct->name = strdup(name[0] == '/' ? name + 1 : name);
	ct->image = dup_or_null(eu_json_str(config, "Image"));
	if (project && service && asprintf(&ct->compose, "%s/%s", project, service) < 0)
		ct->compose = NULL;
	if (!ct->id || !ct->name || (eu_json_str(config, "Image") && !ct->image) ||
	    (project && service && !ct->compose)) {
		eu_docker_ct_free(ct);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "reading %s", path);
	}
	return 0;
}

/* A JSON file's document, or NULL: for guesses, where a file that cannot be read is no error. */
static struct json_object *read_json_quietly(const char *path)
{
	_cleanup_free_ char *buf = NULL;
	struct json_object *root = NULL;
	struct eu_err quiet = { 0 };
	size_t len;

	if (eu_read_file(path, EU_INPUT_MAX, &buf, &len, &quiet) ||
	    eu_json_parse(path, buf, len, &root, &quiet))
		return NULL;
	return root;
}

/* The "data-root" (or the older "graph") of a dockerd configuration file, if it has one. */
static char *config_data_root(const char *file)
{
	_cleanup_json_ struct json_object *root = read_json_quietly(file);
	const char *v;

	if (!root)
		return NULL;
	v = eu_json_str(root, "data-root");
	if (!v)
		v = eu_json_str(root, "graph");
	return dup_or_null(v);
}

/* The value of option OPT in a NUL-separated argv (--opt=V or --opt V), or NULL. */
static const char *arg_value(const char *args, size_t len, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *a = args; a < args + len; a += strlen(a) + 1) {
		if (!strncmp(a, opt, n) && a[n] == '=')
			return a + n + 1;
		if (!strcmp(a, opt) && a + n + 1 < args + len)
			return a + n + 1;
	}
	return NULL;
}

/*
 * PATH as dockerd PID sees it: under its root directory, and a relative one
 * from its working directory (it may live in another mount namespace).
 */
static char *as_seen_by(const char *pid, const char *path)
{
	char *out;

	if (asprintf(&out, "/proc/%s/%s/%s", pid, path[0] == '/' ? "root" : "cwd", path) < 0)
		return NULL;
	return out;
}

/* dockerd PID's data root: from its command line, its configuration file, or the default. */
static char *data_root_of(const char *pid)
{
	_cleanup_free_ char *args = NULL, *conf = NULL, *root = NULL;
	struct eu_err quiet = { 0 };
	const char *v;
	char path[300];
	size_t len;

	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	if (eu_read_file(path, 1 << 16, &args, &len, &quiet))
		return NULL;
	v = arg_value(args, len, "--data-root");
	if (!v)
		v = arg_value(args, len, "--graph");
	if (!v)
		v = arg_value(args, len, "-g");
	if (v)
		return as_seen_by(pid, v);
	v = arg_value(args, len, "--config-file");
	conf = as_seen_by(pid, v ? v : EU_DOCKER_CONFIG);
	root = conf ? config_data_root(conf) : NULL;
	return as_seen_by(pid, root ? root : EU_DOCKER_DATA_ROOT);
}

static bool is_dockerd(const char *pid)
{
	char path[300], comm[32] = "";
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	f = fopen(path, "re");
	if (!f || !fgets(comm, sizeof(comm), f))
		return false;
	return !strcmp(comm, "dockerd\n"); /* cppcheck-suppress resourceLeak ; _cleanup_fclose_ */
}

size_t eu_docker_data_roots(char **roots, size_t max)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	struct dirent *e;
	size_t n = 0;

	while (d && n < max && (e = readdir(d))) {
		char *root;
		bool seen = false;

		if (!isdigit((unsigned char)e->d_name[0]) || !is_dockerd(e->d_name))
			continue;
		root = data_root_of(e->d_name);
		if (!root)
			continue;
		for (size_t i = 0; i < n; i++)
			seen |= !strcmp(roots[i], root);
		if (seen)
			free(root);
		else
			roots[n++] = root;
	}
	return n;
}

static bool is_hex(const char *s)
{
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s) || isupper((unsigned char)*s))
			return false;
	return true;
}

/* How well a container matches a spec: the better one wins. */
enum match { M_NONE, M_PREFIX, M_NAME, M_ID };

static enum match match_of(const struct eu_docker_ct *c, const char *spec, bool hex)
{
	if (!strcmp(c->id, spec))
		return M_ID;
	if (!strcmp(c->name, spec))
		return M_NAME;
	return hex && !strncmp(c->id, spec, strlen(spec)) ? M_PREFIX : M_NONE;
}

struct search {
	const char *spec;
	bool hex;
	enum match best;
	struct eu_docker_ct found;
	char *other; /* another container the best prefix fits too */
};

/* Look for the spec under one data root, keeping the best match so far. */
static int find_in(struct search *s, const char *data_root, struct eu_err *err)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;

	if (asprintf(&dir, "%s/containers", data_root) < 0) {
		dir = NULL;
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "docker state path");
	}
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		_cleanup_free_ char *sub = NULL;
		struct eu_docker_ct c;
		struct eu_err quiet = { 0 };
		enum match m;

		if (e->d_name[0] == '.' || strlen(e->d_name) != 64)
			continue;
		if (asprintf(&sub, "%s/%s", dir, e->d_name) < 0) {
			sub = NULL;
			return eu_fail(err, EU_E_INTERNAL, ENOMEM, "docker state path");
		}
		/* a container being created or removed has no readable state: not it */
		if (eu_docker_read(sub, &c, &quiet))
			continue;
		m = match_of(&c, s->spec, s->hex);
		if (m == M_PREFIX && s->best == M_PREFIX && !s->other) {
			s->other = strdup(c.name);
			if (!s->other) {
				eu_docker_ct_free(&c);
				return eu_fail(err, EU_E_INTERNAL, ENOMEM, "docker state");
			}
		}
		if (m > s->best) {
			eu_docker_ct_free(&s->found);
			s->found = c;
			s->best = m;
		} else {
			eu_docker_ct_free(&c);
		}
	}
	return 0;
}

int eu_docker_find(const char *spec, const char *data_root, struct eu_docker_ct *ct,
		   struct eu_err *err)
{
	struct search s = { .spec = spec, .hex = *spec && strlen(spec) <= 64 && is_hex(spec) };
	int rc = 0;

	*ct = (struct eu_docker_ct){ 0 };
	if (!*spec)
		return eu_fail(err, EU_E_USAGE, 0, "an empty name names no Docker container");
	if (data_root)
		rc = find_in(&s, data_root, err);
	else {
		char *roots[8];
		size_t n = eu_docker_data_roots(roots, EU_ARRAY_SIZE(roots));

		for (size_t i = 0; i < n; i++) {
			if (!rc)
				rc = find_in(&s, roots[i], err);
			free(roots[i]);
		}
	}
	if (!rc && s.best == M_NONE)
		rc = eu_fail(err, EU_E_NOTFOUND, 0, "Docker knows no container '%s'", spec);
	else if (!rc && s.best == M_PREFIX && s.other)
		rc = eu_fail(err, EU_E_USAGE, 0,
			     "'%s' is the beginning of the ids of Docker containers %s and %s: "
			     "name one", spec, s.found.name, s.other);
	free(s.other);
	if (rc) {
		eu_docker_ct_free(&s.found);
		return -1;
	}
	*ct = s.found;
	return 0;
}

char *eu_docker_dir_of_config(struct json_object *config, const char *id)
{
	struct json_object *mounts = eu_json_get(config, "mounts", json_type_array);
	char *dir = NULL;

	if (!id || strlen(id) != 64 || !is_hex(id))
		return NULL;
	for (size_t i = 0; mounts && !dir && i < json_object_array_length(mounts); i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i);
		const char *dst = eu_json_str(m, "destination"), *src = eu_json_str(m, "source");
		const char *slash = src ? strrchr(src, '/') : NULL;
		const char *ct = slash && slash - src >= 64 ? slash - 64 : NULL;

		/*
		 * <data root>/containers/<an id>/hostname: the data root (the id may be
		 * another container's, whose network this one shares); ours is beside it
		 */
		if (!dst || strcmp(dst, "/etc/hostname") || !ct || strcmp(slash, "/hostname") ||
		    ct - src <= 11 || strncmp(ct - 12, "/containers/", 12) || src[0] != '/' ||
		    strstr(src, "/../") || strstr(src, "/./"))
			continue;
		if (asprintf(&dir, "%.*s/containers/%s", (int)(ct - 12 - src), src, id) < 0)
			dir = NULL;
	}
	return dir;
}

char *eu_docker_dir_of_bundle(const char *bundle, const char *id)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_json_ struct json_object *root = NULL;

	if (!bundle || !id || asprintf(&path, "%s/config.json", bundle) < 0) {
		path = NULL;
		return NULL;
	}
	root = read_json_quietly(path);
	return root ? eu_docker_dir_of_config(root, id) : NULL;
}
