/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Syscall ABIs and names. Names and numbers come from libseccomp's own
 * per-architecture tables, so they agree with the filters we build from them.
 */
#ifndef EUNOMIA_SYSCALLS_H
#define EUNOMIA_SYSCALLS_H

#include <stdint.h>

#include "common.h"

/* The profile's name of an ABI ("x86_64", "i386", "x32"), or NULL. */
const char *eu_arch_name(int arch);

/* Index of a profile ABI name, or -1. Also accepts libseccomp/OCI spellings. */
int eu_arch_from_name(const char *name);

/* libseccomp's token (SCMP_ARCH_*) for an ABI index. */
uint32_t eu_arch_token(int arch);

/* The ABI eunomia itself runs as (x86_64 on an x86_64 build). */
int eu_arch_native(void);

/*
 * Name of syscall `nr` (without the x32 bit) in `arch`; NULL when libseccomp
 * has no name for it. The caller frees the result.
 */
char *eu_syscall_name(int arch, int nr);

/* Number of the syscall `name` in `arch` (without the x32 bit), or -1. */
int eu_syscall_nr(int arch, const char *name);

#endif
