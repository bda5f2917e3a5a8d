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
