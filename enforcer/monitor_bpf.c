// SPDX-License-Identifier: GPL-2.0-only
/* The monitor's kernel side from user space (see monitor_bpf.h). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bpf_probe.h"
#include "cleanup.h"
#include "ksyms.h"
#include "monitor.h" /* before the skeleton, which uses its structs */
#include "monitor.skel.h"
#include "monitor_bpf.h"
#include "monitor_jobs.h"
#include "monitor_maps.h"
#include "monitor_rates.h"
#include "syscalls.h"
#include "task_walk.h"

struct mon {
	struct monitor_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *seed_link, *flush_link; /* NULL: /proc and the sweep stand in */
	struct mon_plan plan;
	struct mon_info info;
	struct mon_rate_maps rates;
	uint64_t *pending; /* mon_pending, mapped: tasks registered from /proc, not yet held */
	size_t pending_len;
	mon_event_fn on_event;
	void *ctx;
};

/* Every event, from the ring buffer or the sweep, is counted before the daemon sees it. */
static void deliver(void *ctx, const struct mon_event *e)
{
	struct mon *m = ctx;

	if (m->on_event)
		m->on_event(m->ctx, e);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct mon *m = ctx;
	struct mon_event e;

	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	e.count = mon_rates_account(&m->rates, &e);
	if (e.count) /* else: a sweep accounted for it already */
		deliver(m, &e);
	return 0;
}

/* Pin path of a program's link. */
static void link_path(const char *prog, char *buf, size_t size)
{
	snprintf(buf, size, MON_PIN_DIR "/link_%s", prog);
}

/*
 * Unpin the links and programs under `dir` of the programs `which` names
 * (--no-denials: the denial programs); *removed counts them.
 */
static int unpin_links(const char *dir, bool (*which)(const char *prog), unsigned int *removed,
		       struct eu_err *err)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return errno == ENOENT ? 0 : eu_fail(err, EU_E_IO, errno, "cannot read %s", dir);
	while ((de = readdir(d))) {
		if ((strncmp(de->d_name, "link_", 5) && strncmp(de->d_name, "prog_", 5)) ||
		    !which(de->d_name + 5))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) < 0)
			return eu_fail(err, EU_E_KERNEL, errno, "cannot remove %s/%s", dir,
				       de->d_name);
		(*removed)++;
	}
	return 0;
}

/* Pin path of a program (the syscall programs: attached from there, when needed). */
static void prog_path(const char *prog, char *buf, size_t size)
{
	snprintf(buf, size, MON_PIN_DIR "/prog_%s", prog);
}

/* Unpin what this daemon pinned (attach failed half-way: nothing is left to a next one). */
static void unpin_created(struct mon *m)
{
	struct bpf_program *prog;
	char path[256];

	bpf_object__for_each_program(prog, m->skel->obj) {
		if (!mon_plan_attaches(&m->plan, bpf_program__name(prog)))
			continue;
		link_path(bpf_program__name(prog), path, sizeof(path));
		unlink(path);
		prog_path(bpf_program__name(prog), path, sizeof(path));
		unlink(path);
	}
}

/* A program on an event: attached, its link pinned. One on every syscall: only pinned. */
static int attach_one(struct bpf_program *prog, struct eu_err *err)
{
	const char *name = bpf_program__name(prog);
	struct bpf_link *link;
	char path[256];
	int rc;

	if (mon_plan_is_syscall(name)) {
		prog_path(name, path, sizeof(path));
		unlink(path); /* an earlier daemon's: this one's takes its place */
		rc = bpf_program__pin(prog, path);
		return rc ? eu_fail(err, EU_E_KERNEL, -rc, "cannot pin %s", path) : 0;
	}
	link = bpf_program__attach(prog);
	if (!link)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot attach %s", name);
	link_path(name, path, sizeof(path));
	rc = bpf_link__pin(link, path);
	bpf_link__destroy(link); /* the pin holds it */
	return rc ? eu_fail(err, EU_E_KERNEL, -rc, "cannot pin %s", path) : 0;
}

