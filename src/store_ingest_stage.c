/*
 * store_ingest_stage.c - the ingest's staging: valid rows packed into
 * sorted runs (in memory, then in a temporary file) and merged back in
 * key order, the
 * feature set and the ingest batch records, and the raw text of rejects
 * found after the sort.
 */
#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sg/buf.h"
#include "sg/ingest.h"
#include "sg/reader.h"
#include "sg/report.h"
#include "sg/sha256.h"
#include "sg/thread.h"
#include "sg/timeutil.h"
#include "store_impl.h"
#include "store_ingest.h"

/* Copies n bytes into the arena; returns their offset. */
size_t ingest_keep(struct ingest *in, const void *p, size_t n)
{
	size_t off = in->arena.len;

	sg_buf_add(&in->arena, p, n);
	return off;
}

/*
 * The sort of a file's rows into merge order (night, none first; case
 * id; row), done here rather than by SQLite: the rows are packed into
 * records in memory (RUN_BYTES of them at most), a full run is sorted
 * and written to an unlinked temporary file in one sequential sweep, and
 * at the end of the file the runs are merged. A file whose rows fit in
 * one run never touches the disk. Through a temporary table and an
 * ORDER BY every row was written twice (the table, then the sorter's
 * runs), and inserting and sorting them took a third of an ingest.
 *
 * A record: its length (u32), the case id's length (u32), the line (i64),
 * whether it has a night (u8) and the night (10 bytes), then the case id;
 * then flags (u8: which of the row's numbers follow), those numbers (8
 * bytes each), the lengths of its texts (u32 each) and the texts. The raw
 * text of the row is left out (it was 40% of the bytes to sort): a row
 * rejected after the sort is stored without it and fill_raw reads it from
 * the file again. Records live and die in this process.
 */
#define RUN_BYTES (24u << 20)
#define RUN_READ (256u << 10)
#define REC_HEAD 27
#define F_PRED 1
#define F_AT 2
#define F_VALUE 4
#define F_MVALUE 8
#define F_SCORE 16

static void put_u32(struct sg_buf *b, size_t v)
{
	uint32_t x = (uint32_t)v;

	sg_buf_add(b, &x, sizeof(x));
}

static void put_double(struct sg_buf *b, double v)
{
	sg_buf_add(b, &v, sizeof(v));
}

/* Appends staged row s to the run as a record; notes where it starts. */
static void pack_row(struct ingest *in, const struct staged *s)
{
	struct sg_buf *b = &in->run;
	size_t start = b->len;
	int64_t line = s->line;
	unsigned char f = 0;
	uint32_t len;

	if (in->nrun == in->run_alloc) {
		in->run_alloc = in->run_alloc ? 2 * in->run_alloc : 4096;
		in->run_off = sg_xrealloc(in->run_off,
					  in->run_alloc * sizeof(*in->run_off));
	}
	in->run_off[in->nrun++].off = start;
	put_u32(b, 0); /* the length, below */
	put_u32(b, s->cid_len);
	sg_buf_add(b, &line, sizeof(line));
	sg_buf_addch(b, s->at_len ? 1 : 0);
	if (s->at_len)
		sg_buf_add(b, s->night, 10);
	else
		sg_buf_add(b, "\0\0\0\0\0\0\0\0\0\0", 10);
	sg_buf_add(b, ARENA(in, s->cid), s->cid_len);
	f |= s->has_pred ? F_PRED : 0;
	f |= s->at_len ? F_AT : 0;
	f |= isnan(s->value) ? 0 : F_VALUE;
	f |= isnan(s->mvalue) ? 0 : F_MVALUE;
	f |= isnan(s->score) ? 0 : F_SCORE;
	sg_buf_addch(b, f);
	if (f & F_AT)
		put_double(b, s->at_epoch);
	if (f & F_VALUE)
		put_double(b, s->value);
	if (f & F_MVALUE)
		put_double(b, s->mvalue);
	if (f & F_SCORE)
		put_double(b, s->score);
	put_u32(b, s->at_len);
	put_u32(b, s->segs_len);
	put_u32(b, s->feats_len);
	put_u32(b, s->label_len);
	put_u32(b, s->rater_len);
	put_u32(b, s->mlabel_len);
	sg_buf_add(b, ARENA(in, s->at), s->at_len);
	sg_buf_add(b, ARENA(in, s->segs), s->segs_len);
	sg_buf_add(b, ARENA(in, s->feats), s->feats_len);
	sg_buf_add(b, ARENA(in, s->label), s->label_len);
	sg_buf_add(b, ARENA(in, s->rater), s->rater_len);
	sg_buf_add(b, ARENA(in, s->mlabel), s->mlabel_len);
	len = (uint32_t)(b->len - start);
	memcpy(b->buf + start, &len, sizeof(len));
}

