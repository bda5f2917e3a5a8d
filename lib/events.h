/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The event stream: one JSON object per line (json-c), one schema for every
 * kind, to standard output or appended to a file that logrotate may move
 * (reopened on request, e.g. on SIGHUP). Strings from the kernel (a process
 * name, a path) are written as valid UTF-8, bytes that are not replaced by U+FFFD.
 *
 *   {"time": "2026-11-25T16:00:00.123456Z", "level": "alert", "kind": "syscall",
 *    "container": {"id": "...", "name": "...", "runtime": "runc", "bundle": "/srv/web",
 *                  "image": "...", "pod": "namespace/pod"},
 *    "process": {"pid": 42, "tid": 42, "ppid": 1, "comm": "sh", "exe": "/bin/busybox"},
 *    "syscall": {"name": "mkdir", "nr": 83, "arch": "x86_64"},
 *    "action": "alerted", "count": 3, "suppressed": 2}
 *
 * A syscall seccomp refused says so, with what the process got:
 *    "syscall": {"name": "acct", "nr": 163, "arch": "x86_64", "args": ["0x0", ...]},
 *    "action": "denied", "by": "seccomp", "errno": {"nr": 1, "name": "EPERM"}
 * or "action": "killed", "by": "seccomp", "signal": {"nr": 31, "name": "SIGSYS"}.
 */
#ifndef EUNOMIA_EVENTS_H
#define EUNOMIA_EVENTS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "container.h"
#include "errors.h"

enum eu_level {
	EU_LEVEL_INFO = 0,
	EU_LEVEL_WARNING,
	EU_LEVEL_ALERT,
};

const char *eu_level_name(enum eu_level l);

struct eu_event {
	struct timespec when;	/* CLOCK_REALTIME; zero: now */
	enum eu_level level;
	const char *kind;	/* syscall, capability, exec, container, monitor, ... */
	const struct eu_container *ct; /* NULL: not about a container (the host: eu_event_set_container()) */
	pid_t pid;		/* 0: not about a process */
	pid_t tid;
	pid_t ppid;		/* 0: unknown */
	const char *comm;
	const char *exe;
	const char *detail_key; /* the object saying what was attempted, e.g. "syscall" */
	struct json_object *detail; /* taken by eu_events_write() */
	const char *action;	/* alerted, denied, killed; NULL for none */
	const char *by;		/* who took the action when not eunomia: "seccomp"; NULL */
	int errnum;		/* denied: the errno the syscall returned; 0: none */
	int signo;		/* killed: the signal; 0: not said */
	uint64_t count;		/* violations this event stands for; 0: not counted */
	bool summary;		/* all `count` were suppressed: a late summary of a burst */
	const char *message;	/* for info and warnings */
};

struct eu_events;

/* Write to `path` (appending, created 0600), or standard output for NULL or "-". */
int eu_events_open(const char *path, struct eu_events **out, struct eu_err *err);

/* Open the file again by name (after logrotate moved it). */
int eu_events_reopen(struct eu_events *ev, struct eu_err *err);

/* One line; fails only when it cannot be written. */
int eu_events_write(struct eu_events *ev, const struct eu_event *e, struct eu_err *err);

void eu_events_close(struct eu_events *ev);

/* Add a syscall's {"name", "nr", "arch"} to a detail object (no name when it has none). */
void eu_event_add_syscall(struct json_object *o, int arch, int nr);

/* Add a syscall's "args" (as hex strings: JSON numbers lose 64-bit values) to a detail object. */
void eu_event_add_args(struct json_object *o, const uint64_t *args, size_t n);

/* Add a capability check's {"name", "granted"} to a detail object. */
void eu_event_add_capability(struct json_object *o, int cap, bool granted);

/* The program process `tgid` runs (/proc/PID/exe), into buf; "" when it cannot be read. */
void eu_proc_exe(pid_t tgid, char *buf, size_t size);

/* A copy of s in which every byte that is not UTF-8 is U+FFFD (free it); NULL without memory. */
char *eu_utf8_clean(const char *s);

#endif
