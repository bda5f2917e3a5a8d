#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the eunomia test VM: mount what eunomia needs, run every
# /tests/*.test.sh, print EUNOMIA-VM verdict lines on the console, power off.

/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t devtmpfs devtmpfs /dev
# The initramfs has no /dev/console of its own: take the console from devtmpfs.
exec </dev/console >/dev/console 2>&1
export PATH=/bin:/usr/bin:/sbin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
mount -t securityfs securityfs /sys/kernel/security
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing

echo "EUNOMIA-VM: BOOT $(uname -r) lsm=$(cat /sys/kernel/security/lsm)"
: > /tmp/verdicts
for t in /tests/*.test.sh; do
	name=${t##*/}
	name=${name%.test.sh}
	before=$(wc -l < /tmp/verdicts)
	# One stuck test must not eat the host's whole timeout.
	TEST=$name timeout 150 sh "$t" </dev/null
	rc=$?
	new=$(sed -n "$((before + 1)),\$p" /tmp/verdicts)
	if [ -z "$new" ]; then
		echo "EUNOMIA-VM: FAIL $name: exited $rc without a verdict"
	elif [ "$rc" != 0 ] && ! echo "$new" | grep -q '^FAIL'; then
		echo "EUNOMIA-VM: FAIL $name: exited $rc after passing every check it reached"
	fi
done
echo "EUNOMIA-VM: DONE"
poweroff -f
