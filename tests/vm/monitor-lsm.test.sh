#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# eunomia monitor with BPF-LSM, for real: a process tree registered with a learned
# profile (pid:N; there is no runc in here). A capability and an executable outside
# the profile are alerted, and refused with EPERM under --block (a socket family too); a registered process
# that stays inside its profile makes no event; an unregistered one is never touched.
. /tests/lib.sh

# work.sh NAME ACTION
held_script /tmp/work.sh learn 'eval "$2"'
cp /bin/busybox /tmp/other-busybox
printf '#!/bin/sh\necho script-ran\n' > /tmp/ok.sh
chmod +x /tmp/ok.sh
touch /tmp/f-alert /tmp/f-block /tmp/f-host

# The profile: the script as it runs when it does nothing else (no chown, no other
# program), twice.
learn_held monitor-profile /tmp/work.sh learn
learned profile-learned || finish
profile=$last_out

# run_held NAME ACTION: run work.sh NAME ACTION registered with the monitor to its end.
run_held() { sh /tmp/work.sh "$1" "$2" & held=$!; }

owner() { stat -c %u "$1"; }

# ---- alert mode: reported, not refused ------------------------------------------------
run_held alert 'chown 1000 /tmp/f-alert; /tmp/other-busybox true; nc 127.0.0.1 9 </dev/null 2>/dev/null'
if monitor_start alert --attach pid:$held --profile "$profile"; then
	pass alert-started
	expect alert-uses-lsm "the start event does not name lsm/capable" \
		event_has "$ev" 'capabilities via lsm/capable'
	chown 1000 /tmp/f-host # no container: never touched
	finish_held alert
	expect alert-cap-reported "no CAP_CHOWN alert" event_has "$ev" '"name":"CAP_CHOWN"'
	expect alert-cap-alerted "the CAP_CHOWN event is not 'alerted'" \
		event_has "$ev" '"capability":{"name":"CAP_CHOWN","granted":true},"action":"alerted"'
	expect alert-chown-done "the chown did not happen" [ "$(owner /tmp/f-alert)" = 1000 ]
	expect alert-exec-reported "no alert for /tmp/other-busybox" \
		event_has "$ev" '"exec":{"path":"/tmp/other-busybox"},"action":"alerted"'
	expect alert-socket-reported "no alert for an AF_INET socket" \
		event_has "$ev" '"socket":{"family":"AF_INET","nr":2},"action":"alerted"'
	expect alert-host-untouched "an unregistered process's chown was reported or refused" \
		sh -c "[ $(owner /tmp/f-host) = 1000 ] && ! grep -q 'f-host' $ev"
	monitor_stop
else
	fail alert-started "the monitor did not register the process"
fi

# ---- inside the profile: nothing -------------------------------------------------------
run_held quiet true
if monitor_start quiet --attach pid:$held --profile "$profile"; then
	finish_held quiet
	if no_event_has "$ev" '"level":"alert"'; then
		pass quiet-no-alert
	else
		fail quiet-no-alert "a process inside its profile was reported"
		grep '"level":"alert"' "$ev" | sed 's/^/    | event: /'
	fi
	monitor_stop
else
	fail quiet-started "the monitor did not register the process"
fi

# ---- --block: refused with EPERM -----------------------------------------------------------
run_held block 'chown 1000 /tmp/f-block; /tmp/other-busybox true; echo "exec=$?" > /tmp/exec.block; nc 127.0.0.1 9 </dev/null 2>/tmp/nc.block; cd /tmp && ./ok.sh > /tmp/script.block'
if monitor_start block --block --attach pid:$held --profile "$profile"; then
	finish_held block
	expect block-cap-refused "chown succeeded under --block" [ "$(owner /tmp/f-block)" = 0 ]
	expect block-cap-denied "the CAP_CHOWN event is not 'denied'" \
		event_has "$ev" '"capability":{"name":"CAP_CHOWN","granted":true},"action":"denied"'
	expect block-exec-refused "/tmp/other-busybox ran under --block" \
		grep -q 'exec=126' /tmp/exec.block
	expect block-exec-denied "the exec event is not 'denied'" \
		event_has "$ev" '"exec":{"path":"/tmp/other-busybox"},"action":"denied"'
	expect block-script-by-interpreter "a script run by an allowed interpreter was refused" \
		grep -q script-ran /tmp/script.block
	expect block-script-not-reported "a script was reported instead of its interpreter" \
		no_event_has "$ev" 'ok.sh'
	expect block-socket-refused "nc's socket was not refused" grep -q 'not permitted' /tmp/nc.block
	expect block-socket-denied "the socket event is not 'denied'" \
		event_has "$ev" '"socket":{"family":"AF_INET","nr":2},"action":"denied"'
	chown 1000 /tmp/f-host2 2>/dev/null || { touch /tmp/f-host2; chown 1000 /tmp/f-host2; }
	expect block-host-untouched "an unregistered process was refused" [ "$(owner /tmp/f-host2)" = 1000 ]
	monitor_stop
else
	fail block-started "the monitor did not register the process"
fi
"$EUNOMIA" monitor --reset -q
finish
