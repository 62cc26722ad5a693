/*
 * scan.h - the store's reads for the report and the sample, private to
 * the library: defined in store_scan.c (the passes) and store_scan_lookup.c
 * (the look-ups), the only files of the report that speak SQL. The model
 * and the window worked out, the window's pass handed to callbacks row by
 * row, the reference window, the runs, the previous version, single
 * cases, stored reports, and the temporary tables that hold a spilled
 * multiset of scores.
 *
 * Every row handed to a callback is valid only during the call: its
 * strings and blobs point into SQLite's buffers and nothing is copied.
 * Fallible functions return 0 or a negative SG_E* code with diag set.
 */
#ifndef SG_SCAN_H
#define SG_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "sg/error.h"
#include "sg/store.h"
/* struct sg_store's definition (its connection), for store_scan*.c: the
 * one place the report's files include it from */
#include "store_impl.h"

/* A case's columns (a string NULL when the column is NULL). */
struct sg_scan_case {
	long long id;
	const char *case_id;  /* only where said */
	const char *night;
	size_t night_len;
	const char *segments;
	size_t segments_len;
	long long segset;     /* its segments string's id (segment_sets), or
			       * 0: the same id, the same string */
	int has_features;     /* a features blob (the pass: not empty) */
	long long feature_set;
	const void *features; /* NULL when empty */
	size_t features_len;
};

/* One current decision of a case. */
struct sg_scan_decision {
	long long id;
	const char *label;    /* NULL: none, or labels not asked for */
	size_t label_len;
	double value;         /* NaN: none */
	int has_at;           /* decided_at was read (else it was not) */
	const char *decided_at;
	size_t decided_at_len;
};

/* The model's current prediction of a case. */
struct sg_scan_prediction {
	long long id;
	const char *label;    /* NULL: none, or labels not asked for */
	size_t label_len;
	double value, score;  /* NaN: none */
	int error;            /* the error column is not NULL */
};

/* The window a pass reads. */
struct sg_scan_window {
	long long model_id;   /* 0: no model (no prediction is read) */
	int whole;            /* every case, those without a night too */
	int empty;            /* no case at all */
	const char *since, *until; /* NULL: open; not read when whole */
	int labels;           /* read the label columns */
	int features;         /* read the features */
};

/*
 * The callbacks of the window's pass, in (night, id) order: for each case
 * begin_case, then prediction (NULL: it has none), then decision for each
 * of its current decisions, then end_case. first_decided_at gives the
 * decided_at of the case's first decision, handed without it, when the
 * case turns out to have a second (before that decision). restart is
 * called when a pass must begin again from nothing: the callee drops what
 * it gathered and works out *w again; 0 or a negative SG_E* code.
 */
struct sg_scan_ops {
	void (*begin_case)(void *ctx, const struct sg_scan_case *c);
	void (*prediction)(void *ctx, const struct sg_scan_prediction *p);
	void (*decision)(void *ctx, const struct sg_scan_decision *d);
	void (*first_decided_at)(void *ctx, const char *at, size_t len);
	void (*end_case)(void *ctx);
	int (*restart)(void *ctx, struct sg_scan_window *w,
		       struct sg_diag *diag);
};

/*
 * The window's pass: every case of *w with its current decisions and the
 * model's current prediction, through ops. With a small page cache and
 * inside one read transaction when none is open. Merges ordered scans on
 * the case id when the window's cases in id order are in (night, id)
 * order, else one joined SELECT.
 */
int sg_scan_window(struct sg_store *s, struct sg_scan_window *w,
		   const struct sg_scan_ops *ops, void *ctx,
		   struct sg_diag *diag);

/* The page cache of the passes over the cases, in KiB. */
#define SG_SCAN_CACHE_KIB 2048

/* A model of the store; strings owned (free them), NULL for SQL NULL. */
struct sg_scan_model {
	long long id;         /* 0: none found */
	char *name, *version, *backend, *sha256, *created_at;
};

/*
 * The model of spec (NAME@VERSION, NAME: its version with predictions,
 * else the newest; NULL: the newest with predictions). Unknown spec:
 * SG_EUSAGE naming what the store has. No spec and no model: 0, id 0.
 */
int sg_scan_find_model(struct sg_store *s, const char *spec,
		       struct sg_scan_model *m, struct sg_diag *diag);

/* The cases without a night into *n. */
int sg_scan_count_undated(struct sg_store *s, long *n, struct sg_diag *diag);

/*
 * The lowest and the highest of the last `last` nights up to until (NULL:
 * all) into lo, hi; *found 0 when there is none.
 */
int sg_scan_last_nights(struct sg_store *s, const char *until, long last,
			char lo[11], char hi[11], int *found,
			struct sg_diag *diag);

/* The same for the first n nights of the store. */
int sg_scan_first_nights(struct sg_store *s, long n, char lo[11],
			 char hi[11], int *found, struct sg_diag *diag);

/*
 * The cases of the nights since .. until (both given), in (night, id)
 * order, each to fn (id, case_id not read), with a small page cache.
 */
int sg_scan_reference(struct sg_store *s, const char *since,
		      const char *until,
		      void (*fn)(void *ctx, const struct sg_scan_case *c),
		      void *ctx, struct sg_diag *diag);

/* A prepared look-up of feature sets, kept between calls. */
struct sg_scan_names;

/*
 * The names of feature set id (a parsed JSON array, NULL when there is
 * none; the caller deletes it) through *q, prepared the first time.
 * Returns 0, or -1 when the look-up cannot be prepared.
 */
int sg_scan_feature_names(struct sg_store *s, struct sg_scan_names **q,
			  long long id, cJSON **names);
void sg_scan_names_close(struct sg_scan_names *q);

