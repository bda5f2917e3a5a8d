// SPDX-License-Identifier: GPL-2.0-only
/*
 * The profile's YAML form. Reading walks libyaml's document tree against a
 * fixed schema, so every complaint can point at a line and column; writing
 * drives libyaml's emitter in a fixed order, so the same profile always gives
 * the same bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "caps.h"
#include "cleanup.h"
#include "families.h"
#include "file.h"
#include "profile_yaml.h"
#include "syscalls.h"

/* ---- reading ---------------------------------------------------------------- */

struct yctx {
	const char *name;
	yaml_document_t *doc;
	struct eu_profile *p;
	struct eu_err *err;
};

static int fail_at(struct yctx *c, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_at(struct yctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return eu_fail(c->err, EU_E_PROFILE, 0, "%s:%zu:%zu: %s", c->name, n->start_mark.line + 1,
		       n->start_mark.column + 1, msg);
}
/* Always -1, as eu_fail() (see errors.h): the analysers do not follow a variadic call. */
#define fail_at(...) ({ fail_at(__VA_ARGS__); -1; })

static const char *kind_name(yaml_node_type_t t)
{
	switch (t) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

static int want(struct yctx *c, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
	if (n->type == t)
		return 0;
	return fail_at(c, n, "expected %s for %s, found %s", kind_name(t), what,
		       kind_name(n->type));
}

static yaml_node_t *node_at(struct yctx *c, int index)
{
	return yaml_document_get_node(c->doc, index);
}

static int get_str(struct yctx *c, const yaml_node_t *n, const char *what, const char **out)
{
	if (want(c, n, YAML_SCALAR_NODE, what))
		return -1;
	/* libyaml guarantees termination; an embedded NUL would silently truncate. */
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
		return fail_at(c, n, "%s contains a NUL byte", what);
	*out = (const char *)n->data.scalar.value;
	return 0;
}

static int get_nonempty(struct yctx *c, const yaml_node_t *n, const char *what, const char **out)
{
	if (get_str(c, n, what, out))
		return -1;
	if (!**out)
		return fail_at(c, n, "expected a non-empty string for %s", what);
	return 0;
}

static int get_u64(struct yctx *c, const yaml_node_t *n, const char *what, uint64_t *out)
{
	const char *s, *p;
	uint64_t v = 0;

	if (get_str(c, n, what, &s))
		return -1;
	if (!*s)
		return fail_at(c, n, "expected a non-negative integer for %s, found nothing", what);
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return fail_at(c, n, "expected a non-negative integer for %s, found '%s'",
				       what, s);
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return fail_at(c, n, "%s is too large: '%s'", what, s);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return 0;
}

static int set_str(struct yctx *c, const yaml_node_t *n, const char *what, char **slot)
{
	const char *s;

	if (get_nonempty(c, n, what, &s))
		return -1;
	return eu_set_str(slot, s, c->err);
}

typedef int (*field_fn)(struct yctx *c, yaml_node_t *key, yaml_node_t *val, void *arg);

struct field {
	const char *key;
	field_fn parse;
	bool required;
};

/* Walk a mapping with a fixed set of keys: unknown, duplicate and missing keys are errors. */
static int walk_fields(struct yctx *c, yaml_node_t *map, const char *where,
		       const struct field *f, size_t nf, void *arg)
{
	uint64_t seen = 0;

	if (want(c, map, YAML_MAPPING_NODE, where))
		return -1;
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = node_at(c, pr->key), *v = node_at(c, pr->value);
		const char *key;
		size_t i;

		if (get_str(c, k, "a key", &key))
			return -1;
		for (i = 0; i < nf && strcmp(key, f[i].key); i++)
			;
		if (i == nf) {
			char expected[512] = "";
			size_t off = 0;

			for (size_t j = 0; j < nf && off < sizeof(expected); j++)
				off += snprintf(expected + off, sizeof(expected) - off, "%s%s",
						j ? ", " : "", f[j].key);
			return fail_at(c, k, "unknown key '%s' in %s (expected one of: %s)", key,
				       where, expected);
		}
		if (seen & (1ULL << i))
			return fail_at(c, k, "duplicate key '%s' in %s", key, where);
		seen |= 1ULL << i;
		if (f[i].parse(c, k, v, arg))
			return -1;
	}
	for (size_t i = 0; i < nf; i++)
		if (f[i].required && !(seen & (1ULL << i)))
			return fail_at(c, map, "missing key '%s' in %s", f[i].key, where);
	return 0;
}

/* Call fn for each item of a list. */
static int walk_list(struct yctx *c, yaml_node_t *seq, const char *what,
		     int (*fn)(struct yctx *c, yaml_node_t *item, void *arg), void *arg)
{
	if (want(c, seq, YAML_SEQUENCE_NODE, what))
		return -1;
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++)
		if (fn(c, node_at(c, *it), arg))
			return -1;
	return 0;
}

static int parse_version(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	uint64_t ver;

	(void)k;
	(void)arg;
	if (get_u64(c, v, "version", &ver))
		return -1;
	if (ver != EU_PROFILE_VERSION)
		return fail_at(c, v, "unsupported profile version %" PRIu64
				     " (this eunomia reads version %d)",
			       ver, EU_PROFILE_VERSION);
	c->p->version = (uint32_t)ver;
	return 0;
}

