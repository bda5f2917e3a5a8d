// SPDX-License-Identifier: GPL-2.0-only
/*
 * A 64-bit program for the VM tests that makes one 32-bit syscall through
 * int $0x80: the kernel runs it as i386 getppid (64), which as an x86_64 number
 * would be semget. Everything else it does is an ordinary 64-bit syscall.
 */
#include <sys/syscall.h>
#include <unistd.h>

#define I386_NR_GETPPID 64

static long int80_syscall0(long nr)
{
	long ret;

	/* int $0x80 takes 32-bit arguments in ebx, ecx, ...; getppid takes none. */
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

int main(void)
{
	static const char msg[] = "int80: a 32-bit syscall from 64-bit code\n";
	long ppid32 = int80_syscall0(I386_NR_GETPPID);
	long pid64 = syscall(SYS_getpid);

	/* Both ABIs must agree on the parent, or the int $0x80 call did not run. */
	if (ppid32 <= 0 || ppid32 != getppid() || pid64 <= 0)
		return 1;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) != (ssize_t)(sizeof(msg) - 1))
		return 1;
	return 0;
}
