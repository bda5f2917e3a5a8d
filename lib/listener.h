/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A seccomp listener handed to the monitor, the way runc and crun hand one to
 * the agent a container's linux.seccomp.listenerPath names (and podman passes
 * on from its seccomp profile): one connection on a Unix stream socket that
 * carries the OCI ContainerProcessState as JSON and, with it, the listener
 * descriptor named "seccompFd" in its "fds". eunomia enforce hands over its
 * own command's listener the same way.
 *
 * The state's "metadata" (the filter's listenerMetadata) says how eunomia
 * answers what the filter refuses:
 *
 *   eunomia/1 mode=enforce|kill|complain errno=N [exec=go] profile=/absolute/path.yaml
 */
#ifndef EUNOMIA_LISTENER_H
#define EUNOMIA_LISTENER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "errors.h"

/* Where the monitor listens for listeners (root only). */
#define EU_SECCOMP_SOCKET "/run/eunomia/seccomp.sock"
#define EU_LISTENER_MAGIC "eunomia/1"
#define EU_LISTENER_STATE_MAX 65536U

enum eu_listener_mode {
	EU_LISTEN_ENFORCE = 0, /* refuse with the errno; reported as denied */
	EU_LISTEN_KILL,	       /* SIGKILL the process; reported as killed */
	EU_LISTEN_COMPLAIN,    /* let the call run; reported as alerted */
};

struct eu_listener_meta {
	enum eu_listener_mode mode;
	int errnum;    /* with EU_LISTEN_ENFORCE: 1 to 4095 */
	bool exec_go;  /* exec=go: execve and execveat go on, unreported (eunomia enforce's hand-over) */
	char *profile; /* absolute path of the profile the filter was built from */
};

struct eu_listener {
	int fd;	     /* the seccomp listener (close-on-exec) */
	pid_t pid;   /* the process that loaded the filter */
	char *state; /* the OCI state, a JSON object's text, or NULL (eunomia enforce) */
	struct eu_listener_meta meta;
};

const char *eu_listener_mode_name(enum eu_listener_mode m);

/* The metadata text for m; fails when it does not fit. */
int eu_listener_meta_format(const struct eu_listener_meta *m, char *buf, size_t size,
			    struct eu_err *err);
int eu_listener_meta_parse(const char *s, struct eu_listener_meta *m, struct eu_err *err);

/*
 * A ContainerProcessState's bytes, with the one descriptor that came with it
 * (owned by *l on success, closed by the caller otherwise). Exposed for the
 * unit tests and the fuzzer.
 */
int eu_listener_parse(const char *buf, size_t len, int fd, struct eu_listener *l,
		      struct eu_err *err);

/* Read one accepted connection to its end (at most timeout_ms), then parse it. */
int eu_listener_recv(int conn, int timeout_ms, struct eu_listener *l, struct eu_err *err);

/*
 * Hand listener `fd` of process `pid` to the monitor at `path`, as runc does,
 * with `metadata` and the OCI state `state` (NULL: none).
 */
int eu_listener_send(const char *path, int fd, pid_t pid, const char *metadata, const char *state,
		     struct eu_err *err);

/* Free what *l holds but its descriptor, which is the caller's to keep or close. */
void eu_listener_free(struct eu_listener *l);

#endif
