/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The profile model: what one container was seen to need from the kernel.
 * profile.c owns the model and its operations; profile_yaml*.c its YAML form
 * (reader, schema, writer).
 */
#ifndef EUNOMIA_PROFILE_H
#define EUNOMIA_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "errors.h"
#include "rule.h"

#define EU_PROFILE_VERSION 1

/* Syscalls of one ABI. A syscall is in the profile when its bit is set. */
struct eu_syscall_set {
	bool present; /* the profile has a section for this ABI */
	uint64_t bits[EU_NR_WORDS];
	uint64_t count[EU_NR_MAX]; /* times seen while learning; 0 = never counted */
	/*
	 * Syscalls whose argument learning records (argspec.h) but which stay
	 * allowed outright: more values than the bound, a value the kernel side
	 * could not keep, or clone3 with namespace flags.
	 */
	uint64_t argfree[EU_NR_WORDS];
	/* When each syscall was first seen in its run (ms from the start), where known. */
	uint64_t first_known[EU_NR_WORDS];
	uint32_t first_ms[EU_NR_MAX];
};

/* A growable, sorted list of unique strings (executables, command words). */
struct eu_strv {
	char **v;
	size_t n, cap;
};

/* How learning decided which syscalls belong to the program (issue: learn precision). */
enum eu_boundary {
	EU_BOUNDARY_NONE = 0, /* everything the tracked processes did */
	EU_BOUNDARY_SECCOMP,  /* syscalls made under a seccomp filter */
	EU_BOUNDARY_EXEC,     /* from the execve of the container's process */
};

struct eu_meta {
	char *container_id;
	char *container_name;
	char *runtime;
	char *image;
	char *bundle;
	struct eu_strv command; /* argv of `learn -- CMD`, in order (not sorted) */
	char *kernel;
	char *learned_at;	  /* RFC 3339, UTC, of the first run */
	uint64_t duration_ms;	  /* summed over runs */
	uint32_t runs;		  /* learning runs merged into this profile */
	enum eu_boundary boundary;
	/*
	 * How long learning went on after the last new thing (syscall, argument
	 * value, capability) was seen: the longer, the likelier it is complete.
	 * Of merged runs, the least.
	 */
	bool has_quiet;
	uint64_t quiet_ms;
	/* What the runtime did before the boundary: shown, never allowed. */
	uint64_t setup_bits[EU_ARCH_COUNT][EU_NR_WORDS];
	uint64_t setup_caps;
};

/* What a syscall outside the profile gets. */
enum eu_deny {
	EU_DENY_ERRNO = 0,    /* fail with an errno (EPERM unless told otherwise) */
	EU_DENY_KILL_PROCESS, /* SIGSYS kills the whole process */
	EU_DENY_LOG,	      /* allowed, and logged by the kernel */
};

struct eu_profile {
	uint32_t version;
	struct eu_meta meta;
	/* The profile's own default for what it does not allow (imported ones have one). */
	bool has_default;
	enum eu_deny default_deny;
	uint32_t default_errno; /* with EU_DENY_ERRNO */
	struct eu_syscall_set arch[EU_ARCH_COUNT];
	/* Syscalls allowed under conditions, or failed with an errno; in order, no duplicates. */
	struct eu_rule *rules;
	size_t nrules, rules_cap;
	uint64_t caps_used;   /* capability checks that succeeded */
	uint64_t caps_denied; /* checked but refused: informational */
	/*
	 * Learned where the kernel let no program trace capability checks
	 * (capabilities.learned: false): the lists say nothing of what the
	 * container needs, so enforce leaves its capabilities alone and the
	 * monitor does not check them. A union with such a run is as unknowing.
	 */
	bool caps_unknown;
	struct eu_strv execs; /* executables the container ran */
	/*
	 * Socket address families created (bit per AF_*). Without the section
	 * (has_families false: an imported or older profile) nothing is known
	 * and the monitor does not check them.
	 */
	bool has_families;
	uint64_t families;
};

/* Heap-allocate an empty profile (the model is ~70 KiB); NULL on ENOMEM. */
struct eu_profile *eu_profile_new(void);
void eu_profile_free(struct eu_profile *p);

