/*
 * store_scan.c - the report's and the sample's passes over the store
 * (declared in scan.h; the other look-ups are in store_scan_lookup.c): the
 * window's pass, which reads the window's cases in (night, id) order, each
 * with its current decisions and the model's current prediction, and hands
 * them to callbacks; the reference window's cases; and the temporary
 * tables a spilled multiset of scores is kept in.
 *
 * The pass: when the window's cases in id order are in (night, id) order,
 * as when logs are ingested night after night, it merges ordered scans on
 * the case id: the cases by rowid; decisions and predictions by rowid when
 * they were stored case after case (checked as it goes), else through
 * their indexes. Otherwise it is one SELECT joining the three, ordered
 * through the cases_night index. Rows are handed as they are read:
 * nothing is copied or allocated per row.
 */
#include "scan.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/report.h"

/* ---- column helpers ---- */

double sg_scan_col_double(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		       ? NAN
		       : sqlite3_column_double(st, i);
}

#define col_double sg_scan_col_double

/* col_double() with one call instead of two when the value is not 0. */
static double col_double_nz(sqlite3_stmt *st, int i)
{
	double x = sqlite3_column_double(st, i);

	if (x == 0 && sqlite3_column_type(st, i) == SQLITE_NULL)
		return NAN;
	return x;
}

static const char *win_since(const struct sg_scan_window *w)
{
	return w->since ? w->since : "0000-01-01";
}

static const char *win_until(const struct sg_scan_window *w)
{
	return w->until ? w->until : "9999-12-31";
}

/* Column i of st as text (NULL for NULL), its length into *n. */
static const char *col_text(sqlite3_stmt *st, int i, size_t *n)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	*n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;
	return t;
}

/*
 * The packed features in column i of st (store_features.c) unpacked into
 * scratch: the doubles (NULL when the blob is empty or not one), their
 * bytes in *len.
 */
static const void *col_features(sqlite3_stmt *st, int i,
				struct sg_buf *scratch, size_t *len)
{
	const void *b = sqlite3_column_blob(st, i);
	const double *v;
	size_t n;

	*len = 0;
	if (!b)
		return NULL;
	v = sg_features_read(scratch, b, (size_t)sqlite3_column_bytes(st, i),
			     &n);
	if (v)
		*len = n * sizeof(double);
	return v;
}

/*
 * The segments string of the case whose segment_set is column i of st
 * (store_segments.c): NULL when it has none. An id not loaded yet (a case
 * stored since the reading loaded the strings) loads them again.
 */
static const char *col_segments(struct sg_store *s, sqlite3_stmt *st, int i,
				size_t *n, long long *segset)
{
	long long id;
	const char *t;

	*n = 0;
	*segset = 0;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	id = sqlite3_column_int64(st, i);
	t = sg_store_segset_text(s, id, n);
	if (!t && !sg_store_segsets_load(s, NULL))
		t = sg_store_segset_text(s, id, n);
	if (t)
		*segset = id;
	return t;
}

void sg_scan_case_cols(struct sg_store *s, sqlite3_stmt *st, int i,
		       struct sg_scan_case *c, struct sg_buf *scratch)
{
	memset(c, 0, sizeof(*c));
	c->night = col_text(st, i, &c->night_len);
	c->segments = col_segments(s, st, i + 1, &c->segments_len,
				   &c->segset);
	if (sqlite3_column_type(st, i + 3) == SQLITE_BLOB) {
		c->has_features = 1;
		c->feature_set = sqlite3_column_int64(st, i + 2);
		c->features = col_features(st, i + 3, scratch,
					   &c->features_len);
	}
}

/* ---- the rows of the pass ---- */

/*
 * The columns of a case's part of a row (from column 0), of a decision's and
 * of a prediction's (from the column their part starts at).
 */
enum { CC_ID, CC_NIGHT, CC_SEGMENTS, CC_FSET, CC_FEATURES, CC_N };
enum { DC_ID, DC_LABEL, DC_VALUE, DC_AT, DC_N };
enum { PC_ID, PC_LABEL, PC_VALUE, PC_SCORE, PC_ERROR, PC_N };

/* A pass: where it hands its rows, and the case being read. */
struct pass {
	struct sg_store *s;
	struct sg_scan_window *w;
	const struct sg_scan_ops *ops;
	void *ctx;
	size_t ndec;          /* decisions of the case so far */
	long long first_dec;  /* the id of its first */
	struct sg_buf features; /* the case's features, unpacked */
};

