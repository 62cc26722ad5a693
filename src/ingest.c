/*
 * ingest.c - decision logs into the store, one transaction per call.
 *
 * A row travels: reader (CSV / JSON Lines, bound columns) -> validation
 * (case id, time, decision, numbers) -> case row (new, or the same case
 * seen before: features must match) -> decision (new rating, correction
 * or duplicate) -> logged prediction (when the log carries the shadow
 * model's output). A row that fails validation goes to the rejects table.
 */
#include "sg/ingest.h"

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
#include "sg/reader.h"
#include "sg/report.h"
#include "sg/sha256.h"
#include "sg/timeutil.h"
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
 * is read and written in sweeps that need few pages at a time; and SQLite
 * sorts the staged rows in memory runs as large as the page cache, so
 * this also bounds the sort's memory.
 */
#define INGEST_CACHE_KIB (16 * 1024)
#define BATCH_BYTES (1024 * 1024)
#define CASE_PARAMS 8
#define DECISION_PARAMS 8
#define STAGE_PARAMS 3
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
	size_t raw, raw_len, cid, cid_len, at, at_len, segs, segs_len, feats;
	size_t label, label_len, rater, rater_len, mlabel, mlabel_len;
	char night[11];
	int has_pred;
	int is_new; /* its case was stored by this row */
	int raw_later; /* raw left out of temp.sg_stage: see fill_raw */
	double at_epoch, value, mvalue, score;
	long case_ref;
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
	sqlite3_stmt *stage_one, *stage_all; /* into temp.sg_stage */
	int spilled;                        /* this file has rows there */
	struct sg_buf blobs;                /* staged rows being spilled */
	/* rejects stored without their raw text: reject id, line */
	struct raw_later {
		long id, line;
	} *raw;
	size_t nraw, raw_alloc;
	size_t blob_end[BATCH_ROWS];
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
	size_t *seg_key_end;
	double *feats;
	char *model_version_text;
	char now[32]; /* created_at of logged predictions: the file's start */
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int sg_is_missing(const char *s, size_t n)
{
	if (n == 0)
		return 1;
	if (n == 2 && (!memcmp(s, "NA", 2) || !memcmp(s, "na", 2)))
		return 1;
	if (n == 3 && (!memcmp(s, "NaN", 3) || !memcmp(s, "nan", 3) ||
		       !memcmp(s, "NAN", 3)))
		return 1;
	if (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "NULL", 4)))
		return 1;
	return 0;
}

/* The powers of ten that a double holds exactly. */
static const double exact_pow10[] = {
	1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * The common case of sg_parse_number, without a copy and strtod: a text
 * of the form [+-]digits[.digits][(e|E)[+-]digits] whose significant
 * digits make an integer m <= 2^53 and whose decimal exponent e (the
 * value is m * 10^e) is within [-22, 22]. Then m and 10^|e| are exact
 * doubles and one IEEE multiplication or division rounds m * 10^e
 * correctly: the very double that strtod, itself correctly rounded,
 * returns (Clinger, "How to read floating point numbers accurately",
 * PLDI 1990). Returns 0 with *out set, or -1 when the text is not of that
 * case: then strtod decides (and rejects what is not a number).
 */
static int parse_simple(const char *s, size_t n, double *out)
{
	const char *p = s, *end = s + n;
	uint64_t m = 0;
	int neg = 0, digits = 0, sig = 0, e = 0, ex = 0, eneg = 0;
	double v;

	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		digits++;
		if (!m && *p == '0')
			continue; /* a leading zero */
		if (++sig > 19)
			return -1; /* m might not fit in 64 bits */
		m = m * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++) {
			digits++;
			e--;
			if (!m && *p == '0')
				continue;
			if (++sig > 19)
				return -1;
			m = m * 10 + (uint64_t)(*p - '0');
		}
	}
	if (!digits)
		return -1;
	if (p < end && (*p == 'e' || *p == 'E')) {
		const char *d;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (d = p; p < end && *p >= '0' && *p <= '9'; p++)
			if (ex < 1000)
				ex = ex * 10 + (*p - '0');
		if (p == d)
			return -1;
		e += eneg ? -ex : ex;
	}
	if (p != end || m > (UINT64_C(1) << 53) || e < -22 || e > 22)
		return -1;
	v = (double)m;
	v = e >= 0 ? v * exact_pow10[e] : v / exact_pow10[-e];
	*out = neg ? -v : v;
	return 0;
}

