// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/ctable.c and the container descriptions it holds: containers
 * appear, are replaced, end and disappear; an OCI state names a container the
 * way its manager annotated it.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "cleanup.h"
#include "ctable.h"
#include "oci_state.h"

static pid_t spawn_sleeper(void)
{
	pid_t p = fork();

	assert_true(p >= 0);
	if (p == 0) {
		pause();
		_exit(0);
	}
	return p;
}

static void reap(pid_t p)
{
	kill(p, SIGKILL);
	assert_int_equal(waitpid(p, NULL, 0), p);
}

static void test_containers_appear_are_replaced_and_removed(void **state)
{
	struct eu_container a = { .id = "a1", .name = "web", .runtime = "runc", .pid = 10 };
	struct eu_container b = { .id = "b2", .name = "db", .runtime = "podman", .pid = 11 };
	const struct eu_container *got;
	struct eu_ctable *t = NULL;
	struct eu_err err = { 0 };
	enum eu_ct_change ch;
	uint64_t gen = 0;

	(void)state;
	assert_int_equal(eu_ctable_new(8, &t, &err), 0);
	assert_int_equal(eu_ctable_count(t), 0);
	assert_null(eu_ctable_at(t, 3, NULL));

	assert_int_equal(eu_ctable_put(t, 3, 1, &a, &ch, &err), 0);
	assert_int_equal(ch, EU_CT_APPEARED);
	assert_int_equal(eu_ctable_count(t), 1);
	got = eu_ctable_get(t, 3, 1);
	assert_non_null(got);
	assert_ptr_not_equal(got->name, a.name); /* the table keeps its own copy */
	assert_string_equal(got->name, "web");
	assert_string_equal(got->runtime, "runc");
	assert_null(eu_ctable_get(t, 3, 2)); /* another registration of the slot */

	/* the same registration again changes nothing */
	assert_int_equal(eu_ctable_put(t, 3, 1, &b, &ch, &err), 0);
	assert_int_equal(ch, EU_CT_SAME);
	assert_string_equal(eu_ctable_get(t, 3, 1)->name, "web");

	/* a new registration of the slot replaces the old container */
	assert_int_equal(eu_ctable_put(t, 3, 2, &b, &ch, &err), 0);
	assert_int_equal(ch, EU_CT_REPLACED);
	assert_int_equal(eu_ctable_count(t), 1);
	assert_null(eu_ctable_get(t, 3, 1));
	got = eu_ctable_at(t, 3, &gen);
	assert_int_equal(gen, 2);
	assert_string_equal(got->name, "db");

	assert_int_equal(eu_ctable_put(t, 0, 7, &a, &ch, &err), 0);
	assert_int_equal(eu_ctable_count(t), 2);
	assert_true(eu_ctable_remove(t, 3));
	assert_false(eu_ctable_remove(t, 3));
	assert_int_equal(eu_ctable_count(t), 1);

	/* keys past the table are refused, not written */
	assert_int_equal(eu_ctable_put(t, 8, 1, &a, &ch, &err), -1);
	assert_int_equal(eu_ctable_count(t), 1);
	eu_ctable_free(t);
}

static unsigned int gone_calls;
static char gone_name[64];

static void on_gone(void *ctx, uint32_t key, const struct eu_container *c)
{
	(void)ctx;
	(void)key;
	gone_calls++;
	snprintf(gone_name, sizeof(gone_name), "%s", c->name);
}

static void test_a_container_whose_init_ended_is_swept(void **state)
{
	pid_t live = spawn_sleeper(), dies = spawn_sleeper(), reused = spawn_sleeper();
	struct eu_container c[3] = { { .name = strdup("live") }, { .name = strdup("dies") },
				     { .name = strdup("reused") } };
	pid_t pids[3] = { live, dies, reused };
	struct eu_ctable *t = NULL;
	struct eu_err err = { 0 };
	enum eu_ct_change ch;

	(void)state;
	assert_int_equal(eu_ctable_new(4, &t, &err), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(eu_container_from_pid(pids[i], &c[i], &err), 0);
		assert_true(c[i].start > 0);
		assert_non_null(c[i].cgroup);
	}
	/* the same pid, but another process: its recorded start time differs */
	c[2].start++;
	for (int i = 0; i < 3; i++)
		assert_int_equal(eu_ctable_put(t, (uint32_t)i, 1, &c[i], &ch, &err), 0);

	gone_calls = 0;
	assert_int_equal(eu_ctable_sweep(t, NULL, on_gone, NULL), 1);
	assert_int_equal(gone_calls, 1);
	assert_string_equal(gone_name, "reused");

	reap(dies);
	assert_int_equal(eu_ctable_sweep(t, NULL, on_gone, NULL), 1);
	assert_int_equal(gone_calls, 2);
	assert_string_equal(gone_name, "dies");
	assert_non_null(eu_ctable_get(t, 0, 1));
	assert_int_equal(eu_ctable_count(t), 1);

	/* nothing ended since: a sweep removes nothing */
	assert_int_equal(eu_ctable_sweep(t, NULL, on_gone, NULL), 0);
	reap(live);
	reap(reused);
	assert_int_equal(eu_ctable_sweep(t, NULL, NULL, NULL), 1);
	assert_int_equal(eu_ctable_count(t), 0);
	for (int i = 0; i < 3; i++)
		eu_container_free(&c[i]);
	eu_ctable_free(t);
}

