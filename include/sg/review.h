/*
 * review.h - the review loop: a seeded, stratified sample of a window's
 * compared cases (the cells of its confusion matrix, mostly
 * disagreements, some agreements) sent to people who say which decision
 * was right, their verdicts brought back, and from them the estimated
 * accuracy of the model and of the people over the whole window
 * (strata.h's stratified estimators).
 *
 * The store keeps each review batch (model, window, seed, when), its
 * cases (stratum, why drawn, which of the two shown decisions, a or b, is
 * the model's) and the verdicts (case, reviewer, label, note, the file and
 * line they came from). Fallible functions return 0 or a negative SG_E*
 * code with diag set; the library prints nothing.
 */
#ifndef SG_REVIEW_H
#define SG_REVIEW_H

#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "sg/error.h"
#include "sg/report.h"
#include "sg/store.h"
#include "sg/strata.h"

/* ---- the store's part (store_review.c) ---- */

/* A drawn case, as the store keeps it. */
struct sg_review_case {
	long long case_ref;  /* cases.id */
	const char *human, *model; /* the cell (stratum) it was drawn from */
	long stratum;        /* 1-based, in the batch's order of cells */
	int agreement;       /* drawn as an agreement, else a disagreement */
	char model_side;     /* 'a' or 'b': where the model's decision is */
};

/* A review batch to record. */
struct sg_review_batch {
	long long model_id;
	const char *created_at;
	uint64_t seed;
	const char *since, *until; /* the window's nights; NULL: open */
	int blind;
	long disagreements, agreements; /* asked for */
	const struct sg_review_case *cases;
	size_t ncases;
};

/*
 * Records a batch and its cases in one transaction; its id into *id.
 */
int sg_store_review_add_batch(struct sg_store *s,
			      const struct sg_review_batch *b, long long *id,
			      struct sg_diag *diag);

/* Where a verdict goes: the latest batch that drew the case. */
struct sg_review_target {
	long long review_case; /* review_cases.id; 0: in no batch */
	long long batch;
};

/*
 * The batch case of case_id (batch > 0: in that batch only; else the
 * latest batch that drew it) into *t; t->review_case 0 when there is none.
 */
int sg_store_review_find(struct sg_store *s, const char *case_id,
			 long long batch, struct sg_review_target *t,
			 struct sg_diag *diag);

/* One verdict to store. */
struct sg_review_verdict {
	const char *reviewer, *verdict, *note; /* note may be NULL */
	const char *file;
	long line;
	const char *imported_at;
};

/*
 * Stores a reviewer's verdict on a batch case: a new one, or a changed
 * verdict or note replacing that reviewer's earlier one; the same verdict
 * again changes nothing. *changed: 1 when a row was written, else 0.
 */
int sg_store_review_put(struct sg_store *s, const struct sg_review_target *t,
			const struct sg_review_verdict *v, int *changed,
			struct sg_diag *diag);

/*
 * Every verdict on the cases drawn for model_id, in case order: fn gets
 * the case's cases.id, the reviewer and the verdict (one per reviewer and
 * case: the latest imported when several batches drew it). Cases drawn
 * with no verdict yet are not given.
 */
int sg_store_review_verdicts(struct sg_store *s, long long model_id,
			     void (*fn)(void *ctx, long long case_ref,
					const char *reviewer,
					const char *verdict),
			     void *ctx, struct sg_diag *diag);

/* *any: whether some batch of the model has a verdict (a cheap look
 * before the review's pass). */
int sg_store_review_any(struct sg_store *s, long long model_id, int *any,
			struct sg_diag *diag);

/* ---- review export (review.c) ---- */

enum sg_review_format {
	SG_REVIEW_CSV = 0,
	SG_REVIEW_JSONL,
	SG_REVIEW_LABEL_STUDIO
};

struct sg_review_export_opts {
	struct sg_report_opts report; /* the model, the window, confidence */
	long disagreements;  /* N: shared by the disagreement cells */
	long agreements;     /* M; < 0: N / 4 */
	uint64_t seed;
	int blind;           /* a and b in a drawn order, else human, model */
	const char *created_at; /* NULL: now (tests pin it) */
};

/* What an export drew, for the command to say. */
struct sg_review_export_info {
	long long batch;
	long disagreements, agreements; /* the window's compared cases */
	long drawn_disagreements, drawn_agreements;
	long strata;
};

/*
 * Draws a review batch from the window's compared cases (label
 * decisions only): the disagreement cells share N by sg_allocate with a
 * floor of 2, the agreement cells share M the same way (cells in the
 * order of struct sg_review_result's strata); each cell's cases by a
 * partial Fisher-Yates over them in the pass's (night, case) order with
 * splitmix64 from seed, then, from a second stream of the seed, the order
 * of a and b per case, the queue in (night, case) order. Records the batch in the store (one transaction) and writes the
 * queue to out in format: CSV (batch, case_id, night, one column per
 * segment and feature, a and b or human and model, empty verdict,
 * reviewer and note), JSON Lines (the same keys, segments and features as
 * objects) or Label Studio tasks (a JSON array of {"data": {...}}, the
 * candidate labels as data.choices). A window with no compared case
 * gives an empty batch (a CSV queue of its header only). Numeric
 * decisions, or no model: SG_EUSAGE.
 */
int sg_review_export(struct sg_store *s,
		     const struct sg_review_export_opts *opts,
		     enum sg_review_format format, FILE *out,
		     struct sg_review_export_info *info,
		     struct sg_diag *diag);

/* ---- review export-labels (review_labels.c) ---- */

/* What an export of labels wrote, for the command to say. */
struct sg_review_labels_info {
	long rows;  /* reviewed cases with a resolved verdict, written */
	long tied;  /* window cases whose reviewers tied: left out */
};

