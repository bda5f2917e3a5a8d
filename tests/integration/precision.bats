#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# Learn precision: a container learned through the hook is counted from the moment
# its runtime loads its seccomp filter (or from its execve), so the profile holds what
# the program needs and not what runc or podman did to build the container. Each
# learned profile is then enforced through the same runtime, and the container runs.

load helpers

setup() {
	require_runc
	work_setup precision
	hook_conf "$WORK"
	PODS=()
}

teardown() {
	local c
	delete_containers
	for c in "${PODS[@]}"; do podman rm -f "$c" >/dev/null 2>&1 || true; done
	rm -rf "$WORK"
}

# busybox_bundle DIR NNP ARGS...: a busybox bundle running ARGS, noNewPrivileges NNP,
# with a tmpfs at /tmp.
busybox_bundle() {
	local dir=$1 nnp=$2
	shift 2
	spec_bundle "$dir"
	# (not jq --args: it would take an argument -c for its own option)
	jq_edit "$dir/config.json" '.process.terminal = false | .process.args = $args
		| .process.noNewPrivileges = $nnp
		| .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs",
				options: ["nosuid", "nodev"]}]' --argjson nnp "$nnp" \
		--argjson args "$(printf '%s\n' "$@" | jq -R . | jq -s .)"
}

# runc_run DIR: run a bundle to its end, its output in $output and $status.
runc_run() {
	local id=precision-$$-$RANDOM
	CONTAINERS+=("$id")
	run timeout 60 runc run --bundle "$1" "$id" </dev/null
}

# RUNS: how many runs a profile is learned from. runc's init is Go: between its filter
# load and the execve its threads make some syscalls only now and then (futex when
# they contend), so one run can miss what another needs, as a user learning for real
# would find; three runs folded together (io.eunomia.learn.merge) have them.
RUNS=3

# learn_through_hook PROFILE NNP ARGS...: learn ARGS in a busybox container started by
# runc, under the learning filter, RUNS times into one profile; each run must succeed.
learn_through_hook() {
	local p=$1 nnp=$2 i
	shift 2
	for ((i = 1; i <= RUNS; i++)); do
		busybox_bundle "$WORK/learn" "$nnp" "$@"
		add_hook "$WORK/learn" "io.eunomia.learn=$p" io.eunomia.learn.merge=true
		learning_filter "$WORK/learn"
		runc_run "$WORK/learn"
		echo "$output"
		[ "$status" -eq 0 ]
		rm -rf "$WORK/learn"
	done
	grep -q "^    runs: $RUNS\$" "$p"
}

# assert_program_only PROFILE: what runc did to build the container is listed as its
# setup, and is neither allowed nor granted.
assert_program_only() {
	grep -q '^    boundary: seccomp-filter$' "$1"
	assert_no_syscall "$1" x86_64 "${runtime_names[@]}"
	! profile_caps "$1" used | grep -qx CAP_SYS_ADMIN || false
	# nothing was thrown away silently: the runtime's own calls are in the metadata
	sed -n '/^  runtime_setup:/,/^[a-z]/p' "$1" | grep -qx '    - pivot_root'
	sed -n '/^  runtime_setup:/,/^[a-z]/p' "$1" | grep -qx '    - CAP_SYS_ADMIN'
}

# enforce_run PROFILE NNP ARGS...: run ARGS in a fresh bundle (noNewPrivileges NNP, which
# enforce keeps) holding the profile as its seccomp filter and capabilities.
enforce_run() {
	local p=$1 nnp=$2
	shift 2
	busybox_bundle "$WORK/enforce" "$nnp" "$@"
	"$EUNOMIA" enforce -q --profile "$p" --oci-bundle "$WORK/enforce" 2>"$WORK/enforce.err"
	[ "$(jq -r .linux.seccomp.defaultAction "$WORK/enforce/config.json")" = SCMP_ACT_ERRNO ]
	[ "$(jq -r .process.noNewPrivileges "$WORK/enforce/config.json")" = "$nnp" ]
	if [ "$nnp" = false ]; then grep -q "noNewPrivileges to false, and it stays so" "$WORK/enforce.err"; fi
	runc_run "$WORK/enforce"
	rm -rf "$WORK/enforce"
}

