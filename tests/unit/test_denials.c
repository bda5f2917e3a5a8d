// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/denials.c: reading the monitor's denials, grouping them, --since, folding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "argspec.h"
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

/* A profile that allows x86_64's getppid only. */
static const char getppid_only[] = "version: 1\narchitectures:\n  x86_64:\n    syscalls:\n"
				   "      getppid: 3\n";

/* No filter: every denial. */
static const struct eu_denials_filter every = { 0 };

/* A fold's fixture: the profile, the denials read into d, and what the folds added. */
struct fold {
	struct eu_profile *p;
	struct eu_denials d;
	struct eu_denials_fix fx;
};

/* What the fix is to hold after a fold: each list exactly, in order, NULL-ended. */
struct fix_want {
	const char *allowed[2], *rules[4], *left[3];
};

static void expect_strv(const char *list, const struct eu_strv *got, const char *const *want)
{
	size_t n = 0;

	while (want[n])
		n++;
	if (got->n != n)
		fail_msg("fx.%s: %zu entries, expected %zu", list, got->n, n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(got->v[i], want[i]))
			fail_msg("fx.%s[%zu]: '%s', expected '%s'", list, i, got->v[i], want[i]);
}

/* Fold t->d (of `container`, or of all) into t->p, adding to t->fx, and check t->fx. */
static void fold_expect(struct fold *t, const char *container, const struct fix_want *w)
{
	struct eu_err err = { 0 };

	if (eu_denials_fold(&t->d, container, t->p, &t->fx, &err))
		fail_msg("fold: %s", err.msg);
	expect_strv("allowed", &t->fx.allowed, w->allowed);
	expect_strv("rules", &t->fx.rules, w->rules);
	expect_strv("left", &t->fx.left, w->left);
}

static void fold_free(struct fold *t)
{
	eu_denials_fix_free(&t->fx);
	eu_profile_free(t->p);
	eu_denials_free(&t->d);
}

static void test_fold_allows_what_was_refused_and_only_that(void **state)
{
	struct fold t = { .p = profile("version: 1\narchitectures:\n  x86_64:\n    syscalls:\n"
				       "      getppid: 3\n      mkdir: 1\n") };
	int x = EU_ARCH_X86_64;

	(void)state;
	read_all(events, &every, &t.d);
	/* web's: acct (denied and killed: once), mkdir (allowed already) */
	fold_expect(&t, "web", &(const struct fix_want){ .allowed = { "acct" } });
	assert_true(eu_profile_has_syscall(t.p, x, eu_syscall_nr(x, "acct")));
	assert_true(eu_profile_has_syscall(t.p, x, eu_syscall_nr(x, "getppid")));
	assert_int_equal(eu_profile_syscall_total(t.p, -1), 3);
	/* the same again changes nothing: the fix holds what the first fold added */
	fold_expect(&t, "web", &(const struct fix_want){ .allowed = { "acct" } });
	fold_free(&t);
}

static void test_fold_of_another_abi_adds_its_section(void **state)
{
	static const char line[] =
		"{\"by\":\"seccomp\",\"action\":\"killed\",\"time\":\"2026-11-25T16:00:01Z\","
		"\"container\":{\"id\":\"a\"},\"syscall\":{\"name\":\"getpid\",\"nr\":20,"
		"\"arch\":\"i386\"},\"signal\":{\"nr\":31}}";
	struct fold t = { .p = profile(getppid_only) };
	struct eu_err err = { 0 };

	(void)state;
	assert_int_equal(eu_denials_add_line(&t.d, &every, line, strlen(line), "ev.json", 1, &err),
			 0);
	fold_expect(&t, NULL, &(const struct fix_want){ .allowed = { "getpid (i386)" } });
	assert_true(t.p->arch[EU_ARCH_I386].present);
	assert_true(eu_profile_has_syscall(t.p, EU_ARCH_I386, 20));
	assert_false(eu_profile_has_syscall(t.p, EU_ARCH_X86_64, 20));
	fold_free(&t);
}

/* A denial of x86_64's syscall `name` whose first two arguments are the hex strings a0, a1. */
#define DENIAL_ARGS(time, name, nr, a0, a1)                                                       \
	"{\"time\":\"" time "\",\"container\":{\"id\":\"web\"},\"syscall\":{\"name\":\""          \
	name "\",\"nr\":" #nr ",\"arch\":\"x86_64\",\"args\":[\"" a0 "\",\"" a1                   \
	"\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"]},\"action\":\"denied\",\"by\":\"seccomp\","          \
	"\"errno\":{\"nr\":1}}\n"

