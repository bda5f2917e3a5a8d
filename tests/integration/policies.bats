#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# The shipped policies (policies/*.yaml, learned by policies/learn.sh) hold their
# programs for real: each enforced by runc on the same workload it was learned from,
# watched by the monitor from the first instruction, serves every request with no
# violation. And the numbers policies/README.md shows are the profiles' own.

load helpers

POLICIES=$BATS_TEST_DIRNAME/../../policies

setup() {
	require_runc
	work_setup policies
	chmod 755 "$WORK" # postgresql's server runs as the postgres user
	DAEMONS=()
	hook_conf "$WORK"
	PORT=$((20000 + $$ % 10000))
	"$EUNOMIA" monitor --reset -q
}

teardown() {
	delete_containers
	stop_daemons
	"$EUNOMIA" monitor --reset -q || true
	rm -rf "$WORK"
}

# enforced NAME: the workload under its shipped policy (runc's seccomp filter and
# capabilities, its refusals handed to the monitor, which holds it through the hook),
# driven by its client; then,
# inside the same container, the calls that carry escapes are refused by the
# policy's argument rules though their syscalls are allowed, and reported.
enforced() {
	local w=$1 p id=policy-test-$1-$$ before
	p=$(realpath "$POLICIES/$w.yaml")
	[ -s "$p" ]
	monitor_start "$WORK/events.json" "$WORK/monitor.err"
	workload_bundle "$w" "$WORK/$w" "$PORT"
	cp "$SYSPROBE" "$WORK/$w/rootfs/sysprobe"
	"$EUNOMIA" enforce -q --monitor --profile "$p" --oci-bundle "$WORK/$w"
	add_hook "$WORK/$w" "io.eunomia.profile=$p"
	CONTAINERS+=("$id")
	runc run -d --bundle "$WORK/$w" "$id" </dev/null >"$WORK/container.log" 2>&1
	wait_port "$PORT"
	workload_drive "$w" "$PORT" "$WORK/client.log" || {
		echo "$w failed requests under its policy:" >&2
		tail -n 20 "$WORK/client.log" >&2
		return 1
	}
	before=$(wc -l <"$WORK/events.json")
	runc exec "$id" /sysprobe socket:2:1:0 clone:0x11 socket:16:3:0 socket:17:3:0 \
		unshare:0x10000000 clone:0x20011 >"$WORK/probe.out" 2>&1 || true
	stop_container "$id"
	monitor_stop "$DAEMON"
	# it was held from its first instruction, and did nothing outside its policy
	head -n "$before" "$WORK/events.json" >"$WORK/served.json"
	grep -q "\"id\":\"$id\"" "$WORK/served.json"
	if grep -e '"level":"alert"' -e '"action":"denied"' -e '"action":"killed"' "$WORK/served.json"; then
		echo "$w: violations under its own policy" >&2
		return 1
	fi
	# the server's own kind of socket, and a fork, still work; the escapes do not
	cat "$WORK/probe.out"
	diff - "$WORK/probe.out" <<-EOF
		socket:2:1:0 ok
		clone:0x11 ok
		socket:16:3:0 EPERM
		socket:17:3:0 EPERM
		unshare:0x10000000 EPERM
		clone:0x20011 EPERM
	EOF
	refused "$id" socket 0x10
	refused "$id" socket 0x11
	refused "$id" unshare 0x10000000
	refused "$id" clone 0x20011
	# and the filter is there: what the policy does not allow is refused
	[ "$(jq -r .linux.seccomp.defaultAction "$WORK/$w/config.json")" = SCMP_ACT_ERRNO ]
	! jq -e '.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[] |
		select(. == "mount" or . == "ptrace" or . == "bpf")' "$WORK/$w/config.json" || false
	# socket and clone are allowed only through argument rules
	! jq -e '.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and
		(.args // [] | length) == 0) | .names[] | select(. == "socket" or . == "clone")' \
		"$WORK/$w/config.json" || false
}

# refused ID SYSCALL ARG0: the monitor reported seccomp refusing SYSCALL(ARG0, ...) in ID.
refused() {
	jq -s -e --arg id "$1" --arg s "$2" --arg a "$3" 'map(select(.kind == "syscall" and
		.container.id == $id and .by == "seccomp" and .action == "denied" and
		.syscall.name == $s and .syscall.args[0] == $a)) | length > 0' \
		"$WORK/events.json" >/dev/null || {
		echo "the monitor did not report $2($3) refused in $1; it reported:" >&2
		jq -c 'select(.kind == "syscall") | [.container.id, .syscall.name, .syscall.args[0],
			.by, .action]' "$WORK/events.json" >&2
		return 1
	}
}

