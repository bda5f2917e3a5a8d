// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the learn tracer's kernel side gathered, read back: the syscall counts
 * and bitmaps, the capability checks by site (unaudited ones left out), the
 * totals and program stats for the metrics, and the profile (see tracer.h).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ksyms.h"
#include "learn.h" /* before the skeleton, which uses its structs */
#include "learn.skel.h"
#include "syscalls.h"
#include "tracer.h"
#include "tracer_args.h"
#include "tracer_int.h"

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

/* The per-CPU syscall counters, as the kernel keeps them. */
struct percpu_counts {
	struct learn_counts *cpu; /* ncpus entries of `stride` bytes */
	int ncpus;
	size_t stride;
};

static void percpu_counts_free(struct percpu_counts *pc)
{
	free(pc->cpu);
}

static int read_counts(struct tracer *t, struct percpu_counts *pc, struct eu_err *err)
{
	__u32 zero = 0;

	pc->ncpus = libbpf_num_possible_cpus();
	pc->stride = (sizeof(struct learn_counts) + 7) & ~(size_t)7;
	if (pc->ncpus <= 0)
		return eu_fail(err, EU_E_KERNEL, -pc->ncpus, "cannot count the possible CPUs");
	pc->cpu = calloc((size_t)pc->ncpus, pc->stride);
	if (!pc->cpu)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "reading the syscall counters");
	if (bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.counts), &zero, pc->cpu))
		return eu_fail(err, EU_E_KERNEL, errno, "cannot read the syscall counters");
	return 0;
}

/* How many times syscall nr of ABI a ran, on every CPU together. */
static uint64_t count_of(const struct percpu_counts *pc, int a, int nr)
{
	uint64_t total = 0;

	for (int cpu = 0; cpu < pc->ncpus; cpu++) {
		const struct learn_counts *c =
			(const void *)((const char *)pc->cpu + (size_t)cpu * pc->stride);

		total += c->n[a][nr];
	}
	return total;
}

int tracer_totals(struct tracer *t, uint64_t *observed, uint64_t *distinct, struct eu_err *err)
{
	const struct learn_bpf__bss *bss = t->skel->bss;
	struct percpu_counts pc __attribute__((cleanup(percpu_counts_free))) = { 0 };

	*observed = *distinct = 0;
	if (read_counts(t, &pc, err))
		return -1;
	for (int a = 0; a < EU_ARCH_COUNT; a++) {
		for (int nr = 0; nr < EU_NR_MAX; nr++)
			*observed += count_of(&pc, a, nr);
		for (int w = 0; w < EU_NR_WORDS; w++)
			*distinct += (uint64_t)__builtin_popcountll(bss->seen[a][w]);
	}
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
	struct percpu_counts pc __attribute__((cleanup(percpu_counts_free))) = { 0 };

	if (read_counts(t, &pc, err))
		return -1;

	/* The native ABI always has a section, even if nothing ran. */
	p->arch[EU_ARCH_X86_64].present = true;
	for (int a = 0; a < EU_ARCH_COUNT; a++) {
		for (int nr = 0; nr < EU_NR_MAX; nr++)
			if ((bss->seen[a][nr / 64] & (1ULL << (nr % 64))) &&
			    eu_profile_add_syscall(p, a, nr, count_of(&pc, a, nr), err))
				return -1;
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
