/*
 * report.c - the agreement report: reads the window from the store in one
 * pass and computes the statistics into a cJSON tree (the JSON contract,
 * see man/report-fields.txt); also the stratified sample of disagreements.
 *
 * The pass (scan) reads the window's cases in (night, id) order, each with
 * its current decisions and the model's current prediction. When the
 * window's cases in id order are in that order too, as when logs are
 * ingested night after night, it merges ordered scans on the case id: the
 * cases by rowid; decisions and predictions by rowid when they were stored
 * case after case (checked as it goes), else through their indexes.
 * Otherwise it is one SELECT joining the three, ordered through the
 * cases_night index. Labels, segment strings and segment values are
 * interned into small hash tables when first seen, so the per-row work is
 * a hash and integer compares; nothing is allocated per row. Scores are
 * counted by distinct value while there are few of them (struct scores),
 * and past SCORES_DISTINCT distinct values go to a temporary table on
 * disk, so that memory stays flat however many cases the window holds;
 * kept per case are only the ratings of multi-rater cases (human
 * baseline) and, with a reference window, the features' present values.
 *
 * Monitoring: with a reference window (resolve_reference) the window's
 * present feature values are kept, by night, and a second pass
 * (scan_reference) reads the reference's; PSI bins are cut once on the
 * reference's deciles and reused for every night; a third pass
 * (reference_outputs, the same scan over the reference window) gives the
 * model's outputs on each reference night.
 *
 * Two more reads stand apart from the scan: software.nights / change
 * (software_history) summarise the runs table, and outputs.version_change
 * (build_version_change) joins the predictions of this version with those
 * of the previous one, grouped by night in SQL.
 */
#include "sg/report.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/monitor.h"
#include "sg/stats.h"
#include "sg/reference.h"
#include "sg/timeutil.h"
#include "store_impl.h"

#define GROW(p, n, cap)                                                    \
	do {                                                               \
		if ((n) >= (cap)) {                                        \
			(cap) = (cap) ? 2 * (cap) : 16;                    \
			(p) = sg_xrealloc((p), (cap) * sizeof(*(p)));      \
		}                                                          \
	} while (0)

/* ---- interning: bytes -> dense id ---- */

/* A slot of the open addressing: what a lookup compares, in one place. */
struct islot {
	uint64_t hash;
	const char *s;   /* the copy, t->s[id - 1] */
	size_t len;
	int id;          /* id + 1, 0 = empty */
};

struct intern {
	char **s;        /* NUL-terminated copies */
	size_t *len;
	uint64_t *hash;
	size_t n, cap;
	struct islot *slot;
	size_t nslot;    /* a power of two */
};

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static int intern_find_h(const struct intern *t, const char *s, size_t n,
			 uint64_t h)
{
	size_t i;

	if (!t->nslot)
		return -1;
	for (i = h & (t->nslot - 1);; i = (i + 1) & (t->nslot - 1)) {
		const struct islot *e = &t->slot[i];

		if (!e->id)
			return -1;
		if (e->hash == h && e->len == n && !memcmp(e->s, s, n))
			return e->id - 1;
	}
}

static void intern_slot(struct intern *t, size_t id)
{
	size_t j;

	for (j = t->hash[id] & (t->nslot - 1); t->slot[j].id;
	     j = (j + 1) & (t->nslot - 1))
		;
	t->slot[j].hash = t->hash[id];
	t->slot[j].s = t->s[id];
	t->slot[j].len = t->len[id];
	t->slot[j].id = (int)id + 1;
}

static void intern_rehash(struct intern *t)
{
	size_t i;

	t->nslot = t->nslot ? 2 * t->nslot : 64;
	free(t->slot);
	t->slot = sg_xcalloc(t->nslot, sizeof(*t->slot));
	for (i = 0; i < t->n; i++)
		intern_slot(t, i);
}

/*
 * A quicker hash than fnv1a(), eight bytes at a time, for the tables of
 * the pass (labels, segments strings), all of whose lookups go through
 * intern_add_h() with it.
 */
static uint64_t hash_words(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w = 0;
	size_t i;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	for (w = 0, i = 0; i < n; i++)
		w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

/* The id of s, whose hash is h, adding it when new. */
static int intern_add_h(struct intern *t, const char *s, size_t n, uint64_t h)
{
	int id = intern_find_h(t, s, n, h);

	if (id >= 0)
		return id;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->s = sg_xrealloc(t->s, t->cap * sizeof(*t->s));
		t->len = sg_xrealloc(t->len, t->cap * sizeof(*t->len));
		t->hash = sg_xrealloc(t->hash, t->cap * sizeof(*t->hash));
	}
	id = (int)t->n++;
	t->s[id] = sg_xstrndup(s, n);
	t->len[id] = n;
	t->hash[id] = h;
	if (2 * t->n > t->nslot)
		intern_rehash(t);
	else
		intern_slot(t, (size_t)id);
	return id;
}

/* The id of s, adding it when new. */
static int intern_add(struct intern *t, const char *s, size_t n)
{
	return intern_add_h(t, s, n, fnv1a(s, n));
}

static void intern_release(struct intern *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->len);
	free(t->hash);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* Byte order of two interned strings (strcmp, but NUL-safe). */
static int bytecmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c)
		return c;
	return (an > bn) - (an < bn);
}

