// SPDX-License-Identifier: GPL-2.0-only
/* eunomia's root-only Unix sockets (see usock.h). */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "usock.h"

static int address(const char *path, struct sockaddr_un *a)
{
	*a = (struct sockaddr_un){ .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(a->sun_path) || path[0] != '/') {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(a->sun_path, path, strlen(path) + 1);
	return 0;
}

int eu_usock_connect(const char *path, int type)
{
	struct sockaddr_un a;
	int fd, e;

	if (address(path, &a))
		return -1;
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		return fd;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

int eu_usock_listen(const char *path, int type, const char *who, int *fd, struct eu_err *err)
{
	struct sockaddr_un a;
	struct stat st;
	mode_t old;
	char *dir;
	int rc;

	*fd = -1;
	if (address(path, &a))
		return eu_fail(err, EU_E_USAGE, 0, "%s: expected an absolute path of at most %zu bytes",
			       path, sizeof(a.sun_path) - 1);
	dir = strdup(path);
	if (!dir)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "naming %s", path);
	rc = mkdir(dirname(dir), 0700) < 0 && errno != EEXIST ? errno : 0;
	free(dir);
	if (rc)
		return eu_fail(err, EU_E_IO, rc, "cannot create the directory of %s", path);
	if (lstat(path, &st) == 0) {
		int probe;

		if (!S_ISSOCK(st.st_mode))
			return eu_fail(err, EU_E_IO, 0, "%s exists and is not a socket; it is left alone",
				       path);
		probe = eu_usock_connect(path, type);
		if (probe >= 0) {
			close(probe);
			return eu_fail(err, EU_E_RUNTIME, 0, "another %s serves %s already", who, path);
		}
		if (unlink(path) < 0)
			return eu_fail(err, EU_E_IO, errno, "cannot replace the stale socket %s", path);
	}
	*fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return eu_fail(err, EU_E_INTERNAL, errno, "socket");
	old = umask(0077); /* root's alone: what comes through names files and holds containers */
	rc = bind(*fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (rc < 0 || listen(*fd, 64) < 0) {
		int e = errno;

		close(*fd);
		*fd = -1;
		return eu_fail(err, EU_E_IO, e, "cannot listen on %s", path);
	}
	return 0;
}
