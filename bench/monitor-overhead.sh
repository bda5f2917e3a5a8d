#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# What `eunomia monitor` costs: ns per allowed getppid() for a process the monitor
# holds (to a profile that allows it), the same with --no-denials (no sys_exit and
# signal_generate programs: the difference is what seeing seccomp's refusals costs an
# allowed syscall), for a process it does not hold while it holds another, beside no
# monitor, the floor of any sys_enter tracer (a no-op tp_btf program) and that of any
# tracer on sys_enter and sys_exit (two no-op programs), and, held and not held, with
# tp_btf refused on the syscall path (the raw_tp fallback: EUNOMIA_REFUSE); then requests
# per second of nginx under wrk on loopback, held by the monitor to its learned profile
# (with and without --no-denials) or not. Configurations take turns within each round;
# figures are medians over the rounds. Writes bench/results/monitor-overhead.{md,raw}.
#
#   bench/monitor-overhead.sh [OUTPUT]     OUTPUT: the build directory (default: build)
#
# Environment: ROUNDS (default 21), N (getppid calls per measurement, default 300000),
# NGINX_ROUNDS (default 15; 0: no nginx), WRK_SECONDS (default 3), PIN (the CPU of the
# loop and wrk, default 1; nginx gets CPU 0).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# shellcheck source=nginx.sh
source bench/nginx.sh
# shellcheck source=monitor.sh
source bench/monitor.sh

PORT=18081

need_root "it loads BPF programs"
need_built "$EUNOMIA"
loop_params
nginx_params 15 0
need_no_monitor
build_helpers

monitor_bench

# monitor_hold PID PROFILE [OPTIONS...]: a monitor daemon holding PID to PROFILE, until
# monitor_stop; $REFUSE is its EUNOMIA_REFUSE.
REFUSE=
RAW_TP=tp_btf/sys_enter,tp_btf/sys_exit,tp_btf/signal_generate
monitor_hold() {
	local pid=$1 profile=$2
	shift 2
	EUNOMIA_REFUSE=$REFUSE monitor_run --attach "pid:$pid" --profile "$profile" "$@"
	monitor_wait 200 "hold pid $pid" grep -q '"held to' "$TMP/events.json"
}

# The floor: a no-op tp_btf/sys_enter program (with --sys-exit, and one on sys_exit),
# attached until floor_stop.
floor_start() {
	local i
	"$NOOP" "$@" >"$TMP/noop.out" &
	BG_PID=$!
	for ((i = 0; i < 200; i++)); do
		grep -q ready "$TMP/noop.out" && return 0
		sleep 0.025
	done
	die "the no-op program did not attach"
}

floor_stop() {
	stop_pid "$BG_PID" INT
	BG_PID=''
}

# ---- per-syscall cost ---------------------------------------------------------------

loop=(taskset -c "$PIN" "$LOOP" -m "$N")
mkfifo "$TMP/go"
# The held loop starts waiting on a fifo, is registered, then runs; its profile is learned the same way.
(sleep 0.2; echo >"$TMP/go") &
"$EUNOMIA" learn -q -o "$TMP/loop.yaml" -- sh -c "read x <$TMP/go; exec ${loop[*]}" >/dev/null
"$EUNOMIA" learn -q -o "$TMP/sleep.yaml" -- sleep 0.1

CONFIGS=(none floor floor_exit held held_nodenials outside held_raw outside_raw)

# measure CONFIG: ns per call into $ns, the monitor's alerts into $alerts.
measure() {
	alerts=0
	local c=${1%_raw}
	REFUSE=
	[[ $1 == *_raw ]] && REFUSE=$RAW_TP
	case $c in
	none) ns=$("${loop[@]}") ;;
	floor | floor_exit)
		if [[ $1 == floor ]]; then floor_start; else floor_start --sys-exit; fi
		ns=$("${loop[@]}")
		floor_stop
		;;
	held | held_nodenials)
		sh -c "read x <$TMP/go; exec ${loop[*]}" >"$TMP/held.out" &
		BG_PID=$!
		if [[ $c == held ]]; then
			monitor_hold "$BG_PID" "$TMP/loop.yaml"
		else
			monitor_hold "$BG_PID" "$TMP/loop.yaml" --no-denials
		fi
		echo >"$TMP/go"
		wait "$BG_PID" || die "the held loop failed"
		BG_PID=
		ns=$(<"$TMP/held.out")
		monitor_stop
		;;
	outside)
		sleep 1000 &
		BG_PID=$!
		monitor_hold "$BG_PID" "$TMP/sleep.yaml"
		ns=$("${loop[@]}")
		monitor_stop
		stop_pid "$BG_PID"
		BG_PID=''
		;;
	esac
	[[ $ns =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "$1: the loop printed '$ns'"
}

raw_start "N=$N, PIN=$PIN" \
	"syscall ROUND CONFIG NS_PER_CALL ALERTS | nginx ROUND CONFIG REQUESTS_PER_S ERRORS ALERTS"
for ((r = 1; r <= ROUNDS; r++)); do
	line=
	syscall_turns "$r" "${CONFIGS[@]}"
	echo "getppid round $r/$ROUNDS:$line" >&2
done

# ---- nginx under wrk ------------------------------------------------------------------

nginx_setup
nginx_learn "$TMP/nginx.yaml"
NGINX_CONFIGS=(none floor held held_nodenials)
for ((r = 1; r <= NGINX_ROUNDS; r++)); do
	line=
	in_turn "$r" "${NGINX_CONFIGS[@]}"
	for c in "${TURN[@]}"; do
		alerts=0
		taskset -c 0 "${NGINX[@]}" &
		NGINX_PID=$!
		wait_port
		[[ $c == held ]] && monitor_hold "$NGINX_PID" "$TMP/nginx.yaml"
		[[ $c == held_nodenials ]] && monitor_hold "$NGINX_PID" "$TMP/nginx.yaml" --no-denials
		[[ $c == floor ]] && floor_start
		wrk_run
		stop_nginx
		[[ $c == held* ]] && monitor_stop
		[[ $c == floor ]] && floor_stop
		echo "nginx $r $c $rps $errors $alerts" >>"$RAW"
		line+=" $c $rps/s ($errors errors, $alerts alerts)"
	done
	echo "nginx round $r/$NGINX_ROUNDS:$line" >&2
done

# ---- report ---------------------------------------------------------------------------

{
	md_head "Cost of the monitor"
	echo "- CPU: $(machine); loop and wrk on CPU $PIN, nginx on CPU 0"
	echo "- syscalls: $ROUNDS rounds, configurations in turn; N = $N getppid calls per"
	echo "  measurement, summed up as the median ns/call of its 1000-call chunks"
	echo "- nginx: $NGINX_ROUNDS rounds of wrk -t1 -c16 -d${WRK_SECONDS}s, held to the profile"
	echo "  learned under the same load (tracepoint fallback here: no BPF-LSM)"
	md_tail
	awk -f bench/stats.awk -f bench/monitor-overhead.awk "$RAW"
} >"$MD"
cat "$MD"
