/*
 * store_ingest.c - decision logs into the store, one transaction per
 * call: sg_ingest, each file's reading and its batch record, the
 * columns bound from the log, and each row's validation (a row is
 * rejected with its reason, or staged). See store_ingest.h for the way
 * a row travels.
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

static const char *col_name(const struct ingest *in, size_t idx)
{
	const struct sg_log_conf *l = in->log;
	int k;

	for (k = 0; k < COL_FIXED; k++) {
		if (in->slot[k] == (int)idx) {
			switch (k) {
			case COL_CASE_ID: return l->case_id;
			case COL_DECIDED_AT: return l->decided_at;
			case COL_DECISION: return l->decision;
			case COL_RATER: return l->rater;
			case COL_MODEL_LABEL: return l->model_label;
			case COL_MODEL_SCORE: return l->model_score;
			}
		}
	}
	if (idx >= in->seg0 && idx < in->seg0 + in->nseg)
		return l->segments.v[idx - in->seg0];
	if (idx >= in->feat0 && idx < in->feat0 + in->nfeat)
		return l->features.v[idx - in->feat0];
	return NULL;
}

/* Rejects a row that failed validation. */
static int reject_row(struct ingest *in, const struct sg_record *rec,
		      const char *column, const char *reason, const char *value,
		      size_t vlen, struct sg_diag *diag)
{
	return ingest_reject(in, rec, column, reason, value, vlen, diag);
}

/* Validates a row: rejects it, or stages it (writing a full batch). */
static int one_row(struct ingest *in, const struct sg_record *rec,
		   struct sg_diag *diag)
{
	const char *const *v = rec->values;
	const size_t *len = rec->lens;
	const char *cid, *label = "", *rater = "", *at = "", *mlabel = "";
	size_t clen, llen = 0, rlen = 0, atlen = 0, mlen = 0, i;
	double value = NAN, at_epoch = 0, score = NAN, mvalue = NAN;
	char night[11] = "";
	const char *why;
	struct staged *s;
	int k, has_pred = 0;

	if (rec->err)
		return reject_row(in, rec,
				  rec->err_col >= 0
					  ? col_name(in, (size_t)rec->err_col)
					  : NULL,
				  rec->err_msg, NULL, 0, diag);
	k = in->slot[COL_CASE_ID];
	cid = v[k];
	clen = len[k];
	if (!clen || rec->kinds[k] == SG_FIELD_NULL ||
	    rec->kinds[k] == SG_FIELD_ABSENT)
		return reject_row(in, rec, in->log->case_id, "missing case id",
				  NULL, 0, diag);
	if ((k = in->slot[COL_DECIDED_AT]) >= 0) {
		at = v[k];
		atlen = len[k];
		if (!atlen)
			return reject_row(in, rec, in->log->decided_at,
					  "missing time", NULL, 0, diag);
		if (sg_night_parse(&in->log->night, at, atlen, &at_epoch,
				   night, &why))
			return reject_row(in, rec, in->log->decided_at, why, at,
					  atlen, diag);
	}
	k = in->slot[COL_DECISION];
	if (!len[k])
		return reject_row(in, rec, in->log->decision,
				  "missing decision", NULL, 0, diag);
	if (in->log->decision_type == SG_DECISION_NUMERIC) {
		if (sg_parse_number(v[k], len[k], &value))
			return reject_row(in, rec, in->log->decision,
					  "not a number", v[k], len[k], diag);
	} else {
		label = v[k];
		llen = len[k];
	}
	if ((k = in->slot[COL_RATER]) >= 0) {
		rater = v[k];
		rlen = len[k];
	}
	if ((k = in->slot[COL_MODEL_LABEL]) >= 0 && len[k]) {
		has_pred = 1;
		mlabel = v[k];
		mlen = len[k];
		if (in->log->decision_type == SG_DECISION_NUMERIC &&
		    sg_parse_number(v[k], len[k], &mvalue))
			return reject_row(in, rec, in->log->model_label,
					  "not a number", v[k], len[k], diag);
		if ((k = in->slot[COL_MODEL_SCORE]) >= 0 &&
		    !sg_is_missing(v[k], len[k]) &&
		    sg_parse_score(v[k], len[k], &score))
			return reject_row(in, rec, in->log->model_score,
					  "not a score (a number in [0, 1])",
					  v[k], len[k], diag);
	}
	for (i = 0; i < in->nfeat; i++) {
		size_t b = in->feat0 + i;

		if (sg_is_missing(v[b], len[b]) ||
		    rec->kinds[b] == SG_FIELD_NULL) {
			in->feats[i] = NAN;
		} else if (sg_parse_number(v[b], len[b], &in->feats[i])) {
			return reject_row(in, rec, in->log->features.v[i],
					  "not a number", v[b], len[b], diag);
		} else if (in->feats[i] == 0) {
			/* "-0" is the number 0: stored as 0, so that a case
			 * logged again with "0" has the same features */
			in->feats[i] = 0;
		}
	}
	sg_buf_reset(&in->segs);
	if (in->nseg) {
		for (i = 0; i < in->nseg; i++) {
			size_t b = in->seg0 + i;
			size_t k0 = i ? in->seg_key_end[i - 1] : 0;

			sg_buf_add(&in->segs, in->seg_keys.buf + k0,
				   in->seg_key_end[i] - k0);
			if (len[b])
				sg_json_quote(&in->segs, v[b], len[b]);
			else
				sg_buf_add(&in->segs, "null", 4);
		}
		sg_buf_addch(&in->segs, '}');
	}