static void test_a_process_in_no_container_is_the_hosts(void **state)
{
	struct eu_event e = { 0 };
	struct eu_container c = { .id = "x", .name = "x" };

	(void)state;
	eu_event_set_container(&e, NULL);
	assert_string_equal(e.ct->name, "host");
	assert_string_equal(e.ct->runtime, "host");
	eu_event_set_container(&e, &c);
	assert_ptr_equal(e.ct, &c);
}

/* A state as a runtime gives it to a hook, for this process (which lives). */
static void from_state(const char *annotations, struct eu_container *c)
{
	char doc[2048];
	struct eu_oci_state s = { 0 };
	struct eu_err err = { 0 };

	snprintf(doc, sizeof(doc),
		 "{\"ociVersion\":\"1.0.2\",\"id\":\"0123abcd\",\"status\":\"creating\","
		 "\"pid\":%d,\"bundle\":\"/run/b/0123abcd\",\"annotations\":{%s}}",
		 (int)getpid(), annotations);
	assert_int_equal(eu_oci_state_parse("state", doc, strlen(doc), true, &s, &err), 0);
	assert_int_equal(eu_container_from_oci_state(&s, c, &err), 0);
	eu_oci_state_free(&s);
}

/* want, or NULL when got is to be NULL, for case `who`'s field `field`. */
static void expect_field(const char *who, const char *field, const char *got, const char *want)
{
	if (want ? !got || strcmp(got, want) : got != NULL)
		fail_msg("%s: %s is %s%s%s, expected %s%s%s", who, field, got ? "'" : "",
			 got ? got : "NULL", got ? "'" : "", want ? "'" : "", want ? want : "NULL",
			 want ? "'" : "");
}

static void test_an_oci_state_names_its_container_as_annotated(void **state)
{
	static const struct {
		const char *who, *annotations;
		const char *name, *pod, *runtime, *image; /* NULL: none */
	} cases[] = {
		{ "CRI-O under Kubernetes",
		  "\"io.kubernetes.container.name\":\"nginx\",\"io.kubernetes.pod.name\":\"web-1\","
		  "\"io.kubernetes.pod.namespace\":\"shop\","
		  "\"io.kubernetes.cri-o.ContainerType\":\"container\","
		  "\"io.kubernetes.cri-o.ImageName\":\"docker.io/library/nginx:1.25\"",
		  "nginx", "shop/web-1", "cri-o", "docker.io/library/nginx:1.25" },
		{ "containerd's CRI plugin",
		  "\"io.kubernetes.cri.container-type\":\"container\","
		  "\"io.kubernetes.cri.container-name\":\"redis\","
		  "\"io.kubernetes.cri.sandbox-name\":\"cache-0\","
		  "\"io.kubernetes.cri.sandbox-namespace\":\"kv\","
		  "\"io.kubernetes.cri.image-name\":\"docker.io/library/redis:7\"",
		  "redis", "kv/cache-0", "containerd", "docker.io/library/redis:7" },
		{ "podman", "\"io.container.manager\":\"libpod\"", "0123abcd", NULL, "podman", NULL },
		/* nothing says (and no runc or crun state directory has this id) */
		{ "no annotation", "", "0123abcd", NULL, NULL, NULL },
	};

	(void)state;
	for (size_t i = 0; i < EU_ARRAY_SIZE(cases); i++) {
		struct eu_container c;

		from_state(cases[i].annotations, &c);
		expect_field(cases[i].who, "id", c.id, "0123abcd");
		expect_field(cases[i].who, "name", c.name, cases[i].name);
		expect_field(cases[i].who, "pod", c.pod, cases[i].pod);
		expect_field(cases[i].who, "runtime", c.runtime, cases[i].runtime);
		expect_field(cases[i].who, "image", c.image, cases[i].image);
		expect_field(cases[i].who, "bundle", c.bundle, "/run/b/0123abcd");
		if (c.pid != getpid() || c.mntns == 0)
			fail_msg("%s: pid %d (expected %d), mount namespace %u", cases[i].who,
				 (int)c.pid, (int)getpid(), c.mntns);
		eu_container_free(&c);
	}
}

UNIT_TESTS(
	cmocka_unit_test(test_containers_appear_are_replaced_and_removed),
	cmocka_unit_test(test_a_container_whose_init_ended_is_swept),
	cmocka_unit_test(test_a_process_in_no_container_is_the_hosts),
	cmocka_unit_test(test_an_oci_state_names_its_container_as_annotated))
