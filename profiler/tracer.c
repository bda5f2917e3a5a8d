// SPDX-License-Identifier: GPL-2.0-only
/* The learn tracer: probe, load, attach, seed and collect (see tracer.h). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "ksyms.h"
#include "task_walk.h"
#include "learn.h" /* before the skeleton, which uses its structs */
#include "learn.skel.h"
#include "syscalls.h"
#include "tracer.h"
#include "tracer_args.h"

#define N_NOAUDIT EU_NOAUDIT_FUNCS

struct tracer {
	struct tracer_opts opts; /* as loaded */
	struct learn_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *seed_link;
	const struct hook_choice *sys, *cap; /* cap NULL: capability checks are not traced */
	bool fast; /* the syscall hook counts with no BPF helper call */
	bool iter; /* tasks are found by the BPF task iterator, else in /proc */
	char sys_why[320], cap_why[320], seed_why[224]; /* what the kernel refused, and why */
	tracer_event_fn on_event;
	void *ctx;
	/* Read lazily: /proc/kallsyms costs ~30 ms, too much for start-up (but see tracer_preload_ksyms). */
	int ksyms_state; /* 0: not read yet, 1: read, -1: unavailable */
	struct eu_krange noaudit[N_NOAUDIT];
	uint64_t caps_noaudit; /* capabilities seen only in unaudited checks */
	/* The news: when learning began, and when something was last seen for the first time. */
	uint64_t start_ns, last_new_ns;
	uint64_t first_ns[EU_ARCH_COUNT][EU_NR_MAX]; /* 0: not seen */
};

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

static bool offers(const struct hook_choice *c, size_t n, enum eu_hook h)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].hook == h)
			return true;
	return false;
}

