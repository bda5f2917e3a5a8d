// SPDX-License-Identifier: GPL-2.0-only
/* The monitor's kernel side from user space (see monitor_bpf.h). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bpf_probe.h"
#include "cleanup.h"
#include "ksyms.h"
#include "monitor.h" /* before the skeleton, which uses its structs */
#include "monitor.skel.h"
#include "monitor_bpf.h"
#include "monitor_maps.h"
#include "syscalls.h"

struct mon {
	struct monitor_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *seed_link, *flush_link;
	struct mon_info info;
	bool fast; /* the kernel has bpf_rdonly_cast */
	mon_event_fn on_event;
	void *ctx;
};

static int print_verbose(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return vfprintf(stderr, fmt, ap);
}

static int print_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct mon *m = ctx;

	if (size >= sizeof(struct mon_event) && m->on_event)
		m->on_event(m->ctx, data);
	return 0;
}

/*
 * Syscalls seccomp refused: sys_exit sees the errno actions, signal_generate
 * the kill actions' SIGSYS. Either may be missing; the monitor runs without.
 */
static void probe_denials(struct mon *m, struct eu_probes *p)
{
	if (eu_probe_tp_btf(p, "sys_exit"))
		m->info.exit_hook = "tp_btf/sys_exit";
	else if (eu_probe_raw_tp(p, "sys_exit"))
		m->info.exit_hook = "raw_tp/sys_exit";
	if (eu_probe_tp_btf(p, "signal_generate"))
		m->info.kill_hook = "tp_btf/signal_generate";
	else if (eu_probe_raw_tp(p, "signal_generate"))
		m->info.kill_hook = "raw_tp/signal_generate";
}

/* Which programs this kernel takes, best first; fails when it cannot follow processes. */
static int probe(struct mon *m, const struct mon_opts *o, struct eu_err *err)
{
	struct eu_probes *p = eu_probes_new();
	int rc = 0;

	if (!p)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "probing the kernel");
	if (!eu_probe_task_storage(p) || !eu_probe_iter_task(p) ||
	    !eu_probe_tp_btf(p, "sched_process_fork") || !eu_probe_tp_btf(p, "sched_process_exec") ||
	    !eu_probe_tp_btf(p, "sched_process_exit")) {
		rc = eu_fail(err, EU_E_KERNEL, 0,
			     "this kernel cannot follow processes with BPF (task storage, task "
			     "iterators and BTF tracepoints on sched_process_fork/exec/exit are "
			     "needed: Linux 5.11 or later with BTF)");
		goto out;
	}
	if (eu_probe_tp_btf(p, "sys_enter")) {
		m->fast = eu_probe_kfunc(p, "bpf_rdonly_cast");
		m->info.sys_hook = m->fast ? "tp_btf/sys_enter (helper-free fast path)"
					   : "tp_btf/sys_enter (no fast path: no bpf_rdonly_cast)";
	}
	else if (eu_probe_raw_tp(p, "sys_enter"))
		m->info.sys_hook = "raw_tp/sys_enter";
	else {
		rc = eu_fail(err, EU_E_KERNEL, 0,
			     "this kernel refused tp_btf and raw_tp on sys_enter: syscalls cannot "
			     "be checked");
		goto out;
	}
	m->info.lsm = eu_probe_lsm(p, "capable") && eu_probe_lsm(p, "bprm_check_security") &&
		      eu_probe_lsm(p, "socket_create");
	if (m->info.lsm)
		m->info.cap_hook = "lsm/capable";
	else if (eu_probe_tp_btf(p, "cap_capable"))
		m->info.cap_hook = "tp_btf/cap_capable";
	/* A monitor that only registers with the running daemon attaches nothing. */
	m->info.no_denials = o->no_denials;
	if (!o->no_denials && !o->register_only)
		probe_denials(m, p);
out:
	eu_probes_free(p);
	return rc;
}

/* Pin path of a program's link. */
static void link_path(const struct bpf_program *prog, char *buf, size_t size)
{
	snprintf(buf, size, MON_PIN_DIR "/link_%s", bpf_program__name(prog));
}

/* The programs that see what seccomp refused. */
static bool is_denial_prog(const struct mon *m, const struct bpf_program *prog)
{
	const struct monitor_bpf *s = m->skel;

	return prog == s->progs.mon_sys_exit_btf || prog == s->progs.mon_sys_exit_btf_nocast ||
	       prog == s->progs.mon_sys_exit_raw || prog == s->progs.mon_signal_btf ||
	       prog == s->progs.mon_signal_raw;
}

