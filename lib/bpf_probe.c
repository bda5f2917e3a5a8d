// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel feature probes: load and attach a two-instruction program of each
 * kind, and say why one was refused. EUNOMIA_REFUSE refuses kinds on purpose.
 */
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
#include "names.h"

#define TRACEFS "/sys/kernel/tracing"

static const char *const hook_names[] = {
	[EU_HOOK_NONE] = "none",	     [EU_HOOK_TP_BTF] = "tp_btf", [EU_HOOK_RAW_TP] = "raw_tp",
	[EU_HOOK_TRACEPOINT] = "tracepoint", [EU_HOOK_FEXIT] = "fexit",	  [EU_HOOK_KPROBE] = "kprobe",
	[EU_HOOK_LSM] = "lsm",
};

const char *eu_hook_name(enum eu_hook h)
{
	return EU_NAME_OF(hook_names, h, "none");
}

enum eu_hook eu_hook_from_name(const char *name)
{
	int h = EU_NAME_FIND(hook_names, 1, name);

	if (h > 0)
		return (enum eu_hook)h;
	if (!strcmp(name, "fentry"))
		return EU_HOOK_FEXIT;
	return EU_HOOK_NONE;
}

struct eu_probes {
	struct btf *vmlinux;
	int loaded; /* 0: not yet, 1: loaded, -1: the kernel has no BTF */
	char why[160]; /* the last refusal */
};

struct eu_probes *eu_probes_new(void)
{
	return calloc(1, sizeof(struct eu_probes));
}

const char *eu_probes_why(const struct eu_probes *p)
{
	return p->why[0] ? p->why : "refused";
}