static uint32_t get_u32(const unsigned char **p)
{
	uint32_t x;

	memcpy(&x, *p, sizeof(x));
	*p += sizeof(x);
	return x;
}

static double get_double(const unsigned char **p)
{
	double x;

	memcpy(&x, *p, sizeof(x));
	*p += sizeof(x);
	return x;
}

/* Appends the row of record r (pack_row's) to the staged rows. */
static void unpack_row(struct ingest *in, const unsigned char *r)
{
	struct staged *s = &in->stage[in->nstaged++];
	const unsigned char *p = r + 4;
	uint32_t cid_len = get_u32(&p);
	int64_t line;
	unsigned char f;

	memset(s, 0, sizeof(*s));
	memcpy(&line, p, sizeof(line));
	s->line = (long)line;
	if (r[16])
		memcpy(s->night, r + 17, 10);
	p = r + REC_HEAD;
	s->cid = ingest_keep(in, p, cid_len);
	s->cid_len = cid_len;
	p += cid_len;
	f = *p++;
	s->has_pred = (f & F_PRED) != 0;
	s->at_epoch = f & F_AT ? get_double(&p) : 0;
	s->value = f & F_VALUE ? get_double(&p) : NAN;
	s->mvalue = f & F_MVALUE ? get_double(&p) : NAN;
	s->score = f & F_SCORE ? get_double(&p) : NAN;
	s->at_len = get_u32(&p);
	s->segs_len = get_u32(&p);
	s->feats_len = get_u32(&p);
	s->label_len = get_u32(&p);
	s->rater_len = get_u32(&p);
	s->mlabel_len = get_u32(&p);
	s->raw = in->arena.len;
	s->raw_len = 0;
	s->raw_later = 1;
	s->at = ingest_keep(in, p, s->at_len);
	p += s->at_len;
	s->segs = ingest_keep(in, p, s->segs_len);
	p += s->segs_len;
	s->feats = ingest_keep(in, p, s->feats_len);
	p += s->feats_len;
	s->label = ingest_keep(in, p, s->label_len);
	p += s->label_len;
	s->rater = ingest_keep(in, p, s->rater_len);
	p += s->rater_len;
	s->mlabel = ingest_keep(in, p, s->mlabel_len);
}

/* The merge order of two records: night (none first), case id, row. */
static int cmp_rec(const unsigned char *a, const unsigned char *b)
{
	uint32_t la, lb;
	int64_t xa, xb;
	int c;

	if (a[16] != b[16])
		return a[16] ? 1 : -1;
	if (a[16] && (c = memcmp(a + 17, b + 17, 10)) != 0)
		return c;
	memcpy(&la, a + 4, sizeof(la));
	memcpy(&lb, b + 4, sizeof(lb));
	c = memcmp(a + REC_HEAD, b + REC_HEAD, la < lb ? la : lb);
	if (c)
		return c;
	if (la != lb)
		return la < lb ? -1 : 1;
	memcpy(&xa, a + 8, sizeof(xa));
	memcpy(&xb, b + 8, sizeof(xb));
	return (xa > xb) - (xa < xb);
}

static int cmp_run_key(const void *pa, const void *pb, void *ctx)
{
	const struct run_key *a = pa, *b = pb;
	const unsigned char *base = ctx;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return cmp_rec(base + a->off, base + b->off);
}

/*
 * Sorts the run in memory (its keys). Each record gets a 64-bit key that
 * orders as the merge order does, as far as it goes: whether it has a
 * night (1 bit), the night as ((year * 13) + month) * 32 + day (23 bits)
 * and 5 bytes of the case id from where the run's ids start to differ
 * (their common prefix, "dec-" say, tells nothing), zeros past its end.
 * Records of equal keys are compared whole. Most comparisons so never
 * reach the records, scattered over the run's memory. (A night is
 * always YYYY-MM-DD; should one not be digits, every key is 0.)
 */
