/*
 * evidence.h - the statistics a gate decides on beyond one interval: the
 * one-sided score test of a threshold and its p-value, Holm's and
 * Bonferroni's corrections over many checks, how many more cases an
 * undecided check needs, and the paired comparison of two models on the
 * same cases (McNemar's exact test and mid-p, Newcombe's interval for the
 * difference of paired proportions), and Gwet's AC1, the agreement
 * coefficient that stays meaningful when one label dominates and kappa
 * collapses. Pure: numbers in, numbers out.
 */
#ifndef SG_EVIDENCE_H
#define SG_EVIDENCE_H

#include <stddef.h>

#include "sg/stats.h"

/* Which way a threshold bounds a rate. */
enum sg_bound { SG_BOUND_MIN = 0, SG_BOUND_MAX = 1 };

/*
 * The one-sided score test of a threshold t for k successes in n, the
 * test the Wilson interval inverts. For a minimum, p = Phi((k/n - t) /
 * sqrt(t (1 - t) / n)): small when the rate is clearly below t (the check
 * fails at level alpha when p < alpha, which is exactly when the Wilson
 * interval at confidence 1 - 2 alpha lies wholly below t); for a maximum,
 * 1 - Phi of the same. t at 0 or 1: a rate that equals it gives 1, one on
 * the wrong side 0. n <= 0, k outside [0, n] or t outside [0, 1]: NaN.
 */
double sg_score_test_p(long k, long n, double t, enum sg_bound bound);

enum sg_multiplicity {
	SG_MULT_NONE = 0,
	SG_MULT_HOLM,
	SG_MULT_BONFERRONI,
};

/*
 * Which of m hypotheses with p-values p[] are rejected at family-wise level
 * alpha: none (p < alpha each), Bonferroni (p < alpha / m), or Holm's
 * step-down (sorted ascending, the i-th of m (from 0) is rejected while
 * p < alpha / (m - i), and none after the first that is not). A NaN
 * p-value is a hypothesis not judged: never rejected, not counted in m.
 * reject[i] is set to 1 or 0. Returns how many were rejected.
 */
size_t sg_multiplicity_reject(const double *p, size_t m, double alpha,
			      enum sg_multiplicity how, int *reject);

/*
 * How many more cases an undecided check needs: the smallest n' >= n for
 * which the Wilson interval (sg_wilson_rate) at the same estimate k / n
 * with n' cases lies wholly on one side of t (for a minimum: low >= t, or high < t; for a
 * maximum: high <= t, or low > t), minus n. 0 when the interval with n
 * cases is already decided. -1 when no number of cases decides it (the
 * estimate equals t) or the answer passes LONG_MAX / 4, and for n <= 0 or
 * k outside [0, n].
 */
long sg_more_cases(long k, long n, double t, enum sg_bound bound,
		   double confidence);

/*
 * McNemar's exact test on the discordant counts b and c: the two-sided
 * p-value min(1, 2 P(X <= min(b, c))) with X ~ Binomial(b + c, 1/2), as
 * statsmodels' mcnemar(table, exact=True). b + c == 0: 1. Negative: NaN.
 */
double sg_mcnemar_exact_p(long b, long c);

/* Its mid-p value: the exact p-value minus P(X = min(b, c)). */
double sg_mcnemar_mid_p(long b, long c);

/*
 * Newcombe's hybrid score interval for the difference of two paired
 * proportions (Newcombe 1998, Statistics in Medicine 17:2635, method 10)
 * from the 2x2 table of the same n = a + b + c + d cases: a both
 * succeed, b only the first, c only the second, d neither. The difference
 * is p1 - p2 = (b - c) / n; the interval combines the Wilson intervals of
 * p1 = (a + b) / n and p2 = (a + c) / n with
 * phi = (ad - bc) / sqrt((a+b)(c+d)(a+c)(b+d)), phi = 0 when that
 * denominator is 0. n == 0 or a negative count: all NaN.
 */
void sg_newcombe_paired(long a, long b, long c, long d, double confidence,
			double *diff, double *low, double *high);

/*
 * Gwet's AC1 of a k*k confusion matrix (rows one rater, columns the
 * other), with its standard error for two raters and no finite-population
 * correction (Gwet 2008, British Journal of Mathematical and Statistical
 * Psychology 61:29-48; as R's irrCAC gwet.ac1.table) and the interval
 * value +- z * se. The labels are those either side used (q of them);
 * p_a is the observed agreement, pi_k the mean of the two sides' shares
 * of label k, p_e = sum pi_k (1 - pi_k) / (q - 1) and
 * AC1 = (p_a - p_e) / (1 - p_e). Fewer than two labels used, or n == 0:
 * all NaN.
 */
void sg_gwet_ac1(const long *m, size_t k, double confidence,
		 struct sg_kappa *out);

/*
 * Gwet's AC1 for any number of raters (Gwet 2014, Handbook of Inter-Rater
 * Reliability, 4th ed., ch. 4; as R's irrCAC gwet.ac1.raw, no
 * finite-population correction): counts is items*k, counts[i*k + c] the
 * ratings of item i in category c; items may have different numbers of
 * ratings, those with fewer than two count in the chance agreement only.
 * q is the number of categories used. The standard error is the
 * linearised one of irrCAC; the interval value +- z * se. Fewer than two
 * categories used, or no item with two ratings: all NaN.
 */
void sg_gwet_ac1_raters(const long *counts, size_t items, size_t k,
			double confidence, struct sg_kappa *out);

#endif
