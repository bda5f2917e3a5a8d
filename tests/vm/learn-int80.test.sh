#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# eunomia learn on a 64-bit program that makes one syscall through int $0x80:
# that one is i386 getppid, everything else is x86_64.
. /tests/lib.sh

learn_i386_getppid int80 /int80 "the int \$0x80 getppid"

expect x86_64-has-getpid "getpid not under x86_64.syscalls" has_syscall x86_64 getpid
expect x86_64-has-write "write not under x86_64.syscalls" has_syscall x86_64 write
# The kernel clears TS_COMPAT on the way out: later 64-bit calls must not stay i386.
expect i386-lacks-write "write under i386: 64-bit calls after int \$0x80 taken as i386" \
	lacks_syscall i386 write
expect i386-only-getppid "i386.syscalls is [$(syscall_list i386)], not [getppid]" \
	syscalls_are i386 getppid
finish
