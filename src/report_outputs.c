/*
 * report_outputs.c - the report's outputs section (struct
 * sg_report_outputs): the model's outputs
 * (empty, errors, score deciles, label shares and shift) overall and by
 * night, against the reference window's nights, and version_change, the
 * predictions that changed since the model's previous version.
 */
#include "report_impl.h"

/*
 * The 0, 0.1, ..., 1 quantiles of scores into d; null when empty. Returns
 * 0 or SG_ESTORE with diag set.
 */
static int score_deciles(struct sg_nums *d, struct scores *s,
			 struct sg_diag *diag)
{
	double q[11], v[11];
	int i, ret;

	if (!s->total) {
		d->null = 1;
		return 0;
	}
	for (i = 0; i <= 10; i++)
		q[i] = i / 10.0;
	ret = sg_scores_quantiles(s, q, 11, v, diag);
	if (ret)
		return ret;
	for (i = 0; i <= 10; i++)
		*(double *)sg_arr_add(d, sizeof(double)) = sg_rep_num(v[i]);
	return 0;
}

/* Where label_table() puts the table of the outputs or of a night. */
struct label_out {
	struct sg_map_label_use *labels;
	struct sg_report_shift **label_shift;
	struct sg_report_chi **chi_square;
};

/*
 * labels.<label>.{human, model, human_share, model_share} over n compared
 * cases, from counts by label id (ids >= nh count 0), for the labels ids[0
 * .. k); then label_shift (the largest |model_share - human_share|, with
 * its label; NULL when n is 0) and chi_square of the label x side table.
 */
static void label_table(const struct rep *r, const struct label_out *o,
			const int *ids, size_t k, const long *h, const long *m,
			size_t nh, long n)
{
	long *hv = sg_xcalloc(k + 1, sizeof(long));
	long *mv = sg_xcalloc(k + 1, sizeof(long));
	double best = -1, chi;
	const char *best_label = NULL;
	struct sg_report_chi *c;
	size_t i;
	long df;

	for (i = 0; i < k; i++) {
		size_t id = (size_t)ids[i];
		struct sg_report_label_use *u =
			sg_map_add(o->labels, sizeof(*u), r->labels.s[id]);
		double hs, ms;

		hv[i] = id < nh ? h[id] : 0;
		mv[i] = id < nh ? m[id] : 0;
		hs = n ? (double)hv[i] / (double)n : NAN;
		ms = n ? (double)mv[i] / (double)n : NAN;
		u->human = hv[i];
		u->model = mv[i];
		u->human_share = sg_rep_num(hs);
		u->model_share = sg_rep_num(ms);
		if (n && fabs(ms - hs) > best) {
			best = fabs(ms - hs);
			best_label = r->labels.s[id];
		}
	}
	if (best_label) {
		struct sg_report_shift *ls = sg_xcalloc(1, sizeof(*ls));

		ls->value = sg_rep_num(best);
		ls->label = sg_rep_str(best_label);
		*o->label_shift = ls;
	}
	chi = sg_chi_square_2col(hv, mv, k, &df);
	c = *o->chi_square = sg_xcalloc(1, sizeof(*c));
	c->statistic = sg_rep_num(chi);
	c->df = isfinite(chi) ? (double)df : NAN;
	free(hv);
	free(mv);
}

int sg_rep_fill_outputs(struct rep *r, struct sg_report *out,
			struct sg_diag *diag)
{
	struct sg_report_outputs *o = &out->outputs;
	long n = r->compared;
	size_t k = 0, i, j;
	int all, ret;
	int *ids = NULL;

