# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for the bats suites: real runc bundles with a busybox rootfs
# (bundle.bash), the monitor (monitor.bash), and readers for eunomia's (canonical,
# two-space indented) profile YAML. A suite loads this file alone; docker.bash (a
# dockerd of the suite's own) is loaded by the suites that start one.
#
# A `! cmd` that is not the last line of a test asserts nothing in bats (errexit
# ignores negated commands): write `! cmd || false`.

# Ports the tests listen on, below the kernel's ephemeral range (32768-60999 by
# default), where the clients of earlier tests (wrk, pgbench) leave sockets that
# make a bind fail: servers 20000-29999 (from $$), metrics endpoints from
# METRICS_PORT (a few in a row), Prometheus at PROM_PORT.
METRICS_PORT=$((10000 + $$ % 5000))
PROM_PORT=$((15000 + $$ % 5000))

EUNOMIA=${EUNOMIA:-$BATS_TEST_DIRNAME/../../build/eunomia}
BUSYBOX=${BUSYBOX:-/bin/busybox}
HOOK=${HOOK:-$BATS_TEST_DIRNAME/../../build/eunomia-oci-hook}
TEST_BIN=${TEST_BIN:-$BATS_TEST_DIRNAME/../../build/tests}
STORM=$TEST_BIN/storm
SYSPROBE=$TEST_BIN/sysprobe
CHURN=$TEST_BIN/churn

# (sourced, not bats' load: policies/learn.sh and bench/profile-size.sh source this file)
# shellcheck source=bundle.bash
source "$(dirname "${BASH_SOURCE[0]}")/bundle.bash"
# shellcheck source=monitor.bash
source "$(dirname "${BASH_SOURCE[0]}")/monitor.bash"

# make test runs the monitor's and learn's suites again with mechanisms refused
# on purpose (EUNOMIA_REFUSE: KIND or KIND/TARGET words), so that each fallback
# is tested on a kernel that has the real thing. refused KIND/TARGET: is it?
refused() {
	local w
	for w in ${EUNOMIA_REFUSE//,/ }; do
		[ "$w" = "$1" ] || [ "$w" = "${1%%/*}" ] && return 0
	done
	return 1
}

# The mechanism the monitor and learn take for a tracepoint: tp_btf/TP, or raw_tp/TP.
hook_for() {
	if refused "tp_btf/$1"; then echo "raw_tp/$1"; else echo "tp_btf/$1"; fi
}

# The name of the sys_enter program that APP (mon, learn) loads: APP_sys_enter_btf or _raw.
sys_enter_prog() {
	if refused tp_btf/sys_enter; then echo "$1_sys_enter_raw"; else echo "$1_sys_enter_btf"; fi
}

# Capability checks are traced here only through the cap_capable tracepoint (this
# kernel refuses fexit and has no kprobe PMU): refused, capabilities are not learned.
require_cap_tracing() {
	if refused tp_btf/cap_capable; then
		skip "capability checks cannot be traced with tp_btf/cap_capable refused (EUNOMIA_REFUSE)"
	fi
}

# caps_traced PROFILE: were its capabilities learned? With cap_capable refused they
# were not, and the profile must say so (capabilities.learned: false) and list none.
caps_traced() {
	refused tp_btf/cap_capable || return 0
	if ! grep -q '^  learned: false$' "$1" || [ -n "$(profile_caps "$1" used)" ]; then
		echo "$1 was learned without capability tracing but does not say so" >&2
		exit 1
	fi
	return 1
}

# Skip only when the thing is truly missing, and say which.
require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (BPF and runc)"
}

require_cmd() {
	command -v "$1" >/dev/null || skip "needs $1 (install package ${2:-$1})"
}

require_runc() {
	require_root
	require_cmd runc
	require_cmd jq
	[ -x "$BUSYBOX" ] || skip "needs a static busybox at $BUSYBOX (package busybox-static)"
}

# work_setup NAME: the test's own WORK (/tmp/eunomia-NAME.*), and no containers yet
# (CONTAINERS, for delete_containers).
work_setup() {
	WORK=$(mktemp -d "/tmp/eunomia-$1.XXXXXX")
	CONTAINERS=()
}

# A container script that waits for the test to say go: learning attaches first.
wait_go='while [ ! -e /shared/go ]; do sleep 0.05; done; '

