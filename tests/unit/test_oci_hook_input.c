// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/oci_state.c and lib/hook_conf.c: what the OCI hook reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "unit.h"
#include "hook_conf.h"
#include "oci_state.h"

static void test_state_of_runc_parses(void **state)
{
	/* as runc 1.1 writes it for a createRuntime hook */
	static const char doc[] =
		"{\"ociVersion\":\"1.0.2-dev\",\"id\":\"web\",\"status\":\"created\",\"pid\":4242,"
		"\"bundle\":\"/srv/web\",\"annotations\":{\"io.eunomia.learn\":\"/p/web.yaml\"}}";
	struct eu_oci_state s;
	struct eu_err err = { 0 };

	assert_int_equal(eu_oci_state_parse("s", doc, strlen(doc), true, &s, &err), 0);
	assert_string_equal(s.id, "web");
	assert_string_equal(s.status, "created");
	assert_string_equal(s.bundle, "/srv/web");
	assert_int_equal(s.pid, 4242);
	assert_string_equal(eu_oci_annotation(&s, "io.eunomia.learn"), "/p/web.yaml");
	assert_null(eu_oci_annotation(&s, "io.eunomia.profile"));
	eu_oci_state_free(&s);
}

static void test_stopped_state_needs_no_pid(void **state)
{
	static const char doc[] = "{\"ociVersion\":\"1.0.2\",\"id\":\"web\",\"status\":\"stopped\","
				  "\"bundle\":\"/srv/web\"}";
	struct eu_oci_state s;
	struct eu_err err = { 0 };

	assert_int_equal(eu_oci_state_parse("s", doc, strlen(doc), false, &s, &err), 0);
	assert_int_equal(s.pid, 0);
	assert_null(eu_oci_annotation(&s, "io.eunomia.learn"));
	eu_oci_state_free(&s);
}

