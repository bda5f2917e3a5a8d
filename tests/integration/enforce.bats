#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# eunomia enforce on this kernel, for real: profiles learned by eunomia learn,
# then the same workloads and some they never ran, under the profile.

load helpers

setup() {
	require_root
	WORK=$(mktemp -d /tmp/eunomia-enforce.XXXXXX)
}

teardown() {
	rm -rf "$WORK"
}

# with_caps PROFILE OUT CAP...: a copy of PROFILE whose capabilities.used are CAP...
with_caps() {
	local in=$1 out=$2
	shift 2
	awk -v caps="$*" '
		/^capabilities:/ {
			print
			n = split(caps, c, " ")
			if (n == 0) print "  used: []"
			else { print "  used:"; for (i = 1; i <= n; i++) print "  - " c[i] }
			print "  denied: []"
			skip = 1
			next
		}
		skip && /^[^ -]/ { skip = 0 }
		!skip { print }' "$in" >"$out"
}

@test "a learned workload runs clean under its profile" {
	local script='mkdir -p '"$WORK"'/d; echo hello >'"$WORK"'/d/f; cat '"$WORK"'/d/f; ls '"$WORK"'/d'
	"$EUNOMIA" learn -q -o "$WORK/p.yaml" -- "$BUSYBOX" sh -c "$script" >"$WORK/learned.out"
	rm -rf "$WORK/d"
	run "$EUNOMIA" enforce -q --profile "$WORK/p.yaml" -- "$BUSYBOX" sh -c "$script"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$WORK/learned.out")" ]
}

