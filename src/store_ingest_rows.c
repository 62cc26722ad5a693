/*
 * store_ingest_rows.c - the ingest's writes of rows: the prepared
 * statements, rejects, cases (new, or a case seen before whose
 * segments and features must match), decisions (a new rating, a
 * correction or a duplicate) and logged predictions, a batch of
 * BATCH_ROWS at a time.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sg/buf.h"
#include "sg/ingest.h"
#include "sg/reader.h"
#include "sg/report.h"
#include "sg/sha256.h"
#include "sg/timeutil.h"
#include "store_impl.h"
#include "store_ingest.h"

void ingest_finalize_all(struct ingest *in)
{
	sqlite3_finalize(in->ins_case);
	sqlite3_finalize(in->get_case);
	sqlite3_finalize(in->ins_dec);
	sqlite3_finalize(in->get_dec);
	sqlite3_finalize(in->old_dec);
	sqlite3_finalize(in->ins_rej);
	sqlite3_finalize(in->get_pred);
	sqlite3_finalize(in->old_pred);
	sqlite3_finalize(in->ins_pred);
	sqlite3_finalize(in->ins_cases);
	sqlite3_finalize(in->ins_decs);
	sqlite3_finalize(in->case_src);
	sqlite3_finalize(in->ins_preds);
	in->ins_preds = NULL;
	in->case_src = NULL;
	in->ins_case = in->get_case = in->ins_dec = in->get_dec = NULL;
	in->old_dec = in->ins_rej = in->get_pred = in->old_pred = NULL;
	in->ins_pred = in->ins_cases = in->ins_decs = NULL;
}

/* "INSERT ... VALUES (?, ...), ... tail" for BATCH_ROWS rows. */
static int prepare_batch(struct ingest *in, sqlite3_stmt **st,
			 const char *head, int nparams, const char *tail,
			 struct sg_diag *diag)
{
	struct sg_buf sql = SG_BUF_INIT;
	int i, k, ret;

	sg_buf_addstr(&sql, head);
	for (i = 0; i < BATCH_ROWS; i++) {
		sg_buf_addstr(&sql, i ? ",(" : " VALUES (");
		for (k = 0; k < nparams; k++)
			sg_buf_addstr(&sql, k ? ",?" : "?");
		sg_buf_addch(&sql, ')');
	}
	sg_buf_addstr(&sql, tail);
	ret = sg_store_prepare(in->s, st, sql.buf, diag);
	sg_buf_release(&sql);
	return ret;
}

