// SPDX-License-Identifier: GPL-2.0-only
/* The profile model: construction, queries, merge and comparison. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "names.h"
#include "profile.h"

struct eu_profile *eu_profile_new(void)
{
	struct eu_profile *p = calloc(1, sizeof(*p));

	if (p)
		p->version = EU_PROFILE_VERSION;
	return p;
}

static void meta_free(struct eu_meta *m)
{
	free(m->container_id);
	free(m->container_name);
	free(m->runtime);
	free(m->image);
	free(m->bundle);
	free(m->kernel);
	free(m->learned_at);
	eu_strv_free(&m->command);
}

void eu_profile_free(struct eu_profile *p)
{
	if (!p)
		return;
	meta_free(&p->meta);
	eu_strv_free(&p->execs);
	free(p->rules);
	free(p);
}

int eu_set_str(char **slot, const char *s, struct eu_err *err)
{
	char *copy = NULL;

	if (s && !(copy = strdup(s)))
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "copying a string");
	free(*slot);
	*slot = copy;
	return 0;
}

static void drop_rules(struct eu_profile *p, int arch, int nr)
{
	size_t kept = 0;

	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].arch != arch || p->rules[i].nr != nr)
			p->rules[kept++] = p->rules[i];
	p->nrules = kept;
}

bool eu_profile_has_rules(const struct eu_profile *p, int arch, int nr)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].arch == arch && p->rules[i].nr == nr)
			return true;
	return false;
}

int eu_profile_add_syscall(struct eu_profile *p, int arch, int nr, uint64_t count,
			   struct eu_err *err)
{
	struct eu_syscall_set *set;

	if (arch < 0 || arch >= EU_ARCH_COUNT)
		return eu_fail(err, EU_E_INTERNAL, 0, "bad architecture index %d", arch);
	if (nr < 0 || nr >= EU_NR_MAX)
		return eu_fail(err, EU_E_PROFILE, 0, "syscall number %d is out of range (0-%d)", nr,
			       EU_NR_MAX - 1);
	set = &p->arch[arch];
	set->present = true;
	eu_bit_set(set->bits, nr);
	drop_rules(p, arch, nr);
	/* Saturate rather than wrap: a count is a magnitude, not an identity. */
	set->count[nr] = set->count[nr] + count < set->count[nr] ? UINT64_MAX
								  : set->count[nr] + count;
	return 0;
}

int eu_profile_add_rule(struct eu_profile *p, const struct eu_rule *r, struct eu_err *err)
{
	if (r->arch < 0 || r->arch >= EU_ARCH_COUNT || r->nr < 0 || r->nr >= EU_NR_MAX)
		return eu_fail(err, EU_E_INTERNAL, 0, "rule for a bad syscall %d/%d", r->arch, r->nr);
	/* Allowed outright already: a rule can only narrow that, and a union does not narrow. */
	if (eu_profile_has_syscall(p, r->arch, r->nr))
		return 0;
	for (size_t i = 0; i < p->nrules; i++)
		if (eu_rule_equal(&p->rules[i], r))
			return 0;
	if (p->nrules == p->rules_cap) {
		size_t cap = p->rules_cap ? 2 * p->rules_cap : 16;
		struct eu_rule *v = realloc(p->rules, cap * sizeof(*v));

		if (!v)
			return eu_fail(err, EU_E_INTERNAL, ENOMEM, "growing the rule list");
		p->rules = v;
		p->rules_cap = cap;
	}
	p->rules[p->nrules++] = *r;
	p->arch[r->arch].present = true;
	return 0;
}

static const char *const deny_names[] = {
	[EU_DENY_ERRNO] = "errno",
	[EU_DENY_KILL_PROCESS] = "kill-process",
	[EU_DENY_LOG] = "log",
};

const char *eu_deny_name(enum eu_deny d)
{
	return EU_NAME_OF(deny_names, d, "errno");
}

int eu_deny_from_name(const char *name)
{
	return EU_NAME_FIND(deny_names, 0, name);
}

bool eu_profile_has_syscall(const struct eu_profile *p, int arch, int nr)
{
	if (arch < 0 || arch >= EU_ARCH_COUNT || nr < 0 || nr >= EU_NR_MAX)
		return false;
	return eu_bit_test(p->arch[arch].bits, nr);
}

size_t eu_profile_syscall_total(const struct eu_profile *p, int arch)
{
	size_t n = 0;

	for (int a = 0; a < EU_ARCH_COUNT; a++) {
		if (arch >= 0 && a != arch)
			continue;
		for (int w = 0; w < EU_NR_WORDS; w++)
			n += (size_t)__builtin_popcountll(p->arch[a].bits[w]);
	}
	return n;
}

