/*
 * test_monitor.c - the pure helpers of input / output monitoring
 * (monitor.h), and the drift statistics the report takes from stats.h as
 * the report uses them: PSI over reference deciles with a floor, and the
 * KS p-value against scipy's.
 *
 * Expected numbers: by hand where the comment shows the arithmetic, else
 * from /usr/bin/python3 with numpy 1.24.2 and scipy 1.10.1 (Debian
 * bookworm), the call named next to each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sg/monitor.h"
#include "sg/stats.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define REL(got, want)                                                     \
	do {                                                               \
		double g_ = (got), w_ = (want);                            \
		if (!(fabs(g_ - w_) <= 1e-12 * (fabs(w_) > 1 ? fabs(w_) : 1))) \
			fail_msg("%s = %.17g, expected %.17g", #got, g_, w_); \
	} while (0)

/*
 * Reference 1, 2, ..., 10: its deciles are 1.9, 2.8, ..., 9.1, so each
 * value has a bin of its own, share 0.1. Window: five 1s and five 10s,
 * shares 0.5 in the first and last bins and 0 (floored to 1e-4) in the
 * eight others. By hand:
 *   PSI = 2 (0.5 - 0.1) ln(0.5 / 0.1) + 8 (1e-4 - 0.1) ln(1e-4 / 0.1)
 *       = 0.8 ln 5 + 0.7992 ln 1000 = 6.808228348909805
 * With no floor the empty bins give +Inf.
 */
static void psi_by_hand_on_decile_bins(void **state)
{
	const double ref[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	const double win[] = {1, 1, 1, 1, 1, 10, 10, 10, 10, 10};
	const double want = 0.8 * log(5) + 0.7992 * log(1000);
	double cuts[SG_PSI_BINS - 1];
	long e[SG_PSI_BINS] = {0}, a[SG_PSI_BINS] = {0};
	size_t i;

	(void)state;
	REL(want, 6.808228348909805);
	sg_bin_cuts(ref, 10, SG_PSI_BINS, cuts);
	for (i = 0; i < SG_PSI_BINS - 1; i++)
		REL(cuts[i], 1 + 0.9 * (double)(i + 1));
	for (i = 0; i < 10; i++) {
		e[sg_bin_of(cuts, SG_PSI_BINS, ref[i])]++;
		a[sg_bin_of(cuts, SG_PSI_BINS, win[i])]++;
	}
	for (i = 0; i < SG_PSI_BINS; i++)
		assert_int_equal(e[i], 1);
	assert_int_equal(a[0], 5);
	assert_int_equal(a[9], 5);
	REL(sg_psi(e, a, SG_PSI_BINS, SG_PSI_FLOOR), want);
	/* the report's window PSI: the same from the raw samples */
	REL(sg_psi_samples(ref, 10, win, 10, SG_PSI_BINS, SG_PSI_FLOOR), want);
	assert_true(isinf(sg_psi(e, a, SG_PSI_BINS, 0)));
	/* the same sample on both sides: 0 */
	assert_true(sg_psi_samples(ref, 10, ref, 10, SG_PSI_BINS,
				   SG_PSI_FLOOR) == 0);
}

/*
 * A constant reference (7): every cut is 7; 7 and less go to the first
 * bin, more to the last. A constant window equal to it has PSI 0; one
 * above it puts everything in the last bin: by hand
 *   (1 - 1e-4) ln(1 / 1e-4) + (1e-4 - 1) ln(1e-4 / 1)
 *     = 2 (1 - 1e-4) ln 1e4 = 18.41883867587797
 */
static void constant_reference_bins_at_the_constant(void **state)
{
	const double ref[] = {7, 7, 7, 7};
	const double same[] = {7, 7};
	const double up[] = {8, 9};
	double cuts[SG_PSI_BINS - 1];
	size_t i;

	(void)state;
	sg_bin_cuts(ref, 4, SG_PSI_BINS, cuts);
	for (i = 0; i < SG_PSI_BINS - 1; i++)
		assert_true(cuts[i] == 7);
	assert_int_equal(sg_bin_of(cuts, SG_PSI_BINS, 7), 0);
	assert_int_equal(sg_bin_of(cuts, SG_PSI_BINS, -1), 0);
	assert_int_equal(sg_bin_of(cuts, SG_PSI_BINS, 7.5), 9);
	assert_true(sg_psi_samples(ref, 4, same, 2, SG_PSI_BINS,
				   SG_PSI_FLOOR) == 0);
	REL(sg_psi_samples(ref, 4, up, 2, SG_PSI_BINS, SG_PSI_FLOOR),
	    2 * (1 - 1e-4) * log(1e4));
	REL(2 * (1 - 1e-4) * log(1e4), 18.41883867587797);
}

/*
 * x = 3 1 4 1 5 9 2 6 5 3 5: numpy.quantile(x, [0.1, ..., 0.9]) =
 * [1, 2, 3, 3, 4, 5, 5, 5, 6]; numpy.searchsorted(cuts, v, side='left')
 * for v = 0, 1, 1.2, 3, 3.5, 5, 5.5, 9, 10 = 0 0 1 2 4 5 8 9 9.
 */
static void cuts_and_bins_match_numpy(void **state)
{
	double x[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5};
	const double want[] = {1, 2, 3, 3, 4, 5, 5, 5, 6};
	const double v[] = {0, 1, 1.2, 3, 3.5, 5, 5.5, 9, 10};
	const size_t bins[] = {0, 0, 1, 2, 4, 5, 8, 9, 9};
	double cuts[9], t;
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(x); i++) /* insertion sort */
		for (j = i; j > 0 && x[j - 1] > x[j]; j--) {
			t = x[j];
			x[j] = x[j - 1];
			x[j - 1] = t;
		}
	sg_bin_cuts(x, ARRAY_SIZE(x), 10, cuts);
	for (i = 0; i < 9; i++)
		assert_true(cuts[i] == want[i]);
	for (i = 0; i < ARRAY_SIZE(v); i++)
		assert_int_equal(sg_bin_of(cuts, 10, v[i]), bins[i]);
}

