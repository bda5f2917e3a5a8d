#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# Bad input at every entry point, table-driven: each bad file given to each command
# that reads it gets one clear line naming the file (and the line and column when
# the file has them), the exit status eunomia(8) documents for that kind of error,
# and leaves the output it was asked to write untouched.

load helpers

setup() {
	require_root
	WORK=$(mktemp -d /tmp/eunomia-bad.XXXXXX)
	MOUNTS=()
	"$EUNOMIA" learn -q -o "$WORK/good.yaml" -- /bin/true
	printf 'precious\n' >"$WORK/out"
	# a refusal the monitor reported, for denials --fix to fold into a profile
	printf '%s\n' '{"time":"2026-11-25T16:00:00.000000Z","level":"alert","kind":"syscall","container":{"id":"web","name":"web"},"syscall":{"name":"acct","nr":163,"arch":"x86_64"},"action":"denied","by":"seccomp","errno":{"nr":1,"name":"EPERM"},"count":1,"suppressed":0}' >"$WORK/denials.json"
}

teardown() {
	local m
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || true; done
	rm -rf "$WORK"
}

# The bad profiles: NAME EXIT MESSAGE (a pattern the one line must match). Each is made
# by make_profile NAME.
profile_cases=(
	"empty 3 empty.yaml:1:1: the document is empty"
	"truncated 3 truncated.yaml:[0-9]*:[0-9]*: "
	"binary 3 binary.yaml:1:1: YAML syntax error"
	"huge 3 huge.yaml is too large (104857[0-9]* bytes"
	"wrong-type 3 wrong-type.yaml:2:16: expected a mapping for architectures, found a scalar"
	"deep 3 deep.yaml:4:47: collections nested more than 32 deep"
	"deep-block 3 deep-block.yaml:[0-9]*:[0-9]*: "
	"unknown-syscall 3 unknown-syscall.yaml:[0-9]*:7: unknown syscall 'no_such_call' for architecture x86_64"
	"unknown-capability 3 unknown-capability.yaml:7:5: unknown capability 'CAP_NO_SUCH'"
	"other-architecture 3 other-architecture.yaml:3:3: unknown architecture 'aarch64'"
	"missing 4 cannot open */missing.yaml: No such file or directory"
	"a-directory 4 cannot read */a-directory.yaml: Is a directory"
)

make_profile() {
	local f=$WORK/$1.yaml
	case $1 in
	empty) : >"$f" ;;
	# cut short inside a quoted string (a cut between two lines can be a valid profile)
	truncated) sed '/^    start: "/q' "$WORK/good.yaml" | head -c -8 >"$f" ;;
	binary) head -c 4096 /dev/urandom | tr -d '\n' | sed 's/^/\xff/' >"$f" ;;
	huge) { echo 'version: 1'; head -c $((100 * 1024 * 1024)) /dev/zero | tr '\0' '#'; } >"$f" ;;
	wrong-type) printf 'version: 1\narchitectures: 5\n' >"$f" ;;
	deep) printf 'version: 1\narchitectures:\n  x86_64:\n    syscalls: %s%s\n' \
		"$(printf '[%.0s' $(seq 100000))" "$(printf ']%.0s' $(seq 100000))" >"$f" ;;
	deep-block) { printf 'version: 1\nmetadata:\n'; for i in $(seq 2 400); do printf "%${i}s- \n" ''; done; } >"$f" ;;
	unknown-syscall) sed 's/^      read: /      no_such_call: /' "$WORK/good.yaml" >"$f" ;;
	unknown-capability) printf 'version: 1\narchitectures:\n  x86_64:\n    syscalls: {read: 1}\ncapabilities:\n  used:\n  - CAP_NO_SUCH\n' >"$f" ;;
	other-architecture) printf 'version: 1\narchitectures:\n  aarch64:\n    syscalls:\n      read: 1\n' >"$f" ;;
	missing) ;;
	a-directory) mkdir "$f" ;;
	esac
}

# check CASE STATUS PATTERN: the last `run` failed with STATUS and one line matching PATTERN.
check() {
	local pat="eunomia*: *$3*"
	if [ "$status" -ne "$2" ] || [ "${#lines[@]}" -ne 1 ] || [[ "${lines[0]}" != $pat ]]; then
		echo "case $1: expected exit $2 and one line matching '$3'; got exit $status:" >&2
		printf '%s\n' "$output" | head -5 >&2
		return 1
	fi
	[ "$(cat "$WORK/out")" = precious ] || { echo "case $1: the output was touched" >&2; return 1; }
}