script='echo hello >/tmp/f && cat /tmp/f && ls / >/dev/null && uptime >/dev/null && echo done'

@test "runc, noNewPrivileges true: busybox true is learned from its filter, in at most 25 syscalls, and runs under them" {
	local p=$WORK/profiles/true.yaml
	learn_through_hook "$p" true /bin/true
	assert_program_only "$p"
	assert_has_syscall "$p" x86_64 execve exit_group
	local n
	n=$(profile_syscalls "$p" x86_64 | wc -l)
	echo "busybox true: $n syscalls"
	[ "$n" -le 25 ]
	enforce_run "$p" true /bin/true
	[ "$status" -eq 0 ]
}

@test "runc, noNewPrivileges false: busybox true keeps what runc does after its filter, and runs" {
	local p=$WORK/profiles/true-nnp-false.yaml
	learn_through_hook "$p" false /bin/true
	assert_program_only "$p"
	# with no_new_privs unset runc loads the filter before it sets the user and capabilities
	assert_has_syscall "$p" x86_64 capset
	assert_has_syscall "$p" x86_64 setuid
	enforce_run "$p" false /bin/true
	[ "$status" -eq 0 ]
}

@test "runc, both noNewPrivileges: a busybox sh -c script learned through the hook runs under its profile" {
	local nnp p
	for nnp in true false; do
		p=$WORK/profiles/script-$nnp.yaml
		learn_through_hook "$p" "$nnp" /bin/sh -c "$script"
		assert_program_only "$p"
		assert_has_syscall "$p" x86_64 sysinfo # uptime
		enforce_run "$p" "$nnp" /bin/sh -c "$script"
		[ "$status" -eq 0 ]
		[ "$output" = "$(printf 'hello\ndone')" ]
		# and the filter holds: what the script never did is refused
		enforce_run "$p" "$nnp" /bin/sh -c "$script; mkdir /tmp/d"
		[ "$status" -ne 0 ]
		[[ "$output" == *"Operation not permitted"* ]]
	done
}

@test "a container that mounts for itself keeps mount and CAP_SYS_ADMIN" {
	local p=$WORK/profiles/mounter.yaml
	busybox_bundle "$WORK/learn" true /bin/sh -c 'mount -t tmpfs none /tmp && echo mounted'
	jq_edit "$WORK/learn/config.json" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	add_hook "$WORK/learn" "io.eunomia.learn=$p"
	learning_filter "$WORK/learn"
	runc_run "$WORK/learn"
	[ "$status" -eq 0 ]
	[ "$output" = mounted ]
	grep -q '^    boundary: seccomp-filter$' "$p"
	assert_has_syscall "$p" x86_64 mount
	assert_no_syscall "$p" x86_64 pivot_root sethostname umount2
	profile_caps "$p" used | grep -qx CAP_SYS_ADMIN
}

@test "with no filter configured, learning counts from the execve and says so" {
	local p=$WORK/profiles/nofilter.yaml
	busybox_bundle "$WORK/learn" true /bin/sh -c "$script"
	add_hook "$WORK/learn" "io.eunomia.learn=$p"
	runc_run "$WORK/learn"
	[ "$status" -eq 0 ]
	grep -q '^    boundary: exec$' "$p"
	assert_has_syscall "$p" x86_64 execve # the entrypoint's own, counted at its success
	assert_no_syscall "$p" x86_64 "${runtime_names[@]}"
	! profile_caps "$p" used | grep -qx CAP_SYS_ADMIN || false
	# enforcing it warns that runc's own calls after its filter are missing
	busybox_bundle "$WORK/e" true /bin/true
	run "$EUNOMIA" enforce --profile "$p" --oci-bundle "$WORK/e"
	[ "$status" -eq 0 ]
	[[ "$output" == *"was learned from the container's execve, with no seccomp filter loaded"* ]]
}

