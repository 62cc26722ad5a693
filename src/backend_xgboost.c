/*
 * backend_xgboost.c - the `xgboost` backend: a model file (JSON, UBJ or
 * the legacy binary format) scored in process through XGBoost's C API.
 *
 * The objective saved in the model decides how predictions are read:
 *
 *   binary:logistic   p = P(labels[1]); label = labels[1] when
 *                     p > threshold, else labels[0]; probs = [1-p, p]
 *   binary:logitraw   the same, p = 1 / (1 + exp(-margin))
 *   multi:softprob    arg-max over the configured labels (first wins a
 *                     tie), score = its probability, probs all classes
 *   multi:softmax     XGBoost itself predicts only a class index, so the
 *                     margins are asked for and soft-maxed here; then as
 *                     multi:softprob
 *   reg:*, count:poisson
 *                     value = the prediction, no label, score NaN
 *
 * Any other objective (ranking, survival, binary:hinge) is refused at
 * open. Rows go to XGBoosterPredictFromDense as an array interface over
 * the caller's doubles (no copy, no DMatrix); XGBoost converts them to
 * float, as the Python package does, and NaN is the missing value.
 *
 * A model trained from a pandas DataFrame carries its feature names;
 * feature_names() hands them to the runner, which checks the configured
 * order against them. A case's latency is the time of the chunk of rows
 * it was scored in (one prediction call, XGB_CHUNK_MIN rows or more)
 * divided by the chunk's rows, so chunks that a busy machine slowed down
 * show in the percentiles.
 */
#include "sg_build.h"

#if SG_HAVE_XGBOOST

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <xgboost/c_api.h>

#include "sg/backend.h"
#include "sg/buf.h"
#include "sg/thread.h"

enum xgb_kind {
	XGB_BINARY,     /* probability of class 1 */
	XGB_BINARY_RAW, /* margin of class 1 */
	XGB_SOFTPROB,   /* one probability per class */
	XGB_SOFTMAX,    /* one margin per class */
	XGB_REGRESSION
};

/*
 * Scoring threads. XGBoost would split a batch over OpenMP threads, which
 * spin for a while after each batch before they sleep; next to the
 * runner's store thread on a machine with few cores that spinning took a
 * sixth of the CPU time of a run. So the booster predicts with one thread
 * a call (nthread = 1) and the batch is split here over plain threads that
 * sleep on a condition variable between batches. In-place prediction is
 * thread-safe for tree models since XGBoost 1.4; each call's result
 * buffer belongs to the calling thread. The predictions are the same: a
 * row's prediction does not depend on how the rows are split.
 */
#define XGB_MAX_THREADS 64
#define XGB_CHUNK_MIN 128  /* rows a call at least */
#define XGB_CHUNKS 8       /* chunks a thread in a batch, about */

struct xgb_state;

/*
 * What one thread did with the batch: the threads take chunks of rows in
 * turn (a counter), so a thread that the store's thread or another
 * process slows down takes fewer chunks instead of holding up the rest.
 */
struct xgb_job {
	int failed;
	char err[512];
};

struct xgb_worker {
	struct xgb_state *s;
	size_t idx;             /* its job: jobs[idx] */
	pthread_t thread;
};

struct xgb_state {
	BoosterHandle booster;
	enum xgb_kind kind;
	size_t nfeatures;
	char **names;      /* the model's feature names, or NULL */
	size_t nclass;     /* 2 for binary, 1 for regression */
	char **labels;     /* nclass copies; NULL for regression */
	double threshold;
	double *probs;     /* the last batch: n * nclass */
	size_t probs_alloc;
	/* the scoring threads (none on one CPU): jobs[nworkers] is the
	 * caller's own */
	struct xgb_worker *workers;
	size_t nworkers;
	struct xgb_job *jobs;
	/* the batch being scored */
	const double *x;
	struct sg_pred *out;
	size_t n, chunk;
	size_t next;            /* first row not yet taken (atomic) */
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	unsigned long gen;      /* batches handed out */
	size_t pending;         /* workers still busy with this one */
	int quit, sync_on;
};

const struct sg_backend_ops sg_backend_xgboost;
static void start_workers(struct xgb_state *s);

/*
 * XGBGetLastError() without its "[time] file:line: " prefix and its stack
 * trace: the first line of the real message, in buf.
 */