/* Record why a probe failed; returns false, the probe's answer. */
static bool refused(struct eu_probes *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool refused(struct eu_probes *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return false;
}

static bool refused_errno(struct eu_probes *p, const char *stage, int e)
{
	const char *name;

	e = e < 0 ? -e : e;
	name = strerrorname_np(e);
	return name ? refused(p, "%s at %s", name, stage) : refused(p, "error %d at %s", e, stage);
}

/* ---- refusing on purpose ------------------------------------------------------------ */

static const char *const refuse_kinds[] = { "tp_btf", "raw_tp", "tracepoint", "fexit",
					    "kprobe", "lsm",	"iter" };

/*
 * Each word of EUNOMIA_REFUSE is KIND or KIND/TARGET, separated by commas or
 * spaces: "tp_btf/sys_enter,iter/bpf_map_elem". Returns the first bad word's
 * length and start through *bad, or 0.
 */
static size_t refuse_scan(const char *list, const char *kind, const char *target, bool *hit,
			  const char **bad)
{
	const char *w = list;

	*hit = false;
	*bad = NULL;
	while (w && *w) {
		size_t n = strcspn(w, ", "), klen = strcspn(w, "/, ");
		bool known = false;

		for (size_t i = 0; i < EU_ARRAY_SIZE(refuse_kinds); i++)
			if (klen == strlen(refuse_kinds[i]) && !strncmp(w, refuse_kinds[i], klen))
				known = true;
		if (n && (!known || (klen < n && klen + 1 == n))) {
			*bad = w;
			return n;
		}
		if (n && kind && klen == strlen(kind) && !strncmp(w, kind, klen) &&
		    (klen == n || (target && n - klen - 1 == strlen(target) &&
				   !strncmp(w + klen + 1, target, n - klen - 1))))
			*hit = true;
		w += n;
		w += strspn(w, ", ");
	}
	return 0;
}

int eu_refuse_check(struct eu_err *err)
{
	const char *list = getenv(EU_REFUSE_ENV), *bad;
	bool hit;
	size_t n = list ? refuse_scan(list, NULL, NULL, &hit, &bad) : 0;

	if (!n)
		return 0;
	return eu_fail(err, EU_E_USAGE, 0,
		       EU_REFUSE_ENV ": '%.*s' names no mechanism (expected KIND or KIND/TARGET, "
		       "KIND one of tp_btf, raw_tp, tracepoint, fexit, kprobe, lsm, iter)",
		       (int)n, bad);
}

bool eu_refused_on_purpose(const char *kind, const char *target)
{
	const char *list = getenv(EU_REFUSE_ENV), *bad;
	bool hit = false;

	if (list)
		refuse_scan(list, kind, target, &hit, &bad);
	return hit;
}

static bool forced(struct eu_probes *p, const char *kind, const char *target)
{
	if (!eu_refused_on_purpose(kind, target))
		return false;
	refused(p, "refused on purpose (" EU_REFUSE_ENV ")");
	return true;
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

/*
 * Load a program that attaches to `name` through its BTF id (tp_btf, fexit, lsm, iter):
 * its fd, or -1 with the reason it was refused.
 */
static int load_btf(struct eu_probes *p, enum bpf_prog_type type, enum bpf_attach_type attach,
		    const char *kind, const char *name)
{
	int id, prog;

	if (forced(p, kind, name))
		return -1;
	id = attach_btf_id(p, name, attach);
	if (id <= 0) {
		refused(p, "%s",
			p->loaded < 0 ? "the kernel has no BTF" : "not in the kernel's BTF");
		return -1;
	}
	prog = load(type, attach, id);
	if (prog < 0)
		refused_errno(p, "load", errno);
	return prog;
}

/* Programs attached as raw tracepoints through a BTF id (tp_btf, fexit, lsm) share one path. */
static bool probe_btf_attach(struct eu_probes *p, enum bpf_prog_type type,
			     enum bpf_attach_type attach, const char *kind, const char *name)
{
	_cleanup_close_ int prog = load_btf(p, type, attach, kind, name), link = -1;

	if (prog < 0)
		return false;
	link = bpf_raw_tracepoint_open(NULL, prog);
	return link >= 0 || refused_errno(p, "attach", errno);
}

bool eu_probe_tp_btf(struct eu_probes *p, const char *tp)
{
	return probe_btf_attach(p, BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, "tp_btf", tp);
}

bool eu_probe_fexit(struct eu_probes *p, const char *func)
{
	return probe_btf_attach(p, BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, "fexit", func);
}

bool eu_probe_lsm(struct eu_probes *p, const char *hook)
{
	return probe_btf_attach(p, BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "lsm", hook);
}

bool eu_probe_raw_tp(struct eu_probes *p, const char *tp)
{
	_cleanup_close_ int prog = -1, link = -1;

	if (forced(p, "raw_tp", tp))
		return false;
	prog = load(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0);
	if (prog < 0)
		return refused_errno(p, "load", errno);
	link = bpf_raw_tracepoint_open(tp, prog);
	return link >= 0 || refused_errno(p, "attach", errno);
}

static int perf_open(struct perf_event_attr *attr)
{
	return (int)syscall(SYS_perf_event_open, attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

static bool perf_attach(struct eu_probes *p, enum bpf_prog_type type, struct perf_event_attr *attr)
{
	_cleanup_close_ int prog = -1, ev = -1;

	prog = load(type, 0, 0);
	if (prog < 0)
		return refused_errno(p, "load", errno);
	ev = perf_open(attr);
	if (ev < 0)
		return refused_errno(p, "attach", errno);
	return ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog) == 0 || refused_errno(p, "attach", errno);
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

	snprintf(path, sizeof(path), "%s/%s", category, name);
	if (forced(p, "tracepoint", path) || forced(p, "tracepoint", name))
		return false;
	if (eu_ensure_tracefs(NULL))
		return refused(p, "no tracefs at " TRACEFS);
	snprintf(path, sizeof(path), TRACEFS "/events/%s/%s/id", category, name);
	id = read_long(path);
	if (id < 0)
		return refused(p, "no such tracepoint in " TRACEFS);
	attr.config = (__u64)id;
	return perf_attach(p, BPF_PROG_TYPE_TRACEPOINT, &attr);
}

bool eu_probe_kprobe(struct eu_probes *p, const char *func)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .sample_period = 1,
					.wakeup_events = 1 };
	long type;

	if (forced(p, "kprobe", func))
		return false;
	type = read_long("/sys/bus/event_source/devices/kprobe/type");
	if (type < 0)
		return refused(p, "no kprobe PMU in /sys/bus/event_source/devices");
	attr.type = (__u32)type;
	attr.config1 = (__u64)(unsigned long)func; /* kprobe_func */
	return perf_attach(p, BPF_PROG_TYPE_KPROBE, &attr);
}

/* An iterator over `target` ("task", or "bpf_map_elem" over the map `map_fd`). */
static bool probe_iter(struct eu_probes *p, const char *target, int map_fd)
{
	union bpf_iter_link_info li = { .map.map_fd = (__u32)map_fd };
	LIBBPF_OPTS(bpf_link_create_opts, lo, .iter_info = &li, .iter_info_len = sizeof(li));
	_cleanup_close_ int prog =
		load_btf(p, BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, "iter", target);
	_cleanup_close_ int link = -1;

	if (prog < 0)
		return false;
	link = bpf_link_create(prog, 0, BPF_TRACE_ITER, map_fd >= 0 ? &lo : NULL);
	return link >= 0 || refused_errno(p, "attach", errno);
}

bool eu_probe_iter_task(struct eu_probes *p)
{
	return probe_iter(p, "task", -1);
}

bool eu_probe_iter_map(struct eu_probes *p)
{
	_cleanup_close_ int map = bpf_map_create(BPF_MAP_TYPE_HASH, "eu_probe", 4, 4, 1, NULL);

	if (map < 0)
		return refused_errno(p, "map creation", errno);
	return probe_iter(p, "bpf_map_elem", map);
}

bool eu_probe_task_storage(struct eu_probes *p)
{
	int rc = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL);

	return rc == 1 || (rc == 0 ? refused(p, "the kernel has no BPF task storage")
				   : refused_errno(p, "map creation", rc));
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
		return refused(p, "no such mechanism");
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

/* ---- which program a failed load names -------------------------------------------- */

/*
 * libbpf reports through one process-wide print function with no context
 * argument, so what it says while an object loads is kept here.
 */
static struct {
	bool verbose;
	struct eu_load_failure first; /* the first program it named as refused */
} capture;

static int print_capture(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[512];
	const char *name, *end, *rest;
	va_list copy;

	va_copy(copy, ap);
	vsnprintf(line, sizeof(line), fmt, copy);
	va_end(copy);
	if (capture.verbose)
		fprintf(stderr, "%s", line);
	if (level != LIBBPF_WARN || capture.first.prog[0] || !(name = strstr(line, "prog '")) ||
	    !(end = strstr(name + 6, "': ")))
		return 0;
	rest = end + 3;
	if (!strncmp(rest, "BPF program load failed: ", 25))
		snprintf(capture.first.why, sizeof(capture.first.why), "refused at load (%.*s)",
			 (int)strcspn(rest + 25, "\n"), rest + 25);
	else if (strstr(rest, "failed to find kernel BTF type ID"))
		snprintf(capture.first.why, sizeof(capture.first.why),
			 "its target is not in the kernel's BTF");
	else
		return 0;
	snprintf(capture.first.prog, sizeof(capture.first.prog), "%.*s", (int)(end - name - 6),
		 name + 6);
	return 0;
}

void eu_load_capture(bool verbose)
{
	memset(&capture, 0, sizeof(capture));
	capture.verbose = verbose;
	libbpf_set_print(print_capture);
}

bool eu_load_failure(struct eu_load_failure *f)
{
	*f = capture.first;
	memset(&capture.first, 0, sizeof(capture.first));
	return f->prog[0] != '\0';
}
