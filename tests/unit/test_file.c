// SPDX-License-Identifier: GPL-2.0-only
/* Tests for lib/file.c: bounded reads and atomic writes. */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "unit.h"
#include "file.h"

static int make_dir(void **state)
{
	char *dir = strdup("/tmp/eunomia-file-XXXXXX");

	if (!dir || !mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static int remove_dir(void **state)
{
	int rc = nftw(*state, remove_entry, 16, FTW_DEPTH | FTW_PHYS);

	free(*state);
	return rc;
}

static char *slurp(const char *path)
{
	struct eu_err err = { 0 };
	char *buf;
	size_t len;

	if (eu_read_file(path, EU_INPUT_MAX, &buf, &len, &err))
		return NULL;
	return buf;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* That the file at `path` holds `want` and has permissions `mode`. */
static void expect_file(const char *path, const char *want, mode_t mode)
{
	char *got = slurp(path);
	struct stat st;

	if (!got || strcmp(got, want))
		fail_msg("%s holds '%s', expected '%s'", path, got ? got : "(unreadable)", want);
	free(got);
	assert_int_equal(stat(path, &st), 0);
	if ((st.st_mode & 07777) != mode)
		fail_msg("%s has mode %04o, expected %04o", path, st.st_mode & 07777, mode);
}

static void test_new_file_gets_content_and_mode(void **state)
{
	char path[512];
	struct eu_err err = { 0 };

	snprintf(path, sizeof(path), "%s/p.yaml", (char *)*state);
	assert_int_equal(eu_write_file_atomic(path, "abc", 3, 0640, &err), 0);
	expect_file(path, "abc", 0640);
	assert_int_equal(count_entries(*state), 1); /* no temporary left behind */
}

static void test_existing_file_keeps_its_mode(void **state)
{
	char path[512];
	struct eu_err err = { 0 };

	snprintf(path, sizeof(path), "%s/p.yaml", (char *)*state);
	assert_int_equal(eu_write_file_atomic(path, "old", 3, 0600, &err), 0);
	assert_int_equal(eu_write_file_atomic(path, "new!", 4, 0644, &err), 0);
	expect_file(path, "new!", 0600);
}

static void test_symlink_is_replaced_not_followed(void **state)
{
	char path[512], target[512];
	struct eu_err err = { 0 };
	struct stat st;

	snprintf(path, sizeof(path), "%s/link.yaml", (char *)*state);
	snprintf(target, sizeof(target), "%s/target", (char *)*state);
	assert_int_equal(eu_write_file_atomic(target, "keep", 4, 0644, &err), 0);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(eu_write_file_atomic(path, "new", 3, 0644, &err), 0);
	expect_file(target, "keep", 0644);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

/* Not replaced by a regular file (as `eunomia export -o /dev/null` once did to the host's). */
static void test_device_and_fifo_are_written_through(void **state)
{
	char dev[512], fifo[512], got[8] = { 0 };
	struct eu_err err = { 0 };
	struct stat st;
	int reader;

	snprintf(dev, sizeof(dev), "%s/null", (char *)*state);
	snprintf(fifo, sizeof(fifo), "%s/fifo", (char *)*state);
	if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0) { /* a null device of our own */
		assert_int_equal(eu_write_file_atomic(dev, "gone", 4, 0644, &err), 0);
		assert_int_equal(lstat(dev, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
	} else {
		print_message("not root: no null device of our own to write to\n");
	}
	assert_int_equal(mkfifo(fifo, 0600), 0);
	reader = open(fifo, O_RDONLY | O_NONBLOCK);
	assert_true(reader >= 0);
	assert_int_equal(eu_write_file_atomic(fifo, "piped", 5, 0644, &err), 0);
	assert_int_equal(read(reader, got, sizeof(got) - 1), 5);
	assert_string_equal(got, "piped");
	close(reader);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(count_entries(*state), dev[0] && access(dev, F_OK) == 0 ? 2 : 1);
}

static void test_failure_leaves_nothing_and_says_why(void **state)
{
	char path[512];
	struct eu_err err = { 0 };

	snprintf(path, sizeof(path), "%s/missing-dir/p.yaml", (char *)*state);
	assert_int_equal(eu_write_file_atomic(path, "x", 1, 0644, &err), -1);
	assert_int_equal(err.kind, EU_E_IO);
	assert_non_null(strstr(err.msg, "missing-dir"));
	assert_non_null(strstr(err.msg, "No such file or directory"));
	assert_int_equal(count_entries(*state), 0);
}

static void test_read_refuses_directories(void **state)
{
	struct eu_err err = { 0 };
	char *buf;
	size_t len;

	assert_int_equal(eu_read_file(*state, EU_INPUT_MAX, &buf, &len, &err), -1);
	assert_int_equal(err.kind, EU_E_IO);
	assert_non_null(strstr(err.msg, "Is a directory"));
}

UNIT_TESTS(
	cmocka_unit_test_setup_teardown(test_new_file_gets_content_and_mode, make_dir,
					remove_dir),
	cmocka_unit_test_setup_teardown(test_existing_file_keeps_its_mode, make_dir,
					remove_dir),
	cmocka_unit_test_setup_teardown(test_symlink_is_replaced_not_followed, make_dir,
					remove_dir),
	cmocka_unit_test_setup_teardown(test_device_and_fifo_are_written_through, make_dir,
					remove_dir),
	cmocka_unit_test_setup_teardown(test_failure_leaves_nothing_and_says_why, make_dir,
					remove_dir),
	cmocka_unit_test_setup_teardown(test_read_refuses_directories, make_dir, remove_dir))
