// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/events.c: the JSON-lines event stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include <json-c/json.h>

#include "events.h"
#include "file.h"

/* Write one event to a fresh file; return its single line, parsed. */
static struct json_object *write_one(const struct eu_event *e)
{
	char path[] = "/tmp/eunomia-events-test.XXXXXX";
	struct eu_events *ev = NULL;
	struct eu_err err = { 0 };
	struct json_object *o;
	char *buf = NULL;
	size_t len;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(eu_events_open(path, &ev, &err), 0);
	assert_int_equal(eu_events_write(ev, e, &err), 0);
	eu_events_close(ev);
	assert_int_equal(eu_read_file(path, 1 << 20, &buf, &len, &err), 0);
	unlink(path);
	assert_true(len > 0 && buf[len - 1] == '\n');
	assert_null(memchr(buf, '\n', len - 1)); /* one line */
	o = json_tokener_parse(buf);
	assert_non_null(o);
	free(buf);
	return o;
}

static const char *str(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, a, &v))
		return NULL;
	if (b && !json_object_object_get_ex(v, b, &v))
		return NULL;
	return json_object_get_string(v);
}

static void test_violation_has_the_schema(void **state)
{
	struct eu_container ct = { .id = "c0ffee", .name = "web", .runtime = "runc",
				   .bundle = "/srv/web", .pod = "shop/web-1" };
	struct eu_event e = { .level = EU_LEVEL_ALERT, .kind = "syscall", .ct = &ct, .pid = 42, .tid = 43, .ppid = 7, .comm = "sh", .exe = "/bin/sh",
			      .detail_key = "syscall", .detail = json_object_new_object(),
			      .action = "alerted", .count = 3 };
	struct json_object *o;

	(void)state;
	json_object_object_add(e.detail, "name", json_object_new_string("mkdir"));
	o = write_one(&e);
	assert_string_equal(str(o, "level", NULL), "alert");
	assert_string_equal(str(o, "kind", NULL), "syscall");
	assert_string_equal(str(o, "container", "id"), "c0ffee");
	assert_string_equal(str(o, "container", "name"), "web");
	assert_string_equal(str(o, "container", "runtime"), "runc");
	assert_string_equal(str(o, "container", "bundle"), "/srv/web");
	assert_string_equal(str(o, "container", "pod"), "shop/web-1");
	assert_null(str(o, "container", "image")); /* what is not known is left out */
	assert_string_equal(str(o, "process", "pid"), "42");
	assert_string_equal(str(o, "process", "tid"), "43");
	assert_string_equal(str(o, "process", "ppid"), "7");
	assert_string_equal(str(o, "syscall", "name"), "mkdir");
	assert_string_equal(str(o, "action", NULL), "alerted");
	assert_string_equal(str(o, "count", NULL), "3");
	assert_string_equal(str(o, "suppressed", NULL), "2"); /* it shows one of the three */
	assert_null(str(o, "summary", NULL));
	assert_non_null(strstr(str(o, "time", NULL), "Z"));
	json_object_put(o);
}

static void test_a_summary_suppressed_all_it_counts(void **state)
{
	struct eu_event e = { .level = EU_LEVEL_ALERT, .kind = "syscall", .count = 5,
			      .summary = true };
	struct json_object *o;

	(void)state;
	o = write_one(&e);
	assert_string_equal(str(o, "suppressed", NULL), "5");
	assert_string_equal(str(o, "summary", NULL), "true");
	json_object_put(o);
}

static void test_bytes_that_are_not_utf8_are_replaced(void **state)
{
	/* a process can name itself anything (PR_SET_NAME): the line must stay JSON */
	struct eu_event e = { .level = EU_LEVEL_ALERT, .kind = "exec", .pid = 1,
			      .comm = "ev\xff\xc3il", .exe = "/bin/\xe2\x82\xac\xed\xa0\x80" };
	struct json_object *o;

	(void)state;
	o = write_one(&e);
	assert_string_equal(str(o, "process", "comm"), "ev\xef\xbf\xbd\xef\xbf\xbdil");
	/* a valid euro sign stays; an encoded surrogate is not UTF-8 */
	assert_string_equal(str(o, "process", "exe"),
			    "/bin/\xe2\x82\xac\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	json_object_put(o);
}

static void test_info_has_no_process_or_count(void **state)
{
	struct eu_event e = { .level = EU_LEVEL_INFO, .kind = "monitor", .message = "started" };
	struct json_object *o, *v;

	(void)state;
	o = write_one(&e);
	assert_string_equal(str(o, "message", NULL), "started");
	assert_false(json_object_object_get_ex(o, "process", &v));
	assert_false(json_object_object_get_ex(o, "count", &v));
	assert_false(json_object_object_get_ex(o, "container", &v));
	json_object_put(o);
}

static void test_a_denial_says_seccomp_and_what_the_process_got(void **state)
{
	struct eu_container ct = { .id = "web", .name = "web" };
	uint64_t args[6] = { UINT64_MAX, 0, 1, 2, 3, 4 };
	struct eu_event e = { .level = EU_LEVEL_ALERT, .kind = "syscall", .ct = &ct, .pid = 42,
			      .detail_key = "syscall", .detail = json_object_new_object(),
			      .action = "denied", .by = "seccomp", .errnum = 1, .count = 1 };
	struct json_object *o, *v;

	(void)state;
	eu_event_add_syscall(e.detail, 0, 163);
	eu_event_add_args(e.detail, args, 6);
	o = write_one(&e);
	assert_string_equal(str(o, "by", NULL), "seccomp");
	assert_string_equal(str(o, "errno", "name"), "EPERM");
	assert_string_equal(str(o, "errno", "nr"), "1");
	assert_false(json_object_object_get_ex(o, "signal", &v));
	assert_string_equal(str(o, "syscall", "name"), "acct");
	assert_true(json_object_object_get_ex(json_object_object_get(o, "syscall"), "args", &v));
	assert_int_equal(json_object_array_length(v), 6);
	/* 64-bit values as hex strings: a JSON number would lose them */
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)),
			    "0xffffffffffffffff");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 5)), "0x4");
	json_object_put(o);

	e = (struct eu_event){ .level = EU_LEVEL_ALERT, .kind = "syscall", .ct = &ct, .pid = 42,
			       .action = "killed", .by = "seccomp", .signo = 31, .count = 1 };
	o = write_one(&e);
	assert_string_equal(str(o, "signal", "name"), "SIGSYS");
	assert_string_equal(str(o, "signal", "nr"), "31");
	assert_false(json_object_object_get_ex(o, "errno", &v));
	json_object_put(o);
}

UNIT_TESTS(
	cmocka_unit_test(test_violation_has_the_schema),
	cmocka_unit_test(test_a_summary_suppressed_all_it_counts),
	cmocka_unit_test(test_bytes_that_are_not_utf8_are_replaced),
	cmocka_unit_test(test_info_has_no_process_or_count),
	cmocka_unit_test(test_a_denial_says_seccomp_and_what_the_process_got))
