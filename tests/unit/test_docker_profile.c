// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/docker_profile.c and lib/seccomp_json.c: importing Docker/podman
 * profiles (tests/fixtures/podman) and exporting them back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "caps.h"
#include "docker_profile.h"
#include "file.h"
#include "profile_yaml.h"
#include "seccomp_json.h"
#include "syscalls.h"

#define PODMAN FIXTURES "/podman"

static struct eu_profile *import_file(const char *path, uint64_t caps, const char *kernel,
				      size_t *skipped)
{
	struct eu_import_opts o = { .caps = caps, .kernel = kernel };
	struct eu_profile *p = eu_profile_new();
	struct eu_err err = { 0 };
	char *buf;
	size_t len;

	assert_non_null(p);
	if (eu_read_file(path, EU_INPUT_MAX, &buf, &len, &err) ||
	    eu_docker_import(path, buf, len, &o, p, skipped, &err))
		fail_msg("%s", err.msg);
	free(buf);
	return p;
}

static bool has(const struct eu_profile *p, int arch, const char *name)
{
	return eu_profile_has_syscall(p, arch, eu_syscall_nr(arch, name));
}

static size_t rules_of(const struct eu_profile *p, int arch, const char *name, char *text,
		       size_t size)
{
	int nr = eu_syscall_nr(arch, name);
	size_t n = 0, off = 0;

	text[0] = '\0';
	for (size_t i = 0; i < p->nrules; i++) {
		if (p->rules[i].arch != arch || p->rules[i].nr != nr)
			continue;
		if (n++)
			off += (size_t)snprintf(text + off, size - off, "; ");
		eu_rule_format(&p->rules[i], text + off, size - off);
		off = strlen(text);
	}
	return n;
}

static void test_includes_excludes_and_args_resolve_as_podman_does(void **state)
{
	struct eu_profile *p;
	size_t skipped = 0;
	char text[512];

	p = import_file(PODMAN "/includes.json", 0, "6.1.0-18-amd64", &skipped);
	assert_true(p->has_default);
	assert_int_equal(p->default_deny, EU_DENY_ERRNO);
	assert_int_equal(p->default_errno, 38);
	/* the host's archMap entry only: x86_64 and its x86 */
	assert_true(p->arch[EU_ARCH_X86_64].present);
	assert_true(p->arch[EU_ARCH_I386].present);
	assert_false(p->arch[EU_ARCH_X32].present);
	assert_true(has(p, EU_ARCH_X86_64, "read"));
	assert_true(has(p, EU_ARCH_I386, "write"));
	assert_true(has(p, EU_ARCH_X86_64, "arch_prctl")); /* includes amd64: this host */
	assert_false(has(p, EU_ARCH_X86_64, "chroot"));	   /* excludes amd64 */
	assert_true(has(p, EU_ARCH_X86_64, "ptrace"));	   /* minKernel 4.8 <= 6.1 */
	assert_false(has(p, EU_ARCH_X86_64, "kcmp"));	   /* minKernel 99.1 */
	assert_false(has(p, EU_ARCH_X86_64, "bpf"));	   /* includes CAP_SYS_ADMIN */
	assert_int_equal(rules_of(p, EU_ARCH_X86_64, "bpf", text, sizeof(text)), 1);
	assert_string_equal(text, "errno 1"); /* excludes CAP_SYS_ADMIN */
	rules_of(p, EU_ARCH_X86_64, "personality", text, sizeof(text));
	assert_string_equal(text, "allow if arg0 == 8");
	rules_of(p, EU_ARCH_X86_64, "clone", text, sizeof(text));
	assert_string_equal(text, "allow if arg0 & 0x7e020000 == 0"); /* value is the mask */
	rules_of(p, EU_ARCH_X86_64, "socket", text, sizeof(text));
	assert_string_equal(text, "errno 22 if arg0 == 16 && arg2 == 9"); /* distinct: and */
	rules_of(p, EU_ARCH_X86_64, "setsockopt", text, sizeof(text));
	assert_string_equal(text, "allow if arg1 == 1; allow if arg1 == 6"); /* same: or */
	/* no_such_syscall on two architectures; breakpoint is arm's */
	assert_int_equal(skipped, 2);
	eu_profile_free(p);

	/* a container with CAP_SYS_ADMIN gets bpf, and no errno rule for it */
	p = import_file(PODMAN "/includes.json", 1ULL << 21, "6.1.0-18-amd64", &skipped);
	assert_true(has(p, EU_ARCH_X86_64, "bpf"));
	assert_int_equal(rules_of(p, EU_ARCH_X86_64, "bpf", text, sizeof(text)), 0);
	assert_int_equal(p->caps_used, 1ULL << 21);
	eu_profile_free(p);
}

