# SPDX-License-Identifier: GPL-2.0-only
# The statistics of every benchmark table, loaded first: awk -f bench/stats.awk -f
# bench/X.awk RAW, where X.awk reads its raw lines and lays out its tables and targets.
# Figures are medians over rounds; a difference or ratio is taken within each round (the
# machine drifts more between rounds than within one) and only then summed up.

# A raw file's comment lines: what was run and its columns.
/^#/ { next }

function sort(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}

# Median of v[1..n]; also sets lo, hi (min, max) and cilo, cihi: a 95% confidence interval
# of the median that assumes nothing of the noise (order statistics, binomial): with n = 21
# it runs from the 6th to the 16th smallest value. Too few values for one: cilo > cihi.
function stats(v, n,    k, p, cum) {
	sort(v, n)
	lo = v[1]; hi = v[n]
	p = 0.5 ^ n; cum = p; k = 0
	while (cum <= 0.025) {
		k++
		p = p * (n - k + 1) / k
		cum += p
	}
	if (k > 0) { cilo = v[k]; cihi = v[n - k + 1] } else { cilo = 1; cihi = 0 }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}

# A table's configurations in order, from its lines "name=label": their names into
# cfg[1..n], what the table calls each into label[name]; returns n.
function configs(table, cfg, label,    n, k, e, i) {
	n = split(table, e, "\n")
	for (k = 1; k <= n; k++) {
		i = index(e[k], "=")
		cfg[k] = substr(e[k], 1, i - 1)
		label[cfg[k]] = substr(e[k], i + 1)
	}
	return n
}

# Rounds 1..n of a measure a, a[r, c] for configuration c in round r (or a[p r, c] for a
# raw file whose lines carry another key first: p = key SUBSEP), summed up by stats(): the
# median of c, of c − ref and of c ÷ ref within each round.
function median_of(a, c, n, p,    v, r) {
	for (r = 1; r <= n; r++) v[r] = a[p r, c]
	return stats(v, n)
}

function median_diff(a, c, ref, n, p,    v, r) {
	for (r = 1; r <= n; r++) v[r] = a[p r, c] - a[p r, ref]
	return stats(v, n)
}

function median_ratio(a, c, ref, n, p,    v, r) {
	for (r = 1; r <= n; r++) v[r] = a[p r, c] / a[p r, ref]
	return stats(v, n)
}

# The last stats() call's 95% CI as "LO … HI", each in fmt, or none where there is none.
function ci_range(fmt, none) {
	return cilo > cihi ? none : sprintf(fmt " … " fmt, cilo, cihi)
}

# The same as "95% CI LO … HI", or why there is none.
function ci(fmt) {
	return cilo > cihi ? "too few rounds for a 95% CI" : "95% CI " ci_range(fmt)
}

# The table of ns per call of the configurations cfg[1..n] over the rounds of ns, each
# with what it adds to cfg[1] (the reference: a median of differences within each round)
# and the 95% CI of that, and its alerts al[c]; sets med[c], add[c], addlo[c] and addhi[c].
function added_table(n, cfg, label, ns, rounds, al,    k, c) {
	print "| configuration | ns/call | added | 95% CI of added | alerts |"
	print "|---|---:|---:|---|---:|"
	for (k = 1; k <= n; k++) {
		c = cfg[k]
		med[c] = median_of(ns, c, rounds)
		add[c] = median_diff(ns, c, cfg[1], rounds)
		addlo[c] = cilo; addhi[c] = cihi
		if (k == 1) printf "| %s | %.1f | — | — | %d |\n", label[c], med[c], al[c]
		else printf "| %s | %.1f | %+.1f | %s | %d |\n", label[c], med[c], add[c],
			ci_range("%+.1f", "—"), al[c]
	}
}

# Verdicts on a target.
function verdict(ok) { return ok ? "**met**" : "**missed**" }

# A ratio "as the reference does": met when its 95% CI lo … hi holds 1 (or lies below)
# and is narrower than ±tol; a wider CI says nothing either way.
function verdict_near(lo, hi, tol) {
	if (lo > hi)
		return "**inconclusive** (too few rounds for a 95% CI)"
	if (lo > 1)
		return verdict(0)
	if ((hi - lo) / 2 > tol)
		return sprintf("**inconclusive** (CI wider than ±%.0f%%: more rounds)", 100 * tol)
	return verdict(1)
}
