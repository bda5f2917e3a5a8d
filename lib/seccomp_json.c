// SPDX-License-Identifier: GPL-2.0-only
/* Profile to OCI, Docker and Kubernetes seccomp JSON with json-c (see seccomp_json.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "cleanup.h"
#include "filter.h"
#include "seccomp_json.h"
#include "syscalls.h"

static const char *const forms[] = { [EU_JSON_OCI] = "oci", [EU_JSON_DOCKER] = "docker",
				     [EU_JSON_K8S] = "k8s" };

/* libseccomp's architecture names, as these forms spell them. */
static const char *const scmp_arch[EU_ARCH_COUNT] = {
	[EU_ARCH_X86_64] = "SCMP_ARCH_X86_64",
	[EU_ARCH_I386] = "SCMP_ARCH_X86",
	[EU_ARCH_X32] = "SCMP_ARCH_X32",
};

static const char *const scmp_cmp[] = {
	[EU_CMP_EQ] = "SCMP_CMP_EQ", [EU_CMP_NE] = "SCMP_CMP_NE",
	[EU_CMP_LT] = "SCMP_CMP_LT", [EU_CMP_LE] = "SCMP_CMP_LE",
	[EU_CMP_GT] = "SCMP_CMP_GT", [EU_CMP_GE] = "SCMP_CMP_GE",
	[EU_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

int eu_json_form_from_name(const char *name)
{
	for (size_t i = 0; i < EU_ARRAY_SIZE(forms); i++)
		if (!strcmp(name, forms[i]))
			return (int)i;
	return -1;
}

bool eu_seccomp_json_is_union(const struct eu_profile *p)
{
	const struct eu_syscall_set *ref = NULL;

	for (int a = 0; a < EU_ARCH_COUNT; a++) {
		if (!p->arch[a].present)
			continue;
		if (!ref) {
			ref = &p->arch[a];
			continue;
		}
		/* compare by name: numbers differ between ABIs */
		for (int nr = 0; nr < EU_NR_MAX; nr++) {
			_cleanup_free_ char *name = NULL;
			int other;

			if (!eu_bit_test(p->arch[a].bits, nr))
				continue;
			name = eu_syscall_name(a, nr);
			other = name ? eu_syscall_nr(eu_arch_native(), name) : -1;
			if (other >= 0 && !eu_bit_test(ref->bits, other))
				return true;
		}
	}
	return false;
}

/* Adding to json-c containers fails only on allocation failure. */
static int put(struct json_object *obj, const char *key, struct json_object *v)
{
	if (!v || json_object_object_add(obj, key, v)) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

static int append(struct json_object *arr, struct json_object *v)
{
	if (!v || json_object_array_add(arr, v)) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

/* A sorted name list without repeats, for the union of architectures. */
static int add_name(struct eu_strv *names, int arch, int nr, struct eu_err *err)
{
	_cleanup_free_ char *name = eu_syscall_name(arch, nr);

	if (!name)
		return eu_fail(err, EU_E_PROFILE, 0,
			       "syscall number %d of %s has no name, and these forms name syscalls",
			       nr, eu_arch_name(arch));
	return eu_strv_add_sorted(names, name, err);
}

static struct json_object *names_array(const struct eu_strv *names)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; arr && i < names->n; i++)
		if (append(arr, json_object_new_string(names->v[i]))) {
			json_object_put(arr);
			return NULL;
		}
	return arr;
}

/*
 * The SeccompProfile CRD holds argument values as int64: a larger one (a 64-bit
 * mask, -1 as an unsigned value) would be refused by the API server, or worse,
 * changed. Such a rule is an error in that form, never rewritten.
 */
static int k8s_values_fit(const struct eu_rule *r, const char *name, struct eu_err *err)
{
	for (unsigned int i = 0; i < r->ncond; i++) {
		const struct eu_cond *c = &r->cond[i];

		uint64_t big = c->value > INT64_MAX ? c->value : c->mask;

		if (c->value > INT64_MAX || (c->op == EU_CMP_MASKED_EQ && c->mask > INT64_MAX))
			return eu_fail(err, EU_E_PROFILE, 0,
				       "%s: the rule on arg%u compares with 0x%llx, more than a "
				       "SeccompProfile holds (int64); export it as oci or docker",
				       name, c->arg, (unsigned long long)big);
	}
	return 0;
}

static struct json_object *rule_entry(const struct eu_rule *r, enum eu_json_form form,
				      struct eu_err *err)
{
	struct json_object *e = NULL, *names, *args;
	_cleanup_free_ char *name = eu_syscall_name(r->arch, r->nr);

	if (name && form == EU_JSON_K8S && k8s_values_fit(r, name, err))
		return NULL;
	e = json_object_new_object();
	if (!e || !name)
		goto fail;
	names = json_object_new_array();
	if (put(e, "names", names) || append(names, json_object_new_string(name)) ||
	    put(e, "action", json_object_new_string(r->errnum ? "SCMP_ACT_ERRNO" : "SCMP_ACT_ALLOW")))
		goto fail;
	if (r->errnum && put(e, "errnoRet", json_object_new_int64(r->errnum)))
		goto fail;
	args = json_object_new_array();
	if (put(e, "args", args))
		goto fail;
	for (unsigned int i = 0; i < r->ncond; i++) {
		const struct eu_cond *c = &r->cond[i];
		struct json_object *a = json_object_new_object();
		bool masked = c->op == EU_CMP_MASKED_EQ;

		if (append(args, a) || put(a, "index", json_object_new_int64(c->arg)) ||
		    put(a, "value", json_object_new_uint64(masked ? c->mask : c->value)) ||
		    put(a, "valueTwo", json_object_new_uint64(masked ? c->value : 0)) ||
		    put(a, "op", json_object_new_string(scmp_cmp[c->op])))
			goto fail;
	}
	return e;
fail:
	json_object_put(e);
	eu_fail(err, EU_E_INTERNAL, ENOMEM, "building the JSON of a rule");
	return NULL;
}

/* The syscalls array: one ALLOW entry for every name allowed outright, then one per rule. */
static struct json_object *syscalls_array(const struct eu_profile *p, enum eu_json_form form,
					  struct eu_err *err)
{
	struct eu_strv names = { 0 };
	struct json_object *arr = json_object_new_array(), *all;

	if (!arr)
		goto nomem;
	for (int a = 0; a < EU_ARCH_COUNT; a++)
		for (int nr = 0; p->arch[a].present && nr < EU_NR_MAX; nr++)
			if (eu_bit_test(p->arch[a].bits, nr) && add_name(&names, a, nr, err))
				goto fail;
	if (names.n) {
		all = json_object_new_object();
		if (append(arr, all) || put(all, "names", names_array(&names)) ||
		    put(all, "action", json_object_new_string("SCMP_ACT_ALLOW")))
			goto nomem;
	}
	for (size_t i = 0; i < p->nrules; i++) {
		bool dup = false;

		/* the same rule of another architecture is the same entry here */
		for (size_t j = 0; j < i && !dup; j++) {
			struct eu_rule r = p->rules[j];
			_cleanup_free_ char *a = NULL, *b = NULL;

			/* the conditions first: names are looked up only for rules that could match */
			r.arch = p->rules[i].arch;
			r.nr = p->rules[i].nr;
			if (!eu_rule_equal(&r, &p->rules[i]))
				continue;
			a = eu_syscall_name(p->rules[j].arch, p->rules[j].nr);
			b = eu_syscall_name(p->rules[i].arch, p->rules[i].nr);
			dup = a && b && !strcmp(a, b);
		}
		if (!dup && append(arr, rule_entry(&p->rules[i], form, err)))
			goto fail;
	}
	eu_strv_free(&names);
	return arr;
nomem:
	eu_fail(err, EU_E_INTERNAL, ENOMEM, "building the JSON profile");
fail:
	eu_strv_free(&names);
	json_object_put(arr);
	return NULL;
}

/* The SeccompProfile CRD has no defaultErrnoRet: its runtimes answer EPERM. */
static int default_action(const struct eu_profile *p, enum eu_json_form form,
			  struct json_object *o)
{
	enum eu_deny d = p->has_default ? p->default_deny : EU_DENY_ERRNO;
	uint32_t e = p->has_default && p->default_errno ? p->default_errno : EPERM;

	switch (d) {
	case EU_DENY_KILL_PROCESS:
		return put(o, "defaultAction", json_object_new_string("SCMP_ACT_KILL_PROCESS"));
	case EU_DENY_LOG:
		return put(o, "defaultAction", json_object_new_string("SCMP_ACT_LOG"));
	default:
		return put(o, "defaultAction", json_object_new_string("SCMP_ACT_ERRNO")) ||
		       (form != EU_JSON_K8S && put(o, "defaultErrnoRet", json_object_new_int64(e)));
	}
}

/*
 * The architectures in `present` (indexed by EU_ARCH_*). OCI: "architectures":
 * [...]; Docker: "archMap": [{architecture, subArchitectures}].
 */
static int architectures(const bool *present, enum eu_json_form form, struct json_object *o)
{
	struct json_object *list = json_object_new_array(), *map, *entry;
	int native = eu_arch_native();

	for (int a = 0; list && a < EU_ARCH_COUNT; a++)
		if (present[a] && (form != EU_JSON_DOCKER || a != native) &&
		    append(list, json_object_new_string(scmp_arch[a])))
			return -1;
	if (form != EU_JSON_DOCKER)
		return put(o, "architectures", list);
	map = json_object_new_array();
	entry = json_object_new_object();
	if (put(o, "archMap", map) || append(map, entry) ||
	    put(entry, "architecture", json_object_new_string(scmp_arch[native]))) {
		json_object_put(list);
		return -1;
	}
	return put(entry, "subArchitectures", list);
}

/* Kubernetes names most objects, SeccompProfiles too, as RFC 1123 subdomains. */
bool eu_k8s_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > EU_K8S_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		/* each dot-separated label starts and ends with a letter or digit */
		bool edge = i == 0 || i == n - 1 || name[i - 1] == '.' || name[i + 1] == '.';

		if (!alnum && (edge || (c != '-' && c != '.')))
			return false;
	}
	return true;
}

