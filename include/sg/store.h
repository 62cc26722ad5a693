/*
 * store.h - the SQLite store that holds a whole shadow history: cases,
 * human decisions, ingest batches, rejected rows, models, runs,
 * predictions, reports and gate verdicts.
 *
 * Opening a store creates it when missing and applies the numbered,
 * append-only migrations (PRAGMA user_version) inside one transaction. A
 * store is marked with PRAGMA application_id = SG_STORE_APPLICATION_ID; a
 * store of an earlier shadowgate (no mark, its tables present) is marked
 * on opening. A store written by a newer shadowgate, and an SQLite file
 * that is neither empty nor a store, are refused and left untouched.
 * Tables are STRICT, foreign keys are on, the journal is WAL.
 */
#ifndef SG_STORE_H
#define SG_STORE_H

#include <stddef.h>

#include "sg/error.h"

/* The schema version this program writes. */
#define SG_STORE_VERSION 5

/* PRAGMA application_id of every store: 0x53484447, "SHDG" in ASCII. */
#define SG_STORE_APPLICATION_ID 0x53484447

/* An open store; opaque (its definition is private to the store). */
struct sg_store;

/*
 * Opens (creating if needed) the store at path and migrates it. Returns 0
 * and *out, or SG_ESTORE (cannot open, not a database, a database that is
 * not a store), SG_EVERSION (newer schema) or SG_EBUSY, with diag set.
 * busy_ms is how long to wait for another writer (0 = the default of
 * 10 s); creating and migrating wait as long, so several processes may
 * open a store that does not exist yet at once.
 */
int sg_store_open(struct sg_store **out, const char *path, int busy_ms,
		  struct sg_diag *diag);

/* Closes; rolls back an open transaction. Accepts NULL. */
void sg_store_close(struct sg_store *s);

/* The schema version of an open store. */
int sg_store_version(struct sg_store *s);

/*
 * Transactions: BEGIN IMMEDIATE (waits up to the busy timeout for another
 * writer, then SG_EBUSY), COMMIT, ROLLBACK. rollback accepts a store with
 * no transaction open.
 */
int sg_store_begin(struct sg_store *s, struct sg_diag *diag);
int sg_store_commit(struct sg_store *s, struct sg_diag *diag);
void sg_store_rollback(struct sg_store *s);

/*
 * Takes the store's exclusive writer lock (an flock on PATH.lock) used by
 * long jobs that commit in batches (run): waits up to wait_ms, then
 * SG_EBUSY with a message. Released by sg_store_unlock or close (and by the
 * kernel if the process dies).
 */
int sg_store_lock(struct sg_store *s, int wait_ms, struct sg_diag *diag);
void sg_store_unlock(struct sg_store *s);

/* Runs SQL with no result rows. Returns 0 or SG_ESTORE with diag set. */
int sg_store_exec(struct sg_store *s, const char *sql, struct sg_diag *diag);

/* The current UTC time as ISO-8601 text "2026-11-27T08:00:00Z". */
void sg_now_iso(char out[32]);

/*
 * The one look-up of a model: the row of name@version. Returns 0 with *id
 * (0 when the store has no such model) and, when sha256 is not NULL, the
 * artifact hash recorded for it in *sha256 (malloc'd, the caller frees;
 * NULL when none or no row); or SG_ESTORE / SG_ENOMEM with diag set (diag
 * may be NULL).
 */
int sg_store_find_model(struct sg_store *s, const char *name,
			const char *version, long *id, char **sha256,
			struct sg_diag *diag);

/*
 * Finds or creates the model row for name@version with this backend.
 * sha256 may be NULL. When the row exists with a different non-NULL
 * artifact hash, returns SG_EUSAGE ("a different file is a new version").
 */
int sg_store_model_id(struct sg_store *s, const char *name,
		      const char *version, const char *backend,
		      const char *sha256, const char *path, long *id,
		      struct sg_diag *diag);

/* The integer value of PRAGMA name on the connection, or def. */
long long sg_store_pragma(struct sg_store *s, const char *name, long long def);

/*
 * A page cache of kib KiB for a pass that reads or writes each page about
 * once (the store's large cache is for writing; filling it, allocating
 * and faulting in its pages, costs more than such a pass gains). Returns
 * the cache_size before, for sg_store_cache_restore() (0: left as it was).
 */
long long sg_store_cache_shrink(struct sg_store *s, int kib);
void sg_store_cache_restore(struct sg_store *s, long long cache);

struct sg_night_rule;

