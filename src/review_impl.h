/*
 * review_impl.h - the review loop's private state, shared by review.c
 * (the window's compared cases, the export), review_import.c and
 * review_estimate.c: the compared cases of a window with their cell
 * (human label, model label), read through the report's window and the
 * store's pass (scan.h), with no SQL here.
 */
#ifndef SG_REVIEW_IMPL_H
#define SG_REVIEW_IMPL_H

#include "sg/review.h"

#include "report_impl.h"
#include "sg/json.h"

/* o[k] = the string v, or null. */
static inline void rv_add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* A compared case of the window: its row and its cell's labels. */
struct rv_case {
	long long rowid;
	int h, m;             /* label ids in rv_window.labels */
};

/* The window's compared cases, in the pass's (night, id) order. */
struct rv_window {
	struct rep r;         /* the model, the window, the decision type */
	struct intern labels;
	struct rv_case *c;
	size_t n, cap;
	/* the case being read */
	long long rowid;
	int have_pred, pred_error, mlabel;
	struct decision *dec;
	size_t ndec, dec_cap;
};

/*
 * The compared cases (a current prediction with a label and no error, a
 * reference decision with a label; sg/reference.h) of opts' model and
 * window into w. Numeric decisions or no model with predictions:
 * SG_EUSAGE. Release w with rv_window_release, also after a failure.
 */
int rv_window_collect(struct rv_window *w, struct sg_store *s,
		      const struct sg_report_opts *opts, struct sg_diag *diag);
void rv_window_release(struct rv_window *w);

/* Sorts the cases by rowid (for rv_window_find). */
void rv_window_sort_rowid(struct rv_window *w);

/* The case of rowid (after rv_window_sort_rowid), NULL when none. */
const struct rv_case *rv_window_find(const struct rv_window *w,
				     long long rowid);

/* Byte order of two label ids. */
int rv_label_cmp(const struct rv_window *w, int a, int b);

/* One reviewer's verdict on a case (strings owned by rv_votes_each). */
struct rv_vote {
	char *reviewer, *verdict;
};

/*
 * The verdicts on the cases drawn for model_id (sg_store_review_verdicts:
 * one per reviewer), gathered case by case: fn gets a case's cases.id and
 * all its verdicts at once, in case order. The votes are valid only
 * during the call.
 */
int rv_votes_each(struct sg_store *s, long long model_id,
		  void (*fn)(void *ctx, long long case_ref,
			     const struct rv_vote *v, size_t n),
		  void *ctx, struct sg_diag *diag);

/*
 * The majority of a case's n >= 1 verdicts: its index into *best and the
 * number of reviewers who gave it into *agreed; *pairs_agree (when not
 * NULL) the pairs of reviewers who gave the same verdict. Returns 1 when
 * two verdicts tie for the most (no majority: *best and *agreed are still
 * set, to the first of them), else 0.
 */
int rv_majority(const struct rv_vote *v, size_t n, size_t *best,
		long *agreed, long *pairs_agree);

/* What a case's row reads into: the object and the columns seen so far. */
struct rv_row {
	struct sg_store *s;
	struct sg_scan_names **names; /* the feature sets' look-up, kept */
	cJSON *o;             /* gets case_id, night, segments, features */
	cJSON *segcols, *featcols; /* the segment and feature names, each
				    * once, in the order first seen */
};

/* The case of row id into r->o (case_id, night, segments and features
 * as objects: the feature set it was ingested with). */
int rv_case_row(struct rv_row *r, long long id, struct sg_diag *diag);

/*
 * The rows as CSV to f: a header of the lead keys, the segment columns,
 * the feature columns and the tail keys, then one line per object of
 * rows (its segments and features from its "segments" and "features"
 * objects; a null or absent value an empty field), quoted as the other
 * CSV views (write_csv.c). nlead and ntail count the keys. A segment or
 * feature whose name another column has already is headed
 * "segment:NAME" or "feature:NAME" (then ".2", ".3", ...): no header
 * name twice.
 */
void rv_write_csv(FILE *f, const cJSON *rows, const char *const *lead,
		  size_t nlead, const cJSON *segcols, const cJSON *featcols,
		  const char *const *tail, size_t ntail);

#endif