char *eu_k8s_name_from(const char *s)
{
	size_t n = 0, len = s ? strlen(s) : 0;
	char *out = malloc(len + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < len && n < EU_K8S_NAME_MAX; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'))
			c = '-';
		/* no label starts with '-' or '.', and none is empty */
		if ((c == '-' || c == '.') && (n == 0 || out[n - 1] == '.' || out[n - 1] == '-'))
			continue;
		out[n++] = c;
	}
	while (n && (out[n - 1] == '-' || out[n - 1] == '.'))
		n--;
	out[n] = '\0';
	if (!n) {
		free(out);
		return NULL;
	}
	return out;
}

uint32_t eu_seccomp_json_k8s_lost_errno(const struct eu_profile *p)
{
	if (!p->has_default || p->default_deny != EU_DENY_ERRNO || !p->default_errno ||
	    p->default_errno == EPERM)
		return 0;
	return p->default_errno;
}

/* The object of `form` around a seccomp spec (OCI and Docker: the spec itself); takes spec. */
static int wrap(struct json_object *spec, enum eu_json_form form, const char *name,
		struct json_object **out, struct eu_err *err)
{
	struct json_object *doc, *meta;

	if (form != EU_JSON_K8S) {
		*out = spec;
		return 0;
	}
	if (!eu_k8s_name_valid(name)) {
		json_object_put(spec);
		return eu_fail(err, EU_E_USAGE, 0,
			       "'%s' cannot name a SeccompProfile: Kubernetes wants lowercase "
			       "letters, digits, '-' and '.', a letter or digit first and last, "
			       "at most %d characters",
			       name ? name : "", EU_K8S_NAME_MAX);
	}
	doc = json_object_new_object();
	meta = json_object_new_object();
	/* put() takes its value even when it fails, so each is owned by the time it is tried. */
	if (!doc || !meta || put(meta, "name", json_object_new_string(name)) ||
	    put(doc, "apiVersion",
		json_object_new_string(EU_SPO_API_VERSION)) ||
	    put(doc, "kind", json_object_new_string("SeccompProfile"))) {
		json_object_put(spec);
		json_object_put(meta);
		json_object_put(doc);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "building the JSON profile");
	}
	if (put(doc, "metadata", meta)) {
		json_object_put(spec);
		json_object_put(doc);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "building the JSON profile");
	}
	if (put(doc, "spec", spec)) {
		json_object_put(doc);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "building the JSON profile");
	}
	*out = doc;
	return 0;
}

