// SPDX-License-Identifier: GPL-2.0-only
/*
 * The learn tracer's life with its BPF object: probe the kernel, pick one
 * program per job, load (falling back on what the kernel refuses), attach,
 * and follow the events. Seeding is in tracer_seed.c, reading what was
 * learned in tracer_collect.c (see tracer.h).
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "learn.h" /* before the skeleton, which uses its structs */
#include "learn.skel.h"
#include "syscalls.h"
#include "tracer.h"
#include "tracer_args.h"
#include "tracer_int.h"

/* A job (trace syscalls, trace capability checks) and the ways to do it, best first. */
struct hook_choice {
	enum eu_hook hook;
	const char *category; /* tracefs category, for classic tracepoints */
	const char *name;     /* tracepoint or kernel function */
};

static const struct hook_choice sys_choices[] = {
	{ EU_HOOK_TP_BTF, "raw_syscalls", "sys_enter" },
	{ EU_HOOK_RAW_TP, "raw_syscalls", "sys_enter" },
	{ EU_HOOK_TRACEPOINT, "raw_syscalls", "sys_enter" },
};

/* cap_capable became a tracepoint in Linux 6.14; before that we hook the function. */
static const struct hook_choice cap_choices[] = {
	{ EU_HOOK_TP_BTF, "capability", "cap_capable" },
	{ EU_HOOK_FEXIT, NULL, "cap_capable" },
	{ EU_HOOK_KPROBE, NULL, "cap_capable" },
};

/* Add "how: why" to a list of refusals. */
static void note(char *buf, size_t size, const struct hook_choice *c, const char *why)
{
	size_t off = strlen(buf);

	if (off + 1 < size)
		snprintf(buf + off, size - off, "%s%s/%s: %s", off ? "; " : "", eu_hook_name(c->hook),
			 c->name, why);
}

/*
 * The first of c[from..n) the kernel takes (only `forced` when it is set),
 * the others' refusals added to `why`; NULL when none.
 */
static const struct hook_choice *choose(struct eu_probes *p, const struct hook_choice *c, size_t n,
					size_t from, enum eu_hook forced, char *why, size_t size)
{
	for (size_t i = from; i < n; i++) {
		if (forced != EU_HOOK_NONE && c[i].hook != forced)
			continue;
		if (eu_probe_hook(p, c[i].hook, c[i].category, c[i].name))
			return &c[i];
		note(why, size, &c[i], eu_probes_why(p));
	}
	return NULL;
}

/* A job, as messages name it, and its ways. */
struct hook_job {
	const char *what;
	const struct hook_choice *c;
	size_t n;
};

static const struct hook_job sys_job = { "syscalls", sys_choices, EU_ARRAY_SIZE(sys_choices) };
static const struct hook_job cap_job = { "capability checks", cap_choices,
					 EU_ARRAY_SIZE(cap_choices) };

/* The mechanism the user named (--syscall-hook, --cap-hook) must be one of the job's. */
static int check_offered(const struct hook_job *job, enum eu_hook forced, struct eu_err *err)
{
	if (forced == EU_HOOK_NONE)
		return 0;
	for (size_t i = 0; i < job->n; i++)
		if (job->c[i].hook == forced)
			return 0;
	return eu_fail(err, EU_E_USAGE, 0,
		       "%s cannot be traced with %s (choose one of the documented mechanisms)",
		       job->what, eu_hook_name(forced));
}

/*
 * The job's way: the first of job->c[from..] the kernel takes (only `forced`
 * when it is set) into *way, NULL when none, the refusals added to `why`. A
 * mechanism the user named that cannot be had is an error.
 */
static int take_way(struct eu_probes *p, const struct hook_job *job, size_t from,
		    enum eu_hook forced, const struct hook_choice **way, char *why, size_t size,
		    struct eu_err *err)
{
	*way = choose(p, job->c, job->n, from, forced, why, size);
	if (!*way && forced != EU_HOOK_NONE)
		return eu_fail(err, EU_E_KERNEL, 0, "cannot trace %s with %s, which was asked for: %s",
			       job->what, eu_hook_name(forced), why);
	return 0;
}

