/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Structs shared by bpf/monitor.bpf.c and enforcer/monitor*.c. The maps they
 * describe are pinned under /sys/fs/bpf/eunomia/monitor, so their layout is
 * an interface between a running kernel side and any later daemon: change it
 * and bump MON_ABI.
 */
#ifndef EUNOMIA_MONITOR_H
#define EUNOMIA_MONITOR_H

#include "common.h"

#define MON_ABI 10

/* Where the daemon pins its programs' links and maps. */
#define MON_PIN_DIR "/sys/fs/bpf/eunomia/monitor"

#define MON_MAX_CTS 64		/* containers watched at once (policy slots) */
#define MON_PATH_MAX 512	/* 2 * EU_PATH_HALF: paths are at most 255 bytes */
#define MON_COMM_LEN 16
#define MON_RATE_KEYS 8192	/* distinct (container, kind, what) rate-limit entries */
#define MON_NOAUDIT_RANGES 8	/* kernel functions whose capability checks are probes */
#define MON_INTERVAL_NS 1000000000ULL /* one event per violation and interval */

/* mon_policy.flags */
#define MON_P_ACTIVE (1u << 0) /* the slot holds a container's policy */
#define MON_P_EXECS (1u << 1)  /* the profile lists executables: others are violations */
#define MON_P_FAMILIES (1u << 2) /* the profile lists socket families: others are violations */
#define MON_P_CAPS (1u << 3)	 /* the profile knows the capabilities: others are violations */
/*
 * The container runs under eunomia's filter, which hands what it refuses to
 * the monitor's seccomp agent: the syscall programs leave it alone (they run
 * only while a container without such a filter is held).
 */
#define MON_P_FILTERED (1u << 4)

/* What a container may do: its profile, as the kernel side checks it. */
struct mon_policy {
	__u32 flags;
	__u32 arch_present; /* bit per EU_ARCH_*: ABIs the profile has (others: every call) */
	__u64 caps;	    /* capabilities the profile used */
	__u64 caps_denied;  /* checked and refused while learning: refusals of these are known */
	__u64 generation;   /* changes with every registration of the slot */
	__u64 families;	    /* socket families (bit per AF_*) */
	__u64 syscalls[EU_ARCH_COUNT][EU_NR_WORDS];
};

/* Who a slot is, for events: written by whoever registers, read by the daemon. */
struct mon_container {
	char id[128];
	char name[128];
	char profile[256];
	char runtime[16]; /* runc, crun, podman, cri-o, containerd, docker, host; "" unknown */
	char pod[128];	  /* Kubernetes namespace/pod, or "" */
	char image[256];  /* or "" */
	char bundle[256]; /* or "" */
	__u32 pid;   /* init process when registered */
	__u32 mntns; /* its mount namespace: processes executing there join */
	__u64 generation; /* changes with every registration of the slot */
	char compose[128]; /* Docker Compose project/service, or "" */
};

/* config[0]: how violations are answered. */
#define MON_C_KILL (1u << 0)  /* SIGKILL the offending process */
#define MON_C_BLOCK (1u << 1) /* refuse with EPERM (LSM hooks only) */

struct mon_config {
	__u32 flags;
	__u32 abi;
	__u64 interval_ns; /* one event per (container, kind, what) per interval */
	__u64 noaudit[MON_NOAUDIT_RANGES][2]; /* [start, end) of those functions */
	char profiles_dir[256]; /* --profiles: where a profile named without a '/' is found */
};

/* stats[0]: counters of the kernel side. */
struct mon_stats {
	__u64 violations;
	__u64 events;	      /* events written to the ring buffer */
	__u64 events_dropped; /* the ring buffer was full: their violations go to the next one */
	__u64 tasks_lost;     /* out of task storage */
	__u64 rates_full;     /* violations the rate table had no room for (each got an event) */
	__u64 denials;	      /* syscalls of held tasks that seccomp refused (errno or kill) */
	__s64 live[MON_MAX_CTS]; /* living tasks per container slot */
};