/*
 * Writes the reviewed cases of opts' model and window (label decisions
 * only) to out: those with a resolved verdict, the majority of their
 * reviewers as in the review block (a tie leaves a case out and counts
 * it in info->tied), in the window's (night, case) order. Each row has
 * case_id, night, the case's segments and the features it was ingested
 * with, human (the reference decision), model (the model's), verdict,
 * agreed (the reviewers who gave the verdict) and reviewers (who gave
 * one). CSV (format SG_REVIEW_CSV: one column per segment and per
 * feature, a missing value an empty field, quoted as the other CSV
 * views) or JSON Lines (SG_REVIEW_JSONL: one object a line, segments and
 * features as objects, a missing feature null). Another format, numeric
 * decisions or no model: SG_EUSAGE; a write that fails: SG_EIO.
 */
int sg_review_export_labels(struct sg_store *s,
			    const struct sg_report_opts *opts,
			    enum sg_review_format format, FILE *out,
			    struct sg_review_labels_info *info,
			    struct sg_diag *diag);

/* ---- review import (review.c) ---- */

/* Counts of an import, over all its files. */
struct sg_review_import_info {
	long rows;      /* verdict rows read */
	long stored;    /* new or changed verdicts */
	long unchanged; /* the same verdict again */
	long blank;     /* no verdict yet (an empty verdict, a task with no
			 * annotation): not stored, not rejected */
	long rejected;  /* rows refused (each to the reject callback) */
};

/*
 * Reads verdicts from path: CSV or JSON Lines (case_id, verdict, and
 * optionally reviewer, note, batch) or Label Studio's JSON export (an
 * array of tasks, data.case_id, the first choice of each annotation's
 * result as the verdict, a textarea named note as the note). reviewer,
 * when not NULL, names the reviewer of every row; else the row's
 * reviewer column (Label Studio: the annotation's completed_by). A row
 * that cannot be used (no case_id, no verdict, no reviewer, a case in no
 * review batch, a malformed row) is given to reject with its file, line
 * and column (0 when none) and the import carries on; the file's good
 * rows are stored in one transaction. Returns 0, or a negative SG_E* code
 * when the file cannot be read at all (diag names it).
 */
int sg_review_import(struct sg_store *s, const char *path,
		     const char *reviewer,
		     void (*reject)(void *ctx, const struct sg_diag *why),
		     void *ctx, struct sg_review_import_info *info,
		     struct sg_diag *diag);

/* ---- the review estimates (review_estimate.c) ---- */

/* One stratum: a cell of the window's confusion matrix. */
struct sg_review_stratum {
	char *human, *model;
	struct sg_stratum_review r; /* N, n, model_right, human_right, ... */
};

/* A count among the reviewed disagreements, with Wilson's interval. */
struct sg_review_count {
	long k;
	double rate, low, high; /* NaN when there is no reviewed disagreement */
};

/* The review block of a window: collect, then print. */
struct sg_review_result {
	long long model_id;
	char *model_name, *model_version;
	char since[11], until[11]; /* "" when open */
	double confidence;
	long reviewed;       /* window cases with a resolved verdict */
	long unresolved;     /* with verdicts tied between reviewers */
	struct sg_review_stratum *strata; /* disagreements first, by labels */
	size_t nstrata;
	long disagreements_reviewed;
	struct sg_review_count model_right, human_right, neither;
	struct sg_estimate model, human, difference;
	/* reviewers' agreement: cases with two or more verdicts, pairs of
	 * verdicts on one case, and the pairs that agree */
	long multi_cases, pairs, pairs_agree;
	double pairs_rate;   /* NaN when no pair */
};

/*
 * The review block of opts' model and window: the window's compared
 * cases by cell (N_h), the ones with a resolved verdict (the majority of
 * their reviewers; a tie leaves a case unresolved and out), and the
 * estimates of strata.h at opts->confidence. Release with
 * sg_review_result_release.
 */
int sg_review_collect(struct sg_store *s, const struct sg_report_opts *opts,
		      struct sg_review_result *out, struct sg_diag *diag);

/* Frees what r holds. Accepts a zeroed or NULL r. */
void sg_review_result_release(struct sg_review_result *r);

/* The block as the typed report holds it (report_types.h); o is
 * overwritten, its contents freed with sg_report_review_free. */
/*
 * The report's review block: when the report has a model, label
 * decisions and the model has verdicts, fills report->review over the
 * report's window (has_review set) by sg_review_collect; else leaves it
 * out. Returns 0 or as sg_review_collect.
 */
int sg_review_attach(struct sg_store *s, const struct sg_report_opts *opts,
		     struct sg_report *report, struct sg_diag *diag);

/* The review block for a person (text: the strata, the disagreements,
 * the accuracies, the reviewers) and for a CI summary (Markdown: a
 * sentence and the accuracies). Return 0 or SG_EIO. */
int sg_review_write_block(FILE *f, const struct sg_report_review *r,
			  double confidence);
int sg_review_write_markdown(FILE *f, const struct sg_report_review *r,
			     double confidence);

void sg_review_fill(const struct sg_review_result *r,
		    struct sg_report_review *o);

/*
 * The block as JSON, the report's `review` object: reviewed, unresolved,
 * strata [{human, model, N, n, model_right, human_right}],
 * disagreements {reviewed, model_right, human_right, neither: {count,
 * rate, ci95}}, accuracy {model, human, difference: {estimate, ci95}},
 * reviewers {cases, pairs, agree, rate}. Undefined numbers are null.
 * The caller owns the result.
 */
cJSON *sg_review_json(const struct sg_review_result *r);

/* The block as text for a person, to f. Returns 0 or SG_EIO. */
int sg_review_write_text(FILE *f, const struct sg_review_result *r);

#endif
