#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# eunomia monitor on this machine, for real: runc containers held to learned profiles
# through the tracepoint fallback (this kernel refuses BPF-LSM programs). The monitor's
# state is global (pinned under /sys/fs/bpf/eunomia/monitor): each test resets it.

load helpers

setup() {
	monitor_setup monitor
}

teardown() {
	monitor_teardown
}

# The container's script: benign work, then, once /shared/go exists, what ACTION says.
# Learned with ACTION=true, so the profile has the loop and never the action.
script() {
	printf '%s' "echo hello >/tmp/f; echo up >/shared/up; while [ ! -e /shared/go ]; do sleep 0.05; done; $1; echo after >/shared/after; sleep 0.3"
}

# bundle DIR ACTION: a busybox bundle (with sysprobe) allowed CAP_CHOWN, running script ACTION.
bundle() {
	make_bundle "$1" "$(script "$2")" CAP_CHOWN
	cp "$SYSPROBE" "$1/rootfs/bin/sysprobe"
}

# learned PROFILE: a profile of the benign script, learned through the hook.
learned() {
	hook_conf "$WORK"
	bundle "$WORK/learn" true
	add_hook "$WORK/learn" "io.eunomia.learn=$1"
	learning_filter "$WORK/learn"
	CONTAINERS+=(monitor-learn-$$)
	# the wait loop runs a while, as it will when monitored
	go_when_up "$WORK/learn/shared"
	runc run --bundle "$WORK/learn" "monitor-learn-$$" </dev/null >/dev/null
	[ -s "$1" ]
}

# events_of FILE KIND: the alert events of that kind, one JSON object per line.
alerts() {
	jq -c --arg k "$2" 'select(.level == "alert" and .kind == $k)' "$1"
}

# held ID DIR EVENTS PROFILE [OPTIONS...]: container ID run detached from bundle DIR, then
# a daemon (its events to EVENTS, with these options) holding it to PROFILE.
held() {
	local id=$1 dir=$2 events=$3 profile=$4
	shift 4
	CONTAINERS+=("$id")
	run_detached "$id" "$dir"
	daemon "$events" "$@" --attach "$id" --profile "$profile"
}

# hooked_mkdir DIR ID PROFILE: container ID from bundle DIR, held through the hook to PROFILE
# (named as the annotation names it), makes a directory first and ends well; the daemon
# (its events in $WORK/ev.json) alerts that mkdir as ID's.
hooked_mkdir() {
	local dir=$1 id=$2
	bundle "$dir" true
	jq_edit "$dir/config.json" ".process.args = [\"/bin/sh\", \"-c\", \"mkdir /tmp/$id; echo done\"]"
	add_hook "$dir" "io.eunomia.profile=$3"
	run timeout 60 runc run --bundle "$dir" "$id" </dev/null
	[ "$status" -eq 0 ]
	wait_for '"name":"mkdir"' "$WORK/ev.json"
	[ "$(alerts "$WORK/ev.json" syscall | jq -r 'select(.syscall.name == "mkdir") | .container.id')" = "$id" ]
}