@test "io.eunomia.learn.boundary=none keeps everything from prestart, the runtime's setup too" {
	local p=$WORK/profiles/all.yaml
	busybox_bundle "$WORK/learn" true /bin/true
	add_hook "$WORK/learn" "io.eunomia.learn=$p" io.eunomia.learn.boundary=none
	learning_filter "$WORK/learn"
	runc_run "$WORK/learn"
	[ "$status" -eq 0 ]
	grep -q '^    boundary: none$' "$p"
	assert_has_syscall "$p" x86_64 pivot_root
	assert_has_syscall "$p" x86_64 sethostname
	! grep -q '^  runtime_setup:' "$p" || false
	# a value the hook does not know fails the start, before anything runs
	busybox_bundle "$WORK/bad" true /bin/true
	add_hook "$WORK/bad" "io.eunomia.learn=$p" io.eunomia.learn.boundary=sometimes
	runc_run "$WORK/bad"
	[ "$status" -ne 0 ]
	[[ "$output" == *"io.eunomia.learn.boundary=sometimes: expected auto, seccomp-filter, exec or none"* ]]
}

@test "podman: learned through hooks.d from its default filter's load, then enforced by podman" {
	require_cmd podman
	ensure_busybox_image
	podman_hooks_dir "$WORK/hooks.d"
	local args p caps i
	for args in /bin/true "/bin/sh -c \"$script\""; do
		p=$WORK/profiles/podman.yaml
		rm -f "$p"
		eval "set -- $args"
		for ((i = 1; i <= RUNS; i++)); do
			run podman_run --hooks-dir "$WORK/hooks.d" --annotation "io.eunomia.learn=$p" \
				--annotation io.eunomia.learn.merge=true localhost/eunomia-busybox:test "$@"
			echo "$output"
			[ "$status" -eq 0 ]
		done
		assert_program_only "$p"
		# overlayfs checks capabilities with podman's credentials, not the container's:
		# CAP_SYS_ADMIN for its trusted.* xattrs (ls /), CAP_DAC_OVERRIDE for a copy-up
		! profile_caps "$p" used | grep -q -e CAP_DAC_OVERRIDE -e CAP_DAC_READ_SEARCH || false
		"$EUNOMIA" export --format docker -o "$WORK/podman.json" "$p"
		caps=$(profile_caps "$p" used | paste -sd, -)
		run podman_run --security-opt "seccomp=$WORK/podman.json" --cap-drop all \
			${caps:+--cap-add "$caps"} localhost/eunomia-busybox:test "$@"
		echo "$output"
		[ "$status" -eq 0 ]
		[ "$args" = /bin/true ] || [ "$output" = "$(printf 'hello\ndone')" ]
	done
}

@test "export --learning writes a filter that allows everything on every x86 ABI" {
	run "$EUNOMIA" export --format oci --learning
	[ "$status" -eq 0 ]
	[ "$(jq -r .defaultAction <<<"$output")" = SCMP_ACT_ALLOW ]
	[ "$(jq -r '.architectures | sort | join(",")' <<<"$output")" = SCMP_ARCH_X32,SCMP_ARCH_X86,SCMP_ARCH_X86_64 ]
	[ "$(jq '.syscalls | length' <<<"$output")" = 0 ]
	run "$EUNOMIA" export --format docker --learning
	[ "$(jq -r '.archMap[0].architecture' <<<"$output")" = SCMP_ARCH_X86_64 ]
	run "$EUNOMIA" export --format k8s --learning --name learn-me
	[ "$(jq -r '.kind + " " + .metadata.name + " " + .spec.defaultAction' <<<"$output")" = \
		"SeccompProfile learn-me SCMP_ACT_ALLOW" ]
	run "$EUNOMIA" export --format oci --learning "$WORK/p.yaml"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--learning writes a filter of its own; it takes no profile"* ]]
	# runc loads it: the container runs under a filter (Seccomp: 2) that refuses nothing
	busybox_bundle "$WORK/b" true /bin/sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/x && echo made'
	learning_filter "$WORK/b"
	runc_run "$WORK/b"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:	2"* ]]
	[[ "$output" == *made* ]]
}