static const char *xgb_error(char *buf, size_t n)
{
	const char *e = XGBGetLastError();
	const char *p, *q, *end;

	if (!e || !*e)
		e = "unknown xgboost error";
	/* "[08:31:00] ../src/learner.cc:123: the message" */
	if (*e == '[' && (p = strstr(e, "] ")) && (q = strstr(p + 2, ": ")) &&
	    !memchr(p + 2, ' ', (size_t)(q - p - 2)))
		e = q + 2;
	end = strchr(e, '\n');
	if (!end)
		end = e + strlen(e);
	snprintf(buf, n, "%.*s", (int)(end - e), e);
	return buf;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* learner.<a>.<b> from the booster's saved configuration, as a string */
static const char *config_str(const cJSON *root, const char *a, const char *b)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(root, "learner");
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(l, a);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, b);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * Reads the objective and the number of classes from the model's
 * configuration. Returns 0 or SG_EMODEL / SG_EUSAGE with diag set.
 */
static int read_objective(struct xgb_state *s, const char *path,
			  char *objective, size_t objn, long *num_class,
			  struct sg_diag *diag)
{
	char err[512];
	bst_ulong len = 0;
	const char *text = NULL, *obj, *nc;
	cJSON *root = NULL;
	int ret = SG_EMODEL;

	if (XGBoosterSaveJsonConfig(s->booster, &len, &text)) {
		sg_diag_set(diag, path, 0, 0, "cannot read the model "
			    "configuration: %s", xgb_error(err, sizeof(err)));
		goto out;
	}
	root = cJSON_ParseWithLength(text, (size_t)len);
	obj = config_str(root, "objective", "name");
	nc = config_str(root, "learner_model_param", "num_class");
	if (!root || !obj || !nc) {
		sg_diag_set(diag, path, 0, 0, "cannot read the model "
			    "configuration: no objective or num_class");
		goto out;
	}
	snprintf(objective, objn, "%s", obj);
	*num_class = strtol(nc, NULL, 10);
	ret = 0;
out:
	cJSON_Delete(root);
	return ret;
}

/*
 * Whether the file can be a model at all: not empty, and a JSON or UBJ
 * model is an object ('{' after any white space). A file that starts
 * with another byte that is not text is left to XGBoost (the legacy
 * binary format), as is one that starts with an object but is not a
 * whole model (truncated, say): XGBoost refuses those itself.
 */
static int looks_like_model(const char *path)
{
	unsigned char buf[64];
	size_t n, i;
	FILE *f = fopen(path, "rb");

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (i = 0; i < n && (buf[i] == ' ' || buf[i] == '\t' ||
			      buf[i] == '\n' || buf[i] == '\r');
	     i++)
		;
	if (i == n)
		return 0;
	/* text that is not JSON: letters, digits, punctuation (but the
	 * legacy binary format's "binf") */
	if (buf[i] != '{' && buf[i] >= 0x20 && buf[i] < 0x7f &&
	    (n - i < 4 || memcmp(buf + i, "binf", 4)))
		return 0;
	return 1;
}

/*
 * The model's feature names (XGBoost's "feature_name" info: a model
 * trained from a DataFrame has them), into s->names; none is no error.
 * Returns 0, or SG_EMODEL with diag set.
 */
static int read_names(struct xgb_state *s, bst_ulong nf, const char *path,
		      struct sg_diag *diag)
{
	const char **names = NULL;
	bst_ulong len = 0, i;
	char err[512];

	if (XGBoosterGetStrFeatureInfo(s->booster, "feature_name", &len,
				       &names)) {
		sg_diag_set(diag, path, 0, 0, "cannot read the feature names: "
			    "%s", xgb_error(err, sizeof(err)));
		return SG_EMODEL;
	}
	if (!len)
		return 0;
	if (len != nf) {
		sg_diag_set(diag, path, 0, 0, "model has %" PRIu64 " feature "
			    "names for %" PRIu64 " features", (uint64_t)len,
			    (uint64_t)nf);
		return SG_EMODEL;
	}
	s->names = sg_xcalloc((size_t)len + 1, sizeof(*s->names));
	for (i = 0; i < len; i++)
		s->names[i] = sg_xstrdup(names[i] ? names[i] : "");
	return 0;
}

