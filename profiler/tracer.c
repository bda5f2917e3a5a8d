// SPDX-License-Identifier: GPL-2.0-only
/* The learn tracer: probe, load, attach, seed and collect (see tracer.h). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "ksyms.h"
#include "learn.h" /* before the skeleton, which uses its structs */
#include "learn.skel.h"
#include "syscalls.h"
#include "tracer.h"

#define N_NOAUDIT EU_NOAUDIT_FUNCS

struct tracer {
	struct tracer_opts opts; /* as loaded */
	struct learn_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *seed_link;
	enum eu_hook sys_hook, cap_hook;
	bool fast; /* the syscall hook counts with no BPF helper call */
	tracer_event_fn on_event;
	void *ctx;
	/* Read lazily: /proc/kallsyms costs ~30 ms, too much for start-up (but see tracer_preload_ksyms). */
	int ksyms_state; /* 0: not read yet, 1: read, -1: unavailable */
	struct eu_krange noaudit[N_NOAUDIT];
	uint64_t caps_noaudit; /* capabilities seen only in unaudited checks */
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

static int choose(struct eu_probes *p, const struct hook_choice *c, size_t n, enum eu_hook forced,
		  const char *job, const struct hook_choice **out, struct eu_err *err)
{
	char tried[256] = "";
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		if (forced != EU_HOOK_NONE && c[i].hook != forced)
			continue;
		if (eu_probe_hook(p, c[i].hook, c[i].category, c[i].name)) {
			*out = &c[i];
			return 0;
		}
		off += (size_t)snprintf(tried + off, off < sizeof(tried) ? sizeof(tried) - off : 0,
					"%s%s/%s", off ? ", " : "", eu_hook_name(c[i].hook),
					c[i].name);
		if (off >= sizeof(tried))
			off = sizeof(tried) - 1;
	}
	if (forced != EU_HOOK_NONE && !off)
		return eu_fail(err, EU_E_USAGE, 0, "%s cannot be traced with %s (choose one of the "
						   "documented mechanisms)",
			       job, eu_hook_name(forced));
	return eu_fail(err, EU_E_KERNEL, 0,
		       "cannot trace %s: this kernel refused every mechanism (%s); eunomia needs "
		       "BPF with BTF and one of them",
		       job, tried);
}

static int libbpf_print_verbose(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return vfprintf(stderr, fmt, ap);
}

static int libbpf_print_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;

	if (size < sizeof(struct learn_event))
		return 0;
	if (t->on_event)
		t->on_event(t->ctx, data);
	return 0;
}

static int check_basics(struct eu_probes *p, struct eu_err *err)
{
	if (!eu_probe_task_storage(p))
		return eu_fail(err, EU_E_KERNEL, 0,
			       "this kernel has no BPF task storage (Linux 5.11 or later with "
			       "BTF is needed to follow a container's processes)");
	if (!eu_probe_iter_task(p))
		return eu_fail(err, EU_E_KERNEL, 0,
			       "this kernel cannot run BPF task iterators (Linux 5.8 or later "
			       "with BTF is needed to find a running container's processes)");
	if (!eu_probe_tp_btf(p, "sched_process_fork") || !eu_probe_tp_btf(p, "sched_process_exec") ||
	    !eu_probe_tp_btf(p, "sched_process_exit"))
		return eu_fail(err, EU_E_KERNEL, 0,
			       "this kernel refused BTF tracepoints on sched_process_fork/exec/exit, "
			       "which eunomia needs to follow a container's processes");
	return 0;
}

/* Every probe of start-up, sharing one parse of the kernel's BTF. */
static int probe_kernel(const struct tracer_opts *o, const struct hook_choice **sys,
			const struct hook_choice **cap, bool *fast, struct eu_err *err)
{
	struct eu_probes *p = eu_probes_new();
	int rc;

	if (!p)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "probing the kernel");
	rc = check_basics(p, err) ||
	     choose(p, sys_choices, EU_ARRAY_SIZE(sys_choices), o->sys_hook, "syscalls", sys, err) ||
	     choose(p, cap_choices, EU_ARRAY_SIZE(cap_choices), o->cap_hook, "capability checks",
		    cap, err);
	/* The helper-free hot path needs bpf_rdonly_cast (see bpf/learn.h). */
	if (!rc)
		*fast = (*sys)->hook == EU_HOOK_TP_BTF && eu_probe_kfunc(p, "bpf_rdonly_cast");
	eu_probes_free(p);
	return rc ? -1 : 0;
}