static void sort_run_of(char *buf, struct run_key *off, size_t nrun)
{
	const unsigned char *base = (const unsigned char *)buf;
	const unsigned char *first;
	uint32_t lcp, len;
	size_t i, k;
	int digits = 1;

	if (!nrun)
		return;
	first = base + off[0].off;
	memcpy(&lcp, first + 4, sizeof(lcp));
	for (i = 1; i < nrun && lcp; i++) {
		const unsigned char *r = base + off[i].off;

		memcpy(&len, r + 4, sizeof(len));
		if (len < lcp)
			lcp = len;
		for (k = 0; k < lcp && r[REC_HEAD + k] == first[REC_HEAD + k];
		     k++)
			;
		lcp = (uint32_t)k;
	}
	for (i = 0; i < nrun; i++) {
		const unsigned char *r = base + off[i].off;
		const unsigned char *n = r + 17;
		uint64_t key = 0;

		for (k = 0; r[16] && k < 10; k++)
			if (k != 4 && k != 7 && (n[k] < '0' || n[k] > '9'))
				digits = 0;
		if (r[16] && digits) {
			uint64_t y = (uint64_t)((n[0] - '0') * 1000 +
						(n[1] - '0') * 100 +
						(n[2] - '0') * 10 + (n[3] - '0'));
			uint64_t m = (uint64_t)((n[5] - '0') * 10 + (n[6] - '0'));
			uint64_t d = (uint64_t)((n[8] - '0') * 10 + (n[9] - '0'));

			key = (1ull << 23 | ((y * 13 + m) * 32 + d)) << 40;
		}
		memcpy(&len, r + 4, sizeof(len));
		for (k = 0; k < 5; k++)
			key |= (uint64_t)(lcp + k < len ? r[REC_HEAD + lcp + k]
							: 0)
			       << (8 * (4 - k));
		off[i].key = key;
	}
	/* a night not of digits (never made so): the records decide */
	for (i = 0; !digits && i < nrun; i++)
		off[i].key = 0;
	qsort_r(off, nrun, sizeof(*off), cmp_run_key,
		buf);
}

static void sort_run(struct ingest *in)
{
	sort_run_of(in->run.buf, in->run_off, in->nrun);
}

static int runs_io_error(struct sg_diag *diag, const char *what)
{
	sg_diag_set(diag, "", 0, 0, "cannot %s the staged rows: %s", what,
		    strerror(errno));
	return SG_EIO;
}