/* The case's part of a row, from column 0, to begin_case. */
static void begin_case(struct pass *p, sqlite3_stmt *st, long long id)
{
	struct sg_scan_case c;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.night = col_text(st, CC_NIGHT, &c.night_len);
	c.segments = col_segments(p->s, st, CC_SEGMENTS, &c.segments_len,
				  &c.segset);
	/* a STRICT BLOB column: NULL, or a blob (NULL when empty); not
	 * handed when empty, as the pass has nothing to count in it */
	if (p->w->features &&
	    (c.features = col_features(st, CC_FEATURES, &p->features,
				       &c.features_len)) != NULL) {
		c.has_features = 1;
		c.feature_set = sqlite3_column_int64(st, CC_FSET);
	}
	p->ndec = 0;
	p->ops->begin_case(p->ctx, &c);
}

/* The prediction from column i of st (st NULL: none), to prediction. */
static void prediction(struct pass *p, sqlite3_stmt *st, int i)
{
	struct sg_scan_prediction pr;

	if (!st) {
		p->ops->prediction(p->ctx, NULL);
		return;
	}
	pr.id = sqlite3_column_int64(st, i + PC_ID);
	pr.error = sqlite3_column_type(st, i + PC_ERROR) != SQLITE_NULL;
	pr.label = NULL;
	pr.label_len = 0;
	if (p->w->labels)
		pr.label = col_text(st, i + PC_LABEL, &pr.label_len);
	pr.value = col_double(st, i + PC_VALUE);
	pr.score = col_double_nz(st, i + PC_SCORE);
	p->ops->prediction(p->ctx, &pr);
}

/*
 * A decision from column i of st, to decision; its decided_at only when
 * `at` (it is used only when the case has another).
 */
static void decision(struct pass *p, sqlite3_stmt *st, int i, int at)
{
	struct sg_scan_decision d;

	d.id = sqlite3_column_int64(st, i + DC_ID);
	d.label = NULL;
	d.label_len = 0;
	if (p->w->labels)
		d.label = col_text(st, i + DC_LABEL, &d.label_len);
	d.value = col_double(st, i + DC_VALUE);
	d.has_at = at;
	d.decided_at = NULL;
	d.decided_at_len = 0;
	if (at)
		d.decided_at = col_text(st, i + DC_AT, &d.decided_at_len);
	if (!p->ndec++)
		p->first_dec = d.id;
	p->ops->decision(p->ctx, &d);
}

/*
 * The decided_at of the case's first decision, handed without it, now that
 * the case has a second: a search by its id (*st prepared the first time).
 */
static int decision_first_at(struct pass *p, sqlite3_stmt **st,
			     struct sg_diag *diag)
{
	int ret = 0;

	if (!*st && (ret = sg_store_prepare(p->s, st,
					    "SELECT decided_at FROM decisions"
					    " WHERE id = ?1",
					    diag)))
		return ret;
	sqlite3_bind_int64(*st, 1, p->first_dec);
	switch (sqlite3_step(*st)) {
	case SQLITE_ROW: {
		size_t n;
		const char *at = col_text(*st, 0, &n);

		p->ops->first_decided_at(p->ctx, at, n);
		break;
	}
	case SQLITE_DONE:
		break;
	default:
		ret = sg_store_error(p->s, diag, "cannot read a decision");
	}
	sqlite3_reset(*st);
	return ret;
}

/*
 * The window's pass as one SELECT: cases LEFT JOIN current decisions LEFT
 * JOIN the model's current prediction, ordered by (night, id) (the
 * cases_night index gives the order), one row per case and current rater.
 * For any store; scan_merged() is quicker where it applies.
 */
#define JOINED                                                             \
	"SELECT c.id, c.night, c.segment_set, c.feature_set,"              \
	" c.features, d.id, d.label, d.value, d.decided_at,"               \
	" p.id, p.label, p.value, p.score, p.error"                        \
	" FROM cases c"                                                    \
	" LEFT JOIN decisions d ON d.case_ref = c.id"                      \
	"  AND d.is_current = 1"                                           \
	" LEFT JOIN predictions p ON p.model = ?1"                         \
	"  AND p.case_ref = c.id AND p.is_current = 1"

