// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unified line diffs (see linediff.h): the common head and tail set aside, a
 * longest common subsequence of what is left (quadratic, and the texts are
 * profiles of at most a few thousand lines; past LINEDIFF_CELLS the middle is
 * shown removed and added whole), then hunks with their context.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "linediff.h"

#define LINEDIFF_CELLS (16U << 20) /* 64 MiB of table at most */

struct line {
	const char *s;
	size_t len; /* with its '\n', when it has one */
};

struct op {
	char kind; /* ' ', '-', '+' */
	size_t a, b; /* its line in a (' ', '-') and in b (' ', '+') */
};

static int split(const char *text, struct line **out, size_t *n, struct eu_err *err)
{
	size_t count = 0, i = 0;
	struct line *v;

	for (const char *p = text; *p; p++)
		count += *p == '\n';
	count += *text && text[strlen(text) - 1] != '\n';
	v = calloc(count ? count : 1, sizeof(*v));
	if (!v)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "comparing two texts");
	for (const char *p = text; *p; i++) {
		const char *nl = strchr(p, '\n');

		v[i].s = p;
		v[i].len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		p += v[i].len;
	}
	*out = v;
	*n = count;
	return 0;
}

static bool same(const struct line *x, const struct line *y)
{
	return x->len == y->len && !memcmp(x->s, y->s, x->len);
}

/*
 * The edit script from a to b, equal lines included, into ops (room for na + nb):
 * the common head and tail as they are, a longest common subsequence between.
 */
static int script(const struct line *a, size_t na, const struct line *b, size_t nb,
		  struct op *ops, size_t *nops, struct eu_err *err)
{
	size_t head = 0, ea = na, eb = nb, k = 0, w, i, j;
	_cleanup_free_ uint32_t *lcs = NULL;

	while (head < ea && head < eb && same(&a[head], &b[head]))
		head++;
	while (ea > head && eb > head && same(&a[ea - 1], &b[eb - 1])) {
		ea--;
		eb--;
	}
	for (i = 0; i < head; i++)
		ops[k++] = (struct op){ ' ', i, i };
	/* the middle, a[head..ea) and b[head..eb): lcs[(i - head) * w + j - head] is the
	 * longest common subsequence of a[i..ea) and b[j..eb) */
	w = eb - head + 1;
	if (ea > head && eb > head && ea - head + 1 <= LINEDIFF_CELLS / w) {
		lcs = calloc((ea - head + 1) * w, sizeof(*lcs));
		if (!lcs)
			return eu_fail(err, EU_E_INTERNAL, ENOMEM, "comparing two texts");
		for (i = ea; i-- > head;)
			for (j = eb; j-- > head;) {
				uint32_t *c = &lcs[(i - head) * w + j - head];

				if (same(&a[i], &b[j]))
					*c = c[w + 1] + 1;
				else
					*c = c[w] > c[1] ? c[w] : c[1];
			}
	}
	for (i = head, j = head; i < ea || j < eb;) {
		const uint32_t *c = lcs && i < ea && j < eb ? &lcs[(i - head) * w + j - head] : NULL;

		if (c && same(&a[i], &b[j]))
			ops[k++] = (struct op){ ' ', i++, j++ };
		else if (i < ea && (j == eb || !c || c[w] >= c[1]))
			ops[k++] = (struct op){ '-', i++, 0 };
		else
			ops[k++] = (struct op){ '+', 0, j++ };
	}
	for (i = ea, j = eb; i < na; i++, j++)
		ops[k++] = (struct op){ ' ', i, j };
	*nops = k;
	return 0;
}

static void put_line(FILE *out, char kind, const struct line *l)
{
	/* stdio's errors stick: eu_line_diff() checks ferror() once at the end */
	(void)fputc(kind, out);
	(void)fwrite(l->s, 1, l->len, out);
	if (!l->len || l->s[l->len - 1] != '\n')
		(void)fputs("\n\\ No newline at end of file\n", out);
}

/* "-START,COUNT" as diff -u writes it: no count when it is 1; START is the line before when 0. */
static void put_range(FILE *out, char sign, size_t pos, size_t count)
{
	if (count == 1)
		(void)fprintf(out, "%c%zu", sign, pos + 1);
	else
		(void)fprintf(out, "%c%zu,%zu", sign, count ? pos + 1 : pos, count);
}

int eu_line_diff(FILE *out, const char *a_name, const char *a, const char *b_name, const char *b,
		 size_t *changed, struct eu_err *err)
{
	_cleanup_free_ struct line *la = NULL, *lb = NULL;
	_cleanup_free_ struct op *ops = NULL;
	size_t na, nb, nops, i = 0, a_pos = 0, b_pos = 0;

	*changed = 0;
	if (split(a, &la, &na, err) || split(b, &lb, &nb, err))
		return -1;
	ops = calloc(na + nb + 1, sizeof(*ops));
	if (!ops)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "comparing two texts");
	if (script(la, na, lb, nb, ops, &nops, err))
		return -1;
	for (size_t k = 0; k < nops; k++)
		*changed += ops[k].kind != ' ';
	if (!*changed)
		return 0;
	(void)fprintf(out, "--- %s\n+++ %s\n", a_name, b_name);
	while (i < nops) {
		size_t first, end, last, an = 0, bn = 0, ha, hb;

		while (i < nops && ops[i].kind == ' ') {
			a_pos++;
			b_pos++;
			i++;
		}
		if (i == nops)
			break;
		/* the hunk: from CONTEXT lines before this change to CONTEXT after the last
		 * change that is no further than 2 * CONTEXT equal lines from the one before */
		first = i > EU_DIFF_CONTEXT ? i - EU_DIFF_CONTEXT : 0;
		last = i;
		for (size_t k = i; k < nops; k++) {
			if (ops[k].kind != ' ')
				last = k;
			else if (k - last > (size_t)EU_DIFF_CONTEXT * 2)
				break;
		}
		end = last + EU_DIFF_CONTEXT + 1 < nops ? last + EU_DIFF_CONTEXT + 1 : nops;
		ha = a_pos - (i - first);
		hb = b_pos - (i - first);
		for (size_t k = first; k < end; k++) {
			an += ops[k].kind != '+';
			bn += ops[k].kind != '-';
		}
		(void)fputs("@@ ", out);
		put_range(out, '-', ha, an);
		(void)fputc(' ', out);
		put_range(out, '+', hb, bn);
		(void)fputs(" @@\n", out);
		for (size_t k = first; k < end; k++)
			put_line(out, ops[k].kind, ops[k].kind == '+' ? &lb[ops[k].b] : &la[ops[k].a]);
		a_pos = ha + an;
		b_pos = hb + bn;
		i = end;
	}
	if (ferror(out))
		return eu_fail(err, EU_E_IO, errno, "cannot write the diff");
	return 0;
}
