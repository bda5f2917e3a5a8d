// SPDX-License-Identifier: GPL-2.0-only
/*
 * denials --fix: what seccomp refused, folded into a profile (see denials.h):
 * a syscall allowed outright, or, where learning records its argument, a rule
 * for each value refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argspec.h"
#include "cleanup.h"
#include "denials.h"
#include "profile.h"
#include "rule.h"
#include "syscalls.h"

void eu_denials_fix_free(struct eu_denials_fix *fx)
{
	eu_strv_free(&fx->allowed);
	eu_strv_free(&fx->rules);
	eu_strv_free(&fx->left);
}

/* Append s to sv unless it is there already (a syscall refused both ways says so once). */
static int note(struct eu_strv *sv, const char *s, struct eu_err *err)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return 0;
	return eu_strv_append(sv, s, err);
}

/* "acct", "syscall 1000", "acct (i386)". */
static void display_name(const struct eu_denial *r, char *buf, size_t size)
{
	if (r->syscall)
		snprintf(buf, size, "%s", r->syscall);
	else
		snprintf(buf, size, "syscall %d", r->nr);
	if (r->arch != EU_ARCH_X86_64)
		snprintf(buf + strlen(buf), size - strlen(buf), " (%s)", eu_arch_name(r->arch));
}

static bool has_rule(const struct eu_profile *p, const struct eu_rule *r)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (eu_rule_equal(&p->rules[i], r))
			return true;
	return false;
}

/* How many values the profile allows syscall nr of arch by rules of spec s's form. */
static size_t values_allowed(const struct eu_profile *p, const struct eu_argspec *s, int arch,
			     int nr)
{
	size_t n = 0;
	uint64_t v;

	for (size_t i = 0; i < p->nrules; i++)
		n += p->rules[i].arch == arch && p->rules[i].nr == nr &&
		     eu_argspec_rule_value(s, &p->rules[i], &v);
	return n;
}

static int u64_cmp(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

/*
 * Allowed outright (`why`: "" or " (over 64 values)"): rules it had give way,
 * and one whose argument learning records is argument-free, as learning says.
 */
static int fold_outright(const struct eu_denial *r, const char *name, const char *why,
			 struct eu_profile *p, struct eu_denials_fix *fx, struct eu_err *err)
{
	char text[128];

	if (eu_profile_add_syscall(p, r->arch, r->nr, 0, err))
		return -1;
	if (eu_argspec_find(r->arch, r->nr))
		eu_bit_set(p->arch[r->arch].argfree, (unsigned int)r->nr);
	snprintf(text, sizeof(text), "%s%s", name, why);
	return note(&fx->allowed, text, err);
}

/* Left as it is, and why. */
static int leave(const char *name, const struct eu_argspec *s, const char *why,
		 struct eu_denials_fix *fx, struct eu_err *err)
{
	char text[192];

	snprintf(text, sizeof(text), "%s (%s arg%u)", name, why, s->arg);
	return note(&fx->left, text, err);
}

/* A rule for each value refused of a syscall eunomia learns the argument of (spec s). */
static int fold_values(const struct eu_denial *r, const struct eu_argspec *s, const char *name,
		       struct eu_profile *p, struct eu_denials_fix *fx, struct eu_err *err)
{
	_cleanup_free_ uint64_t *v = calloc(r->nvalues, sizeof(*v));
	size_t fresh = 0;
	char text[192];

	if (!v)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "folding the denials of %s", name);
	for (size_t i = 0; i < r->nvalues; i++) {
		struct eu_rule rule;

		eu_argspec_rule(s, r->arch, r->nr, r->values[i], &rule);
		if (!has_rule(p, &rule))
			v[fresh++] = r->values[i];
	}
	/* as learning does: past the spec's bound, the syscall is allowed outright */
	if (s->max_values && values_allowed(p, s, r->arch, r->nr) + fresh > s->max_values) {
		char why[32];

		snprintf(why, sizeof(why), " (over %u values)", s->max_values);
		return fold_outright(r, name, why, p, fx, err);
	}
	qsort(v, fresh, sizeof(*v), u64_cmp);
	for (size_t i = 0; i < fresh; i++) {
		struct eu_rule rule;
		size_t off;

		eu_argspec_rule(s, r->arch, r->nr, v[i], &rule);
		if (eu_profile_add_rule(p, &rule, err))
			return -1;
		off = (size_t)snprintf(text, sizeof(text), "%s: ", name);
		eu_rule_format(&rule, text + off, sizeof(text) - off);
		if (note(&fx->rules, text, err))
			return -1;
	}
	return 0;
}

int eu_denials_fold(const struct eu_denials *d, const char *container, struct eu_profile *p,
		    struct eu_denials_fix *fx, struct eu_err *err)
{
	char name[64];

	for (size_t i = 0; i < d->n; i++) {
		const struct eu_denial *r = &d->v[i];
		const struct eu_argspec *s;
		int rc;

		if ((container && strcmp(container, r->container)) ||
		    eu_profile_has_syscall(p, r->arch, r->nr))
			continue;
		display_name(r, name, sizeof(name));
		s = eu_argspec_held(r->arch, r->nr);
		/*
		 * Learning allows such a syscall for the values it saw only: so does
		 * the fix, for the values refused, whether the profile has the
		 * syscall or not. Without them, one restricted stays as it is.
		 */
		if (s && r->nvalues)
			rc = fold_values(r, s, name, p, fx, err);
		else if (!s || !eu_profile_has_rules(p, r->arch, r->nr))
			rc = fold_outright(r, name, "", p, fx, err);
		else if (s->kind == EU_ARGK_CLONE3)
			rc = leave(name, s, "seccomp cannot read the flags behind", fx, err);
		else
			rc = leave(name, s, "the events do not give its", fx, err);
		if (!rc && s && r->nvalues && r->value_missing)
			rc = leave(name, s, "some of the events do not give its", fx, err);
		if (rc)
			return -1;
	}
	return 0;
}