@test "a runc container's syscall, capability and executable outside its profile are alerted; its neighbours are not" {
	local p=$WORK/profiles/p.yaml
	learned "$p"
	bundle "$WORK/bad" 'mkdir /tmp/x; chown 1:1 /tmp/f; /bin/sysprobe getppid'
	bundle "$WORK/good" true
	CONTAINERS+=(monitor-bad-$$ monitor-good-$$)
	run_detached "monitor-bad-$$" "$WORK/bad"
	run_detached "monitor-good-$$" "$WORK/good"
	daemon "$WORK/ev.json" --attach "monitor-bad-$$" --profile "$p"
	"$EUNOMIA" monitor --attach "monitor-good-$$" --profile "$p" # joins the running daemon
	wait_for '"id":"monitor-good-' "$WORK/ev.json"
	run "$EUNOMIA" monitor --list
	[ "$(awk -F'\t' '{ print $2 }' <<<"$output" | sort | paste -sd' ')" = "monitor-bad-$$ monitor-good-$$" ]
	# a process outside every container does the same
	mkdir "$WORK/host-dir"
	touch "$WORK/bad/shared/go" "$WORK/good/shared/go"
	wait_for after "$WORK/bad/shared/after"
	wait_for after "$WORK/good/shared/after"
	wait_for '"name":"mkdir"' "$WORK/ev.json"
	if refused tp_btf/cap_capable; then # nothing else watches capabilities here
		grep -q 'capabilities off (no BPF-LSM; tp_btf/cap_capable: refused on purpose' "$WORK/ev.json"
	else
		wait_for '"name":"CAP_CHOWN"' "$WORK/ev.json"
	fi
	wait_for '"path":"/bin/sysprobe"' "$WORK/ev.json"
	local e
	e=$(alerts "$WORK/ev.json" syscall | jq -c 'select(.syscall.name == "mkdir")')
	[ "$(jq -r .container.id <<<"$e")" = "monitor-bad-$$" ]
	[ "$(jq -r .process.comm <<<"$e")" = mkdir ]
	# its parent is the container's shell
	[ "$(jq -r .process.ppid <<<"$e")" -gt 1 ]
	[ "$(jq -r .process.ppid <<<"$e")" != "$(jq -r .process.pid <<<"$e")" ]
	[ "$(jq -r .syscall.arch <<<"$e")" = x86_64 ]
	[ "$(jq -r .action <<<"$e")" = alerted ]
	[ "$(jq -r .count <<<"$e")" = 1 ]
	e=$(alerts "$WORK/ev.json" capability)
	if refused tp_btf/cap_capable; then
		[ -z "$e" ]
	else
		[ "$(jq -r .capability.granted <<<"$e")" = true ]
		[ "$(jq -r .container.id <<<"$e")" = "monitor-bad-$$" ]
	fi
	e=$(alerts "$WORK/ev.json" exec)
	[ "$(jq -r .exec.path <<<"$e")" = /bin/sysprobe ]
	[ "$(jq -r .process.exe <<<"$e")" = /bin/sysprobe ]
	# the one that stayed inside its profile, and the host, produced nothing
	jq -e -s 'map(select(.level == "alert" and .container.id != "monitor-bad-'$$'")) | length == 0' \
		"$WORK/ev.json" >/dev/null
}

