# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# OCI bundles for the suites (loaded by helpers.bash): busybox root filesystems, runc
# bundles (rootfs + config.json from runc spec), eunomia's hook and its hook.conf in them,
# and bundles of the host's servers (nginx, redis, postgresql).

# make_rootfs DIR: a read-only-friendly busybox root filesystem.
make_rootfs() {
	local root=$1
	mkdir -p "$root"/{bin,proc,sys,dev,tmp,etc,shared}
	cp "$BUSYBOX" "$root/bin/busybox"
	for applet in sh sleep mkdir chown touch nc cat ls unshare sync ionice uptime true env mount; do
		ln -sf busybox "$root/bin/$applet"
	done
	echo "root:x:0:0:root:/:/bin/sh" >"$root/etc/passwd"
}

# spec_bundle DIR: a runc bundle as runc spec makes it, with a busybox root filesystem;
# the callers set its process.
spec_bundle() {
	mkdir -p "$1"
	make_rootfs "$1/rootfs"
	(cd "$1" && runc spec)
}

# make_bundle DIR SCRIPT [CAPS...]: a runc bundle whose process runs `sh -c SCRIPT`
# with the given extra capabilities. The host directory DIR/shared is /shared inside.
make_bundle() {
	local dir=$1 script=$2
	shift 2
	local caps='["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"'
	local c
	for c in "$@"; do caps+=",\"$c\""; done
	caps+=']'
	mkdir -p "$dir/shared"
	spec_bundle "$dir"
	jq --arg script "$script" --arg shared "$dir/shared" --argjson caps "$caps" '
		.process.terminal = false
		| .process.args = ["/bin/sh", "-c", $script]
		| .process.capabilities = {bounding: $caps, effective: $caps, permitted: $caps}
		| .root.readonly = true
		| .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs",
				options: ["nosuid", "nodev"]},
			      {destination: "/shared", type: "bind", source: $shared,
				options: ["rbind", "rw"]}]
		' "$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# run_detached ID BUNDLE: start a container in the background.
run_detached() {
	runc run -d --bundle "$2" "$1" </dev/null >"$2/container.log" 2>&1
}

# delete_containers: runc delete -f every container of the test (CONTAINERS).
delete_containers() {
	local c
	for c in "${CONTAINERS[@]}"; do runc delete -f "$c" >/dev/null 2>&1 || true; done
}

# hook_conf DIR [LEARN_SOCKET]: DIR/hook.conf for eunomia's hook, learning into
# DIR/profiles with its state in DIR/state, handing containers to the resident learner
# at LEARN_SOCKET (none: the hook starts a learner of its own).
hook_conf() {
	mkdir -p "$1/profiles" "$1/state"
	printf 'learn_dirs = %s\neunomia = %s\nstate_dir = %s\nlearn_socket = %s\n' \
		"$1/profiles" "$EUNOMIA" "$1/state" "${2:-none}" >"$1/hook.conf"
}

# podman_hooks_dir DIR: a hooks.d directory holding the installed hooks.d file, pointing
# at this build's hook and $WORK/hook.conf (for podman --hooks-dir).
podman_hooks_dir() {
	mkdir -p "$1"
	sed "s|@HOOK@|$HOOK|" "$BATS_TEST_DIRNAME/../../oci-hooks/eunomia-hook.json.in" |
		jq --arg conf "$WORK/hook.conf" '.hook.args = ["eunomia-oci-hook", "--config", $conf]' \
			>"$1/eunomia.json"
}

# jq_edit FILE FILTER [JQ ARGS...]: rewrite a JSON file in place with jq (--args last).
jq_edit() {
	local f=$1
	shift
	jq "$@" <"$f" >"$f.new" && mv "$f.new" "$f"
}

# add_hook DIR [ANNOTATION=VALUE...]: put eunomia's hook at createRuntime and poststop
# of the bundle DIR (with $WORK/hook.conf), and set these annotations.
add_hook() {
	local dir=$1 a ann='{}'
	shift
	for a in "$@"; do
		ann=$(jq --arg k "${a%%=*}" --arg v "${a#*=}" '. + {($k): $v}' <<<"$ann")
	done
	jq_edit "$dir/config.json" '
		.annotations = $ann
		| .hooks = {
			createRuntime: [{path: $hook, args: ["eunomia-oci-hook", "--config", $conf,
							     "createRuntime"]}],
			poststop: [{path: $hook, args: ["eunomia-oci-hook", "--config", $conf, "poststop"]}]
		}' --arg hook "$HOOK" --arg conf "$WORK/hook.conf" --argjson ann "$ann"
}

# learning_filter DIR: give the bundle DIR eunomia's permissive learning filter, so
# that runc loads one and learning counts from there.
learning_filter() {
	"$EUNOMIA" export --format oci --learning -o "$1/learning.json"
	jq_edit "$1/config.json" '.linux.seccomp = $f[0]' --slurpfile f "$1/learning.json"
}

# hooked_bundle DIR SCRIPT [ANNOTATION=VALUE...]: a busybox bundle whose process runs
# `sh -c SCRIPT`, with the hook at createRuntime and poststop and these annotations.
hooked_bundle() {
	local dir=$1 script=$2
	shift 2
	spec_bundle "$dir"
	jq_edit "$dir/config.json" '.process.terminal = false | .process.args = ["/bin/sh", "-c", $script]' \
		--arg script "$script"
	add_hook "$dir" "$@"
}