@test "nginx under its shipped policy serves wrk with no failed request and no violation; escapes through allowed syscalls are refused" {
	require_cmd wrk
	require_cmd nginx
	enforced nginx
}

@test "redis-server under its shipped policy passes all of redis-benchmark with no violation; escapes through allowed syscalls are refused" {
	require_cmd redis-benchmark redis-tools
	require_cmd redis-server
	enforced redis-server
}

@test "postgresql under its shipped policy runs pgbench with no failed transaction and no violation; escapes through allowed syscalls are refused" {
	require_cmd pgbench postgresql-15
	[ -x "$PG_BIN/postgres" ] || skip "needs $PG_BIN/postgres (package postgresql-15)"
	enforced postgresql
}

@test "each shipped policy was learned from its filter's load, in three runs, and keeps no runtime's syscall" {
	local w p
	for w in "${POLICY_WORKLOADS[@]}"; do
		p=$POLICIES/$w.yaml
		grep -q '^    boundary: seccomp-filter$' "$p"
		grep -q '^    runs: 3$' "$p"
		assert_no_syscall "$p" x86_64 "${runtime_names[@]}"
		# what policies/README.md says none of them allows
		assert_no_syscall "$p" x86_64 mount umount2 pivot_root unshare setns ptrace bpf \
			keyctl init_module kexec_load
		! profile_caps "$p" used | grep -qx CAP_SYS_ADMIN || false
		# the profile reads back, and podman can use it
		"$EUNOMIA" export --format docker -o "$WORK/$w.json" "$p"
		jq -e '.defaultAction == "SCMP_ACT_ERRNO"' "$WORK/$w.json"
	done
}

@test "the numbers in policies/README.md are the shipped profiles' own" {
	local shown
	shown=$(sed -n '/<!-- table: policies\/learn.sh --table -->/,/<!-- end of table -->/p' \
		"$POLICIES/README.md" | sed '1d;$d')
	[ -n "$shown" ]
	diff <(echo "$shown") <("$POLICIES/learn.sh" --table "$(dirname "$EUNOMIA")")
}

@test "the README's table of shipped profiles has the profiles' own numbers" {
	local w row want
	for w in "${POLICY_WORKLOADS[@]}"; do
		# | NAME, under CLIENT | allowed | podman | removed | argument rules | capabilities |
		row=$(grep "^| $w, under " "$BATS_TEST_DIRNAME/../../README.md" | cut -d'|' -f3-7)
		want=$("$POLICIES/learn.sh" --table "$(dirname "$EUNOMIA")" | grep "^| \[$w\]" | cut -d'|' -f3-7)
		[ -n "$row" ]
		[ "$row" = "$want" ]
	done
}

@test "make policies' script learns each workload again (into another directory, the shipped files untouched)" {
	require_cmd wrk
	require_cmd redis-benchmark redis-tools
	require_cmd pgbench postgresql-15
	local w before
	before=$(cat "$POLICIES"/*.yaml "$POLICIES/README.md" | md5sum)
	mkdir "$WORK/out"
	RUNS=1 "$POLICIES/learn.sh" --out "$WORK/out" "$(dirname "$EUNOMIA")"
	for w in "${POLICY_WORKLOADS[@]}"; do
		grep -q '^    boundary: seccomp-filter$' "$WORK/out/$w.yaml"
		grep -q '^    runs: 1$' "$WORK/out/$w.yaml"
		assert_no_syscall "$WORK/out/$w.yaml" x86_64 "${runtime_names[@]}"
	done
	# what each server's own work needs
	assert_has_syscall "$WORK/out/nginx.yaml" x86_64 accept4
	assert_has_syscall "$WORK/out/redis-server.yaml" x86_64 epoll_wait
	# its slow log names the client, as a slow command does under load
	assert_has_syscall "$WORK/out/redis-server.yaml" x86_64 getpeername
	assert_has_syscall "$WORK/out/postgresql.yaml" x86_64 accept
	assert_has_syscall "$WORK/out/postgresql.yaml" x86_64 fdatasync
	# its README, with the table of these profiles
	[ "$(grep -c '^| \[' "$WORK/out/README.md")" -eq 3 ]
	[ "$(cat "$POLICIES"/*.yaml "$POLICIES/README.md" | md5sum)" = "$before" ]
}
