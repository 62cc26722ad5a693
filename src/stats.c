/*
 * stats.c - agreement statistics; see include/sg/stats.h for the contracts
 * and scripts/stats_reference.py for the reference values they are tested
 * against.
 *
 * Counts are summed exactly (in long double, whose 64-bit mantissa holds
 * any integer below 2^64 on x86), and sums of doubles are compensated, so
 * that large tables and long logs do not lose digits.
 */
#include "sg/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/monitor.h" /* sg_bin_cuts, sg_bin_of */

#define SG_SQRT2 1.41421356237309504880
#define SG_SQRT2PI 2.50662827463100050242
#define SG_PI 3.14159265358979323846

void sg_ksum_add(struct sg_ksum *k, long double x)
{
	long double t = k->s + x;

	if (fabsl(k->s) >= fabsl(x))
		k->c += (k->s - t) + x;
	else
		k->c += (x - t) + k->s;
	k->s = t;
}

long double sg_ksum_get(const struct sg_ksum *k)
{
	return k->s + k->c;
}

/*
 * Wichura, Algorithm AS 241 (PPND16), Applied Statistics 37 (1988) 477-484;
 * about 1e-16 relative. Coefficients as in CPython's statistics module.
 */
double sg_norm_ppf(double p)
{
	double q, r, num, den, x;

	if (isnan(p) || p < 0.0 || p > 1.0)
		return NAN;
	if (p == 0.0)
		return -INFINITY;
	if (p == 1.0)
		return INFINITY;
	q = p - 0.5;
	if (fabs(q) <= 0.425) {
		r = 0.180625 - q * q;
		num = (((((((2.5090809287301226727e+3 * r +
			     3.3430575583588128105e+4) * r +
			    6.7265770927008700853e+4) * r +
			   4.5921953931549871457e+4) * r +
			  1.3731693765509461125e+4) * r +
			 1.9715909503065514427e+3) * r +
			1.3314166789178437745e+2) * r +
		       3.3871328727963666080e+0) * q;
		den = ((((((5.2264952788528545610e+3 * r +
			     2.8729085735721942674e+4) * r +
			    3.9307895800092710610e+4) * r +
			   2.1213794301586595867e+4) * r +
			  5.3941960214247511077e+3) * r +
			 6.8718700749205790830e+2) * r +
			4.2313330701600911252e+1) * r +
		      1.0;
		return num / den;
	}
	r = q < 0.0 ? p : 1.0 - p;
	r = sqrt(-log(r));
	if (r <= 5.0) {
		r -= 1.6;
		num = ((((((7.74545014278341407640e-4 * r +
			     2.27238449892691845833e-2) * r +
			    2.41780725177450611770e-1) * r +
			   1.27045825245236838258e+0) * r +
			  3.64784832476320460504e+0) * r +
			 5.76949722146069140550e+0) * r +
			4.63033784615654529590e+0) * r +
		      1.42343711074968357734e+0;
		den = ((((((1.05075007164441684324e-9 * r +
			     5.47593808499534494600e-4) * r +
			    1.51986665636164571966e-2) * r +
			   1.48103976427480074590e-1) * r +
			  6.89767334985100004550e-1) * r +
			 1.67638483018380384940e+0) * r +
			2.05319162663775882187e+0) * r +
		      1.0;
	} else {
		r -= 5.0;
		num = ((((((2.01033439929228813265e-7 * r +
			     2.71155556874348757815e-5) * r +
			    1.24266094738807843860e-3) * r +
			   2.65321895265761230930e-2) * r +
			  2.96560571828504891230e-1) * r +
			 1.78482653991729133580e+0) * r +
			5.46378491116411436990e+0) * r +
		      6.65790464350110377720e+0;
		den = ((((((2.04426310338993978564e-15 * r +
			     1.42151175831644588870e-7) * r +
			    1.84631831751005468180e-5) * r +
			   7.86869131145613259100e-4) * r +
			  1.48753612908506148525e-2) * r +
			 1.36929880922735805310e-1) * r +
			5.99832206555887937690e-1) * r +
		      1.0;
	}
	x = num / den;
	return q < 0.0 ? -x : x;
}

double sg_norm_cdf(double x)
{
	return 0.5 * erfc(-x / SG_SQRT2);
}

