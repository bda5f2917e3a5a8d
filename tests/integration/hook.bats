#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# eunomia-oci-hook with runc (hooks in config.json) and podman (hooks.d): learning
# a container from its first instruction, through its end, whatever that end is.

load helpers

setup() {
	require_runc
	work_setup hook
	hook_conf "$WORK"
}

teardown() {
	stop_daemons
	delete_containers
	rm -rf "$WORK"
}

# no_learner: no eunomia learn of this test is left running.
no_learner() {
	! pgrep -f -- "--oci-state $WORK/state" >/dev/null || false
}

@test "runc: the hook learns a container from its first instruction to its end" {
	local p=$WORK/profiles/p.yaml
	hello_learned "$WORK/b" "hook-a-$$" "$p"
	grep -q "^    bundle: $WORK/b\$" "$p"
	no_learner
	[ -z "$(ls -A "$WORK/state")" ]
}

@test "attaching after the start misses what the hook sees: the entrypoint's execve" {
	# the shell waits on a fifo with a builtin: nothing is executed after the start
	make_bundle "$WORK/late" 'read x </shared/go.fifo; echo hello'
	mkfifo "$WORK/late/shared/go.fifo"
	CONTAINERS+=(hook-late-$$)
	run_detached "hook-late-$$" "$WORK/late"
	"$EUNOMIA" learn -o "$WORK/late.yaml" "hook-late-$$" 2>"$WORK/late.err" &
	local learner=$!
	wait_for "learning container" "$WORK/late.err"
	echo go >"$WORK/late/shared/go.fifo"
	wait_gone "$learner" 30
	assert_has_syscall "$WORK/late.yaml" x86_64 write # it did learn the container's end
	assert_no_syscall "$WORK/late.yaml" x86_64 execve
	assert_no_syscall "$WORK/late.yaml" x86_64 arch_prctl
	grep -q '^    boundary: none$' "$WORK/late.yaml" # running: everything from now counts
}

@test "runc: a container killed with SIGKILL still leaves its profile, and no learner" {
	hooked_bundle "$WORK/k" 'while true; do sleep 0.1; done' \
		"io.eunomia.learn=$WORK/profiles/killed.yaml"
	CONTAINERS+=(hook-k-$$)
	runc run -d --bundle "$WORK/k" "hook-k-$$" </dev/null >/dev/null 2>&1
	sleep 0.5
	runc kill "hook-k-$$" KILL
	for _ in $(seq 50); do
		[ "$(runc state "hook-k-$$" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	runc delete "hook-k-$$" # runs poststop
	assert_has_syscall "$WORK/profiles/killed.yaml" x86_64 execve
	assert_has_syscall "$WORK/profiles/killed.yaml" x86_64 nanosleep clock_nanosleep
	no_learner
}

@test "io.eunomia.learn.merge=true folds a second run into the profile" {
	hooked_bundle "$WORK/m" 'echo one' "io.eunomia.learn=$WORK/profiles/m.yaml"
	CONTAINERS+=(hook-m1-$$ hook-m2-$$ hook-m3-$$)
	runc run --bundle "$WORK/m" "hook-m1-$$" </dev/null >/dev/null
	grep -q '^    runs: 1$' "$WORK/profiles/m.yaml"
	hooked_bundle "$WORK/m2" 'ionice -p 1' "io.eunomia.learn=$WORK/profiles/m.yaml" \
		io.eunomia.learn.merge=true
	runc run --bundle "$WORK/m2" "hook-m2-$$" </dev/null >/dev/null
	grep -q '^    runs: 2$' "$WORK/profiles/m.yaml"
	assert_has_syscall "$WORK/profiles/m.yaml" x86_64 ioprio_get
	# without merge the profile is replaced
	hooked_bundle "$WORK/m3" 'echo three' "io.eunomia.learn=$WORK/profiles/m.yaml"
	runc run --bundle "$WORK/m3" "hook-m3-$$" </dev/null >/dev/null
	grep -q '^    runs: 1$' "$WORK/profiles/m.yaml"
	assert_no_syscall "$WORK/profiles/m.yaml" x86_64 ioprio_get
}

@test "a container without the annotation is left alone" {
	hooked_bundle "$WORK/n" 'echo plain'
	CONTAINERS+=(hook-n-$$)
	run timeout 60 runc run --bundle "$WORK/n" "hook-n-$$" </dev/null
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$WORK/profiles")" ]
	[ -z "$(ls -A "$WORK/state")" ]
}

