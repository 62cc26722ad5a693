#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg/evidence.h"
#include "sg/gate.h"
#include "sg/report.h"

/*
 * The gate judges a typed report; the reports of these tests are written
 * as JSON (a report read back, as `gate --report FILE` does), so that each
 * test shows the fields it sets.
 */
static int judge_json(const cJSON *tree, const struct sg_gate_conf *g,
		      struct sg_gate_result *out, struct sg_diag *diag)
{
	struct sg_report *r = NULL;
	int ret = sg_report_from_json(tree, &r, diag);

	if (!ret)
		ret = sg_gate_judge(r, g, out, diag);
	sg_report_free(r);
	return ret;
}

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
	/* the Wilson intervals of statsmodels 0.13.5 proportion_confint(k,
	 * n, method='wilson'): 400/420, 400/500, 480/580, 480/500 */
	" \"per_class\": {\"approve\": {\"precision\": 0.9523809523809523,"
	"   \"recall\": 0.8, \"support\": 500,"
	"   \"precision_ci95\": [0.9275962662742786, 0.9689653892497477],"
	"   \"recall_ci95\": [0.7627108946948261, 0.8327145010282427]},"
	"  \"reject\": {\"precision\": 0.8275862068965517, \"recall\": 0.96,"
	"   \"support\": 500,"
	"   \"precision_ci95\": [0.7947147780729868, 0.856146845847255],"
	"   \"recall_ci95\": [0.9390264041651492, 0.9739592026102227]}},"
	" \"segments\": {\"region\": {"
	"   \"north\": {\"n\": 600, \"agree\": 552, \"rate\": 0.92,"
	"     \"ci95\": [0.8964, 0.9389]},"
	"   \"south\": {\"n\": 390, \"agree\": 320, \"rate\": 0.8205,"
	"     \"ci95\": [0.7794, 0.8554]},"
	"   \"tiny\": {\"n\": 10, \"agree\": 8, \"rate\": 0.8,"
	"     \"ci95\": [0.49, 0.94]}}},"
	" \"counts\": {\"prediction_errors\": 10, \"with_prediction\": 1000},"
	" \"software\": {\"p95_ms\": 12.5},"
	" \"human_baseline\": {\"items\": 50, \"pairwise_agreement\": 0.9,"
	"   \"model_agreement\": 0.87},"
	" \"inputs\": {\"reference\": {\"since\": \"2026-11-01\","
	"   \"until\": \"2026-11-07\", \"cases\": 700},"
	"   \"features\": {\"income\": {\"missing_rate\": 0.02, \"psi\": 0.25},"
	"     \"age\": {\"missing_rate\": 0.1, \"psi\": 0.05},"
	"     \"score\": {\"missing_rate\": 1, \"psi\": null}}},"
	" \"outputs\": {\"label_shift\": {\"value\": 0.08,"
	"   \"label\": \"approve\"}, \"errors\": 10, \"predictions\": 1000,"
	"   \"error_rate\": 0.01,"
	"   \"error_rate_ci95\": [0.005440754445529248, 0.018309468870314774]}}";

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
	memset(g, 0, sizeof(*g)); /* the members not set below */
	g->min_agreement = NAN;
	g->min_kappa = NAN;
	g->min_ac1 = NAN;
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
	g->min_model_minus_human = NAN;
	g->min_reviewed = -1;
	g->max_psi = NAN;
	g->max_missing_rate = NAN;
	g->max_label_shift = NAN;
	g->learn_from_reference = 0;
	g->learn_k = 3;
	g->min_night_agreement = NAN;
	g->max_night_psi = NAN;
	g->max_night_missing_rate = NAN;
	g->min_night_cases = 100;
	g->multiplicity = SG_MULT_NONE;
}

static int verdict_of(const struct sg_gate_conf *g)
{
	struct sg_gate_result r;
	struct sg_diag d;
	int v;

	assert_int_equal(judge_json(report, g, &r, &d), 0);
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
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
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
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
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

/* A saved report without the per-class intervals (made before they were
 * added): the class checks are not judged, never judged on an interval
 * the gate would make up. */
static void class_checks_without_the_reports_interval_are_not_judged(
	void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	cJSON *rep = cJSON_Parse(
		"{\"cases\": 1000, \"agreement\": {\"n\": 1000},"
		" \"confusion\": {\"labels\": [\"a\", \"b\"],"
		" \"matrix\": [[400, 100], [20, 480]]},"
		" \"per_class\": {\"a\": {\"recall\": 0.8}, \"b\": {\"recall\":"
		" 0.96}}}");

	(void)state;
	policy_none(&g);
	g.min_recall = 0.5;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.nchecks, 2);
	assert_int_equal(r.checks[0].outcome, SG_CHECK_NOT_JUDGED);
	assert_non_null(strstr(r.checks[1].detail, "no interval"));
	sg_gate_result_release(&r);
	cJSON_Delete(rep);
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
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	for (i = 0; i < r.nchecks; i++)
		if (r.checks[i].outcome == SG_CHECK_NOT_JUDGED) {
			nj++;
			assert_string_equal(r.checks[i].subject, "region=tiny");
		}
	assert_int_equal(nj, 1);
	sg_gate_result_release(&r);
	g.min_segment_agreement = 0.78; /* south fails */
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
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
	/* 10 errors of 1000 predictions (the report's outputs.error_rate and
	 * error_rate_ci95); wilson upper bound
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

/*
 * The gate judges outputs.error_rate and error_rate_ci95 as the report
 * shows them, whatever the counts say: 23 errors of 98 predictions is
 * 23/98 = 0.2347 (errors / (errors + predictions) would be 23/121 =
 * 0.1901, under 0.2).
 */
static void error_rate_is_the_reports_number(void **state)
{
	cJSON *rep = cJSON_Parse(
		"{\"cases\": 75, \"counts\": {\"prediction_errors\": 23,"
		" \"with_prediction\": 98}, \"outputs\": {\"errors\": 23,"
		" \"predictions\": 98, \"error_rate\": 0.23469387755102042,"
		" \"error_rate_ci95\": [0.16157, 0.32769]}}");
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;

	(void)state;
	assert_non_null(rep);
	policy_none(&g);
	g.max_error_rate = 0.2;
	g.on_estimate = 1;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_NOGO);
	assert_true(r.checks[0].value == 0.23469387755102042);
	sg_gate_result_release(&r);
	g.on_estimate = 0; /* the upper end of the report's interval */
	g.max_error_rate = 0.3277;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	assert_true(r.checks[0].judged == 0.32769);
	sg_gate_result_release(&r);
	cJSON_Delete(rep);
}

