/*
 * report_acc.c - the report's accumulator: turns the rows the store's
 * pass hands over (scan.h) into counts, with no SQL. Labels, segment
 * strings and segment values are interned into small hash tables when
 * first seen, so the per-row work is a hash and integer compares; nothing
 * is allocated per row. Per case it counts agreement, the confusion
 * matrix, segments, nights, features, the human baseline, the model's
 * outputs and scores, the examples and (sampling) the candidates; kept
 * per case are only the ratings of multi-rater cases and, with a
 * reference window, the features' present values. Also the reference
 * window's cases (scan_reference) and the release of the state.
 */
#include "report_impl.h"

#include <limits.h>

void sg_rep_release(struct rep *r)
{
	size_t i;

	free(r->model.name);
	free(r->model.version);
	free(r->model.backend);
	free(r->model.sha256);
	free(r->model.created_at);
	sg_intern_release(&r->labels);
	free(r->cm);
	for (i = 0; i < r->segstr.n; i++) {
		free(r->seginfo[i].col);
		free(r->seginfo[i].val);
	}
	free(r->seginfo);
	sg_intern_release(&r->segstr);
	free(r->segset_seg);
	free(r->ref_segset_seg);
	for (i = 0; i < r->segcols.n; i++) {
		sg_intern_release(&r->cols[i].values);
		free(r->cols[i].acc);
	}
	free(r->cols);
	sg_intern_release(&r->segcols);
	for (i = 0; i < r->nnights; i++) {
		free(r->nights[i].hl);
		free(r->nights[i].ml);
		sg_scores_release(&r->nights[i].sc);
	}
	free(r->nights);
	sg_scores_release(&r->sc_agree);
	sg_scores_release(&r->sc_dis);
	for (i = 0; i < r->featnames.n; i++) {
		free(r->feats[i].v);
		free(r->feats[i].rv);
		free(r->feats[i].fn);
		free(r->feats[i].rfn);
	}
	sg_intern_release(&r->featnames);
	free(r->feats);
	for (i = 0; i < r->nfsets; i++)
		free(r->fsets[i].name);
	free(r->fsets);
	sg_scan_names_close(r->fset_q);
	free(r->ratings);
	free(r->item_m);
	free(r->dec);
	free(r->cands);
	sg_intern_release(&r->strata);
	sg_intern_release(&r->ref_segstr);
	free(r->ref_segstr_n);
	free(r->refn);
	free(r->segstr_n);
	sg_scores_release(&r->scores);
}


/* ---- per-row helpers ---- */

/* The interned label of the n bytes at t, -1 for NULL; grows the confusion
 * matrix (keeping its counts) when a label is new. */
static int label_id(struct rep *r, const char *t, size_t n)
{
	size_t old = r->labels.n, cap, a, b;
	long *cm;
	int id;

	if (!t)
		return -1;
	id = sg_intern_add_h(&r->labels, t, n, sg_hash_words(t, n));
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

int sg_rep_segcol_id(struct rep *r, const char *name, size_t n)
{
	size_t before = r->segcols.n;
	int id = sg_intern_add(&r->segcols, name, n);

	if (r->segcols.n > before) {
		GROW(r->cols, (size_t)id, r->cols_cap);
		memset(&r->cols[id], 0, sizeof(r->cols[id]));
	}
	return id;
}

static int segval_id(struct rep *r, int col, const char *v, size_t n)
{
	struct segcol *c = &r->cols[col];
	int id = sg_intern_add(&c->values, v, n);

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
const char *sg_rep_seg_text(const cJSON *v, char num[64], size_t *n)
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
	const char *s = sg_rep_seg_text(v, num, &n);

	si->col = sg_xrealloc(si->col, (size_t)(si->n + 1) * sizeof(int));
	si->val = sg_xrealloc(si->val, (size_t)(si->n + 1) * sizeof(int));
	si->col[si->n] = col;
	si->val[si->n] = segval_id(r, col, s, n);
	si->n++;
}

/*
 * A segments string's id in the pass's tables by its store id k, as
 * remembered in ids (id + 1 by k; 0 not yet): -1 when not remembered. The
 * same store id is the same string, so a case's string is hashed and
 * compared only the first time its store id comes.
 */
static int segset_known(const long *ids, size_t cap, long long k)
{
	return k > 0 && (size_t)k < cap && ids[k] ? (int)ids[k] - 1 : -1;
}

static void segset_remember(long **ids, size_t *cap, long long k, int id)
{
	if (k > 0 && k <= INT_MAX)
		sg_rep_add_id(ids, cap, (int)k, id + 1);
}

/* The id of a segments string, parsing it the first time it is seen. */
static int segments_id(struct rep *r, const char *t, size_t n)
{
	size_t before = r->segstr.n, i;
	int id = sg_intern_add_h(&r->segstr, t, n, sg_hash_words(t, n));
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
				 sg_rep_segcol_id(r, it->string,
						  strlen(it->string)),
				 it);
		}
	}
	cJSON_Delete(j);
	return id;
}

