/*
 * gate_monitor.c - the gate's checks of monitoring: drift of the inputs
 * (PSI, missing rates) and of the outputs (label shift) over the window,
 * maxima learned from the reference nights, and the per-night checks.
 * Each reads the report's own numbers (inputs, outputs, nights).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gate_impl.h"
#include "sg/buf.h"
#include "sg/monitor.h"
#include "sg/stats.h"

/* short names in this file for gate_impl.h's helpers */
#define fmt sg_gate_fmt
#define add sg_gate_add
#define judge sg_gate_judge_value
#define judge_rate sg_gate_judge_rate

/* A check that could not be judged at all, with why. */
static void not_judged(struct sg_gate_result *r, const char *name,
		       const char *subject, double threshold, char *detail)
{
	struct sg_gate_check *c = add(r, name, subject);

	c->threshold = threshold;
	c->is_max = 1;
	c->outcome = SG_CHECK_NOT_JUDGED;
	c->detail = detail;
}

/* inputs.reference when the report has one with cases, else NULL. */
static const struct sg_report_reference *reference(const struct sg_report *r)
{
	const struct sg_report_reference *ref =
		r ? r->inputs.reference : NULL;

	return ref && ref->cases > 0 ? ref : NULL;
}

/*
 * One check of a maximum per feature of inputs.features: its PSI (psi
 * nonzero) or missing rate must stay at or below threshold. PSI needs a
 * reference window that holds cases; without one the check is not judged.
 */
static void feature_checks(struct sg_gate_ctx *j, const char *name, int psi,
			   const char *what, double threshold)
{
	const struct sg_report *r = SG_GATE_MODEL(j);
	size_t i, n = 0;

	if (psi) {
		if (!r || !r->inputs.reference) {
			not_judged(j->out, name, "features", threshold,
				   fmt("no reference window to measure drift "
				       "against (report.reference_nights, or "
				       "--reference-since / --reference-until)"));
			return;
		}
		if (!reference(r)) {
			not_judged(j->out, name, "features", threshold,
				   fmt("the reference window has no cases"));
			return;
		}
	}
	if (r)
		SG_GATE_MAP_EACH(r->inputs.features, i)
		{
			const struct sg_report_feature *f =
				&r->inputs.features.v[i];
			const char *key = r->inputs.features.key[i];
			char *subject = fmt("feature=%s", key ? key : "?");
			struct sg_gate_check *c = add(j->out, name, subject);

			free(subject);
			judge(c, SG_GATE_ON_ESTIMATE,
			      psi ? f->psi : f->missing_rate, NAN, NAN,
			      threshold, 1, what);
			n++;
		}
	if (!n)
		not_judged(j->out, name, "features", threshold,
			   fmt("the window's cases have no features"));
}

void sg_gate_max_psi_check(struct sg_gate_ctx *j)
{
	feature_checks(j, "max_psi", 1, "PSI", j->g->max_psi);
}

void sg_gate_max_missing_rate_check(struct sg_gate_ctx *j)
{
	feature_checks(j, "max_missing_rate", 0, "missing rate",
		       j->g->max_missing_rate);
}

void sg_gate_max_label_shift_check(struct sg_gate_ctx *j)
{
	const struct sg_report *r = SG_GATE_MODEL(j);
	const struct sg_report_shift *ls = r ? r->outputs.label_shift : NULL;
	char *subject = ls && ls->label ? fmt("label=%s", ls->label)
					: fmt("labels");
	struct sg_gate_check *c = add(j->out, "max_label_shift", subject);

	free(subject);
	if (!ls) {
		c->threshold = j->g->max_label_shift;
		c->is_max = 1;
		c->outcome = SG_CHECK_NOT_JUDGED;
		c->detail = fmt("no label shift: no compared case, or "
				"numeric decisions");
		return;
	}
	judge(c, SG_GATE_ON_ESTIMATE, ls->value, NAN, NAN,
	      j->g->max_label_shift, 1, "|model share - human share|");
}

/* The metrics a threshold is learned for, and where each night has them. */
enum learned { L_PSI, L_MISSING, L_ERROR_RATE, L_LABEL_SHIFT };

/* The metric on a reference night (NaN when it has none). */
static double ref_metric(const struct sg_report_ref_night *n,
			 const char *feature, enum learned what)
{
	const struct sg_report_ref_fnight *f;

	switch (what) {
	case L_ERROR_RATE: return n->error_rate;
	case L_LABEL_SHIFT: return n->label_shift;
	default:
		f = SG_GATE_MAP_GET(n->features, feature);
		if (!f)
			return NAN;
		return what == L_PSI ? f->psi : f->missing_rate;
	}
}

