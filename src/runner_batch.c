/*
 * runner_batch.c - a run's batches: cases read from the store into the
 * model's feature order, scored by the backend a batch at a time and
 * stored with the batch's commit; for a batched backend, storing one
 * batch and reading the next on a second thread while the backend
 * scores.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg/backend.h"
#include "sg/buf.h"
#include "sg/runner.h"
#include "sg/store_runs.h"
#include "sg/thread.h"
#include "runner_impl.h"

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
		f->fs = runner_find_set(f->ru, c->feature_set);
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
			runner_add_error_msg(r, b->ids[i], p->error);
			continue;
		}
		r->scored++;
		if (!isnan(p->latency_ms))
			runner_add_latency(ru, p->latency_ms);
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

int runner_score_all(struct runner *ru, const struct sg_backend_ops *ops,
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