void eu_profile_first_seen(struct eu_profile *p, int arch, int nr, uint32_t ms)
{
	struct eu_syscall_set *set;

	if (arch < 0 || arch >= EU_ARCH_COUNT || nr < 0 || nr >= EU_NR_MAX)
		return;
	set = &p->arch[arch];
	if (eu_bit_test(set->first_known, nr) && set->first_ms[nr] <= ms)
		return;
	eu_bit_set(set->first_known, nr);
	set->first_ms[nr] = ms;
}

static int merge_str(char **dst, const char *src, struct eu_err *err)
{
	/* The first run's identity is kept; later runs only fill gaps. */
	if (*dst || !src)
		return 0;
	return eu_set_str(dst, src, err);
}

int eu_profile_merge(struct eu_profile *dst, const struct eu_profile *src, struct eu_err *err)
{
	struct eu_meta *dm = &dst->meta;
	const struct eu_meta *sm = &src->meta;

	for (int a = 0; a < EU_ARCH_COUNT; a++) {
		const struct eu_syscall_set *s = &src->arch[a];

		/* the runtime's set-up is kept also for an ABI with no section of its own */
		for (int w = 0; w < EU_NR_WORDS; w++)
			dm->setup_bits[a][w] |= sm->setup_bits[a][w];
		if (!s->present)
			continue;
		dst->arch[a].present = true;
		for (int nr = 0; nr < EU_NR_MAX; nr++) {
			if (eu_bit_test(s->bits, nr) &&
			    eu_profile_add_syscall(dst, a, nr, s->count[nr], err))
				return -1;
			if (eu_bit_test(s->first_known, nr))
				eu_profile_first_seen(dst, a, nr, s->first_ms[nr]);
		}
		for (int w = 0; w < EU_NR_WORDS; w++)
			dst->arch[a].argfree[w] |= s->argfree[w];
	}
	for (size_t i = 0; i < src->nrules; i++)
		if (eu_profile_add_rule(dst, &src->rules[i], err))
			return -1;
	if (!dst->has_default && src->has_default) {
		dst->has_default = true;
		dst->default_deny = src->default_deny;
		dst->default_errno = src->default_errno;
	}
	dst->caps_used |= src->caps_used;
	dst->caps_denied |= src->caps_denied;
	dst->caps_unknown = dst->caps_unknown || src->caps_unknown;
	/* A side that knows nothing of sockets allows them all: so does the union. */
	dst->families = dst->has_families && src->has_families ? dst->families | src->families : 0;
	dst->has_families = dst->has_families && src->has_families;
	dm->setup_caps |= sm->setup_caps;
	for (size_t i = 0; i < src->execs.n; i++)
		if (eu_strv_add_sorted(&dst->execs, src->execs.v[i], err))
			return -1;

	if (merge_str(&dm->container_id, sm->container_id, err) ||
	    merge_str(&dm->container_name, sm->container_name, err) ||
	    merge_str(&dm->runtime, sm->runtime, err) || merge_str(&dm->image, sm->image, err) ||
	    merge_str(&dm->bundle, sm->bundle, err) || merge_str(&dm->kernel, sm->kernel, err) ||
	    merge_str(&dm->learned_at, sm->learned_at, err))
		return -1;
	if (!dm->command.n)
		for (size_t i = 0; i < sm->command.n; i++)
			if (eu_strv_append(&dm->command, sm->command.v[i], err))
				return -1;
	/* Runs learned with different boundaries: the profile is only as exact as the loosest. */
	if (!dm->runs)
		dm->boundary = sm->boundary;
	else if (sm->runs && sm->boundary != dm->boundary)
		dm->boundary = EU_BOUNDARY_NONE;
	dm->duration_ms += sm->duration_ms;
	dm->runs += sm->runs;
	if (sm->has_quiet && (!dm->has_quiet || sm->quiet_ms < dm->quiet_ms)) {
		dm->has_quiet = true;
		dm->quiet_ms = sm->quiet_ms;
	}
	return 0;
}

struct eu_profile *eu_profile_copy(const struct eu_profile *src, struct eu_err *err)
{
	struct eu_profile *p = eu_profile_new();

	if (!p) {
		eu_fail(err, EU_E_INTERNAL, ENOMEM, "copying a profile");
		return NULL;
	}
	/* The union with an empty profile is the profile (an empty one knows its sockets: none). */
	p->has_families = true;
	if (eu_profile_merge(p, src, err)) {
		eu_profile_free(p);
		return NULL;
	}
	return p;
}

static bool str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* The rule at position `k` among those for (arch, nr), or NULL. */
static const struct eu_rule *nth_rule(const struct eu_profile *p, int arch, int nr, size_t k)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].arch == arch && p->rules[i].nr == nr && k-- == 0)
			return &p->rules[i];
	return NULL;
}

/*
 * Same rules for each syscall, in the same order. The order among syscalls
 * carries no meaning (the YAML form lists them by name).
 */
