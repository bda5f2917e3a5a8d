// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/denials.c: reading the monitor's denials, grouping them, --since, folding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "denials.h"
#include "profile.h"
#include "profile_yaml.h"
#include "syscalls.h"

/* A denial line as the monitor writes it (eunomia monitor's on_event, lib/events.c). */
#define DENIAL(time, ct, name, nr, action, how, code, count)                                        \
	"{\"time\":\"" time "\",\"level\":\"alert\",\"kind\":\"syscall\",\"container\":{\"id\":\"" ct \
	"-id\",\"name\":\"" ct "\",\"runtime\":\"runc\"},\"process\":{\"pid\":7,\"tid\":7,"         \
	"\"comm\":\"x\"},\"syscall\":{\"name\":\"" name "\",\"nr\":" #nr ",\"arch\":\"x86_64\","     \
	"\"args\":[\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"]},\"action\":\"" action           \
	"\",\"by\":\"seccomp\",\"" how "\":{\"nr\":" #code "},\"count\":" #count "}\n"

static const char events[] =
	"{\"time\":\"2026-11-25T16:00:00.000000Z\",\"level\":\"info\",\"kind\":\"monitor\","
	"\"message\":\"started\"}\n"
	DENIAL("2026-11-25T16:00:01.000000Z", "web", "acct", 163, "denied", "errno", 1, 1)
	"\n"
	DENIAL("2026-11-25T16:00:02.500000Z", "web", "acct", 163, "denied", "errno", 1, 5)
	/* an alert the monitor made itself, of the same syscall: not a denial */
	"{\"time\":\"2026-11-25T16:00:03.000000Z\",\"level\":\"alert\",\"kind\":\"syscall\","
	"\"container\":{\"id\":\"web-id\",\"name\":\"web\"},\"syscall\":{\"name\":\"acct\","
	"\"nr\":163,\"arch\":\"x86_64\"},\"action\":\"alerted\",\"count\":40}\n"
	DENIAL("2026-11-25T16:00:05.000000Z", "web", "mkdir", 83, "denied", "errno", 1, 2)
	DENIAL("2026-11-25T16:00:04.000000Z", "web", "acct", 163, "denied", "errno", 1, 3)
	DENIAL("2026-11-25T16:00:06.000000Z", "web", "acct", 163, "killed", "signal", 31, 1)
	DENIAL("2026-11-25T16:10:00.000000Z", "db", "acct", 163, "denied", "errno", 38, 4);

static void read_all(const char *text, const struct eu_denials_filter *f, struct eu_denials *d)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct eu_err err = { 0 };

	assert_non_null(in);
	assert_int_equal(eu_denials_read(d, f, in, "ev.json", &err), 0);
	(void)fclose(in);
	eu_denials_sort(d);
}

static struct timespec at(const char *rfc3339)
{
	struct timespec t;

	assert_int_equal(eu_time_parse(rfc3339, &t), 0);
	return t;
}

static void test_denials_are_grouped_by_container_syscall_and_answer_with_counts_summed(void **state)
{
	struct eu_denials_filter f = { 0 };
	struct eu_denials d = { 0 };

	(void)state;
	read_all(events, &f, &d);
	assert_int_equal(d.n, 4);
	/* sorted: db before web; acct before mkdir; the errno before the kill */
	assert_string_equal(d.v[0].container, "db");
	assert_int_equal(d.v[0].code, 38);
	assert_int_equal(d.v[0].count, 4);

	assert_string_equal(d.v[1].container, "web");
	assert_string_equal(d.v[1].syscall, "acct");
	assert_int_equal(d.v[1].nr, 163);
	assert_int_equal(d.v[1].arch, EU_ARCH_X86_64);
	assert_false(d.v[1].killed);
	assert_int_equal(d.v[1].code, 1);
	assert_int_equal(d.v[1].count, 1 + 5 + 3); /* the monitor's own alert is not one */
	assert_int_equal(d.v[1].events, 3);
	/* first and last by time, not by their order in the file */
	assert_int_equal(d.v[1].first.tv_sec, at("2026-11-25T16:00:01Z").tv_sec);
	assert_int_equal(d.v[1].last.tv_sec, at("2026-11-25T16:00:04Z").tv_sec);

	assert_string_equal(d.v[2].syscall, "acct");
	assert_true(d.v[2].killed);
	assert_int_equal(d.v[2].code, 31);
	assert_int_equal(d.v[2].count, 1);

	assert_string_equal(d.v[3].syscall, "mkdir");
	assert_int_equal(d.v[3].count, 2);
	eu_denials_free(&d);
}

