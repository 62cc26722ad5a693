/*
 * report_scores.c - multisets of scores (struct scores): counted by
 * distinct value while there are few, spilled past SCORES_DISTINCT to a
 * temporary table of the store (scan.h), read back as one ascending
 * sequence of distinct values, and the exact quantiles of that sequence.
 */
#include "report_impl.h"

/* ---- multisets of scores ---- */

/*
 * A multiset of scores (never NaN). While it holds at most SCORES_DISTINCT
 * distinct values it keeps each once with its count, so its size does not
 * grow with the cases (a model's scores are often rounded, or come from the
 * few leaves of a tree ensemble). Past that it spills: its (value, count)
 * pairs, then every value added, go into a temporary table of the store's
 * connection (on disk: the store runs with temp_store = FILE), a batch of
 * SCORES_BATCH at a time, so that memory stays flat there too. Either way
 * it is read as one ascending sequence of distinct values with their
 * counts (sg_scores_open(), sg_scores_next()): counted, by sorting the values;
 * spilled, by a GROUP BY that SQLite sorts on disk. Quantiles and
 * thresholds are exact.
 *
 * The table holds a key per value, score_key(): an integer that orders as
 * the values do, with -0 just after 0 (the order of cmp_scoreval()), so
 * that both ways give the same sequence, bit for bit.
 */
#define SCORES_DISTINCT 262144
#define SCORES_BATCH SG_SCAN_SPILL_BATCH

/* The distinct values a multiset counts before it spills (tests lower it). */
static size_t scores_distinct = SCORES_DISTINCT;

void sg_report_testing_scores_distinct(size_t n)
{
	scores_distinct = n ? n : SCORES_DISTINCT;
}

static uint64_t double_bits(double x)
{
	uint64_t b;

	memcpy(&b, &x, sizeof(b));
	return b;
}

/*
 * An integer that orders as x does (negative values flipped below the
 * positive ones), except that 0 and -0 change places: 0 is -1, -0 is 0.
 */
static int64_t score_key(double x)
{
	uint64_t b = double_bits(x);

	if (b == 0)
		return -1;
	if (b == UINT64_C(1) << 63)
		return 0;
	if (b >> 63)
		return (int64_t)(~b ^ (UINT64_C(1) << 63));
	return (int64_t)b;
}

static double score_of_key(int64_t k)
{
	uint64_t b;
	double x;

	if (k == -1)
		b = 0;
	else if (k == 0)
		b = UINT64_C(1) << 63;
	else if (k < 0)
		b = ~((uint64_t)k ^ (UINT64_C(1) << 63));
	else
		b = (uint64_t)k;
	memcpy(&x, &b, sizeof(x));
	return x;
}

static size_t scores_slot(const struct scores *s, uint64_t b)
{
	uint64_t h = b * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h ^ (h >> 29)) & (s->nslot - 1);
}

static void scores_rehash(struct scores *s)
{
	size_t i, j;

	s->nslot = s->nslot ? 2 * s->nslot : 256;
	free(s->slot);
	s->slot = sg_xcalloc(s->nslot, sizeof(*s->slot));
	for (i = 0; i < s->ne; i++) {
		for (j = scores_slot(s, double_bits(s->e[i].v)); s->slot[j];
		     j = (j + 1) & (s->nslot - 1))
			;
		s->slot[j] = i + 1;
	}
}

/* Inserts the pending rows of a spilled s (the last batch may be short). */
static void scores_flush(struct scores *s)
{
	sg_scan_spill_write(s->spill, s->pend, s->npend);
	s->npend = 0;
}

static void scores_put(struct scores *s, double x, size_t n)
{
	s->pend[s->npend].k = score_key(x);
	s->pend[s->npend].n = n;
	if (++s->npend == SCORES_BATCH)
		scores_flush(s);
}

/*
 * From counted to spilled: a new temporary table of store, and the distinct
 * values so far into it. A failure is kept for sg_scores_open() to report;
 * values added after it are counted in total only.
 */
static void scores_spill(struct scores *s, struct sg_store *store)
{
	size_t i;

	s->spill = sg_scan_spill_open(store);
	s->pend = sg_xmalloc(SCORES_BATCH * sizeof(*s->pend));
	if (!sg_scan_spill_error(s->spill))
		for (i = 0; i < s->ne; i++)
			scores_put(s, s->e[i].v, s->e[i].n);
	free(s->e);
	free(s->slot);
	s->e = NULL;
	s->slot = NULL;
	s->ne = s->ecap = s->nslot = 0;
}

