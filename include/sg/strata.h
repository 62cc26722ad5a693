/*
 * strata.h - stratified sampling: how a sample of n cases is spread over
 * strata, and the stratified estimators of a proportion and of a mean
 * difference over the whole population from the strata's samples
 * (Cochran, Sampling Techniques, 3rd ed., ch. 5). Pure: numbers in,
 * numbers out. The sample of disagreements allocates with them (a floor
 * of one); the review loop is to use them too: strata are the cells (human
 * label, model label) of a window's confusion matrix, the sample is what
 * people review, the estimates are the model's and the people's accuracy.
 */
#ifndef SG_STRATA_H
#define SG_STRATA_H

#include <stddef.h>

/*
 * Spreads n cases over ns strata of size[i] cases: take[i] cases from
 * stratum i. Every stratum first gets min(floor, size[i]) while n allows
 * (the largest strata first, ties by index); the rest is proportional
 * allocation by largest remainder, exact in integers: stratum i deserves
 * n * size[i] / total, no stratum gets more than its size, none less than
 * its floor. n at or above the total takes every case. Sizes must be >= 0.
 */
void sg_allocate(const long *size, size_t ns, long n, long floor,
		 long *take);

/* One stratum of a reviewed sample. */
struct sg_stratum_review {
	long N;           /* cases of the stratum in the population */
	long n;           /* reviewed ones (with a resolved verdict) */
	long model_right; /* reviewed ones whose verdict is the model's */
	long human_right; /* ... the person's */
	long model_only;  /* the model's and not the person's */
	long human_only;  /* the person's and not the model's */
};

enum sg_side { SG_SIDE_MODEL = 0, SG_SIDE_HUMAN = 1 };

struct sg_estimate {
	double estimate; /* NaN when undefined */
	double low, high; /* NaN when the interval is undefined */
	double variance;
};

/*
 * The stratified estimate of the share of the population that `side`
 * decides right: p = sum W_h p_h (W_h = N_h / N, p_h that side's share of
 * right verdicts among the n_h reviewed), variance
 * sum W_h^2 (1 - n_h / N_h) p_h (1 - p_h) / (n_h - 1), interval
 * p +- z sqrt(v) clipped to [0, 1]. A stratum reviewed completely adds no
 * variance. Undefined (NaN): the estimate when a stratum with cases has no
 * review (or the population is empty); the interval when a stratum not
 * reviewed completely has fewer than 2 reviewed cases.
 */
void sg_stratified_share(const struct sg_stratum_review *s, size_t ns,
			 enum sg_side side, double confidence,
			 struct sg_estimate *out);

/*
 * The stratified estimate of the mean difference model minus person, each
 * reviewed case counting d = [model right] - [person right] (+1, 0 or
 * -1): sum W_h dbar_h, variance sum W_h^2 (1 - n_h / N_h) s_h^2 / n_h with
 * s_h^2 the sample variance of d in stratum h (n_h - 1 in its
 * denominator), interval estimate +- z sqrt(v) (not clipped: it lies in
 * [-1, 1] only approximately). Undefined as sg_stratified_share.
 */
void sg_stratified_difference(const struct sg_stratum_review *s, size_t ns,
			      double confidence, struct sg_estimate *out);

#endif
