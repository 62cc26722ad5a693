/*
 * store_review.c - the store's part of the review loop: recording a
 * review batch and the cases it drew, finding the batch case a verdict
 * belongs to, storing verdicts idempotently, and reading them back by
 * model for the estimates (review.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sg/review.h"
#include "store_impl.h"

int sg_store_review_add_batch(struct sg_store *s,
			      const struct sg_review_batch *b, long long *id,
			      struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	char seed[32];
	size_t i;
	int ret;

	*id = 0;
	ret = sg_store_begin(s, diag);
	if (ret)
		return ret;
	ret = sg_store_prepare(s, &st,
			       "INSERT INTO review_batches(model, created_at,"
			       " seed, since, until, blind, disagreements,"
			       " agreements) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
			       " ?7, ?8)",
			       diag);
	if (ret)
		goto fail;
	snprintf(seed, sizeof(seed), "%" PRIu64, b->seed);
	sqlite3_bind_int64(st, 1, b->model_id);
	sqlite3_bind_text(st, 2, b->created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, seed, -1, SQLITE_STATIC);
	if (b->since)
		sqlite3_bind_text(st, 4, b->since, -1, SQLITE_STATIC);
	if (b->until)
		sqlite3_bind_text(st, 5, b->until, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, b->blind != 0);
	sqlite3_bind_int64(st, 7, b->disagreements);
	sqlite3_bind_int64(st, 8, b->agreements);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ret = sg_store_error(s, diag, "cannot record the review batch");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	*id = sqlite3_last_insert_rowid(s->db);
	ret = sg_store_prepare(s, &st,
			       "INSERT INTO review_cases(batch, case_ref,"
			       " stratum, human, model, why, model_side)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       diag);
	if (ret)
		goto fail;
	for (i = 0; i < b->ncases; i++) {
		const struct sg_review_case *c = &b->cases[i];
		char side[2] = {c->model_side, '\0'};

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_int64(st, 2, c->case_ref);
		sqlite3_bind_int64(st, 3, c->stratum);
		sqlite3_bind_text(st, 4, c->human, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, c->model, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6,
				  c->agreement ? "agreement" : "disagreement",
				  -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, side, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			ret = sg_store_error(s, diag,
					     "cannot record a review case");
			goto fail;
		}
	}
	sqlite3_finalize(st);
	return sg_store_commit(s, diag);
fail:
	sqlite3_finalize(st);
	sg_store_rollback(s);
	*id = 0;
	return ret;
}

int sg_store_review_find(struct sg_store *s, const char *case_id,
			 long long batch, struct sg_review_target *t,
			 struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret;

	memset(t, 0, sizeof(*t));
	ret = sg_store_prepare(s, &st,
			       "SELECT rc.id, rc.batch FROM review_cases rc"
			       " JOIN cases c ON c.id = rc.case_ref"
			       " WHERE c.case_id = ?1 AND (?2 <= 0 OR"
			       " rc.batch = ?2) ORDER BY rc.batch DESC LIMIT 1",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, case_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, batch);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		t->review_case = sqlite3_column_int64(st, 0);
		t->batch = sqlite3_column_int64(st, 1);
		break;
	case SQLITE_DONE:
		break;
	default:
		ret = sg_store_error(s, diag, "cannot look up a review case");
	}
	sqlite3_finalize(st);
	return ret;
}

int sg_store_review_put(struct sg_store *s, const struct sg_review_target *t,
			const struct sg_review_verdict *v, int *changed,
			struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret;

	*changed = 0;
	ret = sg_store_prepare(
		s, &st,
		"INSERT INTO review_verdicts(review_case, batch, reviewer,"
		" verdict, note, file, line, imported_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
		" ON CONFLICT(review_case, reviewer) DO UPDATE SET"
		" verdict = excluded.verdict, note = excluded.note,"
		" file = excluded.file, line = excluded.line,"
		" imported_at = excluded.imported_at"
		" WHERE verdict IS NOT excluded.verdict"
		" OR note IS NOT excluded.note",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, t->review_case);
	sqlite3_bind_int64(st, 2, t->batch);
	sqlite3_bind_text(st, 3, v->reviewer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, v->verdict, -1, SQLITE_STATIC);
	if (v->note)
		sqlite3_bind_text(st, 5, v->note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, v->file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, v->line);
	sqlite3_bind_text(st, 8, v->imported_at, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sg_store_error(s, diag, "cannot store a verdict");
	else
		*changed = sqlite3_changes(s->db) > 0;
	sqlite3_finalize(st);
	return ret;
}

int sg_store_review_verdicts(struct sg_store *s, long long model_id,
			     void (*fn)(void *ctx, long long case_ref,
					const char *reviewer,
					const char *verdict),
			     void *ctx, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	/* one verdict per case and reviewer: the latest imported (then the
	 * latest stored) over the batches that drew the case */
	ret = sg_store_prepare(
		s, &st,
		"SELECT case_ref, reviewer, verdict FROM ("
		" SELECT rc.case_ref, v.reviewer, v.verdict,"
		"  row_number() OVER (PARTITION BY rc.case_ref, v.reviewer"
		"   ORDER BY v.imported_at DESC, v.id DESC) AS k"
		" FROM review_verdicts v"
		" JOIN review_cases rc ON rc.id = v.review_case"
		" JOIN review_batches b ON b.id = rc.batch"
		" WHERE b.model = ?1)"
		" WHERE k = 1 ORDER BY case_ref, reviewer",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, model_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(ctx, sqlite3_column_int64(st, 0),
		   (const char *)sqlite3_column_text(st, 1),
		   (const char *)sqlite3_column_text(st, 2));
	if (rc != SQLITE_DONE)
		ret = sg_store_error(s, diag, "cannot read the verdicts");
	sqlite3_finalize(st);
	return ret;
}

int sg_store_review_any(struct sg_store *s, long long model_id, int *any,
			struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	*any = 0;
	ret = sg_store_prepare(
		s, &st,
		"SELECT 1 FROM review_verdicts v"
		" JOIN review_cases rc ON rc.id = v.review_case"
		" JOIN review_batches b ON b.id = rc.batch"
		" WHERE b.model = ?1 LIMIT 1",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, model_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*any = 1;
	else if (rc != SQLITE_DONE)
		ret = sg_store_error(s, diag, "cannot read the verdicts");
	sqlite3_finalize(st);
	return ret;
}
