/*
 * Tests for the review loop (src/store_review.c, src/review*.c): the
 * store's batches and idempotent verdicts, the export's allocation,
 * reproducibility and blinding, Label Studio's export read back, and the
 * review block's numbers. Those are worked by hand in the comments or
 * computed with numpy and statsmodels by scripts/review_reference.py
 * (its output pasted below), never taken from this code's output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg/review.h"

#define TOL 1e-12

static char dbpath[256];

static void near(double got, double want, const char *what, int line)
{
	if (!(fabs(got - want) <= TOL))
		fail_msg("line %d: %s: got %.17g, want %.17g", line, what, got,
			 want);
}

#define NEAR(got, want) near((got), (want), #got, __LINE__)

static int setup(void **state)
{
	(void)state;
	snprintf(dbpath, sizeof(dbpath), "test_review_%d.db", (int)getpid());
	unlink(dbpath);
	return 0;
}

static int teardown(void **state)
{
	char p[300];

	(void)state;
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	return 0;
}

static long long count(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* A store with one model, m1@v1, and no cases yet. */
static struct sg_store *open_store(void)
{
	struct sg_store *s = NULL;
	struct sg_diag d;

	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(
		sg_store_exec(s,
			      "INSERT INTO ingest_batches VALUES (1, 'x.csv', 0,"
			      " 'x', 'csv', 0, 0, 0, 0, 0, 0, 'now', 'now');"
			      "INSERT INTO models(id, name, version, backend,"
			      " created_at) VALUES (1, 'm1', 'v1', 'logged',"
			      " 'now');",
			      &d),
		0);
	return s;
}

/*
 * n cases decided h by a person and m by the model, spread over three
 * nights; their rows from *next on (returns the first).
 */
static long long add_cell(struct sg_store *s, const char *h, const char *m,
			  int n, long long *next)
{
	long long first = *next;
	struct sg_diag d;
	char sql[1024];
	int i;

	for (i = 0; i < n; i++, (*next)++) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO cases(id, case_id, night, batch, line)"
			 " VALUES (%lld, 'c%04lld-%s-%s', '2026-11-1%lld', 1,"
			 " %lld);"
			 "INSERT INTO decisions(case_ref, rater, label,"
			 " is_current, batch, line) VALUES (%lld, 'p1', '%s',"
			 " 1, 1, %lld);"
			 "INSERT INTO predictions(model, case_ref, label,"
			 " is_current, created_at) VALUES (1, %lld, '%s', 1,"
			 " 'now');",
			 *next, *next, h, m, *next % 3 + 6, *next, *next, h,
			 *next, *next, m);
		assert_int_equal(sg_store_exec(s, sql, &d), 0);
	}
	return first;
}

/* ---- the store ---- */

