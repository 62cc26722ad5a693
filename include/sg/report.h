/*
 * report.h - the agreement report of one model version over a window of
 * nights, and the sample of disagreeing cases for human review.
 *
 * The report is computed from the store in one pass over the window's
 * cases (joined with their current human decisions and the model's
 * current prediction) and returned as a typed struct, struct sg_report
 * (report_types.h); its JSON (sg_report_to_json, report_json.c) is the
 * contract of `shadowgate report --format json` (see
 * man/report-fields.txt and DESIGN.md "Report contract"). The gate and
 * the writers take the struct; the writers never read the store. An
 * undefined statistic is NaN in the struct and null in the JSON.
 *
 * What fills what: the store's scan (store_scan.c) hands the window's
 * rows to the accumulator (report_acc.c, scores in report_scores.c);
 * then the finishing steps fill the struct from the accumulated state:
 * report_build.c the head (report_version, generated_at, model, window,
 * confidence, decision_type, cases, counts), agreement, kappa, labels,
 * confusion, per_class, averages, segments, nights, regression,
 * human_baseline, coverage, software and disagreements; report_inputs.c
 * inputs; report_outputs.c outputs and outputs.version_change. compare.c
 * fills incumbent. The sample (sg_sample_build, sample.c) is still a cJSON
 * tree, its head taken from the typed report's.
 *
 * The human decision of a case is its current decision (is_current = 1).
 * When several raters hold a current decision on the case, the one with
 * the latest decided_at is the reference (decided_at parsed as ISO-8601,
 * a decision without a time counting as the oldest; ties: the highest
 * decisions.id, i.e. the one stored last). All current decisions feed the
 * human baseline (inter-rater agreement).
 *
 * Memory does not grow with the number of cases, except for the scores
 * of the compared cases (8 bytes a case, for the coverage curve) and, for
 * the human baseline, the ratings of cases with two raters or more; with a
 * reference window, also the present feature values of the window and of
 * the reference (KS and PSI need the samples) and the predictions' scores.
 *
 * With a reference window the report reads it in a second pass (its
 * cases' features and segments) and a third (the model's outputs on its
 * nights, for thresholds learned from them); see man/report-fields.txt,
 * "inputs". The runs of the model version (software.nights and change,
 * whatever the window) and the comparison with its previous version on
 * the window's cases (outputs.version_change) are queries of their own.
 */
#ifndef SG_REPORT_H
#define SG_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "sg/config.h"
#include "sg/error.h"
#include "sg/report_types.h"
#include "sg/store.h"

/* The version of the report's JSON layout ("report_version"). */
#define SG_REPORT_VERSION 1

/* How many disagreement examples a report carries. */
#define SG_REPORT_EXAMPLES 10

/* How many nights of runs software.nights shows (the latest ones). */
#define SG_REPORT_RUN_NIGHTS 14

enum { SG_DECISION_AUTO = -1 };

struct sg_report_opts {
	/*
	 * "NAME@VERSION", "NAME" (its most recently created version that has
	 * predictions) or NULL (the most recently created model that has
	 * predictions; when there is none the report holds only the counts
	 * and the human baseline).
	 */
	const char *model;
	/* inclusive nights "YYYY-MM-DD"; NULL = open */
	const char *since, *until;
	/* > 0: the `last` latest nights that have cases (up to `until` when
	 * that is set); cannot be combined with since. 0: no such bound, and
	 * with since and until NULL too the window is the whole store
	 * (cases without a night included) */
	long last;
	double confidence;        /* of every interval, in (0, 1) */
	double tolerance;         /* numeric decisions: agree when |h-m| <= it */
	double target_agreement;  /* coverage: the lower bound to reach */
	/* SG_DECISION_AUTO: the store's type (its current decisions carry
	 * labels or numbers); SG_DECISION_LABEL or SG_DECISION_NUMERIC: what
	 * the user asked, refused (SG_EUSAGE) when the store's decisions are
	 * of the other kind; see sg_decision_type_resolve */
	int decision_type;
	/* segment columns to break agreement down by; NULL or empty: every
	 * key found in the cases' segments */
	const struct sg_strlist *segments;
	/* an order for the labels; enables weighted kappa. NULL or empty:
	 * byte order (strcmp) */
	const struct sg_strlist *label_order;
	/* "generated_at"; NULL = now (tests pin it) */
	const char *generated_at;
	/*
	 * The reference window that input drift is measured against:
	 * reference_since / reference_until, inclusive nights (either may be
	 * NULL = open at that end), win over reference_nights (> 0: the
	 * first N nights of the store that have cases). All unset: no
	 * reference; the report's drift fields are null and its per-night
	 * monitoring tables (inputs.nights, inputs.segments, outputs.nights)
	 * are not computed.
	 */
	const char *reference_since, *reference_until;
	long reference_nights;
};

