#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# eunomia enforce and other ABIs: a program runs under the profile it was learned
# with, i386 calls included; without the profile's i386 section, its first i386
# call kills it (SIGSYS: exit status 159), whether it is a 32-bit program or a
# 64-bit one using int $0x80.
. /tests/lib.sh

for prog in int80 i386_hello; do
	learn "enf-$prog" -- "/$prog"
	learned "$prog-learned" || continue
	full=$last_out
	enforce "$full" "/$prog"
	expect "$prog-runs-under-its-profile" "exit $last_rc under the learned profile" \
		[ "$last_rc" = 0 ]
	drop_arch i386 "$full" "/tmp/enf-$prog-64.yaml"
	expect "$prog-profile-has-no-i386" "drop_arch left an i386 section" \
		sh -c "! grep -q '^  i386:' /tmp/enf-$prog-64.yaml"
	enforce "/tmp/enf-$prog-64.yaml" "/$prog"
	expect "$prog-killed-without-i386" "exit $last_rc, not 159 (SIGSYS), without i386" \
		[ "$last_rc" = 159 ]
done
finish
