// SPDX-License-Identifier: GPL-2.0-only
/* The hook's request to a resident learner (see learn_request.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdpass.h"
#include "learn_request.h"

#define MAGIC_LEN (sizeof(EU_LEARN_MAGIC)) /* with its NUL */

int eu_learn_request_send(int fd, char *const *args, size_t n, int log_fd, struct eu_err *err)
{
	size_t len = MAGIC_LEN, off;
	char *buf;
	ssize_t r;

	if (n > EU_LEARN_ARGS_MAX)
		return eu_fail(err, EU_E_INTERNAL, 0, "a learner request of %zu arguments", n);
	for (size_t i = 0; i < n; i++)
		len += strlen(args[i]) + 1;
	if (len > EU_LEARN_REQUEST_MAX)
		return eu_fail(err, EU_E_USAGE, 0, "a learner request of %zu bytes (at most %u)", len,
			       EU_LEARN_REQUEST_MAX);
	buf = malloc(len);
	if (!buf)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "a learner request");
	memcpy(buf, EU_LEARN_MAGIC, MAGIC_LEN);
	off = MAGIC_LEN;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(args[i]) + 1;

		memcpy(buf + off, args[i], l);
		off += l;
	}
	r = eu_fd_send(fd, buf, len, log_fd);
	free(buf);
	if (r < 0)
		return eu_fail(err, EU_E_IO, errno, "sending the request to the resident learner");
	return 0;
}

int eu_learn_request_parse(const char *buf, size_t len, char ***args, size_t *n,
			   struct eu_err *err)
{
	size_t count = 0, off;
	char **v;
	char *copy;

	if (len < MAGIC_LEN || memcmp(buf, EU_LEARN_MAGIC, MAGIC_LEN))
		return eu_fail(err, EU_E_PROFILE, 0, "a learner request must begin with %s",
			       EU_LEARN_MAGIC);
	if (len > EU_LEARN_REQUEST_MAX)
		return eu_fail(err, EU_E_PROFILE, 0, "a learner request of more than %u bytes",
			       EU_LEARN_REQUEST_MAX);
	if (buf[len - 1] != '\0')
		return eu_fail(err, EU_E_PROFILE, 0,
			       "a learner request whose last argument has no terminating NUL");
	for (off = MAGIC_LEN; off < len; off++)
		count += buf[off] == '\0';
	if (count > EU_LEARN_ARGS_MAX)
		return eu_fail(err, EU_E_PROFILE, 0, "a learner request of %zu arguments (at most %d)",
			       count, EU_LEARN_ARGS_MAX);
	/* the vector and the strings in one block */
	v = malloc((count + 1) * sizeof(*v) + (len - MAGIC_LEN) + 1);
	if (!v)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "a learner request");
	copy = (char *)(v + count + 1);
	memcpy(copy, buf + MAGIC_LEN, len - MAGIC_LEN);
	for (size_t i = 0, o = 0; i < count; i++) {
		v[i] = copy + o;
		o += strlen(copy + o) + 1;
	}
	v[count] = NULL;
	*args = v;
	*n = count;
	return 0;
}

int eu_learn_request_recv(int fd, int timeout_ms, char ***args, size_t *n, int *log_fd,
			  struct eu_err *err)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct eu_fd_recv got;
	int pr;
	char *buf;
	ssize_t r;

	while ((pr = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	if (pr <= 0)
		return eu_fail(err, EU_E_RUNTIME, pr < 0 ? errno : 0,
			       "no request within %d ms", timeout_ms);
	buf = malloc(EU_LEARN_REQUEST_MAX + 1);
	if (!buf)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "a learner request");
	r = eu_fd_recv(fd, buf, EU_LEARN_REQUEST_MAX + 1, &got);
	if (r < 0) {
		free(buf);
		return eu_fail(err, EU_E_IO, errno, "receiving a learner request");
	}
	if (got.extra || got.fd < 0 || got.truncated || (size_t)r > EU_LEARN_REQUEST_MAX) {
		if (got.fd >= 0)
			close(got.fd);
		free(buf);
		if (got.extra)
			return eu_fail(err, EU_E_PROFILE, 0,
				       "a learner request must carry one descriptor");
		return eu_fail(err, EU_E_PROFILE, 0,
			       got.fd < 0 ? "a learner request without its log descriptor"
					  : "a learner request of more than %u bytes",
			       EU_LEARN_REQUEST_MAX);
	}
	r = eu_learn_request_parse(buf, (size_t)r, args, n, err);
	free(buf);
	if (r) {
		close(got.fd);
		return -1;
	}
	*log_fd = got.fd;
	return 0;
}