static int xgb_open(void **state, const struct sg_model_conf *mc,
		    const char *const *features, size_t nfeatures,
		    struct sg_diag *diag)
{
	struct xgb_state *s = NULL;
	char err[512], objective[128];
	bst_ulong nf = 0;
	long num_class = 0;
	size_t nlabels, i;
	FILE *f;
	int ret = SG_EMODEL;

	(void)features;
	*state = NULL;
	if (!mc->path || !*mc->path) {
		sg_diag_set(diag, NULL, 0, 0, "xgboost backend: model.path "
			    "is not set");
		return SG_EUSAGE;
	}
	/* XGBoost's own message for a missing file is a stack trace */
	f = fopen(mc->path, "rb");
	if (!f) {
		sg_diag_set(diag, mc->path, 0, 0, "cannot open model file: "
			    "%s", strerror(errno));
		return SG_EMODEL;
	}
	fclose(f);

	s = sg_xcalloc(1, sizeof(*s));
	s->nfeatures = nfeatures;
	s->threshold = mc->threshold;
	if (!(s->threshold > 0.0))
		s->threshold = 0.5;
	/* XGBoost logs warnings (old model formats, say) to stdout */
	XGBSetGlobalConfig("{\"verbosity\": 0}");
	if (XGBoosterCreate(NULL, 0, &s->booster)) {
		sg_diag_set(diag, mc->path, 0, 0, "cannot create a booster: "
			    "%s", xgb_error(err, sizeof(err)));
		goto out;
	}
	/* XGBoost's own messages for a file that is not a model are C++
	 * exception texts ("std::bad_alloc", a JSON parser's position) */
	if (!looks_like_model(mc->path) ||
	    XGBoosterLoadModel(s->booster, mc->path)) {
		sg_diag_set(diag, mc->path, 0, 0, "not an XGBoost model file "
			    "(expected JSON or UBJ)");
		goto out;
	}
	if (XGBoosterGetNumFeature(s->booster, &nf)) {
		sg_diag_set(diag, mc->path, 0, 0, "cannot read the number "
			    "of features: %s", xgb_error(err, sizeof(err)));
		goto out;
	}
	if (read_names(s, nf, mc->path, diag))
		goto out;
	if (!nfeatures)
		s->nfeatures = (size_t)nf;
	else if ((size_t)nf != nfeatures) {
		sg_diag_set(diag, mc->path, 0, 0, "model expects %" PRIu64
			    " features, the configuration lists %zu",
			    (uint64_t)nf, nfeatures);
		ret = SG_EUSAGE;
		goto out;
	}
	ret = read_objective(s, mc->path, objective, sizeof(objective),
			     &num_class, diag);
	if (ret)
		goto out;
	ret = SG_EUSAGE;
	if (!strcmp(objective, "binary:logistic")) {
		s->kind = XGB_BINARY;
		s->nclass = 2;
	} else if (!strcmp(objective, "binary:logitraw")) {
		s->kind = XGB_BINARY_RAW;
		s->nclass = 2;
	} else if (!strcmp(objective, "multi:softprob")) {
		s->kind = XGB_SOFTPROB;
		s->nclass = num_class > 0 ? (size_t)num_class : 0;
	} else if (!strcmp(objective, "multi:softmax")) {
		s->kind = XGB_SOFTMAX;
		s->nclass = num_class > 0 ? (size_t)num_class : 0;
	} else if (!strncmp(objective, "reg:", 4) ||
		   !strcmp(objective, "count:poisson")) {
		s->kind = XGB_REGRESSION;
		s->nclass = 1;
	} else {
		sg_diag_set(diag, mc->path, 0, 0, "model objective '%s' is "
			    "not supported (binary:logistic, multi:softprob, "
			    "multi:softmax or reg:*)", objective);
		goto out;
	}
	if (s->nclass < 1) {
		sg_diag_set(diag, mc->path, 0, 0, "model objective '%s' "
			    "with %ld classes", objective, num_class);
		goto out;
	}
	nlabels = mc->labels.n;
	if (s->kind == XGB_REGRESSION) {
		if (nlabels) {
			sg_diag_set(diag, mc->path, 0, 0, "model is a "
				    "regression (%s) but the configuration "
				    "lists %zu labels", objective, nlabels);
			goto out;
		}
	} else if (nlabels != s->nclass) {
		sg_diag_set(diag, mc->path, 0, 0, "model has %zu classes "
			    "(%s), the configuration lists %zu labels",
			    s->nclass, objective, nlabels);
		goto out;
	}
	if (s->kind != XGB_REGRESSION) {
		s->labels = sg_xcalloc(s->nclass, sizeof(*s->labels));
		for (i = 0; i < s->nclass; i++)
			s->labels[i] = sg_xstrdup(mc->labels.v[i]);
	}
	start_workers(s);
	*state = s;
	return 0;
out:
	sg_backend_xgboost.close(s);
	return ret;
}

