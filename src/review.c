/*
 * review.c - the review loop's window and export: the window's compared
 * cases by cell (the report's window and model, the store's pass with
 * callbacks of its own), and sg_review_export: the cells shared out by
 * sg_allocate, the cases drawn with the seeded splitmix64 of rng.h, the
 * batch recorded in the store, the queue written as CSV, JSON Lines or
 * Label Studio tasks.
 */
#include <inttypes.h>

#include "review_impl.h"
#include "rng.h"
#include "write_impl.h"

/* ---- the window's compared cases ---- */

static void rv_begin(void *ctx, const struct sg_scan_case *c)
{
	struct rv_window *w = ctx;

	w->rowid = c->id;
	w->ndec = 0;
	w->have_pred = w->pred_error = 0;
	w->mlabel = -1;
}

static int rv_label(struct rv_window *w, const char *t, size_t n)
{
	if (!t)
		return -1;
	return sg_intern_add_h(&w->labels, t, n, sg_hash_words(t, n));
}

static void rv_prediction(void *ctx, const struct sg_scan_prediction *p)
{
	struct rv_window *w = ctx;

	w->have_pred = p != NULL;
	w->pred_error = p && p->error;
	w->mlabel = p ? rv_label(w, p->label, p->label_len) : -1;
}

static void rv_decision(void *ctx, const struct sg_scan_decision *sd)
{
	struct rv_window *w = ctx;
	struct decision *d;

	GROW(w->dec, w->ndec, w->dec_cap);
	d = &w->dec[w->ndec++];
	d->id = sd->id;
	d->label = rv_label(w, sd->label, sd->label_len);
	d->value = sd->value;
	d->epoch = sd->has_at ? sg_reference_time(sd->decided_at,
						  sd->decided_at_len)
			      : -INFINITY;
}

static void rv_first_decided_at(void *ctx, const char *at, size_t len)
{
	struct rv_window *w = ctx;

	w->dec[0].epoch = sg_reference_time(at, len);
}

/* The case is compared as the report compares it (report_acc.c). */
static void rv_end(void *ctx)
{
	struct rv_window *w = ctx;
	const struct decision *h = NULL;
	size_t i;

	if (!w->ndec || !w->have_pred || w->pred_error || w->mlabel < 0)
		return;
	for (i = 0; i < w->ndec; i++) {
		const struct decision *d = &w->dec[i];

		if (!h || sg_reference_outranks(d->epoch, d->id, h->epoch,
						h->id))
			h = d;
	}
	if (h->label < 0)
		return;
	GROW(w->c, w->n, w->cap);
	w->c[w->n].rowid = w->rowid;
	w->c[w->n].h = h->label;
	w->c[w->n].m = w->mlabel;
	w->n++;
}

static int rv_prepare(struct rv_window *w, struct sg_store *s,
		      const struct sg_report_opts *opts, struct sg_diag *diag)
{
	int ret = sg_rep_prepare(&w->r, s, opts, diag);

	if (ret)
		return ret;
	if (!w->r.model.id) {
		sg_diag_set(diag, NULL, 0, 0,
			    "the store has no model predictions to review");
		return SG_EUSAGE;
	}
	if (w->r.numeric) {
		sg_diag_set(diag, NULL, 0, 0,
			    "review needs label decisions; the store's "
			    "decisions are numbers");
		return SG_EUSAGE;
	}
	return 0;
}

static void rv_scan_window(const struct rv_window *w, struct sg_scan_window *sw)
{
	sg_rep_window(&w->r, sw);
	sw->labels = 1;
	sw->features = 0;
}

static int rv_restart(void *ctx, struct sg_scan_window *sw,
		      struct sg_diag *diag)
{
	struct rv_window *w = ctx;
	struct sg_store *s = w->r.s;
	const struct sg_report_opts *o = w->r.o;
	int ret;

	sg_rep_release(&w->r);
	w->n = 0;
	ret = rv_prepare(w, s, o, diag);
	if (!ret)
		rv_scan_window(w, sw);
	return ret;
}

static const struct sg_scan_ops rv_ops = {
	rv_begin, rv_prediction, rv_decision, rv_first_decided_at,
	rv_end,   rv_restart,
};

