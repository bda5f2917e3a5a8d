// SPDX-License-Identifier: GPL-2.0-only
/*
 * The profile's schema, for the reader (profile_yaml.c): a parser for each key
 * of eunomia-profile(5), and the checks that a document is one profile (names
 * known, nothing listed twice, no syscall both allowed and ruled).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "caps.h"
#include "cleanup.h"
#include "families.h"
#include "profile.h"
#include "profile_yaml_int.h"
#include "syscalls.h"
#include "yaml_read.h"

static int parse_version(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	uint64_t ver;

	(void)k;
	(void)arg;
	if (eu_y_get_u64(c, v, "version", &ver))
		return -1;
	if (ver != EU_PROFILE_VERSION)
		return eu_y_fail_at(c, v, "unsupported profile version %" PRIu64
					  " (this eunomia reads version %d)",
				    ver, EU_PROFILE_VERSION);
	c->p->version = (uint32_t)ver;
	return 0;
}

/* metadata.container */
#define STR_FIELD(fname, member, what)                                                             \
	static int fname(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)            \
	{                                                                                          \
		(void)k;                                                                           \
		(void)arg;                                                                         \
		return eu_y_set_str(c, v, what, &c->p->meta.member);                               \
	}
STR_FIELD(parse_ct_id, container_id, "metadata.container.id")
STR_FIELD(parse_ct_name, container_name, "metadata.container.name")
STR_FIELD(parse_ct_runtime, runtime, "metadata.container.runtime")
STR_FIELD(parse_ct_image, image, "metadata.container.image")
STR_FIELD(parse_ct_bundle, bundle, "metadata.container.bundle")
STR_FIELD(parse_kernel, kernel, "metadata.kernel")
STR_FIELD(parse_start, learned_at, "metadata.learned.start")
#undef STR_FIELD

static const struct eu_y_field container_fields[] = {
	{ "id", parse_ct_id, false },	      { "name", parse_ct_name, false },
	{ "runtime", parse_ct_runtime, false }, { "image", parse_ct_image, false },
	{ "bundle", parse_ct_bundle, false },
};

static int parse_container(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return eu_y_walk_fields(c, v, "metadata.container", container_fields,
				EU_ARRAY_SIZE(container_fields), arg);
}

static int parse_command_word(struct eu_y_ctx *c, yaml_node_t *item, void *arg)
{
	const char *s;

	(void)arg;
	if (eu_y_get_str(c, item, "a word of metadata.command", &s))
		return -1;
	return eu_strv_append(&c->p->meta.command, s, c->err);
}

static int parse_command(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return eu_y_walk_list(c, v, "metadata.command", parse_command_word, arg);
}

static int parse_duration(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	(void)arg;
	return eu_y_get_ms(c, v, "metadata.learned.duration_seconds", &c->p->meta.duration_ms);
}

static int parse_quiet(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	(void)arg;
	c->p->meta.has_quiet = true;
	return eu_y_get_ms(c, v, "metadata.learned.quiet_seconds", &c->p->meta.quiet_ms);
}

static int parse_runs(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	uint64_t runs;

	(void)k;
	(void)arg;
	if (eu_y_get_u64(c, v, "metadata.learned.runs", &runs))
		return -1;
	if (runs > UINT32_MAX)
		return eu_y_fail_at(c, v, "metadata.learned.runs is too large");
	c->p->meta.runs = (uint32_t)runs;
	return 0;
}

static int parse_boundary(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	const char *s;
	int b;

	(void)k;
	(void)arg;
	if (eu_y_get_str(c, v, "metadata.learned.boundary", &s))
		return -1;
	b = eu_boundary_from_name(s);
	if (b < 0)
		return eu_y_fail_at(c, v,
				    "unknown boundary '%s' (expected none, seccomp-filter or exec)",
				    s);
	c->p->meta.boundary = (enum eu_boundary)b;
	return 0;
}

static const struct eu_y_field learned_fields[] = {
	{ "start", parse_start, false },
	{ "duration_seconds", parse_duration, false },
	{ "runs", parse_runs, false },
	{ "boundary", parse_boundary, false },
	{ "quiet_seconds", parse_quiet, false },
};

static int parse_learned(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return eu_y_walk_fields(c, v, "metadata.learned", learned_fields,
				EU_ARRAY_SIZE(learned_fields), arg);
}

/* A list of capability names into a mask. */
static int parse_cap_item(struct eu_y_ctx *c, yaml_node_t *item, void *arg)
{
	uint64_t *mask = arg;
	const char *s;
	int cap;

	if (eu_y_get_str(c, item, "a capability", &s))
		return -1;
	cap = eu_cap_from_name(s);
	if (cap < 0)
		return eu_y_fail_at(c, item,
				    "unknown capability '%s' (expected a name such as CAP_CHOWN)",
				    s);
	*mask |= 1ULL << cap;
	return 0;
}

