#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
# monitoring/: the alerting rules (promtool's checks and unit tests), the
# PrometheusRule made from them, the Grafana dashboard's shape, and, end to end with
# real servers on loopback, a violation in a held runc container going from the
# monitor through Debian's Prometheus and Alertmanager to a webhook as a firing
# alert that names the container, and resolving; every panel's query is run
# against the same Prometheus.

load helpers
load seccomp

ROOT=$BATS_TEST_DIRNAME/../..
RULES=$ROOT/monitoring/eunomia-rules.yml
DASHBOARD=$ROOT/monitoring/grafana/eunomia-dashboard.json
PYTHON=/usr/bin/python3
AM_PORT=$((20000 + $$ % 5000))
HOOK_PORT=$((25000 + $$ % 5000))

setup_file() {
	learn_probe_profile alerts
}

setup() {
	work_setup alerts
	DAEMONS=()
}

teardown() {
	monitor_teardown
}

@test "the alerting rules pass promtool's checks and unit tests: each alert fires, and stays silent, where it should" {
	require_cmd promtool prometheus
	promtool check rules "$RULES"
	(cd "$ROOT/monitoring" && promtool test rules eunomia-rules.test.yml)
	# every alert of the rule file has a test that fires it
	local a
	for a in $(sed -n 's/^ *- alert: //p' "$RULES"); do
		grep -q "alertname: $a\$" "$ROOT/monitoring/eunomia-rules.test.yml"
	done
	# and each names its severity and a runbook line
	[ "$(grep -c '^ *- alert: ' "$RULES")" -ge 12 ]
	[ "$(grep -c '^ *severity: \(critical\|warning\|info\)$' "$RULES")" = "$(grep -c '^ *- alert: ' "$RULES")" ]
	[ "$(grep -c '^ *runbook: ' "$RULES")" = "$(grep -c '^ *- alert: ' "$RULES")" ]
}

@test "deploy/monitoring: the PrometheusRule holds the rule file's groups, unchanged; the ServiceMonitor scrapes as job eunomia" {
	[ -x "$PYTHON" ] && "$PYTHON" -c 'import yaml' 2>/dev/null ||
		skip "needs $PYTHON with the yaml module (package python3-yaml)"
	"$PYTHON" - "$RULES" "$ROOT/deploy/monitoring/prometheusrule.yaml" \
		"$ROOT/deploy/monitoring/servicemonitor.yaml" "$ROOT/deploy/service.yaml" <<'EOF'
import sys, yaml
rules, pr, sm, svc = (yaml.safe_load(open(p)) for p in sys.argv[1:])
assert pr["kind"] == "PrometheusRule" and pr["apiVersion"] == "monitoring.coreos.com/v1", pr["kind"]
assert pr["spec"]["groups"] == rules["groups"], "prometheusrule.yaml is stale: make monitoring"
assert sm["kind"] == "ServiceMonitor"
assert sm["spec"]["selector"]["matchLabels"].items() <= svc["metadata"]["labels"].items()
ports = [p["name"] for p in svc["spec"]["ports"]]
for e in sm["spec"]["endpoints"]:
    assert e["port"] in ports, e["port"]
    assert {"targetLabel": "job", "replacement": "eunomia"} in e["relabelings"]
EOF
}

@test "the Grafana dashboard has what Grafana 10 requires: uid, schema, variables, and panels that fit and query the data source" {
	require_cmd jq
	jq -e '.title == "eunomia" and (.uid | test("^[a-zA-Z0-9_-]{1,40}$")) and .schemaVersion >= 36
		and (.panels | length >= 12)' "$DASHBOARD" >/dev/null
	# the data source is a variable, and each panel and query uses it
	jq -e '.templating.list | map(select(.type == "datasource" and .query == "prometheus"
		and .name == "datasource")) | length == 1' "$DASHBOARD" >/dev/null
	jq -e '[.panels[] | .datasource.uid, .targets[].datasource.uid] | all(. == "${datasource}")' \
		"$DASHBOARD" >/dev/null
	# ids unique; every panel on the 24-column grid; each query has a refId and PromQL
	jq -e '[.panels[].id] | length == (unique | length)' "$DASHBOARD" >/dev/null
	jq -e 'all(.panels[]; (.type | IN("stat", "timeseries", "table")) and (.title | length > 0)
		and (.gridPos | (.x >= 0 and .y >= 0 and .w > 0 and .h > 0 and .x + .w <= 24))
		and (.targets | length > 0) and all(.targets[]; (.refId | length > 0) and (.expr | length > 0)))' \
		"$DASHBOARD" >/dev/null
	# no two panels overlap
	jq -e '[.panels[].gridPos] as $g | [range(0; $g | length) as $i | range($i + 1; $g | length) as $j
		| $g[$i] as $a | $g[$j] as $b
		| select($a.x < $b.x + $b.w and $b.x < $a.x + $a.w and $a.y < $b.y + $b.h and $b.y < $a.y + $a.h)]
		| length == 0' "$DASHBOARD" >/dev/null
	# every variable a query uses is defined, or Grafana's own
	local v defined
	defined=$(jq -r '.templating.list[].name' "$DASHBOARD")
	for v in $(jq -r '.panels[].targets[].expr, .templating.list[].definition // empty' "$DASHBOARD" |
		grep -o '\$[a-z_]*' | sort -u | tr -d '$'); do
		grep -qx "$v" <<<"$defined" || [ "$v" = __rate_interval ] || [ "$v" = __range ]
	done
}