struct fset *sg_rep_feature_set(struct rep *r, long long id)
{
	struct fset *f;
	cJSON *j, *it;
	size_t i;

	for (i = 0; i < r->nfsets; i++)
		if (r->fsets[i].id == id)
			return &r->fsets[i];
	if (sg_scan_feature_names(r->s, &r->fset_q, id, &j))
		return NULL;
	GROW(r->fsets, r->nfsets, r->fsets_cap);
	f = &r->fsets[r->nfsets++];
	memset(f, 0, sizeof(*f));
	f->id = id;
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
		nid = sg_intern_add(&r->featnames, it->valuestring,
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
	struct fset *f = sg_rep_feature_set(r, fsid);
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
void sg_rep_add_id(long **a, size_t *cap, int id, long by)
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
	sg_rep_add_id(a, cap, id, 1);
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
			sg_scores_add(&n->sc, r->s, r->score);
	}
	sg_scores_add(&r->scores, r->s, r->score);
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
	return sg_intern_add(&r->strata, (const char *)key, sizeof(key));
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
		agree = fabs(r->mvalue - h->value) <= r->o->tolerance;
		sg_regression_add(&r->reg, h->value, r->mvalue,
				  r->o->tolerance);
		sg_ksum_add(&r->h_sum, h->value);
		sg_ksum_add(&r->m_sum, r->mvalue);
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
		sg_scores_add(agree ? &r->sc_agree : &r->sc_dis, r->s,
			   r->score);
	if (!agree)
		add_example(r, night, r->numeric ? -1 : h->label,
			    r->numeric ? -1 : r->mlabel, h->value, r->mvalue,
			    r->score);
}

/* ---- the window's pass: the callbacks of sg_scan_window() ---- */

/* The first row of a case: what belongs to the case, not the rater. */
static void start_case(void *ctx, const struct sg_scan_case *c)
{
	struct rep *r = ctx;
	const char *night = c->night;

	r->rowid = c->id;
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
	r->seg_id = -1;
	if (c->segments &&
	    (r->seg_id = segset_known(r->segset_seg, r->segset_cap,
				      c->segset)) < 0) {
		r->seg_id = segments_id(r, c->segments, c->segments_len);
		segset_remember(&r->segset_seg, &r->segset_cap, c->segset,
				r->seg_id);
	}
	if (r->ref_on && r->seg_id >= 0)
		count_id(&r->segstr_n, &r->segstr_n_cap, r->seg_id);
	/* features are read only when not sampling (sg_rep_window()) */
	if (c->has_features)
		add_features(r, c->feature_set, c->features, c->features_len,
			     0);
}

/* The model's prediction of the case being read; p NULL: none. */
static void case_prediction(void *ctx, const struct sg_scan_prediction *p)
{
	struct rep *r = ctx;

	r->have_pred = p != NULL;
	r->pred_error = p && p->error;
	r->mlabel = p && !r->numeric ? label_id(r, p->label, p->label_len)
				     : -1;
	r->mvalue = p ? p->value : NAN;
	r->score = p ? p->score : NAN;
}

/* One current decision of the case being read. */
static void add_decision(void *ctx, const struct sg_scan_decision *sd)
{
	struct rep *r = ctx;
	struct decision *d;

	GROW(r->dec, r->ndec, r->dec_cap);
	d = &r->dec[r->ndec++];
	d->id = sd->id;
	d->label = r->numeric ? -1 : label_id(r, sd->label, sd->label_len);
	d->value = sd->value;
	d->epoch = sd->has_at ? sg_reference_time(sd->decided_at,
						  sd->decided_at_len)
			      : -INFINITY;
}

/* The decided_at of the case's first decision, read after it. */
static void first_decided_at(void *ctx, const char *at, size_t len)
{
	struct rep *r = ctx;

	r->dec[0].epoch = sg_reference_time(at, len);
}

static void end_case(void *ctx)
{
	finish_case(ctx);
}

static int rep_restart(void *ctx, struct sg_scan_window *w,
		       struct sg_diag *diag);

