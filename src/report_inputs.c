/*
 * report_inputs.c - the report's inputs section (struct sg_report_inputs):
 * the features' statistics over the window and the reference, drift (KS,
 * PSI on bins cut once on the reference's deciles, by night), and the
 * segments' shares.
 */
#include "report_impl.h"

/* cases, missing_rate, mean, std, min, max of s: null without a case or
 * a present value. */
struct fstat_out {
	long long *cases;
	double *missing_rate, *mean, *std, *min, *max;
};

static void fill_fstat(const struct fstat_out *o, const struct fstat *s)
{
	*o->cases = s->cases;
	*o->missing_rate =
		s->cases ? sg_rep_num((double)s->missing / (double)s->cases)
			 : NAN;
	*o->mean = s->cnt ? sg_rep_num((double)s->mean) : NAN;
	*o->std = s->cnt > 1
			  ? sg_rep_num((double)sqrtl(s->m2 / (s->cnt - 1)))
			  : NAN;
	*o->min = s->cnt ? sg_rep_num(s->min) : NAN;
	*o->max = s->cnt ? sg_rep_num(s->max) : NAN;
}

#define FSTAT_OUT(p)                                                       \
	((struct fstat_out){&(p)->cases, &(p)->missing_rate, &(p)->mean,   \
			    &(p)->std, &(p)->min, &(p)->max})

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

static void fill_reference(struct rep *r, struct sg_report_inputs *o)
{
	struct sg_report_reference *ref;
	struct sg_buf note = SG_BUF_INIT;

	if (!r->ref_on)
		return;
	ref = o->reference = sg_xcalloc(1, sizeof(*ref));
	ref->how = sg_rep_str(r->ref_how);
	ref->first_nights = !strcmp(r->ref_how, "first_nights")
				    ? (double)r->o->reference_nights
				    : NAN;
	ref->since = sg_rep_str(r->ref_has_since ? r->ref_since : NULL);
	ref->until = sg_rep_str(r->ref_has_until ? r->ref_until : NULL);
	ref->nights = r->ref_nights;
	ref->cases = r->ref_cases;
	ref->overlaps_window = r->ref_in_window > 0;
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
	ref->note = sg_rep_str(note.len ? note.buf : NULL);
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
	int c = sg_intern_add(&t->cols, col, coln), k;
	char *key = sg_xmalloc(sizeof(c) + valn + 1);

	memcpy(key, &c, sizeof(c));
	memcpy(key + sizeof(c), val, valn);
	k = sg_intern_add(&t->keys, key, sizeof(c) + valn);
	free(key);
	/* both sides sized to every key and column */
	sg_rep_add_id(&t->win, &t->wcap, k, ref ? 0 : n);
	sg_rep_add_id(&t->ref, &t->rcap, k, ref ? n : 0);
	sg_rep_add_id(&t->cwin, &t->cwcap, c, ref ? 0 : n);
	sg_rep_add_id(&t->cref, &t->crcap, c, ref ? n : 0);
}

static void shares_release(struct shares *t)
{
	sg_intern_release(&t->cols);
	sg_intern_release(&t->keys);
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

	return sg_bytecmp(cmp_keys->s[x] + sizeof(int),
		       cmp_keys->len[x] - sizeof(int),
		       cmp_keys->s[y] + sizeof(int),
		       cmp_keys->len[y] - sizeof(int));
}