/* A mechanism the user named (--syscall-hook, --cap-hook) that cannot be had is an error. */
static int forced_fail(const char *job, enum eu_hook forced, const char *why, struct eu_err *err)
{
	return eu_fail(err, EU_E_KERNEL, 0, "cannot trace %s with %s, which was asked for: %s", job,
		       eu_hook_name(forced), why);
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
	if (o->sys_hook != EU_HOOK_NONE && !offers(sys_choices, EU_ARRAY_SIZE(sys_choices), o->sys_hook))
		return eu_fail(err, EU_E_USAGE, 0, "syscalls cannot be traced with %s (choose one of "
						   "the documented mechanisms)", eu_hook_name(o->sys_hook));
	if (o->cap_hook != EU_HOOK_NONE && !offers(cap_choices, EU_ARRAY_SIZE(cap_choices), o->cap_hook))
		return eu_fail(err, EU_E_USAGE, 0, "capability checks cannot be traced with %s (choose "
						   "one of the documented mechanisms)",
			       eu_hook_name(o->cap_hook));
	t->sys = choose(p, sys_choices, EU_ARRAY_SIZE(sys_choices), 0, o->sys_hook, t->sys_why,
			sizeof(t->sys_why));
	if (!t->sys && o->sys_hook != EU_HOOK_NONE)
		return forced_fail("syscalls", o->sys_hook, t->sys_why, err);
	if (!t->sys)
		return eu_fail(err, EU_E_KERNEL, 0,
			       "cannot trace syscalls: this kernel refused every mechanism (%s); "
			       "eunomia needs BPF with BTF and one of them",
			       t->sys_why);
	t->cap = choose(p, cap_choices, EU_ARRAY_SIZE(cap_choices), 0, o->cap_hook, t->cap_why,
			sizeof(t->cap_why));
	if (!t->cap && o->cap_hook != EU_HOOK_NONE)
		return forced_fail("capability checks", o->cap_hook, t->cap_why, err);
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
	if (!strncmp(prog, "learn_sys_enter", 15)) {
		size_t next = (size_t)(t->sys - sys_choices) + 1;

		note(t->sys_why, sizeof(t->sys_why), t->sys, why);
		if (t->opts.sys_hook != EU_HOOK_NONE)
			return forced_fail("syscalls", t->opts.sys_hook, t->sys_why, err);
		t->sys = choose(p, sys_choices, EU_ARRAY_SIZE(sys_choices), next, EU_HOOK_NONE,
				t->sys_why, sizeof(t->sys_why));
		if (!t->sys)
			return eu_fail(err, EU_E_KERNEL, 0,
				       "cannot trace syscalls: this kernel refused every mechanism (%s)",
				       t->sys_why);
		t->fast = false;
		return t->sys->hook == EU_HOOK_TRACEPOINT ? eu_ensure_tracefs(err) : 0;
	}
	if (!strncmp(prog, "learn_cap_", 10) && t->cap) {
		size_t next = (size_t)(t->cap - cap_choices) + 1;

		note(t->cap_why, sizeof(t->cap_why), t->cap, why);
		if (t->opts.cap_hook != EU_HOOK_NONE)
			return forced_fail("capability checks", t->opts.cap_hook, t->cap_why, err);
		t->cap = choose(p, cap_choices, EU_ARRAY_SIZE(cap_choices), next, EU_HOOK_NONE,
				t->cap_why, sizeof(t->cap_why));
		return 0;
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

/* Run the iterator once over every task on the system. */
static int run_iter(struct tracer *t, struct eu_err *err)
{
	return eu_bpf_iter_run(bpf_link__fd(t->seed_link), "task", err);
}

struct seed_ctx {
	struct tracer *t;
	__u32 flags;
	uint64_t live;
};

/*
 * A task found in /proc, stored pending for the kernel to register at its
 * next syscall. The count goes up first, so that the kernel never sees an
 * entry it does not count; one already there (inherited meanwhile) stays. A
 * task that exited meanwhile makes no syscall, and its exit has passed the
 * BPF programs by: its entry is taken back here.
 */
static int seed_task(void *ctx, const struct eu_task_ref *task, struct eu_err *err)
{
	struct seed_ctx *sc = ctx;
	struct learn_task v = { .flags = LEARN_T_PENDING | sc->flags, .pending_cap = -1 };
	__u64 *pending = &sc->t->skel->bss->seed_pending; /* .bss is mapped: shared with the kernel */
	int fd = bpf_map__fd(sc->t->skel->maps.tasks);

	__atomic_fetch_add(pending, 1, __ATOMIC_SEQ_CST);
	if (bpf_map_update_elem(fd, &task->pidfd, &v, BPF_NOEXIST)) {
		__atomic_fetch_sub(pending, 1, __ATOMIC_SEQ_CST);
		if (errno == EEXIST || errno == ESRCH || errno == ENOENT)
			return 0; /* already followed, or gone */
		return eu_fail(err, EU_E_KERNEL, errno, "cannot follow task %d", (int)task->tid);
	}
	if (eu_task_exited(task->pidfd) && bpf_map_lookup_elem(fd, &task->pidfd, &v) == 0 &&
	    (v.flags & LEARN_T_PENDING) && bpf_map_delete_elem(fd, &task->pidfd) == 0)
		__atomic_fetch_sub(pending, 1, __ATOMIC_SEQ_CST);
	return 0;
}

/* A registered (or pending) task that has not exited, for tracer_count_live without the iterator. */
static int count_task(void *ctx, const struct eu_task_ref *task, struct eu_err *err)
{
	struct seed_ctx *sc = ctx;
	struct learn_task v;

	(void)err;
	if (bpf_map_lookup_elem(bpf_map__fd(sc->t->skel->maps.tasks), &task->pidfd, &v) == 0 &&
	    (v.flags & (LEARN_T_REGISTERED | LEARN_T_PENDING)) && !(v.flags & LEARN_T_DEAD))
		sc->live++;
	return 0;
}

int tracer_seed(struct tracer *t, pid_t tgid, uint32_t mntns, enum tracer_seed_phase phase,
		struct eu_err *err)
{
	static const __u32 flags[] = {
		[TRACER_COUNTED] = LEARN_T_SYSCALLS | LEARN_T_CAPS,
		[TRACER_HELD] = LEARN_T_HELD,
		[TRACER_BOUNDARY] = 0,
	};
	struct learn_bpf__bss *bss = t->skel->bss;
	struct seed_ctx sc = { .t = t, .flags = flags[phase] };
	unsigned int missed = 0;
	int rc = 0;

	bss->seed_mode = LEARN_SEED_REGISTER;
	bss->seed_tgid = (__u32)tgid;
	bss->seed_flags = flags[phase];
	bss->ct_mntns = mntns;
	/*
	 * Forks of registered tasks are caught by the fork program, but a task
	 * forked by a parent the walk had not reached yet may sit behind the
	 * walk's position: a second walk finds it.
	 */
	if (t->iter) {
		for (int walk = 0; walk < 2 && !rc; walk++)
			rc = run_iter(t, err);
		bss->seed_tgid = 0;
		return rc;
	}
	/*
	 * From /proc: one pending more for the walks' whole length, so that the
	 * tasks stored first cannot make the container look empty while the
	 * walks have not reached the others (learn's tick counts the rest).
	 */
	__atomic_fetch_add(&bss->seed_pending, 1, __ATOMIC_SEQ_CST);
	for (int walk = 0; walk < 2 && !rc; walk++)
		rc = eu_task_walk(tgid, mntns, seed_task, &sc, &missed, err);
	__atomic_fetch_sub(&bss->seed_pending, 1, __ATOMIC_SEQ_CST);
	bss->seed_tgid = 0;
	if (missed)
		fprintf(stderr,
			"eunomia learn: warning: %u threads that were there before are not followed "
			"(pidfds of threads need Linux 6.9)\n",
			missed);
	return rc;
}

int tracer_count_live(struct tracer *t, uint64_t *n, struct eu_err *err)
{
	struct learn_bpf__bss *bss = t->skel->bss;
	__u32 saved = bss->ct_mntns;
	struct seed_ctx sc = { .t = t };
	int rc;

	if (!t->iter) {
		rc = eu_task_walk(0, 0, count_task, &sc, NULL, err);
		*n = sc.live;
		return rc;
	}

	bss->seed_mode = LEARN_SEED_COUNT;
	bss->seed_count = 0;
	rc = run_iter(t, err);
	bss->seed_mode = LEARN_SEED_REGISTER;
	bss->ct_mntns = saved;
	*n = bss->seed_count;
	return rc;
}

int tracer_epoll_fd(const struct tracer *t)
{
	return ring_buffer__epoll_fd(t->rb);
}

int tracer_consume(struct tracer *t)
{
	return ring_buffer__consume(t->rb);
}

void tracer_stats(const struct tracer *t, struct tracer_stats *s)
{
	const struct learn_bpf__bss *bss = t->skel->bss;

	s->live_tasks = bss->live_tasks;
	s->events_lost = bss->events_lost;
	s->tasks_lost = bss->tasks_lost;
	s->nr_out_of_range = bss->nr_out_of_range;
	s->slot_mismatch = bss->slot_mismatch;
	s->crossed_filter = bss->crossed_filter;
	s->crossed_exec = bss->crossed_exec;
}

/* The unaudited functions' addresses, read once. */
static void read_ksyms(struct tracer *t)
{
	if (!t->ksyms_state) {
		struct eu_err kerr = { 0 };
		size_t found;

		t->ksyms_state = eu_ksyms_ranges(eu_noaudit_funcs, N_NOAUDIT, t->noaudit, &found,
						 &kerr) ? -1 : 1;
		if (t->ksyms_state < 0)
			fprintf(stderr,
				"eunomia: warning: %s; capability checks the kernel does not audit "
				"cannot be told apart and will be reported as used\n",
				kerr.msg);
	}
}

void tracer_preload_ksyms(struct tracer *t)
{
	read_ksyms(t);
}

/* Does this stack pass through a function that checks without auditing? */
static bool stack_is_noaudit(struct tracer *t, const __u64 *ips)
{
	read_ksyms(t);
	if (t->ksyms_state < 0)
		return false;
	for (size_t i = 0; i < LEARN_STACK_DEPTH && ips[i]; i++)
		if (eu_krange_contains(t->noaudit, N_NOAUDIT, ips[i]))
			return true;
	return false;
}

bool tracer_cap_is_noaudit(struct tracer *t, const struct learn_event *e)
{
	struct learn_cap_key key = { .stack = e->stack, .cap = (__u16)e->nr,
				     .granted = e->ret == 0, .setup = (__u8)e->setup };
	struct learn_cap_site site;

	if (bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.cap_sites), &key, &site))
		return false;
	return stack_is_noaudit(t, site.ips);
}