@test "syscalls outside the profile fail with EPERM: unshare, mount, keyctl, ptrace, bpf" {
	"$EUNOMIA" learn -q -o "$WORK/p.yaml" -- "$SYSPROBE" getppid >/dev/null
	run "$EUNOMIA" enforce -q --profile "$WORK/p.yaml" -- \
		"$SYSPROBE" getppid unshare mount keyctl ptrace bpf reboot
	[ "$status" -eq 0 ]
	[ "$output" = "getppid ok
unshare EPERM
mount EPERM
keyctl EPERM
ptrace EPERM
bpf EPERM
reboot EPERM" ]
	# without the filter the same calls fail otherwise: the EPERMs are the filter's
	run "$SYSPROBE" unshare mount bpf
	[[ "$output" != *EPERM* ]]
}

@test "--errno and --deny kill-process change what a denied syscall gets" {
	"$EUNOMIA" learn -q -o "$WORK/p.yaml" -- "$SYSPROBE" getppid >/dev/null
	run "$EUNOMIA" enforce -q --profile "$WORK/p.yaml" --errno 38 -- "$SYSPROBE" getppid bpf
	[ "$output" = "getppid ok
bpf ENOSYS" ]
	run "$EUNOMIA" enforce -q --profile "$WORK/p.yaml" --deny kill-process -- \
		"$SYSPROBE" getppid bpf
	[ "$status" -eq $((128 + 31)) ] # SIGSYS
}

@test "complain mode denies nothing" {
	"$EUNOMIA" learn -q -o "$WORK/p.yaml" -- "$SYSPROBE" getppid >/dev/null
	run "$EUNOMIA" enforce --mode complain --profile "$WORK/p.yaml" -- "$SYSPROBE" unshare bpf
	[ "$status" -eq 0 ]
	[[ "$output" == *"others logged (complain mode)"* ]]
	[[ "$output" == *"unshare EINVAL"* ]]
	[[ "$output" == *"bpf EINVAL"* ]]
}

@test "only the profile's capabilities remain, in every set, with no_new_privs" {
	"$EUNOMIA" learn -q -o "$WORK/learned.yaml" -- "$BUSYBOX" cat /proc/self/status >/dev/null
	with_caps "$WORK/learned.yaml" "$WORK/p.yaml" CAP_CHOWN CAP_NET_BIND_SERVICE
	run "$EUNOMIA" enforce -q --profile "$WORK/p.yaml" -- "$BUSYBOX" cat /proc/self/status
	[ "$status" -eq 0 ]
	# CAP_CHOWN is bit 0, CAP_NET_BIND_SERVICE bit 10
	[[ "$output" == *"CapInh:	0000000000000401"* ]]
	[[ "$output" == *"CapPrm:	0000000000000401"* ]]
	[[ "$output" == *"CapEff:	0000000000000401"* ]]
	[[ "$output" == *"CapBnd:	0000000000000401"* ]]
	[[ "$output" == *"CapAmb:	0000000000000401"* ]]
	[[ "$output" == *"NoNewPrivs:	1"* ]]
}

@test "--user changes user and group and keeps the profile's capabilities" {
	"$EUNOMIA" learn -q -o "$WORK/learned.yaml" -- "$BUSYBOX" cat /proc/self/status >/dev/null
	with_caps "$WORK/learned.yaml" "$WORK/p.yaml" CAP_NET_BIND_SERVICE
	run "$EUNOMIA" enforce -q --profile "$WORK/p.yaml" --user 1000:1001 -- \
		"$BUSYBOX" cat /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$output" == *"Uid:	1000	1000	1000	1000"* ]]
	[[ "$output" == *"Gid:	1001	1001	1001	1001"* ]]
	grep -qE '^Groups:[[:space:]]*$' <<<"$output" # no supplementary groups
	[[ "$output" == *"CapEff:	0000000000000400"* ]]
	[[ "$output" == *"CapBnd:	0000000000000400"* ]]
	[[ "$output" == *"CapAmb:	0000000000000400"* ]]
}

@test "a profile with no capabilities leaves a root command with none" {
	"$EUNOMIA" learn -q -o "$WORK/learned.yaml" -- "$BUSYBOX" cat /proc/self/status >/dev/null
	with_caps "$WORK/learned.yaml" "$WORK/p.yaml"
	run "$EUNOMIA" enforce -q --profile "$WORK/p.yaml" -- "$BUSYBOX" cat /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$output" == *"CapEff:	0000000000000000"* ]]
	[[ "$output" == *"CapBnd:	0000000000000000"* ]]
}

@test "syscalls the running kernel does not implement are named in a warning" {
	printf 'version: 1\narchitectures:\n  x86_64:\n    syscalls:\n' >"$WORK/p.yaml"
	printf '      %s: 1\n' _sysctl tuxcall umount2 getpid execve >>"$WORK/p.yaml"
	run "$EUNOMIA" enforce --profile "$WORK/p.yaml" --deny log -- /bin/true
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning: this kernel does not implement 2 syscalls the profile allows on x86_64 (_sysctl, tuxcall); they fail with ENOSYS"* ]]
	# a profile learned here names none
	"$EUNOMIA" learn -q -o "$WORK/l.yaml" -- /bin/true
	run "$EUNOMIA" enforce --profile "$WORK/l.yaml" -- /bin/true
	[[ "$output" != *warning* ]]
}

@test "bad input is a clear error and runs nothing" {
	run "$EUNOMIA" enforce -- /bin/true
	[ "$status" -eq 2 ]
	[[ "$output" == *"which profile? (--profile FILE)"* ]]
	run "$EUNOMIA" enforce --profile "$WORK/none.yaml" -- /bin/true
	[ "$status" -eq 4 ]
	[[ "$output" == *"$WORK/none.yaml"* ]]
	printf 'version: 1\narchitectures:\n  x86_64:\n    syscalls:\n      opnat: 1\n' >"$WORK/bad.yaml"
	run "$EUNOMIA" enforce --profile "$WORK/bad.yaml" -- /bin/true
	[ "$status" -eq 3 ]
	[[ "$output" == *"$WORK/bad.yaml:5:7: unknown syscall 'opnat' for architecture x86_64"* ]]
	printf 'version: 1\narchitectures:\n  x86_64:\n    syscalls:\n      read: 1\n' >"$WORK/noexec.yaml"
	run "$EUNOMIA" enforce --profile "$WORK/noexec.yaml" -- /bin/true
	[ "$status" -eq 3 ]
	[[ "$output" == *"does not allow execve on x86_64, so no command can be started under it"* ]]
	"$EUNOMIA" learn -q -o "$WORK/p.yaml" -- /bin/true
	run "$EUNOMIA" enforce --profile "$WORK/p.yaml" -- /nonexistent/cmd
	[ "$status" -eq 8 ]
	[[ "$output" == *"cannot run /nonexistent/cmd: No such file or directory"* ]]
	run "$EUNOMIA" enforce --profile "$WORK/p.yaml" --deny allow -- /bin/true
	[ "$status" -eq 2 ]
	run "$EUNOMIA" enforce --profile "$WORK/p.yaml" --user root -- /bin/true
	[ "$status" -eq 2 ]
	[[ "$output" == *"--user expects UID or UID:GID (numbers), not 'root'"* ]]
	run "$EUNOMIA" enforce --profile "$WORK/p.yaml" /bin/true
	[ "$status" -eq 2 ]
	run "$EUNOMIA" enforce --profile
	[ "$status" -eq 2 ]
	[[ "$output" == *"option --profile needs a value"* ]]
}
