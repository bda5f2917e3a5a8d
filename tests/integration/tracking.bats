#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# Containers known by name: two runc containers, a podman container and a host process
# at once, each named correctly by learn and by the monitor (events and metrics); the
# host process is attributed to the host.

load helpers

setup() {
	require_runc
	require_cmd podman
	require_cmd curl
	ensure_busybox_image
	work_setup tracking
	PIDS=()
	"$EUNOMIA" monitor --reset -q
}

teardown() {
	local c
	for c in "${PIDS[@]}"; do kill "$c" 2>/dev/null || true; done
	delete_containers
	podman rm -f "tracking-p-$$" >/dev/null 2>&1 || true
	"$EUNOMIA" monitor --reset -q || true
	rm -rf "$WORK"
}

# A script that waits for /shared/go, makes a directory, and keeps running until
# /shared/done (the test decides when each ends, however slowly the learners start).
loop='while [ ! -e /shared/go ]; do sleep 0.05; done; mkdir /tmp/x; while [ ! -e /shared/done ]; do sleep 0.05; done'

start_all() {
	make_bundle "$WORK/a" "$loop"
	make_bundle "$WORK/b" "$loop"
	CONTAINERS+=(tracking-a-$$ tracking-b-$$)
	run_detached "tracking-a-$$" "$WORK/a"
	run_detached "tracking-b-$$" "$WORK/b"
	mkdir -p "$WORK/p"
	podman --cgroup-manager=cgroupfs --runtime runc run -d --name "tracking-p-$$" \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 -v "$WORK/p:/shared" \
		localhost/eunomia-busybox:test /bin/sh -c "$loop" >/dev/null
	mkdir -p "$WORK/h"
	sh -c "while [ ! -e $WORK/h/go ]; do sleep 0.05; done; mkdir $WORK/h/x; while [ ! -e $WORK/h/done ]; do sleep 0.05; done" &
	HOST=$!
	PIDS+=("$HOST")
}

go_all() {
	touch "$WORK/a/shared/go" "$WORK/b/shared/go" "$WORK/p/go" "$WORK/h/go"
}

done_all() {
	touch "$WORK/a/shared/done" "$WORK/b/shared/done" "$WORK/p/done" "$WORK/h/done"
}

