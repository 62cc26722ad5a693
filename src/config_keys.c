/*
 * config_keys.c - every key of the config file, once: its name, type,
 * range, place in struct sg_config and command-line flag, in one table
 * per block. config.c reads the file by it, config_flag.c the flags.
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>

#include "config_impl.h"
#include "sg/config.h"
#include "sg/gate.h"
#include "sg/writer.h"

/* The largest integer a JSON number holds exactly (and a long too). */
#define JSON_INT_MAX \
	((double)LONG_MAX < 9007199254740992.0 ? (double)LONG_MAX \
					       : 9007199254740992.0)

#define OFF(field) offsetof(struct sg_config, field)
#define STR(n, f, ...) {.name = n, .kind = KEY_STR, .off = OFF(f), __VA_ARGS__}
#define LIST(n, f, ...) {.name = n, .kind = KEY_LIST, .off = OFF(f), __VA_ARGS__}
#define NUM(n, f, l, h, ...) \
	{.name = n, .kind = KEY_NUM, .off = OFF(f), .lo = l, .hi = h, __VA_ARGS__}
#define INT(n, f, l, h, ...) \
	{.name = n, .kind = KEY_INT, .off = OFF(f), .lo = l, .hi = h, __VA_ARGS__}
#define CHOICE_INT(n, f, c, ...) \
	{.name = n, .kind = KEY_CHOICE_INT, .off = OFF(f), .choices = c, \
	 __VA_ARGS__}
#define BLOCK(n, b) {.name = n, .kind = KEY_BLOCK, .sub = &b}
#define BOOL(n, f, ...) {.name = n, .kind = KEY_BOOL, .off = OFF(f), __VA_ARGS__}
#define TABLE(n, g, keys) {n, g, keys, sizeof(keys) / sizeof(keys[0])}

static const char *const log_formats[] = {"csv", "jsonl", NULL};
/* index = enum sg_decision_type */
static const char *const decision_types[] = {"label", "numeric", NULL};
static const char *const backends[] = {"xgboost", "exec", "logged", NULL};
/* index = on_estimate */
static const char *const gate_on[] = {"lower-bound", "estimate", "interval",
				       NULL};
/* index = enum sg_multiplicity */
static const char *const gate_multiplicity[] = {"none", "holm", "bonferroni",
						 NULL};

/*
 * Every key, once: its name in the file, its type, range and place, and
 * the command-line flag that sets it (.flag, without the "--"; none for a
 * key that is set in the file only or by a flag the program reads by
 * hand: log.segments and log.features, repeatable, and model.command,
 * split on blanks). A key's group of flags is its block.
 */
static const struct sg_config_key log_keys[] = {
	STR("format", log.format, .choices = log_formats, .flag = "log-format"),
	STR("case_id", log.case_id, .mask = SG_LOGKEY_CASE_ID,
	    .flag = "case-id"),
	STR("decided_at", log.decided_at, .mask = SG_LOGKEY_DECIDED_AT,
	    .flag = "decided-at"),
	STR("decision", log.decision, .mask = SG_LOGKEY_DECISION,
	    .flag = "decision"),
	CHOICE_INT("decision_type", log.decision_type, decision_types,
		   .mask = SG_LOGKEY_DECISION_TYPE, .flag = "decision-type"),
	STR("rater", log.rater, .mask = SG_LOGKEY_RATER, .flag = "rater"),
	LIST("segments", log.segments, .flags = 0),
	LIST("features", log.features, .flags = 0),
	STR("model_label", log.model_label, .mask = SG_LOGKEY_MODEL_LABEL,
	    .flag = "model-label"),
	STR("model_score", log.model_score, .mask = SG_LOGKEY_MODEL_SCORE,
	    .flag = "model-score"),
	STR("glob", log.glob, .flags = KEY_GLOB),
	BOOL("decisions_only", log.decisions_only, .flag = "decisions-only"),
	STR("night_timezone", log.night.zone, .flags = KEY_ZONE,
	    .flag = "night-timezone"),
	STR("night_starts", log.night.starts, .flags = KEY_STARTS,
	    .flag = "night-starts"),
};

static const struct sg_config_key model_keys[] = {
	STR("name", model.name, .flag = "model-name"),
	STR("version", model.version, .flag = "model-version"),
	STR("backend", model.backend, .choices = backends,
	    .flags = KEY_FLAG_ANY, .flag = "model-backend"),
	STR("path", model.path, .flags = KEY_PATH, .flag = "model-path"),
	LIST("labels", model.labels, .flags = KEY_DISTINCT,
	     .flag = "model-labels"),
	NUM("threshold", model.threshold, 0, 1, .flag = "model-threshold"),
	LIST("command", model.command, .flags = KEY_NONEMPTY | KEY_PROGRAM),
	STR("predictions", model.predictions, .flags = KEY_PATH,
	    .flag = "model-predictions"),
	NUM("timeout_s", model.timeout_s, 0, INFINITY, .flags = KEY_LO_OPEN,
	    .flag = "model-timeout"),
	INT("batch", model.batch, 1, 1000000, .flag = "model-batch"),
	INT("inflight", model.inflight, 1, 4096, .flags = 0),
	{.name = "feature_map", .kind = KEY_MAP, .off = OFF(model.map_features),
	 .flag = "model-feature-map"},
};