static void test_podman_default_imports_with_its_rules(void **state)
{
	struct eu_err err = { 0 };
	struct eu_profile *p;
	size_t skipped = 0;
	uint64_t caps;
	char text[512];

	assert_int_equal(eu_caps_parse_list(EU_PODMAN_DEFAULT_CAPS, &caps, &err), 0);
	p = import_file(PODMAN "/seccomp.json", caps, "6.1.0-18-amd64", &skipped);
	assert_int_equal(p->default_errno, 38);
	for (int a = 0; a < EU_ARCH_COUNT; a++)
		assert_true(p->arch[a].present);
	assert_true(has(p, EU_ARCH_X86_64, "openat"));
	assert_true(has(p, EU_ARCH_I386, "socketcall"));
	assert_true(has(p, EU_ARCH_X86_64, "chroot")); /* includes CAP_SYS_CHROOT */
	assert_int_equal(rules_of(p, EU_ARCH_X86_64, "personality", text, sizeof(text)), 5);
	assert_int_equal(rules_of(p, EU_ARCH_X86_64, "socket", text, sizeof(text)), 3);
	assert_string_equal(text, "errno 22 if arg0 == 16 && arg2 == 9; allow if arg2 != 9; "
				  "allow if arg0 != 16");
	eu_profile_free(p);
}

static void test_docker_export_imports_back_equal(void **state)
{
	const char *const files[] = { PODMAN "/seccomp.json", PODMAN "/includes.json" };

	for (size_t f = 0; f < 2; f++) {
		struct eu_import_opts o = { .caps = 0, .kernel = "6.1.0" };
		struct json_object *doc = NULL;
		struct eu_profile *p, *q = eu_profile_new();
		struct eu_err err = { 0 };
		size_t skipped;
		const char *s;

		p = import_file(files[f], 0, "6.1.0", &skipped);
		assert_int_equal(eu_seccomp_json(p, EU_JSON_DOCKER, NULL, &doc, &err), 0);
		s = json_object_to_json_string(doc);
		if (eu_docker_import("export", s, strlen(s), &o, q, &skipped, &err))
			fail_msg("%s", err.msg);
		eu_set_str(&q->meta.kernel, p->meta.kernel, &err);
		assert_true(eu_profile_equal(p, q));
		json_object_put(doc);
		eu_profile_free(p);
		eu_profile_free(q);
	}
}

static void test_oci_form_lists_architectures_and_one_entry_per_rule(void **state)
{
	struct json_object *doc = NULL, *calls, *arches;
	struct eu_err err = { 0 };
	struct eu_profile *p;
	size_t skipped;

	p = import_file(PODMAN "/includes.json", 0, "6.1.0", &skipped);
	assert_int_equal(eu_seccomp_json(p, EU_JSON_OCI, NULL, &doc, &err), 0);
	arches = json_object_object_get(doc, "architectures");
	assert_int_equal(json_object_array_length(arches), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(arches, 1)),
			    "SCMP_ARCH_X86");
	calls = json_object_object_get(doc, "syscalls");
	/* the ALLOW entry, then personality, clone, socket, bpf, setsockopt x2 */
	assert_int_equal(json_object_array_length(calls), 1 + p->nrules / 2);
	assert_false(eu_seccomp_json_is_union(p));
	json_object_put(doc);
	eu_profile_free(p);
}

