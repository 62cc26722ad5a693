/*
 * store_scan_lookup.c - the store's look-ups for the report and the sample
 * (declared in scan.h), apart from the window's pass: the model of the
 * report, the window's nights and undated cases, the decision type of the
 * store, feature sets, single cases, the runs of a model (software), the
 * previous version and the predictions that changed since it, and the
 * stored reports.
 */
#include "scan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/report.h"

#define col_double sg_scan_col_double

static char *col_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? sg_xstrdup((const char *)t) : NULL;
}

static const char *win_since(const struct sg_scan_window *w)
{
	return w->since ? w->since : "0000-01-01";
}

static const char *win_until(const struct sg_scan_window *w)
{
	return w->until ? w->until : "9999-12-31";
}

/* ---- the model and the window ---- */

static void known_models(struct sg_store *s, struct sg_buf *b)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT name || '@' || version FROM models"
			       " ORDER BY created_at DESC, id DESC LIMIT 6",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == 5) {
			sg_buf_addstr(b, ", ...");
			break;
		}
		sg_buf_addf(b, "%s%s", n ? ", " : "",
			    (const char *)sqlite3_column_text(st, 0));
		n++;
	}
	if (!n)
		sg_buf_addstr(b, "none");
	sqlite3_finalize(st);
}

#define MODEL_COLS "SELECT id, name, version, backend, sha256, created_at"   \
		   " FROM models"
#define HAS_PREDS                                                          \
	"EXISTS (SELECT 1 FROM predictions p WHERE p.model = models.id"    \
	" AND p.is_current = 1)"

int sg_scan_find_model(struct sg_store *s, const char *spec,
		       struct sg_scan_model *m, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	const char *at = spec ? strrchr(spec, '@') : NULL;
	int ret, rc;

	if (!spec)
		ret = sg_store_prepare(s, &st,
				       MODEL_COLS " WHERE " HAS_PREDS
						  " ORDER BY created_at DESC,"
						  " id DESC LIMIT 1",
				       diag);
	else if (at)
		ret = sg_store_prepare(s, &st,
				       MODEL_COLS
				       " WHERE name = ?1 AND version = ?2",
				       diag);
	else
		ret = sg_store_prepare(s, &st,
				       MODEL_COLS " WHERE name = ?1 ORDER BY "
				       HAS_PREDS " DESC, created_at DESC,"
				       " id DESC LIMIT 1",
				       diag);
	if (ret)
		return ret;
	if (spec && at) {
		sqlite3_bind_text(st, 1, spec, (int)(at - spec), SQLITE_STATIC);
		sqlite3_bind_text(st, 2, at + 1, -1, SQLITE_STATIC);
	} else if (spec) {
		sqlite3_bind_text(st, 1, spec, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		m->id = sqlite3_column_int64(st, 0);
		m->name = col_strdup(st, 1);
		m->version = col_strdup(st, 2);
		m->backend = col_strdup(st, 3);
		m->sha256 = col_strdup(st, 4);
		m->created_at = col_strdup(st, 5);
		ret = 0;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
		if (spec) {
			struct sg_buf b = SG_BUF_INIT;

			known_models(s, &b);
			sg_diag_set(diag, NULL, 0, 0,
				    "--model: unknown model '%s' (the store "
				    "has: %s)", spec, b.buf);
			sg_buf_release(&b);
			ret = SG_EUSAGE;
		}
	} else {
		ret = sg_store_error(s, diag, "cannot read the models");
	}
	sqlite3_finalize(st);
	return ret;
}

int sg_scan_count_undated(struct sg_store *s, long *n, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret = sg_store_prepare(
		s, &st, "SELECT count(*) FROM cases WHERE night IS NULL", diag);

	if (ret)
		return ret;
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = (long)sqlite3_column_int64(st, 0);
	else
		ret = sg_store_error(s, diag, "cannot count the cases");
	sqlite3_finalize(st);
	return ret;
}

/* The min and max of a (min(night), max(night)) row into lo, hi. */
static int night_range(struct sg_store *s, sqlite3_stmt *st, char lo[11],
		       char hi[11], int *found, struct sg_diag *diag)
{
	int ret = 0;

	*found = 0;
	if (sqlite3_step(st) != SQLITE_ROW) {
		ret = sg_store_error(s, diag, "cannot read the nights");
	} else if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
		snprintf(lo, 11, "%.10s",
			 (const char *)sqlite3_column_text(st, 0));
		snprintf(hi, 11, "%.10s",
			 (const char *)sqlite3_column_text(st, 1));
		*found = 1;
	}
	sqlite3_finalize(st);
	return ret;
}

