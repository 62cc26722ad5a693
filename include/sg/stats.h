/*
 * stats.h - agreement statistics. Pure: numbers in, numbers out; nothing
 * here knows about the store, files or printing.
 *
 * A statistic that is undefined (0/0) is NaN; report writers turn NaN into
 * null / "undefined". Confusion matrices are k*k row-major arrays of counts,
 * rows = human (reference), columns = model.
 */
#ifndef SG_STATS_H
#define SG_STATS_H

#include <stddef.h>

/* Two-sided standard normal quantile for a confidence level in (0,1):
 * 0.95 -> 1.959963984540054. */
double sg_z_for_confidence(double confidence);

/* Inverse of the standard normal CDF, p in (0,1). */
double sg_norm_ppf(double p);
/* Standard normal CDF. */
double sg_norm_cdf(double x);

/*
 * Wilson score interval for k successes in n trials, as statsmodels'
 * proportion_confint(k, n, alpha=1-confidence, method='wilson'), clipped
 * to [0, 1]. n == 0: both NaN.
 */
void sg_wilson(long k, long n, double confidence, double *low, double *high);

/*
 * The Wilson interval of a rate `rate` observed on n cases (n > 0, not
 * necessarily an integer count: the interval at the same estimate with
 * more cases), as sg_wilson for rate = k / n.
 */
void sg_wilson_rate(double rate, double n, double confidence, double *low,
		    double *high);

struct sg_kappa {
	double value; /* NaN when undefined (expected agreement 1) */
	double se;    /* large-sample SE (Fleiss, Cohen, Everitt 1969) */
	double low, high;
};

/*
 * Cohen's kappa of a k*k confusion matrix as scikit-learn's
 * cohen_kappa_score (labels = union), with the asymptotic standard error
 * statsmodels' cohens_kappa(...).std_kappa gives, and the interval
 * value +- z * se. n == 0 or expected agreement == 1: all NaN.
 */
void sg_cohen_kappa(const long *m, size_t k, double confidence,
		    struct sg_kappa *out);

/*
 * Weighted kappa of an ordered k*k confusion matrix, as scikit-learn's
 * cohen_kappa_score(weights='linear' | 'quadratic'). quadratic: 0 linear,
 * 1 quadratic. NaN when undefined.
 */
double sg_weighted_kappa(const long *m, size_t k, int quadratic);

struct sg_class_metrics {
	double precision, recall, f1; /* 0 when the denominator is 0 */
	long support;                 /* human count of the class */
};

/*
 * Per-class precision, recall, F1 and support as scikit-learn's
 * precision_recall_fscore_support(zero_division=0), plus macro and
 * weighted averages (support = total for both). per must hold k entries.
 */
void sg_class_metrics(const long *m, size_t k, struct sg_class_metrics *per,
		      struct sg_class_metrics *macro,
		      struct sg_class_metrics *weighted);

/*
 * Fleiss' kappa of an items*k table of counts (how many raters put item i
 * in category j), as statsmodels' fleiss_kappa(method='fleiss'). NaN when
 * items have different numbers of ratings, fewer than 2 ratings, or the
 * statistic is 0/0.
 */
double sg_fleiss_kappa(const long *counts, size_t items, size_t k);

/*
 * Krippendorff's alpha for nominal data. `data` is units*coders category
 * indexes, -1 for a missing rating (Krippendorff 2011). Units with fewer
 * than two ratings are not pairable and are left out. NaN when undefined.
 */
double sg_krippendorff_alpha_nominal(const int *data, size_t units,
				     size_t coders);

struct sg_regression {
	long n;
	double mae, rmse, bias; /* bias = mean(model - human) */
	long within;            /* |h - m| <= tol */
	double within_rate, within_low, within_high;
};

/* Regression agreement of n pairs. n == 0: NaN statistics. */
void sg_regression(const double *human, const double *model, size_t n,
		   double tolerance, double confidence,
		   struct sg_regression *out);