/* metadata.container */
#define STR_FIELD(fname, member, what)                                                             \
	static int fname(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)                \
	{                                                                                          \
		(void)k;                                                                           \
		(void)arg;                                                                         \
		return set_str(c, v, what, &c->p->meta.member);                                    \
	}
STR_FIELD(parse_ct_id, container_id, "metadata.container.id")
STR_FIELD(parse_ct_name, container_name, "metadata.container.name")
STR_FIELD(parse_ct_runtime, runtime, "metadata.container.runtime")
STR_FIELD(parse_ct_image, image, "metadata.container.image")
STR_FIELD(parse_ct_bundle, bundle, "metadata.container.bundle")
STR_FIELD(parse_kernel, kernel, "metadata.kernel")
STR_FIELD(parse_start, learned_at, "metadata.learned.start")
#undef STR_FIELD

static const struct field container_fields[] = {
	{ "id", parse_ct_id, false },	      { "name", parse_ct_name, false },
	{ "runtime", parse_ct_runtime, false }, { "image", parse_ct_image, false },
	{ "bundle", parse_ct_bundle, false },
};

static int parse_container(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return walk_fields(c, v, "metadata.container", container_fields,
			   EU_ARRAY_SIZE(container_fields), arg);
}

static int parse_command_word(struct yctx *c, yaml_node_t *item, void *arg)
{
	const char *s;

	(void)arg;
	if (get_str(c, item, "a word of metadata.command", &s))
		return -1;
	return eu_strv_append(&c->p->meta.command, s, c->err);
}

static int parse_command(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return walk_list(c, v, "metadata.command", parse_command_word, arg);
}

/* "12.345" seconds, at most millisecond precision, into milliseconds. */
static int get_ms(struct yctx *c, yaml_node_t *v, const char *what, uint64_t *ms)
{
	const char *s, *p;
	uint64_t whole = 0, frac = 0;
	int digits = 0;

	if (get_str(c, v, what, &s))
		return -1;
	for (p = s; *p >= '0' && *p <= '9' && whole < UINT64_MAX / 10000; p++)
		whole = whole * 10 + (uint64_t)(*p - '0');
	if (p != s && *p == '.')
		for (p++; *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
			frac = frac * 10 + (uint64_t)(*p - '0');
	if (p == s || *p)
		return fail_at(c, v, "expected seconds with at most 3 decimals for %s, found '%s'",
			       what, s);
	while (digits++ < 3)
		frac *= 10;
	*ms = whole * 1000 + frac;
	return 0;
}

static int parse_duration(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	(void)arg;
	return get_ms(c, v, "metadata.learned.duration_seconds", &c->p->meta.duration_ms);
}

static int parse_quiet(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	(void)arg;
	c->p->meta.has_quiet = true;
	return get_ms(c, v, "metadata.learned.quiet_seconds", &c->p->meta.quiet_ms);
}

static int parse_runs(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	uint64_t runs;

	(void)k;
	(void)arg;
	if (get_u64(c, v, "metadata.learned.runs", &runs))
		return -1;
	if (runs > UINT32_MAX)
		return fail_at(c, v, "metadata.learned.runs is too large");
	c->p->meta.runs = (uint32_t)runs;
	return 0;
}

static int parse_boundary(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	const char *s;
	int b;

	(void)k;
	(void)arg;
	if (get_str(c, v, "metadata.learned.boundary", &s))
		return -1;
	b = eu_boundary_from_name(s);
	if (b < 0)
		return fail_at(c, v,
			       "unknown boundary '%s' (expected none, seccomp-filter or exec)", s);
	c->p->meta.boundary = (enum eu_boundary)b;
	return 0;
}

static const struct field learned_fields[] = {
	{ "start", parse_start, false },
	{ "duration_seconds", parse_duration, false },
	{ "runs", parse_runs, false },
	{ "boundary", parse_boundary, false },
	{ "quiet_seconds", parse_quiet, false },
};

static int parse_learned(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return walk_fields(c, v, "metadata.learned", learned_fields,
			   EU_ARRAY_SIZE(learned_fields), arg);
}

/* A list of capability names into a mask. */
static int parse_cap_item(struct yctx *c, yaml_node_t *item, void *arg)
{
	uint64_t *mask = arg;
	const char *s;
	int cap;

	if (get_str(c, item, "a capability", &s))
		return -1;
	cap = eu_cap_from_name(s);
	if (cap < 0)
		return fail_at(c, item, "unknown capability '%s' (expected a name such as CAP_CHOWN)",
			       s);
	*mask |= 1ULL << cap;
	return 0;
}

struct syscall_list_arg {
	int arch;
	uint64_t *bits;
};

static int parse_setup_syscall(struct yctx *c, yaml_node_t *item, void *arg)
{
	struct syscall_list_arg *a = arg;
	const char *s;
	int nr;

	if (get_str(c, item, "a syscall name", &s))
		return -1;
	nr = eu_syscall_nr(a->arch, s);
	if (nr < 0 || nr >= EU_NR_MAX)
		return fail_at(c, item, "unknown syscall '%s' for architecture %s", s,
			       eu_arch_name(a->arch));
	eu_bit_set(a->bits, (unsigned int)nr);
	return 0;
}

/* metadata.runtime_setup: {x86_64: [names], ..., capabilities: [names]} */
static int parse_runtime_setup(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	(void)arg;
	if (want(c, v, YAML_MAPPING_NODE, "metadata.runtime_setup"))
		return -1;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *key = node_at(c, pr->key), *val = node_at(c, pr->value);
		const char *name;
		int arch;

		if (get_str(c, key, "a key", &name))
			return -1;
		if (!strcmp(name, "capabilities")) {
			if (walk_list(c, val, "metadata.runtime_setup.capabilities", parse_cap_item,
				      &c->p->meta.setup_caps))
				return -1;
			continue;
		}
		arch = eu_arch_from_name(name);
		if (arch < 0 || strcmp(name, eu_arch_name(arch)))
			return fail_at(c, key,
				       "unknown key '%s' in metadata.runtime_setup (expected an "
				       "architecture: x86_64, i386, x32; or capabilities)",
				       name);
		struct syscall_list_arg a = { arch, c->p->meta.setup_bits[arch] };

		if (walk_list(c, val, "metadata.runtime_setup syscalls", parse_setup_syscall, &a))
			return -1;
	}
	return 0;
}