int rv_window_collect(struct rv_window *w, struct sg_store *s,
		      const struct sg_report_opts *opts, struct sg_diag *diag)
{
	struct sg_scan_window sw;
	int ret;

	memset(w, 0, sizeof(*w));
	ret = rv_prepare(w, s, opts, diag);
	if (ret || w->r.w.empty)
		return ret;
	rv_scan_window(w, &sw);
	return sg_scan_window(s, &sw, &rv_ops, w, diag);
}

void rv_window_release(struct rv_window *w)
{
	sg_rep_release(&w->r);
	sg_intern_release(&w->labels);
	free(w->c);
	free(w->dec);
	memset(w, 0, sizeof(*w));
}

static int cmp_rowid(const void *pa, const void *pb)
{
	const struct rv_case *a = pa, *b = pb;

	return (a->rowid > b->rowid) - (a->rowid < b->rowid);
}

void rv_window_sort_rowid(struct rv_window *w)
{
	sg_sort(w->c, w->n, sizeof(*w->c), cmp_rowid);
}

const struct rv_case *rv_window_find(const struct rv_window *w,
				     long long rowid)
{
	size_t lo = 0, hi = w->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->c[mid].rowid < rowid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < w->n && w->c[lo].rowid == rowid ? &w->c[lo] : NULL;
}

int rv_label_cmp(const struct rv_window *w, int a, int b)
{
	return sg_bytecmp(w->labels.s[a], w->labels.len[a], w->labels.s[b],
			  w->labels.len[b]);
}

/* ---- the export ---- */

/* A cell of the confusion matrix and its cases. */
struct cell {
	int h, m;
	long size, take;
	size_t first;         /* its cases: grouped[first .. + size) */
};

static const struct rv_window *cell_w;

/* Disagreements first, then by human label, then by model label. */
static int cmp_cell(const void *pa, const void *pb)
{
	const struct cell *a = pa, *b = pb;
	int da = a->h != a->m, db = b->h != b->m, c;

	if (da != db)
		return db - da;
	c = rv_label_cmp(cell_w, a->h, b->h);
	return c ? c : rv_label_cmp(cell_w, a->m, b->m);
}

/* A drawn case: its index in the pass's order, its cell, its side. */
struct drawn {
	size_t pos;           /* in w->c (the pass's order) */
	long stratum;         /* 1-based cell rank */
	int agreement;
	char model_side;
};

static int cmp_drawn(const void *pa, const void *pb)
{
	const struct drawn *a = pa, *b = pb;

	return (a->pos > b->pos) - (a->pos < b->pos);
}

static void add_column(cJSON *cols, const char *name)
{
	cJSON *k;

	cJSON_ArrayForEach(k, cols)
	{
		if (!strcmp(k->valuestring, name))
			return;
	}
	cJSON_AddItemToArray(cols, cJSON_CreateString(name));
}

static void case_row(void *ctx, const struct sg_scan_case *sc)
{
	struct rv_row *q = ctx;
	cJSON *seg, *fo, *it, *names = NULL;

	rv_add_str(q->o, "case_id", sc->case_id);
	rv_add_str(q->o, "night", sc->night);
	seg = sc->segments ? cJSON_ParseWithLength(sc->segments,
						   sc->segments_len)
			   : NULL;
	if (!cJSON_IsObject(seg)) {
		cJSON_Delete(seg);
		seg = cJSON_CreateObject();
	}
	cJSON_ArrayForEach(it, seg)
	{
		add_column(q->segcols, it->string);
	}
	cJSON_AddItemToObject(q->o, "segments", seg);
	fo = cJSON_AddObjectToObject(q->o, "features");
	if (sc->has_features && sc->features &&
	    !sg_scan_feature_names(q->s, q->names, sc->feature_set, &names) &&
	    cJSON_IsArray(names)) {
		size_t n = sc->features_len / sizeof(double), i = 0;

		cJSON_ArrayForEach(it, names)
		{
			double x;

			if (i >= n || !cJSON_IsString(it))
				break;
			memcpy(&x, (const char *)sc->features + i * sizeof(x),
			       sizeof(x));
			sg_json_add_num(fo, it->valuestring, x);
			add_column(q->featcols, it->valuestring);
			i++;
		}
	}
	cJSON_Delete(names);
}

