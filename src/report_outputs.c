/*
 * report_outputs.c - the report's outputs section: the model's outputs
 * (empty, errors, score deciles, label shares and shift) overall and by
 * night, against the reference window's nights, and version_change, the
 * predictions that changed since the model's previous version.
 */
#include "report_impl.h"

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
	ret = sg_scores_quantiles(s, q, 11, v, diag);
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

int sg_rep_build_outputs(struct rep *r, cJSON *root, struct sg_diag *diag)
{
	cJSON *o = cJSON_AddObjectToObject(root, "outputs");
	long n = r->compared;
	size_t k = 0, i, j;
	int all, ret;
	int *ids = NULL;

	jlong(o, "compared", n);
	if (r->numeric) {
		jnum(o, "human_mean",
		     n ? (double)(sg_ksum_get(&r->h_sum) / n) : NAN);
		jnum(o, "model_mean",
		     n ? (double)(sg_ksum_get(&r->m_sum) / n) : NAN);
		cJSON_AddNullToObject(o, "labels");
		cJSON_AddNullToObject(o, "label_shift");
		cJSON_AddNullToObject(o, "chi_square");
	} else {
		size_t nl = r->labels.n;
		long *h = sg_xcalloc(nl + 1, sizeof(long));
		long *m = sg_xcalloc(nl + 1, sizeof(long));

		ids = sg_rep_shown_labels(r, &k, &all);
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
	return sg_rep_rate(o, "compared", n, "changed", changed, confidence);
}

/*
 * The previous version of the report's model: the model of the same name
 * registered just before it (created_at, then id). *id 0 when none.
 */
static void previous_found(void *ctx, long long id, const char *version,
			   const char *created_at)
{
	cJSON **prev = ctx;

	*prev = cJSON_CreateObject();
	jlong(*prev, "id", (long)id);
	jstr(*prev, "version", version);
	jstr(*prev, "created_at", created_at);
}

static int previous_version(struct rep *r, long long *id, cJSON **prev,
			    struct sg_diag *diag)
{
	*prev = NULL;
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
 * night, each with the Wilson interval of the rate. null when the model
 * has no previous version. Its own pass over the predictions of the two
 * versions, grouped by night in SQL; nothing is kept per case.
 */
/* sg_rep_build_version_change(): the sums, and where the nights go. */
struct vchange {
	cJSON *no;
	double confidence;
	long n, changed;
};

static void version_night(void *ctx, const char *night, long k, long c)
{
	struct vchange *vc = ctx;

	vc->n += k;
	vc->changed += c;
	if (night) /* cases without a night count overall only */
		cJSON_AddItemToObject(vc->no, night,
				      change_obj(cJSON_CreateObject(), c, k,
						 vc->confidence));
}

int sg_rep_build_version_change(struct rep *r, cJSON *outputs,
				struct sg_diag *diag)
{
	struct sg_scan_window w;
	struct vchange vc = {NULL, 0, 0, 0};
	cJSON *prev = NULL, *o, *no;
	long long prev_id;
	long n = 0, changed = 0;
	int ret;

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
	if (r->w.empty)
		goto done;
	vc.no = no;
	vc.confidence = r->o->confidence;
	sg_rep_window(r, &w);
	ret = sg_scan_version_change(r->s, &w, r->model.id, prev_id,
				     r->numeric, r->o->tolerance, version_night,
				     &vc, diag);
	n = vc.n;
	changed = vc.changed;
done:
	if (!ret) {
		change_obj(o, changed, n, r->o->confidence);
		cJSON_AddItemToObject(o, "nights", no);
		no = NULL;
	}
	cJSON_Delete(no);
	return ret;
}
