// SPDX-License-Identifier: GPL-2.0-only
/*
 * The floor for any syscall tracer: a tp_btf/sys_enter program that does
 * nothing. Its cost is the kernel's alone (the syscall slow path and the call
 * into BPF), so bench/learn-overhead.sh measures eunomia against it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(noop, struct pt_regs *regs, long id)
{
	return 0;
}

/*
 * The same on sys_exit, loaded only when asked (noop_loader --sys-exit): the floor
 * of a tracer on both, as the monitor is when it watches for seccomp's refusals.
 */
SEC("?tp_btf/sys_exit")
int BPF_PROG(noop_exit, struct pt_regs *regs, long ret)
{
	return 0;
}