	s = &in->stage[in->nstaged++];
	s->line = rec->line;
	s->rows_file = in->f->rows_read;
	s->rows_all = in->sum->rows_read;
	s->raw = ingest_keep(in, rec->raw, rec->raw_len);
	s->raw_len = rec->raw_len;
	s->cid = ingest_keep(in, cid, clen);
	s->cid_len = clen;
	s->at = ingest_keep(in, at, atlen);
	s->at_len = atlen;
	memcpy(s->night, night, sizeof(night));
	s->segs = ingest_keep(in, in->segs.buf, in->segs.len);
	s->segs_len = in->segs.len;
	s->feats_len = sg_features_pack(in->feats, in->nfeat, in->fpack);
	s->feats = ingest_keep(in, in->fpack, s->feats_len);
	s->label = ingest_keep(in, label, llen);
	s->label_len = llen;
	s->rater = ingest_keep(in, rater, rlen);
	s->rater_len = rlen;
	s->mlabel = ingest_keep(in, mlabel, mlen);
	s->mlabel_len = mlen;
	s->has_pred = has_pred;
	s->is_new = 0;
	s->case_ref = 0;
	s->at_epoch = at_epoch;
	s->value = value;
	s->mvalue = mvalue;
	s->score = score;
	if (in->nstaged == BATCH_ROWS || in->arena.len > BATCH_BYTES)
		return ingest_spill_rows(in, diag);
	return 0;
}

/* Copies standard input to a temporary file; returns its path. */
static int spool_stdin(char **path, struct sg_diag *diag)
{
	const char *dir = getenv("TMPDIR");
	struct sg_buf p = SG_BUF_INIT;
	char buf[1 << 16];
	ssize_t n;
	int fd;

	sg_buf_addf(&p, "%s/shadowgate-stdin-XXXXXX",
		    dir && *dir ? dir : "/tmp");
	fd = mkstemp(p.buf);
	if (fd < 0) {
		sg_diag_set(diag, p.buf, 0, 0,
			    "cannot create a temporary file: %s",
			    strerror(errno));
		sg_buf_release(&p);
		return SG_EIO;
	}
	for (;;) {
		n = read(0, buf, sizeof(buf));
		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(fd, buf, (size_t)n) != n) {
			sg_diag_set(diag, "<stdin>", 0, 0,
				    "cannot copy standard input: %s",
				    strerror(errno));
			close(fd);
			unlink(p.buf);
			sg_buf_release(&p);
			return SG_EIO;
		}
	}
	close(fd);
	*path = sg_buf_detach(&p);
	return 0;
}

/*
 * "WHAT 'NAME' (log.KEY) is not in the log", with the nearest column the
 * log has and the columns it has (the first 30), so a typo in a mapping
 * is seen at once.
 */
