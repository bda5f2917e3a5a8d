#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# Faults, for real: a learner killed with SIGKILL, a disk that fills while a profile
# is written, the monitor killed under a violation storm, a container that starts a
# thousand short-lived processes a second. Nothing the user had is lost, nothing is
# invented, every process is attributed.

load helpers

setup() {
	require_runc
	work_setup faults
	PIDS=()
	MOUNTS=()
}

teardown() {
	local c
	for c in "${PIDS[@]}"; do kill -9 "$c" 2>/dev/null || true; done
	delete_containers
	for c in "${MOUNTS[@]}"; do umount "$c" 2>/dev/null || true; done
	[ -z "${MONITOR_USED:-}" ] || "$EUNOMIA" monitor --reset -q || true
	# a held command whose learner was killed waits for $WORK/stop, which rm would never make
	pkill -9 -f -- "$WORK/" 2>/dev/null || true
	rm -rf "$WORK"
}

# valid PROFILE: eunomia reads it back as a whole profile.
valid() {
	"$EUNOMIA" export --format oci "$1" >/dev/null
}

@test "learn --checkpoint: killed with SIGKILL, it leaves a recent, whole profile; no read ever sees a torn one" {
	"$EUNOMIA" learn -q --checkpoint 0.2 -o "$WORK/cp.yaml" -- \
		sh -c "mkdir $WORK/made; while [ ! -e $WORK/stop ]; do ls / >/dev/null; sleep 0.01; done" &
	local learner=$! reads=0 end
	PIDS+=("$learner")
	wait_for '^version: 1' "$WORK/cp.yaml"
	# read it as often as we can while checkpoints replace it: each read is a whole profile
	end=$((SECONDS + 3))
	while [ "$SECONDS" -lt "$end" ]; do
		cp "$WORK/cp.yaml" "$WORK/read.yaml"
		valid "$WORK/read.yaml"
		reads=$((reads + 1))
	done
	echo "$reads reads, all whole profiles"
	[ "$reads" -ge 20 ]
	kill -9 "$learner"
	wait "$learner" || true
	touch "$WORK/stop"
	valid "$WORK/cp.yaml"
	assert_has_syscall "$WORK/cp.yaml" x86_64 mkdir mkdirat
	grep -q '^- /usr/bin/ls$' "$WORK/cp.yaml" # executables up to the checkpoint
	# recent: the last checkpoint covers at least the two seconds before the kill
	awk '/duration_seconds:/ { exit !($2 >= 2) }' "$WORK/cp.yaml"
	# no temporary file is left beside it
	[ "$(ls -A "$WORK" | grep -c '^\.cp\.yaml\|cp\.yaml\.')" = 0 ]
}

@test "the disk fills while a profile is written: the old profile survives, byte for byte" {
	mkdir "$WORK/small"
	mount -t tmpfs -o size=256k tmpfs "$WORK/small"
	MOUNTS+=("$WORK/small")
	"$EUNOMIA" learn -q -o "$WORK/small/p.yaml" -- /bin/true
	cp "$WORK/small/p.yaml" "$WORK/old.yaml"
	dd if=/dev/zero of="$WORK/small/fill" bs=4k 2>/dev/null || true
	run "$EUNOMIA" learn -q -o "$WORK/small/p.yaml" -- /bin/ls /
	echo "$output"
	[ "$status" -eq 4 ]
	[[ "$output" == *"No space left on device"* ]]
	cmp "$WORK/old.yaml" "$WORK/small/p.yaml"
	# folding into it, and checkpoints that cannot be written: the same
	run "$EUNOMIA" learn -q --checkpoint 0.2 -m "$WORK/small/p.yaml" -- sh -c 'sleep 0.7'
	echo "$output"
	[ "$status" -eq 4 ]
	[[ "$output" == *"checkpoint"*"No space left on device"* ]]
	cmp "$WORK/old.yaml" "$WORK/small/p.yaml"
	# nothing half-written is left behind
	[ "$(ls -A "$WORK/small" | sort | paste -sd' ')" = "fill p.yaml" ]
}

@test "the monitor is killed under a violation storm and restarted: every violation counted once, none invented" {
	MONITOR_USED=1
	"$EUNOMIA" monitor --reset -q
	# the profile: the storm container's own script with one call a thread, getppid taken out
	local script='echo up >/shared/up; while [ ! -e /shared/go ]; do sleep 0.05; done; /bin/storm 1 10 CALLS; echo done >/shared/after'
	make_bundle "$WORK/learn" "${script/CALLS/1}"
	cp "$STORM" "$WORK/learn/rootfs/bin/storm"
	CONTAINERS+=(faults-storm-l-$$ faults-storm-$$)
	go_when_up "$WORK/learn/shared"
	"$EUNOMIA" learn -q -o "$WORK/full.yaml" -- runc run --bundle "$WORK/learn" "faults-storm-l-$$" \
		</dev/null >/dev/null
	grep -v '^      getppid: ' "$WORK/full.yaml" >"$WORK/p.yaml"
	assert_no_syscall "$WORK/p.yaml" x86_64 getppid

	make_bundle "$WORK/s" "${script/CALLS/100000}"
	cp "$STORM" "$WORK/s/rootfs/bin/storm"
	run_detached "faults-storm-$$" "$WORK/s"
	"$EUNOMIA" monitor -e "$WORK/ev1.json" --attach "faults-storm-$$" --profile "$WORK/p.yaml" 2>/dev/null &
	local d1=$!
	PIDS+=("$d1")
	wait_for '"kind":"container"' "$WORK/ev1.json"
	touch "$WORK/s/shared/go"
	wait_for '"name":"getppid"' "$WORK/ev1.json"
	kill -9 "$d1"
	wait "$d1" || true
	sleep 0.3 # violations go on with no daemon: the kernel counts them
	"$EUNOMIA" monitor -e "$WORK/ev2.json" 2>/dev/null &
	PIDS+=($!)
	wait_for done "$WORK/s/shared/after" 60
	sleep 2.5 # the flush writes what the last interval suppressed
	local total
	total=$(cat "$WORK/ev1.json" "$WORK/ev2.json" | jq -s \
		'map(select(.level == "alert" and .syscall.name == "getppid") | .count) | add')
	echo "getppid: $total violations counted across the restart"
	[ "$total" = 1000000 ]
	# nothing else was alerted, and every alert is the storm container's
	[ "$(cat "$WORK/ev1.json" "$WORK/ev2.json" | jq -r 'select(.level == "alert") |
		.container.name + " " + .kind + " " + .syscall.name' | sort -u)" = "faults-storm-$$ syscall getppid" ]
}

@test "a thousand short-lived processes a second in a learned container: every one attributed" {
	hook_conf "$WORK"
	make_bundle "$WORK/c" true
	cp "$CHURN" "$WORK/c/rootfs/bin/churn"
	# churn is the container's program itself: nothing else in it calls getppid
	jq_edit "$WORK/c/config.json" '.process.args = ["/bin/churn", "3000", "1000", "3"]'
	add_hook "$WORK/c" "io.eunomia.learn=$WORK/profiles/c.yaml"
	CONTAINERS+=(faults-churn-$$)
	local t0=$SECONDS
	runc run --bundle "$WORK/c" "faults-churn-$$" </dev/null
	echo "3000 processes in $((SECONDS - t0)) s"
	# 3000 children, 3 getppid each: all of them were followed from their fork
	grep -q '^      getppid: 9000$' "$WORK/profiles/c.yaml"
	grep -q '^      exit_group: 3001$' "$WORK/profiles/c.yaml"
}
