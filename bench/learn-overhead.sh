#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# What `eunomia learn` adds to a syscall: ns per getppid() under five configurations, measured
# side by side in one interleaved run (syscall cost drifts and differs 10x between machines, so
# only same-run differences mean anything). Writes bench/results/learn-overhead.{md,raw}.
#
#   bench/learn-overhead.sh [OUTPUT]     OUTPUT: the build directory (default: build)
#
# Environment: ROUNDS (default 21), N getppid calls per measurement (default 500000),
# PIN a CPU list for taskset to run the loop on (default: not pinned).
set -euo pipefail

cd "$(dirname "$0")/.."
OUTPUT=$(realpath -m "${1:-build}")
ROUNDS=${ROUNDS:-21}
N=${N:-500000}
PIN=${PIN:-}
EUNOMIA=$OUTPUT/eunomia
LOOP=$OUTPUT/bench/getppid_loop
NOOP=$OUTPUT/bench/noop_loader
SYSCOUNT=${SYSCOUNT:-/usr/sbin/syscount}
RESULTS=bench/results
MD=$RESULTS/learn-overhead.md
RAW=$RESULTS/learn-overhead.raw
CONFIGS=(base floor syscount inside outside)

die() {
	echo "learn-overhead: $*" >&2
	exit 1
}

[[ $(id -u) -eq 0 ]] || die "must run as root (it loads BPF programs)"
[[ -x $EUNOMIA ]] || die "$EUNOMIA is missing; run 'make' first"
[[ -x $SYSCOUNT ]] || die "$SYSCOUNT is missing; install libbpf-tools ('make deps')"
[[ $ROUNDS =~ ^[1-9][0-9]*$ && $N =~ ^[1-9][0-9]*$ ]] || die "ROUNDS and N must be positive integers"
make --no-print-directory -C bench OUTPUT="$OUTPUT" || die "building the helpers in bench/ failed"

TMP=$(mktemp -d /tmp/learn-overhead.XXXXXX)
BG_PID=

# A background tracer still running when we leave is stopped the way a user would stop it.
cleanup() {
	if [[ -n $BG_PID ]]; then
		kill -INT "$BG_PID" 2>/dev/null || true
		wait "$BG_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

loop_cmd=("$LOOP" "$N")
[[ -n $PIN ]] && loop_cmd=(taskset -c "$PIN" "$LOOP" "$N")

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
		# The loop times itself, so eunomia's start-up is not in the number.
		check_foreign
		out=$("$EUNOMIA" learn -q -o "$TMP/inside.yaml" -- "${loop_cmd[@]}" 2>"$TMP/inside.err") ||
			die "eunomia learn (inside) failed: $(cat "$TMP/inside.err")"
		check_foreign
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

mkdir -p "$RESULTS"
start=$(date +%s)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
{
	echo "# learn-overhead raw data, $(date -u +%Y-%m-%dT%H:%M:%SZ), N=$N, PIN=${PIN:-none}"
	echo "# round config ns_per_call"
} >"$RAW"
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

WAIT_FOREIGN=${WAIT_FOREIGN:-300}
discarded=0
r=1
while ((r <= ROUNDS)); do
	((discarded <= 2 * ROUNDS)) || die "too many rounds disturbed by other syscall tracers"
	wait_quiet
	dirty=
	line=
	for c in "${CONFIGS[@]}"; do
		measure "$c"
		line+=" $c $ns"
	done
	if [[ -n $dirty ]]; then
		discarded=$((discarded + 1))
		echo "# discarded (other tracer: $dirty):$line" >>"$RAW"
		echo "round $r/$ROUNDS: discarded, another syscall tracer was attached: $dirty" >&2
		continue
	fi
	# shellcheck disable=SC2086
	printf "$r %s %s\n" $line >>"$RAW"
	echo "round $r/$ROUNDS:$line" >&2
	r=$((r + 1))
done
wall=$(($(date +%s) - start))

hooks=$(sed -n 's/^eunomia learn: learning command [^;]*; //p' "$TMP/outside.err" | head -n1)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)

