/*
 * gate.c - a policy judges the typed report: one check function per policy
 * key in a table (checks[] below, in the order the verdict lists them),
 * each reading the report's own numbers and intervals, then the verdict.
 * The interval mode's three outcomes, the p-values and the correction for
 * many checks, and how many more cases an undecided check needs are in
 * gate_evidence.c.
 */
#include "sg/gate.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gate_impl.h"
#include "sg/buf.h"
#include "sg/evidence.h"
#include "sg/monitor.h"
#include "sg/report.h"
#include "sg/stats.h"

/* short names in this file for gate_impl.h's helpers */
#define fmt sg_gate_fmt
#define add sg_gate_add
#define judge sg_gate_judge_value
#define judge_rate sg_gate_judge_rate

/*
 * A count of the report as a long: NaN is 0, and a number out of range is
 * clamped (a cast would be undefined).
 */
static long count(double x)
{
	if (isnan(x))
		return 0;
	if (x >= (double)LONG_MAX)
		return LONG_MAX;
	return x <= (double)LONG_MIN ? LONG_MIN : (long)x;
}

char *sg_gate_fmt(const char *f, ...)
{
	struct sg_buf b = SG_BUF_INIT;
	va_list ap;

	va_start(ap, f);
	sg_buf_vaddf(&b, f, ap);
	va_end(ap);
	return sg_buf_detach(&b);
}


struct sg_gate_check *sg_gate_add(struct sg_gate_result *r, const char *name,
				  const char *subject)
{
	struct sg_gate_check *c;

	r->checks = sg_xrealloc(r->checks, (r->nchecks + 1) * sizeof(*c));
	c = &r->checks[r->nchecks++];
	memset(c, 0, sizeof(*c));
	c->name = sg_xstrdup(name);
	c->subject = sg_xstrdup(subject);
	c->value = c->low = c->high = c->judged = c->threshold = NAN;
	c->se = c->p_value = c->more_nights = NAN;
	c->more_cases = -1;
	c->b = c->c = -1;
	c->mcnemar_exact_p = c->mcnemar_mid_p = NAN;
	return c;
}

/* The value of key in map m (the first entry of that key), or NULL. */
const void *sg_gate_map_get(const void *m, size_t size, const char *key)
{
	const struct sg_map_any *a = m;
	size_t i;

	if (!key || a->null)
		return NULL;
	for (i = 0; i < a->n; i++)
		if (a->key[i] && !strcmp(a->key[i], key))
			return (const char *)a->v + i * size;
	return NULL;
}

/*
 * Judges a minimum (or, with is_max, a maximum) on the estimate or the
 * unfavourable end of the interval (mode SG_GATE_ON_INTERVAL: by where the
 * whole interval lies, gate_evidence.c).
 */
void sg_gate_judge_value(struct sg_gate_check *c, int mode, double value, double low,
		  double high, double threshold, int is_max, const char *what)
{
	double j;

	c->value = value;
	c->low = low;
	c->high = high;
	c->threshold = threshold;
	c->is_max = is_max;
	if (mode == SG_GATE_ON_INTERVAL && !(isnan(low) && isnan(high)) &&
	    !isnan(value)) {
		sg_gate_judge_interval(c);
		return;
	}
	if (mode == SG_GATE_ON_ESTIMATE || mode == SG_GATE_ON_INTERVAL ||
	    (isnan(low) && isnan(high)))
		j = value;
	else
		j = is_max ? high : low;
	c->judged = j;
	if (isnan(j)) {
		c->outcome = SG_CHECK_NOT_JUDGED;
		c->detail = fmt("%s is undefined", what);
		return;
	}
	if (is_max ? j <= threshold : j >= threshold) {
		c->outcome = SG_CHECK_PASS;
		c->detail = fmt("%s %.4g %s %.4g", what, j, is_max ? "<=" : ">=",
				threshold);
	} else {
		c->outcome = SG_CHECK_FAIL;
		c->detail = fmt("%s %.4g %s %.4g", what, j, is_max ? ">" : "<",
				threshold);
	}
}

static const char *bound_word(int mode, int is_max)
{
	if (mode == SG_GATE_ON_ESTIMATE)
		return "estimate";
	return is_max ? "upper bound" : "lower bound";
}

