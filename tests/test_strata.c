/*
 * Tests for stratified allocation and estimation (src/strata.c). The
 * small tables are worked by hand in the comments; the larger one is
 * computed with numpy from per-case verdicts by
 * scripts/strata_reference.py. None comes from this code's own output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "sg/strata.h"

#define TOL 1e-12

static void near(double got, double want, const char *what, int line)
{
	if (!(fabs(got - want) <= TOL))
		fail_msg("line %d: %s: got %.17g, want %.17g", line, what, got,
			 want);
}

#define NEAR(got, want) near((got), (want), #got, __LINE__)

static void expect_take(const long *size, size_t ns, long n, long floor,
			const long *want, int line)
{
	long take[8];
	size_t i;

	sg_allocate(size, ns, n, floor, take);
	for (i = 0; i < ns; i++)
		if (take[i] != want[i])
			fail_msg("line %d: stratum %zu takes %ld, want %ld",
				 line, i, take[i], want[i]);
}

#define TAKE(size, n, floor, ...)                                         \
	do {                                                              \
		const long want_[] = {__VA_ARGS__};                       \
		expect_take(size, sizeof(size) / sizeof(size[0]), n, floor, \
			    want_, __LINE__);                             \
	} while (0)

static void allocation_by_hand(void **state)
{
	const long s1[] = {10, 5, 4, 1};
	const long s2[] = {7, 7, 7};
	const long s3[] = {100, 1, 1, 1};
	const long s4[] = {0, 6, 3};

	(void)state;
	/* n = 9 over 20: deserved 4.5, 2.25, 1.8, 0.45; floors 2, 2, 2, 1
	 * (min(2, size)): 4, 2, 2, 1 = 9 */
	TAKE(s1, 9, 2, 4, 2, 2, 1);
	/* n = 12: 6, 3, 2.4, 0.6 -> 6, 3, 2, 1 (the floor) = 12 */
	TAKE(s1, 12, 2, 6, 3, 2, 1);
	/* n = 5 cannot meet every floor (7): the largest strata first */
	TAKE(s1, 5, 2, 2, 2, 1, 0);
	/* n = 30 >= 20: everything */
	TAKE(s1, 30, 2, 10, 5, 4, 1);
	/* three equal strata, 10 cases: 3.33 each, 3 + 3 + 3 = 9, the one
	 * extra to the first (equal remainders: by index) */
	TAKE(s2, 10, 2, 4, 3, 3);
	/* floors push the sum over n: 6 * 100 / 103 = 5, then 1, 1, 1 = 8;
	 * only the first may give (the others sit at their floor): 3 */
	TAKE(s3, 6, 2, 3, 1, 1, 1);
	/* floor 1, the sample's rule: one each, then proportional */
	TAKE(s1, 4, 1, 1, 1, 1, 1);
	TAKE(s1, 2, 1, 1, 1, 0, 0);
	/* an empty stratum takes nothing and has no floor: the floors 2 + 2
	 * use all of n = 4 */
	TAKE(s4, 4, 2, 0, 2, 2);
	/* n = 7 over 9: 4.67 -> 4, 2.33 -> 2, the extra to the larger
	 * remainder (excess 4 * 9 - 7 * 6 = -6 against 2 * 9 - 7 * 3 = -3) */
	TAKE(s4, 7, 2, 0, 5, 2);
	TAKE(s4, 0, 2, 0, 0, 0);
}

/*
 * Three strata, N = 100: an agreement cell (80 cases, 8 reviewed: 7 both
 * right, 1 both wrong), a disagreement cell (15, 10 reviewed: model right
 * 6, person right 3, neither 1) and a disagreement cell reviewed whole
 * (5 of 5: model 2, person 3). W = 0.8, 0.15, 0.05.
 *   model: 0.8 * 7/8 + 0.15 * 0.6 + 0.05 * 0.4 = 0.81
 *     v = 0.64 * 0.9 * (0.875 * 0.125) / 7          = 0.009
 *       + 0.0225 * (1/3) * (0.6 * 0.4) / 9           = 0.0002
 *       + 0 (reviewed whole)                         -> 0.0092
 *   person: 0.8 * 0.875 + 0.15 * 0.3 + 0.05 * 0.6 = 0.775
 *     v = 0.009 + 0.0225 * (1/3) * (0.3 * 0.7) / 9 = 0.009175
 *   difference: d = 0 in the agreement cell; +1 x6, -1 x3, 0 x1 in the
 *     second (mean 0.3, sum of squares 9 - 10 * 0.09 = 8.1, s^2 = 0.9);
 *     mean (2 - 3) / 5 = -0.2 in the third.
 *     estimate 0.15 * 0.3 + 0.05 * (-0.2) = 0.035 (= 0.81 - 0.775)
 *     v = 0.0225 * (1/3) * 0.9 / 10 = 0.000675
 * z = 1.959963984540054 (95%).
 */
