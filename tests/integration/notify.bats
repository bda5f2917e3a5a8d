#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# The monitor as seccomp agent, for real: containers whose filter (eunomia enforce
# --monitor, export --monitor) hands what it refuses to the monitor through seccomp
# user notification. Their refusals are answered (errno, kill, or go on) and reported
# like the BPF programs' denials, with no program on the host's syscalls; the listeners
# outlive the daemon. runc, podman and eunomia enforce -- CMD.

load helpers
load seccomp

setup_file() {
	learn_probe_profile notify
}

setup() {
	probe_setup notify
}

teardown() {
	monitor_teardown
}

# syscall_links: the per-syscall programs attached now (sys_enter, sys_exit, signal).
syscall_links() {
	ls /sys/fs/bpf/eunomia/monitor 2>/dev/null | grep -E '^link_mon_(sys_|signal)' || true
}

# held_through EVENTS DIR ID SCRIPT: a daemon (its events to EVENTS), then container ID
# run detached from bundle DIR, SCRIPT under $P's filter, until the daemon holds it through
# the filter's listener.
held_through() {
	local events=$1 dir=$2 id=$3
	daemon "$events"
	monitored "$dir" "$P" "$4"
	CONTAINERS+=("$id")
	runc run -d --bundle "$dir" "$id" </dev/null >/dev/null
	wait_for "\"id\":\"$id\"" "$events"
}