/*
 * Per-night agreement: nights of 200 cases are judged, one of 50 is not
 * (min_night_cases 100); the night at 0.6 fails although the window
 * (0.88) passes, and the reason names it.
 */
static void a_bad_night_fails_inside_a_good_window(void **state)
{
	cJSON *rep = cJSON_Parse(
		"{\"cases\": 450, \"agreement\": {\"rate\": 0.88,"
		" \"ci95\": [0.85, 0.91]}, \"nights\": {"
		" \"2026-11-02\": {\"n\": 200, \"agree\": 190, \"rate\": 0.95,"
		"  \"ci95\": [0.91, 0.97]},"
		" \"2026-11-03\": {\"n\": 200, \"agree\": 120, \"rate\": 0.6,"
		"  \"ci95\": [0.53, 0.66]},"
		" \"2026-11-04\": {\"n\": 50, \"agree\": 10, \"rate\": 0.2,"
		"  \"ci95\": [0.11, 0.33]}}}");
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;

	(void)state;
	assert_non_null(rep);
	policy_none(&g);
	g.min_agreement = 0.8;
	g.on_estimate = 1;
	g.min_night_agreement = 0.8;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_NOGO);
	assert_int_equal(r.nchecks, 4);
	assert_int_equal(r.checks[0].outcome, SG_CHECK_PASS);
	assert_string_equal(r.checks[1].subject, "night=2026-11-02");
	assert_int_equal(r.checks[1].outcome, SG_CHECK_PASS);
	assert_string_equal(r.checks[2].subject, "night=2026-11-03");
	assert_int_equal(r.checks[2].outcome, SG_CHECK_FAIL);
	assert_string_equal(r.checks[3].subject, "night=2026-11-04");
	assert_int_equal(r.checks[3].outcome, SG_CHECK_NOT_JUDGED);
	assert_non_null(strstr(r.reason, "; failing nights: 2026-11-03"));
	assert_null(strstr(r.reason, "2026-11-04"));
	sg_gate_result_release(&r);
	g.min_night_cases = 50; /* now the small night is judged and fails */
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_non_null(
		strstr(r.reason, "; failing nights: 2026-11-03, 2026-11-04"));
	sg_gate_result_release(&r);
	cJSON_Delete(rep);
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
	assert_int_equal(judge_json(report, &g, &r, &d), SG_EUSAGE);
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
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
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
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
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

/* The checks named `name`, their outcomes as a string: "pfn" for pass,
 * fail, not judged. */
static void outcomes(const struct sg_gate_result *r, const char *name,
		     char *out)
{
	size_t i, n = 0;

	for (i = 0; i < r->nchecks; i++)
		if (!strcmp(r->checks[i].name, name))
			out[n++] = "pfn"[r->checks[i].outcome];
	out[n] = '\0';
}

/*
 * PSI per feature: income 0.25, age 0.05, score null (every value
 * missing). At the largest PSI the gate passes, just below it fails on
 * income; the feature without a PSI is not judged and never fails.
 */
static void max_psi_at_above_and_below(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	char o[16];

	(void)state;
	policy_none(&g);
	g.max_psi = 0.25;
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	outcomes(&r, "max_psi", o);
	assert_string_equal(o, "ppn");
	assert_string_equal(r.checks[0].subject, "feature=income");
	assert_true(r.checks[0].value == 0.25 && r.checks[0].is_max);
	assert_non_null(strstr(r.checks[2].detail, "undefined"));
	sg_gate_result_release(&r);
	g.max_psi = 0.2499;
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_NOGO);
	outcomes(&r, "max_psi", o);
	assert_string_equal(o, "fpn");
	assert_non_null(strstr(r.reason, "max_psi (feature=income)"));
	sg_gate_result_release(&r);
	g.max_psi = 0.26;
	assert_int_equal(verdict_of(&g), SG_GO);
	g.max_psi = 0.05; /* at age's PSI: age passes, income fails */
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	outcomes(&r, "max_psi", o);
	assert_string_equal(o, "fpn");
	sg_gate_result_release(&r);
}

/* Without a reference window, or with one that holds no case, PSI is not
 * judged: one check says why, and the verdict does not depend on it. */