/* qsort, which must not be given a NULL array even when n is 0. */
static void sort(void *base, size_t n, size_t size,
		 int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* ---- compensated sums ---- */

struct ksum {
	long double s, c;
};

static void ksum_add(struct ksum *k, long double x)
{
	long double t = k->s + x;

	if (fabsl(k->s) >= fabsl(x))
		k->c += (k->s - t) + x;
	else
		k->c += (x - t) + k->s;
	k->s = t;
}

static long double ksum_get(const struct ksum *k)
{
	return k->s + k->c;
}

/* ---- the page cache of the passes ---- */

/* The page cache of the passes over the cases, in KiB. */
#define SCAN_CACHE_KIB 2048

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
 * counts (scores_open(), scores_next()): counted, by sorting the values;
 * spilled, by a GROUP BY that SQLite sorts on disk. Quantiles and
 * thresholds are exact.
 *
 * The table holds a key per value, score_key(): an integer that orders as
 * the values do, with -0 just after 0 (the order of cmp_scoreval()), so
 * that both ways give the same sequence, bit for bit.
 */
#define SCORES_DISTINCT 262144
#define SCORES_BATCH 128

/* The distinct values a multiset counts before it spills (tests lower it). */
static size_t scores_distinct = SCORES_DISTINCT;

void sg_report_testing_scores_distinct(size_t n)
{
	scores_distinct = n ? n : SCORES_DISTINCT;
}

struct scoreval {
	double v;
	size_t n;             /* how many */
};

/* A row of a spilled multiset: score_key() of a value, and its count. */
struct scorerow {
	int64_t k;
	size_t n;
};

struct scores {
	size_t total;         /* values added */
	struct scoreval *e;   /* counted: the distinct values */
	size_t ne, ecap;
	size_t *slot;         /* open addressing over e: index + 1, 0 = empty */
	size_t nslot;         /* a power of two */
	int sorted;           /* e is sorted; nothing may be added */
	/* spilled */
	struct sg_store *store; /* where its table is; NULL: counted */
	unsigned long table;  /* temp.sg_scores_<table> */
	sqlite3_stmt *ins;    /* inserts SCORES_BATCH (key, count) rows */
	struct scorerow *pend; /* SCORES_BATCH rows, the first npend to insert */
	size_t npend;
	char *err;            /* why the table could not be written */
};

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

/* Keeps the first error of a spilled s: the connection's message. */
static void scores_fail(struct scores *s, const char *what)
{
	struct sg_buf b = SG_BUF_INIT;

	if (s->err)
		return;
	sg_buf_addf(&b, "%s: %s", what, sqlite3_errmsg(s->store->db));
	s->err = sg_buf_detach(&b);
}

/* Inserts the pending rows of a spilled s (the last batch may be short). */
static void scores_flush(struct scores *s)
{
	sqlite3_stmt *st = s->ins;
	struct sg_buf sql = SG_BUF_INIT;
	size_t i;

	if (!s->npend || s->err) {
		s->npend = 0;
		return;
	}
	if (s->npend < SCORES_BATCH) {
		sg_buf_addf(&sql, "INSERT INTO temp.sg_scores_%lu(k, n) VALUES",
			    s->table);
		for (i = 0; i < s->npend; i++)
			sg_buf_addf(&sql, "%s(?, ?)", i ? "," : " ");
		if (sqlite3_prepare_v2(s->store->db, sql.buf, -1, &st, NULL) !=
		    SQLITE_OK) {
			scores_fail(s, "cannot keep the scores");
			st = NULL;
			goto out;
		}
	}
	for (i = 0; i < s->npend; i++) {
		sqlite3_bind_int64(st, (int)(2 * i + 1), s->pend[i].k);
		sqlite3_bind_int64(st, (int)(2 * i + 2),
				   (sqlite3_int64)s->pend[i].n);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		scores_fail(s, "cannot keep the scores");
	sqlite3_reset(st);
out:
	if (st != s->ins)
		sqlite3_finalize(st);
	sg_buf_release(&sql);
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
 * values so far into it. A failure is kept for scores_open() to report;
 * values added after it are counted in total only.
 */
static void scores_spill(struct scores *s, struct sg_store *store)
{
	static atomic_ulong tables; /* names apart on one connection */
	struct sg_buf sql = SG_BUF_INIT;
	size_t i;

	s->store = store;
	s->table = atomic_fetch_add(&tables, 1) + 1;
	s->pend = sg_xmalloc(SCORES_BATCH * sizeof(*s->pend));
	sg_buf_addf(&sql,
		    "CREATE TEMP TABLE sg_scores_%lu"
		    "(k INTEGER NOT NULL, n INTEGER NOT NULL)",
		    s->table);
	if (sqlite3_exec(store->db, sql.buf, NULL, NULL, NULL) != SQLITE_OK) {
		scores_fail(s, "cannot keep the scores");
		goto out;
	}
	sg_buf_reset(&sql);
	sg_buf_addf(&sql, "INSERT INTO temp.sg_scores_%lu(k, n) VALUES",
		    s->table);
	for (i = 0; i < SCORES_BATCH; i++)
		sg_buf_addf(&sql, "%s(?, ?)", i ? "," : " ");
	if (sqlite3_prepare_v2(store->db, sql.buf, -1, &s->ins, NULL) != SQLITE_OK) {
		scores_fail(s, "cannot keep the scores");
		goto out;
	}
	for (i = 0; i < s->ne; i++)
		scores_put(s, s->e[i].v, s->e[i].n);
out:
	free(s->e);
	free(s->slot);
	s->e = NULL;
	s->slot = NULL;
	s->ne = s->ecap = s->nslot = 0;
	sg_buf_release(&sql);
}

/* Adds x to s; store is where s spills past SCORES_DISTINCT values. */
static void scores_add(struct scores *s, struct sg_store *store, double x)
{
	uint64_t b = double_bits(x);
	size_t j = 0;

	s->total++;
	if (!s->store && s->nslot) {
		for (j = scores_slot(s, b); s->slot[j];
		     j = (j + 1) & (s->nslot - 1)) {
			struct scoreval *e = &s->e[s->slot[j] - 1];

			if (double_bits(e->v) == b) {
				e->n++;
				return;
			}
		}
	}
	if (!s->store && s->ne >= scores_distinct)
		scores_spill(s, store);
	if (s->store) {
		if (!s->err)
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
static void scores_release(struct scores *s)
{
	free(s->e);
	free(s->slot);
	free(s->pend);
	sqlite3_finalize(s->ins);
	if (s->store) {
		char sql[64];

		snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS temp.sg_scores_%lu",
			 s->table);
		sqlite3_exec(s->store->db, sql, NULL, NULL, NULL);
	}
	free(s->err);
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

/* A reading of a multiset: its distinct values, ascending. */
struct scores_it {
	struct scores *s;
	sqlite3_stmt *st;     /* spilled: the GROUP BY ... */
	int rc;               /* ... and its step to read next */
	size_t i;             /* counted: the next entry */
	double v;             /* after scores_next: a distinct value, ... */
	size_t n;             /* ... how many times it is there ... */
	size_t below;         /* ... and how many values are below it */
};

/*
 * Starts reading s. Nothing may be added to s after; it may be read again.
 * Returns 0, or SG_ESTORE with diag set when its table could not be
 * written or read (then scores_close() is still to be called).
 */
static int scores_open(struct scores_it *it, struct scores *s,
		       struct sg_diag *diag)
{
	char sql[96];
	long long cache;

	memset(it, 0, sizeof(*it));
	it->s = s;
	if (!s->store) {
		if (!s->sorted) {
			free(s->slot);
			s->slot = NULL;
			s->nslot = 0;
			sort(s->e, s->ne, sizeof(*s->e), cmp_scoreval);
			s->sorted = 1;
		}
		return 0;
	}
	scores_flush(s);
	if (!s->err) {
		snprintf(sql, sizeof(sql),
			 "SELECT k, sum(n) FROM temp.sg_scores_%lu"
			 " GROUP BY k ORDER BY k",
			 s->table);
		if (sqlite3_prepare_v2(s->store->db, sql, -1, &it->st, NULL) !=
		    SQLITE_OK)
			scores_fail(s, "cannot read the scores");
	}
	if (s->err) {
		sg_diag_set(diag, NULL, 0, 0, "%s", s->err);
		return SG_ESTORE;
	}
	/* the sorter takes its memory bound from the cache size when it
	 * starts, at the first step */
	cache = sg_store_cache_shrink(s->store, SCAN_CACHE_KIB);
	it->rc = sqlite3_step(it->st);
	sg_store_cache_restore(s->store, cache);
	return 0;
}

/*
 * The next distinct value of the reading into it->v, it->n, it->below.
 * Returns 1, 0 at the end, or SG_ESTORE with diag set.
 */
static int scores_next(struct scores_it *it, struct sg_diag *diag)
{
	struct scores *s = it->s;
	int rc;

	it->below += it->n;
	it->n = 0;
	if (!s->store) {
		if (it->i == s->ne)
			return 0;
		it->v = s->e[it->i].v;
		it->n = s->e[it->i++].n;
		return 1;
	}
	rc = it->rc;
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW) {
		sg_diag_set(diag, NULL, 0, 0, "cannot read the scores: %s",
			    sqlite3_errmsg(s->store->db));
		return SG_ESTORE;
	}
	it->v = score_of_key(sqlite3_column_int64(it->st, 0));
	it->n = (size_t)sqlite3_column_int64(it->st, 1);
	it->rc = sqlite3_step(it->st);
	return 1;
}

static void scores_close(struct scores_it *it)
{
	sqlite3_finalize(it->st);
	it->st = NULL;
}

/* How a quantile is made of one or two values of the sequence. */
struct qpick {
	size_t rank[2];       /* their ranks, from 0 */
	double v[2], t;
	int two;              /* interpolate between v[0] and v[1] */
};

/*
 * The q[0 .. nq) quantiles of s (nq <= 16, q not NaN), numpy.quantile's
 * linear method: the same arithmetic as sg_quantile_sorted() on the
 * sequence s stands for, in one reading of s. s must not be empty.
 * Returns 0 or SG_ESTORE with diag set.
 */
static int scores_quantiles(struct scores *s, const double *q, int nq,
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
		double virt = (double)(n - 1) * q[i], lo;

		memset(&p[i], 0, sizeof(p[i]));
		if (q[i] <= 0) {
			p[i].rank[0] = 0;
		} else if (virt >= (double)(n - 1)) {
			p[i].rank[0] = n - 1;
		} else {
			lo = floor(virt);
			p[i].rank[0] = (size_t)lo;
			p[i].rank[1] = (size_t)lo + 1;
			p[i].t = virt - lo;
			p[i].two = 1;
		}
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
	ret = scores_open(&it, s, diag);
	for (j = 0; !ret && j < m;) {
		ret = scores_next(&it, diag);
		if (ret <= 0)
			break;
		ret = 0;
		while (j < m && rank[j] < it.below + it.n)
			*dst[j++] = it.v;
	}
	scores_close(&it);
	if (ret < 0)
		return ret;
	for (i = 0; i < nq; i++) {
		double a = p[i].v[0], b = p[i].v[1], t = p[i].t;

		if (!p[i].two)
			out[i] = a;
		else if (t >= 0.5)
			out[i] = b - (b - a) * (1 - t);
		else
			out[i] = a + (b - a) * t;
	}
	return 0;
}

/* ---- the state of one pass ---- */

struct acc {
	long n, agree;
};

struct segcol {
	struct intern values;
	struct acc *acc;      /* by value id */
	size_t nacc;
};

/*
 * A distinct segments string, parsed once: (column, value) pairs; and the
 * compared cases that carry it, added to the pairs' accumulators once the
 * pass is over (fold_segments()), not case by case.
 */
struct seginfo {
	int n;
	int *col, *val;
	struct acc a;
};

struct night_acc {
	char night[11];
	struct acc a;
	long cases;           /* in the window that night */
	long preds, errors, empty, scored; /* the model's outputs */
	long *hl, *ml;        /* compared cases by human / model label id */
	size_t nl;
	struct scores sc;     /* its scores (kept with a reference window) */
};

/* Running statistics of one feature over some cases. */
struct fstat {
	long cases, missing, cnt;
	long double mean, m2;
	double min, max;
};

/* A feature on one night of the window. */
struct fnight {
	int night;            /* index into r->nights */
	struct fstat s;
	size_t start;         /* its present values: v[start .. + s.cnt) */
};

struct feat {
	struct fstat w, ref;  /* over the window, over the reference */
	/* present values, kept only with a reference window (KS, PSI) */
	double *v, *rv;
	size_t nv, vcap, nrv, rvcap;
	struct fnight *fn;    /* by night, in night order (with a reference) */
	size_t nfn, fncap;
	struct fnight *rfn;   /* the same for the reference's nights (start:
				 into rv) */
	size_t nrfn, rfncap;
};

/* One night of the reference window, and what the model did on it. */
struct refnight {
	char night[11];
	long cases;
	long preds, errors, compared;
	double label_shift;   /* NaN: none */
};

struct fset {
	long long id;
	size_t n;
	int *name;            /* feature name ids */
};

struct example {
	long long rowid;
	char night[11];
	int h, m;
	double hv, mv, score, key;
};

struct decision {
	long long id;
	int label;            /* -1: none */
	double value;         /* NaN: none */
	/* decided_at as sg_reference_time reads it (-INFINITY: none); read
	 * only for multi-rater cases */
	double epoch;
};

/* A disagreement that may be sampled. */
struct cand {
	long long rowid;
	double score, hv, mv;
	int h, m;
	int stratum;
};

struct rep {
	struct sg_store *s;
	const struct sg_report_opts *o;
	int numeric;

	long long model_id;   /* 0: no model */
	char *model_name, *model_version, *backend, *sha256, *created_at;

	/* the window */
	int whole;            /* no bound: cases without a night count too */
	int empty;            /* --last up to an --until before every night */
	int undated_all;      /* --last on a store with no dated case: whole */
	long undated_out;     /* cases without a night left out of the window */
	char since[11], until[11];
	int has_since, has_until;

	struct intern labels;
	long *cm;
	size_t cm_cap;

	struct intern segstr;
	struct seginfo *seginfo;
	size_t seginfo_cap;
	struct intern segcols;
	struct segcol *cols;
	size_t cols_cap;
	int fixed_cols;

	struct night_acc *nights;
	size_t nnights, nights_cap;

	struct scores sc_agree, sc_dis; /* scores of compared cases */

	struct intern featnames;
	struct feat *feats;
	size_t feats_cap;
	struct fset *fsets;
	size_t nfsets, fsets_cap;
	sqlite3_stmt *fset_st;

	/* human baseline */
	int *ratings;
	size_t nratings, ratings_cap;
	int *item_m;          /* ratings per item */
	size_t items, items_cap;
	size_t max_m;
	long pairs, pairs_agree, model_items, model_ratings, model_agree;

	/* regression, outputs */
	struct ksum r_abs, r_sq, r_diff, h_sum, m_sum;

	/* counts */
	long in_window, with_decision, with_prediction, with_error, compared;
	long agree;
	long ex_no_decision, ex_no_prediction, ex_error, ex_no_human,
		ex_no_model;

	struct example ex[SG_REPORT_EXAMPLES];
	size_t nex;

	/* the case being read */
	struct decision *dec;
	size_t ndec, dec_cap;
	int night_idx, seg_id, have_pred, pred_error, mlabel;
	double mvalue, score;
	long long rowid;

	/* sample mode (set before scan(), like the reference window's
	 * settings: rep_restart() keeps both) */
	int sampling;
	struct cand *cands;
	size_t ncands, cands_cap;
	struct intern strata;

	/* the reference window of drift */
	int ref_on;           /* one is configured (it may hold no case) */
	const char *ref_how;  /* "first_nights" or "since_until" */
	char ref_since[11], ref_until[11];
	int ref_has_since, ref_has_until;
	long ref_cases, ref_nights;
	struct refnight *refn; /* its nights, in order */
	size_t refn_cap;
	int ref_idx;          /* the reference night being read */
	long ref_in_window;   /* its cases whose night is in the window */
	struct intern ref_segstr; /* its distinct segments strings ... */
	long *ref_segstr_n;   /* ... and their cases */
	size_t ref_segstr_cap;
	long *segstr_n;       /* window cases by segstr id */
	size_t segstr_n_cap;

	/* outputs */
	long with_empty;      /* predictions with neither label nor number */
	struct scores scores; /* of the window's predictions */
};

static void rep_release(struct rep *r)
{
	size_t i;

	free(r->model_name);
	free(r->model_version);
	free(r->backend);
	free(r->sha256);
	free(r->created_at);
	intern_release(&r->labels);
	free(r->cm);
	for (i = 0; i < r->segstr.n; i++) {
		free(r->seginfo[i].col);
		free(r->seginfo[i].val);
	}
	free(r->seginfo);
	intern_release(&r->segstr);
	for (i = 0; i < r->segcols.n; i++) {
		intern_release(&r->cols[i].values);
		free(r->cols[i].acc);
	}
	free(r->cols);
	intern_release(&r->segcols);
	for (i = 0; i < r->nnights; i++) {
		free(r->nights[i].hl);
		free(r->nights[i].ml);
		scores_release(&r->nights[i].sc);
	}
	free(r->nights);
	scores_release(&r->sc_agree);
	scores_release(&r->sc_dis);
	for (i = 0; i < r->featnames.n; i++) {
		free(r->feats[i].v);
		free(r->feats[i].rv);
		free(r->feats[i].fn);
		free(r->feats[i].rfn);
	}
	intern_release(&r->featnames);
	free(r->feats);
	for (i = 0; i < r->nfsets; i++)
		free(r->fsets[i].name);
	free(r->fsets);
	sqlite3_finalize(r->fset_st);
	free(r->ratings);
	free(r->item_m);
	free(r->dec);
	free(r->cands);
	intern_release(&r->strata);
	intern_release(&r->ref_segstr);
	free(r->ref_segstr_n);
	free(r->refn);
	free(r->segstr_n);
	scores_release(&r->scores);
}

static char *col_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? sg_xstrdup((const char *)t) : NULL;
}

static double col_double(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		       ? NAN
		       : sqlite3_column_double(st, i);
}

/* col_double() with one call instead of two when the value is not 0. */
static double col_double_nz(sqlite3_stmt *st, int i)
{
	double x = sqlite3_column_double(st, i);

	if (x == 0 && sqlite3_column_type(st, i) == SQLITE_NULL)
		return NAN;
	return x;
}

/* ---- options ---- */

void sg_report_opts_init(struct sg_report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->confidence = 0.95;
	o->tolerance = 0.5;
	o->target_agreement = 0.95;
	o->decision_type = SG_DECISION_AUTO;
}

void sg_report_opts_from_config(struct sg_report_opts *o,
				const struct sg_config *cfg)
{
	const struct sg_report_conf *rc = &cfg->report;

	if (rc->confidence > 0 && rc->confidence < 1)
		o->confidence = rc->confidence;
	if (rc->tolerance >= 0)
		o->tolerance = rc->tolerance;
	if (rc->target_agreement >= 0 && rc->target_agreement <= 1)
		o->target_agreement = rc->target_agreement;
	o->last = rc->window_nights > 0 ? rc->window_nights : 0;
	o->label_order = &rc->label_order;
	o->segments = &cfg->log.segments;
	o->decision_type = cfg->log.explicit_mask & SG_LOGKEY_DECISION_TYPE
				   ? cfg->log.decision_type
				   : SG_DECISION_AUTO;
	o->reference_since = rc->reference_since;
	o->reference_until = rc->reference_until;
	o->reference_nights = rc->reference_nights > 0 ? rc->reference_nights
						       : 0;
}

int sg_report_check_night(const char *flag, const char *s,
			  struct sg_diag *diag)
{
	double epoch;
	char night[11];
	const char *why = "expected YYYY-MM-DD";

	if (strlen(s) != 10 || sg_time_parse(s, 10, &epoch, night, &why)) {
		sg_diag_set(diag, NULL, 0, 0, "%s: not a night YYYY-MM-DD: '%s'"
			    " (%s)", flag, s, why);
		return SG_EUSAGE;
	}
	return 0;
}

/* ---- model and window ---- */

static int read_model(struct rep *r, sqlite3_stmt *st)
{
	r->model_id = sqlite3_column_int64(st, 0);
	r->model_name = col_strdup(st, 1);
	r->model_version = col_strdup(st, 2);
	r->backend = col_strdup(st, 3);
	r->sha256 = col_strdup(st, 4);
	r->created_at = col_strdup(st, 5);
	return 0;
}

static void known_models(struct rep *r, struct sg_buf *b)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	if (sqlite3_prepare_v2(r->s->db,
			       "SELECT name || '@' || version FROM models"
			       " ORDER BY created_at DESC, id DESC LIMIT 6",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == 5) {
			sg_buf_addstr(b, ", ...");
			break;
		}
		sg_buf_addf(b, "%s%s", n ? ", " : "",
			    (const char *)sqlite3_column_text(st, 0));
		n++;
	}
	if (!n)
		sg_buf_addstr(b, "none");
	sqlite3_finalize(st);
}

#define MODEL_COLS "SELECT id, name, version, backend, sha256, created_at"   \
		   " FROM models"
#define HAS_PREDS                                                          \
	"EXISTS (SELECT 1 FROM predictions p WHERE p.model = models.id"    \
	" AND p.is_current = 1)"

static int find_model(struct rep *r, struct sg_diag *diag)
{
	const char *spec = r->o->model;
	sqlite3_stmt *st = NULL;
	const char *at = spec ? strrchr(spec, '@') : NULL;
	int ret, rc;

	if (!spec)
		ret = sg_store_prepare(r->s, &st,
				       MODEL_COLS " WHERE " HAS_PREDS
						  " ORDER BY created_at DESC,"
						  " id DESC LIMIT 1",
				       diag);
	else if (at)
		ret = sg_store_prepare(r->s, &st,
				       MODEL_COLS
				       " WHERE name = ?1 AND version = ?2",
				       diag);
	else
		ret = sg_store_prepare(r->s, &st,
				       MODEL_COLS " WHERE name = ?1 ORDER BY "
				       HAS_PREDS " DESC, created_at DESC,"
				       " id DESC LIMIT 1",
				       diag);
	if (ret)
		return ret;
	if (spec && at) {
		sqlite3_bind_text(st, 1, spec, (int)(at - spec), SQLITE_STATIC);
		sqlite3_bind_text(st, 2, at + 1, -1, SQLITE_STATIC);
	} else if (spec) {
		sqlite3_bind_text(st, 1, spec, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_model(r, st);
		ret = 0;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
		if (spec) {
			struct sg_buf b = SG_BUF_INIT;

			known_models(r, &b);
			sg_diag_set(diag, NULL, 0, 0,
				    "--model: unknown model '%s' (the store "
				    "has: %s)", spec, b.buf);
			sg_buf_release(&b);
			ret = SG_EUSAGE;
		}
	} else {
		ret = sg_store_error(r->s, diag, "cannot read the models");
	}
	sqlite3_finalize(st);
	return ret;
}

/* r->undated_out: the cases without a night, which a window of nights
 * leaves out. */
static int count_undated(struct rep *r, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret = sg_store_prepare(
		r->s, &st, "SELECT count(*) FROM cases WHERE night IS NULL",
		diag);

	if (ret)
		return ret;
	if (sqlite3_step(st) == SQLITE_ROW)
		r->undated_out = (long)sqlite3_column_int64(st, 0);
	else
		ret = sg_store_error(r->s, diag, "cannot count the cases");
	sqlite3_finalize(st);
	return ret;
}

static int resolve_window(struct rep *r, struct sg_diag *diag)
{
	const struct sg_report_opts *o = r->o;
	sqlite3_stmt *st = NULL;
	int ret;

	if (o->since && (ret = sg_report_check_night("--since", o->since,
						     diag)))
		return ret;
	if (o->until && (ret = sg_report_check_night("--until", o->until,
						     diag)))
		return ret;
	if (o->since && o->last > 0) {
		sg_diag_set(diag, NULL, 0, 0,
			    "--since and --last cannot be used together");
		return SG_EUSAGE;
	}
	if (o->since && o->until && strcmp(o->since, o->until) > 0) {
		sg_diag_set(diag, NULL, 0, 0, "--since %s is after --until %s",
			    o->since, o->until);
		return SG_EUSAGE;
	}
	if (o->since) {
		memcpy(r->since, o->since, 11);
		r->has_since = 1;
	}
	if (o->until) {
		memcpy(r->until, o->until, 11);
		r->has_until = 1;
	}
	if (o->last <= 0) {
		r->whole = !o->since && !o->until;
		return r->whole ? 0 : count_undated(r, diag);
	}
	ret = sg_store_prepare(r->s, &st,
			       "SELECT min(night), max(night) FROM"
			       " (SELECT DISTINCT night FROM cases"
			       "  WHERE night IS NOT NULL AND night <= ?1"
			       "  ORDER BY night DESC LIMIT ?2)",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, o->until ? o->until : "9999-12-31", -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, o->last);
	if (sqlite3_step(st) != SQLITE_ROW) {
		ret = sg_store_error(r->s, diag, "cannot read the nights");
	} else if (sqlite3_column_type(st, 0) == SQLITE_NULL && !o->until) {
		/* no case has a night (a log without times): the last N
		 * nights are all cases, not none */
		r->whole = 1;
		r->undated_all = 1;
	} else if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		r->empty = 1;
	} else {
		snprintf(r->since, sizeof(r->since), "%.10s",
			 (const char *)sqlite3_column_text(st, 0));
		r->has_since = 1;
		if (!o->until) {
			snprintf(r->until, sizeof(r->until), "%.10s",
				 (const char *)sqlite3_column_text(st, 1));
			r->has_until = 1;
		}
	}
	sqlite3_finalize(st);
	if (ret || r->whole)
		return ret;
	return count_undated(r, diag);
}

int sg_decision_type_of_store(struct sg_store *s, int *type,
			      struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, first = SG_DECISION_AUTO, other = 0;

	*type = SG_DECISION_AUTO;
	ret = sg_store_prepare(s, &st,
			       "SELECT label IS NULL FROM decisions"
			       " WHERE is_current = 1 AND (label IS NOT NULL OR"
			       " value IS NOT NULL) LIMIT 1",
			       diag);
	if (ret)
		return ret;
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		first = sqlite3_column_int(st, 0) ? SG_DECISION_NUMERIC
						  : SG_DECISION_LABEL;
		break;
	case SQLITE_DONE:
		break;
	default:
		ret = sg_store_error(s, diag, "cannot read the decisions");
	}
	sqlite3_finalize(st);
	if (ret || first == SG_DECISION_AUTO)
		return ret;
	/* the other kind anywhere: a store of both cannot be compared */
	ret = sg_store_prepare(s, &st,
			       first == SG_DECISION_LABEL
				       ? "SELECT EXISTS (SELECT 1 FROM decisions"
					 " WHERE is_current = 1 AND label IS NULL"
					 " AND value IS NOT NULL)"
				       : "SELECT EXISTS (SELECT 1 FROM decisions"
					 " WHERE is_current = 1 AND label IS NOT"
					 " NULL)",
			       diag);
	if (ret)
		return ret;
	if (sqlite3_step(st) == SQLITE_ROW)
		other = sqlite3_column_int(st, 0);
	else
		ret = sg_store_error(s, diag, "cannot read the decisions");
	sqlite3_finalize(st);
	if (ret)
		return ret;
	if (other) {
		sg_diag_set(diag, NULL, 0, 0,
			    "the store holds both label and numeric decisions: "
			    "they cannot be compared with one model");
		return SG_EDATA;
	}
	*type = first;
	return 0;
}

int sg_decision_type_resolve(struct sg_store *s, int asked, int *type,
			     struct sg_diag *diag)
{
	static const char *const name[] = {"label", "numeric"};
	int ret = sg_decision_type_of_store(s, type, diag);

	if (ret)
		return ret;
	if (*type == SG_DECISION_AUTO) {
		*type = asked == SG_DECISION_NUMERIC ? SG_DECISION_NUMERIC
						     : SG_DECISION_LABEL;
		return 0;
	}
	if (asked != SG_DECISION_AUTO && asked != *type) {
		sg_diag_set(diag, NULL, 0, 0,
			    "decision type %s (log.decision_type or "
			    "--decision-type) contradicts the store, whose "
			    "decisions are %s",
			    name[asked == SG_DECISION_NUMERIC],
			    *type == SG_DECISION_NUMERIC ? "numbers" : "labels");
		return SG_EUSAGE;
	}
	return 0;
}

static int detect_type(struct rep *r, struct sg_diag *diag)
{
	int type, ret = sg_decision_type_resolve(r->s, r->o->decision_type,
						 &type, diag);

	r->numeric = !ret && type == SG_DECISION_NUMERIC;
	return ret;
}

/* ---- per-row helpers ---- */

/* The interned label of a text column, -1 for NULL; grows the confusion
 * matrix (keeping its counts) when a label is new. */
static int label_id(struct rep *r, sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	size_t old = r->labels.n, n, cap, a, b;
	long *cm;
	int id;

	if (!t)
		return -1;
	n = (size_t)sqlite3_column_bytes(st, i);
	id = intern_add_h(&r->labels, t, n, hash_words(t, n));
	if (r->labels.n <= r->cm_cap)
		return id;
	cap = r->cm_cap ? 2 * r->cm_cap : 8;
	cm = sg_xcalloc(cap * cap, sizeof(*cm));
	for (a = 0; a < old; a++)
		for (b = 0; b < old; b++)
			cm[a * cap + b] = r->cm[a * r->cm_cap + b];
	free(r->cm);
	r->cm = cm;
	r->cm_cap = cap;
	return id;
}

static int segcol_id(struct rep *r, const char *name, size_t n)
{
	size_t before = r->segcols.n;
	int id = intern_add(&r->segcols, name, n);

	if (r->segcols.n > before) {
		GROW(r->cols, (size_t)id, r->cols_cap);
		memset(&r->cols[id], 0, sizeof(r->cols[id]));
	}
	return id;
}

static int segval_id(struct rep *r, int col, const char *v, size_t n)
{
	struct segcol *c = &r->cols[col];
	int id = intern_add(&c->values, v, n);

	while (c->nacc < c->values.n) {
		size_t cap = c->nacc;

		c->acc = sg_xrealloc(c->acc, c->values.n * sizeof(*c->acc));
		memset(c->acc + cap, 0,
		       (c->values.n - cap) * sizeof(*c->acc));
		c->nacc = c->values.n;
	}
	return id;
}

/*
 * The text of a segment value as the report shows it: a string as is, a
 * number as %.17g (into num), a boolean as true / false, null (the missing
 * value) as "". *n gets its length.
 */
static const char *seg_text(const cJSON *v, char num[64], size_t *n)
{
	const char *s = "";

	*n = 0;
	if (cJSON_IsString(v)) {
		s = v->valuestring;
		*n = strlen(s);
	} else if (cJSON_IsNumber(v)) {
		*n = (size_t)snprintf(num, 64, "%.17g", v->valuedouble);
		s = num;
	} else if (cJSON_IsBool(v)) {
		s = cJSON_IsTrue(v) ? "true" : "false";
		*n = strlen(s);
	}
	return s;
}

/* Adds the (column, value) of one key of a parsed segments object. */
static void seg_pair(struct rep *r, struct seginfo *si, int col,
		     const cJSON *v)
{
	char num[64];
	size_t n;
	const char *s = seg_text(v, num, &n);

	si->col = sg_xrealloc(si->col, (size_t)(si->n + 1) * sizeof(int));
	si->val = sg_xrealloc(si->val, (size_t)(si->n + 1) * sizeof(int));
	si->col[si->n] = col;
	si->val[si->n] = segval_id(r, col, s, n);
	si->n++;
}

/* The id of a segments string, parsing it the first time it is seen. */
static int segments_id(struct rep *r, const char *t, size_t n)
{
	size_t before = r->segstr.n, i;
	int id = intern_add_h(&r->segstr, t, n, hash_words(t, n));
	struct seginfo *si;
	cJSON *j, *it;

	if (r->segstr.n == before)
		return id;
	GROW(r->seginfo, (size_t)id, r->seginfo_cap);
	si = &r->seginfo[id];
	memset(si, 0, sizeof(*si));
	j = cJSON_ParseWithLength(t, n);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return id;
	}
	if (r->fixed_cols) {
		for (i = 0; i < r->segcols.n; i++) {
			it = cJSON_GetObjectItemCaseSensitive(j, r->segcols.s[i]);
			if (it)
				seg_pair(r, si, (int)i, it);
		}
	} else {
		cJSON_ArrayForEach(it, j)
		{
			if (!it->string)
				continue;
			seg_pair(r, si,
				 segcol_id(r, it->string, strlen(it->string)),
				 it);
		}
	}
	cJSON_Delete(j);
	return id;
}

