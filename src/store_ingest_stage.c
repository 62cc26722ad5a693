/*
 * store_ingest_stage.c - the ingest's staging: valid rows packed into the
 * temporary table temp.sg_stage and merged back in key order, the
 * feature set and the ingest batch records, and the raw text of rejects
 * found after the sort.
 */
#include <errno.h>
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
 * A staged row as a blob of temp.sg_stage: its numbers and the lengths of
 * its texts, then the texts. The case id and night are columns of their
 * own. The raw text of the row is left out (it was 40% of the bytes to
 * sort): a row rejected after the sort is stored without it and fill_raw
 * reads it from the file again. The blob lives and dies in this process.
 */
struct packed {
	long line;
	double at_epoch, value, mvalue, score;
	uint32_t at_len, segs_len, feats_len, label_len, rater_len, mlabel_len;
	int has_pred;
};

static void pack_row(struct ingest *in, const struct staged *s)
{
	struct packed h;

	memset(&h, 0, sizeof(h));
	h.line = s->line;
	h.at_epoch = s->at_epoch;
	h.value = s->value;
	h.mvalue = s->mvalue;
	h.score = s->score;
	h.at_len = (uint32_t)s->at_len;
	h.segs_len = (uint32_t)s->segs_len;
	h.feats_len = (uint32_t)s->feats_len;
	h.label_len = (uint32_t)s->label_len;
	h.rater_len = (uint32_t)s->rater_len;
	h.mlabel_len = (uint32_t)s->mlabel_len;
	h.has_pred = s->has_pred;
	sg_buf_add(&in->blobs, &h, sizeof(h));
	sg_buf_add(&in->blobs, ARENA(in, s->at), s->at_len);
	sg_buf_add(&in->blobs, ARENA(in, s->segs), s->segs_len);
	sg_buf_add(&in->blobs, ARENA(in, s->feats), s->feats_len);
	sg_buf_add(&in->blobs, ARENA(in, s->label), s->label_len);
	sg_buf_add(&in->blobs, ARENA(in, s->rater), s->rater_len);
	sg_buf_add(&in->blobs, ARENA(in, s->mlabel), s->mlabel_len);
}

/*
 * Appends a row packed by pack_row, with its case id and night (NULL:
 * none), to the staged rows of the batch.
 */
static void unpack_row(struct ingest *in, const char *blob, size_t n,
		       const char *cid, size_t cid_len, const char *night)
{
	struct staged *s = &in->stage[in->nstaged++];
	struct packed h;

	(void)n;
	memcpy(&h, blob, sizeof(h));
	blob += sizeof(h);
	memset(s, 0, sizeof(*s));
	s->line = h.line;
	s->at_epoch = h.at_epoch;
	s->value = h.value;
	s->mvalue = h.mvalue;
	s->score = h.score;
	s->has_pred = h.has_pred;
	s->raw = in->arena.len;
	s->raw_len = 0;
	s->raw_later = 1;
	s->cid = ingest_keep(in, cid, cid_len);
	s->cid_len = cid_len;
	s->at = ingest_keep(in, blob, h.at_len);
	s->at_len = h.at_len;
	blob += h.at_len;
	if (night)
		memcpy(s->night, night, 10);
	s->segs = ingest_keep(in, blob, h.segs_len);
	s->segs_len = h.segs_len;
	blob += h.segs_len;
	s->feats = ingest_keep(in, blob, h.feats_len);
	s->feats_len = h.feats_len;
	blob += h.feats_len;
	s->label = ingest_keep(in, blob, h.label_len);
	s->label_len = h.label_len;
	blob += h.label_len;
	s->rater = ingest_keep(in, blob, h.rater_len);
	s->rater_len = h.rater_len;
	blob += h.rater_len;
	s->mlabel = ingest_keep(in, blob, h.mlabel_len);
	s->mlabel_len = h.mlabel_len;
}

/* Binds staged row s, packed in in->blobs[from, to), to base + 1 .. 3. */
static void bind_stage(struct ingest *in, sqlite3_stmt *st, int base,
		       const struct staged *s, size_t from, size_t to)
{
	if (s->at_len)
		sqlite3_bind_text(st, base + 1, s->night, 10, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 1);
	sqlite3_bind_text(st, base + 2, ARENA(in, s->cid), (int)s->cid_len,
			  SQLITE_STATIC);
	sqlite3_bind_blob(st, base + 3, in->blobs.buf + from, (int)(to - from),
			  SQLITE_STATIC);
}

/*
 * Moves the staged rows of the file read so far into temp.sg_stage, in
 * row order (its rowid), to be written to the store in key order by
 * merge_rows.
 */
int ingest_spill_rows(struct ingest *in, struct sg_diag *diag)
{
	size_t i, n = in->nstaged;
	int rc = SQLITE_DONE;

	if (!n)
		return 0;
	sg_buf_reset(&in->blobs);
	for (i = 0; i < n; i++) {
		pack_row(in, &in->stage[i]);
		in->blob_end[i] = in->blobs.len;
	}
	if (n == BATCH_ROWS && (rc = ingest_prepare_batches(in, diag)) != 0)
		return rc;
	if (n == BATCH_ROWS) {
		for (i = 0; i < n; i++)
			bind_stage(in, in->stage_all, (int)i * STAGE_PARAMS,
				   &in->stage[i], i ? in->blob_end[i - 1] : 0,
				   in->blob_end[i]);
		rc = sqlite3_step(in->stage_all);
		sqlite3_reset(in->stage_all);
	} else {
		for (i = 0; i < n && rc == SQLITE_DONE; i++) {
			bind_stage(in, in->stage_one, 0, &in->stage[i],
				   i ? in->blob_end[i - 1] : 0,
				   in->blob_end[i]);
			rc = sqlite3_step(in->stage_one);
			sqlite3_reset(in->stage_one);
		}
	}
	in->nstaged = 0;
	sg_buf_reset(&in->arena);
	if (rc != SQLITE_DONE)
		return sg_store_error(in->s, diag, "cannot stage the rows");
	in->spilled = 1;
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
 * sorted in memory.
 */
int ingest_merge_rows(struct ingest *in, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if (!in->spilled) {
		qsort_r(in->stage, in->nstaged, sizeof(*in->stage), cmp_staged,
			in);
		return ingest_flush_rows(in, diag);
	}
	ret = ingest_spill_rows(in, diag);
	if (ret)
		return ret;
	ret = sg_store_prepare(in->s, &st,
			       "SELECT rec, cid, night FROM temp.sg_stage"
			       " ORDER BY night, cid, rowid",
			       diag);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		unpack_row(in, sqlite3_column_blob(st, 0),
			   (size_t)sqlite3_column_bytes(st, 0),
			   (const char *)sqlite3_column_text(st, 1),
			   (size_t)sqlite3_column_bytes(st, 1),
			   (const char *)sqlite3_column_text(st, 2));
		if (in->nstaged == BATCH_ROWS || in->arena.len > BATCH_BYTES) {
			ret = ingest_flush_rows(in, diag);
			if (ret)
				goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		ret = sg_store_error(in->s, diag, "cannot read the staged rows");
		goto out;
	}
	ret = ingest_flush_rows(in, diag);
out:
	sqlite3_finalize(st);
	in->spilled = 0;
	if (!ret)
		ret = sg_store_exec(in->s, "DELETE FROM temp.sg_stage", diag);
	return ret;
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
