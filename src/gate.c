/*
 * gate.c - a policy judges a report.
 */
#include "sg/gate.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/monitor.h"
#include "sg/report.h"
#include "sg/stats.h"

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/*
 * A count read from the report as a long: NaN is 0, and a number out of
 * range is clamped (a cast would be undefined: reports can be hostile).
 */
static double num_item(const cJSON *v)
{
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static long count(double x)
{
	if (isnan(x))
		return 0;
	if (x >= (double)LONG_MAX)
		return LONG_MAX;
	return x <= (double)LONG_MIN ? LONG_MIN : (long)x;
}

static const cJSON *obj(const cJSON *o, const char *key)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	return cJSON_IsObject(v) ? v : NULL;
}

static void interval(const cJSON *o, double *low, double *high)
{
	const cJSON *ci = o ? cJSON_GetObjectItemCaseSensitive(o, "ci95") : NULL;

	*low = *high = NAN;
	if (cJSON_IsArray(ci) && cJSON_GetArraySize(ci) == 2) {
		const cJSON *a = cJSON_GetArrayItem(ci, 0);
		const cJSON *b = cJSON_GetArrayItem(ci, 1);

		if (cJSON_IsNumber(a))
			*low = a->valuedouble;
		if (cJSON_IsNumber(b))
			*high = b->valuedouble;
	}
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *fmt(const char *f, ...)
{
	struct sg_buf b = SG_BUF_INIT;
	va_list ap;

	va_start(ap, f);
	sg_buf_vaddf(&b, f, ap);
	va_end(ap);
	return sg_buf_detach(&b);
}

static struct sg_gate_check *add(struct sg_gate_result *r, const char *name,
				 const char *subject)
{
	struct sg_gate_check *c;

	r->checks = sg_xrealloc(r->checks, (r->nchecks + 1) * sizeof(*c));
	c = &r->checks[r->nchecks++];
	memset(c, 0, sizeof(*c));
	c->name = sg_xstrdup(name);
	c->subject = sg_xstrdup(subject);
	c->value = c->low = c->high = c->judged = c->threshold = NAN;
	return c;
}

/*
 * Judges a minimum (or, with is_max, a maximum) on the estimate or the
 * unfavourable end of the interval.
 */
static void judge(struct sg_gate_check *c, int on_estimate, double value,
		  double low, double high, double threshold, int is_max,
		  const char *what)
{
	double j;

	c->value = value;
	c->low = low;
	c->high = high;
	c->threshold = threshold;
	c->is_max = is_max;
	if (on_estimate || (isnan(low) && isnan(high)))
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

static const char *bound_word(int on_estimate, int is_max)
{
	if (on_estimate)
		return "estimate";
	return is_max ? "upper bound" : "lower bound";
}

static void segment_checks(struct sg_gate_result *r, const cJSON *report,
			   const struct sg_gate_conf *g)
{
	const cJSON *segs = obj(report, "segments"), *col, *val;

	cJSON_ArrayForEach(col, segs)
	{
		if (!cJSON_IsObject(col))
			continue;
		cJSON_ArrayForEach(val, col)
		{
			char *subject = fmt("%s=%s", col->string, val->string);
			struct sg_gate_check *c =
				add(r, "min_segment_agreement", subject);
			double n = num(val, "n"), lo, hi;

			free(subject);
			interval(val, &lo, &hi);
			if (isnan(n) || n < (double)g->min_segment_cases) {
				c->value = num(val, "rate");
				c->low = lo;
				c->high = hi;
				c->threshold = g->min_segment_agreement;
				c->outcome = SG_CHECK_NOT_JUDGED;
				c->detail = fmt("%.0f cases, fewer than "
						"min_segment_cases %ld",
						isnan(n) ? 0.0 : n,
						g->min_segment_cases);
				continue;
			}
			judge(c, r->on_estimate, num(val, "rate"), lo, hi,
			      g->min_segment_agreement, 0,
			      bound_word(r->on_estimate, 0));
		}
	}
}

/* Per-class recall (rows) or precision (columns) from the confusion
 * matrix, each with its Wilson interval. */
static void class_checks(struct sg_gate_result *r, const cJSON *report,
			 const struct sg_gate_conf *g, int precision,
			 double confidence)
{
	const cJSON *conf = obj(report, "confusion");
	const cJSON *labels = conf ? cJSON_GetObjectItem(conf, "labels") : NULL;
	const cJSON *m = conf ? cJSON_GetObjectItem(conf, "matrix") : NULL;
	int k = cJSON_GetArraySize(labels), i, j;
	double threshold = precision ? g->min_precision : g->min_recall;
	const cJSON *lab, *row, **col;

	if (!cJSON_IsArray(labels) || !cJSON_IsArray(m) ||
	    cJSON_GetArraySize(m) != k)
		return;
	/*
	 * The cells are walked, not looked up with cJSON_GetArrayItem (which
	 * walks from the start each time: k^3 steps, minutes for a hostile
	 * report of a few KiB). col[j] is the cell of row j in column i.
	 */
	col = sg_xcalloc(k ? (size_t)k : 1, sizeof(*col));
	for (j = 0, row = m->child; j < k; j++, row = row->next)
		col[j] = row->child;
	for (i = 0, lab = labels->child, row = m->child; i < k;
	     i++, lab = lab->next, row = row->next) {
		char *subject = fmt("class=%s", cJSON_IsString(lab)
							 ? lab->valuestring
							 : "?");
		struct sg_gate_check *c =
			add(r, precision ? "min_precision" : "min_recall",
			    subject);
		const cJSON *in_row = row->child;
		double tp = 0, n = 0, lo, hi;

		free(subject);
		for (j = 0; j < k; j++) {
			const cJSON *cell = precision ? col[j] : in_row;
			double v = cJSON_IsNumber(cell) ? cell->valuedouble : 0;

			if (precision)
				col[j] = cell ? cell->next : NULL;
			else
				in_row = cell ? cell->next : NULL;
			n += v;
			if (j == i)
				tp = v;
		}
		c->threshold = threshold;
		if (n < (double)g->min_segment_cases) {
			c->value = n > 0 ? tp / n : NAN;
			c->outcome = SG_CHECK_NOT_JUDGED;
			c->detail = fmt("%.0f %s, fewer than min_segment_cases "
					"%ld",
					n, precision ? "predictions" : "cases",
					g->min_segment_cases);
			continue;
		}
		sg_wilson(count(tp), count(n), confidence, &lo, &hi);
		judge(c, r->on_estimate, tp / n, lo, hi, threshold, 0,
		      bound_word(r->on_estimate, 0));
	}
	free(col);
}

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

/*
 * One check of a maximum per feature of inputs.features: its `key` (psi,
 * missing_rate) must stay at or below threshold. PSI needs a reference
 * window that holds cases; without one the check is not judged.
 */
static void feature_checks(struct sg_gate_result *r, const cJSON *report,
			   const char *name, const char *key, const char *what,
			   double threshold)
{
	const cJSON *in = obj(report, "inputs"), *fs = obj(in, "features"), *f;
	const cJSON *ref = in ? cJSON_GetObjectItemCaseSensitive(in,
								 "reference")
			      : NULL;
	int n = 0;

	if (!strcmp(key, "psi")) {
		if (!cJSON_IsObject(ref)) {
			not_judged(r, name, "features", threshold,
				   fmt("no reference window to measure drift "
				       "against (report.reference_nights, or "
				       "--reference-since / --reference-until)"));
			return;
		}
		if (!(num(ref, "cases") > 0)) {
			not_judged(r, name, "features", threshold,
				   fmt("the reference window has no cases"));
			return;
		}
	}
	cJSON_ArrayForEach(f, fs)
	{
		char *subject = fmt("feature=%s", f->string ? f->string : "?");
		struct sg_gate_check *c = add(r, name, subject);

		free(subject);
		judge(c, 1, num(f, key), NAN, NAN, threshold, 1, what);
		n++;
	}
	if (!n)
		not_judged(r, name, "features", threshold,
			   fmt("the window's cases have no features"));
}

/*
 * A metric of one night: features.<feature>.<key> when feature is set,
 * else <key>, a number or an object's "value" (outputs.nights' label_shift
 * is {value, label}, the reference nights' a number). NaN when absent.
 */
static double night_metric(const cJSON *night, const char *feature,
			   const char *key)
{
	const cJSON *v;

	if (feature)
		return num(obj(obj(night, "features"), feature), key);
	v = cJSON_GetObjectItemCaseSensitive(night, key);
	if (cJSON_IsObject(v))
		return num(v, "value");
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/*
 * A maximum learned from the reference nights (NannyML's standard
 * deviation thresholds): mean + k * std (sample, n - 1) of the metric over
 * the reference nights that have it, judged on the worst night of the
 * window. Fewer than two reference nights with a value: not judged.
 */
static void learned_check(struct sg_gate_result *r, const cJSON *report,
			  const char *name, const char *feature,
			  const char *key, const char *what, double k)
{
	const cJSON *bn = obj(obj(obj(report, "inputs"), "reference"),
			      "by_night");
	const cJSON *wn = obj(obj(report, feature ? "inputs" : "outputs"),
			      "nights");
	const cJSON *n, *first = NULL, *last = NULL;
	const char *worst_night = NULL;
	char *subject = feature ? fmt("feature=%s", feature) : fmt("overall");
	struct sg_gate_check *c = add(r, name, subject);
	double *v = sg_xcalloc((size_t)cJSON_GetArraySize(bn) + 1,
			       sizeof(double));
	double mean, sd, hi, worst = NAN;
	size_t cnt = 0;

	free(subject);
	c->is_max = 1;
	cJSON_ArrayForEach(n, bn)
	{
		double x = night_metric(n, feature, key);

		if (!isfinite(x))
			continue;
		if (!first)
			first = n;
		last = n;
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
	cJSON_ArrayForEach(n, wn)
	{
		double x = night_metric(n, feature, key);

		if (isfinite(x) && (isnan(worst) || x > worst)) {
			worst = x;
			worst_night = n->string;
		}
	}
	judge(c, 1, worst, NAN, NAN, hi, 1, what);
	if (c->outcome == SG_CHECK_NOT_JUDGED) {
		free(c->detail);
		c->detail = fmt("no night of the window has %s", what);
		return;
	}
	free(c->detail);
	c->detail = fmt("worst night %s: %s %.4g %s learned %.4g (mean %.4g + "
			"%g x std %.4g over %zu reference nights %s .. %s)",
			worst_night, what, worst,
			c->outcome == SG_CHECK_PASS ? "<=" : ">", hi, mean, k,
			sd, cnt, first->string, last->string);
}

/* The learned checks: PSI and missing rate per feature, error rate and
 * label shift; one not-judged check when there is nothing to learn from. */
static void learned_checks(struct sg_gate_result *r, const cJSON *report,
			   double k)
{
	const cJSON *in = obj(report, "inputs"), *ref = obj(in, "reference");
	const cJSON *f;

	if (!ref || !(num(ref, "cases") > 0) || !obj(ref, "by_night")) {
		not_judged(r, "learn_from_reference", "reference nights", NAN,
			   fmt("no reference window with cases to learn "
			       "thresholds from (report.reference_nights, or "
			       "--reference-since / --reference-until)"));
		return;
	}
	cJSON_ArrayForEach(f, obj(in, "features"))
	{
		learned_check(r, report, "learned_psi", f->string, "psi", "PSI",
			      k);
		learned_check(r, report, "learned_missing_rate", f->string,
			      "missing_rate", "missing rate", k);
	}
	learned_check(r, report, "learned_error_rate", NULL, "error_rate",
		      "error rate", k);
	learned_check(r, report, "learned_label_shift", NULL, "label_shift",
		      "label shift", k);
}

/*
 * A night of the window too small to judge: listed, never failed.
 * Returns nonzero when it is.
 */
static int small_night(struct sg_gate_result *r, const char *name,
		       const char *subject, double n, double threshold,
		       int is_max, long min_cases)
{
	struct sg_gate_check *c;

	if (!isnan(n) && n >= (double)min_cases)
		return 0;
	c = add(r, name, subject);
	c->threshold = threshold;
	c->is_max = is_max;
	c->outcome = SG_CHECK_NOT_JUDGED;
	c->detail = fmt("%.0f cases, fewer than min_night_cases %ld",
			isnan(n) ? 0.0 : n, min_cases);
	return 1;
}

/* min_night_agreement: nights.<night>.{n, rate, ci95} of every night of
 * the window with at least min_night_cases compared cases. */
static void night_agreement_checks(struct sg_gate_result *r,
				   const cJSON *report,
				   const struct sg_gate_conf *g)
{
	const cJSON *nights = obj(report, "nights"), *n;
	int any = 0;

	cJSON_ArrayForEach(n, nights)
	{
		char *subject = fmt("night=%s", n->string ? n->string : "?");
		double lo, hi;

		any = 1;
		if (!small_night(r, "min_night_agreement", subject,
				 num(n, "n"), g->min_night_agreement, 0,
				 g->min_night_cases)) {
			struct sg_gate_check *c =
				add(r, "min_night_agreement", subject);

			interval(n, &lo, &hi);
			judge(c, r->on_estimate, num(n, "rate"), lo, hi,
			      g->min_night_agreement, 0,
			      bound_word(r->on_estimate, 0));
		}
		free(subject);
	}
	if (!any)
		not_judged(r, "min_night_agreement", "nights",
			   g->min_night_agreement,
			   fmt("the window has no night with cases"));
}

/*
 * max_night_psi / max_night_missing_rate: inputs.nights.<night>.features.
 * <feature>.<key> of every night of the window with at least
 * min_night_cases cases, one check per night and feature. The report
 * computes those tables only with a reference window.
 */
static void night_feature_checks(struct sg_gate_result *r,
				 const cJSON *report,
				 const struct sg_gate_conf *g, const char *name,
				 const char *key, const char *what,
				 double threshold)
{
	const cJSON *in = obj(report, "inputs"), *nights = obj(in, "nights");
	const cJSON *n, *f;
	int any = 0;

	if (!nights) {
		not_judged(r, name, "nights", threshold,
			   fmt("per-night %s needs a reference window "
			       "(report.reference_nights, or --reference-since "
			       "/ --reference-until)",
			       what));
		return;
	}
	if (!strcmp(key, "psi") && !(num(obj(in, "reference"), "cases") > 0)) {
		not_judged(r, name, "nights", threshold,
			   fmt("the reference window has no cases"));
		return;
	}
	cJSON_ArrayForEach(n, nights)
	{
		char *subject = fmt("night=%s", n->string ? n->string : "?");

		any = 1;
		if (small_night(r, name, subject, num(n, "cases"), threshold, 1,
				g->min_night_cases)) {
			free(subject);
			continue;
		}
		free(subject);
		cJSON_ArrayForEach(f, obj(n, "features"))
		{
			struct sg_gate_check *c;

			subject = fmt("night=%s feature=%s",
				      n->string ? n->string : "?",
				      f->string ? f->string : "?");
			c = add(r, name, subject);
			free(subject);
			judge(c, 1, num(f, key), NAN, NAN, threshold, 1, what);
		}
	}
	if (!any)
		not_judged(r, name, "nights", threshold,
			   fmt("the window has no night with cases"));
}

/* "; failing nights: A, B" for the reason, or "" (the caller frees). */
static char *failing_nights(const struct sg_gate_result *r)
{
	struct sg_buf b = SG_BUF_INIT;
	size_t i, j;

	for (i = 0; i < r->nchecks; i++) {
		const struct sg_gate_check *c = &r->checks[i];
		int seen = 0;

		if (c->outcome != SG_CHECK_FAIL ||
		    strncmp(c->subject, "night=", 6) || strlen(c->subject) < 16)
			continue;
		for (j = 0; j < i && !seen; j++)
			seen = r->checks[j].outcome == SG_CHECK_FAIL &&
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

static int judge_tree(const cJSON *report, const struct sg_gate_conf *g,
		      struct sg_gate_result *out, struct sg_diag *diag)
{
	const cJSON *agr = obj(report, "agreement"), *kap = obj(report, "kappa");
	double confidence = num(report, "confidence"), lo, hi;
	struct sg_gate_check *c;
	size_t i, fails = 0, unjudged_core = 0;
	int any = 0;

	memset(out, 0, sizeof(*out));
	out->on_estimate = g->on_estimate;
	if (isnan(confidence))
		confidence = 0.95;
	out->cases = count(num(report, "cases"));

	if (g->min_cases >= 0) {
		any = 1;
		c = add(out, "min_cases", "overall");
		c->value = c->judged = (double)out->cases;
		c->threshold = (double)g->min_cases;
		if (out->cases >= g->min_cases) {
			c->outcome = SG_CHECK_PASS;
			c->detail = fmt("%ld cases >= %ld", out->cases,
					g->min_cases);
		} else {
			c->outcome = SG_CHECK_FAIL;
			c->detail = fmt("%ld cases < %ld", out->cases,
					g->min_cases);
		}
	}
	if (!isnan(g->min_agreement)) {
		any = 1;
		c = add(out, "min_agreement", "overall");
		interval(agr, &lo, &hi);
		judge(c, g->on_estimate, num(agr, "rate"), lo, hi,
		      g->min_agreement, 0, bound_word(g->on_estimate, 0));
		if (c->outcome == SG_CHECK_NOT_JUDGED)
			unjudged_core++;
	}
	if (!isnan(g->min_kappa)) {
		any = 1;
		c = add(out, "min_kappa", "overall");
		interval(kap, &lo, &hi);
		judge(c, g->on_estimate, num(kap, "value"), lo, hi, g->min_kappa,
		      0, bound_word(g->on_estimate, 0));
		if (c->outcome == SG_CHECK_NOT_JUDGED)
			unjudged_core++;
	}
	if (!isnan(g->min_recall)) {
		any = 1;
		class_checks(out, report, g, 0, confidence);
	}
	if (!isnan(g->min_precision)) {
		any = 1;
		class_checks(out, report, g, 1, confidence);
	}
	if (!isnan(g->min_segment_agreement)) {
		any = 1;
		segment_checks(out, report, g);
	}
	if (!isnan(g->max_error_rate)) {
		/*
		 * The report's own error rate (errors / predictions) and its
		 * interval, as the report shows them: never recomputed here.
		 */
		const cJSON *outs = obj(report, "outputs");
		const cJSON *ci = outs ? cJSON_GetObjectItemCaseSensitive(
						 outs, "error_rate_ci95")
				       : NULL;
		double rate = num(outs, "error_rate");

		any = 1;
		c = add(out, "max_error_rate", "overall");
		lo = hi = NAN;
		if (cJSON_IsArray(ci) && cJSON_GetArraySize(ci) == 2) {
			lo = num_item(cJSON_GetArrayItem(ci, 0));
			hi = num_item(cJSON_GetArrayItem(ci, 1));
		}
		if (isnan(rate)) {
			c->threshold = g->max_error_rate;
			c->is_max = 1;
			c->outcome = SG_CHECK_NOT_JUDGED;
			c->detail = fmt("no predictions in the window");
		} else {
			judge(c, g->on_estimate, rate, lo, hi,
			      g->max_error_rate, 1, bound_word(g->on_estimate, 1));
			if (c->outcome != SG_CHECK_NOT_JUDGED) {
				free(c->detail);
				c->detail = fmt(
					"%s %.4g %s %.4g (%.0f errors of %.0f "
					"predictions)",
					bound_word(g->on_estimate, 1), c->judged,
					c->outcome == SG_CHECK_PASS ? "<=" : ">",
					g->max_error_rate, num(outs, "errors"),
					num(outs, "predictions"));
			}
		}
	}
	if (!isnan(g->max_p95_latency_ms)) {
		const cJSON *sw = obj(report, "software");

		any = 1;
		c = add(out, "max_p95_latency_ms", "latest run");
		judge(c, 1, num(sw, "p95_ms"), NAN, NAN, g->max_p95_latency_ms,
		      1, "p95 latency (ms)");
	}
	if (!isnan(g->human_margin)) {
		const cJSON *hb = obj(report, "human_baseline");
		double human = num(hb, "pairwise_agreement");
		double model = num(hb, "model_agreement");

		any = 1;
		c = add(out, "human_margin", "multiply-rated cases");
		judge(c, 1, model, NAN, NAN, human - g->human_margin, 0,
		      "model-vs-human agreement");
		if (c->outcome != SG_CHECK_NOT_JUDGED) {
			free(c->detail);
			c->detail = fmt("model-vs-human agreement %.4g %s human-"
					"vs-human %.4g minus margin %.4g",
					model,
					c->outcome == SG_CHECK_PASS ? ">=" : "<",
					human, g->human_margin);
		}
	}
	if (!isnan(g->max_psi)) {
		any = 1;
		feature_checks(out, report, "max_psi", "psi", "PSI", g->max_psi);
	}
	if (!isnan(g->max_missing_rate)) {
		any = 1;
		feature_checks(out, report, "max_missing_rate", "missing_rate",
			       "missing rate", g->max_missing_rate);
	}
	if (!isnan(g->max_label_shift)) {
		const cJSON *ls = obj(obj(report, "outputs"), "label_shift");
		const cJSON *lab = ls ? cJSON_GetObjectItemCaseSensitive(ls,
									 "label")
				      : NULL;
		char *subject = cJSON_IsString(lab)
					? fmt("label=%s", lab->valuestring)
					: fmt("labels");

		any = 1;
		c = add(out, "max_label_shift", subject);
		free(subject);
		if (!ls) {
			c->threshold = g->max_label_shift;
			c->is_max = 1;
			c->outcome = SG_CHECK_NOT_JUDGED;
			c->detail = fmt("no label shift: no compared case, or "
					"numeric decisions");
		} else {
			judge(c, 1, num(ls, "value"), NAN, NAN,
			      g->max_label_shift, 1,
			      "|model share - human share|");
		}
	}
	if (g->learn_from_reference) {
		any = 1;
		learned_checks(out, report, g->learn_k > 0 ? g->learn_k : 3);
	}
	if (!isnan(g->min_night_agreement)) {
		any = 1;
		night_agreement_checks(out, report, g);
	}
	if (!isnan(g->max_night_psi)) {
		any = 1;
		night_feature_checks(out, report, g, "max_night_psi", "psi",
				     "PSI", g->max_night_psi);
	}
	if (!isnan(g->max_night_missing_rate)) {
		any = 1;
		night_feature_checks(out, report, g, "max_night_missing_rate",
				     "missing_rate", "missing rate",
				     g->max_night_missing_rate);
	}
	if (g->incumbent) {
		const cJSON *inc = obj(report, "incumbent");
		double diff = num(inc, "difference");

		any = 1;
		c = add(out, "incumbent_margin", g->incumbent);
		if (!inc || isnan(diff)) {
			c->threshold = -g->incumbent_margin;
			c->outcome = SG_CHECK_NOT_JUDGED;
			c->detail = fmt("%s", inc ? "no case was scored by both "
						    "models"
						  : "the report has no "
						    "comparison with the "
						    "incumbent");
		} else {
			judge(c, 1, diff, NAN, NAN, -g->incumbent_margin, 0,
			      "candidate minus incumbent agreement");
			free(c->detail);
			c->detail = fmt("on %.0f cases both scored: candidate "
					"%.4f, incumbent %.4f, difference %+.4f "
					"%s -%.4g",
					num(inc, "n"), num(inc, "candidate_rate"),
					num(inc, "incumbent_rate"), diff,
					c->outcome == SG_CHECK_PASS ? ">=" : "<",
					g->incumbent_margin);
		}
	}
	if (!any) {
		sg_diag_set(diag, NULL, 0, 0,
			    "the gate policy has no checks: set at least one of "
			    "min_agreement, min_kappa, min_cases, ... (the "
			    "\"gate\" block of the config, or flags)");
		sg_gate_result_release(out);
		return SG_EUSAGE;
	}

	for (i = 0; i < out->nchecks; i++)
		if (out->checks[i].outcome == SG_CHECK_FAIL &&
		    strcmp(out->checks[i].name, "min_cases"))
			fails++;
	if (g->min_cases >= 0 && out->cases < g->min_cases) {
		out->verdict = SG_INSUFFICIENT;
		out->reason = fmt("insufficient evidence: %ld cases compared, "
				  "the policy needs at least %ld",
				  out->cases, g->min_cases);
	} else if (fails) {
		struct sg_gate_check *first = NULL;

		for (i = 0; i < out->nchecks && !first; i++)
			if (out->checks[i].outcome == SG_CHECK_FAIL)
				first = &out->checks[i];
		char *nights = failing_nights(out);

		out->verdict = SG_NOGO;
		out->reason = fmt("no-go: %zu check%s failed, first %s (%s): %s%s",
				  fails, fails == 1 ? "" : "s", first->name,
				  first->subject, first->detail, nights);
		free(nights);
	} else if (unjudged_core || out->cases == 0) {
		out->verdict = SG_INSUFFICIENT;
		out->reason = fmt("insufficient evidence: %s",
				  out->cases == 0
					  ? "no case has both a human decision "
					    "and a prediction"
					  : "a headline statistic is undefined");
	} else {
		out->verdict = SG_GO;
		out->reason = fmt(out->nchecks == 1
					  ? "go: the %zu check passed on %ld cases"
					  : "go: all %zu checks passed on %ld cases",
				  out->nchecks, out->cases);
	}
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

int sg_gate_judge(const struct sg_report *report, const struct sg_gate_conf *g,
		  struct sg_gate_result *out, struct sg_diag *diag)
{
	cJSON *tree = sg_report_to_json(report);
	int ret = judge_tree(tree, g, out, diag);

	cJSON_Delete(tree);
	return ret;
}