static inline bool eu_bit_test(const uint64_t *bits, unsigned int nr)
{
	return bits[nr / 64] & (1ULL << (nr % 64));
}

static inline void eu_bit_set(uint64_t *bits, unsigned int nr)
{
	bits[nr / 64] |= 1ULL << (nr % 64);
}

/*
 * Add syscall `nr` of `arch` with `count` observations (counts add). Allowed
 * outright, it needs no rules: those it had are dropped (a union).
 */
int eu_profile_add_syscall(struct eu_profile *p, int arch, int nr, uint64_t count,
			   struct eu_err *err);

/* Add a rule (marks its architecture present); an equal rule already there is kept once. */
int eu_profile_add_rule(struct eu_profile *p, const struct eu_rule *r, struct eu_err *err);

/* Note that syscall nr of arch was first seen `ms` after its run started (the earliest is kept). */
void eu_profile_first_seen(struct eu_profile *p, int arch, int nr, uint32_t ms);

/*
 * Learned values of a syscall's watched argument (argspec.h), for a syscall
 * the profile allows outright: it is allowed for those values only (one rule
 * each), unless `lost` (the kernel side could not keep every value) or there
 * are more than the spec's bound: then it stays argument-free, marked in
 * argfree. clone3 learned without namespace flags is answered ENOSYS and
 * clone allowed without them; with any, clone3 stays. *ruled says whether
 * rules were made. A syscall with no spec is left alone.
 */
int eu_profile_restrict_args(struct eu_profile *p, int arch, int nr, const uint64_t *values,
			     size_t n, bool lost, bool *ruled, struct eu_err *err);

/*
 * For a summary: the syscalls of arch restricted by argument rules ("socket 2
 * values, clone 1 namespace set, clone3 ENOSYS") and those left argument-free.
 */
void eu_profile_args_summary(const struct eu_profile *p, int arch, char *ruled, size_t rsize,
			     char *free_, size_t fsize);

/*
 * For a syscall whose rules all have conditions: the argument its first rule
 * compares, for a catch-all rule ("argN >= 0", true of every call) that
 * libseccomp tests after the others, so that a call no rule decides gets that
 * rule's action (the monitor's SCMP_ACT_NOTIFY) instead of the filter's
 * default. -1 when the syscall has no rules, or one that needs no condition.
 */
int eu_profile_fallback_arg(const struct eu_profile *p, int arch, int nr);

/* Does the profile have rules for syscall nr of arch? */
bool eu_profile_has_rules(const struct eu_profile *p, int arch, int nr);

/* True when the profile allows syscall nr of arch outright. */
bool eu_profile_has_syscall(const struct eu_profile *p, int arch, int nr);

/* Number of distinct syscalls of one ABI, or of all ABIs with arch == -1. */
size_t eu_profile_syscall_total(const struct eu_profile *p, int arch);

/* Fold `src` into `dst`: union of everything, counts and durations add. */
int eu_profile_merge(struct eu_profile *dst, const struct eu_profile *src, struct eu_err *err);

/* A deep copy of `src` (free it); NULL with *err set. */
struct eu_profile *eu_profile_copy(const struct eu_profile *src, struct eu_err *err);

/* Deep equality, for tests and for "did merge change anything". */
bool eu_profile_equal(const struct eu_profile *a, const struct eu_profile *b);

/* Replace *slot with a copy of s (NULL allowed). */
int eu_set_str(char **slot, const char *s, struct eu_err *err);

/* Sorted-unique string list operations. */
int eu_strv_add_sorted(struct eu_strv *sv, const char *s, struct eu_err *err);
int eu_strv_append(struct eu_strv *sv, const char *s, struct eu_err *err);
bool eu_strv_equal(const struct eu_strv *a, const struct eu_strv *b);
void eu_strv_free(struct eu_strv *sv);

const char *eu_boundary_name(enum eu_boundary b);

/* "errno", "kill-process", "log"; eu_deny_from_name() returns -1 for anything else. */
const char *eu_deny_name(enum eu_deny d);
int eu_deny_from_name(const char *name);
int eu_boundary_from_name(const char *name);

#endif
