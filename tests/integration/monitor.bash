# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The monitor in the suites (loaded by helpers.bash): its state is global, pinned under
# /sys/fs/bpf/eunomia/monitor, so each test that runs it starts from nothing pinned and
# ends the daemons it started (DAEMONS) and its containers (CONTAINERS).

# monitor_setup NAME: require runc, a WORK of the test's own (/tmp/eunomia-NAME.*),
# nothing pinned.
monitor_setup() {
	require_runc
	work_setup "$1"
	DAEMONS=()
	"$EUNOMIA" monitor --reset -q
}

monitor_teardown() {
	stop_daemons
	delete_containers
	"$EUNOMIA" monitor --reset -q || true
	rm -rf "$WORK"
}

# stop_daemons: end the daemons the test started (DAEMONS): TERM, then KILL after 10 s.
stop_daemons() {
	local c
	for c in "${DAEMONS[@]}"; do kill "$c" 2>/dev/null || true; done
	for c in "${DAEMONS[@]}"; do wait_gone "$c" 10 || kill -9 "$c" 2>/dev/null || true; done
}

# monitor_start EVENTS ERRORS ARGS...: the monitor in the background, its events to
# EVENTS and its stderr appended to ERRORS, once it runs (its pid in DAEMON, and in
# DAEMONS for stop_daemons).
monitor_start() {
	local events=$1 errors=$2
	shift 2
	"$EUNOMIA" monitor -e "$events" "$@" 2>>"$errors" &
	DAEMONS+=("$!")
	DAEMON=$!
	wait_for '"kind":"monitor"' "$events"
}

# monitor_stop PID: end a daemon monitor_start started (TERM, and reap it), and forget it.
monitor_stop() {
	local pid=$1 d kept=()
	kill "$pid"
	wait "$pid" || true
	for d in "${DAEMONS[@]}"; do [ "$d" = "$pid" ] || kept+=("$d"); done
	DAEMONS=("${kept[@]}")
}

# daemon EVENTS ARGS...: the monitor in the background (its pid in DAEMON), once it runs,
# its stderr in $WORK/daemon.err.
daemon() {
	local events=$1
	shift
	monitor_start "$events" "$WORK/daemon.err" "$@"
}
