# SPDX-License-Identifier: GPL-2.0-only
# Tables of bench/notify-overhead.sh from its raw file.
#
#   awk -f bench/stats.awk -f bench/notify-overhead.awk bench/results/notify-overhead.raw

$1 == "syscall" { ns[$2, $3] = $4; al[$3] += $5; if ($2 > rounds) rounds = $2 }
$1 == "refused" { rns[$2, $3] = $4; calls[$3] += $5; counted[$3] += $6; mcpu[$2, $3] = $7 }
$1 == "nginx" {
	rps[$2, $3] = $4; cpr[$2, $3] = $6 / $5; errs[$3] += $7; nal[$3] += $8; mpr[$2, $3] = $9 / $5
	if ($2 > nrounds) nrounds = $2
}
END {
	nconf = configs("none=no filter, no monitor\n" \
		"outside_notify=not held, while the monitor holds a process through its filter's listener\n" \
		"outside_bpf=not held, while the monitor holds a process with its BPF programs " \
			"(no eunomia filter)\n" \
		"floor=under the one-instruction filter (the floor of any filter)\n" \
		"enforced=under its profile's filter\n" \
		"monitored=under its profile's filter, the monitor its seccomp agent", cfg, label)

	print "getppid, allowed: median ns/call; added: median over the rounds of (configuration −"
	print "that round's run with neither filter nor monitor)."
	print ""
	added_table(nconf, cfg, label, ns, rounds, al)
	dmon = median_diff(ns, "monitored", "enforced", rounds); dmonci = ci("%+.1f"); dmonok = cilo <= 0 && cihi >= 0

	nrconf = configs("refused_errno=refused by the filter alone (errno; no monitor)\n" \
		"refused_notify=notified, refused by the monitor (enforce: the profile's errno)\n" \
		"refused_complain=notified, let run by the monitor (complain)", rcfg, rlabel)
	print ""
	print "getppid, refused: median µs per call and the calls per second one process makes that"
	print "way; counted: the refused calls the monitor reported (events' counts) ÷ the calls made;"
	print "the monitor's CPU time (agent and daemon) per call."
	print ""
	print "| configuration | µs/call | calls/s | counted | monitor CPU µs/call |"
	print "|---|---:|---:|---:|---:|"
	for (k = 1; k <= nrconf; k++) {
		c = rcfg[k]
		rmed[c] = median_of(rns, c, rounds)
		m = median_of(mcpu, c, rounds)
		if (c == "refused_errno")
			printf "| %s | %.3f | %.0f | — | — |\n", rlabel[c], rmed[c] / 1000, 1e9 / rmed[c]
		else
			printf "| %s | %.2f | %.0f | %d / %d | %.2f |\n", rlabel[c], rmed[c] / 1000,
				1e9 / rmed[c], counted[c], calls[c], m / 1000
	}
	rtt = median_diff(rns, "refused_notify", "refused_errno", rounds)
	rttci = cilo > cihi ? ci() : sprintf("95%% CI %.2f … %.2f µs", cilo / 1000, cihi / 1000)

	if (nrounds) {
		nnconf = configs("none=unconfined, no monitor\n" \
			"floor=the one-instruction filter\n" \
			"enforced=enforced (its learned profile)\n" \
			"monitored=enforced, the monitor its seccomp agent\n" \
			"monitored_bpf=enforced, held by the monitor's BPF programs (the earlier way)", ncfg,
			nlabel)
		print ""
		print "nginx: median requests/s and nginx's CPU time per request; ratios: the median over"
		print "the rounds of (configuration ÷ that round's run, unconfined or enforced)."
		print ""
		print "| configuration | requests/s | ÷ unconfined | ÷ enforced | CPU µs/request | ÷ enforced | the monitor's CPU ns/request | failed requests | alerts |"
		print "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
		for (k = 1; k <= nnconf; k++) {
			c = ncfg[k]
			req[c] = median_of(rps, c, nrounds)
			relu[c] = median_ratio(rps, c, "none", nrounds)
			rele[c] = median_ratio(rps, c, "enforced", nrounds); relelo[c] = cilo; relehi[c] = cihi
			cpu[c] = median_of(cpr, c, nrounds)
			cpue[c] = median_ratio(cpr, c, "enforced", nrounds); cpuelo[c] = cilo; cpuehi[c] = cihi
			mon[c] = median_of(mpr, c, nrounds)
			printf "| %s | %.0f | %.4f | %.4f | %.2f | %.4f | %s | %d | %s |\n", nlabel[c], req[c],
				relu[c], rele[c], cpu[c] / 1000, cpue[c],
				c ~ /^monitored/ ? sprintf("%.1f", mon[c]) : "—", errs[c],
				c ~ /^monitored/ ? nal[c] : "—"
		}
	}

	print ""
	print "| target (from the issue) | measured | verdict |"
	print "|---|---:|---|"
	if (addlo["outside_notify"] > addhi["outside_notify"])
		overdict = "too few rounds for a CI"
	else
		overdict = verdict(addlo["outside_notify"] <= 0 && addhi["outside_notify"] >= 0)
	printf "| a process the monitor does not hold pays nothing while it holds a container through " \
		"its filter: added ns within noise of 0 (the CI spans 0) | %+.1f ns (95%% CI %+.1f … " \
		"%+.1f); holding it with the BPF programs instead: %+.1f ns | %s |\n",
		add["outside_notify"], addlo["outside_notify"], addhi["outside_notify"],
		add["outside_bpf"], overdict
	if (nrounds) {
		m = rele["monitored"]; lo = relelo["monitored"]; hi = relehi["monitored"]
		if (lo > hi)
			nverdict = verdict(m >= 0.995) " (too few rounds for a CI)"
		else if (lo >= 0.995)
			nverdict = "**met**"
		else if (hi >= 0.995)
			nverdict = "**not shown**: the CI is wider than the target (the machine's noise); " \
				"what the monitor adds is its own CPU time, measured beside"
		else
			nverdict = "**missed**"
		printf "| nginx: (enforced + monitored) ÷ enforced ≥ 0.995 of requests/s | %.4f (95%% CI " \
			"%.4f … %.4f); CPU per request %.4f (95%% CI %.4f … %.4f); %d failed requests, " \
			"%d alerts; the monitor's own CPU %.1f ns per request (%.3f%% of nginx's); " \
			"enforced ÷ unconfined %.4f, the floor %.4f; held by the BPF programs " \
			"instead: %.4f of requests/s, %.4f CPU per request | %s |\n", m, lo, hi,
			cpue["monitored"], cpuelo["monitored"], cpuehi["monitored"], errs["monitored"],
			nal["monitored"], mon["monitored"], 100 * mon["monitored"] / cpu["monitored"],
			relu["enforced"], relu["floor"], rele["monitored_bpf"],
			cpue["monitored_bpf"], nverdict
	}
	printf "| (no target) the monitor's cost to an allowed call of the process it holds through its " \
		"filter: monitored − enforced | %+.1f ns (%s) | — |\n", dmon, dmonci
	printf "| (no target) notified calls per second one process makes, and the round trip (notified " \
		"− refused by the filter alone) | %.0f/s; %.2f µs (%s) | — |\n",
		1e9 / rmed["refused_notify"], rtt / 1000, rttci
}
