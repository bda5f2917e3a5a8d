// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/linediff.c: unified diffs, as diff -u writes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "linediff.h"

/* The diff of a and b as text; *changed: the lines removed and added. */
static char *diff(const char *a, const char *b, size_t *changed)
{
	struct eu_err err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(eu_line_diff(out, "p.yaml", a, "p.yaml", b, changed, &err), 0);
	assert_int_equal(fclose(out), 0);
	return buf;
}

static void check(const char *a, const char *b, const char *want, size_t want_changed)
{
	size_t changed;
	char *got = diff(a, b, &changed);

	if (strcmp(got, want))
		fail_msg("expected:\n%s\ngot:\n%s", want, got);
	assert_int_equal(changed, want_changed);
	free(got);
}

static void test_equal_texts_make_no_diff(void **state)
{
	(void)state;
	check("a\nb\n", "a\nb\n", "", 0);
	check("", "", "", 0);
}

static void test_a_line_added_shows_with_three_lines_of_context(void **state)
{
	(void)state;
	check("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nnew\n5\n6\n7\n8\n",
	      "--- p.yaml\n+++ p.yaml\n@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+new\n 5\n 6\n 7\n", 1);
}

static void test_a_line_changed_is_removed_then_added(void **state)
{
	(void)state;
	check("a\nb\nc\n", "a\nB\nc\n", "--- p.yaml\n+++ p.yaml\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n",
	      2);
}

static void test_far_changes_make_two_hunks_near_ones_one(void **state)
{
	(void)state;
	/* 8 equal lines between: more than twice the context, two hunks */
	check("x\n1\n2\n3\n4\n5\n6\n7\n8\ny\n", "X\n1\n2\n3\n4\n5\n6\n7\n8\nY\n",
	      "--- p.yaml\n+++ p.yaml\n@@ -1,4 +1,4 @@\n-x\n+X\n 1\n 2\n 3\n"
	      "@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-y\n+Y\n",
	      4);
	/* 6 equal lines between: the contexts meet, one hunk */
	check("x\n1\n2\n3\n4\n5\n6\ny\n", "X\n1\n2\n3\n4\n5\n6\nY\n",
	      "--- p.yaml\n+++ p.yaml\n@@ -1,8 +1,8 @@\n-x\n+X\n 1\n 2\n 3\n 4\n 5\n 6\n-y\n+Y\n", 4);
}

static void test_ranges_at_the_edges_are_written_as_diff_does(void **state)
{
	(void)state;
	/* into an empty file: the line before the first is 0 */
	check("", "a\nb\n", "--- p.yaml\n+++ p.yaml\n@@ -0,0 +1,2 @@\n+a\n+b\n", 2);
	/* one line each: no count */
	check("a\n", "b\n", "--- p.yaml\n+++ p.yaml\n@@ -1 +1 @@\n-a\n+b\n", 2);
	/* everything removed */
	check("a\nb\n", "", "--- p.yaml\n+++ p.yaml\n@@ -1,2 +0,0 @@\n-a\n-b\n", 2);
}

static void test_a_last_line_without_newline_is_marked(void **state)
{
	(void)state;
	check("a\nb", "a\nb\n",
	      "--- p.yaml\n+++ p.yaml\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
	      2);
}

static void test_the_longest_common_lines_are_kept(void **state)
{
	(void)state;
	/* the syscall list of a profile, two names folded in */
	check("    syscalls:\n      brk: 1\n      close: 2\n      read: 3\n      write: 4\n",
	      "    syscalls:\n      acct: 0\n      brk: 1\n      close: 2\n      mkdir: 0\n"
	      "      read: 3\n      write: 4\n",
	      "--- p.yaml\n+++ p.yaml\n@@ -1,5 +1,7 @@\n     syscalls:\n+      acct: 0\n"
	      "       brk: 1\n       close: 2\n+      mkdir: 0\n       read: 3\n       write: 4\n",
	      2);
}

/* Past the table's size (16 Mi cells) the middle is shown removed, then added, whole. */
static void test_a_middle_too_big_for_the_table_is_replaced_whole(void **state)
{
	size_t n = 5000, len = n * 8 + 16, changed, off_a = 0, off_b = 0;
	char *a = malloc(len), *b = malloc(len), *got, head[64];

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	off_a += (size_t)snprintf(a, len, "same\n");
	off_b += (size_t)snprintf(b, len, "same\n");
	for (size_t i = 0; i < n; i++) {
		off_a += (size_t)snprintf(a + off_a, len - off_a, "a%zu\n", i);
		off_b += (size_t)snprintf(b + off_b, len - off_b, "b%zu\n", i);
	}
	got = diff(a, b, &changed);
	assert_int_equal(changed, 2 * n);
	snprintf(head, sizeof(head), "--- p.yaml\n+++ p.yaml\n@@ -1,%zu +1,%zu @@\n same\n-a0\n",
		 n + 1, n + 1);
	assert_memory_equal(got, head, strlen(head));
	assert_non_null(strstr(got, "\n-a4999\n+b0\n"));
	free(got);
	free(a);
	free(b);
}

UNIT_TESTS(
	cmocka_unit_test(test_equal_texts_make_no_diff),
	cmocka_unit_test(test_a_line_added_shows_with_three_lines_of_context),
	cmocka_unit_test(test_a_line_changed_is_removed_then_added),
	cmocka_unit_test(test_far_changes_make_two_hunks_near_ones_one),
	cmocka_unit_test(test_ranges_at_the_edges_are_written_as_diff_does),
	cmocka_unit_test(test_a_last_line_without_newline_is_marked),
	cmocka_unit_test(test_the_longest_common_lines_are_kept),
	cmocka_unit_test(test_a_middle_too_big_for_the_table_is_replaced_whole))