/* Check what the profile says of x86_64's syscall `name`: its rules, one a line ("" for none). */
static void expect_rules(const struct eu_profile *p, const char *name, const char *want)
{
	int nr = eu_syscall_nr(EU_ARCH_X86_64, name);
	char buf[512];
	size_t off = 0, size = sizeof(buf);

	buf[0] = '\0';
	for (size_t i = 0; i < p->nrules && off < size; i++) {
		if (p->rules[i].arch != EU_ARCH_X86_64 || p->rules[i].nr != nr)
			continue;
		eu_rule_format(&p->rules[i], buf + off, size - off);
		off += strlen(buf + off);
		off += (size_t)snprintf(buf + off, size - off, "\n");
	}
	if (strcmp(buf, want))
		fail_msg("the rules of %s:\n%s\nexpected:\n%s", name, buf, want);
}

static void test_a_learned_arguments_values_are_kept_as_their_rules_hold_them(void **state)
{
	static const char text[] =
		DENIAL_ARGS("2026-11-25T16:00:01Z", "socket", 41, "0x10", "0x3")
		DENIAL_ARGS("2026-11-25T16:00:02Z", "socket", 41, "0x11", "0x3")
		DENIAL_ARGS("2026-11-25T16:00:03Z", "socket", 41, "0x10", "0x2")
		/* clone: its namespace bits only (CLONE_NEWUSER; the rest is SIGCHLD, CLONE_VM) */
		DENIAL_ARGS("2026-11-25T16:00:04Z", "clone", 56, "0x10000111", "0x0")
		/* ioctl's request is arg1 */
		DENIAL_ARGS("2026-11-25T16:00:05Z", "ioctl", 16, "0x1", "0x5401")
		/* an argument learning does not record */
		DENIAL_ARGS("2026-11-25T16:00:06Z", "acct", 163, "0x1", "0x0")
		/* clone3's flags are behind its pointer */
		DENIAL_ARGS("2026-11-25T16:00:07Z", "clone3", 435, "0x7ffe0000", "0x58");
	struct eu_denials_filter f = { 0 };
	struct eu_denials d = { 0 };

	(void)state;
	read_all(text, &f, &d);
	assert_int_equal(d.n, 5); /* acct clone clone3 ioctl socket */
	assert_string_equal(d.v[0].syscall, "acct");
	assert_int_equal(d.v[0].nvalues, 0);
	assert_string_equal(d.v[1].syscall, "clone");
	assert_int_equal(d.v[1].nvalues, 1);
	assert_int_equal(d.v[1].values[0], 0x10000000);
	assert_string_equal(d.v[2].syscall, "clone3");
	assert_int_equal(d.v[2].nvalues, 0);
	assert_false(d.v[2].value_missing);
	assert_string_equal(d.v[3].syscall, "ioctl");
	assert_int_equal(d.v[3].nvalues, 1);
	assert_int_equal(d.v[3].values[0], 0x5401);
	assert_string_equal(d.v[4].syscall, "socket");
	assert_int_equal(d.v[4].count, 3);
	assert_int_equal(d.v[4].nvalues, 2); /* distinct */
	assert_int_equal(d.v[4].values[0], 16);
	assert_int_equal(d.v[4].values[1], 17);
	assert_false(d.v[4].value_missing);
	eu_denials_free(&d);
}

static void test_args_that_are_not_six_hex_strings_are_a_bad_line(void **state)
{
	/* "args" of socket, whose arg0 learning records */
	static const char *const bad[] = {
		"[\"16\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"]",
		"[\"0x\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"]",
		"[\"0x1g\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"]",
		"[\"0x10000000000000000\",\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"]",
		"[16,\"0x0\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"]",
		"[\"0x10\"]",
		"\"0x10\"",
	};
	char line[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line),
			 "{\"time\":\"2026-11-25T16:00:01Z\",\"container\":{\"id\":\"a\"},"
			 "\"syscall\":{\"name\":\"socket\",\"nr\":41,\"arch\":\"x86_64\","
			 "\"args\":%s},\"action\":\"denied\",\"by\":\"seccomp\","
			 "\"errno\":{\"nr\":1}}\n",
			 bad[i]);
		expect_bad(line, "ev.json:1: a denial (\"by\": \"seccomp\") without a "
				 "syscall.args of six hex strings");
	}
}