# wait_for PATTERN FILE [SECONDS]: until FILE has a line matching PATTERN.
wait_for() {
	local i
	for ((i = 0; i < ${3:-10} * 20; i++)); do
		grep -q -- "$1" "$2" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for '$1' in $2:" >&2
	cat "$2" >&2 || true
	return 1
}

# wait_for_url URL FILE [PATTERN [SECONDS]]: until URL answers (with a line matching
# PATTERN); its body goes to FILE.
wait_for_url() {
	local i
	for ((i = 0; i < ${4:-10} * 20; i++)); do
		curl -sf "$1" >"$2" 2>/dev/null && grep -q -- "${3:-}" "$2" && return 0
		sleep 0.05
	done
	echo "timed out waiting for $1${3:+ to show '$3'}; it said:" >&2
	cat "$2" >&2 || true
	return 1
}

# go_when_up DIR: in the background, once DIR/up exists (the container's script has begun
# to wait for DIR/go), DIR/go a moment later: the wait loop runs while it is learned,
# however slowly the learner started (under a sanitizer it can take over a second).
go_when_up() {
	(
		for ((i = 0; i < 600; i++)); do
			[ -e "$1/up" ] && break
			sleep 0.05
		done
		sleep 0.3
		touch "$1/go"
	) &
}