/* A syscall, argument value or capability seen for the first time is news (tracer_quiet_ns). */
static void note_news(struct tracer *t, const struct learn_event *e)
{
	switch (e->kind) {
	case LEARN_EV_SYSCALL:
		if (e->setup || e->arch >= EU_ARCH_COUNT || e->nr < 0 || e->nr >= EU_NR_MAX)
			return;
		if (!t->first_ns[e->arch][e->nr])
			t->first_ns[e->arch][e->nr] = e->ts_ns;
		break;
	case LEARN_EV_ARG:
		break;
	case LEARN_EV_CAP:
		if (e->setup || e->ret || tracer_cap_is_noaudit(t, e))
			return;
		break;
	default:
		return;
	}
	if (e->ts_ns > t->last_new_ns)
		t->last_new_ns = e->ts_ns;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* bpf_ktime_get_ns()'s clock */
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t tracer_quiet_ns(const struct tracer *t)
{
	uint64_t now = mono_ns(), since = t->last_new_ns ? t->last_new_ns : t->start_ns;

	return now > since ? now - since : 0;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;

	if (size < sizeof(struct learn_event))
		return 0;
	note_news(t, data);
	if (t->on_event)
		t->on_event(t->ctx, data);
	return 0;
}

/* What learning cannot do without: following processes. */
static int check_basics(struct eu_probes *p, struct eu_err *err)
{
	static const char *const tps[] = { "sched_process_fork", "sched_process_exec",
					   "sched_process_exit" };

	if (!eu_probe_task_storage(p))
		return eu_fail(err, EU_E_KERNEL, 0,
			       "BPF task storage: %s: learning cannot follow a container's processes "
			       "without it (Linux 5.11 or later with BTF)",
			       eu_probes_why(p));
	for (size_t i = 0; i < EU_ARRAY_SIZE(tps); i++)
		if (!eu_probe_tp_btf(p, tps[i]))
			return eu_fail(err, EU_E_KERNEL, 0,
				       "tp_btf/%s: %s: learning cannot follow a container's processes "
				       "without it%s",
				       tps[i], eu_probes_why(p),
				       strstr(eu_probes_why(p), EU_REFUSE_ENV)
					       ? "; take it out of " EU_REFUSE_ENV
					       : "; it needs Linux 5.11 or later with BTF, where BPF "
						 "tracing programs may load");
	return 0;
}

/* Every probe of start-up, sharing one parse of the kernel's BTF. */
static int probe_kernel(struct tracer *t, const struct tracer_opts *o, struct eu_err *err)
{
	_cleanup_probes_ struct eu_probes *p = eu_probes_new();

	if (!p)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "probing the kernel");
	if (eu_refuse_check(err) || check_basics(p, err))
		return -1;
	if (check_offered(&sys_job, o->sys_hook, err) || check_offered(&cap_job, o->cap_hook, err) ||
	    take_way(p, &sys_job, 0, o->sys_hook, &t->sys, t->sys_why, sizeof(t->sys_why), err))
		return -1;
	if (!t->sys)
		return eu_fail(err, EU_E_KERNEL, 0,
			       "cannot trace syscalls: this kernel refused every mechanism (%s); "
			       "eunomia needs BPF with BTF and one of them",
			       t->sys_why);
	if (take_way(p, &cap_job, 0, o->cap_hook, &t->cap, t->cap_why, sizeof(t->cap_why), err))
		return -1;
	t->iter = eu_probe_iter_task(p);
	if (!t->iter)
		snprintf(t->seed_why, sizeof(t->seed_why), "iter/task: %s", eu_probes_why(p));
	/* The helper-free hot path needs bpf_rdonly_cast (see bpf/learn.h). */
	t->fast = t->sys->hook == EU_HOOK_TP_BTF && eu_probe_kfunc(p, "bpf_rdonly_cast");
	return t->sys->hook == EU_HOOK_TRACEPOINT ? eu_ensure_tracefs(err) : 0;
}