int sg_scan_last_nights(struct sg_store *s, const char *until, long last,
			char lo[11], char hi[11], int *found,
			struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret = sg_store_prepare(s, &st,
				   "SELECT min(night), max(night) FROM"
				   " (SELECT DISTINCT night FROM cases"
				   "  WHERE night IS NOT NULL AND night <= ?1"
				   "  ORDER BY night DESC LIMIT ?2)",
				   diag);

	*found = 0;
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, until ? until : "9999-12-31", -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, last);
	return night_range(s, st, lo, hi, found, diag);
}

int sg_scan_first_nights(struct sg_store *s, long n, char lo[11],
			 char hi[11], int *found, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret = sg_store_prepare(s, &st,
				   "SELECT min(night), max(night) FROM"
				   " (SELECT DISTINCT night FROM cases"
				   "  WHERE night IS NOT NULL"
				   "  ORDER BY night LIMIT ?1)",
				   diag);

	*found = 0;
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, n);
	return night_range(s, st, lo, hi, found, diag);
}

#define TYPE_KEY "decision_type"

/*
 * The decision type the store's meta row records (ingest writes it with
 * the first decisions it stores): *type SG_DECISION_AUTO when there is no
 * such row (a store of none yet, or from before the row was kept).
 */
static int recorded_type(struct sg_store *s, int *type, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret = sg_store_prepare(s, &st,
				   "SELECT value FROM meta WHERE key = '"
				   TYPE_KEY "'",
				   diag);

	*type = SG_DECISION_AUTO;
	if (ret)
		return ret;
	switch (sqlite3_step(st)) {
	case SQLITE_ROW: {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		if (v && !strcmp(v, "label"))
			*type = SG_DECISION_LABEL;
		else if (v && !strcmp(v, "numeric"))
			*type = SG_DECISION_NUMERIC;
		break;
	}
	case SQLITE_DONE:
		break;
	default:
		ret = sg_store_error(s, diag, "cannot read the decision type");
	}
	sqlite3_finalize(st);
	return ret;
}

/*
 * The decision type from the current decisions themselves: that of the
 * first, and with `whole`, a pass over all of them to find one of the
 * other kind (a store of both cannot be compared); so it is done once per
 * store, for the meta row.
 */
static int scanned_type(struct sg_store *s, int *type, int whole,
			struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, first = SG_DECISION_AUTO, other = 0;

	*type = SG_DECISION_AUTO;
	ret = sg_store_prepare(s, &st,
			       "SELECT label IS NULL FROM decisions"
			       " WHERE is_current = 1 AND (label IS NOT NULL OR"
			       " value IS NOT NULL) LIMIT 1",
			       diag);
	if (ret)
		return ret;
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		first = sqlite3_column_int(st, 0) ? SG_DECISION_NUMERIC
						  : SG_DECISION_LABEL;
		break;
	case SQLITE_DONE:
		break;
	default:
		ret = sg_store_error(s, diag, "cannot read the decisions");
	}
	sqlite3_finalize(st);
	if (ret || first == SG_DECISION_AUTO || !whole) {
		*type = first;
		return ret;
	}
	/* the other kind anywhere: a store of both cannot be compared */
	ret = sg_store_prepare(s, &st,
			       first == SG_DECISION_LABEL
				       ? "SELECT EXISTS (SELECT 1 FROM decisions"
					 " WHERE is_current = 1 AND label IS NULL"
					 " AND value IS NOT NULL)"
				       : "SELECT EXISTS (SELECT 1 FROM decisions"
					 " WHERE is_current = 1 AND label IS NOT"
					 " NULL)",
			       diag);
	if (ret)
		return ret;
	if (sqlite3_step(st) == SQLITE_ROW)
		other = sqlite3_column_int(st, 0);
	else
		ret = sg_store_error(s, diag, "cannot read the decisions");
	sqlite3_finalize(st);
	if (ret)
		return ret;
	if (other) {
		sg_diag_set(diag, NULL, 0, 0,
			    "the store holds both label and numeric decisions: "
			    "they cannot be compared with one model");
		return SG_EDATA;
	}
	*type = first;
	return 0;
}

