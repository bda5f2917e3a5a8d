// SPDX-License-Identifier: GPL-2.0-only
/* The one-line text form of a syscall rule (see rule.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "rule.h"

static const char *const ops[] = {
	[EU_CMP_EQ] = "==", [EU_CMP_NE] = "!=", [EU_CMP_LT] = "<",
	[EU_CMP_LE] = "<=", [EU_CMP_GT] = ">",	[EU_CMP_GE] = ">=",
};

struct lexer {
	const char *s, *p;
	char *why;
	size_t whylen;
	size_t *col;
};

static int lex_fail(struct lexer *lx, const char *at, const char *what)
{
	snprintf(lx->why, lx->whylen, "%s", what);
	*lx->col = (size_t)(at - lx->s);
	return -1;
}

/* The next space-separated word, into w (empty at the end). */
static const char *word(struct lexer *lx, char *w, size_t size)
{
	const char *start;
	size_t n;

	while (*lx->p == ' ')
		lx->p++;
	start = lx->p;
	n = strcspn(lx->p, " ");
	lx->p += n;
	snprintf(w, size, "%.*s", (int)(n < size ? n : size - 1), start);
	return start;
}

static int number(struct lexer *lx, uint64_t *v, const char *what)
{
	char w[32], *end;
	const char *at = word(lx, w, sizeof(w));

	errno = 0;
	*v = strtoull(w, &end, 0);
	if (!*w || *end || errno || w[0] == '-')
		return lex_fail(lx, at, what);
	return 0;
}

static int condition(struct lexer *lx, struct eu_cond *c)
{
	char w[16];
	const char *at = word(lx, w, sizeof(w));

	if (strncmp(w, "arg", 3) || w[3] < '0' || w[3] > '5' || w[4])
		return lex_fail(lx, at, "expected an argument, arg0 to arg5");
	c->arg = (uint8_t)(w[3] - '0');
	at = word(lx, w, sizeof(w));
	if (!strcmp(w, "&")) {
		c->op = EU_CMP_MASKED_EQ;
		if (number(lx, &c->mask, "expected a mask after '&'"))
			return -1;
		at = word(lx, w, sizeof(w));
		if (strcmp(w, "=="))
			return lex_fail(lx, at, "expected '==' after the mask");
		return number(lx, &c->value, "expected a number after '=='");
	}
	for (size_t i = 0; i < EU_ARRAY_SIZE(ops); i++)
		if (!strcmp(w, ops[i])) {
			c->op = (uint8_t)i;
			return number(lx, &c->value, "expected a number after the comparison");
		}
	return lex_fail(lx, at, "expected a comparison: ==, !=, <, <=, >, >= or '& MASK =='");
}

int eu_rule_parse(const char *s, struct eu_rule *r, char *why, size_t whylen, size_t *col)
{
	struct lexer lx = { s, s, why, whylen, col };
	char w[16];
	const char *at = word(&lx, w, sizeof(w));
	uint64_t e;

	r->errnum = 0;
	r->ncond = 0;
	if (!strcmp(w, "errno")) {
		if (number(&lx, &e, "expected an errno number after 'errno'"))
			return -1;
		if (e < 1 || e > EU_ERRNO_MAX)
			return lex_fail(&lx, at, "an errno is a number from 1 to 4095");
		r->errnum = (uint32_t)e;
	} else if (strcmp(w, "allow")) {
		return lex_fail(&lx, at, "expected 'allow' or 'errno N'");
	}
	at = word(&lx, w, sizeof(w));
	if (!*w)
		return 0;
	if (strcmp(w, "if"))
		return lex_fail(&lx, at, "expected 'if' and conditions, or the end");
	do {
		while (*lx.p == ' ')
			lx.p++;
		if (r->ncond == EU_RULE_MAX_CONDS)
			return lex_fail(&lx, lx.p, "at most six conditions, one for each argument");
		at = lx.p;
		if (condition(&lx, &r->cond[r->ncond]))
			return -1;
		for (unsigned int i = 0; i < r->ncond; i++)
			if (r->cond[i].arg == r->cond[r->ncond].arg)
				return lex_fail(&lx, at, "an argument can be compared once in a rule "
							 "(write two rules for 'or')");
		r->ncond++;
		at = word(&lx, w, sizeof(w));
	} while (!strcmp(w, "&&"));
	if (*w)
		return lex_fail(&lx, at, "expected '&&' and another condition, or the end");
	return 0;
}

void eu_rule_format(const struct eu_rule *r, char *buf, size_t size)
{
	size_t off;

	if (r->errnum)
		off = (size_t)snprintf(buf, size, "errno %" PRIu32, r->errnum);
	else
		off = (size_t)snprintf(buf, size, "allow");
	for (unsigned int i = 0; i < r->ncond && off < size; i++) {
		const struct eu_cond *c = &r->cond[i];

		off += (size_t)snprintf(buf + off, size - off, "%s", i ? " && " : " if ");
		if (off >= size)
			break;
		if (c->op == EU_CMP_MASKED_EQ)
			off += (size_t)snprintf(buf + off, size - off,
						"arg%u & 0x%" PRIx64 " == %" PRIu64, c->arg,
						c->mask, c->value);
		else
			off += (size_t)snprintf(buf + off, size - off, "arg%u %s %" PRIu64, c->arg,
						ops[c->op], c->value);
	}
}

bool eu_rule_equal(const struct eu_rule *a, const struct eu_rule *b)
{
	if (a->arch != b->arch || a->nr != b->nr || a->errnum != b->errnum ||
	    a->ncond != b->ncond)
		return false;
	for (unsigned int i = 0; i < a->ncond; i++) {
		const struct eu_cond *x = &a->cond[i], *y = &b->cond[i];

		if (x->arg != y->arg || x->op != y->op || x->value != y->value ||
		    (x->op == EU_CMP_MASKED_EQ && x->mask != y->mask))
			return false;
	}
	return true;
}
