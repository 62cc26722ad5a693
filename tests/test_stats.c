/*
 * Tests for the statistics module. Every expected number is pasted from a
 * reference implementation named beside it (scipy 1.10.1, statsmodels
 * 0.13.5, scikit-learn 1.2.1, numpy 1.24.2, or published values); the
 * script that prints them is scripts/stats_reference.py. None comes from
 * this code's own output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#include "sg/stats.h"

#define TOL 1e-9
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* |got - want| <= TOL, relative to |want| when that is above 1. */
static void check_near(double got, double want, const char *what, int line)
{
	double scale = fabs(want) > 1.0 ? fabs(want) : 1.0;

	if (isnan(want) && isnan(got))
		return;
	if (!(fabs(got - want) <= TOL * scale))
		fail_msg("line %d: %s: got %.17g, want %.17g", line, what, got,
			 want);
}

/* |got - want| <= TOL * |want|: for tail probabilities far below 1. */
static void check_rel(double got, double want, const char *what, int line)
{
	if (!(fabs(got - want) <= TOL * fabs(want)))
		fail_msg("line %d: %s: got %.17g, want %.17g", line, what, got,
			 want);
}

#define NEAR(got, want) check_near((got), (want), #got, __LINE__)
#define REL(got, want) check_rel((got), (want), #got, __LINE__)
#define IS_NAN(x) assert_true(isnan(x))

/* ---------------------------------------------------------------- normal */

/* scipy 1.10.1: scipy.stats.norm.ppf(p) */
static const double ppf_ref[][2] = {
	{1e-300, -37.0470962993612},
	{1e-20, -9.262340089798409},
	{1e-10, -6.361340902404056},
	{1e-05, -4.264890793922825},
	{0.001, -3.090232306167813},
	{0.02425, -1.972961051311885},
	{0.025, -1.9599639845400545},
	{0.05, -1.6448536269514729},
	{0.075, -1.4395314709384563},
	{0.1, -1.2815515655446004},
	{0.3, -0.5244005127080409},
	{0.5, 0.0},
	{0.7, 0.5244005127080407},
	{0.9, 1.2815515655446004},
	{0.925, 1.4395314709384563},
	{0.95, 1.6448536269514722},
	{0.975, 1.959963984540054},
	{0.995, 2.5758293035489004},
	{0.999, 3.090232306167813},
	{0.9999999999, 6.361340889697422},
};

static void norm_ppf_matches_scipy(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ppf_ref); i++)
		NEAR(sg_norm_ppf(ppf_ref[i][0]), ppf_ref[i][1]);
}

static void norm_ppf_is_infinite_at_0_and_1_and_undefined_outside(void **state)
{
	(void)state;
	assert_true(isinf(sg_norm_ppf(0.0)) && sg_norm_ppf(0.0) < 0);
	assert_true(isinf(sg_norm_ppf(1.0)) && sg_norm_ppf(1.0) > 0);
	IS_NAN(sg_norm_ppf(-0.1));
	IS_NAN(sg_norm_ppf(1.1));
	IS_NAN(sg_norm_ppf(NAN));
}

/* scipy 1.10.1: scipy.stats.norm.cdf(x) */
static const double cdf_ref[][2] = {
	{-37.0, 5.7255712225239266e-300},
	{-10.0, 7.61985302416047e-24},
	{-5.0, 2.866515718791933e-07},
	{-1.959963984540054, 0.025},
	{-1.0, 0.15865525393145707},
	{0.0, 0.5},
	{0.5, 0.6914624612740131},
	{1.0, 0.8413447460685429},
	{1.959963984540054, 0.975},
	{3.0, 0.9986501019683699},
	{8.5, 1.0},
};

static void norm_cdf_matches_scipy_in_both_tails(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cdf_ref); i++)
		REL(sg_norm_cdf(cdf_ref[i][0]), cdf_ref[i][1]);
	IS_NAN(sg_norm_cdf(NAN));
}

/* scipy 1.10.1: scipy.stats.norm.isf((1 - c) / 2), as statsmodels' crit */
static const double z_ref[][2] = {
	{0.5, 0.6744897501960817},
	{0.8, 1.2815515655446004},
	{0.9, 1.6448536269514729},
	{0.95, 1.959963984540054},
	{0.99, 2.5758293035489004},
	{0.999, 3.2905267314918945},
	{0.999999, 4.8916384756929325},
};

static void z_for_confidence_matches_scipy(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(z_ref); i++)
		NEAR(sg_z_for_confidence(z_ref[i][0]), z_ref[i][1]);
	IS_NAN(sg_z_for_confidence(0.0));
	IS_NAN(sg_z_for_confidence(1.0));
	IS_NAN(sg_z_for_confidence(-0.5));
	IS_NAN(sg_z_for_confidence(NAN));
}

/* ---------------------------------------------------------------- Wilson */

struct ref_wilson {
	long k, n;
	double c, low, high;
};

/* statsmodels 0.13.5: proportion_confint(k, n, alpha=1-c, method='wilson') */
static const struct ref_wilson wilson_ref[] = {
	{81, 100, 0.9, 0.7376400476715522, 0.8660274654428798},
	{81, 100, 0.95, 0.7222115462093562, 0.8748524849023126},
	{81, 100, 0.99, 0.6909728946022774, 0.8904502790139125},
	{0, 10, 0.9, 0.0, 0.2129419700834071},
	{0, 10, 0.95, 0.0, 0.2775327998628892},
	{0, 10, 0.99, 0.0, 0.3988540933049081},
	{10, 10, 0.9, 0.7870580299165928, 1.0},
	{10, 10, 0.95, 0.7224672001371107, 0.9999999999999999},
	{10, 10, 0.99, 0.6011459066950919, 1.0},
	{0, 1, 0.9, 0.0, 0.730134051215946},
	{0, 1, 0.95, 0.0, 0.7934506856227626},
	{0, 1, 0.99, 0.0, 0.8690224567198142},
	{1, 1, 0.9, 0.269865948784054, 1.0},
	{1, 1, 0.95, 0.20654931437723745, 1.0},
	{1, 1, 0.99, 0.13097754328018596, 1.0},
	{1, 2, 0.9, 0.1208663194222736, 0.8791336805777263},
	{1, 2, 0.95, 0.09453120573423074, 0.9054687942657693},
	{1, 2, 0.99, 0.06171307677810184, 0.9382869232218982},
	{5, 37, 0.9, 0.06735850396058893, 0.2526356920333437},
	{5, 37, 0.95, 0.059132944257320186, 0.2797741178400979},
	{5, 37, 0.99, 0.04622218060492128, 0.33500701659299065},
	{999, 1000, 0.9, 0.9955302770906311, 0.9997768761560879},
	{999, 1000, 0.95, 0.9943574414020421, 0.9998234536293739},
	{999, 1000, 0.99, 0.9915394337800183, 0.9998825836463816},
	{1, 1000000, 0.9, 2.230922523521047e-07, 4.482438470725465e-06},
	{1, 1000000, 0.95, 1.7652457674537176e-07, 5.664911804311444e-06},
	{1, 1000000, 0.99, 1.174054749996328e-07, 8.517433834755594e-06},
	{123456, 200000, 0.9, 0.6154907277566013, 0.6190660992249595},
	{123456, 200000, 0.95, 0.6151475941710203, 0.6194079006526072},
	{123456, 200000, 0.99, 0.6144766319375616, 0.6200755869138403},
};