int sg_decision_type_of_store(struct sg_store *s, int *type,
			      struct sg_diag *diag)
{
	int ret = recorded_type(s, type, diag);

	if (ret || *type != SG_DECISION_AUTO)
		return ret;
	return scanned_type(s, type, 1, diag);
}

int sg_store_decision_type_record(struct sg_store *s, int was_empty,
				  struct sg_diag *diag)
{
	static const char *const name[] = {"label", "numeric"};
	int ret, type;

	ret = recorded_type(s, &type, diag);
	if (ret || type != SG_DECISION_AUTO)
		return ret;
	ret = scanned_type(s, &type, !was_empty, diag);
	if (ret || type == SG_DECISION_AUTO)
		return ret;
	return sg_store_meta_set(s, TYPE_KEY,
				 name[type == SG_DECISION_NUMERIC],
				 "the decision type", diag);
}

/* ---- feature sets, single cases ---- */

struct sg_scan_names {
	sqlite3_stmt *st;
};

int sg_scan_feature_names(struct sg_store *s, struct sg_scan_names **q,
			  long long id, cJSON **names)
{
	sqlite3_stmt *st;

	*names = NULL;
	if (!*q) {
		if (sqlite3_prepare_v2(s->db,
				       "SELECT names FROM feature_sets"
				       " WHERE id = ?1",
				       -1, &st, NULL) != SQLITE_OK)
			return -1;
		*q = sg_xmalloc(sizeof(**q));
		(*q)->st = st;
	}
	st = (*q)->st;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		*names = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return 0;
}

void sg_scan_names_close(struct sg_scan_names *q)
{
	if (!q)
		return;
	sqlite3_finalize(q->st);
	free(q);
}

int sg_scan_case_row(struct sg_store *s, long long id,
		     void (*fn)(void *ctx, const struct sg_scan_case *c),
		     void *ctx, struct sg_diag *diag)
{
	static const char sql[] =
		"SELECT case_id, night, segment_set, feature_set, features"
		" FROM cases WHERE id = ?1";
	struct sg_buf scratch = SG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	struct sg_scan_case c;
	int ret = sg_store_prepare(s, &st, sql, diag);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		ret = sg_store_error(s, diag, "cannot read a case");
		goto out;
	}
	sg_scan_case_cols(s, st, 1, &c, &scratch);
	c.id = id;
	c.case_id = (const char *)sqlite3_column_text(st, 0);
	fn(ctx, &c);
out:
	sqlite3_finalize(st);
	sg_buf_release(&scratch);
	return ret;
}

/* ---- runs ---- */

int sg_scan_run_count(struct sg_store *s, long long model, long *runs,
		      struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret = sg_store_prepare(s, &st,
				   "SELECT count(*) FROM runs WHERE model = ?1",
				   diag);

	*runs = 0;
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, model);
	if (sqlite3_step(st) == SQLITE_ROW)
		*runs = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int sg_scan_latest_run(struct sg_store *s, long long model,
		       void (*fn)(void *ctx, const struct sg_scan_run *r),
		       void *ctx, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	struct sg_scan_run r;
	int ret = sg_store_prepare(s, &st,
				   "SELECT id, status, started_at, finished_at,"
				   " cases, scored, errors, p50_ms, p95_ms,"
				   " p99_ms, throughput, peak_rss_kb,"
				   " latency_method, startup_ms FROM runs"
				   " WHERE model = ?1 ORDER BY id DESC LIMIT 1",
				   diag);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, model);
	if (sqlite3_step(st) == SQLITE_ROW) {
		r.cases = sqlite3_column_int64(st, 4);
		r.errors = sqlite3_column_int64(st, 6);
		r.id = sqlite3_column_int64(st, 0);
		r.status = (const char *)sqlite3_column_text(st, 1);
		r.started_at = (const char *)sqlite3_column_text(st, 2);
		r.finished_at = (const char *)sqlite3_column_text(st, 3);
		r.scored = sqlite3_column_int64(st, 5);
		r.p50_ms = col_double(st, 7);
		r.p95_ms = col_double(st, 8);
		r.p99_ms = col_double(st, 9);
		r.throughput = col_double(st, 10);
		r.peak_rss_kb = col_double(st, 11);
		r.latency_method = (const char *)sqlite3_column_text(st, 12);
		r.startup_ms = col_double(st, 13);
		fn(ctx, &r);
	} else {
		fn(ctx, NULL);
	}
	sqlite3_finalize(st);
	return 0;
}