int eu_seccomp_json(const struct eu_profile *p, enum eu_json_form form, const char *name,
		    struct json_object **out, struct eu_err *err)
{
	struct json_object *spec = json_object_new_object(), *calls;
	bool present[EU_ARCH_COUNT];

	for (int a = 0; a < EU_ARCH_COUNT; a++)
		present[a] = p->arch[a].present;
	if (!spec || default_action(p, form, spec) ||
	    architectures(present, form == EU_JSON_K8S ? EU_JSON_OCI : form, spec))
		goto nomem;
	calls = syscalls_array(p, form, err);
	if (!calls) {
		json_object_put(spec);
		return -1;
	}
	if (put(spec, "syscalls", calls))
		goto nomem;
	return wrap(spec, form, name, out, err);
nomem:
	json_object_put(spec);
	return eu_fail(err, EU_E_INTERNAL, ENOMEM, "building the JSON profile");
}

int eu_seccomp_json_learning(enum eu_json_form form, const char *name, struct json_object **out,
			     struct eu_err *err)
{
	struct json_object *spec = json_object_new_object();
	bool present[EU_ARCH_COUNT];

	for (int a = 0; a < EU_ARCH_COUNT; a++)
		present[a] = true;
	if (!spec || put(spec, "defaultAction", json_object_new_string("SCMP_ACT_ALLOW")) ||
	    architectures(present, form == EU_JSON_K8S ? EU_JSON_OCI : form, spec) ||
	    put(spec, "syscalls", json_object_new_array())) {
		json_object_put(spec);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "building the JSON profile");
	}
	return wrap(spec, form, name, out, err);
}