/*
 * Population stability index of two binned distributions: the sum over
 * bins of (a - e) * ln(a / e), a and e the bin's share of `actual` and of
 * `expected` counts. A share below `min_share` is raised to it first (1e-4
 * is usual); with min_share 0 a bin empty on one side only gives +Inf. A
 * bin empty on both sides adds nothing. NaN when bins == 0, a count is
 * negative or either side has no counts.
 */
double sg_psi(const long *expected, const long *actual, size_t bins,
	      double min_share);

/*
 * PSI of two samples, binned at the `bins`-quantiles of `expected` (cut
 * points as numpy.quantile(expected, i / bins) with the default 'linear'
 * method, i = 1 .. bins-1; a value equal to a cut point goes to the lower
 * bin, as numpy.searchsorted(cuts, x, side='left')), then sg_psi. The
 * inputs are not changed. NaN when bins == 0, a sample is empty or holds
 * NaN.
 */
double sg_psi_samples(const double *expected, size_t n_expected,
		      const double *actual, size_t n_actual, size_t bins,
		      double min_share);

/*
 * Survival function of the Kolmogorov distribution, P(K > x) for the limit
 * of sqrt(n) * D_n, as scipy.special.kolmogorov(x). 1 for x <= 0, NaN for
 * NaN.
 */
double sg_kolmogorov_sf(double x);

struct sg_ks {
	double d;      /* sup |F_x - F_y|, as scipy.stats.ks_2samp().statistic */
	double pvalue; /* asymptotic, see sg_ks_2samp */
};

/*
 * Two-sample two-sided Kolmogorov-Smirnov test. d is exactly scipy's
 * ks_2samp statistic (ties handled). The p-value is the asymptotic one,
 * sg_kolmogorov_sf(sqrt(nx * ny / (nx + ny)) * d), as R's
 * ks.test(exact = FALSE); it is NOT scipy.stats.ks_2samp's default p-value
 * (exact for samples up to 10000, else a finite-n Kolmogorov distribution)
 * and is conservative-to-close for large samples, which is what feature
 * drift has. The inputs are not changed. Both NaN when a sample is empty or
 * holds NaN.
 */
void sg_ks_2samp(const double *x, size_t nx, const double *y, size_t ny,
		 struct sg_ks *out);

/* ---- the numeric helpers every statistic of the program shares ---- */

/* Neumaier's compensated sum; starts as {0, 0}. */
struct sg_ksum {
	long double s, c;
};

void sg_ksum_add(struct sg_ksum *k, long double x);
long double sg_ksum_get(const struct sg_ksum *k);

/* qsort's comparison of two doubles, ascending (no NaN). */
int sg_cmp_double(const void *a, const void *b);

/*
 * Where the q-quantile (q not NaN) of n > 0 ascending values lies, as
 * numpy.quantile's default method 'linear' places it: the value of rank
 * *i (from 0), and, when it returns 1, *t of the way to the value of rank
 * *i + 1 (sg_quantile_lerp); when it returns 0 (q <= 0, or at the last
 * rank), the value of rank *i alone and *t is 0.
 */
int sg_quantile_rank(size_t n, double q, size_t *i, double *t);

/* a + (b - a) * t as numpy's _lerp computes it (two formulas, switched at
 * t = 0.5). */
double sg_quantile_lerp(double a, double b, double t);

/*
 * The q-quantile (0 <= q <= 1) of an ascending sample s[0 .. n), as
 * numpy.quantile(s, q) with the default method 'linear'. NaN when n == 0
 * or q is NaN.
 */
double sg_quantile_sorted(const double *s, size_t n, double q);

/*
 * sg_regression's sums, for pairs that come one at a time: start from
 * {0}, sg_regression_add each pair, then sg_regression_finish, which
 * gives the same numbers as sg_regression on the same pairs in the same
 * order.
 */
struct sg_regression_sums {
	size_t n;
	long within;
	struct sg_ksum abs, sq, diff;
};

void sg_regression_add(struct sg_regression_sums *s, double human,
		       double model, double tolerance);
void sg_regression_finish(const struct sg_regression_sums *s,
			  double confidence, struct sg_regression *out);

#endif
