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

cd "$(dirname "$0")/.."
OUTPUT=$(realpath -m "${1:-build}")
ROUNDS=${ROUNDS:-21}
N=${N:-300000}
NGINX_ROUNDS=${NGINX_ROUNDS:-15}
WRK_SECONDS=${WRK_SECONDS:-3}
PIN=${PIN:-1}
EUNOMIA=$OUTPUT/eunomia
LOOP=$OUTPUT/bench/getppid_loop
NOOP=$OUTPUT/bench/noop_loader
RESULTS=bench/results
MD=$RESULTS/monitor-overhead.md
RAW=$RESULTS/monitor-overhead.raw
PORT=18081

die() {
	echo "monitor-overhead: $*" >&2
	exit 1
}

[[ $(id -u) -eq 0 ]] || die "must run as root (it loads BPF programs)"
[[ -x $EUNOMIA ]] || die "$EUNOMIA is missing; run 'make' first"
command -v nginx >/dev/null || die "nginx is missing ('make deps')"
command -v wrk >/dev/null || die "wrk is missing ('make deps')"
for v in ROUNDS N WRK_SECONDS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer"
done
[[ $NGINX_ROUNDS =~ ^[0-9]+$ ]] || die "NGINX_ROUNDS must be a number"
((N >= 1000)) || die "N must be at least 1000"
taskset -c "$PIN" true 2>/dev/null || die "cannot pin to CPU $PIN (set PIN)"
[[ -e /run/eunomia/monitor.lock ]] && flock -n /run/eunomia/monitor.lock true 2>/dev/null ||
	[[ ! -e /run/eunomia/monitor.lock ]] || die "an eunomia monitor is running; stop it first"
make -s --no-print-directory -C bench OUTPUT="$OUTPUT" || die "building the helpers in bench/ failed"

TMP=$(mktemp -d /tmp/monitor-overhead.XXXXXX)
NGINX_PID= MON_PID= BG_PID=
cleanup() {
	[[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
	[[ -n $MON_PID ]] && kill "$MON_PID" 2>/dev/null && wait "$MON_PID" 2>/dev/null
	[[ -n $BG_PID ]] && kill "$BG_PID" 2>/dev/null && wait "$BG_PID" 2>/dev/null
	"$EUNOMIA" monitor --reset -q 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
"$EUNOMIA" monitor --reset -q

# monitor_hold PID PROFILE [OPTIONS...]: a monitor daemon holding PID to PROFILE, until
# monitor_stop; $REFUSE is its EUNOMIA_REFUSE.
REFUSE=
RAW_TP=tp_btf/sys_enter,tp_btf/sys_exit,tp_btf/signal_generate
monitor_hold() {
	local i pid=$1 profile=$2
	shift 2
	: >"$TMP/events.json"
	EUNOMIA_REFUSE=$REFUSE "$EUNOMIA" monitor -q -e "$TMP/events.json" --attach "pid:$pid" \
		--profile "$profile" "$@" &
	MON_PID=$!
	for ((i = 0; i < 200; i++)); do
		grep -q '"held to' "$TMP/events.json" && return 0
		kill -0 "$MON_PID" 2>/dev/null || die "the monitor exited"
		sleep 0.025
	done
	die "the monitor did not hold pid $pid"
}

# monitor_stop: stop the daemon, unpin everything; the alerts it reported into $alerts.
monitor_stop() {
	kill -TERM "$MON_PID"
	wait "$MON_PID" || die "the monitor failed"
	MON_PID=
	"$EUNOMIA" monitor --reset -q
	alerts=$(grep -c '"level":"alert"' "$TMP/events.json" || true)
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
	kill -INT "$BG_PID"
	wait "$BG_PID" || true
	BG_PID=
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
		kill "$BG_PID"
		wait "$BG_PID" 2>/dev/null || true
		BG_PID=
		;;
	esac
	[[ $ns =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "$1: the loop printed '$ns'"
}

mkdir -p "$RESULTS"
start=$(date +%s)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
{
	echo "# monitor-overhead raw data, $(date -u +%Y-%m-%dT%H:%M:%SZ), N=$N, PIN=$PIN"
	echo "# syscall ROUND CONFIG NS_PER_CALL ALERTS | nginx ROUND CONFIG REQUESTS_PER_S ERRORS ALERTS"
} >"$RAW"
for ((r = 1; r <= ROUNDS; r++)); do
	line=
	for ((k = 0; k < ${#CONFIGS[@]}; k++)); do
		c=${CONFIGS[$(((r + k) % ${#CONFIGS[@]}))]}
		measure "$c"
		echo "syscall $r $c $ns $alerts" >>"$RAW"
		line+=" $c $ns"
	done
	echo "getppid round $r/$ROUNDS:$line" >&2
done

# ---- nginx under wrk ------------------------------------------------------------------

# shellcheck source=nginx.sh
source bench/nginx.sh
nginx_setup
nginx_learn "$TMP/nginx.yaml"
NGINX_CONFIGS=(none floor held held_nodenials)
for ((r = 1; r <= NGINX_ROUNDS; r++)); do
	line=
	for ((k = 0; k < ${#NGINX_CONFIGS[@]}; k++)); do
		c=${NGINX_CONFIGS[$(((r + k) % ${#NGINX_CONFIGS[@]}))]}
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

wall=$(($(date +%s) - start))
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
{
	echo "# Cost of the monitor"
	echo
	echo "Generated by \`make bench\` (bench/monitor-overhead.sh); raw numbers in monitor-overhead.raw."
	echo
	echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); kernel: $(uname -r)"
	echo "- CPU: ${cpu:-unknown} ($(nproc) CPUs online); loop and wrk on CPU $PIN, nginx on CPU 0"
	echo "- syscalls: $ROUNDS rounds, configurations in turn; N = $N getppid calls per"
	echo "  measurement, summed up as the median ns/call of its 1000-call chunks"
	echo "- nginx: $NGINX_ROUNDS rounds of wrk -t1 -c16 -d${WRK_SECONDS}s, held to the profile"
	echo "  learned under the same load (tracepoint fallback here: no BPF-LSM)"
	echo "- run time: ${wall} s; load average before / after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	awk -f bench/stats.awk -f bench/monitor-overhead.awk "$RAW"
} >"$MD"
cat "$MD"