double sg_z_for_confidence(double confidence)
{
	if (!(confidence > 0.0 && confidence < 1.0))
		return NAN;
	return -sg_norm_ppf((1.0 - confidence) / 2.0);
}

/*
 * Center -+ half-width, (k + z^2/2 -+ s) / (n + z^2) with
 * s = z sqrt(k (n - k) / n + z^2 / 4), written so that neither end is a
 * difference of near-equal numbers: high as the sum, and low as
 * k^2 / (n (k + z^2/2 + s)), the same value (multiply by the conjugate),
 * which is exactly 0 for k == 0. high is set to exactly 1 for k == n.
 */
/* The Wilson interval of dk successes in dn > 0 trials (dk may be a
 * fraction: a rate times a number of cases); full: dk == dn. */
static void wilson(double dk, double dn, int full, double z, double *low,
		   double *high)
{
	double z2 = z * z, t, lo, hi;

	t = dk + z2 / 2.0 + z * sqrt(dk * (dn - dk) / dn + z2 / 4.0);
	lo = dk * dk / (dn * t);
	hi = full ? 1.0 : t / (dn + z2);
	*low = lo < 0.0 ? 0.0 : lo > 1.0 ? 1.0 : lo;
	*high = hi < 0.0 ? 0.0 : hi > 1.0 ? 1.0 : hi;
}

void sg_wilson(long k, long n, double confidence, double *low, double *high)
{
	double z = sg_z_for_confidence(confidence);

	if (n <= 0 || k < 0 || k > n || isnan(z)) {
		*low = *high = NAN;
		return;
	}
	/* (double)n - (double)k is exact for counts below 2^53 */
	wilson((double)k, (double)n, k == n, z, low, high);
}

void sg_wilson_rate(double rate, double n, double confidence, double *low,
		    double *high)
{
	double z = sg_z_for_confidence(confidence);

	if (!(n > 0.0) || !(rate >= 0.0 && rate <= 1.0) || isnan(z)) {
		*low = *high = NAN;
		return;
	}
	wilson(rate * n, n, rate == 1.0, z, low, high);
}

/* Row and column sums of a k*k matrix; 0 and sums unset when a count is
 * negative. The caller frees *rows (one block holds both). */
static int margins(const long *m, size_t k, long double **rows,
		   long double **cols, long double *n)
{
	long double *r = sg_xcalloc(2 * (k ? k : 1), sizeof(*r));
	long double *c = r + k;
	size_t i, j;

	*n = 0;
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			long v = m[i * k + j];

			if (v < 0) {
				free(r);
				return 0;
			}
			r[i] += v;
			c[j] += v;
			*n += v;
		}
	*rows = r;
	*cols = c;
	return 1;
}

void sg_cohen_kappa(const long *m, size_t k, double confidence,
		    struct sg_kappa *out)
{
	long double *row, *col, n, diag = 0, rc = 0, kappa, pe, a = 0, b = 0;
	long double c, var;
	double z;
	size_t i, j;

	out->value = out->se = out->low = out->high = NAN;
	if (!margins(m, k, &row, &col, &n))
		return;
	if (n <= 0)
		goto out;
	for (i = 0; i < k; i++) {
		if (row[i] == n && col[i] == n)
			goto out; /* one label on both sides: pe == 1 */
		diag += m[i * k + i];
		rc += row[i] * col[i];
	}
	/* (po - pe) / (1 - pe), numerator and denominator times n^2: exact */
	kappa = (n * diag - rc) / (n * n - rc);
	pe = rc / (n * n);

	/* Fleiss, Cohen & Everitt (1969), as statsmodels' std_kappa */
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			long double p = m[i * k + j] / n, t;

			if (!p)
				continue;
			if (i == j) {
				t = 1 - (row[i] + col[i]) / n * (1 - kappa);
				a += p * t * t;
			} else {
				t = (col[i] + row[j]) / n;
				b += p * t * t;
			}
		}
	b *= (1 - kappa) * (1 - kappa);
	c = kappa - pe * (1 - kappa);
	var = (a + b - c * c) / ((1 - pe) * (1 - pe) * n);
	if (var < 0)
		var = 0; /* rounding when kappa is +-1 */

	out->value = (double)kappa;
	out->se = (double)sqrtl(var);
	z = sg_z_for_confidence(confidence);
	out->low = out->value - z * out->se;
	out->high = out->value + z * out->se;
out:
	free(row);
}

