/*
 * store_history.c - the store's record of what was concluded: the latest
 * stored report of a window, the verdicts of the gate, and the queries of
 * history (the latest report of each model and night, the runs).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sg/report.h"
#include "sg/store.h"
#include "store_impl.h"

/* A copy of column i's text into *out (NULL for NULL). 0 or SG_ENOMEM. */
static int dup_text(sqlite3_stmt *st, int i, char **out, struct sg_diag *d)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	*out = NULL;
	if (!t)
		return 0;
	*out = strdup(t);
	if (*out)
		return 0;
	sg_diag_set(d, NULL, 0, 0, "out of memory");
	return SG_ENOMEM;
}

int sg_store_latest_report(struct sg_store *s, const char *since,
			   const char *until, long *id, char **json,
			   struct sg_diag *d)
{
	sqlite3_stmt *st = NULL;
	int ret;

	*id = 0;
	*json = NULL;
	ret = sg_store_prepare(s, &st,
			       "SELECT id, json FROM reports WHERE since IS ?1"
			       " AND until IS ?2 ORDER BY id DESC LIMIT 1",
			       d);
	if (ret)
		return ret;
	if (since)
		sqlite3_bind_text(st, 1, since, -1, SQLITE_STATIC);
	if (until)
		sqlite3_bind_text(st, 2, until, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		ret = dup_text(st, 1, json, d);
	}
	sqlite3_finalize(st);
	return ret;
}

int sg_store_latest_verdict(struct sg_store *s, long report_id,
			    char **verdict, char **checks, struct sg_diag *d)
{
	sqlite3_stmt *st = NULL;
	int ret;

	*verdict = *checks = NULL;
	ret = sg_store_prepare(s, &st,
			       "SELECT verdict, checks FROM verdicts WHERE "
			       "report = ?1 ORDER BY id DESC LIMIT 1",
			       d);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, report_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		ret = dup_text(st, 0, verdict, d);
		if (!ret)
			ret = dup_text(st, 1, checks, d);
	}
	sqlite3_finalize(st);
	return ret;
}

