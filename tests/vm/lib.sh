# SPDX-License-Identifier: GPL-2.0-only
# Shared by the VM tests (sourced, busybox sh): run eunomia learn, read its
# profile by section, and print one EUNOMIA-VM verdict line per assertion.

TEST=${TEST:-$(basename "$0" .test.sh)}
VERDICTS=${VERDICTS:-/tmp/verdicts}
EUNOMIA=${EUNOMIA:-eunomia}
failed=0

verdict()
{
	echo "EUNOMIA-VM: $*"
	echo "$*" >> "$VERDICTS"
}

pass() { verdict "PASS $TEST/$1"; }
skip() { verdict "SKIP $TEST/$1: $2"; }

# What the failing run printed and wrote, once per run: enough to debug from the console log.
fail()
{
	verdict "FAIL $TEST/$1: $2"
	failed=1
	[ -n "$last_err" ] && [ "$dumped" != "$last_err" ] || return 0
	dumped=$last_err
	echo "    | eunomia $last_args (exit $last_rc)"
	sed 's/^/    | stderr: /' "$last_err"
	[ -f "$last_out" ] && sed 's/^/    | profile: /' "$last_out"
	return 0
}

# learn NAME [OPTIONS] -- CMD...: run eunomia learn -v into /tmp/NAME.yaml and /tmp/NAME.err.
learn()
{
	last_out=/tmp/$1.yaml
	last_err=/tmp/$1.err
	dumped=
	shift
	last_args="learn -v -o $last_out $*"
	rm -f "$last_out"
	"$EUNOMIA" learn -v -o "$last_out" "$@" > /tmp/learn.stdout 2> "$last_err"
	last_rc=$?
	return "$last_rc"
}