static struct fset *feature_set(struct rep *r, long long id)
{
	struct fset *f;
	cJSON *j = NULL, *it;
	size_t i;

	for (i = 0; i < r->nfsets; i++)
		if (r->fsets[i].id == id)
			return &r->fsets[i];
	if (!r->fset_st &&
	    sqlite3_prepare_v2(r->s->db,
			       "SELECT names FROM feature_sets WHERE id = ?1",
			       -1, &r->fset_st, NULL) != SQLITE_OK)
		return NULL;
	GROW(r->fsets, r->nfsets, r->fsets_cap);
	f = &r->fsets[r->nfsets++];
	memset(f, 0, sizeof(*f));
	f->id = id;
	sqlite3_bind_int64(r->fset_st, 1, id);
	if (sqlite3_step(r->fset_st) == SQLITE_ROW)
		j = cJSON_Parse((const char *)sqlite3_column_text(r->fset_st,
								  0));
	sqlite3_reset(r->fset_st);
	if (!cJSON_IsArray(j)) {
		cJSON_Delete(j);
		return f;
	}
	f->name = sg_xcalloc((size_t)cJSON_GetArraySize(j) + 1, sizeof(int));
	cJSON_ArrayForEach(it, j)
	{
		size_t before = r->featnames.n;
		int nid;

		if (!cJSON_IsString(it))
			continue;
		nid = intern_add(&r->featnames, it->valuestring,
				 strlen(it->valuestring));
		if (r->featnames.n > before) {
			GROW(r->feats, (size_t)nid, r->feats_cap);
			memset(&r->feats[nid], 0, sizeof(r->feats[nid]));
		}
		f->name[f->n++] = nid;
	}
	cJSON_Delete(j);
	return f;
}

static void fstat_add(struct fstat *s, double x)
{
	long double d;

	s->cases++;
	if (isnan(x)) {
		s->missing++;
		return;
	}
	if (!s->cnt || x < s->min)
		s->min = x;
	if (!s->cnt || x > s->max)
		s->max = x;
	s->cnt++;
	d = x - s->mean;
	s->mean += d / s->cnt;
	s->m2 += d * (x - s->mean);
}

/*
 * The entry of `night` at the end of a feature's by-night list, added
 * (its values starting at `start`) when the list ends with another night.
 */
static struct fnight *night_entry(struct fnight **fn, size_t *n, size_t *cap,
				  int night, size_t start)
{
	struct fnight *e;

	if (*n && (*fn)[*n - 1].night == night)
		return &(*fn)[*n - 1];
	GROW(*fn, *n, *cap);
	e = &(*fn)[(*n)++];
	memset(e, 0, sizeof(*e));
	e->night = night;
	e->start = start;
	return e;
}

/*
 * The features of one case, of the window or (ref) of the reference. With
 * a reference window the present values are kept, and the window's are
 * also summed by night.
 */
static void add_features(struct rep *r, long long fsid, const void *blob,
			 size_t bytes, int ref)
{
	struct fset *f = feature_set(r, fsid);
	size_t i, n;

	if (!f || !blob)
		return;
	n = bytes / sizeof(double);
	if (n > f->n)
		n = f->n;
	for (i = 0; i < n; i++) {
		struct feat *ft = &r->feats[f->name[i]];
		double x;

		memcpy(&x, (const char *)blob + i * sizeof(double), sizeof(x));
		if (ref) {
			fstat_add(&ft->ref, x);
			if (r->ref_idx >= 0)
				fstat_add(&night_entry(&ft->rfn, &ft->nrfn,
						       &ft->rfncap, r->ref_idx,
						       ft->nrv)
						   ->s,
					  x);
			if (!isnan(x)) {
				GROW(ft->rv, ft->nrv, ft->rvcap);
				ft->rv[ft->nrv++] = x;
			}
			continue;
		}
		fstat_add(&ft->w, x);
		if (!r->ref_on)
			continue;
		if (r->night_idx >= 0)
			fstat_add(&night_entry(&ft->fn, &ft->nfn, &ft->fncap,
					       r->night_idx, ft->nv)
					   ->s,
				  x);
		if (!isnan(x)) {
			GROW(ft->v, ft->nv, ft->vcap);
			ft->v[ft->nv++] = x;
		}
	}
}

/* (*a)[id] += by, growing *a (zero-filled) to hold id. */
static void add_id(long **a, size_t *cap, int id, long by)
{
	if ((size_t)id >= *cap) {
		size_t n = *cap ? *cap : 16;

		while (n <= (size_t)id)
			n *= 2;
		*a = sg_xrealloc(*a, n * sizeof(**a));
		memset(*a + *cap, 0, (n - *cap) * sizeof(**a));
		*cap = n;
	}
	(*a)[id] += by;
}

static void count_id(long **a, size_t *cap, int id)
{
	add_id(a, cap, id, 1);
}

/* Counts a compared case's labels on its night. */
static void night_labels(struct rep *r, struct night_acc *n, int h, int m)
{
	if (n->nl < r->labels.n) {
		size_t k = r->labels.n;

		n->hl = sg_xrealloc(n->hl, k * sizeof(*n->hl));
		n->ml = sg_xrealloc(n->ml, k * sizeof(*n->ml));
		memset(n->hl + n->nl, 0, (k - n->nl) * sizeof(*n->hl));
		memset(n->ml + n->nl, 0, (k - n->nl) * sizeof(*n->ml));
		n->nl = k;
	}
	n->hl[h]++;
	n->ml[m]++;
}

/* The model's output of the case being read, for the outputs section. */
static void output_case(struct rep *r, struct night_acc *n)
{
	int empty = !r->pred_error &&
		    (r->numeric ? isnan(r->mvalue) : r->mlabel < 0);

	r->with_empty += empty;
	if (r->sampling)
		return;
	if (n) {
		n->preds++;
		n->errors += r->pred_error;
		n->empty += empty;
	}
	if (r->pred_error || isnan(r->score))
		return;
	if (n) {
		n->scored++;
		if (r->ref_on)
			scores_add(&n->sc, r->s, r->score);
	}
	scores_add(&r->scores, r->s, r->score);
}

static void add_example(struct rep *r, const char *night, int h, int m,
			double hv, double mv, double score)
{
	struct example e;
	size_t i;

	e.rowid = r->rowid;
	snprintf(e.night, sizeof(e.night), "%s", night ? night : "");
	e.h = h;
	e.m = m;
	e.hv = hv;
	e.mv = mv;
	e.score = score;
	if (r->numeric)
		e.key = fabs(mv - hv);
	else
		e.key = isnan(score) ? -INFINITY : score;
	/* sorted: key descending, then rowid ascending */
	i = r->nex;
	if (i == SG_REPORT_EXAMPLES) {
		const struct example *l = &r->ex[i - 1];

		if (e.key < l->key || (e.key == l->key && e.rowid > l->rowid))
			return;
		i--;
	} else {
		r->nex++;
	}
	while (i > 0 && (r->ex[i - 1].key < e.key ||
			 (r->ex[i - 1].key == e.key &&
			  r->ex[i - 1].rowid > e.rowid))) {
		r->ex[i] = r->ex[i - 1];
		i--;
	}
	r->ex[i] = e;
}

static int stratum_id(struct rep *r, int h, int m, int seg)
{
	int key[3];

	key[0] = h;
	key[1] = m;
	key[2] = seg;
	return intern_add(&r->strata, (const char *)key, sizeof(key));
}

/* The human baseline's part of one case: all its current labels. */
static void baseline_case(struct rep *r, int mlabel)
{
	size_t i, j, m = 0, start = r->nratings;

	for (i = 0; i < r->ndec; i++)
		if (r->dec[i].label >= 0)
			m++;
	if (m < 2)
		return;
	for (i = 0; i < r->ndec; i++) {
		if (r->dec[i].label < 0)
			continue;
		GROW(r->ratings, r->nratings, r->ratings_cap);
		r->ratings[r->nratings++] = r->dec[i].label;
	}
	GROW(r->item_m, r->items, r->items_cap);
	r->item_m[r->items++] = (int)m;
	if (m > r->max_m)
		r->max_m = m;
	for (i = start; i < r->nratings; i++)
		for (j = i + 1; j < r->nratings; j++) {
			r->pairs++;
			r->pairs_agree += r->ratings[i] == r->ratings[j];
		}
	if (mlabel >= 0) {
		r->model_items++;
		for (i = start; i < r->nratings; i++) {
			r->model_ratings++;
			r->model_agree += r->ratings[i] == mlabel;
		}
	}
}

/* The reference decision (sg/reference.h): latest decided_at, ties the
 * highest id. */
static const struct decision *human_of(struct rep *r)
{
	const struct decision *best = NULL;
	size_t i;

	if (r->ndec == 1)
		return &r->dec[0];
	for (i = 0; i < r->ndec; i++) {
		struct decision *d = &r->dec[i];

		if (!best || sg_reference_outranks(d->epoch, d->id, best->epoch,
						   best->id))
			best = d;
	}
	return best;
}

/* Everything about one case, once all its rows were read. */
static void finish_case(struct rep *r)
{
	const struct decision *h = NULL;
	const char *night =
		r->night_idx >= 0 ? r->nights[r->night_idx].night : NULL;
	int agree, usable_h, usable_m;

	r->in_window++;
	if (night)
		r->nights[r->night_idx].cases++;
	if (r->ndec) {
		r->with_decision++;
		h = human_of(r);
	}
	if (r->have_pred) {
		r->with_prediction++;
		if (r->pred_error)
			r->with_error++;
		output_case(r, night ? &r->nights[r->night_idx] : NULL);
	}
	if (!r->numeric && !r->sampling)
		baseline_case(r, r->have_pred && !r->pred_error ? r->mlabel
								: -1);
	if (!h) {
		r->ex_no_decision++;
		return;
	}
	if (!r->have_pred) {
		r->ex_no_prediction++;
		return;
	}
	if (r->pred_error) {
		r->ex_error++;
		return;
	}
	usable_h = r->numeric ? !isnan(h->value) : h->label >= 0;
	usable_m = r->numeric ? !isnan(r->mvalue) : r->mlabel >= 0;
	if (!usable_h) {
		r->ex_no_human++;
		return;
	}
	if (!usable_m) {
		r->ex_no_model++;
		return;
	}
	r->compared++;
	if (r->numeric) {
		long double d = (long double)r->mvalue - h->value;

		agree = fabs(r->mvalue - h->value) <= r->o->tolerance;
		ksum_add(&r->r_abs, fabsl(d));
		ksum_add(&r->r_sq, d * d);
		ksum_add(&r->r_diff, d);
		ksum_add(&r->h_sum, h->value);
		ksum_add(&r->m_sum, r->mvalue);
	} else {
		agree = h->label == r->mlabel;
		r->cm[(size_t)h->label * r->cm_cap + (size_t)r->mlabel]++;
	}
	r->agree += agree;
	if (r->sampling) {
		if (!agree) {
			struct cand *c;

			GROW(r->cands, r->ncands, r->cands_cap);
			c = &r->cands[r->ncands++];
			c->rowid = r->rowid;
			c->score = r->score;
			c->h = r->numeric ? -1 : h->label;
			c->m = r->numeric ? -1 : r->mlabel;
			c->hv = h->value;
			c->mv = r->mvalue;
			c->stratum = stratum_id(r, c->h, c->m, r->seg_id);
		}
		return;
	}
	if (night) {
		r->nights[r->night_idx].a.n++;
		r->nights[r->night_idx].a.agree += agree;
		if (!r->numeric)
			night_labels(r, &r->nights[r->night_idx], h->label,
				     r->mlabel);
	}
	if (r->seg_id >= 0) {
		r->seginfo[r->seg_id].a.n++;
		r->seginfo[r->seg_id].a.agree += agree;
	}
	if (!isnan(r->score))
		scores_add(agree ? &r->sc_agree : &r->sc_dis, r->s,
			   r->score);
	if (!agree)
		add_example(r, night, r->numeric ? -1 : h->label,
			    r->numeric ? -1 : r->mlabel, h->value, r->mvalue,
			    r->score);
}

/*
 * The columns of a case's part of a row (from column 0), of a decision's and
 * of a prediction's (from the column their part starts at).
 */
enum { CC_ID, CC_NIGHT, CC_SEGMENTS, CC_FSET, CC_FEATURES, CC_N };
enum { DC_ID, DC_LABEL, DC_VALUE, DC_AT, DC_N };
enum { PC_ID, PC_LABEL, PC_VALUE, PC_SCORE, PC_ERROR, PC_N };

/*
 * The first row of a case (id, its CC_ID column): what belongs to the case,
 * not the rater.
 */
static void start_case(struct rep *r, sqlite3_stmt *st, long long id)
{
	const char *night = (const char *)sqlite3_column_text(st, CC_NIGHT);
	const char *seg;
	const void *blob;

	r->rowid = id;
	r->ndec = 0;
	if (night) {
		if (!r->nnights ||
		    strncmp(r->nights[r->nnights - 1].night, night, 10)) {
			GROW(r->nights, r->nnights, r->nights_cap);
			memset(&r->nights[r->nnights], 0, sizeof(*r->nights));
			snprintf(r->nights[r->nnights].night, 11, "%.10s",
				 night);
			r->nnights++;
		}
		r->night_idx = (int)r->nnights - 1;
	} else {
		r->night_idx = -1;
	}
	seg = (const char *)sqlite3_column_text(st, CC_SEGMENTS);
	r->seg_id = seg ? segments_id(r, seg,
				      (size_t)sqlite3_column_bytes(st,
								   CC_SEGMENTS))
			: -1;
	if (r->ref_on && r->seg_id >= 0)
		count_id(&r->segstr_n, &r->segstr_n_cap, r->seg_id);
	/* a STRICT BLOB column: NULL, or a blob (NULL when empty, which
	 * add_features() passes over) */
	if (!r->sampling &&
	    (blob = sqlite3_column_blob(st, CC_FEATURES)) != NULL)
		add_features(r, sqlite3_column_int64(st, CC_FSET), blob,
			     (size_t)sqlite3_column_bytes(st, CC_FEATURES), 0);
}

/*
 * The model's prediction of the case being read: the columns from p of st;
 * st NULL: the case has none.
 */
static void case_prediction(struct rep *r, sqlite3_stmt *st, int p)
{
	r->have_pred = st != NULL;
	r->pred_error = r->have_pred &&
			sqlite3_column_type(st, p + PC_ERROR) != SQLITE_NULL;
	r->mlabel = r->have_pred && !r->numeric
			    ? label_id(r, st, p + PC_LABEL)
			    : -1;
	r->mvalue = r->have_pred ? col_double(st, p + PC_VALUE) : NAN;
	r->score = r->have_pred ? col_double_nz(st, p + PC_SCORE) : NAN;
}

/* d->epoch from column i of st, a decided_at. */
static void decision_at(struct decision *d, sqlite3_stmt *st, int i)
{
	const char *at = (const char *)sqlite3_column_text(st, i);

	d->epoch = sg_reference_time(
		at, at ? (size_t)sqlite3_column_bytes(st, i) : 0);
}

/*
 * One current decision of the case being read: the columns from c of st,
 * its decided_at only when `at` (it is used only when the case has
 * another; scan_merged() reads it then, decision_first_at()).
 */
static void add_decision(struct rep *r, sqlite3_stmt *st, int c, int at)
{
	struct decision *d;

	GROW(r->dec, r->ndec, r->dec_cap);
	d = &r->dec[r->ndec++];
	d->id = sqlite3_column_int64(st, c + DC_ID);
	d->label = r->numeric ? -1 : label_id(r, st, c + DC_LABEL);
	d->value = col_double(st, c + DC_VALUE);
	if (at)
		decision_at(d, st, c + DC_AT);
	else
		d->epoch = -INFINITY;
}

/*
 * The decided_at of the case's first decision, added without it, now that
 * the case has a second: a search by its id (*st prepared the first time).
 */
static int decision_first_at(struct rep *r, sqlite3_stmt **st,
			     struct sg_diag *diag)
{
	int ret = 0;

	if (!*st && (ret = sg_store_prepare(r->s, st,
					    "SELECT decided_at FROM decisions"
					    " WHERE id = ?1",
					    diag)))
		return ret;
	sqlite3_bind_int64(*st, 1, r->dec[0].id);
	switch (sqlite3_step(*st)) {
	case SQLITE_ROW:
		decision_at(&r->dec[0], *st, 0);
		break;
	case SQLITE_DONE:
		break;
	default:
		ret = sg_store_error(r->s, diag, "cannot read a decision");
	}
	sqlite3_reset(*st);
	return ret;
}

