/*
 * report_build.c - the report's finishing steps for the head and the
 * agreement sections: report_version, model, window and counts; kappa,
 * labels, confusion, per_class and averages; segments, nights,
 * regression, the human baseline, coverage, software (with its runs,
 * night by night) and the disagreements' examples, each filled into the
 * typed report (struct sg_report, report_types.h) from the accumulated
 * state. Numbers that are not finite are stored as NaN (JSON null), as
 * the report reads back from its JSON.
 */
#include "report_impl.h"

#include "sg/evidence.h"

static double overall_rate(const struct rep *r)
{
	return r->compared ? (double)r->agree / (double)r->compared : NAN;
}

/* Whether a segment value's or a night's rate is below the overall rate:
 * the top of its interval under it. */
static void below_flag(struct sg_rate *o, double overall)
{
	o->below_overall = isfinite(o->ci95[1]) && isfinite(overall) &&
			   o->ci95[1] < overall;
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
	return sg_bytecmp(sort_ctx->t->s[x], sort_ctx->t->len[x],
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
int *sg_rep_shown_labels(const struct rep *r, size_t *k, int *all_ordered)
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
	sg_sort(ids, cnt, sizeof(int), cmp_label);
	sort_ctx = NULL;
	free(rank);
	*k = cnt;
	return ids;
}

void sg_rep_ci(double ci[2], long k, long n, double confidence)
{
	double lo, hi;

	sg_wilson(k, n, confidence, &lo, &hi);
	ci[0] = sg_rep_num(lo);
	ci[1] = sg_rep_num(hi);
}

void sg_rep_fill_rate(struct sg_rate *o, long k, long n, double confidence)
{
	o->n = n;
	o->agree = k;
	o->rate = n ? sg_rep_num((double)k / (double)n) : NAN;
	sg_rep_ci(o->ci95, k, n, confidence);
	o->below_overall = 0;
}

void sg_rep_strs_add(struct sg_strs *s, const char *v)
{
	char **slot = sg_arr_add(s, sizeof(char *));

	*slot = sg_rep_str(v);
}

static void fill_class(struct sg_report_class *c,
		       const struct sg_class_metrics *m)
{
	c->precision = sg_rep_num(m->precision);
	c->recall = sg_rep_num(m->recall);
	c->f1 = sg_rep_num(m->f1);
	c->support = m->support;
}

/* kappa, labels, confusion, per_class and averages. */
void sg_rep_fill_labels(struct rep *r, struct sg_report *out)
{
	const double conf = r->o->confidence;
	size_t k, i, j, no;
	int all_ordered;
	int *ids = sg_rep_shown_labels(r, &k, &all_ordered);
	long *m = sg_xcalloc(k * k + 1, sizeof(long));
	struct sg_class_metrics *per = sg_xcalloc(k + 1, sizeof(*per));
	struct sg_class_metrics mac, wei;
	struct sg_kappa kap;
	struct sg_report_kappa *ko = &out->kappa;
	struct sg_matrix *mx = &out->confusion.matrix;

	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			m[i * k + j] = r->cm[(size_t)ids[i] * r->cm_cap +
					     (size_t)ids[j]];
	sg_cohen_kappa(m, k, conf, &kap);
	ko->value = sg_rep_num(kap.value);
	ko->se = sg_rep_num(kap.se);
	ko->ci95[0] = sg_rep_num(kap.low);
	ko->ci95[1] = sg_rep_num(kap.high);
	sg_gwet_ac1(m, k, conf, &kap);
	out->ac1.value = sg_rep_num(kap.value);
	out->ac1.se = sg_rep_num(kap.se);
	out->ac1.ci95[0] = sg_rep_num(kap.low);
	out->ac1.ci95[1] = sg_rep_num(kap.high);
	ko->linear_weighted = ko->quadratic_weighted = NAN;
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
		ko->linear_weighted = sg_rep_num(sg_weighted_kappa(w, no, 0));
		ko->quadratic_weighted = sg_rep_num(sg_weighted_kappa(w, no, 1));
		free(w);
	}

	for (i = 0; i < k; i++) {
		sg_rep_strs_add(&out->labels, r->labels.s[ids[i]]);
		sg_rep_strs_add(&out->confusion.labels, r->labels.s[ids[i]]);
	}
	mx->rows = mx->cols = k;
	mx->v = sg_xcalloc(k ? k * k : 1, sizeof(*mx->v));
	for (i = 0; i < k * k; i++)
		mx->v[i] = m[i];

	sg_class_metrics(m, k, per, &mac, &wei);
	for (i = 0; i < k; i++) {
		struct sg_report_class *pc = sg_map_add(
			&out->per_class, sizeof(*pc), r->labels.s[ids[i]]);
		long used = 0;

		fill_class(pc, &per[i]);
		for (j = 0; j < k; j++)
			used += m[j * k + i];
		/* the Wilson intervals of the two rates (0 of 0: NaN) */
		sg_wilson(m[i * k + i], used, conf, &pc->precision_ci95[0],
			  &pc->precision_ci95[1]);
		sg_wilson(m[i * k + i], per[i].support, conf,
			  &pc->recall_ci95[0], &pc->recall_ci95[1]);
	}
	if (k) {
		out->averages = sg_xcalloc(1, sizeof(*out->averages));
		fill_class(&out->averages->macro, &mac);
		fill_class(&out->averages->weighted, &wei);
	}
	free(ids);
	free(m);
	free(per);
}

