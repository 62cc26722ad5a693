#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include "sg/buf.h"
#include "sg/config.h"
#include "sg/error.h"

/* "$SG_FIXTURES/config/<name>" into buf. */
static const char *fixture(char *buf, size_t n, const char *name)
{
	const char *dir = getenv("SG_FIXTURES");

	snprintf(buf, n, "%s/config/%s", dir ? dir : "fixtures", name);
	return buf;
}

static int parse(struct sg_config *c, const char *text, struct sg_diag *d)
{
	sg_diag_clear(d);
	return sg_config_parse(c, text, strlen(text), "shadowgate.json", d);
}

static void assert_list(const struct sg_strlist *l, size_t n, ...)
{
	va_list ap;
	size_t i;

	assert_int_equal(l->n, n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_string_equal(l->v[i], va_arg(ap, const char *));
	va_end(ap);
	if (n)
		assert_null(l->v[n]);
}

static void assert_defaults(const struct sg_config *c)
{
	assert_null(c->path);
	assert_string_equal(c->store, "shadowgate.db");

	assert_null(c->log.format);
	assert_string_equal(c->log.case_id, "case_id");
	assert_string_equal(c->log.decided_at, "decided_at");
	assert_string_equal(c->log.decision, "decision");
	assert_int_equal(c->log.decision_type, SG_DECISION_LABEL);
	assert_string_equal(c->log.rater, "rater");
	assert_list(&c->log.segments, 0);
	assert_list(&c->log.features, 0);
	assert_string_equal(c->log.model_label, "model_decision");
	assert_string_equal(c->log.model_score, "model_score");
	assert_int_equal(c->log.explicit_mask, 0);
	assert_null(c->log.glob);

	assert_null(c->model.name);
	assert_null(c->model.version);
	assert_null(c->model.backend);
	assert_null(c->model.path);
	assert_list(&c->model.labels, 0);
	assert_true(c->model.threshold == 0.5);
	assert_list(&c->model.command, 0);
	assert_null(c->model.predictions);
	assert_true(c->model.timeout_s == 30);
	assert_int_equal(c->model.batch, 16384);
	assert_int_equal(c->model.inflight, 64);

	assert_int_equal(c->report.window_nights, 7);
	assert_true(c->report.tolerance == 0.5);
	assert_list(&c->report.formats, 4, "json", "markdown", "text", "html");
	assert_string_equal(c->report.dir, "reports");
	assert_list(&c->report.label_order, 0);
	assert_true(c->report.confidence == 0.95);
	assert_true(c->report.target_agreement == 0.95);
	assert_int_equal(c->report.reference_nights, 0);
	assert_null(c->report.reference_since);
	assert_null(c->report.reference_until);
	assert_null(c->report.prometheus_path);

	assert_true(isnan(c->gate.min_agreement));
	assert_true(isnan(c->gate.min_kappa));
	assert_int_equal(c->gate.min_cases, -1);
	assert_int_equal(c->gate.on_estimate, 0);
	assert_true(isnan(c->gate.max_error_rate));
	assert_true(isnan(c->gate.max_p95_latency_ms));
	assert_int_equal(c->gate.min_segment_cases, 30);
	assert_true(isnan(c->gate.min_segment_agreement));
	assert_true(isnan(c->gate.min_recall));
	assert_true(isnan(c->gate.min_precision));
	assert_null(c->gate.incumbent);
	assert_true(c->gate.incumbent_margin == 0.0);
	assert_true(isnan(c->gate.human_margin));
	assert_true(isnan(c->gate.max_psi));
	assert_true(isnan(c->gate.max_missing_rate));
	assert_true(isnan(c->gate.max_label_shift));
	assert_int_equal(c->gate.learn_from_reference, 0);
	assert_true(c->gate.learn_k == 3);
}

static void init_sets_documented_defaults(void **state)
{
	struct sg_config c;

	(void)state;
	sg_config_init(&c);
	assert_defaults(&c);
	sg_config_release(&c);
}

static void empty_object_keeps_defaults(void **state)
{
	struct sg_config c;
	struct sg_diag d;
	char path[1024];

	(void)state;
	sg_config_init(&c);
	assert_int_equal(parse(&c, " { } \n", &d), 0);
	assert_defaults(&c);
	sg_diag_clear(&d);
	fixture(path, sizeof(path), "empty_object.json");
	assert_int_equal(sg_config_load(&c, path, &d), 0);
	assert_false(d.set);
	assert_string_equal(c.path, path);
	sg_config_release(&c);
}

static void full_file_is_read_back_key_by_key(void **state)
{
	struct sg_config c;
	struct sg_diag d;
	char path[1024], dir[1024], want[1200];

	(void)state;
	sg_config_init(&c);
	sg_diag_clear(&d);
	fixture(path, sizeof(path), "full.json");
	/* relative paths in the file are joined to its folder */
	fixture(dir, sizeof(dir), "");
	dir[strlen(dir) - 1] = '\0';
	assert_int_equal(sg_config_load(&c, path, &d), 0);
	assert_string_equal(c.path, path);
	assert_string_equal(c.store, "/var/lib/shadowgate/triage.db");

	assert_string_equal(c.log.format, "jsonl");
	assert_string_equal(c.log.case_id, "id");
	assert_string_equal(c.log.decided_at, "ts");
	assert_string_equal(c.log.decision, "verdict");
	assert_int_equal(c.log.decision_type, SG_DECISION_NUMERIC);
	assert_string_equal(c.log.rater, "analyst");
	assert_list(&c.log.segments, 2, "region", "channel");
	assert_list(&c.log.features, 3, "income", "age", "tenure");
	assert_string_equal(c.log.model_label, "shadow_label");
	assert_string_equal(c.log.model_score, "shadow_score");
	assert_int_equal(c.log.explicit_mask,
			 SG_LOGKEY_CASE_ID | SG_LOGKEY_DECIDED_AT |
				 SG_LOGKEY_DECISION | SG_LOGKEY_RATER |
				 SG_LOGKEY_MODEL_LABEL | SG_LOGKEY_MODEL_SCORE |
				 SG_LOGKEY_DECISION_TYPE);
	snprintf(want, sizeof(want), "%s/logs/*.jsonl", dir);
	assert_string_equal(c.log.glob, want);

	assert_string_equal(c.model.name, "triage");
	assert_string_equal(c.model.version, "2026-11-20");
	assert_string_equal(c.model.backend, "exec");
	snprintf(want, sizeof(want), "%s/model.json", dir);
	assert_string_equal(c.model.path, want);
	assert_list(&c.model.labels, 2, "benign", "malignant");
	assert_true(c.model.threshold == 0.35);
	/* a program without a '/' is looked up in PATH; its arguments are
	 * the program's business */
	assert_list(&c.model.command, 3, "python3", "model.py", "--serve");
	snprintf(want, sizeof(want), "%s/preds.csv", dir);
	assert_string_equal(c.model.predictions, want);
	assert_true(c.model.timeout_s == 2.5);
	assert_int_equal(c.model.batch, 512);
	assert_int_equal(c.model.inflight, 8);

	assert_int_equal(c.report.window_nights, 14);
	assert_true(c.report.tolerance == 0.25);
	assert_list(&c.report.formats, 2, "csv", "prometheus");
	snprintf(want, sizeof(want), "%s/out/reports", dir);
	assert_string_equal(c.report.dir, want);
	assert_list(&c.report.label_order, 2, "malignant", "benign");
	assert_true(c.report.confidence == 0.99);
	assert_true(c.report.target_agreement == 0.9);

	assert_true(c.gate.min_agreement == 0.9);
	assert_true(c.gate.min_kappa == 0.7);
	assert_int_equal(c.gate.min_cases, 500);
	assert_int_equal(c.gate.on_estimate, 1);
	assert_true(c.gate.max_error_rate == 0.01);
	assert_true(c.gate.max_p95_latency_ms == 250);
	assert_int_equal(c.gate.min_segment_cases, 50);
	assert_true(c.gate.min_segment_agreement == 0.85);
	assert_true(c.gate.min_recall == 0.8);
	assert_true(c.gate.min_precision == 0.75);
	assert_string_equal(c.gate.incumbent, "triage@2026-10-01");
	assert_true(c.gate.incumbent_margin == 0.02);
	assert_true(c.gate.human_margin == 0.05);

	/* release leaves NULLs behind, so a second release is harmless */
	sg_config_release(&c);
	assert_null(c.path);
	assert_null(c.store);
	assert_null(c.log.glob);
	assert_null(c.log.segments.v);
	assert_int_equal(c.log.segments.n, 0);
	assert_null(c.model.command.v);
	assert_null(c.report.formats.v);
	assert_null(c.gate.incumbent);
	sg_config_release(&c);
	sg_config_release(NULL);
}

/* fixtures/monitor/config.json: every monitoring key, at its value. */
static void monitoring_keys_are_read(void **state)
{
	struct sg_config c;
	struct sg_diag d;
	char path[1024], want[1100];
	const char *fx = getenv("SG_FIXTURES");

	if (!fx)
		fx = "fixtures";
	(void)state;
	sg_config_init(&c);
	sg_diag_clear(&d);
	snprintf(path, sizeof(path), "%s/monitor/config.json", fx);
	assert_int_equal(sg_config_load(&c, path, &d), 0);
	assert_int_equal(c.report.reference_nights, 2);
	assert_string_equal(c.report.reference_since, "2026-11-01");
	assert_string_equal(c.report.reference_until, "2026-11-02");
	/* relative to the config file's folder */
	snprintf(want, sizeof(want), "%s/monitor/metrics/shadowgate.prom", fx);
	assert_string_equal(c.report.prometheus_path, want);
	assert_true(c.gate.max_psi == 0.25);
	assert_true(c.gate.max_missing_rate == 0.2);
	assert_true(c.gate.max_label_shift == 0.1);
	assert_int_equal(c.gate.learn_from_reference, 1);
	assert_true(c.gate.learn_k == 2.5);
	assert_int_equal(parse(&c, "{\"gate\": {\"learn_from_reference\": false}}",
			       &d),
			 0);
	assert_int_equal(c.gate.learn_from_reference, 0);
	/* the bounds themselves are in range; max_psi has no upper one */
	assert_int_equal(parse(&c,
			       "{\"gate\": {\"max_psi\": 1e6, \"max_missing_rate\":"
			       " 0, \"max_label_shift\": 1}, \"report\":"
			       " {\"reference_nights\": 0}}",
			       &d),
			 0);
	assert_true(c.gate.max_psi == 1e6);
	assert_true(c.gate.max_missing_rate == 0);
	assert_true(c.gate.max_label_shift == 1);
	assert_int_equal(c.report.reference_nights, 0);
	sg_config_release(&c);
	assert_null(c.report.reference_since);
	assert_null(c.report.prometheus_path);
}

static void explicit_mask_marks_only_the_log_keys_given(void **state)
{
	struct sg_config c;
	struct sg_diag d;

	(void)state;
	sg_config_init(&c);
	assert_int_equal(parse(&c,
			       "{\"log\": {\"rater\": \"r\", \"format\": \"csv\","
			       " \"model_score\": \"s\"}}",
			       &d),
			 0);
	assert_int_equal(c.log.explicit_mask,
			 SG_LOGKEY_RATER | SG_LOGKEY_MODEL_SCORE);
	assert_string_equal(c.log.format, "csv");
	assert_string_equal(c.log.case_id, "case_id");
	sg_config_release(&c);
}

static void a_list_in_the_file_replaces_the_default(void **state)
{
	struct sg_config c;
	struct sg_diag d;

	(void)state;
	sg_config_init(&c);
	assert_int_equal(
		parse(&c, "{\"report\": {\"formats\": [\"csv\"]}}", &d), 0);
	assert_list(&c.report.formats, 1, "csv");
	assert_int_equal(parse(&c, "{\"report\": {\"formats\": []}}", &d), 0);
	assert_list(&c.report.formats, 0);
	sg_config_release(&c);
}

/*
 * model.feature_map: feature -> log column, in the file's order; a column
 * that feeds two features, a value that is not a string and a map that is
 * not an object are errors that name the key; --model-feature-map adds an
 * entry or replaces a feature's.
 */
static void feature_map_is_read_and_checked(void **state)
{
	struct sg_config c;
	struct sg_diag d;

	(void)state;
	sg_config_init(&c);
	assert_int_equal(parse(&c, "{\"model\": {\"feature_map\": "
				   "{\"income\": \"inc\", \"age\": \"years\"}}}",
			       &d), 0);
	assert_list(&c.model.map_features, 2, "income", "age");
	assert_list(&c.model.map_columns, 2, "inc", "years");
	assert_int_equal(sg_config_add_feature_map(&c.model,
						   "--model-feature-map",
						   "age=age_years", &d), 0);
	assert_int_equal(sg_config_add_feature_map(&c.model,
						   "--model-feature-map",
						   "debt=debt_ratio", &d), 0);
	assert_list(&c.model.map_features, 3, "income", "age", "debt");
	assert_list(&c.model.map_columns, 3, "inc", "age_years", "debt_ratio");
	assert_int_equal(sg_config_add_feature_map(&c.model,
						   "--model-feature-map",
						   "x=inc", &d), SG_EUSAGE);
	assert_string_equal(d.msg, "--model-feature-map: column 'inc' feeds "
			    "both 'income' and 'x'");
	assert_int_equal(sg_config_add_feature_map(&c.model,
						   "--model-feature-map",
						   "income", &d), SG_EUSAGE);
	assert_string_equal(d.msg, "--model-feature-map: expected "
			    "FEATURE=COLUMN, found 'income'");
	assert_int_equal(parse(&c, "{\"model\": {\"feature_map\": "
				   "{\"a\": \"c\", \"b\": \"c\"}}}", &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "'model.feature_map': column 'c' feeds "
			    "both 'a' and 'b'");
	assert_int_equal(parse(&c, "{\"model\": {\"feature_map\": "
				   "[\"a\"]}}", &d), SG_EUSAGE);
	assert_string_equal(d.msg, "'model.feature_map': expected an object "
			    "of strings, found an array");
	assert_int_equal(parse(&c, "{\"model\": {\"feature_map\": "
				   "{\"a\": 1}}}", &d), SG_EUSAGE);
	assert_string_equal(d.msg, "'model.feature_map.a': expected a string "
			    "(a log column), found a number");
	sg_config_release(&c);
}

static void integral_numbers_and_bounds_are_accepted(void **state)
{
	struct sg_config c;
	struct sg_diag d;

	(void)state;
	sg_config_init(&c);
	assert_int_equal(parse(&c,
			       "{\"gate\": {\"min_cases\": 5.0e2, \"min_kappa\":"
			       " -1, \"min_agreement\": 1},"
			       " \"report\": {\"window_nights\": 0},"
			       " \"model\": {\"batch\": 1000000}}",
			       &d),
			 0);
	assert_int_equal(c.gate.min_cases, 500);
	assert_true(c.gate.min_kappa == -1);
	assert_true(c.gate.min_agreement == 1);
	assert_int_equal(c.report.window_nights, 0);
	assert_int_equal(c.model.batch, 1000000);
	sg_config_release(&c);
}

struct bad_case {
	const char *text;
	const char *msg;
	long line, col;
};

/*
 * Each text is wrong in one way; the line and column (1-based, the column
 * in characters) were counted by hand at the key (or array element, or
 * the byte where the syntax breaks).
 */
static const struct bad_case bad_cases[] = {
	/* syntax */
	{"{\n  \"store\": \"a.db\",\n}\n",
	 "syntax error: expected a string key, found '}'", 3, 1},
	{"{\n  \"gate\": {\n    \"min_cases\" 5\n  }\n}",
	 "syntax error: expected ':', found '5'", 3, 17},
	{"{\"gate\": {\"min_cases\": 5}", "syntax error: unexpected end of input",
	 1, 26},
	{"", "syntax error: unexpected end of input", 1, 1},
	{"{\"store\": \"a.db}", "syntax error: unterminated string", 1, 11},
	{"{\"store\": \"a\\qb\"}", "syntax error: invalid escape", 1, 13},
	{"{\"store\": tru}", "syntax error: expected a value, found 't'", 1, 11},
	{"{\"a\": [1, 2,]}", "syntax error: expected a value, found ']'", 1,
	 13},
	{"{} {}", "syntax error: expected the end of the text, found '{'", 1, 4},
	/* the top level */
	{"[1, 2]", "expected an object at the top level, found an array", 1, 1},
	{"\n   42", "expected an object at the top level, found a number", 2, 4},
	/* unknown keys */
	{"{\"stor\": \"x\"}", "unknown key 'stor' (did you mean 'store'?)", 1,
	 2},
	{"{\"gate\": {\n  \"min_agreemnt\": 0.9}}",
	 "unknown key 'gate.min_agreemnt' (did you mean 'min_agreement'?)", 2,
	 3},
	{"{\"gate\": {\"mni_cases\": 1}}",
	 "unknown key 'gate.mni_cases' (did you mean 'min_cases'?)", 1, 11},
	{"{\"gate\": {\"colour\": 1}}", "unknown key 'gate.colour'", 1, 11},
	{"{\"log\": {\"segment\": [\"a\"]}}",
	 "unknown key 'log.segment' (did you mean 'segments'?)", 1, 10},
	/* wrong types */
	{"{\"gate\": {\n\t\"min_cases\": \"500\"\n}}",
	 "'gate.min_cases': expected an integer, found a string", 2, 2},
	{"{\"gate\": [1]}", "'gate': expected an object, found an array", 1, 2},
	{"{\"store\": null}", "'store': expected a string, found null", 1, 2},
	{"{\"model\": {\"threshold\": true}}",
	 "'model.threshold': expected a number, found a boolean", 1, 12},
	{"{\"log\": {\"segments\": \"region\"}}",
	 "'log.segments': expected an array of strings, found a string", 1, 10},
	{"{\"log\": {\"segments\": [\"a\", 2]}}",
	 "'log.segments[1]': expected a string, found a number", 1, 28},
	/* not one of the names */
	{"{\"log\": {\"format\": \"xml\"}}",
	 "'log.format': 'xml' is not one of: csv, jsonl", 1, 10},
	{"{\"log\": {\"decision_type\": \"Label\"}}",
	 "'log.decision_type': 'Label' is not one of: label, numeric", 1, 10},
	{"{\"model\": {\"backend\": \"onnx\"}}",
	 "'model.backend': 'onnx' is not one of: xgboost, exec, logged", 1, 12},
	{"{\"report\": {\"formats\": [\"json\",\n \"pdf\"]}}",
	 "'report.formats': 'pdf' is not one of: text, json, markdown, csv, "
	 "prometheus, html",
	 2, 2},
	{"{\"gate\": {\"on\": \"upper-bound\"}}",
	 "'gate.on': 'upper-bound' is not one of: lower-bound, estimate, "
	 "interval", 1,
	 11},
	/* out of range, below and above */
	{"{\"gate\": {\"min_agreement\": 1.5}}",
	 "'gate.min_agreement': 1.5 is out of range [0, 1]", 1, 11},
	{"{\"gate\": {\"min_agreement\": -0.01}}",
	 "'gate.min_agreement': -0.01 is out of range [0, 1]", 1, 11},
	{"{\"gate\": {\"min_kappa\": -1.25}}",
	 "'gate.min_kappa': -1.25 is out of range [-1, 1]", 1, 11},
	{"{\"gate\": {\"min_cases\": -1}}",
	 "'gate.min_cases': -1 is out of range [0, 9007199254740992]", 1, 11},
	{"{\"gate\": {\"min_segment_cases\": 0}}",
	 "'gate.min_segment_cases': 0 is out of range [1, 9007199254740992]",
	 1, 11},
	{"{\"model\": {\"batch\": 0}}",
	 "'model.batch': 0 is out of range [1, 1000000]", 1, 12},
	{"{\"model\": {\"batch\": 1000001}}",
	 "'model.batch': 1000001 is out of range [1, 1000000]", 1, 12},
	{"{\"model\": {\"inflight\": 4097}}",
	 "'model.inflight': 4097 is out of range [1, 4096]", 1, 12},
	{"{\"model\": {\"timeout_s\": 0}}",
	 "'model.timeout_s': 0 is out of range (0, inf)", 1, 12},
	{"{\"report\": {\"confidence\": 0}}",
	 "'report.confidence': 0 is out of range (0, 1)", 1, 13},
	{"{\"report\": {\"confidence\": 1}}",
	 "'report.confidence': 1 is out of range (0, 1)", 1, 13},
	{"{\"report\": {\"tolerance\": -0.5}}",
	 "'report.tolerance': -0.5 is out of range [0, inf)", 1, 13},
	{"{\"gate\": {\"max_p95_latency_ms\": 1e999}}",
	 "'gate.max_p95_latency_ms': inf is out of range [0, inf)", 1, 11},
	/* integers must be whole */
	{"{\"gate\": {\"min_cases\": 3.5}}",
	 "'gate.min_cases': expected an integer, found 3.5", 1, 11},
	{"{\"report\": {\"window_nights\": 7.25}}",
	 "'report.window_nights': expected an integer, found 7.25", 1, 13},
	/* duplicates */
	{"{\n  \"gate\": {\n    \"min_cases\": 1,\n    \"min_cases\": 2\n  }\n}",
	 "duplicate key 'gate.min_cases'", 4, 5},
	{"{\"store\": \"a\", \"log\": {}, \"store\": \"b\"}",
	 "duplicate key 'store'", 1, 27},
	{"{\"model\": {\"labels\": [\"yes\", \"no\", \"yes\"]}}",
	 "'model.labels': 'yes' appears twice", 1, 36},
	{"{\"report\": {\"label_order\": [\"a\", \"a\"]}}",
	 "'report.label_order': 'a' appears twice", 1, 34},
	/* strings must be UTF-8; the place is the key's, or the element's */
	{"{\"model\": {\"name\": \"tri\xff" "age\"}}",
	 "'model.name': invalid UTF-8 at byte 4 of the string", 1, 12},
	{"{\"model\": {\"labels\": [\"a\", \"b\xc3\"]}}",
	 "'model.labels[1]': invalid UTF-8 at byte 2 of the string", 1, 28},
	{"{\"log\": {\"segments\": [\"\xed\xa0\x80\"]}}",
	 "'log.segments[0]': invalid UTF-8 at byte 1 of the string", 1, 23},
	/* the rest */
	{"{\"model\": {\"command\": []}}",
	 "'model.command': expected a non-empty array, found an empty array", 1,
	 12},
	{"{\"gate\": {\"incumbent\": \"triage\"}}",
	 "'gate.incumbent': 'triage' is not of the form name@version", 1, 11},
	{"{\"gate\": {\"incumbent\": \"@v1\"}}",
	 "'gate.incumbent': '@v1' is not of the form name@version", 1, 11},
	/* monitoring keys */
	{"{\"report\": {\"reference_nights\": -1}}",
	 "'report.reference_nights': -1 is out of range [0, 9007199254740992]",
	 1, 13},
	{"{\"report\": {\"reference_nights\": 1.5}}",
	 "'report.reference_nights': expected an integer, found 1.5", 1, 13},
	{"{\"report\": {\"reference_since\": \"2026-02-30\"}}",
	 "'report.reference_since': '2026-02-30' is not a night YYYY-MM-DD "
	 "(day out of range)",
	 1, 13},
	{"{\"report\": {\"reference_until\": \"2026-11-01T00:00:00Z\"}}",
	 "'report.reference_until': '2026-11-01T00:00:00Z' is not a night "
	 "YYYY-MM-DD (expected YYYY-MM-DD)",
	 1, 13},
	{"{\"report\": {\"prometheus_path\": 1}}",
	 "'report.prometheus_path': expected a string, found a number", 1, 13},
	{"{\"gate\": {\"max_psi\": -0.1}}",
	 "'gate.max_psi': -0.1 is out of range [0, inf)", 1, 11},
	{"{\"gate\": {\"max_missing_rate\": 1.01}}",
	 "'gate.max_missing_rate': 1.01 is out of range [0, 1]", 1, 11},
	{"{\"gate\": {\"max_label_shift\": -0.5}}",
	 "'gate.max_label_shift': -0.5 is out of range [0, 1]", 1, 11},
	{"{\"gate\": {\"max_label_shift\": \"0.1\"}}",
	 "'gate.max_label_shift': expected a number, found a string", 1, 11},
	{"{\"gate\": {\"learn_from_reference\": 1}}",
	 "'gate.learn_from_reference': expected true or false, found a number",
	 1, 11},
	{"{\"gate\": {\"learn_from_reference\": \"yes\"}}",
	 "'gate.learn_from_reference': expected true or false, found a string",
	 1, 11},
	{"{\"gate\": {\"learn_k\": 0}}",
	 "'gate.learn_k': 0 is out of range (0, inf)", 1, 11},
	{"{\"gate\": {\"learn_kk\": 2}}",
	 "unknown key 'gate.learn_kk' (did you mean 'learn_k'?)", 1, 11},
	/* columns count characters, not bytes */
	{"{\"log\": {\"rater\": \"\xc3\xa9t\xc3\xa9\", \"zz\": 1}}",
	 "unknown key 'log.zz'", 1, 26},
};

static void each_bad_file_is_named_with_its_place(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct sg_config c;
		struct sg_diag d;
		int ret;

		sg_config_init(&c);
		ret = parse(&c, b->text, &d);
		if (ret != SG_EUSAGE || strcmp(d.msg, b->msg) ||
		    d.line != b->line || d.col != b->col)
			fail_msg("case %zu: %d %ld:%ld '%s', want %ld:%ld '%s'",
				 i, ret, d.line, d.col, d.msg, b->line, b->col,
				 b->msg);
		assert_string_equal(d.file, "shadowgate.json");
		/* a file with an error changes nothing */
		assert_defaults(&c);
		sg_config_release(&c);
	}
}

/* Seconds on a monotonic clock. */
static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void a_million_labels_are_checked_for_repeats_quickly(void **state)
{
	/*
	 * 1.1 million distinct labels "l0" .. "l1099999", then "l17" again.
	 * Checked pairwise, that is 6e11 comparisons (minutes); sorted,
	 * 1.1e6 * log2(1.1e6) = 2.2e7 (well under a second, even with
	 * sanitizers: the bound below leaves room for a loaded machine).
	 */
	const size_t n = 1100000;
	struct sg_buf b = SG_BUF_INIT;
	struct sg_config c;
	struct sg_diag d;
	double t0, secs;
	long col;
	size_t i;

	(void)state;
	sg_buf_addstr(&b, "{\"model\": {\"labels\": [");
	for (i = 0; i < n; i++)
		sg_buf_addf(&b, "%s\"l%zu\"", i ? ", " : "", i);
	col = (long)b.len + 3; /* after ", ": the repeat's opening quote */
	sg_buf_addstr(&b, ", \"l17\"]}}");
	sg_config_init(&c);
	sg_diag_clear(&d);
	t0 = now_s();
	assert_int_equal(sg_config_parse(&c, b.buf, b.len, NULL, &d),
			 SG_EUSAGE);
	secs = now_s() - t0;
	assert_string_equal(d.msg, "'model.labels': 'l17' appears twice");
	assert_int_equal(d.line, 1);
	assert_int_equal(d.col, col);
	/* without the repeat the labels load, in order */
	b.len -= strlen(", \"l17\"]}}");
	sg_buf_addstr(&b, "]}}");
	t0 = now_s();
	assert_int_equal(sg_config_parse(&c, b.buf, b.len, NULL, &d), 0);
	secs += now_s() - t0;
	assert_int_equal(c.model.labels.n, n);
	assert_string_equal(c.model.labels.v[n - 1], "l1099999");
	/* not a speed target: quadratic work takes hours here, n log n a
	 * few seconds even under the sanitizers on a loaded machine */
	if (secs > 60)
		fail_msg("1.1 million labels took %.1f s", secs);
	sg_config_release(&c);
	sg_buf_release(&b);
}

static void unknown_key_in_file_reads_as_file_line_col(void **state)
{
	struct sg_config c;
	struct sg_diag d;
	char path[1024], want[2048], out[2048];

	(void)state;
	sg_config_init(&c);
	sg_diag_clear(&d);
	fixture(path, sizeof(path), "unknown_key.json");
	assert_int_equal(sg_config_load(&c, path, &d), SG_EUSAGE);
	snprintf(want, sizeof(want),
		 "%s:12:5: unknown key 'gate.min_agreemnt'"
		 " (did you mean 'min_agreement'?)",
		 path);
	assert_string_equal(sg_diag_format(&d, out, sizeof(out)), want);
	/* nothing was taken from the file, not even the keys before */
	assert_null(c.path);
	assert_null(c.model.name);
	sg_config_release(&c);
}

static void syntax_error_in_file_has_line_and_column(void **state)
{
	struct sg_config c;
	struct sg_diag d;
	char path[1024];

	(void)state;
	sg_config_init(&c);
	sg_diag_clear(&d);
	fixture(path, sizeof(path), "syntax_error.json");
	assert_int_equal(sg_config_load(&c, path, &d), SG_EUSAGE);
	assert_string_equal(d.file, path);
	assert_int_equal(d.line, 4);
	assert_int_equal(d.col, 5);
	assert_string_equal(d.msg, "syntax error: expected ',' or '}', found '\"'");
	sg_config_release(&c);
}

static void nul_byte_is_a_syntax_error(void **state)
{
	static const char text[] = "{\"store\": \"a\"}\0";
	struct sg_config c;
	struct sg_diag d;

	(void)state;
	sg_config_init(&c);
	sg_diag_clear(&d);
	assert_int_equal(sg_config_parse(&c, text, sizeof(text) - 1, NULL, &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "syntax error: unexpected NUL byte");
	assert_string_equal(d.file, "");
	assert_int_equal(d.line, 1);
	assert_int_equal(d.col, 15);
	assert_string_equal(c.store, "shadowgate.db");
	sg_config_release(&c);
}

/* Writes text to path; the test's own scratch files. */
static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void relative_paths_follow_the_config_files_folder(void **state)
{
	static const char text[] =
		"{\"store\": \"s.db\", \"log\": {\"glob\": \"in/*.csv\"},\n"
		" \"model\": {\"path\": \"m/model.json\","
		" \"command\": [\"bin/serve\", \"x/y\"],"
		" \"predictions\": \"/abs/p.csv\"},\n"
		" \"report\": {\"dir\": \"../out\","
		" \"prometheus_path\": \"m.prom\"}}\n";
	char tmpl[] = "/tmp/sg-config-[x]*-XXXXXX", path[1200], want[1200];
	struct sg_config c;
	struct sg_diag d;
	char *dir;

	(void)state;
	/* a folder with glob characters in its name: they are escaped in
	 * log.glob and nowhere else */
	dir = mkdtemp(tmpl);
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/shadowgate.json", dir);
	put_file(path, text);
	sg_config_init(&c);
	sg_diag_clear(&d);
	assert_int_equal(sg_config_load(&c, path, &d), 0);
	snprintf(want, sizeof(want), "%s/s.db", dir);
	assert_string_equal(c.store, want);
	snprintf(want, sizeof(want), "/tmp/sg-config-\\[x]\\*-%s/in/*.csv",
		 dir + strlen("/tmp/sg-config-[x]*-"));
	assert_string_equal(c.log.glob, want);
	snprintf(want, sizeof(want), "%s/m/model.json", dir);
	assert_string_equal(c.model.path, want);
	/* the program has a '/': joined; its arguments are passed as written */
	snprintf(want, sizeof(want), "%s/bin/serve", dir);
	assert_list(&c.model.command, 2, want, "x/y");
	assert_string_equal(c.model.predictions, "/abs/p.csv");
	/* "../" takes the folder's last name off: /tmp/<dir>/../out */
	assert_string_equal(c.report.dir, "/tmp/out");
	snprintf(want, sizeof(want), "%s/m.prom", dir);
	assert_string_equal(c.report.prometheus_path, want);
	sg_config_release(&c);

	/* a text in memory has no folder: paths stay as written */
	sg_config_init(&c);
	assert_int_equal(sg_config_parse(&c, text, strlen(text), "t", &d), 0);
	assert_string_equal(c.store, "s.db");
	assert_string_equal(c.log.glob, "in/*.csv");
	assert_list(&c.model.command, 2, "bin/serve", "x/y");
	sg_config_release(&c);
	assert_int_equal(remove(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* The join of a config file's folder and a relative path, lexically. */
static void relative_paths_are_joined_lexically(void **state)
{
	static const struct {
		const char *config, *store, *want;
	} cases[] = {
		{"a/b/c.json", "s.db", "a/b/s.db"},
		{"a/b/c.json", "./s.db", "a/b/s.db"},
		{"a/b/c.json", "../s.db", "a/s.db"},
		{"a/b/c.json", "../../s.db", "s.db"},
		{"a/b/c.json", "../../../s.db", "../s.db"},
		{"a/b/c.json", "../..", "."},
		{"a/b/c.json", "x/../s.db", "a/b/x/../s.db"},
		{"c.json", "../s.db", "../s.db"},
		{"./c.json", "s.db", "./s.db"},
	};
	char tmpl[] = "/tmp/sg-config-XXXXXX", cwd[1024];
	struct sg_config c;
	struct sg_diag d;
	char *dir;
	size_t i;

	(void)state;
	dir = mkdtemp(tmpl);
	assert_non_null(dir);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(mkdir("a", 0700), 0);
	assert_int_equal(mkdir("a/b", 0700), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];

		snprintf(text, sizeof(text), "{\"store\": \"%s\"}",
			 cases[i].store);
		put_file(cases[i].config, text);
		sg_config_init(&c);
		sg_diag_clear(&d);
		assert_int_equal(sg_config_load(&c, cases[i].config, &d), 0);
		assert_string_equal(c.store, cases[i].want);
		sg_config_release(&c);
		assert_int_equal(remove(cases[i].config), 0);
	}
	assert_int_equal(rmdir("a/b"), 0);
	assert_int_equal(rmdir("a"), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void nearest_name_is_a_near_one_or_none(void **state)
{
	static const char *const cols[] = {"case_id", "region", "income",
					   "age"};

	(void)state;
	/* case only; one edit (deletion); a swap of two neighbours */
	assert_string_equal(sg_nearest_name("Region", cols, 4), "region");
	assert_string_equal(sg_nearest_name("incme", cols, 4), "income");
	assert_string_equal(sg_nearest_name("caes_id", cols, 4), "case_id");
	/* "ticket" is 5 or more edits from each; "x" would need 3 to "age" */
	assert_null(sg_nearest_name("ticket", cols, 4));
	assert_null(sg_nearest_name("x", cols, 4));
	assert_null(sg_nearest_name("age", cols, 0));
}

static void parse_needs_no_terminating_nul_nor_diag(void **state)
{
	static const char text[] = "{\"store\": \"x.db\"}garbage";
	struct sg_config c;

	(void)state;
	sg_config_init(&c);
	assert_int_equal(sg_config_parse(&c, text, 17, "m", NULL), 0);
	assert_string_equal(c.store, "x.db");
	assert_int_equal(sg_config_parse(&c, text, sizeof(text) - 1, "m", NULL),
			 SG_EUSAGE);
	sg_config_release(&c);
}

static void unreadable_file_is_an_io_error(void **state)
{
	struct sg_config c;
	struct sg_diag d;
	char path[1024];

	(void)state;
	sg_config_init(&c);
	sg_diag_clear(&d);
	fixture(path, sizeof(path), "no-such-file.json");
	assert_int_equal(sg_config_load(&c, path, &d), SG_EIO);
	assert_string_equal(d.file, path);
	assert_string_equal(d.msg,
			    "cannot open config: No such file or directory");
	/* a directory opens but cannot be read */
	sg_diag_clear(&d);
	fixture(path, sizeof(path), "");
	assert_int_equal(sg_config_load(&c, path, &d), SG_EIO);
	assert_string_equal(d.msg, "cannot read config: Is a directory");
	assert_defaults(&c);
	sg_config_release(&c);
}

static void strlist_adds_copies_and_finds(void **state)
{
	struct sg_strlist l = {NULL, 0};
	char s[] = "alpha";

	(void)state;
	assert_int_equal(sg_strlist_find(&l, "alpha"), -1);
	sg_strlist_add(&l, s);
	sg_strlist_add(&l, "beta");
	s[0] = 'X';
	assert_list(&l, 2, "alpha", "beta");
	assert_int_equal(sg_strlist_find(&l, "beta"), 1);
	assert_int_equal(sg_strlist_find(&l, "alpha"), 0);
	assert_int_equal(sg_strlist_find(&l, "Alpha"), -1);
	sg_strlist_release(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	sg_strlist_release(&l);
	sg_strlist_release(NULL);
}

static void set_str_replaces_and_clears(void **state)
{
	char *slot = NULL;

	(void)state;
	sg_config_set_str(&slot, "a");
	assert_string_equal(slot, "a");
	sg_config_set_str(&slot, slot); /* aliasing is fine */
	assert_string_equal(slot, "a");
	sg_config_set_str(&slot, "b");
	assert_string_equal(slot, "b");
	sg_config_set_str(&slot, NULL);
	assert_null(slot);
}

static void parse_double_checks_whole_string_and_range(void **state)
{
	struct sg_diag d;
	double x = -7;

	(void)state;
	assert_int_equal(sg_parse_double("--min-agreement", "0.9", 0, 1, &x,
					 &d),
			 0);
	assert_true(x == 0.9);
	assert_int_equal(sg_parse_double("--min-agreement", "1", 0, 1, &x, &d),
			 0);
	assert_true(x == 1);

	sg_diag_clear(&d);
	assert_int_equal(sg_parse_double("--min-agreement", "abc", 0, 1, &x,
					 &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--min-agreement: 'abc' is not a number");
	assert_string_equal(d.file, "");
	assert_true(x == 1);
	assert_int_equal(sg_parse_double("--min-agreement", "0.9x", 0, 1, &x,
					 &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--min-agreement: '0.9x' is not a number");
	assert_int_equal(sg_parse_double("--min-agreement", "", 0, 1, &x, &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--min-agreement: '' is not a number");
	assert_int_equal(sg_parse_double("--min-agreement", " 0.5", 0, 1, &x,
					 &d),
			 SG_EUSAGE);
	assert_int_equal(sg_parse_double("--min-agreement", "nan", 0, 1, &x,
					 &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--min-agreement: 'nan' is not a number");
	assert_int_equal(sg_parse_double("--min-agreement", "1.5", 0, 1, &x,
					 &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg,
			    "--min-agreement: 1.5 is out of range [0, 1]");
	assert_int_equal(sg_parse_double("--min-kappa", "-1.01", -1, 1, &x,
					 &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--min-kappa: -1.01 is out of range [-1, 1]");
	assert_int_equal(sg_parse_double("--tolerance", "inf", 0, INFINITY, &x,
					 &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--tolerance: inf is out of range [0, inf)");
	assert_int_equal(sg_parse_double("--tolerance", "1e999", 0, INFINITY,
					 &x, &d),
			 SG_EUSAGE);
	assert_true(x == 1);
	/* a NULL diag is allowed */
	assert_int_equal(sg_parse_double("--x", "y", 0, 1, &x, NULL),
			 SG_EUSAGE);
}

static void parse_long_checks_whole_string_and_range(void **state)
{
	struct sg_diag d;
	long x = -7;

	(void)state;
	assert_int_equal(sg_parse_long("--min-cases", "500", 0, LONG_MAX, &x,
				       &d),
			 0);
	assert_int_equal(x, 500);
	assert_int_equal(sg_parse_long("--batch", "-3", -5, 5, &x, &d), 0);
	assert_int_equal(x, -3);

	sg_diag_clear(&d);
	assert_int_equal(sg_parse_long("--min-cases", "3.5", 0, LONG_MAX, &x,
				       &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--min-cases: '3.5' is not an integer");
	assert_int_equal(sg_parse_long("--min-cases", "abc", 0, LONG_MAX, &x,
				       &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--min-cases: 'abc' is not an integer");
	assert_int_equal(sg_parse_long("--min-cases", "", 0, LONG_MAX, &x, &d),
			 SG_EUSAGE);
	assert_int_equal(sg_parse_long("--min-cases", "5 ", 0, LONG_MAX, &x,
				       &d),
			 SG_EUSAGE);
	assert_int_equal(sg_parse_long("--batch", "0", 1, 1000000, &x, &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--batch: 0 is out of range [1, 1000000]");
	assert_int_equal(sg_parse_long("--batch", "1000001", 1, 1000000, &x,
				       &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg,
			    "--batch: 1000001 is out of range [1, 1000000]");
	assert_int_equal(sg_parse_long("--min-cases",
				       "99999999999999999999999", 0, LONG_MAX,
				       &x, &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--min-cases: 99999999999999999999999 is "
				   "out of range [0, 9223372036854775807]");
	assert_int_equal(x, -3);
}

static const struct sg_config_flag *find_flag(const char *name,
					      struct sg_config_flag *f)
{
	size_t i;

	for (i = 0; sg_config_flag(i, f); i++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

static void flags_are_generated_from_the_key_table(void **state)
{
	struct sg_config_flag f;
	struct sg_config c;
	struct sg_diag d;

	(void)state;
	assert_non_null(find_flag("min-agreement", &f));
	assert_int_equal(f.group, SG_KEYS_GATE);
	assert_true(f.has_arg);
	assert_non_null(find_flag("learn-from-reference", &f));
	assert_false(f.has_arg);
	assert_non_null(find_flag("model-timeout", &f));
	assert_int_equal(f.group, SG_KEYS_MODEL);
	assert_non_null(find_flag("window-nights", &f));
	assert_int_equal(f.group, SG_KEYS_REPORT);
	assert_non_null(find_flag("decision-type", &f));
	assert_int_equal(f.group, SG_KEYS_LOG);
	/* read by hand: repeatable, or split on blanks */
	assert_null(find_flag("segment", &f));
	assert_null(find_flag("feature", &f));
	assert_null(find_flag("model-command", &f));
	/* keys of the file only */
	assert_null(find_flag("glob", &f));
	assert_null(find_flag("inflight", &f));

	sg_config_init(&c);
	/* the key's range, [1, 2^53]: the flag stopped at 10^9 */
	assert_int_equal(sg_config_set_flag(&c, find_flag("min-segment-cases",
							  &f),
					    "2000000000", &d),
			 0);
	assert_int_equal(c.gate.min_segment_cases, 2000000000L);
	assert_int_equal(sg_config_set_flag(&c, find_flag("min-night-cases",
							  &f),
					    "0", &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--min-night-cases: 0 is out of range "
				   "[1, 9007199254740992]");
	/* (0, 1) open at both ends */
	assert_int_equal(sg_config_set_flag(&c, find_flag("confidence", &f),
					    "1", &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--confidence: 1 is out of range (0, 1)");
	assert_int_equal(sg_config_set_flag(&c, find_flag("confidence", &f),
					    "0.9", &d),
			 0);
	assert_true(c.report.confidence == 0.9);
	/* a choice, stored as its index */
	assert_int_equal(sg_config_set_flag(&c, find_flag("on", &f),
					    "estimate", &d),
			 0);
	assert_int_equal(c.gate.on_estimate, 1);
	assert_int_equal(sg_config_set_flag(&c, find_flag("decision-type", &f),
					    "text", &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--decision-type: expected label or "
				   "numeric, found 'text'");
	assert_true(c.log.decision_type == SG_DECISION_LABEL);
	assert_int_equal(sg_config_set_flag(&c, find_flag("decision-type", &f),
					    "numeric", &d),
			 0);
	assert_true(c.log.explicit_mask & SG_LOGKEY_DECISION_TYPE);
	/* a list: empty items dropped, no item twice */
	assert_int_equal(sg_config_set_flag(&c, find_flag("model-labels", &f),
					    "no,,yes", &d),
			 0);
	assert_list(&c.model.labels, 2, "no", "yes");
	assert_int_equal(sg_config_set_flag(&c, find_flag("model-labels", &f),
					    "no,yes,no", &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--model-labels: 'no' appears twice");
	assert_list(&c.model.labels, 2, "no", "yes");
	/* a switch */
	assert_int_equal(sg_config_set_flag(&c, find_flag("decisions-only",
							  &f),
					    NULL, &d),
			 0);
	assert_int_equal(c.log.decisions_only, 1);
	/* the reference nights drop a reference window of the file */
	sg_config_set_str(&c.report.reference_since, "2024-01-01");
	assert_int_equal(sg_config_set_flag(&c, find_flag("reference-nights",
							  &f),
					    "3", &d),
			 0);
	assert_int_equal(c.report.reference_nights, 3);
	assert_null(c.report.reference_since);
	assert_int_equal(sg_config_set_flag(&c, find_flag("reference-until",
							  &f),
					    "2024-02-30", &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "--reference-until: not a night "
				   "YYYY-MM-DD: '2024-02-30' (day out of range)");
	sg_config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_sets_documented_defaults),
		cmocka_unit_test(flags_are_generated_from_the_key_table),
		cmocka_unit_test(feature_map_is_read_and_checked),
		cmocka_unit_test(empty_object_keeps_defaults),
		cmocka_unit_test(full_file_is_read_back_key_by_key),
		cmocka_unit_test(monitoring_keys_are_read),
		cmocka_unit_test(explicit_mask_marks_only_the_log_keys_given),
		cmocka_unit_test(a_list_in_the_file_replaces_the_default),
		cmocka_unit_test(integral_numbers_and_bounds_are_accepted),
		cmocka_unit_test(each_bad_file_is_named_with_its_place),
		cmocka_unit_test(
			a_million_labels_are_checked_for_repeats_quickly),
		cmocka_unit_test(unknown_key_in_file_reads_as_file_line_col),
		cmocka_unit_test(syntax_error_in_file_has_line_and_column),
		cmocka_unit_test(nul_byte_is_a_syntax_error),
		cmocka_unit_test(relative_paths_follow_the_config_files_folder),
		cmocka_unit_test(relative_paths_are_joined_lexically),
		cmocka_unit_test(nearest_name_is_a_near_one_or_none),
		cmocka_unit_test(parse_needs_no_terminating_nul_nor_diag),
		cmocka_unit_test(unreadable_file_is_an_io_error),
		cmocka_unit_test(strlist_adds_copies_and_finds),
		cmocka_unit_test(set_str_replaces_and_clears),
		cmocka_unit_test(parse_double_checks_whole_string_and_range),
		cmocka_unit_test(parse_long_checks_whole_string_and_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