/* Writes all of buf at offset off of fd. */
static int pwrite_all(int fd, const void *buf, size_t n, off_t off)
{
	const char *p = buf;

	while (n) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/* Makes the temporary file of runs (in $TMPDIR, unlinked at once). */
static int open_runs(struct ingest *in, struct sg_diag *diag)
{
	const char *dir = getenv("TMPDIR");
	struct sg_buf p = SG_BUF_INIT;

	if (in->runs_fd >= 0)
		return 0;
	sg_buf_addf(&p, "%s/shadowgate-stage-XXXXXX",
		    dir && *dir ? dir : "/tmp");
	in->runs_fd = mkstemp(p.buf);
	if (in->runs_fd < 0) {
		/* named by its directory ($TMPDIR's), which is what to mend */
		sg_diag_set(diag, dir && *dir ? dir : "/tmp", 0, 0,
			    "cannot make a file for the staged rows of a large "
			    "log in this directory ($TMPDIR): %s",
			    strerror(errno));
		sg_buf_release(&p);
		return SG_EIO;
	}
	unlink(p.buf);
	sg_buf_release(&p);
	return 0;
}

/*
 * Sorts the run of nrun records in buf (off: where each starts) and
 * appends it to the file of runs, in records of merge order. Returns 0,
 * or -1 with errno set.
 */
static int put_run(struct ingest *in, char *buf, struct run_key *off,
		   size_t nrun)
{
	struct sg_buf out = SG_BUF_INIT;
	size_t i;
	off_t start;

	sort_run_of(buf, off, nrun);
	start = in->runs_end;
	/* written through a small buffer: one the size of the run would be
	 * page-faulted in anew for every run */
	sg_buf_grow(&out, RUN_READ);
	for (i = 0; i <= nrun; i++) {
		const unsigned char *r =
			i < nrun ? (const unsigned char *)buf + off[i].off
				 : NULL;
		uint32_t len = 0;

		if (r)
			memcpy(&len, r, sizeof(len));
		if (out.len && (!r || out.len + len > RUN_READ)) {
			if (pwrite_all(in->runs_fd, out.buf, out.len,
				       in->runs_end)) {
				int e = errno;

				sg_buf_release(&out);
				errno = e;
				return -1;
			}
			in->runs_end += (off_t)out.len;
			out.len = 0;
		}
		if (r)
			sg_buf_add(&out, r, len);
	}
	in->runs = sg_xrealloc(in->runs, (in->nruns + 1) * sizeof(*in->runs));
	in->runs[in->nruns].start = start;
	in->runs[in->nruns].end = in->runs_end;
	in->nruns++;
	sg_buf_release(&out);
	return 0;
}

/*
 * A full run is sorted and written by a helper thread while the next one
 * fills (the records of a run are the ingest's own; the thread touches
 * nothing else but the file of runs and its list, which the ingest reads
 * only after run_wait). Sorting and writing were a tenth of an ingest.
 */
struct run_bg {
	pthread_t thread;
	int active;
	struct ingest *in;
	struct sg_buf run; /* the run being written; then the spare */
	struct run_key *off;
	size_t nrun, alloc;
	int err; /* errno of a failed write, or 0 */
};

static void *run_bg_main(void *arg)
{
	struct run_bg *bg = arg;

	bg->err = put_run(bg->in, bg->run.buf, bg->off, bg->nrun) ? errno : 0;
	return NULL;
}

/* Waits for the run in the helper's hands; 0 or SG_EIO (diag NULL: just
 * waits). */
static int run_wait(struct ingest *in, struct sg_diag *diag)
{
	struct run_bg *bg = in->bg;

	if (!bg || !bg->active)
		return 0;
	pthread_join(bg->thread, NULL);
	bg->active = 0;
	if (bg->err && diag) {
		errno = bg->err;
		return runs_io_error(diag, "write");
	}
	return bg->err ? SG_EIO : 0;
}

/* Before a run is written: the one before it written, the file made. */
static int run_ready(struct ingest *in, struct sg_diag *diag)
{
	int ret = run_wait(in, diag);

	return ret ? ret : open_runs(in, diag);
}

/* Sorts the run and appends it to the file of runs, here and now. */
static int write_run(struct ingest *in, struct sg_diag *diag)
{
	int ret;

	if (!in->nrun)
		return 0;
	ret = run_ready(in, diag);
	if (ret)
		return ret;
	if (put_run(in, in->run.buf, in->run_off, in->nrun))
		return runs_io_error(diag, "write");
	in->nrun = 0;
	sg_buf_reset(&in->run);
	return 0;
}

/*
 * Hands the full run to the helper thread (after the one before it is
 * written) and goes on with the spare; written here when no thread can
 * start.
 */
static int write_run_bg(struct ingest *in, struct sg_diag *diag)
{
	struct run_bg *bg;
	struct sg_buf b;
	struct run_key *o;
	size_t a;
	int ret;

	if (!in->nrun)
		return 0;
	ret = run_ready(in, diag);
	if (ret)
		return ret;
	if (!in->bg) {
		in->bg = sg_xcalloc(1, sizeof(*in->bg));
		sg_buf_init(&in->bg->run);
		in->bg->in = in;
	}
	bg = in->bg;
	b = bg->run, bg->run = in->run, in->run = b;
	o = bg->off, bg->off = in->run_off, in->run_off = o;
	a = bg->alloc, bg->alloc = in->run_alloc, in->run_alloc = a;
	bg->nrun = in->nrun;
	in->nrun = 0;
	sg_buf_reset(&in->run);
	bg->err = 0;
	if (sg_thread_create(&bg->thread, run_bg_main, bg) == 0) {
		bg->active = 1;
		return 0;
	}
	if (put_run(in, bg->run.buf, bg->off, bg->nrun))
		return runs_io_error(diag, "write");
	return 0;
}

/*
 * Moves the staged rows of the file read so far into the run, in row
 * order, to be written to the store in key order by merge_rows.
 */
int ingest_spill_rows(struct ingest *in, struct sg_diag *diag)
{
	size_t i, n = in->nstaged;

	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		pack_row(in, &in->stage[i]);
	in->nstaged = 0;
	sg_buf_reset(&in->arena);
	in->spilled = 1;
	if (in->run.len >= (in->o->sort_run_bytes ? in->o->sort_run_bytes
						  : RUN_BYTES))
		return write_run_bg(in, diag);
	return 0;
}

/* The merge order of staged rows: night (none first), case id, row. */
static int cmp_staged(const void *pa, const void *pb, void *ctx)
{
	const struct staged *a = pa, *b = pb;
	const struct ingest *in = ctx;
	size_t n = a->cid_len < b->cid_len ? a->cid_len : b->cid_len;
	int c;

	if (!a->at_len != !b->at_len)
		return a->at_len ? 1 : -1;
	if (a->at_len && (c = memcmp(a->night, b->night, 10)) != 0)
		return c;
	c = memcmp(ARENA(in, a->cid), ARENA(in, b->cid), n);
	if (c)
		return c;
	if (a->cid_len != b->cid_len)
		return a->cid_len < b->cid_len ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

/* Stages the row of record r; writes the batch when it is full. */
static int take_rec(struct ingest *in, const unsigned char *r,
		    struct sg_diag *diag)
{
	unpack_row(in, r);
	if (in->nstaged == BATCH_ROWS || in->arena.len > BATCH_BYTES)
		return ingest_flush_rows(in, diag);
	return 0;
}

/* A run being merged: its buffered bytes [pos, len) and what is left. */
struct run_reader {
	struct sg_buf buf;
	size_t pos;
	off_t next, end; /* the file's bytes not read yet */
};

/*
 * Makes the next record of run r whole in its buffer; returns it, or NULL
 * at the end of the run (*err set when reading failed).
 */
static const unsigned char *run_peek(int fd, struct run_reader *r, int *err)
{
	uint32_t len = 0;

	for (;;) {
		size_t have = r->buf.len - r->pos, want;
		ssize_t got;

		if (have >= 4) {
			memcpy(&len, r->buf.buf + r->pos, sizeof(len));
			if (have >= len)
				return (const unsigned char *)r->buf.buf + r->pos;
		}
		if (r->next >= r->end) {
			if (have)
				*err = EIO; /* a cut record */
			return NULL;
		}
		memmove(r->buf.buf, r->buf.buf + r->pos, have);
		r->buf.len = have;
		r->pos = 0;
		want = RUN_READ > len ? RUN_READ : len;
		if ((off_t)want > r->end - r->next)
			want = (size_t)(r->end - r->next);
		sg_buf_grow(&r->buf, want);
		got = pread(fd, r->buf.buf + have, want, r->next);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			*err = got ? errno : EIO;
			return NULL;
		}
		r->buf.len += (size_t)got;
		r->next += got;
	}
}

/* The heap of runs by their next record: sift entry i down. */
static void heap_down(struct run_reader **h, const unsigned char **top,
		      size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < n && cmp_rec(top[l], top[m]) < 0)
			m = l;
		if (l + 1 < n && cmp_rec(top[l + 1], top[m]) < 0)
			m = l + 1;
		if (m == i)
			return;
		{
			struct run_reader *t = h[i];
			const unsigned char *u = top[i];

			h[i] = h[m];
			top[i] = top[m];
			h[m] = t;
			top[m] = u;
		}
		i = m;
	}
}

