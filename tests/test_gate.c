#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg/gate.h"

/*
 * A report as the contract describes it, small enough to check by hand.
 * Confusion (rows human): approve 400 approve / 100 reject;
 *                         reject   20 approve / 480 reject.
 * Recall approve = 400/500 = 0.8, recall reject = 480/500 = 0.96;
 * precision approve = 400/420, precision reject = 480/580.
 */
static const char *report_text =
	"{\"cases\": 1000, \"confidence\": 0.95,"
	" \"agreement\": {\"rate\": 0.88, \"agree\": 880, \"n\": 1000,"
	"   \"ci95\": [0.8584, 0.8985]},"
	" \"kappa\": {\"value\": 0.76, \"se\": 0.02, \"ci95\": [0.72, 0.80]},"
	" \"confusion\": {\"labels\": [\"approve\", \"reject\"],"
	"   \"matrix\": [[400, 100], [20, 480]]},"
	" \"segments\": {\"region\": {"
	"   \"north\": {\"n\": 600, \"agree\": 552, \"rate\": 0.92,"
	"     \"ci95\": [0.8964, 0.9389]},"
	"   \"south\": {\"n\": 390, \"agree\": 320, \"rate\": 0.8205,"
	"     \"ci95\": [0.7794, 0.8554]},"
	"   \"tiny\": {\"n\": 10, \"agree\": 8, \"rate\": 0.8,"
	"     \"ci95\": [0.49, 0.94]}}},"
	" \"counts\": {\"prediction_errors\": 10, \"with_prediction\": 990},"
	" \"software\": {\"p95_ms\": 12.5},"
	" \"human_baseline\": {\"items\": 50, \"pairwise_agreement\": 0.9,"
	"   \"model_agreement\": 0.87}}";

static cJSON *report;

static int setup(void **state)
{
	(void)state;
	report = cJSON_Parse(report_text);
	return report ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	cJSON_Delete(report);
	return 0;
}

static void policy_none(struct sg_gate_conf *g)
{
	g->min_agreement = NAN;
	g->min_kappa = NAN;
	g->min_cases = -1;
	g->on_estimate = 0;
	g->max_error_rate = NAN;
	g->max_p95_latency_ms = NAN;
	g->min_segment_cases = 30;
	g->min_segment_agreement = NAN;
	g->min_recall = NAN;
	g->min_precision = NAN;
	g->incumbent = NULL;
	g->incumbent_margin = 0;
	g->human_margin = NAN;
}

static int verdict_of(const struct sg_gate_conf *g)
{
	struct sg_gate_result r;
	struct sg_diag d;
	int v;

	assert_int_equal(sg_gate_judge(report, g, &r, &d), 0);
	v = r.verdict;
	sg_gate_result_release(&r);
	return v;
}

static void min_agreement_is_judged_on_the_lower_bound(void **state)
{
	struct sg_gate_conf g;

	(void)state;
	policy_none(&g);
	g.min_agreement = 0.8584; /* at the lower bound: go */
	assert_int_equal(verdict_of(&g), SG_GO);
	g.min_agreement = 0.8583;
	assert_int_equal(verdict_of(&g), SG_GO);
	g.min_agreement = 0.8585; /* just above the bound, below the rate */
	assert_int_equal(verdict_of(&g), SG_NOGO);
	g.on_estimate = 1;        /* the estimate 0.88 passes */
	assert_int_equal(verdict_of(&g), SG_GO);
	g.min_agreement = 0.8801;
	assert_int_equal(verdict_of(&g), SG_NOGO);
}

static void min_kappa_at_above_and_below(void **state)
{
	struct sg_gate_conf g;

	(void)state;
	policy_none(&g);
	g.min_kappa = 0.72;
	assert_int_equal(verdict_of(&g), SG_GO);
	g.min_kappa = 0.7201;
	assert_int_equal(verdict_of(&g), SG_NOGO);
	g.min_kappa = 0.7199;
	assert_int_equal(verdict_of(&g), SG_GO);
}

