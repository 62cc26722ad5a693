/*
 * Tests for the gate's evidence statistics (src/evidence.c). Every
 * expected number is printed by scripts/evidence_reference.py from
 * statsmodels 0.13.5 and scipy 1.10.1 (proportions_ztest, multipletests,
 * proportion_confint, mcnemar, binom), or worked by hand where a comment
 * says so; none comes from this code's own output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>

#include "sg/evidence.h"
#include "sg/stats.h"

#define TOL 1e-9

static void near(double got, double want, const char *what, int line)
{
	double scale = fabs(want) > 1.0 ? fabs(want) : 1.0;

	if (!(fabs(got - want) <= TOL * scale))
		fail_msg("line %d: %s: got %.17g, want %.17g", line, what, got,
			 want);
}

#define NEAR(got, want) near((got), (want), #got, __LINE__)

static void score_test_p_values_match_statsmodels(void **state)
{
	(void)state;
	/* proportions_ztest(k, n, value=t, alternative='smaller' (a
	 * minimum) / 'larger' (a maximum), prop_var=t) */
	NEAR(sg_score_test_p(437, 500, 0.86, SG_BOUND_MIN), 0.8165230119207225);
	NEAR(sg_score_test_p(400, 500, 0.86, SG_BOUND_MIN), 5.519417204888775e-05);
	NEAR(sg_score_test_p(480, 500, 0.86, SG_BOUND_MIN), 0.9999999999419097);
	NEAR(sg_score_test_p(12, 400, 0.05, SG_BOUND_MAX), 0.9667712899915345);
	NEAR(sg_score_test_p(30, 400, 0.05, SG_BOUND_MAX), 0.010890731395559766);
	NEAR(sg_score_test_p(2, 10, 0.5, SG_BOUND_MIN), 0.028889785561798623);
	/* thresholds at the ends, by hand: no spread under the null */
	NEAR(sg_score_test_p(10, 10, 1.0, SG_BOUND_MIN), 1.0);
	NEAR(sg_score_test_p(9, 10, 1.0, SG_BOUND_MIN), 0.0);
	NEAR(sg_score_test_p(0, 10, 0.0, SG_BOUND_MAX), 1.0);
	NEAR(sg_score_test_p(1, 10, 0.0, SG_BOUND_MAX), 0.0);
	assert_true(isnan(sg_score_test_p(1, 0, 0.5, SG_BOUND_MIN)));
	assert_true(isnan(sg_score_test_p(11, 10, 0.5, SG_BOUND_MIN)));
	assert_true(isnan(sg_score_test_p(1, 10, 1.5, SG_BOUND_MIN)));
}

/* With no correction, a check fails (p < alpha = (1 - confidence) / 2)
 * exactly when its Wilson interval lies wholly below the minimum. */
static void score_test_agrees_with_the_wilson_interval(void **state)
{
	long k, n = 500;
	double alpha = 0.025, lo, hi;

	(void)state;
	for (k = 380; k <= 460; k++) {
		double p = sg_score_test_p(k, n, 0.86, SG_BOUND_MIN);

		sg_wilson(k, n, 0.95, &lo, &hi);
		if ((p < alpha) != (hi < 0.86))
			fail_msg("k = %ld: p %.17g, interval high %.17g", k, p,
				 hi);
		p = sg_score_test_p(k, n, 0.86, SG_BOUND_MAX);
		if ((p < alpha) != (lo > 0.86))
			fail_msg("k = %ld (max): p %.17g, low %.17g", k, p, lo);
	}
}

