/*
 * store_runs.c - the store's runs and predictions: a run's row from start
 * to end, the cases a run has to score (read a batch at a time), the
 * statements that store its predictions and retire the ones they
 * replace, and the connection settings of a bulk run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg/backend.h"
#include "sg/buf.h"
#include "sg/store.h"
#include "sg/store_runs.h"
#include "store_impl.h"

/* Rows a multi-row INSERT stores at once (7 parameters a row). */
#define INSERT_ROWS 256

struct sg_store_preds {
	struct sg_store *s;
	int rescore;
	long run_id;
	sqlite3_stmt *next, *retire, *old, *ins, *insn, *count, *find;
	struct sg_buf features; /* the row's features, unpacked */
};

int sg_store_feature_sets(struct sg_store *s,
			  void (*each)(void *ctx, long id, const char *names),
			  void *ctx, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	ret = sg_store_prepare(s, &st,
			       "SELECT id, names FROM feature_sets ORDER BY id",
			       diag);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		each(ctx, (long)sqlite3_column_int64(st, 0),
		     (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sg_store_error(s, diag, "cannot read the feature sets");
	return 0;
}

int sg_store_count_todo(struct sg_store *s, long model_id, int rescore,
			long *n, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret;

	ret = sg_store_prepare(
		s, &st,
		rescore ? "SELECT count(*) FROM cases"
			: "SELECT (SELECT count(*) FROM cases) - (SELECT"
			  " count(*) FROM predictions p WHERE p.model = ?1"
			  " AND p.is_current = 1 AND p.error IS NULL)",
		diag);
	if (ret)
		return ret;
	if (!rescore)
		sqlite3_bind_int64(st, 1, model_id);
	if (sqlite3_step(st) != SQLITE_ROW)
		ret = sg_store_error(s, diag, "cannot count the cases");
	else
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return ret;
}

int sg_store_runs_interrupted(struct sg_store *s, struct sg_diag *diag)
{
	return sg_store_exec(s,
			     "UPDATE runs SET status = 'interrupted'"
			     " WHERE status = 'running'",
			     diag);
}

int sg_store_run_start(struct sg_store *s, long model_id, const char *now,
		       int rescore, long cases, long *run_id,
		       struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret;

	ret = sg_store_prepare(s, &st,
			       "INSERT INTO runs(model, started_at, status,"
			       " rescore, cases) VALUES (?1, ?2, 'running', ?3,"
			       " ?4)",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, model_id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, rescore);
	sqlite3_bind_int64(st, 4, cases);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sg_store_error(s, diag, "cannot record the run");
	else
		*run_id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return ret;
}

int sg_store_run_finish(struct sg_store *s, const struct sg_run_result *r,
			int has_latency, const char *status,
			const char *message, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret;

	sg_now_iso(now);
	ret = sg_store_prepare(
		s, &st,
		"UPDATE runs SET finished_at = ?1, status = ?2, scored = ?3,"
		" errors = ?4, wall_s = ?5, throughput = ?6, p50_ms = ?7,"
		" p95_ms = ?8, p99_ms = ?9, latency_method = ?10,"
		" peak_rss_kb = ?11, stderr = ?12, message = ?13,"
		" startup_ms = ?15 WHERE id = ?14",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->scored);
	sqlite3_bind_int64(st, 4, r->errors);
	sqlite3_bind_double(st, 5, r->wall_s);
	sqlite3_bind_double(st, 6, r->throughput);
	if (has_latency) {
		sqlite3_bind_double(st, 7, r->p50_ms);
		sqlite3_bind_double(st, 8, r->p95_ms);
		sqlite3_bind_double(st, 9, r->p99_ms);
	}
	if (r->latency_method)
		sqlite3_bind_text(st, 10, r->latency_method, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, r->peak_rss_kb);
	if (r->stderr_text && *r->stderr_text)
		sqlite3_bind_text(st, 12, r->stderr_text, -1, SQLITE_STATIC);
	if (message)
		sqlite3_bind_text(st, 13, message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, r->run_id);
	if (!isnan(r->startup_ms))
		sqlite3_bind_double(st, 15, r->startup_ms);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sg_store_error(s, diag, "cannot record the run");
	sqlite3_finalize(st);
	return ret;
}

/*
 * Binds prediction p of case case_ref to the insert statement st, the row
 * whose parameters start at ?base (see prepare_store()). Every parameter
 * of the row is bound, so nothing of the previous use is left over. The
 * strings and the probabilities are bound without a copy: they outlive
 * the sqlite3_step() that reads them.
 */
static void bind_pred(sqlite3_stmt *st, int base, long case_ref,
		      const struct sg_pred *p)
{
	int ok = !p->error;

	sqlite3_bind_int64(st, base, case_ref);
	if (ok && p->label)
		sqlite3_bind_text(st, base + 1, p->label, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 1);
	if (ok && !isnan(p->value))
		sqlite3_bind_double(st, base + 2, p->value);
	else
		sqlite3_bind_null(st, base + 2);
	if (ok && !isnan(p->score))
		sqlite3_bind_double(st, base + 3, p->score);
	else
		sqlite3_bind_null(st, base + 3);
	if (ok && p->probs && p->nprobs)
		sqlite3_bind_blob(st, base + 4, p->probs,
				  (int)(p->nprobs * sizeof(double)),
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 4);
	if (!isnan(p->latency_ms))
		sqlite3_bind_double(st, base + 5, p->latency_ms);
	else
		sqlite3_bind_null(st, base + 5);
	if (!ok)
		sqlite3_bind_text(st, base + 6, p->error, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 6);
}

/*
 * Retires the current prediction of case case_ref: cur is its id when the
 * caller knows it, 0 when the case has none, -1 when it has to be looked
 * up. Returns 0 or -1 (a store error).
 */
static int retire(struct sg_store_preds *p, long case_ref, long cur)
{
	sqlite3_stmt *st;
	int rc;

	if (!cur)
		return 0;
	st = cur > 0 ? p->retire : p->old;
	sqlite3_bind_int64(st, 2, cur > 0 ? cur : case_ref);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Stores one prediction, retiring the current one of the case first (cur
 * as for retire()). Returns 0 or -1. */
static int store_pred(struct sg_store_preds *p, long case_ref, long cur,
		      const struct sg_pred *pred)
{
	int rc;

	if (retire(p, case_ref, cur))
		return -1;
	bind_pred(p->ins, 4, case_ref, pred);
	rc = sqlite3_step(p->ins);
	sqlite3_reset(p->ins);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The statements that store predictions: retire by id (p->retire), by
 * model and case (p->old), insert one row (p->ins) or INSERT_ROWS rows
 * (p->insn). ?1 is the model, ?2 the run, ?3 the time of the insert,
 * bound here once; row j of an insert has ?(4 + 7j) .. ?(10 + 7j): case,
 * label, value, score, probs, latency, error.
 */
static int prepare_store(struct sg_store_preds *p, long model_id,
			 const char *now, struct sg_diag *diag)
{
	struct sg_buf sql = SG_BUF_INIT;
	int ret, j;

	ret = sg_store_prepare(p->s, &p->retire,
			       "UPDATE predictions SET is_current = 0"
			       " WHERE id = ?2 AND model = ?1",
			       diag);
	if (!ret)
		ret = sg_store_prepare(p->s, &p->old,
				       "UPDATE predictions SET is_current = 0"
				       " WHERE model = ?1 AND case_ref = ?2"
				       " AND is_current = 1",
				       diag);
	sg_buf_addf(&sql, "INSERT INTO predictions(model, case_ref, run, label,"
		    " value, score, probs, latency_ms, error, is_current,"
		    " created_at) VALUES");
	for (j = 0; j < INSERT_ROWS; j++) {
		int b = 4 + 7 * j;

		sg_buf_addf(&sql, "%s (?1, ?%d, ?2, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d,"
			    " 1, ?3)", j ? "," : "", b, b + 1, b + 2, b + 3,
			    b + 4, b + 5, b + 6);
		if (!j && !ret)
			ret = sg_store_prepare(p->s, &p->ins, sql.buf, diag);
	}
	if (!ret)
		ret = sg_store_prepare(p->s, &p->insn, sql.buf, diag);
	if (!ret)
		ret = sg_store_prepare(p->s, &p->count,
				       "UPDATE runs SET scored = ?1, errors = ?2"
				       " WHERE id = ?3",
				       diag);
	sg_buf_release(&sql);
	if (ret)
		return ret;
	sqlite3_bind_int64(p->count, 3, p->run_id);
	sqlite3_bind_int64(p->retire, 1, model_id);
	sqlite3_bind_int64(p->old, 1, model_id);
	sqlite3_bind_int64(p->ins, 1, model_id);
	sqlite3_bind_int64(p->ins, 2, p->run_id);
	sqlite3_bind_text(p->ins, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p->insn, 1, model_id);
	sqlite3_bind_int64(p->insn, 2, p->run_id);
	sqlite3_bind_text(p->insn, 3, now, -1, SQLITE_STATIC);
	return 0;
}

/*
 * The cases to score, a batch at a time in id order, each with the id of
 * its current prediction (p.id, NULL when it has none) so that only a case
 * that has one pays for retiring it: without --rescore that is a failed
 * prediction (a good one means the case is done); with --rescore, any
 * prediction not made by this run. A model version that has no current
 * prediction when the run starts (its first run) gets none during the
 * run but this run's, on cases already behind the cursor, so its cases
 * are read without looking for one.
 */
static int prepare_next(struct sg_store_preds *p, long model_id,
			struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, fresh = 0;

	ret = sg_store_prepare(p->s, &st,
			       "SELECT NOT EXISTS (SELECT 1 FROM predictions"
			       " WHERE model = ?1 AND is_current = 1)",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, model_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		fresh = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	ret = sg_store_prepare(
		p->s, &p->next,
		fresh ? "SELECT c.id, c.case_id, c.feature_set, c.features,"
			" NULL FROM cases c WHERE c.id > ?2"
			" ORDER BY c.id LIMIT ?3"
		: p->rescore
			? "SELECT c.id, c.case_id, c.feature_set, c.features,"
			  " p.id FROM cases c LEFT JOIN predictions p"
			  " ON p.model = ?1 AND p.case_ref = c.id"
			  " AND p.is_current = 1"
			  " WHERE c.id > ?2 AND p.run IS NOT ?4"
			  " ORDER BY c.id LIMIT ?3"
			: "SELECT c.id, c.case_id, c.feature_set, c.features,"
			  " p.id FROM cases c LEFT JOIN predictions p"
			  " ON p.model = ?1 AND p.case_ref = c.id"
			  " AND p.is_current = 1"
			  " WHERE c.id > ?2 AND (p.id IS NULL"
			  " OR p.error IS NOT NULL)"
			  " ORDER BY c.id LIMIT ?3",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(p->next, 1, model_id);
	if (p->rescore)
		sqlite3_bind_int64(p->next, 4, p->run_id);
	return 0;
}

int sg_store_preds_open(struct sg_store *s, long model_id, long run_id,
			const char *now, int rescore, unsigned what,
			struct sg_store_preds **out, struct sg_diag *diag)
{
	struct sg_store_preds *p = sg_xcalloc(1, sizeof(*p));
	int ret = 0;

	p->s = s;
	p->rescore = rescore;
	p->run_id = run_id;
	if (what & SG_STORE_PREDS_CASES)
		ret = prepare_next(p, model_id, diag);
	if (!ret && (what & SG_STORE_PREDS_FIND))
		ret = sg_store_prepare(s, &p->find,
				       "SELECT id FROM cases WHERE case_id = ?1",
				       diag);
	if (!ret)
		ret = prepare_store(p, model_id, now, diag);
	if (ret) {
		sg_store_preds_close(p);
		p = NULL;
	}
	*out = p;
	return ret;
}

void sg_store_preds_close(struct sg_store_preds *p)
{
	if (!p)
		return;
	sqlite3_finalize(p->next);
	sqlite3_finalize(p->retire);
	sqlite3_finalize(p->old);
	sqlite3_finalize(p->ins);
	sqlite3_finalize(p->insn);
	sqlite3_finalize(p->count);
	sqlite3_finalize(p->find);
	sg_buf_release(&p->features);
	free(p);
}

int sg_store_preds_next(struct sg_store_preds *p, long after, size_t limit,
			void (*row)(void *ctx, const struct sg_case_row *r),
			void *ctx, struct sg_diag *diag)
{
	sqlite3_stmt *st = p->next;
	struct sg_case_row r;
	int rc;

	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.features = NULL;
		r.nfeatures = 0;
		if (sqlite3_column_type(st, 3) == SQLITE_BLOB)
			r.features = sg_features_read(
				&p->features, sqlite3_column_blob(st, 3),
				(size_t)sqlite3_column_bytes(st, 3),
				&r.nfeatures);
		r.case_id = (const char *)sqlite3_column_text(st, 1);
		r.case_id_len = (size_t)sqlite3_column_bytes(st, 1);
		r.feature_set = (long)sqlite3_column_int64(st, 2);
		r.ref = (long)sqlite3_column_int64(st, 0);
		r.cur = (long)sqlite3_column_int64(st, 4);
		row(ctx, &r);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sg_store_error(p->s, diag, "cannot read the cases");
	return 0;
}

int sg_store_preds_write(struct sg_store_preds *p, size_t n,
			 const long *refs, const long *cur,
			 const struct sg_pred *out, long scored, long errors,
			 struct sg_diag *diag)
{
	size_t i, j;
	int ret, rc;

	ret = sg_store_begin(p->s, diag);
	if (ret)
		return ret;
	for (i = 0; i < n;) {
		if (n - i >= INSERT_ROWS) {
			for (j = i; j < i + INSERT_ROWS; j++) {
				if (retire(p, refs[j], cur[j]))
					goto fail;
				bind_pred(p->insn, 4 + 7 * (int)(j - i),
					  refs[j], &out[j]);
			}
			rc = sqlite3_step(p->insn);
			sqlite3_reset(p->insn);
			if (rc != SQLITE_DONE)
				goto fail;
		} else {
			j = i + 1;
			if (store_pred(p, refs[i], cur[i], &out[i]))
				goto fail;
		}
		i = j;
	}
	sqlite3_bind_int64(p->count, 1, scored);
	sqlite3_bind_int64(p->count, 2, errors);
	rc = sqlite3_step(p->count);
	sqlite3_reset(p->count);
	if (rc != SQLITE_DONE) {
		ret = sg_store_error(p->s, diag, "cannot record the run");
		sg_store_rollback(p->s);
		return ret;
	}
	return sg_store_commit(p->s, diag);
fail:
	ret = sg_store_error(p->s, diag, "cannot store a prediction");
	sg_store_rollback(p->s);
	return ret;
}

long sg_store_preds_find_case(struct sg_store_preds *p, const char *case_id,
			      size_t len)
{
	long ref;

	sqlite3_bind_text(p->find, 1, case_id, (int)len, SQLITE_STATIC);
	ref = sqlite3_step(p->find) == SQLITE_ROW
		      ? (long)sqlite3_column_int64(p->find, 0)
		      : 0;
	sqlite3_reset(p->find);
	return ref;
}

int sg_store_preds_add(struct sg_store_preds *p, long case_ref,
		       const struct sg_pred *pred, struct sg_diag *diag)
{
	if (store_pred(p, case_ref, -1, pred))
		return sg_store_error(p->s, diag, "cannot store a prediction");
	return 0;
}

void sg_store_bulk_begin(struct sg_store *s, struct sg_store_bulk *b,
			 int cache_kib)
{
	b->fk = (int)sg_store_pragma(s, "foreign_keys", 0);
	if (b->fk && sqlite3_exec(s->db, "PRAGMA foreign_keys = OFF", NULL,
				  NULL, NULL) != SQLITE_OK)
		b->fk = 0;
	b->sync = sg_store_pragma(s, "synchronous", -1);
	if (b->sync > 1)
		sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL", NULL, NULL,
			     NULL);
	b->cache = sg_store_cache_shrink(s, cache_kib);
}

void sg_store_bulk_sync(struct sg_store *s, struct sg_store_bulk *b)
{
	char sql[64];

	if (b->sync > 1) {
		snprintf(sql, sizeof(sql), "PRAGMA synchronous = %lld",
			 b->sync);
		sqlite3_exec(s->db, sql, NULL, NULL, NULL);
		b->sync = -1;
	}
}

void sg_store_bulk_end(struct sg_store *s, struct sg_store_bulk *b)
{
	if (b->fk)
		sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL,
			     NULL);
	sg_store_bulk_sync(s, b);
	sg_store_cache_restore(s, b->cache);
}