static void max_psi_is_not_judged_without_a_reference(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	cJSON *rep = cJSON_Duplicate(report, 1);
	cJSON *in = cJSON_GetObjectItem(rep, "inputs");

	(void)state;
	policy_none(&g);
	g.max_psi = 0.01; /* would fail income and age */
	g.min_agreement = 0.5;
	cJSON_ReplaceItemInObject(in, "reference", cJSON_CreateNull());
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	assert_int_equal(r.nchecks, 2);
	assert_string_equal(r.checks[1].name, "max_psi");
	assert_string_equal(r.checks[1].subject, "features");
	assert_int_equal(r.checks[1].outcome, SG_CHECK_NOT_JUDGED);
	assert_non_null(strstr(r.checks[1].detail, "no reference window"));
	sg_gate_result_release(&r);
	cJSON_ReplaceItemInObject(in, "reference",
				  cJSON_Parse("{\"cases\": 0}"));
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	assert_int_equal(r.checks[1].outcome, SG_CHECK_NOT_JUDGED);
	assert_non_null(strstr(r.checks[1].detail, "no cases"));
	sg_gate_result_release(&r);
	/* a report from before drift existed: no inputs at all */
	cJSON_DeleteItemFromObject(rep, "inputs");
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.checks[1].outcome, SG_CHECK_NOT_JUDGED);
	sg_gate_result_release(&r);
	cJSON_Delete(rep);
}

/* Missing rates 0.02, 0.1 and 1 (a feature missing on every case). */
static void max_missing_rate_at_above_and_below(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	char o[16];

	(void)state;
	policy_none(&g);
	g.max_missing_rate = 1;
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	outcomes(&r, "max_missing_rate", o);
	assert_string_equal(o, "ppp");
	sg_gate_result_release(&r);
	g.max_missing_rate = 0.1;
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_NOGO);
	outcomes(&r, "max_missing_rate", o);
	assert_string_equal(o, "ppf");
	assert_string_equal(r.checks[2].subject, "feature=score");
	assert_non_null(strstr(r.checks[2].detail, "missing rate 1 > 0.1"));
	sg_gate_result_release(&r);
	g.max_missing_rate = 0.0999;
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	outcomes(&r, "max_missing_rate", o);
	assert_string_equal(o, "pff");
	sg_gate_result_release(&r);
}

static void max_label_shift_at_above_and_below(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	cJSON *rep;

	(void)state;
	policy_none(&g);
	g.max_label_shift = 0.08;
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	assert_int_equal(r.nchecks, 1);
	assert_string_equal(r.checks[0].subject, "label=approve");
	assert_int_equal(r.checks[0].outcome, SG_CHECK_PASS);
	sg_gate_result_release(&r);
	g.max_label_shift = 0.0799;
	assert_int_equal(verdict_of(&g), SG_NOGO);
	g.max_label_shift = 0.09;
	assert_int_equal(verdict_of(&g), SG_GO);
	/* numeric decisions have no label shift */
	rep = cJSON_Parse("{\"cases\": 10, \"outputs\": {\"label_shift\": null}}");
	g.max_label_shift = 0.0;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	assert_int_equal(r.checks[0].outcome, SG_CHECK_NOT_JUDGED);
	assert_string_equal(r.checks[0].subject, "labels");
	sg_gate_result_release(&r);
	cJSON_Delete(rep);
}

/* The monitoring checks go through the same JSON, JUnit and policy. */
static void monitoring_checks_in_json_junit_and_policy(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	char *buf = NULL, *text;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cJSON *j;

	(void)state;
	policy_none(&g);
	g.max_psi = 0.2;
	g.max_missing_rate = 0.5;
	g.max_label_shift = 0.1;
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_NOGO);
	assert_int_equal(sg_gate_write(f, &r, "junit", NULL), 0);
	fclose(f);
	assert_non_null(strstr(buf, "tests=\"7\" failures=\"2\" skipped=\"1\""));
	assert_non_null(strstr(buf, "name=\"max_psi feature=income\""));
	assert_non_null(strstr(buf, "<failure message=\"PSI 0.25 &gt; 0.2\""));
	free(buf);
	j = sg_gate_result_json(&r);
	text = cJSON_PrintUnformatted(j);
	assert_non_null(strstr(text, "{\"name\":\"max_label_shift\","
				     "\"subject\":\"label=approve\",\"value\":0.08"));
	assert_non_null(strstr(text, "\"kind\":\"max\",\"outcome\":\"fail\""));
	free(text);
	cJSON_Delete(j);
	j = sg_gate_policy_json(&g);
	text = cJSON_PrintUnformatted(j);
	assert_non_null(strstr(text, "\"max_psi\":0.2,\"max_missing_rate\":0.5,"
				     "\"max_label_shift\":0.1"));
	free(text);
	cJSON_Delete(j);
	sg_gate_result_release(&r);
}

/*
 * Thresholds learned from three reference nights, by hand:
 *   income PSI 0.25, 0.5, 0.75: mean 0.5, std (n - 1) 0.25 -> 0.5 + k 0.25
 *     (all exact in binary: at k = 3 the threshold is 1.25 exactly)
 *   income missing 0, 0, 0: 0 + k 0 = 0
 *   error rate 0.01, 0.03 (and one night without): mean 0.02, std
 *     sqrt(2 * 0.01^2 / 1) = 0.014142135623730952 -> 0.0624264 at k = 3
 *   label shift 0.05, 0.07, 0.09: mean 0.07, std 0.02 -> 0.13 at k = 3
 * The window's worst nights: income PSI 1.25, missing 0, error rate 0.05,
 * label shift 0.2 (a {value, label} object, as outputs.nights has it).
 */