static void holm_and_bonferroni_match_multipletests(void **state)
{
	/* multipletests(ps, alpha=0.05, method='holm' / 'bonferroni') */
	const double ps[] = {0.001, 0.009, 0.012, 0.04, 0.3, 0.011};
	const int holm[] = {1, 1, 1, 0, 0, 1}, bonf[] = {1, 0, 0, 0, 0, 0};
	const int none[] = {1, 1, 1, 1, 0, 1};
	int rej[6];
	size_t i;

	(void)state;
	assert_int_equal(sg_multiplicity_reject(ps, 6, 0.05, SG_MULT_HOLM, rej),
			 4);
	for (i = 0; i < 6; i++)
		assert_int_equal(rej[i], holm[i]);
	assert_int_equal(
		sg_multiplicity_reject(ps, 6, 0.05, SG_MULT_BONFERRONI, rej), 1);
	for (i = 0; i < 6; i++)
		assert_int_equal(rej[i], bonf[i]);
	/* no correction: each p against 0.05, by hand */
	assert_int_equal(sg_multiplicity_reject(ps, 6, 0.05, SG_MULT_NONE, rej),
			 5);
	for (i = 0; i < 6; i++)
		assert_int_equal(rej[i], none[i]);
}

/* A NaN p-value is a check not judged: not counted in m. By hand: with
 * m = 2 judged, Bonferroni's level is 0.025, so 0.02 is rejected (with
 * m = 3 it would not be: 0.0167). */
static void unjudged_checks_do_not_count(void **state)
{
	const double ps[] = {0.02, NAN, 0.5};
	int rej[3];

	(void)state;
	assert_int_equal(
		sg_multiplicity_reject(ps, 3, 0.05, SG_MULT_BONFERRONI, rej), 1);
	assert_int_equal(rej[0], 1);
	assert_int_equal(rej[1], 0);
	assert_int_equal(rej[2], 0);
	assert_int_equal(sg_multiplicity_reject(ps, 3, 0.05, SG_MULT_HOLM, rej),
			 1);
	assert_int_equal(rej[0], 1);
}

static void more_cases_matches_a_search_over_every_size(void **state)
{
	double lo, hi;

	(void)state;
	/* the example, by hand and by proportion_confint: 437 of
	 * 500 is 0.874, Wilson 95% [0.8420, 0.9003], undecided against 0.86 */
	sg_wilson(437, 500, 0.95, &lo, &hi);
	NEAR(lo, 0.8420322822801359);
	NEAR(hi, 0.900264711054623);
	/* the smallest n' whose interval at 0.874 clears 0.86: 2360 */
	assert_int_equal(sg_more_cases(437, 500, 0.86, SG_BOUND_MIN, 0.95), 1860);
	assert_int_equal(sg_more_cases(425, 500, 0.86, SG_BOUND_MIN, 0.95), 4126);
	assert_int_equal(sg_more_cases(80, 100, 0.75, SG_BOUND_MIN, 0.95), 189);
	assert_int_equal(sg_more_cases(7, 200, 0.05, SG_BOUND_MAX, 0.95), 611);
	/* decided already: [0.9156, 0.9577] is above 0.86 */
	assert_int_equal(sg_more_cases(470, 500, 0.86, SG_BOUND_MIN, 0.95), 0);
	/* an estimate at the threshold is never decided */
	assert_int_equal(sg_more_cases(430, 500, 0.86, SG_BOUND_MIN, 0.95), -1);
	assert_int_equal(sg_more_cases(1, 0, 0.86, SG_BOUND_MIN, 0.95), -1);
}

/* The interval at the same estimate with n cases is sg_wilson's. */
static void wilson_rate_is_wilson_at_integer_counts(void **state)
{
	double lo, hi, rlo, rhi;
	long k;

	(void)state;
	for (k = 0; k <= 50; k++) {
		sg_wilson(k, 50, 0.95, &lo, &hi);
		sg_wilson_rate((double)k / 50.0, 50.0, 0.95, &rlo, &rhi);
		NEAR(rlo, lo);
		NEAR(rhi, hi);
	}
}

