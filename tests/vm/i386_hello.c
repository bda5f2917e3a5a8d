// SPDX-License-Identifier: GPL-2.0-only
/*
 * A 32-bit (i386) program for the VM tests, built with gcc -m32 -static: its
 * getppid and write can only be learned under the profile's i386 section.
 */
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	static const char msg[] = "i386_hello: hello from 32-bit code\n";

	/* The raw syscall, so that no libc caching can skip it. */
	if (syscall(SYS_getppid) < 0)
		return 1;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) != (ssize_t)(sizeof(msg) - 1))
		return 1;
	return 0;
}
