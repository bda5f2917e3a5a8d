// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/listener.c: the ContainerProcessState runc sends to a
 * listenerPath (one descriptor, "seccompFd"), eunomia's listenerMetadata, and
 * a listener handed over and received through a real Unix socket.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "unit.h"
#include "listener.h"

static void test_metadata_round_trip_and_refusals(void **state)
{
	struct eu_listener_meta m = { .mode = EU_LISTEN_KILL, .errnum = 13, .profile = "/p/web.yaml" }, got;
	static const char *const bad[] = {
		NULL,
		"somebody else's",
		"eunomia/2 mode=enforce profile=/p.yaml",
		"eunomia/1 mode=block profile=/p.yaml",
		"eunomia/1 errno=0 profile=/p.yaml",
		"eunomia/1 errno=4096 profile=/p.yaml",
		"eunomia/1 errno=1x profile=/p.yaml",
		"eunomia/1 profile=relative.yaml",
		"eunomia/1 mode=enforce",
		"eunomia/1 color=red profile=/p.yaml",
	};
	struct eu_err err = { 0 };
	char buf[256];

	(void)state;
	assert_int_equal(eu_listener_meta_format(&m, buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "eunomia/1 mode=kill errno=13 profile=/p/web.yaml");
	assert_int_equal(eu_listener_meta_parse(buf, &got, &err), 0);
	assert_int_equal(got.mode, EU_LISTEN_KILL);
	assert_int_equal(got.errnum, 13);
	assert_string_equal(got.profile, "/p/web.yaml");
	free(got.profile);
	/* the defaults: enforce with EPERM */
	assert_int_equal(eu_listener_meta_parse("eunomia/1  profile=/a.yaml ", &got, &err), 0);
	assert_int_equal(got.mode, EU_LISTEN_ENFORCE);
	assert_int_equal(got.errnum, EPERM);
	free(got.profile);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(eu_listener_meta_parse(bad[i], &got, &err), -1);
		assert_int_equal(err.kind, EU_E_PROFILE);
		assert_null(got.profile);
	}
	assert_int_equal(eu_listener_meta_format(&m, buf, 20, &err), -1);
}

static void test_runc_state_parses_and_bad_ones_are_refused(void **state)
{
	static const char good[] =
		"{\"ociVersion\":\"1.0.2\",\"fds\":[\"seccompFd\"],\"pid\":4242,"
		"\"metadata\":\"eunomia/1 mode=complain errno=1 profile=/p.yaml\","
		"\"state\":{\"ociVersion\":\"1.0.2\",\"id\":\"web\",\"status\":\"creating\","
		"\"pid\":4242,\"bundle\":\"/srv/web\"}}";
	static const char *const bad[] = {
		"",
		"[]",
		"{\"fds\":[\"seccompFd\"],\"metadata\":\"eunomia/1 profile=/p.yaml\"}",
		"{\"fds\":[\"other\"],\"pid\":1,\"metadata\":\"eunomia/1 profile=/p.yaml\"}",
		"{\"fds\":[\"seccompFd\",\"seccompFd\"],\"pid\":1,\"metadata\":\"eunomia/1 profile=/p.yaml\"}",
		"{\"fds\":[\"seccompFd\"],\"pid\":-3,\"metadata\":\"eunomia/1 profile=/p.yaml\"}",
		"{\"fds\":[\"seccompFd\"],\"pid\":3,\"metadata\":\"not ours\"}",
		"{\"fds\":[\"seccompFd\"],\"pid\":3,\"metadata\":\"eunomia/1 profile=/p.yaml\"} trailing",
	};
	struct eu_listener l;
	struct eu_err err = { 0 };

	(void)state;
	assert_int_equal(eu_listener_parse(good, strlen(good), 7, &l, &err), 0);
	assert_int_equal(l.fd, 7);
	assert_int_equal(l.pid, 4242);
	assert_int_equal(l.meta.mode, EU_LISTEN_COMPLAIN);
	assert_non_null(strstr(l.state, "\"bundle\":\"/srv/web\""));
	eu_listener_free(&l);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(eu_listener_parse(bad[i], strlen(bad[i]), 7, &l, &err), -1);
		assert_int_equal(l.fd, -1);
		assert_null(l.state);
	}
}

static void test_a_listener_handed_over_arrives_with_its_descriptor(void **state)
{
	char dir[] = "/tmp/eu-listener-XXXXXX", path[96];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct eu_listener l;
	struct eu_err err = { 0 };
	struct stat a, b;
	int srv, conn, pipefd[2];
	pid_t child;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(srv >= 0);
	assert_int_equal(bind(srv, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(srv, 1), 0);
	assert_int_equal(pipe(pipefd), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(eu_listener_send(path, pipefd[0], 99, "eunomia/1 errno=13 profile=/x.yaml",
				       "{\"id\":\"c1\",\"pid\":99}", &err) ? 1 : 0);
	conn = accept(srv, NULL, NULL);
	assert_true(conn >= 0);
	assert_int_equal(eu_listener_recv(conn, 5000, &l, &err), 0);
	assert_int_equal(l.pid, 99);
	assert_int_equal(l.meta.errnum, 13);
	assert_string_equal(l.meta.profile, "/x.yaml");
	assert_non_null(strstr(l.state, "\"c1\""));
	/* the same pipe, by its inode */
	assert_int_equal(fstat(l.fd, &a), 0);
	assert_int_equal(fstat(pipefd[0], &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	close(l.fd);
	eu_listener_free(&l);
	close(conn);
	/* nobody listening: one line saying so */
	close(srv);
	unlink(path);
	assert_int_equal(eu_listener_send(path, pipefd[0], 99, "eunomia/1 profile=/x.yaml", NULL, &err), -1);
	assert_non_null(strstr(err.msg, "no eunomia monitor listens on"));
	rmdir(dir);
}

UNIT_TESTS(
	cmocka_unit_test(test_metadata_round_trip_and_refusals),
	cmocka_unit_test(test_runc_state_parses_and_bad_ones_are_refused),
	cmocka_unit_test(test_a_listener_handed_over_arrives_with_its_descriptor))
