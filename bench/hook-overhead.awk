# SPDX-License-Identifier: GPL-2.0-only
# Tables of bench/hook-overhead.sh from its raw file ("round plain_ms served_ms started_ms"
# lines); what the hook adds is the median of the differences within each round.
#
#   awk -f bench/stats.awk -f bench/hook-overhead.awk bench/results/hook-overhead.raw

{ n++; p[n] = $2; s[n] = $3; h[n] = $4; ds[n] = $3 - $2; dh[n] = $4 - $2 }
END {
	mp = stats(p, n); ms = stats(s, n); mh = stats(h, n)
	mds = stats(ds, n); cis = ci_range("%.1f", "n/a")
	mdh = stats(dh, n); cih = ci_range("%.1f", "n/a")
	print "| | median ms | added (median of round differences) | 95% CI of added |"
	print "|---|---:|---:|---|"
	printf "| runc run, no hooks | %.1f | — | — |\n", mp
	printf "| the hook learning, through the resident learner | %.1f | %.1f | %s |\n", ms, mds, cis
	printf "| the hook learning, starting a learner itself | %.1f | %.1f | %s |\n", mh, mdh, cih
	print ""
	print "| target (from the issue) | measured | verdict |"
	print "|---|---:|---|"
	printf "| the hook adds under 20 ms (resident learner) | %.1f ms | %s |\n", mds, verdict(mds < 20)
	printf "| (no target) without the resident learner | %.1f ms | — |\n", mdh
}