/* A judgement of a rate of k in n: the counts behind it, for the
 * p-value and the cases an undecided check needs. */
void sg_gate_judge_rate(struct sg_gate_check *c, int mode, long long k,
		       long long n, double value, double low, double high,
		       double threshold, int is_max)
{
	c->k = k;
	c->n = n;
	judge(c, mode, value, low, high, threshold, is_max,
	      bound_word(mode, is_max));
}

static void sg_gate_min_cases_check(struct sg_gate_ctx *j)
{
	struct sg_gate_check *c = add(j->out, "min_cases", "overall");
	long cases = j->out->cases, min = j->g->min_cases;

	c->value = c->judged = (double)cases;
	c->threshold = (double)min;
	if (cases >= min) {
		c->outcome = SG_CHECK_PASS;
		c->detail = fmt("%ld cases >= %ld", cases, min);
	} else {
		c->outcome = SG_CHECK_FAIL;
		c->detail = fmt("%ld cases < %ld", cases, min);
	}
}

static void sg_gate_min_agreement_check(struct sg_gate_ctx *j)
{
	const struct sg_report *r = SG_GATE_MODEL(j);
	struct sg_gate_check *c = add(j->out, "min_agreement", "overall");

	if (r)
		judge_rate(c, j->mode, r->agreement.agree, r->agreement.n,
			   r->agreement.rate, r->agreement.ci95[0],
			   r->agreement.ci95[1], j->g->min_agreement, 0);
	else
		judge(c, j->mode, NAN, NAN, NAN, j->g->min_agreement, 0,
		      bound_word(j->mode, 0));
	if (c->outcome == SG_CHECK_NOT_JUDGED)
		j->unjudged_core++;
}

static void sg_gate_min_kappa_check(struct sg_gate_ctx *j)
{
	const struct sg_report *r = SG_GATE_MODEL(j);
	struct sg_gate_check *c = add(j->out, "min_kappa", "overall");

	if (r) {
		c->se = r->kappa.se;
		judge(c, j->mode, r->kappa.value, r->kappa.ci95[0],
		      r->kappa.ci95[1], j->g->min_kappa, 0,
		      bound_word(j->mode, 0));
	} else {
		judge(c, j->mode, NAN, NAN, NAN, j->g->min_kappa, 0,
		      bound_word(j->mode, 0));
	}
	if (c->outcome == SG_CHECK_NOT_JUDGED)
		j->unjudged_core++;
}

static void sg_gate_min_ac1_check(struct sg_gate_ctx *j)
{
	const struct sg_report *r = SG_GATE_MODEL(j);
	struct sg_gate_check *c = add(j->out, "min_ac1", "overall");

	c->se = r ? r->ac1.se : NAN;
	judge(c, j->mode, r ? r->ac1.value : NAN, r ? r->ac1.ci95[0] : NAN,
	      r ? r->ac1.ci95[1] : NAN, j->g->min_ac1, 0,
	      bound_word(j->mode, 0));
}

/*
 * Per-class recall or precision with its interval, as the report's
 * per_class has them; the counts (the diagonal cell, and the row or
 * column of the confusion matrix) say how many cases it stands on. A
 * report without the intervals (made before they were added) leaves the
 * check not judged.
 */
