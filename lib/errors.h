/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One error convention for all of eunomia: a function that can fail takes a
 * `struct eu_err *` and returns -1 after filling it with eu_fail(). The kind
 * decides the process exit status, so every class of failure has its own.
 */
#ifndef EUNOMIA_ERRORS_H
#define EUNOMIA_ERRORS_H

#include <stddef.h>

/* Exit statuses, documented in eunomia(8). Keep them stable. */
enum eu_err_kind {
	EU_OK = 0,
	EU_E_INTERNAL = 1, /* a bug or an out-of-memory condition */
	EU_E_USAGE = 2,	   /* bad command line */
	EU_E_PROFILE = 3,  /* a profile (or other input document) is malformed or invalid */
	EU_E_IO = 4,	   /* a file could not be read or written */
	EU_E_NOTFOUND = 5, /* the container or process does not exist */
	EU_E_KERNEL = 6,   /* the kernel lacks a feature eunomia needs (BPF, seccomp) */
	EU_E_RUNTIME = 7,  /* a container runtime failed or answered nonsense */
	EU_E_CHILD = 8,	   /* the command to run could not be started */
};

struct eu_err {
	enum eu_err_kind kind;
	int errnum; /* errno at the failure, 0 if none */
	char msg[1024];
};

/*
 * Record a failure; appends ": strerror(errnum)" when errnum is non-zero.
 * Always returns -1 so callers can write `return eu_fail(err, ...);`.
 */
int eu_fail(struct eu_err *err, enum eu_err_kind kind, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Prefix an existing error with more context: "reading X: <old message>". */
int eu_wrap(struct eu_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The -1 spelled out at every call: the static analysers (make lint) see one file at a
 * time, and do not follow variadic calls, so they would otherwise follow a failure path
 * on which eu_fail() returned 0.
 */
#define eu_fail(...) ({ eu_fail(__VA_ARGS__); -1; })
#define eu_wrap(...) ({ eu_wrap(__VA_ARGS__); -1; })

/* Print "eunomia: <msg>" (or "<prog>: <msg>") to stderr; returns the exit status. */
int eu_report(const struct eu_err *err, const char *prog);

#endif
