#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# eunomia learn against real runc and podman containers and real commands on
# this kernel. The i386 cases need a kernel that runs 32-bit code: tests/vm/.

load helpers

setup() {
	require_runc
	work_setup bats
	LEARNERS=()
}

teardown() {
	local p
	for p in "${LEARNERS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	delete_containers
	rm -rf "$WORK"
}

# start_container NAME SCRIPT [CAPS...]: a detached runc container held at /shared/go.
start_container() {
	local name=$1 script=$2
	shift 2
	make_bundle "$WORK/$name" "$wait_go$script" "$@"
	CONTAINERS+=("eunomia-test-$name-$$")
	run_detached "eunomia-test-$name-$$" "$WORK/$name"
}

# learn_container NAME [OPTIONS...]: start learning it in the background.
learn_container() {
	local name=$1
	shift
	"$EUNOMIA" learn "$@" -o "$WORK/$name.yaml" "eunomia-test-$name-$$" 2>"$WORK/$name.err" &
	LEARNERS+=($!)
	eval "LEARNER_$name=$!"
	wait_for "learning container" "$WORK/$name.err"
}

# go NAME: release the container and wait for its learner to write the profile.
go_and_wait() {
	local name=$1 pid
	eval "pid=\$LEARNER_$name"
	touch "$WORK/$name/shared/go"
	wait_gone "$pid" 30
	wait "$pid"
}

@test "learn -- CMD starts the command held and records its own execve" {
	run "$EUNOMIA" learn -o "$WORK/p.yaml" -- /bin/true
	[ "$status" -eq 0 ]
	[[ "$output" == *"profile written to $WORK/p.yaml"* ]]
	assert_has_syscall "$WORK/p.yaml" x86_64 execve
	assert_has_syscall "$WORK/p.yaml" x86_64 exit_group
	profile_execs "$WORK/p.yaml" | grep -qx /usr/bin/true
	grep -q '^  - /bin/true$' "$WORK/p.yaml" # metadata.command
	grep -q '^    boundary: none$' "$WORK/p.yaml" # no runtime: nothing is setup
	! grep -q '^  runtime_setup:' "$WORK/p.yaml" || false
	run "$EUNOMIA" learn --boundary exec -- /bin/true
	[ "$status" -eq 2 ]
	[[ "$output" == *"--boundary is for containers a runtime starts"* ]]
	run "$EUNOMIA" learn --boundary exec "pid:$$"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--boundary is for a container that is starting"* ]]
	run "$EUNOMIA" learn --boundary sometimes pid:1
	[ "$status" -eq 2 ]
	[[ "$output" == *"--boundary expects auto, seccomp-filter, exec or none, not 'sometimes'"* ]]
}

@test "learn -- CMD writes the profile to stdout by default and it parses back" {
	"$EUNOMIA" learn -q -- /bin/true >"$WORK/p.yaml"
	assert_has_syscall "$WORK/p.yaml" x86_64 execve
	# the profile it wrote is a valid input to --merge
	"$EUNOMIA" learn -q --merge "$WORK/p.yaml" -- /bin/true
	grep -q '^    runs: 2$' "$WORK/p.yaml"
}

@test "learn a runc busybox container: the syscalls of its script and nothing it never did" {
	start_container box 'mkdir /tmp/dir; touch /tmp/file; chown 1000 /tmp/file;
		nc -w 1 127.0.0.1 9 </dev/null; sleep 0.2' CAP_CHOWN
	learn_container box
	go_and_wait box
	local p=$WORK/box.yaml
	assert_has_syscall "$p" x86_64 mkdir mkdirat
	assert_has_syscall "$p" x86_64 chown fchownat lchown fchown
	assert_has_syscall "$p" x86_64 socket
	assert_has_syscall "$p" x86_64 connect
	assert_has_syscall "$p" x86_64 execve
	assert_has_syscall "$p" x86_64 nanosleep clock_nanosleep
	assert_no_syscall "$p" x86_64 reboot kexec_load kexec_file_load bpf init_module finit_module \
		mount pivot_root ptrace
	if caps_traced "$p"; then profile_caps "$p" used | grep -qx CAP_CHOWN; fi
	profile_execs "$p" | grep -qx /bin/busybox
	grep -q "^    id: eunomia-test-box-$$\$" "$p"
	grep -q '^    runtime: runc$' "$p"
	grep -q "^    bundle: $WORK/box\$" "$p"
	# nothing for i386: this container never made a 32-bit syscall
	[ -z "$(profile_syscalls "$p" i386)" ]
}