/* Attach and pin what this daemon does; what an earlier daemon pinned keeps running. */
static int attach(struct mon *m, struct eu_err *err)
{
	struct bpf_program *prog;

	for (int j = 0; j < MON_JOBS; j++) /* executions without BPF-LSM: a process program */
		m->info.links_reused += m->plan.c[j].pinned && !(j == MON_JOB_EXECS && m->plan.c[j].way == 1);
	m->info.links_reused += m->plan.base_pinned;
	bpf_object__for_each_program(prog, m->skel->obj) {
		if (!mon_plan_attaches(&m->plan, bpf_program__name(prog)))
			continue;
		if (attach_one(prog, err)) {
			unpin_created(m);
			return -1;
		}
		m->info.links_created += !mon_plan_is_syscall(bpf_program__name(prog));
	}
	return 0;
}

/* config[0]: the answer to violations, the interval, the unaudited functions' addresses. */
static int write_config(struct mon *m, const struct mon_opts *o, struct eu_err *err)
{
	int fd = bpf_map__fd(m->skel->maps.mon_config);
	struct eu_krange r[EU_NOAUDIT_FUNCS];
	struct mon_config c = { 0 }, old;
	struct eu_err kerr = { 0 };
	__u32 key = 0;
	size_t found;
	bool tp;

	if (bpf_map_lookup_elem(fd, &key, &old))
		return eu_fail(err, EU_E_KERNEL, errno, "cannot read the monitor's configuration");
	if (old.abi && old.abi != MON_ABI)
		return eu_fail(err, EU_E_KERNEL, 0,
			       "the maps pinned under %s are of another eunomia version; remove "
			       "them with 'eunomia monitor --reset'",
			       MON_PIN_DIR);
	if (o->register_only)
		return 0;
	c.abi = MON_ABI;
	c.flags = (o->kill ? MON_C_KILL : 0) | (o->block ? MON_C_BLOCK : 0);
	c.interval_ns = MON_INTERVAL_NS;
	snprintf(c.profiles_dir, sizeof(c.profiles_dir), "%s", o->profiles_dir ? o->profiles_dir : "");
	/*
	 * Only the cap_capable tracepoint needs the unaudited functions' addresses
	 * (lsm/capable is told the audit flag): /proc/kallsyms is not read otherwise.
	 */
	tp = m->plan.c[MON_JOB_CAPS].way == 1;
	if (tp && eu_ksyms_ranges(eu_noaudit_funcs, EU_NOAUDIT_FUNCS, r, &found, &kerr) == 0) {
		for (size_t i = 0; i < EU_NOAUDIT_FUNCS && i < MON_NOAUDIT_RANGES; i++) {
			c.noaudit[i][0] = r[i].start;
			c.noaudit[i][1] = r[i].end;
		}
	} else if (tp) {
		fprintf(stderr,
			"eunomia monitor: warning: %s; capability checks the kernel does not audit "
			"cannot be told apart and may be reported\n",
			kerr.msg);
	}
	if (bpf_map_update_elem(fd, &key, &c, BPF_ANY))
		return eu_fail(err, EU_E_KERNEL, errno, "cannot write the monitor's configuration");
	return 0;
}

/*
 * Open the object (maps pinned under MON_PIN_DIR) and load the programs of
 * the plan. A program the kernel refuses takes its job to its next way and
 * the object is loaded again; only what the monitor cannot do without fails.
 */
