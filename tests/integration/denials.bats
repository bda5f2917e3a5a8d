#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# What seccomp refuses a held container is seen (eunomia monitor: sys_exit for an errno,
# signal_generate for a kill), explained (eunomia denials) and fixable (--fix), for real:
# runc containers enforcing their learned profile (eunomia enforce --oci-bundle), held by
# the monitor through the OCI hook (io.eunomia.profile). The monitor's state is global:
# each test resets it, and the suite runs under flock /tmp/eunomia-monitor.lock.

load helpers
load seccomp

# The profile most tests share, learned once (seccomp.bash): a busybox shell that runs
# sysprobe's getppid (allowed) and acct (allowed by the profile; the kernel refuses it
# with EPERM, for the container has no CAP_SYS_PACCT).
setup_file() {
	learn_probe_profile denials
}

setup() {
	probe_setup denials
}

teardown() {
	monitor_teardown
}

@test "a syscall outside the profile, refused by the container's filter, is reported with its errno and container" {
	daemon "$WORK/ev.json"
	enforced "$WORK/a" "$P" "$(script 'getppid acct reboot')"
	enforced "$WORK/b" "$P" "$(script 'getppid acct reboot')" --errno 38
	run_ct "denials-a-$$" "$WORK/a"
	[ "$status" -eq 0 ]
	run_ct "denials-b-$$" "$WORK/b"
	[ "$status" -eq 0 ]
	# the filter answered: the profile's default, and --errno's
	[ "$(cat "$WORK/a/shared/probe.out")" = "getppid ok
acct EPERM
reboot EPERM" ]
	grep -qx 'reboot ENOSYS' "$WORK/b/shared/probe.out"
	wait_for '"id":"denials-b-' "$WORK/ev.json"
	for _ in $(seq 50); do [ "$(denials "$WORK/ev.json" | wc -l)" -ge 2 ] && break; sleep 0.1; done
	local e
	e=$(denials "$WORK/ev.json" | jq -c "select(.container.id == \"denials-a-$$\")")
	[ "$(jq -r .kind <<<"$e")" = syscall ]
	[ "$(jq -r .syscall.name <<<"$e")" = reboot ]
	[ "$(jq -r .syscall.nr <<<"$e")" = 169 ]
	[ "$(jq -r .syscall.arch <<<"$e")" = x86_64 ]
	# sysprobe's arguments for reboot: -1, -1
	[ "$(jq -r '.syscall.args[0:2] | join(",")' <<<"$e")" = "0xffffffffffffffff,0xffffffffffffffff" ]
	[ "$(jq -r .action <<<"$e")" = denied ]
	[ "$(jq -r .errno.name <<<"$e")" = EPERM ]
	[ "$(jq -r .errno.nr <<<"$e")" = 1 ]
	[ "$(jq -r .process.comm <<<"$e")" = sysprobe ]
	[ "$(jq -r .container.runtime <<<"$e")" = runc ]
	[ "$(jq -r .count <<<"$e")" = 1 ]
	e=$(denials "$WORK/ev.json" | jq -c "select(.container.id == \"denials-b-$$\")")
	[ "$(jq -r .syscall.name <<<"$e")" = reboot ]
	[ "$(jq -r .errno.name <<<"$e")" = ENOSYS ]
	# one refusal each, and nothing else: acct's EPERM was the kernel's, inside the profile
	[ "$(denials "$WORK/ev.json" | wc -l)" = 2 ]
	[ "$(jq -c 'select(.level == "alert")' "$WORK/ev.json" | wc -l)" = 2 ]
	grep -q "syscalls seccomp refused (errno) via $(hook_for sys_exit)" "$WORK/ev.json"
	grep -q "syscalls seccomp refused (kill) via $(hook_for signal_generate)" "$WORK/ev.json"
	# and eunomia denials says it, one line each
	run "$EUNOMIA" denials -e "$WORK/ev.json"
	[ "$status" -eq 0 ]
	echo "$output"
	[ "${#lines[@]}" = 3 ]
	[[ "${lines[0]}" == "CONTAINER"*"SYSCALL"*"ARCH"*"ACTION"*"RESULT"*"COUNT"*"FIRST"*"LAST" ]]
	[ "$(awk -v id="denials-a-$$" '$1 == id { print $2, $3, $4, $5, $6 }' <<<"$output")" = "reboot x86_64 denied EPERM 1" ]
	[ "$(awk -v id="denials-b-$$" '$1 == id { print $2, $5 }' <<<"$output")" = "reboot ENOSYS" ]
}

@test "a container that stays inside its profile makes no denial, though the kernel refuses it EPERM" {
	daemon "$WORK/ev.json"
	enforced "$WORK/g" "$P" "$(script 'getppid acct' 1.5)"
	run_ct "denials-good-$$" "$WORK/g"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/g/shared/probe.out")" = "getppid ok
acct EPERM" ]
	# it was held (the hook registered it)
	wait_for "\"id\":\"denials-good-$$\"" "$WORK/ev.json"
	sleep 1
	! grep '"level":"alert"' "$WORK/ev.json" || false
	run "$EUNOMIA" denials -e "$WORK/ev.json"
	[ "$status" -eq 0 ]
	[ "$output" = "eunomia denials: seccomp refused nothing in $WORK/ev.json" ]
}

@test "--deny kill-process: the syscall that killed the process is reported as killed, with SIGSYS" {
	daemon "$WORK/ev.json"
	enforced "$WORK/k" "$P" "$(script 'getppid acct reboot')" --deny kill-process
	run_ct "denials-kill-$$" "$WORK/k"
	[ "$status" -eq 0 ] # the shell goes on; sysprobe died
	[ "$(cat "$WORK/k/shared/probe.out")" = "getppid ok
acct EPERM" ]
	wait_for '"action":"killed"' "$WORK/ev.json"
	local e
	e=$(denials "$WORK/ev.json")
	[ "$(jq -s length <<<"$e")" = 1 ]
	[ "$(jq -r .container.id <<<"$e")" = "denials-kill-$$" ]
	[ "$(jq -r .syscall.name <<<"$e")" = reboot ]
	[ "$(jq -r .signal.name <<<"$e")" = SIGSYS ]
	[ "$(jq -r .signal.nr <<<"$e")" = 31 ]
	[ "$(jq -r '.errno // "none"' <<<"$e")" = none ]
	[ "$(jq -r .process.comm <<<"$e")" = sysprobe ]
	run "$EUNOMIA" denials -e "$WORK/ev.json" --container "denials-kill-$$"
	[ "$(awk 'NR == 2 { print $2, $4, $5, $6 }' <<<"$output")" = "reboot killed SIGSYS 1" ]
}

@test "a process that is not held, refused by its own filter, is never reported" {
	local hp=$WORK/host.yaml
	"$EUNOMIA" learn -q -o "$hp" -- "$SYSPROBE" getppid >/dev/null
	daemon "$WORK/ev.json"
	# a held container refused at the same time: the programs are running
	enforced "$WORK/a" "$P" "$(script 'getppid acct reboot')"
	CONTAINERS+=("denials-held-$$")
	runc run -d --bundle "$WORK/a" "denials-held-$$" </dev/null >/dev/null
	run "$EUNOMIA" enforce -q --profile "$hp" -- "$SYSPROBE" getppid reboot bpf
	[ "$output" = "getppid ok
reboot EPERM
bpf EPERM" ]
	run "$EUNOMIA" enforce -q --profile "$hp" --deny kill-process -- "$SYSPROBE" getppid reboot
	[ "$status" -eq $((128 + 31)) ]
	wait_for after "$WORK/a/shared/after"
	wait_for '"name":"reboot"' "$WORK/ev.json"
	sleep 1.5 # anything else would be in by now
	# the container's refusal only: none of the host's
	[ "$(denials "$WORK/ev.json" | jq -r '.container.id + " " + .syscall.name')" = "denials-held-$$ reboot" ]
	jq -e -s 'map(select(.level == "alert" and .container.id != "denials-held-'$$'")) | length == 0' \
		"$WORK/ev.json" >/dev/null
}

@test "a held container under no filter: its failed syscalls outside the profile are alerted, never denied" {
	bundle "$WORK/n" "trap 'echo sig >>/shared/sig' USR1; while [ ! -e /shared/go ]; do sleep 0.05; done; $(script 'getppid acct reboot')"
	CONTAINERS+=("denials-nofilter-$$")
	run_detached "denials-nofilter-$$" "$WORK/n"
	daemon "$WORK/ev.json" --attach "denials-nofilter-$$" --profile "$P"
	# signals interrupt its sleeps (EINTR); the handler's return (rt_sigreturn) restores
	# that error with no syscall number: neither is a refusal
	for _ in $(seq 5); do
		runc kill "denials-nofilter-$$" USR1
		sleep 0.1
	done
	wait_for sig "$WORK/n/shared/sig"
	touch "$WORK/n/shared/go"
	wait_for after "$WORK/n/shared/after"
	# reboot ran, and the kernel refused it EPERM (no CAP_SYS_BOOT): sys_enter saw it
	grep -qx 'reboot EPERM' "$WORK/n/shared/probe.out"
	wait_for '"name":"reboot"' "$WORK/ev.json"
	sleep 1
	[ "$(jq -r 'select(.syscall.name == "reboot") | .action' "$WORK/ev.json")" = alerted ]
	[ -z "$(denials "$WORK/ev.json")" ]
}

@test "storm: a refused syscall in a tight loop for 10 s: a few events whose counts add up to every call" {
	local sp=$WORK/profiles/storm.yaml
	# storm's own profile, learned through the hook, then getppid taken out; storm is
	# the container's process (a shell would make a getppid of its own)
	bundle "$WORK/learn" true
	jq_edit "$WORK/learn/config.json" '.process.args = ["/bin/storm", "-t", "1", "1", "2"]'
	add_hook "$WORK/learn" "io.eunomia.learn=$WORK/profiles/full.yaml"
	learning_filter "$WORK/learn"
	run_ct "denials-storm-l-$$" "$WORK/learn"
	[ "$status" -eq 0 ]
	assert_has_syscall "$WORK/profiles/full.yaml" x86_64 getppid
	grep -v '^      getppid: ' "$WORK/profiles/full.yaml" >"$sp"
	assert_no_syscall "$sp" x86_64 getppid

	daemon "$WORK/ev.json" --metrics "127.0.0.1:$METRICS_PORT"
	enforced "$WORK/s" "$sp" true
	jq_edit "$WORK/s/config.json" '.process.args = ["/bin/storm", "-t", "10", "1", "2"]'
	CONTAINERS+=("denials-storm-$$")
	run_detached "denials-storm-$$" "$WORK/s"
	# the host through the storm: 20 short commands, each timed
	local slowest=0 t0 t1 ms
	sleep 1
	for _ in $(seq 20); do
		t0=$(date +%s%N)
		/bin/true
		t1=$(date +%s%N)
		ms=$(((t1 - t0) / 1000000))
		((ms > slowest)) && slowest=$ms
		sleep 0.3
	done
	wait_for '^calls ' "$WORK/s/container.log" 30
	sleep 2.5 # the flush writes what the last interval suppressed
	local calls total events
	storm_counts "$WORK/ev.json" "$WORK/s/container.log"
	echo "storm: $calls refused getppid calls in 10 s; $total counted in $events events;" \
		"the host's slowest command took $slowest ms"
	[ "$calls" -gt 100000 ]
	assert_storm_counted "$WORK/ev.json"
	[ "$(denials "$WORK/ev.json" | jq -s 'map(select(.errno.name != "EPERM")) | length')" = 0 ]
	# no event was lost to a full ring buffer
	! grep -q '"level":"warning"' "$WORK/ev.json" || false
	[ "$slowest" -lt 1000 ]
	# the metrics say the same
	curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" >"$WORK/metrics.txt"
	grep -qx "eunomia_denials_total{container=\"denials-storm-$$\",syscall=\"getppid\",action=\"denied\"} $calls" "$WORK/metrics.txt"
	grep -qx 'eunomia_events_dropped_total 0' "$WORK/metrics.txt"
	run "$EUNOMIA" denials -e "$WORK/ev.json"
	[ "$(awk 'NR == 2 { print $2, $6 }' <<<"$output")" = "getppid $calls" ]
}

@test "--fix: enforce, see the denial, fold it into the profile, enforce again: the workload runs" {
	local fp=$WORK/profiles/fix.yaml
	# the workload makes a directory, but only for real: learning never saw mkdir (it saw
	# the shell start a program and wait for it, as it does mkdir)
	local work='echo hello >/tmp/f; /bin/sysprobe getppid >/dev/null; if [ -e /shared/real ]; then mkdir /tmp/d || exit 3; fi; echo done >/shared/done; sleep 1.5'
	bundle "$WORK/learn" "$work"
	add_hook "$WORK/learn" "io.eunomia.learn=$fp"
	learning_filter "$WORK/learn"
	run_ct "denials-fix-l-$$" "$WORK/learn"
	[ "$status" -eq 0 ]
	assert_no_syscall "$fp" x86_64 mkdir mkdirat

	daemon "$WORK/ev.json"
	enforced "$WORK/e" "$fp" "$work"
	touch "$WORK/e/shared/real"
	run_ct "denials-fix-1-$$" "$WORK/e"
	[ "$status" -eq 3 ] # mkdir failed: the workload did not run
	[ ! -e "$WORK/e/shared/done" ]
	wait_for '"by":"seccomp"' "$WORK/ev.json"
	run "$EUNOMIA" denials -e "$WORK/ev.json" --container "denials-fix-1-$$"
	echo "$output"
	[ "$status" -eq 0 ]
	# mkdir, and whatever else busybox's mkdir needed that learning never saw: each
	# refused, each named
	local refused n
	refused=$(awk 'NR > 1 { print $2 }' <<<"$output")
	n=$(wc -l <<<"$refused")
	grep -qx -e mkdir -e mkdirat <<<"$refused" || { cat "$WORK/ev.json"; false; }
	assert_no_syscall "$fp" x86_64 $refused

	# a dry run shows the change and leaves the profile as it was
	cp "$fp" "$WORK/before.yaml"
	run "$EUNOMIA" denials -e "$WORK/ev.json" --container "denials-fix-1-$$" --fix "$fp" --dry-run
	[ "$status" -eq 0 ]
	cmp "$fp" "$WORK/before.yaml"
	[[ "$output" == *"would allow $n syscall"*" in $fp: $(paste -sd, <<<"$refused" | sed 's/,/, /g') (--dry-run: nothing written)"* ]]
	run "$EUNOMIA" denials -e "$WORK/ev.json" --container "denials-fix-1-$$" --fix "$fp"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "--- $fp" ]
	[ "${lines[1]}" = "+++ $fp" ]
	# the refused syscalls are added, and nothing else changes
	[ "$(grep '^+ ' <<<"$output" | sort)" = "$(sed 's/^/+      /; s/$/: 0/' <<<"$refused" | sort)" ]
	! grep -q '^-' <<<"$(sed 1d <<<"$output")" || false
	# the diff is the change made: applied to the old profile it gives the new one
	sed -n '/^---/,$p' <<<"$output" | grep -v '^eunomia denials:' | patch -s -o "$WORK/patched.yaml" "$WORK/before.yaml"
	cmp "$WORK/patched.yaml" "$fp"
	assert_has_syscall "$fp" x86_64 $refused
	# a second time there is nothing to add
	run "$EUNOMIA" denials -e "$WORK/ev.json" --container "denials-fix-1-$$" --fix "$fp"
	[ "$status" -eq 0 ]
	[[ "$output" == *"already allows every syscall refused"* ]]

	"$EUNOMIA" enforce -q --profile "$fp" --oci-bundle "$WORK/e"
	run_ct "denials-fix-2-$$" "$WORK/e"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/e/shared/done")" = done ]
	wait_for "\"id\":\"denials-fix-2-$$\"" "$WORK/ev.json"
	sleep 1
	[ -z "$(denials "$WORK/ev.json" | jq -r "select(.container.id == \"denials-fix-2-$$\")")" ]
}

@test "--no-denials: no sys_exit program; an earlier monitor's are detached; the next monitor attaches them again" {
	local pins=/sys/fs/bpf/eunomia/monitor exit=mon_sys_exit_btf signal=mon_signal_btf
	refused tp_btf/sys_exit && exit=mon_sys_exit_raw
	refused tp_btf/signal_generate && signal=mon_signal_raw
	daemon "$WORK/ev1.json"
	# held without eunomia's filter: the programs are pinned, and attached while it runs
	bundle "$WORK/w" "while [ ! -e /shared/go ]; do sleep 0.05; done"
	CONTAINERS+=("denials-watched-$$")
	run_detached "denials-watched-$$" "$WORK/w"
	"$EUNOMIA" monitor -q --attach "denials-watched-$$" --profile "$P"
	ls "$pins/prog_$exit" "$pins/prog_$signal" "$pins/link_$exit" "$pins/link_$signal"
	kill -9 "$DAEMON"
	wait_gone "$DAEMON"
	daemon "$WORK/ev2.json" --no-denials
	grep -q 'syscalls seccomp refused (errno) off (--no-denials); syscalls seccomp refused (kill) off (--no-denials)' "$WORK/ev2.json"
	grep -q "an earlier monitor's denial programs detached" "$WORK/ev2.json"
	[ ! -e "$pins/link_$exit" ] && [ ! -e "$pins/prog_$exit" ]
	[ ! -e "$pins/link_$signal" ] && [ ! -e "$pins/prog_$signal" ]
	touch "$WORK/w/shared/go"
	enforced "$WORK/a" "$P" "$(script 'getppid reboot' 1.5)"
	run_ct "denials-off-$$" "$WORK/a"
	grep -qx 'reboot EPERM' "$WORK/a/shared/probe.out"
	wait_for "\"id\":\"denials-off-$$\"" "$WORK/ev2.json"
	sleep 1
	[ -z "$(denials "$WORK/ev2.json")" ]
	kill "$DAEMON"
	wait_gone "$DAEMON"
	daemon "$WORK/ev3.json"
	grep -q "syscalls seccomp refused (errno) via $(hook_for sys_exit)" "$WORK/ev3.json"
	run_ct "denials-on-$$" "$WORK/a"
	wait_for '"by":"seccomp"' "$WORK/ev3.json"
	[ "$(denials "$WORK/ev3.json" | jq -r '.container.id + " " + .syscall.name')" = "denials-on-$$ reboot" ]
	# --no-denials is the daemon's own: not for a registration with it
	run "$EUNOMIA" monitor --no-denials --attach "pid:$$" --profile "$P"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--no-denials"*"are its own"* ]]
}

@test "eunomia denials: a missing file, a bad line, a bad --since, an ambiguous --fix: one line, its status" {
	local ev=$WORK/ev.json line
	line() { # line CONTAINER SYSCALL NR
		printf '{"time":"2026-11-25T16:00:0%s.000000Z","level":"alert","kind":"syscall","container":{"id":"%s","name":"%s"},"syscall":{"name":"%s","nr":%s,"arch":"x86_64"},"action":"denied","by":"seccomp","errno":{"nr":1,"name":"EPERM"},"count":2,"suppressed":1}\n' \
			"$4" "$1" "$1" "$2" "$3"
	}
	{ line web acct 163 1; line db mkdir 83 2; line web acct 163 3; } >"$ev"
	run "$EUNOMIA" denials -e "$ev"
	[ "$status" -eq 0 ]
	[ "$(awk 'NR > 1 { print $1, $2, $6, $7, $8 }' <<<"$output")" = "db mkdir 2 2026-11-25T16:00:02Z 2026-11-25T16:00:02Z
web acct 4 2026-11-25T16:00:01Z 2026-11-25T16:00:03Z" ]
	# from standard input too
	run sh -c "\"$EUNOMIA\" denials --container web <'$ev'"
	[ "$(awk 'NR > 1 { print $1, $6 }' <<<"$output")" = "web 4" ]
	run "$EUNOMIA" denials -e "$ev" --since 2026-11-25T16:00:03Z
	[ "$(awk 'NR > 1 { print $1, $6 }' <<<"$output")" = "web 2" ]

	run "$EUNOMIA" denials -e "$WORK/missing.json"
	[ "$status" -eq 4 ]
	[ "$output" = "eunomia denials: cannot open the event file $WORK/missing.json: No such file or directory" ]
	run "$EUNOMIA" denials -e "$WORK"
	[ "$status" -eq 4 ]
	[ "$output" = "eunomia denials: cannot read $WORK: Is a directory" ]
	{ line web acct 163 1; echo '{"time": "2026-11-25T'; } >"$WORK/bad.json"
	run "$EUNOMIA" denials -e "$WORK/bad.json"
	[ "$status" -eq 3 ]
	[[ "$output" == "eunomia denials: $WORK/bad.json:2:"*"not a JSON event"* ]]
	[ "${#lines[@]}" = 1 ]
	run "$EUNOMIA" denials -e "$ev" --since yesterday
	[ "$status" -eq 2 ]
	[[ "$output" == *"--since expects an RFC 3339 time (2026-11-25T16:00:00Z) or a duration"*"not 'yesterday'" ]]
	run "$EUNOMIA" denials -e "$ev" --dry-run
	[ "$status" -eq 2 ]
	"$EUNOMIA" learn -q -o "$WORK/p.yaml" -- /bin/true
	cp "$WORK/p.yaml" "$WORK/p.before"
	run "$EUNOMIA" denials -e "$ev" --fix "$WORK/p.yaml"
	[ "$status" -eq 2 ]
	[ "$output" = "eunomia denials: --fix folds one container's denials into its profile, and 2 containers had some (db, web): choose one with --container" ]
	printf 'version: 1\narchitectures: 5\n' >"$WORK/bad.yaml"
	run "$EUNOMIA" denials -e "$ev" --container web --fix "$WORK/bad.yaml"
	[ "$status" -eq 3 ]
	[[ "$output" == "eunomia denials: $WORK/bad.yaml:2:16: "* ]]
	cmp "$WORK/p.yaml" "$WORK/p.before"
}
