// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests for lib/docker.c: containers found in a data root laid out as dockerd
 * 20.10 lays it out (containers/<id>/config.v2.json), by name, id and id
 * prefix; Compose's labels; a bundle's way back to its container's state.
 */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "docker.h"

#define ID_WEB "644a5d4702325bd23445a3f6f972196ed1f2d326199bb5dda959653ecbb34895"
#define ID_DB "6490000000000000000000000000000000000000000000000000000000000001"
#define ID_OFF "b1a0000000000000000000000000000000000000000000000000000000000002"
#define ID_CAFE "cafe000000000000000000000000000000000000000000000000000000000003"
#define ID_HEXNAME "6400000000000000000000000000000000000000000000000000000000000004"

static char root[64];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void container(const char *id, const char *json)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/containers/%s", root, id);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", root, id);
	put(path, json);
}

static int setup(void **state)
{
	char path[160];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/eunomia-docker-test.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/containers", root);
	assert_int_equal(mkdir(path, 0700), 0);
	container(ID_WEB, "{\"ID\":\"" ID_WEB "\",\"Name\":\"/web1\",\"State\":{\"Running\":true,"
			  "\"Pid\":4242},\"Config\":{\"Image\":\"bb:1\",\"Labels\":"
			  "{\"io.eunomia.learn\":\"/tmp/x.yaml\"}}}");
	container(ID_DB, "{\"ID\":\"" ID_DB "\",\"Name\":\"/shop_db_1\",\"State\":{\"Running\":true,"
			 "\"Pid\":77},\"Config\":{\"Image\":\"postgres:15\",\"Labels\":"
			 "{\"com.docker.compose.project\":\"shop\","
			 "\"com.docker.compose.service\":\"db\"}}}");
	container(ID_OFF, "{\"ID\":\"" ID_OFF "\",\"Name\":\"/stopped\",\"State\":{\"Running\":false,"
			  "\"Pid\":0},\"Config\":{\"Image\":\"bb:1\",\"Labels\":null}}");
	/* a name that is hex, and the beginning of other ids too */
	container(ID_HEXNAME, "{\"ID\":\"" ID_HEXNAME "\",\"Name\":\"/64\",\"State\":{\"Running\":true,"
			      "\"Pid\":5},\"Config\":{\"Image\":\"bb:1\"}}");
	container(ID_CAFE, "{\"ID\":\"" ID_CAFE "\",\"Name\":\"/cafe\",\"State\":{\"Running\":true,"
			   "\"Pid\":6},\"Config\":{\"Image\":\"bb:1\"}}");
	/* one being created: no state yet, never a match */
	snprintf(path, sizeof(path), "%s/containers/%064d", root, 0);
	assert_int_equal(mkdir(path, 0700), 0);
	return 0;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	(void)state;
	return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_found_by_name_id_and_prefix(void **state)
{
	static const char *const specs[] = { "web1", ID_WEB, "644a5d47", "644a5" };
	struct eu_docker_ct ct;
	struct eu_err err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		assert_int_equal(eu_docker_find(specs[i], root, &ct, &err), 0);
		assert_string_equal(ct.id, ID_WEB);
		assert_string_equal(ct.name, "web1");
		assert_string_equal(ct.image, "bb:1");
		assert_null(ct.compose);
		/* the labels, for eunomia-runtime */
		assert_string_equal(json_object_get_string(json_object_object_get(ct.labels,
										  "io.eunomia.learn")),
				    "/tmp/x.yaml");
		assert_true(ct.running);
		assert_int_equal(ct.pid, 4242);
		eu_docker_ct_free(&ct);
	}
}

static void test_compose_labels_and_a_stopped_one(void **state)
{
	struct eu_docker_ct ct;
	struct eu_err err = { 0 };

	(void)state;
	assert_int_equal(eu_docker_find("shop_db_1", root, &ct, &err), 0);
	assert_string_equal(ct.compose, "shop/db");
	assert_string_equal(ct.image, "postgres:15");
	eu_docker_ct_free(&ct);
	assert_int_equal(eu_docker_find("stopped", root, &ct, &err), 0);
	assert_false(ct.running);
	assert_int_equal(ct.pid, 0);
	assert_null(ct.labels); /* "Labels": null */
	eu_docker_ct_free(&ct);
}