static int load(struct mon *m, const struct mon_opts *o, struct eu_err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = MON_PIN_DIR);

	for (int tries = 0; tries <= 2 * MON_JOBS; tries++) {
		struct eu_load_failure f;
		struct bpf_program *prog;
		struct monitor_bpf *s = monitor_bpf__open_opts(&opts);
		int rc;

		m->skel = s;
		if (!s)
			return eu_fail(err, EU_E_KERNEL, errno, "cannot open the monitor's BPF object");
		bpf_object__for_each_program(prog, s->obj) {
			bpf_program__set_autoload(prog, mon_plan_loads(&m->plan, bpf_program__name(prog),
								      o->register_only));
			bpf_program__set_autoattach(prog, false);
		}
		s->rodata->exec_lsm = m->plan.c[MON_JOB_EXECS].way == 0;
		eu_load_capture(o->verbose);
		rc = monitor_bpf__load(s);
		if (!rc)
			return 0;
		if (!eu_load_failure(&f))
			return eu_fail(err, EU_E_KERNEL, -rc,
				       "cannot load the monitor's BPF object, or the maps pinned under "
				       MON_PIN_DIR " do not match it (-v shows libbpf's reasons; "
				       "'eunomia monitor --reset' removes old pins, and with them "
				       "every container held)");
		monitor_bpf__destroy(s);
		m->skel = NULL;
		if (mon_plan_refuse(&m->plan, f.prog, f.why, err))
			return -1;
	}
	return eu_fail(err, EU_E_KERNEL, 0, "the kernel kept refusing the monitor's programs");
}

/* The seeding and flush iterators, or nothing where user space stands in. */
static int open_iterators(struct mon *m, struct eu_err *err)
{
	struct monitor_bpf *s = m->skel;

	if (mon_plan_best(&m->plan, MON_JOB_SEED)) {
		m->seed_link = bpf_program__attach_iter(s->progs.mon_seed, NULL);
		if (!m->seed_link)
			return eu_fail(err, EU_E_KERNEL, errno, "cannot create the task iterator");
	}
	if (mon_plan_best(&m->plan, MON_JOB_FLUSH)) {
		union bpf_iter_link_info li = { .map.map_fd = (__u32)bpf_map__fd(s->maps.mon_rates) };
		LIBBPF_OPTS(bpf_iter_attach_opts, io, .link_info = &li, .link_info_len = sizeof(li));

		m->flush_link = bpf_program__attach_iter(s->progs.mon_flush, &io);
		if (!m->flush_link)
			return eu_fail(err, EU_E_KERNEL, errno, "cannot create the flush iterator");
	}
	return 0;
}

int mon_open(struct mon **out, const struct mon_opts *o, struct eu_err *err)
{
	struct mon *m = calloc(1, sizeof(*m));
	struct monitor_bpf *s;
	int fd;

	if (!m)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "allocating the monitor");
	m->on_event = o->on_event;
	m->ctx = o->ctx;
	if (mon_plan_probe(&m->plan, o, &m->info, err) || eu_ensure_bpffs(err))
		goto fail;
	if ((mkdir("/sys/fs/bpf/eunomia", 0700) < 0 && errno != EEXIST) ||
	    (mkdir(MON_PIN_DIR, 0700) < 0 && errno != EEXIST)) {
		eu_fail(err, EU_E_KERNEL, errno, "cannot create " MON_PIN_DIR);
		goto fail;
	}
	if (!o->register_only) {
		if (o->no_denials && unpin_links(MON_PIN_DIR, mon_plan_is_denial, &m->info.links_removed,
						 err))
			goto fail;
		mon_plan_pickup(&m->plan);
	}
	if (o->block && !m->info.lsm) {
		eu_fail(err, EU_E_KERNEL, 0,
			"--block needs BPF-LSM, which this kernel does not offer (%s); --kill ends "
			"offenders instead",
			m->info.jobs[MON_JOB_CAPS].why[0] ? m->info.jobs[MON_JOB_CAPS].why
							  : "bpf is not in /sys/kernel/security/lsm");
		goto fail;
	}
	if (load(m, o, err))
		goto fail;
	s = m->skel;
	m->rates = (struct mon_rate_maps){ .rates = bpf_map__fd(s->maps.mon_rates),
					   .acct = bpf_map__fd(s->maps.mon_acct),
					   .policies = bpf_map__fd(s->maps.mon_policies) };
	if (write_config(m, o, err) || (!o->register_only && attach(m, err)) ||
	    open_iterators(m, err))
		goto fail;
	fd = bpf_map__fd(s->maps.mon_pending);
	m->pending_len = (size_t)sysconf(_SC_PAGESIZE);
	m->pending = mmap(NULL, m->pending_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m->pending == MAP_FAILED) {
		m->pending = NULL;
		eu_fail(err, EU_E_KERNEL, errno, "cannot map the monitor's count of pending tasks");
		goto fail;
	}
	m->rb = ring_buffer__new(bpf_map__fd(s->maps.mon_events), handle_event, m, NULL);
	if (!m->rb) {
		eu_fail(err, EU_E_KERNEL, errno, "cannot open the monitor's ring buffer");
		goto fail;
	}
	*out = m;
	return 0;