static void wilson_matches_statsmodels(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(wilson_ref); i++) {
		const struct ref_wilson *w = &wilson_ref[i];
		double lo, hi;

		sg_wilson(w->k, w->n, w->c, &lo, &hi);
		NEAR(lo, w->low);
		NEAR(hi, w->high);
		if (w->n == 1000000) { /* tiny bounds: relative too */
			REL(lo, w->low);
			REL(hi, w->high);
		}
	}
}

static void wilson_is_clipped_to_0_and_1_exactly(void **state)
{
	double lo, hi;

	(void)state;
	sg_wilson(0, 10, 0.95, &lo, &hi);
	assert_true(lo == 0.0);
	sg_wilson(10, 10, 0.95, &lo, &hi);
	assert_true(hi == 1.0);
	sg_wilson(0, 1, 0.99, &lo, &hi);
	assert_true(lo == 0.0 && hi > 0.0 && hi < 1.0);
	sg_wilson(1, 1, 0.99, &lo, &hi);
	assert_true(hi == 1.0 && lo > 0.0 && lo < 1.0);
}

static void wilson_is_undefined_without_trials(void **state)
{
	double lo = 0, hi = 0;

	(void)state;
	sg_wilson(0, 0, 0.95, &lo, &hi);
	IS_NAN(lo);
	IS_NAN(hi);
	sg_wilson(3, 2, 0.95, &lo, &hi);
	IS_NAN(lo);
	IS_NAN(hi);
	sg_wilson(-1, 2, 0.95, &lo, &hi);
	IS_NAN(lo);
	sg_wilson(1, 2, 1.0, &lo, &hi);
	IS_NAN(hi);
}

/* ---------------------------------------------------------------- tables */

/* Rows human (y_true), columns model (y_pred). */

/* statsmodels/stats/tests/test_inter_rater.py table10, the SAS PROC FREQ
 * example. Column 0 is empty: the model never predicts class 0. */
static const long t_sas[] = {0, 4, 1, 0, 8, 0, 0, 1, 5};
/* Row 2 is empty: humans never use class 2; the model does. */
static const long t_human_never[] = {20, 3, 2, 4, 15, 1, 0, 0, 0};
static const long t_binary[] = {45, 5, 10, 40};
static const long t_four[] = {23, 4, 1, 0, 3, 31, 5, 2,
			      0, 6, 18, 3, 1, 0, 4, 12};
/* The middle class is used by neither side. */
static const long t_gap[] = {10, 0, 2, 0, 0, 0, 3, 0, 9};
static const long t_perfect[] = {5, 0, 0, 0, 3, 0, 0, 0, 2};
static const long t_opposite[] = {0, 5, 5, 0};
/* n = 1, a disagreement */
static const long t_one_off[] = {0, 1, 0, 0};
static const long t_ordinal5[] = {12, 3, 1, 0, 0, 2, 15, 4, 1, 0, 0, 3, 20,
				  5, 1, 0, 1, 4, 14, 3, 0, 0, 1, 2, 9};
/* 200,000 cases */
static const long t_big[] = {60000, 3000, 1500, 500, 2500, 50000, 2000, 1000,
			     1200, 1800, 40000, 3000, 300, 700, 2500, 30000};

/* ---------------------------------------------------------------- kappa */

struct ref_kappa {
	const long *m;
	size_t k;
	double kappa, se, lo95, hi95, lo90, hi90, lo99, hi99;
};

/*
 * kappa: sklearn 1.2.1 cohen_kappa_score(y_true, y_pred) on the table
 * expanded into arrays; se, lo95, hi95: statsmodels 0.13.5
 * cohens_kappa(table).std_kappa, .kappa_low, .kappa_upp; 90% and 99%:
 * kappa -+ scipy.stats.norm.isf((1 - c) / 2) * std_kappa.
 */
static const struct ref_kappa kappa_ref[] = {
#define KAPPA_SAS 0
	{t_sas, 3, 0.48416289592760176, 0.1380135783058146, 0.21366125307070666, 0.754664538784497, 0.2571507610827315, 0.711175030772472, 0.12866347663984373, 0.8396623152153597},
#define KAPPA_HUMAN_NEVER 1
	{t_human_never, 3, 0.5774647887323943, 0.11122182958913022, 0.3594740084430478, 0.795455569021741, 0.3945211589365348, 0.7604084185282538, 0.2909763408823905, 0.8639532365823981},
	{t_binary, 2, 0.7, 0.07105631569396208, 0.560732180365726, 0.8392678196342739, 0.5831227614129776, 0.8168772385870223, 0.5169710598332709, 0.8830289401667291},
	{t_four, 4, 0.6471411650694519, 0.056609385024943074, 0.5361888092336025, 0.7580935209053015, 0.5540270127916819, 0.7402553173472218, 0.5013250522663212, 0.7929572778725825},
	{t_gap, 3, 0.5833333333333333, 0.16521965403431316, 0.25950876188791155, 0.907157904778755, 0.31157118615132573, 0.8550954805153408, 0.1577557069495381, 1.0089109597171284},
#define KAPPA_PERFECT 5
	{t_perfect, 3, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0},
#define KAPPA_OPPOSITE 6
	{t_opposite, 2, -1.0, 0.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0},
#define KAPPA_ONE_OFF 7
	{t_one_off, 2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
	{t_ordinal5, 5, 0.6077915570587499, 0.05923731823161602, 0.4916885467840444, 0.7238945673334551, 0.5103548393145977, 0.7052282748029021, 0.45520633689410184, 0.7603767772233979},
#define KAPPA_BIG 9
	{t_big, 4, 0.8643516006511123, 0.0009079640050721261, 0.8625720239019122, 0.8661311774003125, 0.862858132764228, 0.8658450685379966, 0.8620128403602799, 0.8666903609419446},
};

static void check_kappa(size_t i)
{
	const struct ref_kappa *r = &kappa_ref[i];
	struct sg_kappa out;

	sg_cohen_kappa(r->m, r->k, 0.95, &out);
	NEAR(out.value, r->kappa);
	NEAR(out.se, r->se);
	NEAR(out.low, r->lo95);
	NEAR(out.high, r->hi95);
	sg_cohen_kappa(r->m, r->k, 0.90, &out);
	NEAR(out.low, r->lo90);
	NEAR(out.high, r->hi90);
	sg_cohen_kappa(r->m, r->k, 0.99, &out);
	NEAR(out.value, r->kappa);
	NEAR(out.low, r->lo99);
	NEAR(out.high, r->hi99);
}

static void kappa_matches_sklearn_and_statsmodels(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(kappa_ref); i++)
		check_kappa(i);
}

