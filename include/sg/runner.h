/*
 * runner.h - scoring the stored cases with a model in shadow.
 *
 * A run scores every stored case that this model version has not scored
 * yet (or whose last score failed), in batches: each batch is read from
 * the store, scored by the backend and committed with its predictions, so
 * an interrupted run loses at most the batch in flight and the next run
 * continues where it stopped. Runs hold the store's writer lock; a second
 * run waits a bounded time and is refused.
 */
#ifndef SG_RUNNER_H
#define SG_RUNNER_H

#include "sg/config.h"
#include "sg/error.h"
#include "sg/store.h"

struct sg_run_opts {
	const struct sg_config *cfg;
	int rescore;        /* score every case again, into a new run */
	long max_errors;    /* stop once more cases failed; -1 = never */
	int lock_wait_ms;   /* how long to wait for another run (10 s) */
	/* called after each batch */
	void (*progress)(void *ctx, long done, long total);
	void *progress_ctx;
};

#define SG_RUN_MAX_ERROR_MSGS 5

/*
 * A run stops (exit 3, status "stopped") after this many stored batches in
 * a row in which no case was scored; the cases it did not try are left
 * for the next run.
 */
#define SG_RUN_MAX_FAILED_BATCHES 3
#define SG_RUN_STOPPED_MAX_ERRORS 1 /* more failed cases than --max-errors */
#define SG_RUN_STOPPED_FAILING 2    /* SG_RUN_MAX_FAILED_BATCHES failed */

struct sg_run_result {
	long run_id;
	long model_id;
	char sha256[65];         /* of the artifact, "" when none */
	const char *backend;
	long cases;              /* cases this run had to score */
	long scored;             /* predictions stored without error */
	long errors;             /* cases whose prediction failed */
	int stopped;             /* the run stopped early: SG_RUN_STOPPED_* */
	double wall_s;
	double throughput;       /* cases per second */
	double p50_ms, p95_ms, p99_ms;
	const char *latency_method; /* what a latency is (the backend's
				       sg_backend_ops.latency) */
	double startup_ms;       /* exec: the program's start-up; NaN */
	/* the features the model was fed (log columns, in order) and where
	 * the list came from: "log.features", "the model's feature names" or
	 * "the feature columns stored at ingest"; NULL without a backend */
	const char *features_source;
	struct sg_strlist features;
	long peak_rss_kb;
	char *stderr_text;       /* what the model wrote on stderr */
	char *error_msgs[SG_RUN_MAX_ERROR_MSGS];
	size_t nerror_msgs;
	/* logged backend with a predictions file */
	long unmatched_predictions; /* ids that name no stored case */
	long cases_without_prediction;
};

/*
 * Runs the model of opts->cfg->model over the store. Returns 0 when the
 * run finished (some cases may have failed: see errors), SG_EUSAGE for a
 * bad model configuration (unknown backend, no name, a different artifact
 * for a known version), SG_EBUSY when another run holds the store,
 * SG_EMODEL when the model could not be loaded or the run stopped (at
 * --max-errors, or after SG_RUN_MAX_FAILED_BATCHES failed batches), or
 * another SG_E* code. r is filled as far as the run got and must be
 * released; its scored and errors count what the store holds, and so
 * does the runs row, batch by batch, even for a run that is killed.
 */
int sg_run(struct sg_store *s, const struct sg_run_opts *opts,
	   struct sg_run_result *r, struct sg_diag *diag);

void sg_run_result_release(struct sg_run_result *r);

/* The percentile q (0..100) of n values, linear interpolation between
 * closest ranks (numpy's default). Sorts v in place. NaN when n == 0. */
double sg_percentile(double *v, size_t n, double q);

/*
 * Per-case latencies as runs of equal values: the xgboost backend gives
 * all the cases of a chunk (128 rows or more) the same latency (chunk time
 * / size), so a run of 1M cases keeps a few thousand runs, not 1M doubles
 * to sort three times.
 */
struct sg_lat_run {
	double v;
	size_t n;
};

/*
 * sg_percentile() over the values the runs stand for (v repeated n
 * times each); sorts r.
 */
double sg_percentile_runs(struct sg_lat_run *r, size_t nr, double q);

#endif
