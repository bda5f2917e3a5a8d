#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# Every mechanism the monitor and learn load has a fallback, or is optional, and each
# fallback does the job of what it stands in for: the same workload, held and learned
# with each mechanism refused on purpose (EUNOMIA_REFUSE), reports the same violations,
# counts and metrics, and learns the same profile. What cannot be done without stops
# the command with one line; pins of one set of programs are picked up by another.
# (make test also runs the monitor's and learn's suites with each fallback forced.)

load helpers

# Each fallback this kernel lets us force: EUNOMIA_REFUSE for it.
LEGS=(
	"iter/bpf_map_elem"                                     # the flush: a sweep from user space
	"tp_btf/sys_enter,tp_btf/sys_exit,tp_btf/signal_generate" # raw_tp
	"iter/task"                                             # seeding: /proc and pidfds
	"tp_btf/cap_capable"                                    # capabilities: off here
)

setup() {
	[ -z "${EUNOMIA_REFUSE:-}" ] || skip "this suite sets EUNOMIA_REFUSE itself"
	monitor_setup fallbacks
}

teardown() {
	monitor_teardown
}

# A busybox bundle with storm and sysprobe: its script waits for /shared/go, then does WORK.
bundle() {
	make_bundle "$1" "echo hello >/tmp/f; echo up >/shared/up; while [ ! -e /shared/go ]; do sleep 0.05; done; $2; echo after >/shared/after; sleep 0.3" CAP_CHOWN
	cp "$STORM" "$1/rootfs/bin/storm"
	cp "$SYSPROBE" "$1/rootfs/bin/sysprobe"
}

# The profile of the benign part and one storm call, learned from the container's first
# instruction, then getppid taken out.
learn_profile() {
	hook_conf "$WORK"
	bundle "$WORK/learn" '/bin/storm 1 1 1'
	add_hook "$WORK/learn" "io.eunomia.learn=$WORK/profiles/full.yaml"
	learning_filter "$WORK/learn"
	CONTAINERS+=(fallbacks-learn-$$)
	go_when_up "$WORK/learn/shared"
	runc run --bundle "$WORK/learn" "fallbacks-learn-$$" </dev/null >/dev/null
	# busybox's shell asks for its parent as it starts: the storms' getppid are outside
	grep -v '^      getppid: ' "$WORK/profiles/full.yaml" >"$WORK/profiles/p.yaml"
	assert_no_syscall "$WORK/profiles/p.yaml" x86_64 getppid mkdir chown
}

