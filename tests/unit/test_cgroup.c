// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/cgroup.c: containers from the cgroup paths runtimes make. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "cgroup.h"

#define ID "3f1c0c2f2bd7c1e1aa7b8a1e9d2f3c4b5a6978877665544332211000ffeeddcc"

/* Paths as each runtime and cgroup manager makes them (documentation and live systems). */
static const struct {
	const char *path, *runtime, *id, *pod;
} cases[] = {
	/* Docker, systemd driver and cgroupfs driver */
	{ "/system.slice/docker-" ID ".scope", "docker", ID, "" },
	{ "/docker/" ID, "docker", ID, "" },
	/* containerd through the CRI (kubelet with the systemd and the cgroupfs driver) */
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
	  "5c2b1f7a_0c34_4a7e_9a51_2d1e0f6b7c88.slice/cri-containerd-" ID ".scope",
	  "containerd", ID, "5c2b1f7a-0c34-4a7e-9a51-2d1e0f6b7c88" },
	{ "/kubepods/burstable/pod5c2b1f7a-0c34-4a7e-9a51-2d1e0f6b7c88/" ID, "containerd", ID,
	  "5c2b1f7a-0c34-4a7e-9a51-2d1e0f6b7c88" },
	/* CRI-O */
	{ "/kubepods.slice/kubepods-pod5c2b1f7a_0c34_4a7e_9a51_2d1e0f6b7c88.slice/crio-" ID ".scope",
	  "cri-o", ID, "5c2b1f7a-0c34-4a7e-9a51-2d1e0f6b7c88" },
	/* podman: rootful systemd, with a split container cgroup, rootless, and cgroupfs */
	{ "/machine.slice/libpod-" ID ".scope", "podman", ID, "" },
	{ "/machine.slice/libpod-" ID ".scope/container", "podman", ID, "" },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope", "podman",
	  ID, "" },
	{ "/libpod_parent/libpod-" ID, "podman", ID, "" },
	/* LXC and systemd services */
	{ "/lxc.payload.web", "lxc", "web", "" },
	{ "/system.slice/nginx.service", "systemd", "nginx.service", "" },
};

/* Paths that name no container: the host, and runtime helpers. */
static const char *const host[] = {
	"/",
	"/user.slice/user-0.slice/session-3.scope",
	"/system.slice",
	"/machine.slice/libpod-conmon-" ID ".scope", /* podman's conmon */
	"/kubepods.slice/kubepods-besteffort.slice/crio-conmon-" ID ".scope",
	"/docker/" ID "x",				      /* not an id */
	"/system.slice/docker-" ID "0.scope",		      /* 65 digits */
	"/system.slice/docker-3F1C0C2F2BD7C1E1AA7B8A1E9D2F3C4B5A6978877665544332211000FFEEDDCC.scope",
	"/system.slice/nginx.service/child", /* a service's sub-cgroup is still the host here */
	"",
};

static void test_runtime_paths(void **state)
{
	struct eu_cgroup_ref r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!eu_cgroup_parse(cases[i].path, &r))
			fail_msg("no container found in %s", cases[i].path);
		assert_string_equal(r.runtime, cases[i].runtime);
		assert_string_equal(r.id, cases[i].id);
		assert_string_equal(r.pod, cases[i].pod);
	}
}

static void test_host_paths(void **state)
{
	struct eu_cgroup_ref r;

	(void)state;
	for (size_t i = 0; i < sizeof(host) / sizeof(host[0]); i++) {
		if (eu_cgroup_parse(host[i], &r))
			fail_msg("%s taken for a %s container %s", host[i], r.runtime, r.id);
		assert_null(r.runtime);
	}
}

static void test_proc_cgroup_lines(void **state)
{
	char buf[256];

	(void)state;
	/* pure v2 */
	assert_true(eu_cgroup_of_proc("0::/system.slice/docker-" ID ".scope\n", buf, sizeof(buf)));
	assert_string_equal(buf, "/system.slice/docker-" ID ".scope");
	/* hybrid: the v1 controllers hold the container's path */
	assert_true(eu_cgroup_of_proc("12:pids:/docker/" ID "\n1:name=systemd:/init.scope\n0::/\n", buf,
				      sizeof(buf)));
	assert_string_equal(buf, "/docker/" ID);
	/* only name=systemd */
	assert_true(eu_cgroup_of_proc("1:name=systemd:/lxc.payload.web\n", buf, sizeof(buf)));
	assert_string_equal(buf, "/lxc.payload.web");
	assert_false(eu_cgroup_of_proc("garbage\n", buf, sizeof(buf)));
	assert_false(eu_cgroup_of_proc("", buf, sizeof(buf)));
}

UNIT_TESTS(
	cmocka_unit_test(test_runtime_paths),
	cmocka_unit_test(test_host_paths),
	cmocka_unit_test(test_proc_cgroup_lines))