static void class_checks(struct sg_gate_ctx *j, int precision)
{
	const struct sg_report *r = SG_GATE_MODEL(j);
	const struct sg_gate_conf *g = j->g;
	const struct sg_matrix *m = r ? &r->confusion.matrix : NULL;
	double threshold = precision ? g->min_precision : g->min_recall;
	size_t k, i, x;

	if (!r || r->confusion.labels.null ||
	    m->rows != r->confusion.labels.n)
		return;
	k = m->rows;
	for (i = 0; i < k; i++) {
		const char *lab = r->confusion.labels.v[i];
		char *subject = fmt("class=%s", lab ? lab : "?");
		struct sg_gate_check *c =
			add(j->out, precision ? "min_precision" : "min_recall",
			    subject);
		const struct sg_report_class *pc;
		const double *ci;
		double tp = 0, n = 0;

		free(subject);
		/* row i (recall) or column i (precision); a cell past a
		 * short row is 0 */
		for (x = 0; x < k; x++) {
			size_t row = precision ? x : i, col = precision ? i : x;
			double v = col < m->cols
					   ? (double)m->v[row * m->cols + col]
					   : 0;

			n += v;
			if (x == i)
				tp = v;
		}
		c->threshold = threshold;
		pc = lab ? SG_GATE_MAP_GET(r->per_class, lab) : NULL;
		if (n < (double)g->min_segment_cases) {
			c->value = n > 0 ? tp / n : NAN;
			c->outcome = SG_CHECK_NOT_JUDGED;
			c->detail = fmt("%.0f %s, fewer than min_segment_cases "
					"%ld",
					n, precision ? "predictions" : "cases",
					g->min_segment_cases);
			continue;
		}
		ci = pc ? (precision ? pc->precision_ci95 : pc->recall_ci95)
			: NULL;
		if (!ci || isnan(ci[0]) || isnan(ci[1])) {
			c->value = tp / n;
			c->outcome = SG_CHECK_NOT_JUDGED;
			c->detail = fmt("the report has no interval of the "
					"class's %s (a report of an older "
					"version?)",
					precision ? "precision" : "recall");
			continue;
		}
		judge_rate(c, j->mode, count(tp), count(n),
			   precision ? pc->precision : pc->recall, ci[0], ci[1],
			   threshold, 0);
	}
}

static void sg_gate_min_recall_check(struct sg_gate_ctx *j)
{
	class_checks(j, 0);
}

static void sg_gate_min_precision_check(struct sg_gate_ctx *j)
{
	class_checks(j, 1);
}

static void sg_gate_min_segment_agreement_check(struct sg_gate_ctx *j)
{
	const struct sg_report *r = SG_GATE_MODEL(j);
	const struct sg_gate_conf *g = j->g;
	size_t i, v;

	if (!r)
		return;
	SG_GATE_MAP_EACH(r->segments, i)
	{
		const struct sg_map_rate *vals = &r->segments.v[i].values;

		SG_GATE_MAP_EACH(*vals, v)
		{
			const struct sg_rate *s = &vals->v[v];
			char *subject = fmt("%s=%s", r->segments.key[i],
					    vals->key[v]);
			struct sg_gate_check *c =
				add(j->out, "min_segment_agreement", subject);

			free(subject);
			if ((double)s->n < (double)g->min_segment_cases) {
				c->value = s->rate;
				c->low = s->ci95[0];
				c->high = s->ci95[1];
				c->threshold = g->min_segment_agreement;
				c->outcome = SG_CHECK_NOT_JUDGED;
				c->detail = fmt("%.0f cases, fewer than "
						"min_segment_cases %ld",
						(double)s->n,
						g->min_segment_cases);
				continue;
			}
			judge_rate(c, j->mode, s->agree, s->n, s->rate,
				   s->ci95[0], s->ci95[1],
				   g->min_segment_agreement, 0);
		}
	}
}

/*
 * The report's own error rate (errors / predictions) and its interval, as
 * the report shows them: never recomputed here.
 */
static void sg_gate_max_error_rate_check(struct sg_gate_ctx *j)
{
	const struct sg_report *r = SG_GATE_MODEL(j);
	const struct sg_gate_conf *g = j->g;
	struct sg_gate_check *c = add(j->out, "max_error_rate", "overall");
	const struct sg_report_outputs *o = r ? &r->outputs : NULL;
	double rate = o ? o->error_rate : NAN;

	if (isnan(rate)) {
		c->threshold = g->max_error_rate;
		c->is_max = 1;
		c->outcome = SG_CHECK_NOT_JUDGED;
		c->detail = fmt("no predictions in the window");
		return;
	}
	judge_rate(c, j->mode, o->errors, o->predictions, rate,
		   o->error_rate_ci95[0], o->error_rate_ci95[1],
		   g->max_error_rate, 1);
	if (c->outcome != SG_CHECK_NOT_JUDGED) {
		char *d = c->detail;

		if (j->mode == SG_GATE_ON_INTERVAL)
			c->detail = fmt("%s (%.0f errors of %.0f predictions)",
					d, (double)o->errors,
					(double)o->predictions);
		else
			c->detail = fmt("%s %.4g %s %.4g (%.0f errors of %.0f "
					"predictions)",
					bound_word(j->mode, 1), c->judged,
					c->outcome == SG_CHECK_PASS ? "<=" : ">",
					g->max_error_rate, (double)o->errors,
					(double)o->predictions);
		free(d);
	}
}