@test "--kill ends the offender; the profile's own work goes on" {
	local p=$WORK/profiles/p.yaml
	learned "$p"
	bundle "$WORK/k" 'mkdir /tmp/x'
	held "monitor-kill-$$" "$WORK/k" "$WORK/ev.json" "$p" --kill
	touch "$WORK/k/shared/go"
	wait_for '"action":"killed"' "$WORK/ev.json"
	for _ in $(seq 50); do
		[ "$(runc state "monitor-kill-$$" 2>/dev/null | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	# mkdir was killed (busybox runs it in the shell's child): the shell went on
	[ "$(alerts "$WORK/ev.json" syscall | jq -r 'select(.syscall.name == "mkdir") | .action')" = killed ]
	[ ! -d "$WORK/k/rootfs/tmp/x" ]
}

@test "the daemon is killed and restarted: the policy held meanwhile, and alerts go on" {
	local p=$WORK/profiles/p.yaml
	learned "$p"
	bundle "$WORK/r" 'mkdir /tmp/one; while [ ! -e /shared/go2 ]; do sleep 0.05; done; mkdir /tmp/two'
	held "monitor-restart-$$" "$WORK/r" "$WORK/ev1.json" "$p" --kill
	kill -9 "$DAEMON"
	wait_gone "$DAEMON"
	# no daemon: the kernel still holds the container, and kills the offender
	touch "$WORK/r/shared/go"
	sleep 1
	[ ! -d "$WORK/r/rootfs/tmp/one" ] || false
	# a new daemon (alerting only) finds the registration and the buffered event
	daemon "$WORK/ev2.json"
	wait_for '"name":"mkdir"' "$WORK/ev2.json"
	grep -q 'still held to' "$WORK/ev2.json"
	[ "$(alerts "$WORK/ev2.json" syscall | jq -r 'select(.syscall.name == "mkdir") | .action')" = killed ]
	touch "$WORK/r/shared/go2"
	for _ in $(seq 100); do
		[ "$(alerts "$WORK/ev2.json" syscall | jq -s 'map(select(.syscall.name == "mkdir")) | length')" = 2 ] && break
		sleep 0.1
	done
	# exactly two: the one from while it was down, once, and the new one, alerted
	[ "$(alerts "$WORK/ev2.json" syscall | jq -s -r 'map(select(.syscall.name == "mkdir") | .action) | join(",")')" = killed,alerted ]
	! alerts "$WORK/ev1.json" syscall | grep -q mkdir || false
}

@test "bad input: --block without BPF-LSM, missing or bad profile, unknown container" {
	local p=$WORK/p.yaml
	"$EUNOMIA" learn -q -o "$p" -- /bin/true
	sleep 100 &
	local pid=$!
	run "$EUNOMIA" monitor --block --attach pid:$pid --profile "$p"
	[ "$status" -eq 6 ]
	[[ "$output" == *"--block needs BPF-LSM, which this kernel does not offer"* ]]
	run "$EUNOMIA" monitor --attach pid:$pid
	[ "$status" -eq 2 ]
	[[ "$output" == *"--attach and --profile go together"* ]]
	printf 'version: 1\narchitectures: [\n' >"$WORK/bad.yaml"
	run "$EUNOMIA" monitor --attach pid:$pid --profile "$WORK/bad.yaml" -d 1
	[ "$status" -eq 3 ]
	[[ "$output" == *"$WORK/bad.yaml:"* ]]
	run "$EUNOMIA" monitor --attach no-such-container-$$ --profile "$p" -d 1
	[ "$status" -eq 5 ]
	run "$EUNOMIA" monitor --reset --kill
	[ "$status" -eq 2 ]
}

@test "storm: a million forbidden syscalls, rate-limited, counted exactly, by a small daemon" {
	local p=$WORK/profiles/p.yaml
	hook_conf "$WORK"
	# the profile: the container running the storm once, getppid taken out
	bundle "$WORK/learn" '/bin/storm 1 10 1'
	cp "$STORM" "$WORK/learn/rootfs/bin/storm"
	add_hook "$WORK/learn" "io.eunomia.learn=$WORK/profiles/full.yaml"
	CONTAINERS+=(monitor-storm-l-$$ monitor-storm-$$)
	go_when_up "$WORK/learn/shared"
	runc run --bundle "$WORK/learn" "monitor-storm-l-$$" </dev/null >/dev/null
	assert_has_syscall "$WORK/profiles/full.yaml" x86_64 getppid
	grep -v '^      getppid: ' "$WORK/profiles/full.yaml" >"$p"
	assert_no_syscall "$p" x86_64 getppid

	bundle "$WORK/s" '/bin/storm 1 10 100000'
	cp "$STORM" "$WORK/s/rootfs/bin/storm"
	run_detached "monitor-storm-$$" "$WORK/s"
	daemon "$WORK/ev.json" --attach "monitor-storm-$$" --profile "$p"
	local ticks0 ticks1 t0 t1 hz
	hz=$(getconf CLK_TCK)
	ticks0=$(awk '{ print $14 + $15 }' "/proc/$DAEMON/stat")
	t0=$(date +%s%N)
	# the daemon's resident size through the storm, every 20 ms (its start-up peak, while
	# libbpf parses the kernel's BTF, is before this and printed apart)
	(
		max=0
		while [ ! -e "$WORK/sampled" ]; do
			r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON/status") || break
			[ "$r" -gt "$max" ] && max=$r && echo "$max" >"$WORK/rss.max"
			sleep 0.02
		done
	) &
	local sampler=$!
	touch "$WORK/s/shared/go"
	wait_for after "$WORK/s/shared/after" 60
	sleep 2.5 # the flush writes what the last interval suppressed
	ticks1=$(awk '{ print $14 + $15 }' "/proc/$DAEMON/stat")
	t1=$(date +%s%N)
	touch "$WORK/sampled"
	wait "$sampler"
	local total events hwm cpu rss
	total=$(alerts "$WORK/ev.json" syscall | jq -s 'map(select(.syscall.name == "getppid") | .count) | add')
	events=$(alerts "$WORK/ev.json" syscall | jq -s 'map(select(.syscall.name == "getppid")) | length')
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$DAEMON/status")
	rss=$(cat "$WORK/rss.max")
	cpu=$(awk -v t="$((ticks1 - ticks0))" -v hz="$hz" -v ns="$((t1 - t0))" \
		'BEGIN { printf "%.2f", 100 * (t / hz) / (ns / 1e9) }')
	echo "getppid: $total violations in $events events; daemon RSS at most ${rss} kB during" \
		"the storm (${hwm} kB at its start-up peak), ${cpu}% of a core"
	[ "$total" = 1000000 ]
	[ "$events" -ge 1 ] && [ "$events" -le 20 ]
	# each event says how many it stands for: a live event shows one of them, a
	# summary (written by the flush, at the end of the burst) none
	[ "$(alerts "$WORK/ev.json" syscall | jq -s 'map(select(.syscall.name == "getppid") |
		select(.suppressed != (if .summary then .count else .count - 1 end))) | length')" = 0 ]
	[ "$(alerts "$WORK/ev.json" syscall | jq -s 'map(select(.syscall.name == "getppid")) | .[0].summary')" = null ]
	if [ -n "${EUNOMIA_SANITIZED:-}" ]; then
		echo "a sanitizer build: its memory and CPU are not the daemon's, so they are not checked"
	else
		[ "$rss" -lt 16384 ]
		awk -v c="$cpu" 'BEGIN { exit !(c < 5) }'
	fi
	! grep -q '"level":"warning"' "$WORK/ev.json" || false
}

@test "the OCI hook holds a runc container with io.eunomia.profile from its first instruction" {
	local p=$WORK/profiles/p.yaml
	learned "$p"
	# no monitor: a container that asks to be held does not start
	bundle "$WORK/h0" true
	add_hook "$WORK/h0" "io.eunomia.profile=$p"
	CONTAINERS+=(monitor-hook0-$$ monitor-hook-$$)
	run timeout 60 runc run --bundle "$WORK/h0" "monitor-hook0-$$" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"no eunomia monitor is running"* ]]

	daemon "$WORK/ev.json"
	# its very first act is outside the profile: no go to wait for
	hooked_mkdir "$WORK/h" "monitor-hook-$$" "$p"
	# the hook's registration says who started it and from which bundle
	[ "$(alerts "$WORK/ev.json" syscall | jq -r 'select(.syscall.name == "mkdir") | .container.runtime + " " + .container.bundle')" = "runc $WORK/h" ]
	# poststop let it go
	run "$EUNOMIA" monitor --list
	[ "$status" -eq 0 ]
	[[ "$output" != *"monitor-hook-$$"* ]]
}

