// SPDX-License-Identifier: GPL-2.0-only
/* The JSON-lines event stream (see events.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "caps.h"
#include "syscalls.h"
#include "events.h"
#include "file.h"

struct eu_events {
	char *path; /* NULL: standard output */
	int fd;
};

static const char *const levels[] = { [EU_LEVEL_INFO] = "info",
				      [EU_LEVEL_WARNING] = "warning",
				      [EU_LEVEL_ALERT] = "alert" };

const char *eu_level_name(enum eu_level l)
{
	return (unsigned)l < EU_ARRAY_SIZE(levels) ? levels[l] : "info";
}

static int open_file(struct eu_events *ev, struct eu_err *err)
{
	int fd = open(ev->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return eu_fail(err, EU_E_IO, errno, "cannot open the event file %s", ev->path);
	if (ev->fd >= 0)
		close(ev->fd);
	ev->fd = fd;
	return 0;
}

int eu_events_open(const char *path, struct eu_events **out, struct eu_err *err)
{
	struct eu_events *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "opening the event stream");
	ev->fd = -1;
	if (!path || !strcmp(path, "-")) {
		ev->fd = STDOUT_FILENO;
		*out = ev;
		return 0;
	}
	ev->path = strdup(path);
	if (!ev->path || open_file(ev, err)) {
		if (!ev->path)
			eu_fail(err, EU_E_INTERNAL, ENOMEM, "opening the event stream");
		free(ev->path);
		free(ev);
		return -1;
	}
	*out = ev;
	return 0;
}

int eu_events_reopen(struct eu_events *ev, struct eu_err *err)
{
	return ev->path ? open_file(ev, err) : 0;
}

void eu_events_close(struct eu_events *ev)
{
	if (!ev)
		return;
	if (ev->path && ev->fd >= 0)
		close(ev->fd);
	free(ev->path);
	free(ev);
}

/* json-c's add fails only without memory; one flag says so for the whole object. */
static void add(struct json_object *o, const char *key, struct json_object *v, bool *oom)
{
	if (!v || json_object_object_add(o, key, v)) {
		json_object_put(v);
		*oom = true;
	}
}

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and what lies beyond Unicode are not UTF-8 */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

char *eu_utf8_clean(const char *s)
{
	size_t len = strlen(s);
	char *out = malloc(3 * len + 1), *o = out;

	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);

		if (n) {
			memcpy(o, p, n);
			o += n;
			p += n;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	}
	*o = '\0';
	return out;
}

static void add_str(struct json_object *o, const char *key, const char *s, bool *oom)
{
	char *clean;

	if (!s)
		return;
	clean = eu_utf8_clean(s);
	if (!clean) {
		*oom = true;
		return;
	}
	add(o, key, json_object_new_string(clean), oom);
	free(clean);
}

/* {"nr": N, "name": PREFIX NAME}, without the name when the C library has none. */
static struct json_object *number_and_name(int nr, const char *name, const char *prefix, bool *oom)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	add(o, "nr", json_object_new_int(nr), oom);
	if (name) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%s%s", prefix, name);
		add_str(o, "name", buf, oom);
	}
	return o;
}

static void format_time(const struct timespec *t, char *buf, size_t size)
{
	struct timespec now;
	struct tm tm;
	char sec[32];

	if (!t->tv_sec && !t->tv_nsec) {
		clock_gettime(CLOCK_REALTIME, &now);
		t = &now;
	}
	gmtime_r(&t->tv_sec, &tm);
	(void)strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm); /* 19 of 32 bytes */
	snprintf(buf, size, "%s.%06dZ", sec, (int)(t->tv_nsec / 1000 % 1000000));
}