static void kappa_reproduces_sas_published_values(void **state)
{
	struct sg_kappa out;

	(void)state;
	/* SAS PROC FREQ printout quoted in statsmodels' test_inter_rater.py:
	 * Kappa 0.4842, ASE 0.1380, 95% 0.2137 .. 0.7547 */
	sg_cohen_kappa(t_sas, 3, 0.95, &out);
	assert_true(fabs(out.value - 0.4842) < 5e-5);
	assert_true(fabs(out.se - 0.1380) < 5e-5);
	assert_true(fabs(out.low - 0.2137) < 5e-5);
	assert_true(fabs(out.high - 0.7547) < 5e-5);
	/* SAS weighted kappa (Cicchetti-Allison = linear) 0.4701 */
	assert_true(fabs(sg_weighted_kappa(t_sas, 3, 0) - 0.4701) < 5e-5);
}

static void kappa_handles_a_class_the_model_never_predicts(void **state)
{
	(void)state;
	check_kappa(KAPPA_SAS);
}

static void kappa_handles_a_class_humans_never_use(void **state)
{
	(void)state;
	check_kappa(KAPPA_HUMAN_NEVER);
}

static void kappa_is_one_for_perfect_and_minus_one_for_opposite(void **state)
{
	(void)state;
	check_kappa(KAPPA_PERFECT);
	check_kappa(KAPPA_OPPOSITE);
}

static void kappa_of_one_disagreeing_case_is_zero(void **state)
{
	(void)state;
	check_kappa(KAPPA_ONE_OFF);
}

static void kappa_of_200000_cases_matches_sklearn(void **state)
{
	(void)state;
	check_kappa(KAPPA_BIG);
}

static void assert_kappa_undefined(const struct sg_kappa *out)
{
	IS_NAN(out->value);
	IS_NAN(out->se);
	IS_NAN(out->low);
	IS_NAN(out->high);
}

static void kappa_is_undefined_without_cases(void **state)
{
	static const long zero[] = {0, 0, 0, 0};
	struct sg_kappa out;

	(void)state;
	sg_cohen_kappa(zero, 2, 0.95, &out);
	assert_kappa_undefined(&out);
	sg_cohen_kappa(zero, 0, 0.95, &out);
	assert_kappa_undefined(&out);
}

static void kappa_is_undefined_when_both_sides_use_one_label(void **state)
{
	/* expected agreement 1; sklearn returns nan (0/0) here too */
	static const long one_label[] = {0, 0, 0, 0, 7, 0, 0, 0, 0};
	static const long one_case[] = {1, 0, 0, 0};
	struct sg_kappa out;

	(void)state;
	sg_cohen_kappa(one_label, 3, 0.95, &out);
	assert_kappa_undefined(&out);
	sg_cohen_kappa(one_case, 2, 0.95, &out);
	assert_kappa_undefined(&out);
}

static void kappa_rejects_negative_counts(void **state)
{
	static const long bad[] = {3, -1, 0, 4};
	struct sg_kappa out;

	(void)state;
	sg_cohen_kappa(bad, 2, 0.95, &out);
	assert_kappa_undefined(&out);
}

/* ---------------------------------------------------------- weighted kappa */

struct ref_wkappa {
	const long *m;
	size_t k;
	double linear, quadratic;
};

/* sklearn 1.2.1: cohen_kappa_score(y_true, y_pred, labels=range(k),
 * weights='linear' | 'quadratic') */
static const struct ref_wkappa wkappa_ref[] = {
	{t_sas, 3, 0.4701195219123506, 0.45016077170418},
	{t_human_never, 3, 0.5263157894736842, 0.4418604651162791},
	{t_binary, 2, 0.7, 0.7},
	{t_four, 4, 0.7268202502844141, 0.7960608913998745},
	{t_gap, 3, 0.5833333333333333, 0.5833333333333333},
	{t_perfect, 3, 1.0, 1.0},
	{t_opposite, 2, -1.0, -1.0},
	{t_ordinal5, 5, 0.7425293867724119, 0.8504955592740379},
	{t_big, 4, 0.8915966561737789, 0.9154785281311364},
};

static void weighted_kappa_matches_sklearn(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(wkappa_ref); i++) {
		const struct ref_wkappa *r = &wkappa_ref[i];

		NEAR(sg_weighted_kappa(r->m, r->k, 0), r->linear);
		NEAR(sg_weighted_kappa(r->m, r->k, 1), r->quadratic);
	}
}

static void weighted_kappa_is_undefined_for_one_label_or_no_cases(void **state)
{
	static const long one_label[] = {7, 0, 0, 0};
	static const long zero[] = {0, 0, 0, 0};

	(void)state;
	IS_NAN(sg_weighted_kappa(one_label, 2, 0));
	IS_NAN(sg_weighted_kappa(one_label, 2, 1));
	IS_NAN(sg_weighted_kappa(zero, 2, 1));
}

/* ---------------------------------------------------------- class metrics */

