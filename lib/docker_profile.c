// SPDX-License-Identifier: GPL-2.0-only
/* Docker/podman seccomp JSON into an eunomia profile, with json-c (see docker_profile.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "caps.h"
#include "docker_profile.h"
#include "json.h"
#include "syscalls.h"

/* Go's name for the host architecture, as includes/excludes.arches spell it. */
#define HOST_GOARCH "amd64"

struct importer {
	const char *name;
	const struct eu_import_opts *o;
	struct eu_profile *p;
	bool arches[EU_ARCH_COUNT]; /* architectures the profile covers */
	size_t skipped;
	struct eu_err *err;
};

static int bad(struct importer *im, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct importer *im, size_t i, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (i == (size_t)-1)
		return eu_fail(im->err, EU_E_PROFILE, 0, "%s: %s", im->name, msg);
	return eu_fail(im->err, EU_E_PROFILE, 0, "%s: syscalls[%zu]: %s", im->name, i, msg);
}

/*
 * "SCMP_ACT_ERRNO" and its errno (errnoRet, or `dflt`); 0 for allow. -1: an action
 * that is not supported; -2: an errno out of range.
 */
static int action_errno(struct json_object *o, const char *action_key, const char *errno_key,
			uint32_t dflt, uint32_t *out)
{
	const char *a = eu_json_str(o, action_key);
	int64_t e;

	if (!a)
		return -1;
	if (!strcmp(a, "SCMP_ACT_ALLOW")) {
		*out = 0;
		return 0;
	}
	if (strcmp(a, "SCMP_ACT_ERRNO"))
		return -1;
	switch (eu_json_int(o, errno_key, &e)) {
	case 1:
		*out = dflt;
		return 0;
	case 0:
		if (e >= 1 && e <= EU_ERRNO_MAX) {
			*out = (uint32_t)e;
			return 0;
		}
		return -2;
	default:
		return -2;
	}
}

static int default_action(struct importer *im, struct json_object *doc)
{
	const char *a = eu_json_str(doc, "defaultAction");
	uint32_t e;

	if (!a)
		return bad(im, (size_t)-1, "no defaultAction");
	im->p->has_default = true;
	if (!strcmp(a, "SCMP_ACT_ERRNO")) {
		if (action_errno(doc, "defaultAction", "defaultErrnoRet", EPERM, &e))
			return bad(im, (size_t)-1, "defaultErrnoRet must be a number from 1 to 4095");
		im->p->default_deny = EU_DENY_ERRNO;
		im->p->default_errno = e;
	} else if (!strcmp(a, "SCMP_ACT_KILL") || !strcmp(a, "SCMP_ACT_KILL_PROCESS") ||
		   !strcmp(a, "SCMP_ACT_KILL_THREAD")) {
		im->p->default_deny = EU_DENY_KILL_PROCESS;
	} else if (!strcmp(a, "SCMP_ACT_LOG")) {
		im->p->default_deny = EU_DENY_LOG;
	} else {
		return bad(im, (size_t)-1,
			   "defaultAction %s: an eunomia profile lists what is allowed, so its "
			   "default must deny (SCMP_ACT_ERRNO, SCMP_ACT_KILL*, or SCMP_ACT_LOG)",
			   a);
	}
	return 0;
}

static void cover(struct importer *im, const char *scmp_name)
{
	int arch = eu_arch_from_name(scmp_name);

	if (arch >= 0)
		im->arches[arch] = true;
}

/* archMap's entry for the host, or the older flat "architectures" list; the host's alone. */
static void architectures(struct importer *im, struct json_object *doc)
{
	struct json_object *map = eu_json_get(doc, "archMap", json_type_array);
	struct json_object *flat = eu_json_get(doc, "architectures", json_type_array);

	im->arches[eu_arch_native()] = true;
	for (size_t i = 0; map && i < json_object_array_length(map); i++) {
		struct json_object *e = json_object_array_get_idx(map, i);
		const char *a = eu_json_str(e, "architecture");
		struct json_object *sub = eu_json_get(e, "subArchitectures", json_type_array);

		if (!a || eu_arch_from_name(a) != eu_arch_native())
			continue;
		for (size_t j = 0; sub && j < json_object_array_length(sub); j++)
			cover(im, json_object_get_string(json_object_array_get_idx(sub, j)));
	}
	for (size_t i = 0; !map && flat && i < json_object_array_length(flat); i++)
		cover(im, json_object_get_string(json_object_array_get_idx(flat, i)));
}