int sg_scan_run_nights(struct sg_store *s, long long model, int nights,
		       void (*fn)(void *ctx,
				  const struct sg_scan_run_night *n),
		       void *ctx, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, rc, i;

	ret = sg_store_prepare(
		s, &st,
		"SELECT * FROM (SELECT night, count(*), sum(cases), sum(scored),"
		" sum(errors), avg(p50_ms), avg(p95_ms), avg(p99_ms),"
		" avg(throughput), avg(peak_rss_kb) FROM"
		" (SELECT date(started_at) AS night, cases, scored, errors,"
		"  p50_ms, p95_ms, p99_ms, throughput, peak_rss_kb"
		"  FROM runs WHERE model = ?1)"
		" WHERE night IS NOT NULL GROUP BY night"
		" ORDER BY night DESC LIMIT ?2) ORDER BY night",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, model);
	sqlite3_bind_int(st, 2, nights);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sg_scan_run_night n;

		n.night = (const char *)sqlite3_column_text(st, 0);
		n.runs = (long)sqlite3_column_int64(st, 1);
		n.cases = (long)sqlite3_column_int64(st, 2);
		n.scored = (long)sqlite3_column_int64(st, 3);
		n.errors = (long)sqlite3_column_int64(st, 4);
		n.m[SG_SCAN_ERROR_RATE] = NAN;
		for (i = SG_SCAN_P50; i < SG_SCAN_METRICS; i++)
			n.m[i] = col_double(st, 4 + i);
		fn(ctx, &n);
	}
	if (rc != SQLITE_DONE)
		ret = sg_store_error(s, diag, "cannot read the runs");
	sqlite3_finalize(st);
	return ret;
}

int sg_scan_latest_run_metrics(struct sg_store *s, long long model,
			       char night[11], double m[SG_SCAN_METRICS],
			       struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, rc, i;

	night[0] = '\0';
	ret = sg_store_prepare(s, &st,
			       "SELECT date(started_at), CASE WHEN cases > 0"
			       " THEN CAST(errors AS REAL) / cases END,"
			       " p50_ms, p95_ms, p99_ms, throughput,"
			       " peak_rss_kb FROM runs WHERE model = ?1"
			       " ORDER BY id DESC LIMIT 1",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, model);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		snprintf(night, 11, "%.10s",
			 (const char *)sqlite3_column_text(st, 0));
		for (i = 0; i < SG_SCAN_METRICS; i++)
			m[i] = col_double(st, 1 + i);
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		ret = sg_store_error(s, diag, "cannot read the runs");
	}
	sqlite3_finalize(st);
	return ret;
}

int sg_scan_runs_between(struct sg_store *s, long long model,
			 const char *first, const char *before, long *runs,
			 long *nights, double m[SG_SCAN_METRICS],
			 struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, i;

	ret = sg_store_prepare(
		s, &st,
		"SELECT count(*), count(DISTINCT date(started_at)),"
		" avg(CASE WHEN cases > 0 THEN CAST(errors AS REAL) / cases END),"
		" avg(p50_ms), avg(p95_ms), avg(p99_ms), avg(throughput),"
		" avg(peak_rss_kb) FROM runs WHERE model = ?1"
		" AND date(started_at) >= ?2 AND date(started_at) < ?3",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, model);
	sqlite3_bind_text(st, 2, first, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, before, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*runs = (long)sqlite3_column_int64(st, 0);
		*nights = (long)sqlite3_column_int64(st, 1);
		for (i = 0; i < SG_SCAN_METRICS; i++)
			m[i] = col_double(st, 2 + i);
	} else {
		ret = sg_store_error(s, diag, "cannot read the runs");
	}
	sqlite3_finalize(st);
	return ret;
}