static void test_a_container_is_chosen_by_name_or_id(void **state)
{
	struct eu_denials_filter by_name = { .container = "db" }, by_id = { .container = "web-id" };
	struct eu_denials d = { 0 };

	(void)state;
	read_all(events, &by_name, &d);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].container, "db");
	eu_denials_free(&d);
	read_all(events, &by_id, &d);
	assert_int_equal(d.n, 3);
	for (size_t i = 0; i < d.n; i++)
		assert_string_equal(d.v[i].container, "web");
	eu_denials_free(&d);
}

static void test_since_keeps_the_events_from_then_on(void **state)
{
	struct eu_denials_filter f = { .since_set = true, .since = at("2026-11-25T16:00:02.5Z") };
	struct eu_denials d = { 0 };

	(void)state;
	read_all(events, &f, &d);
	assert_int_equal(d.n, 4);
	/* web's acct: the events of 16:00:02.5 (at the limit: kept) and 16:00:04 */
	assert_int_equal(d.v[1].count, 5 + 3);
	assert_int_equal(d.v[1].first.tv_sec, f.since.tv_sec);
	eu_denials_free(&d);
	f.since = at("2026-11-25T16:05:00Z");
	read_all(events, &f, &d);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].container, "db");
	eu_denials_free(&d);
}

static void test_rfc3339_times(void **state)
{
	struct timespec t;

	(void)state;
	t = at("2026-11-25T16:21:19.075026Z");
	assert_int_equal(t.tv_sec, 1795623679);
	assert_int_equal(t.tv_nsec, 75026000);
	/* an offset is the same instant */
	assert_int_equal(at("2026-11-25T17:21:19+01:00").tv_sec, 1795623679);
	assert_int_equal(at("2026-11-25T15:51:19-00:30").tv_sec, 1795623679);
	assert_int_equal(at("2026-11-25 16:21:19z").tv_sec, 1795623679);
	assert_int_equal(at("2024-02-29T00:00:00Z").tv_sec, 1709164800);
	assert_int_equal(at("2026-11-25T16:21:19.1234567891Z").tv_nsec, 123456789);
	assert_int_equal(eu_time_parse("2026-02-30T00:00:00Z", &t), -1); /* no such day */
	assert_int_equal(eu_time_parse("2026-11-25T24:00:00Z", &t), -1);
	assert_int_equal(eu_time_parse("2026-11-25T16:21:19", &t), -1); /* no zone */
	assert_int_equal(eu_time_parse("2026-11-25T16:21:19.Z", &t), -1);
	assert_int_equal(eu_time_parse("2026-11-25T16:21:19Zx", &t), -1);
	assert_int_equal(eu_time_parse("2026-1-25T16:21:19Z", &t), -1);
	assert_int_equal(eu_time_parse("", &t), -1);
}

static void test_since_takes_durations_and_times(void **state)
{
	struct timespec now = { .tv_sec = 1795623679, .tv_nsec = 5 }, t;
	struct eu_err err = { 0 };
	static const struct {
		const char *s;
		long ago;
	} ok[] = { { "90s", 90 }, { "10m", 600 }, { "2h", 7200 }, { "1d", 86400 },
		   { "1h30m", 5400 }, { "0s", 0 }, { "1d2h3m4s", 93784 } };
	static const char *const bad[] = { "10", "m", "10x", "-5m", "", "1h 30m", "10M",
					   "99999999999d", "2026-11-25" };

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(eu_since_parse(ok[i].s, &now, &t, &err), 0);
		assert_int_equal(t.tv_sec, now.tv_sec - ok[i].ago);
	}
	assert_int_equal(eu_since_parse("2026-11-25T16:00:00Z", &now, &t, &err), 0);
	assert_int_equal(t.tv_sec, at("2026-11-25T16:00:00Z").tv_sec);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(eu_since_parse(bad[i], &now, &t, &err), -1);
		assert_int_equal(err.kind, EU_E_USAGE);
		assert_non_null(strstr(err.msg, "--since expects an RFC 3339 time"));
	}
}

