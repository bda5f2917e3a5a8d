// SPDX-License-Identifier: GPL-2.0-only
/* Kernel feature probes: load and attach a two-instruction program of each kind. */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf_probe.h"
#include "cleanup.h"

#define TRACEFS "/sys/kernel/tracing"

static const char *const hook_names[] = {
	[EU_HOOK_NONE] = "none",	     [EU_HOOK_TP_BTF] = "tp_btf", [EU_HOOK_RAW_TP] = "raw_tp",
	[EU_HOOK_TRACEPOINT] = "tracepoint", [EU_HOOK_FEXIT] = "fexit",	  [EU_HOOK_KPROBE] = "kprobe",
	[EU_HOOK_LSM] = "lsm",
};

const char *eu_hook_name(enum eu_hook h)
{
	if ((size_t)h >= EU_ARRAY_SIZE(hook_names))
		return "none";
	return hook_names[h];
}

enum eu_hook eu_hook_from_name(const char *name)
{
	for (size_t i = 1; i < EU_ARRAY_SIZE(hook_names); i++)
		if (!strcmp(name, hook_names[i]))
			return (enum eu_hook)i;
	if (!strcmp(name, "fentry"))
		return EU_HOOK_FEXIT;
	return EU_HOOK_NONE;
}

struct eu_probes {
	struct btf *vmlinux;
	int loaded; /* 0: not yet, 1: loaded, -1: the kernel has no BTF */
};

struct eu_probes *eu_probes_new(void)
{
	return calloc(1, sizeof(struct eu_probes));
}

void eu_probes_free(struct eu_probes *p)
{
	if (!p)
		return;
	btf__free(p->vmlinux);
	free(p);
}

static struct btf *vmlinux_btf(struct eu_probes *p)
{
	if (!p->loaded) {
		p->vmlinux = btf__load_vmlinux_btf();
		p->loaded = p->vmlinux ? 1 : -1;
	}
	return p->vmlinux;
}

/* The BTF id a program of this attach type names, found the way libbpf finds it. */
static int attach_btf_id(struct eu_probes *p, const char *name, enum bpf_attach_type attach)
{
	struct btf *btf = vmlinux_btf(p);
	const char *prefix = "";
	char full[128];
	int kind = BTF_KIND_FUNC;

	if (!btf)
		return -1;
	switch (attach) {
	case BPF_TRACE_RAW_TP:
		prefix = "btf_trace_";
		kind = BTF_KIND_TYPEDEF;
		break;
	case BPF_LSM_MAC:
		prefix = "bpf_lsm_";
		break;
	case BPF_TRACE_ITER:
		prefix = "bpf_iter_";
		break;
	default:
		break;
	}
	snprintf(full, sizeof(full), "%s%s", prefix, name);
	return btf__find_by_name_kind(btf, full, kind);
}

/* r0 = 0; exit */
static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static int load(enum bpf_prog_type type, enum bpf_attach_type attach, int btf_id)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach,
		    .attach_btf_id = (__u32)btf_id);

	return bpf_prog_load(type, NULL, "GPL", ret0, EU_ARRAY_SIZE(ret0), &opts);
}

/* Programs attached through a BTF id (tp_btf, fexit, lsm) share one path. */
static bool probe_btf_attach(struct eu_probes *p, enum bpf_prog_type type,
			     enum bpf_attach_type attach, const char *name)
{
	_cleanup_close_ int prog = -1, link = -1;
	int id;

	id = attach_btf_id(p, name, attach);
	if (id <= 0)
		return false;
	prog = load(type, attach, id);
	if (prog < 0)
		return false;
	link = bpf_raw_tracepoint_open(NULL, prog);
	return link >= 0;
}

bool eu_probe_tp_btf(struct eu_probes *p, const char *tp)
{
	return probe_btf_attach(p, BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, tp);
}

bool eu_probe_fexit(struct eu_probes *p, const char *func)
{
	return probe_btf_attach(p, BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, func);
}

bool eu_probe_lsm(struct eu_probes *p, const char *hook)
{
	return probe_btf_attach(p, BPF_PROG_TYPE_LSM, BPF_LSM_MAC, hook);
}

bool eu_probe_raw_tp(struct eu_probes *p, const char *tp)
{
	_cleanup_close_ int prog = -1, link = -1;

	prog = load(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0);
	if (prog < 0)
		return false;
	link = bpf_raw_tracepoint_open(tp, prog);
	return link >= 0;
}

