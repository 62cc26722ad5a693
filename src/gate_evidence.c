/*
 * gate_evidence.c - the gate's interval mode (gate.on interval): a check
 * passes, fails or is undecided by where its whole interval lies; each
 * judged check is a hypothesis with its one-sided p-value (the score test
 * the Wilson interval inverts, for a rate of k in n; the normal test the
 * kappa's interval inverts); failures may be held to Holm's or
 * Bonferroni's rule (gate.multiplicity); an undecided check of a rate says
 * how many more cases, and nights, would decide it. The statistics are
 * evidence.c's; this file applies them to the checks and says so in their
 * details, the verdict's reason and its JSON.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gate_impl.h"
#include "sg/buf.h"
#include "sg/evidence.h"
#include "sg/json.h"
#include "sg/stats.h"

#define fmt sg_gate_fmt

void sg_gate_judge_interval(struct sg_gate_check *c)
{
	double t = c->threshold, lo = c->low, hi = c->high;
	int pass = c->is_max ? hi <= t : lo >= t;
	int fail = c->is_max ? lo > t : hi < t;

	if (pass) {
		c->outcome = SG_CHECK_PASS;
		c->judged = c->is_max ? hi : lo;
	} else if (fail) {
		c->outcome = SG_CHECK_FAIL;
		c->judged = c->is_max ? lo : hi;
	} else {
		c->outcome = SG_CHECK_UNDECIDED;
		c->judged = c->value;
	}
	c->detail = fmt("interval [%.4g, %.4g] %s %.4g", lo, hi,
			pass   ? (c->is_max ? "at or below" : "at or above")
			: fail ? (c->is_max ? "wholly above" : "wholly below")
			       : "straddles",
			t);
}

const char *sg_multiplicity_name(int how)
{
	switch (how) {
	case SG_MULT_HOLM: return "holm";
	case SG_MULT_BONFERRONI: return "bonferroni";
	default: return "none";
	}
}

/*
 * The one-sided p-value of c's threshold: the score test for a rate of k
 * in n, else the normal test of an estimate with a standard error (kappa),
 * p = Phi((value - t) / se) for a minimum, 1 - that for a maximum. NaN for
 * a check that is not a hypothesis (not judged, or a number without an
 * error: a PSI, a latency, a margin).
 */
static double p_value(const struct sg_gate_check *c)
{
	double z;

	if (c->outcome == SG_CHECK_NOT_JUDGED)
		return NAN;
	if (c->n > 0)
		return sg_score_test_p((long)c->k, (long)c->n, c->threshold,
				       c->is_max ? SG_BOUND_MAX : SG_BOUND_MIN);
	if (!(c->se > 0) || !isfinite(c->value) || !isfinite(c->threshold))
		return NAN;
	z = (c->value - c->threshold) / c->se;
	return c->is_max ? 1 - sg_norm_cdf(z) : sg_norm_cdf(z);
}

/* The window's mean compared cases per night (nights with cases), NaN
 * for a report without nights. */
static double cases_per_night(const struct sg_report *rep)
{
	double sum = 0;
	size_t i, nights = 0;

	if (!rep->has_model || rep->nights.null)
		return NAN;
	for (i = 0; i < rep->nights.n; i++)
		if (rep->nights.v[i].n > 0) {
			sum += (double)rep->nights.v[i].n;
			nights++;
		}
	return nights ? sum / (double)nights : NAN;
}

static void append(struct sg_gate_check *c, char *more)
{
	char *d = fmt("%s; %s", c->detail ? c->detail : "", more);

	free(c->detail);
	free(more);
	c->detail = d;
}

