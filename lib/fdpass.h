/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One message with one file descriptor on a Unix socket (SCM_RIGHTS): how the
 * OCI hook hands a container to a resident learner, and how a runtime (runc's
 * listenerPath) or eunomia enforce hands a seccomp listener to the monitor.
 */
#ifndef EUNOMIA_FDPASS_H
#define EUNOMIA_FDPASS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Send len bytes of buf and, when fd >= 0, that descriptor, in one sendmsg. -1: errno. */
ssize_t eu_fd_send(int sock, const void *buf, size_t len, int fd);

struct eu_fd_recv {
	int fd;		/* the first descriptor that came (close-on-exec), or -1 */
	unsigned int extra; /* more that came, closed already */
	bool truncated;	    /* the message or its descriptors did not fit */
};

/*
 * Receive one message (of a stream socket: what one recvmsg returns) into buf
 * without waiting; every descriptor is accounted for in *got. -1: errno.
 */
ssize_t eu_fd_recv(int sock, void *buf, size_t size, struct eu_fd_recv *got);

#endif