static void mcnemar_matches_statsmodels(void **state)
{
	(void)state;
	/* mcnemar([[., b], [c, .]], exact=True).pvalue; mid-p minus
	 * binom.pmf(min(b, c), b + c, 0.5) */
	NEAR(sg_mcnemar_exact_p(30, 12), 0.007915897334896727);
	NEAR(sg_mcnemar_mid_p(30, 12), 0.0054015726545912895);
	NEAR(sg_mcnemar_exact_p(5, 0), 0.0625);   /* 2 / 2^5, by hand */
	NEAR(sg_mcnemar_mid_p(5, 0), 0.03125);    /* 1 / 2^5 */
	NEAR(sg_mcnemar_exact_p(0, 0), 1.0);
	NEAR(sg_mcnemar_mid_p(0, 0), 1.0);
	NEAR(sg_mcnemar_exact_p(7, 7), 1.0);
	NEAR(sg_mcnemar_mid_p(7, 7), 0.7905273437500002);
	NEAR(sg_mcnemar_exact_p(600, 540), 0.08051743870793814);
	NEAR(sg_mcnemar_mid_p(600, 540), 0.0756427226312696);
	NEAR(sg_mcnemar_exact_p(1, 2), 1.0);
	NEAR(sg_mcnemar_mid_p(1, 2), 0.6249999999999999);
	assert_true(isnan(sg_mcnemar_exact_p(-1, 2)));
}

static void newcombe_paired_interval(void **state)
{
	double d, lo, hi;

	(void)state;
	/* Newcombe 1998 method 10 written out on statsmodels' Wilson
	 * intervals (scripts/evidence_reference.py) */
	sg_newcombe_paired(400, 30, 12, 58, 0.95, &d, &lo, &hi);
	NEAR(d, 0.036);
	NEAR(lo, 0.010755576710258136);
	NEAR(hi, 0.06203886282031742);
	sg_newcombe_paired(1, 1, 7, 12, 0.95, &d, &lo, &hi);
	NEAR(d, -0.2857142857142857);
	NEAR(lo, -0.5016625403015134);
	NEAR(hi, -0.03605255348883657);
	/* every case concordant: phi's denominator is 0, phi = 0 */
	sg_newcombe_paired(6, 0, 0, 0, 0.95, &d, &lo, &hi);
	NEAR(d, 0.0);
	NEAR(lo, -0.3903342879021654);
	NEAR(hi, 0.3903342879021654);
	sg_newcombe_paired(50, 5, 0, 45, 0.95, &d, &lo, &hi);
	NEAR(d, 0.05);
	NEAR(lo, 0.007654165667910537);
	NEAR(hi, 0.09157737213896613);
	sg_newcombe_paired(0, 0, 0, 0, 0.95, &d, &lo, &hi);
	assert_true(isnan(d) && isnan(lo) && isnan(hi));
}

/*
 * Gwet's AC1, against published values: irrCAC's worked example (the
 * cont3x3abstractors table of Gwet's Handbook of Inter-Rater Reliability,
 * as the irrCAC documentation prints it: AC1 0.84933, 95% interval
 * (0.76358, 0.93508), made with the t quantile of n - 1 = 99 degrees of
 * freedom, 1.9842169515086827 by scipy.stats.t.ppf(0.975, 99), so
 * se = (0.93508 - 0.76358) / 2 / 1.98422 = 0.043214, to the digits
 * published); and the example of kappa's collapse: 118 agreements
 * on "yes", 5 and 2 disagreements, none on "no": kappa -0.0234
 * (statsmodels cohens_kappa), AC1 0.94 (by hand: p_a = 118/125 = 0.944,
 * pi_yes = (123 + 120) / 250 = 0.972, p_e = 2 * 0.972 * 0.028 = 0.054432,
 * AC1 = (0.944 - 0.054432) / (1 - 0.054432) = 0.940776).
 */
