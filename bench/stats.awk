# SPDX-License-Identifier: GPL-2.0-only
# Statistics shared by the benchmark tables (awk -f bench/stats.awk -f bench/X.awk).

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

