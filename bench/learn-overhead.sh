#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# What `eunomia learn` adds to a syscall: ns per getppid() under five configurations, measured
# side by side in one interleaved run (syscall cost drifts and differs 10x between machines, so
# only same-run differences mean anything). Writes bench/results/learn-overhead.{md,raw}.
#
#   bench/learn-overhead.sh [OUTPUT]     OUTPUT: the build directory (default: build)
#
# Environment: ROUNDS (default 31), N getppid calls per measurement (default 300000),
# STAT how a measurement sums up its calls: median (default; of 1000-call chunks, so
# that preemption by other work does not count) or mean, PIN a CPU list for taskset to run
# the loop on, or none (default: CPU 1 if there is one: away from CPU 0's device interrupts,
# and in side-by-side trials on a 2-CPU VM pinned runs spread less), WAIT_FOREIGN how long
# to wait for another program's syscall tracer to go (default 300 s). Run it on an idle machine.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-31}
N=${N:-300000}
PIN=${PIN-}
if [[ -z $PIN ]]; then
	PIN=none
	taskset -c 1 true 2>/dev/null && PIN=1
fi
STAT=${STAT:-median}
WAIT_FOREIGN=${WAIT_FOREIGN:-300}
SYSCOUNT=${SYSCOUNT:-/usr/sbin/syscount}
CONFIGS=(base floor syscount inside outside)

need_root "it loads BPF programs"
need_built "$EUNOMIA"
[[ -x $SYSCOUNT ]] || die "$SYSCOUNT is missing; install libbpf-tools ('make deps')"
need_int 1 ROUNDS
need_int 1000 N
[[ $STAT == median || $STAT == mean ]] || die "STAT must be median or mean, not '$STAT'"
need_int 0 WAIT_FOREIGN
build_helpers

bench_tmp
BG_PID=''

# A background tracer still running when we leave is stopped the way a user would stop it.
cleanup() {
	stop_pid "$BG_PID" INT
}

loop_cmd=("$LOOP")
[[ $STAT == median ]] && loop_cmd+=(-m)
loop_cmd+=("$N")
[[ $PIN != none ]] && loop_cmd=(taskset -c "$PIN" "${loop_cmd[@]}")

# A child that has exited but is not yet reaped still answers kill -0.
alive() {
	local state
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[[ $state != Z ]]
}

# start_bg NAME READY-PATTERN COMMAND...: start a tracer, wait until it says it is attached.
start_bg() {
	local name=$1 pattern=$2 i
	shift 2
	# Background jobs of a script start with SIGINT ignored, and eunomia would pass that on
	# to its command; restore the default so SIGINT stops both.
	env --default-signal=INT "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	BG_PID=$!
	for ((i = 0; i < 400; i++)); do
		grep -q "$pattern" "$TMP/$name.out" "$TMP/$name.err" && return 0
		alive "$BG_PID" || break
		sleep 0.025
	done
	cat "$TMP/$name.err" >&2
	die "$name did not report that it was attached ('$pattern')"
}

# stop_bg NAME: SIGINT, then wait until it has exited (and so detached its programs).
stop_bg() {
	local name=$1 i
	kill -INT "$BG_PID"
	for ((i = 0; i < 400; i++)); do
		alive "$BG_PID" || break
		sleep 0.025
	done
	if alive "$BG_PID"; then
		kill -KILL "$BG_PID"
		die "$name did not exit within 10 s of SIGINT"
	fi
	wait "$BG_PID" || die "$name failed: $(cat "$TMP/$name.err")"
	BG_PID=
}

# Is PID this script or one of its descendants?
ours() {
	local p=$1
	while [[ $p -gt 1 ]]; do
		[[ $p -eq $$ ]] && return 0
		p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || return 1
	done
	return 1
}

# Print "pid (comm)" of each process, not ours, with a BPF program on the syscall tracepoints
# (tp_btf and raw_tp show as raw_tracepoint, syscount's as tracepoint). Any such program
# slows every syscall, the baseline's too, so a round that meets one is measured again.
foreign_tracers() {
	local pid
	for pid in $(bpftool perf list 2>/dev/null |
		awk '$1 == "pid" && ($NF == "sys_enter" || $NF == "sys_exit") { print $2 }' | sort -u); do
		ours "$pid" || echo "$pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
	done
}