static void gwet_ac1_matches_published_values(void **state)
{
	const long abstractors[] = {13, 0, 0, 0, 20, 7, 0, 4, 56};
	const long yes[] = {118, 5, 2, 0};
	const long one[] = {9, 0, 0, 0};
	struct sg_kappa ac;

	(void)state;
	sg_gwet_ac1(abstractors, 3, 0.95, &ac);
	assert_true(fabs(ac.value - 0.84933) < 5e-6);
	assert_true(fabs(ac.se - (0.93508 - 0.76358) / 2 / 1.9842169515086827) <
		    1e-5);
	NEAR(ac.low, ac.value - sg_z_for_confidence(0.95) * ac.se);
	sg_gwet_ac1(yes, 2, 0.95, &ac);
	NEAR(ac.value, (0.944 - 0.054432) / (1 - 0.054432));
	/* one label used: undefined */
	sg_gwet_ac1(one, 2, 0.95, &ac);
	assert_true(isnan(ac.value) && isnan(ac.se));
}

/*
 * Gwet's AC1 for many raters, against the published values of Gwet's
 * raw_4raters example (Handbook of Inter-Rater Reliability, 4th ed.,
 * p. 120; as irrCAC's tests give it: p_a 0.818, p_e 0.190, AC1 0.775,
 * se 0.143): 12 items, 4 raters, categories 1..5, missing ratings, item
 * 12 rated once. The counts per item and category are read off the
 * table. To more digits, irrCAC's formula written out with numpy gives
 * AC1 0.775444068126995 and se 0.1429499506407653.
 */
static void gwet_ac1_many_raters_matches_published_values(void **state)
{
	const long counts[] = {
		3, 0, 0, 0, 0,  0, 3, 1, 0, 0,  0, 0, 4, 0, 0,
		0, 0, 4, 0, 0,  0, 4, 0, 0, 0,  1, 1, 1, 1, 0,
		0, 0, 0, 4, 0,  3, 1, 0, 0, 0,  0, 4, 0, 0, 0,
		0, 0, 0, 0, 3,  2, 0, 0, 0, 0,  0, 0, 1, 0, 0,
	};
	const long one_label[] = {2, 0, 3, 0};
	struct sg_kappa ac;

	(void)state;
	sg_gwet_ac1_raters(counts, 12, 5, 0.95, &ac);
	assert_true(fabs(ac.value - 0.775) < 5e-4);
	assert_true(fabs(ac.se - 0.143) < 5e-4);
	NEAR(ac.value, 0.775444068126995);
	NEAR(ac.se, 0.1429499506407653);
	/* two raters in this form are the two-rater AC1's table: items
	 * (yes, yes) x118, (yes, no) x5, (no, yes) x2 */
	{
		long two[125 * 2];
		struct sg_kappa t, m;
		const long yes[] = {118, 5, 2, 0};
		size_t i;

		for (i = 0; i < 125; i++) {
			two[i * 2] = i < 118 ? 2 : 1;
			two[i * 2 + 1] = i < 118 ? 0 : 1;
		}
		sg_gwet_ac1_raters(two, 125, 2, 0.95, &m);
		sg_gwet_ac1(yes, 2, 0.95, &t);
		NEAR(m.value, t.value);
	}
	sg_gwet_ac1_raters(one_label, 2, 2, 0.95, &ac);
	assert_true(isnan(ac.value));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(score_test_p_values_match_statsmodels),
		cmocka_unit_test(score_test_agrees_with_the_wilson_interval),
		cmocka_unit_test(holm_and_bonferroni_match_multipletests),
		cmocka_unit_test(unjudged_checks_do_not_count),
		cmocka_unit_test(more_cases_matches_a_search_over_every_size),
		cmocka_unit_test(wilson_rate_is_wilson_at_integer_counts),
		cmocka_unit_test(mcnemar_matches_statsmodels),
		cmocka_unit_test(newcombe_paired_interval),
		cmocka_unit_test(gwet_ac1_matches_published_values),
		cmocka_unit_test(gwet_ac1_many_raters_matches_published_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