/* The NOTIFY entry for one name that compares an argument ("index op"), or NULL. */
static const char *notify_fallback(struct json_object *calls, const char *name, char *buf,
				   size_t size)
{
	for (size_t i = 0; i < json_object_array_length(calls); i++) {
		struct json_object *e = json_object_array_get_idx(calls, i), *names, *args, *a;

		names = json_object_object_get(e, "names");
		args = json_object_object_get(e, "args");
		if (strcmp(json_object_get_string(json_object_object_get(e, "action")),
			   "SCMP_ACT_NOTIFY") ||
		    json_object_array_length(names) != 1 ||
		    strcmp(json_object_get_string(json_object_array_get_idx(names, 0)), name) ||
		    !args || json_object_array_length(args) != 1)
			continue;
		a = json_object_array_get_idx(args, 0);
		snprintf(buf, size, "%d %s %d", json_object_get_int(json_object_object_get(a, "index")),
			 json_object_get_string(json_object_object_get(a, "op")),
			 json_object_get_int(json_object_object_get(a, "value")));
		return buf;
	}
	return NULL;
}

static void test_notify_form_sends_what_argument_rules_refuse_to_the_monitor(void **state)
{
	static const char yaml[] = "version: 1\n"
				   "architectures:\n"
				   "  x86_64:\n"
				   "    syscalls:\n"
				   "      read: 1\n"
				   "    rules:\n"
				   "      socket:\n"
				   "      - allow if arg0 == 1\n"
				   "      - allow if arg0 == 2\n"
				   "      ioctl:\n"
				   "      - allow if arg1 == 21505\n"
				   "      clone3:\n"
				   "      - errno 38\n"
				   "      write:\n"
				   "      - allow if arg0 == 1\n";
	struct json_object *doc = NULL, *calls;
	struct eu_profile *p = eu_profile_new();
	struct eu_err err = { 0 };
	char buf[64];

	(void)state;
	assert_int_equal(eu_profile_parse("t", yaml, sizeof(yaml) - 1, p, &err), 0);
	assert_int_equal(eu_seccomp_json(p, EU_JSON_OCI, NULL, &doc, &err), 0);
	assert_int_equal(eu_seccomp_json_notify(p, EU_JSON_OCI, doc, "/s", "m", &err), 0);
	calls = json_object_object_get(doc, "syscalls");
	/* a catch-all on the argument the rules compare, which libseccomp tests last */
	assert_string_equal(notify_fallback(calls, "socket", buf, sizeof(buf)), "0 SCMP_CMP_GE 0");
	assert_string_equal(notify_fallback(calls, "ioctl", buf, sizeof(buf)), "1 SCMP_CMP_GE 0");
	/* clone3's ENOSYS needs no argument; runc refuses NOTIFY for write */
	assert_null(notify_fallback(calls, "clone3", buf, sizeof(buf)));
	assert_null(notify_fallback(calls, "write", buf, sizeof(buf)));
	/* and the default stays an errno: runc refuses a NOTIFY default */
	assert_string_equal(json_object_get_string(json_object_object_get(doc, "defaultAction")),
			    "SCMP_ACT_ERRNO");
	json_object_put(doc);
	eu_profile_free(p);
}

/* Does every key of `o` appear in the NULL-ended `allowed`? (the CRD prunes or refuses others) */
static bool keys_within(struct json_object *o, const char *const *allowed)
{
	json_object_object_foreach(o, key, val) {
		size_t i;

		(void)val;
		for (i = 0; allowed[i] && strcmp(allowed[i], key); i++)
			;
		if (!allowed[i]) {
			print_error("unexpected key '%s'\n", key);
			return false;
		}
	}
	return true;
}