@test "a capability the container lacks is recorded as denied, not used" {
	require_cap_tracing
	start_container nocap 'touch /tmp/file; chown 1000 /tmp/file || true'
	learn_container nocap
	go_and_wait nocap
	profile_caps "$WORK/nocap.yaml" denied | grep -qx CAP_CHOWN
	! profile_caps "$WORK/nocap.yaml" used | grep -qx CAP_CHOWN || false
}

@test "a process that enters later with runc exec is learned (mount namespace at exec)" {
	start_container entered 'while [ ! -e /shared/stop ]; do sleep 0.05; done'
	learn_container entered
	touch "$WORK/entered/shared/go"
	runc exec "eunomia-test-entered-$$" /bin/ionice -p 1
	touch "$WORK/entered/shared/stop"
	wait_gone "$LEARNER_entered" 30
	assert_has_syscall "$WORK/entered.yaml" x86_64 ioprio_get
}

@test "a process that unshares a new mount namespace stays attributed to the container" {
	start_container unshared 'unshare -m /bin/busybox sync' CAP_SYS_ADMIN
	learn_container unshared
	go_and_wait unshared
	assert_has_syscall "$WORK/unshared.yaml" x86_64 unshare
	assert_has_syscall "$WORK/unshared.yaml" x86_64 sync
}

@test "two containers learned at once: neither profile has the other's syscalls" {
	start_container one 'sync'
	start_container two 'ionice -p 1'
	learn_container one
	learn_container two
	touch "$WORK/one/shared/go" "$WORK/two/shared/go"
	wait_gone "$LEARNER_one" 30
	wait_gone "$LEARNER_two" 30
	assert_has_syscall "$WORK/one.yaml" x86_64 sync
	assert_no_syscall "$WORK/one.yaml" x86_64 ioprio_get
	assert_has_syscall "$WORK/two.yaml" x86_64 ioprio_get
	assert_no_syscall "$WORK/two.yaml" x86_64 sync
}

@test "processes outside the container are never learned" {
	start_container quiet 'sleep 0.5'
	learn_container quiet
	touch "$WORK/quiet/shared/go"
	# a host process makes syscalls the container never makes
	"$BUSYBOX" ionice -p 1 >/dev/null
	"$BUSYBOX" uptime >/dev/null
	wait_gone "$LEARNER_quiet" 30
	assert_has_syscall "$WORK/quiet.yaml" x86_64 nanosleep clock_nanosleep
	assert_no_syscall "$WORK/quiet.yaml" x86_64 ioprio_get sysinfo
}

@test "learn pid:N follows a host process, its threads and children" {
	"$BUSYBOX" sh -c 'while [ ! -e '"$WORK"'/go ]; do sleep 0.05; done; sync; sh -c "ionice -p 1"' &
	local pid=$!
	"$EUNOMIA" learn -o "$WORK/pid.yaml" "pid:$pid" 2>"$WORK/pid.err" &
	LEARNERS+=($!)
	local learner=$!
	wait_for "learning container" "$WORK/pid.err"
	touch "$WORK/go"
	wait_gone "$learner" 30
	wait "$learner"
	assert_has_syscall "$WORK/pid.yaml" x86_64 sync
	assert_has_syscall "$WORK/pid.yaml" x86_64 ioprio_get
	assert_has_syscall "$WORK/pid.yaml" x86_64 vfork fork clone clone3
}

# write_crun_status ROOT ID PID START: crun's state file, as crun 1.8 writes it.
write_crun_status() {
	mkdir -p "$1/$2"
	cat >"$1/$2/status" <<-EOF
	{
	    "pid": $3,
	    "process-start-time": $4,
	    "cgroup-path": "/$2",
	    "scope": "",
	    "rootfs": "$WORK/rootfs",
	    "systemd-cgroup": false,
	    "bundle": "$WORK/crun-bundle",
	    "created": "2026-11-25T14:34:52.000293421Z",
	    "owner": "root",
	    "detached": true,
	    "external_descriptors": "[\"/dev/null\",\"/dev/null\",\"/dev/null\"]"
	}
	EOF
}