static void sg_gate_max_p95_latency_ms_check(struct sg_gate_ctx *j)
{
	const struct sg_report *r = SG_GATE_MODEL(j);
	struct sg_gate_check *c = add(j->out, "max_p95_latency_ms",
				      "latest run");

	judge(c, SG_GATE_ON_ESTIMATE, r ? r->software.p95_ms : NAN, NAN, NAN,
	      j->g->max_p95_latency_ms, 1, "p95 latency (ms)");
}

static void sg_gate_human_margin_check(struct sg_gate_ctx *j)
{
	const struct sg_report_baseline *hb = j->r->human_baseline;
	double human = hb ? hb->pairwise_agreement : NAN;
	double model = hb ? hb->model_agreement : NAN;
	struct sg_gate_check *c = add(j->out, "human_margin",
				      "multiply-rated cases");

	judge(c, SG_GATE_ON_ESTIMATE, model, NAN, NAN,
	      human - j->g->human_margin, 0, "model-vs-human agreement");
	if (c->outcome != SG_CHECK_NOT_JUDGED) {
		free(c->detail);
		c->detail = fmt("model-vs-human agreement %.4g %s human-"
				"vs-human %.4g minus margin %.4g",
				model, c->outcome == SG_CHECK_PASS ? ">=" : "<",
				human, j->g->human_margin);
	}
}

/* The reviewed cases of the review block against min_reviewed; fewer is
 * insufficient evidence, as min_cases (see verdict()). */
static void sg_gate_min_reviewed_check(struct sg_gate_ctx *j)
{
	const struct sg_report_review *rv = j->r->review;
	struct sg_gate_check *c = add(j->out, "min_reviewed", "review");
	long long n = rv ? rv->reviewed : 0, min = j->g->min_reviewed;

	c->value = c->judged = (double)n;
	c->threshold = (double)min;
	c->outcome = n >= min ? SG_CHECK_PASS : SG_CHECK_FAIL;
	c->detail = fmt("%lld reviewed case%s %s %lld", n, n == 1 ? "" : "s",
			n >= min ? ">=" : "<", min);
}

/* The review's estimated accuracy of the model minus the people's, with
 * its interval, against min_model_minus_human. */
static void sg_gate_min_model_minus_human_check(struct sg_gate_ctx *j)
{
	const struct sg_report_review *rv = j->r->review;
	const struct sg_report_estimate *d =
		rv ? &rv->accuracy.difference : NULL;
	struct sg_gate_check *c = add(j->out, "min_model_minus_human",
				      "review");

	judge(c, j->mode, d ? d->estimate : NAN, d ? d->ci95[0] : NAN,
	      d ? d->ci95[1] : NAN, j->g->min_model_minus_human, 0,
	      "model minus human accuracy");
	if (!rv) {
		free(c->detail);
		c->detail = fmt("no reviewed case: `shadowgate review export` "
				"and `review import` bring verdicts");
	}
}

/*
 * The paired table of the incumbent block: a both agree, b only the
 * candidate, c only the incumbent, d neither. 0, or -1 when the block has
 * no consistent discordant counts (a report from before they were kept).
 */
static int paired_table(const struct sg_report_incumbent *inc, long *a,
			long *b, long *c, long *d)
{
	long long both = inc->candidate_agree - inc->b;

	if (inc->b < 0 || inc->c < 0 || both < 0 ||
	    inc->b - inc->c != inc->candidate_agree - inc->incumbent_agree ||
	    inc->n - both - inc->b - inc->c < 0 || inc->n > LONG_MAX)
		return -1;
	*a = (long)both;
	*b = (long)inc->b;
	*c = (long)inc->c;
	*d = (long)(inc->n - both - inc->b - inc->c);
	return 0;
}

/*
 * incumbent_margin: the candidate's agreement minus the incumbent's on the
 * cases both scored must be at least -margin. With the discordant counts
 * it is judged as a minimum on Newcombe's hybrid score
 * interval for paired proportions (method 10), with McNemar's exact
 * p-value and mid-p beside it (on its lower end, on the whole interval
 * with gate.on interval, on the difference with gate.on estimate); a saved
 * report without the counts is judged on the difference.
 */