/* Index of the largest of p[0..k), the first one on a tie. */
static size_t argmax(const double *p, size_t k)
{
	size_t i, best = 0;

	for (i = 1; i < k; i++)
		if (p[i] > p[best])
			best = i;
	return best;
}

/* Fills out[i] from row i of the raw prediction r (ncol values a row). */
static void read_row(struct xgb_state *s, const float *r, size_t i,
		     struct sg_pred *out)
{
	double *pr, p, m, sum;
	size_t k, best;

	out->value = NAN;
	out->score = NAN;
	if (s->kind == XGB_REGRESSION) {
		out->value = (double)r[0];
		return;
	}
	pr = s->probs + i * s->nclass;
	switch (s->kind) {
	case XGB_BINARY:
	case XGB_BINARY_RAW:
		p = (double)r[0];
		if (s->kind == XGB_BINARY_RAW)
			p = 1.0 / (1.0 + exp(-p));
		pr[0] = 1.0 - p;
		pr[1] = p;
		best = p > s->threshold ? 1 : 0;
		break;
	case XGB_SOFTPROB:
		for (k = 0; k < s->nclass; k++)
			pr[k] = (double)r[k];
		best = argmax(pr, s->nclass);
		break;
	case XGB_SOFTMAX:
	case XGB_REGRESSION:
	default:
		m = (double)r[0];
		for (k = 1; k < s->nclass; k++)
			if ((double)r[k] > m)
				m = (double)r[k];
		sum = 0.0;
		for (k = 0; k < s->nclass; k++) {
			pr[k] = exp((double)r[k] - m);
			sum += pr[k];
		}
		for (k = 0; k < s->nclass; k++)
			pr[k] /= sum;
		best = argmax(pr, s->nclass);
		break;
	}
	out->label = s->labels[best];
	out->score = pr[best];
	out->probs = pr;
	out->nprobs = s->nclass;
}

/*
 * Prediction settings: strict_shape gives n x k always (k = 1 but for
 * multi-class models), cache_id must be there for in-place prediction.
 */
#define PREDICT_CONFIG(type) \
	"{\"type\": " #type ", \"training\": false, \"iteration_begin\": 0, " \
	"\"iteration_end\": 0, \"strict_shape\": true, \"missing\": NaN, " \
	"\"cache_id\": 0}"

static const char predict_value[] = PREDICT_CONFIG(0);
static const char predict_margin[] = PREDICT_CONFIG(1);

/*
 * XGBoost's prediction for n rows of doubles at x (NaN: missing): *res gets
 * n * *ncol values, in a buffer of the calling thread's that lives until
 * its next call. Returns 0, or -1 with the reason in err.
 */
static int predict_dense(struct xgb_state *s, const double *x, size_t n,
			 const float **res, size_t *ncol, char *err,
			 size_t errn)
{
	struct sg_buf ai = SG_BUF_INIT;
	const bst_ulong *shape = NULL;
	bst_ulong dim = 0;
	int ret = -1;

	sg_buf_addf(&ai, "{\"data\": [%" PRIuPTR ", true], \"shape\": "
		    "[%zu, %zu], \"typestr\": \"<f8\", \"version\": 3}",
		    (uintptr_t)x, n, s->nfeatures);
	/* softmax models give a class index unless margins are asked for */
	if (XGBoosterPredictFromDense(s->booster, ai.buf,
				      s->kind == XGB_SOFTMAX ? predict_margin :
				      predict_value,
				      NULL, &shape, &dim, res)) {
		char e[512];

		snprintf(err, errn, "xgboost prediction failed: %s",
			 xgb_error(e, sizeof(e)));
		goto out;
	}
	*ncol = s->kind == XGB_BINARY || s->kind == XGB_BINARY_RAW ||
		s->kind == XGB_REGRESSION ? 1 : s->nclass;
	if (dim != 2 || shape[0] != n || shape[1] != *ncol) {
		snprintf(err, errn, "xgboost prediction has shape "
			 "%" PRIu64 "x%" PRIu64 ", expected %zux%zu",
			 (uint64_t)(dim > 0 ? shape[0] : 0),
			 (uint64_t)(dim > 1 ? shape[1] : 0), n, *ncol);
		goto out;
	}
	ret = 0;
out:
	sg_buf_release(&ai);
	return ret;
}