/* numpy.quantile([0.1, 0.2, 0.5, 0.9], q) for q = 0, 0.1, 0.25, 0.5,
 * 0.9, 1 = 0.1, 0.13, 0.17500000000000002, 0.35, 0.78, 0.9. */
static void quantiles_match_numpy(void **state)
{
	const double s[] = {0.1, 0.2, 0.5, 0.9};
	const double q[] = {0, 0.1, 0.25, 0.5, 0.9, 1};
	const double want[] = {0.1, 0.13, 0.17500000000000002, 0.35, 0.78, 0.9};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(q); i++)
		REL(sg_quantile_sorted(s, 4, q[i]), want[i]);
	assert_true(isnan(sg_quantile_sorted(s, 0, 0.5)));
	assert_true(sg_quantile_sorted(s, 1, 0.7) == 0.1);
}

/*
 * scipy.stats.chi2_contingency(t, correction=False), rows = labels,
 * columns = (human, model):
 *   [[15, 18], [10, 8], [5, 4]]            -> 0.6060606060606061, df 2
 *   [[5, 0], [3, 7]] (a row of zeros left out) -> 6.5625, df 1
 *   [[40, 25], [30, 30], [20, 35], [10, 10]] -> 7.5524475524475525, df 3
 * By hand, the second: expected counts (8/3, 7/3) and (16/3, 14/3), every
 * cell 7/3 away from them: (7/3)^2 (3/8 + 3/7 + 3/16 + 3/14) = 6.5625.
 */
