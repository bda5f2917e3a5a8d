#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Capabilities on a kernel without the capability:cap_capable tracepoint (added
# in 6.14): eunomia falls back to fexit, and --cap-hook kprobe works too.
. /tests/lib.sh

owner_is() { [ "$(stat -c %u "$2")" = "$1" ]; }

touch /tmp/chown-me

learn cap-default -- chown 1000 /tmp/chown-me
if learned default-learn-succeeds; then
	expect default-is-fexit "the start-up line does not name fexit/cap_capable" \
		stderr_says 'capabilities via fexit/cap_capable'
	expect default-cap-chown-used "CAP_CHOWN not under capabilities.used" uses_cap CAP_CHOWN
	expect default-chown-ran "the file is not owned by 1000" owner_is 1000 /tmp/chown-me
fi

chown 0 /tmp/chown-me
if [ ! -r /sys/bus/event_source/devices/kprobe/type ]; then
	skip kprobe "this kernel has no kprobe PMU (/sys/bus/event_source/devices/kprobe)"
	finish
fi
learn cap-kprobe --cap-hook kprobe -- chown 1000 /tmp/chown-me
if learned kprobe-learn-succeeds; then
	expect kprobe-named "the start-up line does not name kprobe/cap_capable" \
		stderr_says 'capabilities via kprobe/cap_capable'
	expect kprobe-cap-chown-used "CAP_CHOWN not under capabilities.used" uses_cap CAP_CHOWN
fi
finish
