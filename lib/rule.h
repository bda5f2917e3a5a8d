/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Syscall rules: what a profile says about a syscall beyond "allowed". A rule
 * allows a syscall, or makes it fail with an errno, when all its conditions on
 * the arguments hold (no condition: always). They come from imported profiles
 * (podman's allows personality(2) for a few personas only, clone(2) without
 * namespace flags) and are written for review as one line each:
 *
 *   allow if arg0 == 8
 *   allow if arg0 & 0x7e020000 == 0
 *   errno 22 if arg0 == 16 && arg2 == 9
 */
#ifndef EUNOMIA_RULE_H
#define EUNOMIA_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Comparisons seccomp can make on an argument (SCMP_CMP_*). */
enum eu_cmp {
	EU_CMP_EQ = 0,
	EU_CMP_NE,
	EU_CMP_LT,
	EU_CMP_LE,
	EU_CMP_GT,
	EU_CMP_GE,
	EU_CMP_MASKED_EQ, /* (arg & mask) == value */
};

#define EU_RULE_MAX_CONDS 6 /* a syscall has six arguments */
#define EU_ERRNO_MAX 4095

struct eu_cond {
	uint8_t arg; /* 0..5 */
	uint8_t op;  /* enum eu_cmp */
	uint64_t value;
	uint64_t mask; /* EU_CMP_MASKED_EQ only */
};

struct eu_rule {
	int arch; /* EU_ARCH_* */
	int nr;	  /* syscall number in that ABI */
	uint32_t errnum; /* 0: allow; else fail with this errno */
	unsigned int ncond;
	struct eu_cond cond[EU_RULE_MAX_CONDS];
};

/*
 * Parse the text of a rule (not its syscall). On failure returns -1 and
 * says what was expected in `why`, with *col the 0-based column of the problem.
 */
int eu_rule_parse(const char *s, struct eu_rule *r, char *why, size_t whylen, size_t *col);

/* The canonical text of a rule: parse(format(r)) == r. */
void eu_rule_format(const struct eu_rule *r, char *buf, size_t size);

bool eu_rule_equal(const struct eu_rule *a, const struct eu_rule *b);

#endif
