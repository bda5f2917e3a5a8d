/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Structs shared by bpf/learn.bpf.c and profiler/: fixed-width types only, so
 * the layout is the same on both sides of the ring buffer.
 */
#ifndef EUNOMIA_LEARN_H
#define EUNOMIA_LEARN_H

#include "common.h"
#include "slot.h" /* the skeleton's .bss holds the slot table */

/* Per-task state, kept in task storage. */
#define LEARN_T_REGISTERED (1u << 0) /* counted in live_tasks */
#define LEARN_T_DEAD (1u << 1)	     /* exited; no longer counted */
#define LEARN_T_SYSCALLS (1u << 2)   /* this task's syscalls belong to the profile */
#define LEARN_T_CAPS (1u << 3)	     /* this task's capability checks belong to the profile */
#define LEARN_T_HELD (1u << 4)	     /* eunomia's own child: nothing counts until its execve */
/*
 * Stored by user space through a pidfd (no task iterator): registered by the
 * kernel, from the task's own context, at its next syscall. While any task is
 * pending (seed_pending), sys_enter takes the exact path for every task.
 */
#define LEARN_T_PENDING (1u << 5)

struct learn_task {
	__u32 flags;
	__s32 pending_cap; /* kprobe fallback: capability being checked, -1 if none */
	__u32 slot;	   /* index in `slots` (bpf/syscall.bpf.h): where this task is counted */
	__u32 pad;
	__u64 filter0;	   /* its seccomp filter when registered: a new one crosses the boundary */
};

/* Which tasks the seeding iterator registers (set through .bss before running it). */
#define LEARN_SEED_REGISTER 0 /* register matching tasks */
#define LEARN_SEED_COUNT 1    /* only count registered, living tasks */

/*
 * Learning boundaries (mirror enum eu_boundary in lib/profile.h): where a
 * starting container's syscalls begin to count. With SECCOMP, a task crosses
 * when a seccomp filter is stacked on it (the runtime loaded the container's),
 * or at its execve if that comes first; with EXEC, at its execve.
 */
#define LEARN_BOUNDARY_NONE 0
#define LEARN_BOUNDARY_SECCOMP 1
#define LEARN_BOUNDARY_EXEC 2

enum learn_event_kind {
	LEARN_EV_SYSCALL = 1, /* a syscall seen for the first time */
	LEARN_EV_CAP = 2,     /* a capability checked for the first time */
	LEARN_EV_EXEC = 3,    /* a tracked task executed a file */
	LEARN_EV_EMPTY = 4,   /* the last tracked task exited */
	LEARN_EV_ARG = 5,     /* a watched argument's value seen for the first time */
};

#define LEARN_PATH_MAX 512 /* 2 * EU_PATH_HALF: paths are at most 255 bytes */
#define LEARN_COMM_LEN 16

struct learn_event {
	__u64 ts_ns;
	__u32 kind;
	__u32 pid; /* thread id */
	__u32 tgid;
	__u32 arch;	 /* EU_ARCH_* for LEARN_EV_SYSCALL */
	__s32 nr;	 /* syscall number or capability */
	__s32 ret;	 /* capability check result: 0 granted */
	__u32 setup;	 /* 1: seen before the learning boundary (runtime setup) */
	__u32 ppid;	 /* the process's parent (tgid) */
	__u64 stack;	 /* LEARN_EV_CAP: the site's stack hash (learn_cap_key.stack) */
	__u64 value;	 /* LEARN_EV_ARG: the value (learn_arg_key.value) */
	char comm[LEARN_COMM_LEN];
	char path[LEARN_PATH_MAX];	/* LEARN_EV_EXEC: the file that runs (resolved) */
	char request[LEARN_PATH_MAX]; /* LEARN_EV_EXEC: the name execve() was given */
};

/*
 * A distinct capability check: which capability, its result, and the kernel
 * stack it came from. User space reads the stacks to set aside the checks the
 * kernel makes without auditing them (CAP_OPT_NOAUDIT, e.g. the memory
 * overcommit heuristic's CAP_SYS_ADMIN on every mmap), which the cap_capable
 * tracepoint does not flag. The stack is kept in the site itself, keyed by a
 * hash of it: a stack map loses stacks whose hash bucket is taken (-EEXIST),
 * and a lost stack made an unaudited check look like a need.
 */
struct learn_cap_key {
	__u64 stack; /* FNV-1a of the stack's addresses */
	__u16 cap;
	__u8 granted;
	__u8 setup;
	__u32 pad;
};

#define LEARN_STACK_DEPTH 16

struct learn_cap_site {
	__u64 count;
	__u64 ips[LEARN_STACK_DEPTH]; /* kernel return addresses, innermost first; 0 ends */
};
#define LEARN_CAP_SITES 4096

/*
 * The syscalls whose arguments are learned (lib/argspec.h), in a table user
 * space fills before load: arg_watch[arch][nr] is 0 for every other syscall,
 * else LEARN_ARG_ON | kind << 4 | the argument's index (0 or 1).
 */
#define LEARN_ARG_ON 0x80
#define LEARN_ARG_EQ 0	    /* the value as passed */
#define LEARN_ARG_NSFLAGS 1 /* its namespace bits (EU_CLONE_NEW_MASK) */
#define LEARN_ARG_CLONE3 2  /* the namespace bits of the clone_args it points to */
#define LEARN_ARG_KIND(w) (((w) >> 4) & 7)
#define LEARN_ARG_INDEX(w) ((w) & 1)
#define LEARN_CLONE_NEW_MASK 0x7e020080ULL
/* clone3's clone_args could not be read: its flags are unknown */
#define LEARN_ARG_UNREADABLE (~0ULL)

/*
 * A distinct value of a watched argument. The map holds LEARN_ARG_VALUES;
 * a syscall whose value found it full is marked in args_lost, and user space
 * leaves it argument-free.
 */
struct learn_arg_key {
	__u32 arch;
	__u32 nr;
	__u64 value;
};
#define LEARN_ARG_VALUES 4096

/* Per-CPU syscall counters; user space sums the CPUs. */
struct learn_counts {
	__u64 n[EU_ARCH_COUNT][EU_NR_MAX];
};

#endif