int rv_case_row(struct rv_row *r, long long id, struct sg_diag *diag)
{
	return sg_scan_case_row(r->s, id, case_row, r, diag);
}

/* Whether name is one of the n strings of taken. */
static int name_taken(char *const *taken, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(taken[i], name))
			return 1;
	return 0;
}

/*
 * The header name of a segment or feature column: its name, unless a
 * column before it or one of the fixed columns has it (a segment called
 * "verdict", a feature and a segment of one name), then prefix:name, then
 * prefix:name.2, .3, ...: no name twice, so the file reads back (a CSV
 * with a name twice is refused: reader_csv.c).
 */
static char *column_name(char *const *taken, size_t n, const char *prefix,
			 const char *name)
{
	struct sg_buf b = SG_BUF_INIT;
	unsigned long k;

	sg_buf_addstr(&b, name);
	for (k = 1; name_taken(taken, n, b.buf); k++) {
		sg_buf_reset(&b);
		sg_buf_addf(&b, "%s:%s", prefix, name);
		if (k > 1)
			sg_buf_addf(&b, ".%lu", k);
	}
	return sg_buf_detach(&b);
}

void rv_write_csv(FILE *f, const cJSON *rows, const char *const *lead,
		  size_t nlead, const cJSON *segcols, const cJSON *featcols,
		  const char *const *tail, size_t ntail)
{
	size_t nfixed = nlead + ntail;
	size_t n = nfixed + (size_t)cJSON_GetArraySize(segcols) +
		   (size_t)cJSON_GetArraySize(featcols);
	char **head = sg_xcalloc(n ? n : 1, sizeof(*head));
	const cJSON *o, *k;
	size_t i, h = 0;

	/* the fixed names first, for the others to keep clear of */
	for (i = 0; i < nlead; i++)
		head[h++] = sg_xstrdup(lead[i]);
	for (i = 0; i < ntail; i++)
		head[h++] = sg_xstrdup(tail[i]);
	cJSON_ArrayForEach(k, segcols)
	{
		head[h] = column_name(head, h, "segment", k->valuestring);
		h++;
	}
	cJSON_ArrayForEach(k, featcols)
	{
		head[h] = column_name(head, h, "feature", k->valuestring);
		h++;
	}
	/* in file order: lead, segments, features, tail */
	for (i = 0; i < nlead; i++) {
		if (i)
			fputc(',', f);
		sg_write_csv_field(f, head[i]);
	}
	for (i = nfixed; i < h; i++) {
		fputc(',', f);
		sg_write_csv_field(f, head[i]);
	}
	for (i = nlead; i < nfixed; i++) {
		fputc(',', f);
		sg_write_csv_field(f, head[i]);
	}
	fputc('\n', f);
	for (i = 0; i < h; i++)
		free(head[i]);
	free(head);
	cJSON_ArrayForEach(o, rows)
	{
		const cJSON *seg = cJSON_GetObjectItemCaseSensitive(o, "segments");
		const cJSON *fe = cJSON_GetObjectItemCaseSensitive(o, "features");

		for (i = 0; i < nlead; i++) {
			if (i)
				fputc(',', f);
			sg_write_csv_value(
				f, cJSON_GetObjectItemCaseSensitive(o, lead[i]));
		}
		cJSON_ArrayForEach(k, segcols)
		{
			fputc(',', f);
			sg_write_csv_value(f, cJSON_GetObjectItemCaseSensitive(
						      seg, k->valuestring));
		}
		cJSON_ArrayForEach(k, featcols)
		{
			fputc(',', f);
			sg_write_csv_value(f, cJSON_GetObjectItemCaseSensitive(
						      fe, k->valuestring));
		}
		for (i = 0; i < ntail; i++) {
			fputc(',', f);
			sg_write_csv_value(
				f, cJSON_GetObjectItemCaseSensitive(o, tail[i]));
		}
		fputc('\n', f);
	}
}