/* Scores rows first .. first + n of the batch into out[first ..]. */
static int score_rows(struct xgb_state *s, size_t first, size_t n,
		      struct xgb_job *j)
{
	const float *res = NULL;
	size_t ncol = 0, i;
	double t0 = now_ms(), per;

	if (predict_dense(s, s->x + first * s->nfeatures, n, &res, &ncol,
			  j->err, sizeof(j->err)))
		return -1;
	for (i = 0; i < n; i++) {
		struct sg_pred *o = &s->out[first + i];

		memset(o, 0, sizeof(*o));
		read_row(s, res + i * ncol, first + i, o);
	}
	per = (now_ms() - t0) / (double)n;
	for (i = 0; i < n; i++)
		s->out[first + i].latency_ms = per;
	return 0;
}

/* Takes chunks of the batch until none is left (or one fails). */
static void run_job(struct xgb_state *s, struct xgb_job *j)
{
	j->failed = 0;
	for (;;) {
		size_t first = __atomic_fetch_add(&s->next, s->chunk,
						  __ATOMIC_RELAXED);

		if (first >= s->n)
			break;
		if (score_rows(s, first,
			       s->n - first < s->chunk ? s->n - first
						       : s->chunk,
			       j)) {
			j->failed = 1;
			/* the others stop at their next chunk */
			__atomic_store_n(&s->next, s->n, __ATOMIC_RELAXED);
			break;
		}
	}
}

static void *worker_main(void *arg)
{
	struct xgb_worker *w = arg;
	struct xgb_state *s = w->s;
	unsigned long seen = 0;

	/* XGBoost's global configuration is per thread: quiet here too */
	XGBSetGlobalConfig("{\"verbosity\": 0}");
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->gen == seen && !s->quit)
			pthread_cond_wait(&s->go, &s->mu);
		if (s->quit)
			break;
		seen = s->gen;
		pthread_mutex_unlock(&s->mu);
		run_job(s, &s->jobs[w->idx]);
		pthread_mutex_lock(&s->mu);
		if (--s->pending == 0)
			pthread_cond_signal(&s->done);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* The CPUs this process may run on (1 when it cannot tell). */
static size_t cpus(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		n = CPU_COUNT(&set);
		if (n > 0)
			return (size_t)n;
	}
	n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (size_t)n : 1;
}

/*
 * One prediction of a row of missing values in this thread, its result
 * dropped: the booster configures itself (after the change of nthread) on
 * its first prediction, here rather than in several scoring threads at
 * once, and any warning it gives comes from the thread that silenced them.
 */
static void warm_up(struct xgb_state *s)
{
	double *row = sg_xcalloc(s->nfeatures ? s->nfeatures : 1,
				 sizeof(double));
	const float *res;
	size_t ncol, i;
	char err[512];

	for (i = 0; i < s->nfeatures; i++)
		row[i] = NAN;
	/* a failure shows again, with its message, on the first batch */
	(void)predict_dense(s, row, 1, &res, &ncol, err, sizeof(err));
	free(row);
}

/*
 * One booster thread a call, and the scoring threads: one fewer than the
 * CPUs (the caller scores a share too). With one CPU, or when a thread
 * cannot be started, the caller scores alone with XGBoost's own threads.
 */