static bool list_has(struct json_object *list, const char *s)
{
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		const char *v = json_object_get_string(json_object_array_get_idx(list, i));

		if (v && !strcmp(v, s))
			return true;
	}
	return false;
}

/* Every capability of the list is the container's (any, with `any`). */
static bool caps_hold(struct importer *im, struct json_object *list, bool any)
{
	size_t n = list ? json_object_array_length(list) : 0;

	for (size_t i = 0; i < n; i++) {
		const char *c = json_object_get_string(json_object_array_get_idx(list, i));
		int cap = c ? eu_cap_from_name(c) : -1;
		bool held = cap >= 0 && (im->o->caps & (1ULL << cap));

		if (any && held)
			return true;
		if (!any && !held)
			return false;
	}
	return !any;
}

/* Compare kernel releases "5.8" and "6.1.0-18-amd64" by their numbers. */
static int kernel_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		char *ea, *eb;
		unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*ea != '.' || *eb != '.')
			break;
		a = ea + 1;
		b = eb + 1;
	}
	return 0;
}

/* Does this entry apply to a container with these capabilities on this host? */
static bool applies(struct importer *im, struct json_object *call)
{
	struct json_object *inc = eu_json_get(call, "includes", json_type_object);
	struct json_object *exc = eu_json_get(call, "excludes", json_type_object);
	struct json_object *arches = eu_json_get(inc, "arches", json_type_array);
	const char *min = eu_json_str(inc, "minKernel");

	if (arches && json_object_array_length(arches) && !list_has(arches, HOST_GOARCH))
		return false;
	if (!caps_hold(im, eu_json_get(inc, "caps", json_type_array), false))
		return false;
	if (min && *min && im->o->kernel && kernel_cmp(im->o->kernel, min) < 0)
		return false;
	if (list_has(eu_json_get(exc, "arches", json_type_array), HOST_GOARCH))
		return false;
	return !caps_hold(im, eu_json_get(exc, "caps", json_type_array), true);
}

static const struct {
	const char *name;
	enum eu_cmp op;
} ops[] = {
	{ "SCMP_CMP_EQ", EU_CMP_EQ }, { "SCMP_CMP_NE", EU_CMP_NE },
	{ "SCMP_CMP_LT", EU_CMP_LT }, { "SCMP_CMP_LE", EU_CMP_LE },
	{ "SCMP_CMP_GT", EU_CMP_GT }, { "SCMP_CMP_GE", EU_CMP_GE },
	{ "SCMP_CMP_MASKED_EQ", EU_CMP_MASKED_EQ },
};

static int u64_member(struct json_object *o, const char *key, uint64_t *v)
{
	struct json_object *m;

	if (!json_object_object_get_ex(o, key, &m) || json_object_is_type(m, json_type_null)) {
		*v = 0;
		return 0;
	}
	if (!json_object_is_type(m, json_type_int))
		return -1;
	errno = 0;
	*v = json_object_get_uint64(m);
	return errno ? -1 : 0;
}

static int parse_args(struct importer *im, size_t i, struct json_object *args,
		      struct eu_cond *conds, unsigned int *n)
{
	size_t count = args ? json_object_array_length(args) : 0;

	if (count > EU_RULE_MAX_CONDS)
		return bad(im, i, "%zu argument conditions; a syscall has six arguments", count);
	for (size_t j = 0; j < count; j++) {
		struct json_object *a = json_object_array_get_idx(args, j);
		const char *op = eu_json_str(a, "op");
		uint64_t index, value, two;
		size_t k;

		if (u64_member(a, "index", &index) || index > 5)
			return bad(im, i, "args[%zu]: index must be 0 to 5", j);
		if (u64_member(a, "value", &value) || u64_member(a, "valueTwo", &two))
			return bad(im, i, "args[%zu]: value and valueTwo must be numbers", j);
		for (k = 0; op && k < EU_ARRAY_SIZE(ops) && strcmp(op, ops[k].name); k++)
			;
		if (!op || k == EU_ARRAY_SIZE(ops))
			return bad(im, i, "args[%zu]: unknown op '%s'", j, op ? op : "(none)");
		conds[j] = (struct eu_cond){ .arg = (uint8_t)index, .op = (uint8_t)ops[k].op };
		/* MASKED_EQ: "value" is the mask, "valueTwo" what the masked argument equals. */
		if (ops[k].op == EU_CMP_MASKED_EQ) {
			conds[j].mask = value;
			conds[j].value = two;
		} else {
			conds[j].value = value;
		}
	}
	*n = (unsigned int)count;
	return 0;
}