/* Merges the runs of the temporary file, handing records in order. */
static int merge_runs(struct ingest *in, struct sg_diag *diag)
{
	struct run_reader *rd = sg_xcalloc(in->nruns, sizeof(*rd));
	struct run_reader **h = sg_xcalloc(in->nruns, sizeof(*h));
	const unsigned char **top = sg_xcalloc(in->nruns, sizeof(*top));
	size_t i, n = 0;
	int ret = 0, err = 0;

	for (i = 0; i < in->nruns; i++) {
		sg_buf_init(&rd[i].buf);
		rd[i].next = in->runs[i].start;
		rd[i].end = in->runs[i].end;
		top[n] = run_peek(in->runs_fd, &rd[i], &err);
		if (top[n])
			h[n++] = &rd[i];
	}
	for (i = n; i-- > 0;)
		heap_down(h, top, n, i);
	while (!ret && !err && n) {
		struct run_reader *r = h[0];
		uint32_t len;

		ret = take_rec(in, top[0], diag);
		memcpy(&len, top[0], sizeof(len));
		r->pos += len;
		top[0] = run_peek(in->runs_fd, r, &err);
		if (!top[0]) {
			h[0] = h[--n];
			top[0] = top[n];
		}
		heap_down(h, top, n, 0);
	}
	if (!ret && err) {
		errno = err;
		ret = runs_io_error(diag, "read");
	}
	for (i = 0; i < in->nruns; i++)
		sg_buf_release(&rd[i].buf);
	free(rd);
	free(h);
	free(top);
	return ret;
}