/*
 * The window's pass as one SELECT: cases LEFT JOIN current decisions LEFT
 * JOIN the model's current prediction, ordered by (night, id) (the
 * cases_night index gives the order), one row per case and current rater.
 * For any store; scan_merged() is quicker where it applies.
 */
static int scan_joined(struct rep *r, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	long long cur = 0;
	int ret, rc, open = 0;

	ret = sg_store_prepare(
		r->s, &st,
		r->whole
			? "SELECT c.id, c.night, c.segments, c.feature_set,"
			  " c.features, d.id, d.label, d.value, d.decided_at,"
			  " p.id, p.label, p.value, p.score, p.error"
			  " FROM cases c"
			  " LEFT JOIN decisions d ON d.case_ref = c.id"
			  "  AND d.is_current = 1"
			  " LEFT JOIN predictions p ON p.model = ?1"
			  "  AND p.case_ref = c.id AND p.is_current = 1"
			  " ORDER BY c.night, c.id"
			: "SELECT c.id, c.night, c.segments, c.feature_set,"
			  " c.features, d.id, d.label, d.value, d.decided_at,"
			  " p.id, p.label, p.value, p.score, p.error"
			  " FROM cases c"
			  " LEFT JOIN decisions d ON d.case_ref = c.id"
			  "  AND d.is_current = 1"
			  " LEFT JOIN predictions p ON p.model = ?1"
			  "  AND p.case_ref = c.id AND p.is_current = 1"
			  " WHERE c.night >= ?2 AND c.night <= ?3"
			  " ORDER BY c.night, c.id",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, r->model_id);
	if (!r->whole) {
		sqlite3_bind_text(st, 2, r->has_since ? r->since : "0000-01-01",
				  -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, r->has_until ? r->until : "9999-12-31",
				  -1, SQLITE_STATIC);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, CC_ID);

		if (!open || id != cur) {
			if (open)
				finish_case(r);
			start_case(r, st, id);
			case_prediction(r,
					sqlite3_column_type(st, CC_N + DC_N +
								    PC_ID) !=
							SQLITE_NULL
						? st
						: NULL,
					CC_N + DC_N);
			cur = id;
			open = 1;
		}
		if (sqlite3_column_type(st, CC_N + DC_ID) != SQLITE_NULL)
			add_decision(r, st, CC_N, 1);
	}
	if (rc != SQLITE_DONE) {
		ret = sg_store_error(r->s, diag, "cannot read the cases");
		goto out;
	}
	if (open)
		finish_case(r);
out:
	sqlite3_finalize(st);
	return ret;
}

static void rep_release(struct rep *r);
static int prepare(struct rep *r, struct sg_store *s,
		   const struct sg_report_opts *o, struct sg_diag *diag);

/* One row of a statement whose column 0 is a case id, into *ref. */
static int step_ref(sqlite3_stmt *st, long long *ref)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*ref = sqlite3_column_int64(st, 0);
	return rc;
}

/*
 * Whether scan_merged() can read the window: its cases in id order must be
 * in the order the pass wants, (night, id) (the cases without a night
 * first, in the whole store), that is, each night's ids all above the
 * previous night's, as when cases are ingested night after night. Two
 * probes of the cases_night index per night. *lo, *hi get the lowest and
 * the highest id of the window's cases (*lo > *hi: it has none). Returns 1
 * when they are in that order, 0 when not, or a negative SG_E* code.
 */
static int window_in_id_order(struct rep *r, long long *lo, long long *hi,
			      struct sg_diag *diag)
{
	static const char *const sql[] = {
		"SELECT id FROM cases WHERE night IS NULL ORDER BY id LIMIT 1",
		"SELECT id FROM cases WHERE night IS NULL"
		" ORDER BY id DESC LIMIT 1",
		"SELECT night, id FROM cases WHERE night >= ?1"
		" ORDER BY night, id LIMIT 1",
		"SELECT night, id FROM cases WHERE night > ?1"
		" ORDER BY night, id LIMIT 1",
		"SELECT id FROM cases WHERE night = ?1"
		" ORDER BY id DESC LIMIT 1",
	};
	enum { NULL_MIN, NULL_MAX, FIRST, NEXT, LAST, NSQL };
	sqlite3_stmt *st[NSQL] = {NULL};
	sqlite3_stmt *q;
	const char *until = r->has_until ? r->until : "9999-12-31";
	char night[11];
	int ret = 0, rc, have = 0, i;

	*lo = 1;
	*hi = 0;
	for (i = 0; i < NSQL && !ret; i++)
		ret = sg_store_prepare(r->s, &st[i], sql[i], diag);
	if (ret)
		goto out;
	if (r->whole) {
		rc = step_ref(st[NULL_MIN], lo);
		if (rc == SQLITE_ROW)
			rc = step_ref(st[NULL_MAX], hi);
		if (rc == SQLITE_ROW)
			have = 1;
		else if (rc != SQLITE_DONE)
			goto fail;
	}
	/* whole: every night ('' is below any text); else from since */
	q = st[FIRST];
	sqlite3_bind_text(q, 1,
			  r->whole ? ""
			  : r->has_since ? r->since
					 : "0000-01-01",
			  -1, SQLITE_STATIC);
	for (;;) {
		const char *t;
		long long first, last;

		rc = sqlite3_step(q);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW)
			goto fail;
		t = (const char *)sqlite3_column_text(q, 0);
		if (sqlite3_column_bytes(q, 0) != 10)
			goto out; /* not a night as ingest writes them */
		if (!r->whole && strcmp(t, until) > 0)
			break;
		memcpy(night, t, 11);
		first = sqlite3_column_int64(q, 1);
		if (have && first <= *hi)
			goto out; /* ret 0: not in id order */
		sqlite3_reset(st[LAST]);
		sqlite3_bind_text(st[LAST], 1, night, 10, SQLITE_STATIC);
		if (step_ref(st[LAST], &last) != SQLITE_ROW)
			goto fail;
		if (!have)
			*lo = first;
		*hi = last;
		have = 1;
		q = st[NEXT];
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, night, 10, SQLITE_STATIC);
	}
	ret = 1;
	goto out;
fail:
	ret = sg_store_error(r->s, diag, "cannot read the nights");
out:
	for (i = 0; i < NSQL; i++)
		sqlite3_finalize(st[i]);
	return ret;
}

/* How scan_merged() reads decisions and predictions (bits). */
#define MERGE_DEC_ROWID 1  /* decisions by rowid, not by decisions_case */
#define MERGE_PRED_ROWID 2 /* predictions by rowid, not predictions_current */

/* scan_merged(): a rowid scan was not in case order */
#define MERGE_UNORDERED 1

/* step_rowid(): next to SQLite's result codes, which are not negative */
#define STEP_UNORDERED (-1)

/*
 * One row of a rowid-order scan (column 0 a case id, into *ref; *last the
 * previous one): STEP_UNORDERED when it is below the previous (a case's
 * row stored after a later case's), which the merge cannot take.
 */
static int step_rowid(sqlite3_stmt *st, long long *ref, long long *last)
{
	int rc = step_ref(st, ref);

	if (rc == SQLITE_ROW) {
		if (*ref < *last)
			return STEP_UNORDERED;
		*last = *ref;
	}
	return rc;
}

static int step_merge(sqlite3_stmt *st, int rowid, long long *ref,
		      long long *last)
{
	return rowid ? step_rowid(st, ref, last) : step_ref(st, ref);
}

/*
 * The window's pass as ordered scans merged on the case id, when the
 * window's cases in id order are in (night, id) order
 * (window_in_id_order()): the cases of the id range lo .. hi by rowid; their
 * current decisions and the model's current predictions through the
 * decisions_case and predictions_current indexes, in (case id, id) order,
 * or (how & MERGE_*_ROWID) by rowid, a plain scan of the table, which
 * gives that order too when they were stored case after case, as one
 * ingest of a log does. The same cases, rows and order as scan_joined(),
 * without its three index searches per case.
 *
 * Returns 0, a negative SG_E* code, or MERGE_UNORDERED when a rowid scan
 * turned out not to be in case order: r then holds part of a pass, to be
 * started again (rep_restart()) without that MERGE_*_ROWID.
 */
static int scan_merged(struct rep *r, long long lo, long long hi, int how,
		       struct sg_diag *diag)
{
	sqlite3_stmt *cs = NULL, *ds = NULL, *ps = NULL, *as = NULL;
	long long dref = 0, pref = 0, dlast = 0, plast = 0;
	int drow = how & MERGE_DEC_ROWID, prow = how & MERGE_PRED_ROWID;
	int ret, rc, drc, prc = SQLITE_DONE;