/* Names the profile decides: allowed outright, or with rules, on any architecture. */
static bool decided(const struct eu_profile *p, const char *name)
{
	for (int a = 0; a < EU_ARCH_COUNT; a++) {
		int nr = p->arch[a].present ? eu_syscall_nr(a, name) : -1;

		if (nr >= 0 && (eu_profile_has_syscall(p, a, nr) || eu_profile_has_rules(p, a, nr)))
			return true;
	}
	return false;
}

/*
 * A syscall allowed by argument rules (socket for some families): its calls no
 * rule allows go to the monitor too, by a catch-all NOTIFY rule libseccomp
 * tests after the others (eu_profile_fallback_arg); runc refuses NOTIFY as
 * the default action, so the default cannot do it. One entry per name.
 */
static int notify_fallbacks(const struct eu_profile *p, struct json_object *calls,
			    struct eu_err *err)
{
	struct eu_strv done = { 0 };
	int rc = 0;

	for (int a = 0; a < EU_ARCH_COUNT && !rc; a++)
		for (int nr = 0; p->arch[a].present && nr < EU_NR_MAX && !rc; nr++) {
			_cleanup_free_ char *name = NULL;
			struct json_object *e, *names, *args, *cond;
			int arg = eu_profile_fallback_arg(p, a, nr);
			bool seen = false;

			if (arg < 0 || !(name = eu_syscall_name(a, nr)) ||
			    eu_filter_never_notified(name))
				continue;
			for (size_t i = 0; i < done.n && !seen; i++)
				seen = !strcmp(done.v[i], name);
			if (seen)
				continue;
			/* each object is attached as soon as it is made: the tree owns it */
			e = json_object_new_object();
			if (append(calls, e))
				goto nomem;
			names = json_object_new_array();
			if (put(e, "names", names) || append(names, json_object_new_string(name)) ||
			    put(e, "action", json_object_new_string("SCMP_ACT_NOTIFY")))
				goto nomem;
			args = json_object_new_array();
			if (put(e, "args", args))
				goto nomem;
			cond = json_object_new_object();
			if (append(args, cond) || put(cond, "index", json_object_new_int64(arg)) ||
			    put(cond, "value", json_object_new_uint64(0)) ||
			    put(cond, "valueTwo", json_object_new_uint64(0)) ||
			    put(cond, "op", json_object_new_string("SCMP_CMP_GE")))
				goto nomem;
			rc = eu_strv_add_sorted(&done, name, err);
		}
	eu_strv_free(&done);
	return rc;
nomem:
	eu_strv_free(&done);
	return eu_fail(err, EU_E_INTERNAL, ENOMEM, "building the JSON profile");
}