{
	echo "# eunomia learn: syscall overhead"
	echo
	echo "Generated by \`make bench\` (bench/learn-overhead.sh); raw numbers in learn-overhead.raw."
	echo
	echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "- kernel: $(uname -r)"
	echo "- CPU: ${cpu:-unknown} ($(nproc) CPUs online)"
	echo "- eunomia ${hooks:+hooks: $hooks}"
	echo "- rounds: $ROUNDS, interleaved (${CONFIGS[*]}); N = $N getppid() per measurement"
	echo "- loop pinned: ${PIN:-no}; run time: ${wall} s; rounds discarded because another"
	echo "  syscall tracer was attached: $discarded"
	echo "- load average before / after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	awk -v rounds="$ROUNDS" -f - "$RAW" <<'AWK'
function sort(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}
# Median, min and max of v[1..n] (v is sorted in place).
function stats(v, n) {
	sort(v, n)
	lo = v[1]; hi = v[n]
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function verdict(ok) { return ok ? "**met**" : "**missed**" }
/^#/ { next }
{ ns[$1, $2] = $3; seen[$1] = 1 }
END {
	split("base floor syscount inside outside", cfg, " ")
	label["base"] = "none (baseline)"
	label["floor"] = "floor: no-op tp_btf/sys_enter"
	label["syscount"] = "libbpf-tools syscount"
	label["inside"] = "eunomia learn, loop inside"
	label["outside"] = "eunomia learn, loop outside"
	for (k = 1; k <= 5; k++) {
		c = cfg[k]; n = 0
		for (r = 1; r <= rounds; r++) v[++n] = ns[r, c]
		med[c] = stats(v, n)
		if (c == "base") continue
		n = 0
		for (r = 1; r <= rounds; r++) v[++n] = ns[r, c] - ns[r, "base"]
		add[c] = stats(v, n); addlo[c] = lo; addhi[c] = hi
		n = 0
		for (r = 1; r <= rounds; r++) v[++n] = ns[r, c] - ns[r, "floor"]
		over[c] = stats(v, n); overlo[c] = lo; overhi[c] = hi
	}
	print "Added ns are medians of the per-round differences to that round's baseline (or floor);"
	print "the ranges are their min–max over the rounds, i.e. the noise."
	print ""
	print "| configuration | median ns/call | median added ns vs none (min–max) | added vs floor's added | median ns over floor (min–max) |"
	print "|---|---:|---:|---:|---:|"
	for (k = 1; k <= 5; k++) {
		c = cfg[k]
		if (c == "base") {
			printf "| %s | %.1f | — | — | — |\n", label[c], med[c]
			continue
		}
		printf "| %s | %.1f | %.1f (%.1f – %.1f) | %.2f× | ", label[c], med[c], add[c], addlo[c], addhi[c],
			add[c] / add["floor"]
		if (c == "floor") print "— |"
		else printf "%.1f (%.1f – %.1f) |\n", over[c], overlo[c], overhi[c]
	}
	ri = add["inside"] / add["floor"]; ro = add["outside"] / add["floor"]
	rs = add["inside"] / add["syscount"]
	print ""
	print "| target (from the issue) | measured | verdict |"
	print "|---|---:|---|"
	printf "| learn-inside added ≤ 1.10 × floor's added | %.2f× (%.1f vs %.1f ns) | %s |\n",
		ri, add["inside"], add["floor"], verdict(ri <= 1.10)
	printf "| learn-outside added ≤ 1.05 × floor's added | %.2f× (%.1f vs %.1f ns) | %s |\n",
		ro, add["outside"], add["floor"], verdict(ro <= 1.05)
	printf "| learn-inside added < 0.5 × syscount's added | %.2f× (%.1f vs %.1f ns) | %s |\n",
		rs, add["inside"], add["syscount"], verdict(rs < 0.5)
}
AWK
} >"$MD"
cat "$MD"