# state JSON for the hook's standard input
state() {
	jq -n --arg id "$1" --argjson pid "$2" --arg learn "$3" --arg bundle "$WORK" \
		'{ociVersion: "1.0.2", id: $id, status: "created", pid: $pid, bundle: $bundle,
		  annotations: {"io.eunomia.learn": $learn}}'
}

@test "bad states and output paths are refused with a clear error, in bounded time" {
	local hook=("$HOOK" --config "$WORK/hook.conf")
	run "${hook[@]}" createRuntime <<<'{"ociVersion": "1.0.2", "id": "x",'
	[ "$status" -eq 3 ]
	[[ "$output" == *"the OCI state:2:1: JSON ends too early"* ]]
	run "${hook[@]}" createRuntime <<<'{"ociVersion": "1.0.2", "id": "x", "status": "created", "bundle": "/b"}'
	[ "$status" -eq 3 ]
	[[ "$output" == *"no pid: the container has no init process to follow"* ]]
	run "${hook[@]}" createRuntime <<<"$(state x 9999999999 "$WORK/profiles/p.yaml")"
	[ "$status" -eq 3 ]
	[[ "$output" == *"pid is not a process id"* ]]
	run "${hook[@]}" createRuntime <<<"$(state x 4194303 "$WORK/profiles/p.yaml")"
	[ "$status" -eq 5 ]
	[[ "$output" == *"container x: its init process 4194303 is gone"* ]]
	sleep 1000 &
	local pid=$!
	run "${hook[@]}" createRuntime <<<"$(state x $pid profiles/p.yaml)"
	[ "$status" -eq 2 ]
	[[ "$output" == *"expected an absolute path to a file"* ]]
	run "${hook[@]}" createRuntime <<<"$(state x $pid "$WORK/profiles/../p.yaml")"
	[ "$status" -eq 2 ]
	run "${hook[@]}" createRuntime <<<"$(state x $pid /etc/p.yaml)"
	[ "$status" -eq 2 ]
	[[ "$output" == *"/etc is not inside a directory that learn_dirs allows"* ]]
	ln -s /etc/passwd "$WORK/profiles/link.yaml"
	run "${hook[@]}" createRuntime <<<"$(state x $pid "$WORK/profiles/link.yaml")"
	[ "$status" -eq 2 ]
	[[ "$output" == *"is a symbolic link; it is not followed"* ]]
	echo "precious" >"$WORK/profiles/notes.yaml"
	run "${hook[@]}" createRuntime <<<"$(state x $pid "$WORK/profiles/notes.yaml")"
	[ "$status" -eq 2 ]
	[[ "$output" == *"holds something that is not an eunomia profile"* ]]
	[ "$(cat "$WORK/profiles/notes.yaml")" = precious ]
	ln -s /etc "$WORK/profiles/etc"
	run "${hook[@]}" createRuntime <<<"$(state x $pid "$WORK/profiles/etc/p.yaml")"
	[ "$status" -eq 2 ]
	[[ "$output" == *"/etc is not inside a directory that learn_dirs allows"* ]]
	kill $pid
	# a runtime that never closes standard input does not hang the hook
	SECONDS=0
	run "${hook[@]}" createRuntime < <(sleep 30)
	[ "$status" -eq 3 ]
	[[ "$output" == *"no OCI state on standard input within 5 s"* ]]
	[ "$SECONDS" -lt 15 ]
	printf 'learn_dirs = relative\n' >"$WORK/bad.conf"
	run "$HOOK" --config "$WORK/bad.conf" createRuntime <<<'{}'
	[ "$status" -eq 3 ]
	[[ "$output" == *"$WORK/bad.conf:1: learn_dirs: each directory must be an absolute path"* ]]
	no_learner
}