static void test_k8s_form_is_a_seccompprofile_the_crd_takes(void **state)
{
	static const char *const top[] = { "apiVersion", "kind", "metadata", "spec", NULL };
	static const char *const spec_keys[] = { "defaultAction", "architectures", "syscalls",
						 NULL };
	static const char *const call_keys[] = { "names", "action", "errnoRet", "args", NULL };
	static const char *const arg_keys[] = { "index", "value", "valueTwo", "op", NULL };
	struct json_object *doc = NULL, *meta, *spec, *calls;
	struct eu_err err = { 0 };
	struct eu_profile *p;
	size_t skipped;

	/* podman's default: errno 38 by default, rules with arguments and errnos */
	p = import_file(PODMAN "/seccomp.json", 0, "6.1.0", &skipped);
	assert_int_equal(eu_seccomp_json(p, EU_JSON_K8S, "web", &doc, &err), 0);
	assert_true(keys_within(doc, top));
	assert_string_equal(json_object_get_string(json_object_object_get(doc, "apiVersion")),
			    "security-profiles-operator.x-k8s.io/v1");
	assert_string_equal(json_object_get_string(json_object_object_get(doc, "kind")),
			    "SeccompProfile");
	/* cluster-scoped: a name and nothing else, no namespace */
	meta = json_object_object_get(doc, "metadata");
	assert_string_equal(json_object_to_json_string_ext(meta, JSON_C_TO_STRING_PLAIN),
			    "{\"name\":\"web\"}");
	spec = json_object_object_get(doc, "spec");
	/* no defaultErrnoRet: the CRD has none; the lost errno is reported instead */
	assert_true(keys_within(spec, spec_keys));
	assert_int_equal(eu_seccomp_json_k8s_lost_errno(p), 38);
	calls = json_object_object_get(spec, "syscalls");
	assert_true(json_object_array_length(calls) > 10);
	for (size_t i = 0; i < json_object_array_length(calls); i++) {
		struct json_object *c = json_object_array_get_idx(calls, i), *e, *args;

		assert_true(keys_within(c, call_keys));
		assert_true(json_object_array_length(json_object_object_get(c, "names")) >= 1);
		if (json_object_object_get_ex(c, "errnoRet", &e))
			assert_in_range(json_object_get_int64(e), 1, 4095);
		if (!json_object_object_get_ex(c, "args", &args))
			continue; /* the entry of what is allowed outright */
		assert_true(json_object_array_length(args) <= 6);
		for (size_t j = 0; j < json_object_array_length(args); j++)
			assert_true(keys_within(json_object_array_get_idx(args, j), arg_keys));
	}
	json_object_put(doc);
	/* the OCI form keeps the errno */
	assert_int_equal(eu_seccomp_json(p, EU_JSON_OCI, NULL, &doc, &err), 0);
	assert_int_equal(json_object_get_int(json_object_object_get(doc, "defaultErrnoRet")),
			 38);
	json_object_put(doc);
	eu_profile_free(p);
}

static void test_k8s_form_refuses_a_bad_name_and_values_beyond_int64(void **state)
{
	struct eu_rule r = { .arch = EU_ARCH_X86_64, .ncond = 1 };
	struct json_object *doc = NULL;
	struct eu_profile *p = eu_profile_new();
	struct eu_err err = { 0 };

	assert_non_null(p);
	p->arch[EU_ARCH_X86_64].present = true;
	assert_int_equal(eu_seccomp_json(p, EU_JSON_K8S, "Web_1", &doc, &err), -1);
	assert_int_equal(err.kind, EU_E_USAGE);
	assert_non_null(strstr(err.msg, "'Web_1' cannot name a SeccompProfile"));
	assert_null(doc);

	r.nr = eu_syscall_nr(EU_ARCH_X86_64, "personality");
	r.cond[0] = (struct eu_cond){ .arg = 0, .op = EU_CMP_EQ, .value = UINT64_MAX };
	assert_int_equal(eu_profile_add_rule(p, &r, &err), 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(eu_seccomp_json(p, EU_JSON_K8S, "web", &doc, &err), -1);
	assert_int_equal(err.kind, EU_E_PROFILE);
	assert_string_equal(err.msg, "personality: the rule on arg0 compares with "
				     "0xffffffffffffffff, more than a SeccompProfile holds "
				     "(int64); export it as oci or docker");
	/* the forms a runtime reads take it as it is */
	assert_int_equal(eu_seccomp_json(p, EU_JSON_OCI, NULL, &doc, &err), 0);
	json_object_put(doc);
	eu_profile_free(p);
}

static void test_k8s_names_are_checked_and_made_from_container_names(void **state)
{
	static const struct {
		const char *name;
		bool valid;
	} names[] = {
		{ "web", true }, { "web-1.prod", true }, { "0", true }, { "a.b.c", true },
		{ "", false }, { "Web", false }, { "web_1", false }, { "-web", false },
		{ "web-", false }, { ".web", false }, { "web.", false }, { "a..b", false },
		{ "a.-b", false }, { "a-.b", false }, { "we b", false }, { "a/b", false },
	};
	static const struct {
		const char *from, *to;
	} made[] = {
		{ "web", "web" }, { "My_Web.App-", "my-web.app" }, { "--a__b--", "a-b" },
		{ "a.-b", "a.b" }, { "k8s_POD_x", "k8s-pod-x" }, { "_._", NULL }, { "", NULL },
	};
	char longest[EU_K8S_NAME_MAX + 2];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (eu_k8s_name_valid(names[i].name) != names[i].valid)
			fail_msg("'%s' should be %s", names[i].name,
				 names[i].valid ? "valid" : "invalid");
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		char *n = eu_k8s_name_from(made[i].from);

		if (made[i].to) {
			assert_non_null(n);
			assert_string_equal(n, made[i].to);
			assert_true(eu_k8s_name_valid(n));
		} else {
			assert_null(n);
		}
		free(n);
	}
	/* NAME.json must fit a file name on the node */
	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	assert_false(eu_k8s_name_valid(longest));
	longest[EU_K8S_NAME_MAX] = '\0';
	assert_true(eu_k8s_name_valid(longest));
	assert_true(strlen(longest) + strlen(".json") <= 255);
}

