/*
 * Tests for the HTML page (src/write_html*.c): the verdict section only
 * when the gate's result is known, failed checks first, the policy's
 * thresholds drawn, segments worst first with the values the gate did not
 * judge greyed, hostile text from the logs rendered as text, and the
 * charts' data tables holding the report's numbers (worked by hand).
 */
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
#include "sg/html.h"
#include "sg/report.h"

/*
 * A small report: 10 cases, 8 agree; two nights (3 of 4 and 5 of 6);
 * segment values "a" (1 of 2) and a hostile one (7 of 8); labels
 * "<script>alert(1)</script>" and "ok", with precision and recall 3 of 4
 * = 0.75 and 5 of 6 = 0.8333, the first with intervals, the second
 * without (as a report stored before they were kept). The intervals are
 * placeholders: the page prints them, it does not compute them.
 */
static const char report_json[] =
	"{\"report_version\": 1, \"generated_at\": \"2026-11-21T00:00:00Z\","
	" \"model\": {\"id\": 1, \"name\": \"m<i>\", \"version\": \"1\","
	"  \"backend\": \"logged\", \"sha256\": null, \"created_at\": null},"
	" \"window\": {\"since\": \"2026-11-01\", \"until\": \"2026-11-02\","
	"  \"nights\": 2},"
	" \"decision_type\": \"label\", \"cases\": 10,"
	" \"counts\": {\"in_window\": 10, \"compared\": 10},"
	" \"agreement\": {\"n\": 10, \"agree\": 8, \"rate\": 0.8,"
	"  \"ci95\": [0.49, 0.94]},"
	" \"kappa\": {\"value\": 0.5, \"se\": 0.2, \"ci95\": [0.1, 0.9]},"
	" \"labels\": [\"<script>alert(1)</script>\", \"ok\"],"
	" \"confusion\": {\"labels\": [\"<script>alert(1)</script>\", \"ok\"],"
	"  \"matrix\": [[3, 1], [1, 5]]},"
	" \"nights\": {"
	"  \"2026-11-01\": {\"n\": 4, \"agree\": 3, \"rate\": 0.75,"
	"   \"ci95\": [0.3, 0.95], \"below_overall\": true},"
	"  \"2026-11-02\": {\"n\": 6, \"agree\": 5, \"rate\": 0.8333333333,"
	"   \"ci95\": [0.44, 0.97], \"below_overall\": false}},"
	" \"segments\": {\"region\": {"
	"  \"\\\" onmouseover=alert(1) x=\\\"\": {\"n\": 8, \"agree\": 7,"
	"   \"rate\": 0.875, \"ci95\": [0.53, 0.98], \"below_overall\": false},"
	"  \"a\": {\"n\": 2, \"agree\": 1, \"rate\": 0.5,"
	"   \"ci95\": [0.09, 0.91], \"below_overall\": true}}},"
	" \"per_class\": {"
	"  \"<script>alert(1)</script>\": {\"precision\": 0.75,"
	"   \"recall\": 0.75, \"f1\": 0.75, \"support\": 4,"
	"   \"precision_ci95\": [0.3, 0.95], \"recall_ci95\": [0.31, 0.96]},"
	"  \"ok\": {\"precision\": 0.8333333333, \"recall\": 0.8333333333,"
	"   \"f1\": 0.8333333333, \"support\": 6}},"
	" \"disagreements\": [{\"case_id\": \"<img src=x onerror=alert(1)>\","
	"  \"night\": \"2026-11-01\", \"human\": \"ok\","
	"  \"model\": \"<script>alert(1)</script>\", \"score\": 0.9}]"
	"}";

static struct sg_report *load(void)
{
	cJSON *j = cJSON_Parse(report_json);
	struct sg_report *r = NULL;
	struct sg_diag d = {0};

	assert_non_null(j);
	if (sg_report_from_json(j, &r, &d))
		fail_msg("report: %s", d.msg);
	cJSON_Delete(j);
	assert_true(r->has_model);
	return r;
}