static const char *learn_text =
	"{\"cases\": 100, \"inputs\": {\"reference\": {\"cases\": 30,"
	"  \"by_night\": {"
	"   \"2026-11-01\": {\"features\": {\"income\": {\"psi\": 0.25,"
	"     \"missing_rate\": 0}}, \"error_rate\": 0.01,"
	"     \"label_shift\": 0.05},"
	"   \"2026-11-02\": {\"features\": {\"income\": {\"psi\": 0.5,"
	"     \"missing_rate\": 0}}, \"error_rate\": 0.03,"
	"     \"label_shift\": 0.07},"
	"   \"2026-11-03\": {\"features\": {\"income\": {\"psi\": 0.75,"
	"     \"missing_rate\": 0}}, \"error_rate\": null,"
	"     \"label_shift\": 0.09}}},"
	"  \"features\": {\"income\": {\"psi\": 0.9}},"
	"  \"nights\": {"
	"   \"2026-11-10\": {\"features\": {\"income\": {\"psi\": 1.0,"
	"     \"missing_rate\": 0}}},"
	"   \"2026-11-11\": {\"features\": {\"income\": {\"psi\": 1.25,"
	"     \"missing_rate\": 0}}}}},"
	" \"outputs\": {\"nights\": {"
	"   \"2026-11-10\": {\"error_rate\": 0.05,"
	"     \"label_shift\": {\"value\": 0.2, \"label\": \"a\"}},"
	"   \"2026-11-11\": {\"error_rate\": 0.0,"
	"     \"label_shift\": {\"value\": 0.1, \"label\": \"a\"}}}}}";

static const struct sg_gate_check *find_check(const struct sg_gate_result *r,
					      const char *name)
{
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		if (!strcmp(r->checks[i].name, name))
			return &r->checks[i];
	fail_msg("no check %s", name);
	return NULL;
}

static void learned_thresholds_are_mean_plus_k_std(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	const struct sg_gate_check *c;
	cJSON *rep = cJSON_Parse(learn_text);

	(void)state;
	assert_non_null(rep);
	policy_none(&g);
	g.learn_from_reference = 1;
	g.learn_k = 3; /* income PSI: at 0.5 + 3 x 0.25 = 1.25 */
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.nchecks, 4);
	c = find_check(&r, "learned_psi");
	assert_string_equal(c->subject, "feature=income");
	assert_true(c->threshold == 1.25);
	assert_true(c->value == 1.25);
	assert_int_equal(c->outcome, SG_CHECK_PASS);
	assert_non_null(strstr(c->detail, "worst night 2026-11-11: PSI 1.25 <= "
					  "learned 1.25"));
	assert_non_null(strstr(c->detail, "(mean 0.5 + 3 x std 0.25 over 3 "
					  "reference nights 2026-11-01 .. "
					  "2026-11-03)"));
	c = find_check(&r, "learned_missing_rate");
	assert_int_equal(c->outcome, SG_CHECK_PASS);
	assert_true(c->threshold == 0);
	c = find_check(&r, "learned_error_rate");
	assert_int_equal(c->outcome, SG_CHECK_PASS);
	assert_true(fabs(c->threshold - (0.02 + 3 * 0.014142135623730952)) <
		    1e-12);
	assert_non_null(strstr(c->detail, "over 2 reference nights"));
	c = find_check(&r, "learned_label_shift");
	assert_int_equal(c->outcome, SG_CHECK_FAIL);
	assert_true(fabs(c->threshold - 0.13) < 1e-12);
	assert_true(c->value == 0.2);
	assert_int_equal(r.verdict, SG_NOGO);
	sg_gate_result_release(&r);
	/* a smaller k: PSI 1.25 above 0.5 + 2 x 0.25 = 1 */
	g.learn_k = 2;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(find_check(&r, "learned_psi")->outcome, SG_CHECK_FAIL);
	sg_gate_result_release(&r);
	/* a larger one: PSI below 0.5 + 7 x 0.25; the label shift 0.2 below
	 * 0.07 + 7 x 0.02 = 0.21: go */
	g.learn_k = 7;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	sg_gate_result_release(&r);
	cJSON_Delete(rep);
}

static void learned_thresholds_need_reference_nights(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	cJSON *rep = cJSON_Parse(learn_text);
	cJSON *bn = cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(rep, "inputs"),
				    "reference"),
		"by_night");

	(void)state;
	policy_none(&g);
	g.learn_from_reference = 1;
	/* one reference night left: nothing to learn a spread from */
	cJSON_DeleteItemFromObject(bn, "2026-11-01");
	cJSON_DeleteItemFromObject(bn, "2026-11-02");
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	assert_int_equal(find_check(&r, "learned_psi")->outcome,
			 SG_CHECK_NOT_JUDGED);
	assert_non_null(strstr(find_check(&r, "learned_psi")->detail,
			       "2 reference nights or more, found 1"));
	assert_non_null(strstr(find_check(&r, "learned_error_rate")->detail,
			       "found 0"));
	sg_gate_result_release(&r);
	/* no reference at all: one check says so; the policy has a check */
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	cJSON_Delete(rep);
	sg_gate_result_release(&r);
	rep = cJSON_Parse("{\"cases\": 5, \"inputs\": {\"reference\": null}}");
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.nchecks, 1);
	assert_string_equal(r.checks[0].name, "learn_from_reference");
	assert_int_equal(r.checks[0].outcome, SG_CHECK_NOT_JUDGED);
	assert_non_null(strstr(r.checks[0].detail, "no reference window"));
	assert_int_equal(r.verdict, SG_GO);
	sg_gate_result_release(&r);
	cJSON_Delete(rep);
}