# host_program_rootfs ROOT PROGRAM: a root filesystem holding the host's PROGRAM and the
# libraries it links, with empty /etc, /mnt, /proc, /dev and /sys to mount on.
host_program_rootfs() {
	local root=$1 prog=$2 lib
	mkdir -p "$root$(dirname "$prog")" "$root/etc" "$root/mnt" "$root/proc" "$root/dev" "$root/sys"
	cp "$prog" "$root$prog"
	for lib in $(ldd "$prog" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# host_network_bundle DIR: make the bundle DIR (from runc spec) share the host's network:
# no network namespace, and /sys bound from the host rather than mounted.
host_network_bundle() {
	jq_edit "$1/config.json" '
		.process.terminal = false
		| .root = {path: "rootfs", readonly: true}
		| .linux.namespaces |= map(select(.type != "network"))
		| .mounts |= map(if .destination == "/sys" then {destination: "/sys", type: "bind",
			source: "/sys", options: ["rbind", "nosuid", "noexec", "nodev", "ro"]} else . end)
		| .mounts |= map(select(.destination != "/sys/fs/cgroup"))'
}

# nginx_bundle DIR PORT: a runc bundle of the host's nginx (its binary and libraries
# copied into a rootfs; the host's network, so /sys is bound rather than mounted),
# serving DIR/srv on 127.0.0.1:PORT.
nginx_bundle() {
	local dir=$1 port=$2
	mkdir -p "$dir/srv/www" "$dir/srv/tmp"
	host_program_rootfs "$dir/rootfs" /usr/sbin/nginx
	echo 'root:x:0:0:root:/:/bin/sh' >"$dir/rootfs/etc/passwd"
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$dir/rootfs/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/rootfs/etc/group"
	echo "hello from nginx" >"$dir/srv/www/index.html"
	chmod -R a+rX "$dir/srv"
	cat >"$dir/srv/nginx.conf" <<-EOF
	worker_processes 1;
	daemon off;
	user nobody nogroup;
	pid /mnt/nginx.pid;
	error_log /mnt/error.log;
	events { worker_connections 256; }
	http {
		access_log off;
		client_body_temp_path /mnt/tmp;
		proxy_temp_path /mnt/tmp;
		fastcgi_temp_path /mnt/tmp;
		uwsgi_temp_path /mnt/tmp;
		scgi_temp_path /mnt/tmp;
		server { listen 127.0.0.1:$port; root /mnt/www; }
	}
	EOF
	(cd "$dir" && runc spec)
	host_network_bundle "$dir"
	jq_edit "$dir/config.json" '
		.process.args = ["/usr/sbin/nginx", "-e", "/mnt/error.log", "-c", "/mnt/nginx.conf"]
		| .process.capabilities |= with_entries(.value += ["CAP_SETUID", "CAP_SETGID", "CAP_CHOWN"])
		| .mounts += [{destination: "/mnt", type: "bind", source: $srv, options: ["rbind", "rw"]}]
		' --arg srv "$dir/srv"
}

# redis_bundle DIR PORT: a runc bundle of the host's redis-server, on 127.0.0.1:PORT,
# keeping nothing on disk.
redis_bundle() {
	local dir=$1 port=$2
	host_program_rootfs "$dir/rootfs" /usr/bin/redis-server
	echo 'root:x:0:0:root:/:/bin/sh' >"$dir/rootfs/etc/passwd"
	(cd "$dir" && runc spec)
	host_network_bundle "$dir"
	jq_edit "$dir/config.json" '.process.args = ["/usr/bin/redis-server", "--port", $port,
		"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", "/",
		"--protected-mode", "no"]' --arg port "$port"
}

# postgres_bundle DIR PORT: a runc bundle of the host's PostgreSQL server (its binary,
# libraries, shared data and time zones copied into a rootfs), running as the host's
# postgres user on 127.0.0.1:PORT, with a cluster made by initdb in DIR/data (DIR's
# parent must let the postgres user through).
PG_BIN=/usr/lib/postgresql/15/bin
postgres_bundle() {
	local dir=$1 port=$2 uid gid
	uid=$(id -u postgres) gid=$(id -g postgres)
	mkdir -p "$dir"
	chmod 755 "$dir"
	runuser -u postgres -- test -x "$dir" || {
		echo "postgres_bundle: the postgres user cannot reach $dir" >&2
		return 1
	}
	host_program_rootfs "$dir/rootfs" "$PG_BIN/postgres"
	mkdir -p "$dir/rootfs/usr/share/postgresql" "$dir/rootfs/data" "$dir/rootfs/tmp"
	chmod 1777 "$dir/rootfs/tmp" # runc gives the tmpfs mounted there this directory's mode
	cp -r /usr/share/postgresql/15 "$dir/rootfs/usr/share/postgresql/"
	# its own modules' directory, with the procedural language every database has
	mkdir -p "$dir/rootfs/usr/lib/postgresql/15/lib"
	cp /usr/lib/postgresql/15/lib/plpgsql.so "$dir/rootfs/usr/lib/postgresql/15/lib/"
	cp -r /usr/share/zoneinfo "$dir/rootfs/usr/share/"
	echo "postgres:x:$uid:$gid::/data:/bin/sh" >"$dir/rootfs/etc/passwd"
	echo "postgres:x:$gid:" >"$dir/rootfs/etc/group"
	install -d -o postgres -g postgres -m 0700 "$dir/data"
	runuser -u postgres -- "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres --locale=C \
		-E UTF8 --no-sync >"$dir/initdb.log"
	(cd "$dir" && runc spec)
	host_network_bundle "$dir"
	jq_edit "$dir/config.json" '
		.process.args = ["/usr/lib/postgresql/15/bin/postgres", "-D", "/data", "-p", $port,
			"-h", "127.0.0.1", "-k", "/tmp"]
		| .process.user = {uid: $uid, gid: $gid}
		| .mounts += [{destination: "/data", type: "bind", source: $data, options: ["rbind", "rw"]},
			      {destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]}]
		' --arg port "$port" --arg data "$dir/data" --argjson uid "$uid" --argjson gid "$gid"
}