/*
 * Writes the valid rows of the file to the store, in merge order: by
 * night, then by case id, the rows of one case in row order. Rows of
 * different cases are independent, and the rows of one case keep their
 * order, so the store ends up as if the rows had been written in file
 * order, except that the new cases of a night are numbered in case id
 * order. Writing in key order is what keeps a night's cost flat as the
 * store grows: the UNIQUE index on case ids takes the night's ids in
 * one ordered sweep (each of its pages read and written once), where row
 * order touches a random page for every row, and the store's later
 * nights get ids above the earlier ones. A file of at most one batch is
 * sorted as it is, one of at most one run in memory.
 */
int ingest_merge_rows(struct ingest *in, struct sg_diag *diag)
{
	size_t i;
	int ret = 0;

	if (!in->spilled) {
		qsort_r(in->stage, in->nstaged, sizeof(*in->stage), cmp_staged,
			in);
		return ingest_flush_rows(in, diag);
	}
	ret = ingest_spill_rows(in, diag);
	if (!ret)
		ret = run_wait(in, diag);
	if (!ret && in->nruns) {
		ret = write_run(in, diag);
		if (!ret)
			ret = merge_runs(in, diag);
	} else if (!ret) {
		sort_run(in);
		for (i = 0; !ret && i < in->nrun; i++)
			ret = take_rec(in,
				       (const unsigned char *)in->run.buf +
					       in->run_off[i].off,
				       diag);
	}
	if (!ret)
		ret = ingest_flush_rows(in, diag);
	ingest_runs_reset(in);
	return ret;
}

void ingest_runs_reset(struct ingest *in)
{
	run_wait(in, NULL);
	in->spilled = 0;
	in->nrun = 0;
	sg_buf_reset(&in->run);
	in->nruns = 0;
	in->runs_end = 0;
	if (in->runs_fd >= 0)
		close(in->runs_fd);
	in->runs_fd = -1;
}

int ingest_feature_set_id(struct ingest *in, struct sg_diag *diag)
{
	struct sg_buf names = SG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	size_t i;
	int ret;

	if (!in->nfeat)
		return 0;
	sg_buf_addch(&names, '[');
	for (i = 0; i < in->nfeat; i++) {
		if (i)
			sg_buf_addch(&names, ',');
		sg_json_quote(&names, in->log->features.v[i],
			      strlen(in->log->features.v[i]));
	}
	sg_buf_addch(&names, ']');
	ret = sg_store_prepare(in->s, &st,
			       "INSERT INTO feature_sets(names) VALUES (?1)"
			       " ON CONFLICT(names) DO UPDATE SET names = names"
			       " RETURNING id",
			       diag);
	if (ret)
		goto out;
	sqlite3_bind_text(st, 1, names.buf, (int)names.len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		ret = sg_store_error(in->s, diag, "cannot store the feature set");
		goto out;
	}
	in->feature_set = sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	sg_buf_release(&names);
	return ret;
}

int ingest_already_ingested(struct ingest *in, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	ret = sg_store_prepare(in->s, &st,
			       "SELECT id FROM ingest_batches WHERE sha256 = ?1",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, in->f->sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		in->f->skipped = 1;
		in->f->prior_batch = sqlite3_column_int64(st, 0);
	} else if (rc != SQLITE_DONE) {
		ret = sg_store_error(in->s, diag, "cannot look up the file");
	}
	sqlite3_finalize(st);
	return ret;
}