static void test_bad_states_say_what_is_wrong(void **state)
{
	static const struct {
		const char *doc, *msg;
	} bad[] = {
		{ "[]", "s: expected a JSON object (the OCI state of a container)" },
		{ "{\"id\":\"a\"}", "s: no ociVersion (a string): not an OCI state" },
		{ "{\"ociVersion\":\"1\",\"id\":\"\"}", "s: no valid id (a non-empty string without '/')" },
		{ "{\"ociVersion\":\"1\",\"id\":\"../x\"}",
		  "s: no valid id (a non-empty string without '/')" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"bundle\":\"/b\"}", "s: no status (a string)" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"status\":\"created\",\"bundle\":\"b\"}",
		  "s: no bundle (an absolute path)" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"status\":\"created\",\"bundle\":\"/b\"}",
		  "s: no pid: the container has no init process to follow" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"status\":\"created\",\"bundle\":\"/b\","
		  "\"pid\":\"12\"}",
		  "s: pid is not a process id" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"status\":\"created\",\"bundle\":\"/b\","
		  "\"pid\":-4}",
		  "s: pid is not a process id" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"status\":\"created\",\"bundle\":\"/b\","
		  "\"pid\":4,\"annotations\":[]}",
		  "s: annotations is not an object" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"status\":\"created\",\"bundle\":\"/b\","
		  "\"pid\":4,\"annotations\":{\"io.eunomia.learn\":1}}",
		  "s: annotation io.eunomia.learn is not a string" },
		{ "{\"ociVersion\":", "s:1:15: JSON ends too early" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct eu_oci_state s;
		struct eu_err err = { 0 };

		assert_int_equal(eu_oci_state_parse("s", bad[i].doc, strlen(bad[i].doc), true, &s, &err),
				 -1);
		assert_string_equal(err.msg, bad[i].msg);
		assert_int_equal(err.kind, EU_E_PROFILE);
		assert_null(s.doc);
	}
}

static void test_hook_conf_overrides_defaults(void **state)
{
	static const char conf[] = "# eunomia hook\n"
				   "learn_dirs = /var/lib/a : /srv/b   # two\n"
				   "\n"
				   "eunomia=/opt/eunomia\n"
				   "timeout = 3\n";
	struct eu_hook_conf c;
	struct eu_err err = { 0 };

	assert_int_equal(eu_hook_conf_defaults(&c, "/usr/sbin/eunomia", &err), 0);
	assert_string_equal(c.learn_dirs[0], "/var/lib/eunomia/profiles");
	assert_string_equal(c.state_dir, "/run/eunomia/hooks");
	assert_string_equal(c.learn_socket, "/run/eunomia/learn.sock");
	assert_int_equal(eu_hook_conf_parse("h", conf, strlen(conf), &c, &err), 0);
	assert_int_equal(c.n_learn_dirs, 2);
	assert_string_equal(c.learn_dirs[0], "/var/lib/a");
	assert_string_equal(c.learn_dirs[1], "/srv/b");
	assert_string_equal(c.eunomia, "/opt/eunomia");
	assert_int_equal(c.timeout, 3);
	assert_string_equal(c.state_dir, "/run/eunomia/hooks");
	eu_hook_conf_free(&c);
}

/* learn_socket: a path to try first, or none for a learner the hook always starts. */
static void test_hook_conf_learn_socket(void **state)
{
	static const char path[] = "learn_socket = /srv/eunomia/l.sock\n";
	static const char none[] = "learn_socket = none\n";
	struct eu_hook_conf c;
	struct eu_err err = { 0 };

	(void)state;
	assert_int_equal(eu_hook_conf_defaults(&c, "/e", &err), 0);
	assert_int_equal(eu_hook_conf_parse("h", path, strlen(path), &c, &err), 0);
	assert_string_equal(c.learn_socket, "/srv/eunomia/l.sock");
	assert_int_equal(eu_hook_conf_parse("h", none, strlen(none), &c, &err), 0);
	assert_null(c.learn_socket);
	eu_hook_conf_free(&c);
}

static void test_hook_conf_errors_name_the_line(void **state)
{
	static const struct {
		const char *conf, *msg;
	} bad[] = {
		{ "learn_dirs\n", "h:1: expected key = value" },
		{ "\n = /x\n", "h:2: expected a key before '='" },
		{ "learn_dir = /x\n", "h:1: unknown key (expected learn_dirs, eunomia, state_dir, "
				      "learn_socket or timeout): learn_dir" },
		{ "learn_socket = run/l.sock\n",
		  "h:1: learn_socket: expected none or an absolute path of at most 107 bytes" },
		{ "learn_socket = /xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
		  "h:1: learn_socket: expected none or an absolute path of at most 107 bytes" },
		{ "eunomia = eunomia\n", "h:1: expected an absolute path for eunomia" },
		{ "timeout = 0\n", "h:1: timeout: expected seconds from 1 to 300" },
		{ "timeout = 5s\n", "h:1: timeout: expected seconds from 1 to 300" },
		{ "learn_dirs =\n", "h:1: learn_dirs: no directory" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct eu_hook_conf c;
		struct eu_err err = { 0 };

		assert_int_equal(eu_hook_conf_defaults(&c, "/e", &err), 0);
		assert_int_equal(eu_hook_conf_parse("h", bad[i].conf, strlen(bad[i].conf), &c, &err), -1);
		assert_string_equal(err.msg, bad[i].msg);
		eu_hook_conf_free(&c);
	}
}

/*
 * The parser takes bytes and a length, not a C string: a file whose last line
 * is learn_dirs without a newline must not be read past its end (found by
 * tests/fuzz/fuzz_hook_conf). The text ends where an unreadable page begins.
 */
static void test_hook_conf_reads_no_further_than_its_length(void **state)
{
	static const char conf[] = "learn_dirs = /srv/a:/srv/b";
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len = sizeof(conf) - 1;
	char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct eu_hook_conf c;
	struct eu_err err = { 0 };

	(void)state;
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + page, page, PROT_NONE), 0);
	memcpy(map + page - len, conf, len);
	assert_int_equal(eu_hook_conf_defaults(&c, "/e", &err), 0);
	assert_int_equal(eu_hook_conf_parse("h", map + page - len, len, &c, &err), 0);
	assert_int_equal(c.n_learn_dirs, 2);
	assert_string_equal(c.learn_dirs[1], "/srv/b");
	eu_hook_conf_free(&c);
	munmap(map, 2 * page);
}

UNIT_TESTS(
	cmocka_unit_test(test_state_of_runc_parses),
	cmocka_unit_test(test_stopped_state_needs_no_pid),
	cmocka_unit_test(test_bad_states_say_what_is_wrong),
	cmocka_unit_test(test_hook_conf_overrides_defaults),
	cmocka_unit_test(test_hook_conf_learn_socket),
	cmocka_unit_test(test_hook_conf_errors_name_the_line),
	cmocka_unit_test(test_hook_conf_reads_no_further_than_its_length))
