/*
 * runner.c - a batch run of a model over the stored cases.
 *
 * A case travels: cases table (features blob in its feature set's order)
 * -> the model's feature order (NaN for a feature the set lacks) -> the
 * backend's score call, a batch at a time -> predictions table, committed
 * with the batch.
 */
#include "sg/runner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "sg/backend.h"
#include "sg/buf.h"
#include "sg/ingest.h"
#include "sg/reader.h"
#include "sg/sha256.h"

#define DEFAULT_LOCK_WAIT_MS 10000

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double sg_percentile(double *v, size_t n, double q)
{
	double pos, frac;
	size_t lo;

	if (!n)
		return NAN;
	qsort(v, n, sizeof(double), cmp_double);
	pos = q / 100.0 * (double)(n - 1);
	lo = (size_t)floor(pos);
	if (lo >= n - 1)
		return v[n - 1];
	frac = pos - (double)lo;
	return v[lo] + (v[lo + 1] - v[lo]) * frac;
}

/* A feature set: which column of its blob feeds each model feature. */
struct fset {
	long id;
	size_t ncols;
	long *map; /* model feature i <- blob column map[i], -1 = missing */
};

struct runner {
	struct sg_store *s;
	const struct sg_run_opts *o;
	const struct sg_config *cfg;
	struct sg_run_result *r;
	struct fset *sets;
	size_t nsets;
	sqlite3_stmt *next, *old, *ins;
	double *lat;
	size_t nlat, alat;
	char now[32];
};

static int load_feature_sets(struct runner *ru, struct sg_diag *diag)
{
	const struct sg_strlist *feat = &ru->cfg->log.features;
	sqlite3_stmt *st = NULL;
	int ret, rc;

	ret = sg_store_prepare(ru->s, &st, "SELECT id, names FROM feature_sets",
			       diag);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *names = (const char *)sqlite3_column_text(st, 1);
		cJSON *arr = cJSON_Parse(names ? names : "[]");
		struct fset *f;
		size_t i;

		ru->sets = sg_xrealloc(ru->sets,
				       (ru->nsets + 1) * sizeof(*ru->sets));
		f = &ru->sets[ru->nsets++];
		f->id = sqlite3_column_int64(st, 0);
		f->ncols = arr ? (size_t)cJSON_GetArraySize(arr) : 0;
		f->map = sg_xcalloc(feat->n ? feat->n : 1, sizeof(long));
		for (i = 0; i < feat->n; i++) {
			cJSON *it;
			long col = 0;

			f->map[i] = -1;
			cJSON_ArrayForEach(it, arr)
			{
				if (cJSON_IsString(it) &&
				    !strcmp(it->valuestring, feat->v[i])) {
					f->map[i] = col;
					break;
				}
				col++;
			}
		}
		cJSON_Delete(arr);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sg_store_error(ru->s, diag, "cannot read the feature sets");
	return 0;
}

static const struct fset *find_set(const struct runner *ru, long id)
{
	size_t i;

	for (i = 0; i < ru->nsets; i++)
		if (ru->sets[i].id == id)
			return &ru->sets[i];
	return NULL;
}

static void add_error_msg(struct sg_run_result *r, const char *case_id,
			  const char *msg)
{
	struct sg_buf b = SG_BUF_INIT;

	if (r->nerror_msgs >= SG_RUN_MAX_ERROR_MSGS)
		return;
	sg_buf_addf(&b, "case '%s': %s", case_id, msg);
	r->error_msgs[r->nerror_msgs++] = sg_buf_detach(&b);
}

static int hash_artifact(const struct sg_model_conf *m, char hex[65],
			 struct sg_diag *diag)
{
	const char *path = m->path;
	uint64_t size;
	struct stat st;
	size_t i;

	hex[0] = '\0';
	if (!path && m->command.n) {
		/* an exec model is identified by its program file, the last
		 * argument that names a regular file */
		for (i = m->command.n; i-- > 0;)
			if (!stat(m->command.v[i], &st) && S_ISREG(st.st_mode)) {
				path = m->command.v[i];
				break;
			}
	}
	if (!path)
		return 0;
	return sg_sha256_file(path, hex, &size, diag);
}

static int count_todo(struct runner *ru, long *n, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret;

	ret = sg_store_prepare(
		ru->s, &st,
		ru->o->rescore
			? "SELECT count(*) FROM cases"
			: "SELECT count(*) FROM cases c WHERE NOT EXISTS ("
			  " SELECT 1 FROM predictions p WHERE p.model = ?1"
			  " AND p.case_ref = c.id AND p.is_current = 1"
			  " AND p.error IS NULL)",
		diag);
	if (ret)
		return ret;
	if (!ru->o->rescore)
		sqlite3_bind_int64(st, 1, ru->r->model_id);
	if (sqlite3_step(st) != SQLITE_ROW)
		ret = sg_store_error(ru->s, diag, "cannot count the cases");
	else
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return ret;
}

