#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every syscall mechanism learns: tp_btf (the default), raw_tp, and the classic
# tracepoint through tracefs. tp_btf counts without helper calls where the kernel
# has bpf_rdonly_cast (Linux 6.2+) and says which it does.
. /tests/lib.sh

# Linux 6.2 brought bpf_rdonly_cast: "6.1.0-56-amd64" -> 601, "6.12.57+deb12-amd64" -> 612.
version=$(uname -r | awk -F. '{ print $1 * 100 + $2 }')
if [ "$version" -ge 602 ]; then
	tp_btf_path="tp_btf/sys_enter (helper-free fast path)"
else
	tp_btf_path="tp_btf/sys_enter (no fast path: the kernel lacks bpf_rdonly_cast)"
fi

for hook in tp_btf raw_tp tracepoint; do
	learn "sys-$hook" --syscall-hook "$hook" -- true
	learned "$hook-learn-succeeds" || continue
	expect "$hook-named" "the start-up line does not name $hook/sys_enter" \
		stderr_says "syscalls via $hook/sys_enter"
	expect "$hook-has-execve" "execve not under x86_64.syscalls" has_syscall x86_64 execve
	expect "$hook-has-exit_group" "exit_group not under x86_64.syscalls" \
		has_syscall x86_64 exit_group
done
learn sys-path -- true
expect tp_btf-path-named "the start-up line does not say: $tp_btf_path" \
	stderr_says "syscalls via $tp_btf_path"

# More tasks alive at once (4800) than the fast path has slots (4096): every
# getppid is counted, whichever path its task took.
for hook in tp_btf raw_tp; do
	learn "storm-$hook" --syscall-hook "$hook" -- /storm 300 16 20
	learned "$hook-storm-learn-succeeds" || continue
	n=$(awk '/^      getppid:/ { print $2; exit }' "$last_out") # syscalls, not first_seen
	expect "$hook-storm-exact" "getppid counted $n times, not 96000" [ "$n" = 96000 ]
done
finish
