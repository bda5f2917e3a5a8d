#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# eunomia and the profiles the container world already uses: podman's default
# seccomp profile imported, then enforced by eunomia beside podman (with runc)
# enforcing the same JSON natively. They must agree, call for call.

load helpers

PODMAN_PROFILE=/usr/share/containers/seccomp.json

# Calls whose outcome the filter decides: allowed, denied by podman's default
# (ENOSYS), by an EPERM rule, by a capability condition, or by an argument rule
# (personality personas, socket(AF_NETLINK, ..., NETLINK_AUDIT), clone flags).
CALLS="getppid personality personality:0 personality:8 personality:1 personality:0x20000
	socket:16:3:9 socket:16:3:0 socket:1:1:0 clone:0x20000 clone:17 clone3 unshare0
	unshare:0x20000 bpf reboot kexec_load acct chroot perf_event_open userfaultfd
	io_uring_setup pidfd_open open_by_handle_at setns syslog add_key keyctl ptrace mount
	settimeofday vhangup init_module"

setup() {
	require_root
	WORK=$(mktemp -d /tmp/eunomia-interop.XXXXXX)
}

teardown() {
	rm -rf "$WORK"
}

require_podman_profile() {
	[ -r "$PODMAN_PROFILE" ] ||
		skip "no $PODMAN_PROFILE (install package golang-github-containers-common)"
}

@test "podman's default profile imports with its default, its rules and its architectures" {
	require_podman_profile
	run "$EUNOMIA" import -o "$WORK/podman.yaml" "$PODMAN_PROFILE"
	[ "$status" -eq 0 ]
	[[ "$output" == *"profile written to $WORK/podman.yaml"* ]]
	local p=$WORK/podman.yaml
	grep -qx 'default_action: errno 38' "$p"
	grep -qx '  x86_64:' "$p"
	grep -qx '  i386:' "$p"
	grep -qx '  x32:' "$p"
	assert_has_syscall "$p" x86_64 read
	assert_has_syscall "$p" x86_64 arch_prctl # includes.arches: amd64
	assert_no_syscall "$p" x86_64 bpf         # includes.caps: CAP_SYS_ADMIN
	sed -n '/^  x86_64:/,/^  i386:/p' "$p" >"$WORK/x86_64"
	grep -qx '      - allow if arg0 == 131080' "$WORK/x86_64"
	grep -qx '      - errno 22 if arg0 == 16 && arg2 == 9' "$WORK/x86_64"
	grep -A1 -x '      bpf:' "$WORK/x86_64" | grep -qx '      - errno 1'
	grep -qx -- '  - CAP_SYS_CHROOT' "$p"
	# a capability the container has changes what is imported
	"$EUNOMIA" import -q --caps CAP_SYS_ADMIN -o "$WORK/admin.yaml" "$PODMAN_PROFILE"
	assert_has_syscall "$WORK/admin.yaml" x86_64 bpf
}

# differential [CAP...]: the same calls under podman with runc and under eunomia enforce.
differential() {
	local caps=CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_NET_BIND_SERVICE
	caps+=,CAP_SETFCAP,CAP_SETGID,CAP_SETPCAP,CAP_SETUID,CAP_SYS_CHROOT
	local c add=()
	for c in "$@"; do
		caps+=",$c"
		add+=(--cap-add "$c")
	done
	ensure_busybox_image
	# shellcheck disable=SC2086
	podman_run --security-opt "seccomp=$PODMAN_PROFILE" "${add[@]}" -v "$TEST_BIN:/t:ro" \
		localhost/eunomia-busybox:test /t/sysprobe $CALLS >"$WORK/podman.out"
	"$EUNOMIA" import -q --caps "$caps" -o "$WORK/imported.yaml" "$PODMAN_PROFILE"
	# shellcheck disable=SC2086
	"$EUNOMIA" enforce -q --profile "$WORK/imported.yaml" -- "$SYSPROBE" $CALLS \
		>"$WORK/eunomia.out"
	[ "$(wc -l <"$WORK/podman.out")" -eq "$(echo $CALLS | wc -w)" ]
	diff -u "$WORK/podman.out" "$WORK/eunomia.out"
}

@test "differential: podman's profile under eunomia enforce and under podman with runc agree" {
	require_podman_profile
	require_cmd podman
	differential
	# and the calls were decided in more than one way, or agreement would prove little
	grep -qx 'personality:1 ENOSYS' "$WORK/eunomia.out"
	grep -qx 'bpf EPERM' "$WORK/eunomia.out"
	grep -qx 'socket:16:3:9 EINVAL' "$WORK/eunomia.out"
	grep -qx 'personality:8 ok' "$WORK/eunomia.out"
}

@test "differential: with CAP_SYS_ADMIN added to the container they agree as well" {
	require_podman_profile
	require_cmd podman
	differential CAP_SYS_ADMIN
	# bpf is now allowed by the profile; the kernel answers the bad arguments
	grep -qx 'bpf EINVAL' "$WORK/eunomia.out"
}

@test "import refuses what it cannot represent, and says where" {
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []}' >"$WORK/allow.json"
	run "$EUNOMIA" import "$WORK/allow.json"
	[ "$status" -eq 3 ]
	[[ "$output" == *"$WORK/allow.json: defaultAction SCMP_ACT_ALLOW: an eunomia profile lists what is allowed"* ]]
	printf '{"defaultAction": "SCMP_ACT_ERRNO",\n "syscalls": [\n  {"names": ["read"], ' >"$WORK/bad.json"
	printf '"action": "SCMP_ACT_ALLOW",\n   "args": [{"index": 0, "op": "SCMP_CMP_ABOUT"}]}]}' >>"$WORK/bad.json"
	run "$EUNOMIA" import "$WORK/bad.json"
	[ "$status" -eq 3 ]
	[[ "$output" == *"$WORK/bad.json: syscalls[0]: args[0]: unknown op 'SCMP_CMP_ABOUT'"* ]]
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [\n  {"names": ["read"], "action": "SCMP_ACT_TRACE"}]}' >"$WORK/trace.json"
	run "$EUNOMIA" import "$WORK/trace.json"
	[ "$status" -eq 3 ]
	[[ "$output" == *"syscalls[0]: action SCMP_ACT_TRACE is not supported"* ]]
	printf '{"defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [}' >"$WORK/syntax.json"
	run "$EUNOMIA" import "$WORK/syntax.json"
	[ "$status" -eq 3 ]
	[[ "$output" == *"$WORK/syntax.json:2:16: JSON syntax error"* ]]
	run "$EUNOMIA" import --caps CAP_FLY "$PODMAN_PROFILE"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown capability 'CAP_FLY'"* ]]
	echo keep >"$WORK/out.yaml"
	run "$EUNOMIA" import -o "$WORK/out.yaml" "$WORK/trace.json"
	[ "$(cat "$WORK/out.yaml")" = keep ]
}
