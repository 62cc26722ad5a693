/*
 * report_impl.h - the report's private state, shared by the files of the
 * report and the sample (report.c, report_acc.c, report_scores.c,
 * report_build.c, report_inputs.c, report_outputs.c, sample.c, intern.c):
 * the interning tables, compensated sums, multisets of scores, the state
 * of one pass (struct rep) and the finishing steps (sg_rep_fill_*) that
 * fill the typed report from it, with their helpers.
 */
#ifndef SG_REPORT_IMPL_H
#define SG_REPORT_IMPL_H

#include "sg/report.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/monitor.h"
#include "sg/stats.h"
#include "sg/reference.h"
#include "sg/timeutil.h"

#include "scan.h"

#define GROW(p, n, cap)                                                    \
	do {                                                               \
		if ((n) >= (cap)) {                                        \
			(cap) = (cap) ? 2 * (cap) : 16;                    \
			(p) = sg_xrealloc((p), (cap) * sizeof(*(p)));      \
		}                                                          \
	} while (0)

#include "intern.h"
int sg_bytecmp(const char *a, size_t an, const char *b, size_t bn);
void sg_sort(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *));

/* ---- multisets of scores (report_scores.c) ---- */

struct scoreval {
	double v;
	size_t n;             /* how many */
};

struct scores {
	size_t total;         /* values added */
	struct scoreval *e;   /* counted: the distinct values */
	size_t ne, ecap;
	size_t *slot;         /* open addressing over e: index + 1, 0 = empty */
	size_t nslot;         /* a power of two */
	int sorted;           /* e is sorted; nothing may be added */
	/* spilled: its table (scan.h), NULL while counted */
	struct sg_scan_spill *spill;
	/* SCORES_BATCH rows, the first npend to insert: score_key() of a
	 * value, and its count */
	struct sg_scan_keycount *pend;
	size_t npend;
};

/* A reading of a multiset: its distinct values, ascending. */
struct scores_it {
	struct scores *s;
	size_t i;             /* counted: the next entry */
	double v;             /* after sg_scores_next: a distinct value, ... */
	size_t n;             /* ... how many times it is there ... */
	size_t below;         /* ... and how many values are below it */
};

void sg_scores_add(struct scores *s, struct sg_store *store, double x);
void sg_scores_release(struct scores *s);
int sg_scores_open(struct scores_it *it, struct scores *s,
		   struct sg_diag *diag);
int sg_scores_next(struct scores_it *it, struct sg_diag *diag);
void sg_scores_close(struct scores_it *it);
int sg_scores_quantiles(struct scores *s, const double *q, int nq,
			double *out, struct sg_diag *diag);

/* ---- the state of one pass ---- */

struct acc {
	long n, agree;
};

struct segcol {
	struct intern values;
	struct acc *acc;      /* by value id */
	size_t nacc;
};

/*
 * A distinct segments string, parsed once: (column, value) pairs; and the
 * compared cases that carry it, added to the pairs' accumulators once the
 * pass is over (fold_segments()), not case by case.
 */
struct seginfo {
	int n;
	int *col, *val;
	struct acc a;
};

struct night_acc {
	char night[11];
	struct acc a;
	long cases;           /* in the window that night */
	long preds, errors, empty, scored; /* the model's outputs */
	long *hl, *ml;        /* compared cases by human / model label id */
	size_t nl;
	struct scores sc;     /* its scores (kept with a reference window) */
};

/* Running statistics of one feature over some cases. */
struct fstat {
	long cases, missing, cnt;
	long double mean, m2;
	double min, max;
};

/* A feature on one night of the window. */
struct fnight {
	int night;            /* index into r->nights */
	struct fstat s;
	size_t start;         /* its present values: v[start .. + s.cnt) */
};

struct feat {
	struct fstat w, ref;  /* over the window, over the reference */
	/* present values, kept only with a reference window (KS, PSI) */
	double *v, *rv;
	size_t nv, vcap, nrv, rvcap;
	struct fnight *fn;    /* by night, in night order (with a reference) */
	size_t nfn, fncap;
	struct fnight *rfn;   /* the same for the reference's nights (start:
				 into rv) */
	size_t nrfn, rfncap;
};

/* One night of the reference window, and what the model did on it. */
struct refnight {
	char night[11];
	long cases;
	long preds, errors, compared;
	double label_shift;   /* NaN: none */
};

struct fset {
	long long id;
	size_t n;
	int *name;            /* feature name ids */
};

struct example {
	long long rowid;
	char night[11];
	int h, m;
	double hv, mv, score, key;
};

struct decision {
	long long id;
	int label;            /* -1: none */
	double value;         /* NaN: none */
	/* decided_at as sg_reference_time reads it (-INFINITY: none); read
	 * only for multi-rater cases */
	double epoch;
};

/* A disagreement that may be sampled. */
struct cand {
	long long rowid;
	double score, hv, mv;
	int h, m;
	int stratum;
};

/* The window of a report, worked out from the options and the store. */
struct rep_win {
	int whole;            /* no bound: cases without a night count too */
	int empty;            /* --last up to an --until before every night */
	int undated_all;      /* --last on a store with no dated case: whole */
	long undated_out;     /* cases without a night left out of the window */
	char since[11], until[11];
	int has_since, has_until;
};

struct rep {
	struct sg_store *s;
	const struct sg_report_opts *o;
	int numeric;

	struct sg_scan_model model; /* its id 0: no model */

	struct rep_win w;     /* the window */

	struct intern labels;
	long *cm;
	size_t cm_cap;

