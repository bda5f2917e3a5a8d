// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/profile_yaml*.c: the YAML form, its round trip and every parser error. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "file.h"
#include "profile_yaml.h"
#include "syscalls.h"

#define BAD_DIR FIXTURES "/profiles/bad"
#define GOOD_DIR FIXTURES "/profiles/good"

/* A profile that uses every part of the format. */
static struct eu_profile *full_profile(void)
{
	struct eu_profile *p = eu_profile_new();
	struct eu_err err = { 0 };

	assert_non_null(p);
	eu_set_str(&p->meta.container_id, "0123456789", &err); /* digits: must stay a string */
	eu_set_str(&p->meta.container_name, "true", &err);	 /* a YAML boolean word */
	eu_set_str(&p->meta.runtime, "runc", &err);
	eu_set_str(&p->meta.image, "docker.io/library/busybox:1.36", &err);
	eu_set_str(&p->meta.bundle, "/var/lib/b: with colon", &err);
	eu_strv_append(&p->meta.command, "/bin/sh", &err);
	eu_strv_append(&p->meta.command, "-c", &err);
	eu_strv_append(&p->meta.command, "echo 'hi' # not a comment", &err);
	eu_set_str(&p->meta.kernel, "6.18.0", &err);
	eu_set_str(&p->meta.learned_at, "2026-11-25T12:00:00Z", &err);
	p->meta.duration_ms = 12345;
	p->meta.runs = 2;
	p->meta.boundary = EU_BOUNDARY_SECCOMP;
	eu_bit_set(p->meta.setup_bits[EU_ARCH_X86_64], (unsigned)eu_syscall_nr(EU_ARCH_X86_64, "mount"));
	eu_bit_set(p->meta.setup_bits[EU_ARCH_X86_64],
		   (unsigned)eu_syscall_nr(EU_ARCH_X86_64, "pivot_root"));
	p->meta.setup_caps = 1ULL << 21;
	eu_profile_add_syscall(p, EU_ARCH_X86_64, eu_syscall_nr(EU_ARCH_X86_64, "read"), 42, &err);
	eu_profile_add_syscall(p, EU_ARCH_X86_64, eu_syscall_nr(EU_ARCH_X86_64, "execve"), 1, &err);
	eu_profile_add_syscall(p, EU_ARCH_X86_64, 470, 3, &err); /* no name in libseccomp */
	eu_profile_add_syscall(p, EU_ARCH_I386, eu_syscall_nr(EU_ARCH_I386, "socketcall"), 7, &err);
	eu_profile_add_syscall(p, EU_ARCH_I386, eu_syscall_nr(EU_ARCH_I386, "socket"), 0, &err);
	p->arch[EU_ARCH_X32].present = true; /* present but empty */
	p->has_default = true;
	p->default_deny = EU_DENY_ERRNO;
	p->default_errno = 38;
	{
		/* rules keep their order within a syscall; syscalls come out sorted by name */
		struct eu_rule r = { .arch = EU_ARCH_X86_64, .ncond = 1 };

		r.nr = eu_syscall_nr(EU_ARCH_X86_64, "personality");
		r.cond[0] = (struct eu_cond){ .arg = 0, .op = EU_CMP_EQ, .value = 4294967295 };
		eu_profile_add_rule(p, &r, &err);
		r.cond[0].value = 8;
		eu_profile_add_rule(p, &r, &err);
		r.nr = eu_syscall_nr(EU_ARCH_X86_64, "clone");
		r.cond[0] = (struct eu_cond){ .arg = 0, .op = EU_CMP_MASKED_EQ, .mask = 0x7e020000 };
		eu_profile_add_rule(p, &r, &err);
		r.nr = eu_syscall_nr(EU_ARCH_X86_64, "socket");
		r.errnum = 22;
		r.ncond = 2;
		r.cond[0] = (struct eu_cond){ .arg = 0, .op = EU_CMP_EQ, .value = 16 };
		r.cond[1] = (struct eu_cond){ .arg = 2, .op = EU_CMP_EQ, .value = 9 };
		eu_profile_add_rule(p, &r, &err);
		r = (struct eu_rule){ .arch = EU_ARCH_I386, .errnum = 1 };
		r.nr = eu_syscall_nr(EU_ARCH_I386, "bpf");
		eu_profile_add_rule(p, &r, &err);
	}
	p->caps_used = (1ULL << 0) | (1ULL << 10);
	p->caps_denied = 1ULL << 12;
	eu_strv_add_sorted(&p->execs, "/bin/sh", &err);
	eu_strv_add_sorted(&p->execs, "/usr/bin/env", &err);
	p->has_families = true;
	p->families = (1ULL << 1) | (1ULL << 10) | (1ULL << 63); /* AF_UNIX, AF_INET6, unnamed */
	assert_int_equal(err.kind, EU_OK);
	return p;
}

static void test_round_trip_is_identity(void **state)
{
	struct eu_profile *p = full_profile(), *q = eu_profile_new();
	struct eu_err err = { 0 };
	char *y1, *y2;
	size_t n1, n2;

	(void)state;
	assert_int_equal(eu_profile_emit(p, &y1, &n1, &err), 0);
	assert_int_equal(eu_profile_parse("mem", y1, n1, q, &err), 0);
	assert_true(eu_profile_equal(p, q));
	assert_int_equal(eu_profile_emit(q, &y2, &n2, &err), 0);
	assert_int_equal(n1, n2);
	assert_memory_equal(y1, y2, n1);
	free(y1);
	free(y2);
	eu_profile_free(p);
	eu_profile_free(q);
}