int eu_seccomp_json_notify(const struct eu_profile *p, enum eu_json_form form,
			   struct json_object *doc, const char *listener, const char *metadata,
			   struct eu_err *err)
{
	struct json_object *calls = NULL, *entry, *arr;
	struct eu_strv names = { 0 };

	if (form == EU_JSON_K8S)
		return eu_fail(err, EU_E_USAGE, 0,
			       "a SeccompProfile cannot name a listener: the monitor hears refused "
			       "calls from oci and docker profiles only");
	if (!json_object_object_get_ex(doc, "syscalls", &calls) ||
	    !json_object_is_type(calls, json_type_array))
		return eu_fail(err, EU_E_INTERNAL, 0, "a seccomp profile without its syscalls");
	for (int a = 0; a < EU_ARCH_COUNT; a++)
		for (int nr = 0; p->arch[a].present && nr < EU_NR_MAX; nr++) {
			_cleanup_free_ char *name = eu_syscall_name(a, nr);

			if (name && !eu_filter_never_notified(name) && !decided(p, name) &&
			    eu_strv_add_sorted(&names, name, err))
				goto fail;
		}
	arr = names_array(&names);
	entry = json_object_new_object();
	if (!arr || !entry || put(entry, "names", arr) ||
	    put(entry, "action", json_object_new_string("SCMP_ACT_NOTIFY")) ||
	    append(calls, entry) || put(doc, "listenerPath", json_object_new_string(listener)) ||
	    put(doc, "listenerMetadata", json_object_new_string(metadata))) {
		if (!entry)
			json_object_put(arr);
		eu_fail(err, EU_E_INTERNAL, ENOMEM, "building the JSON profile");
		goto fail;
	}
	eu_strv_free(&names);
	return notify_fallbacks(p, calls, err);
fail:
	eu_strv_free(&names);
	return -1;
}

int eu_oci_capabilities(const struct eu_profile *p, struct json_object **out,
			struct eu_err *err)
{
	static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted",
					    "ambient" };
	struct json_object *caps = json_object_new_object();

	for (size_t s = 0; caps && s < EU_ARRAY_SIZE(sets); s++) {
		struct json_object *list = json_object_new_array();

		if (put(caps, sets[s], list))
			goto nomem;
		for (int c = 0; c < EU_CAP_MAX; c++) {
			_cleanup_free_ char *n = NULL;

			if (!(p->caps_used & (1ULL << c)))
				continue;
			n = eu_cap_name(c);
			if (!n || append(list, json_object_new_string(n)))
				goto nomem;
		}
	}
	if (!caps)
		goto nomem;
	*out = caps;
	return 0;
nomem:
	json_object_put(caps);
	return eu_fail(err, EU_E_INTERNAL, ENOMEM, "building the capability sets");
}