/* runc's rule: conditions on distinct arguments are one rule (and); repeats make one each (or). */
static bool repeats_an_argument(const struct eu_cond *c, unsigned int n)
{
	for (unsigned int a = 0; a < n; a++)
		for (unsigned int b = a + 1; b < n; b++)
			if (c[a].arg == c[b].arg)
				return true;
	return false;
}

static int add_name(struct importer *im, int arch, const char *name, uint32_t errnum,
		    const struct eu_cond *conds, unsigned int n)
{
	struct eu_rule r = { .arch = arch, .errnum = errnum };

	r.nr = eu_syscall_nr(arch, name);
	if (r.nr < 0 || r.nr >= EU_NR_MAX) {
		im->skipped++;
		return 0;
	}
	if (!errnum && !n)
		return eu_profile_add_syscall(im->p, arch, r.nr, 0, im->err);
	if (!repeats_an_argument(conds, n)) {
		r.ncond = n;
		memcpy(r.cond, conds, n * sizeof(*conds));
		return eu_profile_add_rule(im->p, &r, im->err);
	}
	for (unsigned int j = 0; j < n; j++) {
		r.ncond = 1;
		r.cond[0] = conds[j];
		if (eu_profile_add_rule(im->p, &r, im->err))
			return -1;
	}
	return 0;
}

static int import_call(struct importer *im, size_t i, struct json_object *call)
{
	struct json_object *names = eu_json_get(call, "names", json_type_array);
	const char *single = eu_json_str(call, "name");
	struct eu_cond conds[EU_RULE_MAX_CONDS];
	unsigned int n = 0;
	uint32_t errnum;

	if (!json_object_is_type(call, json_type_object))
		return bad(im, i, "expected an object");
	if (!applies(im, call))
		return 0;
	switch (action_errno(call, "action", "errnoRet", EPERM, &errnum)) {
	case 0:
		break;
	case -2:
		return bad(im, i, "errnoRet must be a number from 1 to 4095");
	default:
		return bad(im, i, "action %s is not supported (SCMP_ACT_ALLOW or SCMP_ACT_ERRNO)",
			   eu_json_str(call, "action") ? eu_json_str(call, "action") : "(none)");
	}
	if (parse_args(im, i, eu_json_get(call, "args", json_type_array), conds, &n))
		return -1;
	if (!names && !single)
		return bad(im, i, "no names");
	for (int arch = 0; arch < EU_ARCH_COUNT; arch++) {
		if (!im->arches[arch])
			continue;
		if (single && add_name(im, arch, single, errnum, conds, n))
			return -1;
		for (size_t j = 0; names && j < json_object_array_length(names); j++) {
			const char *nm = json_object_get_string(json_object_array_get_idx(names, j));

			if (nm && add_name(im, arch, nm, errnum, conds, n))
				return -1;
		}
	}
	return 0;
}

/*
 * The types of the fields the importer reads, checked before it reads them:
 * a field of the wrong type is an error, never taken for an absent one (a
 * "syscalls" that is not a list would otherwise import as "allow nothing").
 * Fields not listed (comment, listenerPath, flags, ...) are not read.
 */
struct field {
	const char *key;
	json_type type;
	json_type elem;			/* for arrays: the elements' type */
	const struct field *fields;	/* for objects, or arrays of objects */
};

static const struct field filter_fields[] = {
	{ "arches", json_type_array, json_type_string, NULL },
	{ "caps", json_type_array, json_type_string, NULL },
	{ "minKernel", json_type_string, 0, NULL },
	{ NULL, 0, 0, NULL },
};