# promql QUERY: the result of an instant query at the test's Prometheus.
promql() {
	curl -sf -G "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1"
}

# wait_alert STATUS JQ-FILTER: a notification whose alerts have one with that
# status and matching the filter, within 90 s; it is printed.
wait_alert() {
	local i
	for ((i = 0; i < 450; i++)); do
		if [ -s "$WORK/webhook.json" ] && jq -e -s --arg s "$1" \
			"[.[].alerts[] | select(.status == \$s) | select($2)] | length > 0" \
			"$WORK/webhook.json" >/dev/null; then
			jq -c -s --arg s "$1" "[.[].alerts[] | select(.status == \$s) | select($2)][0]" \
				"$WORK/webhook.json"
			return 0
		fi
		sleep 0.2
	done
	echo "no $1 alert matching $2 reached the webhook; it got:" >&2
	cat "$WORK/webhook.json" >&2 || true
	echo "Prometheus's alerts:" >&2
	curl -s "http://127.0.0.1:$PROM_PORT/api/v1/alerts" >&2 || true
	echo "its violations:" >&2
	promql 'eunomia_violations_total' >&2 || true
	promql 'eunomia_filters_unheld_total[3m]' >&2 || true
	tail -n 5 "$WORK/prometheus.log" "$WORK/alertmanager.log" >&2
	return 1
}