static int scan_joined(struct pass *p, struct sg_diag *diag)
{
	const struct sg_scan_window *w = p->w;
	sqlite3_stmt *st = NULL;
	long long cur = 0;
	int ret, rc, open = 0;

	ret = sg_store_prepare(
		p->s, &st,
		w->whole ? JOINED " ORDER BY c.night, c.id"
			 : JOINED " WHERE c.night >= ?2 AND c.night <= ?3"
				  " ORDER BY c.night, c.id",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, w->model_id);
	if (!w->whole) {
		sqlite3_bind_text(st, 2, win_since(w), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, win_until(w), -1, SQLITE_STATIC);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, CC_ID);

		if (!open || id != cur) {
			if (open)
				p->ops->end_case(p->ctx);
			begin_case(p, st, id);
			prediction(p,
				   sqlite3_column_type(st, CC_N + DC_N +
							       PC_ID) !=
						   SQLITE_NULL
					   ? st
					   : NULL,
				   CC_N + DC_N);
			cur = id;
			open = 1;
		}
		if (sqlite3_column_type(st, CC_N + DC_ID) != SQLITE_NULL)
			decision(p, st, CC_N, 1);
	}
	if (rc != SQLITE_DONE) {
		ret = sg_store_error(p->s, diag, "cannot read the cases");
		goto out;
	}
	if (open)
		p->ops->end_case(p->ctx);
out:
	sqlite3_finalize(st);
	return ret;
}

/* One row of a statement whose column 0 is a case id, into *ref. */
static int step_ref(sqlite3_stmt *st, long long *ref)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*ref = sqlite3_column_int64(st, 0);
	return rc;
}

/*
 * Whether scan_merged() can read the window: its cases in id order must be
 * in the order the pass wants, (night, id) (the cases without a night
 * first, in the whole store), that is, each night's ids all above the
 * previous night's, as when cases are ingested night after night. Two
 * probes of the cases_night index per night. *lo, *hi get the lowest and
 * the highest id of the window's cases (*lo > *hi: it has none). Returns 1
 * when they are in that order, 0 when not, or a negative SG_E* code.
 */
static int window_in_id_order(struct pass *p, long long *lo, long long *hi,
			      struct sg_diag *diag)
{
	static const char *const sql[] = {
		"SELECT id FROM cases WHERE night IS NULL ORDER BY id LIMIT 1",
		"SELECT id FROM cases WHERE night IS NULL"
		" ORDER BY id DESC LIMIT 1",
		"SELECT night, id FROM cases WHERE night >= ?1"
		" ORDER BY night, id LIMIT 1",
		"SELECT night, id FROM cases WHERE night > ?1"
		" ORDER BY night, id LIMIT 1",
		"SELECT id FROM cases WHERE night = ?1"
		" ORDER BY id DESC LIMIT 1",
	};
	enum { NULL_MIN, NULL_MAX, FIRST, NEXT, LAST, NSQL };
	sqlite3_stmt *st[NSQL] = {NULL};
	sqlite3_stmt *q;
	const char *until = win_until(p->w);
	char night[11];
	int ret = 0, rc, have = 0, i;

	*lo = 1;
	*hi = 0;
	for (i = 0; i < NSQL && !ret; i++)
		ret = sg_store_prepare(p->s, &st[i], sql[i], diag);
	if (ret)
		goto out;
	if (p->w->whole) {
		rc = step_ref(st[NULL_MIN], lo);
		if (rc == SQLITE_ROW)
			rc = step_ref(st[NULL_MAX], hi);
		if (rc == SQLITE_ROW)
			have = 1;
		else if (rc != SQLITE_DONE)
			goto fail;
	}
	/* whole: every night ('' is below any text); else from since */
	q = st[FIRST];
	sqlite3_bind_text(q, 1,
			  p->w->whole ? "" : win_since(p->w),
			  -1, SQLITE_STATIC);
	for (;;) {
		const char *t;
		long long first, last;

		rc = sqlite3_step(q);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW)
			goto fail;
		t = (const char *)sqlite3_column_text(q, 0);
		if (sqlite3_column_bytes(q, 0) != 10)
			goto out; /* not a night as ingest writes them */
		if (!p->w->whole && strcmp(t, until) > 0)
			break;
		memcpy(night, t, 11);
		first = sqlite3_column_int64(q, 1);
		if (have && first <= *hi)
			goto out; /* ret 0: not in id order */
		sqlite3_reset(st[LAST]);
		sqlite3_bind_text(st[LAST], 1, night, 10, SQLITE_STATIC);
		if (step_ref(st[LAST], &last) != SQLITE_ROW)
			goto fail;
		if (!have)
			*lo = first;
		*hi = last;
		have = 1;
		q = st[NEXT];
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, night, 10, SQLITE_STATIC);
	}
	ret = 1;
	goto out;
