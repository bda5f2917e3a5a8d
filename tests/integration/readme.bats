#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# The README cannot rot: every ```sh block in it runs here, in order, in one shell
# with errexit, as a newcomer would paste them after `make install` (installed
# into a scratch PREFIX: the README's /usr/local is that PREFIX here). A command
# the README says fails (a trailing "# fails: ...") must fail. The set-up block is
# what .ci/run runs; the ```console blocks need a Kubernetes cluster, so their
# manifests are rendered and parsed offline instead.

load helpers

SRC=$BATS_TEST_DIRNAME/../..
README=$SRC/README.md
SETUP_MARK='<!-- readme.bats: .ci/run runs these -->'
# What the tutorial writes outside its directory, kept aside and put back.
TOUCHED=(/var/lib/eunomia/profiles/web.yaml /var/lib/eunomia/profiles/web-docker.yaml
	/var/log/eunomia.json)

# blocks LANG: the ```LANG blocks of the README, each line as is; a block after the
# set-up mark is left out unless LANG is "setup".
blocks() {
	awk -v lang="$1" -v mark="$SETUP_MARK" '
		$0 == mark { setup = 1; next }
		/^```/ && !inside {
			inside = 1
			want = (lang == "setup") ? (setup && $0 == "```sh") : (!setup && $0 == "```" lang)
			setup = 0
			next
		}
		/^```$/ && inside { inside = 0; want = 0; next }
		inside && want' "$README"
}

# script: the sh blocks as one bash script; "CMD   # fails: WHY" must fail.
script() {
	echo 'set -euo pipefail'
	echo 'trap '\''kill $(jobs -p) 2>/dev/null || true'\'' EXIT'
	blocks sh | sed -E \
		-e 's|/usr/local/|'"$ROOT"'/usr/local/|g' \
		-e 's/^(.*[^ ])[[:space:]]+# fails(:.*)?$/if \1; then echo "README: this should have failed: \1" >\&2; exit 1; fi/'
}

setup() {
	T=$(mktemp -d /tmp/eunomia-readme.XXXXXX)
	ROOT=$T/root
}

teardown() {
	local f
	runc delete -f web >/dev/null 2>&1 || true
	runc delete -f demo >/dev/null 2>&1 || true
	if command -v podman >/dev/null; then
		podman rm -f web >/dev/null 2>&1 || true
		podman rmi -f localhost/eunomia-web >/dev/null 2>&1 || true
	fi
	# the tutorial's dockerd, if the script ended before it did
	if [ -s "$T/work/dk/docker.pid" ]; then
		local d
		d=$(cat "$T/work/dk/docker.pid")
		/usr/bin/docker -H "unix://$T/work/dk/docker.sock" rm -f web >/dev/null 2>&1 || true
		kill "$d" 2>/dev/null || true
		wait_gone "$d" 30 || kill -9 "$d" 2>/dev/null || true
	fi
	# what dockerd leaves mounted under its exec root (the host's network namespace)
	grep -o " $T/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	"$EUNOMIA" monitor --reset -q 2>/dev/null || true
	for f in "${TOUCHED[@]}"; do
		rm -f "$f"
		if [ -e "$T/saved$f" ]; then mv "$T/saved$f" "$f"; fi
	done
	rm -rf "$T"
}

@test "the README's set-up commands are the ones CI runs, in its order" {
	local cmds ci
	cmds=$(blocks setup | sed 's/#.*//' | sed 's/&&/\n/g' | sed 's/^ *//; s/ *$//' | grep .)
	[ "$(wc -l <<<"$cmds")" -ge 3 ]
	ci=$(grep -E '^make( |$)' "$SRC/.ci/run")
	# each README command is a line of .ci/run, in the same order
	diff <(echo "$cmds") <(grep -Fx -f <(echo "$cmds") <<<"$ci")
}

