// SPDX-License-Identifier: GPL-2.0-only
/*
 * The events eunomia monitor writes: its own (monitor_say), and an alert for
 * each report of the kernel or the seccomp agent (monitor_on_event), counted
 * for the metrics on the way to the JSON-lines stream.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "events.h"
#include "families.h"
#include "monitor_int.h"

static void write_event(struct monitor *d, const struct eu_event *e)
{
	struct eu_err err = { 0 };

	if (d->counts)
		mon_counts_add(d->counts, e);
	if (eu_events_write(d->ev, e, &err) && !d->write_failed) {
		d->write_failed = true;
		d->write_err = err;
	}
}

void monitor_say(struct monitor *d, enum eu_level level, const char *kind,
		 const struct eu_container *ct, const char *fmt, ...)
{
	struct eu_event e = { .level = level, .kind = kind };
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e.message = msg;
	e.ct = ct;
	write_event(d, &e);
}

static const char *action_name(uint32_t a)
{
	switch (a) {
	case MON_ACT_DENIED:
		return "denied";
	case MON_ACT_KILLED:
		return "killed";
	default:
		return "alerted";
	}
}

static const char *cached_path(struct monitor *d, const struct mon_event *k)
{
	unsigned int i;

	if (k->path[0]) {
		i = d->npaths++ % PATH_CACHE;
		d->paths[i].hash = k->path_hash;
		snprintf(d->paths[i].path, sizeof(d->paths[i].path), "%s", k->path);
		return k->path;
	}
	for (i = 0; i < PATH_CACHE && i < d->npaths; i++)
		if (d->paths[i].hash == k->path_hash)
			return d->paths[i].path;
	return NULL;
}

static struct json_object *detail_of(struct monitor *d, const struct mon_event *k,
				     const char **key)
{
	struct json_object *o = json_object_new_object();
	_cleanup_free_ char *clean = NULL;
	uint64_t args[EU_ARRAY_SIZE(k->args)];
	const char *path;
	char fam[16];

	if (!o)
		return NULL;
	switch (k->kind) {
	case MON_EV_SYSCALL:
		*key = "syscall";
		eu_event_add_syscall(o, (int)k->arch, k->what);
		break;
	case MON_EV_DENIAL:
		*key = "syscall";
		eu_event_add_syscall(o, (int)k->arch, k->what);
		for (size_t i = 0; i < EU_ARRAY_SIZE(args); i++)
			args[i] = k->args[i];
		eu_event_add_args(o, args, EU_ARRAY_SIZE(args));
		break;
	case MON_EV_CAP:
		*key = "capability";
		eu_event_add_capability(o, k->what, k->ret == 0);
		break;
	case MON_EV_EXEC:
		*key = "exec";
		path = cached_path(d, k);
		clean = path ? eu_utf8_clean(path) : NULL;
		json_object_object_add(o, "path", clean ? json_object_new_string(clean) : NULL);
		break;
	case MON_EV_SOCKET:
		*key = "socket";
		json_object_object_add(o, "family",
				       json_object_new_string(
					       eu_family_name(k->what, fam, sizeof(fam))));
		json_object_object_add(o, "nr", json_object_new_int(k->what));
		break;
	default:
		*key = "detail";
	}
	return o;
}

static const char *kind_name(uint32_t k)
{
	switch (k) {
	case MON_EV_SYSCALL:
	case MON_EV_DENIAL: /* what was attempted: a syscall */
		return "syscall";
	case MON_EV_CAP:
		return "capability";
	case MON_EV_EXEC:
		return "exec";
	case MON_EV_SOCKET:
		return "socket";
	default:
		return "unknown";
	}
}

void monitor_on_event(void *ctx, const struct mon_event *k)
{
	struct monitor *d = ctx;
	struct eu_event e = { .level = EU_LEVEL_ALERT, .kind = kind_name(k->kind) };
	static const struct eu_container ended = { .id = "(ended)", .name = "(ended)" };
	const struct eu_container *ct;
	char comm[MON_COMM_LEN + 1], exe[PATH_MAX];
	int64_t ns;

	/* The kernel's monotonic stamp, as wall-clock time. */
	ns = (int64_t)k->ts_ns - ((int64_t)d->mono0.tv_sec * 1000000000LL + d->mono0.tv_nsec);
	ns += (int64_t)d->real0.tv_sec * 1000000000LL + d->real0.tv_nsec;
	e.when.tv_sec = ns / 1000000000LL;
	e.when.tv_nsec = ns % 1000000000LL;
	ct = monitor_find_held(d, k->ct, k->generation);
	e.ct = ct ? ct : &ended;
	memcpy(comm, k->comm, MON_COMM_LEN);
	comm[MON_COMM_LEN] = '\0';
	eu_proc_exe((pid_t)k->tgid, exe, sizeof(exe));
	e.pid = (pid_t)k->tgid;
	e.tid = (pid_t)k->pid;
	e.ppid = (pid_t)k->ppid;
	e.comm = comm;
	e.exe = exe[0] ? exe : NULL;
	e.detail = detail_of(d, k, &e.detail_key);
	/* An execution's file is the process's program from then on, as the container names it. */
	if (k->kind == MON_EV_EXEC && k->path[0])
		e.exe = k->path;
	e.action = action_name(k->action);
	if (k->kind == MON_EV_DENIAL) {
		e.by = "seccomp";
		if (k->action == MON_ACT_KILLED)
			e.signo = k->ret;
		else
			e.errnum = k->ret;
	}
	e.count = k->count;
	e.summary = k->summary;
	write_event(d, &e);
}