struct syscall_list_arg {
	int arch;
	uint64_t *bits;
};

static int parse_setup_syscall(struct eu_y_ctx *c, yaml_node_t *item, void *arg)
{
	struct syscall_list_arg *a = arg;
	const char *s;
	int nr;

	if (eu_y_get_str(c, item, "a syscall name", &s))
		return -1;
	nr = eu_syscall_nr(a->arch, s);
	if (nr < 0 || nr >= EU_NR_MAX)
		return eu_y_fail_at(c, item, "unknown syscall '%s' for architecture %s", s,
				    eu_arch_name(a->arch));
	eu_bit_set(a->bits, (unsigned int)nr);
	return 0;
}

/* metadata.runtime_setup: {x86_64: [names], ..., capabilities: [names]} */
static int parse_runtime_setup(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	(void)arg;
	if (eu_y_want(c, v, YAML_MAPPING_NODE, "metadata.runtime_setup"))
		return -1;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *key = eu_y_node_at(c, pr->key), *val = eu_y_node_at(c, pr->value);
		const char *name;
		int arch;

		if (eu_y_get_str(c, key, "a key", &name))
			return -1;
		if (!strcmp(name, "capabilities")) {
			if (eu_y_walk_list(c, val, "metadata.runtime_setup.capabilities",
					   parse_cap_item, &c->p->meta.setup_caps))
				return -1;
			continue;
		}
		arch = eu_arch_from_name(name);
		if (arch < 0 || strcmp(name, eu_arch_name(arch)))
			return eu_y_fail_at(c, key,
					    "unknown key '%s' in metadata.runtime_setup (expected "
					    "an architecture: x86_64, i386, x32; or capabilities)",
					    name);
		struct syscall_list_arg a = { arch, c->p->meta.setup_bits[arch] };

		if (eu_y_walk_list(c, val, "metadata.runtime_setup syscalls", parse_setup_syscall,
				   &a))
			return -1;
	}
	return 0;
}

static const struct eu_y_field metadata_fields[] = {
	{ "container", parse_container, false },
	{ "command", parse_command, false },
	{ "kernel", parse_kernel, false },
	{ "learned", parse_learned, false },
	{ "runtime_setup", parse_runtime_setup, false },
};

static int parse_metadata(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return eu_y_walk_fields(c, v, "metadata", metadata_fields, EU_ARRAY_SIZE(metadata_fields),
				arg);
}

/* architectures.<arch>.syscalls: {name: count} */
static int parse_syscalls(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	int arch = *(int *)arg;

	(void)k;
	if (eu_y_want(c, v, YAML_MAPPING_NODE, "syscalls"))
		return -1;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *key = eu_y_node_at(c, pr->key), *val = eu_y_node_at(c, pr->value);
		const char *name;
		uint64_t count;
		int nr;

		if (eu_y_get_str(c, key, "a syscall name", &name))
			return -1;
		nr = eu_syscall_nr(arch, name);
		if (nr < 0 || nr >= EU_NR_MAX)
			return eu_y_fail_at(c, key, "unknown syscall '%s' for architecture %s",
					    name, eu_arch_name(arch));
		if (eu_profile_has_syscall(c->p, arch, nr))
			return eu_y_fail_at(c, key,
					    "syscall '%s' is listed twice for architecture %s",
					    name, eu_arch_name(arch));
		if (eu_profile_has_rules(c->p, arch, nr))
			return eu_y_fail_at(c, key,
					    "syscall '%s' has rules but is also allowed outright "
					    "on %s",
					    name, eu_arch_name(arch));
		if (eu_y_get_u64(c, val, "a syscall count", &count) ||
		    eu_profile_add_syscall(c->p, arch, nr, count, c->err))
			return -1;
	}
	return 0;
}

/* architectures.<arch>.unnamed: {number: count}, syscalls libseccomp cannot name */
static int parse_unnamed(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	int arch = *(int *)arg;

	(void)k;
	if (eu_y_want(c, v, YAML_MAPPING_NODE, "unnamed"))
		return -1;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *key = eu_y_node_at(c, pr->key), *val = eu_y_node_at(c, pr->value);
		uint64_t nr, count;

		if (eu_y_get_u64(c, key, "a syscall number", &nr))
			return -1;
		if (nr >= EU_NR_MAX)
			return eu_y_fail_at(c, key,
					    "syscall number %" PRIu64 " is out of range (0-%d)", nr,
					    EU_NR_MAX - 1);
		if (eu_profile_has_syscall(c->p, arch, (int)nr))
			return eu_y_fail_at(c, key,
					    "syscall number %" PRIu64
					    " is listed twice for architecture %s",
					    nr, eu_arch_name(arch));
		if (eu_y_get_u64(c, val, "a syscall count", &count) ||
		    eu_profile_add_syscall(c->p, arch, (int)nr, count, c->err))
			return -1;
	}
	return 0;
}