/* A short text of the case for Label Studio's Text tag. */
static char *task_text(const cJSON *o, const char *first, const char *second)
{
	struct sg_buf b = SG_BUF_INIT;
	const cJSON *it, *night = cJSON_GetObjectItemCaseSensitive(o, "night");

	sg_buf_addf(&b, "case %s",
		    cJSON_GetObjectItemCaseSensitive(o, "case_id")->valuestring);
	if (cJSON_IsString(night))
		sg_buf_addf(&b, ", night %s", night->valuestring);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "segments"))
	{
		char num[64];
		size_t n;
		const char *v = sg_rep_seg_text(it, num, &n);

		sg_buf_addf(&b, "\n%s: %.*s", it->string, (int)n, v ? v : "");
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(o, "features"))
	{
		char num[40];

		if (cJSON_IsNumber(it))
			sg_fmt_double(num, it->valuedouble);
		else
			snprintf(num, sizeof(num), "missing");
		sg_buf_addf(&b, "\n%s = %s", it->string, num);
	}
	sg_buf_addf(&b, "\n%s: %s\n%s: %s", first,
		    cJSON_GetObjectItemCaseSensitive(o, first)->valuestring,
		    second,
		    cJSON_GetObjectItemCaseSensitive(o, second)->valuestring);
	return sg_buf_detach(&b);
}

static int write_queue(FILE *f, const cJSON *queue, const cJSON *segcols,
		       const cJSON *featcols, const struct rv_window *w,
		       int blind, enum sg_review_format format)
{
	const char *first = blind ? "a" : "human";
	const char *second = blind ? "b" : "model";
	const cJSON *o;

	if (format == SG_REVIEW_CSV) {
		static const char *const lead[] = {"batch", "case_id", "night"};
		const char *const tail[] = {first, second, "verdict", "reviewer",
					    "note"};

		rv_write_csv(f, queue, lead, 3, segcols, featcols, tail, 5);
	} else if (format == SG_REVIEW_JSONL) {
		cJSON_ArrayForEach(o, queue)
		{
			char *t = cJSON_PrintUnformatted(o);

			fputs(t, f);
			fputc('\n', f);
			cJSON_free(t);
		}
	} else {
		cJSON *tasks = cJSON_CreateArray();
		char *t;

		cJSON_ArrayForEach(o, queue)
		{
			cJSON *task = cJSON_CreateObject();
			cJSON *data = cJSON_Duplicate(o, 1);
			cJSON *choices = cJSON_CreateArray();
			const char *a = cJSON_GetObjectItemCaseSensitive(
						o, first)->valuestring;
			const char *b = cJSON_GetObjectItemCaseSensitive(
						o, second)->valuestring;
			char *text = task_text(o, first, second);
			size_t i;
			int *ids = sg_rep_sorted_ids(&w->labels);

			/* the review's own columns are Label Studio's
			 * annotations, not data */
			cJSON_DeleteItemFromObjectCaseSensitive(data, "verdict");
			cJSON_DeleteItemFromObjectCaseSensitive(data,
								"reviewer");
			cJSON_DeleteItemFromObjectCaseSensitive(data, "note");
			cJSON_AddStringToObject(data, "text", text);
			free(text);
			/* the two candidates, then the window's other labels
			 * (a verdict may be neither) */
			cJSON_AddItemToArray(choices, cJSON_CreateObject());
			cJSON_AddStringToObject(
				cJSON_GetArrayItem(choices, 0), "value", a);
			if (strcmp(a, b)) {
				cJSON *ch = cJSON_CreateObject();

				cJSON_AddStringToObject(ch, "value", b);
				cJSON_AddItemToArray(choices, ch);
			}
			for (i = 0; i < w->labels.n; i++) {
				const char *l = w->labels.s[ids[i]];
				cJSON *ch;

				if (!strcmp(l, a) || !strcmp(l, b))
					continue;
				ch = cJSON_CreateObject();
				cJSON_AddStringToObject(ch, "value", l);
				cJSON_AddItemToArray(choices, ch);
			}
			free(ids);
			cJSON_AddItemToObject(data, "choices", choices);
			cJSON_AddItemToObject(task, "data", data);
			cJSON_AddItemToArray(tasks, task);
		}
		t = cJSON_Print(tasks);
		fputs(t, f);
		fputc('\n', f);
		cJSON_free(t);
		cJSON_Delete(tasks);
	}
	if (fflush(f) || ferror(f))
		return SG_EIO;
	return 0;
}