static const struct field metadata_fields[] = {
	{ "container", parse_container, false },
	{ "command", parse_command, false },
	{ "kernel", parse_kernel, false },
	{ "learned", parse_learned, false },
	{ "runtime_setup", parse_runtime_setup, false },
};

static int parse_metadata(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return walk_fields(c, v, "metadata", metadata_fields, EU_ARRAY_SIZE(metadata_fields), arg);
}

/* architectures.<arch>.syscalls: {name: count} */
static int parse_syscalls(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	int arch = *(int *)arg;

	(void)k;
	if (want(c, v, YAML_MAPPING_NODE, "syscalls"))
		return -1;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *key = node_at(c, pr->key), *val = node_at(c, pr->value);
		const char *name;
		uint64_t count;
		int nr;

		if (get_str(c, key, "a syscall name", &name))
			return -1;
		nr = eu_syscall_nr(arch, name);
		if (nr < 0 || nr >= EU_NR_MAX)
			return fail_at(c, key, "unknown syscall '%s' for architecture %s", name,
				       eu_arch_name(arch));
		if (eu_profile_has_syscall(c->p, arch, nr))
			return fail_at(c, key, "syscall '%s' is listed twice for architecture %s",
				       name, eu_arch_name(arch));
		if (eu_profile_has_rules(c->p, arch, nr))
			return fail_at(c, key,
				       "syscall '%s' has rules but is also allowed outright on %s",
				       name, eu_arch_name(arch));
		if (get_u64(c, val, "a syscall count", &count) ||
		    eu_profile_add_syscall(c->p, arch, nr, count, c->err))
			return -1;
	}
	return 0;
}

/* architectures.<arch>.unnamed: {number: count}, syscalls libseccomp cannot name */
static int parse_unnamed(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	int arch = *(int *)arg;

	(void)k;
	if (want(c, v, YAML_MAPPING_NODE, "unnamed"))
		return -1;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *key = node_at(c, pr->key), *val = node_at(c, pr->value);
		uint64_t nr, count;

		if (get_u64(c, key, "a syscall number", &nr))
			return -1;
		if (nr >= EU_NR_MAX)
			return fail_at(c, key, "syscall number %" PRIu64 " is out of range (0-%d)",
				       nr, EU_NR_MAX - 1);
		if (eu_profile_has_syscall(c->p, arch, (int)nr))
			return fail_at(c, key,
				       "syscall number %" PRIu64
				       " is listed twice for architecture %s",
				       nr, eu_arch_name(arch));
		if (get_u64(c, val, "a syscall count", &count) ||
		    eu_profile_add_syscall(c->p, arch, (int)nr, count, c->err))
			return -1;
	}
	return 0;
}

/* One rule of architectures.<arch>.rules.<syscall>; arg points at a rule with arch and nr set. */
static int parse_rule_item(struct yctx *c, yaml_node_t *item, void *arg)
{
	struct eu_rule *r = arg;
	const char *s;
	char why[160];
	size_t col;

	if (get_str(c, item, "a rule ('allow' or 'errno N', then 'if' and conditions)", &s))
		return -1;
	if (eu_rule_parse(s, r, why, sizeof(why), &col))
		return fail_at(c, item, "rule '%s', at character %zu: %s", s, col + 1, why);
	return eu_profile_add_rule(c->p, r, c->err);
}

/* architectures.<arch>.rules: {syscall: [rule, ...]} */
static int parse_rules(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	int arch = *(int *)arg;

	(void)k;
	if (want(c, v, YAML_MAPPING_NODE, "rules"))
		return -1;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *key = node_at(c, pr->key), *val = node_at(c, pr->value);
		struct eu_rule r = { .arch = arch };
		const char *name;

		if (get_str(c, key, "a syscall name", &name))
			return -1;
		r.nr = eu_syscall_nr(arch, name);
		if (r.nr < 0 || r.nr >= EU_NR_MAX)
			return fail_at(c, key, "unknown syscall '%s' for architecture %s", name,
				       eu_arch_name(arch));
		if (eu_profile_has_syscall(c->p, arch, r.nr))
			return fail_at(c, key,
				       "syscall '%s' has rules but is also allowed outright on %s",
				       name, eu_arch_name(arch));
		if (walk_list(c, val, "the rules of a syscall", parse_rule_item, &r))
			return -1;
	}
	return 0;
}