static int perf_open(struct perf_event_attr *attr)
{
	return (int)syscall(SYS_perf_event_open, attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

static bool perf_attach(enum bpf_prog_type type, struct perf_event_attr *attr)
{
	_cleanup_close_ int prog = -1, ev = -1;

	prog = load(type, 0, 0);
	if (prog < 0)
		return false;
	ev = perf_open(attr);
	if (ev < 0)
		return false;
	return ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog) == 0;
}

static long read_long(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	long v;

	if (!f || fscanf(f, "%ld", &v) != 1)
		return -1;
	return v; /* cppcheck-suppress resourceLeak ; _cleanup_fclose_ closes f */
}

bool eu_probe_tracepoint(struct eu_probes *p, const char *category, const char *name)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .type = PERF_TYPE_TRACEPOINT,
					.sample_period = 1, .wakeup_events = 1 };
	char path[256];
	long id;

	if (eu_ensure_tracefs(NULL))
		return false;
	snprintf(path, sizeof(path), TRACEFS "/events/%s/%s/id", category, name);
	id = read_long(path);
	if (id < 0)
		return false;
	attr.config = (__u64)id;
	return perf_attach(BPF_PROG_TYPE_TRACEPOINT, &attr);
}

bool eu_probe_kprobe(struct eu_probes *p, const char *func)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .sample_period = 1,
					.wakeup_events = 1 };
	long type = read_long("/sys/bus/event_source/devices/kprobe/type");

	if (type < 0)
		return false;
	attr.type = (__u32)type;
	attr.config1 = (__u64)(unsigned long)func; /* kprobe_func */
	return perf_attach(BPF_PROG_TYPE_KPROBE, &attr);
}

bool eu_probe_iter_task(struct eu_probes *p)
{
	_cleanup_close_ int prog = -1, link = -1;
	int id = attach_btf_id(p, "task", BPF_TRACE_ITER);

	if (id <= 0)
		return false;
	prog = load(BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, id);
	if (prog < 0)
		return false;
	link = bpf_link_create(prog, 0, BPF_TRACE_ITER, NULL);
	return link >= 0;
}

bool eu_probe_task_storage(struct eu_probes *p)
{
	return libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) == 1;
}

bool eu_probe_kfunc(struct eu_probes *p, const char *name)
{
	struct btf *vmlinux = vmlinux_btf(p);

	return vmlinux && btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC) > 0;
}

static int print_nothing(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static bool probe_hook(struct eu_probes *p, enum eu_hook h, const char *category,
		       const char *name)
{
	switch (h) {
	case EU_HOOK_TP_BTF:
		return eu_probe_tp_btf(p, name);
	case EU_HOOK_RAW_TP:
		return eu_probe_raw_tp(p, name);
	case EU_HOOK_TRACEPOINT:
		return eu_probe_tracepoint(p, category, name);
	case EU_HOOK_FEXIT:
		return eu_probe_fexit(p, name);
	case EU_HOOK_KPROBE:
		return eu_probe_kprobe(p, name);
	case EU_HOOK_LSM:
		return eu_probe_lsm(p, name);
	default:
		return false;
	}
}

/* A refusal is an answer here, not a warning: libbpf stays quiet while we ask. */
bool eu_probe_hook(struct eu_probes *p, enum eu_hook h, const char *category, const char *name)
{
	libbpf_print_fn_t saved = libbpf_set_print(print_nothing);
	bool ok = probe_hook(p, h, category, name);

	libbpf_set_print(saved);
	return ok;
}

int eu_ensure_tracefs(struct eu_err *err)
{
	struct stat st;

	if (stat(TRACEFS "/events", &st) == 0)
		return 0;
	if (mount("tracefs", TRACEFS, "tracefs", 0, NULL) < 0)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot mount tracefs on " TRACEFS);
	return 0;
}

int eu_ensure_bpffs(struct eu_err *err)
{
	struct statfs sf;

	if (statfs("/sys/fs/bpf", &sf) == 0 && sf.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700") < 0)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot mount the BPF file system on /sys/fs/bpf");
	return 0;
}

int eu_bpf_iter_run(int link_fd, const char *what, struct eu_err *err)
{
	_cleanup_close_ int fd = bpf_iter_create(link_fd);
	char buf[64];
	ssize_t n;

	if (fd < 0)
		return eu_fail(err, EU_E_KERNEL, errno, "cannot run the %s iterator", what);
	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		;
	if (n < 0)
		return eu_fail(err, EU_E_KERNEL, errno, "the %s iterator failed", what);
	return 0;
}
