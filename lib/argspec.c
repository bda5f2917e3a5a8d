// SPDX-License-Identifier: GPL-2.0-only
/* The syscalls whose arguments are learned, and the rules their values make (argspec.h). */
#include <string.h>

#include "argspec.h"
#include "syscalls.h"

/*
 * ioctl(2) requests are many in some programs (a terminal's, a device's);
 * past this many the profile leaves ioctl argument-free and says so.
 */
#define IOCTL_MAX_VALUES 64

static const struct eu_argspec specs[] = {
	{ "socket", 0, EU_ARGK_EQ, 0 },
	{ "socketpair", 0, EU_ARGK_EQ, 0 },
	{ "clone", 0, EU_ARGK_NSFLAGS, 0 },
	{ "clone3", 0, EU_ARGK_CLONE3, 0 },
	{ "unshare", 0, EU_ARGK_NSFLAGS, 0 },
	{ "setns", 1, EU_ARGK_EQ, 0 },
	{ "prctl", 0, EU_ARGK_EQ, 0 },
	{ "personality", 0, EU_ARGK_EQ, 0 },
	{ "ioctl", 1, EU_ARGK_EQ, IOCTL_MAX_VALUES },
};

static const struct eu_argspec *const all[] = {
	&specs[0], &specs[1], &specs[2], &specs[3], &specs[4],
	&specs[5], &specs[6], &specs[7], &specs[8], NULL,
};

_Static_assert(sizeof(all) / sizeof(all[0]) == sizeof(specs) / sizeof(specs[0]) + 1,
	       "every spec is listed once");

const struct eu_argspec *const *eu_argspec_all(void)
{
	return all;
}

bool eu_argspec_holds(const struct eu_argspec *s, int arch)
{
	return !(arch == EU_ARCH_I386 &&
		 (!strcmp(s->syscall, "socket") || !strcmp(s->syscall, "socketpair")));
}

const struct eu_argspec *eu_argspec_held(int arch, int nr)
{
	const struct eu_argspec *s = eu_argspec_find(arch, nr);

	return s && eu_argspec_holds(s, arch) ? s : NULL;
}

const struct eu_argspec *eu_argspec_by_name(const char *syscall)
{
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		if (!strcmp(specs[i].syscall, syscall))
			return &specs[i];
	return NULL;
}

const struct eu_argspec *eu_argspec_find(int arch, int nr)
{
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		if (eu_syscall_nr(arch, specs[i].syscall) == nr)
			return &specs[i];
	return NULL;
}

void eu_argspec_rule(const struct eu_argspec *s, int arch, int nr, uint64_t value,
		     struct eu_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->arch = arch;
	r->nr = nr;
	r->ncond = 1;
	r->cond[0].arg = s->arg;
	if (s->kind == EU_ARGK_EQ) {
		r->cond[0].op = EU_CMP_EQ;
		r->cond[0].value = value;
	} else {
		r->cond[0].op = EU_CMP_MASKED_EQ;
		r->cond[0].mask = EU_CLONE_NEW_MASK;
		r->cond[0].value = value & EU_CLONE_NEW_MASK;
	}
}

bool eu_argspec_rule_value(const struct eu_argspec *s, const struct eu_rule *r, uint64_t *value)
{
	const struct eu_cond *c = &r->cond[0];

	if (s->kind == EU_ARGK_CLONE3 || r->errnum || r->ncond != 1 || c->arg != s->arg)
		return false;
	if (s->kind == EU_ARGK_EQ ? c->op != EU_CMP_EQ
				  : c->op != EU_CMP_MASKED_EQ || c->mask != EU_CLONE_NEW_MASK)
		return false;
	*value = c->value;
	return true;
}

uint64_t eu_argspec_key(int arch, int nr, const uint64_t *args)
{
	const struct eu_argspec *s = eu_argspec_find(arch, nr);
	uint64_t v;

	if (!s || s->kind == EU_ARGK_CLONE3)
		return 0;
	v = args[s->arg];
	if (s->kind == EU_ARGK_NSFLAGS)
		v &= EU_CLONE_NEW_MASK;
	/* one more than the value, so that 0 stays "no argument" */
	return 1 + (v < 256 ? v : 256 + ((v ^ (v >> 8) ^ (v >> 16) ^ (v >> 32)) & 0xff));
}