/* A syscall name of architectures.<arch>.<what>, as its number. */
static int get_syscall(struct yctx *c, yaml_node_t *n, int arch, int *nr)
{
	const char *name;

	if (get_str(c, n, "a syscall name", &name))
		return -1;
	*nr = eu_syscall_nr(arch, name);
	if (*nr < 0 || *nr >= EU_NR_MAX)
		return fail_at(c, n, "unknown syscall '%s' for architecture %s", name,
			       eu_arch_name(arch));
	return 0;
}

static int parse_argfree_item(struct yctx *c, yaml_node_t *item, void *arg)
{
	int arch = *(int *)arg, nr;

	if (get_syscall(c, item, arch, &nr))
		return -1;
	eu_bit_set(c->p->arch[arch].argfree, (unsigned int)nr);
	return 0;
}

/* architectures.<arch>.argument_free: [syscall, ...] */
static int parse_argfree(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return walk_list(c, v, "argument_free", parse_argfree_item, arg);
}

/* architectures.<arch>.first_seen: {syscall: seconds} */
static int parse_first_seen(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	int arch = *(int *)arg;

	(void)k;
	if (want(c, v, YAML_MAPPING_NODE, "first_seen"))
		return -1;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		uint64_t ms;
		int nr;

		if (get_syscall(c, node_at(c, pr->key), arch, &nr) ||
		    get_ms(c, node_at(c, pr->value), "first_seen", &ms))
			return -1;
		if (ms > UINT32_MAX)
			return fail_at(c, node_at(c, pr->value), "first_seen is too large");
		eu_profile_first_seen(c->p, arch, nr, (uint32_t)ms);
	}
	return 0;
}

static const struct field arch_fields[] = {
	{ "syscalls", parse_syscalls, false },
	{ "unnamed", parse_unnamed, false },
	{ "rules", parse_rules, false },
	{ "argument_free", parse_argfree, false },
	{ "first_seen", parse_first_seen, false },
};

static int parse_architectures(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	(void)arg;
	if (want(c, v, YAML_MAPPING_NODE, "architectures"))
		return -1;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *key = node_at(c, pr->key), *val = node_at(c, pr->value);
		char where[64];
		const char *name;
		int arch;

		if (get_str(c, key, "an architecture", &name))
			return -1;
		arch = eu_arch_from_name(name);
		if (arch < 0 || strcmp(name, eu_arch_name(arch)))
			return fail_at(c, key,
				       "unknown architecture '%s' (expected x86_64, i386 or x32)",
				       name);
		if (c->p->arch[arch].present)
			return fail_at(c, key, "duplicate key '%s' in architectures", name);
		c->p->arch[arch].present = true;
		snprintf(where, sizeof(where), "architectures.%s", name);
		if (walk_fields(c, val, where, arch_fields, EU_ARRAY_SIZE(arch_fields), &arch))
			return -1;
	}
	return 0;
}

static int parse_caps_list(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	const char *which = (const char *)k->data.scalar.value;
	uint64_t *mask = !strcmp(which, "used") ? &c->p->caps_used : &c->p->caps_denied;

	(void)arg;
	return walk_list(c, v, !strcmp(which, "used") ? "capabilities.used" : "capabilities.denied",
			 parse_cap_item, mask);
}

/* capabilities.learned: false where the kernel could not trace them (true is the default). */
static int parse_caps_learned(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	const char *s;

	(void)k;
	(void)arg;
	if (get_str(c, v, "capabilities.learned", &s))
		return -1;
	if (strcmp(s, "true") && strcmp(s, "false"))
		return fail_at(c, v, "expected true or false for capabilities.learned, found '%s'", s);
	c->p->caps_unknown = !strcmp(s, "false");
	return 0;
}

static const struct field caps_fields[] = {
	{ "learned", parse_caps_learned, false },
	{ "used", parse_caps_list, false },
	{ "denied", parse_caps_list, false },
};

static int parse_capabilities(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return walk_fields(c, v, "capabilities", caps_fields, EU_ARRAY_SIZE(caps_fields), arg);
}

static int parse_family_item(struct yctx *c, yaml_node_t *item, void *arg)
{
	const char *s;
	int af;

	(void)arg;
	if (get_str(c, item, "a socket family", &s))
		return -1;
	af = eu_family_from_name(s);
	if (af < 0)
		return fail_at(c, item, "unknown socket family '%s' (expected AF_UNIX, AF_INET, ... or "
					"AF_<number> below %d)",
			       s, EU_FAMILY_MAX);
	c->p->families |= 1ULL << af;
	return 0;
}

static int parse_families(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	c->p->has_families = true;
	return walk_list(c, v, "socket_families", parse_family_item, arg);
}

static int parse_exec_item(struct yctx *c, yaml_node_t *item, void *arg)
{
	const char *s;

	(void)arg;
	if (get_nonempty(c, item, "an executable path", &s))
		return -1;
	return eu_strv_add_sorted(&c->p->execs, s, c->err);
}

static int parse_executables(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return walk_list(c, v, "executables", parse_exec_item, arg);
}

/* default_action: "errno N", "kill-process" or "log" */
static int parse_default(struct yctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	const char *s;
	char *end;
	int d;

	(void)k;
	(void)arg;
	if (get_str(c, v, "a default action", &s))
		return -1;
	if (!strncmp(s, "errno ", 6)) {
		unsigned long e;

		errno = 0;
		e = strtoul(s + 6, &end, 10);
		if (errno || end == s + 6 || *end || e < 1 || e > EU_ERRNO_MAX)
			return fail_at(c, v, "'%s': the errno is a number from 1 to 4095", s);
		c->p->default_deny = EU_DENY_ERRNO;
		c->p->default_errno = (uint32_t)e;
	} else if ((d = eu_deny_from_name(s)) > 0) {
		c->p->default_deny = (enum eu_deny)d;
	} else {
		return fail_at(c, v,
			       "unknown default action '%s' (expected 'errno N', kill-process or log)",
			       s);
	}
	c->p->has_default = true;
	return 0;
}