static const struct sg_config_key report_keys[] = {
	INT("window_nights", report.window_nights, 0, JSON_INT_MAX,
	    .flag = "window-nights"),
	NUM("tolerance", report.tolerance, 0, INFINITY, .flag = "tolerance"),
	LIST("formats", report.formats, .choices = sg_report_formats),
	STR("dir", report.dir, .flags = KEY_PATH),
	LIST("label_order", report.label_order, .flags = KEY_DISTINCT,
	     .flag = "label-order"),
	NUM("confidence", report.confidence, 0, 1,
	    .flags = KEY_LO_OPEN | KEY_HI_OPEN, .flag = "confidence"),
	NUM("target_agreement", report.target_agreement, 0, 1,
	    .flag = "target-agreement"),
	INT("reference_nights", report.reference_nights, 0, JSON_INT_MAX,
	    .flags = KEY_REF_NIGHTS, .flag = "reference-nights"),
	STR("reference_since", report.reference_since, .flags = KEY_NIGHT,
	    .flag = "reference-since"),
	STR("reference_until", report.reference_until, .flags = KEY_NIGHT,
	    .flag = "reference-until"),
	STR("prometheus_path", report.prometheus_path, .flags = KEY_PATH),
};

static const struct sg_config_key gate_keys[] = {
	NUM("min_agreement", gate.min_agreement, 0, 1, .flag = "min-agreement"),
	NUM("min_kappa", gate.min_kappa, -1, 1, .flag = "min-kappa"),
	INT("min_cases", gate.min_cases, 0, JSON_INT_MAX, .flag = "min-cases"),
	CHOICE_INT("on", gate.on_estimate, gate_on, .flag = "on"),
	NUM("max_error_rate", gate.max_error_rate, 0, 1,
	    .flag = "max-error-rate"),
	NUM("max_p95_latency_ms", gate.max_p95_latency_ms, 0, INFINITY,
	    .flag = "max-p95-latency-ms"),
	INT("min_segment_cases", gate.min_segment_cases, 1, JSON_INT_MAX,
	    .flag = "min-segment-cases"),
	NUM("min_segment_agreement", gate.min_segment_agreement, 0, 1,
	    .flag = "min-segment-agreement"),
	NUM("min_recall", gate.min_recall, 0, 1, .flag = "min-recall"),
	NUM("min_precision", gate.min_precision, 0, 1, .flag = "min-precision"),
	STR("incumbent", gate.incumbent, .flags = KEY_NAME_AT_VER,
	    .flag = "incumbent"),
	NUM("incumbent_margin", gate.incumbent_margin, 0, 1,
	    .flag = "incumbent-margin"),
	NUM("human_margin", gate.human_margin, 0, 1, .flag = "human-margin"),
	NUM("min_ac1", gate.min_ac1, -1, 1, .flag = "min-ac1"),
	NUM("min_model_minus_human", gate.min_model_minus_human, -1, 1,
	    .flag = "min-model-minus-human"),
	INT("min_reviewed", gate.min_reviewed, 0, JSON_INT_MAX,
	    .flag = "min-reviewed"),
	NUM("max_psi", gate.max_psi, 0, INFINITY, .flag = "max-psi"),
	NUM("max_missing_rate", gate.max_missing_rate, 0, 1,
	    .flag = "max-missing-rate"),
	NUM("max_label_shift", gate.max_label_shift, 0, 1,
	    .flag = "max-label-shift"),
	BOOL("learn_from_reference", gate.learn_from_reference,
	     .flag = "learn-from-reference"),
	NUM("learn_k", gate.learn_k, 0, INFINITY, .flags = KEY_LO_OPEN,
	    .flag = "learn-k"),
	NUM("min_night_agreement", gate.min_night_agreement, 0, 1,
	    .flag = "min-night-agreement"),
	NUM("max_night_psi", gate.max_night_psi, 0, INFINITY,
	    .flag = "max-night-psi"),
	NUM("max_night_missing_rate", gate.max_night_missing_rate, 0, 1,
	    .flag = "max-night-missing-rate"),
	INT("min_night_cases", gate.min_night_cases, 1, JSON_INT_MAX,
	    .flag = "min-night-cases"),
	CHOICE_INT("multiplicity", gate.multiplicity, gate_multiplicity,
		   .flag = "multiplicity"),
	LIST("report_only", gate.report_only, .choices = sg_gate_check_keys,
	     .flags = KEY_DISTINCT, .flag = "report-only"),
};

static const struct sg_config_block log_block =
	TABLE("log", SG_KEYS_LOG, log_keys);
static const struct sg_config_block model_block =
	TABLE("model", SG_KEYS_MODEL, model_keys);
static const struct sg_config_block report_block =
	TABLE("report", SG_KEYS_REPORT, report_keys);
static const struct sg_config_block gate_block =
	TABLE("gate", SG_KEYS_GATE, gate_keys);

static const struct sg_config_key top_keys[] = {
	STR("store", store, .flags = KEY_PATH),
	BLOCK("log", log_block),
	BLOCK("model", model_block),
	BLOCK("report", report_block),
	BLOCK("gate", gate_block),
};

const struct sg_config_block sg_config_top_block =
	TABLE(NULL, SG_KEYS_TOP, top_keys);