static void fill_input_segments(struct rep *r, struct sg_report_inputs *o)
{
	struct shares t;
	cJSON *j, *it;
	int *cols, *keys;
	size_t i, c, nk;
	int v;

	if (!r->ref_on) {
		o->segments.null = 1;
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
			     sg_intern_find_h(&r->segcols, it->string,
					   strlen(it->string),
					   sg_fnv1a(it->string,
						 strlen(it->string))) < 0))
				continue;
			s = sg_rep_seg_text(it, num, &n);
			shares_add(&t, it->string, strlen(it->string), s, n,
				   r->ref_segstr_n[i], 1);
		}
		cJSON_Delete(j);
	}
	/* the placeholders of the configured columns are not values */
	cols = r->fixed_cols ? NULL : sg_rep_sorted_ids(&t.cols);
	keys = sg_xcalloc(t.keys.n + 1, sizeof(int));
	for (c = 0; c < t.cols.n; c++) {
		int cid = cols ? cols[c] : (int)c;
		struct sg_report_segdrift *co =
			sg_map_add(&o->segments, sizeof(*co), t.cols.s[cid]);
		long cw = t.cwin[cid], cr = t.cref[cid];

		for (i = 0, nk = 0; i < t.keys.n; i++) {
			int kc;

			memcpy(&kc, t.keys.s[i], sizeof(kc));
			if (kc == cid && (t.win[i] || t.ref[i]))
				keys[nk++] = (int)i;
		}
		cmp_keys = &t.keys;
		sg_sort(keys, nk, sizeof(int), cmp_key_value);
		cmp_keys = NULL;
		for (i = 0; i < nk; i++) {
			int k = keys[i];
			const char *val = t.keys.s[k] + sizeof(int);
			struct sg_report_segshare *e =
				sg_map_add(&co->values, sizeof(*e), val);

			e->cases = t.win[k];
			e->share = cw ? sg_rep_num((double)t.win[k] / (double)cw)
				      : NAN;
			e->reference_cases = t.ref[k];
			e->reference_share =
				cr ? sg_rep_num((double)t.ref[k] / (double)cr)
				   : NAN;
			if (t.win[k] && !t.ref[k] && r->ref_cases)
				sg_rep_strs_add(&co->unseen, val);
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
static void reference_by_night(struct rep *r, struct sg_report_reference *ref,
			       const struct fref *fr)
{
	size_t i, j, *cur;

	if (!ref)
		return;
	cur = sg_xcalloc(r->featnames.n + 1, sizeof(size_t));
	for (j = 0; j < (size_t)r->ref_nights; j++) {
		const struct refnight *ro = &r->refn[j];
		struct sg_report_ref_night *nj =
			sg_map_add(&ref->by_night, sizeof(*nj), ro->night);

		nj->cases = ro->cases;
		for (i = 0; i < r->featnames.n; i++) {
			struct feat *f = &r->feats[i];
			const struct fnight *fn = NULL;
			struct sg_report_ref_fnight *c = sg_map_add(
				&nj->features, sizeof(*c), r->featnames.s[i]);

			while (cur[i] < f->nrfn && f->rfn[cur[i]].night < (int)j)
				cur[i]++;
			if (cur[i] < f->nrfn && f->rfn[cur[i]].night == (int)j)
				fn = &f->rfn[cur[i]];
			c->missing_rate =
				fn && fn->s.cases
					? sg_rep_num((double)fn->s.missing /
						     (double)fn->s.cases)
					: NAN;
			c->psi = fn ? sg_rep_num(night_psi(&fr[i],
							   f->rv + fn->start,
							   (size_t)fn->s.cnt))
				    : NAN;
		}
		nj->predictions = ro->preds;
		nj->error_rate = ro->preds ? sg_rep_num((double)ro->errors /
							(double)ro->preds)
					   : NAN;
		nj->label_shift = sg_rep_num(ro->label_shift);
	}
	free(cur);
}

void sg_rep_fill_inputs(struct rep *r, struct sg_report *out)
{
	struct sg_report_inputs *o = &out->inputs;
	size_t nf = r->featnames.n, i, j, nr = 0;
	struct fref *fr = sg_xcalloc(nf + 1, sizeof(*fr));
	struct ranked *rk = sg_xcalloc(nf + 1, sizeof(*rk));

	fill_reference(r, o);
	o->psi_floor = SG_PSI_FLOOR;
	o->psi_bins = SG_PSI_BINS;
	o->ks_pvalue_method = sg_rep_str("asymptotic");
	for (i = 0; i < nf; i++) {
		struct feat *f = &r->feats[i];
		struct sg_report_feature *c =
			sg_map_add(&o->features, sizeof(*c), r->featnames.s[i]);
		double psi = NAN;
		struct sg_ks ks = {NAN, NAN};

		fill_fstat(&FSTAT_OUT(c), &f->w);
		if (r->ref_on && f->nrv) {
			/* rv stays in night order for the by-night PSI */
			double *srt = sg_xmalloc(f->nrv * sizeof(double));

			memcpy(srt, f->rv, f->nrv * sizeof(double));
			sg_sort(srt, f->nrv, sizeof(double), sg_cmp_double);
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
		c->psi = sg_rep_num(psi);
		c->ks = sg_rep_num(ks.d);
		c->ks_pvalue = sg_rep_num(ks.pvalue);
		if (r->ref_on) {
			c->reference = sg_xcalloc(1, sizeof(*c->reference));
			fill_fstat(&FSTAT_OUT(c->reference), &f->ref);
		}
		if (isfinite(psi)) {
			rk[nr].name = r->featnames.s[i];
			rk[nr].psi = psi;
			nr++;
		}
	}
	reference_by_night(r, o->reference, fr);
	sg_sort(rk, nr, sizeof(*rk), cmp_ranked);
	for (i = 0; i < nr; i++)
		sg_rep_strs_add(&o->ranking, rk[i].name);
	fill_input_segments(r, o);
	if (!r->ref_on) {
		o->nights.null = 1;
	} else {
		size_t *cur = sg_xcalloc(nf + 1, sizeof(size_t));

		for (j = 0; j < r->nnights; j++) {
			struct sg_report_in_night *nj = sg_map_add(
				&o->nights, sizeof(*nj), r->nights[j].night);

			nj->cases = r->nights[j].cases;
			for (i = 0; i < nf; i++) {
				struct feat *f = &r->feats[i];
				struct sg_report_fnight *c =
					sg_map_add(&nj->features, sizeof(*c),
						   r->featnames.s[i]);
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
				fill_fstat(&FSTAT_OUT(c), st);
				c->psi = sg_rep_num(psi);
			}
		}
		free(cur);
	}
	free(fr);
	free(rk);
}