@test "every command in the README runs on this machine, and does what the README says" {
	require_runc
	for c in podman wrk curl nginx; do require_cmd "$c"; done
	require_cmd dockerd docker.io
	if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
		echo "port 8080, the tutorial's, is in use" >&2
		return 1
	fi
	local f
	for f in "${TOUCHED[@]}"; do
		if [ -e "$f" ]; then mkdir -p "$T/saved$(dirname "$f")" && mv "$f" "$T/saved$f"; fi
	done
	"$EUNOMIA" monitor --reset -q
	# `make install` of this build into the scratch PREFIX
	make -C "$SRC" -s install PREFIX="$ROOT/usr/local" OUTPUT="$(dirname "$EUNOMIA")" >/dev/null
	[ -x "$ROOT/usr/local/sbin/eunomia" ]
	script >"$T/readme.sh"
	mkdir "$T/work"
	cd "$T/work"
	# the installed eunomia was built for another PREFIX: tell it where its data is
	run env PATH="$ROOT/usr/local/sbin:$PATH" EUNOMIA_DATADIR="$ROOT/usr/local/share/eunomia" \
		timeout 600 bash "$T/readme.sh"
	echo "$output" >"$T/readme.log"
	if [ "$status" -ne 0 ]; then
		tail -n 40 "$T/readme.log" >&2
		return 1
	fi
	# the tutorial: three runs learned, wrk served every request each time
	grep -q '^    runs: 3$' /var/lib/eunomia/profiles/web.yaml
	[ "$(grep -c 'requests in' "$T/readme.log")" -ge 5 ]
	! grep -q -e 'Socket errors' -e 'Non-2xx' "$T/readme.log" || false
	# the shell's hostname was refused by seccomp, and the monitor and denials said so
	grep -q 'sethostname: Operation not permitted' "$T/readme.log"
	grep -Eq '^web +sethostname +x86_64 +denied +EPERM' "$T/readme.log"
	jq -e -s 'map(select(.kind == "exec" and .container.id == "web" and .exec.path == "/busybox"))
		| length == 1' /var/log/eunomia.json >/dev/null
	# podman handed its container to the monitor through the installed hooks.d file
	jq -e -s 'map(select(.kind == "container" and .container.runtime == "podman"
		and (.message | startswith("held to")))) | length == 1' \
		/var/log/eunomia.json >/dev/null
	# Docker: three runs learned through eunomia-runtime, from the first instruction, by
	# Docker's name; the refused hostname reported under it
	grep -q '^    runs: 3$' /var/lib/eunomia/profiles/web-docker.yaml
	grep -q '^    runtime: docker$' /var/lib/eunomia/profiles/web-docker.yaml
	grep -q '^    image: eunomia-web$' /var/lib/eunomia/profiles/web-docker.yaml
	jq -e -s 'map(select(.level == "alert" and .by == "seccomp" and .container.runtime == "docker"
		and .container.name == "web" and .syscall.name == "sethostname")) | length == 1' \
		/var/log/eunomia.json >/dev/null
	# and the monitor held the one run with export --docker-args by its Docker name
	jq -e -s 'map(select(.kind == "container" and .container.runtime == "docker"
		and .container.name == "web" and (.message | startswith("held to")))) | length >= 2' \
		/var/log/eunomia.json >/dev/null
	# nginx itself did nothing outside its profile, under runc, podman or Docker
	jq -e -s 'map(select(.level == "alert" and .process.comm == "nginx")) | length == 0' \
		/var/log/eunomia.json >/dev/null
	# and the files the README says its commands write are there
	for f in demo.yaml true.yaml ls.yaml podman.yaml web.json web-oci.json web-seccomp.json \
		web-docker.json sleepy.yaml; do
		[ -s "$T/work/$f" ]
	done
	# --until-quiet ended the sleeping command, with what it did before in the profile
	grep -q '^eunomia learn: nothing new for [0-9.]* s: learning ends' "$T/readme.log"
	grep -q '^      getdents64: ' "$T/work/sleepy.yaml"
	grep -q '^    quiet_seconds: [2-9]\.' "$T/work/sleepy.yaml"
}

@test "the README's cluster commands name manifests that exist and render" {
	local cmds line f
	cmds=$(blocks console | sed 's/#.*//' | grep .)
	[ -n "$cmds" ]
	while read -r line; do
		case $line in
		"kubectl apply -k "*)
			f=${line#kubectl apply -k }
			kubectl kustomize "$SRC/$f" >"$T/rendered.yaml"
			grep -q '^kind: DaemonSet$' "$T/rendered.yaml"
			;;
		"kubectl apply -f "*)
			f=${line#kubectl apply -f }
			if [ -e "$SRC/$f" ]; then
				python3 -c 'import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))' "$SRC/$f"
			else
				# written by an sh block of the README
				blocks sh | grep -q -- "-o $f "
			fi
			;;
		*)
			echo "README: a console command this test does not know: $line" >&2
			return 1
			;;
		esac
	done <<<"$cmds"
}