static void sg_gate_incumbent_margin_check(struct sg_gate_ctx *j)
{
	const struct sg_report *r = j->r;
	const struct sg_gate_conf *g = j->g;
	const struct sg_report_incumbent *inc =
		r->has_incumbent ? r->incumbent : NULL;
	double diff = inc ? inc->difference : NAN, nd, lo, hi;
	struct sg_gate_check *c = add(j->out, "incumbent_margin", g->incumbent);
	long pa, pb, pc, pd;
	char *d;

	if (!inc || isnan(diff)) {
		c->threshold = -g->incumbent_margin;
		c->outcome = SG_CHECK_NOT_JUDGED;
		c->detail = fmt("%s", inc ? "no case was scored by both models"
					  : "the report has no comparison with "
					    "the incumbent");
		return;
	}
	/* a saved report without the paired counts: the difference alone */
	if (paired_table(inc, &pa, &pb, &pc, &pd)) {
		judge(c, SG_GATE_ON_ESTIMATE, diff, NAN, NAN,
		      -g->incumbent_margin, 0,
		      "candidate minus incumbent agreement");
		free(c->detail);
		c->detail = fmt("on %.0f cases both scored: candidate %.4f, "
				"incumbent %.4f, difference %+.4f %s -%.4g",
				(double)inc->n, inc->candidate_rate,
				inc->incumbent_rate, diff,
				c->outcome == SG_CHECK_PASS ? ">=" : "<",
				g->incumbent_margin);
		return;
	}
	sg_newcombe_paired(pa, pb, pc, pd, j->confidence, &nd, &lo, &hi);
	judge(c, j->mode, diff, lo, hi, -g->incumbent_margin, 0,
	      bound_word(j->mode, 0));
	c->b = pb;
	c->c = pc;
	c->mcnemar_exact_p = sg_mcnemar_exact_p(pb, pc);
	c->mcnemar_mid_p = sg_mcnemar_mid_p(pb, pc);
	d = c->detail;
	c->detail = fmt("%s; on %.0f cases both scored: candidate %.4f, "
			"incumbent %.4f, difference %+.4f, Newcombe interval "
			"[%.4f, %.4f]; McNemar b = %ld, c = %ld, exact p = "
			"%.4g, mid-p = %.4g",
			d, (double)inc->n, inc->candidate_rate,
			inc->incumbent_rate, diff, lo, hi, pb, pc,
			c->mcnemar_exact_p, c->mcnemar_mid_p);
	free(d);
}

static int set_min_cases(const struct sg_gate_conf *g)
{
	return g->min_cases >= 0;
}

#define SET(key) \
	static int set_##key(const struct sg_gate_conf *g) \
	{ \
		return !isnan(g->key); \
	}
SET(min_agreement)
SET(min_kappa)
SET(min_ac1)
SET(min_recall)
SET(min_precision)
SET(min_segment_agreement)
SET(max_error_rate)
SET(max_p95_latency_ms)
SET(human_margin)
SET(min_model_minus_human)
SET(max_psi)
SET(max_missing_rate)
SET(max_label_shift)
SET(min_night_agreement)
SET(max_night_psi)
SET(max_night_missing_rate)
#undef SET

static int set_min_reviewed(const struct sg_gate_conf *g)
{
	return g->min_reviewed >= 0;
}

static int set_learn_from_reference(const struct sg_gate_conf *g)
{
	return g->learn_from_reference;
}

static int set_incumbent_margin(const struct sg_gate_conf *g)
{
	return g->incumbent != NULL;
}

/* The policy keys with checks, in the order of the verdict. */
#define CHECKS(X)                                                          \
	X(min_cases) X(min_agreement) X(min_kappa) X(min_ac1) X(min_recall) \
	X(min_precision) X(min_segment_agreement) X(max_error_rate)        \
	X(max_p95_latency_ms) X(human_margin) X(max_psi)                   \
	X(max_missing_rate) X(max_label_shift) X(learn_from_reference)     \
	X(min_night_agreement) X(max_night_psi) X(max_night_missing_rate)  \
	X(incumbent_margin) X(min_reviewed) X(min_model_minus_human)