/* Per task (task storage): the container slot it belongs to. */
struct mon_task {
	__u32 ct;
	__u32 flags;
	__u32 slot; /* its entry in mon_slots */
	/*
	 * 1 + the syscall (its number as sys_enter saw it) that sys_enter last
	 * found outside the profile, 0 for none: sys_exit sees such a syscall
	 * fail and knows that it ran, so seccomp did not refuse it.
	 */
	__u32 entered;
	/*
	 * MON_T_PENDING: the init pid of the container user space stored it for.
	 * The slot may be given to another container before the task's next
	 * syscall: then the task is not held (the same container registered
	 * again keeps its init, and its tasks).
	 */
	__u32 owner;
	__u32 pad;
};

#define MON_T_REGISTERED (1u << 0)
#define MON_T_DEAD (1u << 1)
/*
 * Written by user space (no task iterator: found in /proc, stored through a
 * pidfd): the task belongs to `ct`, but its slot and counts are the kernel's
 * to set, from the task's own context, at its next syscall. While any task is
 * pending (mon_pending), sys_enter takes the exact path for every task.
 */
#define MON_T_PENDING (1u << 2)

enum mon_kind {
	MON_EV_SYSCALL = 1,
	MON_EV_CAP = 2,
	MON_EV_EXEC = 3,
	MON_EV_SOCKET = 4,
	MON_EV_DENIAL = 5, /* a syscall seccomp refused: ret is the errno, or SIGSYS when killed */
};

enum mon_action {
	MON_ACT_ALERTED = 0,
	MON_ACT_DENIED = 1, /* refused with EPERM (MON_EV_DENIAL: by seccomp, with errno ret) */
	MON_ACT_KILLED = 2, /* SIGKILL sent (MON_EV_DENIAL: seccomp's SIGSYS) */
};

/*
 * Rate limiting: one entry per distinct violation of one registration of a
 * slot (its generation), so that a slot given to another container starts
 * afresh while the daemon still writes what the last one left unreported.
 */
struct mon_rate_key {
	__u32 ct;
	__u32 kind;
	__u32 arch;
	__s32 what;	 /* syscall number, capability */
	__u64 path_hash; /* MON_EV_EXEC: FNV-1a of the path */
	__u64 generation; /* of the slot's registration */
};

struct mon_rate {
	__u64 total;   /* violations seen */
	__u64 emitted; /* violations accounted for by events */
	__u64 last_ns; /* when the last event was written */
	__u32 action;
	__s32 ret;     /* capability: the kernel's answer (0 granted) */
	__u32 pid, tgid, ppid; /* the offender of the last event */
	__u32 pad;
	char comm[MON_COMM_LEN];
	__u64 args[6]; /* MON_EV_DENIAL: the syscall's arguments, of the last event */
};

struct mon_event {
	__u64 ts_ns;  /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 count;  /* violations this event stands for: 1 + those suppressed */
	/*
	 * The rate entry's running total this event accounts up to (0: an event of
	 * its own, the table was full). The daemon counts an event as the part of
	 * it no earlier event accounted for (mon_acct), whoever wrote it: the
	 * kernel, its flush iterator, or the daemon's own sweep of mon_rates.
	 */
	__u64 total;
	__u64 generation; /* of the container slot, when the violation happened */
	__u64 path_hash;  /* MON_EV_EXEC: names the path of a summary, which has none */
	__u32 kind;
	__u32 ct;
	__u32 pid;
	__u32 tgid;
	__u32 arch;
	__s32 what;
	__s32 ret;
	__u32 action;
	__u32 summary; /* 1: written by the periodic flush for suppressed violations */
	__u32 ppid;    /* the offender's parent process */
	char comm[MON_COMM_LEN];
	__u64 args[6]; /* MON_EV_DENIAL: the refused syscall's arguments */
	char path[MON_PATH_MAX]; /* MON_EV_EXEC: the file executed */
};

/* mon_acct: per rate entry, what the daemons have accounted for (user space only). */
struct mon_acct {
	__u64 accounted; /* the rate entry's total up to which events were written */
	__u64 swept;	 /* its total at the last sweep (no flush iterator): quiet since? */
	__u64 retiring;	 /* its registration ended: written out once; dropped the next time */
};

/* Key of the executables a container may run: zero-padded path. */
struct mon_exec_key {
	__u32 ct;
	__u32 pad;
	char path[MON_PATH_MAX];
};

#endif