fail:
	mon_close(m);
	return -1;
}

void mon_close(struct mon *m)
{
	if (!m)
		return;
	ring_buffer__free(m->rb);
	if (m->pending)
		munmap(m->pending, m->pending_len);
	bpf_link__destroy(m->seed_link);
	bpf_link__destroy(m->flush_link);
	monitor_bpf__destroy(m->skel);
	free(m);
}

void mon_info(const struct mon *m, struct mon_info *info)
{
	*info = m->info;
}

static int run_iter(struct bpf_link *link, const char *what, struct eu_err *err)
{
	return eu_bpf_iter_run(bpf_link__fd(link), what, err);
}

/* The skeleton's maps, as the shared registration code takes them. */
static struct eu_mon_maps maps_of(const struct mon *m)
{
	return (struct eu_mon_maps){
		.policies = bpf_map__fd(m->skel->maps.mon_policies),
		.containers = bpf_map__fd(m->skel->maps.mon_containers),
		.mntns = bpf_map__fd(m->skel->maps.mon_mntns),
		.execs = bpf_map__fd(m->skel->maps.mon_execs),
	};
}

bool mon_container(struct mon *m, uint32_t slot, struct mon_container *out)
{
	struct eu_mon_maps maps = maps_of(m);

	return eu_mon_container(&maps, slot, out);
}

struct seed_ctx {
	struct mon *m;
	uint32_t slot;
	uint32_t owner; /* the container's init */
};

/*
 * One task found in /proc: held from its next syscall (MON_T_PENDING). The
 * count goes up first, so that the kernel never sees an entry it does not
 * count; one already there (inherited at fork meanwhile) is left alone. A
 * task that exited meanwhile will make no syscall, and its exit has passed
 * the BPF programs by: its entry is taken back here.
 */
static int seed_task(void *ctx, const struct eu_task_ref *t, struct eu_err *err)
{
	struct seed_ctx *sc = ctx;
	struct mon_task v = { .ct = sc->slot, .flags = MON_T_PENDING, .owner = sc->owner };
	int fd = bpf_map__fd(sc->m->skel->maps.mon_tasks);

	__atomic_fetch_add(sc->m->pending, 1, __ATOMIC_SEQ_CST);
	if (bpf_map_update_elem(fd, &t->pidfd, &v, BPF_NOEXIST)) {
		__atomic_fetch_sub(sc->m->pending, 1, __ATOMIC_SEQ_CST);
		if (errno == EEXIST || errno == ESRCH || errno == ENOENT)
			return 0; /* already held, or gone */
		return eu_fail(err, EU_E_KERNEL, errno, "cannot hold task %d", (int)t->tid);
	}
	if (eu_task_exited(t->pidfd) && bpf_map_lookup_elem(fd, &t->pidfd, &v) == 0 &&
	    (v.flags & MON_T_PENDING) && bpf_map_delete_elem(fd, &t->pidfd) == 0)
		__atomic_fetch_sub(sc->m->pending, 1, __ATOMIC_SEQ_CST);
	return 0;
}

