/*
 * runner.c - a batch run of a model over the stored cases.
 *
 * A case travels: cases table (features blob in its feature set's order)
 * -> the model's feature order (NaN for a feature the set lacks) -> the
 * backend's score call, a batch at a time -> predictions table, committed
 * with the batch. This file owns the run from start to end (the model,
 * its features, the runs row, logged predictions); the batches are in
 * runner_batch.c, the SQL in store_runs.c.
 */
#include "sg/timeutil.h"
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
#include "sg/report.h"
#include "sg/sha256.h"
#include "sg/store_runs.h"
#include "sg/stats.h"
#include "runner_impl.h"

#define DEFAULT_LOCK_WAIT_MS 10000

/* The q-th percentile (0..100) of v, sorted in place: numpy.percentile's
 * default method, through the one quantile of stats.c. */
double sg_percentile(double *v, size_t n, double q)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(double), sg_cmp_double);
	return sg_quantile_sorted(v, n, q / 100.0);
}

static int cmp_lat_run(const void *a, const void *b)
{
	return sg_cmp_double(&((const struct sg_lat_run *)a)->v,
			     &((const struct sg_lat_run *)b)->v);
}

/* The value at rank k (0-based) of runs sorted by value. */
static double lat_at(const struct sg_lat_run *r, size_t nr, size_t k)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (k < r[i].n)
			return r[i].v;
		k -= r[i].n;
	}
	return nr ? r[nr - 1].v : NAN;
}

/* sg_percentile() over the values the sorted runs stand for: the same
 * rank and interpolation as sg_quantile_sorted. */
static double lat_percentile(const struct sg_lat_run *r, size_t nr,
			     size_t total, double q)
{
	size_t i;
	double t;

	if (!total)
		return NAN;
	if (!sg_quantile_rank(total, q / 100.0, &i, &t))
		return lat_at(r, nr, i);
	return sg_quantile_lerp(lat_at(r, nr, i), lat_at(r, nr, i + 1), t);
}

double sg_percentile_runs(struct sg_lat_run *r, size_t nr, double q)
{
	size_t total = 0, i;

	for (i = 0; i < nr; i++)
		total += r[i].n;
	qsort(r, nr, sizeof(*r), cmp_lat_run);
	return lat_percentile(r, nr, total, q);
}

void runner_add_latency(struct runner *ru, double v)
{
	if (ru->nlat && ru->lat[ru->nlat - 1].v == v) {
		ru->lat[ru->nlat - 1].n++;
		return;
	}
	if (ru->nlat == ru->alat) {
		ru->alat = ru->alat ? 2 * ru->alat : 256;
		ru->lat = sg_xrealloc(ru->lat, ru->alat * sizeof(*ru->lat));
	}
	ru->lat[ru->nlat].v = v;
	ru->lat[ru->nlat++].n = 1;
}

