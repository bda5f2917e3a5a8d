/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Constants shared by the BPF programs and user space: plain defines only, no
 * kernel or libc headers, so both sides can include it.
 */
#ifndef EUNOMIA_BPF_COMMON_H
#define EUNOMIA_BPF_COMMON_H

/* Syscall ABIs a task can use on an x86_64 kernel, as indices. */
#define EU_ARCH_X86_64 0
#define EU_ARCH_I386 1
#define EU_ARCH_X32 2
#define EU_ARCH_COUNT 3

/*
 * Syscall numbers recorded per ABI. The highest today is x32's 547; numbers
 * at or above this are counted as "out of range" rather than dropped silently.
 */
#define EU_NR_MAX 1024
#define EU_NR_WORDS (EU_NR_MAX / 64)

/* x32 syscalls carry this bit in the number (__X32_SYSCALL_BIT). */
#define EU_X32_SYSCALL_BIT 0x40000000

/* Capabilities fit in one 64-bit mask (the kernel defines 41 today). */
#define EU_CAP_MAX 64

#endif
