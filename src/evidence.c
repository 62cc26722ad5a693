/*
 * evidence.c - the statistics behind a gate's decision beyond one
 * interval: score-test p-values of thresholds, multiplicity corrections,
 * the number of cases an undecided check still needs, and the paired
 * comparison of two models (McNemar, Newcombe). See include/sg/evidence.h.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "sg/buf.h"
#include "sg/evidence.h"
#include "sg/stats.h"

double sg_score_test_p(long k, long n, double t, enum sg_bound bound)
{
	double rate, z, p;

	if (n <= 0 || k < 0 || k > n || !(t >= 0.0 && t <= 1.0))
		return NAN;
	rate = (double)k / (double)n;
	if (t == 0.0 || t == 1.0) {
		/* no spread under the null: a rate at t is t, any other
		 * rate is on one side of it with certainty */
		if (rate == t)
			return 1.0;
		p = rate > t ? 1.0 : 0.0;
		return bound == SG_BOUND_MIN ? p : 1.0 - p;
	}
	z = (rate - t) / sqrt(t * (1.0 - t) / (double)n);
	p = sg_norm_cdf(z);
	return bound == SG_BOUND_MIN ? p : 1.0 - p;
}

struct pidx {
	double p;
	size_t i;
};

static int cmp_pidx(const void *pa, const void *pb)
{
	const struct pidx *a = pa, *b = pb;

	if (a->p != b->p)
		return a->p < b->p ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

size_t sg_multiplicity_reject(const double *p, size_t m, double alpha,
			      enum sg_multiplicity how, int *reject)
{
	struct pidx *s;
	size_t i, judged = 0, n = 0;

	for (i = 0; i < m; i++) {
		reject[i] = 0;
		if (!isnan(p[i]))
			judged++;
	}
	if (!judged)
		return 0;
	if (how == SG_MULT_NONE || how == SG_MULT_BONFERRONI) {
		double level = how == SG_MULT_NONE ? alpha
						   : alpha / (double)judged;

		for (i = 0; i < m; i++)
			if (!isnan(p[i]) && p[i] < level) {
				reject[i] = 1;
				n++;
			}
		return n;
	}
	s = sg_xcalloc(judged, sizeof(*s));
	for (i = 0; i < m; i++)
		if (!isnan(p[i])) {
			s[n].p = p[i];
			s[n].i = i;
			n++;
		}
	qsort(s, judged, sizeof(*s), cmp_pidx);
	n = 0;
	for (i = 0; i < judged; i++) {
		if (!(s[i].p < alpha / (double)(judged - i)))
			break;
		reject[s[i].i] = 1;
		n++;
	}
	free(s);
	return n;
}

/* Whether the interval at `rate` with n cases lies wholly on one side. */
static int decided(double rate, double n, double t, enum sg_bound bound,
		   double confidence)
{
	double lo, hi;

	sg_wilson_rate(rate, n, confidence, &lo, &hi);
	if (bound == SG_BOUND_MIN)
		return lo >= t || hi < t;
	return hi <= t || lo > t;
}

long sg_more_cases(long k, long n, double t, enum sg_bound bound,
		   double confidence)
{
	double rate;
	long lo, hi;

	if (n <= 0 || k < 0 || k > n)
		return -1;
	rate = (double)k / (double)n;
	if (decided(rate, (double)n, t, bound, confidence))
		return 0;
	/* at the same estimate the interval narrows towards it as n grows:
	 * find a decided size by doubling, then the first one by halving
	 * the gap (decided(lo) is false, decided(hi) true) */
	lo = n;
	hi = n;
	do {
		if (hi > LONG_MAX / 4)
			return -1;
		lo = hi;
		hi *= 2;
	} while (!decided(rate, (double)hi, t, bound, confidence));
	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;

		if (decided(rate, (double)mid, t, bound, confidence))
			hi = mid;
		else
			lo = mid;
	}
	return hi - n;
}

/* P(X = m) for X ~ Binomial(N, 1/2). */
static double binom_half_pmf(long m, long N)
{
	return exp(lgamma((double)N + 1.0) - lgamma((double)m + 1.0) -
		   lgamma((double)(N - m) + 1.0) - (double)N * log(2.0));
}

