/*
 * compare.c - a candidate against an incumbent on the cases both scored.
 */
#include "sg/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


#include "sg/buf.h"
#include "sg/reference.h"

static int model_id(struct sg_store *s, const char *spec, long *id,
		    struct sg_diag *diag)
{
	const char *at = strrchr(spec, '@');
	char *name;
	int ret;

	if (!at || at == spec || !at[1]) {
		sg_diag_set(diag, NULL, 0, 0,
			    "'%s' is not a model: expected NAME@VERSION", spec);
		return SG_EUSAGE;
	}
	name = strndup(spec, (size_t)(at - spec));
	if (!name) {
		sg_diag_set(diag, NULL, 0, 0, "out of memory");
		return SG_ENOMEM;
	}
	ret = sg_store_find_model(s, name, at + 1, id, NULL, diag);
	free(name);
	if (!ret && !*id) {
		sg_diag_set(diag, NULL, 0, 0, "no model %s in the store", spec);
		ret = SG_EUSAGE;
	}
	return ret;
}

/* Whether a model's output agrees with a human decision. A NULL on
 * either side never agrees. */
static int agrees(const struct sg_compare_side *h,
		  const struct sg_compare_side *m, int numeric,
		  double tolerance)
{
	if (numeric) {
		if (!h->has_value || !m->has_value)
			return 0;
		return fabs(h->value - m->value) <= tolerance;
	}
	if (!h->label || !m->label)
		return 0;
	return h->label_len == m->label_len &&
	       !memcmp(h->label, m->label, h->label_len);
}

/* The scan of the cases both models scored: a case's rows come together;
 * the best row of the case so far is kept. */
struct scan {
	struct sg_compare *out;
	int numeric;
	double tolerance;
	long long case_id, best_id;
	double best_t;
	int have, best_a, best_b;
};

static void end_case(struct scan *sc)
{
	if (!sc->have)
		return;
	sc->out->n++;
	sc->out->candidate_agree += sc->best_a;
	sc->out->incumbent_agree += sc->best_b;
	sc->out->b += sc->best_a && !sc->best_b;
	sc->out->c += !sc->best_a && sc->best_b;
	sc->have = 0;
}

static int scan_row(void *ctx, const struct sg_compare_row *r)
{
	struct scan *sc = ctx;
	double t = sg_reference_time(r->decided_at, r->decided_len);

	if (sc->have && r->case_ref != sc->case_id)
		end_case(sc);
	if (!sc->have ||
	    sg_reference_outranks(t, r->decision, sc->best_t, sc->best_id)) {
		sc->best_t = t;
		sc->best_id = r->decision;
		sc->best_a = agrees(&r->human, &r->candidate, sc->numeric,
				    sc->tolerance);
		sc->best_b = agrees(&r->human, &r->incumbent, sc->numeric,
				    sc->tolerance);
	}
	sc->case_id = r->case_ref;
	sc->have = 1;
	return 0;
}

/*
 * The cases both models scored without error, one row per current human
 * decision, a case's rows together. The reference decision of a case is
 * picked from its rows by the rule of sg/reference.h, as the report does:
 * not in SQL, whose julianday() does not read +HHMM or +HH offsets.
 */
int sg_compare_models(struct sg_store *s, const char *candidate,
		      const char *incumbent, const char *since,
		      const char *until, int numeric, double tolerance,
		      struct sg_compare *out, struct sg_diag *diag)
{
	struct scan sc;
	long cand, inc;
	int ret;

	memset(out, 0, sizeof(*out));
	out->candidate_rate = out->incumbent_rate = NAN;
	ret = model_id(s, candidate, &cand, diag);
	if (!ret)
		ret = model_id(s, incumbent, &inc, diag);
	if (ret)
		return ret;
	memset(&sc, 0, sizeof(sc));
	sc.out = out;
	sc.numeric = numeric;
	sc.tolerance = tolerance;
	ret = sg_store_compare_rows(s, cand, inc, since, until, scan_row, &sc,
				    diag);
	if (ret)
		return ret;
	end_case(&sc);
	if (out->n) {
		out->candidate_rate =
			(double)out->candidate_agree / (double)out->n;
		out->incumbent_rate =
			(double)out->incumbent_agree / (double)out->n;
	}
	return 0;
}

int sg_compare_attach(struct sg_store *s, struct sg_report *report,
		      const char *incumbent, double tolerance,
		      struct sg_diag *diag)
{
	const struct sg_report_model *m = report->model;
	struct sg_report_incumbent *inc;
	struct sg_buf cand = SG_BUF_INIT;
	struct sg_compare c;
	int ret;

	if (!m || !m->name || !m->version) {
		sg_diag_set(diag, NULL, 0, 0,
			    "the report has no model to compare with %s",
			    incumbent);
		return SG_EUSAGE;
	}
	sg_buf_addf(&cand, "%s@%s", m->name, m->version);
	ret = sg_compare_models(
		s, cand.buf, incumbent, report->window.since,
		report->window.until,
		report->decision_type &&
			!strcmp(report->decision_type, "numeric"),
		tolerance, &c, diag);
	sg_buf_release(&cand);
	if (ret)
		return ret;
	if (report->incumbent) {
		free(report->incumbent->model);
		free(report->incumbent);
	}
	inc = sg_xcalloc(1, sizeof(*inc));
	inc->model = sg_xstrdup(incumbent);
	inc->n = c.n;
	inc->candidate_agree = c.candidate_agree;
	inc->incumbent_agree = c.incumbent_agree;
	inc->candidate_rate = c.candidate_rate;
	inc->incumbent_rate = c.incumbent_rate;
	inc->difference = c.candidate_rate - c.incumbent_rate;
	inc->b = c.b;
	inc->c = c.c;
	report->incumbent = inc;
	report->has_incumbent = 1;
	return 0;
}
