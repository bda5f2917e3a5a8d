#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# eunomia learn on a 32-bit program: its syscalls are learned under i386, and
# the execve that starts it (entered by the 64-bit parent) under x86_64.
. /tests/lib.sh

learn i386 -- /i386_hello
learned learn-succeeds || finish

expect i386-section "no i386 section under architectures" has_arch i386
expect i386-has-getppid "getppid not under i386.syscalls" has_syscall i386 getppid
expect i386-has-write "write not under i386.syscalls" has_syscall i386 write
expect x86_64-has-execve "execve not under x86_64.syscalls" has_syscall x86_64 execve
# i386 getppid is 64, x86_64's semget: a 32-bit call read with the 64-bit table.
expect x86_64-lacks-semget "semget under x86_64: an i386 syscall misread as 64-bit" \
	lacks_syscall x86_64 semget
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
