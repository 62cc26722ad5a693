/*
 * strata.c - allocation of a sample over strata and Cochran's stratified
 * estimators of a share and of a mean difference; see
 * include/sg/strata.h.
 */
#include <math.h>
#include <stdlib.h>

#include "sg/buf.h"
#include "sg/stats.h"
#include "sg/strata.h"

struct bysize {
	long size;
	size_t i;
};

/* Largest strata first, then by index. */
static int cmp_bysize(const void *pa, const void *pb)
{
	const struct bysize *a = pa, *b = pb;

	if (a->size != b->size)
		return a->size < b->size ? 1 : -1;
	return a->i < b->i ? -1 : a->i > b->i;
}

void sg_allocate(const long *size, size_t ns, long n, long floor,
		 long *take)
{
	long long total = 0, floors = 0, sum = 0;
	size_t i;

	for (i = 0; i < ns; i++) {
		total += size[i];
		floors += size[i] < floor ? size[i] : floor;
		take[i] = 0;
	}
	if (n <= 0)
		return;
	if (n >= total) {
		for (i = 0; i < ns; i++)
			take[i] = size[i];
		return;
	}
	if (n <= floors) {
		struct bysize *p = sg_xcalloc(ns ? ns : 1, sizeof(*p));
		long left = n;

		for (i = 0; i < ns; i++) {
			p[i].size = size[i];
			p[i].i = i;
		}
		qsort(p, ns, sizeof(*p), cmp_bysize);
		for (i = 0; i < ns && left > 0; i++) {
			long f = p[i].size < floor ? p[i].size : floor;

			take[p[i].i] = f < left ? f : left;
			left -= take[p[i].i];
		}
		free(p);
		return;
	}
	for (i = 0; i < ns; i++) {
		long q = (long)((long long)n * size[i] / total);
		long f = size[i] < floor ? size[i] : floor;

		take[i] = q < f ? f : q > size[i] ? size[i] : q;
		sum += take[i];
	}
	while (sum != n) {
		/* excess (take * total - n * size) decides who gives or gets */
		long long bestv = 0, ex;
		size_t best = ns;

		for (i = 0; i < ns; i++) {
			long f = size[i] < floor ? size[i] : floor;

			ex = (long long)take[i] * total - (long long)n * size[i];
			if (sum > n && take[i] > f && (best == ns || ex > bestv)) {
				best = i;
				bestv = ex;
			} else if (sum < n && take[i] < size[i] &&
				   (best == ns || ex < bestv)) {
				best = i;
				bestv = ex;
			}
		}
		if (best == ns)
			break;
		if (sum > n) {
			take[best]--;
			sum--;
		} else {
			take[best]++;
			sum++;
		}
	}
}

/* The weights and the definedness shared by both estimators: returns the
 * population size, 0 when the estimate is undefined; *interval 0 when
 * the interval is. */
static double population(const struct sg_stratum_review *s, size_t ns,
			 int *interval)
{
	double N = 0.0;
	size_t i;

	*interval = 1;
	for (i = 0; i < ns; i++) {
		if (s[i].N <= 0)
			continue;
		if (s[i].n <= 0 || s[i].n > s[i].N)
			return 0.0;
		if (s[i].n < s[i].N && s[i].n < 2)
			*interval = 0;
		N += (double)s[i].N;
	}
	return N;
}

static void finish(struct sg_estimate *out, double est, double v,
		   int interval, double confidence, int clip)
{
	double z = sg_z_for_confidence(confidence);

	out->estimate = est;
	out->variance = interval ? v : NAN;
	if (!interval || isnan(z)) {
		out->low = out->high = NAN;
		return;
	}
	out->low = est - z * sqrt(v);
	out->high = est + z * sqrt(v);
	if (clip) {
		out->low = out->low < 0.0 ? 0.0 : out->low;
		out->high = out->high > 1.0 ? 1.0 : out->high;
	}
}

void sg_stratified_share(const struct sg_stratum_review *s, size_t ns,
			 enum sg_side side, double confidence,
			 struct sg_estimate *out)
{
	double N, est = 0.0, v = 0.0;
	int interval;
	size_t i;

	out->estimate = out->low = out->high = out->variance = NAN;
	N = population(s, ns, &interval);
	if (N == 0.0)
		return;
	for (i = 0; i < ns; i++) {
		double W, p, right;

		if (s[i].N <= 0)
			continue;
		W = (double)s[i].N / N;
		right = side == SG_SIDE_MODEL ? (double)s[i].model_right
					      : (double)s[i].human_right;
		p = right / (double)s[i].n;
		est += W * p;
		if (s[i].n < s[i].N && s[i].n >= 2)
			v += W * W * (1.0 - (double)s[i].n / (double)s[i].N) *
			     p * (1.0 - p) / (double)(s[i].n - 1);
	}
	finish(out, est, v, interval, confidence, 1);
}

void sg_stratified_difference(const struct sg_stratum_review *s, size_t ns,
			      double confidence, struct sg_estimate *out)
{
	double N, est = 0.0, v = 0.0;
	int interval;
	size_t i;

	out->estimate = out->low = out->high = out->variance = NAN;
	N = population(s, ns, &interval);
	if (N == 0.0)
		return;
	for (i = 0; i < ns; i++) {
		double W, n, mean, ss, var;

		if (s[i].N <= 0)
			continue;
		W = (double)s[i].N / N;
		n = (double)s[i].n;
		mean = ((double)s[i].model_only - (double)s[i].human_only) / n;
		est += W * mean;
		if (s[i].n < s[i].N && s[i].n >= 2) {
			/* sum of d^2 is the count of nonzero d */
			ss = (double)s[i].model_only + (double)s[i].human_only -
			     n * mean * mean;
			var = ss / (n - 1.0);
			v += W * W * (1.0 - n / (double)s[i].N) * var / n;
		}
	}
	finish(out, est, v, interval, confidence, 0);
}