@test "learn names two runc containers, a podman container and the host, all at once" {
	start_all
	local t i=0 port=$METRICS_PORT
	local targets=("tracking-a-$$" "tracking-b-$$" "tracking-p-$$" "pid:$HOST")
	for t in "${targets[@]}"; do
		"$EUNOMIA" learn -q -o "$WORK/learn-${t//:/-}.yaml" -e "$WORK/ev-${t//:/-}.json" \
			--metrics "127.0.0.1:$((port + i))" "$t" &
		PIDS+=($!)
		i=$((i + 1))
	done
	# each learner follows its container before anything is made
	for t in "${targets[@]}"; do wait_for '"kind":"learn"' "$WORK/ev-${t//:/-}.json" 30; done
	go_all
	# while they learn: each endpoint describes its own container
	for i in 0 1 2 3; do # once each has learned something
		wait_for_url "http://127.0.0.1:$((port + i))/metrics" "$WORK/metrics-$i.txt" \
			'^eunomia_syscalls_learned{container="[^"]*"} [1-9]'
	done
	grep -q "^eunomia_container_info{container=\"tracking-a-$$\",id=\"tracking-a-$$\",runtime=\"runc\",image=\"\",bundle=\"$WORK/a\",pod=\"\"} 1\$" "$WORK/metrics-0.txt"
	grep -q "^eunomia_syscalls_learned{container=\"tracking-b-$$\"} [1-9]" "$WORK/metrics-1.txt"
	grep -q "^eunomia_container_info{container=\"tracking-p-$$\",id=\"[0-9a-f]\{64\}\",runtime=\"podman\",image=\"localhost/eunomia-busybox:test\"" "$WORK/metrics-2.txt"
	grep -q '^eunomia_container_info{container="host",id="",runtime="host",' "$WORK/metrics-3.txt"
	# learning ends when each container's processes are gone
	done_all
	local l
	for l in "${PIDS[@]:1}"; do wait_gone "$l" 30; done
	wait "${PIDS[@]:1}"
	grep -q "^    name: tracking-a-$$\$" "$WORK/learn-tracking-a-$$.yaml"
	grep -q "^    runtime: runc\$" "$WORK/learn-tracking-a-$$.yaml"
	grep -q "^    name: tracking-b-$$\$" "$WORK/learn-tracking-b-$$.yaml"
	grep -q "^    name: tracking-p-$$\$" "$WORK/learn-tracking-p-$$.yaml"
	grep -q "^    runtime: podman\$" "$WORK/learn-tracking-p-$$.yaml"
	grep -q "^    name: host\$" "$WORK/learn-pid-$HOST.yaml"
	grep -q "^    runtime: host\$" "$WORK/learn-pid-$HOST.yaml"
	local f
	for f in "$WORK"/learn-*.yaml; do assert_has_syscall "$f" x86_64 mkdir mkdirat; done
	# the events: every one names the learner's own container, and each process in full
	local want
	for t in "${targets[@]}"; do
		f=$WORK/ev-${t//:/-}.json
		want=$t
		[ "$t" = "pid:$HOST" ] && want=host
		[ "$(jq -r '.container.name' "$f" | sort -u)" = "$want" ]
		jq -e -s 'map(select(.syscall.name == "mkdir" or .syscall.name == "mkdirat")) | length == 1' "$f" >/dev/null
		jq -e -s 'map(select(.action == "learned")) | length > 5 and
			all(.process.pid > 0 and .process.ppid > 0 and (.process.comm | length) > 0)' "$f" >/dev/null
		jq -e -s 'map(select(.kind == "learn")) | length == 2' "$f" >/dev/null
	done
	[ "$(jq -r '.container.runtime' "$WORK/ev-tracking-a-$$.json" | sort -u)" = runc ]
	[ "$(jq -r '.container.image' "$WORK/ev-tracking-p-$$.json" | sort -u)" = localhost/eunomia-busybox:test ]
}

@test "the monitor names each in its events and metrics, the host process as the host" {
	local p=$WORK/p.yaml port=$METRICS_PORT
	"$EUNOMIA" learn -q -o "$p" -- /bin/busybox true # a profile none of them stays inside
	start_all
	"$EUNOMIA" monitor -e "$WORK/ev.json" --metrics "127.0.0.1:$port" \
		--attach "tracking-a-$$" --profile "$p" 2>"$WORK/monitor.err" &
	PIDS+=($!)
	wait_for '"kind":"container"' "$WORK/ev.json"
	"$EUNOMIA" monitor -q --attach "tracking-b-$$" --profile "$p"
	# the podman container by its process: its cgroup names podman, and podman names it
	"$EUNOMIA" monitor -q --attach "pid:$(podman inspect -f '{{.State.Pid}}' "tracking-p-$$")" --profile "$p"
	"$EUNOMIA" monitor -q --attach "pid:$HOST" --profile "$p"
	go_all
	local name
	for name in "tracking-a-$$" "tracking-b-$$" "tracking-p-$$" host; do
		wait_for "\"name\":\"$name\"[^}]*},\"process\":{[^}]*\"comm\":\"mkdir\"" "$WORK/ev.json"
	done
	# every alert names one of the four, and each mkdir came from its own container
	[ "$(jq -r 'select(.level == "alert") | .container.name' "$WORK/ev.json" | sort -u | paste -sd' ')" = \
		"$(printf '%s\n' host "tracking-a-$$" "tracking-b-$$" "tracking-p-$$" | sort | paste -sd' ')" ]
	[ "$(jq -r "select(.process.comm == \"mkdir\" and .container.name == \"host\") | .process.pid" \
		"$WORK/ev.json" | head -1)" != "" ]
	curl -sf "http://127.0.0.1:$port/metrics" >"$WORK/metrics.txt"
	for name in "tracking-a-$$" "tracking-b-$$" "tracking-p-$$" host; do
		grep -q "^eunomia_violations_total{container=\"$name\",kind=\"syscall\",action=\"alerted\"} [1-9]" \
			"$WORK/metrics.txt"
	done
	grep -q '^eunomia_containers_tracked 4$' "$WORK/metrics.txt"
	grep -q "^eunomia_container_info{container=\"tracking-b-$$\",id=\"tracking-b-$$\",runtime=\"runc\",image=\"\",bundle=\"$WORK/b\",pod=\"\"} 1\$" "$WORK/metrics.txt"
	grep -q "^eunomia_container_info{container=\"tracking-p-$$\",id=\"[0-9a-f]\{64\}\",runtime=\"podman\",image=\"localhost/eunomia-busybox:test\"" "$WORK/metrics.txt"
	grep -q '^eunomia_container_info{container="host",id="pid:[0-9]*",runtime="host",' "$WORK/metrics.txt"
	# events carry what is known of each container
	[ "$(jq -r "select(.container.name == \"tracking-a-$$\") | .container.runtime + \" \" + .container.bundle" \
		"$WORK/ev.json" | sort -u)" = "runc $WORK/a" ]
	[ "$(jq -r "select(.container.name == \"tracking-p-$$\") | .container.runtime + \" \" + .container.image" \
		"$WORK/ev.json" | sort -u)" = "podman localhost/eunomia-busybox:test" ]
}
