#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# What watching costs when the container runs under eunomia's filter and the monitor is
# its seccomp agent (eunomia enforce --monitor): ns per getppid() of a process the monitor
# does not hold while it holds another through its filter's listener (and, for
# comparison, while it holds one with its BPF programs on sys_enter and sys_exit, as
# for a container without eunomia's filter); the held process's own allowed getppid
# under its filter with and without the monitor, beside the one-instruction filter (the
# floor of any filter); the round trip of a refused (notified) call, answered by the
# monitor, beside the same refusal answered by the filter alone; then nginx under wrk
# on loopback: requests/s and nginx's CPU time per request, unconfined, on the floor,
# enforced, enforced and monitored through its filter, and enforced and held by the BPF
# programs. Configurations take turns within each round; figures are medians over the
# rounds. Writes bench/results/notify-overhead.{md,raw}.
#
#   bench/notify-overhead.sh [OUTPUT]     OUTPUT: the build directory (default: build)
#
# Environment: ROUNDS (default 21), N (getppid calls per measurement, default 300000),
# N_NOTIFY (refused calls per measurement, default 20000), NGINX_ROUNDS (default 21; 0:
# no nginx), WRK_SECONDS (default 3), PIN (the CPU of the loop and wrk, default 1; nginx
# gets CPU 0; the monitor is not pinned).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# shellcheck source=nginx.sh
source bench/nginx.sh
# shellcheck source=monitor.sh
source bench/monitor.sh

N_NOTIFY=${N_NOTIFY:-20000}
SOCK=/run/eunomia/seccomp.sock
WARMUP=20000 # the calls getppid_loop makes before it times any (its WARMUP_CALLS)
# shellcheck disable=SC2034 # read by bench/nginx.sh
PORT=18082

need_root "it loads BPF programs and seccomp filters"
need_built "$EUNOMIA"
need_cmd jq
loop_params
need_int 1000 N_NOTIFY
nginx_params 21 0
need_no_monitor
build_helpers

monitor_bench

# monitor_start [OPTIONS...]: a monitor daemon, its agent listening, until monitor_stop.
monitor_start() {
	monitor_run "$@"
	monitor_wait 400 start listening
}

# listening: the daemon has started and its agent listens on the seccomp socket.
listening() {
	grep -q '"kind":"monitor"' "$TMP/events.json" && [[ -S $SOCK ]]
}

# wait_held: until the daemon reports a container held (through its listener or --attach).
wait_held() {
	monitor_wait 400 "hold the process" grep -q '"held to' "$TMP/events.json"
}

# refused_stop: monitor_stop, and the refused calls the daemon reported into $counted.
refused_stop() {
	monitor_stop
	counted=$(jq -s 'map(select(.level == "alert" and .syscall.name == "getppid") | .count) | add // 0' \
		"$TMP/events.json")
}

# bg_stop: end the background process.
bg_stop() {
	stop_pid "$BG_PID"
	BG_PID=''
}