static void set_autoload(struct tracer *t)
{
	struct learn_bpf *s = t->skel;
	enum eu_hook sys = t->sys->hook, cap = t->cap ? t->cap->hook : EU_HOOK_NONE;

	bpf_program__set_autoload(s->progs.learn_sys_enter_btf, t->fast);
	bpf_program__set_autoload(s->progs.learn_sys_enter_btf_nocast, sys == EU_HOOK_TP_BTF && !t->fast);
	bpf_program__set_autoload(s->progs.learn_sys_enter_raw, sys == EU_HOOK_RAW_TP);
	bpf_program__set_autoload(s->progs.learn_sys_enter_tp, sys == EU_HOOK_TRACEPOINT);
	bpf_program__set_autoload(s->progs.learn_cap_tp, cap == EU_HOOK_TP_BTF);
	bpf_program__set_autoload(s->progs.learn_cap_fexit, cap == EU_HOOK_FEXIT);
	bpf_program__set_autoload(s->progs.learn_cap_kprobe, cap == EU_HOOK_KPROBE);
	bpf_program__set_autoload(s->progs.learn_cap_kretprobe, cap == EU_HOOK_KPROBE);
	bpf_program__set_autoload(s->progs.learn_seed, t->iter);
	/* The seeding iterator runs on demand, not on attach. */
	bpf_program__set_autoattach(s->progs.learn_seed, false);
}

/*
 * The kernel refused program `prog` when the object loaded: its job takes the
 * next mechanism (capabilities: none at worst). Fails for what learning
 * cannot do without, and for a mechanism the user asked for.
 */
static int refuse(struct tracer *t, const char *prog, const char *why, struct eu_err *err)
{
	_cleanup_probes_ struct eu_probes *p = eu_probes_new();

	if (!p)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "probing the kernel");
	if (!strcmp(prog, "learn_sys_enter_btf") && t->fast) {
		/* the same tracepoint without the helper-free path */
		snprintf(t->sys_why + strlen(t->sys_why), sizeof(t->sys_why) - strlen(t->sys_why),
			 "%s%s: %s", t->sys_why[0] ? "; " : "", prog, why);
		t->fast = false;
		return 0;
	}
	/* a job's next way; none when the user named the one refused */
	if (!strncmp(prog, "learn_sys_enter", 15)) {
		note(t->sys_why, sizeof(t->sys_why), t->sys, why);
		if (take_way(p, &sys_job, (size_t)(t->sys - sys_choices) + 1, t->opts.sys_hook,
			     &t->sys, t->sys_why, sizeof(t->sys_why), err))
			return -1;
		if (!t->sys)
			return eu_fail(err, EU_E_KERNEL, 0,
				       "cannot trace syscalls: this kernel refused every mechanism (%s)",
				       t->sys_why);
		t->fast = false;
		return t->sys->hook == EU_HOOK_TRACEPOINT ? eu_ensure_tracefs(err) : 0;
	}
	if (!strncmp(prog, "learn_cap_", 10) && t->cap) {
		note(t->cap_why, sizeof(t->cap_why), t->cap, why);
		return take_way(p, &cap_job, (size_t)(t->cap - cap_choices) + 1, t->opts.cap_hook,
				&t->cap, t->cap_why, sizeof(t->cap_why), err);
	}
	if (!strcmp(prog, "learn_seed") && t->iter) {
		t->iter = false;
		snprintf(t->seed_why, sizeof(t->seed_why), "iter/task: %s", why);
		return 0;
	}
	return eu_fail(err, EU_E_KERNEL, 0,
		       "the kernel refused %s (%s): learning cannot follow a container's processes "
		       "without it",
		       prog, why);
}

