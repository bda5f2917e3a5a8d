/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A profile in the JSON forms the container world reads (json-c): the OCI
 * runtime spec's linux.seccomp object, which runc and crun enforce from a
 * bundle's config.json; Docker's and podman's profile file (--security-opt
 * seccomp=FILE); and the Security Profiles Operator's SeccompProfile for
 * Kubernetes. These forms name syscalls once for every architecture they list,
 * so a profile whose architectures allow different syscalls is exported as the
 * union (eu_seccomp_json_is_union() says when that widened it).
 */
#ifndef EUNOMIA_SECCOMP_JSON_H
#define EUNOMIA_SECCOMP_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "profile.h"

/*
 * The Security Profiles Operator's API for a SeccompProfile: v1 since SPO 1.0
 * (v1beta1 was served alongside until 1.0.1, then removed). The object is
 * cluster-scoped (since SPO 0.9): a pod names it as localhostProfile
 * "operator/NAME.json".
 */
#define EU_SPO_API_VERSION "security-profiles-operator.x-k8s.io/v1"
/*
 * Kubernetes allows 253 characters (an RFC 1123 subdomain), but the operator
 * writes NAME.json on each node, and a file name has at most 255 bytes.
 */
#define EU_K8S_NAME_MAX 250

enum eu_json_form {
	EU_JSON_OCI = 0, /* linux.seccomp of config.json */
	EU_JSON_DOCKER,	 /* a Docker/podman profile file */
	EU_JSON_K8S,	 /* a SeccompProfile manifest (security-profiles-operator.x-k8s.io) */
};

/* "oci", "docker", "k8s"; -1 for anything else. */
int eu_json_form_from_name(const char *name);

/*
 * The profile as one JSON object of that form. `deny` is the action for what
 * it does not allow (the profile's default_action, else errno EPERM); `name`
 * names the k8s object, and must be a valid one (EU_E_USAGE otherwise). The
 * k8s form has no default errno, and fails (EU_E_PROFILE) on an argument
 * value above INT64_MAX, which the CRD cannot hold. *out: put with
 * json_object_put().
 */
int eu_seccomp_json(const struct eu_profile *p, enum eu_json_form form, const char *name,
		    struct json_object **out, struct eu_err *err);

/*
 * A filter that allows everything, on every architecture, in that form: for
 * learning, so that the runtime loads a filter and learn sees where the
 * container's own syscalls begin (the seccomp-filter boundary).
 */
int eu_seccomp_json_learning(enum eu_json_form form, const char *name, struct json_object **out,
			     struct eu_err *err);

/*
 * Send what the profile does not decide to the monitor: a SCMP_ACT_NOTIFY entry
 * naming every syscall libseccomp knows on its architectures that it neither
 * allows nor has rules for (write aside, see lib/filter.h), and the listener's
 * path and metadata (listenerPath, listenerMetadata: runc 1.1, crun 0.19 and
 * podman pass them on). `doc` is what eu_seccomp_json() made, oci or docker.
 */
int eu_seccomp_json_notify(const struct eu_profile *p, enum eu_json_form form,
			   struct json_object *doc, const char *listener, const char *metadata,
			   struct eu_err *err);

/* OCI process.capabilities: the profile's capabilities in all five sets. */
int eu_oci_capabilities(const struct eu_profile *p, struct json_object **out,
			struct eu_err *err);

/* Is `name` a valid Kubernetes object name (an RFC 1123 subdomain)? */
bool eu_k8s_name_valid(const char *name);

/*
 * A valid Kubernetes object name made from `s` (a container name): lowercase,
 * other characters as '-', no '-' or '.' first, last or twice in a row. NULL
 * when nothing is left (or out of memory). Free it.
 */
char *eu_k8s_name_from(const char *s);

/* The default errno the k8s form cannot carry (its runtimes answer EPERM); 0 if none. */
uint32_t eu_seccomp_json_k8s_lost_errno(const struct eu_profile *p);

/* Do the profile's architectures allow different syscalls (so the export is their union)? */
bool eu_seccomp_json_is_union(const struct eu_profile *p);

#endif