/* The metric on night i of the window: inputs.nights for a feature's,
 * outputs.nights for the error rate and the label shift. */
static double window_metric(const struct sg_report *r, size_t i,
			    const char *feature, enum learned what)
{
	const struct sg_report_fnight *f;
	const struct sg_report_out_night *o;

	if (what == L_ERROR_RATE || what == L_LABEL_SHIFT) {
		o = &r->outputs.nights.v[i];
		if (what == L_ERROR_RATE)
			return o->error_rate;
		return o->label_shift ? o->label_shift->value : NAN;
	}
	f = SG_GATE_MAP_GET(r->inputs.nights.v[i].features, feature);
	if (!f)
		return NAN;
	return what == L_PSI ? f->psi : f->missing_rate;
}

/*
 * A maximum learned from the reference nights (NannyML's standard
 * deviation thresholds): mean + k * std (sample, n - 1) of the metric over
 * the reference nights that have it, judged on the worst night of the
 * window. Fewer than two reference nights with a value: not judged.
 */
static void learned_check(struct sg_gate_ctx *j, const char *name,
			  const char *feature, enum learned metric,
			  const char *what, double k)
{
	const struct sg_report *r = j->r;
	const struct sg_map_ref_night *bn = &r->inputs.reference->by_night;
	int outputs = metric == L_ERROR_RATE || metric == L_LABEL_SHIFT;
	size_t wn = outputs ? (r->outputs.nights.null ? 0 : r->outputs.nights.n)
			    : (r->inputs.nights.null ? 0 : r->inputs.nights.n);
	char **wkey = outputs ? r->outputs.nights.key : r->inputs.nights.key;
	const char *first = NULL, *last = NULL, *worst_night = NULL;
	char *subject = feature ? fmt("feature=%s", feature) : fmt("overall");
	struct sg_gate_check *c = add(j->out, name, subject);
	double *v = sg_xcalloc(bn->n + 1, sizeof(double));
	double mean, sd, hi, worst = NAN;
	size_t cnt = 0, i;

	free(subject);
	c->is_max = 1;
	for (i = 0; i < bn->n; i++) {
		double x = ref_metric(&bn->v[i], feature, metric);

		if (!isfinite(x))
			continue;
		if (!first)
			first = bn->key[i];
		last = bn->key[i];
		v[cnt++] = x;
	}
	sg_mean_std(v, cnt, &mean, &sd, NULL);
	free(v);
	if (cnt < 2) {
		c->outcome = SG_CHECK_NOT_JUDGED;
		c->detail = fmt("learning needs %s on 2 reference nights or more,"
				" found %zu", what, cnt);
		return;
	}
	hi = mean + k * sd;
	for (i = 0; i < wn; i++) {
		double x = window_metric(r, i, feature, metric);

		if (isfinite(x) && (isnan(worst) || x > worst)) {
			worst = x;
			worst_night = wkey[i];
		}
	}
	judge(c, SG_GATE_ON_ESTIMATE, worst, NAN, NAN, hi, 1, what);
	free(c->detail);
	if (c->outcome == SG_CHECK_NOT_JUDGED) {
		c->detail = fmt("no night of the window has %s", what);
		return;
	}
	c->detail = fmt("worst night %s: %s %.4g %s learned %.4g (mean %.4g + "
			"%g x std %.4g over %zu reference nights %s .. %s)",
			worst_night, what, worst,
			c->outcome == SG_CHECK_PASS ? "<=" : ">", hi, mean, k,
			sd, cnt, first, last);
}

/* The learned checks: PSI and missing rate per feature, error rate and
 * label shift; one not-judged check when there is nothing to learn from. */
static void learned_checks(struct sg_gate_ctx *j)
{
	const struct sg_report *r = SG_GATE_MODEL(j);
	const struct sg_report_reference *ref = reference(r);
	double k = j->g->learn_k > 0 ? j->g->learn_k : 3;
	size_t i;

	if (!ref || ref->by_night.null) {
		not_judged(j->out, "learn_from_reference", "reference nights",
			   NAN,
			   fmt("no reference window with cases to learn "
			       "thresholds from (report.reference_nights, or "
			       "--reference-since / --reference-until)"));
		return;
	}
	SG_GATE_MAP_EACH(r->inputs.features, i)
	{
		const char *f = r->inputs.features.key[i];

		learned_check(j, "learned_psi", f, L_PSI, "PSI", k);
		learned_check(j, "learned_missing_rate", f, L_MISSING,
			      "missing rate", k);
	}
	learned_check(j, "learned_error_rate", NULL, L_ERROR_RATE,
		      "error rate", k);
	learned_check(j, "learned_label_shift", NULL, L_LABEL_SHIFT,
		      "label shift", k);
}