# answered: the `enforce --monitor -- sysprobe getppid reboot bpf` just run ended well, its
# calls answered as its profile says.
answered() {
	echo "enforce: status $status, said: $output" # shown if the test fails
	[ "$status" -eq 0 ]
	[ "$output" = "getppid ok
reboot EPERM
bpf EPERM" ]
}

@test "runc under its filter: a refusal is answered with the profile's errno and reported; nothing runs on the host's syscalls" {
	daemon "$WORK/ev.json"
	monitored "$WORK/a" "$P" "$(script 'getppid acct reboot bpf' 1.5)"
	monitored "$WORK/b" "$P" "$(script 'getppid acct' 1.5)"
	jq -e '.linux.seccomp.listenerPath == "/run/eunomia/seccomp.sock"' "$WORK/a/config.json" >/dev/null
	CONTAINERS+=("notify-a-$$" "notify-b-$$")
	runc run -d --bundle "$WORK/a" "notify-a-$$" </dev/null >/dev/null
	runc run -d --bundle "$WORK/b" "notify-b-$$" </dev/null >/dev/null
	wait_for after "$WORK/a/shared/after"
	wait_for after "$WORK/b/shared/after"
	[ -z "$(syscall_links)" ]
	# a host process refused by a filter of its own is nobody's business here
	run "$EUNOMIA" enforce -q --profile "$P" -- "$SYSPROBE" reboot
	[ "$output" = "reboot EPERM" ]
	[ "$(cat "$WORK/a/shared/probe.out")" = "getppid ok
acct EPERM
reboot EPERM
bpf EPERM" ]
	wait_for '"name":"bpf"' "$WORK/ev.json"
	wait_for "\"id\":\"notify-b-$$\"" "$WORK/ev.json" # held too
	sleep 1
	local e
	e=$(denials "$WORK/ev.json" | jq -c 'select(.syscall.name == "reboot")')
	[ "$(jq -r .container.id <<<"$e")" = "notify-a-$$" ]
	[ "$(jq -r .container.runtime <<<"$e")" = runc ]
	[ "$(jq -r .action <<<"$e")" = denied ]
	[ "$(jq -r .errno.name <<<"$e")" = EPERM ]
	[ "$(jq -r .process.comm <<<"$e")" = sysprobe ]
	[ "$(jq -r .process.ppid <<<"$e")" -gt 1 ]
	[ "$(jq -r '.syscall.args[0:2] | join(",")' <<<"$e")" = "0xffffffffffffffff,0xffffffffffffffff" ]
	[ "$(jq -r .count <<<"$e")" = 1 ]
	# two refusals, both the first container's; the second stayed inside its profile
	[ "$(denials "$WORK/ev.json" | jq -r '.container.id + " " + .syscall.name' | sort | paste -sd,)" = "notify-a-$$ bpf,notify-a-$$ reboot" ]
	[ "$(jq -c 'select(.level == "alert")' "$WORK/ev.json" | wc -l)" = 2 ]
	run "$EUNOMIA" denials -e "$WORK/ev.json" --container "notify-a-$$"
	[ "$(awk '$2 == "reboot" { print $4, $5, $6 }' <<<"$output")" = "denied EPERM 1" ]
}

# until_links yes|no: wait (10 s at most) until per-syscall programs are attached, or none.
until_links() {
	local i
	for ((i = 0; i < 100; i++)); do
		if [ "$1" = yes ]; then [ -n "$(syscall_links)" ] && return 0; else [ -z "$(syscall_links)" ] && return 0; fi
		sleep 0.1
	done
	return 1
}

@test "the per-syscall programs run only while a process without eunomia's filter is held" {
	daemon "$WORK/ev.json"
	[ -z "$(syscall_links)" ]
	sleep 1000 &
	local pid=$!
	"$EUNOMIA" monitor -q --attach "pid:$pid" --profile "$P"
	until_links yes
	syscall_links | grep -q sys_enter
	kill "$pid"
	wait "$pid" || true
	# the daemon sees it end, releases it, and takes the programs off the host's syscalls
	until_links no
}

@test "runc exec into a held container: its refusals are the container's, which is held once" {
	held_through "$WORK/ev.json" "$WORK/x" "notify-x-$$" "while [ ! -e /shared/go ]; do sleep 0.05; done"
	# runc exec loads the container's filter again and hands its listener over too
	run runc exec "notify-x-$$" /bin/sysprobe reboot
	[ "$output" = "reboot EPERM" ]
	wait_for '"name":"reboot"' "$WORK/ev.json"
	[ "$(denials "$WORK/ev.json" | jq -r '.container.id + " " + .syscall.name')" = "notify-x-$$ reboot" ]
	# the same registration: the container was not held a second time
	[ "$(jq -c "select(.kind == \"container\" and .container.id == \"notify-x-$$\" and (.message | startswith(\"held to\")))" \
		"$WORK/ev.json" | wc -l)" = 1 ]
	touch "$WORK/x/shared/go"
}

@test "kill-process: the offender is killed and reported so; log: the call runs and is alerted" {
	daemon "$WORK/ev.json"
	monitored "$WORK/k" "$P" "$(script 'getppid acct reboot')" --deny kill-process
	monitored "$WORK/c" "$P" "$(script 'getppid acct reboot')" --deny log
	run_ct "notify-kill-$$" "$WORK/k"
	[ "$status" -eq 0 ] # the shell goes on; sysprobe died
	[ "$(cat "$WORK/k/shared/probe.out")" = "getppid ok
acct EPERM" ]
	run_ct "notify-log-$$" "$WORK/c"
	# it ran: the kernel's own answer to a reboot without CAP_SYS_BOOT
	grep -qx 'reboot EPERM\|reboot EINVAL' "$WORK/c/shared/probe.out"
	wait_for '"action":"killed"' "$WORK/ev.json"
	wait_for '"syscall":{"name":"reboot","nr":169,"arch":"x86_64"},"action":"alerted"' "$WORK/ev.json"
	local e
	e=$(denials "$WORK/ev.json")
	[ "$(jq -s length <<<"$e")" = 1 ]
	[ "$(jq -r .container.id <<<"$e")" = "notify-kill-$$" ]
	[ "$(jq -r .signal.name <<<"$e")" = SIGKILL ]
	# the syscall (which then met the kernel's capability check: an alert of its own)
	e=$(jq -c 'select(.level == "alert" and .kind == "syscall" and .action == "alerted")' "$WORK/ev.json")
	[ "$(jq -r .container.id <<<"$e")" = "notify-log-$$" ]
	[ "$(jq -r .syscall.name <<<"$e")" = reboot ]
}

@test "eunomia enforce --monitor -- CMD: its refusals are answered and reported; without a monitor it does not start" {
	local hp=$WORK/host.yaml
	"$EUNOMIA" learn -q -o "$hp" -- "$SYSPROBE" getppid >/dev/null
	run "$EUNOMIA" enforce --monitor --profile "$hp" -- "$SYSPROBE" getppid reboot
	[ "$status" -eq 7 ]
	[[ "$output" == *"--monitor: no eunomia monitor listens on /run/eunomia/seccomp.sock"* ]]
	daemon "$WORK/ev.json"
	run "$EUNOMIA" enforce -q --monitor --profile "$hp" -- "$SYSPROBE" getppid reboot bpf
	answered
	wait_for '"name":"bpf"' "$WORK/ev.json"
	[ "$(denials "$WORK/ev.json" | jq -r '.syscall.name' | sort | paste -sd,)" = bpf,reboot ]
	[ "$(denials "$WORK/ev.json" | jq -r '.container.runtime' | sort -u)" = host ]
	# its execve, which the filter hands over too while the monitor takes the listener, is not news
	! grep -q '"name":"execve"' "$WORK/ev.json" || false
}

@test "a daemon that stops reading does not stop the answers; what it missed waits for it" {
	local hp=$WORK/host.yaml
	"$EUNOMIA" learn -q -o "$hp" -- "$SYSPROBE" getppid >/dev/null
	daemon "$WORK/ev.json"
	kill -STOP "$DAEMON"
	# the command waits in its execve for the daemon to hold it, two seconds at most
	run timeout 20 "$EUNOMIA" enforce -q --monitor --profile "$hp" -- "$SYSPROBE" getppid reboot bpf
	kill -CONT "$DAEMON"
	answered
	# its process ended before any daemon held it: its calls are reported once one does, and named
	wait_for '"name":"bpf"' "$WORK/ev.json"
	wait_for '"name":"reboot"' "$WORK/ev.json"
	[ "$(denials "$WORK/ev.json" | jq -r '.container.runtime + " " + .syscall.name' | sort | paste -sd,)" = "host bpf,host reboot" ]
	# and then its slot is free again
	wait_for 'ended; its policy is removed' "$WORK/ev.json"
}

@test "podman: a profile exported with --monitor hands its refusals to the monitor" {
	require_cmd podman
	ensure_busybox_image
	daemon "$WORK/ev.json"
	"$EUNOMIA" export --format docker --monitor -o "$WORK/p.json" "$P"
	mkdir -p "$WORK/ps"
	cp "$SYSPROBE" "$WORK/ps/sysprobe"
	podman_run --name "notify-p-$$" --network none --security-opt "seccomp=$WORK/p.json" \
		--security-opt no-new-privileges -v "$WORK/ps:/shared" localhost/eunomia-busybox:test \
		/bin/sh -c "/shared/sysprobe getppid reboot >/shared/probe.out; sleep 0.5"
	podman rm -f "notify-p-$$" >/dev/null 2>&1 || true
	grep -qx 'reboot EPERM' "$WORK/ps/probe.out"
	wait_for '"name":"reboot"' "$WORK/ev.json"
	local e
	e=$(denials "$WORK/ev.json")
	[ "$(jq -r '.syscall.name + " " + .action + " " + .errno.name' <<<"$e")" = "reboot denied EPERM" ]
	# podman hands runc its container id, which names it
	[ "$(jq -r '.container.id | length' <<<"$e")" = 64 ]
}

@test "storm: a refused syscall in a tight loop for 10 s: every call counted exactly in a few events; daemon and agent small" {
	local sp=$WORK/profiles/storm.yaml
	# storm's own profile, learned through the hook, then getppid taken out
	bundle "$WORK/learn" true
	jq_edit "$WORK/learn/config.json" '.process.args = ["/bin/storm", "-t", "1", "1", "2"]'
	add_hook "$WORK/learn" "io.eunomia.learn=$WORK/profiles/full.yaml"
	learning_filter "$WORK/learn"
	run_ct "notify-storm-l-$$" "$WORK/learn"
	[ "$status" -eq 0 ]
	grep -v '^      getppid: ' "$WORK/profiles/full.yaml" >"$sp"
	assert_no_syscall "$sp" x86_64 getppid

	daemon "$WORK/ev.json" --metrics "127.0.0.1:$METRICS_PORT"
	monitored "$WORK/s" "$sp" true
	jq_edit "$WORK/s/config.json" '.process.args = ["/bin/storm", "-t", "10", "1", "2"]'
	CONTAINERS+=("notify-storm-$$")
	run_detached "notify-storm-$$" "$WORK/s"
	# the daemon's and the agent's resident size through the storm, every 50 ms
	local agent
	agent=$(pgrep -f 'eunomia monitor --agent' | head -n1)
	[ -n "$agent" ]
	(
		max=0
		while [ ! -e "$WORK/sampled" ]; do
			r=$(awk '/^VmRSS:/ { s += $2 } END { print s }' "/proc/$DAEMON/status" "/proc/$agent/status") || break
			[ "$r" -gt "$max" ] && max=$r && echo "$max" >"$WORK/rss.max"
			sleep 0.05
		done
	) &
	local sampler=$!
	wait_for '^calls ' "$WORK/s/container.log" 30
	sleep 3 # what the last interval held back
	touch "$WORK/sampled"
	wait "$sampler"
	local calls total events rss
	storm_counts "$WORK/ev.json" "$WORK/s/container.log"
	rss=$(cat "$WORK/rss.max")
	echo "storm: $calls refused getppid calls in 10 s, $total counted in $events events;" \
		"daemon and agent together at most $rss kB"
	[ "$calls" -gt 10000 ]
	assert_storm_counted "$WORK/ev.json"
	if [ -n "${EUNOMIA_SANITIZED:-}" ]; then
		echo "a sanitizer build: its memory is not the daemon's, so it is not checked"
	else
		[ "$rss" -lt $((16 * 1024)) ] # the monitor, both its processes, under 16 MB
	fi
	curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" >"$WORK/metrics.txt"
	grep -qx "eunomia_denials_total{container=\"notify-storm-$$\",syscall=\"getppid\",action=\"denied\"} $calls" "$WORK/metrics.txt"
}

@test "the monitor is killed while a container is held: its refusals are answered meanwhile, and reported after the restart" {
	held_through "$WORK/ev1.json" "$WORK/r" "notify-restart-$$" "while [ ! -e /shared/go ]; do sleep 0.05; done; /bin/sysprobe reboot >/shared/during.out; while [ ! -e /shared/go2 ]; do sleep 0.05; done; /bin/sysprobe bpf >/shared/after.out; sleep 0.5"
	kill -9 "$DAEMON"
	wait_gone "$DAEMON"
	# no daemon: the agent answers, and counts
	touch "$WORK/r/shared/go"
	wait_for 'reboot EPERM' "$WORK/r/shared/during.out"
	daemon "$WORK/ev2.json"
	wait_for '"name":"reboot"' "$WORK/ev2.json"
	touch "$WORK/r/shared/go2"
	wait_for 'bpf EPERM' "$WORK/r/shared/after.out"
	wait_for '"name":"bpf"' "$WORK/ev2.json"
	[ "$(denials "$WORK/ev2.json" | jq -r '.container.id + " " + .syscall.name + " " + (.count | tostring)' | sort | paste -sd,)" = "notify-restart-$$ bpf 1,notify-restart-$$ reboot 1" ]
	[ -z "$(denials "$WORK/ev1.json")" ]
}

@test "with no monitor, runc does not start a container whose filter hands its refusals to it" {
	monitored "$WORK/n" "$P" "$(script 'reboot')"
	run timeout 30 runc run --bundle "$WORK/n" "notify-none-$$" </dev/null
	CONTAINERS+=("notify-none-$$")
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/run/eunomia/seccomp.sock"* ]]
	[ ! -e "$WORK/n/shared/probe.out" ]
}
