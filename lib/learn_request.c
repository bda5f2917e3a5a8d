// SPDX-License-Identifier: GPL-2.0-only
/* The hook's request to a resident learner (see learn_request.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "learn_request.h"

#define MAGIC_LEN (sizeof(EU_LEARN_MAGIC)) /* with its NUL */

int eu_learn_request_send(int fd, char *const *args, size_t n, int log_fd, struct eu_err *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl = { 0 };
	size_t len = MAGIC_LEN, off;
	struct msghdr msg = { 0 };
	struct cmsghdr *cm;
	struct iovec iov;
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
	iov = (struct iovec){ .iov_base = buf, .iov_len = len };
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &log_fd, sizeof(int));
	do
		r = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
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
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct msghdr msg = { 0 };
	struct cmsghdr *cm;
	struct iovec iov;
	int got = -1, extra = 0, pr;
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
	iov = (struct iovec){ .iov_base = buf, .iov_len = EU_LEARN_REQUEST_MAX + 1 };
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	do
		r = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		free(buf);
		return eu_fail(err, EU_E_IO, errno, "receiving a learner request");
	}
	/* every descriptor that came is ours to close, whatever else is wrong */
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int d;

			memcpy(&d, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (got < 0) {
				got = d;
			} else {
				close(d);
				extra++;
			}
		}
	}
	if (extra || (msg.msg_flags & MSG_CTRUNC)) {
		if (got >= 0)
			close(got);
		free(buf);
		return eu_fail(err, EU_E_PROFILE, 0, "a learner request must carry one descriptor");
	}
	if (got < 0 || (msg.msg_flags & MSG_TRUNC) || (size_t)r > EU_LEARN_REQUEST_MAX) {
		if (got >= 0)
			close(got);
		free(buf);
		return eu_fail(err, EU_E_PROFILE, 0,
			       got < 0 ? "a learner request without its log descriptor"
				       : "a learner request of more than %u bytes",
			       EU_LEARN_REQUEST_MAX);
	}
	r = eu_learn_request_parse(buf, (size_t)r, args, n, err);
	free(buf);
	if (r) {
		close(got);
		return -1;
	}
	*log_fd = got;
	return 0;
}