static void chi_square_matches_scipy(void **state)
{
	const long h1[] = {15, 10, 5}, m1[] = {18, 8, 4};
	const long h2[] = {5, 0, 3}, m2[] = {0, 0, 7};
	const long h3[] = {40, 30, 20, 10}, m3[] = {25, 30, 35, 10};
	const long one_h[] = {4, 0}, one_m[] = {6, 0};
	const long zero[] = {0, 0}, neg[] = {-1, 2};
	long df = -1;

	(void)state;
	REL(sg_chi_square_2col(h1, m1, 3, &df), 0.6060606060606061);
	assert_int_equal(df, 2);
	REL(sg_chi_square_2col(h2, m2, 3, &df), 6.5625);
	assert_int_equal(df, 1);
	REL(sg_chi_square_2col(h3, m3, 4, &df), 7.5524475524475525);
	assert_int_equal(df, 3);
	/* one label on both sides, an empty side, a negative count */
	assert_true(isnan(sg_chi_square_2col(one_h, one_m, 2, &df)));
	assert_int_equal(df, 0);
	assert_true(isnan(sg_chi_square_2col(h1, zero, 2, NULL)));
	assert_true(isnan(sg_chi_square_2col(neg, h1, 2, NULL)));
}

/* numpy: mean([2, 4, 4, 4, 5, 5, 7, 9]) = 5, std(ddof=1) =
 * 2.138089935299395; NaN values are left out. */
static void mean_and_std_leave_out_nan(void **state)
{
	const double v[] = {2, NAN, 4, 4, 4, 5, 5, 7, 9, NAN};
	double m, s;
	size_t n;

	(void)state;
	sg_mean_std(v, ARRAY_SIZE(v), &m, &s, &n);
	assert_int_equal(n, 8);
	REL(m, 5.0);
	REL(s, 2.138089935299395);
	sg_mean_std(v, 2, &m, &s, &n);
	assert_true(m == 2 && isnan(s) && n == 1);
	sg_mean_std(v + 1, 1, &m, &s, NULL);
	assert_true(isnan(m) && isnan(s));
}

/*
 * The report's KS p-value against scipy 1.10.1, on x_i = frac(i * 0.618
 * 0339887498949), i = 1 .. 1500 and y_j = frac(j * 0.7548776662466927)
 * ^ 1.15, j = 1 .. 1200 (the same doubles in C and Python: fmod and
 * glibc's pow):
 *   ks_2samp(x, y).statistic                        0.05433333333333333
 *   kolmogorov(sqrt(1500 * 1200 / 2700) * D)        0.03904625113112077
 *     (the asymptotic p-value the report gives, as R's exact = FALSE)
 *   ks_2samp(x, y, method='asymp').pvalue           0.037534385170154394
 *     (scipy's "asymp" is kstwo.sf(D, round(n m / (n + m))), a finite-n
 *     distribution: 4% below the limit here, more on small samples)
 */
static void ks_pvalue_is_the_asymptotic_one(void **state)
{
	double *x = malloc(1500 * sizeof(double));
	double *y = malloc(1200 * sizeof(double));
	struct sg_ks ks;
	size_t i;

	(void)state;
	assert_non_null(x);
	assert_non_null(y);
	for (i = 0; i < 1500; i++)
		x[i] = fmod((double)(i + 1) * 0.6180339887498949, 1.0);
	for (i = 0; i < 1200; i++)
		y[i] = pow(fmod((double)(i + 1) * 0.7548776662466927, 1.0),
			   1.15);
	sg_ks_2samp(x, 1500, y, 1200, &ks);
	REL(ks.d, 0.05433333333333333);
	assert_true(fabs(ks.pvalue - 0.03904625113112077) <=
		    1e-9 * 0.03904625113112077);
	assert_true(fabs(ks.pvalue - 0.037534385170154394) <=
		    0.05 * 0.037534385170154394);
	assert_true(ks.pvalue >= 0.037534385170154394);
	free(x);
	free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(psi_by_hand_on_decile_bins),
		cmocka_unit_test(constant_reference_bins_at_the_constant),
		cmocka_unit_test(cuts_and_bins_match_numpy),
		cmocka_unit_test(quantiles_match_numpy),
		cmocka_unit_test(chi_square_matches_scipy),
		cmocka_unit_test(mean_and_std_leave_out_nan),
		cmocka_unit_test(ks_pvalue_is_the_asymptotic_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