double sg_weighted_kappa(const long *m, size_t k, int quadratic)
{
	long double *row, *col, n, obs = 0, exp = 0;
	size_t i, j;
	double ret = NAN;

	if (!margins(m, k, &row, &col, &n))
		return NAN;
	if (n <= 0)
		goto out;
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			long double d = i > j ? i - j : j - i;
			long double w = quadratic ? d * d : d;

			obs += w * m[i * k + j];
			exp += w * row[i] * col[j];
		}
	if (exp > 0)
		ret = (double)(1 - n * obs / exp);
out:
	free(row);
	return ret;
}

static double ratio0(long double num, long double den)
{
	return den > 0 ? (double)(num / den) : 0.0;
}

void sg_class_metrics(const long *m, size_t k, struct sg_class_metrics *per,
		      struct sg_class_metrics *macro,
		      struct sg_class_metrics *weighted)
{
	long double *row, *col, n;
	struct sg_ksum mp = {0, 0}, mr = {0, 0}, mf = {0, 0};
	struct sg_ksum wp = {0, 0}, wr = {0, 0}, wf = {0, 0};
	size_t i;

	memset(macro, 0, sizeof(*macro));
	memset(weighted, 0, sizeof(*weighted));
	if (!margins(m, k, &row, &col, &n)) {
		for (i = 0; i < k; i++) {
			per[i].precision = per[i].recall = per[i].f1 = NAN;
			per[i].support = 0;
		}
		macro->precision = macro->recall = macro->f1 = NAN;
		weighted->precision = weighted->recall = weighted->f1 = NAN;
		return;
	}
	for (i = 0; i < k; i++) {
		long double tp = m[i * k + i];

		per[i].precision = ratio0(tp, col[i]);
		per[i].recall = ratio0(tp, row[i]);
		per[i].f1 = ratio0(2 * tp, row[i] + col[i]);
		per[i].support = (long)row[i];
		sg_ksum_add(&mp, per[i].precision);
		sg_ksum_add(&mr, per[i].recall);
		sg_ksum_add(&mf, per[i].f1);
		sg_ksum_add(&wp, row[i] * per[i].precision);
		sg_ksum_add(&wr, row[i] * per[i].recall);
		sg_ksum_add(&wf, row[i] * per[i].f1);
	}
	if (k) {
		macro->precision = (double)(sg_ksum_get(&mp) / k);
		macro->recall = (double)(sg_ksum_get(&mr) / k);
		macro->f1 = (double)(sg_ksum_get(&mf) / k);
	}
	weighted->precision = ratio0(sg_ksum_get(&wp), n);
	weighted->recall = ratio0(sg_ksum_get(&wr), n);
	weighted->f1 = ratio0(sg_ksum_get(&wf), n);
	macro->support = weighted->support = (long)n;
	free(row);
}

