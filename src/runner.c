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
#include <pthread.h>
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
#include "sg/thread.h"
#include "sg/store_runs.h"

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

static int cmp_lat_run(const void *a, const void *b)
{
	return cmp_double(&((const struct sg_lat_run *)a)->v,
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

/* sg_percentile() over the values the sorted runs stand for. */
static double lat_percentile(const struct sg_lat_run *r, size_t nr,
			     size_t total, double q)
{
	double pos, frac, a, b;
	size_t lo;

	if (!total)
		return NAN;
	pos = q / 100.0 * (double)(total - 1);
	lo = (size_t)floor(pos);
	if (lo >= total - 1)
		return lat_at(r, nr, total - 1);
	frac = pos - (double)lo;
	a = lat_at(r, nr, lo);
	b = lat_at(r, nr, lo + 1);
	return a + (b - a) * frac;
}

double sg_percentile_runs(struct sg_lat_run *r, size_t nr, double q)
{
	size_t total = 0, i;

	for (i = 0; i < nr; i++)
		total += r[i].n;
	qsort(r, nr, sizeof(*r), cmp_lat_run);
	return lat_percentile(r, nr, total, q);
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
	struct sg_strlist feat; /* the log columns fed to the model, in order */
	struct sg_store_preds *preds; /* the run's prediction statements */
	int failed_batches;  /* stored batches in a row with nothing scored */
	char last_error[300]; /* the last error of such a batch */
	struct sg_lat_run *lat; /* per-case latencies, runs of equal values */
	size_t nlat, alat;   /* runs used, allocated */
	char now[32];
	int decision_type; /* the store's (sg_decision_type_resolve) */
};

static void add_latency(struct runner *ru, double v)
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
 * One batch of cases: features in the model's order, store ids, the
 * current prediction to retire, the case ids (copied into one buffer that
 * is reused from batch to batch) and, once scored, the predictions.
 */
struct batch {
	size_t cap, n;
	double *x;       /* cap * nfeat */
	long *refs;      /* cases.id */
	long *cur;       /* current prediction to retire, 0 = none */
	size_t *idoff;   /* case id i starts at idbuf + idoff[i] */
	const char **ids;
	char *idbuf;
	size_t idlen, idcap;
	struct sg_pred *out;
	/* own copies of what out[] points to (keep_results()) */
	double *probs;
	size_t probs_cap;
	char *text;
	size_t text_cap;
};

static void batch_init(struct batch *b, size_t cap, size_t nfeat)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
	b->x = sg_xcalloc(cap * (nfeat ? nfeat : 1), sizeof(double));
	b->refs = sg_xcalloc(cap, sizeof(long));
	b->cur = sg_xcalloc(cap, sizeof(long));
	b->idoff = sg_xcalloc(cap, sizeof(size_t));
	b->ids = sg_xcalloc(cap, sizeof(char *));
	b->out = sg_xcalloc(cap, sizeof(*b->out));
	b->idcap = cap * 16;
	b->idbuf = sg_xmalloc(b->idcap);
}

static void batch_free(struct batch *b)
{
	free(b->x);
	free(b->refs);
	free(b->cur);
	free(b->idoff);
	free(b->ids);
	free(b->out);
	free(b->idbuf);
	free(b->probs);
	free(b->text);
}

/*
 * Copies what the predictions of b point to (the backend's memory, valid
 * until its next score call) into b, so that b can be stored while the
 * backend scores the next batch. A label or an error that is the same
 * pointer as the row before's is copied once.
 */
static void keep_results(struct batch *b)
{
	const char *src[2];
	size_t off[2], i, np = 0, nt = 0, len;
	int k;

	for (i = 0; i < b->n; i++) {
		const struct sg_pred *p = &b->out[i];
		const char *t[2];

		t[0] = p->label;
		t[1] = p->error;
		if (p->probs)
			np += p->nprobs;
		for (k = 0; k < 2; k++)
			if (t[k] && (!i || t[k] != (k ? b->out[i - 1].error
						      : b->out[i - 1].label)))
				nt += strlen(t[k]) + 1;
	}
	if (np > b->probs_cap) {
		free(b->probs);
		b->probs_cap = np;
		b->probs = sg_xcalloc(np, sizeof(double));
	}
	if (nt > b->text_cap) {
		free(b->text);
		b->text_cap = nt;
		b->text = sg_xmalloc(nt);
	}
	np = nt = 0;
	src[0] = src[1] = NULL;
	off[0] = off[1] = 0;
	for (i = 0; i < b->n; i++) {
		struct sg_pred *p = &b->out[i];
		const char **t[2];

		t[0] = &p->label;
		t[1] = &p->error;
		if (p->probs) {
			memcpy(b->probs + np, p->probs,
			       p->nprobs * sizeof(double));
			p->probs = b->probs + np;
			np += p->nprobs;
		}
		for (k = 0; k < 2; k++) {
			if (!*t[k])
				continue;
			if (*t[k] != src[k]) {
				src[k] = *t[k];
				len = strlen(*t[k]) + 1;
				memcpy(b->text + nt, *t[k], len);
				off[k] = nt;
				nt += len;
			}
			*t[k] = b->text + off[k];
		}
	}
}

/* Filling a batch from the store's rows. */
struct batch_fill {
	struct runner *ru;
	struct batch *b;
	const struct fset *fs;
	long fs_id;
	size_t n;
	long *last;
};

static void add_case(void *ctx, const struct sg_case_row *c)
{
	struct batch_fill *f = ctx;
	struct batch *b = f->b;
	size_t nfeat = f->ru->feat.n, j, n = f->n;
	const double *blob = c->features;
	size_t nb = c->nfeatures;
	size_t idn = c->case_id_len + 1;
	double *row = b->x + n * nfeat;

	if (!f->fs || c->feature_set != f->fs_id) {
		f->fs = find_set(f->ru, c->feature_set);
		f->fs_id = c->feature_set;
	}
	b->refs[n] = c->ref;
	b->cur[n] = c->cur;
	if (b->idlen + idn > b->idcap) {
		b->idcap = 2 * (b->idlen + idn);
		b->idbuf = sg_xrealloc(b->idbuf, b->idcap);
	}
	memcpy(b->idbuf + b->idlen, c->case_id ? c->case_id : "", idn);
	b->idoff[n] = b->idlen;
	b->idlen += idn;
	for (j = 0; j < nfeat; j++) {
		long col = f->fs ? f->fs->map[j] : -1;
		double v = NAN;

		if (col >= 0 && (size_t)col < nb && blob)
			memcpy(&v, blob + col, sizeof(double));
		row[j] = v;
	}
	*f->last = b->refs[n];
	f->n++;
}

/* Reads the next batch after case *last; b->n = 0 at the end. */
static int read_batch(struct runner *ru, struct batch *b, long *last,
		      struct sg_diag *diag)
{
	struct batch_fill f;
	size_t j;
	int ret;

	memset(&f, 0, sizeof(f));
	f.ru = ru;
	f.b = b;
	f.last = last;
	b->idlen = 0;
	ret = sg_store_preds_next(ru->preds, *last, b->cap, add_case, &f,
				  diag);
	if (ret)
		return ret;
	/* the buffer may have moved while it grew: point at it now */
	for (j = 0; j < f.n; j++)
		b->ids[j] = b->idbuf + b->idoff[j];
	b->n = f.n;
	return 0;
}

/*
 * Stores a scored batch and counts it, in one transaction: INSERT_ROWS
 * rows a statement (each case's current prediction, if any, retired
 * first), the rest one by one, and the run's counts in its runs row, so
 * that the row says what the store holds even if the process is killed
 * after this commit. The result's counts grow only once the commit went
 * through.
 */
static int write_batch(struct runner *ru, const struct batch *b,
		       struct sg_diag *diag)
{
	struct sg_run_result *r = ru->r;
	long nscored = 0, nerrors = 0;
	size_t i;
	int ret;

	for (i = 0; i < b->n; i++) {
		if (b->out[i].error)
			nerrors++;
		else
			nscored++;
	}
	ret = sg_store_preds_write(ru->preds, b->n, b->refs, b->cur, b->out,
				   r->scored + nscored, r->errors + nerrors,
				   diag);
	if (ret)
		return ret;
	for (i = 0; i < b->n; i++) {
		const struct sg_pred *p = &b->out[i];

		if (p->error) {
			r->errors++;
			add_error_msg(r, b->ids[i], p->error);
			continue;
		}
		r->scored++;
		if (!isnan(p->latency_ms))
			add_latency(ru, p->latency_ms);
	}
	if (b->n && !nscored) {
		ru->failed_batches++;
		snprintf(ru->last_error, sizeof(ru->last_error),
			 "case '%.80s': %.200s", b->ids[b->n - 1],
			 b->out[b->n - 1].error);
	} else if (b->n) {
		ru->failed_batches = 0;
	}
	return 0;
}

/*
 * After a stored batch: progress, and 1 when the run stops: --max-errors
 * says so, or SG_RUN_MAX_FAILED_BATCHES batches in a row had no case
 * scored (a model that fails everything would otherwise pay its timeouts
 * for every batch left; those cases wait for the next run).
 */
static int after_batch(struct runner *ru)
{
	if (ru->o->progress)
		ru->o->progress(ru->o->progress_ctx,
				ru->r->scored + ru->r->errors, ru->r->cases);
	if (ru->o->max_errors >= 0 && ru->r->errors > ru->o->max_errors) {
		ru->r->stopped = SG_RUN_STOPPED_MAX_ERRORS;
		return 1;
	}
	if (ru->failed_batches >= SG_RUN_MAX_FAILED_BATCHES) {
		ru->r->stopped = SG_RUN_STOPPED_FAILING;
		return 1;
	}
	return 0;
}

/*
 * The store's side of the pipeline, in a thread of its own: store the
 * scored batch `write` (if any), then read the next batch into `read` (if
 * any). All the store work of a pipelined run happens here, one job at a
 * time, while the backend scores in the calling thread.
 */
struct store_worker {
	struct runner *ru;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int busy, quit;
	struct batch *write, *read;
	long *last;
	int ret;
	struct sg_diag diag;
};

static void *store_worker_main(void *arg)
{
	struct store_worker *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->busy && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->busy)
			break;
		pthread_mutex_unlock(&w->mu);
		w->ret = 0;
		if (w->write)
			w->ret = write_batch(w->ru, w->write, &w->diag);
		if (!w->ret && w->read)
			w->ret = read_batch(w->ru, w->read, w->last, &w->diag);
		pthread_mutex_lock(&w->mu);
		w->busy = 0;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void worker_post(struct store_worker *w, struct batch *write,
			struct batch *read)
{
	pthread_mutex_lock(&w->mu);
	w->write = write;
	w->read = read;
	w->busy = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* Waits for the job posted last; returns its result (w->diag set). */
static int worker_wait(struct store_worker *w)
{
	pthread_mutex_lock(&w->mu);
	while (w->busy)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
	return w->ret;
}

/*
 * Scores batch after batch with the backend in this thread while the
 * store worker stores the batch before and reads the one after: the
 * backend (XGBoost's threads) and SQLite (reading, writing, the fsync of
 * each commit) overlap instead of taking turns. Each batch is still its
 * own transaction, committed in order; an interrupted run loses the batch
 * being stored and the one being scored, and the next run continues after
 * the last committed one. Only for in-process batched backends: the exec
 * backend keeps the simple loop, so a model process never sees a batch
 * that would not be stored (after --max-errors, say).
 */
static int score_pipelined(struct runner *ru, const struct sg_backend_ops *ops,
			   void *model, size_t cap, struct sg_diag *diag)
{
	size_t nfeat = ru->feat.n;
	struct store_worker w;
	struct batch bb[2], *cur = &bb[0], *nxt = &bb[1];
	long last = 0;
	int ret, wret, err;

	memset(&w, 0, sizeof(w));
	w.ru = ru;
	w.last = &last;
	batch_init(&bb[0], cap, nfeat);
	batch_init(&bb[1], cap, nfeat);
	ret = read_batch(ru, cur, &last, diag);
	if (ret || !cur->n)
		goto out;
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	err = sg_thread_create(&w.thread, store_worker_main, &w);
	if (err) {
		sg_diag_set(diag, NULL, 0, 0, "cannot start a thread: %s",
			    strerror(err));
		ret = SG_EIO;
		goto out_sync;
	}
	/* cur: read, to score; nxt: free, or scored and waiting to be stored */
	nxt->n = 0;
	for (;;) {
		worker_post(&w, nxt->n ? nxt : NULL, nxt);
		memset(cur->out, 0, cur->n * sizeof(*cur->out));
		ret = ops->score(model, cur->n, cur->ids, cur->x, cur->out,
				 diag);
		if (!ret)
			keep_results(cur);
		wret = worker_wait(&w);
		if (wret) {
			if (diag)
				*diag = w.diag;
			ret = wret;
		}
		if (ret)
			break;
		/* nxt was stored (when it held a batch), then refilled */
		if (w.write && after_batch(ru))
			break;
		if (!nxt->n) {
			/* no more cases: store the last scored batch here */
			ret = write_batch(ru, cur, diag);
			if (!ret)
				after_batch(ru);
			break;
		}
		/* nxt now holds the next batch to score, cur a scored one */
		{
			struct batch *t = cur;

			cur = nxt;
			nxt = t;
		}
	}
	pthread_mutex_lock(&w.mu);
	w.quit = 1;
	pthread_cond_broadcast(&w.cv);
	pthread_mutex_unlock(&w.mu);
	pthread_join(w.thread, NULL);
out_sync:
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
out:
	batch_free(&bb[0]);
	batch_free(&bb[1]);
	return ret;
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

static int score_all(struct runner *ru, const struct sg_backend_ops *ops,
		     void *model, struct sg_diag *diag)
{
	const struct sg_model_conf *m = &ru->cfg->model;
	size_t cap = m->batch > 0 ? (size_t)m->batch : 16384;
	struct batch b;
	long last = 0;
	int ret;

	if (ops->caps & SG_BACKEND_BATCHED)
		return score_pipelined(ru, ops, model, cap, diag);
	batch_init(&b, cap, ru->feat.n);
	for (;;) {
		ret = read_batch(ru, &b, &last, diag);
		if (ret || !b.n)
			break;
		memset(b.out, 0, b.n * sizeof(*b.out));
		ret = ops->score(model, b.n, b.ids, b.x, b.out, diag);
		if (!ret)
			ret = write_batch(ru, &b, diag);
		if (ret || after_batch(ru))
			break;
	}
	batch_free(&b);
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
		if (has_score && rec.lens[2] &&
		    sg_parse_number(rec.values[2], rec.lens[2], &score))
			score = NAN;
		memset(&p, 0, sizeof(p));
		p.value = NAN;
		p.latency_ms = NAN;
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
	const char *backend = m->backend ? m->backend : "logged";
	double t0 = now_seconds();
	size_t i;
	int ret;

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
	r->latency_method = ops->latency ? ops->latency
		: (ops->caps & SG_BACKEND_BATCHED) ? "batch time / batch size"
						   : "per request";
	if (r->cases) {
		ret = prepare_statements(&ru, diag);
		if (!ret)
			ret = score_all(&ru, ops, model, diag);
		if (ops->stderr_text && ops->stderr_text(model))
			r->stderr_text = sg_xstrdup(ops->stderr_text(model));
		if (ops->startup_ms)
			r->startup_ms = ops->startup_ms(model);
	}
finish:
	restore_sync(&ru, &rs);
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
	if (ops && model)
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
