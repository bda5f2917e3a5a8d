// SPDX-License-Identifier: GPL-2.0-only
/* Prometheus text format and its HTTP endpoint (see metrics.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "container.h"
#include "metrics.h"

static void put(struct eu_mtext *t, const char *s, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		char *d;

		while (t->len + n + 1 > cap)
			cap *= 2;
		d = realloc(t->data, cap);
		if (!d) {
			t->failed = true;
			return;
		}
		t->data = d;
		t->cap = cap;
	}
	memcpy(t->data + t->len, s, n);
	t->len += n;
	t->data[t->len] = '\0';
}

static void putf(struct eu_mtext *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct eu_mtext *t, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(t, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void eu_mtext_family(struct eu_mtext *t, const char *name, const char *type, const char *help)
{
	putf(t, "# HELP %s ", name);
	/* HELP text escapes backslash and newline */
	for (const char *c = help; *c; c++)
		put(t, *c == '\\' ? "\\\\" : *c == '\n' ? "\\n" : c, *c == '\\' || *c == '\n' ? 2 : 1);
	putf(t, "\n# TYPE %s %s\n", name, type);
}

void eu_mtext_sample(struct eu_mtext *t, const char *name, const char *const *labels,
		     double value)
{
	put(t, name, strlen(name));
	if (labels && labels[0]) {
		put(t, "{", 1);
		for (size_t i = 0; labels[i] && labels[i + 1]; i += 2) {
			if (i)
				put(t, ",", 1);
			putf(t, "%s=\"", labels[i]);
			/* label values escape backslash, double quote and newline */
			for (const char *c = labels[i + 1]; *c; c++) {
				if (*c == '\\' || *c == '"')
					put(t, "\\", 1);
				put(t, *c == '\n' ? "\\n" : c, *c == '\n' ? 2 : 1);
			}
			put(t, "\"", 1);
		}
		put(t, "}", 1);
	}
	if (value == (double)(long long)value && value < 1e15 && value > -1e15)
		putf(t, " %lld\n", (long long)value);
	else
		putf(t, " %.9g\n", value);
}

void eu_mtext_free(struct eu_mtext *t)
{
	free(t->data);
	*t = (struct eu_mtext){ 0 };
}

void eu_mtext_programs(struct eu_mtext *t, const struct eu_prog_stat *s, size_t n,
		       const char *whose)
{
	char help[160];

	snprintf(help, sizeof(help), "Times each of %s's BPF programs ran (kernel BPF statistics).",
		 whose);
	eu_mtext_family(t, "eunomia_bpf_program_runs_total", "counter", help);
	for (size_t i = 0; i < n; i++) {
		const char *labels[] = { "program", s[i].name, NULL };

		eu_mtext_sample(t, "eunomia_bpf_program_runs_total", labels, (double)s[i].runs);
	}
	snprintf(help, sizeof(help),
		 "Time spent in each of %s's BPF programs (kernel BPF statistics).", whose);
	eu_mtext_family(t, "eunomia_bpf_program_run_seconds_total", "counter", help);
	for (size_t i = 0; i < n; i++) {
		const char *labels[] = { "program", s[i].name, NULL };

		eu_mtext_sample(t, "eunomia_bpf_program_run_seconds_total", labels,
				(double)s[i].ns / 1e9);
	}
}

const char *eu_mtext_container_name(const struct eu_container *c)
{
	return c->name ? c->name : c->id ? c->id : "";
}

void eu_mtext_containers(struct eu_mtext *t, const struct eu_container *const *cs, size_t n)
{
	eu_mtext_family(t, "eunomia_container_info", "gauge",
			"What is known of each container tracked (always 1).");
	for (size_t i = 0; i < n; i++) {
		const struct eu_container *c = cs[i];
		const char *labels[] = { "container", eu_mtext_container_name(c),
					 "id", c->id ? c->id : "",
					 "runtime", c->runtime ? c->runtime : "",
					 "image", c->image ? c->image : "",
					 "bundle", c->bundle ? c->bundle : "",
					 "pod", c->pod ? c->pod : "",
					 NULL };

		eu_mtext_sample(t, "eunomia_container_info", labels, 1);
	}
}

double eu_metrics_resident_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "re");
	unsigned long size, rss;
	int n;

	if (!f)
		return 0;
	n = fscanf(f, "%lu %lu", &size, &rss);
	(void)fclose(f);
	return n == 2 ? (double)rss * (double)sysconf(_SC_PAGESIZE) : 0;
}

struct eu_metrics_server {
	struct MHD_Daemon *mhd;
	eu_metrics_fn fn;
	void *ctx;
};

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct eu_metrics_server *s = cls;
	struct MHD_Response *r;
	struct eu_mtext t = { 0 };
	enum MHD_Result ret;
	unsigned int status = MHD_HTTP_OK;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		put(&t, "only GET\n", 9);
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
	} else if (strcmp(url, "/metrics")) {
		put(&t, "eunomia serves /metrics\n", 24);
		status = MHD_HTTP_NOT_FOUND;
	} else {
		s->fn(s->ctx, &t);
	}
	if (t.failed) {
		eu_mtext_free(&t);
		put(&t, "out of memory\n", 14);
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	r = MHD_create_response_from_buffer(t.len, t.data ? t.data : (char *)"",
					    t.data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		eu_mtext_free(&t);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				status == MHD_HTTP_OK ? "text/plain; version=0.0.4; charset=utf-8"
						      : "text/plain; charset=utf-8");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* "A.B.C.D:PORT" or "[V6]:PORT" */
static int parse_addr(const char *addr, struct sockaddr_storage *ss, struct eu_err *err)
{
	char host[64];
	const char *colon = strrchr(addr, ':');
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (!colon || colon == addr || (size_t)(colon - addr) >= sizeof(host))
		goto bad;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port < 1 || port > 65535)
		goto bad;
	if (addr[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		if (colon[-1] != ']')
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - addr - 2), addr + 1);
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			goto bad;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		snprintf(host, sizeof(host), "%.*s", (int)(colon - addr), addr);
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			goto bad;
	}
	return 0;
bad:
	return eu_fail(err, EU_E_USAGE, 0,
		       "--metrics expects ADDRESS:PORT (127.0.0.1:9464 or [::1]:9464), not '%s'",
		       addr);
}

int eu_metrics_server_start(const char *addr, eu_metrics_fn fn, void *ctx,
			    struct eu_metrics_server **out, struct eu_err *err)
{
	struct eu_metrics_server *s;
	struct sockaddr_storage ss;
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	if (parse_addr(addr, &ss, err))
		return -1;
	s = calloc(1, sizeof(*s));
	if (!s)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "starting the metrics endpoint");
	s->fn = fn;
	s->ctx = ctx;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, answer, s, MHD_OPTION_SOCK_ADDR,
				  (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, 16U,
				  MHD_OPTION_CONNECTION_TIMEOUT, 10U, MHD_OPTION_END);
	if (!s->mhd) {
		int e = errno;

		free(s);
		return eu_fail(err, EU_E_IO, e, "cannot serve metrics on %s", addr);
	}
	*out = s;
	return 0;
}

int eu_metrics_server_fd(const struct eu_metrics_server *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_EPOLL_FD);

	return i ? i->epoll_fd : -1;
}

void eu_metrics_server_run(struct eu_metrics_server *s)
{
	MHD_run(s->mhd);
}

void eu_metrics_server_stop(struct eu_metrics_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->mhd);
	free(s);
}
