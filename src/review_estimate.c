/*
 * review_estimate.c - the review block of a window (sg_review_collect):
 * the window's compared cases by cell give N_h, the verdicts on the cases
 * drawn for the model give each reviewed case its verdict (the majority
 * of its reviewers; a tie leaves it out), and strata.h's stratified
 * estimators turn the strata into the model's and the people's accuracy
 * over the window. Then the block as JSON (the report's `review` object)
 * and as text.
 */
#include "review_impl.h"

struct est {
	struct rv_window *w;
	struct sg_review_result *out;
	long *cell;          /* (h, m) -> stratum index, -1 none */
	size_t nl;
};

/* One case's verdicts: majority, agreement, counts. */
static void case_votes(void *ctx, long long case_ref, const struct rv_vote *v,
		       size_t n)
{
	struct est *e = ctx;
	struct sg_review_result *r = e->out;
	const struct rv_case *c = rv_window_find(e->w, case_ref);
	const char *best;
	size_t bi;
	long agreed, pairs_agree;
	int tie;

	if (!c)
		return;
	tie = rv_majority(v, n, &bi, &agreed, &pairs_agree);
	best = v[bi].verdict;
	if (n >= 2) {
		r->multi_cases++;
		r->pairs += (long)(n * (n - 1) / 2);
		r->pairs_agree += pairs_agree;
	}
	if (tie) {
		r->unresolved++;
	} else {
		long si = e->cell[(size_t)c->h * e->nl + (size_t)c->m];
		struct sg_stratum_review *s = &r->strata[si].r;
		int mr = !strcmp(best, e->w->labels.s[c->m]);
		int hr = !strcmp(best, e->w->labels.s[c->h]);

		r->reviewed++;
		s->n++;
		s->model_right += mr;
		s->human_right += hr;
		s->model_only += mr && !hr;
		s->human_only += hr && !mr;
		if (c->h != c->m) {
			r->disagreements_reviewed++;
			r->model_right.k += mr;
			r->human_right.k += hr;
			r->neither.k += !mr && !hr;
		}
	}
}

int rv_majority(const struct rv_vote *v, size_t n, size_t *best,
		long *agreed, long *pairs_agree)
{
	long best_n = 0, alike = 0;
	int tie = 0;
	size_t i, j;

	*best = 0;
	for (i = 0; i < n; i++) {
		long k = 0;

		for (j = 0; j < n; j++)
			k += !strcmp(v[i].verdict, v[j].verdict);
		/* k verdicts alike: k (k - 1) / 2 agreeing pairs, counted
		 * once per member, so k - 1 here, halved below */
		alike += k - 1;
		if (k > best_n) {
			best_n = k;
			*best = i;
			tie = 0;
		} else if (k == best_n && strcmp(v[*best].verdict, v[i].verdict)) {
			tie = 1;
		}
	}
	*agreed = best_n;
	if (pairs_agree)
		*pairs_agree = alike / 2;
	return tie;
}

/* The verdicts of one case, gathered row by row. */
struct gather {
	void (*fn)(void *ctx, long long case_ref, const struct rv_vote *v,
		   size_t n);
	void *ctx;
	long long case_ref;  /* the case being gathered, 0 none */
	struct rv_vote *v;
	size_t nv, vcap;
};

static void gather_flush(struct gather *g)
{
	size_t i;

	if (g->nv && g->fn)
		g->fn(g->ctx, g->case_ref, g->v, g->nv);
	for (i = 0; i < g->nv; i++) {
		free(g->v[i].reviewer);
		free(g->v[i].verdict);
	}
	g->nv = 0;
}

static void gather_row(void *ctx, long long case_ref, const char *reviewer,
		       const char *verdict)
{
	struct gather *g = ctx;

	if (case_ref != g->case_ref) {
		gather_flush(g);
		g->case_ref = case_ref;
	}
	GROW(g->v, g->nv, g->vcap);
	g->v[g->nv].reviewer = sg_xstrdup(reviewer ? reviewer : "");
	g->v[g->nv].verdict = sg_xstrdup(verdict ? verdict : "");
	g->nv++;
}