static void verdicts_are_idempotent_and_latest_wins(void **state)
{
	struct sg_store *s = open_store();
	struct sg_review_case c[2] = {{0, "approve", "reject", 1, 0, 'a'},
				      {0, "reject", "reject", 2, 1, 'b'}};
	struct sg_review_batch b;
	struct sg_review_target t;
	struct sg_review_verdict v = {"ana", "approve", NULL, "v.csv", 2,
				      "2026-12-01T10:00:00Z"};
	struct sg_diag d;
	long long next = 1, id;
	int changed;

	(void)state;
	c[0].case_ref = add_cell(s, "approve", "reject", 1, &next);
	c[1].case_ref = add_cell(s, "reject", "reject", 1, &next);
	memset(&b, 0, sizeof(b));
	b.model_id = 1;
	b.created_at = "2026-12-01T09:00:00Z";
	b.seed = UINT64_MAX; /* kept exactly: a text column */
	b.blind = 1;
	b.disagreements = 4;
	b.agreements = 1;
	b.cases = c;
	b.ncases = 2;
	assert_int_equal(sg_store_review_add_batch(s, &b, &id, &d), 0);
	assert_int_equal(id, 1);
	assert_int_equal(count("SELECT count(*) FROM review_batches WHERE seed"
			       " = '18446744073709551615'"),
			 1);
	assert_int_equal(count("SELECT count(*) FROM review_cases WHERE"
			       " why = 'agreement' AND model_side = 'b'"),
			 1);
	assert_int_equal(sg_store_review_find(s, "c0001-approve-reject", 0, &t,
					      &d),
			 0);
	assert_true(t.review_case > 0);
	assert_int_equal(t.batch, 1);
	assert_int_equal(sg_store_review_put(s, &t, &v, &changed, &d), 0);
	assert_int_equal(changed, 1);
	/* the same verdict again, from another import: nothing changes */
	v.imported_at = "2026-12-02T10:00:00Z";
	assert_int_equal(sg_store_review_put(s, &t, &v, &changed, &d), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(count("SELECT count(*) FROM review_verdicts WHERE"
			       " imported_at = '2026-12-01T10:00:00Z'"),
			 1);
	/* a changed verdict replaces that reviewer's, with its place */
	v.verdict = "reject";
	v.line = 7;
	assert_int_equal(sg_store_review_put(s, &t, &v, &changed, &d), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(count("SELECT count(*) FROM review_verdicts WHERE"
			       " verdict = 'reject' AND line = 7"),
			 1);
	assert_int_equal(count("SELECT count(*) FROM review_verdicts"), 1);
	/* a case in no batch, and a batch that did not draw the case */
	assert_int_equal(sg_store_review_find(s, "nope", 0, &t, &d), 0);
	assert_int_equal(t.review_case, 0);
	assert_int_equal(sg_store_review_find(s, "c0001-approve-reject", 2, &t,
					      &d),
			 0);
	assert_int_equal(t.review_case, 0);
	sg_store_close(s);
}

/* ---- the export ---- */


/* Exports to a memory buffer; returns its text (free it). */
static char *export(struct sg_store *s, long n, long m, uint64_t seed,
		    int blind, enum sg_review_format fmt,
		    struct sg_review_export_info *info)
{
	struct sg_review_export_opts o;
	struct sg_diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	memset(&o, 0, sizeof(o));
	sg_report_opts_init(&o.report);
	o.disagreements = n;
	o.agreements = m;
	o.seed = seed;
	o.blind = blind;
	o.created_at = "2026-12-01T09:00:00Z";
	assert_int_equal(sg_review_export(s, &o, fmt, f, info, &d), 0);
	fclose(f);
	return buf;
}

/* Cells of 10 (approve -> reject), 5 (reject -> approve), 20 and 15
 * agreements: 50 cases. */
static struct sg_store *store_of_four_cells(void)
{
	struct sg_store *s = open_store();
	long long next = 1;

	add_cell(s, "approve", "reject", 10, &next);
	add_cell(s, "reject", "approve", 5, &next);
	add_cell(s, "approve", "approve", 20, &next);
	add_cell(s, "reject", "reject", 15, &next);
	return s;
}

static void export_allocates_with_a_floor_of_two(void **state)
{
	struct sg_store *s = store_of_four_cells();
	struct sg_review_export_info info;
	char *q;

	(void)state;
	/* N = 6 over cells of 10 and 5: deserved 4 and 2, floors 2 and 2:
	 * 4 and 2. M = N / 4 = 1 (integer) over 20 and 15: not enough for
	 * every floor, the largest cell first: 1 and 0 */
	q = export(s, 6, -1, 42, 1, SG_REVIEW_CSV, &info);
	free(q);
	assert_int_equal(info.disagreements, 15);
	assert_int_equal(info.agreements, 35);
	assert_int_equal(info.drawn_disagreements, 6);
	assert_int_equal(info.drawn_agreements, 1);
	assert_int_equal(info.strata, 4);
	assert_int_equal(count("SELECT count(*) FROM review_cases WHERE"
			       " human = 'approve' AND model = 'reject'"),
			 4);
	assert_int_equal(count("SELECT count(*) FROM review_cases WHERE"
			       " human = 'reject' AND model = 'approve'"),
			 2);
	assert_int_equal(count("SELECT count(*) FROM review_cases WHERE"
			       " human = 'approve' AND model = 'approve'"
			       " AND why = 'agreement'"),
			 1);
	assert_int_equal(count("SELECT agreements FROM review_batches"), 1);
	/* N = 3: the floors first (2 and 2 do not fit): the larger cell 2,
	 * then 1; M = 6 over 20 and 15: deserved 3.43 and 2.57 -> 3, 3 */
	q = export(s, 3, 6, 42, 1, SG_REVIEW_CSV, &info);
	free(q);
	assert_int_equal(info.drawn_disagreements, 3);
	assert_int_equal(info.drawn_agreements, 6);
	assert_int_equal(count("SELECT count(*) FROM review_cases WHERE batch"
			       " = 2 AND human = 'approve' AND model ="
			       " 'reject'"),
			 2);
	assert_int_equal(count("SELECT count(*) FROM review_cases WHERE batch"
			       " = 2 AND human = 'reject' AND model ="
			       " 'reject'"),
			 3);
	sg_store_close(s);
}

static void export_is_reproducible_and_blind(void **state)
{
	struct sg_store *s = store_of_four_cells();
	struct sg_review_export_info info;
	char *q1, *q2, *q3, *line;
	long rows = 0, model_a = 0;

	(void)state;
	q1 = export(s, 8, 4, 7, 1, SG_REVIEW_CSV, &info);
	q2 = export(s, 8, 4, 7, 1, SG_REVIEW_CSV, &info);
	q3 = export(s, 8, 4, 8, 1, SG_REVIEW_CSV, &info);
	/* the same seed: the same cases in the same order with the same
	 * sides; only the batch column differs (1 and 2) */
	assert_int_equal(strlen(q1), strlen(q2));
	{
		char *p;

		for (p = q2; (p = strstr(p, "\n2,")); p++)
			p[1] = '1';
	}
	assert_string_equal(q1, q2);
	assert_string_not_equal(q1, q3);
	/* the store knows which side is the model's, and the queue shows the
	 * two decisions as a and b, not as human and model */
	assert_non_null(strstr(q1, ",a,b,verdict,reviewer,note\n"));
	assert_null(strstr(q1, "human"));
	assert_int_equal(count("SELECT count(*) FROM review_cases WHERE batch"
			       " = 1"),
			 12);
	for (line = strtok(q1, "\n"); line; line = strtok(NULL, "\n")) {
		char id[64], a[16], b[16];
		char sql[512];
		const char *p = strchr(line, ',');

		if (!strncmp(line, "batch,", 6))
			continue;
		rows++;
		assert_int_equal(sscanf(p + 1, "%63[^,]", id), 1);
		p = strrchr(line, ',');          /* before note */
		while (p > line && p[-1] == ',') /* verdict, reviewer empty */
			p--;
		/* a and b are the two fields before the three empty ones */
		{
			const char *e = p, *s2 = e - 1;

			while (s2 > line && *s2 != ',')
				s2--;
			snprintf(b, sizeof(b), "%.*s", (int)(e - s2 - 1),
				 s2 + 1);
			e = s2;
			s2 = e - 1;
			while (s2 > line && *s2 != ',')
				s2--;
			snprintf(a, sizeof(a), "%.*s", (int)(e - s2 - 1),
				 s2 + 1);
		}
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM review_cases rc JOIN cases c ON"
			 " c.id = rc.case_ref WHERE rc.batch = 1 AND"
			 " c.case_id = '%s' AND ((rc.model_side = 'a' AND"
			 " rc.model = '%s' AND rc.human = '%s') OR"
			 " (rc.model_side = 'b' AND rc.model = '%s' AND"
			 " rc.human = '%s'))",
			 id, a, b, b, a);
		assert_int_equal(count(sql), 1);
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM review_cases rc JOIN cases c ON"
			 " c.id = rc.case_ref WHERE rc.batch = 1 AND"
			 " c.case_id = '%s' AND rc.model_side = 'a'",
			 id);
		model_a += count(sql);
	}
	assert_int_equal(rows, 12);
	/* the order is drawn per case: neither side always holds the model */
	assert_true(model_a > 0 && model_a < rows);
	free(q1);
	free(q2);
	free(q3);
	sg_store_close(s);
}