@test "podman: --annotation io.eunomia.profile holds the container through hooks.d" {
	require_cmd podman
	ensure_busybox_image
	local p=$WORK/profiles/p.yaml
	learned "$p"
	podman_hooks_dir "$WORK/hooks.d"
	daemon "$WORK/ev.json"
	run podman_run --hooks-dir "$WORK/hooks.d" --annotation "io.eunomia.profile=$p" \
		--name "monitor-podman-$$" localhost/eunomia-busybox:test /bin/sh -c 'mkdir /tmp/x; echo ok'
	echo "$output"
	[ "$status" -eq 0 ]
	wait_for '"name":"mkdir"' "$WORK/ev.json"
	[ "$(alerts "$WORK/ev.json" syscall | jq -r 'select(.syscall.name == "mkdir") | .process.comm')" = mkdir ]
	[ "$(alerts "$WORK/ev.json" syscall | jq -r 'select(.syscall.name == "mkdir") | .container.runtime')" = podman ]
}

@test "--profiles DIR: profiles named without a path, by --attach and by the hook" {
	local p=$WORK/profiles/p.yaml
	learned "$p"
	bundle "$WORK/a" true
	CONTAINERS+=(monitor-named-$$ monitor-named-hook-$$)
	run_detached "monitor-named-$$" "$WORK/a"
	# without --profiles a name has nowhere to be found
	run "$EUNOMIA" monitor -d 1 --attach "monitor-named-$$" --profile p
	[ "$status" -eq 2 ]
	[[ "$output" == *"profile 'p' is a name, but the monitor has no --profiles directory"* ]]
	run "$EUNOMIA" monitor -d 1 --attach "monitor-named-$$" --profile profiles/p
	[ "$status" -eq 2 ]
	[[ "$output" == *"expected an absolute path, or a name (no '/')"* ]]
	daemon "$WORK/ev.json" --profiles "$WORK/profiles"
	# a second invocation joins the daemon and finds the name in its directory
	"$EUNOMIA" monitor -q --attach "monitor-named-$$" --profile p
	hooked_mkdir "$WORK/h" "monitor-named-hook-$$" p
	run "$EUNOMIA" monitor --list
	[[ "$output" == *"monitor-named-$$"*"$WORK/profiles/p.yaml"* ]]
}