/* ---- versions ---- */

int sg_scan_previous_version(struct sg_store *s, const char *name,
			     long long id, const char *at, long long *prev,
			     void (*fn)(void *ctx, long long id,
					const char *version,
					const char *created_at),
			     void *ctx, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	*prev = 0;
	ret = sg_store_prepare(s, &st,
			       "SELECT id, version, created_at FROM models"
			       " WHERE name = ?1 AND id <> ?2"
			       " AND (created_at < ?3"
			       "  OR (created_at = ?3 AND id < ?2))"
			       " ORDER BY created_at DESC, id DESC LIMIT 1",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, at, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*prev = sqlite3_column_int64(st, 0);
		fn(ctx, *prev, (const char *)sqlite3_column_text(st, 1),
		   (const char *)sqlite3_column_text(st, 2));
	} else if (rc != SQLITE_DONE) {
		ret = sg_store_error(s, diag, "cannot read the models");
	}
	sqlite3_finalize(st);
	return ret;
}

int sg_scan_version_change(struct sg_store *s, const struct sg_scan_window *w,
			   long long a, long long b, int numeric,
			   double tolerance,
			   void (*fn)(void *ctx, const char *night, long n,
				      long changed),
			   void *ctx, struct sg_diag *diag)
{
	struct sg_buf sql = SG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int ret, rc;

	sg_buf_addf(&sql,
		    "SELECT c.night, count(*), sum(%s) FROM cases c"
		    " JOIN predictions a ON a.case_ref = c.id AND a.model = ?1"
		    "  AND a.is_current = 1 AND a.error IS NULL"
		    "  AND a.%s IS NOT NULL"
		    " JOIN predictions b ON b.case_ref = c.id AND b.model = ?2"
		    "  AND b.is_current = 1 AND b.error IS NULL"
		    "  AND b.%s IS NOT NULL",
		    numeric ? "abs(a.value - b.value) > ?5"
			    : "a.label <> b.label",
		    numeric ? "value" : "label",
		    numeric ? "value" : "label");
	if (!w->whole)
		sg_buf_addstr(&sql, " WHERE c.night >= ?3 AND c.night <= ?4");
	sg_buf_addstr(&sql, " GROUP BY c.night ORDER BY c.night");
	ret = sg_store_prepare(s, &st, sql.buf, diag);
	if (ret)
		goto out;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	if (!w->whole) {
		sqlite3_bind_text(st, 3, win_since(w), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, win_until(w), -1, SQLITE_STATIC);
	}
	if (numeric)
		sqlite3_bind_double(st, 5, tolerance);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(ctx, (const char *)sqlite3_column_text(st, 0),
		   (long)sqlite3_column_int64(st, 1),
		   (long)sqlite3_column_int64(st, 2));
	if (rc != SQLITE_DONE)
		ret = sg_store_error(s, diag,
				     "cannot compare with the previous version");
out:
	sqlite3_finalize(st);
	sg_buf_release(&sql);
	return ret;
}

/* ---- stored reports ---- */

int sg_scan_insert_report(struct sg_store *s, int has_model, long long model,
			  const char *since, const char *until,
			  const char *created_at, const char *json, long *id,
			  struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret;

	ret = sg_store_prepare(s, &st,
			       "INSERT INTO reports(model, since, until,"
			       " created_at, json) VALUES (?1, ?2, ?3, ?4, ?5)",
			       diag);
	if (ret)
		return ret;
	if (has_model)
		sqlite3_bind_int64(st, 1, model);
	if (since)
		sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
	if (until)
		sqlite3_bind_text(st, 3, until, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, created_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, json, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sg_store_error(s, diag, "cannot store the report");
	else if (id)
		*id = (long)sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return ret;
}
