// SPDX-License-Identifier: GPL-2.0-only
/* The OCI state document of a hook's standard input (see oci_state.h). */
#include <limits.h>
#include <string.h>

#include "json.h"
#include "oci_state.h"

static int bad(const char *name, struct eu_err *err, const char *what)
{
	return eu_fail(err, EU_E_PROFILE, 0, "%s: %s", name, what);
}

int eu_oci_state_parse(const char *name, const char *buf, size_t len, bool need_pid,
		       struct eu_oci_state *s, struct eu_err *err)
{
	struct json_object *doc, *ann;
	int64_t pid = 0;
	int rc;

	*s = (struct eu_oci_state){ 0 };
	if (eu_json_parse(name, buf, len, &doc, err))
		return -1;
	s->doc = doc;
	if (!json_object_is_type(doc, json_type_object)) {
		bad(name, err, "expected a JSON object (the OCI state of a container)");
		goto fail;
	}
	s->oci_version = eu_json_str(doc, "ociVersion");
	s->id = eu_json_str(doc, "id");
	s->status = eu_json_str(doc, "status");
	s->bundle = eu_json_str(doc, "bundle");
	if (!s->oci_version) {
		bad(name, err, "no ociVersion (a string): not an OCI state");
		goto fail;
	}
	if (!s->id || !*s->id || strchr(s->id, '/') || !strcmp(s->id, ".") || !strcmp(s->id, "..")) {
		bad(name, err, "no valid id (a non-empty string without '/')");
		goto fail;
	}
	if (!s->status) {
		bad(name, err, "no status (a string)");
		goto fail;
	}
	if (!s->bundle || s->bundle[0] != '/') {
		bad(name, err, "no bundle (an absolute path)");
		goto fail;
	}
	rc = eu_json_int(doc, "pid", &pid);
	if (rc < 0 || (rc == 0 && (pid < 0 || pid > INT_MAX))) {
		bad(name, err, "pid is not a process id");
		goto fail;
	}
	if (need_pid && (rc == 1 || pid <= 0)) {
		bad(name, err, "no pid: the container has no init process to follow");
		goto fail;
	}
	s->pid = (pid_t)pid;
	if (json_object_object_get_ex(doc, "annotations", &ann) &&
	    !json_object_is_type(ann, json_type_null)) {
		if (!json_object_is_type(ann, json_type_object)) {
			bad(name, err, "annotations is not an object");
			goto fail;
		}
		json_object_object_foreach(ann, k, v)
		{
			(void)k;
			if (!json_object_is_type(v, json_type_string)) {
				eu_fail(err, EU_E_PROFILE, 0, "%s: annotation %s is not a string",
					name, k);
				goto fail;
			}
		}
		s->annotations = ann;
	}
	return 0;
fail:
	eu_oci_state_free(s);
	return -1;
}

const char *eu_oci_annotation(const struct eu_oci_state *s, const char *key)
{
	return s->annotations ? eu_json_str(s->annotations, key) : NULL;
}

void eu_oci_state_free(struct eu_oci_state *s)
{
	json_object_put(s->doc);
	*s = (struct eu_oci_state){ 0 };
}
