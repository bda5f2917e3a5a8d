// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/metrics.c: the Prometheus text format for a known state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "container.h"
#include "metrics.h"

static void test_known_state_renders_exactly(void **state)
{
	struct eu_mtext t = { 0 };
	const char *web[] = { "container", "web", "kind", "syscall", "action", "alerted", NULL };
	const char *odd[] = { "container", "a\"b\\c\nd", NULL };

	(void)state;
	eu_mtext_family(&t, "eunomia_violations_total", "counter", "Violations, by\ncontainer.");
	eu_mtext_sample(&t, "eunomia_violations_total", web, 3);
	eu_mtext_sample(&t, "eunomia_violations_total", odd, 12345678901.0);
	eu_mtext_family(&t, "process_resident_memory_bytes", "gauge", "Resident memory \\ bytes.");
	eu_mtext_sample(&t, "process_resident_memory_bytes", NULL, 8929280);
	eu_mtext_family(&t, "eunomia_bpf_program_run_seconds_total", "counter", "Time.");
	eu_mtext_sample(&t, "eunomia_bpf_program_run_seconds_total", NULL, 0.003041408);
	assert_false(t.failed);
	assert_string_equal(t.data,
		"# HELP eunomia_violations_total Violations, by\\ncontainer.\n"
		"# TYPE eunomia_violations_total counter\n"
		"eunomia_violations_total{container=\"web\",kind=\"syscall\",action=\"alerted\"} 3\n"
		"eunomia_violations_total{container=\"a\\\"b\\\\c\\nd\"} 12345678901\n"
		"# HELP process_resident_memory_bytes Resident memory \\\\ bytes.\n"
		"# TYPE process_resident_memory_bytes gauge\n"
		"process_resident_memory_bytes 8929280\n"
		"# HELP eunomia_bpf_program_run_seconds_total Time.\n"
		"# TYPE eunomia_bpf_program_run_seconds_total counter\n"
		"eunomia_bpf_program_run_seconds_total 0.003041408\n");
	eu_mtext_free(&t);
}

static void test_containers_are_described_by_an_info_series(void **state)
{
	struct eu_container web = { .id = "c0ffee", .name = "web", .runtime = "runc",
				    .bundle = "/srv/web" };
	struct eu_container pod = { .id = "d00d", .name = "nginx", .runtime = "cri-o",
				    .image = "nginx:1.25", .pod = "shop/web-1" };
	struct eu_container anon = { .id = "5eed" };
	const struct eu_container *cs[] = { &web, &pod, &anon };
	struct eu_mtext t = { 0 };

	(void)state;
	eu_mtext_containers(&t, cs, 3);
	assert_false(t.failed);
	assert_string_equal(t.data,
		"# HELP eunomia_container_info What is known of each container tracked (always 1).\n"
		"# TYPE eunomia_container_info gauge\n"
		"eunomia_container_info{container=\"web\",id=\"c0ffee\",runtime=\"runc\",image=\"\","
		"bundle=\"/srv/web\",pod=\"\"} 1\n"
		"eunomia_container_info{container=\"nginx\",id=\"d00d\",runtime=\"cri-o\","
		"image=\"nginx:1.25\",bundle=\"\",pod=\"shop/web-1\"} 1\n"
		"eunomia_container_info{container=\"5eed\",id=\"5eed\",runtime=\"\",image=\"\","
		"bundle=\"\",pod=\"\"} 1\n");
	eu_mtext_free(&t);
}

static void test_bad_addresses_are_refused(void **state)
{
	static const char *const bad[] = { "9464", ":9464", "127.0.0.1", "127.0.0.1:0",
					   "127.0.0.1:65536", "localhost:9464", "[::1]9464",
					   "::1:9464", "127.0.0.1:94x" };
	struct eu_metrics_server *s = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct eu_err err = { 0 };

		assert_int_equal(eu_metrics_server_start(bad[i], NULL, NULL, &s, &err), -1);
		assert_int_equal(err.kind, EU_E_USAGE);
		assert_non_null(strstr(err.msg, "--metrics expects ADDRESS:PORT"));
	}
}

UNIT_TESTS(
	cmocka_unit_test(test_known_state_renders_exactly),
	cmocka_unit_test(test_containers_are_described_by_an_info_series),
	cmocka_unit_test(test_bad_addresses_are_refused))