/*
 * Binds the mapped columns. Explicitly mapped columns (and the case id and
 * decision, always) must be in the file.
 */

int ingest_write_batch(struct ingest *in, const char *started,
		       struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret;

	sg_now_iso(now);
	ret = sg_store_prepare(
		in->s, &st,
		"INSERT INTO ingest_batches(file, size, sha256, format,"
		" rows_read, loaded, corrections, duplicates, rejected,"
		" predictions, started_at, finished_at)"
		" VALUES (?1, ?2, ?3, ?4, 0, 0, 0, 0, 0, 0, ?5, ?5)",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, in->display, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)in->f->size);
	sqlite3_bind_text(st, 3, in->f->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, in->f->format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, started ? started : now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sg_store_error(in->s, diag, "cannot record the file");
	else
		in->f->batch = in->batch = sqlite3_last_insert_rowid(in->s->db);
	sqlite3_finalize(st);
	return ret;
}

int ingest_finish_batch(struct ingest *in, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret;

	sg_now_iso(now);
	ret = sg_store_prepare(
		in->s, &st,
		"UPDATE ingest_batches SET rows_read = ?1, loaded = ?2,"
		" corrections = ?3, duplicates = ?4, rejected = ?5,"
		" predictions = ?6, finished_at = ?7 WHERE id = ?8",
		diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, in->f->rows_read);
	sqlite3_bind_int64(st, 2, in->f->loaded);
	sqlite3_bind_int64(st, 3, in->f->corrections);
	sqlite3_bind_int64(st, 4, in->f->duplicates);
	sqlite3_bind_int64(st, 5, in->f->rejected);
	sqlite3_bind_int64(st, 6, in->f->predictions);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, in->batch);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sg_store_error(in->s, diag, "cannot record the file");
	sqlite3_finalize(st);
	return ret;
}

static int cmp_raw_line(const void *pa, const void *pb)
{
	const struct raw_later *a = pa, *b = pb;

	return (a->line > b->line) - (a->line < b->line);
}

/*
 * Gives the rejects stored without their raw text (raw_later) their text,
 * read again from the file. A row rejected after the sort is rare (a case
 * stored before with other segments or features, an unknown case), and
 * keeping the text of every row for it nearly doubled what is sorted.
 */
int ingest_fill_raw(struct ingest *in, const char *real, enum sg_format fmt,
		    struct sg_diag *diag)
{
	struct sg_reader *r = NULL;
	struct sg_record rec;
	sqlite3_stmt *st = NULL;
	size_t j = 0;
	int ret;

	if (!in->nraw)
		return 0;
	qsort(in->raw, in->nraw, sizeof(*in->raw), cmp_raw_line);
	ret = sg_reader_open(&r, real, fmt, diag);
	if (!ret)
		ret = ingest_bind_columns(in, r, diag);
	if (!ret)
		ret = sg_store_prepare(in->s, &st,
				       "UPDATE rejects SET raw = ?1 WHERE id = ?2",
				       diag);
	while (!ret && j < in->nraw &&
	       (ret = sg_reader_next(r, &rec, diag)) > 0) {
		ret = 0;
		while (j < in->nraw && in->raw[j].line < rec.line)
			j++;
		for (; j < in->nraw && in->raw[j].line == rec.line; j++) {
			sqlite3_bind_text(st, 1, rec.raw, (int)rec.raw_len,
					  SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, in->raw[j].id);
			if (sqlite3_step(st) != SQLITE_DONE)
				ret = sg_store_error(in->s, diag,
						     "cannot store a rejected row");
			sqlite3_reset(st);
		}
	}
	if (ret > 0)
		ret = 0;
	in->nraw = 0;
	sqlite3_finalize(st);
	sg_reader_close(r);
	return ret;
}

void ingest_runs_free(struct ingest *in)
{
	ingest_runs_reset(in);
	if (in->bg) {
		sg_buf_release(&in->bg->run);
		free(in->bg->off);
		free(in->bg);
		in->bg = NULL;
	}
}