void sg_gate_evidence(struct sg_gate_result *r, const struct sg_report *rep,
		      double confidence)
{
	double *p = sg_xcalloc(r->nchecks + 1, sizeof(*p));
	int *reject = sg_xcalloc(r->nchecks + 1, sizeof(*reject));
	size_t i, fails = 0;

	r->alpha = (1 - confidence) / 2;
	r->cases_per_night = cases_per_night(rep);
	for (i = 0; i < r->nchecks; i++) {
		r->checks[i].p_value = p_value(&r->checks[i]);
		/* a report-only check is not one of the family */
		p[i] = r->checks[i].report_only ? NAN : r->checks[i].p_value;
		r->hypotheses += !isnan(p[i]);
	}
	sg_multiplicity_reject(p, r->nchecks, r->alpha, r->multiplicity,
			       reject);
	for (i = 0; i < r->nchecks; i++) {
		struct sg_gate_check *c = &r->checks[i];

		if (c->outcome != SG_CHECK_FAIL || isnan(p[i]))
			continue;
		fails++;
		/* with none the interval decides; a correction lets a
		 * failure stand only when its hypothesis is rejected */
		if (r->multiplicity == SG_MULT_NONE || reject[i]) {
			r->rejected++;
			continue;
		}
		c->outcome = SG_CHECK_UNDECIDED;
		c->corrected = 1;
		append(c, fmt("p = %.3g, not below %s's level over %zu checks, "
			      "so undecided",
			      c->p_value, sg_multiplicity_name(r->multiplicity),
			      r->hypotheses));
	}
	for (i = 0; i < r->nchecks; i++) {
		struct sg_gate_check *c = &r->checks[i];

		if (c->outcome != SG_CHECK_UNDECIDED || c->corrected ||
		    c->n <= 0)
			continue;
		c->more_cases = sg_more_cases((long)c->k, (long)c->n,
					      c->threshold,
					      c->is_max ? SG_BOUND_MAX
							: SG_BOUND_MIN,
					      confidence);
		if (c->more_cases < 0)
			continue;
		/* a night's own check does not grow with more nights */
		if (strncmp(c->subject, "night=", 6) &&
		    r->cases_per_night > 0)
			c->more_nights =
				ceil((double)c->more_cases / r->cases_per_night);
		if (isnan(c->more_nights))
			append(c, fmt("about %ld more cases would decide it",
				      c->more_cases));
		else
			append(c, fmt("about %ld more cases (%.0f more "
				      "night%s) would decide it",
				      c->more_cases, c->more_nights,
				      c->more_nights == 1 ? "" : "s"));
	}
	if (r->multiplicity != SG_MULT_NONE)
		r->note = fmt("%s's correction over %zu tested checks at alpha "
			      "%.4g: %zu of %zu failures stand; passing needs "
			      "no correction (every check must pass on its own)",
			      sg_multiplicity_name(r->multiplicity),
			      r->hypotheses, r->alpha, r->rejected, fails);
	free(p);
	free(reject);
}

char *sg_gate_keep_shadowing(const struct sg_gate_result *r, size_t undecided)
{
	const struct sg_gate_check *most = NULL, *first = NULL;
	size_t i;

	for (i = 0; i < r->nchecks; i++) {
		const struct sg_gate_check *c = &r->checks[i];

		if (c->outcome != SG_CHECK_UNDECIDED || c->report_only)
			continue;
		if (!first)
			first = c;
		if (c->more_cases >= 0 &&
		    (!most || c->more_cases > most->more_cases))
			most = c;
	}
	if (!most)
		return fmt("insufficient evidence, keep shadowing: %zu check%s "
			   "undecided, first %s (%s): %s",
			   undecided, undecided == 1 ? "" : "s", first->name,
			   first->subject, first->detail);
	if (isnan(most->more_nights))
		return fmt("insufficient evidence, keep shadowing: %zu check%s "
			   "undecided; %s (%s) needs the most: about %ld more "
			   "cases",
			   undecided, undecided == 1 ? "" : "s", most->name,
			   most->subject, most->more_cases);
	return fmt("insufficient evidence, keep shadowing: %zu check%s "
		   "undecided; %s (%s) needs the most: about %ld more cases, "
		   "about %.0f more night%s at %.0f cases a night",
		   undecided, undecided == 1 ? "" : "s", most->name,
		   most->subject, most->more_cases, most->more_nights,
		   most->more_nights == 1 ? "" : "s", r->cases_per_night);
}

static void add_num_or_null(cJSON *o, const char *key, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

void sg_gate_check_json_extra(cJSON *o, const struct sg_gate_result *r,
			      const struct sg_gate_check *c)
{
	if (c->report_only)
		cJSON_AddTrueToObject(o, "report_only");
	if (c->b >= 0) {
		cJSON_AddNumberToObject(o, "b", (double)c->b);
		cJSON_AddNumberToObject(o, "c", (double)c->c);
		add_num_or_null(o, "mcnemar_exact_p", c->mcnemar_exact_p);
		add_num_or_null(o, "mcnemar_mid_p", c->mcnemar_mid_p);
	}
	if (r->on_estimate != SG_GATE_ON_INTERVAL)
		return;
	add_num_or_null(o, "p_value", c->p_value);
	cJSON_AddBoolToObject(o, "corrected", c->corrected);
	add_num_or_null(o, "more_cases",
			c->more_cases >= 0 ? (double)c->more_cases : NAN);
	add_num_or_null(o, "more_nights", c->more_nights);
}

void sg_gate_result_json_extra(cJSON *o, const struct sg_gate_result *r)
{
	cJSON *m;

	if (r->on_estimate != SG_GATE_ON_INTERVAL)
		return;
	add_num_or_null(o, "cases_per_night", r->cases_per_night);
	m = cJSON_AddObjectToObject(o, "multiplicity");
	cJSON_AddStringToObject(m, "method",
				sg_multiplicity_name(r->multiplicity));
	add_num_or_null(m, "alpha", r->alpha);
	cJSON_AddNumberToObject(m, "hypotheses", (double)r->hypotheses);
	cJSON_AddNumberToObject(m, "failures_standing", (double)r->rejected);
	if (r->note)
		cJSON_AddStringToObject(m, "note", r->note);
	else
		cJSON_AddNullToObject(m, "note");
}