fail:
	ret = sg_store_error(p->s, diag, "cannot read the nights");
out:
	for (i = 0; i < NSQL; i++)
		sqlite3_finalize(st[i]);
	return ret;
}

/* How scan_merged() reads decisions and predictions (bits). */
#define MERGE_DEC_ROWID 1  /* decisions by rowid, not by decisions_case */
#define MERGE_PRED_ROWID 2 /* predictions by rowid, not predictions_current */

/* scan_merged(): a rowid scan was not in case order */
#define MERGE_UNORDERED 1

/* step_rowid(): next to SQLite's result codes, which are not negative */
#define STEP_UNORDERED (-1)

/*
 * One row of a rowid-order scan (column 0 a case id, into *ref; *last the
 * previous one): STEP_UNORDERED when it is below the previous (a case's
 * row stored after a later case's), which the merge cannot take.
 */
static int step_rowid(sqlite3_stmt *st, long long *ref, long long *last)
{
	int rc = step_ref(st, ref);

	if (rc == SQLITE_ROW) {
		if (*ref < *last)
			return STEP_UNORDERED;
		*last = *ref;
	}
	return rc;
}

static int step_merge(sqlite3_stmt *st, int rowid, long long *ref,
		      long long *last)
{
	return rowid ? step_rowid(st, ref, last) : step_ref(st, ref);
}

/*
 * The window's pass as ordered scans merged on the case id, when the
 * window's cases in id order are in (night, id) order
 * (window_in_id_order()): the cases of the id range lo .. hi by rowid; their
 * current decisions and the model's current predictions through the
 * decisions_case and predictions_current indexes, in (case id, id) order,
 * or (how & MERGE_*_ROWID) by rowid, a plain scan of the table, which
 * gives that order too when they were stored case after case, as one
 * ingest of a log does. The same cases, rows and order as scan_joined(),
 * without its three index searches per case.
 *
 * Returns 0, a negative SG_E* code, or MERGE_UNORDERED when a rowid scan
 * turned out not to be in case order: r then holds part of a pass, to be
 * started again (ops->restart) without that MERGE_*_ROWID.
 */
static int scan_merged(struct pass *p, long long lo, long long hi, int how,
		       struct sg_diag *diag)
{
	sqlite3_stmt *cs = NULL, *ds = NULL, *ps = NULL, *as = NULL;
	long long dref = 0, pref = 0, dlast = 0, plast = 0;
	int drow = how & MERGE_DEC_ROWID, prow = how & MERGE_PRED_ROWID;
	int ret, rc, drc, prc = SQLITE_DONE;