@test "a crun container is found by id through crun's status file" {
	# crun cannot create containers on this host's hybrid cgroups; its state
	# file, pointing at a live process, is what eunomia reads of it.
	"$BUSYBOX" sh -c 'while [ ! -e '"$WORK"'/go ]; do sleep 0.05; done; sync' &
	local pid=$! start
	start=$(awk '{ print $22 }' "/proc/$pid/stat")
	write_crun_status "$WORK/crun" ctr1 "$pid" "$start"
	"$EUNOMIA" learn --runtime-root "$WORK/crun" -o "$WORK/crun.yaml" ctr1 2>"$WORK/crun.err" &
	LEARNERS+=($!)
	local learner=$!
	wait_for "learning container" "$WORK/crun.err"
	touch "$WORK/go"
	wait_gone "$learner" 30
	wait "$learner"
	assert_has_syscall "$WORK/crun.yaml" x86_64 sync
	grep -q '^    id: ctr1$' "$WORK/crun.yaml"
	grep -q '^    runtime: crun$' "$WORK/crun.yaml"
	grep -q "^    bundle: $WORK/crun-bundle\$" "$WORK/crun.yaml"

	# a status file whose pid now belongs to another process is a stale container
	sleep 1000 &
	local other=$!
	write_crun_status "$WORK/crun" ctr2 "$other" 1
	run "$EUNOMIA" learn --runtime-root "$WORK/crun" -o "$WORK/stale.yaml" ctr2
	kill "$other"
	[ "$status" -eq 5 ]
	[[ "$output" == *"crun container ctr2 is not running (pid $other now belongs to another process)"* ]]
}

@test "SIGINT ends learning and the profile is still written" {
	start_container forever 'while true; do sleep 0.1; done'
	learn_container forever
	touch "$WORK/forever/shared/go"
	sleep 0.5
	kill -INT "$LEARNER_forever"
	wait_gone "$LEARNER_forever" 10
	wait "$LEARNER_forever"
	assert_has_syscall "$WORK/forever.yaml" x86_64 nanosleep clock_nanosleep
}

@test "--duration ends learning of a container that keeps running" {
	start_container long 'while true; do sleep 0.1; done'
	learn_container long --duration 1
	touch "$WORK/long/shared/go"
	wait_gone "$LEARNER_long" 10
	wait "$LEARNER_long"
	grep -q '^    duration_seconds: 1\.' "$WORK/long.yaml"
	assert_has_syscall "$WORK/long.yaml" x86_64 nanosleep clock_nanosleep
}

@test "--merge folds a new run into an existing profile: union, counts add" {
	"$EUNOMIA" learn -q -o "$WORK/m.yaml" -- "$BUSYBOX" sync
	local before
	before=$(profile_count "$WORK/m.yaml" x86_64 execve)
	"$EUNOMIA" learn -q --merge "$WORK/m.yaml" -- "$BUSYBOX" ionice -p 1
	assert_has_syscall "$WORK/m.yaml" x86_64 sync
	assert_has_syscall "$WORK/m.yaml" x86_64 ioprio_get
	grep -q '^    runs: 2$' "$WORK/m.yaml"
	[ "$(profile_count "$WORK/m.yaml" x86_64 execve)" -gt "$before" ]
}

@test "learn a podman container by name" {
	require_cmd podman
	ensure_busybox_image
	local name=eunomia-test-podman-$$
	mkdir -p "$WORK/pshared"
	podman --cgroup-manager=cgroupfs --runtime runc run -d --name "$name" \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 -v "$WORK/pshared:/shared" \
		localhost/eunomia-busybox:test /bin/sh -c "${wait_go}sync" >/dev/null
	"$EUNOMIA" learn -o "$WORK/podman.yaml" "$name" 2>"$WORK/podman.err" &
	local learner=$!
	LEARNERS+=($learner)
	wait_for "learning container" "$WORK/podman.err" 20
	touch "$WORK/pshared/go"
	wait_gone "$learner" 30
	podman rm -f "$name" >/dev/null 2>&1 || true
	assert_has_syscall "$WORK/podman.yaml" x86_64 sync
	grep -q "^    name: $name\$" "$WORK/podman.yaml"
	grep -q '^    runtime: podman$' "$WORK/podman.yaml"
	grep -q '^    image: localhost/eunomia-busybox:test$' "$WORK/podman.yaml"
}

