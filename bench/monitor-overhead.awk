# SPDX-License-Identifier: GPL-2.0-only
# Tables of bench/monitor-overhead.sh from its raw file. Differences and ratios are
# taken within a round, then summed up by their median over the rounds.
#
#   awk -f bench/stats.awk -f bench/monitor-overhead.awk bench/results/monitor-overhead.raw

function verdict(ok) { return ok ? "**met**" : "**missed**" }

/^#/ { next }
$1 == "syscall" { ns[$2, $3] = $4; al[$3] += $5; if ($2 > rounds) rounds = $2 }
$1 == "nginx" { rps[$2, $3] = $4; errs[$3] += $5; nal[$3] += $6; if ($2 > nrounds) nrounds = $2 }
END {
	split("none floor floor_exit held held_nodenials outside held_raw outside_raw", cfg, " ")
	label["none"] = "no monitor"
	label["floor"] = "floor: a no-op tp_btf/sys_enter program"
	label["floor_exit"] = "floor: no-op tp_btf/sys_enter and sys_exit programs"
	label["held"] = "held by the monitor (getppid allowed)"
	label["held_nodenials"] = "held by the monitor with --no-denials (no sys_exit program)"
	label["outside"] = "not held, while the monitor holds another process"
	label["held_raw"] = "held, tp_btf refused (the raw_tp fallback)"
	label["outside_raw"] = "not held, tp_btf refused (the raw_tp fallback)"

	print "getppid: median ns/call; added: median over the rounds of (configuration − that"
	print "round's run without a monitor)."
	print ""
	print "| configuration | ns/call | added | 95% CI of added | alerts |"
	print "|---|---:|---:|---|---:|"
	for (k = 1; k <= 8; k++) {
		c = cfg[k]
		n = 0; for (r = 1; r <= rounds; r++) v[++n] = ns[r, c]
		med[c] = stats(v, n)
		n = 0; for (r = 1; r <= rounds; r++) v[++n] = ns[r, c] - ns[r, "none"]
		add[c] = stats(v, n)
		ci = cilo > cihi ? "—" : sprintf("%+.1f … %+.1f", cilo, cihi)
		if (c == "none") printf "| %s | %.1f | — | — | %d |\n", label[c], med[c], al[c]
		else printf "| %s | %.1f | %+.1f | %s | %d |\n", label[c], med[c], add[c], ci, al[c]
	}
	# what seeing seccomp's refusals costs an allowed syscall: held with and without them;
	# and what any program on sys_exit costs: the two floors
	n = 0; for (r = 1; r <= rounds; r++) v[++n] = ns[r, "held"] - ns[r, "held_nodenials"]
	dexit = stats(v, n)
	dci = cilo > cihi ? "too few rounds for a 95% CI" : sprintf("95%% CI %+.1f … %+.1f", cilo, cihi)
	n = 0; for (r = 1; r <= rounds; r++) v[++n] = ns[r, "floor_exit"] - ns[r, "floor"]
	fexit = stats(v, n)
	fci = cilo > cihi ? "too few rounds for a 95% CI" : sprintf("95%% CI %+.1f … %+.1f", cilo, cihi)

	if (nrounds) {
		n = 0; for (r = 1; r <= nrounds; r++) w[++n] = rps[r, "none"]
		base = stats(w, n)
		n = 0; for (r = 1; r <= nrounds; r++) w[++n] = rps[r, "held"]
		held = stats(w, n)
		n = 0; for (r = 1; r <= nrounds; r++) w[++n] = rps[r, "floor"]
		flo = stats(w, n)
		n = 0; for (r = 1; r <= nrounds; r++) w[++n] = rps[r, "floor"] / rps[r, "none"]
		frel = stats(w, n)
		n = 0; for (r = 1; r <= nrounds; r++) w[++n] = rps[r, "held_nodenials"]
		heldnd = stats(w, n)
		n = 0; for (r = 1; r <= nrounds; r++) w[++n] = rps[r, "held_nodenials"] / rps[r, "none"]
		ndrel = stats(w, n)
		n = 0; for (r = 1; r <= nrounds; r++) w[++n] = rps[r, "held"] / rps[r, "none"]
		rel = stats(w, n)
		rci = cilo > cihi ? "too few rounds for a 95% CI" : sprintf("95%% CI %.4f … %.4f", cilo, cihi)
		# met or missed only when the interval is on one side of the target
		if (cilo > cihi || (cilo < 0.99 && cihi > 0.99)) nverdict = "**not resolved**: the CI spans 0.99"
		else nverdict = verdict(cilo >= 0.99)
		print ""
		print "| nginx | requests/s | ÷ no monitor | failed requests | alerts |"
		print "|---|---:|---:|---:|---:|"
		printf "| no monitor | %.0f | 1.0000 | %d | — |\n", base, errs["none"]
		printf "| floor: a no-op tp_btf/sys_enter program | %.0f | %.4f | %d | — |\n", flo, frel, errs["floor"]
		printf "| held by the monitor | %.0f | %.4f | %d | %d |\n", held, rel, errs["held"], nal["held"]
		printf "| held by the monitor with --no-denials | %.0f | %.4f | %d | %d |\n", heldnd, ndrel,
			errs["held_nodenials"], nal["held_nodenials"]
	}

	print ""
	print "| target (from the issue) | measured | verdict |"
	print "|---|---:|---|"
	if (nrounds)
		printf "| nginx under the monitor loses under 1%% of requests/s | %.2f%% (ratio %.4f, %s); " \
			"%d failed requests, %d alerts; the floor loses %.2f%% | %s |\n", 100 * (1 - rel), rel, rci,
			errs["held"], nal["held"], 100 * (1 - frel),
			errs["held"] || nal["held"] ? verdict(0) : nverdict
	printf "| (no target) ns added per allowed syscall: held / not held | %+.1f / %+.1f ns " \
		"(the floor of any sys_enter program: %+.1f) | — |\n", add["held"], add["outside"], add["floor"]
	n = 0; for (r = 1; r <= rounds; r++) v[++n] = ns[r, "outside_raw"] - ns[r, "outside"]
	draw = stats(v, n)
	rawci = cilo > cihi ? "too few rounds for a 95% CI" : sprintf("95%% CI %+.1f … %+.1f", cilo, cihi)
	printf "| (no target) ns the raw_tp fallback adds to every syscall of a process not held " \
		"(not held, raw_tp − tp_btf, within each round) | %+.1f ns (%s) | — |\n", draw, rawci
	printf "| (no target) ns the sys_exit program adds to an allowed syscall of a held process " \
		"(held − held with --no-denials, within each round) | %+.1f ns (%s); any no-op sys_exit " \
		"program adds %+.1f ns (%s) | — |\n", dexit, dci, fexit, fci
}