struct ref_class {
	double p, r, f1;
	long support;
};

/* sklearn 1.2.1: precision_recall_fscore_support(y_true, y_pred,
 * labels=range(k), zero_division=0, average=None | 'macro' | 'weighted');
 * the averages are {precision, recall, f1}. */
static const struct ref_class c_sas[] = {
	{0.0, 0.0, 0.0, 5},
	{0.6153846153846154, 1.0, 0.761904761904762, 8},
	{0.8333333333333334, 0.8333333333333334, 0.8333333333333334, 6},
};
static const double macro_sas[] = {0.48290598290598297, 0.6111111111111112, 0.5317460317460317};
static const double weighted_sas[] = {0.5222672064777328, 0.6842105263157895, 0.5839598997493735};
static const struct ref_class c_human_never[] = {
	{0.8333333333333334, 0.8, 0.816326530612245, 25},
	{0.8333333333333334, 0.75, 0.7894736842105262, 20},
	{0.0, 0.0, 0.0, 0},
};
static const double macro_human_never[] = {0.5555555555555556, 0.5166666666666667, 0.5352667382742571};
static const double weighted_human_never[] = {0.8333333333333334, 0.7777777777777778, 0.8043919322114811};
static const struct ref_class c_binary[] = {
	{0.8181818181818182, 0.9, 0.8571428571428572, 50},
	{0.8888888888888888, 0.8, 0.8421052631578948, 50},
};
static const double macro_binary[] = {0.8535353535353536, 0.8500000000000001, 0.849624060150376};
static const double weighted_binary[] = {0.8535353535353536, 0.85, 0.8496240601503761};
static const struct ref_class c_four[] = {
	{0.8518518518518519, 0.8214285714285714, 0.8363636363636364, 28},
	{0.7560975609756098, 0.7560975609756098, 0.7560975609756099, 41},
	{0.6428571428571429, 0.6666666666666666, 0.6545454545454545, 27},
	{0.7058823529411765, 0.7058823529411765, 0.7058823529411765, 17},
};
static const double macro_four[] = {0.7391722271564453, 0.7375187880030061, 0.7382222512064693};
static const double weighted_four[] = {0.7452123425574753, 0.7433628318584071, 0.7441673370876911};
static const struct ref_class c_gap[] = {
	{0.7692307692307693, 0.8333333333333334, 0.8, 12},
	{0.0, 0.0, 0.0, 0},
	{0.8181818181818182, 0.75, 0.7826086956521738, 12},
};
static const double macro_gap[] = {0.5291375291375292, 0.5277777777777778, 0.527536231884058};
static const double weighted_gap[] = {0.7937062937062938, 0.7916666666666666, 0.7913043478260869};
static const struct ref_class c_ordinal5[] = {
	{0.8571428571428571, 0.75, 0.7999999999999999, 16},
	{0.6818181818181818, 0.6818181818181818, 0.6818181818181818, 22},
	{0.6666666666666666, 0.6896551724137931, 0.6779661016949153, 29},
	{0.6363636363636364, 0.6363636363636364, 0.6363636363636364, 22},
	{0.6923076923076923, 0.75, 0.7199999999999999, 12},
};
static const double macro_ordinal5[] = {0.7068598068598068, 0.7015673981191222, 0.7032295839753466};
static const double weighted_ordinal5[] = {0.6965872411416966, 0.693069306930693, 0.6940694747440845};
static const struct ref_class c_big[] = {
	{0.9375, 0.9230769230769231, 0.9302325581395349, 65000},
	{0.9009009009009009, 0.9009009009009009, 0.9009009009009009, 55500},
	{0.8695652173913043, 0.8695652173913043, 0.8695652173913043, 46000},
	{0.8695652173913043, 0.8955223880597015, 0.8823529411764706, 33500},
};
static const double macro_big[] = {0.8943828339208774, 0.8972663573572074, 0.8957629044020526};
static const double weighted_big[] = {0.9003396739130435, 0.9, 0.9001196990424077};

static void check_classes(const long *m, size_t k, const struct ref_class *ref,
			  const double *mac, const double *wei)
{
	struct sg_class_metrics per[8], macro, weighted;
	long n = 0;
	size_t i;

	assert_true(k <= ARRAY_SIZE(per));
	for (i = 0; i < k * k; i++)
		n += m[i];
	sg_class_metrics(m, k, per, &macro, &weighted);
	for (i = 0; i < k; i++) {
		NEAR(per[i].precision, ref[i].p);
		NEAR(per[i].recall, ref[i].r);
		NEAR(per[i].f1, ref[i].f1);
		assert_int_equal(per[i].support, ref[i].support);
	}
	NEAR(macro.precision, mac[0]);
	NEAR(macro.recall, mac[1]);
	NEAR(macro.f1, mac[2]);
	NEAR(weighted.precision, wei[0]);
	NEAR(weighted.recall, wei[1]);
	NEAR(weighted.f1, wei[2]);
	assert_int_equal(macro.support, n);
	assert_int_equal(weighted.support, n);
}

static void class_metrics_match_sklearn(void **state)
{
	(void)state;
	check_classes(t_binary, 2, c_binary, macro_binary, weighted_binary);
	check_classes(t_four, 4, c_four, macro_four, weighted_four);
	check_classes(t_ordinal5, 5, c_ordinal5, macro_ordinal5,
		      weighted_ordinal5);
}

static void class_metrics_are_zero_for_a_class_the_model_never_predicts(void **state)
{
	(void)state;
	check_classes(t_sas, 3, c_sas, macro_sas, weighted_sas);
}

static void class_metrics_are_zero_for_a_class_humans_never_use(void **state)
{
	(void)state;
	check_classes(t_human_never, 3, c_human_never, macro_human_never,
		      weighted_human_never);
}

static void class_metrics_count_an_unused_class_in_the_macro_average(void **state)
{
	(void)state;
	check_classes(t_gap, 3, c_gap, macro_gap, weighted_gap);
}

static void class_metrics_of_200000_cases_match_sklearn(void **state)
{
	(void)state;
	check_classes(t_big, 4, c_big, macro_big, weighted_big);
}