int rv_votes_each(struct sg_store *s, long long model_id,
		  void (*fn)(void *ctx, long long case_ref,
			     const struct rv_vote *v, size_t n),
		  void *ctx, struct sg_diag *diag)
{
	struct gather g;
	int ret;

	memset(&g, 0, sizeof(g));
	g.fn = fn;
	g.ctx = ctx;
	ret = sg_store_review_verdicts(s, model_id, gather_row, &g, diag);
	if (ret)
		g.fn = NULL; /* a pass cut short: its last case is not whole */
	gather_flush(&g);
	free(g.v);
	return ret;
}

struct cellkey {
	int h, m;
	long N;
};

static const struct rv_window *key_w;

static int cmp_key(const void *pa, const void *pb)
{
	const struct cellkey *a = pa, *b = pb;
	int da = a->h != a->m, db = b->h != b->m, c;

	if (da != db)
		return db - da;
	c = rv_label_cmp(key_w, a->h, b->h);
	return c ? c : rv_label_cmp(key_w, a->m, b->m);
}

static void count_rate(struct sg_review_count *c, long n, double conf)
{
	c->rate = c->low = c->high = NAN;
	if (n <= 0)
		return;
	c->rate = (double)c->k / (double)n;
	sg_wilson(c->k, n, conf, &c->low, &c->high);
}

int sg_review_collect(struct sg_store *s, const struct sg_report_opts *opts,
		      struct sg_review_result *out, struct sg_diag *diag)
{
	struct rv_window w;
	struct est e;
	struct cellkey *keys = NULL;
	struct sg_stratum_review *sr = NULL;
	size_t nl, i, nk = 0;
	long *count = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	memset(&e, 0, sizeof(e));
	out->confidence = opts->confidence;
	out->pairs_rate = NAN;
	ret = rv_window_collect(&w, s, opts, diag);
	if (ret)
		goto out;
	out->model_id = w.r.model.id;
	out->model_name = sg_xstrdup(w.r.model.name ? w.r.model.name : "");
	out->model_version =
		sg_xstrdup(w.r.model.version ? w.r.model.version : "");
	if (w.r.w.has_since)
		memcpy(out->since, w.r.w.since, 11);
	if (w.r.w.has_until)
		memcpy(out->until, w.r.w.until, 11);
	nl = w.labels.n;
	count = sg_xcalloc(nl * nl + 1, sizeof(*count));
	for (i = 0; i < w.n; i++)
		count[(size_t)w.c[i].h * nl + (size_t)w.c[i].m]++;
	keys = sg_xcalloc(nl * nl + 1, sizeof(*keys));
	for (i = 0; i < nl * nl; i++)
		if (count[i]) {
			keys[nk].h = (int)(i / nl);
			keys[nk].m = (int)(i % nl);
			keys[nk].N = count[i];
			nk++;
		}
	key_w = &w;
	sg_sort(keys, nk, sizeof(*keys), cmp_key);
	key_w = NULL;
	out->strata = sg_xcalloc(nk + 1, sizeof(*out->strata));
	out->nstrata = nk;
	for (i = 0; i < nk; i++) {
		out->strata[i].human = sg_xstrdup(w.labels.s[keys[i].h]);
		out->strata[i].model = sg_xstrdup(w.labels.s[keys[i].m]);
		out->strata[i].r.N = keys[i].N;
		count[(size_t)keys[i].h * nl + (size_t)keys[i].m] = (long)i;
	}
	rv_window_sort_rowid(&w);
	e.w = &w;
	e.out = out;
	e.cell = count;
	e.nl = nl;
	ret = rv_votes_each(s, w.r.model.id, case_votes, &e, diag);
	if (ret)
		goto out;
	count_rate(&out->model_right, out->disagreements_reviewed,
		   opts->confidence);
	count_rate(&out->human_right, out->disagreements_reviewed,
		   opts->confidence);
	count_rate(&out->neither, out->disagreements_reviewed,
		   opts->confidence);
	if (out->pairs)
		out->pairs_rate = (double)out->pairs_agree / (double)out->pairs;
	sr = sg_xcalloc(nk + 1, sizeof(*sr));
	for (i = 0; i < nk; i++)
		sr[i] = out->strata[i].r;
	sg_stratified_share(sr, nk, SG_SIDE_MODEL, opts->confidence,
			    &out->model);
	sg_stratified_share(sr, nk, SG_SIDE_HUMAN, opts->confidence,
			    &out->human);
	sg_stratified_difference(sr, nk, opts->confidence, &out->difference);
out:
	free(sr);
	free(keys);
	free(count);
	rv_window_release(&w);
	return ret;
}

