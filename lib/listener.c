// SPDX-License-Identifier: GPL-2.0-only
/* A seccomp listener handed to the monitor (see listener.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdpass.h"
#include "json.h"
#include "listener.h"
#include "names.h"

static const char *const mode_names[] = {
	[EU_LISTEN_ENFORCE] = "enforce",
	[EU_LISTEN_KILL] = "kill",
	[EU_LISTEN_COMPLAIN] = "complain",
};

const char *eu_listener_mode_name(enum eu_listener_mode m)
{
	return EU_NAME_OF(mode_names, m, "?");
}

int eu_listener_meta_format(const struct eu_listener_meta *m, char *buf, size_t size,
			    struct eu_err *err)
{
	int n = snprintf(buf, size, EU_LISTENER_MAGIC " mode=%s errno=%d%s profile=%s",
			 eu_listener_mode_name(m->mode), m->errnum, m->exec_go ? " exec=go" : "",
			 m->profile ? m->profile : "");

	if (n < 0 || (size_t)n >= size)
		return eu_fail(err, EU_E_USAGE, 0, "the listener's metadata is too long (profile %s)",
			       m->profile ? m->profile : "");
	return 0;
}

/* One "key=value" word of the metadata. */
static int meta_word(const char *w, size_t n, struct eu_listener_meta *m, struct eu_err *err)
{
	char *end;
	long v;

	if (n > 5 && !strncmp(w, "mode=", 5)) {
		for (size_t i = 0; i < EU_ARRAY_SIZE(mode_names); i++)
			if (n - 5 == strlen(mode_names[i]) && !strncmp(w + 5, mode_names[i], n - 5)) {
				m->mode = (enum eu_listener_mode)i;
				return 0;
			}
	} else if (n > 6 && !strncmp(w, "errno=", 6)) {
		errno = 0;
		v = strtol(w + 6, &end, 10);
		if (!errno && end == w + n && v >= 1 && v <= 4095) {
			m->errnum = (int)v;
			return 0;
		}
	} else if (n == 7 && !strncmp(w, "exec=go", 7)) {
		m->exec_go = true;
		return 0;
	} else if (n > 9 && !strncmp(w, "profile=/", 9)) {
		free(m->profile);
		m->profile = strndup(w + 8, n - 8);
		return m->profile ? 0 : eu_fail(err, EU_E_INTERNAL, ENOMEM, "listener metadata");
	}
	return eu_fail(err, EU_E_PROFILE, 0,
		       "listener metadata: '%.*s' is not mode=enforce|kill|complain, errno=1..4095 "
		       "or profile=/PATH",
		       (int)n, w);
}

int eu_listener_meta_parse(const char *s, struct eu_listener_meta *m, struct eu_err *err)
{
	size_t magic = strlen(EU_LISTENER_MAGIC);
	const char *w;

	*m = (struct eu_listener_meta){ .mode = EU_LISTEN_ENFORCE, .errnum = EPERM };
	if (!s || strncmp(s, EU_LISTENER_MAGIC, magic) || (s[magic] && s[magic] != ' '))
		return eu_fail(err, EU_E_PROFILE, 0,
			       "the filter's listenerMetadata is not eunomia's (%s ...): a filter "
			       "eunomia did not write", EU_LISTENER_MAGIC);
	for (w = s + magic; *w;) {
		size_t n;

		w += strspn(w, " ");
		n = strcspn(w, " ");
		if (n && meta_word(w, n, m, err)) {
			free(m->profile);
			m->profile = NULL;
			return -1;
		}
		w += n;
	}
	if (!m->profile)
		return eu_fail(err, EU_E_PROFILE, 0, "listener metadata names no profile=/PATH");
	return 0;
}

