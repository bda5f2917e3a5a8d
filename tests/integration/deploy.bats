#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# deploy/: the Kubernetes manifests are well-formed objects, the DaemonSet runs
# a real `eunomia monitor` on the host paths the code uses, and what
# `eunomia export --format k8s` writes is a SeccompProfile the Security
# Profiles Operator's CRD takes, named as the example pod names it. No cluster:
# the rules are in k8s_check.py; kubectl only renders and decodes, offline.

load helpers

ROOT=$BATS_TEST_DIRNAME/../..
DEPLOY=$ROOT/deploy
# Debian's python3 with python3-yaml (make deps), not whatever python3 is first in PATH
PYTHON=${PYTHON:-/usr/bin/python3}
CHECK=$BATS_TEST_DIRNAME/k8s_check.py

setup() {
	[ -x "$PYTHON" ] && "$PYTHON" -c 'import yaml' 2>/dev/null ||
		skip "needs $PYTHON with the yaml module (package python3-yaml)"
	WORK=$(mktemp -d /tmp/eunomia-deploy.XXXXXX)
}

teardown() {
	rm -rf "$WORK"
}

check() {
	"$PYTHON" "$CHECK" "$@"
}

# The object manifests: every YAML file under deploy/ but the kustomization.
manifests() {
	find "$DEPLOY" -name '*.yaml' ! -name kustomization.yaml | sort
}

# define NAME "VALUE" from a C header
c_string() {
	sed -n "s/^#define $1 \"\\(.*\\)\".*/\\1/p" "$2"
}

@test "every manifest under deploy/ is an object: apiVersion, kind, a valid name and namespace" {
	local files
	mapfile -t files < <(manifests)
	[ "${#files[@]}" -ge 5 ]
	check objects "${files[@]}"
}

@test "deploy/kustomization.yaml lists every manifest, and kubectl kustomize renders them offline" {
	require_cmd kubectl
	check kustomization "$DEPLOY"
	kubectl kustomize "$DEPLOY" >"$WORK/all.yaml"
	# the same objects as the files say, no more, no fewer
	"$PYTHON" - "$WORK/all.yaml" "$DEPLOY"/*.yaml <<'EOF'
import sys, yaml
def ids(paths):
    out = []
    for p in paths:
        for d in yaml.safe_load_all(open(p)):
            if d and d.get("kind") != "Kustomization":
                out.append((d["kind"], d["metadata"]["name"]))
    return sorted(out)
rendered, files = ids(sys.argv[1:2]), ids(sys.argv[2:])
sys.exit(0 if rendered == files and rendered else f"rendered {rendered}, files {files}")
EOF
}

@test "kubectl's own types keep every field of the DaemonSet, the Service and the example pod" {
	require_cmd kubectl
	# decoded into Kubernetes' Go types and written back, offline: a misspelt
	# or misplaced field disappears, a wrong type fails
	kubectl set env --local -o json -f "$DEPLOY/daemonset.yaml" EUNOMIA_CHECK=1 >"$WORK/ds.json"
	check roundtrip "$DEPLOY/daemonset.yaml" "$WORK/ds.json"
	kubectl set env --local -o json -f "$DEPLOY/examples/pod.yaml" EUNOMIA_CHECK=1 >"$WORK/pod.json"
	check roundtrip "$DEPLOY/examples/pod.yaml" "$WORK/pod.json"
	kubectl set selector --local -o json -f "$DEPLOY/service.yaml" \
		app.kubernetes.io/name=eunomia,app.kubernetes.io/component=monitor >"$WORK/svc.json"
	check roundtrip "$DEPLOY/service.yaml" "$WORK/svc.json"
	# and the round trip does notice what it should
	sed 's/mountPropagation: HostToContainer/mountPropogation: HostToContainer/' \
		"$DEPLOY/daemonset.yaml" >"$WORK/typo.yaml"
	kubectl set env --local -o json -f "$WORK/typo.yaml" EUNOMIA_CHECK=1 >"$WORK/typo.json"
	run check roundtrip "$WORK/typo.yaml" "$WORK/typo.json"
	[ "$status" -eq 1 ]
	[[ "$output" == *"mountPropogation: dropped, not a field of the Kubernetes type"* ]]
}

@test "the DaemonSet runs eunomia monitor with options --help takes, on the host paths the code uses" {
	local pin_dir bpffs lock slots rss
	pin_dir=$(c_string MON_PIN_DIR "$ROOT/bpf/monitor.h")
	lock=$(c_string MON_DAEMON_LOCK "$ROOT/lib/monitor_maps.h")
	slots=$(c_string MON_SLOTS_LOCK "$ROOT/lib/monitor_maps.h")
	bpffs=$(sed -n 's/.*statfs("\([^"]*\)".*BPF_FS_MAGIC.*/\1/p' "$ROOT/lib/bpf_probe.c")
	rss=$(sed -n 's/.*\[ "\$rss" -lt \([0-9]*\) \].*/\1/p' "$BATS_TEST_DIRNAME/monitor.bats")
	[ "$pin_dir" = /sys/fs/bpf/eunomia/monitor ] && [ "$bpffs" = /sys/fs/bpf ]
	[ "$(dirname "$lock")" = "$(dirname "$slots")" ] && [ -n "$rss" ]
	"$EUNOMIA" monitor --help >"$WORK/help"
	check daemonset "$DEPLOY/daemonset.yaml" "$WORK/help" "$bpffs" "$pin_dir" \
		"$(dirname "$lock")" "$rss"
}