/* The case of row id: fn gets its columns (case_id too). */
int sg_scan_case_row(struct sg_store *s, long long id,
		     void (*fn)(void *ctx, const struct sg_scan_case *c),
		     void *ctx, struct sg_diag *diag);

/* ---- runs ---- */

/* The metrics of a run, as the report's software section orders them. */
enum {
	SG_SCAN_ERROR_RATE, SG_SCAN_P50, SG_SCAN_P95, SG_SCAN_P99,
	SG_SCAN_THROUGHPUT, SG_SCAN_RSS, SG_SCAN_METRICS
};

/* The latest run of a model. */
struct sg_scan_run {
	long long id;
	const char *status, *started_at, *finished_at, *latency_method;
	long cases, scored, errors;
	double p50_ms, p95_ms, p99_ms, throughput, peak_rss_kb, startup_ms;
};

/* A night of runs: sums, and the mean of each metric (m[0] not set). */
struct sg_scan_run_night {
	const char *night;
	long runs, cases, scored, errors;
	double m[SG_SCAN_METRICS];
};

/* How many runs the model has (0 when they cannot be counted). */
int sg_scan_run_count(struct sg_store *s, long long model, long *runs,
		      struct sg_diag *diag);

/* The model's latest run to fn (NULL: none, or it cannot be read). */
int sg_scan_latest_run(struct sg_store *s, long long model,
		       void (*fn)(void *ctx, const struct sg_scan_run *r),
		       void *ctx, struct sg_diag *diag);

/* The model's last `nights` nights of runs, in night order, to fn. */
int sg_scan_run_nights(struct sg_store *s, long long model, int nights,
		       void (*fn)(void *ctx,
				  const struct sg_scan_run_night *n),
		       void *ctx, struct sg_diag *diag);

/*
 * The night of the model's latest run into night ("" when none or
 * undated) and its metrics into m (error_rate of its cases).
 */
int sg_scan_latest_run_metrics(struct sg_store *s, long long model,
			       char night[11], double m[SG_SCAN_METRICS],
			       struct sg_diag *diag);

/*
 * Over the model's runs of the nights first <= night < before: how many,
 * on how many nights, and the mean of each metric into m.
 */
int sg_scan_runs_between(struct sg_store *s, long long model,
			 const char *first, const char *before, long *runs,
			 long *nights, double m[SG_SCAN_METRICS],
			 struct sg_diag *diag);

/* ---- versions ---- */

/*
 * The model of the same name registered just before model id (created_at
 * at, then id): fn gets it; *prev its id, 0 when none.
 */
int sg_scan_previous_version(struct sg_store *s, const char *name,
			     long long id, const char *at, long long *prev,
			     void (*fn)(void *ctx, long long id,
					const char *version,
					const char *created_at),
			     void *ctx, struct sg_diag *diag);

/*
 * By night (NULL: cases without one), over the window's cases that models
 * a and b both predicted without an error with an output (numeric: a
 * value), how many and how many changed (labels differ; numbers by more
 * than tolerance), to fn.
 */
int sg_scan_version_change(struct sg_store *s, const struct sg_scan_window *w,
			   long long a, long long b, int numeric,
			   double tolerance,
			   void (*fn)(void *ctx, const char *night, long n,
				      long changed),
			   void *ctx, struct sg_diag *diag);

/* ---- stored reports ---- */

/* Inserts a report (has_model: model holds its model's id). */
int sg_scan_insert_report(struct sg_store *s, int has_model, long long model,
			  const char *since, const char *until,
			  const char *created_at, const char *json, long *id,
			  struct sg_diag *diag);

/* ---- spilled scores ---- */

/* A row of a spilled multiset of scores: an ordered key and a count. */
struct sg_scan_keycount {
	int64_t k;
	size_t n;
};

/* The rows a spill inserts at once. */
#define SG_SCAN_SPILL_BATCH 128

/*
 * A temporary table of (key, count) rows on the store's connection. The
 * first failure is kept (sg_scan_spill_error); writes after it do nothing.
 */
struct sg_scan_spill;

/* A new table; never NULL (a failure to create it is kept). */
struct sg_scan_spill *sg_scan_spill_open(struct sg_store *s);

/* Inserts rows[0 .. n), n <= SG_SCAN_SPILL_BATCH. */
void sg_scan_spill_write(struct sg_scan_spill *sp,
			 const struct sg_scan_keycount *rows, size_t n);

/* The first failure ("what: why"), NULL when none. */
const char *sg_scan_spill_error(const struct sg_scan_spill *sp);

/*
 * Starts reading the table's keys in ascending order with their summed
 * counts (one reading at a time). Returns 0 or SG_ESTORE.
 */
int sg_scan_spill_rewind(struct sg_scan_spill *sp, struct sg_diag *diag);

/* The next key of the reading: 1, 0 at the end, or SG_ESTORE. */
int sg_scan_spill_next(struct sg_scan_spill *sp, int64_t *k, size_t *n,
		       struct sg_diag *diag);

/* Ends a reading (none open: nothing). */
void sg_scan_spill_end(struct sg_scan_spill *sp);

/* Drops the table and frees sp. Accepts NULL. */
void sg_scan_spill_drop(struct sg_scan_spill *sp);

/* For the store's files: column i of st as a double, NaN for NULL. */
double sg_scan_col_double(sqlite3_stmt *st, int i);

/*
 * A case's columns night, segment_set, feature_set, features from column
 * i of st into *c (the rest zero; its segments string from s's dictionary,
 * store_segments.c; features only when the column is a blob, unpacked
 * into scratch, which they point into).
 */
void sg_scan_case_cols(struct sg_store *s, sqlite3_stmt *st, int i,
		       struct sg_scan_case *c, struct sg_buf *scratch);

#endif