static void class_metrics_of_an_empty_matrix_are_zero(void **state)
{
	/* sklearn with zero_division=0 gives 0 for all of these; n == 0 */
	static const long zero[] = {0, 0, 0, 0};
	struct sg_class_metrics per[2], macro, weighted;

	(void)state;
	sg_class_metrics(zero, 2, per, &macro, &weighted);
	assert_true(per[0].precision == 0 && per[1].recall == 0 &&
		    per[1].f1 == 0 && per[0].support == 0);
	assert_true(macro.precision == 0 && macro.recall == 0 &&
		    macro.f1 == 0 && macro.support == 0);
	assert_true(weighted.precision == 0 && weighted.recall == 0 &&
		    weighted.f1 == 0 && weighted.support == 0);
}

/* ---------------------------------------------------------------- Fleiss */

/* Wikipedia's Fleiss' kappa example (statsmodels' test table1), 10 items x
 * 5 categories, 14 raters; Wikipedia gives 0.210. */
static const long f_wiki[] = {0, 0, 0, 0, 14, 0, 2, 6, 4, 2, 0, 0, 3, 5, 6, 0, 3, 9, 2, 0, 2, 2, 8, 1, 1, 7, 7, 0, 0, 0, 3, 2, 6, 3, 0, 2, 5, 3, 2, 2, 6, 5, 2, 1, 0, 0, 2, 2, 3, 7};
/* Fleiss (1971) diagnoses, 30 items x 5 categories, 6 raters, via
 * statsmodels aggregate_raters on the test file's `diagnoses` */
static const long f_diag[] = {0, 0, 0, 6, 0, 0, 3, 0, 0, 3, 0, 1, 4, 0, 1, 0, 0, 0, 0, 6, 0, 3, 0, 3, 0, 2, 0, 4, 0, 0, 0, 0, 4, 0, 2, 2, 0, 3, 1, 0, 2, 0, 0, 4, 0, 0, 0, 0, 0, 6, 1, 0, 0, 5, 0, 1, 1, 0, 4, 0, 0, 3, 3, 0, 0, 1, 0, 0, 5, 0, 0, 2, 0, 3, 1, 0, 0, 5, 0, 1, 3, 0, 0, 1, 2, 5, 1, 0, 0, 0, 0, 2, 0, 4, 0, 1, 0, 2, 0, 3, 0, 0, 0, 0, 6, 0, 1, 0, 5, 0, 0, 2, 0, 1, 3, 2, 0, 0, 4, 0, 1, 0, 0, 4, 1, 0, 5, 0, 1, 0, 4, 0, 0, 0, 2, 0, 2, 0, 4, 0, 1, 0, 5, 0, 0, 0, 0, 0, 0, 6};
static const long f_rand1[] = {7, 1, 3, 5};
static const long f_rand2[] = {6, 1, 0, 0, 7, 0};
static const long f_perfect[] = {7, 0, 0, 7};

static void fleiss_kappa_matches_wikipedia_example(void **state)
{
	double k = sg_fleiss_kappa(f_wiki, 10, 5);

	(void)state;
	/* statsmodels 0.13.5: fleiss_kappa(table1) */
	NEAR(k, 0.20993070442195522);
	assert_true(fabs(k - 0.210) < 5e-4);
}

static void fleiss_kappa_matches_statsmodels(void **state)
{
	(void)state;
	/* statsmodels 0.13.5: fleiss_kappa(table, method='fleiss') */
	NEAR(sg_fleiss_kappa(f_diag, 30, 5), 0.43024452006014074);
	NEAR(sg_fleiss_kappa(f_rand1, 2, 2), 0.16190476190476205);
	NEAR(sg_fleiss_kappa(f_rand2, 2, 3), 0.7083333333333335);
	NEAR(sg_fleiss_kappa(f_perfect, 2, 2), 1.0);
}

static void fleiss_kappa_is_undefined_for_unequal_ratings_per_item(void **state)
{
	static const long uneven[] = {3, 1, 2, 1};

	(void)state;
	IS_NAN(sg_fleiss_kappa(uneven, 2, 2));
}

static void fleiss_kappa_is_undefined_with_fewer_than_two_ratings(void **state)
{
	static const long single[] = {1, 0, 0, 1, 1, 0};

	(void)state;
	IS_NAN(sg_fleiss_kappa(single, 3, 2));
	IS_NAN(sg_fleiss_kappa(single, 0, 2));
}

static void fleiss_kappa_is_undefined_when_all_ratings_agree_on_one_category(void **state)
{
	static const long one[] = {0, 4, 0, 4, 0, 4};

	(void)state;
	IS_NAN(sg_fleiss_kappa(one, 3, 2));
}

/* ---------------------------------------------------------- Krippendorff */

#define M (-1)

/* Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", C:
 * nominal data, 4 observers (rows A-D) x 12 units, '.' = M. The paper
 * prints alpha = 0.743. This layout has unit 12's lone value under C as in
 * the paper (and R DescTools' KrippAlpha example); the variant with it
 * under B gives the same alpha (a lone value is never paired). */
static const int k_paper[4][12] = {
	{1, 2, 3, 3, 2, 1, 4, 1, 2, M, M, M},
	{1, 2, 3, 3, 2, 2, 4, 1, 2, 5, M, M},
	{M, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3},
	{1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, M},
};
static const int k_brief[4][12] = {
	{1, 2, 3, 3, 2, 1, 4, 1, 2, M, M, M},
	{1, 2, 3, 3, 2, 2, 4, 1, 2, 5, M, 3},
	{M, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, M},
	{1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, M},
};

/* units x coders from the paper's coders x units */
static void transpose(const int coders_by_units[4][12], int *out)
{
	size_t u, c;

	for (u = 0; u < 12; u++)
		for (c = 0; c < 4; c++)
			out[u * 4 + c] = coders_by_units[c][u];
}

static void krippendorff_alpha_matches_2011_worked_example(void **state)
{
	int data[48];
	double a;

	(void)state;
	transpose(k_paper, data);
	a = sg_krippendorff_alpha_nominal(data, 12, 4);
	/* exact: scripts/stats_reference.py kripp_alpha_nominal(paper) */
	NEAR(a, 0.743421052631579);
	assert_true(fabs(a - 0.743) < 5e-4); /* as printed in the paper */
	transpose(k_brief, data);
	NEAR(sg_krippendorff_alpha_nominal(data, 12, 4), 0.743421052631579);
}

/* 20 units x 5 coders, categories 0..3, -1 missing; generated by
 * scripts/stats_reference.py */
