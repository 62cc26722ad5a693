/*
 * test_writer.c - the registry of output formats: which names it knows,
 * which of them write a report or a gate, the extensions nightly uses, and
 * what writing in a format it does not know returns; and each report
 * writer on small typed reports, with the output worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg/error.h"
#include "sg/gate.h"
#include "sg/report.h"
#include "sg/buf.h"
#include "sg/writer.h"

static void assert_names(const char *const *got, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++) {
		assert_non_null(got[i]);
		assert_string_equal(got[i], want[i]);
	}
	assert_null(got[i]);
}

/* the order --help and the error messages give (test_config.c,
 * tests/cli/options.sh): text, the default, first */
static void report_formats_are_the_six_views(void **state)
{
	static const char *const want[] = {"text", "json", "markdown", "csv",
					   "prometheus", "html", NULL};
	size_t i;

	(void)state;
	assert_names(sg_report_formats, want);
	for (i = 0; want[i]; i++) {
		const struct sg_writer_ops *w = sg_writer_find(want[i]);

		assert_non_null(w);
		assert_non_null(w->write_report);
	}
	assert_null(sg_writer_find("junit")->write_report);
}

static void gate_formats_are_text_json_markdown_and_junit(void **state)
{
	static const char *const want[] = {"text", "json", "markdown",
					   "junit", NULL};
	size_t i;

	(void)state;
	assert_names(sg_gate_formats, want);
	for (i = 0; want[i]; i++)
		assert_non_null(sg_writer_find(want[i])->write_gate);
	assert_null(sg_writer_find("csv")->write_gate);
	assert_null(sg_writer_find("prometheus")->write_gate);
}

/* nightly's files, as the man page names them */
static void extensions_name_nightlys_files(void **state)
{
	(void)state;
	assert_string_equal(sg_writer_find("json")->extension, ".json");
	assert_string_equal(sg_writer_find("markdown")->extension, ".md");
	assert_string_equal(sg_writer_find("text")->extension, ".txt");
	assert_string_equal(sg_writer_find("csv")->extension, ".csv");
	assert_string_equal(sg_writer_find("prometheus")->extension, ".prom");
	assert_string_equal(sg_writer_find("junit")->extension, ".xml");
}

static void unknown_format_is_a_usage_error(void **state)
{
	struct sg_gate_result res;
	struct sg_report *r = sg_xcalloc(1, sizeof(*r));
	FILE *f = tmpfile();

	(void)state;
	memset(&res, 0, sizeof(res));
	assert_non_null(f);
	assert_null(sg_writer_find("pdf"));
	assert_null(sg_writer_find("JSON"));
	assert_null(sg_writer_find(NULL));
	assert_int_equal(sg_report_write(f, r, "pdf", 0), SG_EUSAGE);
	assert_int_equal(sg_report_write(f, r, "junit", 0), SG_EUSAGE);
	assert_int_equal(sg_gate_write(f, &res, "csv", NULL), SG_EUSAGE);
	assert_int_equal(sg_gate_write(f, &res, "pdf", NULL), SG_EUSAGE);
	/* nothing was written */
	assert_int_equal(ftell(f), 0);
	fclose(f);
	sg_report_free(r);
}