static int column_missing(struct sg_diag *diag, const char *display,
			  struct sg_reader *r, const char *what,
			  const char *name, const char *key)
{
	struct sg_buf b = SG_BUF_INIT;
	const char **cols = NULL, *near;
	size_t n = 0, i;

	while (sg_reader_column(r, n))
		n++;
	cols = sg_xcalloc(n ? n : 1, sizeof(*cols));
	for (i = 0; i < n; i++)
		cols[i] = sg_reader_column(r, i);
	sg_buf_addf(&b, "%s '%s' (log.%s) is not in the log", what, name, key);
	near = sg_nearest_name(name, cols, n);
	if (near)
		sg_buf_addf(&b, " (did you mean '%s'?)", near);
	sg_buf_addstr(&b, n ? "; its columns:" : "; it has no columns");
	for (i = 0; i < n && i < 30; i++)
		sg_buf_addf(&b, "%s '%s'", i ? "," : "", cols[i]);
	if (n > 30)
		sg_buf_addf(&b, ", ... (%zu in all)", n);
	sg_diag_set(diag, display, 0, 0, "%s", b.buf);
	sg_buf_release(&b);
	free(cols);
	return SG_EUSAGE;
}

int ingest_bind_columns(struct ingest *in, struct sg_reader *r,
			struct sg_diag *diag)
{
	const struct sg_log_conf *l = in->log;
	const char *names[COL_FIXED];
	const char **all;
	size_t n = 0, i;
	int ret = 0;
	struct {
		int col;
		const char *name;
		unsigned bit;
		const char *key;
		int required;
	} fixed[] = {
		{COL_CASE_ID, l->case_id, SG_LOGKEY_CASE_ID, "case_id", 1},
		{COL_DECIDED_AT, l->decided_at, SG_LOGKEY_DECIDED_AT,
		 "decided_at", 0},
		{COL_DECISION, l->decision, SG_LOGKEY_DECISION, "decision", 1},
		{COL_RATER, l->rater, SG_LOGKEY_RATER, "rater", 0},
		{COL_MODEL_LABEL, l->model_label, SG_LOGKEY_MODEL_LABEL,
		 "model_label", 0},
		{COL_MODEL_SCORE, l->model_score, SG_LOGKEY_MODEL_SCORE,
		 "model_score", 0},
	};
	const char *backend = in->o->cfg->model.backend;
	int want_pred = !backend || !strcmp(backend, "logged");

	for (i = 0; i < COL_FIXED; i++) {
		int explicit = (l->explicit_mask & fixed[i].bit) != 0;
		int has;

		in->slot[fixed[i].col] = -1;
		if (!fixed[i].name)
			continue;
		if ((fixed[i].col == COL_MODEL_LABEL ||
		     fixed[i].col == COL_MODEL_SCORE) &&
		    ((!want_pred && !explicit) || l->decisions_only))
			continue;
		has = sg_reader_has_column(r, fixed[i].name);
		if (!has && (explicit || fixed[i].required))
			return column_missing(diag, in->display, r, "column",
					      fixed[i].name, fixed[i].key);
		if (has) {
			in->slot[fixed[i].col] = (int)n;
			names[n++] = fixed[i].name;
		}
	}
	in->f->no_time = in->slot[COL_DECIDED_AT] < 0;
	all = sg_xcalloc(n + l->segments.n + l->features.n, sizeof(char *));
	memcpy(all, names, n * sizeof(char *));
	in->seg0 = n;
	for (i = 0; i < in->nseg; i++) {
		if (!sg_reader_has_column(r, l->segments.v[i])) {
			ret = column_missing(diag, in->display, r,
					     "segment column", l->segments.v[i],
					     "segments");
			goto out;
		}
		all[n++] = l->segments.v[i];
	}
	in->feat0 = n;
	for (i = 0; i < in->nfeat; i++) {
		if (!sg_reader_has_column(r, l->features.v[i])) {
			ret = column_missing(diag, in->display, r,
					     "feature column", l->features.v[i],
					     "features");
			goto out;
		}
		all[n++] = l->features.v[i];
	}
	ret = sg_reader_bind(r, all, n, diag);
out:
	free(all);
	return ret;
}

static int ingest_file(struct ingest *in, const char *path,
		       struct sg_diag *diag)
{
	struct sg_reader *r = NULL;
	struct sg_record rec;
	char *spooled = NULL;
	const char *real = path;
	enum sg_format fmt = SG_FORMAT_GUESS;
	int ret;

