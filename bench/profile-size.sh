#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# How many syscalls a learned profile allows (x86_64), for busybox true, nginx
# (under wrk) and redis (under redis-benchmark), each learned through the OCI
# hook in a runc container with noNewPrivileges and the learning filter:
#   eunomia     counted from the container's seccomp filter load (the default)
#   prestart    everything from the hook on (io.eunomia.learn.boundary=none),
#               what a recorder without a boundary ships
#   podman      podman's default profile (/usr/share/containers/seccomp.json)
# Writes bench/results/profile-size.md.
#
#   bench/profile-size.sh [OUTPUT]     OUTPUT: the build directory (default: build)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
TEST_BIN=$OUTPUT/tests # read by tests/integration/helpers.bash

need_root "runc and BPF"
need_built "$EUNOMIA" "$HOOK"
need_cmd runc jq wrk nginx redis-server redis-benchmark
[[ -r $PODMAN_PROFILE ]] || die "$PODMAN_PROFILE is missing (golang-github-containers-common)"

# The bundle recipes of the integration tests.
# shellcheck source=../tests/integration/helpers.bash
source tests/integration/helpers.bash

bench_tmp
CONTAINER=''
cleanup() {
	[[ -z $CONTAINER ]] || runc delete -f "$CONTAINER" >/dev/null 2>&1
}
mkdir -p "$TMP/profiles" "$TMP/state"
printf 'learn_dirs = %s\neunomia = %s\nstate_dir = %s\n' \
	"$TMP/profiles" "$EUNOMIA" "$TMP/state" >"$TMP/hook.conf"
PORT=$((20000 + $$ % 10000))

# learn WORKLOAD BOUNDARY: learn one workload through the hook into $TMP/profiles.
learn() {
	local w=$1 b=$2 dir=$TMP/$1-$2
	CONTAINER=profile-size-$$-$w-$b
	case $w in
	true)
		mkdir -p "$dir"
		make_rootfs "$dir/rootfs"
		(cd "$dir" && runc spec)
		jq_edit "$dir/config.json" '.process.terminal = false | .process.args = ["/bin/true"]'
		;;
	nginx) nginx_bundle "$dir" "$PORT" ;;
	redis) redis_bundle "$dir" "$PORT" ;;
	esac
	add_hook "$dir" "io.eunomia.learn=$TMP/profiles/$w-$b.yaml" "io.eunomia.learn.boundary=$b"
	learning_filter "$dir"
	if [[ $w == true ]]; then
		runc run --bundle "$dir" "$CONTAINER" </dev/null >/dev/null
	else
		runc run -d --bundle "$dir" "$CONTAINER" </dev/null >/dev/null
		wait_port "$PORT" || die "$w did not listen on port $PORT"
		if [[ $w == nginx ]]; then
			drive "$PORT" >/dev/null || die "nginx failed requests under wrk"
		else
			redis-benchmark -p "$PORT" -q -n 2000 -c 8 >"$TMP/redis-benchmark.log" ||
				die "redis-benchmark failed"
		fi
		stop_container "$CONTAINER"
	fi
	CONTAINER=
	[[ -s $TMP/profiles/$w-$b.yaml ]] || die "no profile for $w ($b)"
}

count() {
	profile_syscalls "$1" x86_64 | wc -l
}

# podman's default: syscalls allowed outright on x86_64, and those allowed under conditions.
"$EUNOMIA" import -q -o "$TMP/podman.yaml" "$PODMAN_PROFILE"
podman_allowed=$( (profile_syscalls "$TMP/podman.yaml" x86_64
	awk '/^  x86_64:/ { a = 1; next } /^  [^ ]/ { a = 0 }
	     a && /^    rules:/ { r = 1; next } a && /^    [^ ]/ { r = 0 }
	     a && r && /^      [^ -]/ { n = $1; sub(":$", "", n) }
	     a && r && /^      - allow/ { print n }' "$TMP/podman.yaml") | sort -u | wc -l)

rows=()
for w in true nginx redis; do
	learn "$w" auto
	learn "$w" none
	p=$TMP/profiles/$w-auto.yaml
	grep -q '^    boundary: seccomp-filter$' "$p" || die "$w: not learned from the filter load"
	setup=$(sed -n '/^  runtime_setup:/,/^  [a-z]*:$/p' "$p" | sed -n '/^    x86_64:/,/^    [a-z]/p' |
		grep -c '^    - ' || true)
	caps=$(profile_caps "$p" used | paste -sd' ' -)
	rows+=("| $w | $(count "$p") | $(count "$TMP/profiles/$w-none.yaml") | $podman_allowed | $setup | ${caps:-none} |")
	echo "profile-size: ${rows[-1]}"
done

{
	echo "# Syscalls a profile allows (x86_64)"
	echo
	echo "Learned through the OCI hook in runc $(runc --version | awk 'NR == 1 { print $3 }')"
	echo "containers (noNewPrivileges, eunomia's learning filter), on Linux $(uname -r);"
	echo "nginx under wrk, redis under redis-benchmark (all its tests, 2000 requests each)."
	echo
	echo "| workload | eunomia (from the filter load) | everything from prestart | podman's default | runtime setup left out | capabilities used |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
	echo
	echo "\"Runtime setup left out\": syscalls runc made before loading the container's"
	echo "filter that the program never made itself (metadata.runtime_setup)."
} >"$MD"
cat "$MD"