static void export_unblinded_and_label_studio_tasks(void **state)
{
	struct sg_store *s = store_of_four_cells();
	struct sg_review_export_info info;
	cJSON *tasks, *t, *ch;
	char *q;

	(void)state;
	q = export(s, 2, 0, 1, 0, SG_REVIEW_JSONL, &info);
	assert_non_null(strstr(q, "\"human\":\"approve\",\"model\":\"reject\""));
	assert_non_null(strstr(q, "\"verdict\":null"));
	free(q);
	q = export(s, 2, 2, 1, 1, SG_REVIEW_LABEL_STUDIO, &info);
	tasks = cJSON_Parse(q);
	assert_true(cJSON_IsArray(tasks));
	assert_int_equal(cJSON_GetArraySize(tasks), 4);
	cJSON_ArrayForEach(t, tasks)
	{
		cJSON *data = cJSON_GetObjectItem(t, "data");

		assert_true(cJSON_IsString(cJSON_GetObjectItem(data, "case_id")));
		assert_true(cJSON_IsString(cJSON_GetObjectItem(data, "text")));
		assert_true(cJSON_IsNumber(cJSON_GetObjectItem(data, "batch")));
		assert_null(cJSON_GetObjectItem(data, "verdict"));
		/* the candidates first (one when they agree), then the
		 * window's other labels: always both labels here */
		ch = cJSON_GetObjectItem(data, "choices");
		assert_int_equal(cJSON_GetArraySize(ch), 2);
		assert_string_equal(
			cJSON_GetObjectItem(cJSON_GetArrayItem(ch, 0), "value")
				->valuestring,
			cJSON_GetObjectItem(data, "a")->valuestring);
	}
	cJSON_Delete(tasks);
	free(q);
	sg_store_close(s);
}

