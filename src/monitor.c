/*
 * monitor.c - pure helpers for input and output monitoring (see
 * monitor.h): bin cut points (at stats.c's quantiles), a chi-square of two label
 * distributions, mean and standard deviation.
 */
#include "sg/monitor.h"

#include <math.h>

void sg_bin_cuts(const double *sorted, size_t n, size_t bins, double *cuts)
{
	size_t i;

	for (i = 1; i < bins; i++)
		cuts[i - 1] = sg_quantile_sorted(sorted, n,
						 (double)i / (double)bins);
}

size_t sg_bin_of(const double *cuts, size_t bins, double x)
{
	size_t lo = 0, hi = bins ? bins - 1 : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cuts[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

double sg_chi_square_2col(const long *a, const long *b, size_t k, long *df)
{
	double ta = 0, tb = 0, n, chi = 0;
	size_t i, rows = 0;

	if (df)
		*df = 0;
	for (i = 0; i < k; i++) {
		if (a[i] < 0 || b[i] < 0)
			return NAN;
		ta += (double)a[i];
		tb += (double)b[i];
		rows += a[i] || b[i];
	}
	if (rows < 2 || ta <= 0 || tb <= 0)
		return NAN;
	n = ta + tb;
	for (i = 0; i < k; i++) {
		double row = (double)a[i] + (double)b[i], ea, eb, da, db;

		if (row <= 0)
			continue;
		ea = row * ta / n;
		eb = row * tb / n;
		da = (double)a[i] - ea;
		db = (double)b[i] - eb;
		chi += da * da / ea + db * db / eb;
	}
	if (df)
		*df = (long)rows - 1;
	return chi;
}

void sg_mean_std(const double *v, size_t n, double *mean, double *std,
		 size_t *used)
{
	long double m = 0, m2 = 0;
	size_t i, cnt = 0;

	for (i = 0; i < n; i++) {
		long double d;

		if (isnan(v[i]))
			continue;
		cnt++;
		d = v[i] - m;
		m += d / (long double)cnt;
		m2 += d * (v[i] - m);
	}
	if (used)
		*used = cnt;
	*mean = cnt ? (double)m : NAN;
	*std = cnt > 1 ? (double)sqrtl(m2 / (long double)(cnt - 1)) : NAN;
}