static const struct field top_fields[] = {
	{ "version", parse_version, true },
	{ "metadata", parse_metadata, false },
	{ "default_action", parse_default, false },
	{ "architectures", parse_architectures, false },
	{ "capabilities", parse_capabilities, false },
	{ "executables", parse_executables, false },
	{ "socket_families", parse_families, false },
};

static int yaml_syntax_error(const char *name, const yaml_parser_t *ps, struct eu_err *err)
{
	const yaml_mark_t *m = &ps->problem_mark;

	if (ps->error == YAML_MEMORY_ERROR)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "%s: out of memory parsing YAML", name);
	if (ps->context)
		return eu_fail(err, EU_E_PROFILE, 0, "%s:%zu:%zu: YAML syntax error: %s %s", name,
			       m->line + 1, m->column + 1, ps->problem, ps->context);
	return eu_fail(err, EU_E_PROFILE, 0, "%s:%zu:%zu: YAML syntax error: %s", name,
		       m->line + 1, m->column + 1, ps->problem ? ps->problem : "unknown problem");
}

/*
 * libyaml scans a flow collection ("[[[...") to its end before it returns its
 * first event, checking every open level at every token: deep nesting costs it
 * time quadratic in the depth (minutes for a few hundred kilobytes). A profile
 * needs three levels; refuse more than EU_YAML_MAX_FLOW before libyaml sees it.
 * A cheap lexer: quoted scalars and comments are skipped, and a bracket counts
 * only where a flow collection can begin (not the '[' of /usr/bin/[).
 */
#define EU_YAML_MAX_FLOW 32

static int check_flow_depth(const char *name, const char *buf, size_t len, struct eu_err *err)
{
	size_t line = 1, col = 0, depth = 0;
	bool token_start = true; /* only blanks since a line start or an indicator */

	for (size_t i = 0; i < len; i++, col++) {
		char ch = buf[i];

		if (ch == '\n') {
			line++;
			col = (size_t)-1;
			token_start = true;
			continue;
		}
		if (ch == ' ' || ch == '\t')
			continue;
		if (ch == '#' && (i == 0 || buf[i - 1] == ' ' || buf[i - 1] == '\t' ||
				  buf[i - 1] == '\n')) {
			while (i + 1 < len && buf[i + 1] != '\n')
				i++;
			continue;
		}
		if (token_start && (ch == '\'' || ch == '"')) {
			/* a quoted scalar: to its closing quote ('' and \" escape one) */
			for (i++; i < len; i++, col++) {
				if (buf[i] == '\n') {
					line++;
					col = (size_t)-1;
				} else if (ch == '"' && buf[i] == '\\' && i + 1 < len) {
					i++;
					col++;
				} else if (buf[i] == ch) {
					if (ch == '\'' && i + 1 < len && buf[i + 1] == '\'') {
						i++;
						col++;
						continue;
					}
					break;
				}
			}
			token_start = false;
			continue;
		}
		if (token_start && (ch == '[' || ch == '{')) {
			if (++depth > EU_YAML_MAX_FLOW)
				return eu_fail(err, EU_E_PROFILE, 0,
					       "%s:%zu:%zu: collections nested more than %d deep "
					       "(a profile needs a few levels)",
					       name, line, col + 1, EU_YAML_MAX_FLOW);
			continue; /* token_start stays: "[[" */
		}
		if ((ch == ']' || ch == '}') && depth > 0) {
			depth--;
			token_start = false;
			continue;
		}
		token_start = ch == ':' || ch == ',' || ch == '-' || ch == '?';
	}
	return 0;
}