/* The listener's state o into l, but for its descriptor. */
static int read_state(struct json_object *o, struct eu_listener *l, struct eu_err *err)
{
	struct json_object *fds = eu_json_get(o, "fds", json_type_array), *state;
	int64_t pid;

	if (!fds || json_object_array_length(fds) != 1 ||
	    !json_object_is_type(json_object_array_get_idx(fds, 0), json_type_string) ||
	    strcmp(json_object_get_string(json_object_array_get_idx(fds, 0)), "seccompFd"))
		return eu_fail(err, EU_E_PROFILE, 0,
			       "the listener's state must name one descriptor, "
			       "\"fds\": [\"seccompFd\"]");
	if (eu_json_int(o, "pid", &pid) || pid <= 0 || pid > 0x3fffffff)
		return eu_fail(err, EU_E_PROFILE, 0,
			       "the listener's state has no process id (\"pid\")");
	if (eu_listener_meta_parse(eu_json_str(o, "metadata"), &l->meta, err))
		return -1;
	state = eu_json_get(o, "state", json_type_object);
	if (state) {
		l->state = strdup(json_object_to_json_string_ext(
			state, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		if (!l->state)
			return eu_fail(err, EU_E_INTERNAL, ENOMEM, "the listener's state");
	}
	l->pid = (pid_t)pid;
	return 0;
}

int eu_listener_parse(const char *buf, size_t len, int fd, struct eu_listener *l,
		      struct eu_err *err)
{
	_cleanup_json_ struct json_object *o = NULL;

	*l = (struct eu_listener){ .fd = -1 };
	if (eu_json_parse("the listener's state", buf, len, &o, err))
		return -1;
	if (read_state(o, l, err)) {
		eu_listener_free(l);
		return -1;
	}
	l->fd = fd;
	return 0;
}

/* Is buf[0..len) one whole JSON value (so far as it goes: the parse decides the rest)? */
static bool whole(const char *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(EU_JSON_DEPTH);
	struct json_object *o;
	bool done;

	if (!tok)
		return false;
	o = json_tokener_parse_ex(tok, buf, (int)len);
	done = json_tokener_get_error(tok) != json_tokener_continue;
	json_object_put(o);
	json_tokener_free(tok);
	return done;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

int eu_listener_recv(int conn, int timeout_ms, struct eu_listener *l, struct eu_err *err)
{
	_cleanup_free_ char *buf = malloc(EU_LISTENER_STATE_MAX + 1);
	struct pollfd p = { .fd = conn, .events = POLLIN };
	struct eu_fd_recv got = { .fd = -1 };
	struct timespec t0;
	size_t len = 0;
	ssize_t r;

	if (!buf)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "receiving a listener");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/*
	 * Until the state is whole: runc keeps the connection open after it sent
	 * it (and its init waits meanwhile), others close it.
	 */
	for (;;) {
		long left = timeout_ms - ms_since(&t0);
		struct eu_fd_recv more;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			r = -1;
			errno = ETIMEDOUT;
			break;
		}
		r = eu_fd_recv(conn, buf + len, EU_LISTENER_STATE_MAX + 1 - len, &more);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (more.fd >= 0 && got.fd < 0) {
			got.fd = more.fd;
		} else if (more.fd >= 0) {
			close(more.fd);
			got.extra++;
		}
		got.extra += more.extra;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len > EU_LISTENER_STATE_MAX || whole(buf, len))
			break;
	}
	if (r < 0 || got.extra || got.fd < 0 || len > EU_LISTENER_STATE_MAX) {
		int e = errno;

		if (got.fd >= 0)
			close(got.fd);
		if (r < 0)
			return eu_fail(err, EU_E_IO, e, "receiving a listener");
		return eu_fail(err, EU_E_PROFILE, 0,
			       got.fd < 0 || got.extra ? "a listener comes with one descriptor"
						       : "a listener's state of more than %u bytes",
			       EU_LISTENER_STATE_MAX);
	}
	if (eu_listener_parse(buf, len, got.fd, l, err)) {
		close(got.fd);
		return -1;
	}
	return 0;
}

int eu_listener_send(const char *path, int fd, pid_t pid, const char *metadata, const char *state,
		     struct eu_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_json_ struct json_object *o = json_object_new_object();
	struct json_object *fds = json_object_new_array();
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	const char *text;

	if (!o || !fds || s < 0) {
		json_object_put(fds);
		return eu_fail(err, EU_E_INTERNAL, s < 0 ? errno : ENOMEM,
			       "handing over a listener");
	}
	json_object_array_add(fds, json_object_new_string("seccompFd"));
	json_object_object_add(o, "ociVersion", json_object_new_string("1.0.2"));
	json_object_object_add(o, "fds", fds);
	json_object_object_add(o, "pid", json_object_new_int(pid));
	json_object_object_add(o, "metadata", json_object_new_string(metadata));
	if (state)
		json_object_object_add(o, "state", json_tokener_parse(state));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return eu_fail(err, EU_E_RUNTIME, errno, "no eunomia monitor listens on %s", path);
	if (!text || eu_fd_send(s, text, strlen(text), fd) < 0)
		return eu_fail(err, EU_E_IO, errno, "cannot hand the listener to the monitor at %s",
			       path);
	return 0;
}

void eu_listener_free(struct eu_listener *l)
{
	free(l->state);
	free(l->meta.profile);
	l->state = NULL;
	l->meta.profile = NULL;
}
