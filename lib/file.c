// SPDX-License-Identifier: GPL-2.0-only
/* Bounded reads and atomic writes (see file.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "file.h"

int eu_read_file(const char *path, size_t max, char **out, size_t *out_len, struct eu_err *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	bool is_stdin = !strcmp(path, "-");
	struct stat st;

	fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return eu_fail(err, EU_E_IO, errno, "cannot open %s", path);
	if (fstat(fd, &st) < 0)
		return eu_fail(err, EU_E_IO, errno, "cannot stat %s", path);
	if (S_ISDIR(st.st_mode))
		return eu_fail(err, EU_E_IO, EISDIR, "cannot read %s", path);
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
		return eu_fail(err, EU_E_PROFILE, 0, "%s is too large (%lld bytes; the limit is %zu)",
			       path, (long long)st.st_size, max);
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *nbuf;

			if (ncap > max + 2)
				ncap = max + 2;
			nbuf = realloc(buf, ncap);
			if (!nbuf)
				return eu_fail(err, EU_E_INTERNAL, ENOMEM, "reading %s", path);
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return eu_fail(err, EU_E_IO, errno, "cannot read %s", path);
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return eu_fail(err, EU_E_PROFILE, 0, "%s is too large (the limit is %zu bytes)",
				       path, max);
	}
	if (!buf && !(buf = malloc(1)))
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "reading %s", path);
	buf[len] = '\0';
	*out = eu_steal(buf);
	*out_len = len;
	return 0;
}

int eu_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_dir(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	_cleanup_close_ int fd = -1;

	if (!copy)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	return fsync(fd);
}

/* A character device or a FIFO: written through, as there is no file to replace. */
static int write_through(const char *path, const void *buf, size_t len, struct eu_err *err)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);

	if (fd < 0 || eu_write_all(fd, buf, len) < 0)
		return eu_fail(err, EU_E_IO, errno, "cannot write %s", path);
	return 0;
}

int eu_write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode,
			 struct eu_err *err)
{
	_cleanup_free_ char *tmp = NULL, *dir_copy = NULL, *base_copy = NULL;
	_cleanup_close_ int fd = -1;
	const char *dir;
	struct stat st;
	int saved;

	dir_copy = strdup(path);
	base_copy = strdup(path);
	dir = dir_copy ? dirname(dir_copy) : NULL;
	if (!dir || !base_copy ||
	    asprintf(&tmp, "%s/.%s.XXXXXX", dir, basename(base_copy)) < 0) {
		tmp = NULL;
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "writing %s", path);
	}
	/* An existing file keeps its permissions; a symlink is replaced, not followed. */
	if (lstat(path, &st) == 0) {
		if (S_ISREG(st.st_mode))
			mode = st.st_mode & 07777;
		/* a rename would put a regular file in the place of /dev/null or a pipe */
		else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
			return write_through(path, buf, len, err);
		else if (S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode))
			return eu_fail(err, EU_E_IO, 0, "cannot write %s: a %s, not a file", path,
				       S_ISBLK(st.st_mode) ? "block device" : "socket");
	}
	/*
	 * Written unnamed (O_TMPFILE) where the file system allows it, so that a
	 * writer killed mid-write leaves nothing behind; named only once whole.
	 */
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd >= 0) {
		char proc[64];

		if (fchmod(fd, mode) < 0 || eu_write_all(fd, buf, len) < 0 || fsync(fd) < 0)
			return eu_fail(err, EU_E_IO, errno, "cannot write %s", path);
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		for (int tries = 0;; tries++) {
			size_t n = strlen(tmp);

			/* mkostemp's pattern, filled by hand: linkat() cannot replace a name */
			for (size_t i = n - 6; i < n; i++)
				tmp[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[random() % 36];
			if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0)
				break;
			if (errno != EEXIST || tries == 100)
				return eu_fail(err, EU_E_IO, errno, "cannot write %s", path);
		}
	} else {
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd < 0)
			return eu_fail(err, EU_E_IO, errno,
				       "cannot create a temporary file beside %s", path);
		if (fchmod(fd, mode) < 0 || eu_write_all(fd, buf, len) < 0 || fsync(fd) < 0)
			goto fail;
	}
	if (close(eu_steal_fd(&fd)) < 0)
		goto fail;
	if (rename(tmp, path) < 0)
		goto fail;
	if (fsync_dir(path) < 0)
		return eu_fail(err, EU_E_IO, errno, "wrote %s but could not sync its directory",
			       path);
	return 0;
fail:
	saved = errno;
	unlink(tmp);
	return eu_fail(err, EU_E_IO, saved, "cannot write %s", path);
}