/* candidate 0.86, incumbent 0.88 on the 900 cases both scored: by hand,
 * the difference is -0.02 */
static void incumbent_margin_at_above_and_below(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	char inc[] = "old@1";
	cJSON *rep = cJSON_Parse(
		"{\"cases\": 1000, \"incumbent\": {\"model\": \"old@1\","
		" \"n\": 900, \"candidate_agree\": 774,"
		" \"incumbent_agree\": 792, \"candidate_rate\": 0.86,"
		" \"incumbent_rate\": 0.88, \"difference\": -0.02}}");

	(void)state;
	policy_none(&g);
	g.incumbent = inc;
	g.incumbent_margin = 0.02;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	assert_string_equal(r.checks[0].name, "incumbent_margin");
	assert_true(r.checks[0].value == -0.02);
	sg_gate_result_release(&r);
	g.incumbent_margin = 0.021;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	sg_gate_result_release(&r);
	g.incumbent_margin = 0.019;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_NOGO);
	assert_non_null(strstr(r.reason, "incumbent_margin"));
	sg_gate_result_release(&r);
	/* a report without the comparison: not judged */
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	assert_int_equal(r.checks[0].outcome, SG_CHECK_NOT_JUDGED);
	sg_gate_result_release(&r);
	cJSON_Delete(rep);
}

/* The check of that name in r (the first), or a failed test. */
static const struct sg_gate_check *check_named(const struct sg_gate_result *r,
					       const char *name,
					       const char *subject)
{
	size_t i;

	for (i = 0; i < r->nchecks; i++)
		if (!strcmp(r->checks[i].name, name) &&
		    (!subject || !strcmp(r->checks[i].subject, subject)))
			return &r->checks[i];
	fail_msg("no check %s %s", name, subject ? subject : "");
	return NULL;
}

/*
 * gate.on interval: agreement 0.88 with interval [0.8584, 0.8985] passes
 * 0.85 (the whole interval is above), is undecided at 0.87 (it straddles)
 * and fails 0.90 (0.8985 < 0.90: wholly below); the error rate 0.01 with
 * [0.00544, 0.01831] is a maximum: 0.02 passes, 0.015 is undecided, 0.005
 * fails (0.00544 > 0.005).
 */
static void interval_mode_passes_fails_or_keeps_shadowing(void **state)
{
	static const struct {
		double min_agreement, max_error_rate;
		int outcome_a, outcome_e, verdict;
	} cases[] = {
		{0.85, 0.02, SG_CHECK_PASS, SG_CHECK_PASS, SG_GO},
		{0.87, 0.02, SG_CHECK_UNDECIDED, SG_CHECK_PASS, SG_INSUFFICIENT},
		{0.85, 0.015, SG_CHECK_PASS, SG_CHECK_UNDECIDED,
		 SG_INSUFFICIENT},
		{0.90, 0.015, SG_CHECK_FAIL, SG_CHECK_UNDECIDED, SG_NOGO},
		{0.85, 0.005, SG_CHECK_PASS, SG_CHECK_FAIL, SG_NOGO},
	};
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		policy_none(&g);
		g.on_estimate = SG_GATE_ON_INTERVAL;
		g.min_agreement = cases[i].min_agreement;
		g.max_error_rate = cases[i].max_error_rate;
		assert_int_equal(judge_json(report, &g, &r, &d), 0);
		assert_int_equal(
			check_named(&r, "min_agreement", NULL)->outcome,
			cases[i].outcome_a);
		assert_int_equal(
			check_named(&r, "max_error_rate", NULL)->outcome,
			cases[i].outcome_e);
		assert_int_equal(r.verdict, cases[i].verdict);
		if (r.verdict == SG_INSUFFICIENT)
			assert_non_null(strstr(r.reason, "keep shadowing"));
		sg_gate_result_release(&r);
	}
	/* the lower-bound mode fails 0.87 (0.8584 < 0.87), as before */
	policy_none(&g);
	g.min_agreement = 0.87;
	assert_int_equal(verdict_of(&g), SG_NOGO);
}

/*
 * 437 of 500 (0.874, Wilson 95% [0.8420, 0.9003]) against 0.86 is
 * undecided. At the same estimate the Wilson lower bound reaches 0.86
 * first at n' = 2360 (statsmodels proportion_confint(0.874 * n, n, 0.05,
 * "wilson") over n = 500, 501, ...: 0.8600008 at 2360, below 0.86 at
 * 2359), so more_cases = 2360 - 500 = 1860. The window has 5 nights of
 * 100 cases: more_nights = ceil(1860 / 100) = 19. The score test's p is
 * Phi((0.874 - 0.86) / sqrt(0.86 * 0.14 / 500)) = Phi(0.9022) = 0.81652
 * (scipy.stats.norm.cdf). A night's own check gets cases, never nights.
 */