int tracer_load(struct tracer **out, const struct tracer_opts *o, struct eu_err *err)
{
	const struct hook_choice *sys = NULL, *cap = NULL;
	struct tracer *t;
	bool fast = false;
	int rc;

	libbpf_set_print(o->verbose ? libbpf_print_verbose : libbpf_print_quiet);
	if (probe_kernel(o, &sys, &cap, &fast, err))
		return -1;
	if (sys->hook == EU_HOOK_TRACEPOINT && eu_ensure_tracefs(err))
		return -1;

	t = calloc(1, sizeof(*t));
	if (!t)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "allocating the tracer");
	t->opts = *o;
	t->sys_hook = sys->hook;
	t->cap_hook = cap->hook;
	t->on_event = o->on_event;
	t->ctx = o->ctx;

	t->skel = learn_bpf__open();
	if (!t->skel) {
		rc = eu_fail(err, EU_E_KERNEL, errno, "cannot open the BPF object");
		goto fail;
	}
	struct learn_bpf *s = t->skel;

	t->fast = fast;
	bpf_program__set_autoload(s->progs.learn_sys_enter_btf, t->fast);
	bpf_program__set_autoload(s->progs.learn_sys_enter_btf_nocast,
				  sys->hook == EU_HOOK_TP_BTF && !t->fast);
	bpf_program__set_autoload(s->progs.learn_sys_enter_raw, sys->hook == EU_HOOK_RAW_TP);
	bpf_program__set_autoload(s->progs.learn_sys_enter_tp, sys->hook == EU_HOOK_TRACEPOINT);
	bpf_program__set_autoload(s->progs.learn_cap_tp, cap->hook == EU_HOOK_TP_BTF);
	bpf_program__set_autoload(s->progs.learn_cap_fexit, cap->hook == EU_HOOK_FEXIT);
	bpf_program__set_autoload(s->progs.learn_cap_kprobe, cap->hook == EU_HOOK_KPROBE);
	bpf_program__set_autoload(s->progs.learn_cap_kretprobe, cap->hook == EU_HOOK_KPROBE);
	/* The seeding iterator runs on demand, not on attach. */
	bpf_program__set_autoattach(s->progs.learn_seed, false);
	s->rodata->boundary = (__u32)o->boundary;
	s->rodata->nr_execve = eu_syscall_nr(eu_arch_native(), "execve");
	s->rodata->nr_execveat = eu_syscall_nr(eu_arch_native(), "execveat");
	s->rodata->nr_socket = eu_syscall_nr(eu_arch_native(), "socket");
	s->rodata->nr_socketpair = eu_syscall_nr(eu_arch_native(), "socketpair");

	rc = learn_bpf__load(s);
	if (rc) {
		rc = eu_fail(err, EU_E_KERNEL, -rc,
			     "the kernel refused eunomia's BPF programs (run with -v for the "
			     "verifier's log)");
		goto fail;
	}
	*out = t;
	return 0;
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
	t->seed_link = bpf_program__attach_iter(s->progs.learn_seed, NULL);
	if (!t->seed_link)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot create the task iterator");
	t->rb = ring_buffer__new(bpf_map__fd(s->maps.events), handle_event, t, NULL);
	if (!t->rb)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot open the BPF ring buffer");
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

	if (t->sys_hook == EU_HOOK_TP_BTF)
		path = t->fast ? " (helper-free fast path)"
			       : " (no fast path: the kernel lacks bpf_rdonly_cast)";
	snprintf(buf, size,
		 "syscalls via %s/sys_enter%s, capabilities via %s/cap_capable, processes via "
		 "tp_btf/sched_process_{fork,exec,exit}",
		 eu_hook_name(t->sys_hook), path, eu_hook_name(t->cap_hook));
}

/* Run the iterator once over every task on the system. */
static int run_iter(struct tracer *t, struct eu_err *err)
{
	return eu_bpf_iter_run(bpf_link__fd(t->seed_link), "task", err);
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

	bss->seed_mode = LEARN_SEED_REGISTER;
	bss->seed_tgid = (__u32)tgid;
	bss->seed_flags = flags[phase];
	bss->ct_mntns = mntns;
	/*
	 * Forks of registered tasks are caught by the fork program, but a task
	 * forked by a parent the walk had not reached yet may sit behind the
	 * walk's position: a second walk finds it.
	 */
	for (int walk = 0; walk < 2; walk++)
		if (run_iter(t, err))
			return -1;
	bss->seed_tgid = 0;
	return 0;
}

int tracer_count_live(struct tracer *t, uint64_t *n, struct eu_err *err)
{
	struct learn_bpf__bss *bss = t->skel->bss;
	__u32 saved = bss->ct_mntns;
	int rc;

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
		/* Runtime setup lists only what the program itself never needed. */
		for (int w = 0; w < EU_NR_WORDS; w++)
			p->meta.setup_bits[a][w] |= bss->setup_seen[a][w] & ~bss->seen[a][w];
	}
	p->has_families = true;
	p->families |= bss->families;
	return collect_caps(t, p, err);
}