static const int k_gen[] = {-1, 0, 0, 3, 0, 1, 1, 3, 1, 1, 2, 3, 2, 2, 2, 3, 3, 3, 2, -1, 0, 0, 2, 0, 0, 1, 2, 1, -1, 1, 2, 2, 2, 1, 2, 3, 3, -1, 3, 3, 0, 1, 0, 0, 0, 1, -1, 1, 0, 1, 2, 2, 0, 2, 2, -1, 0, 3, 3, 3, 0, 0, 0, 3, 0, 1, 1, 3, 1, 1, 2, 3, 2, 2, -1, 3, 3, 3, 2, 3, 0, 0, 2, -1, 0, 1, 2, 1, 1, 1, 2, 2, -1, 1, 2, 3, 3, 1, 3, 3};

static void krippendorff_alpha_matches_coincidence_matrix_on_generated_data(void **state)
{
	(void)state;
	/* scripts/stats_reference.py kripp_alpha_nominal(gen) */
	NEAR(sg_krippendorff_alpha_nominal(k_gen, 20, 5), 0.4487427466150872);
}

static void krippendorff_alpha_is_undefined_without_pairable_values(void **state)
{
	static const int lone[] = {1, M, M, M, 2, M, M, M, 3};

	(void)state;
	IS_NAN(sg_krippendorff_alpha_nominal(lone, 3, 3));
	IS_NAN(sg_krippendorff_alpha_nominal(lone, 0, 3));
}

static void krippendorff_alpha_is_one_on_perfect_agreement(void **state)
{
	static const int same[] = {1, 1, M, 2, 2, 2, M, 0, 0, 7, M, M};

	(void)state;
	assert_true(sg_krippendorff_alpha_nominal(same, 4, 3) == 1.0);
}

static void krippendorff_alpha_is_undefined_when_one_value_is_used(void **state)
{
	static const int one[] = {4, 4, 4, M, 4, 4};

	(void)state;
	IS_NAN(sg_krippendorff_alpha_nominal(one, 2, 3));
}

/* ---------------------------------------------------------------- regression */

static void regression_matches_numpy(void **state)
{
	static const double h[] = {1.0, 2.5, 3.0, 4.2, 5.0, 0.1, 7.25};
	static const double m[] = {1.5, 2.0, 3.0, 5.0, 4.0, 0.6, 7.0};
	struct sg_regression r;

	(void)state;
	sg_regression(h, m, 7, 0.5, 0.95, &r);
	assert_int_equal(r.n, 7);
	/* numpy 1.24.2: mean(|m-h|), sqrt(mean((m-h)**2)), mean(m-h),
	 * sum(|h-m| <= 0.5); statsmodels proportion_confint(5, 7, 0.05,
	 * method='wilson') */
	NEAR(r.mae, 0.5071428571428571);
	NEAR(r.rmse, 0.5919097421542772);
	NEAR(r.bias, 0.0071428571428571175);
	assert_int_equal(r.within, 5);
	NEAR(r.within_rate, 0.7142857142857143);
	NEAR(r.within_low, 0.35893445183261935);
	NEAR(r.within_high, 0.9177810759959433);
}

static void regression_of_100000_large_values_matches_numpy(void **state)
{
	size_t n = 100000, i;
	double *h = malloc(n * sizeof(*h)), *m = malloc(n * sizeof(*m));
	struct sg_regression r;

	(void)state;
	assert_non_null(h);
	assert_non_null(m);
	/* the same doubles as the script builds */
	for (i = 0; i < n; i++) {
		h[i] = 1e6 + (double)(i % 97) * 0.25;
		m[i] = h[i] + (double)((long)((i * 7919) % 41) - 20) * 0.05;
	}
	sg_regression(h, m, n, 0.5, 0.95, &r);
	/* numpy 1.24.2 as above (math.fsum agrees: 0.5122, -1e-05) */
	NEAR(r.mae, 0.5122);
	NEAR(r.rmse, 0.5916134717851923);
	NEAR(r.bias, -1e-05);
	assert_int_equal(r.within, 51219);
	NEAR(r.within_rate, 0.51219);
	NEAR(r.within_low, 0.5090915371789099);
	NEAR(r.within_high, 0.5152875263094053);
	free(h);
	free(m);
}

static void regression_is_undefined_without_pairs(void **state)
{
	struct sg_regression r;

	(void)state;
	sg_regression(NULL, NULL, 0, 0.5, 0.95, &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.within, 0);
	IS_NAN(r.mae);
	IS_NAN(r.rmse);
	IS_NAN(r.bias);
	IS_NAN(r.within_rate);
	IS_NAN(r.within_low);
	IS_NAN(r.within_high);
}

/* ---------------------------------------------------------------- PSI */

static void psi_of_counts_matches_numpy(void **state)
{
	static const long e1[] = {10, 20, 30, 25, 15}, a1[] = {12, 18, 25, 30, 15};
	static const long e2[] = {10, 0, 5, 5}, a2[] = {0, 3, 10, 7};
	static const long e3[] = {1000, 2000, 3000, 4000};
	static const long a3[] = {1000, 2000, 3000, 4000};

	(void)state;
	/* numpy: sum((a - e) * log(a / e)), shares raised to 1e-4 */
	NEAR(sg_psi(e1, a1, 5, 1e-4), 0.023985797128431074);
	NEAR(sg_psi(e2, a2, 4, 1e-4), 5.5609306312159195);
	assert_true(sg_psi(e3, a3, 4, 1e-4) == 0.0);
}

static void psi_is_infinite_without_a_floor_when_one_side_is_empty(void **state)
{
	static const long e[] = {10, 0, 5}, a[] = {0, 0, 10};

	(void)state;
	assert_true(isinf(sg_psi(e, a, 3, 0.0)));
}

static void psi_is_undefined_without_counts(void **state)
{
	static const long e[] = {0, 0}, a[] = {1, 2}, neg[] = {3, -1};

	(void)state;
	IS_NAN(sg_psi(e, a, 2, 1e-4));
	IS_NAN(sg_psi(a, e, 2, 1e-4));
	IS_NAN(sg_psi(a, a, 0, 1e-4));
	IS_NAN(sg_psi(a, neg, 2, 1e-4));
}