void sg_review_result_release(struct sg_review_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nstrata; i++) {
		free(r->strata[i].human);
		free(r->strata[i].model);
	}
	free(r->strata);
	free(r->model_name);
	free(r->model_version);
	memset(r, 0, sizeof(*r));
}

/* ---- the block ---- */

static void count_fill(struct sg_report_review_count *o,
		       const struct sg_review_count *c)
{
	o->count = c->k;
	o->rate = c->rate;
	o->ci95[0] = c->low;
	o->ci95[1] = c->high;
}

static void estimate_fill(struct sg_report_estimate *o,
			  const struct sg_estimate *e)
{
	o->estimate = e->estimate;
	o->ci95[0] = e->low;
	o->ci95[1] = e->high;
}

void sg_review_fill(const struct sg_review_result *r,
		    struct sg_report_review *o)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	o->reviewed = r->reviewed;
	o->unresolved = r->unresolved;
	for (i = 0; i < r->nstrata; i++) {
		const struct sg_review_stratum *s = &r->strata[i];
		struct sg_report_review_stratum *so =
			sg_arr_add(&o->strata, sizeof(*so));

		so->human = sg_xstrdup(s->human);
		so->model = sg_xstrdup(s->model);
		so->N = s->r.N;
		so->n = s->r.n;
		so->model_right = s->r.model_right;
		so->human_right = s->r.human_right;
	}
	o->disagreements.reviewed = r->disagreements_reviewed;
	count_fill(&o->disagreements.model_right, &r->model_right);
	count_fill(&o->disagreements.human_right, &r->human_right);
	count_fill(&o->disagreements.neither, &r->neither);
	estimate_fill(&o->accuracy.model, &r->model);
	estimate_fill(&o->accuracy.human, &r->human);
	estimate_fill(&o->accuracy.difference, &r->difference);
	o->reviewers.cases = r->multi_cases;
	o->reviewers.pairs = r->pairs;
	o->reviewers.agree = r->pairs_agree;
	o->reviewers.rate = r->pairs_rate;
}

cJSON *sg_review_json(const struct sg_review_result *r)
{
	struct sg_report_review t;
	cJSON *o;

	sg_review_fill(r, &t);
	o = sg_report_review_to_json(&t);
	sg_report_review_free(&t);
	return o;
}

/* A share as a percentage ("55.6%"), "-" when undefined. */
static const char *pct(char *b, double v)
{
	if (isnan(v))
		return "-";
	snprintf(b, 16, "%.1f%%", 100 * v);
	return b;
}

static const char *fix(char *b, double v)
{
	if (isnan(v))
		return "-";
	snprintf(b, 16, "%.4f", v);
	return b;
}

/* The three accuracies of the block, in the order both views show them,
 * and their names there. */
static const char *const accuracy_names[] = {"model", "human", "model - human"};

static void accuracy_rows(const struct sg_report_review *r,
			  const struct sg_report_estimate *est[3])
{
	est[0] = &r->accuracy.model;
	est[1] = &r->accuracy.human;
	est[2] = &r->accuracy.difference;
}