double sg_fleiss_kappa(const long *counts, size_t items, size_t k)
{
	long double *col, raters = -1, t, s2 = 0, q = 0, num, den;
	size_t i, j;
	double ret = NAN;

	if (!items || !k)
		return NAN;
	col = sg_xcalloc(k, sizeof(*col));
	for (i = 0; i < items; i++) {
		long double ni = 0;

		for (j = 0; j < k; j++) {
			long v = counts[i * k + j];

			if (v < 0)
				goto out;
			ni += v;
			col[j] += v;
			s2 += (long double)v * v;
		}
		if (raters < 0)
			raters = ni;
		else if (ni != raters)
			goto out;
	}
	if (raters < 2)
		goto out;
	t = items * raters; /* all ratings */
	for (j = 0; j < k; j++)
		q += col[j] * col[j];
	/* (P - Pe) / (1 - Pe), both times t^2 */
	num = (s2 - t) * t / (raters - 1) - q;
	den = t * t - q;
	if (den > 0)
		ret = (double)(num / den);
out:
	free(col);
	return ret;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Sum of squared run lengths of a sorted array. */
static long double sum_sq_runs(const int *v, size_t n)
{
	long double s = 0;
	size_t i = 0, j;

	while (i < n) {
		for (j = i + 1; j < n && v[j] == v[i]; j++)
			;
		s += (long double)(j - i) * (j - i);
		i = j;
	}
	return s;
}

/*
 * alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k, with
 * sum_{c != k} o_ck = sum_u (m_u^2 - sum_c n_uc^2) / (m_u - 1) and
 * sum_{c != k} n_c n_k = n^2 - sum_c n_c^2 (Krippendorff 2011, section C).
 */
double sg_krippendorff_alpha_nominal(const int *data, size_t units,
				     size_t coders)
{
	int *unit, *all;
	size_t u, c, n = 0;
	struct sg_ksum dis = {0, 0};
	long double nn, de;
	double ret = NAN;

	if (!units || !coders)
		return NAN;
	unit = sg_xmalloc(coders * sizeof(*unit));
	all = sg_xmalloc(units * coders * sizeof(*all));
	for (u = 0; u < units; u++) {
		size_t mu = 0;

		for (c = 0; c < coders; c++)
			if (data[u * coders + c] >= 0)
				unit[mu++] = data[u * coders + c];
		if (mu < 2)
			continue; /* not pairable */
		qsort(unit, mu, sizeof(*unit), cmp_int);
		sg_ksum_add(&dis, ((long double)mu * mu - sum_sq_runs(unit, mu)) /
				       (mu - 1));
		memcpy(all + n, unit, mu * sizeof(*unit));
		n += mu;
	}
	if (!n)
		goto out;
	qsort(all, n, sizeof(*all), cmp_int);
	nn = n;
	de = nn * nn - sum_sq_runs(all, n);
	if (de > 0)
		ret = (double)(1 - (nn - 1) * sg_ksum_get(&dis) / de);
out:
	free(unit);
	free(all);
	return ret;
}

void sg_regression_add(struct sg_regression_sums *s, double human,
		       double model, double tolerance)
{
	double d = model - human;

	s->n++;
	sg_ksum_add(&s->abs, fabs(d));
	sg_ksum_add(&s->sq, (long double)d * d);
	sg_ksum_add(&s->diff, d);
	if (fabs(human - model) <= tolerance)
		s->within++;
}

void sg_regression_finish(const struct sg_regression_sums *s,
			  double confidence, struct sg_regression *out)
{
	size_t n = s->n;

	out->n = (long)n;
	out->within = s->within;
	if (!n) {
		out->mae = out->rmse = out->bias = NAN;
		out->within_rate = out->within_low = out->within_high = NAN;
		return;
	}
	out->mae = (double)(sg_ksum_get(&s->abs) / n);
	out->rmse = (double)sqrtl(sg_ksum_get(&s->sq) / n);
	out->bias = (double)(sg_ksum_get(&s->diff) / n);
	out->within_rate = (double)out->within / (double)n;
	sg_wilson(out->within, out->n, confidence, &out->within_low,
		  &out->within_high);
}

void sg_regression(const double *human, const double *model, size_t n,
		   double tolerance, double confidence,
		   struct sg_regression *out)
{
	struct sg_regression_sums s;
	size_t i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < n; i++)
		sg_regression_add(&s, human[i], model[i], tolerance);
	sg_regression_finish(&s, confidence, out);
}

double sg_psi(const long *expected, const long *actual, size_t bins,
	      double min_share)
{
	long double te = 0, ta = 0;
	struct sg_ksum psi = {0, 0};
	size_t i;

	if (!bins)
		return NAN;
	for (i = 0; i < bins; i++) {
		if (expected[i] < 0 || actual[i] < 0)
			return NAN;
		te += expected[i];
		ta += actual[i];
	}
	if (te <= 0 || ta <= 0)
		return NAN;
	for (i = 0; i < bins; i++) {
		double e = (double)(expected[i] / te);
		double a = (double)(actual[i] / ta);

		if (!expected[i] && !actual[i])
			continue;
		if (e < min_share)
			e = min_share;
		if (a < min_share)
			a = min_share;
		if (e == a)
			continue;
		if (!e || !a)
			return INFINITY;
		sg_ksum_add(&psi,
			    ((long double)a - e) * logl((long double)a / e));
	}
	return (double)sg_ksum_get(&psi);
}

int sg_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A sorted copy of v, or NULL when n == 0 or v holds NaN. */
static double *sorted_copy(const double *v, size_t n)
{
	double *s;
	size_t i;

	if (!n)
		return NULL;
	for (i = 0; i < n; i++)
		if (isnan(v[i]))
			return NULL;
	s = sg_xmalloc(n * sizeof(*s));
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), sg_cmp_double);
	return s;
}

