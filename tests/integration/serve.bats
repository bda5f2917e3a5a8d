#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# The resident learner (eunomia learn --serve): the OCI hook hands it containers
# to learn, with the BPF programs loaded ahead of the container's start.

load helpers

setup() {
	require_runc
	work_setup serve
	hook_conf "$WORK" "$WORK/learn.sock"
	SERVER=
}

teardown() {
	delete_containers
	if [[ -n $SERVER ]]; then
		kill "$SERVER" 2>/dev/null || true
		wait "$SERVER" 2>/dev/null || true
	fi
	pkill -KILL -f -- "--socket $WORK/learn.sock" || true
	rm -rf "$WORK"
}

# start_server [OPTIONS]: eunomia learn --serve on $WORK/learn.sock, once a learner is on standby.
start_server() {
	local before
	before=$(cat "$WORK/server.log" 2>/dev/null | grep -c "serving the OCI hook" || true)
	"$EUNOMIA" learn --serve -v --socket "$WORK/learn.sock" "$@" 2>>"$WORK/server.log" &
	SERVER=$!
	for _ in $(seq 600); do
		(($(grep -c "serving the OCI hook" "$WORK/server.log") > before)) && return 0
		sleep 0.05
	done
	cat "$WORK/server.log" >&2
	return 1
}

# standby_count N: wait until N learners have been loaded on standby.
standby_count() {
	local i
	for ((i = 0; i < 400; i++)); do
		(($(grep -c "on standby, loaded" "$WORK/server.log") >= $1)) && return 0
		sleep 0.05
	done
	cat "$WORK/server.log" >&2
	return 1
}

# processes: how many processes run with the server's socket in their command line.
processes() {
	pgrep -f -- "--socket $WORK/learn.sock" | wc -l
}

@test "through the resident learner, the hook learns a container from its first instruction" {
	start_server
	local p=$WORK/profiles/p.yaml
	CONTAINERS+=(serve-b-$$)
	hello_learned "$WORK/b" "serve-a-$$" "$p"
	# it was the server's learner, not one the hook started, and it is gone
	grep -q "learning the container of $WORK/state/serve-a-$$.json" "$WORK/server.log"
	grep -q "profile written to $WORK/profiles/p.yaml" "$WORK/server.log"
	local first
	first=$(sed -n 's/.*learner \([0-9]*\): learning the container.*/\1/p' "$WORK/server.log")
	wait_gone "$first" 10 # reaped by the server
	[ -z "$(ls -A "$WORK/state")" ]
	# the next container finds the next learner on standby
	standby_count 2
	[ "$(processes)" -eq 2 ] # the server and its standby
	rm "$p"
	run timeout 60 runc run --bundle "$WORK/b" "serve-b-$$" </dev/null
	[ "$status" -eq 0 ]
	assert_has_syscall "$p" x86_64 execve
	[ "$(grep -c "learning the container of" "$WORK/server.log")" -eq 2 ]
	! grep -q "learner $first: learning the container of $WORK/state/serve-b" "$WORK/server.log" || false
}

