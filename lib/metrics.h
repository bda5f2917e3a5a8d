/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Prometheus metrics: the text exposition format (version 0.0.4) built into a
 * buffer, and an HTTP endpoint that serves it with libmicrohttpd, run from the
 * caller's own event loop (no thread).
 */
#ifndef EUNOMIA_METRICS_H
#define EUNOMIA_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

/* A growing text buffer; `failed` once an allocation failed (the text is then unusable). */
struct eu_mtext {
	char *data;
	size_t len, cap;
	bool failed;
};

/* "# HELP" and "# TYPE" lines of a metric family (type: counter, gauge). */
void eu_mtext_family(struct eu_mtext *t, const char *name, const char *type, const char *help);

/*
 * One sample: name{k1="v1",...} value. `labels` is a NULL-ended list of
 * name, value pairs (NULL for none); values are escaped as the format wants.
 */
void eu_mtext_sample(struct eu_mtext *t, const char *name, const char *const *labels,
		     double value);

void eu_mtext_free(struct eu_mtext *t);

/* What the kernel's BPF statistics say of one program. */
struct eu_prog_stat {
	char name[64];
	unsigned long long runs, ns;
};

#define EU_PROG_STATS_MAX 32

/* eunomia_bpf_program_runs_total and _run_seconds_total for these programs (of `whose`). */
void eu_mtext_programs(struct eu_mtext *t, const struct eu_prog_stat *s, size_t n,
		       const char *whose);

struct eu_container;

/* The name a container's series carry in their `container` label (its name, else its id). */
const char *eu_mtext_container_name(const struct eu_container *c);

/*
 * eunomia_container_info{container,id,runtime,image,bundle,pod} 1 for each
 * container: what is known of it, joined to the other series by `container`.
 */
void eu_mtext_containers(struct eu_mtext *t, const struct eu_container *const *cs, size_t n);

/* This process's resident memory in bytes (/proc/self/statm), for process_resident_memory_bytes. */
double eu_metrics_resident_bytes(void);

/* What the endpoint serves: fill `t` with the current metrics. */
typedef void (*eu_metrics_fn)(void *ctx, struct eu_mtext *t);

struct eu_metrics_server;

/*
 * Listen on ADDR ("127.0.0.1:9464", "[::1]:9464"), serving GET /metrics.
 * Add eu_metrics_server_fd() to the caller's epoll set and call
 * eu_metrics_server_run() when it is readable.
 */
int eu_metrics_server_start(const char *addr, eu_metrics_fn fn, void *ctx,
			    struct eu_metrics_server **out, struct eu_err *err);
int eu_metrics_server_fd(const struct eu_metrics_server *s);
void eu_metrics_server_run(struct eu_metrics_server *s);
void eu_metrics_server_stop(struct eu_metrics_server *s);

#endif