/* One rule of architectures.<arch>.rules.<syscall>; arg points at a rule with arch and nr set. */
static int parse_rule_item(struct eu_y_ctx *c, yaml_node_t *item, void *arg)
{
	struct eu_rule *r = arg;
	const char *s;
	char why[160];
	size_t col;

	if (eu_y_get_str(c, item, "a rule ('allow' or 'errno N', then 'if' and conditions)", &s))
		return -1;
	if (eu_rule_parse(s, r, why, sizeof(why), &col))
		return eu_y_fail_at(c, item, "rule '%s', at character %zu: %s", s, col + 1, why);
	return eu_profile_add_rule(c->p, r, c->err);
}

/* architectures.<arch>.rules: {syscall: [rule, ...]} */
static int parse_rules(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	int arch = *(int *)arg;

	(void)k;
	if (eu_y_want(c, v, YAML_MAPPING_NODE, "rules"))
		return -1;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *key = eu_y_node_at(c, pr->key), *val = eu_y_node_at(c, pr->value);
		struct eu_rule r = { .arch = arch };
		const char *name;

		if (eu_y_get_str(c, key, "a syscall name", &name))
			return -1;
		r.nr = eu_syscall_nr(arch, name);
		if (r.nr < 0 || r.nr >= EU_NR_MAX)
			return eu_y_fail_at(c, key, "unknown syscall '%s' for architecture %s",
					    name, eu_arch_name(arch));
		if (eu_profile_has_syscall(c->p, arch, r.nr))
			return eu_y_fail_at(c, key,
					    "syscall '%s' has rules but is also allowed outright "
					    "on %s",
					    name, eu_arch_name(arch));
		if (eu_y_walk_list(c, val, "the rules of a syscall", parse_rule_item, &r))
			return -1;
	}
	return 0;
}

/* A syscall name of architectures.<arch>.<what>, as its number. */
static int get_syscall(struct eu_y_ctx *c, yaml_node_t *n, int arch, int *nr)
{
	const char *name;

	if (eu_y_get_str(c, n, "a syscall name", &name))
		return -1;
	*nr = eu_syscall_nr(arch, name);
	if (*nr < 0 || *nr >= EU_NR_MAX)
		return eu_y_fail_at(c, n, "unknown syscall '%s' for architecture %s", name,
				    eu_arch_name(arch));
	return 0;
}

static int parse_argfree_item(struct eu_y_ctx *c, yaml_node_t *item, void *arg)
{
	int arch = *(int *)arg, nr;

	if (get_syscall(c, item, arch, &nr))
		return -1;
	eu_bit_set(c->p->arch[arch].argfree, (unsigned int)nr);
	return 0;
}

/* architectures.<arch>.argument_free: [syscall, ...] */
static int parse_argfree(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return eu_y_walk_list(c, v, "argument_free", parse_argfree_item, arg);
}

/* architectures.<arch>.first_seen: {syscall: seconds} */
static int parse_first_seen(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	int arch = *(int *)arg;

	(void)k;
	if (eu_y_want(c, v, YAML_MAPPING_NODE, "first_seen"))
		return -1;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		uint64_t ms;
		int nr;

		if (get_syscall(c, eu_y_node_at(c, pr->key), arch, &nr) ||
		    eu_y_get_ms(c, eu_y_node_at(c, pr->value), "first_seen", &ms))
			return -1;
		if (ms > UINT32_MAX)
			return eu_y_fail_at(c, eu_y_node_at(c, pr->value),
					    "first_seen is too large");
		eu_profile_first_seen(c->p, arch, nr, (uint32_t)ms);
	}
	return 0;
}

static const struct eu_y_field arch_fields[] = {
	{ "syscalls", parse_syscalls, false },
	{ "unnamed", parse_unnamed, false },
	{ "rules", parse_rules, false },
	{ "argument_free", parse_argfree, false },
	{ "first_seen", parse_first_seen, false },
};