static const struct intern *cmp_values;

static int cmp_value_id(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return sg_bytecmp(cmp_values->s[x], cmp_values->len[x], cmp_values->s[y],
		       cmp_values->len[y]);
}

/* Ids 0 .. t->n - 1 in byte order of their strings. The caller frees. */
int *sg_rep_sorted_ids(const struct intern *t)
{
	int *ids = sg_xcalloc(t->n + 1, sizeof(int));
	size_t i;

	for (i = 0; i < t->n; i++)
		ids[i] = (int)i;
	cmp_values = t;
	sg_sort(ids, t->n, sizeof(int), cmp_value_id);
	cmp_values = NULL;
	return ids;
}

void sg_rep_fill_segments(struct rep *r, struct sg_report *out)
{
	double overall = overall_rate(r);
	int *cols = r->fixed_cols ? NULL : sg_rep_sorted_ids(&r->segcols);
	size_t c, v;

	for (c = 0; c < r->segcols.n; c++) {
		int cid = cols ? cols[c] : (int)c;
		struct segcol *sc = &r->cols[cid];
		struct sg_report_segcol *co =
			sg_map_add(&out->segments, sizeof(*co), r->segcols.s[cid]);
		int *vals = sg_rep_sorted_ids(&sc->values);

		for (v = 0; v < sc->values.n; v++) {
			const struct acc *a = &sc->acc[vals[v]];
			struct sg_rate *vo = sg_map_add(
				&co->values, sizeof(*vo), sc->values.s[vals[v]]);

			sg_rep_fill_rate(vo, a->agree, a->n, r->o->confidence);
			below_flag(vo, overall);
		}
		free(vals);
	}
	free(cols);
}

void sg_rep_fill_nights(struct rep *r, struct sg_report *out)
{
	double overall = overall_rate(r);
	size_t i;

	for (i = 0; i < r->nnights; i++) {
		struct sg_rate *vo = sg_map_add(&out->nights, sizeof(*vo),
						r->nights[i].night);

		sg_rep_fill_rate(vo, r->nights[i].a.agree, r->nights[i].a.n,
				 r->o->confidence);
		below_flag(vo, overall);
	}
}

/* regression: NULL for label decisions. */
void sg_rep_fill_regression(struct rep *r, struct sg_report *out)
{
	struct sg_regression g;
	struct sg_report_regression *o;
	struct sg_report_within *w;
	long n = r->compared;

	if (!r->numeric)
		return;
	sg_regression_finish(&r->reg, r->o->confidence, &g);
	o = out->regression = sg_xcalloc(1, sizeof(*o));
	o->n = n;
	o->mae = sg_rep_num(g.mae);
	o->rmse = sg_rep_num(g.rmse);
	o->bias = sg_rep_num(g.bias);
	w = &o->within_tolerance;
	w->tolerance = sg_rep_num(r->o->tolerance);
	w->n = n;
	w->within = r->agree;
	w->rate = n ? sg_rep_num((double)r->agree / (double)n) : NAN;
	sg_rep_ci(w->ci95, r->agree, n, r->o->confidence);
}