/*
 * A night of the window too small to judge: listed, never failed.
 * Returns nonzero when it is.
 */
static int small_night(struct sg_gate_result *r, const char *name,
		       const char *subject, long long n, double threshold,
		       int is_max, long min_cases)
{
	struct sg_gate_check *c;

	if ((double)n >= (double)min_cases)
		return 0;
	c = add(r, name, subject);
	c->threshold = threshold;
	c->is_max = is_max;
	c->outcome = SG_CHECK_NOT_JUDGED;
	c->detail = fmt("%.0f cases, fewer than min_night_cases %ld",
			(double)n, min_cases);
	return 1;
}

/* min_night_agreement: nights.<night>.{n, rate, ci95} of every night of
 * the window with at least min_night_cases compared cases. */
void sg_gate_min_night_agreement_check(struct sg_gate_ctx *j)
{
	const struct sg_report *r = SG_GATE_MODEL(j);
	const struct sg_gate_conf *g = j->g;
	size_t i;
	int any = 0;

	if (r)
		SG_GATE_MAP_EACH(r->nights, i)
		{
			const struct sg_rate *n = &r->nights.v[i];
			const char *key = r->nights.key[i];
			char *subject = fmt("night=%s", key ? key : "?");

			any = 1;
			if (!small_night(j->out, "min_night_agreement",
					 subject, n->n, g->min_night_agreement,
					 0, g->min_night_cases)) {
				struct sg_gate_check *c = add(
					j->out, "min_night_agreement", subject);

				judge_rate(c, j->mode, n->agree, n->n, n->rate,
					   n->ci95[0], n->ci95[1],
					   g->min_night_agreement, 0);
			}
			free(subject);
		}
	if (!any)
		not_judged(j->out, "min_night_agreement", "nights",
			   g->min_night_agreement,
			   fmt("the window has no night with cases"));
}

/*
 * max_night_psi / max_night_missing_rate: inputs.nights.<night>.features.
 * <feature>.<metric> of every night of the window with at least
 * min_night_cases cases, one check per night and feature. The report
 * computes those tables only with a reference window.
 */
static void night_feature_checks(struct sg_gate_ctx *j, const char *name, int psi,
				 const char *what, double threshold)
{
	const struct sg_report *r = SG_GATE_MODEL(j);
	const struct sg_map_in_night *nights = r ? &r->inputs.nights : NULL;
	size_t i, f;
	int any = 0;

	if (!nights || nights->null) {
		not_judged(j->out, name, "nights", threshold,
			   fmt("per-night %s needs a reference window "
			       "(report.reference_nights, or --reference-since "
			       "/ --reference-until)",
			       what));
		return;
	}
	if (psi && !reference(r)) {
		not_judged(j->out, name, "nights", threshold,
			   fmt("the reference window has no cases"));
		return;
	}
	SG_GATE_MAP_EACH(*nights, i)
	{
		const struct sg_report_in_night *n = &nights->v[i];
		const char *night = nights->key[i] ? nights->key[i] : "?";
		char *subject = fmt("night=%s", night);

		any = 1;
		if (small_night(j->out, name, subject, n->cases, threshold, 1,
				j->g->min_night_cases)) {
			free(subject);
			continue;
		}
		free(subject);
		SG_GATE_MAP_EACH(n->features, f)
		{
			const struct sg_report_fnight *x = &n->features.v[f];
			const char *fk = n->features.key[f];
			struct sg_gate_check *c;

			subject = fmt("night=%s feature=%s", night,
				      fk ? fk : "?");
			c = add(j->out, name, subject);
			free(subject);
			judge(c, SG_GATE_ON_ESTIMATE,
			      psi ? x->psi : x->missing_rate, NAN, NAN,
			      threshold, 1, what);
		}
	}
	if (!any)
		not_judged(j->out, name, "nights", threshold,
			   fmt("the window has no night with cases"));
}

void sg_gate_max_night_psi_check(struct sg_gate_ctx *j)
{
	night_feature_checks(j, "max_night_psi", 1, "PSI", j->g->max_night_psi);
}

void sg_gate_max_night_missing_rate_check(struct sg_gate_ctx *j)
{
	night_feature_checks(j, "max_night_missing_rate", 0, "missing rate",
			     j->g->max_night_missing_rate);
}

void sg_gate_learn_from_reference_check(struct sg_gate_ctx *j)
{
	learned_checks(j);
}