/*
 * The decision type of the store: *type SG_DECISION_LABEL when its
 * current decisions are labels, SG_DECISION_NUMERIC when numbers,
 * SG_DECISION_AUTO when it has none: as its meta row records it, else
 * (a store from before the row was kept) from the decisions themselves.
 * Returns 0, SG_EDATA when it holds both (with diag set), or SG_ESTORE.
 */
int sg_decision_type_of_store(struct sg_store *s, int *type,
			      struct sg_diag *diag);

/*
 * Records the store's decision type in its meta row, read back by
 * sg_decision_type_of_store without a pass over the decisions; nothing
 * when it is recorded already or the store has no decisions. Called by
 * ingest inside its transaction, after its rows; `was_empty`: the store
 * had no decisions when the transaction began, so all it has now are the
 * ingest's own, of one type (the first one found is enough). Returns 0,
 * or as sg_decision_type_of_store.
 */
int sg_store_decision_type_record(struct sg_store *s, int was_empty,
				  struct sg_diag *diag);

/*
 * The decision type to use: the store's; `asked` (SG_DECISION_LABEL or
 * SG_DECISION_NUMERIC, given by the user; SG_DECISION_AUTO: nothing
 * asked) when the store has no decisions, else label. Returns 0 and
 * *type, SG_EUSAGE when `asked` contradicts the store, or as
 * sg_decision_type_of_store.
 */
int sg_decision_type_resolve(struct sg_store *s, int asked, int *type,
			     struct sg_diag *diag);

/* Defaults: confidence 0.95, tolerance 0.5, target 0.95, whole store,
 * latest model, auto decision type, no reference window. */
void sg_report_opts_init(struct sg_report_opts *o);

/*
 * Takes confidence, tolerance, target agreement, window_nights (as
 * `last`), label order, segment columns and the reference window from a
 * configuration. The options point into cfg, which must outlive them.
 */
void sg_report_opts_from_config(struct sg_report_opts *o,
				const struct sg_config *cfg);

/*
 * Checks that s is a night "YYYY-MM-DD" (a real date). Returns 0 or
 * SG_EUSAGE with a message naming `flag`.
 */
int sg_report_check_night(const char *flag, const char *s,
			  struct sg_diag *diag);

/*
 * Computes the report for opts over the store. On success returns 0 and
 * *out, a typed report (report_types.h) the caller frees with
 * sg_report_free. An empty window is not an error: n = 0 and null (NaN)
 * statistics; neither is an empty reference window (inputs.reference says
 * so, drift is null). Returns SG_EUSAGE for bad options (unknown model,
 * since with last, bad night, a reference window that ends before it
 * starts) and SG_ESTORE when the store cannot be read, with diag set, and
 * *out NULL.
 *
 * With a reference window, memory grows by 8 bytes for every present
 * feature value of the window and of the reference (the samples KS and
 * PSI need). The model's scores are counted by distinct value; past 262144
 * distinct values in one count they go into temporary tables of the
 * store's connection (on disk, dropped before it returns), so memory stays
 * flat however many cases are scored.
 */
int sg_report_compute(struct sg_store *s, const struct sg_report_opts *opts,
		      struct sg_report **out, struct sg_diag *diag);

/* The report's JSON (the contract of man/report-fields.txt); NULL only
 * when out of memory. */
cJSON *sg_report_to_json(const struct sg_report *r);

/*
 * A report read back from its JSON (`gate --report FILE`, stored reports):
 * *out, freed with sg_report_free. A member that is missing reads as null,
 * 0 or empty (a report of an older version lacks newer fields); a member of
 * the wrong type is SG_EDATA, diag naming its path. *out NULL on error.
 */
int sg_report_from_json(const cJSON *j, struct sg_report **out,
			struct sg_diag *diag);