int eu_events_write(struct eu_events *ev, const struct eu_event *e, struct eu_err *err)
{
	struct json_object *o = json_object_new_object(), *sub;
	struct json_object *detail = e->detail;
	bool oom = !o;
	char when[48], *line;
	const char *text;
	size_t len;
	int rc = 0;

	if (oom) {
		json_object_put(detail);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "writing an event");
	}
	format_time(&e->when, when, sizeof(when));
	add_str(o, "time", when, &oom);
	add_str(o, "level", eu_level_name(e->level), &oom);
	add_str(o, "kind", e->kind, &oom);
	if (e->ct) {
		sub = json_object_new_object();
		if (sub) {
			add_str(sub, "id", e->ct->id, &oom);
			add_str(sub, "name", e->ct->name, &oom);
			add_str(sub, "runtime", e->ct->runtime, &oom);
			add_str(sub, "bundle", e->ct->bundle, &oom);
			add_str(sub, "image", e->ct->image, &oom);
			add_str(sub, "pod", e->ct->pod, &oom);
			add_str(sub, "compose", e->ct->compose, &oom);
		}
		add(o, "container", sub, &oom);
	}
	if (e->pid) {
		sub = json_object_new_object();
		if (sub) {
			add(sub, "pid", json_object_new_int(e->pid), &oom);
			add(sub, "tid", json_object_new_int(e->tid ? e->tid : e->pid), &oom);
			if (e->ppid)
				add(sub, "ppid", json_object_new_int(e->ppid), &oom);
			add_str(sub, "comm", e->comm, &oom);
			add_str(sub, "exe", e->exe, &oom);
		}
		add(o, "process", sub, &oom);
	}
	if (detail)
		add(o, e->detail_key ? e->detail_key : "detail", detail, &oom);
	add_str(o, "action", e->action, &oom);
	add_str(o, "by", e->by, &oom);
	if (e->errnum)
		add(o, "errno", number_and_name(e->errnum, strerrorname_np(e->errnum), "", &oom), &oom);
	if (e->signo)
		add(o, "signal", number_and_name(e->signo, sigabbrev_np(e->signo), "SIG", &oom), &oom);
	if (e->count) {
		add(o, "count", json_object_new_uint64(e->count), &oom);
		add(o, "suppressed", json_object_new_uint64(e->summary ? e->count : e->count - 1), &oom);
		if (e->summary)
			add(o, "summary", json_object_new_boolean(1), &oom);
	}
	add_str(o, "message", e->message, &oom);
	if (oom) {
		json_object_put(o);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "writing an event");
	}
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	/* One write per line: readers of an appended file never see half an event. */
	line = text ? malloc(strlen(text) + 2) : NULL;
	if (!line) {
		json_object_put(o);
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "writing an event");
	}
	len = strlen(text);
	memcpy(line, text, len);
	line[len++] = '\n';
	if (eu_write_all(ev->fd, line, len) < 0)
		rc = eu_fail(err, EU_E_IO, errno, "cannot write an event to %s",
			     ev->path ? ev->path : "standard output");
	free(line);
	json_object_put(o);
	return rc;
}

void eu_event_add_syscall(struct json_object *o, int arch, int nr)
{
	_cleanup_free_ char *name = eu_syscall_name(arch, nr);

	if (name)
		json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "nr", json_object_new_int(nr));
	json_object_object_add(o, "arch", json_object_new_string(eu_arch_name(arch)));
}

void eu_event_add_args(struct json_object *o, const uint64_t *args, size_t n)
{
	struct json_object *a = json_object_new_array();
	char hex[24];

	if (!a)
		return;
	for (size_t i = 0; i < n; i++) {
		snprintf(hex, sizeof(hex), "0x%" PRIx64, args[i]);
		json_object_array_add(a, json_object_new_string(hex));
	}
	json_object_object_add(o, "args", a);
}

void eu_event_add_capability(struct json_object *o, int cap, bool granted)
{
	_cleanup_free_ char *name = eu_cap_name(cap);

	json_object_object_add(o, "name", json_object_new_string(name ? name : "?"));
	json_object_object_add(o, "granted", json_object_new_boolean(granted));
}

void eu_proc_exe(pid_t tgid, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)tgid);
	n = size ? readlink(link, buf, size - 1) : -1;
	if (size)
		buf[n > 0 ? n : 0] = '\0';
}