static const char ruled_profile[] = "version: 1\narchitectures:\n  x86_64:\n    syscalls:\n"
				    "      getppid: 3\n    rules:\n      socket:\n"
				    "      - allow if arg0 == 1\n      - allow if arg0 == 2\n"
				    "      clone3:\n      - errno 38\n      kill:\n"
				    "      - allow if arg1 == 0\n";

/*
 * A syscall the profile allows by argument rules stays so: a rule for each
 * value refused, once however often it was, and none for one allowed already.
 */
static void test_fold_adds_a_rule_for_each_value_a_ruled_syscall_refused(void **state)
{
	static const char text[] =
		DENIAL_ARGS("2026-11-25T16:00:01Z", "socket", 41, "0x11", "0x3")
		DENIAL_ARGS("2026-11-25T16:00:02Z", "socket", 41, "0x10", "0x3")
		DENIAL_ARGS("2026-11-25T16:00:03Z", "socket", 41, "0x10", "0x2")
		/* from a filter older than the profile: its rule is there already */
		DENIAL_ARGS("2026-11-25T16:00:04Z", "socket", 41, "0x2", "0x2");
	struct fold t = { .p = profile(ruled_profile) };
	int x = EU_ARCH_X86_64, nr = eu_syscall_nr(x, "socket");

	(void)state;
	read_all(text, &every, &t.d);
	fold_expect(&t, NULL, &(const struct fix_want){
		.rules = { "socket: allow if arg0 == 16", "socket: allow if arg0 == 17" } });
	assert_false(eu_profile_has_syscall(t.p, x, nr));
	expect_rules(t.p, "socket", "allow if arg0 == 1\nallow if arg0 == 2\nallow if arg0 == 16\n"
				    "allow if arg0 == 17\n");
	eu_denials_fix_free(&t.fx);
	/* the same again changes nothing */
	fold_expect(&t, NULL, &(const struct fix_want){ 0 });
	fold_free(&t);
}

/*
 * A syscall the profile does not have at all is allowed for the values
 * refused, as learning would have allowed it: socket(AF_UNIX) refused does not
 * make every family allowed. clone gets its namespace bits' rule.
 */
static void test_fold_allows_a_restricted_syscall_for_the_values_refused(void **state)
{
	static const char text[] =
		DENIAL_ARGS("2026-11-25T16:00:01Z", "socket", 41, "0x1", "0x1")
		DENIAL_ARGS("2026-11-25T16:00:02Z", "clone", 56, "0x1200011", "0x0")
		DENIAL_ARGS("2026-11-25T16:00:03Z", "unshare", 272, "0x10000000", "0x0");
	struct fold t = { .p = profile(getppid_only) };

	(void)state;
	read_all(text, &every, &t.d);
	fold_expect(&t, NULL, &(const struct fix_want){
		.rules = { "clone: allow if arg0 & 0x7e020080 == 0", "socket: allow if arg0 == 1",
			   "unshare: allow if arg0 & 0x7e020080 == 268435456" } });
	expect_rules(t.p, "socket", "allow if arg0 == 1\n");
	assert_false(eu_profile_has_syscall(t.p, EU_ARCH_X86_64, 41));
	fold_free(&t);
}

/*
 * Without the value refused, a syscall restricted by argument rules is left
 * as it is, and said so: clone3 (its flags are behind a pointer), an event
 * without args. Rules that are not of the learned kind give way, as before.
 */
