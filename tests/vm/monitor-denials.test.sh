#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# eunomia monitor sees what seccomp refuses, in Debian's kernels: 6.1 has no
# bpf_rdonly_cast, so its sys_exit program is the one without the fast path, and
# 6.12's verifier takes signal_generate's siginfo for a number. A process enforcing
# its learned profile (eunomia enforce), registered with pid:N, makes a syscall the
# profile does not allow: reported denied with its errno, or killed with SIGSYS; a
# process refused by its own filter and not registered is never reported.
. /tests/lib.sh

# deny.sh NAME ACTION: ACTION in a subshell, which a kill action ends.
held_script /tmp/deny.sh deny-learn '(eval "$2")'

# The profile: the script doing nothing else, twice.
learn_held denials-profile /tmp/deny.sh deny-learn
learned profile-learned || finish
profile=$last_out
if syscalls x86_64 "$profile" | in_list sethostname; then
	fail profile-lacks-sethostname "the profile allows sethostname"
	finish
fi

# run_enforced NAME ACTION [ENFORCE OPTIONS...]: deny.sh under the profile's filter.
run_enforced()
{
	name=$1 action=$2
	shift 2
	"$EUNOMIA" enforce -q --profile "$profile" "$@" -- sh /tmp/deny.sh "$name" "$action" &
	held=$!
}

# ---- an errno: denied, with it ---------------------------------------------------------
run_enforced deny-errno 'hostname vm-denied'
if monitor_start deny-errno --attach pid:$held --profile "$profile"; then
	pass errno-started
	expect errno-hooks "the start event does not name sys_exit and signal_generate" \
		event_has "$ev" 'syscalls seccomp refused (errno) via tp_btf/sys_exit; syscalls seccomp refused (kill) via tp_btf/signal_generate'
	# the same call, refused by a filter of its own, from a process nobody registered
	"$EUNOMIA" enforce -q --profile "$profile" -- sh /tmp/deny.sh deny-host 'hostname vm-host' &
	touch /tmp/go.deny-host
	finish_held deny-errno
	expect errno-refused "hostname was not refused with EPERM" grep -q 'rc=1' /tmp/done.deny-errno
	expect errno-host-refused "the unregistered hostname was not refused" grep -q 'rc=1' /tmp/done.deny-host
	expect errno-reported "no denial of sethostname with EPERM" event_has "$ev" \
		'"syscall":{"name":"sethostname","nr":170,"arch":"x86_64","args":\[[^]]*\]},"action":"denied","by":"seccomp","errno":{"nr":1,"name":"EPERM"}'
	expect errno-host-unreported "the unregistered process's refusal was reported" \
		[ "$(count_of "$ev" '"by":"seccomp"')" = 1 ]
	expect errno-hostname-kept "the hostname changed" [ "$(hostname)" != vm-denied ]
	monitor_stop
else
	fail errno-started "the monitor did not register the process"
fi

# ---- a kill action: killed, with SIGSYS ---------------------------------------------------
run_enforced deny-kill 'hostname vm-killed' --deny kill-process
if monitor_start deny-kill --attach pid:$held --profile "$profile"; then
	finish_held deny-kill
	expect kill-killed "the subshell did not die of SIGSYS" grep -q 'rc=159' /tmp/done.deny-kill
	expect kill-reported "no kill of sethostname with SIGSYS" event_has "$ev" \
		'"syscall":{"name":"sethostname","nr":170,"arch":"x86_64","args":\[[^]]*\]},"action":"killed","by":"seccomp","signal":{"nr":31,"name":"SIGSYS"}'
	expect kill-once "the kill was reported more than once, or as a denial too" \
		[ "$(count_of "$ev" '"by":"seccomp"')" = 1 ]
	monitor_stop
else
	fail kill-started "the monitor did not register the process"
fi
"$EUNOMIA" monitor --reset -q
finish
