# SPDX-License-Identifier: GPL-2.0-only
# Tables of bench/learn-overhead.sh from its raw file ("round config ns_per_call" lines).
# Every difference is taken within a round, between measurements made seconds apart.
#
#   awk -f bench/stats.awk -f bench/learn-overhead.awk bench/results/learn-overhead.raw

# Target "x's added <= limit * y's added": ratio of the medians, and per round the margin
# x_added - limit * y_added, which is below 0 where that round meets the target.
function target(text, x, y, limit, strict,    r, n, ratio, m, ok, said) {
	ratio = add[x] / add[y]
	n = 0
	for (r = 1; r <= rounds; r++)
		v[++n] = (ns[r, x] - ns[r, "base"]) - limit * (ns[r, y] - ns[r, "base"])
	m = stats(v, n)
	ok = strict ? ratio < limit : ratio <= limit
	said = verdict(ok)
	if (cilo > cihi)
		said = said " (too few rounds to tell it from noise)"
	else if (cilo <= 0 && cihi >= 0)
		said = said " (within noise: the margin's CI spans 0)"
	printf "| %s | %.2f× (%.1f vs %.1f ns) | %+.1f (%s) | %s |\n", text, ratio, add[x], add[y], m,
		ci_range("%+.1f", "n/a"), said
}

NF == 3 { ns[$1, $2] = $3; if ($1 > rounds) rounds = $1 }
END {
	if (!rounds) {
		print "learn-overhead.awk: no measurements" > "/dev/stderr"
		exit 1
	}
	nconf = configs("base=none (baseline)\n" \
		"floor=floor: no-op tp_btf/sys_enter\n" \
		"syscount=libbpf-tools syscount\n" \
		"inside=eunomia learn, loop inside\n" \
		"outside=eunomia learn, loop outside", cfg, label)
	for (k = 1; k <= nconf; k++) {
		c = cfg[k]
		for (r = 1; r <= rounds; r++)
			if (!((r, c) in ns)) {
				printf "learn-overhead.awk: round %d has no %s\n", r, c > "/dev/stderr"
				exit 1
			}
		med[c] = median_of(ns, c, rounds)
		if (c == "base") continue
		add[c] = median_diff(ns, c, "base", rounds); addlo[c] = lo; addhi[c] = hi
		over[c] = median_diff(ns, c, "floor", rounds); overci[c] = ci_range("%+.1f", "n/a")
	}

	print "Added ns: the median over the rounds of (this configuration − that round's baseline);"
	print "min – max is their spread, i.e. the noise. Over floor: the same against the round's"
	print "floor, with a 95% confidence interval of that median."
	print ""
	print "| configuration | median ns/call | median added ns vs none | added: min – max " \
		"| added / floor's added | median ns over floor (95% CI) |"
	print "|---|---:|---:|---:|---:|---:|"
	for (k = 1; k <= nconf; k++) {
		c = cfg[k]
		if (c == "base") {
			printf "| %s | %.1f | — | — | — | — |\n", label[c], med[c]
			continue
		}
		printf "| %s | %.1f | %.1f | %.1f – %.1f | %.2f× | ", label[c], med[c], add[c],
			addlo[c], addhi[c], add[c] / add["floor"]
		if (c == "floor")
			print "— |"
		else
			printf "%+.1f (%s) |\n", over[c], overci[c]
	}

	print ""
	print "Targets compare added costs. Margin: per round, the added ns minus the limit times"
	print "the reference's added ns; below 0 meets the target. Median (95% CI) over the rounds."
	print ""
	print "| target (from the issue) | measured | margin ns (95% CI) | verdict |"
	print "|---|---:|---:|---|"
	target("learn-inside added ≤ 1.10 × floor's added", "inside", "floor", 1.10, 0)
	target("learn-outside added ≤ 1.05 × floor's added", "outside", "floor", 1.05, 0)
	target("learn-inside added < 0.5 × syscount's added", "inside", "syscount", 0.5, 1)
}