/*
 * Attach each program, unless an earlier daemon's link is pinned: that one
 * keeps running (on the same pinned maps) and is left alone. With
 * --no-denials an earlier daemon's denial programs are detached.
 */
static int attach(struct mon *m, struct eu_err *err)
{
	struct bpf_program *prog;
	char path[256];

	if (m->info.no_denials) {
		bpf_object__for_each_program(prog, m->skel->obj) {
			if (!is_denial_prog(m, prog))
				continue;
			link_path(prog, path, sizeof(path));
			if (unlink(path) == 0)
				m->info.links_removed++;
			else if (errno != ENOENT)
				return eu_fail(err, EU_E_KERNEL, errno, "cannot remove %s", path);
		}
	}

	bpf_object__for_each_program(prog, m->skel->obj) {
		struct bpf_link *link;
		struct stat st;
		int rc;

		if (!bpf_program__autoload(prog) || prog == m->skel->progs.mon_seed ||
		    prog == m->skel->progs.mon_flush)
			continue;
		link_path(prog, path, sizeof(path));
		if (stat(path, &st) == 0) {
			m->info.links_reused++;
			continue;
		}
		link = bpf_program__attach(prog);
		if (!link)
			return eu_fail(err, EU_E_KERNEL, errno, "cannot attach %s",
				       bpf_program__name(prog));
		rc = bpf_link__pin(link, path);
		bpf_link__destroy(link); /* the pin holds it */
		if (rc)
			return eu_fail(err, EU_E_KERNEL, -rc, "cannot pin %s", path);
		m->info.links_created++;
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
	c.interval_ns = 1000000000ULL;
	snprintf(c.profiles_dir, sizeof(c.profiles_dir), "%s", o->profiles_dir ? o->profiles_dir : "");
	/*
	 * Only the cap_capable tracepoint needs the unaudited functions' addresses
	 * (lsm/capable is told the audit flag): /proc/kallsyms is not read otherwise.
	 */
	bool tp = m->info.cap_hook && strstr(m->info.cap_hook, "tp_btf");

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
 * Open the object (maps pinned under MON_PIN_DIR) and load the programs this
 * kernel takes: 0, -1 when the object cannot be opened (*err says why), or the
 * errno of a load the kernel refused.
 */
static int load(struct mon *m, struct eu_err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = MON_PIN_DIR);
	struct monitor_bpf *s = monitor_bpf__open_opts(&opts);
	bool btf;
	int rc;

	m->skel = s;
	if (!s)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot open the monitor's BPF object");
	btf = !strncmp(m->info.sys_hook, "tp_btf", 6);
	bpf_program__set_autoload(s->progs.mon_sys_enter_btf, btf && m->fast);
	bpf_program__set_autoload(s->progs.mon_sys_enter_btf_nocast, btf && !m->fast);
	bpf_program__set_autoload(s->progs.mon_sys_enter_raw, !btf);
	btf = m->info.exit_hook && !strncmp(m->info.exit_hook, "tp_btf", 6);
	bpf_program__set_autoload(s->progs.mon_sys_exit_btf, btf && m->fast);
	bpf_program__set_autoload(s->progs.mon_sys_exit_btf_nocast, btf && !m->fast);
	bpf_program__set_autoload(s->progs.mon_sys_exit_raw, m->info.exit_hook && !btf);
	btf = m->info.kill_hook && !strncmp(m->info.kill_hook, "tp_btf", 6);
	bpf_program__set_autoload(s->progs.mon_signal_btf, btf);
	bpf_program__set_autoload(s->progs.mon_signal_raw, m->info.kill_hook && !btf);
	bpf_program__set_autoload(s->progs.mon_lsm_capable, m->info.lsm);
	bpf_program__set_autoload(s->progs.mon_lsm_bprm, m->info.lsm);
	bpf_program__set_autoload(s->progs.mon_lsm_socket, m->info.lsm);
	bpf_program__set_autoload(s->progs.mon_cap_tp, !m->info.lsm && m->info.cap_hook);
	bpf_program__set_autoattach(s->progs.mon_seed, false);
	bpf_program__set_autoattach(s->progs.mon_flush, false);
	s->rodata->exec_lsm = m->info.lsm;
	rc = monitor_bpf__load(s);
	return rc ? -rc : 0;
}

int mon_open(struct mon **out, const struct mon_opts *o, struct eu_err *err)
{
	struct mon *m = calloc(1, sizeof(*m));
	struct monitor_bpf *s;
	int rc;

	if (!m)
		return eu_fail(err, EU_E_INTERNAL, ENOMEM, "allocating the monitor");
	m->on_event = o->on_event;
	m->ctx = o->ctx;
	libbpf_set_print(o->verbose ? print_verbose : print_quiet);
	if (probe(m, o, err) || eu_ensure_bpffs(err))
		goto fail;
	if (o->block && !m->info.lsm) {
		eu_fail(err, EU_E_KERNEL, 0,
			"--block needs BPF-LSM, which this kernel does not offer (bpf is not in "
			"/sys/kernel/security/lsm, or LSM programs are refused); --kill ends "
			"offenders instead");
		goto fail;
	}
	if ((mkdir("/sys/fs/bpf/eunomia", 0700) < 0 && errno != EEXIST) ||
	    (mkdir(MON_PIN_DIR, 0700) < 0 && errno != EEXIST)) {
		eu_fail(err, EU_E_KERNEL, errno, "cannot create " MON_PIN_DIR);
		goto fail;
	}
	rc = load(m, err);
	if (rc > 0 && (m->info.exit_hook || m->info.kill_hook)) {
		/* Seeing seccomp's refusals is worth a word, not the monitor: again without. */
		m->info.exit_hook = m->info.kill_hook = NULL;
		m->info.denials_refused = true;
		monitor_bpf__destroy(m->skel);
		m->skel = NULL;
		rc = load(m, err);
	}
	if (rc > 0)
		eu_fail(err, EU_E_KERNEL, rc,
			"the kernel refused the monitor's BPF programs, or maps pinned under "
			MON_PIN_DIR " do not match them (run with -v for libbpf's reasons; "
			"'eunomia monitor --reset' removes old pins)");
	if (rc)
		goto fail;
	s = m->skel;
	if (write_config(m, o, err) || (!o->register_only && attach(m, err)))
		goto fail;
	m->seed_link = bpf_program__attach_iter(s->progs.mon_seed, NULL);
	{
		union bpf_iter_link_info li = { .map.map_fd = bpf_map__fd(s->maps.mon_rates) };
		LIBBPF_OPTS(bpf_iter_attach_opts, io, .link_info = &li, .link_info_len = sizeof(li));

		m->flush_link = bpf_program__attach_iter(s->progs.mon_flush, &io);
	}
	if (!m->seed_link || !m->flush_link) {
		eu_fail(err, EU_E_KERNEL, errno, "cannot create the monitor's iterators");
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
		.rates = bpf_map__fd(m->skel->maps.mon_rates),
	};
}

bool mon_container(struct mon *m, uint32_t slot, struct mon_container *out)
{
	struct eu_mon_maps maps = maps_of(m);

	return eu_mon_container(&maps, slot, out);
}

int mon_register(struct mon *m, const struct eu_container *ct, const struct eu_profile *p,
		 const char *profile_path, uint32_t *slot, struct eu_err *err)
{
	struct eu_mon_maps maps = maps_of(m);
	struct monitor_bpf *s = m->skel;
	struct mon_container info;
	uint32_t own_mntns = 0;

	if (eu_ns_inode(getpid(), "mnt", &own_mntns, err) ||
	    eu_mon_store(&maps, ct, p, profile_path, own_mntns, slot, &info, err))
		return -1;
	/* Its processes: the init, its descendants, and whatever lives in its mount namespace. */
	s->bss->seed_ct = *slot;
	s->bss->seed_tgid = (__u32)ct->pid;
	s->bss->seed_mntns = info.mntns;
	/* Twice: a task forked behind the first walk's position is found by the second. */
	for (int walk = 0; walk < 2; walk++)
		if (run_iter(m->seed_link, "task", err))
			return -1;
	return 0;
}

int mon_release(struct mon *m, uint32_t slot, struct eu_err *err)
{
	struct eu_mon_maps maps = maps_of(m);

	return eu_mon_release(&maps, slot, err);
}

int mon_flush(struct mon *m, struct eu_err *err)
{
	return run_iter(m->flush_link, "flush", err);
}

int mon_epoll_fd(const struct mon *m)
{
	return ring_buffer__epoll_fd(m->rb);
}

int mon_consume(struct mon *m)
{
	return ring_buffer__consume(m->rb);
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
