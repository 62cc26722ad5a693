/*
 * store_runs.h - the store's side of a run: the runs row, the cases to
 * score a batch at a time, the statements that store predictions, and
 * the connection settings of a bulk run (see src/store_runs.c).
 */
#ifndef SG_STORE_RUNS_H
#define SG_STORE_RUNS_H

#include <stddef.h>

#include "sg/error.h"
#include "sg/runner.h"
#include "sg/store.h"

struct sg_pred;

/*
 * Hands each() every feature set of the store in id order: its row id and
 * its column names as JSON text (NULL when NULL), valid during the call.
 * Returns 0 or SG_ESTORE.
 */
int sg_store_feature_sets(struct sg_store *s,
			  void (*each)(void *ctx, long id, const char *names),
			  void *ctx, struct sg_diag *diag);

/*
 * The cases a run of model model_id has to score: all of them when
 * rescore, else those without a good current prediction of the model
 * (the cases less the good current predictions: two counts over
 * indexes). Returns 0 and *n, or SG_ESTORE.
 */
int sg_store_count_todo(struct sg_store *s, long model_id, int rescore,
			long *n, struct sg_diag *diag);

/* Marks every run still marked running as interrupted (call holding the
 * writer lock: no other run is alive). Returns 0 or SG_ESTORE. */
int sg_store_runs_interrupted(struct sg_store *s, struct sg_diag *diag);

/* Records a run of model_id started at now, running: *run_id. Returns 0
 * or SG_ESTORE. */
int sg_store_run_start(struct sg_store *s, long model_id, const char *now,
		       int rescore, long cases, long *run_id,
		       struct sg_diag *diag);

/*
 * Records the end of run r->run_id, now: status ("done", "failed",
 * "stopped"), message (may be NULL) and r's counts, times, latency
 * method, peak memory, stderr and start-up time; the percentiles only
 * when has_latency. Returns 0 or SG_ESTORE.
 */
int sg_store_run_finish(struct sg_store *s, const struct sg_run_result *r,
			int has_latency, const char *status,
			const char *message, struct sg_diag *diag);

/* The prepared statements of one run's predictions; opaque. */
struct sg_store_preds;

enum {
	SG_STORE_PREDS_CASES = 1u << 0, /* sg_store_preds_next */
	SG_STORE_PREDS_FIND = 1u << 1   /* sg_store_preds_find_case */
};

/*
 * Prepares the statements that store the predictions of run run_id of
 * model model_id (made at now, which must outlive *out) and, as `what`
 * asks, read the cases to score (without --rescore those without a good
 * current prediction; with it, any not scored by this run) or find a
 * case by its id. Returns 0 and *out, or SG_ESTORE with *out NULL.
 */
int sg_store_preds_open(struct sg_store *s, long model_id, long run_id,
			const char *now, int rescore, unsigned what,
			struct sg_store_preds **out, struct sg_diag *diag);

/* Finalizes the statements. Accepts NULL. */
void sg_store_preds_close(struct sg_store_preds *p);

/* A case to score, valid only during the callback. */
struct sg_case_row {
	long ref;               /* cases.id */
	const char *case_id;    /* case_id_len bytes; NULL when NULL */
	size_t case_id_len;
	long feature_set;       /* the feature set of the blob */
	const void *features;   /* nfeatures doubles, maybe unaligned */
	size_t nfeatures;
	long cur;               /* current prediction to retire, 0 = none */
};

/*
 * Hands row() the next cases to score after case row id `after`, up to
 * limit of them, in id order. Returns 0 or SG_ESTORE.
 */
int sg_store_preds_next(struct sg_store_preds *p, long after, size_t limit,
			void (*row)(void *ctx, const struct sg_case_row *r),
			void *ctx, struct sg_diag *diag);

/*
 * Stores the predictions out[0..n) of cases refs[] in one transaction,
 * each case's current prediction retired first (cur[i]: its id, 0 when
 * none, -1 to look it up), and sets the run's counts to scored and
 * errors, so that the runs row says what the store holds even if the
 * process is killed after the commit. Returns 0, or SG_ESTORE / SG_EBUSY
 * with the transaction rolled back.
 */
int sg_store_preds_write(struct sg_store_preds *p, size_t n,
			 const long *refs, const long *cur,
			 const struct sg_pred *out, long scored, long errors,
			 struct sg_diag *diag);

/* The row id of the case case_id (len bytes), 0 when none. Needs
 * SG_STORE_PREDS_FIND. */
long sg_store_preds_find_case(struct sg_store_preds *p, const char *case_id,
			      size_t len);

/*
 * Stores one prediction of case case_ref in the caller's transaction,
 * retiring its current one. Returns 0 or SG_ESTORE.
 */
int sg_store_preds_add(struct sg_store_preds *p, long case_ref,
		       const struct sg_pred *pred, struct sg_diag *diag);

/* Connection settings as they were before a bulk run. */
struct sg_store_bulk {
	int fk;              /* foreign keys were on */
	long long sync;      /* synchronous before */
	long long cache;     /* cache_size before (sg_store_cache_shrink) */
};

/*
 * Settings for a bulk run that change nothing written: foreign keys off,
 * synchronous = NORMAL, a page cache of cache_kib KiB; what they were goes
 * into *b. sg_store_bulk_sync puts synchronous back (before the run's end
 * is written); sg_store_bulk_end puts all back.
 */
void sg_store_bulk_begin(struct sg_store *s, struct sg_store_bulk *b,
			 int cache_kib);
void sg_store_bulk_sync(struct sg_store *s, struct sg_store_bulk *b);
void sg_store_bulk_end(struct sg_store *s, struct sg_store_bulk *b);

#endif
