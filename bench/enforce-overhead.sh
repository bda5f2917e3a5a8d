#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# What enforcing a profile costs: ns per syscall under eunomia enforce's seccomp
# filter, for getppid() and for personality(2) (which podman's profile allows
# only for some arguments), with no filter, the floor (a one-instruction filter
# that allows everything), podman's default profile and a learned profile, each
# as a binary tree and as a linear filter; and requests per second of nginx under
# wrk on loopback, without a filter, on the floor, with its learned profile and
# with podman's default. Configurations take turns within each round, and every figure is a
# median of per-round values: the machine drifts more between rounds than
# within one. Writes bench/results/enforce-overhead.{md,raw}.
#
#   bench/enforce-overhead.sh [OUTPUT]     OUTPUT: the build directory (default: build)
#
# Environment: ROUNDS (default 21) and N (getppid calls per measurement, default
# 300000) for the syscalls; NGINX_ROUNDS (default 15) and WRK_SECONDS (default 3) for
# nginx; PIN, the CPU the loop (and wrk) run on (default 1; nginx gets CPU 0).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# shellcheck source=nginx.sh
source bench/nginx.sh

PORT=18080

need_root "eunomia enforce sets capabilities"
need_built "$EUNOMIA"
[[ -r $PODMAN_PROFILE ]] || die "$PODMAN_PROFILE is missing (package golang-github-containers-common)"
loop_params
nginx_params 15 1
build_helpers

bench_tmp
NGINX_PID=''
cleanup() {
	stop_pid "$NGINX_PID"
}

# ---- per-syscall cost -------------------------------------------------------------

"$EUNOMIA" import -q -o "$TMP/podman.yaml" "$PODMAN_PROFILE"
"$EUNOMIA" learn -q -o "$TMP/learned.yaml" -- "$LOOP" -m 1000 >/dev/null
"$EUNOMIA" learn -q --merge "$TMP/learned.yaml" -- "$LOOP" -m -p 1000 >/dev/null

CONFIGS=(none floor podman podman-linear learned learned-linear)

# measure CALL CONFIG: ns per call, into $ns.
measure() {
	local flag='' profile args=()
	[[ $1 == personality ]] && flag=-p
	case $2 in
	none) ns=$(taskset -c "$PIN" "$LOOP" -m $flag "$N"); return ;;
	floor) ns=$(taskset -c "$PIN" "$FLOOR" "$LOOP" -m $flag "$N"); return ;;
	podman*) profile=$TMP/podman.yaml ;;
	learned*) profile=$TMP/learned.yaml ;;
	esac
	[[ $2 == *-linear ]] && args=(--linear)
	ns=$(taskset -c "$PIN" "$EUNOMIA" enforce -q --profile "$profile" "${args[@]}" -- \
		"$LOOP" -m $flag "$N") || die "eunomia enforce ($2, $1) failed"
}

raw_start "N=$N, PIN=$PIN" \
	"syscall CALL ROUND CONFIG NS_PER_CALL | nginx ROUND CONFIG REQUESTS_PER_S ERRORS CPU_NS_PER_REQUEST"
for call in getppid personality; do
	for ((r = 1; r <= ROUNDS; r++)); do
		line=
		for c in "${CONFIGS[@]}"; do
			measure "$call" "$c"
			[[ $ns =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "$c: the loop printed '$ns'"
			echo "syscall $call $r $c $ns" >>"$RAW"
			line+=" $c $ns"
		done
		echo "$call round $r/$ROUNDS:$line" >&2
	done
done

# ---- nginx under wrk --------------------------------------------------------------

nginx_setup

nginx_learn "$TMP/nginx.yaml"

# nginx under podman's default too: what any seccomp filter costs, for reference.
"$EUNOMIA" import -q -o "$TMP/podman-nginx.yaml" --caps CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_SETGID,CAP_SETUID \
	"$PODMAN_PROFILE"
NGINX_CONFIGS=(none floor learned podman)
for ((r = 1; r <= NGINX_ROUNDS; r++)); do
	line=
	in_turn "$r" "${NGINX_CONFIGS[@]}"
	for c in "${TURN[@]}"; do
		case $c in
		none) taskset -c 0 "${NGINX[@]}" & ;;
		floor) taskset -c 0 "$FLOOR" "${NGINX[@]}" & ;;
		learned)
			taskset -c 0 "$EUNOMIA" enforce -q --profile "$TMP/nginx.yaml" -- "${NGINX[@]}" &
			;;
		podman)
			taskset -c 0 "$EUNOMIA" enforce -q --profile "$TMP/podman-nginx.yaml" -- \
				"${NGINX[@]}" &
			;;
		esac
		NGINX_PID=$!
		wait_port
		cpu0=$(nginx_cpu_ns)
		wrk_run
		cpu1=$(nginx_cpu_ns)
		stop_nginx
		echo "nginx $r $c $rps $errors $(((cpu1 - cpu0) / requests))" >>"$RAW"
		line+=" $c $rps/s ($errors errors)"
	done
	echo "nginx round $r/$NGINX_ROUNDS:$line" >&2
done

# ---- report -----------------------------------------------------------------------

# sizes PROFILE: "N syscalls allowed outright on x86_64, M rules" of an eunomia profile.
sizes() {
	awk '/^  [a-z0-9_]+:$/ { arch = $1 } /^    [a-z]+:/ { sect = $1 }
	     arch == "x86_64:" && sect == "syscalls:" && /^      [a-z0-9_]+: [0-9]+$/ { n++ }
	     arch == "x86_64:" && sect == "rules:" && /^      - / { r++ }
	     END { printf "%d syscalls allowed outright on x86_64, %d rules", n, r }' "$1"
}

{
	md_head "Cost of enforcing a profile" \
		"; libseccomp $(pkg-config --modversion libseccomp 2>/dev/null || echo '?')"
	echo "- CPU: $(machine); loop and wrk on CPU $PIN, nginx on CPU 0"
	echo "- syscalls: $ROUNDS rounds per call, configurations in turn; N = $N calls per"
	echo "  measurement, summed up as the median ns/call of its 1000-call chunks"
	echo "- profiles: podman's default ($PODMAN_PROFILE, imported: $(sizes "$TMP/podman.yaml"))"
	echo "  and the profile learned from the loop itself ($(sizes "$TMP/learned.yaml"))"
	echo "- nginx: $NGINX_ROUNDS rounds of wrk -t1 -c16 -d${WRK_SECONDS}s on a 5.4 KB file;" \
		"learned profile: $(sizes "$TMP/nginx.yaml")"
	md_tail
	awk -f bench/stats.awk -f bench/enforce-overhead.awk "$RAW"
} >"$MD"
cat "$MD"
