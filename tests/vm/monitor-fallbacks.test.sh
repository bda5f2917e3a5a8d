#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# eunomia monitor's fallbacks where the kernel has the real thing (Debian's kernels take
# the BPF map iterator and BPF-LSM, which the build host refuses): the same held process
# makes the same violations under the best mechanisms, with the flush iterator refused
# (a sweep from user space writes what the rate limit held back) and with BPF-LSM
# refused (the tracepoints judge capabilities and executions); every count must be the
# same.
. /tests/lib.sh

# fb.sh NAME: wait for /tmp/go.NAME, then 3000 getppid calls, a mkdir, a chown and
# another program, all outside its profile; then say done.
cat > /tmp/fb.sh <<'SCRIPT'
while [ ! -e /tmp/go.$1 ]; do sleep 0.05; done
/storm 1 1 3000
mkdir /tmp/fb-dir.$1
chown 1000 /tmp/fb-file
/tmp/fb-busybox true
echo done > /tmp/done.$1
SCRIPT
cp /bin/busybox /tmp/fb-busybox
touch /tmp/fb-file

# The profile: the script's wait loop, some rounds of it, and one storm call, getppid
# taken out (the shell asks for its parent too, as it starts).
cat > /tmp/fb-learn.sh <<'SCRIPT'
n=0
while [ "$n" -lt 10 ]; do sleep 0.05; n=$((n + 1)); done
/storm 1 1 1
SCRIPT
learn fb-profile -- sh /tmp/fb-learn.sh
learned profile-learned || finish
grep -v '^      getppid: ' "$last_out" > /tmp/fb.yaml
profile=/tmp/fb.yaml

# run NAME [EUNOMIA_REFUSE]: the held script under a monitor refusing that; the events in
# /tmp/NAME.ev and the sums of their counts in /tmp/NAME.sum.
run()
{
	name=$1 ev=/tmp/$1.ev
	rm -f "$ev" /tmp/done.$1 /tmp/fb-dir.$1
	chown 0 /tmp/fb-file
	sh /tmp/fb.sh "$name" &
	held=$!
	EUNOMIA_REFUSE=$2 "$EUNOMIA" monitor -q -e "$ev" --attach pid:$held --profile "$profile" \
		2> /tmp/monitor.err &
	daemon=$!
	for i in $(seq 150); do
		grep -q '"kind":"container"' "$ev" 2>/dev/null && break
		sleep 0.1
	done
	touch /tmp/go.$name
	for i in $(seq 300); do [ -e /tmp/done.$name ] && break; sleep 0.1; done
	sleep 4 # past the interval, and a sweep more: what was held back is written
	monitor_stop
	"$EUNOMIA" monitor --reset -q
	# kind, name or path, action: summed counts
	sed -n 's/.*"level":"alert","kind":"\([a-z]*\)".*"\(name\|path\)":"\([^"]*\)".*"action":"\([a-z]*\)".*"count":\([0-9]*\).*/\1 \3 \4 \5/p' "$ev" |
		awk '{ n[$1 " " $2 " " $3] += $4 } END { for (k in n) print k, n[k] }' | sort > /tmp/$name.sum
	sed 's/^/    | '"$name"': /' /tmp/$name.sum
}

started_with() { grep -q -- "$2" "/tmp/$1.ev"; }
same_as_best() { cmp -s /tmp/fb-best.sum "/tmp/$1.sum"; }

run fb-best
expect best-counted "3000 getppid calls were not counted under the best mechanisms" \
	grep -qx 'syscall getppid alerted 3000' /tmp/fb-best.sum
expect best-capability "the chown's CAP_CHOWN was not reported" \
	grep -q '^capability CAP_CHOWN alerted ' /tmp/fb-best.sum

if started_with fb-best 'suppressed counts via iter/bpf_map_elem'; then
	run fb-sweep iter/bpf_map_elem
	expect sweep-used "the monitor did not sweep from user space with the iterator refused" \
		started_with fb-sweep 'suppressed counts via a sweep of the rate table from user space (iter/bpf_map_elem: refused on purpose'
	expect sweep-same "the sweep's counts differ from the flush iterator's" same_as_best fb-sweep
else
	skip sweep-same "this kernel refuses the map iterator too: nothing to compare with"
fi

if started_with fb-best 'BPF-LSM: violations can be refused'; then
	run fb-nolsm lsm
	expect nolsm-execs "executions were not judged on sched_process_exec without BPF-LSM" \
		started_with fb-nolsm 'executions via tp_btf/sched_process_exec (no BPF-LSM)'
	if started_with fb-nolsm 'capabilities via tp_btf/cap_capable'; then
		expect nolsm-same "the tracepoints' counts differ from BPF-LSM's" same_as_best fb-nolsm
	else
		# before the cap_capable tracepoint (6.14), nothing else sees capabilities
		grep -v '^capability ' /tmp/fb-best.sum > /tmp/fb-best-nocap.sum
		expect nolsm-same "the tracepoints' counts differ from BPF-LSM's" \
			cmp -s /tmp/fb-best-nocap.sum /tmp/fb-nolsm.sum
	fi
else
	skip nolsm-same "no BPF-LSM in this kernel: nothing to compare with"
fi

run fb-raw tp_btf/sys_enter,iter/task
expect raw-same "raw_tp and seeding from /proc count otherwise than tp_btf and the iterator" \
	same_as_best fb-raw
finish
