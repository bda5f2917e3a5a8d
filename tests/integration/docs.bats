#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# The documentation stays true: every option --help shows is in the man page,
# and every option the man page documents is accepted by --help's command.

load helpers

MAN=$BATS_TEST_DIRNAME/../../man

long_options_in_help() {
	"$EUNOMIA" "$1" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u
}

long_options_in_man() {
	# roff writes a dash as \- ; option lines start with .TP then .B/.BR/.BI
	sed -n 's/\\-/-/g; /^\.SH OPTIONS/,/^\.SH /p' "$1" | grep -oE -- '--[a-z][a-z-]+' | sort -u
}

@test "eunomia learn --help and eunomia-learn(8) list the same options" {
	diff <(long_options_in_help learn) <(long_options_in_man "$MAN/eunomia-learn.8")
}

@test "eunomia --help lists every command that has a man page, and each has one" {
	local cmds
	cmds=$("$EUNOMIA" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
	[ -n "$cmds" ]
	for c in $cmds; do
		[ -f "$MAN/eunomia-$c.8" ]
		grep -q "^\.B $c\$" "$MAN/eunomia.8"
	done
}

@test "the exit statuses in --help match eunomia(8)" {
	local s
	for s in 2 3 4 5 6 7 8; do
		grep -q "^\.B $s\$" "$MAN/eunomia.8"
		"$EUNOMIA" learn --help | grep -q "$s "
	done
}

@test "eunomia enforce --help and eunomia-enforce(8) list the same options" {
	diff <(long_options_in_help enforce) <(long_options_in_man "$MAN/eunomia-enforce.8")
}

@test "eunomia import and export --help list the options of their man pages" {
	diff <(long_options_in_help import) <(long_options_in_man "$MAN/eunomia-import.8")
	diff <(long_options_in_help export) <(long_options_in_man "$MAN/eunomia-export.8")
}

@test "eunomia-oci-hook --help and eunomia-oci-hook(8) list the same options" {
	local hook=${HOOK:-$BATS_TEST_DIRNAME/../../build/eunomia-oci-hook}
	diff <("$hook" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u) \
		<(long_options_in_man "$MAN/eunomia-oci-hook.8")
}

@test "eunomia-runtime --eunomia-help and eunomia-runtime(8) list the same options" {
	local shim=${SHIM:-$BATS_TEST_DIRNAME/../../build/eunomia-runtime}
	diff <("$shim" --eunomia-help | sed -n '/^Options/,/^$/p' | grep -oE -- '--[a-z][a-z-]+' | sort -u) \
		<(long_options_in_man "$MAN/eunomia-runtime.8" | grep -vx -- --help)
}

@test "eunomia monitor --help and eunomia-monitor(8) list the same options" {
	diff <(long_options_in_help monitor) <(long_options_in_man "$MAN/eunomia-monitor.8")
}

@test "eunomia denials --help and eunomia-denials(8) list the same options" {
	diff <(long_options_in_help denials) <(long_options_in_man "$MAN/eunomia-denials.8")
}

@test "every man page renders with no warning from groff" {
	require_cmd groff groff-base
	local m out
	for m in "$MAN"/*.[58]; do
		out=$(groff -man -Tutf8 -ww -z "$m" 2>&1)
		if [ -n "$out" ]; then
			echo "$m: $out" >&2
			return 1
		fi
	done
}