/* ---- import ---- */

struct rejects {
	int n;
	char last[1100];
	long line;
};

static void on_reject(void *ctx, const struct sg_diag *why)
{
	struct rejects *r = ctx;

	r->n++;
	r->line = why->line;
	snprintf(r->last, sizeof(r->last), "%s", why->msg);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void label_studio_export_is_read_with_lines(void **state)
{
	struct sg_store *s = store_of_four_cells();
	struct sg_review_export_info info;
	struct sg_review_import_info ii;
	struct rejects r;
	struct sg_diag d;
	char path[300];
	char *q;

	(void)state;
	q = export(s, 10, 0, 1, 1, SG_REVIEW_CSV, &info); /* cases 1 .. 10 */
	free(q);
	snprintf(path, sizeof(path), "%s.json", dbpath);
	write_file(path,
		   "[\n"
		   " {\"data\": {\"case_id\": \"c0001-approve-reject\"},\n"
		   "  \"annotations\": [{\"completed_by\": 5, \"result\":\n"
		   "   [{\"type\": \"choices\", \"value\": {\"choices\":"
		   " [\"refer\"]}}]}]},\n"
		   " {\"data\": {\"case_id\": \"c0099-unknown\"},\n"
		   "  \"annotations\": [{\"completed_by\": 5, \"result\":\n"
		   "   [{\"type\": \"choices\", \"value\": {\"choices\":"
		   " [\"refer\"]}}]}]}\n"
		   "]\n");
	memset(&ii, 0, sizeof(ii));
	memset(&r, 0, sizeof(r));
	assert_int_equal(sg_review_import(s, path, NULL, on_reject, &r, &ii,
					  &d),
			 0);
	assert_int_equal(ii.rows, 2);
	assert_int_equal(ii.stored, 1);
	assert_int_equal(ii.rejected, 1);
	assert_int_equal(r.line, 5); /* the second task starts on line 5 */
	assert_non_null(strstr(r.last, "'c0099-unknown' is in no review"));
	assert_int_equal(count("SELECT count(*) FROM review_verdicts WHERE"
			       " reviewer = 'label-studio user 5' AND verdict"
			       " = 'refer'"),
			 1);
	/* a broken task names the line where the JSON breaks */
	write_file(path, "[\n {\"data\": {}},\n {\"data\": \n\n ]\n");
	memset(&ii, 0, sizeof(ii));
	assert_int_equal(sg_review_import(s, path, NULL, on_reject, &r, &ii,
					  &d),
			 SG_EDATA);
	assert_int_equal(d.line, 5);
	assert_non_null(strstr(d.msg, "starts on line 3"));
	unlink(path);
	sg_store_close(s);
}

/* ---- the review block ---- */

struct verdict_spec {
	long long case_ref;
	const char *reviewer, *verdict;
};

static void put(struct sg_store *s, long long batch_case_ref,
		const char *reviewer, const char *verdict)
{
	struct sg_review_target t;
	struct sg_review_verdict v = {reviewer, verdict, NULL, "v.csv", 2,
				      "2026-12-01T10:00:00Z"};
	struct sg_diag d;
	char id[64];
	int changed;
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT case_id FROM cases WHERE"
					    " id = ?1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, batch_case_ref);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(id, sizeof(id), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_int_equal(sg_store_review_find(s, id, 0, &t, &d), 0);
	assert_true(t.review_case > 0);
	assert_int_equal(sg_store_review_put(s, &t, &v, &changed, &d), 0);
}

static const struct sg_review_stratum *
stratum_of(const struct sg_review_result *r, const char *h, const char *m)
{
	size_t i;

	for (i = 0; i < r->nstrata; i++)
		if (!strcmp(r->strata[i].human, h) &&
		    !strcmp(r->strata[i].model, m))
			return &r->strata[i];
	fail_msg("no stratum %s -> %s", h, m);
	return NULL;
}

/*
 * The table of scripts/review_reference.py: cells of 10, 5, 3, 20 and 15
 * cases; reviewed 4, 3 (and a tie), 3 (all of it), 3 and 2.
 */
static struct sg_store *store_reviewed(void)
{
	struct sg_store *s = open_store();
	struct sg_review_case c[16];
	struct sg_review_batch b;
	struct sg_diag d;
	long long next = 1, ar, ra, fr, aa, rr, id;
	size_t n = 0;
	int i;

	ar = add_cell(s, "approve", "reject", 10, &next);
	ra = add_cell(s, "reject", "approve", 5, &next);
	fr = add_cell(s, "refer", "reject", 3, &next);
	aa = add_cell(s, "approve", "approve", 20, &next);
	rr = add_cell(s, "reject", "reject", 15, &next);
	memset(c, 0, sizeof(c));
#define DRAW(first, k, hl, ml)                                             \
	for (i = 0; i < (k); i++, n++) {                                   \
		c[n].case_ref = (first) + i;                               \
		c[n].human = hl;                                           \
		c[n].model = ml;                                           \
		c[n].model_side = 'a';                                     \
	}
	DRAW(ar, 4, "approve", "reject");
	DRAW(ra, 4, "reject", "approve");
	DRAW(fr, 3, "refer", "reject");
	DRAW(aa, 3, "approve", "approve");
	DRAW(rr, 2, "reject", "reject");
#undef DRAW
	memset(&b, 0, sizeof(b));
	b.model_id = 1;
	b.created_at = "2026-12-01T09:00:00Z";
	b.cases = c;
	b.ncases = n;
	assert_int_equal(sg_store_review_add_batch(s, &b, &id, &d), 0);
	put(s, ar, "ana", "reject");
	put(s, ar + 1, "ana", "reject");
	put(s, ar + 2, "ana", "approve");
	put(s, ar + 3, "ana", "refer");
	put(s, ar + 3, "ben", "refer");
	put(s, ar + 3, "cy", "approve");
	put(s, ra, "ana", "approve");
	put(s, ra + 1, "ana", "reject");
	put(s, ra + 2, "ana", "reject");
	put(s, ra + 3, "ana", "approve"); /* a tie: unresolved */
	put(s, ra + 3, "ben", "reject");
	put(s, fr, "ana", "refer");
	put(s, fr + 1, "ana", "refer");
	put(s, fr + 2, "ana", "reject");
	put(s, aa, "ana", "approve");
	put(s, aa + 1, "ana", "approve");
	put(s, aa + 2, "ana", "reject");
	put(s, rr, "ana", "reject");
	put(s, rr + 1, "ana", "reject");
	return s;
}

static void review_block_matches_the_reference(void **state)
{
	struct sg_store *s = store_reviewed();
	struct sg_report_opts o;
	struct sg_review_result r;
	const struct sg_review_stratum *st;
	struct sg_diag d;

	(void)state;
	sg_report_opts_init(&o);
	assert_int_equal(sg_review_collect(s, &o, &r, &d), 0);
	assert_int_equal(r.reviewed, 15);
	assert_int_equal(r.unresolved, 1);
	assert_int_equal(r.nstrata, 5);
	/* disagreement cells first, by human then model label */
	assert_string_equal(r.strata[0].human, "approve");
	assert_string_equal(r.strata[1].human, "refer");
	assert_string_equal(r.strata[2].human, "reject");
	assert_string_equal(r.strata[3].model, "approve");
	/* scripts/review_reference.py:
	 * approve -> reject: N 10, n 4, model_right 2, human_right 1
	 * reject -> approve: N 5, n 3, model_right 1, human_right 2
	 * refer -> reject: N 3, n 3, model_right 1, human_right 2
	 * approve -> approve: N 20, n 3, model_right 2, human_right 2
	 * reject -> reject: N 15, n 2, model_right 2, human_right 2 */
	st = stratum_of(&r, "approve", "reject");
	assert_int_equal(st->r.N, 10);
	assert_int_equal(st->r.n, 4);
	assert_int_equal(st->r.model_right, 2);
	assert_int_equal(st->r.human_right, 1);
	st = stratum_of(&r, "reject", "approve");
	assert_int_equal(st->r.N, 5);
	assert_int_equal(st->r.n, 3);
	assert_int_equal(st->r.model_right, 1);
	assert_int_equal(st->r.human_right, 2);
	st = stratum_of(&r, "refer", "reject");
	assert_int_equal(st->r.n, 3);
	assert_int_equal(st->r.model_right, 1);
	st = stratum_of(&r, "approve", "approve");
	assert_int_equal(st->r.N, 20);
	assert_int_equal(st->r.model_right, 2);
	st = stratum_of(&r, "reject", "reject");
	assert_int_equal(st->r.n, 2);
	/* by hand: model = (10 * 2/4 + 5 * 1/3 + 3 * 1/3 + 20 * 2/3 + 15 *
	 * 2/2) / 53 = 36 / 53; the refer cell is reviewed completely and
	 * adds no variance; the rest from the script:
	 * model: estimate 0.679245283018868 low 0.43425463044641366
	 *        high 0.92423593559132233
	 * human: estimate 0.6823899371069182 low 0.44091327672244646
	 *        high 0.92386659749139
	 * diff: estimate -0.0031446540880503103 low -0.1608845758314692
	 *       high 0.15459526765536857 */
	NEAR(r.model.estimate, 36.0 / 53.0);
	NEAR(r.model.low, 0.43425463044641366);
	NEAR(r.model.high, 0.92423593559132233);
	NEAR(r.human.estimate, 0.6823899371069182);
	NEAR(r.human.low, 0.44091327672244646);
	NEAR(r.human.high, 0.92386659749139);
	NEAR(r.difference.estimate, -0.0031446540880503103);
	NEAR(r.difference.low, -0.1608845758314692);
	NEAR(r.difference.high, 0.15459526765536857);
	/* disagreements: 10 resolved (4 + 3 + 3); statsmodels' Wilson:
	 * model 4 of 10, 0.16818032970623609 0.68732623026634165
	 * human 5 of 10, 0.23659309051256394 0.76340690948743606
	 * neither 1 of 10, 0.017876213095072924 0.40415002679523854 */
	assert_int_equal(r.disagreements_reviewed, 10);
	assert_int_equal(r.model_right.k, 4);
	assert_int_equal(r.human_right.k, 5);
	assert_int_equal(r.neither.k, 1);
	NEAR(r.model_right.rate, 0.4);
	NEAR(r.model_right.low, 0.16818032970623609);
	NEAR(r.model_right.high, 0.68732623026634165);
	NEAR(r.human_right.low, 0.23659309051256394);
	NEAR(r.neither.high, 0.40415002679523854);
	/* reviewers: refer, refer, approve (3 pairs, 1 alike) and the tie
	 * (1 pair, 0 alike): 2 cases, 4 pairs, 1 agrees */
	assert_int_equal(r.multi_cases, 2);
	assert_int_equal(r.pairs, 4);
	assert_int_equal(r.pairs_agree, 1);
	NEAR(r.pairs_rate, 0.25);
	{
		cJSON *j = sg_review_json(&r);
		const cJSON *acc = cJSON_GetObjectItem(j, "accuracy");
		const cJSON *ci = cJSON_GetObjectItem(
			cJSON_GetObjectItem(acc, "model"), "ci95");

		NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(acc, "difference"),
					 "estimate")
			     ->valuedouble,
		     -0.0031446540880503103);
		NEAR(cJSON_GetArrayItem(ci, 0)->valuedouble,
		     0.43425463044641366);
		assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(
			cJSON_GetObjectItem(j, "strata"), 0), "N")->valueint,
			10);
		assert_int_equal(
			cJSON_GetObjectItem(
				cJSON_GetObjectItem(
					cJSON_GetObjectItem(j, "disagreements"),
					"neither"),
				"count")
				->valueint,
			1);
		cJSON_Delete(j);
	}
	sg_review_result_release(&r);
	sg_store_close(s);
}

