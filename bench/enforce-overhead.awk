# SPDX-License-Identifier: GPL-2.0-only
# Tables of bench/enforce-overhead.sh from its raw file. Differences and ratios are
# taken within a round, then summed up by their median over the rounds.
#
#   awk -f bench/stats.awk -f bench/enforce-overhead.awk bench/results/enforce-overhead.raw

function verdict(ok) { return ok ? "**met**" : "**missed**" }
# A ratio "as the floor does": met when its 95% CI holds 1 (or lies below) and is
# narrower than ±tol; a wider CI says nothing either way.
function near(lo, hi, tol) {
	if (lo > hi)
		return "**inconclusive** (too few rounds for a 95% CI)"
	if (lo > 1)
		return "**missed**"
	if ((hi - lo) / 2 > tol)
		return sprintf("**inconclusive** (CI wider than ±%.0f%%: more rounds)", 100 * tol)
	return "**met**"
}

/^#/ { next }
$1 == "syscall" { ns[$2, $3, $4] = $5; if ($3 > rounds) rounds = $3; calls[$2] = 1 }
$1 == "nginx" { rps[$2, $3] = $4; errs[$2, $3] = $5; cpu[$2, $3] = $6; if ($2 > nrounds) nrounds = $2 }
END {
	split("none floor podman podman-linear learned learned-linear", cfg, " ")
	label["none"] = "no filter"
	label["floor"] = "floor: a one-instruction filter that allows all"
	label["podman"] = "podman's default, binary tree"
	label["podman-linear"] = "podman's default, linear"
	label["learned"] = "learned profile, binary tree"
	label["learned-linear"] = "learned profile, linear"
	ncall = split("getppid personality", call, " ")

	print "Per call: median ns/call; added: median over the rounds of (configuration − that"
	print "round's no-filter run)."
	print ""
	print "| configuration | getppid ns/call | added | personality(0xffffffff) ns/call | added |"
	print "|---|---:|---:|---:|---:|"
	for (k = 1; k <= 6; k++) {
		c = cfg[k]
		printf "| %s |", label[c]
		for (i = 1; i <= ncall; i++) {
			s = call[i]
			n = 0; for (r = 1; r <= rounds; r++) v[++n] = ns[s, r, c]
			med[s, c] = stats(v, n)
			n = 0; for (r = 1; r <= rounds; r++) v[++n] = ns[s, r, c] - ns[s, r, "none"]
			add[s, c] = stats(v, n)
			if (c == "none") printf " %.1f | — |", med[s, c]
			else printf " %.1f | %+.1f |", med[s, c], add[s, c]
		}
		print ""
	}

	if (nrounds) {
		split("none floor learned podman", ncfg, " ")
		nlabel["none"] = "no filter"
		nlabel["floor"] = "floor: a one-instruction filter that allows all"
		nlabel["learned"] = "nginx's learned profile"
		nlabel["podman"] = "podman's default"
		print ""
		print "nginx: median requests/s and nginx's CPU time per request (utime + stime of its"
		print "processes ÷ requests served), and the medians over the rounds of (configuration ÷"
		print "that round's no-filter run)."
		print ""
		print "| configuration | requests/s | ÷ no filter | CPU ns/request | ÷ no filter |"
		print "|---|---:|---:|---:|---:|"
		e = 0
		for (k = 1; k <= 4; k++) {
			c = ncfg[k]
			n = 0; for (r = 1; r <= nrounds; r++) w[++n] = rps[r, c]
			req[c] = stats(w, n)
			n = 0; for (r = 1; r <= nrounds; r++) { w[++n] = rps[r, c] / rps[r, "none"]; e += errs[r, c] }
			rel[c] = stats(w, n)
			if (c == "learned")
				rci = cilo > cihi ? "too few rounds for a 95% CI" : \
					sprintf("95%% CI %.4f … %.4f", cilo, cihi)
			n = 0; for (r = 1; r <= nrounds; r++) w[++n] = cpu[r, c]
			cpr[c] = stats(w, n)
			n = 0; for (r = 1; r <= nrounds; r++) w[++n] = cpu[r, c] / cpu[r, "none"]
			crel[c] = stats(w, n)
			printf "| %s | %.0f | %.4f | %.0f | %.4f |\n", nlabel[c], req[c], rel[c], cpr[c],
				crel[c]
		}
		# the learned profile (argument rules and all) against the floor, round by round
		n = 0; for (r = 1; r <= nrounds; r++) w[++n] = rps[r, "learned"] / rps[r, "floor"]
		fl_rps = stats(w, n); fl_rps_lo = cilo; fl_rps_hi = cihi
		n = 0; for (r = 1; r <= nrounds; r++) w[++n] = cpu[r, "learned"] / cpu[r, "floor"]
		fl_cpu = stats(w, n); fl_cpu_lo = cilo; fl_cpu_hi = cihi
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
	n = 0
	for (r = 1; r <= rounds; r++) v[++n] = ns["getppid", r, "learned"] - ns["getppid", r, "floor"]
	m = stats(v, n)
	printf "| getppid: a learned profile with argument rules costs what the floor does " \
		"(within noise) | median difference %+.1f ns, 95%% CI %+.1f … %+.1f | %s |\n", m, cilo,
		cihi, verdict(cilo <= 0)
	if (nrounds) {
		printf "| nginx: its learned profile with argument rules costs what the floor does " \
			"(CPU per request, 95%% CI within ±5%%) | requests/s ÷ floor %.4f, 95%% CI %.4f … %.4f; CPU/request ÷ " \
			"floor %.4f, 95%% CI %.4f … %.4f | %s |\n", fl_rps, fl_rps_lo, fl_rps_hi, fl_cpu,
			fl_cpu_lo, fl_cpu_hi, near(fl_cpu_lo, fl_cpu_hi, 0.05)
	}
	if (nrounds)
		printf "| nginx: a learned profile costs no more than 1%% of requests/s | %.0f vs %.0f " \
			"req/s: %.2f%% (ratio %.4f, %s; the floor %.4f, podman's default %.4f); %d " \
			"failed requests | %s |\n", req["learned"], req["none"], 100 * (1 - rel["learned"]),
			rel["learned"], rci, rel["floor"], rel["podman"], e,
			verdict(rel["learned"] >= 0.99 && e == 0)
}
