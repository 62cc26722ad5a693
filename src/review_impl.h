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

#endif