static void estimate_is_null_while_a_stratum_is_unreviewed(void **state)
{
	struct sg_store *s = store_of_four_cells();
	struct sg_report_opts o;
	struct sg_review_result r;
	struct sg_review_export_info info;
	struct sg_diag d;
	cJSON *j;
	char *q, *t;

	(void)state;
	/* only disagreements drawn: the agreement cells have no review */
	q = export(s, 15, 0, 3, 1, SG_REVIEW_CSV, &info);
	free(q);
	put(s, 1, "ana", "reject");
	sg_report_opts_init(&o);
	assert_int_equal(sg_review_collect(s, &o, &r, &d), 0);
	assert_int_equal(r.reviewed, 1);
	assert_true(isnan(r.model.estimate));
	assert_true(isnan(r.difference.estimate));
	j = sg_review_json(&r);
	t = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "accuracy"));
	assert_string_equal(t, "{\"model\":{\"estimate\":null,\"ci95\":[null,"
			       "null]},\"human\":{\"estimate\":null,\"ci95\":"
			       "[null,null]},\"difference\":{\"estimate\":"
			       "null,\"ci95\":[null,null]}}");
	cJSON_free(t);
	cJSON_Delete(j);
	sg_review_result_release(&r);
	sg_store_close(s);
}

/* ---- export-labels ---- */