static void test_bad_documents_are_refused_with_where(void **state)
{
	static const struct {
		const char *json, *msg;
	} bad[] = {
		{ "[]", "t: expected a JSON object (a seccomp profile)" },
		{ "{}", "t: no defaultAction" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}",
		  "t: defaultAction SCMP_ACT_ALLOW: an eunomia profile lists what is allowed, so its "
		  "default must deny (SCMP_ACT_ERRNO, SCMP_ACT_KILL*, or SCMP_ACT_LOG)" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"action\": "
		  "\"SCMP_ACT_ALLOW\"}]}",
		  "t: syscalls[0]: no names" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], "
		  "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, \"op\": "
		  "\"SCMP_CMP_EQ\"}]}]}",
		  "t: syscalls[0]: args[0]: index must be 0 to 5" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], "
		  "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 9999}]}",
		  "t: syscalls[0]: errnoRet must be a number from 1 to 4095" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 0}",
		  "t: defaultErrnoRet must be a number from 1 to 4095" },
		/* a field of the wrong type is an error, never an absent field */
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": 5}",
		  "t: syscalls: expected an array, found an integer" },
		{ "{\"defaultAction\": 1}", "t: defaultAction: expected a string, found an integer" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [[\"read\"]]}",
		  "t: syscalls[0]: expected an object, found an array" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": \"read\", "
		  "\"action\": \"SCMP_ACT_ALLOW\"}]}",
		  "t: syscalls[0].names: expected an array, found a string" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], "
		  "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": \"0\"}]}]}",
		  "t: syscalls[0].args[0].index: expected an integer, found a string" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], "
		  "\"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [1]}}]}",
		  "t: syscalls[0].includes.caps[0]: expected a string, found an integer" },
		{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": {}}",
		  "t: archMap: expected an array, found an object" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct eu_import_opts o = { 0 };
		struct eu_profile *p = eu_profile_new();
		struct eu_err err = { 0 };
		size_t skipped;

		assert_int_equal(eu_docker_import("t", bad[i].json, strlen(bad[i].json), &o, p,
						  &skipped, &err),
				 -1);
		assert_string_equal(err.msg, bad[i].msg);
		assert_int_equal(err.kind, EU_E_PROFILE);
		eu_profile_free(p);
	}
}

UNIT_TESTS(
	cmocka_unit_test(test_includes_excludes_and_args_resolve_as_podman_does),
	cmocka_unit_test(test_podman_default_imports_with_its_rules),
	cmocka_unit_test(test_docker_export_imports_back_equal),
	cmocka_unit_test(test_oci_form_lists_architectures_and_one_entry_per_rule),
	cmocka_unit_test(test_notify_form_sends_what_argument_rules_refuse_to_the_monitor),
	cmocka_unit_test(test_k8s_form_is_a_seccompprofile_the_crd_takes),
	cmocka_unit_test(test_k8s_form_refuses_a_bad_name_and_values_beyond_int64),
	cmocka_unit_test(test_k8s_names_are_checked_and_made_from_container_names),
	cmocka_unit_test(test_bad_documents_are_refused_with_where))