	struct intern segstr;
	struct seginfo *seginfo;
	size_t seginfo_cap;
	/* a segments string's segstr id + 1 by its store id (0: not yet),
	 * which spares hashing the string of every case */
	long *segset_seg;
	size_t segset_cap;
	struct intern segcols;
	struct segcol *cols;
	size_t cols_cap;
	int fixed_cols;

	struct night_acc *nights;
	size_t nnights, nights_cap;

	struct scores sc_agree, sc_dis; /* scores of compared cases */

	struct intern featnames;
	struct feat *feats;
	size_t feats_cap;
	struct fset *fsets;
	size_t nfsets, fsets_cap;
	struct sg_scan_names *fset_q; /* the look-up of feature sets */

	/* human baseline */
	int *ratings;
	size_t nratings, ratings_cap;
	int *item_m;          /* ratings per item */
	size_t items, items_cap;
	size_t max_m;
	long pairs, pairs_agree, model_items, model_ratings, model_agree;

	/* regression (stats.c), outputs */
	struct sg_regression_sums reg;
	struct sg_ksum h_sum, m_sum;

	/* counts */
	long in_window, with_decision, with_prediction, with_error, compared;
	long agree;
	long ex_no_decision, ex_no_prediction, ex_error, ex_no_human,
		ex_no_model;

	struct example ex[SG_REPORT_EXAMPLES];
	size_t nex;

	/* the case being read */
	struct decision *dec;
	size_t ndec, dec_cap;
	int night_idx, seg_id, have_pred, pred_error, mlabel;
	double mvalue, score;
	long long rowid;

	/* sample mode (set before sg_rep_scan(), like the reference window's
	 * settings: rep_restart() keeps both) */
	int sampling;
	struct cand *cands;
	size_t ncands, cands_cap;
	struct intern strata;

	/* the reference window of drift */
	int ref_on;           /* one is configured (it may hold no case) */
	const char *ref_how;  /* "first_nights" or "since_until" */
	char ref_since[11], ref_until[11];
	int ref_has_since, ref_has_until;
	long ref_cases, ref_nights;
	struct refnight *refn; /* its nights, in order */
	size_t refn_cap;
	int ref_idx;          /* the reference night being read */
	char ref_last[11];    /* its night ("" before the first) */
	long ref_in_window;   /* its cases whose night is in the window */
	struct intern ref_segstr; /* its distinct segments strings ... */
	long *ref_segset_seg; /* ... their ids + 1 by store id (0: not yet) */
	size_t ref_segset_cap;
	long *ref_segstr_n;   /* ... and their cases */
	size_t ref_segstr_cap;
	long *segstr_n;       /* window cases by segstr id */
	size_t segstr_n_cap;

	/* outputs */
	long with_empty;      /* predictions with neither label nor number */
	struct scores scores; /* of the window's predictions */
};

/* ---- the steps (report.c, report_acc.c, report_build.c, ...) ---- */

int sg_rep_prepare(struct rep *r, struct sg_store *s,
		   const struct sg_report_opts *o, struct sg_diag *diag);
void sg_rep_release(struct rep *r);
int sg_rep_segcol_id(struct rep *r, const char *name, size_t n);
const char *sg_rep_seg_text(const cJSON *v, char num[64], size_t *n);
struct fset *sg_rep_feature_set(struct rep *r, long long id);
void sg_rep_add_id(long **a, size_t *cap, int id, long by);
void sg_rep_window(const struct rep *r, struct sg_scan_window *w);
int sg_rep_scan(struct rep *r, struct sg_diag *diag);
int sg_rep_scan_reference(struct rep *r, struct sg_diag *diag);

/* ---- filling the typed report (report_types.h) ---- */

/* A number of the report: NaN (JSON null) when not finite, as the JSON
 * has it. */
static inline double sg_rep_num(double v)
{
	return isfinite(v) ? v : NAN;
}

/* A copy of s, NULL for NULL. */
static inline char *sg_rep_str(const char *s)
{
	return s ? sg_xstrdup(s) : NULL;
}

/* Wilson's interval of k / n into ci. */
void sg_rep_ci(double ci[2], long k, long n, double confidence);
/* {n, agree, rate: k / n, ci95: Wilson's} into o (below_overall 0). */
void sg_rep_fill_rate(struct sg_rate *o, long k, long n, double confidence);
/* s's next string, a copy of v. */
void sg_rep_strs_add(struct sg_strs *s, const char *v);

void sg_rep_fill_head(struct rep *r, struct sg_report *out);
void sg_rep_fill_labels(struct rep *r, struct sg_report *out);
void sg_rep_fill_segments(struct rep *r, struct sg_report *out);
void sg_rep_fill_nights(struct rep *r, struct sg_report *out);
void sg_rep_fill_regression(struct rep *r, struct sg_report *out);
void sg_rep_fill_baseline(struct rep *r, struct sg_report *out);
int sg_rep_fill_coverage(struct rep *r, struct sg_report *out,
			 struct sg_diag *diag);
int sg_rep_fill_software(struct rep *r, struct sg_report *out,
			 struct sg_diag *diag);
void sg_rep_fill_inputs(struct rep *r, struct sg_report *out);
int sg_rep_fill_outputs(struct rep *r, struct sg_report *out,
			struct sg_diag *diag);
int sg_rep_fill_version_change(struct rep *r, struct sg_report *out,
			       struct sg_diag *diag);
int sg_rep_fill_examples(struct rep *r, struct sg_report *out,
			 struct sg_diag *diag);

int *sg_rep_shown_labels(const struct rep *r, size_t *k, int *all_ordered);
int *sg_rep_sorted_ids(const struct intern *t);

#endif