static void start_workers(struct xgb_state *s)
{
	size_t want = cpus(), i;

	if (want > XGB_MAX_THREADS)
		want = XGB_MAX_THREADS;
	s->jobs = sg_xcalloc(want, sizeof(*s->jobs));
	if (want < 2)
		return;
	if (XGBoosterSetParam(s->booster, "nthread", "1"))
		return;
	warm_up(s);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->go, NULL);
	pthread_cond_init(&s->done, NULL);
	s->sync_on = 1;
	s->workers = sg_xcalloc(want - 1, sizeof(*s->workers));
	for (i = 0; i + 1 < want; i++) {
		s->workers[i].s = s;
		s->workers[i].idx = i;
		if (sg_thread_create(&s->workers[i].thread, worker_main,
				     &s->workers[i]))
			break;
		s->nworkers++;
	}
	if (!s->nworkers)
		XGBoosterSetParam(s->booster, "nthread", "0");
}

static void stop_workers(struct xgb_state *s)
{
	size_t i;

	if (!s->sync_on)
		return;
	pthread_mutex_lock(&s->mu);
	s->quit = 1;
	pthread_cond_broadcast(&s->go);
	pthread_mutex_unlock(&s->mu);
	for (i = 0; i < s->nworkers; i++)
		pthread_join(s->workers[i].thread, NULL);
	pthread_cond_destroy(&s->done);
	pthread_cond_destroy(&s->go);
	pthread_mutex_destroy(&s->mu);
	s->sync_on = 0;
}

static int xgb_score(void *state, size_t n, const char *const *case_ids,
		     const double *x, struct sg_pred *out,
		     struct sg_diag *diag)
{
	struct xgb_state *s = state;
	size_t threads, i;

	(void)case_ids;
	if (!n)
		return 0;
	if (s->labels && n * s->nclass > s->probs_alloc) {
		free(s->probs);
		s->probs_alloc = n * s->nclass;
		s->probs = sg_xcalloc(s->probs_alloc, sizeof(*s->probs));
	}
	threads = s->nworkers + 1;
	s->x = x;
	s->out = out;
	s->n = n;
	s->chunk = n / (threads * XGB_CHUNKS);
	if (s->chunk < XGB_CHUNK_MIN)
		s->chunk = XGB_CHUNK_MIN;
	s->next = 0;
	for (i = 0; i < threads; i++)
		s->jobs[i].failed = 0;
	/* the workers only when there is more than one chunk */
	if (s->nworkers && n > s->chunk) {
		pthread_mutex_lock(&s->mu);
		s->pending = s->nworkers;
		s->gen++;
		pthread_cond_broadcast(&s->go);
		pthread_mutex_unlock(&s->mu);
		run_job(s, &s->jobs[s->nworkers]);
		pthread_mutex_lock(&s->mu);
		while (s->pending)
			pthread_cond_wait(&s->done, &s->mu);
		pthread_mutex_unlock(&s->mu);
	} else {
		run_job(s, &s->jobs[s->nworkers]);
	}
	for (i = 0; i < threads; i++) {
		if (s->jobs[i].failed) {
			sg_diag_set(diag, NULL, 0, 0, "%s", s->jobs[i].err);
			return SG_EMODEL;
		}
	}
	return 0;
}

static const char *xgb_stderr_text(void *state)
{
	(void)state;
	return NULL;
}

static const char *const *xgb_feature_names(void *state, size_t *n)
{
	struct xgb_state *s = state;

	*n = s ? s->nfeatures : 0;
	return s ? (const char *const *)s->names : NULL;
}

static void xgb_close(void *state)
{
	struct xgb_state *s = state;
	size_t i;

	if (!s)
		return;
	stop_workers(s);
	free(s->workers);
	free(s->jobs);
	if (s->booster)
		XGBoosterFree(s->booster);
	if (s->names)
		for (i = 0; s->names[i]; i++)
			free(s->names[i]);
	free(s->names);
	if (s->labels)
		for (i = 0; i < s->nclass; i++)
			free(s->labels[i]);
	free(s->labels);
	free(s->probs);
	free(s);
}

const struct sg_backend_ops sg_backend_xgboost = {
	.name = "xgboost",
	.caps = SG_BACKEND_BATCHED | SG_BACKEND_PROBS | SG_BACKEND_NEEDS_FILE,
	.latency = "chunk time / chunk size",
	.open = xgb_open,
	.score = xgb_score,
	.stderr_text = xgb_stderr_text,
	.close = xgb_close,
	.feature_names = xgb_feature_names,
};

#else

/* ISO C forbids an empty translation unit. */
typedef int sg_backend_xgboost_not_built;

#endif