static void test_fold_leaves_a_ruled_syscall_whose_value_is_unknown(void **state)
{
	static const char text[] =
		"{\"time\":\"2026-11-25T16:00:01Z\",\"container\":{\"id\":\"web\"},"
		"\"syscall\":{\"name\":\"socket\",\"nr\":41,\"arch\":\"x86_64\"},"
		"\"action\":\"denied\",\"by\":\"seccomp\",\"errno\":{\"nr\":1}}\n"
		DENIAL_ARGS("2026-11-25T16:00:02Z", "clone3", 435, "0x7ffe0000", "0x58")
		DENIAL_ARGS("2026-11-25T16:00:03Z", "kill", 62, "0x1", "0x9");
	struct fold t = { .p = profile(ruled_profile) };
	int x = EU_ARCH_X86_64;

	(void)state;
	read_all(text, &every, &t.d);
	assert_true(t.d.v[2].value_missing); /* socket */
	fold_expect(&t, NULL, &(const struct fix_want){
		.allowed = { "kill" },
		.left = { "clone3 (seccomp cannot read the flags behind arg0)",
			  "socket (the events do not give its arg0)" } });
	assert_true(eu_profile_has_syscall(t.p, x, eu_syscall_nr(x, "kill")));
	assert_false(eu_profile_has_rules(t.p, x, eu_syscall_nr(x, "kill")));
	expect_rules(t.p, "socket", "allow if arg0 == 1\nallow if arg0 == 2\n");
	expect_rules(t.p, "clone3", "errno 38\n");
	fold_free(&t);
}

/* ioctl past its bound of values is allowed outright, as learning leaves it. */
static void test_fold_allows_outright_past_the_bound_of_values(void **state)
{
	struct fold t = { .p = profile(getppid_only) };
	const struct eu_argspec *s = eu_argspec_by_name("ioctl");
	struct eu_err err = { 0 };
	int x = EU_ARCH_X86_64, nr = eu_syscall_nr(x, "ioctl");
	char line[512], over[64];

	(void)state;
	assert_non_null(s);
	assert_true(s->max_values > 0);
	for (unsigned int i = 0; i < s->max_values; i++) {
		struct eu_rule r;

		eu_argspec_rule(s, x, nr, 0x5400 + i, &r);
		assert_int_equal(eu_profile_add_rule(t.p, &r, &err), 0);
	}
	snprintf(line, sizeof(line), DENIAL_ARGS("2026-11-25T16:00:01Z", "ioctl", 16, "0x1", "%s"),
		 "0x1234");
	assert_int_equal(eu_denials_add_line(&t.d, &every, line, strlen(line), "ev.json", 1, &err),
			 0);
	snprintf(over, sizeof(over), "ioctl (over %u values)", s->max_values);
	fold_expect(&t, NULL, &(const struct fix_want){ .allowed = { over } });
	assert_true(eu_profile_has_syscall(t.p, x, nr));
	assert_false(eu_profile_has_rules(t.p, x, nr));
	assert_true(eu_bit_test(t.p->arch[x].argfree, (unsigned int)nr)); /* argument_free */
	fold_free(&t);
}

/*
 * i386's socket stays argument-free, as learning leaves it: libseccomp would
 * widen a rule on it to socketcall(2) of every family.
 */
static void test_fold_allows_i386_socket_outright(void **state)
{
	static const char line[] =
		"{\"time\":\"2026-11-25T16:00:01Z\",\"container\":{\"id\":\"a\"},"
		"\"syscall\":{\"name\":\"socket\",\"nr\":359,\"arch\":\"i386\",\"args\":"
		"[\"0x10\",\"0x3\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"]},\"action\":\"denied\","
		"\"by\":\"seccomp\",\"errno\":{\"nr\":1}}";
	struct fold t = { .p = profile(getppid_only) };
	struct eu_err err = { 0 };

	(void)state;
	assert_int_equal(eu_syscall_nr(EU_ARCH_I386, "socket"), 359);
	assert_int_equal(eu_denials_add_line(&t.d, &every, line, strlen(line), "ev.json", 1, &err),
			 0);
	assert_int_equal(t.d.v[0].nvalues, 0);
	fold_expect(&t, NULL, &(const struct fix_want){ .allowed = { "socket (i386)" } });
	assert_true(eu_profile_has_syscall(t.p, EU_ARCH_I386, 359));
	fold_free(&t);
}

UNIT_TESTS(
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
	cmocka_unit_test(test_a_learned_arguments_values_are_kept_as_their_rules_hold_them),
	cmocka_unit_test(test_args_that_are_not_six_hex_strings_are_a_bad_line),
	cmocka_unit_test(test_fold_adds_a_rule_for_each_value_a_ruled_syscall_refused),
	cmocka_unit_test(test_fold_allows_a_restricted_syscall_for_the_values_refused),
	cmocka_unit_test(test_fold_leaves_a_ruled_syscall_whose_value_is_unknown),
	cmocka_unit_test(test_fold_allows_outright_past_the_bound_of_values),
	cmocka_unit_test(test_fold_allows_i386_socket_outright))