/* Adds x to s; store is where s spills past SCORES_DISTINCT values. */
void sg_scores_add(struct scores *s, struct sg_store *store, double x)
{
	uint64_t b = double_bits(x);
	size_t j = 0;

	s->total++;
	if (!s->spill && s->nslot) {
		for (j = scores_slot(s, b); s->slot[j];
		     j = (j + 1) & (s->nslot - 1)) {
			struct scoreval *e = &s->e[s->slot[j] - 1];

			if (double_bits(e->v) == b) {
				e->n++;
				return;
			}
		}
	}
	if (!s->spill && s->ne >= scores_distinct)
		scores_spill(s, store);
	if (s->spill) {
		if (!sg_scan_spill_error(s->spill))
			scores_put(s, x, 1);
		return;
	}
	GROW(s->e, s->ne, s->ecap);
	s->e[s->ne].v = x;
	s->e[s->ne].n = 1;
	s->ne++;
	if (2 * s->ne > s->nslot)
		scores_rehash(s);
	else
		s->slot[j] = s->ne;
}

/* Frees s and drops its table; s is empty after. */
void sg_scores_release(struct scores *s)
{
	free(s->e);
	free(s->slot);
	free(s->pend);
	sg_scan_spill_drop(s->spill);
	memset(s, 0, sizeof(*s));
}

/* By value; 0 and -0, the only equal values apart, by their bits. */
static int cmp_scoreval(const void *pa, const void *pb)
{
	const struct scoreval *a = pa, *b = pb;
	uint64_t x, y;

	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	x = double_bits(a->v);
	y = double_bits(b->v);
	return (x > y) - (x < y);
}

/*
 * Starts reading s. Nothing may be added to s after; it may be read again.
 * Returns 0, or SG_ESTORE with diag set when its table could not be
 * written or read (then sg_scores_close() is still to be called).
 */
int sg_scores_open(struct scores_it *it, struct scores *s,
		   struct sg_diag *diag)
{
	memset(it, 0, sizeof(*it));
	it->s = s;
	if (!s->spill) {
		if (!s->sorted) {
			free(s->slot);
			s->slot = NULL;
			s->nslot = 0;
			sg_sort(s->e, s->ne, sizeof(*s->e), cmp_scoreval);
			s->sorted = 1;
		}
		return 0;
	}
	scores_flush(s);
	return sg_scan_spill_rewind(s->spill, diag);
}

/*
 * The next distinct value of the reading into it->v, it->n, it->below.
 * Returns 1, 0 at the end, or SG_ESTORE with diag set.
 */
int sg_scores_next(struct scores_it *it, struct sg_diag *diag)
{
	struct scores *s = it->s;
	int64_t k;
	int rc;

	it->below += it->n;
	it->n = 0;
	if (!s->spill) {
		if (it->i == s->ne)
			return 0;
		it->v = s->e[it->i].v;
		it->n = s->e[it->i++].n;
		return 1;
	}
	rc = sg_scan_spill_next(s->spill, &k, &it->n, diag);
	if (rc > 0)
		it->v = score_of_key(k);
	return rc;
}

void sg_scores_close(struct scores_it *it)
{
	if (it->s && it->s->spill)
		sg_scan_spill_end(it->s->spill);
}

/* How a quantile is made of one or two values of the sequence. */
struct qpick {
	size_t rank[2];       /* their ranks, from 0 */
	double v[2], t;
	int two;              /* interpolate between v[0] and v[1] */
};

/*
 * The q[0 .. nq) quantiles of s (nq <= 16, q not NaN), numpy.quantile's
 * linear method: the ranks and the arithmetic of sg_quantile_sorted()
 * (sg_quantile_rank, sg_quantile_lerp) on the sequence s stands for, in
 * one reading of s. s must not be empty.
 * Returns 0 or SG_ESTORE with diag set.
 */
int sg_scores_quantiles(struct scores *s, const double *q, int nq,
			double *out, struct sg_diag *diag)
{
	struct qpick p[16];
	size_t rank[32];
	double *dst[32];
	struct scores_it it;
	size_t n = s->total;
	int i, j, m = 0, ret;

	if (nq > 16)
		return SG_EUSAGE;
	for (i = 0; i < nq; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].two = sg_quantile_rank(n, q[i], &p[i].rank[0], &p[i].t);
		p[i].rank[1] = p[i].rank[0] + p[i].two;
		/* the ranks to find, kept in order (insertion) */
		for (j = 0; j <= p[i].two; j++) {
			int at = m++;

			while (at > 0 && rank[at - 1] > p[i].rank[j]) {
				rank[at] = rank[at - 1];
				dst[at] = dst[at - 1];
				at--;
			}
			rank[at] = p[i].rank[j];
			dst[at] = &p[i].v[j];
		}
	}
	ret = sg_scores_open(&it, s, diag);
	for (j = 0; !ret && j < m;) {
		ret = sg_scores_next(&it, diag);
		if (ret <= 0)
			break;
		ret = 0;
		while (j < m && rank[j] < it.below + it.n)
			*dst[j++] = it.v;
	}
	sg_scores_close(&it);
	if (ret < 0)
		return ret;
	for (i = 0; i < nq; i++)
		out[i] = p[i].two ? sg_quantile_lerp(p[i].v[0], p[i].v[1],
						     p[i].t)
				  : p[i].v[0];
	return 0;
}