int sg_parse_number(const char *s, size_t n, double *out)
{
	char tmp[64];
	char *end;
	double v;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	if (!parse_simple(s, n, out))
		return 0;
	/* strtod accepts hex, inf and nan: the log must not */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '+' || c == 'e' || c == 'E'))
			return -1;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	v = strtod(tmp, &end);
	if (end != tmp + n || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static void finalize_all(struct ingest *in)
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
	sqlite3_finalize(in->stage_one);
	sqlite3_finalize(in->stage_all);
	sqlite3_finalize(in->ins_preds);
	in->ins_preds = NULL;
	in->case_src = in->stage_one = in->stage_all = NULL;
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

static int prepare_all(struct ingest *in, struct sg_diag *diag)
{
	struct {
		sqlite3_stmt **st;
		const char *sql;
	} t[] = {
		{&in->ins_case,
		 "INSERT INTO cases(case_id, decided_at, night, segments,"
		 " feature_set, features, batch, line)"
		 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
		 " ON CONFLICT(case_id) DO NOTHING"},
		{&in->get_case,
		 "SELECT c.id, c.segments, c.feature_set, c.features, b.file,"
		 " c.line FROM cases c JOIN ingest_batches b ON b.id = c.batch"
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
		{&in->stage_one,
		 "INSERT INTO temp.sg_stage(night, cid, rec)"
		 " VALUES (?1, ?2, ?3)"},
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
 * The statements for a whole batch (ins_case, ins_dec, ins_pred and
 * stage_one for BATCH_ROWS rows), prepared when the first full batch
 * comes: a short log never needs them, and they take a while to prepare.
 */
static int prepare_batches(struct ingest *in, struct sg_diag *diag)
{
	int ret;

	if (in->ins_cases)
		return 0;
	ret = prepare_batch(in, &in->ins_cases,
			    "INSERT OR IGNORE INTO cases(case_id, decided_at, night,"
			    " segments, feature_set, features, batch, line)",
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
	ret = prepare_batch(in, &in->stage_all,
			    "INSERT INTO temp.sg_stage(night, cid, rec)",
			    STAGE_PARAMS, "", diag);
	if (ret)
		return ret;
	return prepare_batch(in, &in->ins_decs,
			     "INSERT OR IGNORE INTO decisions(case_ref, rater, label,"
			     " value, decided_at, is_current, batch, line)",
			     DECISION_PARAMS, "", diag);
}

/* Stores one rejected row and keeps its message for the summary. */
static int reject(struct ingest *in, const struct sg_record *rec,
		  const char *column, const char *reason, const char *value,
		  size_t vlen, struct sg_diag *diag)
{
	struct sg_buf msg = SG_BUF_INIT;
	sqlite3_stmt *st = in->ins_rej;
	int ret = 0;

	sg_buf_addf(&msg, "%s:%ld: ", in->display, rec->line);
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
	sqlite3_bind_text(st, 5, msg.buf + strlen(in->display) + 1, -1,
			  SQLITE_TRANSIENT);
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

static const char *col_name(const struct ingest *in, size_t idx)
{
	const struct sg_log_conf *l = in->log;
	int k;

	for (k = 0; k < COL_FIXED; k++) {
		if (in->slot[k] == (int)idx) {
			switch (k) {
			case COL_CASE_ID: return l->case_id;
			case COL_DECIDED_AT: return l->decided_at;
			case COL_DECISION: return l->decision;
			case COL_RATER: return l->rater;
			case COL_MODEL_LABEL: return l->model_label;
			case COL_MODEL_SCORE: return l->model_score;
			}
		}
	}
	if (idx >= in->seg0 && idx < in->seg0 + in->nseg)
		return l->segments.v[idx - in->seg0];
	if (idx >= in->feat0 && idx < in->feat0 + in->nfeat)
		return l->features.v[idx - in->feat0];
	return NULL;
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
	sqlite3_bind_text(st, base + 6, in->now, -1, SQLITE_STATIC);
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

static int too_many_rejects(const struct ingest *in, int final,
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
#define ARENA(in, off) ((in)->arena.buf + (off))

/* Binds the case of staged row s to parameters base + 1 .. base + 8. */
static void bind_case(struct ingest *in, sqlite3_stmt *st, int base,
		      const struct staged *s)
{
	sqlite3_bind_text(st, base + 1, ARENA(in, s->cid), (int)s->cid_len,
			  SQLITE_STATIC);
	if (s->at_len) {
		sqlite3_bind_text(st, base + 2, ARENA(in, s->at),
				  (int)s->at_len, SQLITE_STATIC);
		sqlite3_bind_text(st, base + 3, s->night, 10, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, base + 2);
		sqlite3_bind_null(st, base + 3);
	}
	if (in->nseg)
		sqlite3_bind_text(st, base + 4, ARENA(in, s->segs),
				  (int)s->segs_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 4);
	if (in->nfeat) {
		sqlite3_bind_int64(st, base + 5, in->feature_set);
		sqlite3_bind_blob(st, base + 6, ARENA(in, s->feats),
				  (int)(in->nfeat * sizeof(double)),
				  SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, base + 5);
		sqlite3_bind_null(st, base + 6);
	}
	sqlite3_bind_int64(st, base + 7, in->batch);
	sqlite3_bind_int64(st, base + 8, s->line);
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
	rc = reject(in, &rec, in->log->case_id, why, NULL, 0, diag);
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
		 (size_t)sqlite3_column_bytes(st, 3) ==
			 in->nfeat * sizeof(double) &&
		 blob &&
		 !memcmp(blob, ARENA(in, s->feats), in->nfeat * sizeof(double))));
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
		rc = reject(in, &rec, NULL, why_buf, NULL, 0, diag);
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
static int flush_rows(struct ingest *in, struct sg_diag *diag)
{
	struct staged *s = in->stage;
	size_t i;
	int ret;

	if (!in->nstaged)
		return 0;
	ret = in->nstaged == BATCH_ROWS ? prepare_batches(in, diag) : 0;
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
		if (!ret && too_many_rejects(in, 0, diag))
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

/* Copies n bytes into the arena; returns their offset. */
static size_t keep(struct ingest *in, const void *p, size_t n)
{
	size_t off = in->arena.len;

	sg_buf_add(&in->arena, p, n);
	return off;
}

/*
 * A staged row as a blob of temp.sg_stage: its numbers and the lengths of
 * its texts, then the texts. The case id and night are columns of their
 * own. The raw text of the row is left out (it was 40% of the bytes to
 * sort): a row rejected after the sort is stored without it and fill_raw
 * reads it from the file again. The blob lives and dies in this process.
 */
struct packed {
	long line;
	double at_epoch, value, mvalue, score;
	uint32_t at_len, segs_len, label_len, rater_len, mlabel_len;
	int has_pred;
};

static void pack_row(struct ingest *in, const struct staged *s)
{
	struct packed h;

	memset(&h, 0, sizeof(h));
	h.line = s->line;
	h.at_epoch = s->at_epoch;
	h.value = s->value;
	h.mvalue = s->mvalue;
	h.score = s->score;
	h.at_len = (uint32_t)s->at_len;
	h.segs_len = (uint32_t)s->segs_len;
	h.label_len = (uint32_t)s->label_len;
	h.rater_len = (uint32_t)s->rater_len;
	h.mlabel_len = (uint32_t)s->mlabel_len;
	h.has_pred = s->has_pred;
	sg_buf_add(&in->blobs, &h, sizeof(h));
	sg_buf_add(&in->blobs, ARENA(in, s->at), s->at_len);
	sg_buf_add(&in->blobs, ARENA(in, s->segs), s->segs_len);
	sg_buf_add(&in->blobs, ARENA(in, s->feats),
		   in->nfeat * sizeof(double));
	sg_buf_add(&in->blobs, ARENA(in, s->label), s->label_len);
	sg_buf_add(&in->blobs, ARENA(in, s->rater), s->rater_len);
	sg_buf_add(&in->blobs, ARENA(in, s->mlabel), s->mlabel_len);
}

/*
 * Appends a row packed by pack_row, with its case id and night (NULL:
 * none), to the staged rows of the batch.
 */
static void unpack_row(struct ingest *in, const char *blob, size_t n,
		       const char *cid, size_t cid_len, const char *night)
{
	struct staged *s = &in->stage[in->nstaged++];
	struct packed h;
	size_t off;

	(void)n;
	memcpy(&h, blob, sizeof(h));
	blob += sizeof(h);
	memset(s, 0, sizeof(*s));
	s->line = h.line;
	s->at_epoch = h.at_epoch;
	s->value = h.value;
	s->mvalue = h.mvalue;
	s->score = h.score;
	s->has_pred = h.has_pred;
	s->raw = in->arena.len;
	s->raw_len = 0;
	s->raw_later = 1;
	s->cid = keep(in, cid, cid_len);
	s->cid_len = cid_len;
	s->at = keep(in, blob, h.at_len);
	s->at_len = h.at_len;
	blob += h.at_len;
	if (night)
		memcpy(s->night, night, 10);
	s->segs = keep(in, blob, h.segs_len);
	s->segs_len = h.segs_len;
	blob += h.segs_len;
	off = in->nfeat * sizeof(double);
	s->feats = keep(in, blob, off);
	blob += off;
	s->label = keep(in, blob, h.label_len);
	s->label_len = h.label_len;
	blob += h.label_len;
	s->rater = keep(in, blob, h.rater_len);
	s->rater_len = h.rater_len;
	blob += h.rater_len;
	s->mlabel = keep(in, blob, h.mlabel_len);
	s->mlabel_len = h.mlabel_len;
}

/* Binds staged row s, packed in in->blobs[from, to), to base + 1 .. 3. */
static void bind_stage(struct ingest *in, sqlite3_stmt *st, int base,
		       const struct staged *s, size_t from, size_t to)
{
	if (s->at_len)
		sqlite3_bind_text(st, base + 1, s->night, 10, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 1);
	sqlite3_bind_text(st, base + 2, ARENA(in, s->cid), (int)s->cid_len,
			  SQLITE_STATIC);
	sqlite3_bind_blob(st, base + 3, in->blobs.buf + from, (int)(to - from),
			  SQLITE_STATIC);
}

/*
 * Moves the staged rows of the file read so far into temp.sg_stage, in
 * row order (its rowid), to be written to the store in key order by
 * merge_rows.
 */
static int spill_rows(struct ingest *in, struct sg_diag *diag)
{
	size_t i, n = in->nstaged;
	int rc = SQLITE_DONE;

	if (!n)
		return 0;
	sg_buf_reset(&in->blobs);
	for (i = 0; i < n; i++) {
		pack_row(in, &in->stage[i]);
		in->blob_end[i] = in->blobs.len;
	}
	if (n == BATCH_ROWS && (rc = prepare_batches(in, diag)) != 0)
		return rc;
	if (n == BATCH_ROWS) {
		for (i = 0; i < n; i++)
			bind_stage(in, in->stage_all, (int)i * STAGE_PARAMS,
				   &in->stage[i], i ? in->blob_end[i - 1] : 0,
				   in->blob_end[i]);
		rc = sqlite3_step(in->stage_all);
		sqlite3_reset(in->stage_all);
	} else {
		for (i = 0; i < n && rc == SQLITE_DONE; i++) {
			bind_stage(in, in->stage_one, 0, &in->stage[i],
				   i ? in->blob_end[i - 1] : 0,
				   in->blob_end[i]);
			rc = sqlite3_step(in->stage_one);
			sqlite3_reset(in->stage_one);
		}
	}
	in->nstaged = 0;
	sg_buf_reset(&in->arena);
	if (rc != SQLITE_DONE)
		return sg_store_error(in->s, diag, "cannot stage the rows");
	in->spilled = 1;
	return 0;
}

/* The merge order of staged rows: night (none first), case id, row. */
static int cmp_staged(const void *pa, const void *pb, void *ctx)
{
	const struct staged *a = pa, *b = pb;
	const struct ingest *in = ctx;
	size_t n = a->cid_len < b->cid_len ? a->cid_len : b->cid_len;
	int c;

	if (!a->at_len != !b->at_len)
		return a->at_len ? 1 : -1;
	if (a->at_len && (c = memcmp(a->night, b->night, 10)) != 0)
		return c;
	c = memcmp(ARENA(in, a->cid), ARENA(in, b->cid), n);
	if (c)
		return c;
	if (a->cid_len != b->cid_len)
		return a->cid_len < b->cid_len ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

/*
 * Writes the valid rows of the file to the store, in merge order: by
 * night, then by case id, the rows of one case in row order. Rows of
 * different cases are independent, and the rows of one case keep their
 * order, so the store ends up as if the rows had been written in file
 * order, except that the new cases of a night are numbered in case id
 * order. Writing in key order is what keeps a night's cost flat as the
 * store grows: the UNIQUE index on case ids takes the night's ids in
 * one ordered sweep (each of its pages read and written once), where row
 * order touches a random page for every row, and the store's later
 * nights get ids above the earlier ones. A file of at most one batch is
 * sorted in memory.
 */
static int merge_rows(struct ingest *in, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if (!in->spilled) {
		qsort_r(in->stage, in->nstaged, sizeof(*in->stage), cmp_staged,
			in);
		return flush_rows(in, diag);
	}
	ret = spill_rows(in, diag);
	if (ret)
		return ret;
	ret = sg_store_prepare(in->s, &st,
			       "SELECT rec, cid, night FROM temp.sg_stage"
			       " ORDER BY night, cid, rowid",
			       diag);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		unpack_row(in, sqlite3_column_blob(st, 0),
			   (size_t)sqlite3_column_bytes(st, 0),
			   (const char *)sqlite3_column_text(st, 1),
			   (size_t)sqlite3_column_bytes(st, 1),
			   (const char *)sqlite3_column_text(st, 2));
		if (in->nstaged == BATCH_ROWS || in->arena.len > BATCH_BYTES) {
			ret = flush_rows(in, diag);
			if (ret)
				goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		ret = sg_store_error(in->s, diag, "cannot read the staged rows");
		goto out;
	}
	ret = flush_rows(in, diag);
out:
	sqlite3_finalize(st);
	in->spilled = 0;
	if (!ret)
		ret = sg_store_exec(in->s, "DELETE FROM temp.sg_stage", diag);
	return ret;
}

/* Rejects a row that failed validation. */
static int reject_row(struct ingest *in, const struct sg_record *rec,
		      const char *column, const char *reason, const char *value,
		      size_t vlen, struct sg_diag *diag)
{
	return reject(in, rec, column, reason, value, vlen, diag);
}

/* Validates a row: rejects it, or stages it (writing a full batch). */
static int one_row(struct ingest *in, const struct sg_record *rec,
		   struct sg_diag *diag)
{
	const char *const *v = rec->values;
	const size_t *len = rec->lens;
	const char *cid, *label = "", *rater = "", *at = "", *mlabel = "";
	size_t clen, llen = 0, rlen = 0, atlen = 0, mlen = 0, i;
	double value = NAN, at_epoch = 0, score = NAN, mvalue = NAN;
	char night[11] = "";
	const char *why;
	struct staged *s;
	int k, has_pred = 0;

	if (rec->err)
		return reject_row(in, rec,
				  rec->err_col >= 0
					  ? col_name(in, (size_t)rec->err_col)
					  : NULL,
				  rec->err_msg, NULL, 0, diag);
	k = in->slot[COL_CASE_ID];
	cid = v[k];
	clen = len[k];
	if (!clen || rec->kinds[k] == SG_FIELD_NULL ||
	    rec->kinds[k] == SG_FIELD_ABSENT)
		return reject_row(in, rec, in->log->case_id, "missing case id",
				  NULL, 0, diag);
	if ((k = in->slot[COL_DECIDED_AT]) >= 0) {
		at = v[k];
		atlen = len[k];
		if (!atlen)
			return reject_row(in, rec, in->log->decided_at,
					  "missing time", NULL, 0, diag);
		if (sg_night_parse(&in->log->night, at, atlen, &at_epoch,
				   night, &why))
			return reject_row(in, rec, in->log->decided_at, why, at,
					  atlen, diag);
	}
	k = in->slot[COL_DECISION];
	if (!len[k])
		return reject_row(in, rec, in->log->decision,
				  "missing decision", NULL, 0, diag);
	if (in->log->decision_type == SG_DECISION_NUMERIC) {
		if (sg_parse_number(v[k], len[k], &value))
			return reject_row(in, rec, in->log->decision,
					  "not a number", v[k], len[k], diag);
	} else {
		label = v[k];
		llen = len[k];
	}
	if ((k = in->slot[COL_RATER]) >= 0) {
		rater = v[k];
		rlen = len[k];
	}
	if ((k = in->slot[COL_MODEL_LABEL]) >= 0 && len[k]) {
		has_pred = 1;
		mlabel = v[k];
		mlen = len[k];
		if (in->log->decision_type == SG_DECISION_NUMERIC &&
		    sg_parse_number(v[k], len[k], &mvalue))
			return reject_row(in, rec, in->log->model_label,
					  "not a number", v[k], len[k], diag);
		if ((k = in->slot[COL_MODEL_SCORE]) >= 0 &&
		    !sg_is_missing(v[k], len[k]) &&
		    sg_parse_number(v[k], len[k], &score))
			return reject_row(in, rec, in->log->model_score,
					  "not a number", v[k], len[k], diag);
	}
	for (i = 0; i < in->nfeat; i++) {
		size_t b = in->feat0 + i;

		if (sg_is_missing(v[b], len[b]) ||
		    rec->kinds[b] == SG_FIELD_NULL) {
			in->feats[i] = NAN;
		} else if (sg_parse_number(v[b], len[b], &in->feats[i])) {
			return reject_row(in, rec, in->log->features.v[i],
					  "not a number", v[b], len[b], diag);
		}
	}
	sg_buf_reset(&in->segs);
	if (in->nseg) {
		for (i = 0; i < in->nseg; i++) {
			size_t b = in->seg0 + i;
			size_t k0 = i ? in->seg_key_end[i - 1] : 0;

			sg_buf_add(&in->segs, in->seg_keys.buf + k0,
				   in->seg_key_end[i] - k0);
			if (len[b])
				sg_json_quote(&in->segs, v[b], len[b]);
			else
				sg_buf_add(&in->segs, "null", 4);
		}
		sg_buf_addch(&in->segs, '}');
	}

	s = &in->stage[in->nstaged++];
	s->line = rec->line;
	s->rows_file = in->f->rows_read;
	s->rows_all = in->sum->rows_read;
	s->raw = keep(in, rec->raw, rec->raw_len);
	s->raw_len = rec->raw_len;
	s->cid = keep(in, cid, clen);
	s->cid_len = clen;
	s->at = keep(in, at, atlen);
	s->at_len = atlen;
	memcpy(s->night, night, sizeof(night));
	s->segs = keep(in, in->segs.buf, in->segs.len);
	s->segs_len = in->segs.len;
	s->feats = keep(in, in->feats, in->nfeat * sizeof(double));
	s->label = keep(in, label, llen);
	s->label_len = llen;
	s->rater = keep(in, rater, rlen);
	s->rater_len = rlen;
	s->mlabel = keep(in, mlabel, mlen);
	s->mlabel_len = mlen;
	s->has_pred = has_pred;
	s->is_new = 0;
	s->case_ref = 0;
	s->at_epoch = at_epoch;
	s->value = value;
	s->mvalue = mvalue;
	s->score = score;
	if (in->nstaged == BATCH_ROWS || in->arena.len > BATCH_BYTES)
		return spill_rows(in, diag);
	return 0;
}

static int feature_set_id(struct ingest *in, struct sg_diag *diag)
{
	struct sg_buf names = SG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t i;
	int ret;

	if (!in->nfeat)
		return 0;
	sg_buf_addch(&names, '[');
	for (i = 0; i < in->nfeat; i++) {
		if (i)
			sg_buf_addch(&names, ',');
		sg_json_quote(&names, in->log->features.v[i],
			      strlen(in->log->features.v[i]));
	}
	sg_buf_addch(&names, ']');
	ret = sg_store_prepare(in->s, &st,
			       "INSERT INTO feature_sets(names) VALUES (?1)"
			       " ON CONFLICT(names) DO UPDATE SET names = names"
			       " RETURNING id",
			       diag);
	if (ret)
		goto out;
	sqlite3_bind_text(st, 1, names.buf, (int)names.len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		ret = sg_store_error(in->s, diag, "cannot store the feature set");
		goto out;
	}
	in->feature_set = sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	sg_buf_release(&names);
	return ret;
}

/* Copies standard input to a temporary file; returns its path. */
static int spool_stdin(char **path, struct sg_diag *diag)
{
	const char *dir = getenv("TMPDIR");
	struct sg_buf p = SG_BUF_INIT;
	char buf[1 << 16];
	ssize_t n;
	int fd;

	sg_buf_addf(&p, "%s/shadowgate-stdin-XXXXXX",
		    dir && *dir ? dir : "/tmp");
	fd = mkstemp(p.buf);
	if (fd < 0) {
		sg_diag_set(diag, p.buf, 0, 0,
			    "cannot create a temporary file: %s",
			    strerror(errno));
		sg_buf_release(&p);
		return SG_EIO;
	}
	for (;;) {
		n = read(0, buf, sizeof(buf));
		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(fd, buf, (size_t)n) != n) {
			sg_diag_set(diag, "<stdin>", 0, 0,
				    "cannot copy standard input: %s",
				    strerror(errno));
			close(fd);
			unlink(p.buf);
			sg_buf_release(&p);
			return SG_EIO;
		}
	}
	close(fd);
	*path = sg_buf_detach(&p);
	return 0;
}

static int already_ingested(struct ingest *in, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	ret = sg_store_prepare(in->s, &st,
			       "SELECT id FROM ingest_batches WHERE sha256 = ?1",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, in->f->sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		in->f->skipped = 1;
		in->f->prior_batch = sqlite3_column_int64(st, 0);
	} else if (rc != SQLITE_DONE) {
		ret = sg_store_error(in->s, diag, "cannot look up the file");
	}
	sqlite3_finalize(st);
	return ret;
}

/*
 * Binds the mapped columns. Explicitly mapped columns (and the case id and
 * decision, always) must be in the file.
 */
/*
 * "WHAT 'NAME' (log.KEY) is not in the log", with the nearest column the
 * log has and the columns it has (the first 30), so a typo in a mapping
 * is seen at once.
 */
static int column_missing(struct sg_diag *diag, const char *display,
			  struct sg_reader *r, const char *what,
			  const char *name, const char *key)
{
	struct sg_buf b = SG_BUF_INIT;
	const char **cols = NULL, *near;
	size_t n = 0, i;

	while (sg_reader_column(r, n))
		n++;
	cols = sg_xcalloc(n ? n : 1, sizeof(*cols));
	for (i = 0; i < n; i++)
		cols[i] = sg_reader_column(r, i);
	sg_buf_addf(&b, "%s '%s' (log.%s) is not in the log", what, name, key);
	near = sg_nearest_name(name, cols, n);
	if (near)
		sg_buf_addf(&b, " (did you mean '%s'?)", near);
	sg_buf_addstr(&b, n ? "; its columns:" : "; it has no columns");
	for (i = 0; i < n && i < 30; i++)
		sg_buf_addf(&b, "%s '%s'", i ? "," : "", cols[i]);
	if (n > 30)
		sg_buf_addf(&b, ", ... (%zu in all)", n);
	sg_diag_set(diag, display, 0, 0, "%s", b.buf);
	sg_buf_release(&b);
	free(cols);
	return SG_EUSAGE;
}

static int bind_columns(struct ingest *in, struct sg_reader *r,
			struct sg_diag *diag)
{
	const struct sg_log_conf *l = in->log;
	const char *names[COL_FIXED];
	const char **all;
	size_t n = 0, i;
	int ret = 0;
	struct {
		int col;
		const char *name;
		unsigned bit;
		const char *key;
		int required;
	} fixed[] = {
		{COL_CASE_ID, l->case_id, SG_LOGKEY_CASE_ID, "case_id", 1},
		{COL_DECIDED_AT, l->decided_at, SG_LOGKEY_DECIDED_AT,
		 "decided_at", 0},
		{COL_DECISION, l->decision, SG_LOGKEY_DECISION, "decision", 1},
		{COL_RATER, l->rater, SG_LOGKEY_RATER, "rater", 0},
		{COL_MODEL_LABEL, l->model_label, SG_LOGKEY_MODEL_LABEL,
		 "model_label", 0},
		{COL_MODEL_SCORE, l->model_score, SG_LOGKEY_MODEL_SCORE,
		 "model_score", 0},
	};
	const char *backend = in->o->cfg->model.backend;
	int want_pred = !backend || !strcmp(backend, "logged");

	for (i = 0; i < COL_FIXED; i++) {
		int explicit = (l->explicit_mask & fixed[i].bit) != 0;
		int has;

		in->slot[fixed[i].col] = -1;
		if (!fixed[i].name)
			continue;
		if ((fixed[i].col == COL_MODEL_LABEL ||
		     fixed[i].col == COL_MODEL_SCORE) &&
		    ((!want_pred && !explicit) || l->decisions_only))
			continue;
		has = sg_reader_has_column(r, fixed[i].name);
		if (!has && (explicit || fixed[i].required))
			return column_missing(diag, in->display, r, "column",
					      fixed[i].name, fixed[i].key);
		if (has) {
			in->slot[fixed[i].col] = (int)n;
			names[n++] = fixed[i].name;
		}
	}
	in->f->no_time = in->slot[COL_DECIDED_AT] < 0;
	all = sg_xcalloc(n + l->segments.n + l->features.n, sizeof(char *));
	memcpy(all, names, n * sizeof(char *));
	in->seg0 = n;
	for (i = 0; i < in->nseg; i++) {
		if (!sg_reader_has_column(r, l->segments.v[i])) {
			ret = column_missing(diag, in->display, r,
					     "segment column", l->segments.v[i],
					     "segments");
			goto out;
		}
		all[n++] = l->segments.v[i];
	}
	in->feat0 = n;
	for (i = 0; i < in->nfeat; i++) {
		if (!sg_reader_has_column(r, l->features.v[i])) {
			ret = column_missing(diag, in->display, r,
					     "feature column", l->features.v[i],
					     "features");
			goto out;
		}
		all[n++] = l->features.v[i];
	}
	ret = sg_reader_bind(r, all, n, diag);
out:
	free(all);
	return ret;
}

static int write_batch(struct ingest *in, const char *started,
		       struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret;

	sg_now_iso(now);
	ret = sg_store_prepare(
		in->s, &st,
		"INSERT INTO ingest_batches(file, size, sha256, format,"
		" rows_read, loaded, corrections, duplicates, rejected,"
		" predictions, started_at, finished_at)"
		" VALUES (?1, ?2, ?3, ?4, 0, 0, 0, 0, 0, 0, ?5, ?5)",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, in->display, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)in->f->size);
	sqlite3_bind_text(st, 3, in->f->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, in->f->format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, started ? started : now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sg_store_error(in->s, diag, "cannot record the file");
	else
		in->f->batch = in->batch = sqlite3_last_insert_rowid(in->s->db);
	sqlite3_finalize(st);
	return ret;
}

static int finish_batch(struct ingest *in, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret;

	sg_now_iso(now);
	ret = sg_store_prepare(
		in->s, &st,
		"UPDATE ingest_batches SET rows_read = ?1, loaded = ?2,"
		" corrections = ?3, duplicates = ?4, rejected = ?5,"
		" predictions = ?6, finished_at = ?7 WHERE id = ?8",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, in->f->rows_read);
	sqlite3_bind_int64(st, 2, in->f->loaded);
	sqlite3_bind_int64(st, 3, in->f->corrections);
	sqlite3_bind_int64(st, 4, in->f->duplicates);
	sqlite3_bind_int64(st, 5, in->f->rejected);
	sqlite3_bind_int64(st, 6, in->f->predictions);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, in->batch);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sg_store_error(in->s, diag, "cannot record the file");
	sqlite3_finalize(st);
	return ret;
}

static int cmp_raw_line(const void *pa, const void *pb)
{
	const struct raw_later *a = pa, *b = pb;

	return (a->line > b->line) - (a->line < b->line);
}

/*
 * Gives the rejects stored without their raw text (raw_later) their text,
 * read again from the file. A row rejected after the sort is rare (a case
 * stored before with other segments or features, an unknown case), and
 * keeping the text of every row for it nearly doubled what is sorted.
 */
static int fill_raw(struct ingest *in, const char *real, enum sg_format fmt,
		    struct sg_diag *diag)
{
	struct sg_reader *r = NULL;
	struct sg_record rec;
	sqlite3_stmt *st = NULL;
	size_t j = 0;
	int ret;

	if (!in->nraw)
		return 0;
	qsort(in->raw, in->nraw, sizeof(*in->raw), cmp_raw_line);
	ret = sg_reader_open(&r, real, fmt, diag);
	if (!ret)
		ret = bind_columns(in, r, diag);
	if (!ret)
		ret = sg_store_prepare(in->s, &st,
				       "UPDATE rejects SET raw = ?1 WHERE id = ?2",
				       diag);
	while (!ret && j < in->nraw &&
	       (ret = sg_reader_next(r, &rec, diag)) > 0) {
		ret = 0;
		while (j < in->nraw && in->raw[j].line < rec.line)
			j++;
		for (; j < in->nraw && in->raw[j].line == rec.line; j++) {
			sqlite3_bind_text(st, 1, rec.raw, (int)rec.raw_len,
					  SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, in->raw[j].id);
			if (sqlite3_step(st) != SQLITE_DONE)
				ret = sg_store_error(in->s, diag,
						     "cannot store a rejected row");
			sqlite3_reset(st);
		}
	}
	if (ret > 0)
		ret = 0;
	in->nraw = 0;
	sqlite3_finalize(st);
	sg_reader_close(r);
	return ret;
}

static int ingest_file(struct ingest *in, const char *path,
		       struct sg_diag *diag)
{
	struct sg_reader *r = NULL;
	struct sg_record rec;
	char *spooled = NULL;
	const char *real = path;
	enum sg_format fmt = SG_FORMAT_GUESS;
	int ret;

	if (!strcmp(path, "-")) {
		ret = spool_stdin(&spooled, diag);
		if (ret)
			return ret;
		real = spooled;
		in->display = "<stdin>";
	} else {
		in->display = path;
	}
	in->f->file = sg_xstrdup(in->display);
	sg_now_iso(in->now);
	ret = sg_sha256_file(real, in->f->sha256, &in->f->size, diag);
	if (ret)
		goto out;
	ret = already_ingested(in, diag);
	if (ret || in->f->skipped)
		goto out;
	if (in->log->format)
		fmt = sg_format_parse(in->log->format);
	else if (!spooled)
		fmt = sg_format_guess(path);
	ret = sg_reader_open(&r, real, fmt, diag);
	if (ret) {
		if (diag && spooled)
			snprintf(diag->file, sizeof(diag->file), "<stdin>");
		goto out;
	}
	in->f->format = sg_reader_format(r) == SG_FORMAT_JSONL ? "jsonl" : "csv";
	ret = bind_columns(in, r, diag);
	if (ret)
		goto out;
	ret = write_batch(in, NULL, diag);
	if (ret)
		goto out;
	for (;;) {
		ret = sg_reader_next(r, &rec, diag);
		if (ret == 0)
			break;
		if (ret < 0) {
			/* the ingest fails: nothing of it will be stored */
			if (diag && spooled)
				snprintf(diag->file, sizeof(diag->file),
					 "<stdin>");
			goto out;
		}
		in->f->rows_read++;
		in->sum->rows_read++;
		ret = one_row(in, &rec, diag);
		if (ret)
			goto out;
		if (too_many_rejects(in, 0, diag)) {
			ret = SG_EDATA;
			goto out;
		}
		if (in->o->progress && (in->f->rows_read & 0xfff) == 0)
			in->o->progress(in->o->progress_ctx, in->display,
					(uint64_t)in->f->rows_read,
					sg_reader_offset(r), in->f->size);
	}
	ret = merge_rows(in, diag);
	if (!ret)
		ret = fill_raw(in, real, fmt, diag);
	if (ret)
		goto out;
	if (in->f->rows_read > 0 && in->f->rejected == in->f->rows_read) {
		sg_diag_set(diag, in->display, 0, 0,
			    "every row was rejected (%ld of %ld), nothing of it "
			    "could be loaded; the ingest was rolled back",
			    in->f->rejected, in->f->rows_read);
		ret = SG_EDATA;
		goto out;
	}
	ret = finish_batch(in, diag);
out:
	in->spilled = 0;
	in->nraw = 0;
	in->nstaged = 0;
	in->ndec = 0;
	sg_buf_reset(&in->arena);
	sg_reader_close(r);
	if (spooled) {
		unlink(spooled);
		free(spooled);
	}
	return ret;
}

int sg_ingest(struct sg_store *s, const char *const *paths, size_t n,
	      const struct sg_ingest_opts *opts, struct sg_ingest_summary *sum,
	      struct sg_diag *diag)
{
	struct ingest in;
	struct sg_log_conf logc;
	int stored_type;
	double t0 = now_seconds();
	long long cache = 0;
	size_t i;
	int ret;

	memset(sum, 0, sizeof(*sum));
	memset(&in, 0, sizeof(in));
	in.s = s;
	in.o = opts;
	in.log = &opts->cfg->log;
	in.sum = sum;
	/* a decisions-only log reads case id, decision, rater and time */
	in.nseg = in.log->decisions_only ? 0 : in.log->segments.n;
	in.nfeat = in.log->decisions_only ? 0 : in.log->features.n;
	in.feats = sg_xcalloc(in.nfeat ? in.nfeat : 1, sizeof(double));
	sg_buf_init(&in.segs);
	sg_buf_init(&in.seg_keys);
	sg_buf_init(&in.arena);
	sg_buf_init(&in.blobs);
	in.stage = sg_xcalloc(BATCH_ROWS, sizeof(*in.stage));
	in.seg_key_end = sg_xcalloc(in.log->segments.n ? in.log->segments.n : 1,
				    sizeof(size_t));
	for (i = 0; i < in.log->segments.n; i++) {
		const char *name = in.log->segments.v[i];

		sg_buf_addch(&in.seg_keys, i ? ',' : '{');
		sg_json_quote(&in.seg_keys, name, strlen(name));
		sg_buf_addch(&in.seg_keys, ':');
		in.seg_key_end[i] = in.seg_keys.len;
	}
	sum->files = sg_xcalloc(n ? n : 1, sizeof(*sum->files));

	/*
	 * Foreign keys are not checked while the rows go in: every
	 * reference ingest writes is an id it has just read or made. A
	 * checked reference would make each multi-row INSERT one that may
	 * fail half-way, which SQLite protects with a statement journal of
	 * every page it changes, spilled to a temporary file (store.c).
	 * The pragma works outside a transaction only; it is set back
	 * after the commit or rollback.
	 */
	ret = sg_store_exec(s, "PRAGMA foreign_keys = OFF", diag);
	if (ret)
		goto out;
	cache = sg_store_cache_shrink(s, INGEST_CACHE_KIB);
	ret = sg_store_begin(s, diag);
	if (ret)
		goto out;
	ret = sg_store_night_rule(s, &in.log->night, diag);
	if (ret)
		goto out;
	/*
	 * The decision type is the store's, once it has decisions: without
	 * --decision-type a log into a store of numbers is read as numbers,
	 * and a type that contradicts the store is refused (a store never
	 * mixes the two). Into an empty store, the log's.
	 */
	logc = *in.log;
	in.log = &logc;
	ret = sg_decision_type_of_store(s, &stored_type, diag);
	if (!ret && stored_type != SG_DECISION_AUTO)
		ret = sg_decision_type_resolve(
			s,
			logc.explicit_mask & SG_LOGKEY_DECISION_TYPE
				? logc.decision_type
				: SG_DECISION_AUTO,
			&logc.decision_type, diag);
	if (ret)
		goto out;
	/* the rows of a file on their way to the store (merge_rows) */
	ret = sg_store_exec(s,
			    "PRAGMA temp.page_size = 65536;"
			    "CREATE TEMP TABLE IF NOT EXISTS sg_stage(night TEXT,"
			    " cid TEXT, rec BLOB);"
			    "DELETE FROM temp.sg_stage",
			    diag);
	if (ret)
		goto out;
	ret = prepare_all(&in, diag);
	if (ret)
		goto out;
	ret = feature_set_id(&in, diag);
	if (ret)
		goto out;
	for (i = 0; i < n; i++) {
		in.f = &sum->files[sum->nfiles++];
		in.batch = 0;
		ret = ingest_file(&in, paths[i], diag);
		if (ret)
			goto out;
	}
	if (too_many_rejects(&in, 1, diag)) {
		ret = SG_EDATA;
		goto out;
	}
	finalize_all(&in);
	ret = sg_store_exec(s, "DROP TABLE temp.sg_stage", diag);
	if (!ret)
		ret = sg_store_commit(s, diag);
out:
	finalize_all(&in);
	if (ret)
		sg_store_rollback(s);
	sg_store_cache_restore(s, cache);
	if (sg_store_exec(s, "PRAGMA foreign_keys = ON", ret ? NULL : diag) &&
	    !ret)
		ret = SG_ESTORE;
	if (ret) {
		/* nothing was loaded: say so in the counts of the files too */
		for (i = 0; i < sum->nfiles; i++)
			sum->files[i].batch = 0;
	}
	sum->seconds = now_seconds() - t0;
	free(in.feats);
	free(in.seg_key_end);
	free(in.stage);
	sg_buf_release(&in.segs);
	sg_buf_release(&in.seg_keys);
	sg_buf_release(&in.arena);
	sg_buf_release(&in.blobs);
	free(in.raw);
	return ret;
}

void sg_ingest_summary_release(struct sg_ingest_summary *sum)
{
	size_t i;

	if (!sum)
		return;
	for (i = 0; i < sum->nfiles; i++)
		free(sum->files[i].file);
	free(sum->files);
	for (i = 0; i < sum->nreject_msgs; i++)
		free(sum->reject_msgs[i]);
	free(sum->reject_msgs);
	memset(sum, 0, sizeof(*sum));
}