int sg_review_write_block(FILE *f, const struct sg_report_review *r,
			  double confidence)
{
	static const char *const side[] = {"model right", "human right",
					   "neither"};
	const struct sg_report_review_count *cnt[] = {
		&r->disagreements.model_right, &r->disagreements.human_right,
		&r->disagreements.neither};
	const struct sg_report_estimate *est[3];
	char b1[16], b2[16], b3[16];
	size_t i;

	accuracy_rows(r, est);
	fprintf(f, "reviewed %lld cases", r->reviewed);
	if (r->unresolved)
		fprintf(f, " (%lld more unresolved: the reviewers tied)",
			r->unresolved);
	fprintf(f, "\n\n%-34s %8s %6s %12s %12s\n", "stratum (human -> model)",
		"N", "n", "model right", "human right");
	for (i = 0; i < r->strata.n; i++) {
		const struct sg_report_review_stratum *s = &r->strata.v[i];
		char cell[80];

		snprintf(cell, sizeof(cell), "%s -> %s", s->human, s->model);
		fprintf(f, "%-34s %8lld %6lld %12lld %12lld\n", cell, s->N,
			s->n, s->model_right, s->human_right);
	}
	fprintf(f, "\nreviewed disagreements: %lld\n",
		r->disagreements.reviewed);
	for (i = 0; i < 3; i++)
		fprintf(f, "  %-12s %6lld  %7s  [%s, %s]\n", side[i],
			cnt[i]->count, pct(b1, cnt[i]->rate),
			pct(b2, cnt[i]->ci95[0]), pct(b3, cnt[i]->ci95[1]));
	fprintf(f, "\naccuracy over the window (%g%% intervals):\n",
		100 * confidence);
	for (i = 0; i < 3; i++)
		fprintf(f, "  %-14s %8s  [%s, %s]\n", accuracy_names[i],
			fix(b1, est[i]->estimate), fix(b2, est[i]->ci95[0]),
			fix(b3, est[i]->ci95[1]));
	fprintf(f, "\nreviewers: %lld cases with two or more verdicts, %lld "
		   "pairs, %lld agree (%s)\n",
		r->reviewers.cases, r->reviewers.pairs, r->reviewers.agree,
		pct(b1, r->reviewers.rate));
	if (fflush(f) || ferror(f))
		return SG_EIO;
	return 0;
}

int sg_review_write_markdown(FILE *f, const struct sg_report_review *r,
			     double confidence)
{
	const struct sg_report_estimate *est[3];
	char b1[16], b2[16], b3[16];
	size_t i;

	accuracy_rows(r, est);
	fprintf(f, "\n#### Review\n\n%lld cases reviewed", r->reviewed);
	if (r->unresolved)
		fprintf(f, " (%lld unresolved: the reviewers tied)",
			r->unresolved);
	fprintf(f, "; on %lld reviewed disagreements the model was right in "
		   "%s, the people in %s, neither in %s.\n\n",
		r->disagreements.reviewed,
		pct(b1, r->disagreements.model_right.rate),
		pct(b2, r->disagreements.human_right.rate),
		pct(b3, r->disagreements.neither.rate));
	fprintf(f, "| accuracy over the window | estimate | %g%% interval |\n"
		   "|---|---|---|\n",
		100 * confidence);
	for (i = 0; i < 3; i++)
		fprintf(f, "| %s | %s | [%s, %s] |\n", accuracy_names[i],
			fix(b1, est[i]->estimate), fix(b2, est[i]->ci95[0]),
			fix(b3, est[i]->ci95[1]));
	fputc('\n', f);
	return ferror(f) ? SG_EIO : 0;
}

int sg_review_write_text(FILE *f, const struct sg_review_result *r)
{
	struct sg_report_review t;
	int ret;

	if (!*r->since && !*r->until)
		fprintf(f, "review of %s@%s, every night\n", r->model_name,
			r->model_version);
	else
		fprintf(f, "review of %s@%s, nights %s .. %s\n",
			r->model_name, r->model_version,
			*r->since ? r->since : "(first)",
			*r->until ? r->until : "(last)");
	sg_review_fill(r, &t);
	ret = sg_review_write_block(f, &t, r->confidence);
	sg_report_review_free(&t);
	return ret;
}

int sg_review_attach(struct sg_store *s, const struct sg_report_opts *opts,
		     struct sg_report *report, struct sg_diag *diag)
{
	struct sg_review_result res;
	struct sg_report_opts o = *opts;
	struct sg_buf spec = SG_BUF_INIT;
	int any = 0, ret;

	if (!report->model || !report->decision_type ||
	    strcmp(report->decision_type, "label"))
		return 0;
	ret = sg_store_review_any(s, report->model->id, &any, diag);
	if (ret || !any)
		return ret;
	/* the report's model exactly, not "the latest" again */
	sg_buf_addf(&spec, "%s@%s", report->model->name,
		    report->model->version);
	o.model = spec.buf;
	ret = sg_review_collect(s, &o, &res, diag);
	sg_buf_release(&spec);
	if (ret)
		return ret;
	report->review = sg_xcalloc(1, sizeof(*report->review));
	sg_review_fill(&res, report->review);
	report->has_review = 1;
	sg_review_result_release(&res);
	return 0;
}