static void add_feature_set(void *ctx, long id, const char *names)
{
	struct runner *ru = ctx;
	const struct sg_strlist *feat = &ru->feat;
	cJSON *arr = cJSON_Parse(names ? names : "[]");
	struct fset *f;
	size_t i;

	ru->sets = sg_xrealloc(ru->sets, (ru->nsets + 1) * sizeof(*ru->sets));
	f = &ru->sets[ru->nsets++];
	f->id = id;
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

static int load_feature_sets(struct runner *ru, struct sg_diag *diag)
{
	return sg_store_feature_sets(ru->s, add_feature_set, ru, diag);
}

/*
 * The feature columns stored at ingest: *all the distinct columns of
 * every feature set, in order of first appearance; *sets the number of
 * feature sets that have columns. Returns 0 or a store error.
 */
struct columns {
	struct sg_strlist *all;
	long *sets;
};

static void add_columns(void *ctx, long id, const char *names)
{
	struct columns *c = ctx;
	cJSON *arr = cJSON_Parse(names ? names : "[]"), *it;

	(void)id;
	if (cJSON_GetArraySize(arr) > 0)
		(*c->sets)++;
	cJSON_ArrayForEach(it, arr)
	{
		if (cJSON_IsString(it) &&
		    sg_strlist_find(c->all, it->valuestring) < 0)
			sg_strlist_add(c->all, it->valuestring);
	}
	cJSON_Delete(arr);
}

static int stored_columns(struct runner *ru, struct sg_strlist *all,
			  long *sets, struct sg_diag *diag)
{
	struct columns c = {all, sets};

	*sets = 0;
	return sg_store_feature_sets(ru->s, add_columns, &c, diag);
}

/* The model feature that log column col feeds (model.feature_map). */
static const char *feature_of(const struct sg_model_conf *m, const char *col)
{
	long i = sg_strlist_find(&m->map_columns, col);

	return i >= 0 ? m->map_features.v[i] : col;
}

/* The log column that feeds model feature f (model.feature_map). */
static const char *column_of(const struct sg_model_conf *m, const char *f)
{
	long i = sg_strlist_find(&m->map_features, f);

	return i >= 0 ? m->map_columns.v[i] : f;
}

static void join_list(struct sg_buf *b, char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sg_buf_addf(b, "%s%s", i ? ", " : "", v[i]);
}

/*
 * Opens the model and settles the features it is fed (ru->feat, log
 * columns) and where they came from (r->features_source):
 *  - log.features, when configured: a model that carries feature names
 *    must have, at every position, the feature that column feeds (its
 *    own name, or the feature model.feature_map gives it);
 *  - else, for a model with feature names, the columns that feed them,
 *    each of which must be a feature column stored at ingest;
 *  - else the feature columns stored at ingest, when every feature set
 *    has the same ones.
 * A feature map entry whose column is not configured is refused too, as
 * is a configured column named as a mapped feature that another column
 * feeds (it would feed that feature twice).
 * Returns 0 with *model open, SG_EUSAGE (the message names the first
 * position that differs and both names), or the backend's error.
 */
static int open_model(struct runner *ru, const struct sg_backend_ops *ops,
		      void **model, struct sg_diag *diag)
{
	const struct sg_model_conf *m = &ru->cfg->model;
	const struct sg_strlist *conf = &ru->cfg->log.features;
	const char *const *mnames = NULL;
	struct sg_strlist stored = {0}, names = {0};
	struct sg_buf b = SG_BUF_INIT;
	const char *where = m->path ? m->path : ru->cfg->path;
	size_t i, nmodel = 0;
	long sets = 0;
	int ret = 0;

	*model = NULL;
	if (conf->n) {
		for (i = 0; i < m->map_columns.n; i++) {
			if (sg_strlist_find(conf, m->map_columns.v[i]) < 0) {
				sg_diag_set(diag, ru->cfg->path, 0, 0,
					    "model.feature_map: column '%s' "
					    "(for feature '%s') is not one of "
					    "log.features",
					    m->map_columns.v[i],
					    m->map_features.v[i]);
				ret = SG_EUSAGE;
				goto out;
			}
		}
		for (i = 0; i < conf->n; i++) {
			long k = sg_strlist_find(&m->map_features, conf->v[i]);

			if (k >= 0 && sg_strlist_find(&m->map_columns,
						      conf->v[i]) < 0) {
				sg_diag_set(diag, ru->cfg->path, 0, 0,
					    "log.features: column '%s' feeds "
					    "no feature, as model.feature_map "
					    "feeds '%s' from column '%s'",
					    conf->v[i], conf->v[i],
					    m->map_columns.v[k]);
				ret = SG_EUSAGE;
				goto out;
			}
			sg_strlist_add(&ru->feat, conf->v[i]);
		}
		ru->r->features_source = "log.features";
	} else if (!ops->feature_names) {
		ret = stored_columns(ru, &stored, &sets, diag);
		if (ret)
			goto out;
		if (sets > 1) {
			sg_diag_set(diag, ru->cfg->path, 0, 0, "no features "
				    "configured and the stored cases have "
				    "different feature columns: list them "
				    "(log.features or --feature)");
			ret = SG_EUSAGE;
			goto out;
		}
		for (i = 0; i < stored.n; i++)
			sg_strlist_add(&ru->feat, stored.v[i]);
		if (stored.n)
			ru->r->features_source =
				"the feature columns stored at ingest";
	}
	for (i = 0; i < ru->feat.n; i++)
		sg_strlist_add(&names, feature_of(m, ru->feat.v[i]));
	ret = ops->open(model, m, (const char *const *)names.v, names.n,
			diag);
	if (ret) {
		*model = NULL;
		goto out;
	}
	if (!ops->feature_names)
		goto out;
	mnames = ops->feature_names(*model, &nmodel);
	ret = SG_EUSAGE;
	if (conf->n) {
		for (i = 0; mnames && i < names.n; i++) {
			if (strcmp(mnames[i], names.v[i])) {
				sg_buf_addf(&b, "'%s'", names.v[i]);
				if (strcmp(names.v[i], conf->v[i]))
					sg_buf_addf(&b, " (column '%s', by "
						    "model.feature_map)",
						    conf->v[i]);
				sg_diag_set(diag, where, 0, 0, "feature order "
					    "differs from the model's "
					    "feature_names at position %zu: the "
					    "model has '%s', log.features has "
					    "%s", i + 1, mnames[i], b.buf);
				goto out;
			}
		}
		ret = 0;
		goto out;
	}
	ret = stored_columns(ru, &stored, &sets, diag);
	if (ret)
		goto out;
	ret = SG_EUSAGE;
	if (mnames) {
		for (i = 0; i < nmodel; i++) {
			const char *col = column_of(m, mnames[i]);

			if (sg_strlist_find(&stored, col) < 0) {
				join_list(&b, stored.v, stored.n);
				sg_diag_set(diag, where, 0, 0, "the model's "
					    "feature '%s' (position %zu) needs "
					    "the column '%s', which is not "
					    "among the feature columns stored "
					    "at ingest (%s)", mnames[i], i + 1,
					    col, stored.n ? b.buf : "none");
				goto out;
			}
			sg_strlist_add(&ru->feat, col);
		}
		ru->r->features_source = "the model's feature names";
		ret = 0;
		goto out;
	}
	if (sets > 1 || !stored.n) {
		sg_diag_set(diag, ru->cfg->path, 0, 0, "no features configured "
			    "and the model has no feature names; %s: list them "
			    "in the model's order (log.features or --feature)",
			    stored.n ? "the stored cases have different feature "
				       "columns" : "no feature columns are stored");
		goto out;
	}
	if (stored.n != nmodel) {
		join_list(&b, stored.v, stored.n);
		sg_diag_set(diag, where, 0, 0, "model expects %zu features, the "
			    "feature columns stored at ingest are %zu (%s)",
			    nmodel, stored.n, b.buf);
		goto out;
	}
	for (i = 0; i < stored.n; i++)
		sg_strlist_add(&ru->feat, stored.v[i]);
	ru->r->features_source = "the feature columns stored at ingest";
	ret = 0;
out:
	if (ret && *model) {
		ops->close(*model);
		*model = NULL;
	}
	for (i = 0; !ret && i < ru->feat.n; i++)
		sg_strlist_add(&ru->r->features, ru->feat.v[i]);
	sg_buf_release(&b);
	sg_strlist_release(&stored);
	sg_strlist_release(&names);
	return ret;
}

const struct fset *runner_find_set(const struct runner *ru, long id)
{
	size_t i;

	for (i = 0; i < ru->nsets; i++)
		if (ru->sets[i].id == id)
			return &ru->sets[i];
	return NULL;
}

void runner_add_error_msg(struct sg_run_result *r, const char *case_id,
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

/*
 * The cases this run has to score: all of them with --rescore, else those
 * without a good current prediction of the model. That is the cases less
 * the good current predictions, as a case has at most one current
 * prediction a model (a unique index) and a prediction's case exists (a
 * foreign key): two counts over indexes, not a probe for every case.
 */
static int count_todo(struct runner *ru, long *n, struct sg_diag *diag)
{
	return sg_store_count_todo(ru->s, ru->r->model_id, ru->o->rescore, n,
				   diag);
}

static int start_run(struct runner *ru, struct sg_diag *diag)
{
	return sg_store_run_start(ru->s, ru->r->model_id, ru->now,
				  ru->o->rescore, ru->r->cases,
				  &ru->r->run_id, diag);
}

static int finish_run(struct runner *ru, const char *status,
		      const char *message, struct sg_diag *diag)
{
	struct sg_run_result *r = ru->r;
	struct rusage ru_self;
	size_t i, nlat = 0;

	if (!r->run_id)
		return 0;
	getrusage(RUSAGE_SELF, &ru_self);
	r->peak_rss_kb = ru_self.ru_maxrss;
	if (ru->nlat)
		qsort(ru->lat, ru->nlat, sizeof(*ru->lat), cmp_lat_run);
	for (i = 0; i < ru->nlat; i++)
		nlat += ru->lat[i].n;
	r->p50_ms = lat_percentile(ru->lat, ru->nlat, nlat, 50);
	r->p95_ms = lat_percentile(ru->lat, ru->nlat, nlat, 95);
	r->p99_ms = lat_percentile(ru->lat, ru->nlat, nlat, 99);
	return sg_store_run_finish(ru->s, r, ru->nlat != 0, status, message,
				   diag);
}

/* The statements that read the cases to score and store their
 * predictions (see sg_store_preds_open). */
static int prepare_statements(struct runner *ru, struct sg_diag *diag)
{
	return sg_store_preds_open(ru->s, ru->r->model_id, ru->r->run_id,
				   ru->now, ru->o->rescore,
				   SG_STORE_PREDS_CASES, &ru->preds, diag);
}

/*
 * The connection's settings for a run, put back by restore_settings():
 *  - foreign keys off: every reference the runner writes was just read
 *    from the store (the model and run rows it recorded, case ids from
 *    the cases table, under the store lock; cases are never deleted), so
 *    checking three parent rows per prediction, a quarter of the cost of
 *    storing one, finds nothing;
 *  - a page cache of RUN_CACHE_KIB: a run streams once through the cases
 *    and appends predictions; a big cache only costs a malloc and a page
 *    fault for each page it takes in (a quarter of the store work's CPU
 *    time with 64 MB), and holds nothing that is read again;
 *  - synchronous = NORMAL: a run commits a transaction a batch, and with
 *    FULL each commit waits for an fsync of the write-ahead log. In WAL
 *    mode NORMAL still keeps the store consistent, and a commit survives
 *    the process being killed (the data is with the kernel at once); only
 *    a power cut or a kernel crash can take back the last batches, which
 *    the next run then scores again, as it does after an interruption.
 *    The run's end (the runs row) is committed after synchronous is put
 *    back, so a finished run is durable like any other write, whoever
 *    else has the store open.
 * None changes what is written.
 */
#define RUN_CACHE_KIB 8192

static void run_settings(struct runner *ru, struct sg_store_bulk *rs)
{
	sg_store_bulk_begin(ru->s, rs, RUN_CACHE_KIB);
}

/* synchronous as it was (before the run's end is written) */
static void restore_sync(struct runner *ru, struct sg_store_bulk *rs)
{
	sg_store_bulk_sync(ru->s, rs);
}

static void restore_settings(struct runner *ru, struct sg_store_bulk *rs)
{
	sg_store_bulk_end(ru->s, rs);
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
	struct sg_record rec;
	const char *names[3];
	size_t nb = 2;
	int ret, has_score;

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
	ret = sg_reader_bind(rd, names, nb, diag);
	if (ret)
		goto out;
	ret = sg_store_preds_open(ru->s, ru->r->model_id, ru->r->run_id,
				  ru->now, ru->o->rescore, SG_STORE_PREDS_FIND,
				  &ru->preds, diag);
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
		ref = sg_store_preds_find_case(ru->preds, rec.values[0],
					       rec.lens[0]);
		if (!ref) {
			ru->r->unmatched_predictions++;
			continue;
		}
		memset(&p, 0, sizeof(p));
		p.value = NAN;
		p.latency_ms = NAN;
		/* a score that is not a probability is the model's error, as
		 * for an exec model; an empty or missing one is no score */
		if (has_score && rec.lens[2] &&
		    !sg_is_missing(rec.values[2], rec.lens[2]) &&
		    sg_parse_score(rec.values[2], rec.lens[2], &score))
			p.error = "score not a number in [0, 1]";
		p.score = score;
		if (ru->decision_type == SG_DECISION_NUMERIC) {
			if (sg_parse_number(rec.values[1], rec.lens[1],
					    &p.value))
				p.error = "not a number";
		} else {
			p.label = rec.values[1];
		}
		ret = sg_store_preds_add(ru->preds, ref, &p, diag);
		if (ret)
			goto out;
		if (p.error)
			ru->r->errors++;
		else
			ru->r->scored++;
	}
	if (ret < 0)
		goto out;
	ret = sg_store_commit(ru->s, diag);
out:
	if (ret) {
		/* one transaction: nothing of it was saved */
		sg_store_rollback(ru->s);
		ru->r->scored = ru->r->errors = 0;
	}
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
	struct sg_store_bulk rs;
	void *model = NULL;
	const char *backend = m->backend ? m->backend : SG_BACKEND_DEFAULT;
	double t0 = sg_monotonic_ms() / 1e3;
	size_t i;
	int ret, logged = 0;

	memset(r, 0, sizeof(*r));
	r->startup_ms = NAN;
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
	ops = sg_backend_find(backend);
	if (!ops) {
		struct sg_buf b = SG_BUF_INIT;
		const char *const *nm;

		for (nm = sg_backend_names(); *nm; nm++)
			sg_buf_addf(&b, " %s", *nm);
		sg_diag_set(diag, cfg->path, 0, 0,
			    "unknown model backend '%s' (this shadowgate has:%s)",
			    backend, b.buf);
		sg_buf_release(&b);
		return SG_EUSAGE;
	}
	/* a backend that reads the logged output opens and scores nothing */
	logged = (ops->caps & SG_BACKEND_LOGGED) != 0;
	if ((ops->caps & SG_BACKEND_NEEDS_FILE) && !m->path) {
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
	/* the decision type is the store's: a flag that says otherwise is
	 * refused, and logged numbers are stored as numbers without it */
	ret = sg_decision_type_resolve(
		s,
		cfg->log.explicit_mask & SG_LOGKEY_DECISION_TYPE
			? cfg->log.decision_type
			: SG_DECISION_AUTO,
		&ru.decision_type, diag);
	if (ret)
		return ret;
	ret = hash_artifact(m, r->sha256, diag);
	if (ret)
		return ret;
	ret = sg_store_lock(s, opts->lock_wait_ms > 0 ? opts->lock_wait_ms
						      : DEFAULT_LOCK_WAIT_MS,
			    diag);
	if (ret)
		return ret;
	run_settings(&ru, &rs);
	ret = sg_store_begin(s, diag);
	if (ret)
		goto out;
	/* holding the lock, no other run is alive: a run still marked
	 * running was interrupted (killed, or the machine went down) */
	ret = sg_store_runs_interrupted(s, diag);
	if (!ret)
		ret = sg_store_model_id(s, m->name, m->version, backend,
				r->sha256[0] ? r->sha256 : NULL,
				m->path ? m->path : NULL, &r->model_id, diag);
	if (!ret)
		ret = count_todo(&ru, &r->cases, diag);
	if (!ret && !logged && r->cases == 0) {
		/* nothing to score: no run is recorded, the store is as it
		 * was (re-running a night changes nothing) */
		sg_store_rollback(s);
		r->latency_method = NULL;
		r->p50_ms = r->p95_ms = r->p99_ms = NAN;
		r->wall_s = sg_monotonic_ms() / 1e3 - t0;
		goto out;
	}
	if (!ret && !logged) {
		/* a model that cannot be loaded is not recorded at all: the
		 * transaction that would name it is rolled back */
		ret = open_model(&ru, ops, &model, diag);
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

	if (logged) {
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
	r->latency_method = ops->latency ? ops->latency
		: (ops->caps & SG_BACKEND_BATCHED) ? "batch time / batch size"
						   : "per request";
	if (r->cases) {
		ret = prepare_statements(&ru, diag);
		if (!ret)
			ret = runner_score_all(&ru, ops, model, diag);
		if (ops->stderr_text && ops->stderr_text(model))
			r->stderr_text = sg_xstrdup(ops->stderr_text(model));
		if (ops->startup_ms)
			r->startup_ms = ops->startup_ms(model);
	}
finish:
	restore_sync(&ru, &rs);
	r->wall_s = sg_monotonic_ms() / 1e3 - t0;
	r->throughput = r->wall_s > 0 ? (double)(r->scored + r->errors) /
						r->wall_s
				      : 0;
	{
		struct sg_diag d2;
		char msg[1200];

		if (ret) {
			sg_diag_format(diag, msg, sizeof(msg));
			finish_run(&ru, "failed", msg, &d2);
		} else if (r->stopped == SG_RUN_STOPPED_FAILING) {
			snprintf(msg, sizeof(msg),
				 "stopped: no case of the last %d batches was "
				 "scored (last: %s); the %ld cases not tried "
				 "are left for the next run",
				 SG_RUN_MAX_FAILED_BATCHES, ru.last_error,
				 r->cases - r->scored - r->errors);
			finish_run(&ru, "stopped", msg, &d2);
			sg_diag_set(diag, NULL, 0, 0, "%s", msg);
			ret = SG_EMODEL;
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
	restore_settings(&ru, &rs);
	sg_store_preds_close(ru.preds);
	if (!logged && model)
		ops->close(model);
	for (i = 0; i < ru.nsets; i++)
		free(ru.sets[i].map);
	free(ru.sets);
	free(ru.lat);
	sg_strlist_release(&ru.feat);
	sg_store_unlock(s);
	return ret;
}

void sg_run_result_release(struct sg_run_result *r)
{
	size_t i;

	if (!r)
		return;
	free(r->stderr_text);
	sg_strlist_release(&r->features);
	for (i = 0; i < r->nerror_msgs; i++)
		free(r->error_msgs[i]);
	memset(r, 0, sizeof(*r));
}