# syscalls ARCH FILE: the syscall names in architectures.ARCH.syscalls, one a line.
syscalls()
{
	awk -v want="$1" '
		/^[^ #]/ { top = $1; arch = ""; sect = ""; next }
		top != "architectures:" { next }
		/^  [^ ]/ { arch = $1; sect = ""; next }
		/^    [^ ]/ { sect = $1; next }
		arch == want ":" && sect == "syscalls:" && /^      [^ ]/ { sub(/:.*/, "", $1); print $1 }
	' "$2"
}

# caps KIND FILE: the capabilities listed under capabilities.KIND (used, denied).
caps()
{
	awk -v want="$1" '
		/^[^ #]/ { top = $1; key = ""; next }
		top != "capabilities:" { next }
		/^  [^ -]/ { key = $1; next }
		key == want ":" && /^ *- / { print $2 }
	' "$2"
}

# execs FILE: the executables list.
execs()
{
	awk '/^[^ #-]/ { top = $1; next } top == "executables:" && /^ *- / { print $2 }' "$1"
}

# arches FILE: the architecture sections present.
arches()
{
	awk '/^[^ #]/ { top = $1; next }
	     top == "architectures:" && /^  [^ ]/ { sub(/:$/, "", $1); print $1 }' "$1"
}

# in_list WORD: is WORD a whole line of stdin?
in_list() { grep -qx -- "$1"; }

# expect NAME REASON COMMAND...: PASS if COMMAND succeeds, else FAIL with REASON.
expect()
{
	name=$1 reason=$2
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$reason"; fi
}

has_arch() { arches "$last_out" | in_list "$1"; }
has_syscall() { syscalls "$1" "$last_out" | in_list "$2"; }
# syscall_list ARCH: ARCH's syscalls on one line; syscalls_are ARCH "A B": exactly these, sorted.
syscall_list() { syscalls "$1" "$last_out" | tr '\n' ' ' | sed 's/ $//'; }
syscalls_are() { [ "$(syscall_list "$1")" = "$2" ]; }
lacks_syscall() { ! has_syscall "$1" "$2"; }
ran_exec() { execs "$last_out" | in_list "$1"; }
uses_cap() { caps used "$last_out" | in_list "$1"; }
stderr_says() { grep -q -- "$1" "$last_err"; }

# learned NAME: the last learn exited 0 and wrote a profile; later checks need one.
learned()
{
	if [ "$last_rc" = 0 ] && [ -s "$last_out" ]; then
		pass "$1"
		return 0
	fi
	fail "$1" "eunomia learn exited $last_rc$([ -s "$last_out" ] || echo ', no profile')"
	return 1
}

finish() { exit "$failed"; }

# drop_arch ARCH IN OUT: profile IN without its architectures.ARCH section.
drop_arch()
{
	awk -v want="  $1:" '
		/^[^ #]/ { top = $1; skip = 0 }
		top == "architectures:" && /^  [^ ]/ { skip = ($0 == want) }
		!skip { print }' "$2" > "$3"
}

# enforce PROFILE CMD...: run eunomia enforce; its exit status into $last_rc.
enforce()
{
	last_err=/tmp/enforce.err
	last_args="enforce --profile $*"
	prof=$1
	shift
	"$EUNOMIA" enforce -q --profile "$prof" -- "$@" > /tmp/enforce.out 2> "$last_err"
	last_rc=$?
}

# held_script FILE LEARN ACTION_LINE: a script, sh FILE NAME ACTION, that waits for
# /tmp/go.NAME, does ACTION as ACTION_LINE says (eval "$2", or (eval "$2") in a subshell
# that a kill action ends), then writes its status to /tmp/done.NAME. Run as NAME LEARN,
# it says go itself after ten rounds of its loop, however slowly the learner started (a
# timer started beside it could go off before its first round).
held_script()
{
	cat > "$1" <<SCRIPT
n=0
while [ ! -e /tmp/go.\$1 ]; do
	sleep 0.05
	n=\$((n + 1))
	if [ "\$1" = $2 ] && [ "\$n" -ge 10 ]; then : > /tmp/go.$2; fi
done
ls /tmp > /dev/null
$3
echo "rc=\$?" > /tmp/done.\$1
SCRIPT
}

# learn_held NAME SCRIPT LEARN: the profile of sh SCRIPT LEARN true (the script doing
# nothing else), learned twice and merged into /tmp/NAME2.yaml, so that what its wait
# loop does only now and then (a signal handler's return) is in it. The go file is the
# test's own: the other tests run in this /tmp.
learn_held()
{
	learn "$1" -- sh "$2" "$3" true
	rm -f "/tmp/go.$3"
	learn "${1}2" --merge "/tmp/$1.yaml" -- sh "$2" "$3" true
	rm -f "/tmp/go.$3"
}

# monitor_start NAME ARGS...: start the daemon (its pid in $daemon), events into
# /tmp/NAME.ev ($ev); wait until it holds its process.
monitor_start()
{
	ev=/tmp/$1.ev
	shift
	rm -f "$ev"
	"$EUNOMIA" monitor -q -e "$ev" "$@" 2> /tmp/monitor.err &
	daemon=$!
	for i in $(seq 100); do
		grep -q '"kind":"container"' "$ev" 2>/dev/null && return 0
		sleep 0.1
	done
	sed 's/^/    | monitor: /' /tmp/monitor.err "$ev" 2>/dev/null
	return 1
}

monitor_stop() { kill "$daemon"; wait "$daemon" 2>/dev/null; }

# finish_held NAME: let the held script NAME go, and wait for its end and the flush.
finish_held()
{
	touch /tmp/go.$1
	for i in $(seq 100); do [ -e /tmp/done.$1 ] && break; sleep 0.1; done
	sleep 1.5 # past the rate-limit interval: suppressed counts are flushed
}

event_has() { grep -q -- "$2" "$1"; }
no_event_has() { ! grep -q -- "$2" "$1"; }
count_of() { grep -c -- "$2" "$1"; }

# learn_i386_getppid NAME PROG WHAT: learn PROG, whose one i386 getppid (WHAT says how it
# is made) must be under i386 and not read with the 64-bit table (semget, x86_64's 64),
# and whose execve is under x86_64. Finishes the test when nothing was learned.
learn_i386_getppid()
{
	learn "$1" -- "$2"
	learned learn-succeeds || finish
	expect i386-has-getppid "$3 is not under i386.syscalls" has_syscall i386 getppid
	expect x86_64-lacks-semget "semget under x86_64: $3 read with the 64-bit table" \
		lacks_syscall x86_64 semget
	expect x86_64-has-execve "execve not under x86_64.syscalls" has_syscall x86_64 execve
}