/* Capability checks, by site; unaudited ones are left out. */
static int collect_caps(struct tracer *t, struct eu_profile *p, struct eu_err *err)
{
	int fd = bpf_map__fd(t->skel->maps.cap_sites);
	struct learn_cap_key key, next;
	struct learn_cap_site site;
	uint64_t used = 0, denied = 0, setup = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		uint64_t bit = 1ULL << next.cap;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &site))
			return eu_fail(err, EU_E_KERNEL, errno, "cannot read a capability check");
		if (stack_is_noaudit(t, site.ips)) {
			t->caps_noaudit |= bit;
			continue;
		}
		if (key.setup)
			setup |= key.granted ? bit : 0;
		else if (key.granted)
			used |= bit;
		else
			denied |= bit;
	}
	if (errno != ENOENT)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot read the capability checks");
	p->caps_used |= used;
	p->caps_denied |= denied & ~used;
	p->meta.setup_caps |= setup & ~used;
	return 0;
}

/* The per-CPU syscall counters: *out holds ncpus entries of `stride` bytes (free it). */
static int read_counts(struct tracer *t, struct learn_counts **out, int *ncpus, size_t *stride,
		       struct eu_err *err)
{
	__u32 zero = 0;

	*out = NULL;
	*ncpus = libbpf_num_possible_cpus();
	*stride = (sizeof(struct learn_counts) + 7) & ~(size_t)7;
	if (*ncpus <= 0)
		return eu_fail(err, EU_E_KERNEL, -*ncpus, "cannot count the possible CPUs");
	*out = calloc((size_t)*ncpus, *stride);
	if (!*out)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "reading the syscall counters");
	if (bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.counts), &zero, *out))
		return eu_fail(err, EU_E_KERNEL, errno, "cannot read the syscall counters");
	return 0;
}