@test "--metrics: promtool accepts the endpoint; a real Prometheus scrapes a container's violations" {
	require_cmd prometheus
	require_cmd promtool prometheus
	require_cmd curl
	local p=$WORK/profiles/p.yaml port=$METRICS_PORT pport=$PROM_PORT
	learned "$p"
	bundle "$WORK/m" 'mkdir /tmp/x'
	held "monitor-metrics-$$" "$WORK/m" "$WORK/ev.json" "$p" --metrics "127.0.0.1:$port"
	touch "$WORK/m/shared/go"
	wait_for '"name":"mkdir"' "$WORK/ev.json"
	curl -sf "http://127.0.0.1:$port/metrics" >"$WORK/metrics.txt"
	promtool check metrics <"$WORK/metrics.txt"
	grep -q "^eunomia_violations_total{container=\"monitor-metrics-$$\",kind=\"syscall\",action=\"alerted\"} [1-9]" "$WORK/metrics.txt"
	grep -q '^eunomia_containers_tracked [1-9]' "$WORK/metrics.txt"
	grep -q "^eunomia_bpf_program_runs_total{program=\"$(sys_enter_prog mon)\"} [1-9]" "$WORK/metrics.txt"
	grep -q '^process_resident_memory_bytes [1-9]' "$WORK/metrics.txt"
	grep -q '^eunomia_bpf_programs_missing 0$' "$WORK/metrics.txt"
	grep -q '^eunomia_filters_unheld_total 0$' "$WORK/metrics.txt"
	# a program's link unpinned behind the monitor's back: detached, and counted missing
	rm /sys/fs/bpf/eunomia/monitor/link_mon_fork
	curl -sf "http://127.0.0.1:$port/metrics" | grep -q '^eunomia_bpf_programs_missing 1$'
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/other")" = 404 ]

	# Debian's Prometheus, on loopback, scraping the monitor every second
	cat >"$WORK/prometheus.yml" <<-EOF
	global: { scrape_interval: 1s }
	scrape_configs:
	  - job_name: eunomia
	    static_configs: [ { targets: ["127.0.0.1:$port"] } ]
	EOF
	promtool check config "$WORK/prometheus.yml"
	prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
		--web.listen-address="127.0.0.1:$pport" >"$WORK/prometheus.log" 2>&1 &
	DAEMONS+=($!)
	local q="eunomia_violations_total{container=\"monitor-metrics-$$\",kind=\"syscall\"}" v=
	for _ in $(seq 150); do
		v=$(curl -sf -G "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$q" |
			jq -r '.data.result[0].value[1] // empty') && [ -n "$v" ] && break
		sleep 0.2
	done
	echo "Prometheus says: $q = $v"
	[ -n "$v" ] && [ "$v" -ge 1 ]
}

@test "--events FILE appends, and SIGHUP opens it again after logrotate moved it" {
	local p=$WORK/p.yaml
	"$EUNOMIA" learn -q -o "$p" -- /bin/true
	echo '{"earlier":"line"}' >"$WORK/ev.json"
	daemon "$WORK/ev.json"
	head -1 "$WORK/ev.json" | grep -q earlier # appended, not truncated
	[ "$(stat -c %a "$WORK/ev.json")" = 644 ] || [ "$(stat -c %a "$WORK/ev.json")" = 600 ]
	mv "$WORK/ev.json" "$WORK/ev.json.1"
	kill -HUP "$DAEMON"
	sleep 0.3
	sleep 100 &
	PIDS_HELD=$!
	DAEMONS+=("$PIDS_HELD") # (stopped by teardown)
	"$EUNOMIA" monitor -q --attach "pid:$PIDS_HELD" --profile "$p"
	wait_for "pid:$PIDS_HELD\|\"name\":\"host\"" "$WORK/ev.json"
	! grep -q '"name":"host"' "$WORK/ev.json.1" || false
	[ "$(stat -c %a "$WORK/ev.json")" = 600 ]
}