@test "counts are exact when thousands of tasks share the tracer's slots" {
	# 4800 tasks alive at once, more than the 4096 slots of the fast path: some
	# share a slot and take the exact path, the rest the fast one; none is lost.
	run "$EUNOMIA" learn -o "$WORK/storm.yaml" -- "$STORM" 300 16 200
	[ "$status" -eq 0 ]
	if refused tp_btf/sys_enter; then # every task takes the exact path
		[[ "$output" == *"syscalls via $(hook_for sys_enter)"* ]]
	else
		[[ "$output" == *"syscalls via tp_btf/sys_enter (helper-free fast path)"* ]]
	fi
	[ "$(profile_count "$WORK/storm.yaml" x86_64 getppid)" -eq 960000 ]
	# every task's end: 300 * 15 threads exit, 300 processes and storm itself exit_group
	# (clone and clone3 have argument rules, which carry no counts)
	[ "$(profile_count "$WORK/storm.yaml" x86_64 exit)" -eq 4500 ]
	[ "$(profile_count "$WORK/storm.yaml" x86_64 exit_group)" -eq 301 ]
	[[ "$output" != *warning* ]]
}

@test "every syscall mechanism in the fallback chain works on this kernel, arguments too" {
	local hook
	for hook in tp_btf raw_tp tracepoint; do
		run "$EUNOMIA" learn --syscall-hook "$hook" -o "$WORK/$hook.yaml" -- \
			"$SYSPROBE" getppid socket:2:1:0 socket:1:1:0 clone:0x11
		if refused "$hook/sys_enter"; then # asked for by name: an error, not a fallback
			[ "$status" -eq 6 ]
			[[ "$output" == *"cannot trace syscalls with $hook, which was asked for"* ]]
			continue
		fi
		[ "$status" -eq 0 ]
		[[ "$output" == *"syscalls via $hook/sys_enter"* ]]
		assert_has_syscall "$WORK/$hook.yaml" x86_64 execve
		assert_has_syscall "$WORK/$hook.yaml" x86_64 getppid
		# each reads the arguments from where it finds them
		grep -A3 '^      socket:$' "$WORK/$hook.yaml" | grep -q -- '- allow if arg0 == 1$'
		grep -A3 '^      socket:$' "$WORK/$hook.yaml" | grep -q -- '- allow if arg0 == 2$'
		grep -A1 '^      clone:$' "$WORK/$hook.yaml" | grep -q -- '- allow if arg0 & 0x7e020080 == 0$'
	done
}

@test "a mechanism the kernel refuses is a clear error, not a silent fallback" {
	# this kernel refuses fentry/fexit (function tracing is closed)
	if "$EUNOMIA" learn -q --cap-hook fexit -o "$WORK/x.yaml" -- /bin/true 2>/dev/null; then
		skip "this kernel allows fexit; the refusal cannot be shown here"
	fi
	run "$EUNOMIA" learn --cap-hook fexit -o "$WORK/x.yaml" -- /bin/true
	[ "$status" -eq 6 ]
	[[ "$output" == *"cannot trace capability checks"*"fexit/cap_capable"* ]]
	[ ! -e "$WORK/x.yaml" ]
}

@test "usage errors exit 2 with a message" {
	run "$EUNOMIA" learn
	[ "$status" -eq 2 ]
	[[ "$output" == *"name a container, or give a command after '--'"* ]]
	run "$EUNOMIA" learn one two
	[ "$status" -eq 2 ]
	[[ "$output" == *"one container at a time"* ]]
	run "$EUNOMIA" learn --duration soon -- /bin/true
	[ "$status" -eq 2 ]
	[[ "$output" == *"--duration expects a positive number of seconds, not 'soon'"* ]]
	run "$EUNOMIA" learn --syscall-hook kprobe -- /bin/true
	[ "$status" -eq 2 ]
	run "$EUNOMIA" learn --bogus
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option '--bogus'"* ]]
	run "$EUNOMIA" learn -o
	[ "$status" -eq 2 ]
	[[ "$output" == *"option -o needs a value"* ]]
}

@test "an unknown container exits 5 and names it" {
	run "$EUNOMIA" learn --runtime-root "$WORK" no-such-container
	[ "$status" -eq 5 ]
	[[ "$output" == *"no container 'no-such-container' under $WORK"* ]]
	run "$EUNOMIA" learn pid:999999999
	[ "$status" -eq 5 ] || [ "$status" -eq 2 ]
	run "$EUNOMIA" learn "../etc"
	[ "$status" -eq 2 ]
}