# workload NAME [EUNOMIA_REFUSE]: under a monitor started with that refusal, two
# containers: U held with --attach (found as a running container: the task iterator,
# or /proc) makes syscalls, a capability check and executions outside the profile, and
# 5000 getppid calls in a burst (the rate limit holds them back; the flush counts
# them); E enforces the profile and is held through the hook, and seccomp refuses its
# 3000 getppid calls. Writes NAME.sum: each (container, kind, name, action) with the
# sum of its events' counts, then the violation and denial metrics.
workload() {
	local name=$1 refuse=${2:-} dir=$WORK/$1
	mkdir -p "$dir"
	EUNOMIA_REFUSE=$refuse daemon "$dir/ev.json" --metrics "127.0.0.1:$METRICS_PORT"
	local daemon=$DAEMON
	bundle "$dir/u" 'mkdir /tmp/x; chown 1:1 /tmp/f; /bin/storm 1 1 5000; /bin/sysprobe getppid'
	CONTAINERS+=("fallbacks-u-$name-$$" "fallbacks-e-$name-$$")
	run_detached "fallbacks-u-$name-$$" "$dir/u"
	EUNOMIA_REFUSE=$refuse "$EUNOMIA" monitor --attach "fallbacks-u-$name-$$" \
		--profile "$WORK/profiles/p.yaml"
	bundle "$dir/e" '/bin/storm 1 1 3000'
	"$EUNOMIA" enforce -q --profile "$WORK/profiles/p.yaml" --oci-bundle "$dir/e"
	add_hook "$dir/e" "io.eunomia.profile=$WORK/profiles/p.yaml"
	run_detached "fallbacks-e-$name-$$" "$dir/e"
	touch "$dir/u/shared/go" "$dir/e/shared/go"
	wait_for after "$dir/u/shared/after"
	wait_for after "$dir/e/shared/after"
	sleep 3.5 # the flush (or the sweep, a tick later) writes what the rate limit held back
	curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" >"$dir/metrics.txt"
	kill "$daemon"
	wait_gone "$daemon" 10
	runc delete -f "fallbacks-u-$name-$$" >/dev/null 2>&1 || true
	runc delete -f "fallbacks-e-$name-$$" >/dev/null 2>&1 || true
	"$EUNOMIA" monitor --reset -q
	{
		jq -r --arg n "$name" 'select(.level == "alert") |
			[(.container.id | sub("-" + $n + "-[0-9]+$"; "")), .kind,
			 (.syscall.name // .capability.name // .exec.path), .action, .count] | @tsv' \
			"$dir/ev.json" |
			awk -F'\t' '{ n[$1 "\t" $2 "\t" $3 "\t" $4] += $5 } END { for (k in n) print k "\t" n[k] }' |
			sort
		grep -E '^eunomia_(violations|denials)_total\{' "$dir/metrics.txt" |
			sed -E "s/-$name-[0-9]+//" | sort
	} >"$WORK/$name.sum"
	echo "== $name (${refuse:-nothing refused})"
	cat "$WORK/$name.sum"
}

@test "with each mechanism refused on purpose, the monitor reports the same violations, counts and metrics" {
	learn_profile
	workload best
	# what the workload must show, whatever the mechanisms
	grep -qx $'fallbacks-u\tsyscall\tgetppid\talerted\t5001' "$WORK/best.sum"
	grep -qx $'fallbacks-u\tsyscall\tmkdir\talerted\t1' "$WORK/best.sum"
	grep -qx $'fallbacks-u\texec\t/bin/sysprobe\talerted\t1' "$WORK/best.sum"
	# storm's 3000, and the shell's own as it starts (the filter is there from the start)
	grep -qx $'fallbacks-e\tsyscall\tgetppid\tdenied\t3001' "$WORK/best.sum"
	grep -q $'^fallbacks-u\tcapability\tCAP_CHOWN\talerted\t' "$WORK/best.sum"
	grep -qx 'eunomia_denials_total{container="fallbacks-e",syscall="getppid",action="denied"} 3001' "$WORK/best.sum"
	local i refuse
	for i in "${!LEGS[@]}"; do
		refuse=${LEGS[$i]}
		workload "leg$i" "$refuse"
		grep -q 'refused on purpose (EUNOMIA_REFUSE)' "$WORK/leg$i/ev.json"
		if [ "$refuse" = tp_btf/cap_capable ]; then
			# nothing else traces capability checks on this kernel: the one thing lost
			grep -q 'capabilities off (no BPF-LSM; tp_btf/cap_capable: refused on purpose' \
				"$WORK/leg$i/ev.json"
			diff <(grep -v -e $'\tcapability\t' -e 'kind="capability"' "$WORK/best.sum") "$WORK/leg$i.sum"
		else
			diff "$WORK/best.sum" "$WORK/leg$i.sum"
		fi
	done
}

@test "learn: each fallback learns the same profile of the same command and running process" {
	local i refuse
	"$EUNOMIA" learn -q -o "$WORK/best.yaml" -- "$BUSYBOX" sh -c 'mkdir /tmp/fb-$$-a; rmdir /tmp/fb-$$-a; sync'
	for i in "${!LEGS[@]}"; do
		refuse=${LEGS[$i]}
		run env EUNOMIA_REFUSE="$refuse" "$EUNOMIA" learn -o "$WORK/leg$i.yaml" -- \
			"$BUSYBOX" sh -c 'mkdir /tmp/fb-$$-a; rmdir /tmp/fb-$$-a; sync'
		echo "$output"
		[ "$status" -eq 0 ]
		# learn uses no map iterator: the first leg refuses nothing of its own
		[ "$i" = 0 ] || [[ "$output" == *"refused on purpose (EUNOMIA_REFUSE)"* ]]
		diff <(profile_syscalls "$WORK/best.yaml" x86_64) <(profile_syscalls "$WORK/leg$i.yaml" x86_64)
		if [ "$refuse" = tp_btf/cap_capable ]; then
			grep -q '^  learned: false$' "$WORK/leg$i.yaml"
		else
			! grep -q '^  learned: false$' "$WORK/leg$i.yaml" || false
		fi
	done
	# a running process and the children it makes: found in /proc, counted from its next syscall
	"$BUSYBOX" sh -c 'while [ ! -e '"$WORK"'/stop ]; do sync; sleep 0.1; done' &
	local pid=$!
	run env EUNOMIA_REFUSE=iter/task "$EUNOMIA" learn -o "$WORK/pid.yaml" --duration 1.5 "pid:$pid"
	touch "$WORK/stop"
	wait "$pid"
	[ "$status" -eq 0 ]
	[[ "$output" == *"running ones found in /proc"* ]]
	assert_has_syscall "$WORK/pid.yaml" x86_64 sync
	assert_has_syscall "$WORK/pid.yaml" x86_64 nanosleep clock_nanosleep
	assert_has_syscall "$WORK/pid.yaml" x86_64 clone clone3 fork vfork
}

@test "what the monitor and learn cannot do without stops them with one line: the program, the kernel's answer, the remedy" {
	local cmd
	for cmd in "monitor -d 1" "learn -o $WORK/x.yaml -- /bin/true"; do
		# shellcheck disable=SC2086
		run env EUNOMIA_REFUSE=tp_btf/sched_process_fork "$EUNOMIA" $cmd
		[ "$status" -eq 6 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"tp_btf/sched_process_fork: refused on purpose (EUNOMIA_REFUSE): "*"cannot follow a container's processes without it; take it out of EUNOMIA_REFUSE" ]]
		# shellcheck disable=SC2086
		run env EUNOMIA_REFUSE=no-such-kind "$EUNOMIA" $cmd
		[ "$status" -eq 2 ]
		[[ "$output" == *"EUNOMIA_REFUSE: 'no-such-kind' names no mechanism"* ]]
	done
	run env EUNOMIA_REFUSE=tp_btf/sys_enter,raw_tp/sys_enter "$EUNOMIA" monitor -d 1
	[ "$status" -eq 6 ]
	[[ "$output" == *"no way to watch syscalls (tp_btf/sys_enter: refused on purpose (EUNOMIA_REFUSE); raw_tp/sys_enter: refused on purpose (EUNOMIA_REFUSE)): the monitor cannot check them"* ]]
	run env EUNOMIA_REFUSE=tp_btf/sys_enter,raw_tp/sys_enter,tracepoint "$EUNOMIA" learn -o "$WORK/x.yaml" -- /bin/true
	[ "$status" -eq 6 ]
	[[ "$output" == *"cannot trace syscalls: this kernel refused every mechanism"* ]]
	[ ! -e "$WORK/x.yaml" ]
	# nothing stays pinned behind a monitor that did not start
	[ ! -e /sys/fs/bpf/eunomia/monitor/link_mon_fork ]
}

# pinned_run FIRST SECOND N: a monitor refusing FIRST holds a container, and is killed (the
# kernel goes on holding it); a monitor refusing SECOND starts and says it keeps the first
# one's sys_enter program; the container makes 2000 getppid calls outside its profile.
# Their count across both event files (ev1, ev2 under $WORK/N) is echoed.
pinned_run() {
	local first=$1 second=$2 dir=$WORK/$3 id=fallbacks-pin-$3-$$ daemon
	mkdir -p "$dir"
	EUNOMIA_REFUSE=$first daemon "$dir/ev1.json"
	daemon=$DAEMON
	bundle "$dir/ct" '/bin/storm 1 1 2000'
	CONTAINERS+=("$id")
	run_detached "$id" "$dir/ct"
	"$EUNOMIA" monitor -q --attach "$id" --profile "$WORK/profiles/p.yaml"
	kill -9 "$daemon"
	wait_gone "$daemon"
	EUNOMIA_REFUSE=$second daemon "$dir/ev2.json"
	daemon=$DAEMON
	ls /sys/fs/bpf/eunomia/monitor >"$dir/pins"
	touch "$dir/ct/shared/go"
	wait_for after "$dir/ct/shared/after"
	sleep 3.5 # what the rate limit held back
	kill "$daemon"
	wait_gone "$daemon"
}

@test "pins of a monitor that used one set of programs are picked up by one that refuses them: nothing counted twice" {
	learn_profile
	# tp_btf first, then a monitor that refuses it: it keeps the pinned tp_btf program
	pinned_run "" tp_btf/sys_enter one
	grep -q 'syscalls via tp_btf/sys_enter (helper-free fast path) (an earlier monitor.s)' "$WORK/one/ev2.json"
	grep -qx link_mon_sys_enter_btf "$WORK/one/pins"
	! grep -q link_mon_sys_enter_raw "$WORK/one/pins" || false
	[ "$(cat "$WORK/one"/ev*.json | jq -s 'map(select(.level == "alert" and .syscall.name == "getppid") | .count) | add')" = 2000 ]
	"$EUNOMIA" monitor --reset -q
	# and the other way round
	pinned_run tp_btf/sys_enter "" two
	grep -q 'syscalls via raw_tp/sys_enter (an earlier monitor.s)' "$WORK/two/ev2.json"
	grep -qx link_mon_sys_enter_raw "$WORK/two/pins"
	! grep -q link_mon_sys_enter_btf "$WORK/two/pins" || false
	[ "$(cat "$WORK/two"/ev*.json | jq -s 'map(select(.level == "alert" and .syscall.name == "getppid") | .count) | add')" = 2000 ]
}

@test "a profile learned without capability tracing: enforce leaves capabilities as they are, and says so" {
	local cmd=("$BUSYBOX" sh -c 'grep ^CapEff: /proc/self/status')
	EUNOMIA_REFUSE=tp_btf/cap_capable "$EUNOMIA" learn -q -o "$WORK/nocaps.yaml" -- "${cmd[@]}"
	"$EUNOMIA" learn -q -o "$WORK/caps.yaml" -- "${cmd[@]}"
	grep -q '^  learned: false$' "$WORK/nocaps.yaml"
	! grep -q '^  learned: false$' "$WORK/caps.yaml" || false
	# a command: the profile that knows its capabilities (none) drops them all
	run "$EUNOMIA" enforce --profile "$WORK/caps.yaml" -- "${cmd[@]}"
	[ "$status" -eq 0 ]
	[[ "$output" == *"CapEff:	0000000000000000"* ]]
	run "$EUNOMIA" enforce --profile "$WORK/nocaps.yaml" -- "${cmd[@]}"
	[ "$status" -eq 0 ]
	[[ "$output" == *"capabilities unchanged (the profile does not know them)"* ]]
	[[ "$output" == *"CapEff:	$(awk '/^CapEff:/ { print $2 }' /proc/self/status)"* ]]
	# another user gets none, as any change of user from root gives none: nothing is raised
	run "$EUNOMIA" enforce -q --user 1000 --profile "$WORK/nocaps.yaml" -- "$BUSYBOX" sh -c \
		'grep -e ^CapEff: -e ^CapAmb: -e ^CapPrm: /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$(grep -c '	0000000000000000$' <<<"$output")" = 3 ]
	# a bundle: process.capabilities stays as runc spec wrote it
	mkdir -p "$WORK/b" && (cd "$WORK/b" && runc spec)
	cp "$WORK/b/config.json" "$WORK/before.json"
	run "$EUNOMIA" enforce --profile "$WORK/nocaps.yaml" --oci-bundle "$WORK/b"
	[ "$status" -eq 0 ]
	[[ "$output" == *"process.capabilities as they were"* ]]
	[[ "$output" == *"warning: $WORK/nocaps.yaml was learned where the kernel could not trace capability checks"* ]]
	[ "$(jq -c .process.capabilities "$WORK/b/config.json")" = "$(jq -c .process.capabilities "$WORK/before.json")" ]
	jq -e '.linux.seccomp.syscalls | length > 0' "$WORK/b/config.json" >/dev/null
}
