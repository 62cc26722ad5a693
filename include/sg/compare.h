/*
 * compare.h - a candidate model against an incumbent on the same cases:
 * the cases of a window that have a human decision and a prediction
 * without error from both models, and how often each agrees with the
 * people there.
 */
#ifndef SG_COMPARE_H
#define SG_COMPARE_H

#include "sg/error.h"
#include "sg/report_types.h"
#include "sg/store.h"

struct sg_compare {
	long n;               /* cases both models scored */
	long candidate_agree;
	long incumbent_agree;
	long b, c;            /* only the candidate agrees; only the incumbent */
	double candidate_rate, incumbent_rate; /* NaN when n == 0 */
};

/*
 * Compares the models named "name@version" over the nights [since, until]
 * (either may be NULL: open). The human decision of a case is its current
 * decision; with several raters the reference decision of sg/reference.h
 * (the latest by decided_at, ties the one stored last), the rule the
 * report uses too. numeric: decisions are numbers and
 * agree when |h - m| <= tolerance. Returns 0, or SG_EUSAGE when a model
 * is unknown, or SG_ESTORE.
 */
int sg_compare_models(struct sg_store *s, const char *candidate,
		      const char *incumbent, const char *since,
		      const char *until, int numeric, double tolerance,
		      struct sg_compare *out, struct sg_diag *diag);

/*
 * Fills a report's incumbent block (struct sg_report_incumbent: model, n,
 * candidate_agree, incumbent_agree, candidate_rate, incumbent_rate,
 * difference, and the discordant counts b and c of the paired test;
 * replacing one that is there)
 * comparing the report's model with `incumbent` ("name@version") on the
 * cases of the report's window that both scored; the gate's
 * incumbent_margin check reads it. Rates and difference are null when no
 * case was scored by both. Returns 0, SG_EUSAGE (unknown model, a report
 * without a model) or SG_ESTORE.
 */
int sg_compare_attach(struct sg_store *s, struct sg_report *report,
		      const char *incumbent, double tolerance,
		      struct sg_diag *diag);

#endif