	if (!strcmp(path, "-")) {
		ret = spool_stdin(&spooled, diag);
		if (ret)
			return ret;
		real = spooled;
		in->display = "<stdin>";
	} else {
		in->display = path;
	}
	in->f->file = sg_xstrdup(in->display);
	sg_now_iso(in->now);
	ret = sg_sha256_file(real, in->f->sha256, &in->f->size, diag);
	if (ret)
		goto out;
	ret = ingest_already_ingested(in, diag);
	if (ret || in->f->skipped)
		goto out;
	if (in->log->format)
		fmt = sg_format_parse(in->log->format);
	else if (!spooled)
		fmt = sg_format_guess(path);
	ret = sg_reader_open(&r, real, fmt, diag);
	if (ret) {
		if (diag && spooled)
			snprintf(diag->file, sizeof(diag->file), "<stdin>");
		goto out;
	}
	in->f->format = sg_reader_format(r) == SG_FORMAT_JSONL ? "jsonl" : "csv";
	ret = ingest_bind_columns(in, r, diag);
	if (ret)
		goto out;
	ret = ingest_write_batch(in, in->now, diag);
	if (ret)
		goto out;
	for (;;) {
		ret = sg_reader_next(r, &rec, diag);
		if (ret == 0)
			break;
		if (ret < 0) {
			/* the ingest fails: nothing of it will be stored */
			if (diag && spooled)
				snprintf(diag->file, sizeof(diag->file),
					 "<stdin>");
			goto out;
		}
		in->f->rows_read++;
		in->sum->rows_read++;
		ret = one_row(in, &rec, diag);
		if (ret)
			goto out;
		if (ingest_too_many_rejects(in, 0, diag)) {
			ret = SG_EDATA;
			goto out;
		}
		if (in->o->progress && (in->f->rows_read & 0xfff) == 0)
			in->o->progress(in->o->progress_ctx, in->display,
					(uint64_t)in->f->rows_read,
					sg_reader_offset(r), in->f->size);
	}
	ret = ingest_merge_rows(in, diag);
	if (!ret)
		ret = ingest_fill_raw(in, real, fmt, diag);
	if (ret)
		goto out;
	if (in->f->rows_read > 0 && in->f->rejected == in->f->rows_read) {
		sg_diag_set(diag, in->display, 0, 0,
			    "every row was rejected (%ld of %ld), nothing of it "
			    "could be loaded; the ingest was rolled back",
			    in->f->rejected, in->f->rows_read);
		ret = SG_EDATA;
		goto out;
	}
	ret = ingest_finish_batch(in, diag);
out:
	ingest_runs_reset(in);
	in->nraw = 0;
	in->nstaged = 0;
	in->ndec = 0;
	sg_buf_reset(&in->arena);
	sg_reader_close(r);
	if (spooled) {
		unlink(spooled);
		free(spooled);
	}
	return ret;
}

int sg_ingest(struct sg_store *s, const char *const *paths, size_t n,
	      const struct sg_ingest_opts *opts, struct sg_ingest_summary *sum,
	      struct sg_diag *diag)
{
	struct ingest in;
	struct sg_log_conf logc;
	int stored_type;
	double t0 = sg_monotonic_ms() / 1e3;
	struct sg_store_flusher *flusher = NULL;
	long long cache = 0;
	size_t i;
	int ret;

	memset(sum, 0, sizeof(*sum));
	memset(&in, 0, sizeof(in));
	in.s = s;
	in.o = opts;
	in.log = &opts->cfg->log;
	in.sum = sum;
	/* a decisions-only log reads case id, decision, rater and time */
	in.nseg = in.log->decisions_only ? 0 : in.log->segments.n;
	in.nfeat = in.log->decisions_only ? 0 : in.log->features.n;
	in.feats = sg_xcalloc(in.nfeat ? in.nfeat : 1, sizeof(double));
	in.fpack = sg_xcalloc(SG_FEATURES_MAX(in.nfeat) + 1, 1);
	sg_buf_init(&in.segs);
	sg_buf_init(&in.seg_keys);
	sg_buf_init(&in.arena);
	sg_buf_init(&in.run);
	in.runs_fd = -1;
	in.stage = sg_xcalloc(BATCH_ROWS, sizeof(*in.stage));
	in.seg_key_end = sg_xcalloc(in.log->segments.n ? in.log->segments.n : 1,
				    sizeof(size_t));
	for (i = 0; i < in.log->segments.n; i++) {
		const char *name = in.log->segments.v[i];

		sg_buf_addch(&in.seg_keys, i ? ',' : '{');
		sg_json_quote(&in.seg_keys, name, strlen(name));
		sg_buf_addch(&in.seg_keys, ':');
		in.seg_key_end[i] = in.seg_keys.len;
	}
	sum->files = sg_xcalloc(n ? n : 1, sizeof(*sum->files));