static int start_run(struct runner *ru, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret;

	ret = sg_store_prepare(ru->s, &st,
			       "INSERT INTO runs(model, started_at, status,"
			       " rescore, cases) VALUES (?1, ?2, 'running', ?3,"
			       " ?4)",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, ru->r->model_id);
	sqlite3_bind_text(st, 2, ru->now, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, ru->o->rescore);
	sqlite3_bind_int64(st, 4, ru->r->cases);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sg_store_error(ru->s, diag, "cannot record the run");
	else
		ru->r->run_id = sqlite3_last_insert_rowid(ru->s->db);
	sqlite3_finalize(st);
	return ret;
}

static int finish_run(struct runner *ru, const char *status,
		      const char *message, struct sg_diag *diag)
{
	struct sg_run_result *r = ru->r;
	sqlite3_stmt *st = NULL;
	struct rusage ru_self;
	char now[32];
	int ret;

	if (!r->run_id)
		return 0;
	getrusage(RUSAGE_SELF, &ru_self);
	r->peak_rss_kb = ru_self.ru_maxrss;
	r->p50_ms = sg_percentile(ru->lat, ru->nlat, 50);
	r->p95_ms = sg_percentile(ru->lat, ru->nlat, 95);
	r->p99_ms = sg_percentile(ru->lat, ru->nlat, 99);
	sg_now_iso(now);
	ret = sg_store_prepare(
		ru->s, &st,
		"UPDATE runs SET finished_at = ?1, status = ?2, scored = ?3,"
		" errors = ?4, wall_s = ?5, throughput = ?6, p50_ms = ?7,"
		" p95_ms = ?8, p99_ms = ?9, latency_method = ?10,"
		" peak_rss_kb = ?11, stderr = ?12, message = ?13 WHERE id = ?14",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->scored);
	sqlite3_bind_int64(st, 4, r->errors);
	sqlite3_bind_double(st, 5, r->wall_s);
	sqlite3_bind_double(st, 6, r->throughput);
	if (ru->nlat) {
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
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sg_store_error(ru->s, diag, "cannot record the run");
	sqlite3_finalize(st);
	return ret;
}

/* Stores one prediction, retiring the current one of the case if any. */
static int store_pred(struct runner *ru, long case_ref,
		      const struct sg_pred *p)
{
	sqlite3_stmt *st = ru->old;
	int rc;

	sqlite3_bind_int64(st, 1, ru->r->model_id);
	sqlite3_bind_int64(st, 2, case_ref);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	st = ru->ins;
	sqlite3_bind_int64(st, 1, ru->r->model_id);
	sqlite3_bind_int64(st, 2, case_ref);
	sqlite3_bind_int64(st, 3, ru->r->run_id);
	if (p->error) {
		sqlite3_bind_text(st, 9, p->error, -1, SQLITE_TRANSIENT);
	} else {
		if (p->label)
			sqlite3_bind_text(st, 4, p->label, -1, SQLITE_TRANSIENT);
		if (!isnan(p->value))
			sqlite3_bind_double(st, 5, p->value);
		if (!isnan(p->score))
			sqlite3_bind_double(st, 6, p->score);
		if (p->probs && p->nprobs)
			sqlite3_bind_blob(st, 7, p->probs,
					  (int)(p->nprobs * sizeof(double)),
					  SQLITE_TRANSIENT);
	}
	if (!isnan(p->latency_ms))
		sqlite3_bind_double(st, 8, p->latency_ms);
	sqlite3_bind_text(st, 10, ru->now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int prepare_statements(struct runner *ru, struct sg_diag *diag)
{
	int ret;

	ret = sg_store_prepare(
		ru->s, &ru->next,
		ru->o->rescore
			? "SELECT c.id, c.case_id, c.feature_set, c.features"
			  " FROM cases c WHERE c.id > ?2 AND NOT EXISTS ("
			  " SELECT 1 FROM predictions p WHERE p.model = ?1"
			  " AND p.case_ref = c.id AND p.run = ?4)"
			  " ORDER BY c.id LIMIT ?3"
			: "SELECT c.id, c.case_id, c.feature_set, c.features"
			  " FROM cases c WHERE c.id > ?2 AND NOT EXISTS ("
			  " SELECT 1 FROM predictions p WHERE p.model = ?1"
			  " AND p.case_ref = c.id AND p.is_current = 1"
			  " AND p.error IS NULL) ORDER BY c.id LIMIT ?3",
		diag);
	if (ret)
		return ret;
	ret = sg_store_prepare(ru->s, &ru->old,
			       "UPDATE predictions SET is_current = 0"
			       " WHERE model = ?1 AND case_ref = ?2"
			       " AND is_current = 1",
			       diag);
	if (ret)
		return ret;
	return sg_store_prepare(
		ru->s, &ru->ins,
		"INSERT INTO predictions(model, case_ref, run, label, value,"
		" score, probs, latency_ms, error, is_current, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10)",
		diag);
}

static int score_all(struct runner *ru, const struct sg_backend_ops *ops,
		     void *model, struct sg_diag *diag)
{
	const struct sg_model_conf *m = &ru->cfg->model;
	size_t nfeat = ru->cfg->log.features.n;
	size_t batch = m->batch > 0 ? (size_t)m->batch : 4096, n, i, j;
	double *x = sg_xcalloc(batch * (nfeat ? nfeat : 1), sizeof(double));
	long *refs = sg_xcalloc(batch, sizeof(long));
	char **ids = sg_xcalloc(batch, sizeof(char *));
	struct sg_pred *out = sg_xcalloc(batch, sizeof(*out));
	long last = 0;
	int ret = 0, rc;

	for (;;) {
		sqlite3_stmt *st = ru->next;

		sqlite3_bind_int64(st, 1, ru->r->model_id);
		sqlite3_bind_int64(st, 2, last);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)batch);
		if (ru->o->rescore)
			sqlite3_bind_int64(st, 4, ru->r->run_id);
		n = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const double *blob = sqlite3_column_blob(st, 3);
			size_t nb = (size_t)sqlite3_column_bytes(st, 3) /
				    sizeof(double);
			const struct fset *fs =
				find_set(ru, sqlite3_column_int64(st, 2));
			double *row = x + n * nfeat;

			refs[n] = sqlite3_column_int64(st, 0);
			free(ids[n]);
			ids[n] = sg_xstrdup(
				(const char *)sqlite3_column_text(st, 1));
			for (j = 0; j < nfeat; j++) {
				long col = fs ? fs->map[j] : -1;
				double v = NAN;

				if (col >= 0 && (size_t)col < nb && blob)
					memcpy(&v, blob + col, sizeof(double));
				row[j] = v;
			}
			last = refs[n];
			n++;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			ret = sg_store_error(ru->s, diag, "cannot read the cases");
			goto out;
		}
		if (!n)
			break;
		memset(out, 0, n * sizeof(*out));
		ret = ops->score(model, n, (const char *const *)ids, x, out,
				 diag);
		if (ret)
			goto out;
		ret = sg_store_begin(ru->s, diag);
		if (ret)
			goto out;
		for (i = 0; i < n; i++) {
			if (store_pred(ru, refs[i], &out[i])) {
				ret = sg_store_error(ru->s, diag,
						     "cannot store a prediction");
				goto out;
			}
			if (out[i].error) {
				ru->r->errors++;
				add_error_msg(ru->r, ids[i], out[i].error);
			} else {
				ru->r->scored++;
				if (!isnan(out[i].latency_ms)) {
					if (ru->nlat == ru->alat) {
						ru->alat = ru->alat ? 2 * ru->alat
								    : 4096;
						ru->lat = sg_xrealloc(
							ru->lat,
							ru->alat * sizeof(double));
					}
					ru->lat[ru->nlat++] = out[i].latency_ms;
				}
			}
		}
		ret = sg_store_commit(ru->s, diag);
		if (ret)
			goto out;
		if (ru->o->progress)
			ru->o->progress(ru->o->progress_ctx,
					ru->r->scored + ru->r->errors,
					ru->r->cases);
		if (ru->o->max_errors >= 0 && ru->r->errors > ru->o->max_errors) {
			ru->r->stopped = 1;
			break;
		}
	}
out:
	if (ret)
		sg_store_rollback(ru->s);
	for (i = 0; i < batch; i++)
		free(ids[i]);
	free(ids);
	free(refs);
	free(x);
	free(out);
	return ret;
}

