#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every syscall mechanism learns on 6.1: tp_btf (the default), raw_tp, and the
# classic tracepoint through tracefs.
. /tests/lib.sh

for hook in tp_btf raw_tp tracepoint; do
	learn "sys-$hook" --syscall-hook "$hook" -- true
	learned "$hook-learn-succeeds" || continue
	expect "$hook-named" "the start-up line does not name $hook/sys_enter" \
		stderr_says "syscalls via $hook/sys_enter"
	expect "$hook-has-execve" "execve not under x86_64.syscalls" has_syscall x86_64 execve
	expect "$hook-has-exit_group" "exit_group not under x86_64.syscalls" \
		has_syscall x86_64 exit_group
done
finish