check_foreign() {
	local f
	f=$(foreign_tracers)
	if [[ -n $f && -z $dirty ]]; then
		dirty=${f//$'\n'/, }
	fi
}

# Run the loop; its ns/call into $out.
run_loop() {
	check_foreign
	"${loop_cmd[@]}" >"$TMP/loop.out"
	check_foreign
	out=$(<"$TMP/loop.out")
}

# measure CONFIG: the loop's ns/call under that configuration, into $ns. Not run in a
# subshell, so that the EXIT trap sees BG_PID.
measure() {
	local out
	case $1 in
	base)
		run_loop
		;;
	floor)
		start_bg floor '^ready' "$NOOP"
		run_loop
		stop_bg floor
		;;
	syscount)
		# Line-buffered, so its banner (printed once attached) reaches the file at once.
		start_bg syscount '^Tracing syscalls' stdbuf -oL "$SYSCOUNT"
		run_loop
		stop_bg syscount
		;;
	inside)
		# The loop times itself, so eunomia's start-up is not in the number. In the
		# background only so that an interrupted run stops it too.
		check_foreign
		env --default-signal=INT "$EUNOMIA" learn -q -o "$TMP/inside.yaml" -- "${loop_cmd[@]}" \
			>"$TMP/inside.out" 2>"$TMP/inside.err" &
		BG_PID=$!
		wait "$BG_PID" || { BG_PID=; die "eunomia learn (inside) failed: $(cat "$TMP/inside.err")"; }
		BG_PID=
		check_foreign
		out=$(<"$TMP/inside.out")
		;;
	outside)
		start_bg outside 'learning command' "$EUNOMIA" learn -o "$TMP/outside.yaml" -- sleep 1000
		run_loop
		stop_bg outside
		;;
	esac
	[[ $out =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "$1: the loop printed '$out', not ns/call"
	ns=$out
}

# Wait (up to WAIT_FOREIGN seconds) until no other syscall tracer is attached.
wait_quiet() {
	local f i
	for ((i = 0; i < WAIT_FOREIGN * 2; i++)); do
		f=$(foreign_tracers)
		[[ -z $f ]] && return 0
		((i == 0)) && echo "learn-overhead: waiting for other syscall tracers to go:" \
			"${f//$'\n'/, }" >&2
		sleep 0.5
	done
	die "other syscall tracers stayed attached for ${WAIT_FOREIGN} s: ${f//$'\n'/, }"
}

raw_start "N=$N, STAT=$STAT, PIN=$PIN" "round config ns_per_call"
discarded=0
r=1
while ((r <= ROUNDS)); do
	((discarded <= 2 * ROUNDS)) || die "too many rounds disturbed by other syscall tracers"
	wait_quiet
	dirty=
	line=
	rows=
	for c in "${CONFIGS[@]}"; do
		measure "$c"
		line+=" $c $ns"
		rows+="$r $c $ns"$'\n'
	done
	if [[ -n $dirty ]]; then
		discarded=$((discarded + 1))
		echo "# discarded (other tracer: $dirty):$line" >>"$RAW"
		echo "round $r/$ROUNDS: discarded, another syscall tracer was attached: $dirty" >&2
		continue
	fi
	printf '%s' "$rows" >>"$RAW"
	echo "round $r/$ROUNDS:$line" >&2
	r=$((r + 1))
done

hooks=$(sed -n 's/^eunomia learn: learning command [^;]*; //p' "$TMP/outside.err" | head -n1)

{
	md_head "eunomia learn: syscall overhead"
	echo "- CPU: $(machine)"
	echo "- eunomia's hooks: ${hooks:-unknown}"
	echo "- rounds: $ROUNDS, interleaved (${CONFIGS[*]}); N = $N getppid() per measurement,"
	if [[ $STAT == median ]]; then
		echo "  summed up as the median ns/call of its 1000-call chunks"
	else
		echo "  summed up as the mean ns/call"
	fi
	echo "- loop pinned to CPU: $PIN; rounds discarded because another syscall tracer was"
	echo "  attached: $discarded"
	md_tail
	awk -f bench/stats.awk -f bench/learn-overhead.awk "$RAW"
} >"$MD"
cat "$MD"
