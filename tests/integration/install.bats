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
	[ -x "$ROOT/opt/eu/libexec/eunomia/eunomia-runtime" ]
	[ -f "$ROOT/opt/eu/share/man/man8/eunomia-runtime.8" ]
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

# small_profile FILE: a profile of two syscalls, neither of them in the runtime allowance.
small_profile() {
	cat >"$1" <<-'YAML'
		version: 1
		architectures:
		  x86_64:
		    syscalls:
		      read: 0
		      exit_group: 0
		capabilities:
		  used: []
		executables: []
	YAML
}

# The Makefile's tests set EUNOMIA_DATADIR to the tree's policies/; these two unset it,
# to see where the binary itself looks.
@test "the build tree's eunomia adds the runtime allowance from the tree, without make install" {
	local src
	src=$(realpath "$SRC")
	case $(realpath "$EUNOMIA") in
	"$src"/*) ;;
	*) skip "$EUNOMIA is not inside the source tree $src" ;;
	esac
	small_profile "$ROOT/p.yaml"
	run env -u EUNOMIA_DATADIR "$EUNOMIA" export --format docker -o "$ROOT/p.json" "$ROOT/p.yaml"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"added the runtime allowance: "*" syscalls runc's init may make after loading the filter ($src/policies/runtimes/runc-init.yaml)"* ]]
	# every syscall of the tree's allowance is allowed, beside the profile's own
	jq -r '.syscalls[].names[]' "$ROOT/p.json" | sort -u >"$ROOT/names"
	profile_syscalls "$SRC/policies/runtimes/runc-init.yaml" x86_64 | sort -u >"$ROOT/allowance"
	[ -s "$ROOT/allowance" ]
	[ -z "$(comm -23 "$ROOT/allowance" "$ROOT/names")" ]
	grep -qx read "$ROOT/names"
	grep -qx exit_group "$ROOT/names"
}

@test "a copy of eunomia outside the source tree never reads the tree, and names the places it tried" {
	local datadir
	datadir=$(make -s -C "$SRC" --eval 'eu-datadir: ; @echo $(DATADIR)' eu-datadir)
	[ -n "$datadir" ]
	if [ -e "$datadir/runtimes/runc-init.yaml" ]; then
		skip "$datadir/runtimes/runc-init.yaml is installed, so a copy outside the tree finds it"
	fi
	mkdir "$ROOT/bin"
	cp "$EUNOMIA" "$ROOT/bin/eunomia"
	small_profile "$ROOT/p.yaml"
	run env -u EUNOMIA_DATADIR "$ROOT/bin/eunomia" export --format docker "$ROOT/p.yaml"
	echo "$output"
	[ "$status" -eq 4 ]
	[[ "$output" == *"runtime allowance (--no-runtime-allowance leaves it out)"* ]]
	# the installation only: the PREFIX the binary was built with, which need not be
	# make's default (the first test's make install may have rebuilt it for /opt/eu)
	[[ "$output" =~ "not found at "(/[^ ]+/runtimes/runc-init\.yaml)" (the installation)" ]]
	[ ! -e "${BASH_REMATCH[1]}" ]
	[[ "$output" != *"source tree"* ]]
	[[ "$output" != *"$(realpath "$SRC")/policies"* ]]
	# the profile alone still exports
	env -u EUNOMIA_DATADIR "$ROOT/bin/eunomia" export --format docker --no-runtime-allowance \
		"$ROOT/p.yaml" >/dev/null
}