static void undecided_check_says_how_many_more_cases_and_nights(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	const struct sg_gate_check *c;
	cJSON *rep = cJSON_Parse(
		"{\"cases\": 500, \"confidence\": 0.95,"
		" \"agreement\": {\"n\": 500, \"agree\": 437, \"rate\": 0.874,"
		"   \"ci95\": [0.8420322822801359, 0.900264711054623]},"
		" \"nights\": {"
		"  \"2026-11-01\": {\"n\": 100, \"agree\": 88, \"rate\": 0.88,"
		"    \"ci95\": [0.8019, 0.9300]},"
		"  \"2026-11-02\": {\"n\": 100, \"agree\": 87, \"rate\": 0.87,"
		"    \"ci95\": [0.7907, 0.9227]},"
		"  \"2026-11-03\": {\"n\": 100, \"agree\": 87, \"rate\": 0.87,"
		"    \"ci95\": [0.7907, 0.9227]},"
		"  \"2026-11-04\": {\"n\": 100, \"agree\": 88, \"rate\": 0.88,"
		"    \"ci95\": [0.8019, 0.9300]},"
		"  \"2026-11-05\": {\"n\": 100, \"agree\": 87, \"rate\": 0.87,"
		"    \"ci95\": [0.7907, 0.9227]}}}");
	cJSON *j;

	(void)state;
	assert_non_null(rep);
	policy_none(&g);
	g.on_estimate = SG_GATE_ON_INTERVAL;
	g.min_agreement = 0.86;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_INSUFFICIENT);
	c = check_named(&r, "min_agreement", "overall");
	assert_int_equal(c->outcome, SG_CHECK_UNDECIDED);
	assert_int_equal(c->more_cases, 1860);
	assert_true(c->more_nights == 19);
	assert_true(fabs(c->p_value - 0.8165230119207225) < 1e-9);
	assert_true(r.cases_per_night == 100);
	assert_non_null(strstr(r.reason, "keep shadowing"));
	assert_non_null(strstr(r.reason, "min_agreement (overall) needs the "
					 "most: about 1860 more cases, about "
					 "19 more nights at 100 cases a night"));
	j = sg_gate_result_json(&r);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(
			     cJSON_GetObjectItem(j, "checks"), 0),
			     "more_cases")->valueint, 1860);
	cJSON_Delete(j);
	sg_gate_result_release(&r);
	/* per night, 87 of 100 against 0.86: undecided, cases only */
	g.min_night_agreement = 0.86;
	g.min_night_cases = 50;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	c = check_named(&r, "min_night_agreement", "night=2026-11-02");
	assert_int_equal(c->outcome, SG_CHECK_UNDECIDED);
	assert_true(c->more_cases > 0);
	assert_true(isnan(c->more_nights));
	sg_gate_result_release(&r);
	/* the default mode keeps the verdict JSON as it was */
	g.on_estimate = SG_GATE_ON_LOWER_BOUND;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	j = sg_gate_result_json(&r);
	assert_null(cJSON_GetObjectItem(j, "multiplicity"));
	assert_null(cJSON_GetObjectItem(cJSON_GetArrayItem(
			    cJSON_GetObjectItem(j, "checks"), 0),
			    "p_value"));
	cJSON_Delete(j);
	sg_gate_result_release(&r);
	cJSON_Delete(rep);
}

/*
 * Three segments against min_segment_agreement 0.88 (statsmodels
 * proportion_confint(..., method="wilson") for the intervals; scipy's
 * norm.cdf for p = Phi((k/n - 0.88) / sqrt(0.88 * 0.12 / n))):
 *   a  80 of 100  [0.71117, 0.86663]  p = 0.0069115
 *   b 251 of 300  [0.79063, 0.87419]  p = 0.0104531
 *   c  97 of 100  [0.91548, 0.98975]  p = 0.9971934
 * alpha = (1 - 0.95) / 2 = 0.025, m = 3. none: a and b fail (their
 * intervals lie below 0.88). holm: 0.0069 < 0.025 / 3, 0.0105 < 0.025 / 2:
 * both stand. bonferroni: 0.0105 > 0.025 / 3, so b becomes undecided.
 * (statsmodels multipletests(p, alpha=0.025, method="holm") rejects
 * [a, b], method="bonferroni" [a].) c passes in every case.
 */
