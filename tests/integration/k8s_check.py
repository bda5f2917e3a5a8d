#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Structural checks of deploy/'s manifests and of `eunomia export --format k8s`,
for tests/integration/deploy.bats. No cluster is needed: the rules are
Kubernetes' own object rules and the SeccompProfile CRD's constraints (Security
Profiles Operator 1.0, API security-profiles-operator.x-k8s.io/v1), written down
here. Each command prints what is wrong and exits 1, or prints nothing."""

import ipaddress
import json
import os
import re
import sys

import yaml

ERRORS = []


def fail(msg):
    ERRORS.append(msg)


def done():
    for e in ERRORS:
        print(e, file=sys.stderr)
    sys.exit(1 if ERRORS else 0)


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def load_one(path):
    docs = load_all(path)
    if len(docs) != 1:
        sys.exit(f"{path}: expected one object, found {len(docs)}")
    return docs[0]


# RFC 1123, as Kubernetes checks object names (a label for namespaces and services)
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def dns_subdomain(name):
    return (isinstance(name, str) and 0 < len(name) <= 253
            and all(DNS_LABEL.match(p) for p in name.split(".")))


def dns_label(name):
    return isinstance(name, str) and len(name) <= 63 and bool(DNS_LABEL.match(name))


LABEL_NAMED = {"Namespace", "Service"}
CLUSTER_SCOPED = {"Namespace", "SeccompProfile"}


def cmd_objects(paths):
    """Every document is an object: apiVersion, kind, a valid metadata.name."""
    seen = set()
    for path in paths:
        for i, d in enumerate(load_all(path)):
            where = f"{path}[{i}]"
            if not isinstance(d, dict):
                fail(f"{where}: not a mapping")
                continue
            for key in ("apiVersion", "kind"):
                if not isinstance(d.get(key), str) or not d[key]:
                    fail(f"{where}: no {key}")
            meta = d.get("metadata")
            name = meta.get("name") if isinstance(meta, dict) else None
            kind = d.get("kind")
            ok = dns_label(name) if kind in LABEL_NAMED else dns_subdomain(name)
            if not ok:
                fail(f"{where}: metadata.name {name!r} is not a valid {kind} name")
                continue
            ns = meta.get("namespace")
            if kind in CLUSTER_SCOPED and ns is not None:
                fail(f"{where}: a {kind} has no namespace")
            if kind not in CLUSTER_SCOPED and not dns_label(ns):
                fail(f"{where}: {kind} {name} names no namespace")
            key = (d.get("apiVersion"), kind, ns, name)
            if key in seen:
                fail(f"{where}: {kind} {name} twice")
            seen.add(key)
    done()


def cmd_kustomization(directory):
    """The kustomization lists every manifest of the directory, and only those."""
    k = load_one(os.path.join(directory, "kustomization.yaml"))
    files = sorted(f for f in os.listdir(directory)
                   if f.endswith(".yaml") and f != "kustomization.yaml")
    if sorted(k.get("resources", [])) != files:
        fail(f"kustomization resources {k.get('resources')} are not the manifests {files}")
    done()


def help_options(help_file):
    """--long options of a --help text, each with whether it takes an argument."""
    opts = {}
    with open(help_file, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s+(?:-\w, )?(--[a-z][a-z-]*)( [A-Z][A-Z_]*)?", line)
            if m:
                opts[m.group(1)] = bool(m.group(2))
    return opts


def parse_args(args, opts, where):
    """The monitor's options as getopt_long would take them: {option: value}."""
    got, i = {}, 0
    while i < len(args):
        a = args[i]
        name, _, inline = a.partition("=")
        if name not in opts:
            fail(f"{where}: {a!r} is not an option of eunomia monitor --help")
            i += 1
            continue
        if opts[name] and not inline:
            if i + 1 >= len(args):
                fail(f"{where}: {name} needs an argument")
                break
            inline = args[i + 1]
            i += 1
        elif not opts[name] and inline:
            fail(f"{where}: {name} takes no argument")
        got[name] = inline if opts[name] else True
        i += 1
    return got


