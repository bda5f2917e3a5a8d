// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/privs.c: user parsing, and the sets a process has after eu_privs_apply(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "privs.h"

static void test_user_parse_accepts_uid_and_uid_gid(void **state)
{
	struct eu_user u = { 0 };
	struct eu_err err = { 0 };

	assert_int_equal(eu_user_parse("1000", &u, &err), 0);
	assert_true(u.set);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 1000);
	assert_int_equal(eu_user_parse("0:65534", &u, &err), 0);
	assert_int_equal(u.uid, 0);
	assert_int_equal(u.gid, 65534);
}

static void test_user_parse_refuses_names_and_junk(void **state)
{
	static const char *const bad[] = { "root", "", "1000:", ":1000", "-1", "1:2:3",
					   "4294967295", "12a" };
	struct eu_user u = { 0 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct eu_err err = { 0 };

		assert_int_equal(eu_user_parse(bad[i], &u, &err), -1);
		assert_int_equal(err.kind, EU_E_USAGE);
	}
}

/* In a child: apply, then send back the capability lines of /proc/self/status. */
static void apply_in_child(uint64_t keep, const struct eu_user *u, char *out, size_t size)
{
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct eu_err err = { 0 };
		char line[256];
		FILE *f;

		close(fds[0]);
		if (eu_privs_apply(keep, u, &err)) {
			dprintf(fds[1], "error: %s\n", err.msg);
			_exit(1);
		}
		f = fopen("/proc/self/status", "re");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "Cap", 3) || !strncmp(line, "NoNewPrivs", 10) ||
			    !strncmp(line, "Uid", 3))
				dprintf(fds[1], "%s", line);
		_exit(0);
	}
	close(fds[1]);
	/* Read to the end: a child that writes into a closed pipe dies of SIGPIPE. */
	for (size_t off = 0;; off += (size_t)n) {
		n = read(fds[0], out + off, size - 1 - off);
		if (n <= 0) {
			out[off] = '\0';
			break;
		}
	}
	close(fds[0]);
	assert_true(strlen(out) > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* That each of the capability sets `sets` ("CapEff", ..., NULL-ended) in `out` is `mask`. */
static void expect_cap_sets(const char *out, const char *const *sets, uint64_t mask)
{
	for (; *sets; sets++) {
		char line[64];

		snprintf(line, sizeof(line), "%s:\t%016llx\n", *sets, (unsigned long long)mask);
		if (!strstr(out, line))
			fail_msg("no '%s' in:\n%s", line, out);
	}
}

static void test_apply_leaves_exactly_the_kept_capabilities(void **state)
{
	static const char *const sets[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", NULL };
	char out[2048];

	if (geteuid())
		skip(); /* only root holds capabilities to drop */
	/* CAP_CHOWN (0), CAP_KILL (5), CAP_SYS_ADMIN (21) */
	apply_in_child((1ULL << 0) | (1ULL << 5) | (1ULL << 21), NULL, out, sizeof(out));
	expect_cap_sets(out, sets, 0x200021);
	assert_non_null(strstr(out, "NoNewPrivs:\t1\n"));
}

static void test_apply_keeps_capabilities_across_the_user_change(void **state)
{
	static const char *const sets[] = { "CapEff", "CapAmb", "CapBnd", NULL };
	struct eu_user u = { .set = true, .uid = 4242, .gid = 4243 };
	char out[2048];

	if (geteuid())
		skip();
	apply_in_child(1ULL << 10, &u, out, sizeof(out));
	assert_non_null(strstr(out, "Uid:\t4242\t4242\t4242\t4242\n"));
	expect_cap_sets(out, sets, 0x400);
}

UNIT_TESTS(
	cmocka_unit_test(test_user_parse_accepts_uid_and_uid_gid),
	cmocka_unit_test(test_user_parse_refuses_names_and_junk),
	cmocka_unit_test(test_apply_leaves_exactly_the_kept_capabilities),
	cmocka_unit_test(test_apply_keeps_capabilities_across_the_user_change))