static bool rules_equal(const struct eu_profile *a, const struct eu_profile *b)
{
	for (size_t i = 0; i < a->nrules; i++) {
		const struct eu_rule *r = &a->rules[i], *s;
		size_t k = 0;

		for (size_t j = 0; j < i; j++)
			k += a->rules[j].arch == r->arch && a->rules[j].nr == r->nr;
		s = nth_rule(b, r->arch, r->nr, k);
		if (!s || !eu_rule_equal(r, s))
			return false;
	}
	return true;
}

bool eu_profile_equal(const struct eu_profile *a, const struct eu_profile *b)
{
	const struct eu_meta *am = &a->meta, *bm = &b->meta;

	if (a->version != b->version || a->caps_used != b->caps_used ||
	    a->caps_unknown != b->caps_unknown ||
	    a->has_families != b->has_families || a->families != b->families ||
	    a->caps_denied != b->caps_denied || !eu_strv_equal(&a->execs, &b->execs) ||
	    a->has_default != b->has_default || a->nrules != b->nrules)
		return false;
	if (a->has_default &&
	    (a->default_deny != b->default_deny || a->default_errno != b->default_errno))
		return false;
	if (!rules_equal(a, b))
		return false;
	for (int i = 0; i < EU_ARCH_COUNT; i++) {
		if (a->arch[i].present != b->arch[i].present ||
		    memcmp(a->arch[i].bits, b->arch[i].bits, sizeof(a->arch[i].bits)) ||
		    memcmp(a->arch[i].count, b->arch[i].count, sizeof(a->arch[i].count)) ||
		    memcmp(a->arch[i].argfree, b->arch[i].argfree, sizeof(a->arch[i].argfree)) ||
		    memcmp(a->arch[i].first_known, b->arch[i].first_known,
			   sizeof(a->arch[i].first_known)))
			return false;
		for (int nr = 0; nr < EU_NR_MAX; nr++)
			if (eu_bit_test(a->arch[i].first_known, nr) &&
			    a->arch[i].first_ms[nr] != b->arch[i].first_ms[nr])
				return false;
	}
	return str_equal(am->container_id, bm->container_id) &&
	       str_equal(am->container_name, bm->container_name) &&
	       str_equal(am->runtime, bm->runtime) && str_equal(am->image, bm->image) &&
	       str_equal(am->bundle, bm->bundle) && str_equal(am->kernel, bm->kernel) &&
	       str_equal(am->learned_at, bm->learned_at) &&
	       eu_strv_equal(&am->command, &bm->command) && am->duration_ms == bm->duration_ms &&
	       am->runs == bm->runs && am->boundary == bm->boundary &&
	       !memcmp(am->setup_bits, bm->setup_bits, sizeof(am->setup_bits)) &&
	       am->setup_caps == bm->setup_caps && am->has_quiet == bm->has_quiet &&
	       (!am->has_quiet || am->quiet_ms == bm->quiet_ms);
}

static int strv_grow(struct eu_strv *sv, struct eu_err *err)
{
	size_t cap;
	char **v;

	if (sv->n < sv->cap)
		return 0;
	cap = sv->cap ? sv->cap * 2 : 8;
	v = realloc(sv->v, cap * sizeof(*v));
	if (!v)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "growing a string list");
	sv->v = v;
	sv->cap = cap;
	return 0;
}

int eu_strv_append(struct eu_strv *sv, const char *s, struct eu_err *err)
{
	char *copy;

	if (strv_grow(sv, err))
		return -1;
	copy = strdup(s);
	if (!copy)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "copying a string");
	sv->v[sv->n++] = copy;
	return 0;
}

int eu_strv_add_sorted(struct eu_strv *sv, const char *s, struct eu_err *err)
{
	size_t lo = 0, hi = sv->n;
	char *copy;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(sv->v[mid], s);

		if (!c)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (strv_grow(sv, err))
		return -1;
	copy = strdup(s);
	if (!copy)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "copying a string");
	memmove(sv->v + lo + 1, sv->v + lo, (sv->n - lo) * sizeof(*sv->v));
	sv->v[lo] = copy;
	sv->n++;
	return 0;
}

bool eu_strv_equal(const struct eu_strv *a, const struct eu_strv *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

void eu_strv_free(struct eu_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

static const char *const boundary_names[] = {
	[EU_BOUNDARY_NONE] = "none",
	[EU_BOUNDARY_SECCOMP] = "seccomp-filter",
	[EU_BOUNDARY_EXEC] = "exec",
};

const char *eu_boundary_name(enum eu_boundary b)
{
	return EU_NAME_OF(boundary_names, b, "none");
}

int eu_boundary_from_name(const char *name)
{
	return EU_NAME_FIND(boundary_names, 0, name);
}