@test "the DaemonSet check refuses a wrong port, an unknown option and a host path the code never uses" {
	local args=("$WORK/help" /sys/fs/bpf /sys/fs/bpf/eunomia/monitor /run/eunomia 16384)
	"$EUNOMIA" monitor --help >"$WORK/help"
	sed 's/prometheus.io\/port: "9464"/prometheus.io\/port: "9100"/' "$DEPLOY/daemonset.yaml" >"$WORK/a.yaml"
	run check daemonset "$WORK/a.yaml" "${args[@]}"
	[ "$status" -eq 1 ] && [[ "$output" == *"prometheus.io/port 9100 is not --metrics' 9464"* ]]
	sed 's/- --events$/- --event-file/' "$DEPLOY/daemonset.yaml" >"$WORK/b.yaml"
	run check daemonset "$WORK/b.yaml" "${args[@]}"
	[ "$status" -eq 1 ] && [[ "$output" == *"'--event-file' is not an option of eunomia monitor --help"* ]]
	{ cat "$DEPLOY/daemonset.yaml"; printf '        - name: proc\n          hostPath:\n            path: /proc\n'; } >"$WORK/c.yaml"
	run check daemonset "$WORK/c.yaml" "${args[@]}"
	[ "$status" -eq 1 ] && [[ "$output" == *"host path /proc: the monitor does not use it"* ]]
}

@test "the metrics Service is headless, selects the monitors and targets their metrics port" {
	check service "$DEPLOY/service.yaml" "$DEPLOY/daemonset.yaml"
}

@test "export --format k8s of a learned profile is a SeccompProfile the operator's CRD takes" {
	require_root
	"$EUNOMIA" learn -q -o "$WORK/true.yaml" -- /bin/true
	"$EUNOMIA" export --format k8s --name web -o "$WORK/web.json" "$WORK/true.yaml"
	check seccompprofile "$WORK/web.json"
	[ "$(jq -r '.apiVersion + " " + .kind + " " + .metadata.name' "$WORK/web.json")" = \
		"security-profiles-operator.x-k8s.io/v1 SeccompProfile web" ]
	jq -e '.spec.syscalls[0].names | index("execve")' "$WORK/web.json"
	# the filter for learning, too
	"$EUNOMIA" export --format k8s --learning -o "$WORK/learning.json"
	check seccompprofile "$WORK/learning.json"
}

