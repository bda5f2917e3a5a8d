# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# A dockerd of a test file's own, and its client: started by setup_file, stopped by
# teardown_file. Its data and exec roots are in a directory of their own; no iptables,
# no bridge, no masquerading (the host's networking is not touched); the vfs storage
# driver. eunomia-runtime ($SHIM) is its runtime "eunomia", with the hook.conf
# $BATS_FILE_TMPDIR/hook.conf. The busybox image (sysprobe and storm in /bin) is
# eunomia-busybox:test.

DOCKER_CLI=/usr/bin/docker # Debian's: another client may come first in PATH

require_docker() {
	require_runc
	command -v dockerd >/dev/null && [ -x "$DOCKER_CLI" ] ||
		skip "needs dockerd and $DOCKER_CLI (install package docker.io)"
}

# docker ARGS...: the client of this file's dockerd.
docker() {
	"$DOCKER_CLI" -H "unix://$DK/docker.sock" "$@"
}

dockerd_start() {
	# short: containerd's sockets live under the exec root (108 bytes at most)
	DK=$(mktemp -d /tmp/eu-dk.XXXXXX)
	export DK
	hook_conf "$BATS_FILE_TMPDIR"
	jq -n --arg shim "$SHIM" --arg conf "$BATS_FILE_TMPDIR/hook.conf" \
		'{runtimes: {eunomia: {path: $shim, runtimeArgs: ["--config", $conf]}}}' >"$DK/daemon.json"
	dockerd --config-file "$DK/daemon.json" --data-root "$DK/data" --exec-root "$DK/exec" \
		-H "unix://$DK/docker.sock" --pidfile "$DK/docker.pid" --iptables=false \
		--ip-masq=false --bridge=none --storage-driver=vfs >"$DK/dockerd.log" 2>&1 &
	export DOCKERD=$!
	local i
	for ((i = 0; i < 600; i++)); do
		docker version >/dev/null 2>&1 && break
		kill -0 "$DOCKERD" 2>/dev/null || { cat "$DK/dockerd.log" >&2; return 1; }
		sleep 0.05
	done
	docker version >/dev/null
	local img
	img=$(mktemp -d /tmp/eu-dk-img.XXXXXX)
	make_rootfs "$img"
	cp "$SYSPROBE" "$img/bin/sysprobe"
	cp "$STORM" "$img/bin/storm"
	tar -C "$img" -c . | docker import - eunomia-busybox:test >/dev/null
	rm -rf "$img"
}

dockerd_stop() {
	[ -n "${DK:-}" ] || return 0
	local ids
	ids=$(docker ps -aq 2>/dev/null) || true
	[ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
	kill "$DOCKERD" 2>/dev/null || true
	wait_gone "$DOCKERD" 30 || kill -9 "$DOCKERD" 2>/dev/null || true
	# what a killed dockerd left mounted under its roots
	grep -o " $DK/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$DK"
}
