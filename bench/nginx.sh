# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# nginx under wrk on loopback, for the benchmarks (sourced after bench/lib.sh, which gives
# TMP, EUNOMIA and die). The caller sets PORT, PIN (the CPU wrk runs on) and NGINX_PID.
# nginx_params reads the environment's NGINX_ROUNDS and WRK_SECONDS; nginx_setup writes
# the configuration and sets NGINX (the command line); then wait_port, wrk_run (into $rps
# and $errors) and stop_nginx; nginx_learn PROFILE learns it under the load it is
# measured with.

# nginx_params DEFAULT MIN: NGINX_ROUNDS (default DEFAULT, at least MIN) and WRK_SECONDS
# (default 3), checked, and nginx and wrk installed.
nginx_params() {
	NGINX_ROUNDS=${NGINX_ROUNDS:-$1}
	WRK_SECONDS=${WRK_SECONDS:-3}
	need_cmd nginx wrk
	need_int 1 WRK_SECONDS
	need_int "$2" NGINX_ROUNDS
}

nginx_setup() {
	mkdir -p "$TMP/www" "$TMP/nginx"
	head -c 4096 /dev/urandom | base64 >"$TMP/www/index.html"
	# nginx's workers run as nobody: let them read the files (mktemp made the directory private).
	chmod 755 "$TMP" "$TMP/www"
	chmod 644 "$TMP/www/index.html"
	cat >"$TMP/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections 512; }
http {
	# sendfile as Debian's own nginx.conf has it, and a cache of open files: what a
	# production server is configured with. A request is then three syscalls
	# (recvfrom, writev, sendfile), each paying the ~40 ns any seccomp filter adds.
	sendfile on;
	open_file_cache max=64;
	keepalive_requests 1000000;
	access_log off;
	client_body_temp_path $TMP/nginx;
	proxy_temp_path $TMP/nginx;
	fastcgi_temp_path $TMP/nginx;
	uwsgi_temp_path $TMP/nginx;
	scgi_temp_path $TMP/nginx;
	server {
		listen 127.0.0.1:$PORT;
		root $TMP/www;
	}
}
EOF
	NGINX=(nginx -e "$TMP/nginx/error.log" -c "$TMP/nginx.conf")
}

wait_port() {
	local i
	for ((i = 0; i < 200; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
		kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited: $(tail -n 3 "$TMP/nginx/error.log")"
		sleep 0.05
	done
	die "nginx did not listen on 127.0.0.1:$PORT"
}

stop_nginx() {
	kill -TERM "$NGINX_PID" 2>/dev/null || true
	wait "$NGINX_PID" 2>/dev/null || true
	NGINX_PID=
}

# wrk_run: requests per second, requests and errors (non-2xx responses, socket errors)
# into $rps $requests $errors.
# shellcheck disable=SC2034 # errors is the caller's
wrk_run() {
	local out
	out=$(taskset -c "$PIN" wrk -t1 -c16 -d"${WRK_SECONDS}s" "http://127.0.0.1:$PORT/index.html")
	rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
	requests=$(awk '/ requests in / { print $1 }' <<<"$out")
	errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF }
		/Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")
	[[ $rps =~ ^[0-9.]+$ && $requests =~ ^[0-9]+$ ]] || die "wrk printed no rate: $out"
}

# nginx_cpu_ns: the CPU time nginx's processes (master and workers, every thread) have
# used, in ns: the scheduler's sum_exec_runtime, which utime + stime are made from, at
# µs resolution where /proc/PID/sched exists, else utime + stime in clock ticks.
nginx_cpu_ns() {
	local p pids
	pids="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"
	for p in $pids; do
		if [[ -r /proc/$p/sched ]]; then
			cat /proc/"$p"/task/*/sched 2>/dev/null |
				awk '/^se.sum_exec_runtime/ { s += $3 } END { printf "%.0f\n", s * 1e6 }'
		else
			awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.0f\n", ($12 + $13) * 1e9 / hz }' \
				"/proc/$p/stat" 2>/dev/null
		fi
	done | awk '{ s += $1 } END { printf "%.0f\n", s }'
}


# nginx_learn PROFILE: learn nginx under the same load it is measured with.
nginx_learn() {
	taskset -c 0 "$EUNOMIA" learn -q -o "$1" --duration $((WRK_SECONDS * 2 + 2)) -- \
		"${NGINX[@]}" &
	NGINX_PID=$!
	wait_port
	wrk_run
	wrk_run
	wait "$NGINX_PID" || die "learning nginx failed"
	NGINX_PID=
}
