#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# What SECURITY.md promises about privilege: root-only pins and state, an endpoint
# bound only where it is told, no shell ever built from input.

load helpers

setup() {
	require_root
	WORK=$(mktemp -d /tmp/eunomia-security.XXXXXX)
	DAEMON=
}

teardown() {
	[ -z "$DAEMON" ] || { kill "$DAEMON" 2>/dev/null; wait_gone "$DAEMON" 10 || kill -9 "$DAEMON"; }
	"$EUNOMIA" monitor --reset -q || true
	rm -rf "$WORK"
}

@test "the monitor's pins are root's alone: directories 0700, programs and maps 0600" {
	"$EUNOMIA" monitor --reset -q
	# a port alone is refused: the endpoint binds only to an address it is given
	run "$EUNOMIA" monitor --metrics "$METRICS_PORT" -d 1
	[ "$status" -eq 2 ]
	[[ "$output" == *"--metrics expects ADDRESS:PORT"* ]]
	"$EUNOMIA" monitor -e "$WORK/ev.json" --metrics "127.0.0.1:$METRICS_PORT" 2>/dev/null &
	DAEMON=$!
	wait_for '"kind":"monitor"' "$WORK/ev.json"
	local n=0 f m u g mode
	while read -r m u g f; do
		mode="$m $u $g"
		case $f in
		/sys/fs/bpf/eunomia | /sys/fs/bpf/eunomia/*/ | /sys/fs/bpf/eunomia/monitor) [ "$mode" = "700 0 0" ] ;;
		*) [ "$mode" = "600 0 0" ] ;;
		esac || { echo "$f is $mode" >&2; return 1; }
		n=$((n + 1))
	done < <(find /sys/fs/bpf/eunomia -printf '%m %U %G %p\n')
	echo "$n pins and directories checked"
	[ "$n" -ge 8 ]
	[ "$(stat -c '%a %u' /run/eunomia)" = "700 0" ]
	# the endpoint listens on loopback only, as it was told
	ss -Hltn | awk '{ print $4 }' | grep -qx "127.0.0.1:$METRICS_PORT"
}

@test "the event file is created 0600, and a symlink is not followed" {
	"$EUNOMIA" learn -q -o "$WORK/p.yaml" -e "$WORK/ev.json" -- /bin/true
	[ "$(stat -c '%a' "$WORK/ev.json")" = 600 ]
	echo precious >"$WORK/target"
	ln -s "$WORK/target" "$WORK/link.json"
	run "$EUNOMIA" learn -q -o "$WORK/p.yaml" -e "$WORK/link.json" -- /bin/true
	[ "$status" -eq 4 ]
	[ "$(cat "$WORK/target")" = precious ]
}

@test "no shell command is built: eunomia's C never calls system() or popen(), and runs programs by argv" {
	local src=$BATS_TEST_DIRNAME/../..
	! grep -rnE '\b(system|popen|execl|execlp)[[:space:]]*\(' "$src"/lib "$src"/profiler \
		"$src"/enforcer "$src"/oci-hooks "$src"/main.c || false
	# and the processes it starts are started with execv/execvp of an argv array
	[ "$(grep -rhoE '\bexecvp?\(' "$src"/lib "$src"/enforcer "$src"/oci-hooks "$src"/profiler | sort -u | paste -sd' ')" = "execv( execvp(" ]
}