int eu_profile_parse(const char *name, const char *buf, size_t len, struct eu_profile *p,
		     struct eu_err *err)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	struct yctx c = { .name = name, .doc = &doc, .p = p, .err = err };
	int rc = -1;

	if (check_flow_depth(name, buf, len, err))
		return -1;
	if (!yaml_parser_initialize(&parser))
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "cannot initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = yaml_syntax_error(name, &parser, err);
		yaml_parser_delete(&parser);
		return rc;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		eu_fail(err, EU_E_PROFILE, 0,
			"%s:1:1: the document is empty (expected a profile: a mapping with "
			"'version: %d')",
			name, EU_PROFILE_VERSION);
		goto out;
	}
	if (want(&c, root, YAML_MAPPING_NODE, "the profile"))
		goto out;
	/* A profile is one document; a second one is a mistake worth reporting. */
	if (!yaml_parser_load(&parser, &extra)) {
		yaml_syntax_error(name, &parser, err);
		goto out;
	}
	if (yaml_document_get_root_node(&extra)) {
		eu_fail(err, EU_E_PROFILE, 0,
			"%s:%zu:%zu: a second YAML document (expected one profile per file)", name,
			extra.start_mark.line + 1, extra.start_mark.column + 1);
		yaml_document_delete(&extra);
		goto out;
	}
	yaml_document_delete(&extra);
	rc = walk_fields(&c, root, "the profile", top_fields, EU_ARRAY_SIZE(top_fields), NULL);
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int eu_profile_load(const char *path, struct eu_profile **out, struct eu_err *err)
{
	_cleanup_free_ char *buf = NULL;
	struct eu_profile *p;
	size_t len;

	if (eu_read_file(path, EU_INPUT_MAX, &buf, &len, err))
		return -1;
	p = eu_profile_new();
	if (!p)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "loading %s", path);
	if (eu_profile_parse(path, buf, len, p, err)) {
		eu_profile_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

/* ---- writing ---------------------------------------------------------------- */

struct ybuf {
	char *data;
	size_t len, cap;
};

static int ybuf_write(void *data, unsigned char *chunk, size_t size)
{
	struct ybuf *b = data;

	if (b->len + size + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 4096;
		char *n;

		while (ncap < b->len + size + 1)
			ncap *= 2;
		n = realloc(b->data, ncap);
		if (!n)
			return 0;
		b->data = n;
		b->cap = ncap;
	}
	memcpy(b->data + b->len, chunk, size);
	b->len += size;
	b->data[b->len] = '\0';
	return 1;
}

struct yem {
	yaml_emitter_t e;
	struct eu_err *err;
};

static int emit(struct yem *y, yaml_event_t *ev)
{
	if (yaml_emitter_emit(&y->e, ev))
		return 0;
	return eu_fail(y->err, EU_E_INTERNAL, 0, "YAML emitter: %s",
		       y->e.problem ? y->e.problem : "out of memory");
}

/* Would a YAML reader take this plain scalar for something other than a string? */
static bool looks_typed(const char *s)
{
	static const char *const words[] = { "~",   "null", "true", "false", "yes",
					     "no",  "on",   "off",  "y",     "n" };
	const char *p = s;

	if (!*s)
		return true;
	for (size_t i = 0; i < EU_ARRAY_SIZE(words); i++)
		if (!strcasecmp(s, words[i]))
			return true;
	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.' || (*p >= '0' && *p <= '9'))
		return true; /* numbers, .inf, .nan, dates: quote them all */
	return false;
}

static int em_scalar_style(struct yem *y, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
					  style))
		return eu_fail(y->err, EU_E_INTERNAL, ENOMEM, "YAML emitter");
	return emit(y, &ev);
}

/* A string: plain where that reads back as the same string, double-quoted otherwise. */
static int em_str(struct yem *y, const char *s)
{
	return em_scalar_style(y, s,
			       looks_typed(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
					      : YAML_ANY_SCALAR_STYLE);
}

static int em_u64(struct yem *y, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	return em_scalar_style(y, num, YAML_PLAIN_SCALAR_STYLE);
}

static int em_map_start(struct yem *y)
{
	yaml_event_t ev;

	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	return emit(y, &ev);
}

static int em_map_end(struct yem *y)
{
	yaml_event_t ev;

	yaml_mapping_end_event_initialize(&ev);
	return emit(y, &ev);
}

static int em_seq_start(struct yem *y)
{
	yaml_event_t ev;

	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	return emit(y, &ev);
}

static int em_seq_end(struct yem *y)
{
	yaml_event_t ev;

	yaml_sequence_end_event_initialize(&ev);
	return emit(y, &ev);
}

static int em_kv_str(struct yem *y, const char *k, const char *v)
{
	if (!v)
		return 0;
	return em_str(y, k) || em_str(y, v);
}

static int em_caps(struct yem *y, const char *key, uint64_t mask)
{
	if (em_str(y, key) || em_seq_start(y))
		return -1;
	for (int cap = 0; cap < EU_CAP_MAX; cap++) {
		_cleanup_free_ char *name = NULL;

		if (!(mask & (1ULL << cap)))
			continue;
		name = eu_cap_name(cap);
		if (!name)
			return eu_fail(y->err, EU_E_INTERNAL, 0,
				       "capability %d has no name in this libcap", cap);
		if (em_str(y, name))
			return -1;
	}
	return em_seq_end(y);
}

/* Syscall names of a bitmap, in name order, as a list. */
struct named_nr {
	char *name;
	int nr;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named_nr *)a)->name, ((const struct named_nr *)b)->name);
}

static void named_free(struct named_nr *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/*
 * Collect the named syscalls of `bits` sorted by name; the numbers without a
 * name go to `unnamed` (sorted by number) when given.
 */
static int collect_names(int arch, const uint64_t *bits, struct named_nr **out, size_t *nout,
			 int *unnamed, size_t *nunnamed, struct eu_err *err)
{
	struct named_nr *v = calloc(EU_NR_MAX, sizeof(*v));
	size_t n = 0, u = 0;

	if (!v)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "emitting a profile");
	for (int nr = 0; nr < EU_NR_MAX; nr++) {
		char *name;

		if (!eu_bit_test(bits, (unsigned int)nr))
			continue;
		name = eu_syscall_name(arch, nr);
		if (name) {
			v[n].name = name;
			v[n++].nr = nr;
		} else if (unnamed) {
			unnamed[u++] = nr;
		}
	}
	qsort(v, n, sizeof(*v), cmp_named);
	*out = v;
	*nout = n;
	if (nunnamed)
		*nunnamed = u;
	return 0;
}

static bool bits_empty(const uint64_t *bits)
{
	for (int w = 0; w < EU_NR_WORDS; w++)
		if (bits[w])
			return false;
	return true;
}