int tracer_load(struct tracer **out, const struct tracer_opts *o, struct eu_err *err)
{
	struct tracer *t = calloc(1, sizeof(*t));
	int rc = -1;

	if (!t)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "allocating the tracer");
	t->opts = *o;
	t->on_event = o->on_event;
	t->ctx = o->ctx;
	eu_load_capture(o->verbose);
	if (probe_kernel(t, o, err))
		goto fail;
	for (int tries = 0; tries < 8; tries++) {
		struct eu_load_failure f;
		struct learn_bpf *s = learn_bpf__open();

		t->skel = s;
		if (!s) {
			rc = eu_fail(err, EU_E_KERNEL, errno, "cannot open the BPF object");
			goto fail;
		}
		set_autoload(t);
		s->rodata->boundary = (__u32)o->boundary;
		s->rodata->nr_execve = eu_syscall_nr(eu_arch_native(), "execve");
		s->rodata->nr_execveat = eu_syscall_nr(eu_arch_native(), "execveat");
		s->rodata->nr_socket = eu_syscall_nr(eu_arch_native(), "socket");
		s->rodata->nr_socketpair = eu_syscall_nr(eu_arch_native(), "socketpair");
		tracer_args_watch(s);
		eu_load_capture(o->verbose);
		rc = learn_bpf__load(s);
		if (!rc) {
			*out = t;
			return 0;
		}
		if (!eu_load_failure(&f)) {
			rc = eu_fail(err, EU_E_KERNEL, -rc,
				     "the kernel refused eunomia's BPF programs (run with -v for the "
				     "verifier's log)");
			goto fail;
		}
		learn_bpf__destroy(s);
		t->skel = NULL;
		if (refuse(t, f.prog, f.why, err))
			goto fail;
	}
	rc = eu_fail(err, EU_E_KERNEL, 0, "the kernel kept refusing eunomia's BPF programs");
fail:
	tracer_close(t);
	return rc;
}

bool tracer_fits(const struct tracer *t, const struct tracer_opts *o)
{
	return t->opts.sys_hook == o->sys_hook && t->opts.cap_hook == o->cap_hook &&
	       t->opts.boundary == o->boundary && t->opts.verbose == o->verbose;
}

void tracer_set_handler(struct tracer *t, tracer_event_fn on_event, void *ctx)
{
	t->on_event = on_event;
	t->ctx = ctx;
}

int tracer_attach(struct tracer *t, struct eu_err *err)
{
	struct learn_bpf *s = t->skel;
	int rc = learn_bpf__attach(s);

	if (rc)
		return eu_fail(err, EU_E_KERNEL, -rc, "cannot attach eunomia's BPF programs");
	if (t->iter) {
		t->seed_link = bpf_program__attach_iter(s->progs.learn_seed, NULL);
		if (!t->seed_link)
			return eu_fail(err, EU_E_KERNEL, errno, "cannot create the task iterator");
	}
	t->rb = ring_buffer__new(bpf_map__fd(s->maps.events), handle_event, t, NULL);
	if (!t->rb)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot open the BPF ring buffer");
	t->start_ns = mono_ns();
	return 0;
}

int tracer_open(struct tracer **out, const struct tracer_opts *o, struct eu_err *err)
{
	if (tracer_load(out, o, err))
		return -1;
	if (tracer_attach(*out, err)) {
		tracer_close(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

void tracer_close(struct tracer *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	bpf_link__destroy(t->seed_link);
	learn_bpf__destroy(t->skel);
	free(t);
}

void tracer_describe(const struct tracer *t, char *buf, size_t size)
{
	const char *path = "";
	size_t off;

	if (t->sys->hook == EU_HOOK_TP_BTF)
		path = t->fast ? " (helper-free fast path)"
			       : " (no fast path: the kernel lacks bpf_rdonly_cast)";
	off = (size_t)snprintf(buf, size, "syscalls via %s/sys_enter%s%s%s%s", eu_hook_name(t->sys->hook),
			       path, t->sys_why[0] ? " (" : "", t->sys_why, t->sys_why[0] ? ")" : "");
	if (off < size && t->cap)
		off += (size_t)snprintf(buf + off, size - off, ", capabilities via %s/cap_capable%s%s%s",
					eu_hook_name(t->cap->hook), t->cap_why[0] ? " (" : "",
					t->cap_why, t->cap_why[0] ? ")" : "");
	else if (off < size)
		off += (size_t)snprintf(buf + off, size - off,
					", capabilities not traced (%s): the profile says "
					"capabilities.learned: false",
					t->cap_why);
	if (off < size)
		off += (size_t)snprintf(buf + off, size - off,
					", processes via tp_btf/sched_process_{fork,exec,exit}");
	if (off < size && !t->iter)
		snprintf(buf + off, size - off,
			 ", running ones found in /proc and counted from their next syscall (%s)",
			 t->seed_why);
}

int tracer_epoll_fd(const struct tracer *t)
{
	return ring_buffer__epoll_fd(t->rb);
}

int tracer_consume(struct tracer *t)
{
	return ring_buffer__consume(t->rb);
}
