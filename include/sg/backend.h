/*
 * backend.h - model backends behind one interface.
 *
 * A backend turns rows of features into predictions. The runner opens one
 * with the model block of the config, hands it batches of cases (ids plus a
 * row-major matrix of doubles in the configured feature order, NaN for a
 * missing value) and stores what comes back. Backends are found by name in
 * a static registry; optional ones are compiled in with meson features.
 */
#ifndef SG_BACKEND_H
#define SG_BACKEND_H

#include <stddef.h>

#include "sg/config.h"
#include "sg/error.h"

/* One prediction. Owned by the backend until the next score call. */
struct sg_pred {
	const char *label;   /* class label, NULL for regression or error */
	double value;        /* regression output; NaN for a classifier */
	double score;        /* probability of `label`; NaN if none */
	const double *probs; /* per-class probabilities (nprobs), or NULL */
	size_t nprobs;
	const char *error;   /* non-NULL: this case failed, the reason */
	double latency_ms;   /* this case's latency: what it is depends on
			        the backend (sg_backend_ops.latency) */
};

enum {
	SG_BACKEND_BATCHED = 1u << 0, /* scores a batch in process at once */
	SG_BACKEND_PROBS = 1u << 1,   /* gives per-class probabilities */
	SG_BACKEND_NEEDS_FILE = 1u << 2, /* model.path must name a file */
	/* scores nothing: the shadow model's output was logged (the log's
	 * columns, or model.predictions joined on case id); such a backend
	 * has no open, score or close */
	SG_BACKEND_LOGGED = 1u << 3
};

struct sg_backend_ops {
	const char *name;
	unsigned caps;
	/* What a case's latency_ms is, for the run record and the report */
	const char *latency;
	/*
	 * Opens the model described by mc, with the feature names in order
	 * (the model's names: model.feature_map applied). nfeatures 0 asks a
	 * backend that has feature_names to take the model's own number.
	 * Returns 0 and *state, or SG_EMODEL / SG_EUSAGE with diag set (for
	 * a model whose number of features or classes does not match the
	 * config, the message says both numbers).
	 */
	int (*open)(void **state, const struct sg_model_conf *mc,
		    const char *const *features, size_t nfeatures,
		    struct sg_diag *diag);
	/*
	 * Scores n cases. x is n * nfeatures doubles, row-major. Fills
	 * out[0..n). A failure of one case is out[i].error; a return < 0
	 * means the backend cannot go on at all (diag set).
	 */
	int (*score)(void *state, size_t n, const char *const *case_ids,
		     const double *x, struct sg_pred *out,
		     struct sg_diag *diag);
	/* Text the model wrote on its stderr so far, or NULL. */
	const char *(*stderr_text)(void *state);
	/* Frees. Accepts NULL. */
	void (*close)(void *state);
	/*
	 * Optional. The feature names the model file carries, in the model's
	 * order, or NULL when it carries none; *n gets the number of
	 * features the model takes. Owned by the state.
	 */
	const char *const *(*feature_names)(void *state, size_t *n);
	/*
	 * Optional. How long the model program took to start, in ms: from
	 * starting it to its first read of a request; NaN when unknown.
	 */
	double (*startup_ms)(void *state);
};

/* The backend named `name`, or NULL. */
const struct sg_backend_ops *sg_backend_find(const char *name);

/* Names of the compiled-in backends, NULL-terminated. */
const char *const *sg_backend_names(void);

/* The backend a model without model.backend has: "logged". */
#define SG_BACKEND_DEFAULT "logged"

/*
 * Whether the backend named `name` (NULL: SG_BACKEND_DEFAULT) reads the
 * logged output instead of scoring (SG_BACKEND_LOGGED); 0 for an unknown
 * name.
 */
int sg_backend_reads_log(const char *name);

#endif