@test "every bad profile, to every command that reads one: one line, its exit status, nothing touched" {
	local c name want pattern n=0
	for c in "${profile_cases[@]}"; do
		read -r name want pattern <<<"$c"
		make_profile "$name"
		local f=$WORK/$name.yaml
		run timeout 20 "$EUNOMIA" export --format docker -o "$WORK/out" "$f"
		check "export $name" "$want" "$pattern"
		run timeout 20 "$EUNOMIA" enforce --profile "$f" -- /bin/echo ran
		check "enforce $name" "$want" "$pattern"
		run timeout 20 "$EUNOMIA" enforce --profile "$f" --oci-bundle "$WORK"
		check "enforce --oci-bundle $name" "$want" "$pattern"
		run timeout 20 "$EUNOMIA" learn -q -m "$f" -o "$WORK/out" -- /bin/echo ran
		check "learn --merge $name" "$want" "$pattern"
		run timeout 20 "$EUNOMIA" monitor --attach "pid:$$" --profile "$f" -d 1
		check "monitor --attach $name" "$want" "$pattern"
		run timeout 20 "$EUNOMIA" denials -e "$WORK/denials.json" --fix "$f"
		check "denials --fix $name" "$want" "$pattern"
		n=$((n + 1))
	done
	echo "$n profiles, each refused by 6 commands"
}

@test "every bad seccomp JSON to import: one line, exit 3, nothing touched" {
	local name want pattern c
	local cases=(
		"empty 3 empty.json:1:1: "
		"truncated 3 truncated.json:"
		"binary 3 binary.json:"
		"wrong-type 3 wrong-type.json: syscalls: expected an array, found an integer"
		"deep 3 deep.json:"
		"huge 3 huge.json is too large"
		"missing 4 cannot open */missing.json: No such file or directory"
	)
	for c in "${cases[@]}"; do
		read -r name want pattern <<<"$c"
		local f=$WORK/$name.json
		case $name in
		empty) : >"$f" ;;
		truncated) head -c 2000 "$BATS_TEST_DIRNAME/../fixtures/podman/seccomp.json" >"$f" ;;
		binary) head -c 4096 /dev/urandom | sed 's/^/\xff/' >"$f" ;;
		wrong-type) printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": 5}' >"$f" ;;
		deep) { printf '{"syscalls": '; printf '[%.0s' $(seq 100000); } >"$f" ;;
		huge) { printf '{"a": "'; head -c $((100 * 1024 * 1024)) /dev/zero | tr '\0' x; printf '"}'; } >"$f" ;;
		esac
		run timeout 20 "$EUNOMIA" import -o "$WORK/out" "$f"
		check "import $name" "$want" "$pattern"
	done
}

@test "a read-only output directory: exit 4 before any work, and the old file stays" {
	mkdir "$WORK/ro"
	cp "$WORK/good.yaml" "$WORK/ro/p.yaml"
	cp "$WORK/good.yaml" "$WORK/before.yaml"
	mount -o bind,ro "$WORK/ro" "$WORK/ro"
	MOUNTS+=("$WORK/ro")
	run "$EUNOMIA" learn -q -o "$WORK/ro/p.yaml" -- /bin/echo ran
	[ "$status" -eq 4 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"cannot write the profile into $WORK/ro: Read-only file system"* ]]
	[[ "$output" != *ran* ]] # refused before the command started
	run "$EUNOMIA" export --format docker -o "$WORK/ro/p.json" "$WORK/good.yaml"
	[ "$status" -eq 4 ]
	[[ "$output" == *"Read-only file system"* ]]
	run "$EUNOMIA" import -o "$WORK/ro/p.yaml" "$BATS_TEST_DIRNAME/../fixtures/podman/seccomp.json"
	[ "$status" -eq 4 ]
	[[ "$output" == *"Read-only file system"* ]]
	cmp "$WORK/before.yaml" "$WORK/ro/p.yaml"
}

@test "the exit statuses used here are the ones eunomia(8) documents" {
	local man=$BATS_TEST_DIRNAME/../../man/eunomia.8
	grep -A1 '^\.B 3$' "$man" | grep -qi 'profile'
	grep -A1 '^\.B 4$' "$man" | grep -qi 'I/O\|read\|write'
}