/* human_baseline: NULL for numeric decisions. */
void sg_rep_fill_baseline(struct rep *r, struct sg_report *out)
{
	struct sg_report_baseline *o;
	size_t k = r->labels.n, i, j, off = 0;
	long *counts;
	int *data;

	if (r->numeric)
		return;
	o = out->human_baseline = sg_xcalloc(1, sizeof(*o));
	o->items = (long long)r->items;
	o->ratings = (long long)r->nratings;
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
	o->fleiss_kappa = r->items ? sg_rep_num(sg_fleiss_kappa(counts, r->items,
								k))
				   : NAN;
	o->krippendorff_alpha =
		r->items ? sg_rep_num(sg_krippendorff_alpha_nominal(
				   data, r->items, r->max_m))
			 : NAN;
	o->pairs = r->pairs;
	o->pairwise_agreement =
		r->pairs ? sg_rep_num((double)r->pairs_agree / (double)r->pairs)
			 : NAN;
	o->model_items = r->model_items;
	o->model_ratings = r->model_ratings;
	o->model_agreement = r->model_ratings
				     ? sg_rep_num((double)r->model_agree /
						  (double)r->model_ratings)
				     : NAN;
	{
		struct sg_kappa ac;

		sg_gwet_ac1_raters(counts, r->items, k, r->o->confidence, &ac);
		o->ac1.value = sg_rep_num(ac.value);
		o->ac1.se = sg_rep_num(ac.se);
		o->ac1.ci95[0] = sg_rep_num(ac.low);
		o->ac1.ci95[1] = sg_rep_num(ac.high);
	}
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
int sg_rep_fill_coverage(struct rep *r, struct sg_report *out,
			 struct sg_diag *diag)
{
	struct sg_report_coverage *o = &out->coverage;
	struct scores *ag = &r->sc_agree, *ds = &r->sc_dis;
	size_t scored = ag->total + ds->total, pa[21], pn[21];
	struct scores_it ia, id;
	double best = NAN, best_cov = NAN, lo, hi;
	int i = 0, ha = 0, hd = 0, ret;

	ret = sg_scores_open(&ia, ag, diag);
	if (!ret)
		ret = sg_scores_open(&id, ds, diag);
	else
		memset(&id, 0, sizeof(id));
	if (!ret)
		ha = sg_scores_next(&ia, diag);
	if (!ret && ha >= 0)
		hd = sg_scores_next(&id, diag);
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
			ha = sg_scores_next(&ia, diag);
		}
		while (hd > 0 && id.v == v) {
			if (!seen_a)
				top = id.v;
			hd = sg_scores_next(&id, diag);
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
	sg_scores_close(&ia);
	sg_scores_close(&id);
	if (ret)
		return ret;
	for (; i <= 20; i++)
		pa[i] = pn[i] = 0;
	o->scored = (long long)scored;
	o->target_agreement = sg_rep_num(r->o->target_agreement);
	for (i = 0; scored && i <= 20; i++) {
		size_t na = pa[i], n = pn[i];
		struct sg_report_point *p =
			sg_arr_add(&o->points, sizeof(*p));

		p->threshold = i / 20.0;
		p->coverage = sg_rep_num((double)n / (double)scored);
		p->n = (long long)n;
		p->agree = (long long)na;
		p->rate = n ? sg_rep_num((double)na / (double)n) : NAN;
		sg_rep_ci(p->ci95, (long)na, (long)n, r->o->confidence);
	}
	o->recommended_threshold = sg_rep_num(best);
	o->recommended_coverage = isfinite(best) ? sg_rep_num(best_cov) : NAN;
	return 0;
}

/* ---- software, night by night ---- */

/* The metrics of a run that software.change follows (scan.h's order). */
enum { SW_N = SG_SCAN_METRICS };

/*
 * software.nights.<night>: the model version's runs by the UTC date of
 * their started_at, over the SG_REPORT_RUN_NIGHTS latest such nights (a
 * run whose started_at is not a time has no night and is left out): runs,
 * and cases, scored, errors summed; error_rate of those sums; each of the
 * other metrics the mean over the night's runs that have it. first gets
 * the first night shown ("" when none).
 */
/* software_nights(): where a night of runs goes. */
struct sw_nights {
	struct sg_map_run_night *no;
	char *first;
};

static void software_night(void *ctx, const struct sg_scan_run_night *rn)
{
	struct sw_nights *w = ctx;
	struct sg_report_run_night *n =
		sg_map_add(w->no, sizeof(*n), rn->night);
	double *m[SW_N];
	int i;

	if (!w->first[0])
		snprintf(w->first, 11, "%.10s", rn->night);
	n->runs = rn->runs;
	n->cases = rn->cases;
	n->scored = rn->scored;
	n->errors = rn->errors;
	n->error_rate = rn->cases ? sg_rep_num((double)rn->errors /
					       (double)rn->cases)
				  : NAN;
	m[SG_SCAN_ERROR_RATE] = &n->error_rate;
	m[SG_SCAN_P50] = &n->p50_ms;
	m[SG_SCAN_P95] = &n->p95_ms;
	m[SG_SCAN_P99] = &n->p99_ms;
	m[SG_SCAN_THROUGHPUT] = &n->throughput;
	m[SG_SCAN_RSS] = &n->peak_rss_kb;
	/* error_rate is of the night's sums, not a mean */
	for (i = SG_SCAN_P50; i < SW_N; i++)
		*m[i] = sg_rep_num(rn->m[i]);
}

static int software_nights(struct rep *r, struct sg_report_software *o,
			   char first[11], struct sg_diag *diag)
{
	struct sw_nights w;

	first[0] = '\0';
	w.no = &o->nights;
	w.first = first;
	return sg_scan_run_nights(r->s, r->model.id, SG_REPORT_RUN_NIGHTS,
				  software_night, &w, diag);
}

/*
 * software.change: the latest run (the highest id, as the rest of
 * software) against the mean over the runs of the earlier nights of
 * software.nights (from `first` to the night before the latest run's):
 * night, previous_nights, previous_runs, and for each metric {latest,
 * previous_mean (of the runs that have it; a run's error_rate is errors /
 * cases, none when cases is 0), delta = latest - previous_mean, relative =
 * delta / previous_mean (null when previous_mean is 0)}. NULL without a
 * run, when the latest run has no night, or when no run is on an earlier
 * night.
 */
static int software_change(struct rep *r, struct sg_report_software *o,
			   const char *first, struct sg_diag *diag)
{
	double latest[SW_N], prev[SW_N];
	char night[11] = "";
	long runs = 0, nights = 0;
	struct sg_report_change *c;
	struct sg_report_delta *m[SW_N];
	int ret, i;

	for (i = 0; i < SW_N; i++)
		latest[i] = prev[i] = NAN;
	ret = sg_scan_latest_run_metrics(r->s, r->model.id, night, latest,
					 diag);
	if (ret || !night[0] || !first[0] || strcmp(first, night) >= 0)
		goto out;
	ret = sg_scan_runs_between(r->s, r->model.id, first, night, &runs,
				   &nights, prev, diag);
out:
	if (ret || !runs)
		return ret;
	c = o->change = sg_xcalloc(1, sizeof(*c));
	c->night = sg_rep_str(night);
	c->previous_nights = nights;
	c->previous_runs = runs;
	m[SG_SCAN_ERROR_RATE] = &c->error_rate;
	m[SG_SCAN_P50] = &c->p50_ms;
	m[SG_SCAN_P95] = &c->p95_ms;
	m[SG_SCAN_P99] = &c->p99_ms;
	m[SG_SCAN_THROUGHPUT] = &c->throughput;
	m[SG_SCAN_RSS] = &c->peak_rss_kb;
	for (i = 0; i < SW_N; i++) {
		double d = latest[i] - prev[i];

		m[i]->latest = sg_rep_num(latest[i]);
		m[i]->previous_mean = sg_rep_num(prev[i]);
		m[i]->delta = sg_rep_num(d);
		m[i]->relative = prev[i] != 0 ? sg_rep_num(d / prev[i]) : NAN;
	}
	return 0;
}

static int software_history(struct rep *r, struct sg_report_software *o,
			    struct sg_diag *diag)
{
	char first[11];
	int ret = software_nights(r, o, first, diag);

	return ret ? ret : software_change(r, o, first, diag);
}

/* software's latest run (NULL: none; its members stay NaN / NULL). */
static void latest_run(void *ctx, const struct sg_scan_run *run)
{
	struct sg_report_software *o = ctx;

	if (!run)
		return;
	o->run_id = (double)run->id;
	o->status = sg_rep_str(run->status);
	o->started_at = sg_rep_str(run->started_at);
	o->finished_at = sg_rep_str(run->finished_at);
	o->cases = (double)run->cases;
	o->scored = (double)run->scored;
	o->errors = (double)run->errors;
	o->error_rate = run->cases ? sg_rep_num((double)run->errors /
						(double)run->cases)
				   : NAN;
	o->p50_ms = sg_rep_num(run->p50_ms);
	o->p95_ms = sg_rep_num(run->p95_ms);
	o->p99_ms = sg_rep_num(run->p99_ms);
	o->throughput = sg_rep_num(run->throughput);
	o->peak_rss_kb = sg_rep_num(run->peak_rss_kb);
	o->latency_method = sg_rep_str(run->latency_method);
	o->startup_ms = sg_rep_num(run->startup_ms);
}

int sg_rep_fill_software(struct rep *r, struct sg_report *out,
			 struct sg_diag *diag)
{
	struct sg_report_software *o = &out->software;
	long runs = 0;
	int ret;

	o->backend = sg_rep_str(r->model.backend);
	ret = sg_scan_run_count(r->s, r->model.id, &runs, diag);
	if (ret)
		return ret;
	o->runs = runs;
	ret = sg_scan_latest_run(r->s, r->model.id, latest_run, o, diag);
	if (ret)
		return ret;
	o->window_predictions = r->with_prediction;
	o->window_errors = r->with_error;
	o->window_error_rate =
		r->with_prediction ? sg_rep_num((double)r->with_error /
						(double)r->with_prediction)
				   : NAN;
	return software_history(r, o, diag);
}

static void case_id_found(void *ctx, const struct sg_scan_case *c)
{
	struct sg_report_example *e = ctx;

	e->case_id = sg_rep_str(c->case_id);
}

/* disagreements: the examples kept by the pass, with their case ids. */
int sg_rep_fill_examples(struct rep *r, struct sg_report *out,
			 struct sg_diag *diag)
{
	size_t i;
	int ret;

	for (i = 0; i < r->nex; i++) {
		const struct example *e = &r->ex[i];
		struct sg_report_example *o =
			sg_arr_add(&out->disagreements, sizeof(*o));

		o->human.num = o->model.num = NAN;
		o->night = sg_rep_str(e->night[0] ? e->night : NULL);
		if (r->numeric) {
			o->human.num = sg_rep_num(e->hv);
			o->model.num = sg_rep_num(e->mv);
		} else {
			o->human.label = sg_rep_str(r->labels.s[e->h]);
			o->model.label = sg_rep_str(r->labels.s[e->m]);
		}
		o->score = sg_rep_num(e->score);
		ret = sg_scan_case_row(r->s, e->rowid, case_id_found, o, diag);
		if (ret)
			return ret;
	}
	return 0;
}

/* report_version, generated_at, model, window, confidence,
 * decision_type, cases and counts. */
void sg_rep_fill_head(struct rep *r, struct sg_report *out)
{
	struct sg_report_window *w = &out->window;
	struct sg_report_counts *c = &out->counts;
	char now[32];

	out->report_version = SG_REPORT_VERSION;
	if (r->o->generated_at) {
		out->generated_at = sg_rep_str(r->o->generated_at);
	} else {
		sg_now_iso(now);
		out->generated_at = sg_rep_str(now);
	}
	if (r->model.id) {
		struct sg_report_model *m = sg_xcalloc(1, sizeof(*m));

		m->id = r->model.id;
		m->name = sg_rep_str(r->model.name);
		m->version = sg_rep_str(r->model.version);
		m->backend = sg_rep_str(r->model.backend);
		m->sha256 = sg_rep_str(r->model.sha256);
		m->created_at = sg_rep_str(r->model.created_at);
		out->model = m;
	}
	if (r->w.has_since)
		w->since = sg_rep_str(r->w.since);
	else
		w->since = sg_rep_str(r->nnights ? r->nights[0].night : NULL);
	if (r->w.has_until)
		w->until = sg_rep_str(r->w.until);
	else
		w->until = sg_rep_str(
			r->nnights ? r->nights[r->nnights - 1].night : NULL);
	w->nights = (long long)r->nnights;
	w->last = r->o->last > 0 ? (double)r->o->last : NAN;
	w->all = r->w.whole;
	w->undated_cases = r->w.undated_out;
	if (r->w.undated_all) {
		w->note = sg_rep_str("no case has a night (a log without "
				     "times): the window is all cases");
	} else if (r->w.undated_out) {
		struct sg_buf b = SG_BUF_INIT;

		sg_buf_addf(&b,
			    "%ld case%s without a night %s not in this window; "
			    "--window-nights 0 includes them",
			    r->w.undated_out, r->w.undated_out == 1 ? "" : "s",
			    r->w.undated_out == 1 ? "is" : "are");
		w->note = sg_rep_str(b.buf);
		sg_buf_release(&b);
	}
	out->confidence = sg_rep_num(r->o->confidence);
	out->decision_type = sg_rep_str(r->numeric ? "numeric" : "label");
	out->cases = r->compared;
	c->in_window = r->in_window;
	c->with_decision = r->with_decision;
	c->with_prediction = r->with_prediction;
	c->prediction_errors = r->with_error;
	c->compared = r->compared;
	c->excluded.no_decision = r->ex_no_decision;
	c->excluded.no_prediction = r->ex_no_prediction;
	c->excluded.prediction_error = r->ex_error;
	c->excluded.no_human_value = r->ex_no_human;
	c->excluded.no_model_output = r->ex_no_model;
}