static void holm_and_bonferroni_decide_which_failures_stand(void **state)
{
	static const struct {
		int how, b, corrected;
		size_t standing;
	} cases[] = {
		{SG_MULT_NONE, SG_CHECK_FAIL, 0, 2},
		{SG_MULT_HOLM, SG_CHECK_FAIL, 0, 2},
		{SG_MULT_BONFERRONI, SG_CHECK_UNDECIDED, 1, 1},
	};
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	const struct sg_gate_check *a, *b, *c;
	cJSON *rep = cJSON_Parse(
		"{\"cases\": 500, \"confidence\": 0.95, \"segments\": {\"s\": {"
		" \"a\": {\"n\": 100, \"agree\": 80, \"rate\": 0.8,"
		"   \"ci95\": [0.7111708344068411, 0.8666330666689676]},"
		" \"b\": {\"n\": 300, \"agree\": 251, \"rate\": 0.8366666666666667,"
		"   \"ci95\": [0.7906268325698749, 0.8741935668055973]},"
		" \"c\": {\"n\": 100, \"agree\": 97, \"rate\": 0.97,"
		"   \"ci95\": [0.9154806357094724, 0.9897454759759611]}}}}");
	size_t i;

	(void)state;
	assert_non_null(rep);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		policy_none(&g);
		g.on_estimate = SG_GATE_ON_INTERVAL;
		g.min_segment_agreement = 0.88;
		g.multiplicity = cases[i].how;
		assert_int_equal(judge_json(rep, &g, &r, &d), 0);
		a = check_named(&r, "min_segment_agreement", "s=a");
		b = check_named(&r, "min_segment_agreement", "s=b");
		c = check_named(&r, "min_segment_agreement", "s=c");
		assert_true(fabs(a->p_value - 0.0069115119101883435) < 1e-9);
		assert_true(fabs(b->p_value - 0.010453092817339395) < 1e-9);
		assert_true(fabs(c->p_value - 0.9971933842524475) < 1e-9);
		assert_int_equal(a->outcome, SG_CHECK_FAIL);
		assert_int_equal(b->outcome, cases[i].b);
		assert_int_equal(b->corrected, cases[i].corrected);
		assert_int_equal(c->outcome, SG_CHECK_PASS);
		assert_int_equal(r.hypotheses, 3);
		assert_int_equal(r.rejected, cases[i].standing);
		assert_true(fabs(r.alpha - 0.025) < 1e-15);
		assert_int_equal(r.verdict, SG_NOGO);
		if (cases[i].how == SG_MULT_NONE)
			assert_null(r.note);
		else
			assert_non_null(strstr(r.note, "passing needs no "
						       "correction"));
		sg_gate_result_release(&r);
	}
	cJSON_Delete(rep);
}

/*
 * With the discordant counts and gate.on interval the incumbent margin is
 * judged on Newcombe's interval for paired proportions. 900 cases both scored: the candidate
 * agrees on 774, the incumbent on 792; only the candidate on b = 30, only
 * the incumbent on c = 48, so a = 774 - 30 = 744 both, d = 900 - 744 - 30
 * - 48 = 78 neither. Newcombe 1998 method 10 written out on statsmodels'
 * proportion_confint(..., method="wilson"), phi = (ad - bc) /
 * sqrt((a+b)(c+d)(a+c)(b+d)): difference -0.02, [-0.0395542, -0.0007470].
 * statsmodels mcnemar([[744, 30], [48, 78]], exact=True).pvalue =
 * 0.0535444, minus scipy binom.pmf(30, 78, 0.5): mid-p 0.0421654.
 */
static void incumbent_margin_is_judged_on_the_paired_interval(void **state)
{
	static const struct {
		int mode;
		double margin;
		int outcome;
	} cases[] = {
		/* [-0.0396, -0.0007] wholly at or above -0.04 */
		{SG_GATE_ON_INTERVAL, 0.04, SG_CHECK_PASS},
		/* [-0.0396, -0.0007] straddles -0.03 */
		{SG_GATE_ON_INTERVAL, 0.03, SG_CHECK_UNDECIDED},
		/* wholly below -0.0005 */
		{SG_GATE_ON_INTERVAL, 0.0005, SG_CHECK_FAIL},
	};
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	char inc[] = "old@1";
	cJSON *rep = cJSON_Parse(
		"{\"cases\": 1000, \"incumbent\": {\"model\": \"old@1\","
		" \"n\": 900, \"candidate_agree\": 774,"
		" \"incumbent_agree\": 792, \"candidate_rate\": 0.86,"
		" \"incumbent_rate\": 0.88, \"difference\": -0.02,"
		" \"b\": 30, \"c\": 48}}");
	const struct sg_gate_check *c;
	cJSON *j, *cj;
	size_t i;

	(void)state;
	assert_non_null(rep);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		policy_none(&g);
		g.incumbent = inc;
		g.on_estimate = cases[i].mode;
		g.incumbent_margin = cases[i].margin;
		assert_int_equal(judge_json(rep, &g, &r, &d), 0);
		c = check_named(&r, "incumbent_margin", "old@1");
		assert_int_equal(c->outcome, cases[i].outcome);
		assert_true(c->value == -0.02);
		assert_true(fabs(c->low - -0.03955422009084988) < 1e-9);
		assert_true(fabs(c->high - -0.0007469830683649314) < 1e-9);
		assert_int_equal(c->b, 30);
		assert_int_equal(c->c, 48);
		assert_true(fabs(c->mcnemar_exact_p - 0.053544392168502264) <
			    1e-9);
		assert_true(fabs(c->mcnemar_mid_p - 0.042165443994951105) <
			    1e-9);
		j = sg_gate_result_json(&r);
		cj = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "checks"), 0);
		assert_int_equal(cJSON_GetObjectItem(cj, "b")->valueint, 30);
		assert_int_equal(cJSON_GetObjectItem(cj, "c")->valueint, 48);
		assert_true(fabs(cJSON_GetObjectItem(cj, "mcnemar_mid_p")
					 ->valuedouble -
				 0.042165443994951105) < 1e-9);
		assert_non_null(strstr(c->detail, "Newcombe interval"));
		cJSON_Delete(j);
		sg_gate_result_release(&r);
	}
	/* the default mode judges the paired interval's lower end: -0.0396 is
	 * below -0.039 (fail) and above -0.04 (pass), with the paired fields
	 * in its JSON; on the estimate, the difference -0.02 >= -0.039 */
	policy_none(&g);
	g.incumbent = inc;
	g.incumbent_margin = 0.039;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.checks[0].outcome, SG_CHECK_FAIL);
	assert_true(fabs(r.checks[0].judged - -0.03955422009084988) < 1e-9);
	j = sg_gate_result_json(&r);
	cj = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "checks"), 0);
	assert_int_equal(cJSON_GetObjectItem(cj, "b")->valueint, 30);
	cJSON_Delete(j);
	sg_gate_result_release(&r);
	g.incumbent_margin = 0.04;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.checks[0].outcome, SG_CHECK_PASS);
	sg_gate_result_release(&r);
	g.incumbent_margin = 0.039;
	g.on_estimate = SG_GATE_ON_ESTIMATE;
	assert_int_equal(judge_json(rep, &g, &r, &d), 0);
	assert_int_equal(r.checks[0].outcome, SG_CHECK_PASS);
	assert_true(r.checks[0].judged == -0.02);
	sg_gate_result_release(&r);
	cJSON_Delete(rep);
}