/* A bad line fails the read with FILE:LINE, and says what is wrong. */
static void expect_bad(const char *text, const char *want)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct eu_denials_filter f = { 0 };
	struct eu_denials d = { 0 };
	struct eu_err err = { 0 };

	assert_non_null(in);
	assert_int_equal(eu_denials_read(&d, &f, in, "ev.json", &err), -1);
	(void)fclose(in);
	eu_denials_free(&d);
	assert_int_equal(err.kind, EU_E_PROFILE);
	if (!strstr(err.msg, want))
		fail_msg("expected '%s' in '%s'", want, err.msg);
}

static void test_bad_lines_are_named_by_file_and_line(void **state)
{
	(void)state;
	expect_bad(DENIAL("2026-11-25T16:00:01Z", "web", "acct", 163, "denied", "errno", 1, 1)
		   "{\"time\": \"2026-11-25T16:00:01Z\", truncated\n",
		   "ev.json:2:");
	expect_bad("\n\n[1, 2]\n", "ev.json:3: not a JSON event: not an object");
	expect_bad("{} {}\n", "ev.json:1:4: not a JSON event");
	/* a denial must say what was refused, when, to whom and how */
	expect_bad("{\"by\":\"seccomp\",\"action\":\"denied\",\"time\":\"2026-11-25T16:00:01Z\","
		   "\"container\":{\"id\":\"a\"},\"syscall\":{\"name\":\"acct\",\"arch\":\"x86_64\"},"
		   "\"errno\":{\"nr\":1}}\n",
		   "ev.json:1: a denial (\"by\": \"seccomp\") without a syscall.nr");
	expect_bad("{\"by\":\"seccomp\",\"action\":\"denied\",\"time\":\"yesterday\"}\n",
		   "without an RFC 3339 time");
	expect_bad("{\"by\":\"seccomp\",\"action\":\"killed\",\"time\":\"2026-11-25T16:00:01Z\","
		   "\"container\":{\"id\":\"a\"},\"syscall\":{\"nr\":163,\"arch\":\"x86_64\"}}\n",
		   "without a signal.nr");
	expect_bad("{\"by\":\"seccomp\",\"action\":\"denied\",\"time\":\"2026-11-25T16:00:01Z\","
		   "\"container\":{\"id\":\"a\"},\"syscall\":{\"nr\":163,\"arch\":\"mips\"},"
		   "\"errno\":{\"nr\":1}}\n",
		   "without a syscall.arch");
}

static void test_a_nul_byte_is_no_event(void **state)
{
	static const char line[] = "{\"a\": \"b\0c\"}\n";
	struct eu_denials_filter f = { 0 };
	struct eu_denials d = { 0 };
	struct eu_err err = { 0 };

	(void)state;
	assert_int_equal(eu_denials_add_line(&d, &f, line, sizeof(line) - 1, "ev.json", 9, &err), -1);
	assert_string_equal(err.msg, "ev.json:9: a NUL byte: not a JSON event");
}

static void test_a_syscall_without_a_name_is_kept_by_number(void **state)
{
	static const char line[] =
		"{\"by\":\"seccomp\",\"action\":\"denied\",\"time\":\"2026-11-25T16:00:01Z\","
		"\"container\":{\"id\":\"a\"},\"syscall\":{\"nr\":1000,\"arch\":\"x86_64\"},"
		"\"errno\":{\"nr\":38}}";
	struct eu_denials_filter f = { 0 };
	struct eu_denials d = { 0 };
	struct eu_err err = { 0 };

	(void)state;
	assert_int_equal(eu_denials_add_line(&d, &f, line, strlen(line), "ev.json", 1, &err), 0);
	assert_int_equal(d.n, 1);
	assert_null(d.v[0].syscall);
	assert_int_equal(d.v[0].nr, 1000);
	assert_string_equal(d.v[0].container, "a"); /* no name: the id */
	assert_int_equal(d.v[0].count, 1);	       /* no count: one */
	eu_denials_free(&d);
}