static void test_unknown_and_ambiguous(void **state)
{
	struct eu_docker_ct ct;
	struct eu_err err = { 0 };

	(void)state;
	/* not a name, and not a prefix of any id (a name is never matched by prefix) */
	assert_int_equal(eu_docker_find("web", root, &ct, &err), -1);
	assert_int_equal(err.kind, EU_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "'web'"));
	assert_null(ct.id);
	memset(&err, 0, sizeof(err));
	/* the beginning of several ids */
	assert_int_equal(eu_docker_find("64", root, &ct, &err), 0);
	/* ... but the name of one: a name wins over a prefix, wherever it is listed */
	assert_string_equal(ct.id, ID_HEXNAME);
	eu_docker_ct_free(&ct);
	assert_int_equal(eu_docker_find("649", root, &ct, &err), 0);
	assert_string_equal(ct.name, "shop_db_1");
	eu_docker_ct_free(&ct);
	assert_int_equal(eu_docker_find("cafe", root, &ct, &err), 0);
	assert_string_equal(ct.id, ID_CAFE);
	eu_docker_ct_free(&ct);
	assert_int_equal(eu_docker_find("6", root, &ct, &err), -1);
	assert_int_equal(err.kind, EU_E_USAGE);
	assert_non_null(strstr(err.msg, "name one"));
	assert_null(ct.id);
	memset(&err, 0, sizeof(err));
	assert_int_equal(eu_docker_find("", root, &ct, &err), -1);
	assert_int_equal(err.kind, EU_E_USAGE);
	memset(&err, 0, sizeof(err));
	/* a data root with no containers directory: Docker knows nothing of it */
	assert_int_equal(eu_docker_find("web1", "/nonexistent", &ct, &err), -1);
	assert_int_equal(err.kind, EU_E_NOTFOUND);
}

static void test_bad_state(void **state)
{
	struct eu_docker_ct ct;
	struct eu_err err = { 0 };
	char dir[128], path[160];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/bad", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/config.v2.json", dir);
	put(path, "{\"Name\":\"/x\"}");
	assert_int_equal(eu_docker_read(dir, &ct, &err), -1);
	assert_non_null(strstr(err.msg, "not a Docker container's state"));
	memset(&err, 0, sizeof(err));
	put(path, "{\"ID\": ");
	assert_int_equal(eu_docker_read(dir, &ct, &err), -1);
	assert_non_null(strstr(err.msg, "config.v2.json"));
}

static void test_bundle_leads_to_its_state(void **state)
{
	char bundle[128], path[192], json[1024];
	char *dir;

	(void)state;
	snprintf(bundle, sizeof(bundle), "%s/bundle", root);
	assert_int_equal(mkdir(bundle, 0700), 0);
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	snprintf(json, sizeof(json),
		 "{\"ociVersion\":\"1.0.2\",\"mounts\":[{\"destination\":\"/proc\",\"source\":\"proc\"},"
		 "{\"destination\":\"/etc/resolv.conf\",\"source\":\"%s/containers/" ID_WEB
		 "/resolv.conf\"},{\"destination\":\"/etc/hostname\",\"source\":\"%s/containers/" ID_WEB
		 "/hostname\"}]}",
		 root, root);
	put(path, json);
	dir = eu_docker_dir_of_bundle(bundle, ID_WEB);
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/containers/" ID_WEB, root);
	assert_string_equal(dir, path);
	free(dir);
	/* a container sharing web1's network has web1's hostname: its own directory is beside */
	dir = eu_docker_dir_of_bundle(bundle, ID_DB);
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/containers/" ID_DB, root);
	assert_string_equal(dir, path);
	free(dir);
	/* an id that is no Docker id names no directory */
	assert_null(eu_docker_dir_of_bundle(bundle, "../../etc"));
	assert_null(eu_docker_dir_of_bundle(bundle, NULL));
	/* runc's own bundle: its /etc/hostname, if any, is no Docker state directory */
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	put(path, "{\"mounts\":[{\"destination\":\"/etc/hostname\",\"source\":\"/srv/ct/hostname\"}]}");
	assert_null(eu_docker_dir_of_bundle(bundle, ID_WEB));
	/* nor is one whose path walks out of its directory */
	put(path, "{\"mounts\":[{\"destination\":\"/etc/hostname\",\"source\":\"/srv/../containers/"
		  ID_WEB "/hostname\"}]}");
	assert_null(eu_docker_dir_of_bundle(bundle, ID_WEB));
	assert_null(eu_docker_dir_of_bundle("/nonexistent", ID_WEB));
	assert_null(eu_docker_dir_of_bundle(NULL, ID_WEB));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_by_name_id_and_prefix),
		cmocka_unit_test(test_compose_labels_and_a_stopped_one),
		cmocka_unit_test(test_unknown_and_ambiguous),
		cmocka_unit_test(test_bad_state),
		cmocka_unit_test(test_bundle_leads_to_its_state),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