	ret = sg_store_prepare(
		p->s, &cs,
		p->w->whole ? "SELECT id, night, segment_set, feature_set,"
			      " features"
			   " FROM cases NOT INDEXED WHERE id BETWEEN ?1 AND ?2"
			 : "SELECT id, night, segment_set, feature_set, features"
			   " FROM cases NOT INDEXED WHERE id BETWEEN ?1 AND ?2"
			   " AND night >= ?3 AND night <= ?4",
		diag);
	if (!ret)
		ret = sg_store_prepare(
			p->s, &ds,
			drow ? "SELECT case_ref, id, label, value, decided_at"
			       " FROM decisions NOT INDEXED"
			       " WHERE case_ref BETWEEN ?1 AND ?2"
			       " AND is_current = 1 ORDER BY id"
			     : "SELECT case_ref, id, label, value, decided_at"
			       " FROM decisions"
			       " WHERE case_ref BETWEEN ?1 AND ?2"
			       " AND is_current = 1 ORDER BY case_ref, id",
			diag);
	if (!ret && p->w->model_id)
		ret = sg_store_prepare(
			p->s, &ps,
			prow ? "SELECT case_ref, id, label, value, score, error"
			       " FROM predictions NOT INDEXED WHERE model = ?1"
			       " AND case_ref BETWEEN ?2 AND ?3"
			       " AND is_current = 1 ORDER BY id"
			     : "SELECT case_ref, id, label, value, score, error"
			       " FROM predictions WHERE model = ?1"
			       " AND case_ref BETWEEN ?2 AND ?3"
			       " AND is_current = 1 ORDER BY case_ref",
			diag);
	if (ret)
		goto out;
	sqlite3_bind_int64(cs, 1, lo);
	sqlite3_bind_int64(cs, 2, hi);
	if (!p->w->whole) {
		sqlite3_bind_text(cs, 3, win_since(p->w), -1, SQLITE_STATIC);
		sqlite3_bind_text(cs, 4, win_until(p->w), -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(ds, 1, lo);
	sqlite3_bind_int64(ds, 2, hi);
	drc = step_merge(ds, drow, &dref, &dlast);
	if (ps) {
		sqlite3_bind_int64(ps, 1, p->w->model_id);
		sqlite3_bind_int64(ps, 2, lo);
		sqlite3_bind_int64(ps, 3, hi);
		prc = step_merge(ps, prow, &pref, &plast);
	}
	while ((rc = sqlite3_step(cs)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(cs, CC_ID);

		begin_case(p, cs, id);
		/* rows of cases outside the window are passed over */
		while (prc == SQLITE_ROW && pref < id)
			prc = step_merge(ps, prow, &pref, &plast);
		prediction(p, prc == SQLITE_ROW && pref == id ? ps : NULL, 1);
		while (drc == SQLITE_ROW && dref < id)
			drc = step_merge(ds, drow, &dref, &dlast);
		/* by rowid, cases seldom have two: decided_at when they do */
		while (drc == SQLITE_ROW && dref == id) {
			if (drow && p->ndec == 1 &&
			    (ret = decision_first_at(p, &as, diag)))
				goto out;
			decision(p, ds, 1, !drow || p->ndec);
			drc = step_merge(ds, drow, &dref, &dlast);
		}
		if ((drc != SQLITE_ROW && drc != SQLITE_DONE) ||
		    (prc != SQLITE_ROW && prc != SQLITE_DONE))
			break;
		p->ops->end_case(p->ctx);
	}
	/* the rest of a rowid scan must be in order too: a row below the
	 * last case would belong to a case already counted */
	while (rc == SQLITE_DONE && drow && drc == SQLITE_ROW)
		drc = step_rowid(ds, &dref, &dlast);
	while (rc == SQLITE_DONE && prow && prc == SQLITE_ROW)
		prc = step_rowid(ps, &pref, &plast);
	if (drc == STEP_UNORDERED || prc == STEP_UNORDERED)
		ret = MERGE_UNORDERED;
	else if (rc != SQLITE_DONE ||
		 (drc != SQLITE_ROW && drc != SQLITE_DONE) ||
		 (prc != SQLITE_ROW && prc != SQLITE_DONE))
		ret = sg_store_error(p->s, diag, "cannot read the cases");
out:
	sqlite3_finalize(cs);
	sqlite3_finalize(ds);
	sqlite3_finalize(ps);
	sqlite3_finalize(as);
	return ret;
}

/*
 * Whether scan_merged() should try decisions and predictions in rowid order
 * (MERGE_*_ROWID): when the table holds no more rows than there are cases
 * (no corrections, no second rater, no other model or rescore to pass over
 * or to break the order), by their largest ids, and the window spans most
 * of the cases. Only a guess; scan_merged() checks.
 */
static int merge_how(struct pass *p, long long lo, long long hi)
{
	sqlite3_stmt *st = NULL;
	int how = 0;

	if (sqlite3_prepare_v2(p->s->db,
			       "SELECT (SELECT max(id) FROM cases),"
			       " (SELECT max(id) FROM decisions),"
			       " (SELECT max(id) FROM predictions)",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		long long cases = sqlite3_column_int64(st, 0);

		if (hi >= lo && 2 * (hi - lo + 1) >= cases) {
			if (sqlite3_column_int64(st, 1) <= cases)
				how |= MERGE_DEC_ROWID;
			if (sqlite3_column_int64(st, 2) <= cases)
				how |= MERGE_PRED_ROWID;
		}
	}
	sqlite3_finalize(st);
	return how;
}


int sg_scan_window(struct sg_store *s, struct sg_scan_window *w,
		   const struct sg_scan_ops *ops, void *ctx,
		   struct sg_diag *diag)
{
	struct pass p;
	sqlite3 *db = s->db;
	long long lo, hi;
	long long cache;
	int ret, tx = 0;

	if (w->empty)
		return 0;
	memset(&p, 0, sizeof(p));
	p.s = s;
	p.w = w;
	p.ops = ops;
	p.ctx = ctx;
	cache = sg_store_cache_shrink(s, SG_SCAN_CACHE_KIB);
	if (sqlite3_get_autocommit(db)) {
		ret = sg_store_exec(s, "BEGIN", diag);
		if (ret)
			goto out;
		tx = 1;
	}
	ret = sg_store_segsets_load(s, diag);
	if (ret)
		goto out;
	ret = window_in_id_order(&p, &lo, &hi, diag);
	if (ret > 0) {
		ret = scan_merged(&p, lo, hi, merge_how(&p, lo, hi), diag);
		if (ret == MERGE_UNORDERED) {
			/* the window is worked out again, now inside the
			 * transaction: so are its cases */
			ret = ops->restart(ctx, w, diag);
			if (!ret)
				ret = w->empty ? 0
					       : window_in_id_order(&p, &lo,
								    &hi, diag);
			if (ret > 0)
				ret = scan_merged(&p, lo, hi, 0, diag);
			else if (!ret && !w->empty)
				ret = scan_joined(&p, diag);
		}
	} else if (!ret) {
		ret = scan_joined(&p, diag);
	}
out:
	if (tx)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sg_buf_release(&p.features);
	sg_store_cache_restore(s, cache);
	return ret;
}

/* ---- the reference window ---- */

int sg_scan_reference(struct sg_store *s, const char *since,
		      const char *until,
		      void (*fn)(void *ctx, const struct sg_scan_case *c),
		      void *ctx, struct sg_diag *diag)
{
	struct sg_buf scratch = SG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	long long cache;
	int ret, rc;

	ret = sg_store_prepare(s, &st,
			       "SELECT night, segment_set, feature_set, features"
			       " FROM cases WHERE night >= ?1 AND night <= ?2"
			       " ORDER BY night, id",
			       diag);
	if (ret)
		return ret;
	ret = sg_store_segsets_load(s, diag);
	if (ret) {
		sqlite3_finalize(st);
		return ret;
	}
	cache = sg_store_cache_shrink(s, SG_SCAN_CACHE_KIB);
	sqlite3_bind_text(st, 1, since, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, until, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sg_scan_case c;

		sg_scan_case_cols(s, st, 0, &c, &scratch);
		fn(ctx, &c);
	}
	if (rc != SQLITE_DONE)
		ret = sg_store_error(s, diag,
				     "cannot read the reference window");
	sqlite3_finalize(st);
	sg_buf_release(&scratch);
	sg_store_cache_restore(s, cache);
	return ret;
}

/* ---- spilled scores ---- */

struct sg_scan_spill {
	struct sg_store *s;
	unsigned long table;  /* temp.sg_scores_<table> */
	sqlite3_stmt *ins;    /* inserts SG_SCAN_SPILL_BATCH rows */
	sqlite3_stmt *rd;     /* the reading: the GROUP BY ... */
	int rc;               /* ... and its step to read next */
	char *err;            /* why the table could not be written */
};

/* Keeps the first error: the connection's message. */
static void spill_fail(struct sg_scan_spill *sp, const char *what)
{
	struct sg_buf b = SG_BUF_INIT;

	if (sp->err)
		return;
	sg_buf_addf(&b, "%s: %s", what, sqlite3_errmsg(sp->s->db));
	sp->err = sg_buf_detach(&b);
}

struct sg_scan_spill *sg_scan_spill_open(struct sg_store *s)
{
	static atomic_ulong tables; /* names apart on one connection */
	struct sg_scan_spill *sp = sg_xcalloc(1, sizeof(*sp));
	struct sg_buf sql = SG_BUF_INIT;
	size_t i;

	sp->s = s;
	sp->table = atomic_fetch_add(&tables, 1) + 1;
	sg_buf_addf(&sql,
		    "CREATE TEMP TABLE sg_scores_%lu"
		    "(k INTEGER NOT NULL, n INTEGER NOT NULL)",
		    sp->table);
	if (sqlite3_exec(s->db, sql.buf, NULL, NULL, NULL) != SQLITE_OK) {
		spill_fail(sp, "cannot keep the scores");
		goto out;
	}
	sg_buf_reset(&sql);
	sg_buf_addf(&sql, "INSERT INTO temp.sg_scores_%lu(k, n) VALUES",
		    sp->table);
	for (i = 0; i < SG_SCAN_SPILL_BATCH; i++)
		sg_buf_addf(&sql, "%s(?, ?)", i ? "," : " ");
	if (sqlite3_prepare_v2(s->db, sql.buf, -1, &sp->ins, NULL) !=
	    SQLITE_OK)
		spill_fail(sp, "cannot keep the scores");
out:
	sg_buf_release(&sql);
	return sp;
}

void sg_scan_spill_write(struct sg_scan_spill *sp,
			 const struct sg_scan_keycount *rows, size_t n)
{
	sqlite3_stmt *st = sp->ins;
	struct sg_buf sql = SG_BUF_INIT;
	size_t i;

	if (!n || sp->err)
		return;
	if (n < SG_SCAN_SPILL_BATCH) {
		sg_buf_addf(&sql, "INSERT INTO temp.sg_scores_%lu(k, n) VALUES",
			    sp->table);
		for (i = 0; i < n; i++)
			sg_buf_addf(&sql, "%s(?, ?)", i ? "," : " ");
		if (sqlite3_prepare_v2(sp->s->db, sql.buf, -1, &st, NULL) !=
		    SQLITE_OK) {
			spill_fail(sp, "cannot keep the scores");
			st = NULL;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, (int)(2 * i + 1), rows[i].k);
		sqlite3_bind_int64(st, (int)(2 * i + 2),
				   (sqlite3_int64)rows[i].n);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		spill_fail(sp, "cannot keep the scores");
	sqlite3_reset(st);
out:
	if (st != sp->ins)
		sqlite3_finalize(st);
	sg_buf_release(&sql);
}

const char *sg_scan_spill_error(const struct sg_scan_spill *sp)
{
	return sp->err;
}

int sg_scan_spill_rewind(struct sg_scan_spill *sp, struct sg_diag *diag)
{
	char sql[96];
	long long cache;

	sg_scan_spill_end(sp);
	if (!sp->err) {
		snprintf(sql, sizeof(sql),
			 "SELECT k, sum(n) FROM temp.sg_scores_%lu"
			 " GROUP BY k ORDER BY k",
			 sp->table);
		if (sqlite3_prepare_v2(sp->s->db, sql, -1, &sp->rd, NULL) !=
		    SQLITE_OK)
			spill_fail(sp, "cannot read the scores");
	}
	if (sp->err) {
		sg_diag_set(diag, NULL, 0, 0, "%s", sp->err);
		return SG_ESTORE;
	}
	/* the sorter takes its memory bound from the cache size when it
	 * starts, at the first step */
	cache = sg_store_cache_shrink(sp->s, SG_SCAN_CACHE_KIB);
	sp->rc = sqlite3_step(sp->rd);
	sg_store_cache_restore(sp->s, cache);
	return 0;
}

int sg_scan_spill_next(struct sg_scan_spill *sp, int64_t *k, size_t *n,
		       struct sg_diag *diag)
{
	int rc = sp->rc;

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW) {
		sg_diag_set(diag, NULL, 0, 0, "cannot read the scores: %s",
			    sqlite3_errmsg(sp->s->db));
		return SG_ESTORE;
	}
	*k = sqlite3_column_int64(sp->rd, 0);
	*n = (size_t)sqlite3_column_int64(sp->rd, 1);
	sp->rc = sqlite3_step(sp->rd);
	return 1;
}

void sg_scan_spill_end(struct sg_scan_spill *sp)
{
	sqlite3_finalize(sp->rd);
	sp->rd = NULL;
}

void sg_scan_spill_drop(struct sg_scan_spill *sp)
{
	char sql[64];

	if (!sp)
		return;
	sqlite3_finalize(sp->ins);
	sqlite3_finalize(sp->rd);
	snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS temp.sg_scores_%lu",
		 sp->table);
	sqlite3_exec(sp->s->db, sql, NULL, NULL, NULL);
	free(sp->err);
	free(sp);
}