/*
 * Checks the night rule r (NULL: the default) against the one recorded in
 * the store's meta table (a store with nights but no record has the
 * default), and records r when the store has no nights yet. Returns 0,
 * SG_EUSAGE when the store has nights made by another rule (diag says
 * both), or SG_ESTORE. Runs in the caller's transaction, if any.
 */
int sg_store_night_rule(struct sg_store *s, const struct sg_night_rule *r,
			struct sg_diag *diag);

/*
 * The latest night that has cases (11 bytes, "" when none), its number of
 * cases, and the median number of cases of all nights (the latest too).
 * Returns 0 or SG_ESTORE.
 */
int sg_store_night_sizes(struct sg_store *s, char latest[11], long *n_latest,
			 double *median, struct sg_diag *diag);

/*
 * The latest night that has cases, into out (11 bytes; "" when none).
 * Returns 0 or SG_ESTORE.
 */
int sg_store_latest_night(struct sg_store *s, char out[11],
			  struct sg_diag *diag);

/*
 * The latest stored report of the window [since, until] (NULL: no bound,
 * matched as NULL), of any model: *id (0 when none) and its JSON text in
 * *json (malloc'd, the caller frees; NULL when none). Returns 0, or
 * SG_ESTORE / SG_ENOMEM with diag set.
 */
int sg_store_latest_report(struct sg_store *s, const char *since,
			   const char *until, long *id, char **json,
			   struct sg_diag *diag);

/*
 * The latest verdict stored on report report_id: its verdict name and its
 * checks' JSON text, malloc'd (the caller frees both), NULL when there is
 * none. Returns 0, or SG_ESTORE / SG_ENOMEM with diag set (diag may be
 * NULL).
 */
int sg_store_latest_verdict(struct sg_store *s, long report_id,
			    char **verdict, char **checks,
			    struct sg_diag *diag);

/*
 * Records a gate verdict: the report and model it judged (0: none), the
 * policy and checks as JSON text, the verdict name and its reason, with
 * the time now. *verdict_id (may be NULL) gets the new row. Returns 0 or
 * SG_ESTORE with diag set.
 */
int sg_store_add_verdict(struct sg_store *s, long report_id, long model_id,
			 const char *policy, const char *verdict,
			 const char *reason, const char *checks,
			 long *verdict_id, struct sg_diag *diag);

struct cJSON;

/*
 * History's nights: the latest report of each model and night (the last
 * night of the report's window), ordered by model and night, as a new
 * JSON array in *out of objects {night, model, report, cases, agreement
 * {rate, ci95}, kappa {value, ci95}, change (of the rate from the model's
 * night before, null for its first), verdict, reason (the latest verdict
 * on the report, null when none)}. model_filter (NULL: all) keeps the
 * models whose "name@version" or name it is. *out is set (the rows read
 * so far) even on failure; the caller frees it. Returns 0 or SG_ESTORE.
 */
int sg_store_history_nights(struct sg_store *s, const char *model_filter,
			    struct cJSON **out, struct sg_diag *diag);

/*
 * History's runs, in the order they were made, as a new JSON array in
 * *out of objects {run, model, started_at, status, cases, scored, errors,
 * wall_s, throughput, p50_ms, p95_ms, p99_ms, peak_rss_kb} (numbers null
 * when not recorded), filtered as sg_store_history_nights. *out is set
 * even on failure. Returns 0 or SG_ESTORE.
 */
int sg_store_history_runs(struct sg_store *s, const char *model_filter,
			  struct cJSON **out, struct sg_diag *diag);

/* One side of a compared row: a label (label_len bytes; NULL when NULL)
 * and a number (has_value 0 when NULL). */
struct sg_compare_side {
	const char *label;
	size_t label_len;
	int has_value;
	double value;
};

/* A row of sg_store_compare_rows, valid only during the callback. */
struct sg_compare_row {
	long long case_ref;         /* the case's row id */
	long long decision;         /* the decision's row id */
	const char *decided_at;     /* NULL when not given */
	size_t decided_len;
	struct sg_compare_side human, candidate, incumbent;
};

/*
 * Hands row() each current human decision of the cases of the nights
 * [since, until] (NULL: open) that models candidate and incumbent (row
 * ids) both scored without error, with their current predictions, a
 * case's rows together, cases in row order. A nonzero return of row()
 * stops the scan and is returned. Returns 0 or SG_ESTORE with diag set.
 */
int sg_store_compare_rows(struct sg_store *s, long candidate, long incumbent,
			  const char *since, const char *until,
			  int (*row)(void *ctx,
				     const struct sg_compare_row *r),
			  void *ctx, struct sg_diag *diag);

#endif