/*
 * The logged backend with a predictions file: join it on case id and store
 * each prediction, in one transaction.
 */
static int join_predictions(struct runner *ru, struct sg_diag *diag)
{
	const struct sg_log_conf *l = &ru->cfg->log;
	const char *path = ru->cfg->model.predictions;
	struct sg_reader *rd = NULL;
	sqlite3_stmt *find = NULL;
	struct sg_record rec;
	const char *names[3];
	size_t nb = 2;
	int ret, has_score, rc;

	ret = sg_reader_open(&rd, path, SG_FORMAT_GUESS, diag);
	if (ret)
		return ret;
	names[0] = l->case_id;
	if (!sg_reader_has_column(rd, l->case_id) ||
	    !sg_reader_has_column(rd, l->model_label)) {
		sg_diag_set(diag, path, 0, 0,
			    "a predictions file needs the columns '%s' and '%s'",
			    l->case_id, l->model_label);
		ret = SG_EUSAGE;
		goto out;
	}
	names[1] = l->model_label;
	has_score = sg_reader_has_column(rd, l->model_score);
	if (has_score)
		names[nb++] = l->model_score;
	ret = sg_reader_bind(rd, names, nb);
	if (ret)
		goto out;
	ret = sg_store_prepare(ru->s, &find,
			       "SELECT id FROM cases WHERE case_id = ?1", diag);
	if (ret)
		goto out;
	ret = sg_store_begin(ru->s, diag);
	if (ret)
		goto out;
	while ((ret = sg_reader_next(rd, &rec, diag)) == 1) {
		struct sg_pred p;
		long ref;
		double score = NAN;

		if (rec.err || !rec.lens[0]) {
			ru->r->errors++;
			if (ru->r->nerror_msgs < SG_RUN_MAX_ERROR_MSGS) {
				struct sg_buf b = SG_BUF_INIT;

				sg_buf_addf(&b, "%s:%ld: %s", path, rec.line,
					    rec.err ? rec.err_msg
						    : "missing case id");
				ru->r->error_msgs[ru->r->nerror_msgs++] =
					sg_buf_detach(&b);
			}
			continue;
		}
		sqlite3_bind_text(find, 1, rec.values[0], (int)rec.lens[0],
				  SQLITE_STATIC);
		rc = sqlite3_step(find);
		ref = rc == SQLITE_ROW ? sqlite3_column_int64(find, 0) : 0;
		sqlite3_reset(find);
		if (!ref) {
			ru->r->unmatched_predictions++;
			continue;
		}
		if (has_score && rec.lens[2] &&
		    sg_parse_number(rec.values[2], rec.lens[2], &score))
			score = NAN;
		memset(&p, 0, sizeof(p));
		p.value = NAN;
		p.latency_ms = NAN;
		p.score = score;
		if (ru->cfg->log.decision_type == SG_DECISION_NUMERIC) {
			if (sg_parse_number(rec.values[1], rec.lens[1],
					    &p.value))
				p.error = "not a number";
		} else {
			p.label = rec.values[1];
		}
		if (store_pred(ru, ref, &p)) {
			ret = sg_store_error(ru->s, diag,
					     "cannot store a prediction");
			goto out;
		}
		if (p.error)
			ru->r->errors++;
		else
			ru->r->scored++;
	}
	if (ret < 0)
		goto out;
	ret = sg_store_commit(ru->s, diag);
out:
	if (ret)
		sg_store_rollback(ru->s);
	sqlite3_finalize(find);
	sg_reader_close(rd);
	return ret;
}