static void psi_of_samples_matches_numpy_quantile_bins(void **state)
{
	static const double se[] = {1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 6.0, 7.5};
	static const double sa[] = {0.5, 2.0, 2.5, 3.0, 5.0, 5.0, 8.0, 9.0};
	size_t ne = 5000, na = 4000, i;
	double *e = malloc(ne * sizeof(*e)), *a = malloc(na * sizeof(*a));

	(void)state;
	assert_non_null(e);
	assert_non_null(a);
	for (i = 0; i < ne; i++)
		e[i] = (double)((i * 7919) % 1000) / 10.0;
	for (i = 0; i < na; i++)
		a[i] = (double)((i * 104729) % 1000) / 10.0 * 1.1 + 3.0;
	/* numpy 1.24.2: cuts = quantile(e, arange(1, 10) / 10), bins by
	 * searchsorted(cuts, x, side='left'), then the PSI above */
	NEAR(sg_psi_samples(e, ne, a, na, 10, 1e-4), 0.10341239684935201);
	assert_true(sg_psi_samples(e, ne, e, ne, 10, 1e-4) == 0.0);
	NEAR(sg_psi_samples(se, 10, sa, 8, 4, 1e-4), 0.04054651081081642);
	IS_NAN(sg_psi_samples(se, 0, sa, 8, 4, 1e-4));
	e[3] = NAN;
	IS_NAN(sg_psi_samples(e, ne, a, na, 10, 1e-4));
	free(e);
	free(a);
}

/* ---------------------------------------------------------------- KS */

/* scipy 1.10.1: scipy.special.kolmogorov(x) */
static const double kolmogorov_ref[][2] = {
	{0.05, 1.0},
	{0.2, 0.999999999999495},
	{0.5, 0.9639452436648751},
	{0.8, 0.5441424115741981},
	{0.99, 0.2808738392255489},
	{1.0, 0.26999967167735456},
	{1.01, 0.25943416909359746},
	{1.2, 0.11224966667072497},
	{1.3580986393225505, 0.050000000000000024},
	{2.0, 0.0006709252557796953},
	{3.0, 3.045995948942526e-08},
	{5.0, 3.8574996959278356e-22},
	{8.0, 5.14441874528483e-56},
};

static void kolmogorov_sf_matches_scipy(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(kolmogorov_ref); i++)
		REL(sg_kolmogorov_sf(kolmogorov_ref[i][0]),
		    kolmogorov_ref[i][1]);
	assert_true(sg_kolmogorov_sf(0.0) == 1.0);
	assert_true(sg_kolmogorov_sf(-1.0) == 1.0);
	IS_NAN(sg_kolmogorov_sf(NAN));
}

static void ks_2samp_matches_scipy_statistic_with_ties(void **state)
{
	static const double x[] = {1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 6.0, 7.5};
	static const double y[] = {0.5, 2.0, 2.5, 3.0, 5.0, 5.0, 8.0, 9.0};
	size_t nx = 3000, ny = 2500, i;
	double *a = malloc(nx * sizeof(*a)), *b = malloc(ny * sizeof(*b));
	struct sg_ks ks;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	/* d: scipy 1.10.1 ks_2samp(x, y).statistic;
	 * p: scipy.special.kolmogorov(sqrt(nx * ny / (nx + ny)) * d) */
	sg_ks_2samp(x, 10, y, 8, &ks);
	NEAR(ks.d, 0.25);
	NEAR(ks.pvalue, 0.9439727177896733);
	for (i = 0; i < nx; i++)
		a[i] = (double)(i * 37 % 101) * 0.1;
	for (i = 0; i < ny; i++)
		b[i] = (double)(i * 53 % 97) * 0.1 + 0.3;
	sg_ks_2samp(a, nx, b, ny, &ks);
	NEAR(ks.d, 0.0366);
	NEAR(ks.pvalue, 0.051807743275029156);
	sg_ks_2samp(a, nx, a, nx, &ks);
	assert_true(ks.d == 0.0 && ks.pvalue == 1.0);
	free(a);
	free(b);
}

static void ks_2samp_is_undefined_for_an_empty_or_nan_sample(void **state)
{
	static const double x[] = {1.0, 2.0}, bad[] = {1.0, NAN};
	struct sg_ks ks;

	(void)state;
	sg_ks_2samp(x, 2, x, 0, &ks);
	IS_NAN(ks.d);
	IS_NAN(ks.pvalue);
	sg_ks_2samp(x, 2, bad, 2, &ks);
	IS_NAN(ks.d);
	IS_NAN(ks.pvalue);
}

/* The shared helpers (stats.h's last block), worked by hand. */

static void quantile_rank_places_q_as_numpy_linear(void **state)
{
	size_t i;
	double t;

	(void)state;
	/* n = 5: virtual rank (n - 1) * q = 4q */
	assert_int_equal(sg_quantile_rank(5, 0.0, &i, &t), 0);
	assert_int_equal(i, 0);
	assert_int_equal(sg_quantile_rank(5, 1.0, &i, &t), 0);
	assert_int_equal(i, 4);
	/* 4 * 0.375 = 1.5: half way from rank 1 to rank 2 */
	assert_int_equal(sg_quantile_rank(5, 0.375, &i, &t), 1);
	assert_int_equal(i, 1);
	NEAR(t, 0.5);
	/* 4 * 0.25 = 1 exactly: rank 1, none of the way to rank 2 */
	assert_int_equal(sg_quantile_rank(5, 0.25, &i, &t), 1);
	assert_int_equal(i, 1);
	NEAR(t, 0.0);
	/* one value: every q is it */
	assert_int_equal(sg_quantile_rank(1, 0.5, &i, &t), 0);
	assert_int_equal(i, 0);
}

static void quantile_sorted_interpolates_between_ranks(void **state)
{
	static const double s[] = {1, 2, 4, 8, 16};

	(void)state;
	/* 4 * 0.375 = 1.5: 2 + (4 - 2) * 0.5 = 3 */
	NEAR(sg_quantile_sorted(s, 5, 0.375), 3.0);
	/* 4 * 0.9 = 3.6: 8 + (16 - 8) * 0.6 = 12.8 */
	NEAR(sg_quantile_sorted(s, 5, 0.9), 12.8);
	NEAR(sg_quantile_lerp(8, 16, 0.25), 10.0);
	NEAR(sg_quantile_lerp(8, 16, 0.75), 14.0);
	IS_NAN(sg_quantile_sorted(s, 0, 0.5));
}

