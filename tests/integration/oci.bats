#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# eunomia enforce --oci-bundle and eunomia export: profiles that runc enforces
# from a bundle's config.json, with the same results as eunomia enforce.

load helpers

setup() {
	require_runc
	work_setup oci
}

teardown() {
	delete_containers
	rm -rf "$WORK"
}

# bundle DIR ARGS...: a runc bundle (busybox and sysprobe) whose process runs ARGS.
bundle() {
	local dir=$1
	shift
	spec_bundle "$dir"
	cp "$SYSPROBE" "$dir/rootfs/bin/sysprobe"
	jq --args '.process.terminal = false | .process.args = $ARGS.positional' "$@" \
		<"$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# runc_run DIR: run the bundle to its end; its output into $output.
runc_run() {
	local id=eunomia-oci-$$-$RANDOM
	CONTAINERS+=("$id")
	run timeout 60 runc run --bundle "$1" "$id" </dev/null
}

# learned PROFILE ARGS...: learn ARGS (a program of the bundle's rootfs) on the host, with
# what runc's init makes after it loads the filter (tests/fixtures/runc).
learned() {
	local out=$1
	shift
	"$EUNOMIA" learn -q -o "$out" --merge "$BATS_TEST_DIRNAME/../../policies/runtimes/runc-init.yaml" \
		-- "$@" >/dev/null
}

@test "--oci-bundle writes seccomp, capabilities and noNewPrivileges and keeps every other field" {
	bundle "$WORK/b" /bin/sysprobe getppid
	cp "$WORK/b/config.json" "$WORK/before.json"
	learned "$WORK/p.yaml" "$WORK/b/rootfs/bin/sysprobe" getppid
	run "$EUNOMIA" enforce --profile "$WORK/p.yaml" --oci-bundle "$WORK/b"
	[ "$status" -eq 0 ]
	[[ "$output" == *"wrote $WORK/p.yaml into $WORK/b/config.json"* ]]
	local keep='del(.linux.seccomp, .process.capabilities, .process.noNewPrivileges)'
	diff <(jq -S "$keep" "$WORK/before.json") <(jq -S "$keep" "$WORK/b/config.json")
	[ "$(jq -r .linux.seccomp.defaultAction "$WORK/b/config.json")" = SCMP_ACT_ERRNO ]
	[ "$(jq -r .linux.seccomp.defaultErrnoRet "$WORK/b/config.json")" = 1 ]
	[ "$(jq -c .linux.seccomp.architectures "$WORK/b/config.json")" = '["SCMP_ARCH_X86_64"]' ]
	jq -e '.linux.seccomp.syscalls[0].names | index("getppid")' "$WORK/b/config.json"
	[ "$(jq -r .process.noNewPrivileges "$WORK/b/config.json")" = true ]
	# the five sets are the profile's capabilities
	local caps set
	caps=$(profile_caps "$WORK/p.yaml" used | jq -R . | jq -sc .)
	for set in bounding effective inheritable permitted ambient; do
		[ "$(jq -c ".process.capabilities.$set" "$WORK/b/config.json")" = "$caps" ]
	done
}

@test "runc enforces the bundle: the workload runs, what it never did fails with EPERM" {
	bundle "$WORK/b" /bin/sysprobe getppid unshare:0x20000 mount keyctl ptrace bpf reboot
	learned "$WORK/p.yaml" "$WORK/b/rootfs/bin/sysprobe" getppid
	"$EUNOMIA" enforce -q --profile "$WORK/p.yaml" --oci-bundle "$WORK/b"
	runc_run "$WORK/b"
	[ "$status" -eq 0 ]
	[ "$output" = "getppid ok
unshare:0x20000 EPERM
mount EPERM
keyctl EPERM
ptrace EPERM
bpf EPERM
reboot EPERM" ]
	# the same profile under eunomia enforce on the host says the same
	run "$EUNOMIA" enforce -q --profile "$WORK/p.yaml" -- \
		"$SYSPROBE" getppid unshare:0x20000 mount keyctl ptrace bpf reboot
	[ "$output" = "$(printf '%s\n' "getppid ok" "unshare:0x20000 EPERM" "mount EPERM" \
		"keyctl EPERM" "ptrace EPERM" "bpf EPERM" "reboot EPERM")" ]
}

@test "runc gives the container only the profile's capabilities" {
	bundle "$WORK/b" /bin/cat /proc/self/status
	learned "$WORK/learned.yaml" "$BUSYBOX" cat /proc/self/status
	awk '/^capabilities:/ { print; print "  used:"; print "  - CAP_CHOWN";
	     print "  - CAP_NET_BIND_SERVICE"; skip = 1; next }
	     skip && /^[^ -]/ { skip = 0 } !skip { print }' "$WORK/learned.yaml" >"$WORK/p.yaml"
	"$EUNOMIA" enforce -q --profile "$WORK/p.yaml" --oci-bundle "$WORK/b"
	runc_run "$WORK/b"
	[ "$status" -eq 0 ]
	[[ "$output" == *"CapEff:	0000000000000401"* ]]
	[[ "$output" == *"CapBnd:	0000000000000401"* ]]
	[[ "$output" == *"NoNewPrivs:	1"* ]]
}

@test "podman's profile through a bundle: runc and eunomia enforce agree call for call" {
	[ -r /usr/share/containers/seccomp.json ] ||
		skip "no /usr/share/containers/seccomp.json (package golang-github-containers-common)"
	local calls="getppid personality:1 personality:8 socket:16:3:9 socket:1:1:0 bpf reboot
		kexec_load acct clone:0x20000 unshare:0x20000 io_uring_setup add_key syslog"
	# shellcheck disable=SC2086
	bundle "$WORK/b" /bin/sysprobe $calls
	"$EUNOMIA" import -q -o "$WORK/podman.yaml" /usr/share/containers/seccomp.json
	"$EUNOMIA" enforce -q --profile "$WORK/podman.yaml" --oci-bundle "$WORK/b"
	runc_run "$WORK/b"
	[ "$status" -eq 0 ]
	echo "$output" >"$WORK/runc.out"
	# shellcheck disable=SC2086
	"$EUNOMIA" enforce -q --profile "$WORK/podman.yaml" -- "$SYSPROBE" $calls >"$WORK/eunomia.out"
	diff -u "$WORK/runc.out" "$WORK/eunomia.out"
	grep -qx 'personality:1 ENOSYS' "$WORK/runc.out"
	grep -qx 'socket:16:3:9 EINVAL' "$WORK/runc.out"
}

@test "export: docker then import gives back the same profile; oci and k8s have their shapes" {
	[ -r /usr/share/containers/seccomp.json ] ||
		skip "no /usr/share/containers/seccomp.json (package golang-github-containers-common)"
	"$EUNOMIA" import -q -o "$WORK/a.yaml" /usr/share/containers/seccomp.json
	"$EUNOMIA" export --format docker --no-runtime-allowance -o "$WORK/a.json" "$WORK/a.yaml"
	"$EUNOMIA" import -q -o "$WORK/b.yaml" "$WORK/a.json"
	diff -u "$WORK/a.yaml" "$WORK/b.yaml"
	"$EUNOMIA" export --format oci "$WORK/a.yaml" >"$WORK/oci.json"
	jq -e '.defaultAction == "SCMP_ACT_ERRNO" and .defaultErrnoRet == 38
	       and (.architectures | index("SCMP_ARCH_X86_64"))
	       and (.syscalls | length > 10)' "$WORK/oci.json"
	"$EUNOMIA" export --format k8s --name web "$WORK/a.yaml" >"$WORK/k8s.json"
	jq -e '.apiVersion == "security-profiles-operator.x-k8s.io/v1"
	       and .kind == "SeccompProfile" and .metadata.name == "web"
	       and .spec.defaultAction == "SCMP_ACT_ERRNO"' "$WORK/k8s.json"
	# podman reads what eunomia exports
	require_cmd podman
	ensure_busybox_image
	run podman_run --security-opt "seccomp=$WORK/a.json" -v "$TEST_BIN:/t:ro" \
		localhost/eunomia-busybox:test /t/sysprobe personality:1 bpf
	[ "$output" = "personality:1 ENOSYS
bpf EPERM" ]
}

@test "export --docker-args prints docker run's options for the file it writes, and refuses what Docker cannot do" {
	local fx=$BATS_TEST_DIRNAME/../fixtures/profiles/good
	cp "$EUNOMIA_DATADIR/nginx.yaml" "$WORK/web.yaml"
	cd "$WORK"
	run "$EUNOMIA" export --format docker --docker-args -o web.json "$WORK/web.yaml"
	[ "$status" -eq 0 ]
	# the file's absolute path; the capabilities the profile used
	[ "${lines[-1]}" = "--security-opt seccomp=$WORK/web.json --security-opt no-new-privileges --cap-drop ALL --cap-add CHOWN --cap-add SETGID --cap-add SETUID" ]
	jq -e '.defaultAction == "SCMP_ACT_ERRNO"' "$WORK/web.json" >/dev/null
	# $(...) does not unquote: a path a shell would split is refused, not quoted
	run "$EUNOMIA" export --format docker --docker-args -o "$WORK/my web.json" "$WORK/web.yaml"
	[ "$status" -eq 2 ]
	[[ "$output" == *"characters a shell would split"* ]]
	[ ! -e "$WORK/my web.json" ]
	# a profile that does not know its capabilities leaves Docker's alone, and says so
	run "$EUNOMIA" export --format docker --docker-args -o "$WORK/n.json" "$fx/learned-without-capabilities.yaml"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "--security-opt seccomp=$WORK/n.json --security-opt no-new-privileges" ]
	[[ "$output" == *"does not know its capabilities"* ]]
	run "$EUNOMIA" export --format docker --docker-args "$WORK/web.yaml"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--docker-args needs --output FILE"* ]]
	run "$EUNOMIA" export --format docker --docker-args -o - "$WORK/web.yaml"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--docker-args needs --output FILE"* ]]
	run "$EUNOMIA" export --format oci --docker-args -o "$WORK/x.json" "$WORK/web.yaml"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--docker-args goes with --format docker"* ]]
	run "$EUNOMIA" export --format docker --docker-args --monitor -o "$WORK/x.json" "$WORK/web.yaml"
	[ "$status" -eq 2 ]
	[[ "$output" == *"Docker drops the filter's listenerPath"* ]]
	[ ! -e "$WORK/x.json" ]
}

@test "bundle errors are clear and change nothing" {
	"$EUNOMIA" learn -q -o "$WORK/p.yaml" -- /bin/true
	mkdir -p "$WORK/empty"
	run "$EUNOMIA" enforce --profile "$WORK/p.yaml" --oci-bundle "$WORK/empty"
	[ "$status" -eq 4 ]
	[[ "$output" == *"$WORK/empty/config.json"* ]]
	[ ! -e "$WORK/empty/config.json" ]
	printf '{"process": {"args": ["sh"]},\n "linux": [}' >"$WORK/empty/config.json"
	cp "$WORK/empty/config.json" "$WORK/bad.json"
	run "$EUNOMIA" enforce --profile "$WORK/p.yaml" --oci-bundle "$WORK/empty"
	[ "$status" -eq 3 ]
	[[ "$output" == *"$WORK/empty/config.json:2:12: JSON syntax error"* ]]
	cmp "$WORK/bad.json" "$WORK/empty/config.json"
	run "$EUNOMIA" enforce --profile "$WORK/p.yaml" --oci-bundle "$WORK/empty" -- /bin/true
	[ "$status" -eq 2 ]
	run "$EUNOMIA" export --format yaml "$WORK/p.yaml"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--format expects oci, docker or k8s, not 'yaml'"* ]]
}

@test "--oci-bundle adds the runtime allowance for runc's init; --no-runtime-allowance leaves it out" {
	"$EUNOMIA" learn -q -o "$WORK/t.yaml" -- "$BUSYBOX" true
	assert_no_syscall "$WORK/t.yaml" x86_64 tgkill sched_yield
	names() { jq -r '[.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]] | .[]' "$1"; }
	bundle "$WORK/a" /bin/true
	run "$EUNOMIA" enforce --profile "$WORK/t.yaml" --oci-bundle "$WORK/a"
	[ "$status" -eq 0 ]
	[[ "$output" == *"added the runtime allowance: "*" syscalls runc's init may make"* ]]
	names "$WORK/a/config.json" | grep -qx tgkill
	names "$WORK/a/config.json" | grep -qx futex
	runc_run "$WORK/a"
	[ "$status" -eq 0 ]
	bundle "$WORK/b" /bin/true
	"$EUNOMIA" enforce -q --no-runtime-allowance --profile "$WORK/t.yaml" --oci-bundle "$WORK/b"
	! names "$WORK/b/config.json" | grep -qx tgkill || false
	# without its file the allowance is an error that names the way out, and nothing changes
	bundle "$WORK/c" /bin/true
	cp "$WORK/c/config.json" "$WORK/c.before"
	EUNOMIA_DATADIR=/nonexistent run "$EUNOMIA" enforce --profile "$WORK/t.yaml" --oci-bundle "$WORK/c"
	[ "$status" -eq 4 ]
	[[ "$output" == *"--no-runtime-allowance leaves it out"* ]]
	cmp "$WORK/c/config.json" "$WORK/c.before"
	run "$EUNOMIA" enforce --no-runtime-allowance --profile "$WORK/t.yaml" -- true
	[ "$status" -eq 2 ]
	# export adds it too (podman and the k8s operator run containers with runc)
	"$EUNOMIA" export --format docker "$WORK/t.yaml" | jq -r '.syscalls[].names[]' | grep -qx tgkill
	! "$EUNOMIA" export --format docker --no-runtime-allowance "$WORK/t.yaml" |
		jq -r '.syscalls[].names[]' | grep -qx tgkill || false
}