/*
 * The checks, one per policy key, in the order of the verdict: `set` says
 * whether the policy asks for it, `run` adds its checks to the result.
 */
static const struct gate_check_def {
	const char *key;
	int (*set)(const struct sg_gate_conf *g);
	void (*run)(struct sg_gate_ctx *j);
} checks[] = {
#define CHECK(key) {#key, set_##key, sg_gate_##key##_check},
	CHECKS(CHECK)
#undef CHECK
};

#define KEY(key) #key,
const char *const sg_gate_check_keys[] = {CHECKS(KEY) NULL};
#undef KEY

/* "; failing nights: A, B" for the reason, or "" (the caller frees). */
static char *failing_nights(const struct sg_gate_result *r)
{
	struct sg_buf b = SG_BUF_INIT;
	size_t i, j;

	for (i = 0; i < r->nchecks; i++) {
		const struct sg_gate_check *c = &r->checks[i];
		int seen = 0;

		if (c->outcome != SG_CHECK_FAIL || c->report_only ||
		    strncmp(c->subject, "night=", 6) || strlen(c->subject) < 16)
			continue;
		for (j = 0; j < i && !seen; j++)
			seen = r->checks[j].outcome == SG_CHECK_FAIL &&
			       !r->checks[j].report_only &&
			       !strncmp(r->checks[j].subject, "night=", 6) &&
			       !strncmp(r->checks[j].subject + 6,
					c->subject + 6, 10);
		if (!seen)
			sg_buf_addf(&b, "%s%.10s",
				    b.len ? ", " : "; failing nights: ",
				    c->subject + 6);
	}
	return sg_buf_detach(&b);
}

/* The verdict and its reason from the checks. */
static void verdict(struct sg_gate_ctx *j)
{
	struct sg_gate_result *out = j->out;
	const struct sg_gate_conf *g = j->g;
	size_t i, fails = 0, undecided = 0, apart = 0;

	for (i = 0; i < out->nchecks; i++) {
		if (out->checks[i].report_only) {
			apart++;
			continue;
		}
		if (out->checks[i].outcome == SG_CHECK_FAIL &&
		    strcmp(out->checks[i].name, "min_cases") &&
		    strcmp(out->checks[i].name, "min_reviewed"))
			fails++;
		undecided += out->checks[i].outcome == SG_CHECK_UNDECIDED;
	}
	if (g->min_cases >= 0 && out->cases < g->min_cases &&
	    sg_strlist_find(&g->report_only, "min_cases") < 0) {
		out->verdict = SG_INSUFFICIENT;
		out->reason = fmt("insufficient evidence: %ld cases compared, "
				  "the policy needs at least %ld",
				  out->cases, g->min_cases);
	} else if (g->min_reviewed >= 0 &&
		   sg_strlist_find(&g->report_only, "min_reviewed") < 0 &&
		   (!j->r->review || j->r->review->reviewed < g->min_reviewed)) {
		out->verdict = SG_INSUFFICIENT;
		out->reason = fmt("insufficient evidence: %lld reviewed cases, "
				  "the policy needs at least %ld",
				  j->r->review ? j->r->review->reviewed : 0,
				  g->min_reviewed);
	} else if (fails) {
		struct sg_gate_check *first = NULL;
		char *nights;

		for (i = 0; i < out->nchecks && !first; i++)
			if (out->checks[i].outcome == SG_CHECK_FAIL &&
			    !out->checks[i].report_only)
				first = &out->checks[i];
		nights = failing_nights(out);
		out->verdict = SG_NOGO;
		out->reason = fmt("no-go: %zu check%s failed, first %s (%s): %s%s",
				  fails, fails == 1 ? "" : "s", first->name,
				  first->subject, first->detail, nights);
		free(nights);
	} else if (undecided) {
		out->verdict = SG_INSUFFICIENT;
		out->reason = sg_gate_keep_shadowing(out, undecided);
	} else if (j->unjudged_core || out->cases == 0) {
		out->verdict = SG_INSUFFICIENT;
		out->reason = fmt("insufficient evidence: %s",
				  out->cases == 0
					  ? "no case has both a human decision "
					    "and a prediction"
					  : "a headline statistic is undefined");
	} else if (apart) {
		out->verdict = SG_GO;
		out->reason = fmt("go: %s %zu check%s passed on %ld cases (%zu "
				  "report-only check%s apart)",
				  out->nchecks - apart == 1 ? "the" : "all",
				  out->nchecks - apart,
				  out->nchecks - apart == 1 ? "" : "s", out->cases,
				  apart, apart == 1 ? "" : "s");
	} else {
		out->verdict = SG_GO;
		out->reason = fmt(out->nchecks == 1
					  ? "go: the %zu check passed on %ld cases"
					  : "go: all %zu checks passed on %ld cases",
				  out->nchecks, out->cases);
	}
}