	/*
	 * Foreign keys are not checked while the rows go in: every
	 * reference ingest writes is an id it has just read or made. A
	 * checked reference would make each multi-row INSERT one that may
	 * fail half-way, which SQLite protects with a statement journal of
	 * every page it changes, spilled to a temporary file (store.c).
	 * The pragma works outside a transaction only; it is set back
	 * after the commit or rollback.
	 */
	ret = sg_store_exec(s, "PRAGMA foreign_keys = OFF", diag);
	if (ret)
		goto out;
	cache = sg_store_cache_shrink(s, INGEST_CACHE_KIB);
	ret = sg_store_begin(s, diag);
	if (ret)
		goto out;
	flusher = sg_store_flusher_start(s);
	ret = sg_store_night_rule(s, &in.log->night, diag);
	if (ret)
		goto out;
	/*
	 * The decision type is the store's, once it has decisions: without
	 * --decision-type a log into a store of numbers is read as numbers,
	 * and a type that contradicts the store is refused (a store never
	 * mixes the two). Into an empty store, the log's.
	 */
	logc = *in.log;
	in.log = &logc;
	ret = sg_decision_type_of_store(s, &stored_type, diag);
	if (!ret && stored_type != SG_DECISION_AUTO)
		ret = sg_decision_type_resolve(
			s,
			logc.explicit_mask & SG_LOGKEY_DECISION_TYPE
				? logc.decision_type
				: SG_DECISION_AUTO,
			&logc.decision_type, diag);
	if (ret)
		goto out;
	ret = ingest_prepare_all(&in, diag);
	if (ret)
		goto out;
	ret = ingest_feature_set_id(&in, diag);
	if (ret)
		goto out;
	for (i = 0; i < n; i++) {
		in.f = &sum->files[sum->nfiles++];
		in.batch = 0;
		ret = ingest_file(&in, paths[i], diag);
		if (ret)
			goto out;
	}
	if (ingest_too_many_rejects(&in, 1, diag)) {
		ret = SG_EDATA;
		goto out;
	}
	ingest_finalize_all(&in);
	ret = sg_store_decision_type_record(
		s, stored_type == SG_DECISION_AUTO, diag);
	if (!ret)
		ret = sg_store_commit(s, diag);
out:
	ingest_finalize_all(&in);
	if (ret)
		sg_store_rollback(s);
	sg_store_flusher_stop(flusher);
	sg_store_cache_restore(s, cache);
	if (sg_store_exec(s, "PRAGMA foreign_keys = ON", ret ? NULL : diag) &&
	    !ret)
		ret = SG_ESTORE;
	if (ret) {
		/* nothing was loaded: say so in the counts, of the files too
		 * (what was read and rejected stays, to say why) */
		sum->loaded = sum->corrections = sum->predictions = 0;
		for (i = 0; i < sum->nfiles; i++) {
			sum->files[i].batch = 0;
			sum->files[i].loaded = 0;
			sum->files[i].corrections = 0;
			sum->files[i].predictions = 0;
		}
	}
	sum->seconds = sg_monotonic_ms() / 1e3 - t0;
	free(in.feats);
	free(in.fpack);
	free(in.seg_key_end);
	free(in.stage);
	sg_buf_release(&in.segs);
	sg_buf_release(&in.seg_keys);
	sg_segset_map_release(&in.segsets);
	sg_buf_release(&in.arena);
	sg_buf_release(&in.run);
	free(in.run_off);
	ingest_runs_free(&in);
	free(in.runs);
	free(in.raw);
	return ret;
}

void sg_ingest_summary_release(struct sg_ingest_summary *sum)
{
	size_t i;

	if (!sum)
		return;
	for (i = 0; i < sum->nfiles; i++)
		free(sum->files[i].file);
	free(sum->files);
	for (i = 0; i < sum->nreject_msgs; i++)
		free(sum->reject_msgs[i]);
	free(sum->reject_msgs);
	memset(sum, 0, sizeof(*sum));
}
