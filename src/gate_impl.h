/*
 * gate_impl.h - what the gate's files share: the context every check
 * function gets, adding and judging a check, looking up the report's maps,
 * the check functions of gate_monitor.c and the evidence of
 * gate_evidence.c (the interval mode's outcomes, p-values, the correction
 * for many checks, the cases an undecided check needs).
 */
#ifndef SG_GATE_IMPL_H
#define SG_GATE_IMPL_H

#include <stddef.h>

#include "sg/gate.h"

/* What every check function gets. */
struct sg_gate_ctx {
	const struct sg_report *r;
	const struct sg_gate_conf *g;
	struct sg_gate_result *out;
	int mode;                /* enum sg_gate_on */
	double confidence;       /* the report's, 0.95 when it has none */
	size_t unjudged_core;    /* headline statistics that are undefined */
};

/* The report when its model sections are there, else NULL. */
#define SG_GATE_MODEL(j) ((j)->r->has_model ? (j)->r : NULL)

/* A string in printf's way (the caller frees). */
char *sg_gate_fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

/* A new check of the result, every number NaN, no counts. */
struct sg_gate_check *sg_gate_add(struct sg_gate_result *r, const char *name,
				  const char *subject);

/*
 * Judges c, a minimum (or, with is_max, a maximum), on the estimate or the
 * unfavourable end of the interval by mode; with SG_GATE_ON_INTERVAL and an
 * interval, by where the whole interval lies. `what` names the number in
 * the detail.
 */
void sg_gate_judge_value(struct sg_gate_check *c, int mode, double value,
			 double low, double high, double threshold, int is_max,
			 const char *what);

/* The same for a rate of k in n, which keeps the counts. */
void sg_gate_judge_rate(struct sg_gate_check *c, int mode, long long k,
			long long n, double value, double low, double high,
			double threshold, int is_max);

/* The value of key in an SG_MAP m of values of `size` bytes (its first
 * entry of that key), or NULL (also for a null map). */
const void *sg_gate_map_get(const void *m, size_t size, const char *key);

#define SG_GATE_MAP_GET(m, key)                                           \
	((const __typeof__(*(m).v) *)sg_gate_map_get(&(m), sizeof(*(m).v), \
						     (key)))
#define SG_GATE_MAP_EACH(m, i) for ((i) = 0; !(m).null && (i) < (m).n; (i)++)

/* gate_monitor.c */
void sg_gate_max_psi_check(struct sg_gate_ctx *j);
void sg_gate_max_missing_rate_check(struct sg_gate_ctx *j);
void sg_gate_max_label_shift_check(struct sg_gate_ctx *j);
void sg_gate_learn_from_reference_check(struct sg_gate_ctx *j);
void sg_gate_min_night_agreement_check(struct sg_gate_ctx *j);
void sg_gate_max_night_psi_check(struct sg_gate_ctx *j);
void sg_gate_max_night_missing_rate_check(struct sg_gate_ctx *j);

/* gate_evidence.c */

/* Judges c (value, low, high, threshold and is_max set) by where its whole
 * interval lies: pass, fail or undecided, with its detail. */
void sg_gate_judge_interval(struct sg_gate_check *c);

/*
 * After the checks of the interval mode: each judged check's p-value,
 * the correction for many checks (the result's multiplicity) and, for
 * each undecided check of a rate, the cases and nights it needs.
 */
void sg_gate_evidence(struct sg_gate_result *r, const struct sg_report *rep,
		      double confidence);

/* The reason of an insufficient verdict with `undecided` undecided checks:
 * "keep shadowing", naming the check that needs the most (caller frees). */
char *sg_gate_keep_shadowing(const struct sg_gate_result *r, size_t undecided);

#endif