/*
 * An empty report: zeroed, its numbers and intervals NaN (undefined), as
 * a report read from {} is; what the report's build starts from. Freed
 * with sg_report_free.
 */
struct sg_report *sg_report_new(void);

void sg_report_free(struct sg_report *r);

/* The review block alone (`review status --format json`), and freeing
 * what one owns (not r itself). */
cJSON *sg_report_review_to_json(const struct sg_report_review *r);
void sg_report_review_free(struct sg_report_review *r);

/*
 * For tests: the distinct scores a count of sg_report_compute holds in
 * memory before it goes to a temporary table (n = 0: the default, 262144).
 * The report is the same either way. Not thread-safe: set it before
 * building reports.
 */
void sg_report_testing_scores_distinct(size_t n);

/*
 * Saves a report made by sg_report_compute into the reports table (model
 * id, window since / until, created_at = now, the JSON text). *report_id
 * (may be NULL) gets the row id. Returns 0 or SG_ESTORE / SG_EBUSY.
 */
int sg_report_store(struct sg_store *s, const struct sg_report *report,
		    long *report_id, struct sg_diag *diag);

/*
 * The JSON text of a cJSON tree, with every number printed so that it
 * reads back to the same double (cJSON's own printer rounds some to 15
 * digits) and NaN / Infinity printed as null. pretty: indented with two
 * spaces and a final newline; else one line, no newline. Strings are
 * escaped as JSON requires; invalid UTF-8 bytes become U+FFFD. The caller
 * frees the result.
 */
char *sg_report_json(const cJSON *json, int pretty);

/*
 * Writes the report in a format: "json" (as sg_report_json, pretty),
 * "text" (for a terminal; ANSI colour when color is nonzero), "markdown"
 * (for a CI step summary), "csv" (one document with a `section`
 * column: agreement, kappa, confusion cells, segments, nights, features)
 * or "prometheus" (as sg_report_write_prometheus without a verdict).
 * Returns 0, SG_EUSAGE for an unknown format, or SG_EIO when writing
 * failed.
 */
int sg_report_write(FILE *f, const struct sg_report *report,
		    const char *format, int color);

/*
 * Writes the headline metrics of a report in the Prometheus text
 * exposition format (version 0.0.4), for node_exporter's textfile
 * collector: one HELP and one TYPE line per metric family, every sample
 * labelled model="NAME",version="VERSION" (when the report has a model),
 * label values escaped as the format requires (\\, \", \n). A metric
 * whose value is null in the report is left out (a family with no sample
 * at all too). verdict: "go", "no-go" or "insufficient" adds
 * shadowgate_gate_verdict{verdict=...} with 1 for it and 0 for the other
 * two; NULL leaves it out. Returns 0 or SG_EIO.
 */
int sg_report_write_prometheus(FILE *f, const struct sg_report *report,
			       const char *verdict);

/* ---- sample ---- */

struct sg_sample_opts {
	struct sg_report_opts report; /* model, window, tolerance, segments */
	long n;                       /* how many disagreements, >= 0 */
	uint64_t seed;
};

/*
 * Draws a reproducible sample of up to opts->n disagreeing cases of the
 * window, stratified by cell (human label, model label; numeric decisions:
 * one cell) and segment combination: n is allocated across the non-empty
 * strata in proportion to their sizes (largest remainder), each stratum
 * getting at least one while n allows (then the largest strata first);
 * within a stratum cases are drawn without replacement by a splitmix64
 * generator seeded with opts->seed. The same store, options and seed give
 * the same sample. *out is
 *   {"model": {...}, "window": {...}, "seed", "disagreements" (all of
 *    them), "strata", "columns": {"segments": [...], "features": [...]},
 *    "cases": [{case_id, night, stratum, human, model, score,
 *               segments: {}, features: {}}]}
 * Returns as sg_report_compute (a store with no model: SG_EUSAGE).
 */
int sg_sample_build(struct sg_store *s, const struct sg_sample_opts *opts,
		    cJSON **out, struct sg_diag *diag);

/*
 * Writes a sample: "csv" (case_id, night, stratum, human, model, score,
 * then one column per segment and per feature) or "jsonl" (one case
 * object a line). Returns 0, SG_EUSAGE or SG_EIO.
 */
int sg_sample_write(FILE *f, const cJSON *sample, const char *format);

#endif
