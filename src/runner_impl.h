/*
 * runner_impl.h - the inside of a run, private to the runner's files
 * (src/runner.c, src/runner_batch.c): the state of one run and the
 * helpers they share.
 */
#ifndef SG_RUNNER_IMPL_H
#define SG_RUNNER_IMPL_H

#include <stddef.h>

#include "sg/backend.h"
#include "sg/config.h"
#include "sg/runner.h"
#include "sg/store.h"
#include "sg/store_runs.h"

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

/* Adds a scored case's latency to the run's runs of equal values. */
void runner_add_latency(struct runner *ru, double v);

/* The feature set of row id id, NULL when the store has none such. */
const struct fset *runner_find_set(const struct runner *ru, long id);

/* Keeps a failed case's message, up to SG_RUN_MAX_ERROR_MSGS of them. */
void runner_add_error_msg(struct sg_run_result *r, const char *case_id,
			  const char *msg);

/*
 * Scores every case to score, a batch of model.batch (default 16384) at
 * a time, storing each batch as it is scored (pipelined for a batched
 * backend). Returns 0 or an SG_E* code with diag set.
 */
int runner_score_all(struct runner *ru, const struct sg_backend_ops *ops,
		     void *model, struct sg_diag *diag);

#endif