/* P(X <= m) for X ~ Binomial(N, 1/2), m <= N / 2 or not. */
static double binom_half_cdf(long m, long N)
{
	double term = 1.0, sum = 1.0;
	long i;

	if (m >= N)
		return 1.0;
	/* pmf(i - 1) = pmf(i) * i / (N - i + 1), summed relative to pmf(m);
	 * the terms fall fast below the mode, so stop when they vanish */
	for (i = m; i > 0; i--) {
		term *= (double)i / (double)(N - i + 1);
		sum += term;
		if (term < sum * 1e-18)
			break;
	}
	return binom_half_pmf(m, N) * sum;
}

double sg_mcnemar_exact_p(long b, long c)
{
	long m = b < c ? b : c;
	double p;

	if (b < 0 || c < 0)
		return NAN;
	if (b + c == 0)
		return 1.0;
	p = 2.0 * binom_half_cdf(m, b + c);
	return p > 1.0 ? 1.0 : p;
}

double sg_mcnemar_mid_p(long b, long c)
{
	long m = b < c ? b : c;

	if (b < 0 || c < 0)
		return NAN;
	if (b + c == 0)
		return 1.0;
	return sg_mcnemar_exact_p(b, c) - binom_half_pmf(m, b + c);
}

void sg_newcombe_paired(long a, long b, long c, long d, double confidence,
			double *diff, double *low, double *high)
{
	double n = (double)a + (double)b + (double)c + (double)d;
	double p1, p2, l1, u1, l2, u2, den, phi, dl, du;

	*diff = *low = *high = NAN;
	if (a < 0 || b < 0 || c < 0 || d < 0 || n == 0.0)
		return;
	sg_wilson(a + b, a + b + c + d, confidence, &l1, &u1);
	sg_wilson(a + c, a + b + c + d, confidence, &l2, &u2);
	if (isnan(l1) || isnan(l2))
		return;
	p1 = ((double)a + (double)b) / n;
	p2 = ((double)a + (double)c) / n;
	den = ((double)a + (double)b) * ((double)c + (double)d) *
	      ((double)a + (double)c) * ((double)b + (double)d);
	phi = den > 0.0 ? ((double)a * (double)d - (double)b * (double)c) /
				  sqrt(den)
			: 0.0;
	dl = (p1 - l1) * (p1 - l1) - 2.0 * phi * (p1 - l1) * (u2 - p2) +
	     (u2 - p2) * (u2 - p2);
	du = (u1 - p1) * (u1 - p1) - 2.0 * phi * (u1 - p1) * (p2 - l2) +
	     (p2 - l2) * (p2 - l2);
	*diff = ((double)b - (double)c) / n;
	*low = *diff - sqrt(dl > 0.0 ? dl : 0.0);
	*high = *diff + sqrt(du > 0.0 ? du : 0.0);
	if (*low < -1.0)
		*low = -1.0;
	if (*high > 1.0)
		*high = 1.0;
}

void sg_gwet_ac1(const long *m, size_t k, double confidence,
		 struct sg_kappa *out)
{
	double z = sg_z_for_confidence(confidence);
	double *pi, n = 0.0, pa = 0.0, pe = 0.0, ac, sum = 0.0, x, v;
	size_t i, j, q = 0;