static void test_emit_is_deterministic_and_sorted(void **state)
{
	struct eu_profile *p = full_profile();
	struct eu_err err = { 0 };
	char *y;
	size_t n;

	(void)state;
	assert_int_equal(eu_profile_emit(p, &y, &n, &err), 0);
	/* names in order, unnamed numbers in their own section */
	assert_true(strstr(y, "execve: 1") < strstr(y, "read: 42"));
	assert_non_null(strstr(y, "unnamed:\n      470: 3\n"));
	/* strings a YAML reader would take for numbers or booleans are quoted */
	assert_non_null(strstr(y, "id: \"0123456789\""));
	assert_non_null(strstr(y, "name: \"true\""));
	assert_non_null(strstr(y, "boundary: seccomp-filter"));
	assert_non_null(strstr(y, "duration_seconds: 12.345"));
	assert_non_null(strstr(y, "socket_families:\n- AF_UNIX\n- AF_INET6\n- AF_63\n"));
	free(y);
	eu_profile_free(p);
}

/* A checked-in profile re-emits to the very same bytes: the format is canonical. */
static void test_fixture_profiles_reemit_byte_identical(void **state)
{
	DIR *d = opendir(GOOD_DIR);
	struct dirent *de;
	int checked = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[512], *buf, *out;
		size_t len, olen;
		struct eu_profile *p;
		struct eu_err err = { 0 };

		if (!strstr(de->d_name, ".yaml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", GOOD_DIR, de->d_name);
		assert_int_equal(eu_read_file(path, EU_INPUT_MAX, &buf, &len, &err), 0);
		if (eu_profile_load(path, &p, &err))
			fail_msg("%s", err.msg);
		assert_int_equal(eu_profile_emit(p, &out, &olen, &err), 0);
		if (olen != len || memcmp(out, buf, len))
			fail_msg("%s does not re-emit identically; emitted:\n%s", path, out);
		checked++;
		free(buf);
		free(out);
		eu_profile_free(p);
	}
	closedir(d);
	assert_true(checked >= 2);
}

/*
 * The table of bad profiles: each file's first line is "# expect: LINE:COL:
 * message", and parsing it must fail with exactly "PATH:LINE:COL: message".
 */
static void test_bad_profiles_fail_with_their_message(void **state)
{
	DIR *d = opendir(BAD_DIR);
	struct dirent *de;
	int checked = 0, failed = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[512], expected[1024], *buf, *nl;
		struct eu_profile *p;
		struct eu_err err = { 0 };
		size_t len;

		if (!strstr(de->d_name, ".yaml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", BAD_DIR, de->d_name);
		assert_int_equal(eu_read_file(path, EU_INPUT_MAX, &buf, &len, &err), 0);
		if (strncmp(buf, "# expect: ", 10))
			fail_msg("%s has no '# expect: ' line", path);
		nl = strchr(buf, '\n');
		if (nl)
			*nl = '\0';
		snprintf(expected, sizeof(expected), "%s:%s", path, buf + 10);
		free(buf);
		checked++;
		if (!eu_profile_load(path, &p, &err)) {
			eu_profile_free(p);
			print_error("%s parsed, but should fail with: %s\n", path, expected);
			failed++;
		} else if (strcmp(err.msg, expected) || err.kind != EU_E_PROFILE) {
			print_error("%s:\n  expected: %s\n  got:      %s (kind %d)\n", path,
				    expected, err.msg, err.kind);
			failed++;
		}
	}
	closedir(d);
	assert_int_equal(failed, 0);
	assert_true(checked >= 40);
}

/* Brackets in names and quoted strings are no nesting: only deep collections are refused. */
static void test_brackets_in_names_are_not_nesting(void **state)
{
	static const char doc[] =
		"version: 1\n"
		"architectures:\n"
		"  x86_64:\n"
		"    syscalls: {read: 1}  # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"
		"executables:\n"
		"- /usr/bin/[\n"
		"- \"/opt/[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ \\\" odd\"\n"
		"- '/opt/it''s [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['\n";
	struct eu_profile *p = eu_profile_new();
	struct eu_err err = { 0 };

	(void)state;
	assert_non_null(p);
	if (eu_profile_parse("doc", doc, strlen(doc), p, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(p->execs.n, 3);
	assert_string_equal(p->execs.v[2], "/usr/bin/[");
	eu_profile_free(p);
}

static void test_missing_file_is_an_io_error(void **state)
{
	struct eu_profile *p = NULL;
	struct eu_err err = { 0 };

	(void)state;
	assert_int_equal(eu_profile_load("/nonexistent/profile.yaml", &p, &err), -1);
	assert_int_equal(err.kind, EU_E_IO);
	assert_string_equal(err.msg,
			    "cannot open /nonexistent/profile.yaml: No such file or directory");
	assert_null(p);
}

static void test_string_input_too_large_is_refused(void **state)
{
	struct eu_err err = { 0 };
	char path[] = "/tmp/eunomia-test-XXXXXX";
	int fd = mkstemp(path);
	char *buf;
	size_t len;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, EU_INPUT_MAX + 1), 0);
	close(fd);
	assert_int_equal(eu_read_file(path, EU_INPUT_MAX, &buf, &len, &err), -1);
	assert_int_equal(err.kind, EU_E_PROFILE);
	assert_non_null(strstr(err.msg, "is too large"));
	unlink(path);
}

UNIT_TESTS(
	cmocka_unit_test(test_round_trip_is_identity),
	cmocka_unit_test(test_emit_is_deterministic_and_sorted),
	cmocka_unit_test(test_fixture_profiles_reemit_byte_identical),
	cmocka_unit_test(test_bad_profiles_fail_with_their_message),
	cmocka_unit_test(test_brackets_in_names_are_not_nesting),
	cmocka_unit_test(test_missing_file_is_an_io_error),
	cmocka_unit_test(test_string_input_too_large_is_refused))
