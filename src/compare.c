/*
 * compare.c - a candidate against an incumbent on the cases both scored.
 */
#include "sg/compare.h"

#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sg/buf.h"
#include "sg/reference.h"
#include "store_impl.h"

static int model_id(struct sg_store *s, const char *spec, long *id,
		    struct sg_diag *diag)
{
	const char *at = strrchr(spec, '@');
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if (!at || at == spec || !at[1]) {
		sg_diag_set(diag, NULL, 0, 0,
			    "'%s' is not a model: expected NAME@VERSION", spec);
		return SG_EUSAGE;
	}
	ret = sg_store_prepare(s, &st,
			       "SELECT id FROM models WHERE name = ?1 AND "
			       "version = ?2",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, spec, (int)(at - spec), SQLITE_STATIC);
	sqlite3_bind_text(st, 2, at + 1, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
	} else if (rc == SQLITE_DONE) {
		sg_diag_set(diag, NULL, 0, 0, "no model %s in the store", spec);
		ret = SG_EUSAGE;
	} else {
		ret = sg_store_error(s, diag, "cannot look up a model");
	}
	sqlite3_finalize(st);
	return ret;
}

/* Whether a model's output agrees with a human decision: columns h (label,
 * value) of the decision and m of the prediction. A NULL on either side
 * never agrees. */
static int agrees(sqlite3_stmt *st, int h, int m, int numeric,
		  double tolerance)
{
	if (numeric) {
		if (sqlite3_column_type(st, h + 1) == SQLITE_NULL ||
		    sqlite3_column_type(st, m + 1) == SQLITE_NULL)
			return 0;
		return fabs(sqlite3_column_double(st, h + 1) -
			    sqlite3_column_double(st, m + 1)) <= tolerance;
	}
	if (sqlite3_column_type(st, h) == SQLITE_NULL ||
	    sqlite3_column_type(st, m) == SQLITE_NULL)
		return 0;
	return sqlite3_column_bytes(st, h) == sqlite3_column_bytes(st, m) &&
	       !memcmp(sqlite3_column_blob(st, h), sqlite3_column_blob(st, m),
		       (size_t)sqlite3_column_bytes(st, h));
}

/*
 * The cases both models scored without error, one row per current human
 * decision, a case's rows together. The reference decision of a case is
 * picked from its rows by the rule of sg/reference.h, as the report does:
 * not in SQL, whose julianday() does not read +HHMM or +HH offsets.
 */
int sg_compare_models(struct sg_store *s, const char *candidate,
		      const char *incumbent, const char *since,
		      const char *until, int numeric, double tolerance,
		      struct sg_compare *out, struct sg_diag *diag)
{
	static const char *const sql =
		"SELECT c.id, d.id, d.decided_at, d.label, d.value,"
		" a.label, a.value, b.label, b.value"
		" FROM cases c JOIN decisions d ON d.case_ref = c.id"
		"  AND d.is_current = 1"
		" JOIN predictions a ON a.case_ref = c.id AND a.model = ?1"
		"  AND a.is_current = 1 AND a.error IS NULL"
		" JOIN predictions b ON b.case_ref = c.id AND b.model = ?2"
		"  AND b.is_current = 1 AND b.error IS NULL"
		" WHERE (?3 IS NULL OR c.night >= ?3)"
		" AND (?4 IS NULL OR c.night <= ?4)"
		" ORDER BY c.id";
	sqlite3_stmt *st = NULL;
	long cand, inc;
	long long case_id = 0, best_id = 0;
	double best_t = 0;
	int ret, rc, have = 0, best_a = 0, best_b = 0;

	memset(out, 0, sizeof(*out));
	out->candidate_rate = out->incumbent_rate = NAN;
	ret = model_id(s, candidate, &cand, diag);
	if (!ret)
		ret = model_id(s, incumbent, &inc, diag);
	if (ret)
		return ret;
	ret = sg_store_prepare(s, &st, sql, diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, cand);
	sqlite3_bind_int64(st, 2, inc);
	if (since)
		sqlite3_bind_text(st, 3, since, -1, SQLITE_STATIC);
	if (until)
		sqlite3_bind_text(st, 4, until, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long c = sqlite3_column_int64(st, 0);
		long long id = sqlite3_column_int64(st, 1);
		const char *at = (const char *)sqlite3_column_text(st, 2);
		double t = sg_reference_time(
			at, at ? (size_t)sqlite3_column_bytes(st, 2) : 0);

		if (have && c != case_id) {
			out->n++;
			out->candidate_agree += best_a;
			out->incumbent_agree += best_b;
			have = 0;
		}
		if (!have || sg_reference_outranks(t, id, best_t, best_id)) {
			best_t = t;
			best_id = id;
			best_a = agrees(st, 3, 5, numeric, tolerance);
			best_b = agrees(st, 3, 7, numeric, tolerance);
		}
		case_id = c;
		have = 1;
	}
	if (rc != SQLITE_DONE) {
		ret = sg_store_error(s, diag, "cannot compare the models");
	} else {
		if (have) {
			out->n++;
			out->candidate_agree += best_a;
			out->incumbent_agree += best_b;
		}
		if (out->n) {
			out->candidate_rate =
				(double)out->candidate_agree / (double)out->n;
			out->incumbent_rate =
				(double)out->incumbent_agree / (double)out->n;
		}
	}
	sqlite3_finalize(st);
	return ret;
}

static const char *str_at(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

	if (b)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void put_rate(cJSON *o, const char *key, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

int sg_compare_attach(struct sg_store *s, cJSON *report, const char *incumbent,
		      double tolerance, struct sg_diag *diag)
{
	const char *name = str_at(report, "model", "name");
	const char *version = str_at(report, "model", "version");
	const char *type = str_at(report, "decision_type", NULL);
	struct sg_buf cand = SG_BUF_INIT;
	struct sg_compare c;
	cJSON *o;
	int ret;

	if (!name || !version) {
		sg_diag_set(diag, NULL, 0, 0,
			    "the report has no model to compare with %s",
			    incumbent);
		return SG_EUSAGE;
	}
	sg_buf_addf(&cand, "%s@%s", name, version);
	ret = sg_compare_models(s, cand.buf, incumbent,
				str_at(report, "window", "since"),
				str_at(report, "window", "until"),
				type && !strcmp(type, "numeric"), tolerance, &c,
				diag);
	sg_buf_release(&cand);
	if (ret)
		return ret;
	cJSON_DeleteItemFromObjectCaseSensitive(report, "incumbent");
	o = cJSON_AddObjectToObject(report, "incumbent");
	cJSON_AddStringToObject(o, "model", incumbent);
	cJSON_AddNumberToObject(o, "n", (double)c.n);
	cJSON_AddNumberToObject(o, "candidate_agree", (double)c.candidate_agree);
	cJSON_AddNumberToObject(o, "incumbent_agree", (double)c.incumbent_agree);
	put_rate(o, "candidate_rate", c.candidate_rate);
	put_rate(o, "incumbent_rate", c.incumbent_rate);
	put_rate(o, "difference", c.candidate_rate - c.incumbent_rate);
	return 0;
}