static const struct field arg_fields[] = {
	{ "index", json_type_int, 0, NULL },
	{ "value", json_type_int, 0, NULL },
	{ "valueTwo", json_type_int, 0, NULL },
	{ "op", json_type_string, 0, NULL },
	{ NULL, 0, 0, NULL },
};

static const struct field call_fields[] = {
	{ "names", json_type_array, json_type_string, NULL },
	{ "name", json_type_string, 0, NULL },
	{ "action", json_type_string, 0, NULL },
	{ "errnoRet", json_type_int, 0, NULL },
	{ "args", json_type_array, json_type_object, arg_fields },
	{ "includes", json_type_object, 0, filter_fields },
	{ "excludes", json_type_object, 0, filter_fields },
	{ NULL, 0, 0, NULL },
};

static const struct field arch_fields[] = {
	{ "architecture", json_type_string, 0, NULL },
	{ "subArchitectures", json_type_array, json_type_string, NULL },
	{ NULL, 0, 0, NULL },
};

static const struct field top_fields[] = {
	{ "defaultAction", json_type_string, 0, NULL },
	{ "defaultErrnoRet", json_type_int, 0, NULL },
	{ "archMap", json_type_array, json_type_object, arch_fields },
	{ "architectures", json_type_array, json_type_string, NULL },
	{ "syscalls", json_type_array, json_type_object, call_fields },
	{ NULL, 0, 0, NULL },
};

static const char *type_name(json_type t)
{
	switch (t) {
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	case json_type_int:
		return "an integer";
	case json_type_double:
		return "a number with a fraction";
	case json_type_boolean:
		return "a boolean";
	default:
		return "null";
	}
}

/* Recursive, as deep as the static field tables: the input does not choose the depth. */
/* NOLINTNEXTLINE(misc-no-recursion) */
static int check_types(struct importer *im, struct json_object *obj, const struct field *fs,
		       const char *where)
{
	char here[256];

	for (const struct field *f = fs; f->key; f++) {
		struct json_object *v;
		json_type t;

		if (!json_object_object_get_ex(obj, f->key, &v) || json_object_is_type(v, json_type_null))
			continue;
		snprintf(here, sizeof(here), "%s%s%s", where, *where ? "." : "", f->key);
		t = json_object_get_type(v);
		if (t != f->type)
			return bad(im, (size_t)-1, "%s: expected %s, found %s", here,
				   type_name(f->type), type_name(t));
		if (t == json_type_object && f->fields && check_types(im, v, f->fields, here))
			return -1;
		for (size_t i = 0; t == json_type_array && i < json_object_array_length(v); i++) {
			struct json_object *e = json_object_array_get_idx(v, i);
			json_type et = json_object_get_type(e);
			char elem[300];

			snprintf(elem, sizeof(elem), "%s[%zu]", here, i);
			if (et != f->elem)
				return bad(im, (size_t)-1, "%s: expected %s, found %s", elem,
					   type_name(f->elem), type_name(et));
			if (et == json_type_object && f->fields && check_types(im, e, f->fields, elem))
				return -1;
		}
	}
	return 0;
}

int eu_docker_import(const char *name, const char *buf, size_t len,
		     const struct eu_import_opts *o, struct eu_profile *p, size_t *skipped,
		     struct eu_err *err)
{
	struct importer im = { .name = name, .o = o, .p = p, .err = err };
	struct json_object *doc = NULL, *calls;
	int rc = -1;

	if (eu_json_parse(name, buf, len, &doc, err))
		return -1;
	if (!json_object_is_type(doc, json_type_object)) {
		bad(&im, (size_t)-1, "expected a JSON object (a seccomp profile)");
		goto out;
	}
	if (check_types(&im, doc, top_fields, "") || default_action(&im, doc))
		goto out;
	architectures(&im, doc);
	for (int a = 0; a < EU_ARCH_COUNT; a++)
		p->arch[a].present |= im.arches[a];
	calls = eu_json_get(doc, "syscalls", json_type_array);
	for (size_t i = 0; calls && i < json_object_array_length(calls); i++)
		if (import_call(&im, i, json_object_array_get_idx(calls, i)))
			goto out;
	p->caps_used = o->caps;
	*skipped = im.skipped;
	rc = 0;
out:
	json_object_put(doc);
	return rc;
}