/* The labels of opts' window in fmt: their text (free it). */
static char *labels(struct sg_store *s, enum sg_review_format fmt,
		    struct sg_review_labels_info *info)
{
	struct sg_report_opts o;
	struct sg_diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sg_report_opts_init(&o);
	assert_int_equal(sg_review_export_labels(s, &o, fmt, f, info, &d), 0);
	fclose(f);
	return buf;
}

/* The bytes of x as an SQL blob literal's hex digits. */
static void hex_double(char *out, double x)
{
	unsigned char b[sizeof(x)];
	size_t i;

	memcpy(b, &x, sizeof(x));
	for (i = 0; i < sizeof(x); i++)
		sprintf(out + 2 * i, "%02X", b[i]);
}

static void labels_are_the_resolved_verdicts_in_night_order(void **state)
{
	struct sg_store *s = store_reviewed();
	struct sg_review_labels_info info;
	char *t;

	(void)state;
	/* store_reviewed's verdicts, case by case; nights by id % 3 (0: the
	 * 16th, 1: the 17th, 2: the 18th), then case id; c0014 tied (ana
	 * approve, ben reject) and left out; c0004: refer by ana and ben,
	 * approve by cy, 2 of 3 */
	t = labels(s, SG_REVIEW_CSV, &info);
	assert_string_equal(
		t, "case_id,night,human,model,verdict,agreed,reviewers\n"
		   "c0003-approve-reject,2026-11-16,approve,reject,approve,1,1\n"
		   "c0012-reject-approve,2026-11-16,reject,approve,reject,1,1\n"
		   "c0018-refer-reject,2026-11-16,refer,reject,reject,1,1\n"
		   "c0021-approve-approve,2026-11-16,approve,approve,reject,1,"
		   "1\n"
		   "c0039-reject-reject,2026-11-16,reject,reject,reject,1,1\n"
		   "c0001-approve-reject,2026-11-17,approve,reject,reject,1,1\n"
		   "c0004-approve-reject,2026-11-17,approve,reject,refer,2,3\n"
		   "c0013-reject-approve,2026-11-17,reject,approve,reject,1,1\n"
		   "c0016-refer-reject,2026-11-17,refer,reject,refer,1,1\n"
		   "c0019-approve-approve,2026-11-17,approve,approve,approve,1,"
		   "1\n"
		   "c0040-reject-reject,2026-11-17,reject,reject,reject,1,1\n"
		   "c0002-approve-reject,2026-11-18,approve,reject,reject,1,1\n"
		   "c0011-reject-approve,2026-11-18,reject,approve,approve,1,1\n"
		   "c0017-refer-reject,2026-11-18,refer,reject,refer,1,1\n"
		   "c0020-approve-approve,2026-11-18,approve,approve,approve,1,"
		   "1\n");
	assert_int_equal(info.rows, 15);
	assert_int_equal(info.tied, 1);
	free(t);
	sg_store_close(s);
}

