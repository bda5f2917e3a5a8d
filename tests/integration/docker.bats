#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# Docker, for real: a dockerd of this file's own (tests/integration/docker.bash).
# Its containers are named by Docker's name, id and image, found in Docker's own state;
# eunomia-runtime (docker run --runtime eunomia) learns a container from its first
# instruction, or holds it to a profile with the monitor; export --docker-args gives
# docker run the profile's filter and capabilities.

bats_require_minimum_version 1.5.0

load helpers
load seccomp
load docker

setup_file() {
	[ "$(id -u)" = 0 ] && command -v dockerd >/dev/null && [ -x /usr/bin/docker ] || return 0
	dockerd_start
}

teardown_file() {
	dockerd_stop
}

setup() {
	require_docker
	monitor_setup docker
}

teardown() {
	local ids
	ids=$(docker ps -aq --filter "name=dk-.*-$$") || true
	[ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
	monitor_teardown
}

# The program of the containers: says it is up, waits for /shared/go, then sysprobe's
# CALLS, their answers in /shared/probe.out.
waiting() {
	printf '%s' "echo up >/shared/up; while [ ! -e /shared/go ]; do sleep 0.05; done; /bin/sysprobe $1 >/shared/probe.out"
}

# learned_in_docker PROFILE NAME: PROFILE learned through eunomia-runtime from a
# container running waiting's program (getppid), which waits a while.
learned_in_docker() {
	mkdir -p "$WORK/l"
	docker run --rm --runtime eunomia --network none --name "$2" -v "$WORK/l:/shared" \
		--label "io.eunomia.learn=$1" eunomia-busybox:test /bin/sh -c "$(waiting getppid)" &
	local run=$!
	wait_for up "$WORK/l/up" 30
	sleep 0.3
	touch "$WORK/l/go"
	wait "$run"
	[ "$(cat "$WORK/l/probe.out")" = "getppid ok" ]
}

@test "docker run --runtime eunomia with the learn label: learned from its first instruction, named by Docker; three runs merged" {
	local p=$BATS_FILE_TMPDIR/profiles/dk-learn.yaml i
	for i in 1 2 3; do
		run docker run --rm --runtime eunomia --network none --name "dk-learn-$$-$i" \
			--label "io.eunomia.learn=$p" --label io.eunomia.learn.merge=true \
			eunomia-busybox:test /bin/sh -c "echo run $i; /bin/sysprobe getppid"
		[ "$status" -eq 0 ]
		[ "$output" = "run $i
getppid ok" ]
		grep -q "^    runs: $i\$" "$p"
	done
	# (an id that YAML could read as a number is quoted)
	assert_learned_from_start "$p" '"\{0,1\}[0-9a-f]\{64\}"\{0,1\}'
	assert_has_syscall "$p" x86_64 getppid
	grep -q '^    boundary: seccomp-filter$' "$p"
	# what dockerd and runc did to build the container is not the container's
	assert_no_syscall "$p" x86_64 pivot_root
	assert_no_syscall "$p" x86_64 sethostname
	# Docker's name and image for it
	grep -q "^    name: dk-learn-$$-[123]\$" "$p"
	grep -q '^    runtime: docker$' "$p"
	grep -q '^    image: eunomia-busybox:test$' "$p"
	# no learner is left, and the hook's records are gone
	! pgrep -f -- "--oci-state $BATS_FILE_TMPDIR/state" >/dev/null || false
	[ -z "$(ls -A "$BATS_FILE_TMPDIR/state")" ]
}

@test "a container without eunomia's labels runs through eunomia-runtime untouched; a bad label stops it with the reason" {
	run docker run --rm --runtime eunomia --network none --name "dk-plain-$$" \
		eunomia-busybox:test /bin/sh -c 'echo plain; /bin/sysprobe keyctl'
	[ "$status" -eq 0 ]
	# Docker's own filter still holds it (it refuses keyctl; eunomia's learning filter
	# would let it fail with EOPNOTSUPP)
	[ "$output" = "plain
keyctl EPERM" ]
	run docker run --rm --runtime eunomia --network none --name "dk-bad-$$" \
		--label io.eunomia.learn=relative.yaml eunomia-busybox:test /bin/true
	[ "$status" -ne 0 ]
	[[ "$output" == *"io.eunomia.learn=relative.yaml: expected an absolute path"* ]]
	run docker run --rm --runtime eunomia --network none --name "dk-both-$$" \
		--label io.eunomia.learn=/tmp/a.yaml --label io.eunomia.profile=/tmp/b.yaml \
		eunomia-busybox:test /bin/true
	[ "$status" -ne 0 ]
	[[ "$output" == *"io.eunomia.learn and io.eunomia.profile"* ]]
	run docker run --rm --runtime eunomia --network none --name "dk-noprof-$$" \
		--label "io.eunomia.profile=$WORK/none.yaml" eunomia-busybox:test /bin/true
	[ "$status" -ne 0 ]
	[[ "$output" == *"io.eunomia.profile=$WORK/none.yaml"*"cannot open $WORK/none.yaml"* ]]
}

@test "export --docker-args: docker run enforces the profile; monitor --attach NAME reports its refusal by Docker's name" {
	local p=$BATS_FILE_TMPDIR/profiles/dk-probe.yaml
	learned_in_docker "$p" "dk-l-$$"
	assert_no_syscall "$p" x86_64 reboot
	local args
	args=$("$EUNOMIA" export --format docker --docker-args -o "$WORK/p.json" "$p" 2>/dev/null)
	[[ "$args" == "--security-opt seccomp=$WORK/p.json --security-opt no-new-privileges --cap-drop ALL"* ]]
	daemon "$WORK/ev.json"
	mkdir -p "$WORK/e"
	# shellcheck disable=SC2086 # the options, one word each
	docker run -d --name "dk-enf-$$" --network none -v "$WORK/e:/shared" $args \
		eunomia-busybox:test /bin/sh -c "$(waiting 'getppid socket reboot')" >/dev/null
	run "$EUNOMIA" monitor --attach "dk-enf-$$" --profile "$p"
	[ "$status" -eq 0 ]
	[[ "$output" == *"dk-enf-$$ registered with the running monitor"* ]]
	touch "$WORK/e/go"
	[ "$(docker wait "dk-enf-$$")" = 0 ]
	# socket: Docker's own profile allows it, the learned one does not
	[ "$(cat "$WORK/e/probe.out")" = "getppid ok
socket EPERM
reboot EPERM" ]
	wait_for '"name":"reboot"' "$WORK/ev.json"
	local e
	e=$(denials "$WORK/ev.json" | jq -c 'select(.syscall.name == "reboot")')
	[ "$(jq -r '.container.name + " " + .container.runtime + " " + .container.image' <<<"$e")" = \
		"dk-enf-$$ docker eunomia-busybox:test" ]
	[ "$(jq -r .container.id <<<"$e")" = "$(docker inspect -f '{{.Id}}' "dk-enf-$$")" ]
	[ "$(jq -r '.syscall.name + " " + .errno.name' <<<"$e")" = "reboot EPERM" ]
}

@test "the profile label: eunomia-runtime holds the container to it, and what it refuses reaches the monitor by Docker's name" {
	local p=$BATS_FILE_TMPDIR/profiles/dk-probe2.yaml
	learned_in_docker "$p" "dk-l2-$$"
	# without a monitor the container does not start (its refusals would have nobody to answer)
	run -127 docker run --rm --runtime eunomia --network none --name "dk-nomon-$$" \
		--label "io.eunomia.profile=$p" eunomia-busybox:test /bin/true
	[[ "$output" == *"seccomp agent"*"/run/eunomia/seccomp.sock"* ]]
	daemon "$WORK/ev.json"
	mkdir -p "$WORK/h"
	touch "$WORK/h/go"
	docker run --rm --runtime eunomia --network none --name "dk-held-$$" -v "$WORK/h:/shared" \
		--label "io.eunomia.profile=$p" eunomia-busybox:test /bin/sh -c "$(waiting 'getppid reboot bpf')"
	[ "$(cat "$WORK/h/probe.out")" = "getppid ok
reboot EPERM
bpf EPERM" ]
	wait_for '"name":"bpf"' "$WORK/ev.json"
	[ "$(denials "$WORK/ev.json" | jq -r '.container.name + " " + .syscall.name' | sort | paste -sd,)" = \
		"dk-held-$$ bpf,dk-held-$$ reboot" ]
	# without the monitor, kill-process: the filter itself ends the offender
	run docker run --rm --runtime eunomia --network none --name "dk-free-$$" \
		--label "io.eunomia.profile=$p" --label io.eunomia.monitor=false \
		--label io.eunomia.deny=kill-process eunomia-busybox:test /bin/sysprobe getppid reboot
	[ "$status" -eq 159 ] # 128 + SIGSYS
	[ "$output" = "getppid ok" ]
}

@test "eunomia learn NAME learns a running Docker container, with its Compose labels in every event" {
	mkdir -p "$WORK/r"
	docker run -d --name "dk-run-$$" --network none -v "$WORK/r:/shared" \
		--label com.docker.compose.project=shop --label com.docker.compose.service=web \
		eunomia-busybox:test /bin/sh -c \
		'while [ ! -e /shared/go ]; do sleep 0.05; done; mkdir /tmp/x; while [ ! -e /shared/done ]; do sleep 0.05; done' \
		>/dev/null
	"$EUNOMIA" learn -q -o "$WORK/r.yaml" -e "$WORK/r.json" "dk-run-$$" &
	local learner=$!
	wait_for '"kind":"learn"' "$WORK/r.json" 30
	touch "$WORK/r/go"
	sleep 0.5
	touch "$WORK/r/done"
	wait_gone "$learner" 30
	wait "$learner"
	assert_has_syscall "$WORK/r.yaml" x86_64 mkdir mkdirat
	grep -q "^    name: dk-run-$$\$" "$WORK/r.yaml"
	grep -q '^    runtime: docker$' "$WORK/r.yaml"
	grep -Eq "^    id: \"?$(docker inspect -f '{{.Id}}' "dk-run-$$")\"?\$" "$WORK/r.yaml"
	[ "$(jq -r '.container.name + " " + .container.compose' "$WORK/r.json" | sort -u)" = "dk-run-$$ shop/web" ]
	# once removed, Docker knows it no more, and the error names it
	docker rm -f "dk-run-$$" >/dev/null
	run "$EUNOMIA" learn -q -d 1 -o "$WORK/none.yaml" "dk-run-$$"
	[ "$status" -ne 0 ]
	[[ "$output" == *"dk-run-$$"* ]]
}

@test "a container sharing another's network is learned as itself, by its own labels" {
	docker run -d --name "dk-net-$$" --network none eunomia-busybox:test /bin/sleep 30 >/dev/null
	local p=$BATS_FILE_TMPDIR/profiles/dk-side.yaml
	# its /etc/hostname is the other container's
	run docker run --rm --runtime eunomia --network "container:dk-net-$$" --name "dk-side-$$" \
		--label "io.eunomia.learn=$p" eunomia-busybox:test /bin/sysprobe getppid
	[ "$status" -eq 0 ]
	[ "$output" = "getppid ok" ]
	grep -q "^    name: dk-side-$$\$" "$p"
	assert_has_syscall "$p" x86_64 getppid
}

@test "eunomia-runtime reads a bundle's annotations (Docker 24+), passes runc's arguments on, and reports into runc's log" {
	local conf=$BATS_FILE_TMPDIR/hook.conf
	make_bundle "$WORK/b" true
	cp "$WORK/b/config.json" "$WORK/plain.json"
	printf '#!/bin/sh\nprintf "%%s\\n" "$@" >%s/args\n' "$WORK" >"$WORK/fake-runc"
	chmod +x "$WORK/fake-runc"
	# no label, no annotation: the bundle is left as it is
	"$SHIM" --config "$conf" --runtime "$WORK/fake-runc" --root "$WORK/root" --log "$WORK/log.json" \
		--log-format json create --bundle "$WORK/b" --pid-file "$WORK/pid" "plain-$$"
	cmp "$WORK/plain.json" "$WORK/b/config.json"
	[ "$(paste -sd' ' "$WORK/args")" = "--root $WORK/root --log $WORK/log.json --log-format json create --bundle $WORK/b --pid-file $WORK/pid plain-$$" ]
	# annotated to be learned: eunomia's hook, beside the runtime, and the learning filter
	jq_edit "$WORK/b/config.json" '.annotations = {"io.eunomia.learn": $p, "io.eunomia.learn.merge": "true"}' \
		--arg p "$BATS_FILE_TMPDIR/profiles/ann.yaml"
	"$SHIM" --config "$conf" --runtime "$WORK/fake-runc" create --bundle "$WORK/b" "ann-$$"
	jq -e --arg hook "$(dirname "$SHIM")/eunomia-oci-hook" --arg conf "$conf" '
		.hooks.createRuntime[-1] == {path: $hook, args: ["eunomia-oci-hook", "--config", $conf, "createRuntime"]}
		and .hooks.poststop[-1] == {path: $hook, args: ["eunomia-oci-hook", "--config", $conf, "poststop"]}
		and .linux.seccomp.defaultAction == "SCMP_ACT_ALLOW"
		and .annotations["io.eunomia.learn.merge"] == "true"
		and .process.args == ["/bin/sh", "-c", "true"]' "$WORK/b/config.json" >/dev/null
	[ "$(tail -n1 "$WORK/args")" = "ann-$$" ]
	# what is refused goes to runc's log, where containerd reads it, and runc is not run
	rm "$WORK/args"
	jq_edit "$WORK/b/config.json" '.annotations["io.eunomia.profile"] = "/tmp/p.yaml"'
	run "$SHIM" --runtime "$WORK/fake-runc" --log "$WORK/log.json" --log-format json create \
		--bundle "$WORK/b" "both-$$"
	[ "$status" -eq 2 ]
	[ ! -e "$WORK/args" ]
	jq -e 'select(.level == "error") | .msg | contains("not both")' "$WORK/log.json" >/dev/null
	# other commands go straight to runc
	"$SHIM" --runtime "$WORK/fake-runc" state "ann-$$"
	[ "$(paste -sd' ' "$WORK/args")" = "state ann-$$" ]
}