# wait_gone PID [SECONDS]: until the process has exited.
wait_gone() {
	local i
	for ((i = 0; i < ${2:-20} * 20; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	echo "process $1 still running" >&2
	return 1
}

# profile_syscalls FILE ARCH: the syscalls one ABI allows, outright or by a rule
# that allows (socket for some families), one per line.
profile_syscalls() {
	awk -v arch="$2" '
		/^architectures:/ { in_a = 1; next }
		in_a && /^[^ ]/ { in_a = 0 }
		in_a && /^  [^ ]/ { cur = $1; sub(":$", "", cur); in_s = in_r = 0; next }
		in_a && cur == arch && /^    syscalls:/ { in_s = 1; in_r = 0; next }
		in_a && cur == arch && /^    rules:/ { in_r = 1; in_s = 0; next }
		in_a && /^    [^ ]/ { in_s = in_r = 0 }
		in_a && in_s && /^      [^ ]/ { n = $1; sub(":$", "", n); print n }
		in_a && in_r && /^      [^ -]/ { n = $1; sub(":$", "", n) }
		in_a && in_r && /^      - allow/ && n != "" { print n; n = "" }
	' "$1"
}

# profile_count FILE ARCH NAME: the count of syscall NAME in ARCH's syscalls section (empty
# if it is not allowed outright).
profile_count() {
	awk -v arch="$2" -v name="$3" '
		/^architectures:/ { in_a = 1; next }
		in_a && /^[^ ]/ { in_a = 0 }
		in_a && /^  [^ ]/ { cur = $1; sub(":$", "", cur); in_s = 0; next }
		in_a && cur == arch && /^    syscalls:/ { in_s = 1; next }
		in_a && /^    [^ ]/ { in_s = 0 }
		in_a && in_s && $1 == name ":" { print $2 }
	' "$1"
}

# profile_arg_rules FILE: what the x86_64 argument rules hold, in words: "socket 2
# families, clone no namespace, prctl 3 options, clone3 ENOSYS" ("-" for none).
profile_arg_rules() {
	awk '
		function noun(s, n) {
			if (s == "socket" || s == "socketpair") return n == 1 ? "family" : "families"
			if (s == "prctl") return n == 1 ? "option" : "options"
			if (s == "personality") return n == 1 ? "persona" : "personas"
			if (s == "ioctl") return n == 1 ? "request" : "requests"
			if (s == "setns") return n == 1 ? "type" : "types"
			return n == 1 ? "namespace set" : "namespace sets"
		}
		/^architectures:/ { in_a = 1; next }
		in_a && /^[^ ]/ { in_a = 0 }
		in_a && /^  [^ ]/ { cur = $1; sub(":$", "", cur); in_r = 0; next }
		in_a && cur == "x86_64" && /^    rules:/ { in_r = 1; next }
		in_a && /^    [^ ]/ { in_r = 0 }
		in_a && in_r && /^      [^ -]/ { n = $1; sub(":$", "", n); order[++k] = n }
		in_a && in_r && /^      - allow if arg[01] (==|&) / { allow[n]++; if ($NF == "0") zero[n] = 1 }
		in_a && in_r && /^      - errno 38$/ { enosys[n] = 1 }
		END {
			for (i = 1; i <= k; i++) {
				s = order[i]
				if (enosys[s]) w = s " ENOSYS"
				else if (!allow[s]) continue
				else if ((s == "clone" || s == "unshare") && allow[s] == 1 && zero[s]) w = s " no namespace"
				else w = s " " allow[s] " " noun(s, allow[s])
				out = out (out == "" ? "" : ", ") w
			}
			print out == "" ? "-" : out
		}
	' "$1"
}

# profile_caps FILE used|denied: capability names, one per line.
profile_caps() {
	awk -v which="$2" '
		/^capabilities:/ { in_c = 1; next }
		in_c && /^[^ ]/ { in_c = 0 }
		in_c && /^  [a-z]/ { cur = $1; sub(":$", "", cur); next }
		in_c && cur == which && /^  - / { print $2 }
	' "$1"
}

# profile_execs FILE: the executables list.
profile_execs() {
	awk '/^executables:/ { in_e = 1; next } in_e && /^[^-]/ { in_e = 0 } in_e && /^- / { print $2 }' "$1"
}

# has_syscall FILE ARCH NAME...: true when any of the names is in the profile.
has_syscall() {
	local file=$1 arch=$2 n
	shift 2
	for n in "$@"; do
		profile_syscalls "$file" "$arch" | grep -qx "$n" && return 0
	done
	return 1
}

assert_has_syscall() {
	has_syscall "$@" && return 0
	echo "expected one of '${*:3}' under $2 in $1; it has:" >&2
	profile_syscalls "$1" "$2" | tr '\n' ' ' >&2
	return 1
}

assert_no_syscall() {
	local file=$1 arch=$2 n
	shift 2
	for n in "$@"; do
		if profile_syscalls "$file" "$arch" | grep -qx "$n"; then
			echo "$n must not be in $file ($arch)" >&2
			return 1
		fi
	done
}

# ensure_busybox_image: the local podman image localhost/eunomia-busybox:test, made once.
ensure_busybox_image() {
	podman image exists localhost/eunomia-busybox:test && return 0
	local dir
	dir=$(mktemp -d /tmp/eunomia-img.XXXXXX)
	make_rootfs "$dir/root"
	tar -C "$dir/root" -cf "$dir/img.tar" .
	podman import "$dir/img.tar" localhost/eunomia-busybox:test >/dev/null
	rm -rf "$dir"
}

# podman_run ARGS...: podman run as this host allows it (cgroupfs, runc, bounded ulimits).
podman_run() {
	podman --cgroup-manager=cgroupfs --runtime runc run --rm \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@"
}

# runtime_names: the syscalls a runtime uses to build a container, which a program
# that only runs in one never needs.
runtime_names=(mount pivot_root umount2 sethostname keyctl mknodat symlinkat)

# The workloads of the shipped policies (policies/learn.sh learns them, policies.bats
# enforces them): nginx, redis-server and postgresql, each a runc bundle of the
# host's program serving 127.0.0.1:PORT.
POLICY_WORKLOADS=(nginx redis-server postgresql)
# redis-benchmark 7.0 runs 20 tests by default (PING_INLINE ... LRANGE_600, MSET)
REDIS_BENCHMARK_TESTS=20

# workload_bundle NAME DIR PORT
workload_bundle() {
	case $1 in
	nginx) nginx_bundle "$2" "$3" ;;
	redis-server) redis_bundle "$2" "$3" ;;
	postgresql) postgres_bundle "$2" "$3" ;;
	*) echo "workload_bundle: no workload $1" >&2; return 1 ;;
	esac
}

# workload_learning NAME DIR: what learning changes in the workload's bundle DIR, so
# that a path the server takes only under load is taken on every learning run.
# redis-server: every command goes into the slow log (--slowlog-log-slower-than 0),
# whose entries name the client (getpeername); under enforcement a command slower
# than the default 10 ms takes that path, on a loaded machine now and then.
workload_learning() {
	case $1 in
	redis-server) jq_edit "$2/config.json" '.process.args += ["--slowlog-log-slower-than", "0"]' ;;
	nginx | postgresql) ;;
	*) echo "workload_learning: no workload $1" >&2; return 1 ;;
	esac
}