@test "end to end: a refusal in a held runc container fires at Alertmanager's webhook, naming container and pod, then resolves; every panel's query returns series" {
	require_runc
	require_cmd prometheus
	require_cmd prometheus-alertmanager prometheus-alertmanager
	require_cmd curl
	local p=$BATS_FILE_TMPDIR/profiles/p.yaml name=web-$$
	[ -s "$p" ] # learned by setup_file
	"$EUNOMIA" monitor --reset -q
	write_hook_conf

	# the receiver, Alertmanager and Prometheus, on loopback, with the shipped rules
	# (their windows shortened from minutes to seconds, so that a test sees them resolve)
	"$PYTHON" "$BATS_TEST_DIRNAME/webhook.py" "$HOOK_PORT" "$WORK/webhook.json" &
	DAEMONS+=($!)
	cat >"$WORK/alertmanager.yml" <<-EOF
	route:
	  receiver: hook
	  group_by: [alertname, container]
	  group_wait: 1s
	  group_interval: 2s
	  repeat_interval: 1h
	receivers:
	  - name: hook
	    webhook_configs: [ { url: "http://127.0.0.1:$HOOK_PORT/", send_resolved: true } ]
	EOF
	amtool check-config "$WORK/alertmanager.yml" >/dev/null
	prometheus-alertmanager --config.file="$WORK/alertmanager.yml" --storage.path="$WORK/am" \
		--web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= \
		>"$WORK/alertmanager.log" 2>&1 &
	DAEMONS+=($!)
	sed -e 's/\[5m\]/[15s]/g; s/offset 5m/offset 15s/g; s/\[10m\]/[15s]/g; s/for: [0-9]*[mh]$/for: 3s/' \
		"$RULES" >"$WORK/rules.yml"
	cat >"$WORK/prometheus.yml" <<-EOF
	global: { scrape_interval: 1s, evaluation_interval: 1s }
	rule_files: [ "$WORK/rules.yml" ]
	alerting:
	  alertmanagers: [ { static_configs: [ { targets: ["127.0.0.1:$AM_PORT"] } ] } ]
	scrape_configs:
	  - job_name: eunomia
	    static_configs: [ { targets: ["127.0.0.1:$METRICS_PORT"] } ]
	EOF
	promtool check config "$WORK/prometheus.yml" >/dev/null
	prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
		--web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
	DAEMONS+=($!)
	wait_for_url "http://127.0.0.1:$AM_PORT/-/ready" "$WORK/ready" "" 30
	wait_for_url "http://127.0.0.1:$PROM_PORT/-/ready" "$WORK/ready" "" 30

	# the monitor, and three containers under eunomia's filter that hand it their
	# refusals: a pod's, refused reboot with EPERM, which then lives on; one killed
	# for it; one whose filter names a profile the monitor cannot read
	daemon "$WORK/ev.json" --metrics "127.0.0.1:$METRICS_PORT"
	monitored "$WORK/web" "$p" "$(script 'getppid reboot' 600)"
	jq --arg n "$name" '.annotations += {"io.kubernetes.pod.namespace": "shop",
		"io.kubernetes.pod.name": "web-1", "io.kubernetes.container.name": $n}' \
		"$WORK/web/config.json" >"$WORK/c.json" && mv "$WORK/c.json" "$WORK/web/config.json"
	monitored "$WORK/kill" "$p" "$(script 'getppid reboot')" --deny kill-process
	monitored "$WORK/lost" "$p" "$(script 'getppid reboot')"
	jq '.linux.seccomp.listenerMetadata |= sub("profile=/[^ ]*"; "profile=/nonexistent/p.yaml")' \
		"$WORK/lost/config.json" >"$WORK/c.json" && mv "$WORK/c.json" "$WORK/lost/config.json"
	CONTAINERS+=("alerts-web-$$" "alerts-kill-$$" "alerts-lost-$$")
	run_detached "alerts-web-$$" "$WORK/web"
	run_ct "alerts-kill-$$" "$WORK/kill"
	run_ct "alerts-lost-$$" "$WORK/lost"
	wait_for after "$WORK/web/shared/after"
	[ "$(cat "$WORK/web/shared/probe.out")" = "getppid ok
reboot EPERM" ]

	# firing, with the labels an operator routes on, and the runbook's command
	local a
	a=$(wait_alert firing ".labels.alertname == \"EunomiaSyscallDenied\" and .labels.container == \"$name\"")
	[ "$(jq -r .labels.syscall <<<"$a")" = reboot ]
	[ "$(jq -r .labels.namespace <<<"$a")" = shop ]
	[ "$(jq -r .labels.pod <<<"$a")" = web-1 ]
	[ "$(jq -r .labels.severity <<<"$a")" = critical ]
	[[ "$(jq -r .annotations.runbook <<<"$a")" == *"eunomia denials --container $name --fix PROFILE"* ]]
	a=$(wait_alert firing '.labels.alertname == "EunomiaContainerKilled"')
	[ "$(jq -r .labels.container <<<"$a")" = "alerts-kill-$$" ]
	a=$(wait_alert firing '.labels.alertname == "EunomiaFilterWithoutProfile"')
	[ "$(jq -r .labels.severity <<<"$a")" = warning ]
	# the container that stayed inside its profile: nothing about it
	! jq -e -s '[.[].alerts[] | select(.labels.alertname == "EunomiaSyscallOutsideProfile")] | length > 0' \
		"$WORK/webhook.json" >/dev/null || false

	# every panel's query, as Grafana sends it for "All" over the last minutes, has series
	local expr n
	while IFS= read -r expr; do
		expr=${expr//\$__rate_interval/1m}
		expr=${expr//\$__range/5m}
		expr=${expr//\$instance/.*}
		expr=${expr//\$container/.*}
		n=$(promql "$expr" | jq '.data.result | length')
		echo "panel query: $n series: $expr"
		[ "$n" -ge 1 ]
	done < <(jq -r '.panels[].targets[].expr' "$DASHBOARD")
	# and the variables' values name this node and the container
	curl -sf -G "http://127.0.0.1:$PROM_PORT/api/v1/label/container/values" \
		--data-urlencode 'match[]={__name__=~"eunomia_container_info|eunomia_violations_total", job="eunomia"}' |
		jq -e --arg n "$name" '.data | index($n) != null' >/dev/null

	# nothing new for the window: the alert resolves, and Alertmanager says so
	a=$(wait_alert resolved ".labels.alertname == \"EunomiaSyscallDenied\" and .labels.container == \"$name\"")
	[ "$(jq -r .labels.pod <<<"$a")" = web-1 ]
}
