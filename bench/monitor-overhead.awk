# SPDX-License-Identifier: GPL-2.0-only
# Tables of bench/monitor-overhead.sh from its raw file.
#
#   awk -f bench/stats.awk -f bench/monitor-overhead.awk bench/results/monitor-overhead.raw

$1 == "syscall" { ns[$2, $3] = $4; al[$3] += $5; if ($2 > rounds) rounds = $2 }
$1 == "nginx" { rps[$2, $3] = $4; errs[$3] += $5; nal[$3] += $6; if ($2 > nrounds) nrounds = $2 }
END {
	nconf = configs("none=no monitor\n" \
		"floor=floor: a no-op tp_btf/sys_enter program\n" \
		"floor_exit=floor: no-op tp_btf/sys_enter and sys_exit programs\n" \
		"held=held by the monitor (getppid allowed)\n" \
		"held_nodenials=held by the monitor with --no-denials (no sys_exit program)\n" \
		"outside=not held, while the monitor holds another process\n" \
		"held_raw=held, tp_btf refused (the raw_tp fallback)\n" \
		"outside_raw=not held, tp_btf refused (the raw_tp fallback)", cfg, label)

	print "getppid: median ns/call; added: median over the rounds of (configuration − that"
	print "round's run without a monitor)."
	print ""
	added_table(nconf, cfg, label, ns, rounds, al)
	# what seeing seccomp's refusals costs an allowed syscall: held with and without them;
	# and what any program on sys_exit costs: the two floors
	dexit = median_diff(ns, "held", "held_nodenials", rounds); dci = ci("%+.1f")
	fexit = median_diff(ns, "floor_exit", "floor", rounds); fci = ci("%+.1f")

	if (nrounds) {
		base = median_of(rps, "none", nrounds)
		held = median_of(rps, "held", nrounds)
		flo = median_of(rps, "floor", nrounds)
		frel = median_ratio(rps, "floor", "none", nrounds)
		heldnd = median_of(rps, "held_nodenials", nrounds)
		ndrel = median_ratio(rps, "held_nodenials", "none", nrounds)
		rel = median_ratio(rps, "held", "none", nrounds); rci = ci("%.4f")
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
	draw = median_diff(ns, "outside_raw", "outside", rounds); rawci = ci("%+.1f")
	printf "| (no target) ns the raw_tp fallback adds to every syscall of a process not held " \
		"(not held, raw_tp − tp_btf, within each round) | %+.1f ns (%s) | — |\n", draw, rawci
	printf "| (no target) ns the sys_exit program adds to an allowed syscall of a held process " \
		"(held − held with --no-denials, within each round) | %+.1f ns (%s); any no-op sys_exit " \
		"program adds %+.1f ns (%s) | — |\n", dexit, dci, fexit, fci
}
