/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few syscalls whose arguments learning records, because one of their
 * values holds an escape the syscall's name does not show: socket(2) and
 * socketpair(2) families (AF_NETLINK, AF_PACKET, AF_ALG, AF_VSOCK have all
 * carried container escapes), the namespace flags of clone(2) and unshare(2),
 * prctl(2) options, personality(2) personas, ioctl(2) requests and setns(2)
 * namespace types. Each learned value becomes one rule of the profile
 * ("allow if arg0 == 16"); every other allowed syscall stays argument-free, on
 * the kernel's constant-action path. clone3(2) passes its flags behind a
 * pointer seccomp cannot read: learned without namespace flags, it is answered
 * ENOSYS (glibc then calls clone(2), whose flags the filter reads), as Docker's
 * and podman's default profiles do.
 */
#ifndef EUNOMIA_ARGSPEC_H
#define EUNOMIA_ARGSPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "rule.h"

struct eu_profile;

/* How an argument is compared (LEARN_ARG_* in bpf/learn.h, which the kernel side records). */
enum eu_argkind {
	EU_ARGK_EQ = 0,	     /* the value itself: one rule per value */
	EU_ARGK_NSFLAGS = 1, /* only its CLONE_NEW* bits: one rule per combination */
	EU_ARGK_CLONE3 = 2,  /* clone3: the flags of the struct its first argument points to */
};

/* Every namespace flag of clone(2), clone3(2) and unshare(2). */
#define EU_CLONE_NEW_MASK 0x7e020080ULL

struct eu_argspec {
	const char *syscall;
	uint8_t arg; /* which argument (0-5) */
	enum eu_argkind kind;
	/* More distinct values than this and the syscall stays argument-free (0: no bound). */
	unsigned int max_values;
};

/* The argument learned for syscall nr of arch, or NULL (most syscalls). */
const struct eu_argspec *eu_argspec_find(int arch, int nr);

/* The same by name ("socket"), or NULL. */
const struct eu_argspec *eu_argspec_by_name(const char *syscall);

/*
 * Can a filter hold this argument on this ABI? Not i386's socket(2) and
 * socketpair(2): libseccomp turns a rule on them into one on socketcall(2)
 * too, whose arguments are behind a pointer, which would allow every family
 * there. Those stay argument-free.
 */
bool eu_argspec_holds(const struct eu_argspec *s, int arch);

/* eu_argspec_find()'s spec, when a filter can hold the argument on that ABI; else NULL. */
const struct eu_argspec *eu_argspec_held(int arch, int nr);

/*
 * The value of a refused call's watched argument as a key of the monitor's
 * rate table, so that socket(AF_NETLINK) and socket(AF_PACKET) make an event
 * each: small values as they are, others folded into 256 more, so that a
 * container trying every value cannot grow the table without bound. 0 for a
 * syscall with no spec, or clone3 (a pointer).
 */
uint64_t eu_argspec_key(int arch, int nr, const uint64_t *args);

/* Every spec, NULL-terminated, for tables and the kernel side's watch list. */
const struct eu_argspec *const *eu_argspec_all(void);

/*
 * The rule allowing `value` (for EU_ARGK_NSFLAGS, its namespace bits) of
 * syscall nr of arch: "allow if arg0 == 16", "allow if arg0 & 0x7e020080 == 0".
 * Not for EU_ARGK_CLONE3: its argument is a pointer, so no rule on it means
 * anything; clone3 is answered ENOSYS, or allowed outright.
 */
void eu_argspec_rule(const struct eu_argspec *s, int arch, int nr, uint64_t value,
		     struct eu_rule *r);

/*
 * The value a rule of eu_argspec_rule() allows; false when the rule is not
 * one of that form (an imported rule, a second condition, an errno).
 */
bool eu_argspec_rule_value(const struct eu_argspec *s, const struct eu_rule *r, uint64_t *value);

#endif