static void stratified_estimates_by_hand(void **state)
{
	const struct sg_stratum_review s[] = {
		{80, 8, 7, 7, 0, 0},
		{15, 10, 6, 3, 6, 3},
		{5, 5, 2, 3, 2, 3},
	};
	const double z = 1.959963984540054;
	struct sg_estimate e;

	(void)state;
	sg_stratified_share(s, 3, SG_SIDE_MODEL, 0.95, &e);
	NEAR(e.estimate, 0.81);
	NEAR(e.variance, 0.0092);
	NEAR(e.low, 0.81 - z * sqrt(0.0092));
	NEAR(e.high, 0.81 + z * sqrt(0.0092));
	sg_stratified_share(s, 3, SG_SIDE_HUMAN, 0.95, &e);
	NEAR(e.estimate, 0.775);
	NEAR(e.variance, 0.009175);
	sg_stratified_difference(s, 3, 0.95, &e);
	NEAR(e.estimate, 0.035);
	NEAR(e.variance, 0.000675);
	NEAR(e.low, 0.035 - z * sqrt(0.000675));
	NEAR(e.high, 0.035 + z * sqrt(0.000675));
}

/* Without the finite-population factor the first stratum's variance
 * would be 0.64 * 0.109375 / 7 = 0.01; reviewing a stratum whole removes
 * its variance: with the second reviewed whole too, only 0.009 is left. */
static void finite_population_factor(void **state)
{
	const struct sg_stratum_review s[] = {
		{80, 8, 7, 7, 0, 0},
		{15, 15, 9, 5, 9, 5},
		{5, 5, 2, 3, 2, 3},
	};
	struct sg_estimate e;

	(void)state;
	sg_stratified_share(s, 3, SG_SIDE_MODEL, 0.95, &e);
	/* 0.8 * 0.875 + 0.15 * 0.6 + 0.05 * 0.4 */
	NEAR(e.estimate, 0.81);
	NEAR(e.variance, 0.009);
}

static void undefined_cases(void **state)
{
	const struct sg_stratum_review unreviewed[] = {
		{80, 8, 7, 7, 0, 0},
		{3, 0, 0, 0, 0, 0}, /* cases, none reviewed */
	};
	const struct sg_stratum_review one[] = {
		{80, 8, 7, 7, 0, 0},
		{5, 1, 1, 0, 1, 0}, /* one of five reviewed */
		{1, 1, 0, 1, 0, 1}, /* one of one: complete, fine */
		{0, 0, 0, 0, 0, 0}, /* an empty stratum counts for nothing */
	};
	struct sg_estimate e;

	(void)state;
	sg_stratified_share(unreviewed, 2, SG_SIDE_MODEL, 0.95, &e);
	assert_true(isnan(e.estimate) && isnan(e.low) && isnan(e.high));
	sg_stratified_difference(unreviewed, 2, 0.95, &e);
	assert_true(isnan(e.estimate));
	/* estimate (80 * 7/8 + 5 * 1 + 1 * 0) / 86 = 75 / 86, no interval */
	sg_stratified_share(one, 4, SG_SIDE_MODEL, 0.95, &e);
	NEAR(e.estimate, 75.0 / 86.0);
	assert_true(isnan(e.low) && isnan(e.high));
	sg_stratified_share(one, 0, SG_SIDE_MODEL, 0.95, &e);
	assert_true(isnan(e.estimate));
}

static void stratified_estimates_match_numpy(void **state)
{
	/* scripts/strata_reference.py */
	const struct sg_stratum_review s[] = {
		{4000, 40, 40, 40, 0, 0},
		{900, 30, 19, 4, 19, 4},
		{700, 25, 6, 11, 6, 11},
		{300, 20, 11, 2, 11, 2},
		{60, 60, 21, 24, 21, 24},
		{40, 12, 8, 2, 8, 2},
	};
	struct sg_estimate e;

	(void)state;
	sg_stratified_share(s, 6, SG_SIDE_MODEL, 0.95, &e);
	NEAR(e.estimate, 0.825111111111111);
	NEAR(e.variance, 0.00030493991080394594);
	NEAR(e.low, 0.7908851836563363);
	NEAR(e.high, 0.8593370385658857);
	sg_stratified_share(s, 6, SG_SIDE_HUMAN, 0.95, &e);
	NEAR(e.estimate, 0.7481111111111111);
	NEAR(e.variance, 0.0002328621153050978);
	NEAR(e.low, 0.7182024129307445);
	NEAR(e.high, 0.7780198092914776);
	sg_stratified_difference(s, 6, 0.95, &e);
	NEAR(e.estimate, 0.077);
	NEAR(e.variance, 0.0007941059720007089);
	NEAR(e.low, 0.02176843845491959);
	NEAR(e.high, 0.13223156154508042);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocation_by_hand),
		cmocka_unit_test(stratified_estimates_by_hand),
		cmocka_unit_test(finite_population_factor),
		cmocka_unit_test(undefined_cases),
		cmocka_unit_test(stratified_estimates_match_numpy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
