/*
 * monitor.h - pure helpers for the monitoring part of the report (input
 * drift, output distributions, learned thresholds). Numbers in, numbers
 * out, as stats.h: nothing here knows the store, the report tree or
 * printing. The PSI itself and the KS test are in stats.h (sg_psi,
 * sg_psi_samples, sg_ks_2samp); this adds what the report needs around
 * them: the reference's decile cut points computed once and reused for
 * every night, quantiles, and a chi-square of two label distributions.
 */
#ifndef SG_MONITOR_H
#define SG_MONITOR_H

#include <stddef.h>

#include "sg/stats.h" /* sg_quantile_sorted */

/* PSI of a feature: bins fixed on the reference's deciles ... */
#define SG_PSI_BINS 10
/* ... and the smallest share a bin counts with, so that a bin empty on
 * one side gives a large finite PSI, never +Inf (the usual 1e-4). */
#define SG_PSI_FLOOR 1e-4

/*
 * The bins - 1 cut points of an ascending reference sample (n > 0) into
 * cuts[0 .. bins - 1): the i / bins quantiles, i = 1 .. bins - 1, exactly
 * as sg_psi_samples places them.
 */
void sg_bin_cuts(const double *sorted, size_t n, size_t bins, double *cuts);

/*
 * The bin of x among cuts[0 .. bins - 1): the index of the first cut >= x
 * (a value equal to a cut goes to the lower bin), as sg_psi_samples and
 * numpy.searchsorted(cuts, x, side='left'). In 0 .. bins - 1.
 */
size_t sg_bin_of(const double *cuts, size_t bins, double x);

/*
 * Pearson's chi-square statistic of a k x 2 contingency table given as
 * two columns of counts a[0 .. k) and b[0 .. k) (rows: categories, e.g.
 * labels; columns: two sources, e.g. the humans and the model), as
 * scipy.stats.chi2_contingency(table, correction=False).statistic. Rows
 * that are 0 in both columns are left out; *df (may be NULL) gets the
 * degrees of freedom, rows used - 1. NaN (and df 0) when fewer than two
 * rows are used, a column sums to 0 or a count is negative.
 */
double sg_chi_square_2col(const long *a, const long *b, size_t k, long *df);

/*
 * Mean and sample standard deviation (n - 1) of v[0 .. n) that are not
 * NaN; *used (may be NULL) gets how many. Mean NaN when none, std NaN
 * when fewer than two.
 */
void sg_mean_std(const double *v, size_t n, double *mean, double *std,
		 size_t *used);

#endif