	o->compared = n;
	o->numeric = r->numeric;
	if (r->numeric) {
		o->human_mean =
			n ? sg_rep_num((double)(sg_ksum_get(&r->h_sum) / n))
			  : NAN;
		o->model_mean =
			n ? sg_rep_num((double)(sg_ksum_get(&r->m_sum) / n))
			  : NAN;
		o->labels.null = 1;
	} else {
		size_t nl = r->labels.n;
		long *h = sg_xcalloc(nl + 1, sizeof(long));
		long *m = sg_xcalloc(nl + 1, sizeof(long));
		struct label_out lo = {&o->labels, &o->label_shift,
				       &o->chi_square};

		ids = sg_rep_shown_labels(r, &k, &all);
		for (i = 0; i < nl; i++)
			for (j = 0; j < nl; j++) {
				h[i] += r->cm[i * r->cm_cap + j];
				m[i] += r->cm[j * r->cm_cap + i];
			}
		label_table(r, &lo, ids, k, h, m, nl, n);
		free(h);
		free(m);
	}
	o->errors = r->with_error;
	o->error_rate = r->with_prediction
				? sg_rep_num((double)r->with_error /
					     (double)r->with_prediction)
				: NAN;
	/* the gate's max_error_rate judges these two, never its own ratio;
	 * the interval is null (both ends NaN) without a prediction */
	o->error_rate_ci95[0] = o->error_rate_ci95[1] = NAN;
	if (r->with_prediction)
		sg_rep_ci(o->error_rate_ci95, r->with_error, r->with_prediction,
			  r->o->confidence);
	o->predictions = r->with_prediction;
	o->empty = r->with_empty;
	o->empty_rate = r->with_prediction
				? sg_rep_num((double)r->with_empty /
					     (double)r->with_prediction)
				: NAN;
	o->scored = (long long)r->scores.total;
	ret = score_deciles(&o->score_deciles, &r->scores, diag);
	if (!ret && !r->ref_on)
		o->nights.null = 1;
	for (i = 0; !ret && r->ref_on && i < r->nnights; i++) {
		struct night_acc *na = &r->nights[i];
		struct sg_report_out_night *nj =
			sg_map_add(&o->nights, sizeof(*nj), na->night);

		nj->predictions = na->preds;
		nj->errors = na->errors;
		nj->error_rate = na->preds ? sg_rep_num((double)na->errors /
							(double)na->preds)
					   : NAN;
		nj->empty = na->empty;
		nj->compared = na->a.n;
		if (r->numeric) {
			nj->labels.null = 1;
		} else {
			struct label_out lo = {&nj->labels, &nj->label_shift,
					       &nj->chi_square};

			label_table(r, &lo, ids, k, na->hl, na->ml, na->nl,
				    na->a.n);
		}
		nj->scored = na->scored;
		ret = score_deciles(&nj->score_deciles, &na->sc, diag);
	}
	free(ids);
	return ret;
}

/*
 * The previous version of the report's model: the model of the same name
 * registered just before it (created_at, then id). *id 0 when none.
 */
static void previous_found(void *ctx, long long id, const char *version,
			   const char *created_at)
{
	struct sg_report_previous *prev = ctx;

	prev->id = id;
	prev->version = sg_rep_str(version);
	prev->created_at = sg_rep_str(created_at);
}

static int previous_version(struct rep *r, long long *id,
			    struct sg_report_previous *prev,
			    struct sg_diag *diag)
{
	return sg_scan_previous_version(r->s, r->model.name, r->model.id,
					r->model.created_at, id, previous_found,
					prev, diag);
}

/*
 * outputs.version_change: how often the model changes its mind between
 * versions. On the window's cases that this version and the previous one
 * (previous_version) both scored without an error, both holding a label
 * (numeric decisions: a number), a case is changed when the labels differ
 * (numbers: by more than the tolerance, as for agreement): overall and by
 * night, each with the Wilson interval of the rate. NULL when the model
 * has no previous version. Its own pass over the predictions of the two
 * versions, grouped by night in SQL; nothing is kept per case.
 */
/* {compared, changed, rate, ci95} */
static void fill_changed(struct sg_report_changed *o, long changed, long n,
			 double confidence)
{
	o->compared = n;
	o->changed = changed;
	o->rate = n ? sg_rep_num((double)changed / (double)n) : NAN;
	sg_rep_ci(o->ci95, changed, n, confidence);
}

/* sg_rep_fill_version_change(): the sums, and where the nights go. */
struct vchange {
	struct sg_map_changed *no;
	double confidence;
	long n, changed;
};

static void version_night(void *ctx, const char *night, long k, long c)
{
	struct vchange *vc = ctx;

	vc->n += k;
	vc->changed += c;
	if (night) /* cases without a night count overall only */
		fill_changed(sg_map_add(vc->no, sizeof(struct sg_report_changed),
					night),
			     c, k, vc->confidence);
}

int sg_rep_fill_version_change(struct rep *r, struct sg_report *out,
			       struct sg_diag *diag)
{
	struct sg_scan_window w;
	struct vchange vc = {NULL, 0, 0, 0};
	struct sg_report_previous prev;
	struct sg_report_version_change *o;
	struct sg_report_changed all;
	long long prev_id;
	int ret;

	memset(&prev, 0, sizeof(prev));
	ret = previous_version(r, &prev_id, &prev, diag);
	if (ret || !prev_id) {
		free(prev.version);
		free(prev.created_at);
		return ret;
	}
	o = out->outputs.version_change = sg_xcalloc(1, sizeof(*o));
	o->previous = prev;
	o->tolerance = r->numeric ? sg_rep_num(r->o->tolerance) : NAN;
	if (!r->w.empty) {
		vc.no = &o->nights;
		vc.confidence = r->o->confidence;
		sg_rep_window(r, &w);
		ret = sg_scan_version_change(r->s, &w, r->model.id, prev_id,
					     r->numeric, r->o->tolerance,
					     version_night, &vc, diag);
	}
	fill_changed(&all, vc.changed, vc.n, r->o->confidence);
	o->compared = all.compared;
	o->changed = all.changed;
	o->rate = all.rate;
	o->ci95[0] = all.ci95[0];
	o->ci95[1] = all.ci95[1];
	return ret;
}