@test "a container killed with SIGKILL keeps its profile when the resident learner stops meanwhile" {
	start_server
	hooked_bundle "$WORK/k" 'while true; do sleep 0.1; done' \
		"io.eunomia.learn=$WORK/profiles/killed.yaml"
	CONTAINERS+=(serve-k-$$)
	runc run -d --bundle "$WORK/k" "serve-k-$$" </dev/null >/dev/null 2>&1
	grep -q "learning the container of $WORK/state/serve-k-$$.json" "$WORK/server.log"
	sleep 0.5
	# the server goes, with its standby; the container's learner stays
	kill -TERM "$SERVER"
	wait "$SERVER"
	SERVER=
	[ ! -e "$WORK/learn.sock" ]
	grep -q "no longer serving $WORK/learn.sock" "$WORK/server.log"
	[ "$(processes)" -eq 1 ]
	runc kill "serve-k-$$" KILL
	for _ in $(seq 50); do
		[ "$(runc state "serve-k-$$" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	runc delete "serve-k-$$" # runs poststop, which waits for the profile
	assert_has_syscall "$WORK/profiles/killed.yaml" x86_64 execve
	assert_has_syscall "$WORK/profiles/killed.yaml" x86_64 nanosleep clock_nanosleep
	[ "$(processes)" -eq 0 ]
}

@test "with no resident learner behind the socket the hook starts one; a stale socket is replaced, others are not" {
	echo keep >"$WORK/file.sock"
	run "$EUNOMIA" learn --serve --socket "$WORK/file.sock"
	[ "$status" -eq 4 ]
	[[ "$output" == *"$WORK/file.sock exists and is not a socket; it is left alone"* ]]
	[ "$(cat "$WORK/file.sock")" = keep ]
	run "$EUNOMIA" learn --serve --socket "$WORK/learn.sock" -o "$WORK/x.yaml"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--output does not go with --serve"* ]]

	start_server
	run "$EUNOMIA" learn --serve --socket "$WORK/learn.sock"
	[ "$status" -eq 7 ]
	[[ "$output" == *"another resident learner serves $WORK/learn.sock already"* ]]
	# killed outright: the standby goes with it, the socket stays behind, stale
	kill -KILL "$SERVER"
	wait "$SERVER" || true
	SERVER=
	for _ in $(seq 50); do [ "$(processes)" -eq 0 ] && break; sleep 0.1; done
	[ "$(processes)" -eq 0 ]
	[ -S "$WORK/learn.sock" ]
	hooked_bundle "$WORK/b" 'echo hello' "io.eunomia.learn=$WORK/profiles/p.yaml"
	CONTAINERS+=(serve-s-$$)
	run timeout 60 runc run --bundle "$WORK/b" "serve-s-$$" </dev/null
	[ "$status" -eq 0 ]
	assert_has_syscall "$WORK/profiles/p.yaml" x86_64 execve
	! pgrep -f -- "--oci-state $WORK/state" >/dev/null || false
	# a new server replaces the stale socket
	start_server
	[ "$(grep -c "serving the OCI hook on $WORK/learn.sock" "$WORK/server.log")" -eq 2 ]
}

# request SOCKET LOG ARG...: send a request as the hook does, print what comes back.
request() {
	python3 - "$@" <<'PY'
import array, os, socket, sys
sock, log, args = sys.argv[1], sys.argv[2], sys.argv[3:]
payload = b"\0".join([b"eunomia-learn/1"] + [a.encode() for a in args]) + b"\0"
if args == ["--garbage"]:
    payload = b"hello"
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sock)
fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
s.sendmsg([payload], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))])
s.settimeout(10)
print(s.recv(100).decode() or "closed")
PY
}

@test "the resident learner refuses a bad request and goes on serving" {
	start_server
	run request "$WORK/learn.sock" "$WORK/bad.log" --garbage
	[ "$output" = closed ]
	wait_for "a bad request on $WORK/learn.sock: a learner request must begin with eunomia-learn/1" \
		"$WORK/server.log"
	standby_count 2
	run request "$WORK/learn.sock" "$WORK/bad.log" --serve
	[ "$output" = closed ]
	grep -q "names a container by --oci-state, and neither --serve nor --ready-fd" "$WORK/bad.log"
	standby_count 3
	run request "$WORK/learn.sock" "$WORK/bad.log" -q -o "$WORK/profiles/x.yaml"
	[ "$output" = closed ]
	grep -q "name a container" "$WORK/bad.log"
	standby_count 4
	run request "$WORK/learn.sock" "$WORK/bad.log" -q --oci-state "$WORK/none.json" -o "$WORK/profiles/x.yaml"
	[ "$output" = closed ]
	grep -q "$WORK/none.json" "$WORK/bad.log"
	[ ! -e "$WORK/profiles/x.yaml" ]
	standby_count 5
	# and a real container is still learned
	hooked_bundle "$WORK/b" 'echo hello' "io.eunomia.learn=$WORK/profiles/p.yaml"
	CONTAINERS+=(serve-g-$$)
	run timeout 60 runc run --bundle "$WORK/b" "serve-g-$$" </dev/null
	[ "$status" -eq 0 ]
	assert_has_syscall "$WORK/profiles/p.yaml" x86_64 execve
	kill -0 "$SERVER"
}