/* a gate with no format is written as text */
static void no_format_is_text(void **state)
{
	struct sg_gate_result res;
	char buf[256];
	FILE *f = tmpfile();

	(void)state;
	memset(&res, 0, sizeof(res));
	res.verdict = SG_GO;
	res.reason = "all checks pass";
	assert_non_null(f);
	assert_int_equal(sg_gate_write(f, &res, NULL, NULL), 0);
	rewind(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_string_equal(buf, "verdict: go\n");
	fclose(f);
}


/* The typed report of a JSON text (members left out read as undefined). */
static struct sg_report *report_of(const char *json)
{
	cJSON *j = cJSON_Parse(json);
	struct sg_report *r = NULL;

	assert_non_null(j);
	assert_int_equal(sg_report_from_json(j, &r, NULL), 0);
	cJSON_Delete(j);
	return r;
}

/* What the report writer of format writes for r (verdict: Prometheus'),
 * NUL-terminated; the caller frees it. */
static char *written(const struct sg_report *r, const char *format,
		     const char *verdict)
{
	const struct sg_writer_ops *w = sg_writer_find(format);
	FILE *f = tmpfile();
	long n;
	char *t;

	assert_non_null(f);
	assert_int_equal(w->write_report(f, r, 0, verdict), 0);
	n = ftell(f);
	rewind(f);
	t = sg_xmalloc((size_t)n + 1);
	assert_int_equal(fread(t, 1, (size_t)n, f), (size_t)n);
	t[n] = '\0';
	fclose(f);
	return t;
}

static void assert_has(const char *text, const char *line)
{
	if (!strstr(text, line))
		fail_msg("missing: %s\nin:\n%s", line, text);
}

/*
 * Prometheus reads the typed report: each family from its member, none for
 * an undefined statistic (kappa here) or a section the report lacks (no
 * version change), latencies in seconds (250 ms = 0.25 s).
 */
static void prometheus_writes_the_typed_reports_numbers(void **state)
{
	struct sg_report *r = report_of(
		"{\"cases\": 10, \"model\": {\"name\": \"m\", "
		"\"version\": \"v\\\"1\"}, \"agreement\": {\"n\": 10, "
		"\"agree\": 8, \"rate\": 0.8, \"ci95\": [0.5, 0.9]}, "
		"\"kappa\": {\"value\": null}, \"outputs\": "
		"{\"error_rate\": 0.25, \"label_shift\": {\"value\": 0.125, "
		"\"label\": \"a\"}}, \"software\": {\"p95_ms\": 250}, "
		"\"inputs\": {\"features\": {\"income\": {\"psi\": 0.5, "
		"\"missing_rate\": 0}}}}");
	char *t;

	(void)state;
	t = written(r, "prometheus", "go");
	assert_has(t, "# TYPE shadowgate_cases gauge\n"
		      "shadowgate_cases{model=\"m\",version=\"v\\\"1\"} 10\n");
	assert_has(t, "\nshadowgate_agreement_rate{model=\"m\",version=\"v\\\"1\"} 0.8\n");
	assert_has(t, "\nshadowgate_agreement_lower{model=\"m\",version=\"v\\\"1\"} 0.5\n");
	assert_has(t, "\nshadowgate_agreement_upper{model=\"m\",version=\"v\\\"1\"} 0.9\n");
	assert_null(strstr(t, "shadowgate_kappa"));
	assert_has(t, "\nshadowgate_prediction_error_rate{model=\"m\",version=\"v\\\"1\"} 0.25\n");
	assert_has(t, "\nshadowgate_label_shift{model=\"m\",version=\"v\\\"1\"} 0.125\n");
	assert_has(t, "# TYPE shadowgate_latency_seconds summary\n"
		      "shadowgate_latency_seconds{model=\"m\",version=\"v\\\"1\","
		      "quantile=\"0.95\"} 0.25\n");
	assert_null(strstr(t, "quantile=\"0.5\""));
	assert_has(t, "\nshadowgate_feature_psi{model=\"m\",version=\"v\\\"1\","
		      "feature=\"income\"} 0.5\n");
	assert_has(t, "\nshadowgate_feature_missing_rate{model=\"m\","
		      "version=\"v\\\"1\",feature=\"income\"} 0\n");
	assert_null(strstr(t, "shadowgate_version_change_rate"));
	assert_has(t, "verdict=\"go\"} 1\n");
	assert_has(t, "verdict=\"no-go\"} 0\n");
	free(t);
	sg_report_free(r);
}

/* Without a model: the count of cases and nothing of the model sections,
 * no model label */
static void prometheus_without_a_model_writes_the_cases_alone(void **state)
{
	struct sg_report *r = report_of("{\"cases\": 0}");
	char *t;

	(void)state;
	t = written(r, "prometheus", NULL);
	assert_string_equal(
		t, "# HELP shadowgate_cases Cases compared (a human decision "
		   "and a model output) in the report's window.\n"
		   "# TYPE shadowgate_cases gauge\nshadowgate_cases 0\n");
	free(t);
	sg_report_free(r);
}

/*
 * CSV from the typed report, one row per statistic: the agreement, the
 * kappa (no weighted rows when they are undefined), each cell of the
 * confusion matrix (rows human), each night with below_overall, then the
 * outputs. 13 columns, so 12 commas a row.
 */
static void csv_writes_a_row_per_typed_member(void **state)
{
	struct sg_report *r = report_of(
		"{\"decision_type\": \"label\", \"agreement\": {\"n\": 4, "
		"\"agree\": 3, \"rate\": 0.75, \"ci95\": [0.3, 0.95]}, "
		"\"kappa\": {\"value\": 0.5, \"ci95\": [null, null]}, "
		"\"confusion\": {\"labels\": [\"a\", \"b,c\"], "
		"\"matrix\": [[2, 1], [0, 1]]}, \"nights\": {\"2026-11-01\": "
		"{\"n\": 4, \"agree\": 3, \"rate\": 0.75, \"ci95\": [0.3, "
		"0.95], \"below_overall\": false}}, \"outputs\": {\"errors\": "
		"1, \"error_rate\": 0.2, \"empty\": 0, \"empty_rate\": 0}}");
	char *t;

	(void)state;
	t = written(r, "csv", NULL);
	assert_string_equal(
		t,
		"section,name,key,human,model,count,n,agree,rate,ci_low,"
		"ci_high,below_overall,value\n"
		"agreement,,,,,,4,3,0.75,0.3,0.95,,\n"
		"kappa,cohen,,,,,,,,,,,0.5\n"
		"confusion,,,a,a,2,,,,,,,\n"
		"confusion,,,a,\"b,c\",1,,,,,,,\n"
		"confusion,,,\"b,c\",a,0,,,,,,,\n"
		"confusion,,,\"b,c\",\"b,c\",1,,,,,,,\n"
		"night,,2026-11-01,,,,4,3,0.75,0.3,0.95,false,\n"
		"output,error_rate,,,,1,,,,,,,0.2\n"
		"output,empty_rate,,,,0,,,,,,,0\n");
	free(t);
	sg_report_free(r);
}

/* without a model (no agreement in the report) only the header */
static void csv_without_a_model_is_the_header(void **state)
{
	struct sg_report *r = report_of("{\"cases\": 0}");
	char *t;

	(void)state;
	t = written(r, "csv", NULL);
	assert_string_equal(t, "section,name,key,human,model,count,n,agree,"
			       "rate,ci_low,ci_high,below_overall,value\n");
	free(t);
	sg_report_free(r);
}

/* A labelled report with a model, as JSON for report_of. */
static const char *const labelled =
	"{\"generated_at\": \"T\", \"model\": {\"name\": \"m\", \"version\": "
	"\"v1\", \"backend\": \"exec\"}, \"window\": {\"since\": \"2026-11-01\", "
	"\"until\": \"2026-11-01\", \"nights\": 1}, \"confidence\": 0.95, "
	"\"decision_type\": \"label\", \"counts\": {\"in_window\": 5, "
	"\"compared\": 4}, \"agreement\": {\"n\": 4, \"agree\": 3, \"rate\": "
	"0.75, \"ci95\": [0.3, 0.95]}, \"kappa\": {\"value\": 0.5, \"se\": "
	"0.25, \"ci95\": [0.1, 0.9]}, \"confusion\": {\"labels\": [\"a\", "
	"\"b\"], \"matrix\": [[2, 1], [0, 1]]}, \"nights\": {\"2026-11-01\": "
	"{\"n\": 4, \"agree\": 3, \"rate\": 0.75, \"ci95\": [0.3, 0.95], "
	"\"below_overall\": true}}, \"disagreements\": [{\"case_id\": "
	"\"c|1\", \"night\": null, \"human\": \"a\", \"model\": \"b\", "
	"\"score\": 0.875}]}";

/*
 * Markdown from the typed report: agreement 3/4 = 75.0%, its interval in
 * percent, kappa to three decimals, the matrix rows human, the one night
 * flagged below overall, the disagreement with its '|' escaped and its
 * null night as a dash; nothing for the sections the report lacks.
 */
static void markdown_writes_the_typed_report(void **state)
{
	struct sg_report *r = report_of(labelled);
	char *t;

	(void)state;
	t = written(r, "markdown", NULL);
	assert_string_equal(
		t,
		"### shadowgate report: m@v1\n\n"
		"**Agreement 75.0%** (3 of 4 cases, 95% CI 30.0% – 95.0%) · "
		"**Cohen's κ 0.500** (CI 0.100 – 0.900)\n\n"
		"Window 2026-11-01 – 2026-11-01 (1 night) · 5 cases in the "
		"window, 4 compared · generated T\n"
		"\n#### Confusion matrix (rows: human, columns: model)\n\n"
		"| human \\\\ model | a | b |\n|---|---:|---:|\n"
		"| a | 2 | 1 |\n| b | 0 | 1 |\n"
		"\n#### Worst nights\n\n| night | n | agreement | CI | |\n"
		"|---|---:|---:|---|---|\n"
		"| 2026-11-01 | 4 | 75.0% | 30.0% – 95.0% | ⚠️ below overall |\n"
		"\n#### Disagreements\n\n| case | night | human | model | score "
		"|\n|---|---|---|---|---:|\n"
		"| c\\|1 | – | a | b | 0.875 |\n");
	free(t);
	sg_report_free(r);
}

/* without a model: the title says so, and the window line alone */
static void markdown_without_a_model_says_so(void **state)
{
	struct sg_report *r = report_of(
		"{\"generated_at\": \"T\", \"window\": {\"nights\": 2, "
		"\"note\": \"no <case>\"}, \"counts\": {\"in_window\": 7}}");
	char *t;

	(void)state;
	t = written(r, "markdown", NULL);
	assert_string_equal(t, "### shadowgate report: human decisions only "
			       "(no model)\n\nWindow – – – (2 nights) · 7 "
			       "cases in the window, 0 compared · generated "
			       "T\n\n> no \\<case\\>\n");
	free(t);
	sg_report_free(r);
}

/*
 * Text from the typed report, column by column: the matrix's row labels
 * padded to at least 5 characters, its counts right aligned under labels
 * of their width; the night flagged below overall; no run, so the software line
 * says so and the window's error rate (0 of 0) is undefined; the
 * disagreement's null night as "-".
 */
static void text_writes_the_typed_report(void **state)
{
	struct sg_report *r = report_of(labelled);
	char *t;

	(void)state;
	t = written(r, "text", NULL);
	assert_string_equal(
		t,
		"shadowgate report  m@v1 (exec)\n"
		"window      2026-11-01 .. 2026-11-01, 1 night\n"
		"cases       4 compared of 5 in the window\n"
		"\n"
		"agreement   0.7500  3/4  95% CI 0.3000 .. 0.9500\n"
		"kappa       0.5000  SE 0.2500  CI 0.1000 .. 0.9000\n"
		"\nconfusion matrix (rows: human, columns: model)\n"
		"  " "     " "  a" "  b" "\n"
		"  " "a    " "  2" "  1" "\n"
		"  " "b    " "  0" "  1" "\n"
		"\nnights, worst first\n"
		"  " "2026-11-01" "  n      4  agree      3     0.7500  CI "
		"0.3000 .. 0.9500  below overall\n"
		"\nsoftware    no runs recorded (logged predictions)\n"
		"            in the window: 0 predictions, 0 errors "
		"(undefined)\n"
		"\ndisagreements (most confident first)\n"
		"  case  night       human  model  score\n"
		"  " "c|1 " "  " "-         " "  " "a    " "  " "b    "
		"  0.875\n");
	free(t);
	sg_report_free(r);
}

/* without a model: the counts and their exclusions, nothing more */
static void text_without_a_model_writes_the_counts(void **state)
{
	struct sg_report *r = report_of(
		"{\"window\": {\"nights\": 0, \"all\": true}, \"counts\": "
		"{\"in_window\": 3, \"excluded\": {\"no_prediction\": 2, "
		"\"no_model_output\": 1}}}");
	char *t;

	(void)state;
	t = written(r, "text", NULL);
	assert_string_equal(
		t, "shadowgate report  no model with predictions in the store: "
		   "human decisions only\n"
		   "window      - .. -, 0 nights (all cases)\n"
		   "cases       0 compared of 3 in the window: excluded 2 "
		   "without a prediction, 1 without a model output\n");
	free(t);
	sg_report_free(r);
}

/* JSON is the typed report's tree: what is read back is what was given */
static void json_is_the_typed_reports_tree(void **state)
{
	struct sg_report *r = report_of(labelled), *back = NULL;
	char *t;
	cJSON *j;

	(void)state;
	t = written(r, "json", NULL);
	j = cJSON_Parse(t);
	assert_non_null(j);
	assert_int_equal(sg_report_from_json(j, &back, NULL), 0);
	assert_true(back->has_model);
	assert_int_equal(back->agreement.agree, 3);
	assert_true(back->agreement.rate == 0.75);
	assert_true(back->kappa.ci95[1] == 0.9);
	assert_int_equal(back->confusion.matrix.v[1], 1);
	assert_string_equal(back->disagreements.v[0].case_id, "c|1");
	assert_null(back->regression);
	cJSON_Delete(j);
	free(t);
	sg_report_free(back);
	sg_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_formats_are_the_six_views),
		cmocka_unit_test(gate_formats_are_text_json_markdown_and_junit),
		cmocka_unit_test(extensions_name_nightlys_files),
		cmocka_unit_test(unknown_format_is_a_usage_error),
		cmocka_unit_test(no_format_is_text),
		cmocka_unit_test(prometheus_writes_the_typed_reports_numbers),
		cmocka_unit_test(prometheus_without_a_model_writes_the_cases_alone),
		cmocka_unit_test(csv_writes_a_row_per_typed_member),
		cmocka_unit_test(csv_without_a_model_is_the_header),
		cmocka_unit_test(markdown_writes_the_typed_report),
		cmocka_unit_test(markdown_without_a_model_says_so),
		cmocka_unit_test(text_writes_the_typed_report),
		cmocka_unit_test(text_without_a_model_writes_the_counts),
		cmocka_unit_test(json_is_the_typed_reports_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