int sg_store_add_verdict(struct sg_store *s, long report_id, long model_id,
			 const char *policy, const char *verdict,
			 const char *reason, const char *checks,
			 long *verdict_id, struct sg_diag *d)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret;

	sg_now_iso(now);
	ret = sg_store_prepare(s, &st,
			       "INSERT INTO verdicts(report, model, policy, "
			       "verdict, reason, checks, created_at) VALUES "
			       "(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       d);
	if (ret)
		return ret;
	if (report_id)
		sqlite3_bind_int64(st, 1, report_id);
	if (model_id)
		sqlite3_bind_int64(st, 2, model_id);
	sqlite3_bind_text(st, 3, policy, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, verdict, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, checks, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sg_store_error(s, d, "cannot store the verdict");
	else if (verdict_id)
		*verdict_id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return ret;
}

/* A number or null. */
static void add_num(cJSON *dst, const char *key, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(dst, key, v);
	else
		cJSON_AddNullToObject(dst, key);
}

/* An interval [low, high] of the stored report, or null without one. */
static void add_ci(cJSON *dst, const double ci[2], int there)
{
	cJSON *a;

	if (!there) {
		cJSON_AddNullToObject(dst, "ci95");
		return;
	}
	a = cJSON_AddArrayToObject(dst, "ci95");
	cJSON_AddItemToArray(a, isfinite(ci[0]) ? cJSON_CreateNumber(ci[0])
						: cJSON_CreateNull());
	cJSON_AddItemToArray(a, isfinite(ci[1]) ? cJSON_CreateNumber(ci[1])
						: cJSON_CreateNull());
}

/* A stored report read back as the typed report (report_json.c); NULL
 * when its text is not one (then the night's figures are null). */
static struct sg_report *stored_report(const char *text)
{
	cJSON *tree = text ? cJSON_Parse(text) : NULL;
	struct sg_report *r = NULL;

	if (tree && sg_report_from_json(tree, &r, NULL))
		r = NULL;
	cJSON_Delete(tree);
	return r;
}

int sg_store_history_nights(struct sg_store *s, const char *model_filter,
			    cJSON **out, struct sg_diag *d)
{
	/* the latest report of each (model, night) */
	const char *sql =
		"SELECT r.id, r.until, m.name, m.version, r.json,"
		" (SELECT v.verdict FROM verdicts v WHERE v.report = r.id"
		"  ORDER BY v.id DESC LIMIT 1),"
		" (SELECT v.reason FROM verdicts v WHERE v.report = r.id"
		"  ORDER BY v.id DESC LIMIT 1)"
		" FROM reports r JOIN models m ON m.id = r.model"
		" WHERE r.id IN (SELECT max(id) FROM reports"
		"  WHERE model IS NOT NULL GROUP BY model, until)"
		" AND (?1 IS NULL OR m.name || '@' || m.version = ?1"
		"  OR m.name = ?1)"
		" ORDER BY m.name, m.version, r.until";
	sqlite3_stmt *st = NULL;
	cJSON *arr = cJSON_CreateArray();
	char prev_model[512] = "";
	double prev_rate = NAN;
	int rc, err;

	*out = arr;
	err = sg_store_prepare(s, &st, sql, d);
	if (err)
		return err;
	if (model_filter)
		sqlite3_bind_text(st, 1, model_filter, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sg_report *rep =
			stored_report((const char *)sqlite3_column_text(st, 4));
		int model = rep && rep->has_model;
		cJSON *o = cJSON_CreateObject(), *a;
		char name[512];
		double rate = model ? rep->agreement.rate : NAN;

		snprintf(name, sizeof(name), "%s@%s",
			 (const char *)sqlite3_column_text(st, 2),
			 (const char *)sqlite3_column_text(st, 3));
		if (strcmp(name, prev_model))
			prev_rate = NAN;
		cJSON_AddStringToObject(
			o, "night",
			sqlite3_column_text(st, 1)
				? (const char *)sqlite3_column_text(st, 1)
				: "");
		cJSON_AddStringToObject(o, "model", name);
		cJSON_AddNumberToObject(o, "report", (double)sqlite3_column_int64(st, 0));
		add_num(o, "cases", rep ? (double)rep->cases : NAN);
		a = cJSON_AddObjectToObject(o, "agreement");
		add_num(a, "rate", rate);
		add_ci(a, model ? rep->agreement.ci95 : NULL, model);
		a = cJSON_AddObjectToObject(o, "kappa");
		add_num(a, "value", model ? rep->kappa.value : NAN);
		add_ci(a, model ? rep->kappa.ci95 : NULL, model);
		if (isfinite(rate) && isfinite(prev_rate))
			cJSON_AddNumberToObject(o, "change", rate - prev_rate);
		else
			cJSON_AddNullToObject(o, "change");
		if (sqlite3_column_text(st, 5)) {
			cJSON_AddStringToObject(
				o, "verdict",
				(const char *)sqlite3_column_text(st, 5));
			cJSON_AddStringToObject(
				o, "reason",
				(const char *)sqlite3_column_text(st, 6));
		} else {
			cJSON_AddNullToObject(o, "verdict");
			cJSON_AddNullToObject(o, "reason");
		}
		prev_rate = rate;
		snprintf(prev_model, sizeof(prev_model), "%s", name);
		cJSON_AddItemToArray(arr, o);
		sg_report_free(rep);
	}
	if (rc != SQLITE_DONE)
		err = sg_store_error(s, d, "cannot read the reports");
	sqlite3_finalize(st);
	return err;
}

int sg_store_history_runs(struct sg_store *s, const char *model_filter,
			  cJSON **out, struct sg_diag *d)
{
	const char *sql =
		"SELECT r.id, m.name || '@' || m.version, r.started_at,"
		" r.status, r.cases, r.scored, r.errors, r.wall_s,"
		" r.throughput, r.p50_ms, r.p95_ms, r.p99_ms, r.peak_rss_kb"
		" FROM runs r JOIN models m ON m.id = r.model"
		" WHERE (?1 IS NULL OR m.name || '@' || m.version = ?1"
		"  OR m.name = ?1) ORDER BY r.id";
	sqlite3_stmt *st = NULL;
	cJSON *arr = cJSON_CreateArray();
	int rc, i, err;

	*out = arr;
	err = sg_store_prepare(s, &st, sql, d);
	if (err)
		return err;
	if (model_filter)
		sqlite3_bind_text(st, 1, model_filter, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		static const char *const keys[] = {
			"cases",	"scored", "errors", "wall_s",
			"throughput", "p50_ms", "p95_ms", "p99_ms",
			"peak_rss_kb"};
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "run", (double)sqlite3_column_int64(st, 0));
		cJSON_AddStringToObject(o, "model",
					(const char *)sqlite3_column_text(st, 1));
		cJSON_AddStringToObject(o, "started_at",
					(const char *)sqlite3_column_text(st, 2));
		cJSON_AddStringToObject(o, "status",
					(const char *)sqlite3_column_text(st, 3));
		for (i = 0; i < 9; i++) {
			if (sqlite3_column_type(st, 4 + i) == SQLITE_NULL)
				cJSON_AddNullToObject(o, keys[i]);
			else
				cJSON_AddNumberToObject(
					o, keys[i],
					sqlite3_column_double(st, 4 + i));
		}
		cJSON_AddItemToArray(arr, o);
	}
	if (rc != SQLITE_DONE)
		err = sg_store_error(s, d, "cannot read the runs");
	sqlite3_finalize(st);
	return err;
}