# workload_drive NAME PORT LOG: drive the server on PORT with its real client, the
# client's output to LOG; fails on any failed request. nginx: wrk for 2 s; redis:
# redis-benchmark over all its tests; postgresql: pgbench's initialisation, then 3 s
# of its TPC-B-like run on 4 connections.
workload_drive() {
	local port=$2 log=$3 expected
	case $1 in
	nginx) drive "$port" >"$log" ;;
	redis-server)
		redis-benchmark -p "$port" -q -n 2000 -c 8 >"$log" 2>&1 </dev/null || return 1
		! grep -qi -e error -e refused "$log" || return 1
		# every one of its default tests printed its rate
		[ "$(tr '\r' '\n' <"$log" | grep -c 'requests per second')" -eq "$REDIS_BENCHMARK_TESTS" ]
		;;
	postgresql)
		pgbench -h 127.0.0.1 -p "$port" -U postgres -i -s 1 postgres >"$log" 2>&1 || return 1
		pgbench -h 127.0.0.1 -p "$port" -U postgres -c 4 -j 2 -T 3 postgres >>"$log" 2>&1 || return 1
		grep -q '^number of failed transactions: 0 ' "$log" &&
			[ "$(awk '/^number of transactions actually processed:/ { print $NF }' "$log")" -gt 100 ]
		;;
	*) echo "workload_drive: no workload $1" >&2; return 1 ;;
	esac
}

# learn_again DIR ID PORT N: N more runs of the hooked runc bundle DIR (a server on PORT)
# folded into its profile (io.eunomia.learn.merge): started, listening, stopped. runc's
# init is Go, and makes some syscalls after its filter only now and then.
learn_again() {
	local dir=$1 id=$2 port=$3 n=$4 i
	jq_edit "$dir/config.json" '.annotations["io.eunomia.learn.merge"] = "true"'
	for ((i = 1; i <= n; i++)); do
		CONTAINERS+=("$id-$i")
		runc run -d --bundle "$dir" "$id-$i" </dev/null >/dev/null
		wait_port "$port"
		stop_container "$id-$i"
	done
}

# serve_once DIR ID PORT: the runc bundle DIR (a server on PORT) run detached as container
# ID, driven by wrk (drive), then stopped.
serve_once() {
	runc run -d --bundle "$1" "$2" </dev/null >/dev/null
	wait_port "$3"
	drive "$3"
	stop_container "$2"
}

# hook_learn_nginx DIR ID PORT PROFILE: the nginx bundle DIR (nginx_bundle, on PORT)
# learned through the hook into PROFILE under wrk: run as container ID, then twice more
# (learn_again).
hook_learn_nginx() {
	local dir=$1 id=$2 port=$3
	add_hook "$dir" "io.eunomia.learn=$4"
	learning_filter "$dir"
	serve_once "$dir" "$id" "$port"
	learn_again "$dir" "$id" "$port" 2
}

# drive PORT: wrk for 2 s; fails unless requests were served and none failed.
drive() {
	local out
	out=$(wrk -t1 -c8 -d2s "http://127.0.0.1:$1/index.html")
	echo "$out"
	[[ $(awk '/requests in/ { print $1 }' <<<"$out") -gt 100 ]]
	! grep -q -e 'Non-2xx' -e 'Socket errors' <<<"$out"
}

wait_port() {
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

stop_container() {
	runc kill "$1" TERM
	for _ in $(seq 100); do
		[ "$(runc state "$1" | jq -r .status)" = stopped ] && break
		sleep 0.05
	done
	runc delete "$1"
}


# hello_learned DIR ID PROFILE: a busybox bundle DIR that says hello, learned through the
# hook into PROFILE as container ID; it ran, and PROFILE holds it from its start.
hello_learned() {
	hooked_bundle "$1" 'echo hello' "io.eunomia.learn=$3"
	CONTAINERS+=("$2")
	run timeout 60 runc run --bundle "$1" "$2" </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	assert_learned_from_start "$3" "$2"
}

# assert_learned_from_start PROFILE ID: the profile of busybox container ID, learned
# through the hook, holds the container's own start (its entrypoint's execve and the
# dynamic loader's work) and its end.
assert_learned_from_start() {
	local p=$1
	assert_has_syscall "$p" x86_64 execve
	assert_has_syscall "$p" x86_64 arch_prctl
	assert_has_syscall "$p" x86_64 write
	assert_has_syscall "$p" x86_64 exit_group
	profile_execs "$p" | grep -qx /bin/busybox
	grep -q "^    id: $2\$" "$p"
}