/* The page with these inputs as a string (the caller frees it). */
static char *page_with(const struct sg_report *r,
		       const struct sg_html_inputs *in)
{
	/* static: the stream keeps their addresses until fclose, which an
	 * optimising compiler's dangling-pointer analysis cannot see */
	static char *buf;
	static size_t len;
	FILE *f;

	buf = NULL;
	len = 0;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	if (in)
		assert_int_equal(sg_write_html_page(f, r, in), 0);
	else
		assert_int_equal(sg_write_html_report(f, r, 0, NULL), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* The page as nightly writes it with gate g (NULL: as the registry). */
static char *page(const struct sg_report *r, const struct sg_gate_result *g)
{
	return page_with(r, g ? &(struct sg_html_inputs){.gate = g,
							 .verdict = 1}
			      : NULL);
}

/* A gate result: the hostile segment value's check fails, "a" is not
 * judged (2 cases), the overall agreement and a night check pass. */
#define CHECK(nm, subj, v, lo, hi, jd, thr, out, why)                   \
	{.name = nm, .subject = subj, .value = v, .low = lo, .high = hi,   \
	 .judged = jd, .threshold = thr, .outcome = out, .detail = why}
static struct sg_gate_check checks[] = {
	CHECK("min_agreement", "overall", 0.8, 0.49, 0.94, 0.49, 0.4,
	      SG_CHECK_PASS, "lower bound 0.49 >= 0.4"),
	CHECK("min_segment_agreement", "region=a", 0.5, 0.09, 0.91, NAN, 0.6,
	      SG_CHECK_NOT_JUDGED, "2 cases, fewer than min_segment_cases 5"),
	CHECK("min_segment_agreement", "region=\" onmouseover=alert(1) x=\"",
	      0.875, 0.53, 0.98, 0.53, 0.6, SG_CHECK_FAIL,
	      "lower bound 0.53 < 0.6"),
	CHECK("min_night_agreement", "night=2026-11-02", 0.83, 0.44, 0.97,
	      0.44, 0.42, SG_CHECK_PASS, "lower bound 0.44 >= 0.42"),
};
#undef CHECK

static struct sg_gate_result nogo = {.verdict = SG_NOGO,
				     .reason = "no-go: 1 check failed",
				     .checks = checks,
				     .nchecks = 4,
				     .cases = 10};

static void page_from_report_has_no_verdict_and_no_threshold(void **state)
{
	struct sg_report *r = load();
	char *p = page(r, NULL);

	(void)state;
	assert_non_null(strstr(p, "<!DOCTYPE html>"));
	assert_null(strstr(p, "id=\"verdict\""));
	assert_null(strstr(p, "min night agreement"));
	assert_non_null(strstr(p, "</html>"));
	free(p);
	sg_report_free(r);
}

static void verdict_lists_failed_checks_first(void **state)
{
	struct sg_report *r = load();
	char *p = page(r, &nogo), *v, *fail, *pass, *nj;

	(void)state;
	v = strstr(p, "<section id=\"verdict\" class=\"verdict v-no-go\">");
	assert_non_null(v);
	assert_non_null(strstr(v, "Verdict: no-go"));
	fail = strstr(v, "<td class=\"o-fail\">fail</td>");
	nj = strstr(v, "<td class=\"o-not-judged\">not judged</td>");
	pass = strstr(v, "<td class=\"o-pass\">pass</td>");
	assert_non_null(fail);
	assert_non_null(nj);
	assert_non_null(pass);
	assert_true(fail < nj && nj < pass);
	/* a check links to the chart it comes from */
	assert_non_null(strstr(v, "<a href=\"#segments\">min_segment_agreement"));
	/* the passed checks are folded away */
	assert_non_null(strstr(v, "<summary>2 checks passed</summary>"));
	free(p);
	sg_report_free(r);
}

static void policy_thresholds_are_drawn_when_the_gate_is_known(void **state)
{
	struct sg_report *r = load();
	char *p = page(r, &nogo), *n;

	(void)state;
	n = strstr(p, "<section id=\"nights\">");
	assert_non_null(n);
	/* the night chart's dashed line is the night check's threshold */
	n = strstr(n, "<g class=\"sg-threshold\">");
	assert_non_null(n);
	assert_non_null(strstr(n, ">min night agreement</text>"));
	free(p);
	sg_report_free(r);
}

/*
 * The part of p from the element whose opening tag is open (a format for
 * the id) up to the first close after it, as a string.
 */
static char *element_of(const char *p, const char *open, const char *id,
			const char *close)
{
	char key[128];
	const char *s, *e;

	snprintf(key, sizeof(key), open, id);
	s = strstr(p, key);
	assert_non_null(s);
	e = strstr(s, close);
	assert_non_null(e);
	return strndup(s, (size_t)(e - s));
}

/* The data table of the chart with this id, as a string. */
static char *table_of(const char *p, const char *id)
{
	return element_of(p, "<details id=\"%s-data\">", id, "</details>");
}

static void segments_worst_first_and_not_judged_greyed(void **state)
{
	struct sg_report *r = load();
	char *p = page(r, &nogo), *t, *a, *h;

	(void)state;
	t = table_of(p, "segment-0");
	/* "a" (1/2 = 0.5000) before the hostile value (7/8 = 0.8750), though
	 * the report lists it second */
	a = strstr(t, "<td><bdi>a</bdi></td><td class=\"n\">2</td>"
		      "<td class=\"n\">1</td><td class=\"n\">0.5000</td>");
	h = strstr(t, "<td class=\"n\">8</td><td class=\"n\">7</td>"
		      "<td class=\"n\">0.8750</td>");
	assert_non_null(a);
	assert_non_null(h);
	assert_true(a < h);
	assert_non_null(strstr(t, "<td><bdi>not judged</bdi></td>"));
	free(t);
	/* in the chart, "a" is grey and marked */
	assert_non_null(strstr(p, "<g class=\"sg-muted\">\n<text x="));
	assert_non_null(strstr(p, ">a (not judged)</text>"));
	free(p);
	sg_report_free(r);
}

static void charts_tables_hold_the_reports_numbers(void **state)
{
	struct sg_report *r = load();
	char *p = page(r, NULL), *t;

	(void)state;
	t = table_of(p, "nights-chart");
	/* 3 of 4 = 0.7500; 5 of 6 = 0.8333 */
	assert_non_null(strstr(t, "<td><bdi>2026-11-01</bdi></td><td class=\"n\">4"
				  "</td><td class=\"n\">3</td><td class=\"n\">"
				  "0.7500</td><td class=\"n\">0.3000</td>"
				  "<td class=\"n\">0.9500</td>"));
	assert_non_null(strstr(t, "<td class=\"n\">0.8333</td>"));
	free(t);
	t = table_of(p, "confusion-chart");
	assert_non_null(strstr(t, "<td class=\"n\">3</td><td class=\"n\">1</td>"));
	free(t);
	/* row shares of the heat map: 3 of 4 = 75%, 5 of 6 = 83% */
	assert_non_null(strstr(p, ">3 (75%)</text>"));
	assert_non_null(strstr(p, ">5 (83%)</text>"));
	free(p);
	sg_report_free(r);
}

/* Every occurrence of word is outside a tag: after the last '<' or '>'
 * before it comes a '>'. */
static void assert_outside_tags(const char *p, const char *word)
{
	const char *s = p;
	int seen = 0;

	while ((s = strstr(s, word))) {
		const char *q = s;

		while (q > p && *q != '<' && *q != '>')
			q--;
		if (*q != '>')
			fail_msg("'%s' inside a tag at offset %td", word, s - p);
		seen++;
		s++;
	}
	assert_true(seen > 0);
}

static void hostile_text_renders_as_text(void **state)
{
	struct sg_report *r = load();
	char *p = page(r, &nogo);
	const char *s;

	(void)state;
	/* the only <script anywhere would be the page's own: there is none */
	assert_null(strstr(p, "<script"));
	assert_null(strstr(p, "<img"));
	assert_null(strstr(p, "<i>"));
	assert_non_null(strstr(p, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(p, "&lt;img src=x onerror=alert(1)&gt;"));
	assert_outside_tags(p, "onmouseover");
	assert_outside_tags(p, "onerror");
	/* nothing points outside the page */
	for (s = p; (s = strstr(s, "//")); s++)
		fail_msg("'//' at offset %td", s - p);
	assert_null(strstr(p, "http:"));
	assert_null(strstr(p, "https:"));
	free(p);
	sg_report_free(r);
}

/* The part of p from the figure with this id to its end, as a string. */
static char *figure_of(const char *p, const char *id)
{
	return element_of(p, "<figure class=\"sg-chart\" id=\"%s\">", id,
			  "</figure>");
}

/* How many times word is in s. */
static int count(const char *s, const char *word)
{
	int n = 0;

	while ((s = strstr(s, word))) {
		n++;
		s++;
	}
	return n;
}

static void class_bars_carry_their_intervals(void **state)
{
	struct sg_report *r = load();
	char *p = page(r, NULL), *t;

	(void)state;
	t = table_of(p, "classes-chart");
	assert_non_null(strstr(t, "<td class=\"n\">0.7500</td><td class=\"n\">"
				  "0.3000</td><td class=\"n\">0.9500</td>"
				  "<td class=\"n\">0.7500</td><td class=\"n\">"
				  "0.3100</td><td class=\"n\">0.9600</td>"));
	/* "ok" has none: its intervals are undefined */
	assert_non_null(strstr(t, "<td><bdi>ok</bdi></td><td class=\"n\">0.8333"
				  "</td><td class=\"n\">\xe2\x80\x93</td>"));
	free(t);
	/* two error bars: the first label's precision and recall */
	t = figure_of(p, "classes-chart");
	assert_int_equal(count(t, "<rect class=\"sg-bar\""), 4);
	assert_int_equal(count(t, "<line class=\"sg-ci\""), 2);
	assert_non_null(strstr(t, "precision: 0.75 [0.3, 0.95]</title>"));
	free(t);
	free(p);
	sg_report_free(r);
}

/* The stored nights: three of the report's model (m<i>@1), the last the
 * report's own (2026-11-02), and one of another model. */
static const char nights_json[] =
	"[{\"night\": \"2026-10-31\", \"model\": \"m<i>@1\", \"report\": 1,"
	"  \"cases\": 5, \"agreement\": {\"rate\": 0.6, \"ci95\": [0.23, 0.88]},"
	"  \"kappa\": {\"value\": null, \"ci95\": null}, \"change\": null,"
	"  \"verdict\": null, \"reason\": null},"
	" {\"night\": \"2026-11-01\", \"model\": \"m<i>@1\", \"report\": 2,"
	"  \"cases\": 4, \"agreement\": {\"rate\": 0.75, \"ci95\": [0.3, 0.95]},"
	"  \"kappa\": {\"value\": 0.4, \"ci95\": [-0.1, 0.9]}, \"change\": 0.15,"
	"  \"verdict\": \"no-go\", \"reason\": \"no-go\"},"
	" {\"night\": \"2026-11-02\", \"model\": \"m<i>@1\", \"report\": 4,"
	"  \"cases\": 10, \"agreement\": {\"rate\": 0.8, \"ci95\": [0.49, 0.94]},"
	"  \"kappa\": {\"value\": 0.5, \"ci95\": [0.1, 0.9]}, \"change\": 0.05,"
	"  \"verdict\": \"go\", \"reason\": \"go\"},"
	" {\"night\": \"2026-11-02\", \"model\": \"other@2\", \"report\": 3,"
	"  \"cases\": 9, \"agreement\": {\"rate\": 0.1, \"ci95\": [0.01, 0.4]},"
	"  \"kappa\": {\"value\": 0.0, \"ci95\": [-0.2, 0.2]}, \"change\": null,"
	"  \"verdict\": null, \"reason\": null}]";

static void trend_of_the_stored_nights_marks_this_report(void **state)
{
	struct sg_report *r = load();
	cJSON *nights = cJSON_Parse(nights_json);
	char *p, *t, *s;

	(void)state;
	assert_non_null(nights);
	p = page_with(r, &(struct sg_html_inputs){.gate = &nogo, .verdict = 1,
						  .nights = nights});
	/* below the nights of the window */
	s = strstr(p, "<section id=\"trend\">");
	assert_non_null(s);
	assert_true(strstr(p, "<section id=\"nights\">") < s);
	t = table_of(p, "trend-chart");
	/* the model's three nights only, in order, the last this report's */
	assert_int_equal(count(t, "<tr><td>"), 3);
	assert_null(strstr(t, "0.1000"));
	assert_non_null(strstr(t, "<td><bdi>2026-10-31</bdi></td><td class=\"n\">1"
				  "</td><td class=\"n\">5</td><td class=\"n\">"
				  "0.6000</td><td class=\"n\">0.2300</td>"
				  "<td class=\"n\">0.8800</td><td><bdi>not gated"
				  "</bdi></td><td><bdi></bdi></td></tr>"));
	assert_non_null(strstr(t, "<td><bdi>2026-11-02</bdi></td><td class=\"n\">4"
				  "</td><td class=\"n\">10</td><td class=\"n\">"
				  "0.8000</td><td class=\"n\">0.4900</td>"
				  "<td class=\"n\">0.9400</td><td><bdi>go</bdi>"
				  "</td><td><bdi>this report</bdi></td></tr>"));
	assert_true(strstr(t, "2026-10-31") < strstr(t, "2026-11-01"));
	free(t);
	t = table_of(p, "trend-kappa-chart");
	assert_non_null(strstr(t, "<td><bdi>2026-10-31</bdi></td><td class=\"n\">"
				  "\xe2\x80\x93</td>"));
	assert_non_null(strstr(t, "<td><bdi>2026-11-01</bdi></td><td class=\"n\">"
				  "0.4000</td><td class=\"n\">-0.1000</td>"
				  "<td class=\"n\">0.9000</td>"));
	free(t);
	/* the chart: its text alternative, this report's night marked, the
	 * policy's minimum agreement (0.4) drawn */
	t = figure_of(p, "trend-chart");
	assert_non_null(strstr(t, "<title"));
	assert_non_null(strstr(t, "<desc"));
	assert_non_null(strstr(t, "<g class=\"sg-mark\">"));
	assert_non_null(strstr(t, ">this report</text>"));
	assert_non_null(strstr(t, ">min agreement</text>"));
	free(t);
	free(p);
	cJSON_Delete(nights);
	sg_report_free(r);
}

static void trend_says_when_no_night_is_stored(void **state)
{
	struct sg_report *r = load();
	cJSON *none = cJSON_CreateArray();
	char *p;

	(void)state;
	p = page_with(r, &(struct sg_html_inputs){.nights = none});
	assert_non_null(strstr(p, "<section id=\"trend\">"));
	assert_non_null(strstr(p, "<p>No night of this model is stored yet"));
	assert_null(strstr(p, "id=\"trend-chart\""));
	free(p);
	/* without a store (the registry's page) there is no trend section */
	p = page(r, NULL);
	assert_null(strstr(p, "<section id=\"trend\">"));
	free(p);
	cJSON_Delete(none);
	sg_report_free(r);
}

static void trend_keeps_the_latest_60_nights(void **state)
{
	struct sg_report *r = load();
	cJSON *nights = cJSON_CreateArray();
	char *p, *t, night[16];
	int i;

	(void)state;
	/* 65 nights, 2026-01-01 .. 2026-03-06: the first 5 are left out */
	for (i = 0; i < 65; i++) {
		cJSON *o = cJSON_CreateObject();

		snprintf(night, sizeof(night), "2026-%02d-%02d",
			 i < 31 ? 1 : i < 59 ? 2 : 3,
			 i < 31 ? i + 1 : i < 59 ? i - 30 : i - 58);
		cJSON_AddStringToObject(o, "night", night);
		cJSON_AddStringToObject(o, "model", "m<i>@1");
		cJSON_AddNumberToObject(o, "report", i + 1);
		cJSON_AddItemToArray(nights, o);
	}
	p = page_with(r, &(struct sg_html_inputs){.nights = nights});
	t = table_of(p, "trend-chart");
	assert_int_equal(count(t, "<tr><td>"), 60);
	assert_null(strstr(t, "2026-01-05"));
	assert_non_null(strstr(t, "2026-01-06"));
	assert_non_null(strstr(t, "2026-03-06"));
	/* this report's night (2026-11-02) is not among them */
	assert_null(strstr(t, "<bdi>this report</bdi>"));
	free(t);
	assert_non_null(strstr(p, "(the latest 60)"));
	free(p);
	cJSON_Delete(nights);
	sg_report_free(r);
}

static void policy_without_verdict_lends_its_thresholds(void **state)
{
	struct sg_report *r = load();
	char *p = page_with(r, &(struct sg_html_inputs){.gate = &nogo});

	(void)state;
	/* report's page: no verdict, but the thresholds and "not judged" */
	assert_null(strstr(p, "id=\"verdict\""));
	assert_non_null(strstr(p, "<p class=\"meta\" id=\"policy\">"));
	assert_non_null(strstr(p, ">min night agreement</text>"));
	assert_non_null(strstr(p, ">min segment agreement</text>"));
	assert_non_null(strstr(p, ">a (not judged)</text>"));
	free(p);
	sg_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(page_from_report_has_no_verdict_and_no_threshold),
		cmocka_unit_test(verdict_lists_failed_checks_first),
		cmocka_unit_test(policy_thresholds_are_drawn_when_the_gate_is_known),
		cmocka_unit_test(segments_worst_first_and_not_judged_greyed),
		cmocka_unit_test(charts_tables_hold_the_reports_numbers),
		cmocka_unit_test(hostile_text_renders_as_text),
		cmocka_unit_test(class_bars_carry_their_intervals),
		cmocka_unit_test(trend_of_the_stored_nights_marks_this_report),
		cmocka_unit_test(trend_says_when_no_night_is_stored),
		cmocka_unit_test(trend_keeps_the_latest_60_nights),
		cmocka_unit_test(policy_without_verdict_lends_its_thresholds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