static void labels_carry_segments_and_features_quoted(void **state)
{
	struct sg_store *s = store_reviewed();
	struct sg_review_labels_info info;
	struct sg_diag d;
	char sql[512], inc[17], nan[17], *t, *line;

	(void)state;
	/* c0003 with a segment holding a comma, UTF-8, and two features
	 * (packed as the store keeps them),
	 * the second missing (NaN); a verdict with a comma and quotes on
	 * c0001 (ana's reject becomes it) */
	hex_double(inc, 2100.5);
	hex_double(nan, NAN);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO feature_sets(id, names) VALUES (1,"
		 " '[\"income\",\"age\"]');"
		 "INSERT INTO segment_sets(segments) VALUES"
		 " ('{\"region\":\"Z\xc3\xbcrich, Nord\"}');"
		 "UPDATE cases SET segment_set = last_insert_rowid(),"
		 " feature_set = 1,"
		 " features = sg_pack_features(X'%s%s') WHERE id = 3;",
		 inc, nan);
	assert_int_equal(sg_store_exec(s, sql, &d), 0);
	put(s, 1, "ana", "refer, \"senior\"");
	t = labels(s, SG_REVIEW_CSV, &info);
	line = strtok(t, "\n");
	assert_string_equal(line, "case_id,night,region,income,age,human,"
				  "model,verdict,agreed,reviewers");
	line = strtok(NULL, "\n");
	assert_string_equal(line, "c0003-approve-reject,2026-11-16,"
				  "\"Z\xc3\xbcrich, Nord\",2100.5,,approve,"
				  "reject,approve,1,1");
	/* a case without them: empty fields */
	line = strtok(NULL, "\n");
	assert_string_equal(line, "c0012-reject-approve,2026-11-16,,,,reject,"
				  "approve,reject,1,1");
	assert_non_null(strstr(line + strlen(line) + 1,
			       "\nc0001-approve-reject,2026-11-17,,,,approve,"
			       "reject,\"refer, \"\"senior\"\"\",1,1\n"));
	free(t);
	t = labels(s, SG_REVIEW_JSONL, &info);
	assert_non_null(strstr(
		t, "{\"case_id\":\"c0003-approve-reject\",\"night\":"
		   "\"2026-11-16\",\"segments\":{\"region\":\"Z\xc3\xbcrich, "
		   "Nord\"},\"features\":{\"income\":2100.5,\"age\":null},"
		   "\"human\":\"approve\",\"model\":\"reject\",\"verdict\":"
		   "\"approve\",\"agreed\":1,\"reviewers\":1}\n"));
	assert_non_null(strstr(t, "\"verdict\":\"refer, \\\"senior\\\"\""));
	assert_int_equal(info.rows, 15);
	free(t);
	sg_store_close(s);
}