static int parse_architectures(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	(void)arg;
	if (eu_y_want(c, v, YAML_MAPPING_NODE, "architectures"))
		return -1;
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *key = eu_y_node_at(c, pr->key), *val = eu_y_node_at(c, pr->value);
		char where[64];
		const char *name;
		int arch;

		if (eu_y_get_str(c, key, "an architecture", &name))
			return -1;
		arch = eu_arch_from_name(name);
		if (arch < 0 || strcmp(name, eu_arch_name(arch)))
			return eu_y_fail_at(c, key,
					    "unknown architecture '%s' (expected x86_64, i386 or "
					    "x32)",
					    name);
		if (c->p->arch[arch].present)
			return eu_y_fail_at(c, key, "duplicate key '%s' in architectures", name);
		c->p->arch[arch].present = true;
		snprintf(where, sizeof(where), "architectures.%s", name);
		if (eu_y_walk_fields(c, val, where, arch_fields, EU_ARRAY_SIZE(arch_fields),
				     &arch))
			return -1;
	}
	return 0;
}

static int parse_caps_list(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	const char *which = (const char *)k->data.scalar.value;
	uint64_t *mask = !strcmp(which, "used") ? &c->p->caps_used : &c->p->caps_denied;

	(void)arg;
	return eu_y_walk_list(c, v,
			      !strcmp(which, "used") ? "capabilities.used" : "capabilities.denied",
			      parse_cap_item, mask);
}

/* capabilities.learned: false where the kernel could not trace them (true is the default). */
static int parse_caps_learned(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	const char *s;

	(void)k;
	(void)arg;
	if (eu_y_get_str(c, v, "capabilities.learned", &s))
		return -1;
	if (strcmp(s, "true") && strcmp(s, "false"))
		return eu_y_fail_at(c, v,
				    "expected true or false for capabilities.learned, found '%s'",
				    s);
	c->p->caps_unknown = !strcmp(s, "false");
	return 0;
}

static const struct eu_y_field caps_fields[] = {
	{ "learned", parse_caps_learned, false },
	{ "used", parse_caps_list, false },
	{ "denied", parse_caps_list, false },
};

static int parse_capabilities(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return eu_y_walk_fields(c, v, "capabilities", caps_fields, EU_ARRAY_SIZE(caps_fields),
				arg);
}

static int parse_family_item(struct eu_y_ctx *c, yaml_node_t *item, void *arg)
{
	const char *s;
	int af;

	(void)arg;
	if (eu_y_get_str(c, item, "a socket family", &s))
		return -1;
	af = eu_family_from_name(s);
	if (af < 0)
		return eu_y_fail_at(c, item,
				    "unknown socket family '%s' (expected AF_UNIX, AF_INET, ... or "
				    "AF_<number> below %d)",
				    s, EU_FAMILY_MAX);
	c->p->families |= 1ULL << af;
	return 0;
}

static int parse_families(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	c->p->has_families = true;
	return eu_y_walk_list(c, v, "socket_families", parse_family_item, arg);
}

static int parse_exec_item(struct eu_y_ctx *c, yaml_node_t *item, void *arg)
{
	const char *s;

	(void)arg;
	if (eu_y_get_nonempty(c, item, "an executable path", &s))
		return -1;
	return eu_strv_add_sorted(&c->p->execs, s, c->err);
}

static int parse_executables(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return eu_y_walk_list(c, v, "executables", parse_exec_item, arg);
}

/* default_action: "errno N", "kill-process" or "log" */
static int parse_default(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	const char *s;
	char *end;
	int d;

	(void)k;
	(void)arg;
	if (eu_y_get_str(c, v, "a default action", &s))
		return -1;
	if (!strncmp(s, "errno ", 6)) {
		unsigned long e;

		errno = 0;
		e = strtoul(s + 6, &end, 10);
		if (errno || end == s + 6 || *end || e < 1 || e > EU_ERRNO_MAX)
			return eu_y_fail_at(c, v, "'%s': the errno is a number from 1 to 4095", s);
		c->p->default_deny = EU_DENY_ERRNO;
		c->p->default_errno = (uint32_t)e;
	} else if ((d = eu_deny_from_name(s)) > 0) {
		c->p->default_deny = (enum eu_deny)d;
	} else {
		return eu_y_fail_at(c, v,
				    "unknown default action '%s' (expected 'errno N', kill-process "
				    "or log)",
				    s);
	}
	c->p->has_default = true;
	return 0;
}

static const struct eu_y_field top_fields[] = {
	{ "version", parse_version, true },
	{ "metadata", parse_metadata, false },
	{ "default_action", parse_default, false },
	{ "architectures", parse_architectures, false },
	{ "capabilities", parse_capabilities, false },
	{ "executables", parse_executables, false },
	{ "socket_families", parse_families, false },
};

int eu_profile_yaml_fields(struct eu_y_ctx *c, yaml_node_t *root)
{
	return eu_y_walk_fields(c, root, "the profile", top_fields, EU_ARRAY_SIZE(top_fields),
				NULL);
}
