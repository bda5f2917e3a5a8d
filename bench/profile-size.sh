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

cd "$(dirname "$0")/.."
OUTPUT=$(realpath -m "${1:-build}")
EUNOMIA=$OUTPUT/eunomia
HOOK=$OUTPUT/eunomia-oci-hook
TEST_BIN=$OUTPUT/tests
PODMAN_PROFILE=/usr/share/containers/seccomp.json
MD=bench/results/profile-size.md

die() {
	echo "profile-size: $*" >&2
	exit 1
}

[[ $(id -u) -eq 0 ]] || die "must run as root (runc and BPF)"
[[ -x $EUNOMIA && -x $HOOK ]] || die "$EUNOMIA or $HOOK is missing; run 'make' first"
for c in runc jq wrk nginx redis-server redis-benchmark; do
	command -v "$c" >/dev/null || die "$c is missing ('make deps')"
done
[[ -r $PODMAN_PROFILE ]] || die "$PODMAN_PROFILE is missing (golang-github-containers-common)"

# The bundle recipes of the integration tests.
# shellcheck source=../tests/integration/helpers.bash
source tests/integration/helpers.bash

WORK=$(mktemp -d /tmp/profile-size.XXXXXX)
CONTAINER=
cleanup() {
	[[ -n $CONTAINER ]] && runc delete -f "$CONTAINER" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/profiles" "$WORK/state"
printf 'learn_dirs = %s\neunomia = %s\nstate_dir = %s\n' \
	"$WORK/profiles" "$EUNOMIA" "$WORK/state" >"$WORK/hook.conf"
PORT=$((20000 + $$ % 10000))

# learn WORKLOAD BOUNDARY: learn one workload through the hook into $WORK/profiles.
learn() {
	local w=$1 b=$2 dir=$WORK/$1-$2
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
	add_hook "$dir" "io.eunomia.learn=$WORK/profiles/$w-$b.yaml" "io.eunomia.learn.boundary=$b"
	learning_filter "$dir"
	if [[ $w == true ]]; then
		runc run --bundle "$dir" "$CONTAINER" </dev/null >/dev/null
	else
		runc run -d --bundle "$dir" "$CONTAINER" </dev/null >/dev/null
		wait_port "$PORT" || die "$w did not listen on port $PORT"
		if [[ $w == nginx ]]; then
			drive "$PORT" >/dev/null || die "nginx failed requests under wrk"
		else
			redis-benchmark -p "$PORT" -q -n 2000 -c 8 >"$WORK/redis-benchmark.log" ||
				die "redis-benchmark failed"
		fi
		stop_container "$CONTAINER"
	fi
	CONTAINER=
	[[ -s $WORK/profiles/$w-$b.yaml ]] || die "no profile for $w ($b)"
}

count() {
	profile_syscalls "$1" x86_64 | wc -l
}

# podman's default: syscalls allowed outright on x86_64, and those allowed under conditions.
"$EUNOMIA" import -q -o "$WORK/podman.yaml" "$PODMAN_PROFILE"
podman_allowed=$( (profile_syscalls "$WORK/podman.yaml" x86_64
	awk '/^  x86_64:/ { a = 1; next } /^  [^ ]/ { a = 0 }
	     a && /^    rules:/ { r = 1; next } a && /^    [^ ]/ { r = 0 }
	     a && r && /^      [^ -]/ { n = $1; sub(":$", "", n) }
	     a && r && /^      - allow/ { print n }' "$WORK/podman.yaml") | sort -u | wc -l)

rows=()
for w in true nginx redis; do
	learn "$w" auto
	learn "$w" none
	p=$WORK/profiles/$w-auto.yaml
	grep -q '^    boundary: seccomp-filter$' "$p" || die "$w: not learned from the filter load"
	setup=$(sed -n '/^  runtime_setup:/,/^  [a-z]*:$/p' "$p" | sed -n '/^    x86_64:/,/^    [a-z]/p' |
		grep -c '^    - ' || true)
	caps=$(profile_caps "$p" used | paste -sd' ' -)
	rows+=("| $w | $(count "$p") | $(count "$WORK/profiles/$w-none.yaml") | $podman_allowed | $setup | ${caps:-none} |")
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