int sg_gate_judge(const struct sg_report *report, const struct sg_gate_conf *g,
		  struct sg_gate_result *out, struct sg_diag *diag)
{
	struct sg_gate_ctx j = {report, g, out, g->on_estimate, report->confidence,
			  0};
	size_t i;
	int any = 0;

	memset(out, 0, sizeof(*out));
	out->on_estimate = g->on_estimate;
	out->multiplicity = g->multiplicity;
	if (isnan(j.confidence))
		j.confidence = 0.95;
	out->cases = count((double)report->cases);
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (checks[i].set(g)) {
			size_t first = out->nchecks, core = j.unjudged_core;

			any = 1;
			checks[i].run(&j);
			if (sg_strlist_find(&g->report_only, checks[i].key) < 0)
				continue;
			/* shown with its outcome, kept out of the verdict */
			j.unjudged_core = core;
			for (; first < out->nchecks; first++)
				out->checks[first].report_only = 1;
		}
	if (!any) {
		sg_diag_set(diag, NULL, 0, 0,
			    "the gate policy has no checks: set at least one of "
			    "min_agreement, min_kappa, min_cases, ... (the "
			    "\"gate\" block of the config, or flags)");
		sg_gate_result_release(out);
		return SG_EUSAGE;
	}
	if (j.mode == SG_GATE_ON_INTERVAL)
		sg_gate_evidence(out, report, j.confidence);
	for (i = 0; i < out->nchecks; i++)
		if (out->checks[i].report_only) {
			char *d = out->checks[i].detail;

			out->checks[i].detail =
				fmt("%s; report only, not in the verdict",
				    d ? d : "");
			free(d);
		}
	verdict(&j);
	return 0;
}

void sg_gate_result_release(struct sg_gate_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nchecks; i++) {
		free(r->checks[i].name);
		free(r->checks[i].subject);
		free(r->checks[i].detail);
	}
	free(r->checks);
	free(r->reason);
	free(r->note);
	memset(r, 0, sizeof(*r));
}

const char *sg_verdict_name(int verdict)
{
	switch (verdict) {
	case SG_GO: return "go";
	case SG_NOGO: return "no-go";
	default: return "insufficient";
	}
}

const char *sg_gate_on_name(int on)
{
	switch (on) {
	case SG_GATE_ON_ESTIMATE: return "estimate";
	case SG_GATE_ON_INTERVAL: return "interval";
	default: return "lower-bound";
	}
}

const char *sg_check_outcome_name(int outcome)
{
	switch (outcome) {
	case SG_CHECK_PASS: return "pass";
	case SG_CHECK_FAIL: return "fail";
	case SG_CHECK_UNDECIDED: return "undecided";
	default: return "not judged";
	}
}

int sg_gate_store(struct sg_store *s, long report_id, long model_id,
		  const struct sg_gate_conf *g, const struct sg_gate_result *r,
		  long *verdict_id, struct sg_diag *diag)
{
	cJSON *pol = sg_gate_policy_json(g), *res = sg_gate_result_json(r);
	char *ptext = cJSON_PrintUnformatted(pol);
	char *ctext = cJSON_PrintUnformatted(cJSON_GetObjectItem(res, "checks"));
	int ret;

	ret = sg_store_add_verdict(s, report_id, model_id, ptext,
				   sg_verdict_name(r->verdict), r->reason,
				   ctext, verdict_id, diag);
	free(ptext);
	free(ctext);
	cJSON_Delete(pol);
	cJSON_Delete(res);
	return ret;
}