	ret = sg_store_prepare(
		r->s, &cs,
		r->whole ? "SELECT id, night, segments, feature_set, features"
			   " FROM cases NOT INDEXED WHERE id BETWEEN ?1 AND ?2"
			 : "SELECT id, night, segments, feature_set, features"
			   " FROM cases NOT INDEXED WHERE id BETWEEN ?1 AND ?2"
			   " AND night >= ?3 AND night <= ?4",
		diag);
	if (!ret)
		ret = sg_store_prepare(
			r->s, &ds,
			drow ? "SELECT case_ref, id, label, value, decided_at"
			       " FROM decisions NOT INDEXED"
			       " WHERE case_ref BETWEEN ?1 AND ?2"
			       " AND is_current = 1 ORDER BY id"
			     : "SELECT case_ref, id, label, value, decided_at"
			       " FROM decisions"
			       " WHERE case_ref BETWEEN ?1 AND ?2"
			       " AND is_current = 1 ORDER BY case_ref, id",
			diag);
	if (!ret && r->model_id)
		ret = sg_store_prepare(
			r->s, &ps,
			prow ? "SELECT case_ref, id, label, value, score, error"
			       " FROM predictions NOT INDEXED WHERE model = ?1"
			       " AND case_ref BETWEEN ?2 AND ?3"
			       " AND is_current = 1 ORDER BY id"
			     : "SELECT case_ref, id, label, value, score, error"
			       " FROM predictions WHERE model = ?1"
			       " AND case_ref BETWEEN ?2 AND ?3"
			       " AND is_current = 1 ORDER BY case_ref",
			diag);
	if (ret)
		goto out;
	sqlite3_bind_int64(cs, 1, lo);
	sqlite3_bind_int64(cs, 2, hi);
	if (!r->whole) {
		sqlite3_bind_text(cs, 3, r->has_since ? r->since : "0000-01-01",
				  -1, SQLITE_STATIC);
		sqlite3_bind_text(cs, 4, r->has_until ? r->until : "9999-12-31",
				  -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(ds, 1, lo);
	sqlite3_bind_int64(ds, 2, hi);
	drc = step_merge(ds, drow, &dref, &dlast);
	if (ps) {
		sqlite3_bind_int64(ps, 1, r->model_id);
		sqlite3_bind_int64(ps, 2, lo);
		sqlite3_bind_int64(ps, 3, hi);
		prc = step_merge(ps, prow, &pref, &plast);
	}
	while ((rc = sqlite3_step(cs)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(cs, CC_ID);

		start_case(r, cs, id);
		/* rows of cases outside the window are passed over */
		while (prc == SQLITE_ROW && pref < id)
			prc = step_merge(ps, prow, &pref, &plast);
		case_prediction(r, prc == SQLITE_ROW && pref == id ? ps : NULL,
				1);
		while (drc == SQLITE_ROW && dref < id)
			drc = step_merge(ds, drow, &dref, &dlast);
		/* by rowid, cases seldom have two: decided_at when they do */
		while (drc == SQLITE_ROW && dref == id) {
			if (drow && r->ndec == 1 &&
			    (ret = decision_first_at(r, &as, diag)))
				goto out;
			add_decision(r, ds, 1, !drow || r->ndec);
			drc = step_merge(ds, drow, &dref, &dlast);
		}
		if ((drc != SQLITE_ROW && drc != SQLITE_DONE) ||
		    (prc != SQLITE_ROW && prc != SQLITE_DONE))
			break;
		finish_case(r);
	}
	/* the rest of a rowid scan must be in order too: a row below the
	 * last case would belong to a case already counted */
	while (rc == SQLITE_DONE && drow && drc == SQLITE_ROW)
		drc = step_rowid(ds, &dref, &dlast);
	while (rc == SQLITE_DONE && prow && prc == SQLITE_ROW)
		prc = step_rowid(ps, &pref, &plast);
	if (drc == STEP_UNORDERED || prc == STEP_UNORDERED)
		ret = MERGE_UNORDERED;
	else if (rc != SQLITE_DONE ||
		 (drc != SQLITE_ROW && drc != SQLITE_DONE) ||
		 (prc != SQLITE_ROW && prc != SQLITE_DONE))
		ret = sg_store_error(r->s, diag, "cannot read the cases");
out:
	sqlite3_finalize(cs);
	sqlite3_finalize(ds);
	sqlite3_finalize(ps);
	sqlite3_finalize(as);
	return ret;
}

/*
 * Whether scan_merged() should try decisions and predictions in rowid order
 * (MERGE_*_ROWID): when the table holds no more rows than there are cases
 * (no corrections, no second rater, no other model or rescore to pass over
 * or to break the order), by their largest ids, and the window spans most
 * of the cases. Only a guess; scan_merged() checks.
 */
static int merge_how(struct rep *r, long long lo, long long hi)
{
	sqlite3_stmt *st = NULL;
	int how = 0;

	if (sqlite3_prepare_v2(r->s->db,
			       "SELECT (SELECT max(id) FROM cases),"
			       " (SELECT max(id) FROM decisions),"
			       " (SELECT max(id) FROM predictions)",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		long long cases = sqlite3_column_int64(st, 0);

		if (hi >= lo && 2 * (hi - lo + 1) >= cases) {
			if (sqlite3_column_int64(st, 1) <= cases)
				how |= MERGE_DEC_ROWID;
			if (sqlite3_column_int64(st, 2) <= cases)
				how |= MERGE_PRED_ROWID;
		}
	}
	sqlite3_finalize(st);
	return how;
}

/*
 * Back to the state before the window's pass, to start it again: what
 * prepare() and the callers set before scan() (the reference window,
 * sampling) kept, what the pass gathered dropped.
 */
static int rep_restart(struct rep *r, struct sg_diag *diag)
{
	struct rep c;
	int ret = prepare(&c, r->s, r->o, diag);

	if (ret) {
		rep_release(&c);
		return ret;
	}
	c.sampling = r->sampling;
	c.ref_on = r->ref_on;
	c.ref_how = r->ref_how;
	memcpy(c.ref_since, r->ref_since, sizeof(c.ref_since));
	memcpy(c.ref_until, r->ref_until, sizeof(c.ref_until));
	c.ref_has_since = r->ref_has_since;
	c.ref_has_until = r->ref_has_until;
	rep_release(r);
	*r = c;
	return 0;
}

/* The segments' accumulators from the segments strings' (seginfo.a). */
static void fold_segments(struct rep *r)
{
	size_t i;
	int j;

	for (i = 0; i < r->segstr.n; i++) {
		struct seginfo *si = &r->seginfo[i];

		for (j = 0; j < si->n; j++) {
			struct acc *a = &r->cols[si->col[j]].acc[si->val[j]];

			a->n += si->a.n;
			a->agree += si->a.agree;
		}
		si->a.n = si->a.agree = 0;
	}
}

/*
 * The window's pass: every case of the window, in (night, id) order, with
 * its current decisions and the model's current prediction, through
 * start_case(), case_prediction(), add_decision() and finish_case(). With
 * a small page cache (sg_store_cache_shrink()), inside one read transaction when
 * none is open, so that its statements see one state of the store.
 */
static int scan(struct rep *r, struct sg_diag *diag)
{
	sqlite3 *db = r->s->db;
	long long lo, hi;
	long long cache;
	int ret, tx = 0;

	if (r->empty)
		return 0;
	cache = sg_store_cache_shrink(r->s, SCAN_CACHE_KIB);
	if (sqlite3_get_autocommit(db)) {
		ret = sg_store_exec(r->s, "BEGIN", diag);
		if (ret)
			goto out;
		tx = 1;
	}
	ret = window_in_id_order(r, &lo, &hi, diag);
	if (ret > 0) {
		ret = scan_merged(r, lo, hi, merge_how(r, lo, hi), diag);
		if (ret == MERGE_UNORDERED) {
			/* prepare() works the window out again, now inside the
			 * transaction: so are its cases */
			ret = rep_restart(r, diag);
			if (!ret)
				ret = r->empty ? 0
					       : window_in_id_order(r, &lo, &hi,
								    diag);
			if (ret > 0)
				ret = scan_merged(r, lo, hi, 0, diag);
			else if (!ret && !r->empty)
				ret = scan_joined(r, diag);
		}
	} else if (!ret) {
		ret = scan_joined(r, diag);
	}
	if (!ret)
		fold_segments(r);
out:
	if (tx)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sg_store_cache_restore(r->s, cache);
	return ret;
}

/* ---- the reference window ---- */

static int resolve_reference(struct rep *r, struct sg_diag *diag)
{
	const struct sg_report_opts *o = r->o;
	sqlite3_stmt *st = NULL;
	int ret;

	if (o->reference_since &&
	    (ret = sg_report_check_night("--reference-since",
					 o->reference_since, diag)))
		return ret;
	if (o->reference_until &&
	    (ret = sg_report_check_night("--reference-until",
					 o->reference_until, diag)))
		return ret;
	if (o->reference_since && o->reference_until &&
	    strcmp(o->reference_since, o->reference_until) > 0) {
		sg_diag_set(diag, NULL, 0, 0,
			    "--reference-since %s is after --reference-until %s",
			    o->reference_since, o->reference_until);
		return SG_EUSAGE;
	}
	if (o->reference_since || o->reference_until) {
		r->ref_on = 1;
		r->ref_how = "since_until";
		if (o->reference_since) {
			memcpy(r->ref_since, o->reference_since, 11);
			r->ref_has_since = 1;
		}
		if (o->reference_until) {
			memcpy(r->ref_until, o->reference_until, 11);
			r->ref_has_until = 1;
		}
		return 0;
	}
	if (o->reference_nights <= 0)
		return 0;
	r->ref_on = 1;
	r->ref_how = "first_nights";
	ret = sg_store_prepare(r->s, &st,
			       "SELECT min(night), max(night) FROM"
			       " (SELECT DISTINCT night FROM cases"
			       "  WHERE night IS NOT NULL"
			       "  ORDER BY night LIMIT ?1)",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, o->reference_nights);
	if (sqlite3_step(st) != SQLITE_ROW) {
		ret = sg_store_error(r->s, diag, "cannot read the nights");
	} else if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
		snprintf(r->ref_since, sizeof(r->ref_since), "%.10s",
			 (const char *)sqlite3_column_text(st, 0));
		snprintf(r->ref_until, sizeof(r->ref_until), "%.10s",
			 (const char *)sqlite3_column_text(st, 1));
		r->ref_has_since = r->ref_has_until = 1;
	}
	sqlite3_finalize(st);
	return ret;
}

/* Reads the reference window's features and segments. */
static int scan_reference(struct rep *r, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	const char *ws, *wu;
	char last[11] = "";
	long long cache;
	int ret, rc;

	r->ref_idx = -1;
	if (!r->ref_on || (!r->ref_has_since && !r->ref_has_until))
		return 0; /* the first N nights of a store with none */
	ret = sg_store_prepare(r->s, &st,
			       "SELECT night, segments, feature_set, features"
			       " FROM cases WHERE night >= ?1 AND night <= ?2"
			       " ORDER BY night, id",
			       diag);
	if (ret)
		return ret;
	cache = sg_store_cache_shrink(r->s, SCAN_CACHE_KIB);
	sqlite3_bind_text(st, 1, r->ref_has_since ? r->ref_since : "0000-01-01",
			  -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->ref_has_until ? r->ref_until : "9999-12-31",
			  -1, SQLITE_STATIC);
	ws = r->has_since ? r->since : "0000-01-01";
	wu = r->has_until ? r->until : "9999-12-31";
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *night = (const char *)sqlite3_column_text(st, 0);
		const char *seg = (const char *)sqlite3_column_text(st, 1);

		r->ref_cases++;
		if (!r->empty && night && strncmp(night, ws, 10) >= 0 &&
		    strncmp(night, wu, 10) <= 0)
			r->ref_in_window++;
		if (night && strncmp(last, night, 10)) {
			struct refnight *rn;

			snprintf(last, sizeof(last), "%.10s", night);
			GROW(r->refn, (size_t)r->ref_nights, r->refn_cap);
			rn = &r->refn[r->ref_nights];
			memset(rn, 0, sizeof(*rn));
			memcpy(rn->night, last, 11);
			rn->label_shift = NAN;
			r->ref_idx = (int)r->ref_nights++;
		}
		if (r->ref_idx >= 0)
			r->refn[r->ref_idx].cases++;
		if (seg) {
			size_t n = (size_t)sqlite3_column_bytes(st, 1);

			count_id(&r->ref_segstr_n, &r->ref_segstr_cap,
				 intern_add_h(&r->ref_segstr, seg, n,
					      hash_words(seg, n)));
		}
		if (sqlite3_column_type(st, 3) == SQLITE_BLOB)
			add_features(r, sqlite3_column_int64(st, 2),
				     sqlite3_column_blob(st, 3),
				     (size_t)sqlite3_column_bytes(st, 3), 1);
	}
	if (rc != SQLITE_DONE)
		ret = sg_store_error(r->s, diag,
				     "cannot read the reference window");
	sqlite3_finalize(st);
	sg_store_cache_restore(r->s, cache);
	return ret;
}

/*
 * What the model did on each night of the reference window (predictions,
 * errors, label shift), for thresholds learned from those nights: the
 * same pass as the window's, over the reference window.
 */
static int reference_outputs(struct rep *r, struct sg_diag *diag)
{
	struct sg_report_opts o = *r->o;
	struct sg_buf spec = SG_BUF_INIT;
	struct rep c;
	size_t i, j, k;
	int ret;

	if (!r->ref_nights)
		return 0;
	sg_buf_addf(&spec, "%s@%s", r->model_name, r->model_version);
	o.model = spec.buf;
	o.since = r->ref_has_since ? r->ref_since : NULL;
	o.until = r->ref_has_until ? r->ref_until : NULL;
	o.last = 0;
	o.reference_since = o.reference_until = NULL;
	o.reference_nights = 0;
	ret = prepare(&c, r->s, &o, diag);
	if (!ret)
		ret = scan(&c, diag);
	for (i = 0; !ret && i < c.nnights; i++) {
		const struct night_acc *n = &c.nights[i];
		struct refnight *ro = NULL;

		for (j = 0; j < (size_t)r->ref_nights && !ro; j++)
			if (!strcmp(r->refn[j].night, n->night))
				ro = &r->refn[j];
		if (!ro)
			continue;
		ro->preds = n->preds;
		ro->errors = n->errors;
		ro->compared = n->a.n;
		if (c.numeric || !n->a.n)
			continue;
		ro->label_shift = 0;
		for (k = 0; k < n->nl; k++) {
			double d = fabs((double)(n->ml[k] - n->hl[k])) /
				   (double)n->a.n;

			if (d > ro->label_shift)
				ro->label_shift = d;
		}
	}
	rep_release(&c);
	sg_buf_release(&spec);
	return ret;
}

/* ---- building the JSON ---- */

static void jnum(cJSON *o, const char *k, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static cJSON *jnumitem(double v)
{
	return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static void jlong(cJSON *o, const char *k, long v)
{
	cJSON_AddNumberToObject(o, k, (double)v);
}

static void jstr(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void jci(cJSON *o, double lo, double hi)
{
	cJSON *a = cJSON_AddArrayToObject(o, "ci95");

	cJSON_AddItemToArray(a, jnumitem(lo));
	cJSON_AddItemToArray(a, jnumitem(hi));
}

/* {n, agree, rate, ci95} */
static cJSON *agreement_obj(long agree, long n, double confidence)
{
	cJSON *o = cJSON_CreateObject();
	double lo, hi;

	jlong(o, "n", n);
	jlong(o, "agree", agree);
	jnum(o, "rate", n ? (double)agree / (double)n : NAN);
	sg_wilson(agree, n, confidence, &lo, &hi);
	jci(o, lo, hi);
	return o;
}

static double overall_rate(const struct rep *r)
{
	return r->compared ? (double)r->agree / (double)r->compared : NAN;
}

static void below_flag(cJSON *o, double overall)
{
	cJSON *ci = cJSON_GetObjectItemCaseSensitive(o, "ci95");
	cJSON *hi = cJSON_GetArrayItem(ci, 1);

	cJSON_AddBoolToObject(o, "below_overall",
			      cJSON_IsNumber(hi) && isfinite(overall) &&
				      hi->valuedouble < overall);
}

/* Labels to show, ordered: label_order first, then byte order. */
struct order_ctx {
	const struct intern *t;
	const long *rank;
};

static const struct order_ctx *sort_ctx;

static int cmp_label(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	long rx = sort_ctx->rank[x], ry = sort_ctx->rank[y];

	if (rx != ry)
		return (rx > ry) - (rx < ry);
	return bytecmp(sort_ctx->t->s[x], sort_ctx->t->len[x],
		       sort_ctx->t->s[y], sort_ctx->t->len[y]);
}

static long order_rank(const struct sg_report_opts *o, const char *s)
{
	long i;

	if (!o->label_order)
		return -1;
	i = sg_strlist_find(o->label_order, s);
	return i;
}

/*
 * The labels of the compared cases (union of both sides) in display
 * order; *k their number. The caller frees.
 */
static int *shown_labels(const struct rep *r, size_t *k, int *all_ordered)
{
	size_t n = r->labels.n, i, j, cnt = 0;
	int *ids = sg_xcalloc(n ? n : 1, sizeof(int));
	long *rank = sg_xcalloc(n ? n : 1, sizeof(long));
	struct order_ctx ctx;

	*all_ordered = 1;
	for (i = 0; i < n; i++) {
		long used = 0;

		for (j = 0; j < n; j++)
			used += r->cm[i * r->cm_cap + j] +
				r->cm[j * r->cm_cap + i];
		if (!used)
			continue;
		ids[cnt++] = (int)i;
		rank[i] = order_rank(r->o, r->labels.s[i]);
		if (rank[i] < 0) {
			rank[i] = 0x7fffffffL;
			*all_ordered = 0;
		}
	}
	ctx.t = &r->labels;
	ctx.rank = rank;
	sort_ctx = &ctx;
	sort(ids, cnt, sizeof(int), cmp_label);
	sort_ctx = NULL;
	free(rank);
	*k = cnt;
	return ids;
}

static void build_labels(struct rep *r, cJSON *root)
{
	const double conf = r->o->confidence;
	size_t k, i, j, no;
	int all_ordered;
	int *ids = shown_labels(r, &k, &all_ordered);
	long *m = sg_xcalloc(k * k + 1, sizeof(long));
	struct sg_class_metrics *per = sg_xcalloc(k + 1, sizeof(*per));
	struct sg_class_metrics mac, wei;
	struct sg_kappa kap;
	cJSON *o, *a, *row;

	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			m[i * k + j] = r->cm[(size_t)ids[i] * r->cm_cap +
					     (size_t)ids[j]];
	sg_cohen_kappa(m, k, conf, &kap);
	o = cJSON_AddObjectToObject(root, "kappa");
	jnum(o, "value", kap.value);
	jnum(o, "se", kap.se);
	jci(o, kap.low, kap.high);
	no = r->o->label_order ? r->o->label_order->n : 0;
	if (no && all_ordered && k) {
		/* weights follow the configured order, labels unseen included */
		long *w = sg_xcalloc(no * no, sizeof(long));

		for (i = 0; i < k; i++)
			for (j = 0; j < k; j++) {
				size_t a1 = (size_t)order_rank(
					r->o, r->labels.s[ids[i]]);
				size_t b1 = (size_t)order_rank(
					r->o, r->labels.s[ids[j]]);

				w[a1 * no + b1] += m[i * k + j];
			}
		jnum(o, "linear_weighted", sg_weighted_kappa(w, no, 0));
		jnum(o, "quadratic_weighted", sg_weighted_kappa(w, no, 1));
		free(w);
	} else {
		cJSON_AddNullToObject(o, "linear_weighted");
		cJSON_AddNullToObject(o, "quadratic_weighted");
	}

	a = cJSON_AddArrayToObject(root, "labels");
	for (i = 0; i < k; i++)
		cJSON_AddItemToArray(a,
				     cJSON_CreateString(r->labels.s[ids[i]]));
	o = cJSON_AddObjectToObject(root, "confusion");
	cJSON_AddItemToObject(o, "labels", cJSON_Duplicate(a, 1));
	a = cJSON_AddArrayToObject(o, "matrix");
	for (i = 0; i < k; i++) {
		row = cJSON_CreateArray();
		for (j = 0; j < k; j++)
			cJSON_AddItemToArray(
				row, cJSON_CreateNumber((double)m[i * k + j]));
		cJSON_AddItemToArray(a, row);
	}

	sg_class_metrics(m, k, per, &mac, &wei);
	o = cJSON_AddObjectToObject(root, "per_class");
	for (i = 0; i < k; i++) {
		cJSON *c = cJSON_CreateObject();

		jnum(c, "precision", per[i].precision);
		jnum(c, "recall", per[i].recall);
		jnum(c, "f1", per[i].f1);
		jlong(c, "support", per[i].support);
		cJSON_AddItemToObject(o, r->labels.s[ids[i]], c);
	}
	if (k) {
		struct sg_class_metrics *avg[2] = {&mac, &wei};
		const char *names[2] = {"macro", "weighted"};

		o = cJSON_AddObjectToObject(root, "averages");
		for (i = 0; i < 2; i++) {
			cJSON *c = cJSON_AddObjectToObject(o, names[i]);

			jnum(c, "precision", avg[i]->precision);
			jnum(c, "recall", avg[i]->recall);
			jnum(c, "f1", avg[i]->f1);
			jlong(c, "support", avg[i]->support);
		}
	} else {
		cJSON_AddNullToObject(root, "averages");
	}
	free(ids);
	free(m);
	free(per);
}

static const struct intern *cmp_values;

static int cmp_value_id(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return bytecmp(cmp_values->s[x], cmp_values->len[x], cmp_values->s[y],
		       cmp_values->len[y]);
}

/* Ids 0 .. t->n - 1 in byte order of their strings. The caller frees. */
static int *sorted_ids(const struct intern *t)
{
	int *ids = sg_xcalloc(t->n + 1, sizeof(int));
	size_t i;

	for (i = 0; i < t->n; i++)
		ids[i] = (int)i;
	cmp_values = t;
	sort(ids, t->n, sizeof(int), cmp_value_id);
	cmp_values = NULL;
	return ids;
}

static void build_segments(struct rep *r, cJSON *root)
{
	cJSON *segs = cJSON_AddObjectToObject(root, "segments");
	double overall = overall_rate(r);
	int *cols = r->fixed_cols ? NULL : sorted_ids(&r->segcols);
	size_t c, v;

	for (c = 0; c < r->segcols.n; c++) {
		int cid = cols ? cols[c] : (int)c;
		struct segcol *sc = &r->cols[cid];
		cJSON *co = cJSON_AddObjectToObject(segs, r->segcols.s[cid]);
		int *vals = sorted_ids(&sc->values);

		for (v = 0; v < sc->values.n; v++) {
			const struct acc *a = &sc->acc[vals[v]];
			cJSON *vo = agreement_obj(a->agree, a->n,
						  r->o->confidence);

			below_flag(vo, overall);
			cJSON_AddItemToObject(co, sc->values.s[vals[v]], vo);
		}
		free(vals);
	}
	free(cols);
}

static void build_nights(struct rep *r, cJSON *root)
{
	cJSON *o = cJSON_AddObjectToObject(root, "nights");
	double overall = overall_rate(r);
	size_t i;

	for (i = 0; i < r->nnights; i++) {
		cJSON *vo = agreement_obj(r->nights[i].a.agree,
					  r->nights[i].a.n, r->o->confidence);

		below_flag(vo, overall);
		cJSON_AddItemToObject(o, r->nights[i].night, vo);
	}
}

static void build_regression(struct rep *r, cJSON *root)
{
	cJSON *o, *w;
	long n = r->compared;
	double lo, hi;

	if (!r->numeric) {
		cJSON_AddNullToObject(root, "regression");
		return;
	}
	o = cJSON_AddObjectToObject(root, "regression");
	jlong(o, "n", n);
	jnum(o, "mae", n ? (double)(ksum_get(&r->r_abs) / n) : NAN);
	jnum(o, "rmse", n ? (double)sqrtl(ksum_get(&r->r_sq) / n) : NAN);
	jnum(o, "bias", n ? (double)(ksum_get(&r->r_diff) / n) : NAN);
	w = cJSON_AddObjectToObject(o, "within_tolerance");
	jnum(w, "tolerance", r->o->tolerance);
	jlong(w, "n", n);
	jlong(w, "within", r->agree);
	jnum(w, "rate", n ? (double)r->agree / (double)n : NAN);
	sg_wilson(r->agree, n, r->o->confidence, &lo, &hi);
	jci(w, lo, hi);
}

static void build_baseline(struct rep *r, cJSON *root)
{
	cJSON *o;
	size_t k = r->labels.n, i, j, off = 0;
	long *counts;
	int *data;

	if (r->numeric) {
		cJSON_AddNullToObject(root, "human_baseline");
		return;
	}
	o = cJSON_AddObjectToObject(root, "human_baseline");
	jlong(o, "items", (long)r->items);
	jlong(o, "ratings", (long)r->nratings);
	counts = sg_xcalloc(r->items * k + 1, sizeof(long));
	data = sg_xmalloc((r->items * r->max_m + 1) * sizeof(int));
	for (i = 0; i < r->items; i++) {
		for (j = 0; j < r->max_m; j++)
			data[i * r->max_m + j] =
				j < (size_t)r->item_m[i]
					? r->ratings[off + j]
					: -1;
		for (j = 0; j < (size_t)r->item_m[i]; j++)
			counts[i * k + (size_t)r->ratings[off + j]]++;
		off += (size_t)r->item_m[i];
	}
	jnum(o, "fleiss_kappa",
	     r->items ? sg_fleiss_kappa(counts, r->items, k) : NAN);
	jnum(o, "krippendorff_alpha",
	     r->items ? sg_krippendorff_alpha_nominal(data, r->items, r->max_m)
		      : NAN);
	jlong(o, "pairs", r->pairs);
	jnum(o, "pairwise_agreement",
	     r->pairs ? (double)r->pairs_agree / (double)r->pairs : NAN);
	jlong(o, "model_items", r->model_items);
	jlong(o, "model_ratings", r->model_ratings);
	jnum(o, "model_agreement",
	     r->model_ratings ? (double)r->model_agree / (double)r->model_ratings
			      : NAN);
	free(counts);
	free(data);
}

/*
 * coverage: compared cases whose score is at least each of the thresholds
 * 0, 0.05, ..., 1, and the lowest distinct score at which the Wilson
 * lower bound of the agreement of the cases at or above it reaches the
 * target. One ascending reading of the scores of the cases that agree and
 * of those that do not, side by side: when a value v comes up, the values
 * read before are those below v. Returns 0 or SG_ESTORE with diag set.
 */
static int build_coverage(struct rep *r, cJSON *root, struct sg_diag *diag)
{
	cJSON *o = cJSON_AddObjectToObject(root, "coverage"), *pts, *p;
	struct scores *ag = &r->sc_agree, *ds = &r->sc_dis;
	size_t scored = ag->total + ds->total, pa[21], pn[21];
	struct scores_it ia, id;
	double best = NAN, best_cov = NAN, lo, hi;
	int i = 0, ha = 0, hd = 0, ret;

	ret = scores_open(&ia, ag, diag);
	if (!ret)
		ret = scores_open(&id, ds, diag);
	else
		memset(&id, 0, sizeof(id));
	if (!ret)
		ha = scores_next(&ia, diag);
	if (!ret && ha >= 0)
		hd = scores_next(&id, diag);
	while (!ret && ha >= 0 && hd >= 0 && (ha || hd)) {
		double v, top = 0;
		int seen_a = 0;
		size_t a = ag->total - ia.below, d = ds->total - id.below;

		v = !hd || (ha && ia.v <= id.v) ? ia.v : id.v;
		for (; i <= 20 && i / 20.0 <= v; i++) {
			pa[i] = a;
			pn[i] = a + d;
		}
		/* equal values (0 and -0) are one step; its value is the
		 * last of them, the agreeing cases' first */
		while (ha > 0 && ia.v == v) {
			top = ia.v;
			seen_a = 1;
			ha = scores_next(&ia, diag);
		}
		while (hd > 0 && id.v == v) {
			if (!seen_a)
				top = id.v;
			hd = scores_next(&id, diag);
		}
		if (isnan(best)) {
			sg_wilson((long)a, (long)(a + d), r->o->confidence, &lo,
				  &hi);
			if (lo >= r->o->target_agreement) {
				best = top;
				best_cov = (double)(a + d) / (double)scored;
			}
		}
	}
	if (!ret && (ha < 0 || hd < 0))
		ret = SG_ESTORE;
	scores_close(&ia);
	scores_close(&id);
	if (ret)
		return ret;
	for (; i <= 20; i++)
		pa[i] = pn[i] = 0;
	jlong(o, "scored", (long)scored);
	jnum(o, "target_agreement", r->o->target_agreement);
	pts = cJSON_AddArrayToObject(o, "points");
	for (i = 0; scored && i <= 20; i++) {
		size_t na = pa[i], n = pn[i];

		p = cJSON_CreateObject();
		jnum(p, "threshold", i / 20.0);
		jnum(p, "coverage", (double)n / (double)scored);
		jlong(p, "n", (long)n);
		jlong(p, "agree", (long)na);
		jnum(p, "rate", n ? (double)na / (double)n : NAN);
		sg_wilson((long)na, (long)n, r->o->confidence, &lo, &hi);
		jci(p, lo, hi);
		cJSON_AddItemToArray(pts, p);
	}
	jnum(o, "recommended_threshold", best);
	if (isfinite(best))
		jnum(o, "recommended_coverage", best_cov);
	else
		cJSON_AddNullToObject(o, "recommended_coverage");
	return 0;
}

/* ---- software, night by night ---- */

/* The metrics of a run that software.change follows. */
enum { SW_ERROR_RATE, SW_P50, SW_P95, SW_P99, SW_THROUGHPUT, SW_RSS, SW_N };

static const char *const sw_keys[SW_N] = {"error_rate", "p50_ms",
					  "p95_ms",     "p99_ms",
					  "throughput", "peak_rss_kb"};

/*
 * software.nights.<night>: the model version's runs by the UTC date of
 * their started_at, over the SG_REPORT_RUN_NIGHTS latest such nights (a
 * run whose started_at is not a time has no night and is left out): runs,
 * and cases, scored, errors summed; error_rate of those sums; each of the
 * other metrics the mean over the night's runs that have it. first gets
 * the first night shown ("" when none).
 */
static int software_nights(struct rep *r, cJSON *o, char first[11],
			   struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	cJSON *no = cJSON_AddObjectToObject(o, "nights");
	int ret, rc, i;

	first[0] = '\0';
	ret = sg_store_prepare(
		r->s, &st,
		"SELECT * FROM (SELECT night, count(*), sum(cases), sum(scored),"
		" sum(errors), avg(p50_ms), avg(p95_ms), avg(p99_ms),"
		" avg(throughput), avg(peak_rss_kb) FROM"
		" (SELECT date(started_at) AS night, cases, scored, errors,"
		"  p50_ms, p95_ms, p99_ms, throughput, peak_rss_kb"
		"  FROM runs WHERE model = ?1)"
		" WHERE night IS NOT NULL GROUP BY night"
		" ORDER BY night DESC LIMIT ?2) ORDER BY night",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, r->model_id);
	sqlite3_bind_int(st, 2, SG_REPORT_RUN_NIGHTS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *night = (const char *)sqlite3_column_text(st, 0);
		long cases = (long)sqlite3_column_int64(st, 2);
		long errors = (long)sqlite3_column_int64(st, 4);
		cJSON *n = cJSON_AddObjectToObject(no, night);

		if (!first[0])
			snprintf(first, 11, "%.10s", night);
		jlong(n, "runs", (long)sqlite3_column_int64(st, 1));
		jlong(n, "cases", cases);
		jlong(n, "scored", (long)sqlite3_column_int64(st, 3));
		jlong(n, "errors", errors);
		jnum(n, "error_rate",
		     cases ? (double)errors / (double)cases : NAN);
		for (i = SW_P50; i < SW_N; i++)
			jnum(n, sw_keys[i], col_double(st, 4 + i));
	}
	if (rc != SQLITE_DONE)
		ret = sg_store_error(r->s, diag, "cannot read the runs");
	sqlite3_finalize(st);
	return ret;
}

/*
 * software.change: the latest run (the highest id, as the rest of
 * software) against the mean over the runs of the earlier nights of
 * software.nights (from `first` to the night before the latest run's):
 * night, previous_nights, previous_runs, and for each metric {latest,
 * previous_mean (of the runs that have it; a run's error_rate is errors /
 * cases, none when cases is 0), delta = latest - previous_mean, relative =
 * delta / previous_mean (null when previous_mean is 0)}. null without a
 * run, when the latest run has no night, or when no run is on an earlier
 * night.
 */
static int software_change(struct rep *r, cJSON *o, const char *first,
			   struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	double latest[SW_N], prev[SW_N];
	char night[11] = "";
	long runs = 0, nights = 0;
	cJSON *c;
	int ret, rc, i;

	for (i = 0; i < SW_N; i++)
		latest[i] = prev[i] = NAN;
	ret = sg_store_prepare(r->s, &st,
			       "SELECT date(started_at), CASE WHEN cases > 0"
			       " THEN CAST(errors AS REAL) / cases END,"
			       " p50_ms, p95_ms, p99_ms, throughput,"
			       " peak_rss_kb FROM runs WHERE model = ?1"
			       " ORDER BY id DESC LIMIT 1",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, r->model_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		snprintf(night, sizeof(night), "%.10s",
			 (const char *)sqlite3_column_text(st, 0));
		for (i = 0; i < SW_N; i++)
			latest[i] = col_double(st, 1 + i);
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		ret = sg_store_error(r->s, diag, "cannot read the runs");
	}
	sqlite3_finalize(st);
	if (ret || !night[0] || !first[0] || strcmp(first, night) >= 0)
		goto out;
	ret = sg_store_prepare(
		r->s, &st,
		"SELECT count(*), count(DISTINCT date(started_at)),"
		" avg(CASE WHEN cases > 0 THEN CAST(errors AS REAL) / cases END),"
		" avg(p50_ms), avg(p95_ms), avg(p99_ms), avg(throughput),"
		" avg(peak_rss_kb) FROM runs WHERE model = ?1"
		" AND date(started_at) >= ?2 AND date(started_at) < ?3",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, r->model_id);
	sqlite3_bind_text(st, 2, first, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, night, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		runs = (long)sqlite3_column_int64(st, 0);
		nights = (long)sqlite3_column_int64(st, 1);
		for (i = 0; i < SW_N; i++)
			prev[i] = col_double(st, 2 + i);
	} else {
		ret = sg_store_error(r->s, diag, "cannot read the runs");
	}
	sqlite3_finalize(st);
out:
	if (ret)
		return ret;
	if (!runs) {
		cJSON_AddNullToObject(o, "change");
		return 0;
	}
	c = cJSON_AddObjectToObject(o, "change");
	jstr(c, "night", night);
	jlong(c, "previous_nights", nights);
	jlong(c, "previous_runs", runs);
	for (i = 0; i < SW_N; i++) {
		cJSON *m = cJSON_AddObjectToObject(c, sw_keys[i]);
		double d = latest[i] - prev[i];

		jnum(m, "latest", latest[i]);
		jnum(m, "previous_mean", prev[i]);
		jnum(m, "delta", d);
		jnum(m, "relative", prev[i] != 0 ? d / prev[i] : NAN);
	}
	return 0;
}

static int software_history(struct rep *r, cJSON *o, struct sg_diag *diag)
{
	char first[11];
	int ret = software_nights(r, o, first, diag);

	return ret ? ret : software_change(r, o, first, diag);
}

static int build_software(struct rep *r, cJSON *root, struct sg_diag *diag)
{
	cJSON *o = cJSON_AddObjectToObject(root, "software");
	sqlite3_stmt *st = NULL;
	long runs = 0;
	int ret;

	jstr(o, "backend", r->backend);
	ret = sg_store_prepare(r->s, &st,
			       "SELECT count(*) FROM runs WHERE model = ?1", diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, r->model_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		runs = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	jlong(o, "runs", runs);
	ret = sg_store_prepare(r->s, &st,
			       "SELECT id, status, started_at, finished_at,"
			       " cases, scored, errors, p50_ms, p95_ms, p99_ms,"
			       " throughput, peak_rss_kb, latency_method,"
			       " startup_ms FROM runs"
			       " WHERE model = ?1 ORDER BY id DESC LIMIT 1",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, r->model_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		long cases = sqlite3_column_int64(st, 4);
		long errors = sqlite3_column_int64(st, 6);

		jlong(o, "run_id", sqlite3_column_int64(st, 0));
		jstr(o, "status", (const char *)sqlite3_column_text(st, 1));
		jstr(o, "started_at", (const char *)sqlite3_column_text(st, 2));
		jstr(o, "finished_at", (const char *)sqlite3_column_text(st, 3));
		jlong(o, "cases", cases);
		jlong(o, "scored", sqlite3_column_int64(st, 5));
		jlong(o, "errors", errors);
		jnum(o, "error_rate",
		     cases ? (double)errors / (double)cases : NAN);
		jnum(o, "p50_ms", col_double(st, 7));
		jnum(o, "p95_ms", col_double(st, 8));
		jnum(o, "p99_ms", col_double(st, 9));
		jnum(o, "throughput", col_double(st, 10));
		jnum(o, "peak_rss_kb", col_double(st, 11));
		jstr(o, "latency_method",
		     (const char *)sqlite3_column_text(st, 12));
		jnum(o, "startup_ms", col_double(st, 13));
	} else {
		static const char *const keys[] = {
			"run_id", "status",     "started_at", "finished_at",
			"cases",  "scored",     "errors",     "error_rate",
			"p50_ms", "p95_ms",     "p99_ms",     "throughput",
			"peak_rss_kb", "latency_method", "startup_ms"};
		size_t i;

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			cJSON_AddNullToObject(o, keys[i]);
	}
	sqlite3_finalize(st);
	jlong(o, "window_predictions", r->with_prediction);
	jlong(o, "window_errors", r->with_error);
	jnum(o, "window_error_rate",
	     r->with_prediction
		     ? (double)r->with_error / (double)r->with_prediction
		     : NAN);
	return software_history(r, o, diag);
}

static void jfstat(cJSON *c, const struct fstat *s)
{
	jlong(c, "cases", s->cases);
	jnum(c, "missing_rate",
	     s->cases ? (double)s->missing / (double)s->cases : NAN);
	jnum(c, "mean", s->cnt ? (double)s->mean : NAN);
	jnum(c, "std", s->cnt > 1 ? (double)sqrtl(s->m2 / (s->cnt - 1)) : NAN);
	jnum(c, "min", s->cnt ? s->min : NAN);
	jnum(c, "max", s->cnt ? s->max : NAN);
}

/* A feature's reference: decile cut points and the counts in each bin. */
struct fref {
	double cuts[SG_PSI_BINS - 1];
	long counts[SG_PSI_BINS];
	int ok;               /* the reference has present values */
};

static void bin_counts(const double *cuts, const double *v, size_t n,
		       long counts[SG_PSI_BINS])
{
	size_t i;

	memset(counts, 0, SG_PSI_BINS * sizeof(*counts));
	for (i = 0; i < n; i++)
		counts[sg_bin_of(cuts, SG_PSI_BINS, v[i])]++;
}

struct ranked {
	const char *name;
	double psi;
};

/* PSI descending, then name in byte order. */
static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;

	if (a->psi != b->psi)
		return a->psi < b->psi ? 1 : -1;
	return strcmp(a->name, b->name);
}

static void build_reference(struct rep *r, cJSON *o)
{
	cJSON *ref;
	struct sg_buf note = SG_BUF_INIT;

	if (!r->ref_on) {
		cJSON_AddNullToObject(o, "reference");
		return;
	}
	ref = cJSON_AddObjectToObject(o, "reference");
	jstr(ref, "how", r->ref_how);
	if (!strcmp(r->ref_how, "first_nights"))
		jlong(ref, "first_nights", r->o->reference_nights);
	else
		cJSON_AddNullToObject(ref, "first_nights");
	jstr(ref, "since", r->ref_has_since ? r->ref_since : NULL);
	jstr(ref, "until", r->ref_has_until ? r->ref_until : NULL);
	jlong(ref, "nights", r->ref_nights);
	jlong(ref, "cases", r->ref_cases);
	cJSON_AddBoolToObject(ref, "overlaps_window", r->ref_in_window > 0);
	if (!r->ref_has_since && !r->ref_has_until)
		sg_buf_addf(&note, "the store has no nights, so the reference "
				   "(its first %ld) has no cases: psi, ks and "
				   "ks_pvalue are null",
			    r->o->reference_nights);
	else if (!r->ref_cases)
		sg_buf_addf(&note, "the reference window %s .. %s has no cases:"
				   " psi, ks and ks_pvalue are null",
			    r->ref_has_since ? r->ref_since : "(open)",
			    r->ref_has_until ? r->ref_until : "(open)");
	jstr(ref, "note", note.len ? note.buf : NULL);
	sg_buf_release(&note);
}

/* Shares of segment values in the window and in the reference. */
struct shares {
	struct intern cols;   /* column names */
	struct intern keys;   /* column id, then the value's bytes */
	long *win, *ref;      /* by key id */
	size_t wcap, rcap;
	long *cwin, *cref;    /* by column id: cases carrying the column */
	size_t cwcap, crcap;
};

static void shares_add(struct shares *t, const char *col, size_t coln,
		       const char *val, size_t valn, long n, int ref)
{
	int c = intern_add(&t->cols, col, coln), k;
	char *key = sg_xmalloc(sizeof(c) + valn + 1);

	memcpy(key, &c, sizeof(c));
	memcpy(key + sizeof(c), val, valn);
	k = intern_add(&t->keys, key, sizeof(c) + valn);
	free(key);
	/* both sides sized to every key and column */
	add_id(&t->win, &t->wcap, k, ref ? 0 : n);
	add_id(&t->ref, &t->rcap, k, ref ? n : 0);
	add_id(&t->cwin, &t->cwcap, c, ref ? 0 : n);
	add_id(&t->cref, &t->crcap, c, ref ? n : 0);
}

static void shares_release(struct shares *t)
{
	intern_release(&t->cols);
	intern_release(&t->keys);
	free(t->win);
	free(t->ref);
	free(t->cwin);
	free(t->cref);
}

static const struct intern *cmp_keys;

/* Keys of one column: by value bytes. */
static int cmp_key_value(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return bytecmp(cmp_keys->s[x] + sizeof(int),
		       cmp_keys->len[x] - sizeof(int),
		       cmp_keys->s[y] + sizeof(int),
		       cmp_keys->len[y] - sizeof(int));
}

static void build_input_segments(struct rep *r, cJSON *o)
{
	struct shares t;
	cJSON *so, *j, *it;
	int *cols, *keys;
	size_t i, c, nk;
	int v;

	if (!r->ref_on) {
		cJSON_AddNullToObject(o, "segments");
		return;
	}
	memset(&t, 0, sizeof(t));
	for (i = 0; r->fixed_cols && i < r->segcols.n; i++)
		shares_add(&t, r->segcols.s[i], r->segcols.len[i], "", 0, 0, 0);
	for (i = 0; i < r->segstr.n && i < r->segstr_n_cap; i++) {
		const struct seginfo *si = &r->seginfo[i];

		for (v = 0; v < si->n; v++) {
			const struct intern *vals = &r->cols[si->col[v]].values;

			shares_add(&t, r->segcols.s[si->col[v]],
				   r->segcols.len[si->col[v]],
				   vals->s[si->val[v]], vals->len[si->val[v]],
				   r->segstr_n[i], 0);
		}
	}
	for (i = 0; i < r->ref_segstr.n; i++) {
		j = cJSON_ParseWithLength(r->ref_segstr.s[i],
					  r->ref_segstr.len[i]);
		cJSON_ArrayForEach(it, j)
		{
			char num[64];
			size_t n;
			const char *s;

			if (!it->string ||
			    (r->fixed_cols &&
			     intern_find_h(&r->segcols, it->string,
					   strlen(it->string),
					   fnv1a(it->string,
						 strlen(it->string))) < 0))
				continue;
			s = seg_text(it, num, &n);
			shares_add(&t, it->string, strlen(it->string), s, n,
				   r->ref_segstr_n[i], 1);
		}
		cJSON_Delete(j);
	}
	/* the placeholders of the configured columns are not values */
	so = cJSON_AddObjectToObject(o, "segments");
	cols = r->fixed_cols ? NULL : sorted_ids(&t.cols);
	keys = sg_xcalloc(t.keys.n + 1, sizeof(int));
	for (c = 0; c < t.cols.n; c++) {
		int cid = cols ? cols[c] : (int)c;
		cJSON *co = cJSON_AddObjectToObject(so, t.cols.s[cid]);
		cJSON *vo = cJSON_AddObjectToObject(co, "values");
		cJSON *un = cJSON_AddArrayToObject(co, "unseen");
		long cw = t.cwin[cid], cr = t.cref[cid];

		for (i = 0, nk = 0; i < t.keys.n; i++) {
			int kc;

			memcpy(&kc, t.keys.s[i], sizeof(kc));
			if (kc == cid && (t.win[i] || t.ref[i]))
				keys[nk++] = (int)i;
		}
		cmp_keys = &t.keys;
		sort(keys, nk, sizeof(int), cmp_key_value);
		cmp_keys = NULL;
		for (i = 0; i < nk; i++) {
			int k = keys[i];
			const char *val = t.keys.s[k] + sizeof(int);
			cJSON *e = cJSON_CreateObject();

			jlong(e, "cases", t.win[k]);
			jnum(e, "share", cw ? (double)t.win[k] / (double)cw : NAN);
			jlong(e, "reference_cases", t.ref[k]);
			jnum(e, "reference_share",
			     cr ? (double)t.ref[k] / (double)cr : NAN);
			cJSON_AddItemToObject(vo, val, e);
			if (t.win[k] && !t.ref[k] && r->ref_cases)
				cJSON_AddItemToArray(un, cJSON_CreateString(val));
		}
	}
	free(keys);
	free(cols);
	shares_release(&t);
}

/* A night's PSI of values v[0 .. n) against a feature's reference bins;
 * NaN when there is no reference or no value. */
static double night_psi(const struct fref *fr, const double *v, size_t n)
{
	long cnt[SG_PSI_BINS];

	if (!fr->ok || !n)
		return NAN;
	bin_counts(fr->cuts, v, n, cnt);
	return sg_psi(fr->counts, cnt, SG_PSI_BINS, SG_PSI_FLOOR);
}

/*
 * inputs.reference.by_night.<night>: each reference night's cases,
 * features.<name>.{missing_rate, psi} (against the whole reference) and
 * the model's predictions, error_rate and label_shift: what thresholds
 * learned from the reference nights are learned from.
 */
static void reference_by_night(struct rep *r, cJSON *ref,
			       const struct fref *fr)
{
	cJSON *bn;
	size_t i, j, *cur;

	if (!cJSON_IsObject(ref))
		return;
	bn = cJSON_AddObjectToObject(ref, "by_night");
	cur = sg_xcalloc(r->featnames.n + 1, sizeof(size_t));
	for (j = 0; j < (size_t)r->ref_nights; j++) {
		const struct refnight *ro = &r->refn[j];
		cJSON *nj = cJSON_AddObjectToObject(bn, ro->night);
		cJSON *fo;

		jlong(nj, "cases", ro->cases);
		fo = cJSON_AddObjectToObject(nj, "features");
		for (i = 0; i < r->featnames.n; i++) {
			struct feat *f = &r->feats[i];
			const struct fnight *fn = NULL;
			cJSON *c = cJSON_AddObjectToObject(fo, r->featnames.s[i]);

			while (cur[i] < f->nrfn && f->rfn[cur[i]].night < (int)j)
				cur[i]++;
			if (cur[i] < f->nrfn && f->rfn[cur[i]].night == (int)j)
				fn = &f->rfn[cur[i]];
			jnum(c, "missing_rate",
			     fn && fn->s.cases ? (double)fn->s.missing /
							 (double)fn->s.cases
					       : NAN);
			jnum(c, "psi",
			     fn ? night_psi(&fr[i], f->rv + fn->start,
					    (size_t)fn->s.cnt)
				: NAN);
		}
		jlong(nj, "predictions", ro->preds);
		jnum(nj, "error_rate",
		     ro->preds ? (double)ro->errors / (double)ro->preds : NAN);
		jnum(nj, "label_shift", ro->label_shift);
	}
	free(cur);
}

static void build_inputs(struct rep *r, cJSON *root)
{
	cJSON *o = cJSON_AddObjectToObject(root, "inputs");
	cJSON *fo, *a;
	size_t nf = r->featnames.n, i, j, nr = 0;
	struct fref *fr = sg_xcalloc(nf + 1, sizeof(*fr));
	struct ranked *rk = sg_xcalloc(nf + 1, sizeof(*rk));

	build_reference(r, o);
	jnum(o, "psi_floor", SG_PSI_FLOOR);
	jlong(o, "psi_bins", SG_PSI_BINS);
	jstr(o, "ks_pvalue_method", "asymptotic");
	fo = cJSON_AddObjectToObject(o, "features");
	for (i = 0; i < nf; i++) {
		struct feat *f = &r->feats[i];
		cJSON *c = cJSON_AddObjectToObject(fo, r->featnames.s[i]);
		double psi = NAN;
		struct sg_ks ks = {NAN, NAN};

		jfstat(c, &f->w);
		if (r->ref_on && f->nrv) {
			/* rv stays in night order for the by-night PSI */
			double *srt = sg_xmalloc(f->nrv * sizeof(double));

			memcpy(srt, f->rv, f->nrv * sizeof(double));
			sort(srt, f->nrv, sizeof(double), cmp_double);
			sg_bin_cuts(srt, f->nrv, SG_PSI_BINS, fr[i].cuts);
			bin_counts(fr[i].cuts, srt, f->nrv, fr[i].counts);
			free(srt);
			fr[i].ok = 1;
			if (f->nv) {
				psi = sg_psi_samples(f->rv, f->nrv, f->v, f->nv,
						     SG_PSI_BINS, SG_PSI_FLOOR);
				sg_ks_2samp(f->rv, f->nrv, f->v, f->nv, &ks);
			}
		}
		jnum(c, "psi", psi);
		jnum(c, "ks", ks.d);
		jnum(c, "ks_pvalue", ks.pvalue);
		if (r->ref_on)
			jfstat(cJSON_AddObjectToObject(c, "reference"), &f->ref);
		else
			cJSON_AddNullToObject(c, "reference");
		if (isfinite(psi)) {
			rk[nr].name = r->featnames.s[i];
			rk[nr].psi = psi;
			nr++;
		}
	}
	reference_by_night(r, cJSON_GetObjectItemCaseSensitive(o, "reference"),
			   fr);
	sort(rk, nr, sizeof(*rk), cmp_ranked);
	a = cJSON_AddArrayToObject(o, "ranking");
	for (i = 0; i < nr; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(rk[i].name));
	build_input_segments(r, o);
	if (!r->ref_on) {
		cJSON_AddNullToObject(o, "nights");
	} else {
		cJSON *no = cJSON_AddObjectToObject(o, "nights");
		size_t *cur = sg_xcalloc(nf + 1, sizeof(size_t));

		for (j = 0; j < r->nnights; j++) {
			cJSON *nj = cJSON_AddObjectToObject(no, r->nights[j].night);
			cJSON *nf_o;

			jlong(nj, "cases", r->nights[j].cases);
			nf_o = cJSON_AddObjectToObject(nj, "features");
			for (i = 0; i < nf; i++) {
				struct feat *f = &r->feats[i];
				cJSON *c = cJSON_AddObjectToObject(
					nf_o, r->featnames.s[i]);
				const struct fnight *fn = NULL;
				struct fstat none;
				const struct fstat *st;
				double psi = NAN;

				while (cur[i] < f->nfn &&
				       f->fn[cur[i]].night < (int)j)
					cur[i]++;
				if (cur[i] < f->nfn &&
				    f->fn[cur[i]].night == (int)j)
					fn = &f->fn[cur[i]];
				memset(&none, 0, sizeof(none));
				st = fn ? &fn->s : &none;
				if (fn)
					psi = night_psi(&fr[i], f->v + fn->start,
							(size_t)fn->s.cnt);
				/* cases, missing_rate, mean, std, min, max:
				 * null without a present value that night */
				jfstat(c, st);
				jnum(c, "psi", psi);
			}
		}
		free(cur);
	}
	free(fr);
	free(rk);
}

/*
 * The 0, 0.1, ..., 1 quantiles of scores; null when empty. Returns 0 or
 * SG_ESTORE with diag set.
 */
static int score_deciles(cJSON *o, struct scores *s, struct sg_diag *diag)
{
	double q[11], v[11];
	cJSON *a;
	int i, ret;

	if (!s->total) {
		cJSON_AddNullToObject(o, "score_deciles");
		return 0;
	}
	for (i = 0; i <= 10; i++)
		q[i] = i / 10.0;
	ret = scores_quantiles(s, q, 11, v, diag);
	if (ret)
		return ret;
	a = cJSON_AddArrayToObject(o, "score_deciles");
	for (i = 0; i <= 10; i++)
		cJSON_AddItemToArray(a, jnumitem(v[i]));
	return 0;
}

/*
 * labels.<label>.{human, model, human_share, model_share} over n compared
 * cases, from counts by label id (ids >= nh count 0), for the labels ids[0
 * .. k); then label_shift (the largest |model_share - human_share|, with
 * its label; null when n is 0) and chi_square of the label x side table.
 */
static void label_table(const struct rep *r, cJSON *o, const int *ids,
			size_t k, const long *h, const long *m, size_t nh,
			long n)
{
	cJSON *l = cJSON_AddObjectToObject(o, "labels"), *c;
	long *hv = sg_xcalloc(k + 1, sizeof(long));
	long *mv = sg_xcalloc(k + 1, sizeof(long));
	double best = -1, chi;
	const char *best_label = NULL;
	size_t i;
	long df;

	for (i = 0; i < k; i++) {
		size_t id = (size_t)ids[i];
		double hs, ms;

		hv[i] = id < nh ? h[id] : 0;
		mv[i] = id < nh ? m[id] : 0;
		hs = n ? (double)hv[i] / (double)n : NAN;
		ms = n ? (double)mv[i] / (double)n : NAN;
		c = cJSON_AddObjectToObject(l, r->labels.s[id]);
		jlong(c, "human", hv[i]);
		jlong(c, "model", mv[i]);
		jnum(c, "human_share", hs);
		jnum(c, "model_share", ms);
		if (n && fabs(ms - hs) > best) {
			best = fabs(ms - hs);
			best_label = r->labels.s[id];
		}
	}
	if (best_label) {
		c = cJSON_AddObjectToObject(o, "label_shift");
		jnum(c, "value", best);
		jstr(c, "label", best_label);
	} else {
		cJSON_AddNullToObject(o, "label_shift");
	}
	chi = sg_chi_square_2col(hv, mv, k, &df);
	c = cJSON_AddObjectToObject(o, "chi_square");
	jnum(c, "statistic", chi);
	if (isfinite(chi))
		jlong(c, "df", df);
	else
		cJSON_AddNullToObject(c, "df");
	free(hv);
	free(mv);
}

static int build_outputs(struct rep *r, cJSON *root, struct sg_diag *diag)
{
	cJSON *o = cJSON_AddObjectToObject(root, "outputs");
	long n = r->compared;
	size_t k = 0, i, j;
	int all, ret;
	int *ids = NULL;

	jlong(o, "compared", n);
	if (r->numeric) {
		jnum(o, "human_mean", n ? (double)(ksum_get(&r->h_sum) / n) : NAN);
		jnum(o, "model_mean", n ? (double)(ksum_get(&r->m_sum) / n) : NAN);
		cJSON_AddNullToObject(o, "labels");
		cJSON_AddNullToObject(o, "label_shift");
		cJSON_AddNullToObject(o, "chi_square");
	} else {
		size_t nl = r->labels.n;
		long *h = sg_xcalloc(nl + 1, sizeof(long));
		long *m = sg_xcalloc(nl + 1, sizeof(long));

		ids = shown_labels(r, &k, &all);
		for (i = 0; i < nl; i++)
			for (j = 0; j < nl; j++) {
				h[i] += r->cm[i * r->cm_cap + j];
				m[i] += r->cm[j * r->cm_cap + i];
			}
		label_table(r, o, ids, k, h, m, nl, n);
		free(h);
		free(m);
	}
	jlong(o, "errors", r->with_error);
	jnum(o, "error_rate",
	     r->with_prediction
		     ? (double)r->with_error / (double)r->with_prediction
		     : NAN);
	/* the gate's max_error_rate judges these two, never its own ratio */
	if (r->with_prediction) {
		double lo, hi;
		cJSON *ci = cJSON_AddArrayToObject(o, "error_rate_ci95");

		sg_wilson(r->with_error, r->with_prediction, r->o->confidence,
			  &lo, &hi);
		cJSON_AddItemToArray(ci, jnumitem(lo));
		cJSON_AddItemToArray(ci, jnumitem(hi));
	} else {
		cJSON_AddNullToObject(o, "error_rate_ci95");
	}
	jlong(o, "predictions", r->with_prediction);
	jlong(o, "empty", r->with_empty);
	jnum(o, "empty_rate",
	     r->with_prediction
		     ? (double)r->with_empty / (double)r->with_prediction
		     : NAN);
	jlong(o, "scored", (long)r->scores.total);
	ret = score_deciles(o, &r->scores, diag);
	if (!ret && !r->ref_on) {
		cJSON_AddNullToObject(o, "nights");
	} else if (!ret) {
		cJSON *no = cJSON_AddObjectToObject(o, "nights");

		for (i = 0; !ret && i < r->nnights; i++) {
			struct night_acc *na = &r->nights[i];
			cJSON *nj = cJSON_AddObjectToObject(no, na->night);

			jlong(nj, "predictions", na->preds);
			jlong(nj, "errors", na->errors);
			jnum(nj, "error_rate",
			     na->preds ? (double)na->errors / (double)na->preds
				       : NAN);
			jlong(nj, "empty", na->empty);
			jlong(nj, "compared", na->a.n);
			if (r->numeric) {
				cJSON_AddNullToObject(nj, "labels");
				cJSON_AddNullToObject(nj, "label_shift");
				cJSON_AddNullToObject(nj, "chi_square");
			} else {
				label_table(r, nj, ids, k, na->hl, na->ml,
					    na->nl, na->a.n);
			}
			jlong(nj, "scored", na->scored);
			ret = score_deciles(nj, &na->sc, diag);
		}
	}
	free(ids);
	return ret;
}

/* Adds {compared, changed, rate, ci95} to o; returns o. */
static cJSON *change_obj(cJSON *o, long changed, long n, double confidence)
{
	double lo, hi;

	jlong(o, "compared", n);
	jlong(o, "changed", changed);
	jnum(o, "rate", n ? (double)changed / (double)n : NAN);
	sg_wilson(changed, n, confidence, &lo, &hi);
	jci(o, lo, hi);
	return o;
}

/*
 * The previous version of the report's model: the model of the same name
 * registered just before it (created_at, then id). *id 0 when none.
 */
static int previous_version(struct rep *r, long long *id, cJSON **prev,
			    struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	*id = 0;
	*prev = NULL;
	ret = sg_store_prepare(r->s, &st,
			       "SELECT id, version, created_at FROM models"
			       " WHERE name = ?1 AND id <> ?2"
			       " AND (created_at < ?3"
			       "  OR (created_at = ?3 AND id < ?2))"
			       " ORDER BY created_at DESC, id DESC LIMIT 1",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, r->model_name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->model_id);
	sqlite3_bind_text(st, 3, r->created_at, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*prev = cJSON_CreateObject();
		jlong(*prev, "id", (long)*id);
		jstr(*prev, "version", (const char *)sqlite3_column_text(st, 1));
		jstr(*prev, "created_at",
		     (const char *)sqlite3_column_text(st, 2));
	} else if (rc != SQLITE_DONE) {
		ret = sg_store_error(r->s, diag, "cannot read the models");
	}
	sqlite3_finalize(st);
	return ret;
}

/*
 * outputs.version_change: how often the model changes its mind between
 * versions. On the window's cases that this version and the previous one
 * (previous_version) both scored without an error, both holding a label
 * (numeric decisions: a number), a case is changed when the labels differ
 * (numbers: by more than the tolerance, as for agreement): overall and by
 * night, each with the Wilson interval of the rate. null when the model
 * has no previous version. Its own pass over the predictions of the two
 * versions, grouped by night in SQL; nothing is kept per case.
 */
static int build_version_change(struct rep *r, cJSON *outputs,
				struct sg_diag *diag)
{
	struct sg_buf sql = SG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	cJSON *prev = NULL, *o, *no;
	long long prev_id;
	long n = 0, changed = 0;
	int ret, rc;

	ret = previous_version(r, &prev_id, &prev, diag);
	if (ret)
		return ret;
	if (!prev_id) {
		cJSON_AddNullToObject(outputs, "version_change");
		return 0;
	}
	o = cJSON_AddObjectToObject(outputs, "version_change");
	cJSON_AddItemToObject(o, "previous", prev);
	if (r->numeric)
		jnum(o, "tolerance", r->o->tolerance);
	else
		cJSON_AddNullToObject(o, "tolerance");
	no = cJSON_CreateObject();
	if (r->empty)
		goto done;
	sg_buf_addf(&sql,
		    "SELECT c.night, count(*), sum(%s) FROM cases c"
		    " JOIN predictions a ON a.case_ref = c.id AND a.model = ?1"
		    "  AND a.is_current = 1 AND a.error IS NULL"
		    "  AND a.%s IS NOT NULL"
		    " JOIN predictions b ON b.case_ref = c.id AND b.model = ?2"
		    "  AND b.is_current = 1 AND b.error IS NULL"
		    "  AND b.%s IS NOT NULL",
		    r->numeric ? "abs(a.value - b.value) > ?5"
			       : "a.label <> b.label",
		    r->numeric ? "value" : "label",
		    r->numeric ? "value" : "label");
	if (!r->whole)
		sg_buf_addstr(&sql, " WHERE c.night >= ?3 AND c.night <= ?4");
	sg_buf_addstr(&sql, " GROUP BY c.night ORDER BY c.night");
	ret = sg_store_prepare(r->s, &st, sql.buf, diag);
	if (ret)
		goto out;
	sqlite3_bind_int64(st, 1, r->model_id);
	sqlite3_bind_int64(st, 2, prev_id);
	if (!r->whole) {
		sqlite3_bind_text(st, 3, r->has_since ? r->since : "0000-01-01",
				  -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, r->has_until ? r->until : "9999-12-31",
				  -1, SQLITE_STATIC);
	}
	if (r->numeric)
		sqlite3_bind_double(st, 5, r->o->tolerance);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *night = (const char *)sqlite3_column_text(st, 0);
		long k = (long)sqlite3_column_int64(st, 1);
		long c = (long)sqlite3_column_int64(st, 2);

		n += k;
		changed += c;
		if (night) /* cases without a night count overall only */
			cJSON_AddItemToObject(no, night,
					      change_obj(cJSON_CreateObject(), c,
							 k, r->o->confidence));
	}
	if (rc != SQLITE_DONE)
		ret = sg_store_error(r->s, diag,
				     "cannot compare with the previous version");
done:
	if (!ret) {
		change_obj(o, changed, n, r->o->confidence);
		cJSON_AddItemToObject(o, "nights", no);
		no = NULL;
	}
out:
	cJSON_Delete(no);
	sqlite3_finalize(st);
	sg_buf_release(&sql);
	return ret;
}

static int case_id_of(struct rep *r, long long rowid, cJSON *o,
		      struct sg_diag *diag)
{
	static const char sql[] = "SELECT case_id FROM cases WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	int ret = sg_store_prepare(r->s, &st, sql, diag);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, rowid);
	if (sqlite3_step(st) == SQLITE_ROW)
		jstr(o, "case_id", (const char *)sqlite3_column_text(st, 0));
	else
		ret = sg_store_error(r->s, diag, "cannot read a case");
	sqlite3_finalize(st);
	return ret;
}

static int build_examples(struct rep *r, cJSON *root, struct sg_diag *diag)
{
	cJSON *a = cJSON_AddArrayToObject(root, "disagreements");
	size_t i;
	int ret;

	for (i = 0; i < r->nex; i++) {
		const struct example *e = &r->ex[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddItemToArray(a, o);
		ret = case_id_of(r, e->rowid, o, diag);
		if (ret)
			return ret;
		jstr(o, "night", e->night[0] ? e->night : NULL);
		if (r->numeric) {
			jnum(o, "human", e->hv);
			jnum(o, "model", e->mv);
		} else {
			jstr(o, "human", r->labels.s[e->h]);
			jstr(o, "model", r->labels.s[e->m]);
		}
		jnum(o, "score", e->score);
	}
	return 0;
}

static void build_head(struct rep *r, cJSON *root)
{
	cJSON *o;
	char now[32];

	jlong(root, "report_version", SG_REPORT_VERSION);
	if (r->o->generated_at) {
		jstr(root, "generated_at", r->o->generated_at);
	} else {
		sg_now_iso(now);
		jstr(root, "generated_at", now);
	}
	if (r->model_id) {
		o = cJSON_AddObjectToObject(root, "model");
		jlong(o, "id", (long)r->model_id);
		jstr(o, "name", r->model_name);
		jstr(o, "version", r->model_version);
		jstr(o, "backend", r->backend);
		jstr(o, "sha256", r->sha256);
		jstr(o, "created_at", r->created_at);
	} else {
		cJSON_AddNullToObject(root, "model");
	}
	o = cJSON_AddObjectToObject(root, "window");
	if (r->has_since)
		jstr(o, "since", r->since);
	else
		jstr(o, "since", r->nnights ? r->nights[0].night : NULL);
	if (r->has_until)
		jstr(o, "until", r->until);
	else
		jstr(o, "until",
		     r->nnights ? r->nights[r->nnights - 1].night : NULL);
	jlong(o, "nights", (long)r->nnights);
	if (r->o->last > 0)
		jlong(o, "last", r->o->last);
	else
		cJSON_AddNullToObject(o, "last");
	cJSON_AddBoolToObject(o, "all", r->whole);
	jlong(o, "undated_cases", r->undated_out);
	if (r->undated_all) {
		jstr(o, "note", "no case has a night (a log without times): "
				"the window is all cases");
	} else if (r->undated_out) {
		struct sg_buf b = SG_BUF_INIT;

		sg_buf_addf(&b,
			    "%ld case%s without a night %s not in this window; "
			    "--window-nights 0 includes them",
			    r->undated_out, r->undated_out == 1 ? "" : "s",
			    r->undated_out == 1 ? "is" : "are");
		jstr(o, "note", b.buf);
		sg_buf_release(&b);
	} else {
		cJSON_AddNullToObject(o, "note");
	}
	jnum(root, "confidence", r->o->confidence);
	jstr(root, "decision_type", r->numeric ? "numeric" : "label");
	jlong(root, "cases", r->compared);
	o = cJSON_AddObjectToObject(root, "counts");
	jlong(o, "in_window", r->in_window);
	jlong(o, "with_decision", r->with_decision);
	jlong(o, "with_prediction", r->with_prediction);
	jlong(o, "prediction_errors", r->with_error);
	jlong(o, "compared", r->compared);
	o = cJSON_AddObjectToObject(o, "excluded");
	jlong(o, "no_decision", r->ex_no_decision);
	jlong(o, "no_prediction", r->ex_no_prediction);
	jlong(o, "prediction_error", r->ex_error);
	jlong(o, "no_human_value", r->ex_no_human);
	jlong(o, "no_model_output", r->ex_no_model);
}

static int prepare(struct rep *r, struct sg_store *s,
		   const struct sg_report_opts *o, struct sg_diag *diag)
{
	size_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	r->s = s;
	r->o = o;
	r->night_idx = r->seg_id = -1;
	if (!(o->confidence > 0 && o->confidence < 1)) {
		sg_diag_set(diag, NULL, 0, 0,
			    "--confidence: %g is out of range (0, 1)",
			    o->confidence);
		return SG_EUSAGE;
	}
	if (o->segments && o->segments->n) {
		r->fixed_cols = 1;
		for (i = 0; i < o->segments->n; i++)
			segcol_id(r, o->segments->v[i],
				  strlen(o->segments->v[i]));
	}
	ret = resolve_window(r, diag);
	if (!ret)
		ret = find_model(r, diag);
	if (!ret)
		ret = detect_type(r, diag);
	return ret;
}

int sg_report_build(struct sg_store *s, const struct sg_report_opts *opts,
		    cJSON **out, struct sg_diag *diag)
{
	struct rep r;
	cJSON *root = NULL;
	int ret;

	*out = NULL;
	ret = prepare(&r, s, opts, diag);
	if (!ret)
		ret = resolve_reference(&r, diag);
	if (ret)
		goto out;
	if (!r.model_id)
		r.ref_on = 0; /* no inputs section to measure drift in */
	ret = scan(&r, diag);
	if (!ret)
		ret = scan_reference(&r, diag);
	if (!ret && r.ref_on)
		ret = reference_outputs(&r, diag);
	if (ret)
		goto out;
	root = cJSON_CreateObject();
	build_head(&r, root);
	if (r.model_id) {
		cJSON *a = agreement_obj(r.agree, r.compared, opts->confidence);

		cJSON_AddItemToObject(root, "agreement", a);
		build_labels(&r, root);
		build_segments(&r, root);
		build_nights(&r, root);
		build_regression(&r, root);
	}
	build_baseline(&r, root);
	if (r.model_id) {
		ret = build_coverage(&r, root, diag);
		if (!ret)
			ret = build_software(&r, root, diag);
		if (ret)
			goto out;
		build_inputs(&r, root);
		ret = build_outputs(&r, root, diag);
		if (!ret)
			ret = build_version_change(
				&r,
				cJSON_GetObjectItemCaseSensitive(root, "outputs"),
				diag);
		if (!ret)
			ret = build_examples(&r, root, diag);
		if (ret)
			goto out;
	}
	*out = root;
	root = NULL;
	ret = 0;
out:
	cJSON_Delete(root);
	rep_release(&r);
	return ret;
}

int sg_report_store(struct sg_store *s, const cJSON *report, long *report_id,
		    struct sg_diag *diag)
{
	const cJSON *model = cJSON_GetObjectItemCaseSensitive(report, "model");
	const cJSON *win = cJSON_GetObjectItemCaseSensitive(report, "window");
	const cJSON *mid = cJSON_GetObjectItemCaseSensitive(model, "id");
	const cJSON *since = cJSON_GetObjectItemCaseSensitive(win, "since");
	const cJSON *until = cJSON_GetObjectItemCaseSensitive(win, "until");
	sqlite3_stmt *st = NULL;
	char *text = NULL, now[32];
	int ret;

	ret = sg_store_prepare(s, &st,
			       "INSERT INTO reports(model, since, until,"
			       " created_at, json) VALUES (?1, ?2, ?3, ?4, ?5)",
			       diag);
	if (ret)
		return ret;
	text = sg_report_json(report, 0);
	sg_now_iso(now);
	if (cJSON_IsNumber(mid))
		sqlite3_bind_int64(st, 1, (sqlite3_int64)mid->valuedouble);
	if (cJSON_IsString(since))
		sqlite3_bind_text(st, 2, since->valuestring, -1, SQLITE_STATIC);
	if (cJSON_IsString(until))
		sqlite3_bind_text(st, 3, until->valuestring, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ret = sg_store_error(s, diag, "cannot store the report");
	} else if (report_id) {
		*report_id = (long)sqlite3_last_insert_rowid(s->db);
	}
	sqlite3_finalize(st);
	free(text);
	return ret;
}

/* ---- the sample ---- */

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0, without modulo bias. */
static uint64_t uniform(uint64_t *state, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = splitmix64(state);
	while (x >= limit);
	return x % n;
}

struct stratum {
	int id;               /* in r->strata */
	int h, m, seg;
	size_t size, take, first; /* first: offset in the grouped order */
};

static const struct rep *strat_rep;

static int cmp_str(const struct intern *t, int a, int b)
{
	if (a < 0 || b < 0)
		return (a > b) - (a < b);
	return bytecmp(t->s[a], t->len[a], t->s[b], t->len[b]);
}

static int cmp_stratum(const void *pa, const void *pb)
{
	const struct stratum *a = pa, *b = pb;
	int c = cmp_str(&strat_rep->labels, a->h, b->h);

	if (!c)
		c = cmp_str(&strat_rep->labels, a->m, b->m);
	if (!c)
		c = cmp_str(&strat_rep->segstr, a->seg, b->seg);
	return c;
}

/* Largest strata first, then stratum order. */
static int cmp_size(const void *pa, const void *pb)
{
	const struct stratum *const *a = pa, *const *b = pb;

	if ((*a)->size != (*b)->size)
		return (*a)->size < (*b)->size ? 1 : -1;
	return (*a < *b) ? -1 : (*a > *b);
}

/*
 * Allocates n over the strata (n < total): at least one each while n
 * allows, else proportional by largest remainder, exact in integers:
 * stratum i "deserves" n * size_i / total.
 */
static void allocate(struct stratum *st, size_t ns, size_t n, size_t total)
{
	size_t i, sum = 0;

	if (n <= ns) {
		struct stratum **p = sg_xcalloc(ns, sizeof(*p));

		for (i = 0; i < ns; i++)
			p[i] = &st[i];
		sort(p, ns, sizeof(*p), cmp_size);
		for (i = 0; i < n; i++)
			p[i]->take = 1;
		free(p);
		return;
	}
	for (i = 0; i < ns; i++) {
		size_t q = (size_t)((unsigned long long)n * st[i].size / total);

		st[i].take = q < 1 ? 1 : q > st[i].size ? st[i].size : q;
		sum += st[i].take;
	}
	while (sum != n) {
		/* excess (take * total - n * size) decides who gives or gets */
		long long bestv = 0;
		size_t best = ns;

		for (i = 0; i < ns; i++) {
			long long ex = (long long)st[i].take * (long long)total -
				       (long long)n * (long long)st[i].size;

			if (sum > n && st[i].take > 1 &&
			    (best == ns || ex > bestv)) {
				best = i;
				bestv = ex;
			} else if (sum < n && st[i].take < st[i].size &&
				   (best == ns || ex < bestv)) {
				best = i;
				bestv = ex;
			}
		}
		if (best == ns)
			break;
		if (sum > n) {
			st[best].take--;
			sum--;
		} else {
			st[best].take++;
			sum++;
		}
	}
}

static int sample_case(struct rep *r, const struct cand *c, cJSON *arr,
		       cJSON *segcols, cJSON *featcols, struct sg_diag *diag)
{
	static const char sql[] =
		"SELECT case_id, night, segments, feature_set, features"
		" FROM cases WHERE id = ?1";
	sqlite3_stmt *st = NULL;
	cJSON *o = cJSON_CreateObject(), *seg, *fo, *it;
	const char *t;
	int ret;

	cJSON_AddItemToArray(arr, o);
	ret = sg_store_prepare(r->s, &st, sql, diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, c->rowid);
	if (sqlite3_step(st) != SQLITE_ROW) {
		ret = sg_store_error(r->s, diag, "cannot read a case");
		goto out;
	}
	jstr(o, "case_id", (const char *)sqlite3_column_text(st, 0));
	jstr(o, "night", (const char *)sqlite3_column_text(st, 1));
	if (r->numeric) {
		jnum(o, "human", c->hv);
		jnum(o, "model", c->mv);
	} else {
		jstr(o, "human", r->labels.s[c->h]);
		jstr(o, "model", r->labels.s[c->m]);
	}
	jnum(o, "score", c->score);
	t = (const char *)sqlite3_column_text(st, 2);
	seg = t ? cJSON_Parse(t) : NULL;
	if (!cJSON_IsObject(seg)) {
		cJSON_Delete(seg);
		seg = cJSON_CreateObject();
	}
	cJSON_ArrayForEach(it, seg)
	{
		cJSON *k;
		int found = 0;

		cJSON_ArrayForEach(k, segcols)
		{
			if (!strcmp(k->valuestring, it->string))
				found = 1;
		}
		if (!found)
			cJSON_AddItemToArray(segcols,
					     cJSON_CreateString(it->string));
	}
	cJSON_AddItemToObject(o, "segments", seg);
	fo = cJSON_AddObjectToObject(o, "features");
	if (sqlite3_column_type(st, 4) == SQLITE_BLOB) {
		struct fset *f = feature_set(r, sqlite3_column_int64(st, 3));
		const char *blob = sqlite3_column_blob(st, 4);
		size_t n = (size_t)sqlite3_column_bytes(st, 4) / sizeof(double);
		size_t i;

		for (i = 0; f && i < n && i < f->n; i++) {
			const char *name = r->featnames.s[f->name[i]];
			cJSON *k;
			double x;
			int found = 0;

			memcpy(&x, blob + i * sizeof(double), sizeof(x));
			jnum(fo, name, x);
			cJSON_ArrayForEach(k, featcols)
			{
				if (!strcmp(k->valuestring, name))
					found = 1;
			}
			if (!found)
				cJSON_AddItemToArray(featcols,
						     cJSON_CreateString(name));
		}
	}
out:
	sqlite3_finalize(st);
	return ret;
}

int sg_sample_build(struct sg_store *s, const struct sg_sample_opts *opts,
		    cJSON **out, struct sg_diag *diag)
{
	struct rep r;
	struct stratum *strata = NULL;
	size_t ns, i, j, total;
	cJSON *root = NULL, *o, *arr, *segcols, *featcols;
	uint64_t state = opts->seed;
	int *rank = NULL, ret;

	*out = NULL;
	ret = prepare(&r, s, &opts->report, diag);
	if (ret)
		goto out;
	if (!r.model_id) {
		sg_diag_set(diag, NULL, 0, 0,
			    "the store has no model predictions to sample "
			    "disagreements from");
		ret = SG_EUSAGE;
		goto out;
	}
	r.sampling = 1;
	ret = scan(&r, diag);
	if (ret)
		goto out;
	ns = r.strata.n;
	total = r.ncands;
	strata = sg_xcalloc(ns + 1, sizeof(*strata));
	for (i = 0; i < ns; i++) {
		const int *key = (const int *)r.strata.s[i];

		strata[i].id = (int)i;
		strata[i].h = key[0];
		strata[i].m = key[1];
		strata[i].seg = key[2];
	}
	for (i = 0; i < total; i++)
		strata[r.cands[i].stratum].size++;
	strat_rep = &r;
	sort(strata, ns, sizeof(*strata), cmp_stratum);
	strat_rep = NULL;
	/* renumber the candidates by stratum rank, grouped in scan order */
	rank = sg_xcalloc(ns + 1, sizeof(int));
	for (i = 0; i < ns; i++)
		rank[strata[i].id] = (int)i;
	for (i = 0; i < total; i++)
		r.cands[i].stratum = rank[r.cands[i].stratum];
	{
		/* counting sort keeps the scan order inside a stratum */
		struct cand *g = sg_xcalloc(total + 1, sizeof(*g));
		size_t *pos = sg_xcalloc(ns + 1, sizeof(size_t));

		for (i = 0, j = 0; i < ns; i++) {
			strata[i].first = j;
			pos[i] = j;
			j += strata[i].size;
		}
		for (i = 0; i < total; i++)
			g[pos[r.cands[i].stratum]++] = r.cands[i];
		free(pos);
		free(r.cands);
		r.cands = g;
	}
	if ((size_t)opts->n >= total) {
		for (i = 0; i < ns; i++)
			strata[i].take = strata[i].size;
	} else {
		allocate(strata, ns, (size_t)opts->n, total);
	}

	root = cJSON_CreateObject();
	build_head(&r, root);
	cJSON_DeleteItemFromObjectCaseSensitive(root, "counts");
	cJSON_DeleteItemFromObjectCaseSensitive(root, "cases");
	cJSON_DeleteItemFromObjectCaseSensitive(root, "report_version");
	jnum(root, "seed", (double)opts->seed);
	jlong(root, "requested", opts->n);
	jlong(root, "disagreements", (long)total);
	jlong(root, "strata", (long)ns);
	o = cJSON_AddObjectToObject(root, "columns");
	segcols = cJSON_AddArrayToObject(o, "segments");
	featcols = cJSON_AddArrayToObject(o, "features");
	arr = cJSON_AddArrayToObject(root, "cases");
	for (i = 0; i < ns; i++) {
		struct cand *c = r.cands + strata[i].first;
		size_t n = strata[i].size, k = strata[i].take;

		/* partial Fisher-Yates over the stratum, then keep the
		 * picked ones in scan order */
		for (j = 0; j < k; j++) {
			size_t x = j + (size_t)uniform(&state, n - j);
			struct cand t = c[j];

			c[j] = c[x];
			c[x] = t;
		}
		{
			/* order the k picked by rowid: small insertion sort */
			size_t a, b;

			for (a = 1; a < k; a++) {
				struct cand t = c[a];

				for (b = a; b > 0 && c[b - 1].rowid > t.rowid;
				     b--)
					c[b] = c[b - 1];
				c[b] = t;
			}
		}
		for (j = 0; j < k; j++) {
			cJSON *last;

			ret = sample_case(&r, &c[j], arr, segcols, featcols,
					  diag);
			if (ret)
				goto out;
			last = cJSON_GetArrayItem(arr,
						  cJSON_GetArraySize(arr) - 1);
			jlong(last, "stratum", (long)i + 1);
		}
	}
	*out = root;
	root = NULL;
	ret = 0;
out:
	free(strata);
	free(rank);
	cJSON_Delete(root);
	rep_release(&r);
	return ret;
}