static void fewer_cases_than_min_cases_is_insufficient_not_nogo(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;

	(void)state;
	policy_none(&g);
	g.min_cases = 1000;
	g.min_agreement = 0.99; /* would fail, but there is too little data */
	g.min_cases = 1001;
	assert_int_equal(sg_gate_judge(report, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_INSUFFICIENT);
	assert_non_null(strstr(r.reason, "1000 cases compared"));
	sg_gate_result_release(&r);
	g.min_cases = 1000;
	assert_int_equal(verdict_of(&g), SG_NOGO);
	g.min_agreement = 0.5;
	assert_int_equal(verdict_of(&g), SG_GO);
}

static void recall_and_precision_use_wilson_bounds_per_class(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;

	(void)state;
	policy_none(&g);
	/* recall approve 400/500 = 0.8; statsmodels 0.13.5
	 * proportion_confint(400, 500, method='wilson') =
	 * (0.7627108946948261, 0.8327145010282427) */
	g.min_recall = 0.7627;
	assert_int_equal(sg_gate_judge(report, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	assert_int_equal(r.nchecks, 2);
	assert_string_equal(r.checks[0].subject, "class=approve");
	assert_true(fabs(r.checks[0].low - 0.7627108946948261) < 1e-9);
	sg_gate_result_release(&r);
	g.min_recall = 0.7628;
	assert_int_equal(verdict_of(&g), SG_NOGO);
	policy_none(&g);
	/* precision reject 480/580 = 0.8276; wilson lower bound
	 * proportion_confint(480, 580, method='wilson')[0] =
	 * 0.7947147780729868 */
	g.min_precision = 0.7947;
	assert_int_equal(verdict_of(&g), SG_GO);
	g.min_precision = 0.7948;
	assert_int_equal(verdict_of(&g), SG_NOGO);
}

static void small_segments_are_not_judged(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	size_t i, nj = 0;

	(void)state;
	policy_none(&g);
	g.min_segment_agreement = 0.77; /* south low 0.7794 passes */
	assert_int_equal(sg_gate_judge(report, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	for (i = 0; i < r.nchecks; i++)
		if (r.checks[i].outcome == SG_CHECK_NOT_JUDGED) {
			nj++;
			assert_string_equal(r.checks[i].subject, "region=tiny");
		}
	assert_int_equal(nj, 1);
	sg_gate_result_release(&r);
	g.min_segment_agreement = 0.78; /* south fails */
	assert_int_equal(sg_gate_judge(report, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_NOGO);
	assert_non_null(strstr(r.reason, "region=south"));
	sg_gate_result_release(&r);
	g.min_segment_cases = 5; /* now tiny (low 0.49) is judged and fails */
	g.min_segment_agreement = 0.7;
	assert_int_equal(verdict_of(&g), SG_NOGO);
}

static void error_rate_and_latency_are_maxima(void **state)
{
	struct sg_gate_conf g;

	(void)state;
	policy_none(&g);
	/* 10 errors of 1000; wilson upper bound
	 * proportion_confint(10, 1000, method='wilson')[1] =
	 * 0.018309468870314774 */
	g.max_error_rate = 0.0184;
	assert_int_equal(verdict_of(&g), SG_GO);
	g.max_error_rate = 0.0183;
	assert_int_equal(verdict_of(&g), SG_NOGO);
	g.on_estimate = 1;
	g.max_error_rate = 0.01;
	assert_int_equal(verdict_of(&g), SG_GO);
	g.max_error_rate = 0.0099;
	assert_int_equal(verdict_of(&g), SG_NOGO);
	policy_none(&g);
	g.max_p95_latency_ms = 12.5;
	assert_int_equal(verdict_of(&g), SG_GO);
	g.max_p95_latency_ms = 12.4;
	assert_int_equal(verdict_of(&g), SG_NOGO);
}

static void human_margin_compares_with_the_baseline(void **state)
{
	struct sg_gate_conf g;

	(void)state;
	policy_none(&g);
	g.human_margin = 0.03; /* 0.87 >= 0.90 - 0.03 */
	assert_int_equal(verdict_of(&g), SG_GO);
	g.human_margin = 0.029;
	assert_int_equal(verdict_of(&g), SG_NOGO);
}

static void empty_policy_is_a_usage_error(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;

	(void)state;
	policy_none(&g);
	sg_diag_clear(&d);
	assert_int_equal(sg_gate_judge(report, &g, &r, &d), SG_EUSAGE);
	assert_non_null(strstr(d.msg, "no checks"));
}

static void undefined_kappa_is_insufficient(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	cJSON *rep = cJSON_Parse("{\"cases\": 40, \"agreement\": {\"rate\": 1,"
				 " \"n\": 40, \"ci95\": [0.91, 1]},"
				 " \"kappa\": {\"value\": null, \"se\": null,"
				 " \"ci95\": [null, null]}}");

	(void)state;
	policy_none(&g);
	g.min_kappa = 0.5;
	g.min_agreement = 0.9;
	assert_int_equal(sg_gate_judge(rep, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_INSUFFICIENT);
	assert_int_equal(r.checks[1].outcome, SG_CHECK_NOT_JUDGED);
	sg_gate_result_release(&r);
	cJSON_Delete(rep);
}

static void junit_has_one_testcase_per_check_and_failures(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *p;
	int n = 0;

	(void)state;
	policy_none(&g);
	g.min_agreement = 0.95;
	g.min_kappa = 0.5;
	g.min_segment_agreement = 0.8;
	assert_int_equal(sg_gate_judge(report, &g, &r, &d), 0);
	assert_int_equal(sg_gate_write(f, &r, "junit", "m@1 <&>"), 0);
	fclose(f);
	for (p = buf; (p = strstr(p, "<testcase ")); p++)
		n++;
	assert_int_equal(n, (int)r.nchecks);
	assert_non_null(strstr(buf, "failures=\"2\""));
	assert_non_null(strstr(buf, "skipped=\"1\""));
	assert_non_null(strstr(buf, "m@1 &lt;&amp;&gt;"));
	assert_int_equal(sg_gate_write(stdout, &r, "yaml", NULL), SG_EUSAGE);
	free(buf);
	sg_gate_result_release(&r);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(min_agreement_is_judged_on_the_lower_bound),
		T(min_kappa_at_above_and_below),
		T(fewer_cases_than_min_cases_is_insufficient_not_nogo),
		T(recall_and_precision_use_wilson_bounds_per_class),
		T(small_segments_are_not_judged),
		T(error_rate_and_latency_are_maxima),
		T(human_margin_compares_with_the_baseline),
		T(empty_policy_is_a_usage_error),
		T(undefined_kappa_is_insufficient),
		T(junit_has_one_testcase_per_check_and_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