static void cmp_double_sorts_ascending(void **state)
{
	double v[] = {3, -1, 2, -0.5, 2};

	(void)state;
	qsort(v, ARRAY_SIZE(v), sizeof(v[0]), sg_cmp_double);
	assert_true(v[0] == -1 && v[1] == -0.5 && v[2] == 2 && v[3] == 2 &&
		    v[4] == 3);
	assert_int_equal(sg_cmp_double(&v[2], &v[3]), 0);
}

static void ksum_keeps_what_a_plain_sum_loses(void **state)
{
	struct sg_ksum k = {0, 0};

	(void)state;
	/* 1 + 1e100 + 1 - 1e100: a plain sum gives 0, the exact sum is 2 */
	sg_ksum_add(&k, 1.0);
	sg_ksum_add(&k, 1e100);
	sg_ksum_add(&k, 1.0);
	sg_ksum_add(&k, -1e100);
	NEAR((double)sg_ksum_get(&k), 2.0);
}

static void regression_one_pair_at_a_time_matches_by_hand(void **state)
{
	static const double h[] = {1, 3, 2, 4}, m[] = {2, 1, 2, 5.5};
	struct sg_regression_sums s;
	struct sg_regression a, b;
	size_t i;

	(void)state;
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 4; i++)
		sg_regression_add(&s, h[i], m[i], 0.5);
	sg_regression_finish(&s, 0.95, &a);
	sg_regression(h, m, 4, 0.5, 0.95, &b);
	/* m - h = 1, -2, 0, 1.5: mae = 4.5 / 4, rmse = sqrt(7.25 / 4),
	 * bias = 0.5 / 4; within 0.5 only the third */
	assert_int_equal(a.n, 4);
	NEAR(a.mae, 1.125);
	NEAR(a.rmse, sqrt(1.8125));
	NEAR(a.bias, 0.125);
	assert_int_equal(a.within, 1);
	NEAR(a.within_rate, 0.25);
	assert_true(a.mae == b.mae && a.rmse == b.rmse && a.bias == b.bias);
	assert_true(a.within_low == b.within_low &&
		    a.within_high == b.within_high);
	memset(&s, 0, sizeof(s));
	sg_regression_finish(&s, 0.95, &a);
	assert_int_equal(a.n, 0);
	IS_NAN(a.mae);
	IS_NAN(a.rmse);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(norm_ppf_matches_scipy),
		cmocka_unit_test(norm_ppf_is_infinite_at_0_and_1_and_undefined_outside),
		cmocka_unit_test(norm_cdf_matches_scipy_in_both_tails),
		cmocka_unit_test(z_for_confidence_matches_scipy),
		cmocka_unit_test(wilson_matches_statsmodels),
		cmocka_unit_test(wilson_is_clipped_to_0_and_1_exactly),
		cmocka_unit_test(wilson_is_undefined_without_trials),
		cmocka_unit_test(kappa_matches_sklearn_and_statsmodels),
		cmocka_unit_test(kappa_reproduces_sas_published_values),
		cmocka_unit_test(kappa_handles_a_class_the_model_never_predicts),
		cmocka_unit_test(kappa_handles_a_class_humans_never_use),
		cmocka_unit_test(kappa_is_one_for_perfect_and_minus_one_for_opposite),
		cmocka_unit_test(kappa_of_one_disagreeing_case_is_zero),
		cmocka_unit_test(kappa_of_200000_cases_matches_sklearn),
		cmocka_unit_test(kappa_is_undefined_without_cases),
		cmocka_unit_test(kappa_is_undefined_when_both_sides_use_one_label),
		cmocka_unit_test(kappa_rejects_negative_counts),
		cmocka_unit_test(weighted_kappa_matches_sklearn),
		cmocka_unit_test(weighted_kappa_is_undefined_for_one_label_or_no_cases),
		cmocka_unit_test(class_metrics_match_sklearn),
		cmocka_unit_test(class_metrics_are_zero_for_a_class_the_model_never_predicts),
		cmocka_unit_test(class_metrics_are_zero_for_a_class_humans_never_use),
		cmocka_unit_test(class_metrics_count_an_unused_class_in_the_macro_average),
		cmocka_unit_test(class_metrics_of_200000_cases_match_sklearn),
		cmocka_unit_test(class_metrics_of_an_empty_matrix_are_zero),
		cmocka_unit_test(fleiss_kappa_matches_wikipedia_example),
		cmocka_unit_test(fleiss_kappa_matches_statsmodels),
		cmocka_unit_test(fleiss_kappa_is_undefined_for_unequal_ratings_per_item),
		cmocka_unit_test(fleiss_kappa_is_undefined_with_fewer_than_two_ratings),
		cmocka_unit_test(fleiss_kappa_is_undefined_when_all_ratings_agree_on_one_category),
		cmocka_unit_test(krippendorff_alpha_matches_2011_worked_example),
		cmocka_unit_test(krippendorff_alpha_matches_coincidence_matrix_on_generated_data),
		cmocka_unit_test(krippendorff_alpha_is_undefined_without_pairable_values),
		cmocka_unit_test(krippendorff_alpha_is_one_on_perfect_agreement),
		cmocka_unit_test(krippendorff_alpha_is_undefined_when_one_value_is_used),
		cmocka_unit_test(regression_matches_numpy),
		cmocka_unit_test(regression_of_100000_large_values_matches_numpy),
		cmocka_unit_test(regression_is_undefined_without_pairs),
		cmocka_unit_test(psi_of_counts_matches_numpy),
		cmocka_unit_test(psi_is_infinite_without_a_floor_when_one_side_is_empty),
		cmocka_unit_test(psi_is_undefined_without_counts),
		cmocka_unit_test(psi_of_samples_matches_numpy_quantile_bins),
		cmocka_unit_test(kolmogorov_sf_matches_scipy),
		cmocka_unit_test(ks_2samp_matches_scipy_statistic_with_ties),
		cmocka_unit_test(ks_2samp_is_undefined_for_an_empty_or_nan_sample),
		cmocka_unit_test(quantile_rank_places_q_as_numpy_linear),
		cmocka_unit_test(quantile_sorted_interpolates_between_ranks),
		cmocka_unit_test(cmp_double_sorts_ascending),
		cmocka_unit_test(ksum_keeps_what_a_plain_sum_loses),
		cmocka_unit_test(regression_one_pair_at_a_time_matches_by_hand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