@test "a command that cannot run exits 8 and leaves the old profile untouched" {
	echo "sentinel" >"$WORK/keep.yaml"
	run "$EUNOMIA" learn -o "$WORK/keep.yaml" -- /nonexistent/program
	[ "$status" -eq 8 ]
	[[ "$output" == *"cannot run /nonexistent/program: No such file or directory"* ]]
	[ "$(cat "$WORK/keep.yaml")" = sentinel ]
}

@test "a bad --merge profile exits 3 before learning, naming file, line and column" {
	printf 'version: 1\narchitectures:\n  x86_64:\n    syscalls:\n      opnat: 1\n' >"$WORK/bad.yaml"
	run "$EUNOMIA" learn --merge "$WORK/bad.yaml" -- /bin/true
	[ "$status" -eq 3 ]
	[[ "$output" == *"$WORK/bad.yaml:5:7: unknown syscall 'opnat' for architecture x86_64"* ]]
	[[ "$output" != *"learning command"* ]]
}

@test "an output directory that does not exist exits 4 before learning" {
	run "$EUNOMIA" learn -o "$WORK/missing/p.yaml" -- /bin/true
	[ "$status" -eq 4 ]
	[[ "$output" == *"cannot write the profile into $WORK/missing"* ]]
	[[ "$output" != *"learning command"* ]]
}

@test "learn --metrics serves what it has learned so far, in a form promtool accepts" {
	require_cmd curl
	require_cmd promtool prometheus
	local port=$METRICS_PORT
	"$EUNOMIA" learn -q -o "$WORK/m.yaml" --metrics "127.0.0.1:$port" -- \
		sh -c 'ls / >/dev/null; sleep 2' &
	local learner=$!
	wait_for_url "http://127.0.0.1:$port/metrics" "$WORK/metrics.txt" '^eunomia_syscalls_learned{container="sh"} [1-9]'
	promtool check metrics <"$WORK/metrics.txt"
	grep -q '^eunomia_syscalls_observed_total{container="sh"} [1-9]' "$WORK/metrics.txt"
	grep -q '^eunomia_syscalls_learned{container="sh"} [1-9]' "$WORK/metrics.txt"
	grep -q "^eunomia_bpf_program_runs_total{program=\"$(sys_enter_prog learn)\"} [1-9]" "$WORK/metrics.txt"
	wait "$learner"
	# a bad address is a usage error, before anything is loaded
	run "$EUNOMIA" learn --metrics 127.0.0.1:notaport -- true
	[ "$status" -eq 2 ]
	[[ "$output" == *"--metrics expects ADDRESS:PORT"* ]]
}

@test "learn --events: each first sight as an event; SIGHUP reopens the file and learning goes on" {
	"$EUNOMIA" learn -q -o "$WORK/e.yaml" -e "$WORK/ev.json" -- \
		sh -c "while [ ! -e $WORK/go ]; do sleep 0.05; done; mkdir $WORK/made" &
	local learner=$!
	wait_for '"kind":"exec"' "$WORK/ev.json"
	mv "$WORK/ev.json" "$WORK/ev.json.1" # as logrotate does
	kill -HUP "$learner"
	sleep 0.3
	touch "$WORK/go"
	wait "$learner"
	# the profile was still written, and what came after the move is in the new file
	assert_has_syscall "$WORK/e.yaml" x86_64 mkdir mkdirat
	jq -e -s 'map(select(.kind == "learn" and (.message | startswith("learning command sh")))) | length == 1' \
		"$WORK/ev.json.1" >/dev/null
	jq -e -s 'map(select(.kind == "exec" and .exec.path == "/usr/bin/mkdir" and .action == "learned"
		and .process.comm == "mkdir" and .process.ppid > 0 and .container.name == "host")) | length == 1' \
		"$WORK/ev.json" >/dev/null
	jq -e -s 'map(select(.kind == "learn" and (.message | startswith("profile written to")))) | length == 1' \
		"$WORK/ev.json" >/dev/null
	# every syscall event is a first sight: no name twice
	[ -z "$(cat "$WORK/ev.json.1" "$WORK/ev.json" | jq -r 'select(.kind == "syscall") | .syscall.name' | sort | uniq -d)" ]
}