/* architectures.<arch>.rules: syscalls by name, each one's rules in the profile's order. */
static int em_rules(struct yem *y, const struct eu_profile *p, int arch)
{
	uint64_t bits[EU_NR_WORDS] = { 0 };
	struct named_nr *names;
	char text[512];
	size_t n;
	int rc;

	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].arch == arch)
			eu_bit_set(bits, (unsigned int)p->rules[i].nr);
	if (bits_empty(bits))
		return 0;
	if (collect_names(arch, bits, &names, &n, NULL, NULL, y->err))
		return -1;
	rc = em_str(y, "rules") || em_map_start(y);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = em_str(y, names[i].name) || em_seq_start(y);
		for (size_t j = 0; !rc && j < p->nrules; j++) {
			if (p->rules[j].arch != arch || p->rules[j].nr != names[i].nr)
				continue;
			eu_rule_format(&p->rules[j], text, sizeof(text));
			rc = em_str(y, text);
		}
		rc = rc || em_seq_end(y);
	}
	rc = rc || em_map_end(y);
	named_free(names, n);
	return rc ? -1 : 0;
}

static int em_seconds(struct yem *y, uint64_t ms)
{
	char text[32];

	snprintf(text, sizeof(text), "%" PRIu64 ".%03" PRIu64, ms / 1000, ms % 1000);
	return em_scalar_style(y, text, YAML_PLAIN_SCALAR_STYLE);
}

/* architectures.<arch>.argument_free: learned arguments left unruled. */
static int em_argfree(struct yem *y, const struct eu_syscall_set *set, int arch)
{
	struct named_nr *names;
	size_t n;
	int rc;

	if (bits_empty(set->argfree))
		return 0;
	if (collect_names(arch, set->argfree, &names, &n, NULL, NULL, y->err))
		return -1;
	rc = em_str(y, "argument_free") || em_seq_start(y);
	for (size_t i = 0; !rc && i < n; i++)
		rc = em_str(y, names[i].name);
	rc = rc || em_seq_end(y);
	named_free(names, n);
	return rc ? -1 : 0;
}

/* architectures.<arch>.first_seen: seconds into its run, by syscall name. */
static int em_first_seen(struct yem *y, const struct eu_syscall_set *set, int arch)
{
	struct named_nr *names;
	size_t n;
	int rc;

	if (bits_empty(set->first_known))
		return 0;
	if (collect_names(arch, set->first_known, &names, &n, NULL, NULL, y->err))
		return -1;
	rc = em_str(y, "first_seen") || em_map_start(y);
	for (size_t i = 0; !rc && i < n; i++)
		rc = em_str(y, names[i].name) || em_seconds(y, set->first_ms[names[i].nr]);
	rc = rc || em_map_end(y);
	named_free(names, n);
	return rc ? -1 : 0;
}

static int em_arch(struct yem *y, const struct eu_profile *p, int arch)
{
	const struct eu_syscall_set *set = &p->arch[arch];
	int unnamed[EU_NR_MAX];
	struct named_nr *names;
	size_t n, nu;
	int rc = -1;

	if (collect_names(arch, set->bits, &names, &n, unnamed, &nu, y->err))
		return -1;
	if (em_str(y, eu_arch_name(arch)) || em_map_start(y) || em_str(y, "syscalls") ||
	    em_map_start(y))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (em_str(y, names[i].name) || em_u64(y, set->count[names[i].nr]))
			goto out;
	if (em_map_end(y))
		goto out;
	if (nu) {
		if (em_str(y, "unnamed") || em_map_start(y))
			goto out;
		for (size_t i = 0; i < nu; i++)
			if (em_u64(y, (uint64_t)unnamed[i]) || em_u64(y, set->count[unnamed[i]]))
				goto out;
		if (em_map_end(y))
			goto out;
	}
	if (em_rules(y, p, arch) || em_argfree(y, set, arch) || em_first_seen(y, set, arch))
		goto out;
	rc = em_map_end(y);
out:
	named_free(names, n);
	return rc;
}

static int em_runtime_setup(struct yem *y, const struct eu_meta *m)
{
	bool any = m->setup_caps != 0;

	for (int a = 0; a < EU_ARCH_COUNT; a++)
		any |= !bits_empty(m->setup_bits[a]);
	if (!any)
		return 0;
	if (em_str(y, "runtime_setup") || em_map_start(y))
		return -1;
	for (int a = 0; a < EU_ARCH_COUNT; a++) {
		struct named_nr *names;
		size_t n;
		int rc;

		if (bits_empty(m->setup_bits[a]))
			continue;
		if (collect_names(a, m->setup_bits[a], &names, &n, NULL, NULL, y->err))
			return -1;
		rc = em_str(y, eu_arch_name(a)) || em_seq_start(y);
		for (size_t i = 0; !rc && i < n; i++)
			rc = em_str(y, names[i].name);
		rc = rc || em_seq_end(y);
		named_free(names, n);
		if (rc)
			return -1;
	}
	if (m->setup_caps && em_caps(y, "capabilities", m->setup_caps))
		return -1;
	return em_map_end(y);
}