int sg_quantile_rank(size_t n, double q, size_t *i, double *t)
{
	double virt = (double)(n - 1) * q, lo;

	*t = 0;
	if (q <= 0) {
		*i = 0;
		return 0;
	}
	if (virt >= (double)(n - 1)) {
		*i = n - 1;
		return 0;
	}
	lo = floor(virt);
	*i = (size_t)lo;
	*t = virt - lo;
	return 1;
}

double sg_quantile_lerp(double a, double b, double t)
{
	/* numpy's _lerp: the same two formulas, the same switch at 0.5 */
	if (t >= 0.5)
		return b - (b - a) * (1 - t);
	return a + (b - a) * t;
}

double sg_quantile_sorted(const double *s, size_t n, double q)
{
	size_t i;
	double t;

	if (!n || isnan(q))
		return NAN;
	if (!sg_quantile_rank(n, q, &i, &t))
		return s[i];
	return sg_quantile_lerp(s[i], s[i + 1], t);
}

double sg_psi_samples(const double *expected, size_t n_expected,
		      const double *actual, size_t n_actual, size_t bins,
		      double min_share)
{
	double *e = NULL, *a = NULL, *cuts = NULL;
	long *ce = NULL, *ca = NULL;
	double ret = NAN;
	size_t i;

	if (!bins)
		return NAN;
	e = sorted_copy(expected, n_expected);
	a = sorted_copy(actual, n_actual);
	if (!e || !a)
		goto out;
	cuts = sg_xmalloc(bins * sizeof(*cuts));
	ce = sg_xcalloc(bins, sizeof(*ce));
	ca = sg_xcalloc(bins, sizeof(*ca));
	sg_bin_cuts(e, n_expected, bins, cuts);
	for (i = 0; i < n_expected; i++)
		ce[sg_bin_of(cuts, bins, e[i])]++;
	for (i = 0; i < n_actual; i++)
		ca[sg_bin_of(cuts, bins, a[i])]++;
	ret = sg_psi(ce, ca, bins, min_share);
out:
	free(e);
	free(a);
	free(cuts);
	free(ce);
	free(ca);
	return ret;
}

/*
 * x < 1: 1 - sqrt(2 pi) / x * sum_{k >= 1} exp(-(2k - 1)^2 pi^2 / (8 x^2));
 * else 2 * sum_{k >= 1} (-1)^(k-1) exp(-2 k^2 x^2). Both series converge
 * to double precision within a few terms on their side of 1.
 */
double sg_kolmogorov_sf(double x)
{
	double s = 0.0, t;
	int k;

	if (isnan(x))
		return NAN;
	if (x <= 0.0)
		return 1.0;
	if (x < 1.0) {
		double w = SG_PI * SG_PI / (8.0 * x * x);

		for (k = 1; k < 40; k += 2) {
			t = exp(-(double)k * k * w);
			s += t;
			if (t <= s * 1e-18)
				break;
		}
		return 1.0 - SG_SQRT2PI / x * s;
	}
	for (k = 1; k < 40; k++) {
		t = exp(-2.0 * k * k * x * x);
		s += k % 2 ? t : -t;
		if (t <= fabs(s) * 1e-18)
			break;
	}
	return 2.0 * s;
}

void sg_ks_2samp(const double *x, size_t nx, const double *y, size_t ny,
		 struct sg_ks *out)
{
	double *a = sorted_copy(x, nx), *b = sorted_copy(y, ny);
	double d = 0.0, en;
	size_t i = 0, j = 0;

	out->d = out->pvalue = NAN;
	if (!a || !b)
		goto out;
	/* at each distinct value v: F_x(v) - F_y(v) with F = count(<= v) / n,
	 * divided as scipy does */
	while (i < nx || j < ny) {
		double v, diff;

		if (j >= ny || (i < nx && a[i] <= b[j]))
			v = a[i];
		else
			v = b[j];
		while (i < nx && a[i] <= v)
			i++;
		while (j < ny && b[j] <= v)
			j++;
		diff = fabs((double)i / (double)nx - (double)j / (double)ny);
		if (diff > d)
			d = diff;
	}
	en = (double)nx * (double)ny / ((double)nx + (double)ny);
	out->d = d;
	out->pvalue = sg_kolmogorov_sf(sqrt(en) * d);
out:
	free(a);
	free(b);
}