# The agent's (and the daemon's) CPU time in ns, from the scheduler.
monitor_cpu_ns() {
	local p
	for p in "$MON_PID" $(pgrep -f 'eunomia monitor --agent'); do
		cat /proc/"$p"/task/*/sched 2>/dev/null
	done | awk '/^se.sum_exec_runtime/ { s += $3 } END { printf "%.0f\n", s * 1e6 }'
}

# ---- per-syscall cost ---------------------------------------------------------------

loop=(taskset -c "$PIN" "$LOOP" -m)
# learned with the N it runs with: glibc's qsort of the chunks asks sysinfo(2) for large arrays
"$EUNOMIA" learn -q -o "$TMP/loop.yaml" -- "$LOOP" -m "$N" >/dev/null
"$EUNOMIA" learn -q -o "$TMP/sleep.yaml" -- sleep 0.1
# the loop's profile without getppid: every call refused
grep -v '^      getppid: ' "$TMP/loop.yaml" >"$TMP/refused.yaml"
! grep -q '^      getppid: ' "$TMP/refused.yaml" || die "cannot take getppid out of the loop's profile"

CONFIGS=(none outside_notify outside_bpf floor enforced monitored)
RCONFIGS=(refused_errno refused_notify refused_complain)

# measure CONFIG: ns per call into $ns; the monitor's alerts into $alerts, the refused
# calls it counted into $counted, its CPU time per refused call into $mcpu.
measure() {
	alerts=0 counted=0 mcpu=0
	local c0
	case $1 in
	none) ns=$("${loop[@]}" "$N") ;;
	floor) ns=$(taskset -c "$PIN" "$FLOOR" "$LOOP" -m "$N") ;;
	enforced) ns=$(taskset -c "$PIN" "$EUNOMIA" enforce -q --profile "$TMP/loop.yaml" -- "$LOOP" -m "$N") ;;
	refused_errno)
		ns=$(taskset -c "$PIN" "$EUNOMIA" enforce -q --profile "$TMP/refused.yaml" -- "$LOOP" -m "$N_NOTIFY")
		;;
	monitored)
		monitor_start
		ns=$(taskset -c "$PIN" "$EUNOMIA" enforce -q --monitor --profile "$TMP/loop.yaml" -- \
			"$LOOP" -m "$N")
		monitor_stop
		;;
	refused_notify | refused_complain)
		local mode=enforce
		[[ $1 == refused_complain ]] && mode=complain
		monitor_start
		c0=$(monitor_cpu_ns)
		ns=$(taskset -c "$PIN" "$EUNOMIA" enforce -q --monitor --mode "$mode" \
			--profile "$TMP/refused.yaml" -- "$LOOP" -m "$N_NOTIFY")
		mcpu=$((($(monitor_cpu_ns) - c0) / (N_NOTIFY + WARMUP)))
		sleep 1.2 # the last interval's counts
		refused_stop
		;;
	outside_notify)
		monitor_start
		"$EUNOMIA" enforce -q --monitor --profile "$TMP/sleep.yaml" -- sleep 1000 &
		BG_PID=$!
		wait_held
		ns=$("${loop[@]}" "$N")
		bg_stop
		monitor_stop
		;;
	outside_bpf)
		sleep 1000 &
		BG_PID=$!
		monitor_start --attach "pid:$BG_PID" --profile "$TMP/sleep.yaml"
		wait_held
		ns=$("${loop[@]}" "$N")
		bg_stop
		monitor_stop
		;;
	esac
	[[ $ns =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "$1: the loop printed '$ns'"
}

raw_start "N=$N, N_NOTIFY=$N_NOTIFY, PIN=$PIN" \
	"syscall ROUND CONFIG NS_PER_CALL ALERTS | refused ROUND CONFIG NS_PER_CALL CALLS COUNTED MONITOR_CPU_NS_PER_CALL" \
	"nginx ROUND CONFIG REQUESTS_PER_S REQUESTS CPU_NS ERRORS ALERTS MONITOR_CPU_NS"
for ((r = 1; r <= ROUNDS; r++)); do
	line=
	syscall_turns "$r" "${CONFIGS[@]}"
	in_turn "$r" "${RCONFIGS[@]}"
	for c in "${TURN[@]}"; do
		measure "$c"
		echo "refused $r $c $ns $((N_NOTIFY + WARMUP)) $counted $mcpu" >>"$RAW"
		line+=" $c $ns"
	done
	echo "round $r/$ROUNDS:$line" >&2
done

# ---- nginx under wrk ------------------------------------------------------------------

nginx_setup
nginx_learn "$TMP/nginx.yaml"
NGINX_CONFIGS=(none floor enforced monitored monitored_bpf)
for ((r = 1; r <= NGINX_ROUNDS; r++)); do
	line=
	in_turn "$r" "${NGINX_CONFIGS[@]}"
	for c in "${TURN[@]}"; do
		alerts=0
		case $c in
		none) taskset -c 0 "${NGINX[@]}" & ;;
		floor) taskset -c 0 "$FLOOR" "${NGINX[@]}" & ;;
		enforced | monitored_bpf)
			taskset -c 0 "$EUNOMIA" enforce -q --profile "$TMP/nginx.yaml" -- "${NGINX[@]}" &
			;;
		monitored)
			monitor_start
			taskset -c 0 "$EUNOMIA" enforce -q --monitor --profile "$TMP/nginx.yaml" -- "${NGINX[@]}" &
			;;
		esac
		NGINX_PID=$!
		wait_port
		if [[ $c == monitored_bpf ]]; then
			monitor_start --attach "pid:$NGINX_PID" --profile "$TMP/nginx.yaml"
			wait_held
		fi
		[[ $c == monitored ]] && wait_held
		c0=$(nginx_cpu_ns)
		m0=0
		[[ $c == monitored* ]] && m0=$(monitor_cpu_ns)
		wrk_run
		cpu=$(($(nginx_cpu_ns) - c0))
		mcpu=0
		[[ $c == monitored* ]] && mcpu=$(($(monitor_cpu_ns) - m0))
		stop_nginx
		[[ $c == monitored* ]] && monitor_stop
		echo "nginx $r $c $rps $requests $cpu $errors $alerts $mcpu" >>"$RAW"
		line+=" $c $rps/s $((cpu / requests)) ns/req"
	done
	echo "nginx round $r/$NGINX_ROUNDS:$line" >&2
done

# ---- report ---------------------------------------------------------------------------

{
	md_head "Cost of the monitor as seccomp agent"
	echo "- CPU: $(machine); loop and wrk on CPU $PIN, nginx on CPU 0;"
	echo "  the monitor not pinned"
	echo "- syscalls: $ROUNDS rounds, configurations in turn; N = $N getppid calls per"
	echo "  measurement ($N_NOTIFY refused ones), summed up as the median ns/call of its 1000-call chunks"
	echo "- nginx: $NGINX_ROUNDS rounds of wrk -t1 -c16 -d${WRK_SECONDS}s, under the profile"
	echo "  learned under the same load; CPU time: nginx's processes' sum_exec_runtime (what"
	echo "  utime + stime are made of) over wrk's run, ÷ the requests wrk counted; the"
	echo "  monitor's: its daemon's and its agent's, over the same run"
	md_tail
	awk -f bench/stats.awk -f bench/notify-overhead.awk "$RAW"
} >"$MD"
cat "$MD"
