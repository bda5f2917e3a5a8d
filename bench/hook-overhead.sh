#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# What eunomia-oci-hook adds to `runc run` of a container that exits at once:
# rounds of three runs taking turns, one without hooks, one with the hook
# learning it through the resident learner (eunomia learn --serve: programs
# loaded ahead), one with the hook starting a learner itself (learn_socket =
# none: the BPF load on the container's start); each figure is the median of the
# per-round differences to the run without hooks. Writes
# bench/results/hook-overhead.{md,raw}.
#
#   bench/hook-overhead.sh [OUTPUT]     OUTPUT: the build directory (default: build)
#
# Environment: PAIRS (rounds; default 21).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

PAIRS=${PAIRS:-21}

need_root "runc and BPF"
need_built "$EUNOMIA" "$HOOK"
need_cmd runc
[[ -x /bin/busybox ]] || die "/bin/busybox is missing (busybox-static)"
need_int 1 PAIRS

bench_tmp
SERVER=''
cleanup() {
	stop_pid "$SERVER"
}
mkdir -p "$TMP/profiles" "$TMP/plain/rootfs/bin"
cp /bin/busybox "$TMP/plain/rootfs/bin/busybox"
ln -s busybox "$TMP/plain/rootfs/bin/true"
(cd "$TMP/plain" && runc spec)
jq '.process.terminal = false | .process.args = ["/bin/true"]' "$TMP/plain/config.json" \
	>"$TMP/c.json" && mv "$TMP/c.json" "$TMP/plain/config.json"
cp -a "$TMP/plain" "$TMP/hooked"
printf 'learn_dirs = %s\neunomia = %s\nstate_dir = %s\nlearn_socket = none\n' "$TMP/profiles" \
	"$EUNOMIA" "$TMP/state" >"$TMP/hook.conf"
printf 'learn_dirs = %s\neunomia = %s\nstate_dir = %s\nlearn_socket = %s\n' "$TMP/profiles" \
	"$EUNOMIA" "$TMP/state" "$TMP/learn.sock" >"$TMP/served.conf"
jq --arg hook "$HOOK" --arg conf "$TMP/hook.conf" --arg out "$TMP/profiles/p.yaml" '
	.annotations = {"io.eunomia.learn": $out}
	| .hooks = {
		createRuntime: [{path: $hook, args: ["eunomia-oci-hook", "--config", $conf, "createRuntime"]}],
		poststop: [{path: $hook, args: ["eunomia-oci-hook", "--config", $conf, "poststop"]}]
	}' "$TMP/hooked/config.json" >"$TMP/c.json" && mv "$TMP/c.json" "$TMP/hooked/config.json"
cp -a "$TMP/hooked" "$TMP/served"
sed -i "s|$TMP/hook.conf|$TMP/served.conf|g" "$TMP/served/config.json"

"$EUNOMIA" learn --serve -v --socket "$TMP/learn.sock" 2>"$TMP/server.log" &
SERVER=$!
for _ in $(seq 100); do grep -q serving "$TMP/server.log" && break; sleep 0.1; done
grep -q serving "$TMP/server.log" || die "eunomia learn --serve did not start: $(cat "$TMP/server.log")"

# ms: wall time of one runc run of bundle $1, in milliseconds, into $ms. Each run
# starts after a pause, and a run through the resident learner once its next
# learner is on standby (a start that comes sooner waits for that load).
SERVED=0
run_ms() {
	local t0 t1
	sleep 0.3
	if [[ $1 == served ]]; then
		SERVED=$((SERVED + 1))
		for _ in $(seq 100); do
			(($(grep -c "on standby, loaded" "$TMP/server.log") >= SERVED)) && break
			sleep 0.05
		done
	fi
	t0=$(date +%s%N)
	runc run --bundle "$TMP/$1" "eunomia-bench-$$" </dev/null >/dev/null 2>"$TMP/err" ||
		die "runc run ($1) failed: $(cat "$TMP/err")"
	t1=$(date +%s%N)
	ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')
}

raw_start "PAIRS=$PAIRS" "round plain_ms served_ms started_ms"
run_ms plain # warm the page cache
for ((i = 1; i <= PAIRS; i++)); do
	declare -A got=()
	in_turn "$i" plain served hooked
	for b in "${TURN[@]}"; do
		run_ms "$b"
		got[$b]=$ms
		if [[ $b != plain ]]; then
			[[ -s $TMP/profiles/p.yaml ]] || die "the $b run wrote no profile"
			rm -f "$TMP/profiles/p.yaml"
		fi
	done
	echo "$i ${got[plain]} ${got[served]} ${got[hooked]}" >>"$RAW"
	echo "round $i/$PAIRS: plain ${got[plain]} ms, resident learner ${got[served]} ms, learner started by the hook ${got[hooked]} ms" >&2
done
grep -q "learner [0-9]*: learning the container" "$TMP/server.log" ||
	die "the resident learner served no container: $(cat "$TMP/server.log")"

{
	md_head "Time eunomia-oci-hook adds to runc run" "; $(runc --version | head -n1)"
	echo "- $PAIRS rounds of \`runc run\` of a busybox container running /bin/true: without hooks,"
	echo "  with the hook learning it through the resident learner (\`eunomia learn --serve\`),"
	echo "  and with the hook starting a learner itself (\`learn_socket = none\`), in turns;"
	echo "  each run 0.3 s after the last, and through the resident learner once it has a learner"
	echo "  on standby (its next one loads after each container it takes; median load time"
	echo "  $(grep -o 'loaded in [0-9]* ms' "$TMP/server.log" | awk '{print $3}' | sort -n |
		awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}') ms)"
	echo
	awk -f bench/stats.awk -f bench/hook-overhead.awk "$RAW"
} >"$MD"
cat "$MD"