int mon_register(struct mon *m, const struct eu_container *ct, const struct eu_profile *p,
		 const char *profile_path, bool filtered, uint32_t *slot, struct eu_err *err)
{
	struct eu_mon_maps maps = maps_of(m);
	struct monitor_bpf *s = m->skel;
	struct mon_container info;
	uint32_t own_mntns = 0;
	struct seed_ctx sc = { .m = m };
	unsigned int missed = 0;

	if (eu_ns_inode(getpid(), "mnt", &own_mntns, err) ||
	    eu_mon_store(&maps, ct, p, profile_path, own_mntns, filtered, slot, &info, err))
		return -1;
	/*
	 * Its processes: the init, its descendants, and whatever lives in its
	 * mount namespace. Twice: a task forked behind the first walk's position
	 * is found by the second.
	 */
	sc.slot = *slot;
	sc.owner = info.pid;
	s->bss->seed_ct = *slot;
	s->bss->seed_tgid = (__u32)ct->pid;
	s->bss->seed_mntns = info.mntns;
	for (int walk = 0; walk < 2; walk++)
		if (m->seed_link ? run_iter(m->seed_link, "task", err)
				 : eu_task_walk(ct->pid, info.mntns, seed_task, &sc, &missed, err))
			return -1;
	if (missed)
		fprintf(stderr,
			"eunomia monitor: warning: %u threads of %s that were there before are not "
			"held (pidfds of threads need Linux 6.9)\n",
			missed, info.id);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now); /* bpf_ktime_get_ns()'s clock */
	return (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
}

int mon_watch_syscalls(struct mon *m, struct eu_err *err)
{
	struct eu_mon_maps maps = maps_of(m);

	return eu_mon_watch_syscalls(&maps, false, err);
}

int mon_release(struct mon *m, uint32_t slot, struct eu_err *err)
{
	struct eu_mon_maps maps = maps_of(m);

	if (eu_mon_release(&maps, slot, err))
		return -1;
	/* What the rate limit held back of it, while the daemon still knows the container. */
	ring_buffer__consume(m->rb);
	return mon_rates_retire(&m->rates, now_ns(), deliver, m, err);
}

int mon_flush(struct mon *m, struct eu_err *err)
{
	if (m->flush_link && run_iter(m->flush_link, "flush", err))
		return -1;
	/* What the kernel wrote first: the sweep and the retiring count on what it accounted for. */
	ring_buffer__consume(m->rb);
	if (m->flush_link) /* ended registrations (released by the OCI hook, say) */
		return mon_rates_retire(&m->rates, now_ns(), deliver, m, err);
	return mon_rates_sweep(&m->rates, now_ns(), MON_INTERVAL_NS, deliver, m, err);
}

int mon_epoll_fd(const struct mon *m)
{
	return ring_buffer__epoll_fd(m->rb);
}

int mon_consume(struct mon *m)
{
	return ring_buffer__consume(m->rb);
}

unsigned int mon_programs_missing(const struct mon *m)
{
	return mon_plan_missing(&m->plan);
}

int mon_stats(struct mon *m, struct mon_stats *out)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(bpf_map__fd(m->skel->maps.mon_stats), &key, out);
}

int mon_reset(struct eu_err *err)
{
	_cleanup_closedir_ DIR *d = opendir(MON_PIN_DIR);
	struct dirent *de;

	if (!d)
		return errno == ENOENT ? 0 : eu_fail(err, EU_E_IO, errno, "cannot read " MON_PIN_DIR);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && unlinkat(dirfd(d), de->d_name, 0) < 0)
			return eu_fail(err, EU_E_IO, errno, "cannot remove " MON_PIN_DIR "/%s",
				       de->d_name);
	if (rmdir(MON_PIN_DIR) < 0)
		return eu_fail(err, EU_E_IO, errno, "cannot remove " MON_PIN_DIR);
	return 0;
}
