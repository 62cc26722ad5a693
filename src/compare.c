/*
 * compare.c - a candidate against an incumbent on the cases both scored.
 */
#include "sg/compare.h"

#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sg/buf.h"

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

int sg_compare_models(struct sg_store *s, const char *candidate,
		      const char *incumbent, const char *since,
		      const char *until, int numeric, double tolerance,
		      struct sg_compare *out, struct sg_diag *diag)
{
	static const char *const sql_label =
		"WITH h AS (SELECT case_ref, label, value, row_number() OVER ("
		"  PARTITION BY case_ref ORDER BY julianday(decided_at) DESC"
		"  NULLS LAST, id DESC) AS rn FROM decisions WHERE is_current = 1)"
		" SELECT count(*), coalesce(sum(h.label = a.label), 0),"
		" coalesce(sum(h.label = b.label), 0)"
		" FROM cases c JOIN h ON h.case_ref = c.id AND h.rn = 1"
		" JOIN predictions a ON a.case_ref = c.id AND a.model = ?1"
		"  AND a.is_current = 1 AND a.error IS NULL"
		" JOIN predictions b ON b.case_ref = c.id AND b.model = ?2"
		"  AND b.is_current = 1 AND b.error IS NULL"
		" WHERE (?3 IS NULL OR c.night >= ?3)"
		" AND (?4 IS NULL OR c.night <= ?4)";
	static const char *const sql_num =
		"WITH h AS (SELECT case_ref, label, value, row_number() OVER ("
		"  PARTITION BY case_ref ORDER BY julianday(decided_at) DESC"
		"  NULLS LAST, id DESC) AS rn FROM decisions WHERE is_current = 1)"
		" SELECT count(*),"
		" coalesce(sum(abs(h.value - a.value) <= ?5), 0),"
		" coalesce(sum(abs(h.value - b.value) <= ?5), 0)"
		" FROM cases c JOIN h ON h.case_ref = c.id AND h.rn = 1"
		" JOIN predictions a ON a.case_ref = c.id AND a.model = ?1"
		"  AND a.is_current = 1 AND a.error IS NULL"
		" JOIN predictions b ON b.case_ref = c.id AND b.model = ?2"
		"  AND b.is_current = 1 AND b.error IS NULL"
		" WHERE (?3 IS NULL OR c.night >= ?3)"
		" AND (?4 IS NULL OR c.night <= ?4)";
	sqlite3_stmt *st = NULL;
	long cand, inc;
	int ret;

	memset(out, 0, sizeof(*out));
	out->candidate_rate = out->incumbent_rate = NAN;
	ret = model_id(s, candidate, &cand, diag);
	if (!ret)
		ret = model_id(s, incumbent, &inc, diag);
	if (ret)
		return ret;
	ret = sg_store_prepare(s, &st, numeric ? sql_num : sql_label, diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, cand);
	sqlite3_bind_int64(st, 2, inc);
	if (since)
		sqlite3_bind_text(st, 3, since, -1, SQLITE_STATIC);
	if (until)
		sqlite3_bind_text(st, 4, until, -1, SQLITE_STATIC);
	if (numeric)
		sqlite3_bind_double(st, 5, tolerance);
	if (sqlite3_step(st) != SQLITE_ROW) {
		ret = sg_store_error(s, diag, "cannot compare the models");
	} else {
		out->n = sqlite3_column_int64(st, 0);
		out->candidate_agree = sqlite3_column_int64(st, 1);
		out->incumbent_agree = sqlite3_column_int64(st, 2);
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
