#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Learn the shipped policies again (make policies): nginx under wrk, redis-server
# under redis-benchmark (all its tests), postgresql under pgbench (initialisation and
# a run), each the host's program in a runc container, learned through the OCI hook
# from its seccomp filter's load (eunomia's learning filter), RUNS runs folded into
# one profile. Writes policies/NAME.yaml (atomically: beside, then renamed) and
# the numbers table of policies/README.md.
#
#   policies/learn.sh [--out DIR] [OUTPUT]  learn them all (OUTPUT: the build
#                                           directory); --out: write the profiles
#                                           and README.md to DIR instead
#   policies/learn.sh --table [OUTPUT]      print the table of the shipped profiles' numbers
set -euo pipefail

cd "$(dirname "$0")/.."
TABLE_ONLY=
OUT=policies
while [[ ${1:-} == --* ]]; do
	case $1 in
	--table) TABLE_ONLY=1 ;;
	--out)
		OUT=${2:?--out needs a directory}
		shift
		;;
	*)
		echo "policies: unknown option $1" >&2
		exit 2
		;;
	esac
	shift
done
OUTPUT=$(realpath -m "${1:-build}")
EUNOMIA=$OUTPUT/eunomia
HOOK=$OUTPUT/eunomia-oci-hook
PODMAN_PROFILE=/usr/share/containers/seccomp.json
RUNS=${RUNS:-3}
# runc-init's allowance, from this tree rather than an installed one
export EUNOMIA_DATADIR=$PWD/policies

die() {
	echo "policies: $*" >&2
	exit 1
}

[[ -x $EUNOMIA ]] || die "$EUNOMIA is missing; run 'make' first"
[[ -d $OUT ]] || die "$OUT is not a directory (give it from the repository's top, or absolute)"
[[ -r $PODMAN_PROFILE ]] || die "$PODMAN_PROFILE is missing (golang-github-containers-common)"

# The workloads, bundle recipes and profile readers of the integration tests.
# shellcheck source=../tests/integration/helpers.bash
BATS_TEST_DIRNAME=$PWD/tests/integration source tests/integration/helpers.bash

WORK=$(mktemp -d /tmp/eunomia-policies.XXXXXX)
CONTAINER=
cleanup() {
	[[ -n $CONTAINER ]] && runc delete -f "$CONTAINER" >/dev/null 2>&1
	rm -rf "$WORK"
	rm -f "$OUT"/*.yaml.new
}
trap cleanup EXIT

# podman_allowed: the syscalls podman's default profile allows on x86_64, outright or
# for some arguments.
podman_allowed() {
	"$EUNOMIA" import -q -o "$WORK/podman.yaml" "$PODMAN_PROFILE"
	profile_syscalls "$WORK/podman.yaml" x86_64 | sort -u
}

# table: the numbers of each shipped profile, as policies/README.md shows them.
table() {
	local podman w p n caps
	podman=$(podman_allowed | wc -l)
	echo "| policy | syscalls allowed (x86_64) | podman's default allows | removed | held by argument rules | capabilities kept |"
	echo "|---|---:|---:|---:|---|---|"
	for w in "${POLICY_WORKLOADS[@]}"; do
		p=$OUT/$w.yaml
		[[ -s $p ]] || die "$p is missing; run 'make policies'"
		n=$(profile_syscalls "$p" x86_64 | wc -l)
		caps=$(profile_caps "$p" used | paste -sd' ' -)
		echo "| [$w]($w.yaml) | $n | $podman | $((podman - n)) ($((100 * (podman - n) / podman))%) | $(profile_arg_rules "$p") | ${caps:-none} |"
	done
}

if [[ -n $TABLE_ONLY ]]; then
	table
	exit 0
fi

[[ $(id -u) -eq 0 ]] || die "must run as root (runc and BPF)"
[[ -x $HOOK ]] || die "$HOOK is missing; run 'make' first"
for c in runc jq wrk redis-benchmark pgbench runuser; do
	command -v "$c" >/dev/null || die "$c is missing ('make deps')"
done

mkdir -p "$WORK/profiles" "$WORK/state"
chmod 755 "$WORK" # postgresql's server runs as the postgres user
printf 'learn_dirs = %s\neunomia = %s\nstate_dir = %s\nlearn_socket = none\n' \
	"$WORK/profiles" "$EUNOMIA" "$WORK/state" >"$WORK/hook.conf"
PORT=$((20000 + $$ % 10000))

# learn NAME: RUNS runs of the workload through the hook, folded into one profile.
learn() {
	local w=$1 dir=$WORK/$1 i
	workload_bundle "$w" "$dir" "$PORT"
	workload_learning "$w" "$dir"
	add_hook "$dir" "io.eunomia.learn=$WORK/profiles/$w.yaml"
	learning_filter "$dir"
	for ((i = 1; i <= RUNS; i++)); do
		CONTAINER=policy-$w
		runc run -d --bundle "$dir" "$CONTAINER" </dev/null >"$dir/container.log" 2>&1 ||
			die "$w did not start: $(cat "$dir/container.log")"
		wait_port "$PORT" || die "$w did not listen on port $PORT"
		workload_drive "$w" "$PORT" "$dir/client.log" ||
			die "$w: its client saw failures (run $i): $(tail -n 5 "$dir/client.log")"
		stop_container "$CONTAINER"
		CONTAINER=
		[[ -s $WORK/profiles/$w.yaml ]] || die "no profile for $w after run $i"
		jq_edit "$dir/config.json" '.annotations["io.eunomia.learn.merge"] = "true"'
	done
	grep -q "^    runs: $RUNS\$" "$WORK/profiles/$w.yaml" || die "$w: not $RUNS runs in its profile"
	grep -q '^    boundary: seccomp-filter$' "$WORK/profiles/$w.yaml" ||
		die "$w: not learned from its filter's load"
	# the run's bundle, a scratch directory, is no part of the shipped profile
	sed '/^  container:$/,/^  [a-z]/{/^    bundle: /d}' "$WORK/profiles/$w.yaml" >"$OUT/$w.yaml.new"
	"$EUNOMIA" export --format oci "$OUT/$w.yaml.new" >/dev/null || die "$OUT/$w.yaml.new does not read back"
	mv "$OUT/$w.yaml.new" "$OUT/$w.yaml"
	echo "policies: learned $w ($(profile_syscalls "$OUT/$w.yaml" x86_64 | wc -l) syscalls)"
}

for w in "${POLICY_WORKLOADS[@]}"; do
	learn "$w"
done

# The numbers beside the profiles, between the markers of policies/README.md.
table >"$WORK/table.md"
awk -v table="$WORK/table.md" '
	/<!-- table: policies\/learn.sh --table -->/ { print; while ((getline l < table) > 0) print l; skip = 1; next }
	/<!-- end of table -->/ { skip = 0 }
	!skip' policies/README.md >"$WORK/README.md"
mv "$WORK/README.md" "$OUT/README.md"
cat "$WORK/table.md"