/*
 * gate.report_only: the checks of those keys are shown with their outcome
 * and kept out of the verdict. On the base report, max_psi 0.2 fails on
 * income (PSI 0.25 > 0.2), passes age (0.05) and cannot judge score (PSI
 * null); min_agreement 0.85 passes on the lower bound 0.8584.
 */
static void report_only_checks_are_shown_but_not_in_the_verdict(void **state)
{
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	char *junit = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	policy_none(&g);
	g.min_agreement = 0.85;
	g.max_psi = 0.2;
	assert_int_equal(verdict_of(&g), SG_NOGO);
	sg_strlist_add(&g.report_only, "max_psi");
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_GO);
	assert_string_equal(r.reason, "go: the 1 check passed on 1000 cases "
				      "(3 report-only checks apart)");
	assert_int_equal(check_named(&r, "max_psi", "feature=income")->outcome,
			 SG_CHECK_FAIL);
	assert_int_equal(
		check_named(&r, "max_psi", "feature=income")->report_only, 1);
	assert_int_equal(
		check_named(&r, "min_agreement", "overall")->report_only, 0);
	assert_non_null(strstr(check_named(&r, "max_psi", "feature=income")
				       ->detail,
			       "report only, not in the verdict"));
	f = open_memstream(&junit, &len);
	assert_non_null(f);
	assert_int_equal(sg_gate_write_junit(f, &r, NULL), 0);
	fclose(f);
	assert_non_null(strstr(junit, "failures=\"0\" skipped=\"3\""));
	assert_non_null(strstr(junit, "<skipped message=\"report only "
				      "(fail): PSI 0.25 &gt; 0.2"));
	free(junit);
	sg_gate_result_release(&r);
	/* min_cases report-only: too few cases no longer make it
	 * insufficient */
	g.min_cases = 5000;
	sg_strlist_add(&g.report_only, "min_cases");
	assert_int_equal(verdict_of(&g), SG_GO);
	sg_strlist_release(&g.report_only);
	assert_int_equal(verdict_of(&g), SG_INSUFFICIENT);
	/* the main check report-only: the rest decides (a failing
	 * min_agreement 0.87 is apart, the PSI failure counts) */
	g.min_cases = -1;
	g.min_agreement = 0.87;
	sg_strlist_add(&g.report_only, "min_agreement");
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	assert_int_equal(r.verdict, SG_NOGO);
	assert_non_null(strstr(r.reason, "first max_psi (feature=income)"));
	sg_gate_result_release(&r);
	/* interval mode: a report-only check is not one of the hypotheses */
	g.on_estimate = SG_GATE_ON_INTERVAL;
	g.max_psi = NAN;
	g.max_error_rate = 0.02;
	assert_int_equal(judge_json(report, &g, &r, &d), 0);
	assert_int_equal(r.hypotheses, 1);
	assert_true(!isnan(check_named(&r, "min_agreement", NULL)->p_value));
	assert_int_equal(r.verdict, SG_GO);
	sg_gate_result_release(&r);
	sg_strlist_release(&g.report_only);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(min_agreement_is_judged_on_the_lower_bound),
		T(incumbent_margin_at_above_and_below),
		T(min_kappa_at_above_and_below),
		T(fewer_cases_than_min_cases_is_insufficient_not_nogo),
		T(recall_and_precision_use_wilson_bounds_per_class),
		T(class_checks_without_the_reports_interval_are_not_judged),
		T(small_segments_are_not_judged),
		T(error_rate_and_latency_are_maxima),
		T(error_rate_is_the_reports_number),
		T(a_bad_night_fails_inside_a_good_window),
		T(human_margin_compares_with_the_baseline),
		T(empty_policy_is_a_usage_error),
		T(undefined_kappa_is_insufficient),
		T(junit_has_one_testcase_per_check_and_failures),
		T(max_psi_at_above_and_below),
		T(max_psi_is_not_judged_without_a_reference),
		T(max_missing_rate_at_above_and_below),
		T(max_label_shift_at_above_and_below),
		T(monitoring_checks_in_json_junit_and_policy),
		T(learned_thresholds_are_mean_plus_k_std),
		T(learned_thresholds_need_reference_nights),
		T(interval_mode_passes_fails_or_keeps_shadowing),
		T(undecided_check_says_how_many_more_cases_and_nights),
		T(holm_and_bonferroni_decide_which_failures_stand),
		T(incumbent_margin_is_judged_on_the_paired_interval),
		T(report_only_checks_are_shown_but_not_in_the_verdict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