def container_port(container, port):
    """A probe's or service's port, by number or by name, as a number."""
    for p in container.get("ports", []):
        if port in (p.get("name"), p.get("containerPort")):
            return p.get("containerPort")
    return None


def cap_names():
    """The capability names the kernel headers define (CAP_BPF -> BPF)."""
    names = set()
    with open("/usr/include/linux/capability.h", encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#define CAP_([A-Z_]+)\s+\d+\s*$", line)
            if m:
                names.add(m.group(1))
    return names


def quantity_bytes(q):
    m = re.fullmatch(r"(\d+)(Ki|Mi|Gi)?", str(q))
    if not m:
        return None
    return int(m.group(1)) * {None: 1, "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30}[m.group(2)]


def cmd_daemonset(path, help_file, bpffs, pin_dir, lock_dir, rss_kib):
    """The DaemonSet runs a real `eunomia monitor` with the host paths it uses."""
    ds = load_one(path)
    if ds.get("kind") != "DaemonSet" or ds.get("apiVersion") != "apps/v1":
        sys.exit(f"{path}: not an apps/v1 DaemonSet")
    spec = ds["spec"]
    tmpl = spec["template"]
    pod = tmpl["spec"]
    labels = tmpl["metadata"].get("labels", {})
    for k, v in spec["selector"]["matchLabels"].items():
        if labels.get(k) != v:
            fail(f"selector {k}={v} does not select the pod template")
    if spec.get("updateStrategy", {}).get("type") != "RollingUpdate":
        fail("no RollingUpdate strategy")
    if pod.get("hostPID") is not True:
        fail("hostPID: the monitor reads /proc/PID of the host's processes")
    if {"operator": "Exists"} not in pod.get("tolerations", []):
        fail("no toleration of every taint: the monitor would miss tainted nodes")

    monitors = [c for c in pod["containers"]
                if len(c.get("command", [])) >= 2
                and os.path.basename(c["command"][0]) == "eunomia"
                and c["command"][1] == "monitor"]
    if len(monitors) != 1:
        sys.exit(f"{path}: expected one container whose command is `eunomia monitor`")
    mon = monitors[0]
    args = parse_args(mon["command"][2:] + mon.get("args", []), help_options(help_file),
                      f"{path}: {mon['name']}")

    # --metrics ADDR:PORT, the container port, the scrape annotations and the probes agree
    metrics = args.get("--metrics")
    port = None
    if not metrics:
        fail("no --metrics: nothing to scrape")
    else:
        host, _, p = metrics.rpartition(":")
        port = int(p)
        if ipaddress.ip_address(host.strip("[]")).is_loopback:
            fail(f"--metrics {metrics}: loopback, unreachable from Prometheus and the kubelet")
    notes = tmpl["metadata"].get("annotations", {})
    if notes.get("prometheus.io/scrape") != "true":
        fail("no prometheus.io/scrape: \"true\" annotation")
    if notes.get("prometheus.io/path") != "/metrics":
        fail("prometheus.io/path is not /metrics, where the monitor serves")
    if str(notes.get("prometheus.io/port")) != str(port):
        fail(f"prometheus.io/port {notes.get('prometheus.io/port')} is not --metrics' {port}")
    if container_port(mon, port) != port:
        fail(f"no containerPort {port} for --metrics")
    for probe in ("livenessProbe", "readinessProbe"):
        get = mon.get(probe, {}).get("httpGet")
        if not get:
            fail(f"no {probe} on /metrics")
            continue
        if get.get("path") != "/metrics" or container_port(mon, get.get("port")) != port:
            fail(f"{probe} is not on port {port} /metrics")

    # every mount has its volume; the host paths are the ones the code uses, at the same path
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = {}
    for c in pod.get("initContainers", []) + pod["containers"]:
        for m in c.get("volumeMounts", []):
            if m["name"] not in volumes:
                fail(f"{c['name']}: volumeMount {m['name']} has no volume")
            if m.get("mountPropagation") == "Bidirectional" and \
                    not c.get("securityContext", {}).get("privileged"):
                fail(f"{c['name']}: Bidirectional propagation needs a privileged container")
    for m in mon.get("volumeMounts", []):
        host = volumes.get(m["name"], {}).get("hostPath", {}).get("path")
        if host and host != m["mountPath"]:
            fail(f"{m['name']}: host {host} is mounted at {m['mountPath']}, elsewhere")
        mounts[m["mountPath"]] = m
    events = args.get("--events")
    profiles = args.get("--profiles")
    wanted = {bpffs: "the pins " + pin_dir, lock_dir: "the locks"}
    if events:
        wanted[os.path.dirname(events)] = "--events"
    if profiles:
        wanted[profiles] = "--profiles"
    if not pin_dir.startswith(bpffs + "/"):
        fail(f"the pins {pin_dir} are not under the BPF file system {bpffs}")
    for p, why in wanted.items():
        if p not in mounts or "hostPath" not in volumes.get(mounts[p]["name"], {}):
            fail(f"{p} ({why}) is not a host path of the monitor")
    for v in volumes.values():
        hp = v.get("hostPath", {}).get("path")
        if hp and hp not in wanted:
            fail(f"host path {hp}: the monitor does not use it")
    if mounts.get(bpffs, {}).get("mountPropagation") not in ("HostToContainer", "Bidirectional"):
        fail(f"{bpffs}: without propagation from the host, a bpffs mounted later is not seen")
    if profiles and not mounts.get(profiles, {}).get("readOnly"):
        fail(f"{profiles}: the monitor only reads profiles; mount it read-only")

    # privileges: named capabilities, not a privileged container
    sc = mon.get("securityContext", {})
    caps = sc.get("capabilities", {})
    known = cap_names()
    if sc.get("privileged"):
        fail("the monitor container is privileged; it needs named capabilities only")
    if caps.get("drop") != ["ALL"]:
        fail("capabilities are not dropped (drop: [ALL]) before the needed ones are added")
    for c in caps.get("add", []):
        if c not in known:
            fail(f"capability {c} is not one the kernel defines")
    for c in ("BPF", "PERFMON", "SYS_PTRACE"):
        if c not in caps.get("add", []):
            fail(f"capability {c} is missing: the monitor cannot run without it")

    # resources: the measured footprint fits
    res = mon.get("resources", {})
    req = quantity_bytes(res.get("requests", {}).get("memory"))
    lim = quantity_bytes(res.get("limits", {}).get("memory"))
    if not req or not lim or not rss_kib * 1024 <= req <= lim:
        fail(f"memory request {req} and limit {lim} do not cover the {rss_kib} KiB RSS bound")
    if "cpu" not in res.get("requests", {}):
        fail("no CPU request")
    done()


def cmd_service(svc_path, ds_path):
    """The headless Service selects the monitors and targets their metrics port."""
    svc, ds = load_one(svc_path), load_one(ds_path)
    tmpl = ds["spec"]["template"]
    labels = tmpl["metadata"].get("labels", {})
    if svc["spec"].get("clusterIP") != "None":
        fail("the Service is not headless (clusterIP: None)")
    sel = svc["spec"].get("selector", {})
    if not sel or any(labels.get(k) != v for k, v in sel.items()):
        fail(f"selector {sel} does not select the DaemonSet's pods")
    if svc["metadata"].get("namespace") != ds["metadata"].get("namespace"):
        fail("the Service is not in the DaemonSet's namespace")
    for p in svc["spec"].get("ports", []):
        if not any(container_port(c, p.get("targetPort")) for c in tmpl["spec"]["containers"]):
            fail(f"port {p.get('name')}: targetPort {p.get('targetPort')} is no container port")
    done()


def subset(a, b, where):
    """Is every field of a (the manifest) in b (the same, through kubectl's types)?"""
    if isinstance(a, dict):
        if not isinstance(b, dict):
            fail(f"{where}: became {type(b).__name__}")
            return
        for k, v in a.items():
            if k not in b:
                fail(f"{where}.{k}: dropped, not a field of the Kubernetes type")
            else:
                subset(v, b[k], f"{where}.{k}")
    elif isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            fail(f"{where}: the list changed")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            subset(x, y, f"{where}[{i}]")
    elif a != b and str(a) != str(b):
        fail(f"{where}: {a!r} became {b!r}")


def cmd_roundtrip(manifest, roundtrip):
    """Nothing is lost or changed when kubectl decodes the manifest into its types."""
    with open(roundtrip, encoding="utf-8") as f:
        subset(load_one(manifest), json.load(f), os.path.basename(manifest))
    done()


# The SeccompProfile CRD of SPO 1.0 (api/seccompprofile/v1): its fields and enums.
SPO_API = "security-profiles-operator.x-k8s.io/v1"
ACTIONS = {"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
           "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",
           "SCMP_ACT_NOTIFY"}
DEFAULT_ACTIONS = ACTIONS - {"SCMP_ACT_NOTIFY"}  # a CEL rule refuses NOTIFY as the default
ARCHES = {"SCMP_ARCH_" + a for a in (
    "NATIVE", "X86", "X86_64", "X32", "ARM", "AARCH64", "MIPS", "MIPS64", "MIPS64N32",
    "MIPSEL", "MIPSEL64", "MIPSEL64N32", "PPC", "PPC64", "PPC64LE", "S390", "S390X",
    "PARISC", "PARISC64", "RISCV64")}
OPS = {"SCMP_CMP_" + o for o in ("NE", "LT", "LE", "EQ", "GE", "GT", "MASKED_EQ")}
FLAGS = {"SECCOMP_FILTER_FLAG_" + f for f in ("TSYNC", "LOG", "SPEC_ALLOW", "WAIT_KILLABLE_RECV")}
SPEC_FIELDS = {"state", "baseProfileName", "defaultAction", "architectures", "listenerPath",
               "listenerMetadata", "syscalls", "flags"}
SYSCALL_FIELDS = {"names", "action", "errnoRet", "args"}
ARG_FIELDS = {"index", "value", "valueTwo", "op"}
INT64_MAX = (1 << 63) - 1
NAME_MAX = 250  # 253 for Kubernetes, but the operator writes NAME.json on each node


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def unknown(obj, allowed, where):
    for k in set(obj) - allowed:
        fail(f"{where}.{k}: not a field of the CRD (strict validation refuses it)")


def check_seccompprofile(sp, where):
    unknown(sp, {"apiVersion", "kind", "metadata", "spec"}, where)
    if sp.get("apiVersion") != SPO_API or sp.get("kind") != "SeccompProfile":
        fail(f"{where}: not a {SPO_API} SeccompProfile")
    meta = sp.get("metadata", {})
    if "namespace" in meta:
        fail(f"{where}.metadata.namespace: a SeccompProfile is cluster-scoped since SPO 0.9")
    unknown(meta, {"name", "namespace", "labels", "annotations"}, f"{where}.metadata")
    if not dns_subdomain(meta.get("name")) or len(meta["name"]) > NAME_MAX:
        fail(f"{where}: metadata.name {meta.get('name')!r} is not a DNS-1123 subdomain "
             f"of at most {NAME_MAX} characters")
    spec = sp.get("spec")
    if not isinstance(spec, dict):
        fail(f"{where}: no spec")
        return
    unknown(spec, SPEC_FIELDS, f"{where}.spec")
    if spec.get("defaultAction") not in DEFAULT_ACTIONS:
        fail(f"{where}.spec.defaultAction {spec.get('defaultAction')!r} is not allowed")
    arches = spec.get("architectures", [])
    if len(set(arches)) != len(arches) or not set(arches) <= ARCHES:
        fail(f"{where}.spec.architectures {arches}: unknown or repeated")
    flags = spec.get("flags", [])
    if len(set(flags)) != len(flags) or not set(flags) <= FLAGS:
        fail(f"{where}.spec.flags {flags}: unknown or repeated")
    for i, call in enumerate(spec.get("syscalls", [])):
        w = f"{where}.spec.syscalls[{i}]"
        unknown(call, SYSCALL_FIELDS, w)
        names = call.get("names")
        if not isinstance(names, list) or not names or len(set(names)) != len(names) or \
                not all(isinstance(n, str) and n for n in names):
            fail(f"{w}.names: a set of at least one name is required")
        if call.get("action") not in ACTIONS:
            fail(f"{w}.action {call.get('action')!r} is not allowed")
        if "errnoRet" in call and not (is_int(call["errnoRet"]) and 0 <= call["errnoRet"] <= 4095):
            fail(f"{w}.errnoRet {call['errnoRet']!r}: an integer from 0 to 4095")
        args = call.get("args", [])
        if len(args) > 6:
            fail(f"{w}.args: at most 6")
        for j, arg in enumerate(args):
            wa = f"{w}.args[{j}]"
            unknown(arg, ARG_FIELDS, wa)
            if not (is_int(arg.get("index")) and 0 <= arg["index"] <= 5):
                fail(f"{wa}.index: required, 0 to 5")
            if arg.get("op") not in OPS:
                fail(f"{wa}.op {arg.get('op')!r} is not allowed")
            for k in ("value", "valueTwo"):
                if k in arg and not (is_int(arg[k]) and 0 <= arg[k] <= INT64_MAX):
                    fail(f"{wa}.{k} {arg[k]!r}: an integer from 0 to 2^63-1")


def cmd_seccompprofile(paths):
    """What `kubectl apply` of the file sends, the CRD takes."""
    for path in paths:
        for i, d in enumerate(load_all(path)):  # JSON is YAML: read as kubectl reads it
            check_seccompprofile(d, f"{os.path.basename(path)}[{i}]")
    done()


def cmd_pod_uses(pod_path, sp_path):
    """The pod names the SeccompProfile where the operator installs it."""
    pod, sp = load_one(pod_path), load_one(sp_path)
    name = sp["metadata"]["name"]
    # the operator's file: NAME.json (NAME as it is when it ends in .json)
    want = "operator/" + (name if name.endswith(".json") else name + ".json")
    found = []
    for sc in [pod["spec"].get("securityContext", {})] + \
            [c.get("securityContext", {}) for c in pod["spec"]["containers"]]:
        prof = sc.get("seccompProfile")
        if prof:
            found.append(prof)
    if not found:
        fail(f"{pod_path}: no seccompProfile")
    for prof in found:
        if prof.get("type") != "Localhost" or prof.get("localhostProfile") != want:
            fail(f"{pod_path}: seccompProfile {prof} is not Localhost {want}")
    done()


COMMANDS = {
    "objects": (cmd_objects, "FILE..."),
    "kustomization": (cmd_kustomization, "DIR"),
    "daemonset": (cmd_daemonset, "DS HELP BPFFS PIN_DIR LOCK_DIR RSS_KIB"),
    "service": (cmd_service, "SVC DS"),
    "roundtrip": (cmd_roundtrip, "MANIFEST KUBECTL_JSON"),
    "seccompprofile": (cmd_seccompprofile, "FILE..."),
    "pod-uses": (cmd_pod_uses, "POD SECCOMPPROFILE"),
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: k8s_check.py " + " | ".join(f"{c} {a}" for c, (_, a) in COMMANDS.items()))
    fn, _ = COMMANDS[sys.argv[1]]
    rest = sys.argv[2:]
    if fn in (cmd_objects, cmd_seccompprofile):
        fn(rest)
    elif fn is cmd_daemonset:
        fn(*rest[:5], int(rest[5]))
    else:
        fn(*rest)