	out->value = out->se = out->low = out->high = NAN;
	for (i = 0; i < k * k; i++) {
		if (m[i] < 0)
			return;
		n += (double)m[i];
	}
	if (n == 0.0)
		return;
	pi = sg_xcalloc(k ? k : 1, sizeof(*pi));
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			pi[i] += (double)m[i * k + j] / (2.0 * n);
			pi[j] += (double)m[i * k + j] / (2.0 * n);
		}
	for (i = 0; i < k; i++) {
		pa += (double)m[i * k + i] / n;
		pe += pi[i] * (1.0 - pi[i]);
		if (pi[i] > 0.0)
			q++;
	}
	if (q < 2) {
		free(pi);
		return;
	}
	pe /= (double)(q - 1);
	ac = (pa - pe) / (1.0 - pe);
	/* Gwet's variance: sum over the cells of p_kl times the squared
	 * (agreement weight - 2 (1 - AC1) (1 - (pi_k + pi_l) / 2) / (q - 1)),
	 * less (p_a - 2 (1 - AC1) p_e)^2, over n (1 - p_e)^2 */
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			if (!m[i * k + j])
				continue;
			x = (i == j ? 1.0 : 0.0) -
			    2.0 * (1.0 - ac) * (1.0 - (pi[i] + pi[j]) / 2.0) /
				    (double)(q - 1);
			sum += (double)m[i * k + j] / n * x * x;
		}
	free(pi);
	x = pa - 2.0 * (1.0 - ac) * pe;
	v = (sum - x * x) / (n * (1.0 - pe) * (1.0 - pe));
	out->value = ac;
	out->se = sqrt(v > 0.0 ? v : 0.0);
	out->low = ac - z * out->se;
	out->high = ac + z * out->se;
}

void sg_gwet_ac1_raters(const long *counts, size_t items, size_t k,
			double confidence, struct sg_kappa *out)
{
	double z = sg_z_for_confidence(confidence);
	double *pi, *ri, pa = 0.0, pe = 0.0, ac, v = 0.0, n = 0.0, n2 = 0.0;
	size_t i, c, q = 0;

	out->value = out->se = out->low = out->high = NAN;
	pi = sg_xcalloc(k ? k : 1, sizeof(*pi));
	ri = sg_xcalloc(items ? items : 1, sizeof(*ri));
	for (i = 0; i < items; i++) {
		for (c = 0; c < k; c++) {
			if (counts[i * k + c] < 0)
				goto out;
			ri[i] += (double)counts[i * k + c];
		}
		if (ri[i] >= 1.0)
			n++;
		if (ri[i] >= 2.0)
			n2++;
	}
	if (n2 == 0.0 || n < 2.0)
		goto out;
	/* pi_c: the mean over the rated items of each item's share of c;
	 * p_a: the mean over items rated twice or more of the share of
	 * agreeing rating pairs */
	for (i = 0; i < items; i++) {
		double agree = 0.0;

		if (ri[i] < 1.0)
			continue;
		for (c = 0; c < k; c++) {
			double x = (double)counts[i * k + c];

			pi[c] += x / ri[i] / n;
			agree += x * (x - 1.0);
		}
		if (ri[i] >= 2.0)
			pa += agree / (ri[i] * (ri[i] - 1.0)) / n2;
	}
	for (c = 0; c < k; c++) {
		pe += pi[c] * (1.0 - pi[c]);
		if (pi[c] > 0.0)
			q++;
	}
	if (q < 2)
		goto out;
	pe /= (double)(q - 1);
	ac = (pa - pe) / (1.0 - pe);
	/* each item's contribution, linearised: (n / n2) (pa_i - pe [r_i >=
	 * 2]) / (1 - pe) - 2 (1 - AC1) (pe_i - pe) / (1 - pe), with pe_i the
	 * item's chance agreement sum_c r_ic (1 - pi_c) / (r_i (q - 1)); the
	 * variance is their spread over n (n - 1) */
	for (i = 0; i < items; i++) {
		double agree = 0.0, pei = 0.0, pai = 0.0, x;

		if (ri[i] < 1.0)
			continue;
		for (c = 0; c < k; c++) {
			double r = (double)counts[i * k + c];

			agree += r * (r - 1.0);
			pei += r * (1.0 - pi[c]);
		}
		pei /= ri[i] * (double)(q - 1);
		if (ri[i] >= 2.0)
			pai = agree / (ri[i] * (ri[i] - 1.0));
		x = (n / n2) * (pai - (ri[i] >= 2.0 ? pe : 0.0)) / (1.0 - pe) -
		    2.0 * (1.0 - ac) * (pei - pe) / (1.0 - pe);
		v += (x - ac) * (x - ac);
	}
	v /= n * (n - 1.0);
	out->value = ac;
	out->se = sqrt(v);
	out->low = ac - z * out->se;
	out->high = ac + z * out->se;
out:
	free(pi);
	free(ri);
}
