#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# make install / uninstall honour PREFIX and DESTDIR, and the installed binary runs.

load helpers

setup() {
	ROOT=$(mktemp -d /tmp/eunomia-install.XXXXXX)
	SRC=$BATS_TEST_DIRNAME/../..
}

teardown() {
	rm -rf "$ROOT"
}

@test "make install puts the binary and man pages under DESTDIR/PREFIX and uninstall removes them" {
	make -C "$SRC" -s install DESTDIR="$ROOT" PREFIX=/opt/eu >/dev/null
	[ -x "$ROOT/opt/eu/sbin/eunomia" ]
	[ -f "$ROOT/opt/eu/share/man/man8/eunomia.8" ]
	[ -f "$ROOT/opt/eu/share/man/man8/eunomia-learn.8" ]
	[ -f "$ROOT/opt/eu/share/man/man5/eunomia-profile.5" ]
	[ -x "$ROOT/opt/eu/libexec/eunomia/eunomia-oci-hook" ]
	# the shipped policies and the runtime allowance, the same files as in the tree
	local f
	for f in nginx redis-server postgresql; do
		cmp "$SRC/policies/$f.yaml" "$ROOT/opt/eu/share/eunomia/policies/$f.yaml"
	done
	cmp "$SRC/policies/runtimes/runc-init.yaml" "$ROOT/opt/eu/share/eunomia/runtimes/runc-init.yaml"
	# the hooks.d file points podman at the installed hook
	[ "$(jq -r .hook.path "$ROOT/opt/eu/share/containers/oci/hooks.d/eunomia.json")" = \
		/opt/eu/libexec/eunomia/eunomia-oci-hook ]
	jq -e '.stages == ["prestart", "poststop"]' "$ROOT/opt/eu/share/containers/oci/hooks.d/eunomia.json"
	run "$ROOT/opt/eu/sbin/eunomia" --version
	[ "$status" -eq 0 ]
	[[ "$output" == "eunomia $(cat "$SRC/VERSION")" ]]
	make -C "$SRC" -s uninstall DESTDIR="$ROOT" PREFIX=/opt/eu >/dev/null
	[ -z "$(find "$ROOT" -type f)" ]
}

@test "the installed binary learns a command" {
	require_root
	make -C "$SRC" -s install DESTDIR="$ROOT" PREFIX=/usr >/dev/null
	run "$ROOT/usr/sbin/eunomia" learn -q -o "$ROOT/p.yaml" -- /bin/true
	[ "$status" -eq 0 ]
	assert_has_syscall "$ROOT/p.yaml" x86_64 execve
}
