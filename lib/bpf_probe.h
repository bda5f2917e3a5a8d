/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Probing what the running kernel lets us attach. Each probe loads a trivial
 * program of the exact kind and attaches it, because a kernel can accept a
 * program type and still refuse to load (fentry, LSM: EPERM when function
 * tracing is locked) or to attach (kprobe: no kprobe PMU) it. A probe that
 * fails says why (eu_probes_why), for the line each command prints at start-up.
 *
 * EUNOMIA_REFUSE names mechanisms to treat as refused, so that every fallback
 * can be tested on a kernel that has the real thing: words KIND or KIND/TARGET,
 * separated by commas, KIND one of tp_btf, raw_tp, tracepoint, fexit, kprobe,
 * lsm, iter ("tp_btf/sys_enter,iter/bpf_map_elem,iter/task").
 */
#ifndef EUNOMIA_BPF_PROBE_H
#define EUNOMIA_BPF_PROBE_H

#include <stdbool.h>

#include "errors.h"

enum eu_hook {
	EU_HOOK_NONE = 0,
	EU_HOOK_TP_BTF,	    /* BTF-typed raw tracepoint */
	EU_HOOK_RAW_TP,	    /* raw tracepoint */
	EU_HOOK_TRACEPOINT, /* classic tracepoint, through tracefs and perf */
	EU_HOOK_FEXIT,	    /* fentry/fexit trampoline */
	EU_HOOK_KPROBE,	    /* kprobe/kretprobe */
	EU_HOOK_LSM,	    /* BPF-LSM */
};

/*
 * What a run of probes shares: the kernel's BTF, parsed once on first need
 * (each parse of /sys/kernel/btf/vmlinux costs ~10 ms, and start-up matters to
 * the OCI hook). Probes that need no BTF take it too, for one calling style.
 */
struct eu_probes;

struct eu_probes *eu_probes_new(void);
void eu_probes_free(struct eu_probes *p);

static inline void eu_probes_freep(struct eu_probes **p)
{
	eu_probes_free(*p);
}
#define _cleanup_probes_ __attribute__((cleanup(eu_probes_freep)))

/* Why the last probe that failed was refused: "EPERM at load (Operation not permitted)". */
const char *eu_probes_why(const struct eu_probes *p);

#define EU_REFUSE_ENV "EUNOMIA_REFUSE"

/* A usage error when EUNOMIA_REFUSE has a word that names no mechanism. */
int eu_refuse_check(struct eu_err *err);
/* Does EUNOMIA_REFUSE name KIND, or KIND/TARGET? */
bool eu_refused_on_purpose(const char *kind, const char *target);

/* "tp_btf", "raw_tp", ... as users type them in --*-hook options. */
const char *eu_hook_name(enum eu_hook h);
enum eu_hook eu_hook_from_name(const char *name);

bool eu_probe_tp_btf(struct eu_probes *p, const char *tp);
bool eu_probe_raw_tp(struct eu_probes *p, const char *tp);
bool eu_probe_tracepoint(struct eu_probes *p, const char *category, const char *name);
bool eu_probe_fexit(struct eu_probes *p, const char *func);
bool eu_probe_kprobe(struct eu_probes *p, const char *func);
bool eu_probe_lsm(struct eu_probes *p, const char *hook);
bool eu_probe_iter_task(struct eu_probes *p);
/* A BPF map element iterator (iter/bpf_map_elem), over a map of its own. */
bool eu_probe_iter_map(struct eu_probes *p);
bool eu_probe_task_storage(struct eu_probes *p);
/* Does the kernel's BTF declare this kfunc (e.g. bpf_rdonly_cast, Linux 6.2+)? */
bool eu_probe_kfunc(struct eu_probes *p, const char *name);

/* Probe one hook kind for a tracepoint or kernel function. */
bool eu_probe_hook(struct eu_probes *p, enum eu_hook h, const char *category, const char *name);

/* Mount tracefs on /sys/kernel/tracing when it is not there (classic tracepoints need it). */
int eu_ensure_tracefs(struct eu_err *err);

/* Run a BPF iterator link once to its end; `what` names it in errors. */
int eu_bpf_iter_run(int link_fd, const char *what, struct eu_err *err);

/*
 * Which program a failed bpf_object load names. eu_load_capture() takes over
 * libbpf's messages (shown only when `verbose`) until another print function
 * is set; after a load fails, eu_load_failure() gives the first program the
 * kernel refused and why, so that a command can go on without it (false: the
 * failure named no program, e.g. a pinned map that does not match).
 */
struct eu_load_failure {
	char prog[64];
	char why[192];
};

void eu_load_capture(bool verbose);
bool eu_load_failure(struct eu_load_failure *f);

/* Mount the BPF file system on /sys/fs/bpf when it is not there (pinned maps and links). */
int eu_ensure_bpffs(struct eu_err *err);

#endif