static const struct sg_scan_ops rep_scan_ops = {
	start_case, case_prediction, add_decision, first_decided_at,
	end_case, rep_restart,
};

/* The window of r, as the store's scans take it. */
void sg_rep_window(const struct rep *r, struct sg_scan_window *w)
{
	memset(w, 0, sizeof(*w));
	w->model_id = r->model.id;
	w->whole = r->w.whole;
	w->empty = r->w.empty;
	w->since = r->w.has_since ? r->w.since : NULL;
	w->until = r->w.has_until ? r->w.until : NULL;
	w->labels = !r->numeric;
	w->features = !r->sampling;
}

/*
 * Back to the state before the window's pass, to start it again: what
 * sg_rep_prepare() and the callers set before sg_rep_scan() (the
 * reference window, sampling) kept, what the pass gathered dropped; *w
 * worked out again.
 */
static int rep_restart(void *ctx, struct sg_scan_window *w,
		       struct sg_diag *diag)
{
	struct rep *r = ctx;
	struct rep c;
	int ret = sg_rep_prepare(&c, r->s, r->o, diag);

	if (ret) {
		sg_rep_release(&c);
		return ret;
	}
	c.sampling = r->sampling;
	c.ref_on = r->ref_on;
	c.ref_how = r->ref_how;
	memcpy(c.ref_since, r->ref_since, sizeof(c.ref_since));
	memcpy(c.ref_until, r->ref_until, sizeof(c.ref_until));
	c.ref_has_since = r->ref_has_since;
	c.ref_has_until = r->ref_has_until;
	sg_rep_release(r);
	*r = c;
	sg_rep_window(r, w);
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
 * The window's pass (sg_scan_window()): every case of the window, in
 * (night, id) order, with its current decisions and the model's current
 * prediction, through start_case(), case_prediction(), add_decision() and
 * finish_case().
 */
int sg_rep_scan(struct rep *r, struct sg_diag *diag)
{
	struct sg_scan_window w;
	int ret;

	if (r->w.empty)
		return 0;
	sg_rep_window(r, &w);
	ret = sg_scan_window(r->s, &w, &rep_scan_ops, r, diag);
	if (!ret)
		fold_segments(r);
	return ret;
}

/* One case of the reference window (sg_scan_reference()). */
static void reference_case(void *ctx, const struct sg_scan_case *c)
{
	struct rep *r = ctx;
	const char *night = c->night;
	const char *ws = r->w.has_since ? r->w.since : "0000-01-01";
	const char *wu = r->w.has_until ? r->w.until : "9999-12-31";

	r->ref_cases++;
	if (!r->w.empty && night && strncmp(night, ws, 10) >= 0 &&
	    strncmp(night, wu, 10) <= 0)
		r->ref_in_window++;
	if (night && strncmp(r->ref_last, night, 10)) {
		struct refnight *rn;

		snprintf(r->ref_last, sizeof(r->ref_last), "%.10s", night);
		GROW(r->refn, (size_t)r->ref_nights, r->refn_cap);
		rn = &r->refn[r->ref_nights];
		memset(rn, 0, sizeof(*rn));
		memcpy(rn->night, r->ref_last, 11);
		rn->label_shift = NAN;
		r->ref_idx = (int)r->ref_nights++;
	}
	if (r->ref_idx >= 0)
		r->refn[r->ref_idx].cases++;
	if (c->segments) {
		int id = segset_known(r->ref_segset_seg, r->ref_segset_cap,
				      c->segset);

		if (id < 0) {
			id = sg_intern_add_h(&r->ref_segstr, c->segments,
					     c->segments_len,
					     sg_hash_words(c->segments,
							   c->segments_len));
			segset_remember(&r->ref_segset_seg, &r->ref_segset_cap,
					c->segset, id);
		}
		count_id(&r->ref_segstr_n, &r->ref_segstr_cap, id);
	}
	if (c->has_features)
		add_features(r, c->feature_set, c->features, c->features_len,
			     1);
}

/* Reads the reference window's features and segments. */
int sg_rep_scan_reference(struct rep *r, struct sg_diag *diag)
{
	r->ref_idx = -1;
	r->ref_last[0] = '\0';
	if (!r->ref_on || (!r->ref_has_since && !r->ref_has_until))
		return 0; /* the first N nights of a store with none */
	return sg_scan_reference(
		r->s, r->ref_has_since ? r->ref_since : "0000-01-01",
		r->ref_has_until ? r->ref_until : "9999-12-31", reference_case,
		r, diag);
}