static void labels_refuse_another_format_and_an_empty_store(void **state)
{
	struct sg_store *s = open_store();
	struct sg_report_opts o;
	struct sg_review_labels_info info;
	struct sg_diag d;
	long long next = 1;

	(void)state;
	sg_report_opts_init(&o);
	/* no predictions at all: nothing to label */
	assert_int_equal(sg_review_export_labels(s, &o, SG_REVIEW_CSV, stdout,
						 &info, &d),
			 SG_EUSAGE);
	assert_non_null(strstr(d.msg, "no model predictions"));
	add_cell(s, "approve", "reject", 2, &next);
	assert_int_equal(sg_review_export_labels(s, &o, SG_REVIEW_LABEL_STUDIO,
						 stdout, &info, &d),
			 SG_EUSAGE);
	assert_string_equal(d.msg, "export-labels writes csv or jsonl");
	sg_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			verdicts_are_idempotent_and_latest_wins, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			export_allocates_with_a_floor_of_two, setup, teardown),
		cmocka_unit_test_setup_teardown(
			export_is_reproducible_and_blind, setup, teardown),
		cmocka_unit_test_setup_teardown(
			export_unblinded_and_label_studio_tasks, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			label_studio_export_is_read_with_lines, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			review_block_matches_the_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(
			estimate_is_null_while_a_stratum_is_unreviewed, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			labels_are_the_resolved_verdicts_in_night_order, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			labels_carry_segments_and_features_quoted, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			labels_refuse_another_format_and_an_empty_store, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
