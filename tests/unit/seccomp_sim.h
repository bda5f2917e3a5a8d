/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The filter libseccomp generates, run in-process as the kernel's seccomp runs
 * it: a test asks for the verdict on any call, of any ABI, with any arguments,
 * without loading the filter. A classic BPF interpreter for exactly the
 * instructions libseccomp emits; any other fails the test, never passes it.
 */
#ifndef EUNOMIA_TESTS_SECCOMP_SIM_H
#define EUNOMIA_TESTS_SECCOMP_SIM_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

struct sim_prog {
	struct sock_filter *insn;
	size_t len;
};

/*
 * The program seccomp_load() would hand the kernel. libseccomp 2.5 exports
 * only to a file descriptor (seccomp_export_bpf_mem() is 2.6's): a memfd.
 */
static void sim_export(scmp_filter_ctx ctx, struct sim_prog *prog)
{
	int fd = memfd_create("seccomp-sim", MFD_CLOEXEC);
	struct stat st;
	size_t size;

	assert_true(fd >= 0);
	assert_int_equal(seccomp_export_bpf(ctx, fd), 0);
	assert_int_equal(fstat(fd, &st), 0);
	size = (size_t)st.st_size;
	/* the kernel takes 1 to BPF_MAXINSNS whole instructions */
	assert_true(size && size % sizeof(*prog->insn) == 0);
	assert_true(size / sizeof(*prog->insn) <= BPF_MAXINSNS);
	prog->insn = malloc(size);
	assert_non_null(prog->insn);
	assert_int_equal(pread(fd, prog->insn, size, 0), (ssize_t)size);
	prog->len = size / sizeof(*prog->insn);
	close(fd);
}

static void sim_free(struct sim_prog *prog)
{
	free(prog->insn);
	prog->insn = NULL;
	prog->len = 0;
}

/*
 * The filter's return value for one call: SECCOMP_RET_* action | data. Loads
 * read the 32-bit word at an offset of struct seccomp_data as it lies in
 * memory, as the kernel's do, so an argument's halves are where the host's
 * byte order puts them. Jumps only go forward (the kernel checks), so every
 * run ends: at a return, or off the end, which fails.
 */
static uint32_t sim_run(const struct sim_prog *prog, const struct seccomp_data *d)
{
	uint32_t a = 0;

	for (size_t pc = 0; pc < prog->len; pc++) {
		const struct sock_filter *f = &prog->insn[pc];
		bool jump;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			/* seccomp's checker takes only aligned words inside seccomp_data */
			if (f->k % 4 || f->k > sizeof(*d) - 4)
				fail_msg("seccomp_sim: instruction %zu loads offset %u", pc, f->k);
			memcpy(&a, (const char *)d + f->k, sizeof(a));
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= f->k;
			continue;
		case BPF_JMP | BPF_JA:
			pc += f->k;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
			jump = a == f->k;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			jump = a > f->k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			jump = a >= f->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			jump = a & f->k;
			break;
		case BPF_RET | BPF_K:
			return f->k;
		default:
			/* scratch memory, the X register, ...: libseccomp 2.5 emits none */
			fail_msg("seccomp_sim: instruction %zu has opcode 0x%04x, which the "
				 "simulator does not run",
				 pc, f->code);
			return SECCOMP_RET_KILL_PROCESS; /* not reached: fail_msg() jumps out */
		}
		pc += jump ? f->jt : f->jf;
	}
	fail_msg("seccomp_sim: the program ran past its last instruction");
	return SECCOMP_RET_KILL_PROCESS; /* not reached */
}

/* A verdict as the tests' messages show it: "allow", "errno 1", "notify". */
static const char *sim_verdict_str(uint32_t ret, char *buf, size_t size)
{
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		return "allow";
	case SECCOMP_RET_ERRNO:
		snprintf(buf, size, "errno %u", ret & SECCOMP_RET_DATA);
		return buf;
	case SECCOMP_RET_USER_NOTIF:
		return "notify";
	case SECCOMP_RET_KILL_PROCESS:
		return "kill-process";
	case SECCOMP_RET_KILL_THREAD:
		return "kill-thread";
	case SECCOMP_RET_LOG:
		return "log";
	default:
		snprintf(buf, size, "0x%08x", ret);
		return buf;
	}
}

#endif
