#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# eunomia learn on a 32-bit program: its syscalls are learned under i386, and
# the execve that starts it (entered by the 64-bit parent) under x86_64.
. /tests/lib.sh

learn_i386_getppid i386 /i386_hello "the 32-bit program's getppid"

expect i386-section "no i386 section under architectures" has_arch i386
expect i386-has-write "write not under i386.syscalls" has_syscall i386 write
expect x86_64-lacks-getppid "getppid under x86_64: the 32-bit program made none" \
	lacks_syscall x86_64 getppid
expect exec-recorded "/i386_hello not under executables" ran_exec /i386_hello

# eunomia learn promises that a command's profile begins with its own execve: the
# only 64-bit syscall of a 32-bit program is the exec that started it. What the
# held child does between fork and exec leaks in or not depending on scheduling
# (most runs, not all), so three runs must all be clean.
extra=
for run in 1 2 3; do
	[ "$run" = 1 ] || learn "i386-$run" -- /i386_hello
	syscalls_are x86_64 execve || extra="$extra run $run: [$(syscall_list x86_64)];"
done
expect x86_64-only-execve "x86_64.syscalls is not just [execve]:${extra%;}" test -z "$extra"
finish
