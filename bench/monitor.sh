# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# eunomia's monitor daemon in the benchmarks (sourced after bench/lib.sh, which gives
# bench_tmp, in_turn, stop_pid, EUNOMIA and die): monitor_bench prepares the run and
# defines its cleanup; syscall_turns measures a round of getppid; monitor_run starts a
# daemon, its events into $TMP/events.json and its pid into MON_PID; monitor_wait waits for
# what it reports; monitor_stop ends it and unpins its state.

# monitor_bench: after the checks, TMP (bench_tmp), nothing of the monitor's pinned, and
# no process of the run's yet: nginx (NGINX_PID), one in the background (BG_PID), the
# daemon (MON_PID).
monitor_bench() {
	bench_tmp
	NGINX_PID='' MON_PID='' BG_PID=''
	"$EUNOMIA" monitor --reset -q
}

# cleanup, on any exit (bench_exit): stop what still runs, the held process before the
# daemon that holds it, and unpin the monitor's state.
cleanup() {
	stop_pid "$NGINX_PID"
	stop_pid "$BG_PID"
	stop_pid "$MON_PID"
	"$EUNOMIA" monitor --reset -q 2>/dev/null
}

# syscall_turns ROUND CONFIG...: round ROUND of the getppid measurements, the
# configurations in turn (in_turn): each measured (the caller's measure CONFIG, into $ns
# and $alerts), its "syscall ROUND CONFIG NS_PER_CALL ALERTS" line added to RAW and its
# figure to $line.
# shellcheck disable=SC2154 # ns is measure's
syscall_turns() {
	local r=$1 c
	shift
	in_turn "$r" "$@"
	for c in "${TURN[@]}"; do
		measure "$c"
		echo "syscall $r $c $ns $alerts" >>"$RAW"
		line+=" $c $ns"
	done
}

# monitor_run [OPTIONS...]: a monitor daemon in the background. A variable set for the
# call (EUNOMIA_REFUSE=... monitor_run) is in its environment, and no other command's.
monitor_run() {
	: >"$TMP/events.json"
	"$EUNOMIA" monitor -q -e "$TMP/events.json" "$@" &
	MON_PID=$!
}

# monitor_wait TRIES WHAT COMMAND...: until COMMAND succeeds, tried every 25 ms, TRIES
# times at most; the benchmark ends if the daemon exits first, or says that the monitor
# did not WHAT.
monitor_wait() {
	local i tries=$1 what=$2
	shift 2
	for ((i = 0; i < tries; i++)); do
		"$@" && return 0
		kill -0 "$MON_PID" 2>/dev/null || die "the monitor exited"
		sleep 0.025
	done
	die "the monitor did not $what"
}

# monitor_stop: stop the daemon (and its agent, if it has one), unpin everything; the
# alerts it reported into $alerts.
# shellcheck disable=SC2034 # alerts is the caller's
monitor_stop() {
	kill -TERM "$MON_PID"
	wait "$MON_PID" || die "the monitor failed"
	MON_PID=
	"$EUNOMIA" monitor --reset -q
	alerts=$(grep -c '"level":"alert"' "$TMP/events.json" || true)
}
