/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scope-bound cleanup, the way crun and systemd do it: a variable declared
 * `_cleanup_free_ char *s = NULL;` is freed when it goes out of scope, so an
 * early `return` on error never leaks.
 */
#ifndef EUNOMIA_CLEANUP_H
#define EUNOMIA_CLEANUP_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void eu_freep(void *p)
{
	free(*(void **)p);
}

static inline void eu_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

/* For streams read from: a stream written to is closed by hand, and its fclose() checked. */
static inline void eu_fclosep(FILE **f)
{
	if (*f)
		(void)fclose(*f);
}

static inline void eu_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_free_ __attribute__((cleanup(eu_freep)))
#define _cleanup_closedir_ __attribute__((cleanup(eu_closedirp)))
#define _cleanup_close_ __attribute__((cleanup(eu_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(eu_fclosep)))

/* Hand ownership out of a cleanup-managed variable. */
#define eu_steal(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _tmp = (p);                                                          \
		(p) = NULL;                                                                        \
		_tmp;                                                                              \
	})

/* Hand a file descriptor out of a _cleanup_close_ variable. */
static inline int eu_steal_fd(int *fd)
{
	int tmp = *fd;

	*fd = -1;
	return tmp;
}

#define EU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