@test "export --format k8s of podman's profile (rules, errnos, errno 38 by default) is one the CRD takes" {
	[ -r /usr/share/containers/seccomp.json ] ||
		skip "no /usr/share/containers/seccomp.json (package golang-github-containers-common)"
	"$EUNOMIA" import -q -o "$WORK/podman.yaml" /usr/share/containers/seccomp.json
	run "$EUNOMIA" export --format k8s --name podman-default -o "$WORK/podman.json" "$WORK/podman.yaml"
	[ "$status" -eq 0 ]
	# the CRD has no defaultErrnoRet: said, not hidden
	[[ "$output" == *"a SeccompProfile has no default errno: what $WORK/podman.yaml does not allow fails with EPERM, not errno 38"* ]]
	check seccompprofile "$WORK/podman.json"
	jq -e '[.spec.syscalls[] | select(.args | length > 0)] | length > 3' "$WORK/podman.json"
	jq -e '.spec | has("defaultErrnoRet") | not' "$WORK/podman.json"
	# and the checker does refuse what the CRD refuses
	jq '.spec.defaultErrnoRet = 38 | .metadata.namespace = "default"' "$WORK/podman.json" >"$WORK/bad.json"
	run check seccompprofile "$WORK/bad.json"
	[ "$status" -eq 1 ]
	[[ "$output" == *"spec.defaultErrnoRet: not a field of the CRD"* ]]
	[[ "$output" == *"metadata.namespace: a SeccompProfile is cluster-scoped"* ]]
}

@test "every shipped policy exports to a SeccompProfile the CRD takes" {
	local files f name
	mapfile -t files < <(find "$ROOT/policies" -maxdepth 1 -name '*.yaml' | sort)
	[ "${#files[@]}" -ge 1 ]
	for f in "${files[@]}"; do
		name=$(basename "$f" .yaml)
		"$EUNOMIA" export --format k8s --name "$name" -o "$WORK/$name.json" "$f"
		check seccompprofile "$WORK/$name.json"
		[ "$(jq -r .metadata.name "$WORK/$name.json")" = "$name" ]
	done
}

@test "the example pod names the exported SeccompProfile where the operator installs it" {
	require_root
	# the command deploy/README.md and README.md give (with their own profile paths)
	grep -q 'eunomia export --format k8s --name web -o web-seccomp.json [^ ]*web.yaml' "$DEPLOY/README.md"
	grep -q 'eunomia export --format k8s --name web -o web-seccomp.json [^ ]*web.yaml' "$ROOT/README.md"
	"$EUNOMIA" learn -q -o "$WORK/web.yaml" -- /bin/true
	(cd "$WORK" && "$EUNOMIA" export --format k8s --name web -o web-seccomp.json web.yaml)
	check pod-uses "$DEPLOY/examples/pod.yaml" "$WORK/web-seccomp.json"
	# another name is another file on the node
	"$EUNOMIA" export --format k8s --name web-v2 -o "$WORK/v2.json" "$WORK/web.yaml"
	run check pod-uses "$DEPLOY/examples/pod.yaml" "$WORK/v2.json"
	[ "$status" -eq 1 ] && [[ "$output" == *"is not Localhost operator/web-v2.json"* ]]
}

@test "export --format k8s refuses a name Kubernetes would refuse, and makes one of a container's name" {
	require_root
	"$EUNOMIA" learn -q -o "$WORK/true.yaml" -- /bin/true
	run "$EUNOMIA" export --format k8s --name Web_1 "$WORK/true.yaml"
	[ "$status" -eq 2 ]
	[[ "$output" == *"'Web_1' cannot name a SeccompProfile"* ]]
	# a profile learned from the container "My_Web" (podman allows the name; Kubernetes not)
	awk '{ print } /^metadata:/ { print "  container:\n    id: abc\n    name: My_Web\n    runtime: podman" }' \
		"$WORK/true.yaml" >"$WORK/named.yaml"
	"$EUNOMIA" export --format k8s -o "$WORK/named.json" "$WORK/named.yaml"
	[ "$(jq -r .metadata.name "$WORK/named.json")" = my-web ]
	check seccompprofile "$WORK/named.json"
}
