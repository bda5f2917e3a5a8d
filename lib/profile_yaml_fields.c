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
	EU_Y_VALUE("id", parse_ct_id),		 EU_Y_VALUE("name", parse_ct_name),
	EU_Y_VALUE("runtime", parse_ct_runtime), EU_Y_VALUE("image", parse_ct_image),
	EU_Y_VALUE("bundle", parse_ct_bundle),
};

static int parse_command_word(struct eu_y_ctx *c, yaml_node_t *item, void *arg)
{
	const char *s;

	(void)arg;
	if (eu_y_get_str(c, item, "a word of metadata.command", &s))
		return -1;
	return eu_strv_append(&c->p->meta.command, s, c->err);
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

/* A scalar that names one of a set (a boundary, a capability, ...): its value by from_name. */
static int get_named(struct eu_y_ctx *c, yaml_node_t *n, const char *what,
		     int (*from_name)(const char *), const char *noun, const char *expected,
		     int *out)
{
	const char *s;

	if (eu_y_get_str(c, n, what, &s))
		return -1;
	*out = from_name(s);
	if (*out < 0)
		return eu_y_fail_at(c, n, "unknown %s '%s' (expected %s)", noun, s, expected);
	return 0;
}

static int parse_boundary(struct eu_y_ctx *c, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	int b;

	(void)k;
	(void)arg;
	if (get_named(c, v, "metadata.learned.boundary", eu_boundary_from_name, "boundary",
		      "none, seccomp-filter or exec", &b))
		return -1;
	c->p->meta.boundary = (enum eu_boundary)b;
	return 0;
}

static const struct eu_y_field learned_fields[] = {
	EU_Y_VALUE("start", parse_start),	  EU_Y_VALUE("duration_seconds", parse_duration),
	EU_Y_VALUE("runs", parse_runs),		  EU_Y_VALUE("boundary", parse_boundary),
	EU_Y_VALUE("quiet_seconds", parse_quiet),
};

/* A list of capability names into a mask. */
static int parse_cap_item(struct eu_y_ctx *c, yaml_node_t *item, void *arg)
{
	uint64_t *mask = arg;
	int cap;

	if (get_named(c, item, "a capability", eu_cap_from_name, "capability",
		      "a name such as CAP_CHOWN", &cap))
		return -1;
	*mask |= 1ULL << cap;
	return 0;
}

/* A syscall name of architectures.<arch> or metadata.runtime_setup, as its number. */
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

struct syscall_list_arg {
	int arch;
	uint64_t *bits;
};

static int parse_setup_syscall(struct eu_y_ctx *c, yaml_node_t *item, void *arg)
{
	struct syscall_list_arg *a = arg;
	int nr;

	if (get_syscall(c, item, a->arch, &nr))
		return -1;
	eu_bit_set(a->bits, (unsigned int)nr);
	return 0;
}

/* One key of metadata.runtime_setup: {x86_64: [names], ..., capabilities: [names]} */
static int parse_setup_pair(struct eu_y_ctx *c, yaml_node_t *key, yaml_node_t *val, void *arg)
{
	struct syscall_list_arg a;
	const char *name;
	int arch;

	(void)arg;
	if (eu_y_get_str(c, key, "a key", &name))
		return -1;
	if (!strcmp(name, "capabilities"))
		return eu_y_walk_list(c, val, "metadata.runtime_setup.capabilities",
				      parse_cap_item, &c->p->meta.setup_caps);
	arch = eu_arch_from_name(name);
	if (arch < 0 || strcmp(name, eu_arch_name(arch)))
		return eu_y_fail_at(c, key,
				    "unknown key '%s' in metadata.runtime_setup (expected "
				    "an architecture: x86_64, i386, x32; or capabilities)",
				    name);
	a = (struct syscall_list_arg){ arch, c->p->meta.setup_bits[arch] };
	return eu_y_walk_list(c, val, "metadata.runtime_setup syscalls", parse_setup_syscall, &a);
}

static const struct eu_y_field metadata_fields[] = {
	EU_Y_FIELDS("container", "metadata.container", container_fields),
	EU_Y_LIST("command", "metadata.command", parse_command_word),
	EU_Y_VALUE("kernel", parse_kernel),
	EU_Y_FIELDS("learned", "metadata.learned", learned_fields),
	EU_Y_PAIRS("runtime_setup", "metadata.runtime_setup", parse_setup_pair),
};

/* A syscall (the name `key`) is either allowed outright or by its rules, not both. */
static int fail_ruled_and_allowed(struct eu_y_ctx *c, yaml_node_t *key, int arch)
{
	return eu_y_fail_at(c, key, "syscall '%s' has rules but is also allowed outright on %s",
			    (const char *)key->data.scalar.value, eu_arch_name(arch));
}

/* One pair of architectures.<arch>.syscalls: {name: count} */
static int parse_syscall_pair(struct eu_y_ctx *c, yaml_node_t *key, yaml_node_t *val, void *arg)
{
	int arch = *(int *)arg, nr;
	const char *name;
	uint64_t count;

	if (get_syscall(c, key, arch, &nr))
		return -1;
	name = (const char *)key->data.scalar.value;
	if (eu_profile_has_syscall(c->p, arch, nr))
		return eu_y_fail_at(c, key, "syscall '%s' is listed twice for architecture %s",
				    name, eu_arch_name(arch));
	if (eu_profile_has_rules(c->p, arch, nr))
		return fail_ruled_and_allowed(c, key, arch);
	if (eu_y_get_u64(c, val, "a syscall count", &count))
		return -1;
	return eu_profile_add_syscall(c->p, arch, nr, count, c->err);
}

/* One pair of architectures.<arch>.unnamed: {number: count}, syscalls libseccomp cannot name */
static int parse_unnamed_pair(struct eu_y_ctx *c, yaml_node_t *key, yaml_node_t *val, void *arg)
{
	int arch = *(int *)arg;
	uint64_t nr, count;

	if (eu_y_get_u64(c, key, "a syscall number", &nr))
		return -1;
	if (nr >= EU_NR_MAX)
		return eu_y_fail_at(c, key, "syscall number %" PRIu64 " is out of range (0-%d)", nr,
				    EU_NR_MAX - 1);
	if (eu_profile_has_syscall(c->p, arch, (int)nr))
		return eu_y_fail_at(c, key,
				    "syscall number %" PRIu64
				    " is listed twice for architecture %s",
				    nr, eu_arch_name(arch));
	if (eu_y_get_u64(c, val, "a syscall count", &count))
		return -1;
	return eu_profile_add_syscall(c->p, arch, (int)nr, count, c->err);
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

/* One pair of architectures.<arch>.rules: {syscall: [rule, ...]} */
static int parse_rules_pair(struct eu_y_ctx *c, yaml_node_t *key, yaml_node_t *val, void *arg)
{
	int arch = *(int *)arg;
	struct eu_rule r = { .arch = arch };

	if (get_syscall(c, key, arch, &r.nr))
		return -1;
	if (eu_profile_has_syscall(c->p, arch, r.nr))
		return fail_ruled_and_allowed(c, key, arch);
	return eu_y_walk_list(c, val, "the rules of a syscall", parse_rule_item, &r);
}

static int parse_argfree_item(struct eu_y_ctx *c, yaml_node_t *item, void *arg)
{
	int arch = *(int *)arg, nr;

	if (get_syscall(c, item, arch, &nr))
		return -1;
	eu_bit_set(c->p->arch[arch].argfree, (unsigned int)nr);
	return 0;
}

/* One pair of architectures.<arch>.first_seen: {syscall: seconds} */
static int parse_first_seen_pair(struct eu_y_ctx *c, yaml_node_t *key, yaml_node_t *val,
				 void *arg)
{
	int arch = *(int *)arg, nr;
	uint64_t ms;

	if (get_syscall(c, key, arch, &nr) || eu_y_get_ms(c, val, "first_seen", &ms))
		return -1;
	if (ms > UINT32_MAX)
		return eu_y_fail_at(c, val, "first_seen is too large");
	eu_profile_first_seen(c->p, arch, nr, (uint32_t)ms);
	return 0;
}

static const struct eu_y_field arch_fields[] = {
	EU_Y_PAIRS("syscalls", "syscalls", parse_syscall_pair),
	EU_Y_PAIRS("unnamed", "unnamed", parse_unnamed_pair),
	EU_Y_PAIRS("rules", "rules", parse_rules_pair),
	EU_Y_LIST("argument_free", "argument_free", parse_argfree_item),
	EU_Y_PAIRS("first_seen", "first_seen", parse_first_seen_pair),
};

/* One pair of architectures: {x86_64: {...}, ...} */
static int parse_arch_pair(struct eu_y_ctx *c, yaml_node_t *key, yaml_node_t *val, void *arg)
{
	char where[64];
	const char *name;
	int arch;

	(void)arg;
	if (eu_y_get_str(c, key, "an architecture", &name))
		return -1;
	arch = eu_arch_from_name(name);
	if (arch < 0 || strcmp(name, eu_arch_name(arch)))
		return eu_y_fail_at(c, key,
				    "unknown architecture '%s' (expected x86_64, i386 or x32)",
				    name);
	if (c->p->arch[arch].present)
		return eu_y_fail_at(c, key, "duplicate key '%s' in architectures", name);
	c->p->arch[arch].present = true;
	snprintf(where, sizeof(where), "architectures.%s", name);
	return eu_y_walk_fields(c, val, where, arch_fields, EU_ARRAY_SIZE(arch_fields), &arch);
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
	EU_Y_VALUE("learned", parse_caps_learned),
	EU_Y_VALUE("used", parse_caps_list),
	EU_Y_VALUE("denied", parse_caps_list),
};

static int parse_family_item(struct eu_y_ctx *c, yaml_node_t *item, void *arg)
{
	char expected[64];
	int af;

	(void)arg;
	snprintf(expected, sizeof(expected), "AF_UNIX, AF_INET, ... or AF_<number> below %d",
		 EU_FAMILY_MAX);
	if (get_named(c, item, "a socket family", eu_family_from_name, "socket family", expected,
		      &af))
		return -1;
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
	{ .key = "version", .parse = parse_version, .required = true },
	EU_Y_FIELDS("metadata", "metadata", metadata_fields),
	EU_Y_VALUE("default_action", parse_default),
	EU_Y_PAIRS("architectures", "architectures", parse_arch_pair),
	EU_Y_FIELDS("capabilities", "capabilities", caps_fields),
	EU_Y_LIST("executables", "executables", parse_exec_item),
	EU_Y_VALUE("socket_families", parse_families),
};

int eu_profile_yaml_fields(struct eu_y_ctx *c, yaml_node_t *root)
{
	return eu_y_walk_fields(c, root, "the profile", top_fields, EU_ARRAY_SIZE(top_fields),
				NULL);
}
