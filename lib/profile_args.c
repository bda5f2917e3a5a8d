// SPDX-License-Identifier: GPL-2.0-only
/*
 * Learned argument values into a profile's rules (argspec.h): the syscalls
 * whose arguments hold an escape are allowed for the values the container
 * used, and clone3, whose flags seccomp cannot read, is answered ENOSYS when
 * the container never asked it for a namespace.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argspec.h"
#include "profile.h"
#include "syscalls.h"

/* Allowed for these values only: the outright allowance gives way to one rule per value. */
static int rule_values(struct eu_profile *p, const struct eu_argspec *s, int arch, int nr,
		       const uint64_t *values, size_t n, struct eu_err *err)
{
	struct eu_syscall_set *set = &p->arch[arch];

	set->bits[nr / 64] &= ~(1ULL << (nr % 64));
	set->count[nr] = 0; /* counts are kept for what is allowed outright */
	for (size_t i = 0; i < n; i++) {
		struct eu_rule r;

		eu_argspec_rule(s, arch, nr, values[i], &r);
		if (eu_profile_add_rule(p, &r, err))
			return -1;
	}
	return 0;
}

/*
 * clone3 without namespace flags: ENOSYS, so that glibc calls clone, whose
 * flags the filter reads; clone is then allowed without namespace flags,
 * unless the profile allows it outright already or by its own learned rules.
 */
static int clone3_enosys(struct eu_profile *p, int arch, int nr, struct eu_err *err)
{
	const struct eu_argspec *cs = eu_argspec_by_name("clone");
	struct eu_syscall_set *set = &p->arch[arch];
	int clone_nr = eu_syscall_nr(arch, "clone");
	struct eu_rule r = { .arch = arch, .nr = nr, .errnum = ENOSYS };

	set->bits[nr / 64] &= ~(1ULL << (nr % 64));
	set->count[nr] = 0;
	if (eu_profile_add_rule(p, &r, err))
		return -1;
	if (clone_nr < 0 || !cs)
		return 0;
	eu_argspec_rule(cs, arch, clone_nr, 0, &r);
	return eu_profile_add_rule(p, &r, err);
}

int eu_profile_restrict_args(struct eu_profile *p, int arch, int nr, const uint64_t *values,
			     size_t n, bool lost, bool *ruled, struct eu_err *err)
{
	const struct eu_argspec *s = eu_argspec_find(arch, nr);
	bool needs_ns = false;

	*ruled = false;
	if (!s || !eu_profile_has_syscall(p, arch, nr))
		return 0;
	/* i386's socket and socketpair: socket is only as open there as it was */
	if (!eu_argspec_holds(s, arch)) {
		eu_bit_set(p->arch[arch].argfree, (unsigned int)nr);
		return 0;
	}
	if (s->kind == EU_ARGK_CLONE3)
		for (size_t i = 0; i < n; i++)
			needs_ns |= values[i] != 0; /* namespace bits, or unreadable (all ones) */
	if (lost || needs_ns || !n || (s->max_values && n > s->max_values)) {
		eu_bit_set(p->arch[arch].argfree, nr);
		return 0;
	}
	*ruled = true;
	if (s->kind == EU_ARGK_CLONE3)
		return clone3_enosys(p, arch, nr, err);
	return rule_values(p, s, arch, nr, values, n, err);
}

/* "socket 2 values" or "clone 1 namespace set" or "clone3 ENOSYS", appended to buf. */
static size_t describe(const struct eu_profile *p, const struct eu_argspec *s, int arch, int nr,
		       char *buf, size_t size, size_t off)
{
	size_t n = 0;
	bool enosys = false;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct eu_rule *r = &p->rules[i];

		if (r->arch != arch || r->nr != nr)
			continue;
		n++;
		enosys |= r->errnum == ENOSYS && !r->ncond;
	}
	if (!n || off >= size)
		return off;
	if (enosys)
		return off + (size_t)snprintf(buf + off, size - off, "%s%s ENOSYS", off ? ", " : "",
					      s->syscall);
	return off + (size_t)snprintf(buf + off, size - off, "%s%s %zu %s", off ? ", " : "",
				      s->syscall, n,
				      s->kind == EU_ARGK_EQ ? (n == 1 ? "value" : "values")
							     : (n == 1 ? "namespace set" : "namespace sets"));
}

void eu_profile_args_summary(const struct eu_profile *p, int arch, char *ruled, size_t rsize,
			     char *free_, size_t fsize)
{
	const struct eu_argspec *const *all = eu_argspec_all();
	size_t ro = 0, fo = 0;

	ruled[0] = free_[0] = '\0';
	for (size_t i = 0; all[i]; i++) {
		int nr = eu_syscall_nr(arch, all[i]->syscall);

		if (nr < 0 || nr >= EU_NR_MAX)
			continue;
		ro = describe(p, all[i], arch, nr, ruled, rsize, ro);
		if (eu_bit_test(p->arch[arch].argfree, (unsigned int)nr) && fo < fsize)
			fo += (size_t)snprintf(free_ + fo, fsize - fo, "%s%s", fo ? ", " : "",
					       all[i]->syscall);
	}
}

int eu_profile_fallback_arg(const struct eu_profile *p, int arch, int nr)
{
	int arg = -1;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct eu_rule *r = &p->rules[i];

		if (r->arch != arch || r->nr != nr)
			continue;
		if (!r->ncond)
			return -1; /* decided whatever the arguments */
		if (arg < 0)
			arg = r->cond[0].arg;
	}
	return arg;
}