static int count_unscored(struct runner *ru, struct sg_diag *diag)
{
	long n = 0;
	int ret, rescore = ru->o->rescore;

	((struct sg_run_opts *)ru->o)->rescore = 0;
	ret = count_todo(ru, &n, diag);
	((struct sg_run_opts *)ru->o)->rescore = rescore;
	ru->r->cases_without_prediction = n;
	return ret;
}

int sg_run(struct sg_store *s, const struct sg_run_opts *opts,
	   struct sg_run_result *r, struct sg_diag *diag)
{
	const struct sg_config *cfg = opts->cfg;
	const struct sg_model_conf *m = &cfg->model;
	const struct sg_backend_ops *ops;
	struct runner ru;
	void *model = NULL;
	const char *backend = m->backend ? m->backend : "logged";
	double t0 = now_seconds();
	size_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	memset(&ru, 0, sizeof(ru));
	ru.s = s;
	ru.o = opts;
	ru.cfg = cfg;
	ru.r = r;
	sg_now_iso(ru.now);
	r->backend = backend;
	if (!m->name || !m->version) {
		sg_diag_set(diag, cfg->path, 0, 0,
			    "the model needs a name and a version (model.name "
			    "and model.version, or --model-name and "
			    "--model-version)");
		return SG_EUSAGE;
	}
	ops = strcmp(backend, "logged") ? sg_backend_find(backend) : NULL;
	if (strcmp(backend, "logged") && !ops) {
		struct sg_buf b = SG_BUF_INIT;
		const char *const *nm;

		for (nm = sg_backend_names(); *nm; nm++)
			sg_buf_addf(&b, " %s", *nm);
		sg_diag_set(diag, cfg->path, 0, 0,
			    "unknown model backend '%s' (this shadowgate has:%s "
			    "logged)",
			    backend, b.buf);
		sg_buf_release(&b);
		return SG_EUSAGE;
	}
	if (ops && (ops->caps & SG_BACKEND_NEEDS_FILE) && !m->path) {
		sg_diag_set(diag, cfg->path, 0, 0,
			    "the %s backend needs the model file (model.path or "
			    "--model-path)",
			    backend);
		return SG_EUSAGE;
	}
	if (!strcmp(backend, "exec") && !m->command.n) {
		sg_diag_set(diag, cfg->path, 0, 0,
			    "the exec backend needs a command (model.command or "
			    "--model-command)");
		return SG_EUSAGE;
	}
	ret = hash_artifact(m, r->sha256, diag);
	if (ret)
		return ret;
	ret = sg_store_lock(s, opts->lock_wait_ms > 0 ? opts->lock_wait_ms
						      : DEFAULT_LOCK_WAIT_MS,
			    diag);
	if (ret)
		return ret;
	ret = sg_store_begin(s, diag);
	if (ret)
		goto out;
	ret = sg_store_model_id(s, m->name, m->version, backend,
				r->sha256[0] ? r->sha256 : NULL,
				m->path ? m->path : NULL, &r->model_id, diag);
	if (!ret)
		ret = count_todo(&ru, &r->cases, diag);
	if (!ret && ops && r->cases == 0) {
		/* nothing to score: no run is recorded, the store is as it
		 * was (re-running a night changes nothing) */
		sg_store_rollback(s);
		r->latency_method = NULL;
		r->p50_ms = r->p95_ms = r->p99_ms = NAN;
		r->wall_s = now_seconds() - t0;
		goto out;
	}
	if (!ret && ops) {
		/* a model that cannot be loaded is not recorded at all: the
		 * transaction that would name it is rolled back */
		ret = ops->open(&model, m,
				(const char *const *)cfg->log.features.v,
				cfg->log.features.n, diag);
		if (ret)
			model = NULL;
	}
	if (!ret)
		ret = start_run(&ru, diag);
	if (ret) {
		sg_store_rollback(s);
		goto out;
	}
	ret = sg_store_commit(s, diag);
	if (ret)
		goto out;

