# SPDX-License-Identifier: GPL-2.0-only
# Tables of bench/enforce-overhead.sh from its raw file; syscall lines are keyed by the
# call first (ns[call, round, config]: the rounds of one call are ns[call SUBSEP r, c]).
#
#   awk -f bench/stats.awk -f bench/enforce-overhead.awk bench/results/enforce-overhead.raw

$1 == "syscall" { ns[$2, $3, $4] = $5; if ($3 > rounds) rounds = $3; calls[$2] = 1 }
$1 == "nginx" { rps[$2, $3] = $4; errs[$2, $3] = $5; cpu[$2, $3] = $6; if ($2 > nrounds) nrounds = $2 }
END {
	nconf = configs("none=no filter\n" \
		"floor=floor: a one-instruction filter that allows all\n" \
		"podman=podman's default, binary tree\n" \
		"podman-linear=podman's default, linear\n" \
		"learned=learned profile, binary tree\n" \
		"learned-linear=learned profile, linear", cfg, label)
	ncall = split("getppid personality", call, " ")

	print "Per call: median ns/call; added: median over the rounds of (configuration − that"
	print "round's no-filter run)."
	print ""
	print "| configuration | getppid ns/call | added | personality(0xffffffff) ns/call | added |"
	print "|---|---:|---:|---:|---:|"
	for (k = 1; k <= nconf; k++) {
		c = cfg[k]
		printf "| %s |", label[c]
		for (i = 1; i <= ncall; i++) {
			s = call[i]
			med[s, c] = median_of(ns, c, rounds, s SUBSEP)
			add[s, c] = median_diff(ns, c, "none", rounds, s SUBSEP)
			if (c == "none") printf " %.1f | — |", med[s, c]
			else printf " %.1f | %+.1f |", med[s, c], add[s, c]
		}
		print ""
	}

	if (nrounds) {
		nnconf = configs("none=no filter\n" \
			"floor=floor: a one-instruction filter that allows all\n" \
			"learned=nginx's learned profile\n" \
			"podman=podman's default", ncfg, nlabel)
		print ""
		print "nginx: median requests/s and nginx's CPU time per request (utime + stime of its"
		print "processes ÷ requests served), and the medians over the rounds of (configuration ÷"
		print "that round's no-filter run)."
		print ""
		print "| configuration | requests/s | ÷ no filter | CPU ns/request | ÷ no filter |"
		print "|---|---:|---:|---:|---:|"
		e = 0
		for (k = 1; k <= nnconf; k++) {
			c = ncfg[k]
			for (r = 1; r <= nrounds; r++) e += errs[r, c]
			req[c] = median_of(rps, c, nrounds)
			rel[c] = median_ratio(rps, c, "none", nrounds)
			if (c == "learned") rci = ci("%.4f")
			cpr[c] = median_of(cpu, c, nrounds)
			crel[c] = median_ratio(cpu, c, "none", nrounds)
			printf "| %s | %.0f | %.4f | %.0f | %.4f |\n", nlabel[c], req[c], rel[c], cpr[c],
				crel[c]
		}
		# the learned profile (argument rules and all) against the floor, round by round
		fl_rps = median_ratio(rps, "learned", "floor", nrounds); fl_rps_lo = cilo; fl_rps_hi = cihi
		fl_cpu = median_ratio(cpu, "learned", "floor", nrounds); fl_cpu_lo = cilo; fl_cpu_hi = cihi
	}

	print ""
	print "| target (from the issue) | measured | verdict |"
	print "|---|---:|---|"
	for (i = 1; i <= ncall; i++) {
		s = call[i]
		n = 0
		for (r = 1; r <= rounds; r++)
			v[++n] = (ns[s, r, "learned"] - ns[s, r, "none"]) - (ns[s, r, "podman"] - ns[s, r, "none"])
		m = stats(v, n)
		printf "| %s: a learned profile costs no more than podman's default | %+.1f vs %+.1f ns " \
			"(median difference %+.1f) | %s |\n", s, add[s, "learned"], add[s, "podman"], m,
			verdict(m <= 0)
	}
	m = median_diff(ns, "learned", "floor", rounds, "getppid" SUBSEP)
	printf "| getppid: a learned profile with argument rules costs what the floor does " \
		"(within noise) | median difference %+.1f ns, 95%% CI %+.1f … %+.1f | %s |\n", m, cilo,
		cihi, verdict(cilo <= 0)
	if (nrounds) {
		printf "| nginx: its learned profile with argument rules costs what the floor does " \
			"(CPU per request, 95%% CI within ±5%%) | requests/s ÷ floor %.4f, 95%% CI %.4f … %.4f; CPU/request ÷ " \
			"floor %.4f, 95%% CI %.4f … %.4f | %s |\n", fl_rps, fl_rps_lo, fl_rps_hi, fl_cpu,
			fl_cpu_lo, fl_cpu_hi, verdict_near(fl_cpu_lo, fl_cpu_hi, 0.05)
	}
	if (nrounds)
		printf "| nginx: a learned profile costs no more than 1%% of requests/s | %.0f vs %.0f " \
			"req/s: %.2f%% (ratio %.4f, %s; the floor %.4f, podman's default %.4f); %d " \
			"failed requests | %s |\n", req["learned"], req["none"], 100 * (1 - rel["learned"]),
			rel["learned"], rci, rel["floor"], rel["podman"], e,
			verdict(rel["learned"] >= 0.99 && e == 0)
}