int tracer_totals(struct tracer *t, uint64_t *observed, uint64_t *distinct, struct eu_err *err)
{
	const struct learn_bpf__bss *bss = t->skel->bss;
	_cleanup_free_ struct learn_counts *percpu = NULL;
	size_t stride;
	int ncpus;

	*observed = *distinct = 0;
	if (read_counts(t, &percpu, &ncpus, &stride, err))
		return -1;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		const struct learn_counts *c = (const void *)((const char *)percpu + (size_t)cpu * stride);

		for (int a = 0; a < EU_ARCH_COUNT; a++)
			for (int nr = 0; nr < EU_NR_MAX; nr++)
				*observed += c->n[a][nr];
	}
	for (int a = 0; a < EU_ARCH_COUNT; a++)
		for (int w = 0; w < EU_NR_WORDS; w++)
			*distinct += (uint64_t)__builtin_popcountll(bss->seen[a][w]);
	return 0;
}

size_t tracer_program_stats(struct tracer *t, struct eu_prog_stat *out, size_t max)
{
	struct bpf_program *prog;
	size_t n = 0;

	bpf_object__for_each_program(prog, t->skel->obj) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (n == max || fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		snprintf(out[n].name, sizeof(out[n].name), "%s", bpf_program__name(prog));
		out[n].runs = info.run_cnt;
		out[n].ns = info.run_time_ns;
		n++;
	}
	return n;
}

int tracer_collect(struct tracer *t, struct eu_profile *p, struct eu_err *err)
{
	const struct learn_bpf__bss *bss = t->skel->bss;
	_cleanup_free_ struct learn_counts *percpu = NULL;
	size_t stride;
	int ncpus;

	if (read_counts(t, &percpu, &ncpus, &stride, err))
		return -1;

	/* The native ABI always has a section, even if nothing ran. */
	p->arch[EU_ARCH_X86_64].present = true;
	for (int a = 0; a < EU_ARCH_COUNT; a++) {
		for (int nr = 0; nr < EU_NR_MAX; nr++) {
			uint64_t total = 0;

			if (!(bss->seen[a][nr / 64] & (1ULL << (nr % 64))))
				continue;
			for (int cpu = 0; cpu < ncpus; cpu++) {
				const struct learn_counts *c =
					(const void *)((const char *)percpu + (size_t)cpu * stride);

				total += c->n[a][nr];
			}
			if (eu_profile_add_syscall(p, a, nr, total, err))
				return -1;
		}
		for (int nr = 0; nr < EU_NR_MAX; nr++) {
			uint64_t at = t->first_ns[a][nr];
			char *name;
			bool named;

			if (!at)
				continue;
			/* the YAML form names syscalls: one with no name has no time */
			name = eu_syscall_name(a, nr);
			named = name != NULL;
			free(name);
			if (!named)
				continue;
			at = at > t->start_ns ? (at - t->start_ns) / 1000000 : 0;
			eu_profile_first_seen(p, a, nr, at > UINT32_MAX ? UINT32_MAX : (uint32_t)at);
		}
		/* Runtime setup lists only what the program itself never needed. */
		for (int w = 0; w < EU_NR_WORDS; w++)
			p->meta.setup_bits[a][w] |= bss->setup_seen[a][w] & ~bss->seen[a][w];
	}
	if (tracer_args_collect(t->skel, p, err))
		return -1;
	p->meta.has_quiet = true;
	p->meta.quiet_ms = tracer_quiet_ns(t) / 1000000;
	p->has_families = true;
	p->families |= bss->families;
	if (!t->cap) {
		p->caps_unknown = true; /* nothing traced them */
		return 0;
	}
	return collect_caps(t, p, err);
}