	if (!ops) {
		r->latency_method = NULL;
		if (m->predictions)
			ret = join_predictions(&ru, diag);
		if (!ret)
			ret = count_unscored(&ru, diag);
		r->cases = r->scored + r->errors;
		goto finish;
	}
	ret = load_feature_sets(&ru, diag);
	if (ret)
		goto finish;
	r->latency_method = (ops->caps & SG_BACKEND_BATCHED)
				    ? "batch time / batch size"
				    : "per request";
	if (r->cases) {
		ret = prepare_statements(&ru, diag);
		if (!ret)
			ret = score_all(&ru, ops, model, diag);
		if (ops->stderr_text && ops->stderr_text(model))
			r->stderr_text = sg_xstrdup(ops->stderr_text(model));
	}
finish:
	r->wall_s = now_seconds() - t0;
	r->throughput = r->wall_s > 0 ? (double)(r->scored + r->errors) /
						r->wall_s
				      : 0;
	{
		struct sg_diag d2;
		char msg[1200];

		if (ret) {
			sg_diag_format(diag, msg, sizeof(msg));
			finish_run(&ru, "failed", msg, &d2);
		} else if (r->stopped) {
			snprintf(msg, sizeof(msg),
				 "stopped: %ld cases failed, more than "
				 "--max-errors %ld",
				 r->errors, opts->max_errors);
			finish_run(&ru, "stopped", msg, &d2);
			sg_diag_set(diag, NULL, 0, 0, "%s", msg);
			ret = SG_EMODEL;
		} else {
			ret = finish_run(&ru, "done", NULL, diag);
		}
	}
out:
	sqlite3_finalize(ru.next);
	sqlite3_finalize(ru.old);
	sqlite3_finalize(ru.ins);
	if (ops && model)
		ops->close(model);
	for (i = 0; i < ru.nsets; i++)
		free(ru.sets[i].map);
	free(ru.sets);
	free(ru.lat);
	sg_store_unlock(s);
	return ret;
}

void sg_run_result_release(struct sg_run_result *r)
{
	size_t i;

	if (!r)
		return;
	free(r->stderr_text);
	for (i = 0; i < r->nerror_msgs; i++)
		free(r->error_msgs[i]);
	memset(r, 0, sizeof(*r));
}
