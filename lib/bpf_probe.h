/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Probing what the running kernel lets us attach. Each probe loads a trivial
 * program of the exact kind and attaches it, because a kernel can accept a
 * program type and still refuse to load (fentry, LSM: EPERM when function
 * tracing is locked) or to attach (kprobe: no kprobe PMU) it.
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

/* "tp_btf", "raw_tp", ... as users type them in --*-hook options. */
const char *eu_hook_name(enum eu_hook h);
enum eu_hook eu_hook_from_name(const char *name);

bool eu_probe_tp_btf(const char *tp);
bool eu_probe_raw_tp(const char *tp);
bool eu_probe_tracepoint(const char *category, const char *name);
bool eu_probe_fexit(const char *func);
bool eu_probe_kprobe(const char *func);
bool eu_probe_lsm(const char *hook);
bool eu_probe_iter_task(void);
bool eu_probe_task_storage(void);
/* Does the kernel's BTF declare this kfunc (e.g. bpf_rdonly_cast, Linux 6.2+)? */
bool eu_probe_kfunc(const char *name);

/* Probe one hook kind for a tracepoint or kernel function. */
bool eu_probe_hook(enum eu_hook h, const char *category, const char *name);

/* Mount tracefs on /sys/kernel/tracing when it is not there (classic tracepoints need it). */
int eu_ensure_tracefs(struct eu_err *err);

#endif