@test "a refused path fails the container's start quickly instead of hanging it" {
	hooked_bundle "$WORK/r" 'echo never' "io.eunomia.learn=/etc/eunomia-test.yaml"
	CONTAINERS+=(hook-r-$$)
	SECONDS=0
	run timeout 60 runc run --bundle "$WORK/r" "hook-r-$$" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"not inside a directory that learn_dirs allows"* ]]
	[ "$SECONDS" -lt 15 ]
	[ ! -e /etc/eunomia-test.yaml ]
}

@test "podman: hooks.d and an annotation learn a container" {
	require_cmd podman
	ensure_busybox_image
	podman_hooks_dir "$WORK/hooks.d"
	run podman --hooks-dir "$WORK/hooks.d" --cgroup-manager=cgroupfs --runtime runc run --rm \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--annotation "io.eunomia.learn=$WORK/profiles/podman.yaml" \
		localhost/eunomia-busybox:test /bin/sh -c 'echo from podman'
	[ "$status" -eq 0 ]
	[[ "$output" == *"from podman"* ]]
	assert_has_syscall "$WORK/profiles/podman.yaml" x86_64 execve
	assert_has_syscall "$WORK/profiles/podman.yaml" x86_64 write
	grep -q '^    runtime: podman$' "$WORK/profiles/podman.yaml"
	no_learner
}

@test "nginx learned through the hook under wrk, then enforced with runc: no request fails" {
	require_cmd nginx
	require_cmd wrk
	local port=$((20000 + $$ % 10000))
	local p=$WORK/profiles/nginx.yaml
	nginx_bundle "$WORK/learn" "$port"
	CONTAINERS+=(hook-ngx-l-$$ hook-ngx-e-$$)
	hook_learn_nginx "$WORK/learn" "hook-ngx-l-$$" "$port" "$p"
	grep -q '^    runs: 3$' "$p"
	assert_has_syscall "$p" x86_64 accept4
	assert_has_syscall "$p" x86_64 epoll_wait
	# what runc did to build the container is shown, not allowed
	grep -q '^    boundary: seccomp-filter$' "$p"
	assert_no_syscall "$p" x86_64 "${runtime_names[@]}"
	! profile_caps "$p" used | grep -qx CAP_SYS_ADMIN || false
	no_learner

	# the same nginx, held by runc to what it was seen to need, and watched by the
	# monitor from its first instruction (io.eunomia.profile through the hook)
	"$EUNOMIA" monitor --reset -q
	monitor_start "$WORK/events.json" "$WORK/monitor.err"
	local monitor=$DAEMON
	nginx_bundle "$WORK/enforce" "$port"
	"$EUNOMIA" enforce -q --profile "$p" --oci-bundle "$WORK/enforce"
	add_hook "$WORK/enforce" "io.eunomia.profile=$p"
	serve_once "$WORK/enforce" "hook-ngx-e-$$" "$port"
	monitor_stop "$monitor"
	"$EUNOMIA" monitor --reset -q
	grep -q "\"id\":\"hook-ngx-e-$$\"" "$WORK/events.json" # it was held
	! grep '"level":"alert"' "$WORK/events.json" || false # and did nothing outside its profile
	# and the filter is there: something nginx never did is refused
	[ "$(jq -r .linux.seccomp.defaultAction "$WORK/enforce/config.json")" = SCMP_ACT_ERRNO ]
	! grep -q -e emerg -e alert -e crit "$WORK/enforce/srv/error.log" || false
}