int ingest_prepare_all(struct ingest *in, struct sg_diag *diag)
{
	struct {
		sqlite3_stmt **st;
		const char *sql;
	} t[] = {
		{&in->ins_case,
		 "INSERT INTO cases(case_id, night, segment_set, feature_set,"
		 " features, batch, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
		 " ON CONFLICT(case_id) DO NOTHING"},
		{&in->get_case,
		 "SELECT c.id, g.segments, c.feature_set, c.features, b.file,"
		 " c.line FROM cases c JOIN ingest_batches b ON b.id = c.batch"
		 " LEFT JOIN segment_sets g ON g.id = c.segment_set"
		 " WHERE c.case_id = ?1"},
		{&in->ins_dec,
		 "INSERT INTO decisions(case_ref, rater, label, value,"
		 " decided_at, is_current, batch, line)"
		 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
		{&in->get_dec,
		 "SELECT id, label, value, decided_at FROM decisions"
		 " WHERE case_ref = ?1 AND rater = ?2 AND is_current = 1"},
		{&in->old_dec, "UPDATE decisions SET is_current = 0 WHERE id = ?1"},
		{&in->ins_rej,
		 "INSERT INTO rejects(batch, file, line, column_name, reason, raw)"
		 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
		{&in->get_pred,
		 "SELECT id, label, score, error, value FROM predictions"
		 " WHERE model = ?1 AND case_ref = ?2 AND is_current = 1"},
		{&in->old_pred,
		 "UPDATE predictions SET is_current = 0 WHERE id = ?1"},
		{&in->ins_pred,
		 "INSERT INTO predictions(model, case_ref, batch, label, score,"
		 " is_current, created_at, value)"
		 " VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7)"},
		{&in->case_src,
		 "SELECT batch, line FROM cases WHERE id = ?1"},
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ret = sg_store_prepare(in->s, t[i].st, t[i].sql, diag);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The statements for a whole batch (ins_case, ins_dec and ins_pred for
 * BATCH_ROWS rows), prepared when the first full batch
 * comes: a short log never needs them, and they take a while to prepare.
 */
int ingest_prepare_batches(struct ingest *in, struct sg_diag *diag)
{
	int ret;

	if (in->ins_cases)
		return 0;
	ret = prepare_batch(in, &in->ins_cases,
			    "INSERT OR IGNORE INTO cases(case_id, night, segment_set,"
			    " feature_set, features, batch, line)",
			    CASE_PARAMS, " ON CONFLICT(case_id) DO NOTHING",
			    diag);
	if (ret)
		return ret;
	ret = prepare_batch(in, &in->ins_preds,
			    "INSERT OR IGNORE INTO predictions(model, case_ref,"
			    " batch, label, score, created_at, value, is_current)",
			    PRED_PARAMS, "", diag);
	if (ret)
		return ret;
	return prepare_batch(in, &in->ins_decs,
			     "INSERT OR IGNORE INTO decisions(case_ref, rater, label,"
			     " value, decided_at, is_current, batch, line)",
			     DECISION_PARAMS, "", diag);
}

/* Stores one rejected row and keeps its message for the summary. */
int ingest_reject(struct ingest *in, const struct sg_record *rec,
		  const char *column, const char *reason, const char *value,
		  size_t vlen, struct sg_diag *diag)
{
	struct sg_buf msg = SG_BUF_INIT;
	sqlite3_stmt *st = in->ins_rej;
	size_t head;
	int ret = 0;

	sg_buf_addf(&msg, "%s:%ld: ", in->display, rec->line);
	head = msg.len; /* the reason, stored without file and line */
	if (column)
		sg_buf_addf(&msg, "column '%s': ", column);
	sg_buf_addstr(&msg, reason);
	if (value) {
		sg_buf_addstr(&msg, ": ");
		sg_json_quote(&msg, value, vlen > 80 ? 80 : vlen);
	}
	sqlite3_bind_int64(st, 1, in->batch);
	sqlite3_bind_text(st, 2, in->display, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, rec->line);
	if (column)
		sqlite3_bind_text(st, 4, column, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, msg.buf + head, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, rec->raw, (int)rec->raw_len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sg_store_error(in->s, diag, "cannot store a rejected row");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	in->f->rejected++;
	in->sum->rejected++;
	if (in->sum->nreject_msgs < in->o->keep_rejects) {
		in->sum->reject_msgs = sg_xrealloc(
			in->sum->reject_msgs,
			(in->sum->nreject_msgs + 1) * sizeof(char *));
		in->sum->reject_msgs[in->sum->nreject_msgs++] =
			sg_buf_detach(&msg);
	}
	sg_buf_release(&msg);
	return ret;
}

static int ensure_model(struct ingest *in, struct sg_diag *diag)
{
	const struct sg_model_conf *m = &in->o->cfg->model;

	if (in->model)
		return 0;
	return sg_store_model_id(in->s, m->name ? m->name : DEFAULT_MODEL_NAME,
				 m->version ? m->version : DEFAULT_MODEL_VERSION,
				 "logged", NULL, NULL, &in->model, diag);
}

/* Notes that the reject just stored, of the row at line, lacks its raw text. */
static void raw_later(struct ingest *in, long line)
{
	if (in->nraw == in->raw_alloc) {
		in->raw_alloc = in->raw_alloc ? 2 * in->raw_alloc : 16;
		in->raw = sg_xrealloc(in->raw,
				      in->raw_alloc * sizeof(*in->raw));
	}
	in->raw[in->nraw].id = (long)sqlite3_last_insert_rowid(in->s->db);
	in->raw[in->nraw++].line = line;
}

/* Same text, treating NULL as "". */
static int same_text(const unsigned char *a, const char *b, size_t blen)
{
	if (!a)
		return blen == 0;
	return strlen((const char *)a) == blen && !memcmp(a, b, blen);
}

/*
 * Binds a logged prediction to parameters base + 1 .. base + 7 of st
 * (ins_pred or a row of ins_preds); every one, NULL where there is none.
 */
static void bind_prediction(struct ingest *in, sqlite3_stmt *st, int base,
			    long case_ref, const char *label, size_t llen,
			    double mvalue, double score)
{
	sqlite3_bind_int64(st, base + 1, in->model);
	sqlite3_bind_int64(st, base + 2, case_ref);
	sqlite3_bind_int64(st, base + 3, in->batch);
	if (in->log->decision_type == SG_DECISION_NUMERIC) {
		sqlite3_bind_null(st, base + 4);
		sqlite3_bind_double(st, base + 7, mvalue);
	} else {
		sqlite3_bind_text(st, base + 4, label, (int)llen,
				  SQLITE_STATIC);
		sqlite3_bind_null(st, base + 7);
	}
	if (isnan(score))
		sqlite3_bind_null(st, base + 5);
	else
		sqlite3_bind_double(st, base + 5, score);
	/* its time is its batch's started_at */
	sqlite3_bind_null(st, base + 6);
}

/* Stores the logged shadow output of a row; counts it. */
static int logged_prediction(struct ingest *in, long case_ref,
			     const char *label, size_t llen, double mvalue,
			     double score, struct sg_diag *diag)
{
	int numeric = in->log->decision_type == SG_DECISION_NUMERIC;
	sqlite3_stmt *st;
	int ret, rc;

	ret = ensure_model(in, diag);
	if (ret)
		return ret;
	st = in->get_pred;
	sqlite3_bind_int64(st, 1, in->model);
	sqlite3_bind_int64(st, 2, case_ref);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int same = (numeric ? sqlite3_column_double(st, 4) == mvalue
				    : same_text(sqlite3_column_text(st, 1),
						label, llen)) &&
			   sqlite3_column_type(st, 3) == SQLITE_NULL;
		double old = sqlite3_column_type(st, 2) == SQLITE_NULL
				     ? NAN
				     : sqlite3_column_double(st, 2);
		long id = sqlite3_column_int64(st, 0);

		if (same && ((isnan(old) && isnan(score)) || old == score)) {
			sqlite3_reset(st);
			return 0;
		}
		sqlite3_reset(st);
		sqlite3_bind_int64(in->old_pred, 1, id);
		rc = sqlite3_step(in->old_pred);
		sqlite3_reset(in->old_pred);
		if (rc != SQLITE_DONE)
			return sg_store_error(in->s, diag,
					      "cannot store a prediction");
	} else {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return sg_store_error(in->s, diag,
					      "cannot look up a prediction");
	}
	/* every parameter is bound, so no sqlite3_clear_bindings */
	st = in->ins_pred;
	bind_prediction(in, st, 0, case_ref, label, llen, mvalue, score);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sg_store_error(in->s, diag, "cannot store a prediction");
	in->f->predictions++;
	in->sum->predictions++;
	return 0;
}

/*
 * Binds a decision to parameters base + 1 .. base + 8 of st (ins_dec or a
 * row of ins_decs). Every parameter is bound, NULL where there is no
 * value, so the statements need no sqlite3_clear_bindings between rows.
 */
static void bind_decision(struct ingest *in, sqlite3_stmt *st, int base,
			  long case_ref, long line, const char *rater,
			  size_t rlen, const char *label, size_t llen,
			  double value, const char *at, size_t atlen,
			  int is_current)
{
	sqlite3_bind_int64(st, base + 1, case_ref);
	sqlite3_bind_text(st, base + 2, rater, (int)rlen, SQLITE_STATIC);
	if (in->log->decision_type == SG_DECISION_NUMERIC) {
		sqlite3_bind_null(st, base + 3);
		sqlite3_bind_double(st, base + 4, value);
	} else {
		sqlite3_bind_text(st, base + 3, label, (int)llen,
				  SQLITE_STATIC);
		sqlite3_bind_null(st, base + 4);
	}
	if (atlen)
		sqlite3_bind_text(st, base + 5, at, (int)atlen, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 5);
	sqlite3_bind_int(st, base + 6, is_current);
	sqlite3_bind_int64(st, base + 7, in->batch);
	sqlite3_bind_int64(st, base + 8, line);
}

/* Inserts a decision. */
static int insert_decision(struct ingest *in, long case_ref, long line,
			   const char *rater, size_t rlen, const char *label,
			   size_t llen, double value, const char *at,
			   size_t atlen, int is_current, struct sg_diag *diag)
{
	sqlite3_stmt *st = in->ins_dec;
	int rc;

	bind_decision(in, st, 0, case_ref, line, rater, rlen, label, llen,
		      value, at, atlen, is_current);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sg_store_error(in->s, diag, "cannot store a decision");
	return 0;
}

/*
 * The decision of a row on a case that was stored before: a new rater, a
 * correction by the same rater, or the same decision again.
 */
static int known_case_decision(struct ingest *in, long case_ref, long line,
			       const char *rater, size_t rlen, const char *label,
			       size_t llen, double value, const char *at,
			       size_t atlen, double at_epoch,
			       struct sg_diag *diag)
{
	sqlite3_stmt *st = in->get_dec;
	int numeric = in->log->decision_type == SG_DECISION_NUMERIC;
	int rc, is_current = 1;

	sqlite3_bind_int64(st, 1, case_ref);
	sqlite3_bind_text(st, 2, rater, (int)rlen, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		long id = sqlite3_column_int64(st, 0);
		const unsigned char *old_at = sqlite3_column_text(st, 3);
		int same_at = same_text(old_at, at, atlen);
		int same_dec = numeric ? sqlite3_column_double(st, 2) == value
				       : same_text(sqlite3_column_text(st, 1),
						   label, llen);

		if (same_at && same_dec) {
			sqlite3_reset(st);
			in->f->duplicates++;
			in->sum->duplicates++;
			return 0;
		}
		if (old_at && atlen) {
			double old_epoch;
			char night[11];
			const char *why;

			if (!sg_night_parse(&in->log->night,
					    (const char *)old_at,
					    strlen((const char *)old_at),
					    &old_epoch, night, &why) &&
			    at_epoch < old_epoch)
				is_current = 0; /* older than what we have */
		}
		sqlite3_reset(st);
		if (is_current) {
			sqlite3_bind_int64(in->old_dec, 1, id);
			rc = sqlite3_step(in->old_dec);
			sqlite3_reset(in->old_dec);
			if (rc != SQLITE_DONE)
				return sg_store_error(in->s, diag,
						      "cannot store a correction");
		}
		in->f->corrections++;
		in->sum->corrections++;
	} else {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return sg_store_error(in->s, diag,
					      "cannot look up a decision");
		in->f->loaded++;
		in->sum->loaded++;
	}
	return insert_decision(in, case_ref, line, rater, rlen, label, llen,
			       value, at, atlen, is_current, diag);
}

int ingest_too_many_rejects(const struct ingest *in, int final,
			    struct sg_diag *diag)
{
	const struct sg_ingest_opts *o = in->o;
	long rej = in->sum->rejected;

	if (o->max_rejects >= 0 && rej > o->max_rejects) {
		sg_diag_set(diag, in->display, 0, 0,
			    "more than %ld rejected rows (--max-rejects %ld); "
			    "the ingest was rolled back, nothing was loaded",
			    o->max_rejects, o->max_rejects);
		return 1;
	}
	if (final && o->max_rejects_pct >= 0 && in->sum->rows_read > 0 &&
	    100.0 * (double)rej / (double)in->sum->rows_read >
		    o->max_rejects_pct) {
		sg_diag_set(diag, in->display, 0, 0,
			    "%.2f%% of the rows were rejected (%ld of %ld), more "
			    "than --max-rejects %g%%; the ingest was rolled "
			    "back, nothing was loaded",
			    100.0 * (double)rej / (double)in->sum->rows_read,
			    rej, in->sum->rows_read, o->max_rejects_pct);
		return 1;
	}
	return 0;
}

/* A text of a staged row. */

/*
 * Binds the case of staged row s to parameters base + 1 .. base + 7. Its
 * time is not kept: it is the time of its first decision, stored from the
 * same row.
 */
static void bind_case(struct ingest *in, sqlite3_stmt *st, int base,
		      const struct staged *s)
{
	sqlite3_bind_text(st, base + 1, ARENA(in, s->cid), (int)s->cid_len,
			  SQLITE_STATIC);
	if (s->at_len)
		sqlite3_bind_text(st, base + 2, s->night, 10, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 2);
	if (in->nseg)
		sqlite3_bind_int64(st, base + 3, s->segset);
	else
		sqlite3_bind_null(st, base + 3);
	if (in->nfeat) {
		sqlite3_bind_int64(st, base + 4, in->feature_set);
		sqlite3_bind_blob(st, base + 5, ARENA(in, s->feats),
				  (int)s->feats_len, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, base + 4);
		sqlite3_bind_null(st, base + 5);
	}
	sqlite3_bind_int64(st, base + 6, in->batch);
	sqlite3_bind_int64(st, base + 7, s->line);
}

/* Whether the case row `id` was stored from staged row s of this file. */
static int stored_from(struct ingest *in, long id, const struct staged *s,
		       int *yes, struct sg_diag *diag)
{
	sqlite3_stmt *st = in->case_src;
	int rc;

	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	*yes = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == in->batch &&
	       sqlite3_column_int64(st, 1) == s->line;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sg_store_error(in->s, diag, "cannot look up a case");
	return 0;
}

/*
 * Inserts the cases of the staged rows, in row order; a row whose case id
 * is in the store already (or earlier in the batch) stores nothing. Sets
 * is_new and case_ref of the rows whose case was stored.
 */
static int insert_cases(struct ingest *in, struct sg_diag *diag)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	/* the ids of their segments strings (store_segments.c), first: a
	 * new string adds a row to segment_sets, which must come before the
	 * cases' rowids are read from the connection */
	for (i = 0; in->nseg && i < in->nstaged; i++) {
		struct staged *s = &in->stage[i];

		rc = sg_segset_map_id(in->s, &in->segsets, ARENA(in, s->segs),
				      s->segs_len, &s->segset, diag);
		if (rc)
			return rc;
	}

	if (in->nstaged == BATCH_ROWS) {
		long n = BATCH_ROWS, first;
		int yes;

		st = in->ins_cases;
		for (i = 0; i < in->nstaged; i++)
			bind_case(in, st, (int)i * CASE_PARAMS, &in->stage[i]);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return sg_store_error(in->s, diag,
					      "cannot store a case");
		/*
		 * The usual batch: every case is new. Rows were inserted in
		 * order, each getting the largest rowid plus one: the ids
		 * are first .. first + n - 1 (checked on the first, in case
		 * the table reached the largest rowid and SQLite took random
		 * ones). Otherwise rows are told apart by a look-up each.
		 */
		first = (long)sqlite3_last_insert_rowid(in->s->db) - n + 1;
		if (sqlite3_changes(in->s->db) == n) {
			rc = stored_from(in, first, &in->stage[0], &yes, diag);
			if (rc)
				return rc;
			if (yes) {
				for (i = 0; i < in->nstaged; i++) {
					in->stage[i].is_new = 1;
					in->stage[i].case_ref = first + (long)i;
				}
				return 0;
			}
		}
		st = in->get_case;
		for (i = 0; i < in->nstaged; i++) {
			struct staged *s = &in->stage[i];

			sqlite3_bind_text(st, 1, ARENA(in, s->cid),
					  (int)s->cid_len, SQLITE_STATIC);
			rc = sqlite3_step(st);
			if (rc == SQLITE_ROW)
				s->case_ref = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			if (rc != SQLITE_ROW)
				return sg_store_error(in->s, diag,
						      "cannot look up a case");
			rc = stored_from(in, s->case_ref, s, &yes, diag);
			if (rc)
				return rc;
			s->is_new = yes;
		}
		return 0;
	}
	st = in->ins_case;
	for (i = 0; i < in->nstaged; i++) {
		bind_case(in, st, 0, &in->stage[i]);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return sg_store_error(in->s, diag,
					      "cannot store a case");
		if (sqlite3_changes(in->s->db) == 1) {
			in->stage[i].is_new = 1;
			in->stage[i].case_ref =
				sqlite3_last_insert_rowid(in->s->db);
		}
	}
	return 0;
}

/* Inserts the waiting first decisions of new cases, in row order. */
static int insert_first_decisions(struct ingest *in, struct sg_diag *diag)
{
	sqlite3_stmt *st = in->ins_decs;
	size_t i, n = in->ndec;
	int rc;

	in->ndec = 0;
	for (i = 0; i < n; i++) {
		const struct staged *s = &in->stage[in->dec[i]];

		if (n < BATCH_ROWS) {
			rc = insert_decision(in, s->case_ref, s->line,
					     ARENA(in, s->rater), s->rater_len,
					     ARENA(in, s->label), s->label_len,
					     s->value, ARENA(in, s->at),
					     s->at_len, 1, diag);
			if (rc)
				return rc;
			continue;
		}
		bind_decision(in, st, (int)i * DECISION_PARAMS, s->case_ref,
			      s->line, ARENA(in, s->rater), s->rater_len,
			      ARENA(in, s->label), s->label_len, s->value,
			      ARENA(in, s->at), s->at_len, 1);
	}
	if (n < BATCH_ROWS)
		return 0;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sg_store_error(in->s, diag, "cannot store a decision");
	/* OR IGNORE only spares a statement journal: nothing may be left out */
	if (sqlite3_changes(in->s->db) != (int)n) {
		sg_diag_set(diag, in->s->path, 0, 0,
			    "cannot store a decision: the store refused %d of %zu",
			    (int)n - sqlite3_changes(in->s->db), n);
		return SG_ESTORE;
	}
	return 0;
}

/*
 * Inserts the waiting logged outputs of new cases (which can have no
 * prediction yet), in row order; counts them.
 */
static int insert_first_predictions(struct ingest *in, struct sg_diag *diag)
{
	sqlite3_stmt *st = in->ins_preds;
	size_t i, n = in->npred;
	int rc;

	in->npred = 0;
	if (n < BATCH_ROWS)
		st = in->ins_pred;
	for (i = 0; i < n; i++) {
		const struct staged *s = &in->stage[in->pred[i]];

		bind_prediction(in, st, n < BATCH_ROWS ? 0 : (int)i * PRED_PARAMS,
				s->case_ref, ARENA(in, s->mlabel), s->mlabel_len,
				s->mvalue, s->score);
		if (n == BATCH_ROWS)
			sqlite3_bind_int(st, (int)i * PRED_PARAMS + 8, 1);
		if (n < BATCH_ROWS) {
			rc = sqlite3_step(st);
			sqlite3_reset(st);
			if (rc != SQLITE_DONE)
				return sg_store_error(in->s, diag,
						      "cannot store a prediction");
		}
	}
	if (n == BATCH_ROWS) {
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return sg_store_error(in->s, diag,
					      "cannot store a prediction");
		if (sqlite3_changes(in->s->db) != (int)n) {
			sg_diag_set(diag, in->s->path, 0, 0,
				    "cannot store a prediction: the store "
				    "refused %d of %zu",
				    (int)n - sqlite3_changes(in->s->db), n);
			return SG_ESTORE;
		}
	}
	in->f->predictions += (long)n;
	in->sum->predictions += (long)n;
	return 0;
}

/* Writes what waits for the new cases of the batch. */
static int insert_firsts(struct ingest *in, struct sg_diag *diag)
{
	int ret = insert_first_decisions(in, diag);

	return ret ? ret : insert_first_predictions(in, diag);
}

/*
 * A row of a decisions-only file whose case is not in the store: rejected
 * (returns 1, or a negative SG_E* code).
 */
static int unknown_case(struct ingest *in, struct staged *s,
			struct sg_diag *diag)
{
	struct sg_record rec;
	char why[300];
	int rc;

	snprintf(why, sizeof(why),
		 "unknown case '%.*s': a decisions-only log corrects or adds "
		 "ratings to cases already in the store",
		 (int)(s->cid_len > 200 ? 200 : s->cid_len), ARENA(in, s->cid));
	memset(&rec, 0, sizeof(rec));
	rec.line = s->line;
	rec.raw = ARENA(in, s->raw);
	rec.raw_len = s->raw_len;
	rc = ingest_reject(in, &rec, in->log->case_id, why, NULL, 0, diag);
	if (!rc && s->raw_later)
		raw_later(in, s->line);
	return rc ? rc : 1;
}

/*
 * A staged row whose case was stored before: the same case again (a new
 * rating, a correction, a duplicate), or a conflict, rejected; in a
 * decisions-only log, a case not stored is rejected too. Returns 0, 1
 * when the row was rejected, or a negative SG_E* code.
 */
static int known_case(struct ingest *in, struct staged *s,
		      struct sg_diag *diag)
{
	sqlite3_stmt *st = in->get_case;
	const char *cid = ARENA(in, s->cid);
	const void *blob;
	int rc, same;

	sqlite3_bind_text(st, 1, cid, (int)s->cid_len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		/* only a decisions-only log has rows of cases not stored */
		if (rc == SQLITE_DONE && in->log->decisions_only)
			return unknown_case(in, s, diag);
		return sg_store_error(in->s, diag, "cannot look up a case");
	}
	s->case_ref = sqlite3_column_int64(st, 0);
	blob = sqlite3_column_blob(st, 3);
	/* what the file does not have cannot differ from what is stored */
	same = (!in->nseg || same_text(sqlite3_column_text(st, 1),
				       ARENA(in, s->segs), s->segs_len)) &&
	       (!in->nfeat ||
		(sqlite3_column_int64(st, 2) == in->feature_set &&
		 (size_t)sqlite3_column_bytes(st, 3) == s->feats_len &&
		 blob && !memcmp(blob, ARENA(in, s->feats), s->feats_len)));
	if (!same) {
		struct sg_record rec;
		char why_buf[700];

		snprintf(why_buf, sizeof(why_buf),
			 "case '%.*s' was stored before with different "
			 "%s (%s:%lld); not merged",
			 (int)(s->cid_len > 200 ? 200 : s->cid_len), cid,
			 in->nfeat ? "features or segments" : "segments",
			 sqlite3_column_text(st, 4),
			 (long long)sqlite3_column_int64(st, 5));
		sqlite3_reset(st);
		memset(&rec, 0, sizeof(rec));
		rec.line = s->line;
		rec.raw = ARENA(in, s->raw);
		rec.raw_len = s->raw_len;
		rc = ingest_reject(in, &rec, NULL, why_buf, NULL, 0, diag);
		if (!rc && s->raw_later)
			raw_later(in, s->line);
		return rc ? rc : 1;
	}
	sqlite3_reset(st);
	return known_case_decision(in, s->case_ref, s->line,
				   ARENA(in, s->rater), s->rater_len,
				   ARENA(in, s->label), s->label_len, s->value,
				   ARENA(in, s->at), s->at_len, s->at_epoch,
				   diag);
}

/*
 * Writes the staged rows. On failure the count of rows read goes back to
 * the row that failed, as if the rows after it had not been read yet.
 */
int ingest_flush_rows(struct ingest *in, struct sg_diag *diag)
{
	struct staged *s = in->stage;
	size_t i;
	int ret;

	if (!in->nstaged)
		return 0;
	ret = in->nstaged == BATCH_ROWS ? ingest_prepare_batches(in, diag) : 0;
	if (!ret && !in->log->decisions_only)
		ret = insert_cases(in, diag);
	for (i = 0; !ret && i < in->nstaged; i++) {
		s = &in->stage[i];
		if (s->is_new) {
			in->dec[in->ndec++] = i;
			in->f->loaded++;
			in->sum->loaded++;
			if (s->has_pred) {
				ret = ensure_model(in, diag);
				in->pred[in->npred++] = i;
			}
		} else {
			/* rows of one case go in in row order */
			ret = insert_firsts(in, diag);
			if (!ret)
				ret = known_case(in, s, diag);
			if (ret == 1) {
				ret = 0;
				goto check;
			}
			if (!ret && s->has_pred)
				ret = logged_prediction(in, s->case_ref,
							ARENA(in, s->mlabel),
							s->mlabel_len, s->mvalue,
							s->score, diag);
		}
check:
		if (!ret && ingest_too_many_rejects(in, 0, diag))
			ret = SG_EDATA;
	}
	if (!ret)
		ret = insert_firsts(in, diag);
	if (ret && !s->raw_later) {
		/* written in file order: as if the rows after had not been
		 * read yet (after the sort, rows are in another order) */
		in->f->rows_read = s->rows_file;
		in->sum->rows_read = s->rows_all;
	}
	in->nstaged = 0;
	in->ndec = 0;
	in->npred = 0;
	sg_buf_reset(&in->arena);
	return ret;
}