static int em_metadata(struct yem *y, const struct eu_profile *p)
{
	const struct eu_meta *m = &p->meta;
	char dur[32];

	if (em_str(y, "metadata") || em_map_start(y))
		return -1;
	if (m->container_id || m->container_name || m->runtime || m->image || m->bundle) {
		if (em_str(y, "container") || em_map_start(y) ||
		    em_kv_str(y, "id", m->container_id) || em_kv_str(y, "name", m->container_name) ||
		    em_kv_str(y, "runtime", m->runtime) || em_kv_str(y, "image", m->image) ||
		    em_kv_str(y, "bundle", m->bundle) || em_map_end(y))
			return -1;
	}
	if (m->command.n) {
		if (em_str(y, "command") || em_seq_start(y))
			return -1;
		for (size_t i = 0; i < m->command.n; i++)
			if (em_str(y, m->command.v[i]))
				return -1;
		if (em_seq_end(y))
			return -1;
	}
	if (em_kv_str(y, "kernel", m->kernel))
		return -1;
	snprintf(dur, sizeof(dur), "%" PRIu64 ".%03" PRIu64, m->duration_ms / 1000,
		 m->duration_ms % 1000);
	if (em_str(y, "learned") || em_map_start(y) || em_kv_str(y, "start", m->learned_at) ||
	    em_str(y, "duration_seconds") || em_scalar_style(y, dur, YAML_PLAIN_SCALAR_STYLE) ||
	    em_str(y, "runs") || em_u64(y, m->runs) ||
	    em_kv_str(y, "boundary", eu_boundary_name(m->boundary)) ||
	    (m->has_quiet && (em_str(y, "quiet_seconds") || em_seconds(y, m->quiet_ms))) ||
	    em_map_end(y))
		return -1;
	if (em_runtime_setup(y, m))
		return -1;
	return em_map_end(y);
}

static int em_profile(struct yem *y, const struct eu_profile *p)
{
	yaml_event_t ev;

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (emit(y, &ev))
		return -1;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	if (emit(y, &ev) || em_map_start(y) || em_str(y, "version") || em_u64(y, p->version) ||
	    em_metadata(y, p))
		return -1;
	if (p->has_default) {
		char text[32];

		if (p->default_deny == EU_DENY_ERRNO)
			snprintf(text, sizeof(text), "errno %" PRIu32, p->default_errno);
		else
			snprintf(text, sizeof(text), "%s", eu_deny_name(p->default_deny));
		if (em_kv_str(y, "default_action", text))
			return -1;
	}
	if (em_str(y, "architectures") || em_map_start(y))
		return -1;
	for (int a = 0; a < EU_ARCH_COUNT; a++)
		if (p->arch[a].present && em_arch(y, p, a))
			return -1;
	if (em_map_end(y))
		return -1;
	if (em_str(y, "capabilities") || em_map_start(y) ||
	    (p->caps_unknown && (em_str(y, "learned") ||
				 em_scalar_style(y, "false", YAML_PLAIN_SCALAR_STYLE))) ||
	    em_caps(y, "used", p->caps_used) ||
	    em_caps(y, "denied", p->caps_denied) || em_map_end(y))
		return -1;
	if (em_str(y, "executables") || em_seq_start(y))
		return -1;
	for (size_t i = 0; i < p->execs.n; i++)
		if (em_str(y, p->execs.v[i]))
			return -1;
	if (em_seq_end(y))
		return -1;
	if (p->has_families) {
		char buf[16];

		if (em_str(y, "socket_families") || em_seq_start(y))
			return -1;
		for (int af = 0; af < EU_FAMILY_MAX; af++)
			if ((p->families & (1ULL << af)) && em_str(y, eu_family_name(af, buf, sizeof(buf))))
				return -1;
		if (em_seq_end(y))
			return -1;
	}
	if (em_map_end(y))
		return -1;
	yaml_document_end_event_initialize(&ev, 1);
	if (emit(y, &ev))
		return -1;
	yaml_stream_end_event_initialize(&ev);
	return emit(y, &ev);
}

int eu_profile_emit(const struct eu_profile *p, char **out, size_t *len, struct eu_err *err)
{
	static const char header[] =
		"# eunomia profile: the syscalls and capabilities a container was seen to use.\n"
		"# Review it like code before enforcing it; see eunomia-profile(5).\n";
	struct ybuf b = { 0 };
	struct yem y = { .err = err };
	int rc;

	if (!ybuf_write(&b, (unsigned char *)header, sizeof(header) - 1))
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "emitting a profile");
	if (!yaml_emitter_initialize(&y.e)) {
		free(b.data);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "cannot initialise the YAML emitter");
	}
	yaml_emitter_set_output(&y.e, ybuf_write, &b);
	yaml_emitter_set_unicode(&y.e, 1);
	yaml_emitter_set_width(&y.e, -1);
	yaml_emitter_set_indent(&y.e, 2);
	rc = em_profile(&y, p);
	if (!rc && !yaml_emitter_flush(&y.e))
		rc = eu_fail(err, EU_E_INTERNAL, ENOMEM, "YAML emitter: cannot flush");
	yaml_emitter_delete(&y.e);
	if (rc) {
		free(b.data);
		return -1;
	}
	*out = b.data;
	*len = b.len;
	return 0;
}

int eu_profile_save(const struct eu_profile *p, const char *path, struct eu_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (eu_profile_emit(p, &buf, &len, err))
		return -1;
	if (!path || !strcmp(path, "-")) {
		if (eu_write_all(STDOUT_FILENO, buf, len) < 0)
			return eu_fail(err, EU_E_IO, errno, "cannot write the profile to stdout");
		return 0;
	}
	return eu_write_file_atomic(path, buf, len, 0644, err);
}
