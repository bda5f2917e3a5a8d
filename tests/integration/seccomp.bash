# SPDX-License-Identifier: GPL-2.0-only
# Shared by the suites that enforce profiles on runc containers and watch what seccomp
# refuses (denials.bats through the BPF programs, notify.bats through the seccomp agent):
# busybox bundles running sysprobe's calls, a profile learned from one, the events.

# learn_probe_profile NAME: in setup_file, $BATS_FILE_TMPDIR/profiles/p.yaml, learned
# through the hook from a busybox shell that runs sysprobe's getppid and acct.
learn_probe_profile() {
	[ "$(id -u)" = 0 ] && command -v runc >/dev/null && command -v jq >/dev/null || return 0
	local dir=$BATS_FILE_TMPDIR/learn
	WORK=$BATS_FILE_TMPDIR
	write_hook_conf
	bundle "$dir" "$(script 'getppid acct')"
	add_hook "$dir" "io.eunomia.learn=$BATS_FILE_TMPDIR/profiles/p.yaml"
	learning_filter "$dir"
	runc run --bundle "$dir" "$1-learn-$$" </dev/null >/dev/null
	runc delete -f "$1-learn-$$" >/dev/null 2>&1 || true
}

# probe_setup NAME: each test's setup: the monitor's (monitor_setup NAME), the profile
# setup_file learned in P, and the hook.conf.
probe_setup() {
	monitor_setup "$1"
	P=$BATS_FILE_TMPDIR/profiles/p.yaml
	[ -s "$P" ] # learned by setup_file
	write_hook_conf
}

write_hook_conf() {
	mkdir -p "$WORK/profiles" "$WORK/state" "$BATS_FILE_TMPDIR/profiles"
	printf 'learn_dirs = %s:%s\neunomia = %s\nstate_dir = %s\nlearn_socket = none\n' \
		"$WORK/profiles" "$BATS_FILE_TMPDIR/profiles" "$EUNOMIA" "$WORK/state" >"$WORK/hook.conf"
}

# script CALLS [SECONDS]: the container's program: sysprobe's CALLS, its answers to
# /shared; then it lives SECONDS more (0.3: long enough for its events to name it; 1.5:
# for the monitor's once-a-second scan to announce it when it made none).
script() {
	printf '%s' "echo hello >/tmp/f; /bin/sysprobe $1 >/shared/probe.out; echo after >/shared/after; sleep ${2:-0.3}"
}

# bundle DIR SCRIPT: a busybox bundle with sysprobe and storm, running SCRIPT.
bundle() {
	make_bundle "$1" "$2"
	cp "$SYSPROBE" "$1/rootfs/bin/sysprobe"
	cp "$STORM" "$1/rootfs/bin/storm"
}

# enforced DIR PROFILE SCRIPT [ENFORCE OPTIONS...]: a bundle running SCRIPT under
# PROFILE's filter, held by the monitor to PROFILE through the hook.
enforced() {
	local dir=$1 profile=$2 script=$3
	shift 3
	bundle "$dir" "$script"
	"$EUNOMIA" enforce -q --profile "$profile" "$@" --oci-bundle "$dir"
	add_hook "$dir" "io.eunomia.profile=$profile"
}

# monitored DIR PROFILE SCRIPT [ENFORCE OPTIONS...]: a bundle running SCRIPT under
# PROFILE's filter, which hands what it refuses to the monitor (no hook).
monitored() {
	local dir=$1 profile=$2 script=$3
	shift 3
	bundle "$dir" "$script"
	"$EUNOMIA" enforce -q --profile "$profile" --monitor "$@" --oci-bundle "$dir"
}

# run_ct ID DIR: run the container to its end (its status in $status).
run_ct() {
	CONTAINERS+=("$1")
	run timeout 60 runc run --bundle "$2" "$1" </dev/null
	echo "runc run $1: status $status: $output"
}

# denials FILE: the events seccomp's refusals made, one JSON object a line.
denials() {
	jq -c 'select(.level == "alert" and .by == "seccomp")' "$1"
}

# storm_counts EVENTS LOG: storm's refused getppid calls (its LOG says how many) into
# calls, and from EVENTS, the calls counted into total and the events into events (the
# caller's locals).
storm_counts() {
	calls=$(awk '/^calls / { print $2 }' "$2")
	total=$(denials "$1" | jq -s 'map(select(.syscall.name == "getppid") | .count) | add')
	events=$(denials "$1" | jq -s 'map(select(.syscall.name == "getppid")) | length')
}

# assert_storm_counted EVENTS: what storm_counts found, and EVENTS' suppressed counts.
assert_storm_counted() {
	# every refusal is counted: none lost, none twice
	[ "$total" = "$calls" ]
	# one event a second at most (two threads share it), and a summary at the end
	[ "$events" -ge 5 ] && [ "$events" -le 15 ]
	[ "$(denials "$1" | jq -s 'map(select(.suppressed != (if .summary then .count else .count - 1 end))) | length')" = 0 ]
}