static struct eu_profile *profile(const char *yaml)
{
	struct eu_profile *p = eu_profile_new();
	struct eu_err err = { 0 };

	assert_non_null(p);
	if (eu_profile_parse("p.yaml", yaml, strlen(yaml), p, &err))
		fail_msg("%s", err.msg);
	return p;
}

static void test_fold_allows_what_was_refused_and_only_that(void **state)
{
	struct eu_profile *p = profile("version: 1\narchitectures:\n  x86_64:\n    syscalls:\n"
				       "      getppid: 3\n      mkdir: 1\n");
	struct eu_denials_filter f = { 0 };
	struct eu_denials d = { 0 };
	struct eu_strv added = { 0 };
	struct eu_err err = { 0 };
	int x = EU_ARCH_X86_64;

	(void)state;
	read_all(events, &f, &d);
	/* web's: acct (denied and killed: once), mkdir (allowed already) */
	assert_int_equal(eu_denials_fold(&d, "web", p, &added, &err), 0);
	assert_int_equal(added.n, 1);
	assert_string_equal(added.v[0], "acct");
	assert_true(eu_profile_has_syscall(p, x, eu_syscall_nr(x, "acct")));
	assert_true(eu_profile_has_syscall(p, x, eu_syscall_nr(x, "getppid")));
	assert_int_equal(eu_profile_syscall_total(p, -1), 3);
	/* the same again changes nothing */
	assert_int_equal(eu_denials_fold(&d, "web", p, &added, &err), 0);
	assert_int_equal(added.n, 1);
	eu_strv_free(&added);
	eu_profile_free(p);
	eu_denials_free(&d);
}

static void test_fold_of_another_abi_adds_its_section(void **state)
{
	struct eu_profile *p = profile("version: 1\narchitectures:\n  x86_64:\n    syscalls:\n"
				       "      getppid: 3\n");
	static const char line[] =
		"{\"by\":\"seccomp\",\"action\":\"killed\",\"time\":\"2026-11-25T16:00:01Z\","
		"\"container\":{\"id\":\"a\"},\"syscall\":{\"name\":\"getpid\",\"nr\":20,"
		"\"arch\":\"i386\"},\"signal\":{\"nr\":31}}";
	struct eu_denials_filter f = { 0 };
	struct eu_denials d = { 0 };
	struct eu_strv added = { 0 };
	struct eu_err err = { 0 };

	(void)state;
	assert_int_equal(eu_denials_add_line(&d, &f, line, strlen(line), "ev.json", 1, &err), 0);
	assert_int_equal(eu_denials_fold(&d, NULL, p, &added, &err), 0);
	assert_int_equal(added.n, 1);
	assert_string_equal(added.v[0], "getpid (i386)");
	assert_true(p->arch[EU_ARCH_I386].present);
	assert_true(eu_profile_has_syscall(p, EU_ARCH_I386, 20));
	assert_false(eu_profile_has_syscall(p, EU_ARCH_X86_64, 20));
	eu_strv_free(&added);
	eu_profile_free(p);
	eu_denials_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_denials_are_grouped_by_container_syscall_and_answer_with_counts_summed),
		cmocka_unit_test(test_a_container_is_chosen_by_name_or_id),
		cmocka_unit_test(test_since_keeps_the_events_from_then_on),
		cmocka_unit_test(test_rfc3339_times),
		cmocka_unit_test(test_since_takes_durations_and_times),
		cmocka_unit_test(test_bad_lines_are_named_by_file_and_line),
		cmocka_unit_test(test_a_nul_byte_is_no_event),
		cmocka_unit_test(test_a_syscall_without_a_name_is_kept_by_number),
		cmocka_unit_test(test_fold_allows_what_was_refused_and_only_that),
		cmocka_unit_test(test_fold_of_another_abi_adds_its_section),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
