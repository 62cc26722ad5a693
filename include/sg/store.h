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

#include "sg/error.h"

/* The schema version this program writes. */
#define SG_STORE_VERSION 2

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

#endif