@test "runc, noNewPrivileges false: nginx learned through the hook under wrk, then enforced: no request fails" {
	require_cmd nginx
	require_cmd wrk
	local port=$((20000 + $$ % 10000)) p=$WORK/profiles/nginx.yaml
	nginx_bundle "$WORK/learn" "$port"
	jq_edit "$WORK/learn/config.json" '.process.noNewPrivileges = false'
	CONTAINERS+=(precision-ngx-l-$$ precision-ngx-e-$$)
	hook_learn_nginx "$WORK/learn" "precision-ngx-l-$$" "$port" "$p"
	assert_program_only "$p"
	assert_has_syscall "$p" x86_64 accept4
	nginx_bundle "$WORK/enforce" "$port"
	"$EUNOMIA" enforce -q --profile "$p" --oci-bundle "$WORK/enforce"
	jq_edit "$WORK/enforce/config.json" '.process.noNewPrivileges = false'
	serve_once "$WORK/enforce" "precision-ngx-e-$$" "$port"
	! grep -q -e emerg -e alert -e crit "$WORK/enforce/srv/error.log" || false
}

# podman_nginx NAME PORT ARGS...: nginx from the image localhost/eunomia-nginx:test on
# the host's network, serving $WORK/srv, detached, with these podman options.
podman_nginx() {
	local name=$1 port=$2
	shift 2
	podman --cgroup-manager=cgroupfs --runtime runc run -d --rm --name "$name" \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network host \
		-v "$WORK/ngx/srv:/mnt" "$@" localhost/eunomia-nginx:test \
		/usr/sbin/nginx -e /mnt/error.log -c /mnt/nginx.conf >/dev/null
	wait_port "$port"
}

# podman_gone NAME: stop a container and wait until podman has cleaned it up (poststop).
podman_gone() {
	podman stop -t 10 "$1" >/dev/null
	for _ in $(seq 100); do
		podman container exists "$1" || return 0
		sleep 0.1
	done
	return 1
}

@test "podman: nginx learned through hooks.d under wrk, then enforced by podman: no request fails" {
	require_cmd podman
	require_cmd nginx
	require_cmd wrk
	local port=$((20000 + $$ % 10000)) p=$WORK/profiles/podman-nginx.yaml caps i
	nginx_bundle "$WORK/ngx" "$port" # its rootfs becomes the image, its srv the volume
	tar -C "$WORK/ngx/rootfs" -cf "$WORK/ngx.tar" .
	podman import "$WORK/ngx.tar" localhost/eunomia-nginx:test >/dev/null
	PODS+=("precision-pngx-l-$$" "precision-pngx-e-$$")
	podman_hooks_dir "$WORK/hooks.d"
	podman_nginx "precision-pngx-l-$$" "$port" --hooks-dir "$WORK/hooks.d" \
		--annotation "io.eunomia.learn=$p"
	drive "$port"
	podman_gone "precision-pngx-l-$$"
	for _ in $(seq 100); do [ -s "$p" ] && break; sleep 0.1; done
	# two more runs folded in: the runtime's init makes some syscalls only now and then
	for i in 1 2; do
		podman_nginx "precision-pngx-l-$$" "$port" --hooks-dir "$WORK/hooks.d" \
			--annotation "io.eunomia.learn=$p" --annotation io.eunomia.learn.merge=true
		podman_gone "precision-pngx-l-$$"
	done
	for _ in $(seq 100); do grep -q '^    runs: 3$' "$p" && break; sleep 0.1; done
	grep -q '^    runs: 3$' "$p"
	assert_program_only "$p"
	assert_has_syscall "$p" x86_64 accept4
	"$EUNOMIA" export --format docker -o "$WORK/nginx.json" "$p"
	caps=$(profile_caps "$p" used | paste -sd, -)
	podman_nginx "precision-pngx-e-$$" "$port" --security-opt "seccomp=$WORK/nginx.json" \
		--cap-drop all ${caps:+--cap-add "$caps"}
	drive "$port"
	podman_gone "precision-pngx-e-$$"
	podman rmi -f localhost/eunomia-nginx:test >/dev/null
	! grep -q -e emerg -e alert -e crit "$WORK/ngx/srv/error.log" || false
}