/* Draws k of the n cases at c (partial Fisher-Yates, in place). */
static void draw(size_t *c, size_t n, size_t k, uint64_t *state)
{
	size_t j;

	for (j = 0; j < k; j++) {
		size_t x = j + (size_t)sg_uniform(state, n - j);
		size_t t = c[j];

		c[j] = c[x];
		c[x] = t;
	}
}

/* The second stream of a seed: the order of a and b. */
#define SIDE_STREAM 0x5265766965772121ULL

int sg_review_export(struct sg_store *s,
		     const struct sg_review_export_opts *opts,
		     enum sg_review_format format, FILE *out,
		     struct sg_review_export_info *info,
		     struct sg_diag *diag)
{
	struct rv_window w;
	struct cell *cells = NULL;
	size_t *grouped = NULL, *pos = NULL, ncells = 0, ndis = 0, i, j;
	long *cellof = NULL, *size = NULL, *take = NULL;
	struct drawn *d = NULL;
	size_t nd = 0;
	struct sg_review_case *rc = NULL;
	struct sg_review_batch b;
	struct sg_scan_names *names = NULL;
	cJSON *queue = NULL, *segcols = NULL, *featcols = NULL;
	uint64_t state = opts->seed, side = opts->seed ^ SIDE_STREAM;
	char now[32];
	long m = opts->agreements >= 0 ? opts->agreements
				       : opts->disagreements / 4;
	size_t nl;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = rv_window_collect(&w, s, &opts->report, diag);
	if (ret)
		goto out;
	/* the cells: a dense (h, m) table, then the cells with cases */
	nl = w.labels.n;
	cellof = sg_xcalloc(nl * nl + 1, sizeof(*cellof));
	for (i = 0; i < w.n; i++)
		cellof[(size_t)w.c[i].h * nl + (size_t)w.c[i].m]++;
	cells = sg_xcalloc(nl * nl + 1, sizeof(*cells));
	for (i = 0; i < nl * nl; i++) {
		if (!cellof[i])
			continue;
		cells[ncells].h = (int)(i / nl);
		cells[ncells].m = (int)(i % nl);
		cells[ncells].size = cellof[i];
		ncells++;
	}
	cell_w = &w;
	sg_sort(cells, ncells, sizeof(*cells), cmp_cell);
	cell_w = NULL;
	for (i = 0; i < ncells; i++) {
		cellof[(size_t)cells[i].h * nl + (size_t)cells[i].m] = (long)i;
		if (cells[i].h != cells[i].m) {
			ndis++;
			info->disagreements += cells[i].size;
		} else {
			info->agreements += cells[i].size;
		}
	}
	/* the cases grouped by cell, in the pass's order inside one */
	grouped = sg_xcalloc(w.n + 1, sizeof(*grouped));
	pos = sg_xcalloc(ncells + 1, sizeof(*pos));
	for (i = 0, j = 0; i < ncells; i++) {
		cells[i].first = j;
		pos[i] = j;
		j += (size_t)cells[i].size;
	}
	for (i = 0; i < w.n; i++)
		grouped[pos[cellof[(size_t)w.c[i].h * nl +
				   (size_t)w.c[i].m]]++] = i;
	/* N over the disagreement cells, M over the agreement cells, at
	 * least min(2, N_h) each while the numbers allow */
	size = sg_xcalloc(ncells + 1, sizeof(*size));
	take = sg_xcalloc(ncells + 1, sizeof(*take));
	for (i = 0; i < ncells; i++)
		size[i] = cells[i].size;
	sg_allocate(size, ndis, opts->disagreements, 2, take);
	sg_allocate(size + ndis, ncells - ndis, m, 2, take + ndis);
	d = sg_xcalloc(w.n + 1, sizeof(*d));
	for (i = 0; i < ncells; i++) {
		size_t *c = grouped + cells[i].first;

		cells[i].take = take[i];
		draw(c, (size_t)cells[i].size, (size_t)take[i], &state);
		for (j = 0; j < (size_t)take[i]; j++) {
			d[nd].pos = c[j];
			d[nd].stratum = (long)i + 1;
			d[nd].agreement = cells[i].h == cells[i].m;
			nd++;
		}
		if (cells[i].h != cells[i].m)
			info->drawn_disagreements += take[i];
		else
			info->drawn_agreements += take[i];
	}
	info->strata = (long)ncells;
	/* the queue in the pass's order (night, then case), so the cells
	 * do not show; a and b drawn case by case in that order */
	sg_sort(d, nd, sizeof(*d), cmp_drawn);
	rc = sg_xcalloc(nd + 1, sizeof(*rc));
	for (i = 0; i < nd; i++) {
		const struct rv_case *c = &w.c[d[i].pos];

		d[i].model_side =
			!opts->blind || (sg_splitmix64(&side) >> 63) ? 'b'
								      : 'a';
		rc[i].case_ref = c->rowid;
		rc[i].human = w.labels.s[c->h];
		rc[i].model = w.labels.s[c->m];
		rc[i].stratum = d[i].stratum;
		rc[i].agreement = d[i].agreement;
		rc[i].model_side = d[i].model_side;
	}
	if (opts->created_at)
		snprintf(now, sizeof(now), "%s", opts->created_at);
	else
		sg_now_iso(now);
	memset(&b, 0, sizeof(b));
	b.model_id = w.r.model.id;
	b.created_at = now;
	b.seed = opts->seed;
	b.since = w.r.w.has_since ? w.r.w.since : NULL;
	b.until = w.r.w.has_until ? w.r.w.until : NULL;
	b.blind = opts->blind;
	b.disagreements = opts->disagreements;
	b.agreements = m;
	b.cases = rc;
	b.ncases = nd;
	/* the queue's rows, read before anything is written */
	queue = cJSON_CreateArray();
	segcols = cJSON_CreateArray();
	featcols = cJSON_CreateArray();
	for (i = 0; i < nd; i++) {
		struct rv_row q;

		q.s = s;
		q.names = &names;
		q.o = cJSON_CreateObject();
		q.segcols = segcols;
		q.featcols = featcols;
		cJSON_AddItemToArray(queue, q.o);
		ret = rv_case_row(&q, rc[i].case_ref, diag);
		if (ret)
			goto out;
	}
	ret = sg_store_review_add_batch(s, &b, &info->batch, diag);
	if (ret)
		goto out;
	for (i = 0; i < nd; i++) {
		cJSON *o = cJSON_GetArrayItem(queue, (int)i);
		cJSON *rest = cJSON_Duplicate(o, 1);
		const char *first = rc[i].model_side == 'a' ? rc[i].model
							    : rc[i].human;
		const char *second = rc[i].model_side == 'a' ? rc[i].human
							     : rc[i].model;
		cJSON *it;

		/* batch first, then the case, then the two decisions */
		while (cJSON_GetArraySize(o))
			cJSON_DeleteItemFromArray(o, 0);
		cJSON_AddNumberToObject(o, "batch", (double)info->batch);
		while ((it = cJSON_DetachItemFromArray(rest, 0)))
			cJSON_AddItemToObject(o, it->string, it);
		cJSON_Delete(rest);
		if (opts->blind) {
			cJSON_AddStringToObject(o, "a", first);
			cJSON_AddStringToObject(o, "b", second);
		} else {
			cJSON_AddStringToObject(o, "human", rc[i].human);
			cJSON_AddStringToObject(o, "model", rc[i].model);
		}
		cJSON_AddNullToObject(o, "verdict");
		cJSON_AddNullToObject(o, "reviewer");
		cJSON_AddNullToObject(o, "note");
	}
	ret = write_queue(out, queue, segcols, featcols, &w, opts->blind,
			  format);
	if (ret)
		sg_diag_set(diag, NULL, 0, 0, "cannot write the review queue");
out:
	sg_scan_names_close(names);
	cJSON_Delete(queue);
	cJSON_Delete(segcols);
	cJSON_Delete(featcols);
	free(rc);
	free(d);
	free(size);
	free(take);
	free(pos);
	free(grouped);
	free(cells);
	free(cellof);
	rv_window_release(&w);
	return ret;
}
