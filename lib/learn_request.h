/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The OCI hook's request to a resident learner (`eunomia learn --serve`): one
 * SOCK_SEQPACKET message on a root-only Unix socket carrying the arguments the
 * hook would otherwise give a learner it starts itself (`eunomia learn -q
 * --oci-state FILE -o PROFILE ...`), and one file descriptor, where the
 * learner's messages go. The learner answers "ready PID" on the same connection
 * once it follows the container, or closes it.
 *
 *   message: "eunomia-learn/1" NUL ARG NUL ARG NUL ...   (at most 64 KiB, 32 arguments)
 */
#ifndef EUNOMIA_LEARN_REQUEST_H
#define EUNOMIA_LEARN_REQUEST_H

#include <stddef.h>

#include "errors.h"

#define EU_LEARN_SOCKET "/run/eunomia/learn.sock"
#define EU_LEARN_MAGIC "eunomia-learn/1"
#define EU_LEARN_REQUEST_MAX 65536U
#define EU_LEARN_ARGS_MAX 32

/* Send args[0..n) and log_fd on the connected socket fd. */
int eu_learn_request_send(int fd, char *const *args, size_t n, int log_fd, struct eu_err *err);

/*
 * Receive one request, waiting at most timeout_ms. On success *args is a
 * NULL-terminated vector of *n arguments (one allocation: free(*args)) and
 * *log_fd the descriptor that came with it (close-on-exec).
 */
int eu_learn_request_recv(int fd, int timeout_ms, char ***args, size_t *n, int *log_fd,
			  struct eu_err *err);

/* Parse a request's bytes (what recv got); exposed for the unit tests and the fuzzer. */
int eu_learn_request_parse(const char *buf, size_t len, char ***args, size_t *n,
			   struct eu_err *err);

#endif
