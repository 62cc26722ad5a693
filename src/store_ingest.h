/*
 * store_ingest.h - the inside of an ingest, private to its files
 * (src/store_ingest*.c): the state of one ingest (struct ingest: the
 * prepared statements, the staged rows and their arena), its limits, and
 * the functions the files share.
 *
 * A row travels: reader (CSV / JSON Lines, bound columns) -> validation
 * (case id, time, decision, numbers; store_ingest.c) -> staged, sorted
 * in runs and merged in key order (store_ingest_stage.c)
 * -> case row (new, or the same case seen before: features must match)
 * -> decision (new rating, correction or duplicate) -> logged prediction
 * (when the log carries the shadow model's output; store_ingest_rows.c).
 * A row that fails validation goes to the rejects table.
 */
#ifndef SG_STORE_INGEST_H
#define SG_STORE_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "sg/buf.h"
#include "sg/ingest.h"
#include "sg/reader.h"
#include "store_impl.h"

#define DEFAULT_MODEL_NAME "model"
#define DEFAULT_MODEL_VERSION "logged"

/*
 * Valid rows are staged and written BATCH_ROWS at a time: their cases in
 * one multi-row INSERT, the first decisions of the new ones in another.
 * SQLite's cost per statement (cursors opened and closed, memory, locks)
 * was a third of an ingest. A batch is written in row order, and before
 * anything else is written (a rejected row, the end of the file), so the
 * store ends up as if each row had been written when it was read: the
 * same ids, decisions, rejects and counts. A batch with long texts is
 * written early (BATCH_BYTES), so memory stays small. Each statement
 * also journals the pages it changes (the append point of every table
 * and index), so fewer, larger statements journal fewer pages per row.
 */
#define BATCH_ROWS 256

/*
 * The page cache of an ingest, KiB. Rows go in in key order, so the store
 * is read and written in sweeps that need few pages at a time. (The sort
 * of the staged rows has its own memory: RUN_BYTES, store_ingest_stage.c.)
 */
#define INGEST_CACHE_KIB (16 * 1024)
#define BATCH_BYTES (1024 * 1024)
#define CASE_PARAMS 7
#define DECISION_PARAMS 8
#define PRED_PARAMS 8

/* Bound column slots in the reader's record. */
enum {
	COL_CASE_ID,
	COL_DECIDED_AT,
	COL_DECISION,
	COL_RATER,
	COL_MODEL_LABEL,
	COL_MODEL_SCORE,
	COL_FIXED
};

/* A valid row waiting for its batch; its texts are offsets in the arena. */
struct staged {
	long line;
	long rows_file, rows_all; /* rows read, counting this one */
	size_t raw, raw_len, cid, cid_len, at, at_len, segs, segs_len;
	size_t feats, feats_len; /* packed (store_features.c) */
	size_t label, label_len, rater, rater_len, mlabel, mlabel_len;
	char night[11];
	int has_pred;
	int is_new; /* its case was stored by this row */
	int raw_later; /* raw left out of the sort: see fill_raw */
	double at_epoch, value, mvalue, score;
	long case_ref;
	long long segset; /* its segments string's id, when the case is new */
};

struct ingest {
	struct sg_store *s;
	const struct sg_ingest_opts *o;
	const struct sg_log_conf *log;
	struct sg_ingest_summary *sum;
	struct sg_ingest_file *f;
	const char *display;  /* file name in messages */
	long batch;
	long feature_set;     /* 0 when no features */
	long model;           /* logged model row, 0 until needed */
	int slot[COL_FIXED];  /* bound index of each fixed column, or -1 */
	size_t nseg, nfeat;
	size_t seg0, feat0;   /* first bound index of segments / features */
	sqlite3_stmt *ins_case, *get_case, *ins_dec, *get_dec, *old_dec,
		*ins_rej, *get_pred, *old_pred, *ins_pred;
	sqlite3_stmt *ins_cases, *ins_decs; /* BATCH_ROWS rows each */
	sqlite3_stmt *case_src;             /* where a case row came from */
	int spilled;                        /* this file has rows in runs */
	struct sg_buf run;                  /* records of the run in memory */
	struct run_key {
		uint64_t key; /* a prefix of the merge order: sort_run */
		size_t off;   /* where the record starts */
	} *run_off;
	size_t nrun, run_alloc;
	int runs_fd;                        /* sorted runs written, or -1 */
	struct run_bg *bg;                  /* a run written meanwhile */
	struct {
		off_t start, end;
	} *runs;
	size_t nruns;
	off_t runs_end;
	/* rejects stored without their raw text: reject id, line */
	struct raw_later {
		long id, line;
	} *raw;
	size_t nraw, raw_alloc;
	struct staged *stage;               /* BATCH_ROWS of them */
	size_t nstaged;
	size_t dec[BATCH_ROWS]; /* staged rows whose first decision waits */
	size_t ndec;
	size_t pred[BATCH_ROWS]; /* new cases whose logged output waits */
	size_t npred;
	sqlite3_stmt *ins_preds;  /* BATCH_ROWS rows */
	struct sg_buf arena; /* texts of the staged rows */
	struct sg_buf segs;
	/* per segment: '{' or ',', its quoted name and ':'; where each ends */
	struct sg_buf seg_keys;
	struct sg_segset_map segsets; /* segments string -> segment_sets id */
	size_t *seg_key_end;
	double *feats;
	unsigned char *fpack; /* feats packed: SG_FEATURES_MAX(nfeat) */
	char *model_version_text;
	char now[32]; /* the file's start: its batch's started_at, the time
		       * of its logged predictions */
};

#define ARENA(in, off) ((in)->arena.buf + (off))

void ingest_finalize_all(struct ingest *in);
int ingest_prepare_all(struct ingest *in, struct sg_diag *diag);
int ingest_prepare_batches(struct ingest *in, struct sg_diag *diag);
int ingest_reject(struct ingest *in, const struct sg_record *rec,
		  const char *column, const char *reason, const char *value,
		  size_t vlen, struct sg_diag *diag);
int ingest_too_many_rejects(const struct ingest *in, int final,
			    struct sg_diag *diag);
int ingest_flush_rows(struct ingest *in, struct sg_diag *diag);
size_t ingest_keep(struct ingest *in, const void *p, size_t n);
int ingest_spill_rows(struct ingest *in, struct sg_diag *diag);
int ingest_merge_rows(struct ingest *in, struct sg_diag *diag);
void ingest_runs_reset(struct ingest *in);
/* ingest_runs_reset, then frees the run the helper thread had. */
void ingest_runs_free(struct ingest *in);
int ingest_feature_set_id(struct ingest *in, struct sg_diag *diag);
int ingest_already_ingested(struct ingest *in, struct sg_diag *diag);
int ingest_write_batch(struct ingest *in, const char *started,
		       struct sg_diag *diag);
int ingest_finish_batch(struct ingest *in, struct sg_diag *diag);
int ingest_fill_raw(struct ingest *in, const char *real, enum sg_format fmt,
		    struct sg_diag *diag);
int ingest_bind_columns(struct ingest *in, struct sg_reader *r,
			struct sg_diag *diag);

#endif
