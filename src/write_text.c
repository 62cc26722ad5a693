/*
 * write_text.c - the text views, for a terminal: the typed report (ANSI
 * colour on request) and the gate's verdict. Values from the logs are shown as
 * sg_buf_add_text shows them, so none can move the cursor.
 */
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/gate.h"
#include "sg/review.h"
#include "write_impl.h"

/* Display width of UTF-8 text: code points, ignoring continuation bytes. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Text with control characters shown as '?' (see sg_buf_add_text). */
static void put_text(FILE *f, const char *s)
{
	struct sg_buf t = SG_BUF_INIT;

	sg_buf_add_text(&t, s);
	fputs(t.buf, f);
	sg_buf_release(&t);
}

static void put_pad(FILE *f, const char *s, size_t w, int right)
{
	size_t n = width(s);

	if (right)
		for (; n < w; n++)
			fputc(' ', f);
	put_text(f, s);
	if (!right)
		for (; n < w; n++)
			fputc(' ', f);
}

static const char *fmt4(char *buf, double v)
{
	/* what rounds to 0 is 0.0000, not -0.0000 */
	if (isfinite(v))
		snprintf(buf, NUM_BUF, "%.4f", fabs(v) < 5e-5 ? 0.0 : v);
	else
		snprintf(buf, NUM_BUF, "undefined");
	return buf;
}

static const char *fmt_pct(char *buf, double v)
{
	if (isfinite(v))
		snprintf(buf, NUM_BUF, "%.1f%%", 100 * v);
	else
		snprintf(buf, NUM_BUF, "undefined");
	return buf;
}

static const char *fmt_ci(char *buf, const double ci95[2])
{
	if (isfinite(ci95[0]) && isfinite(ci95[1]))
		snprintf(buf, CI_BUF, "%.4f .. %.4f", ci95[0], ci95[1]);
	else
		snprintf(buf, CI_BUF, "undefined");
	return buf;
}

/* A nullable count (a double, NaN for null) as an integer, 0 for null. */
static long long count_of(double v)
{
	return isfinite(v) ? (long long)v : 0;
}

/* A string that may be NULL, as "" then. */
static const char *or_empty(const char *s)
{
	return s ? s : "";
}

struct style {
	const char *bold, *red, *green, *dim, *off;
};

/* window.note, when there is one, on a line of its own */
static void text_note(FILE *f, const struct sg_report_window *w)
{
	if (w->note) {
		fputs("            ", f);
		put_text(f, w->note);
		fputc('\n', f);
	}
}

static void text_model(FILE *f, const struct sg_report *r,
		       const struct style *c)
{
	const struct sg_report_model *m = r->model;
	const struct sg_report_window *w = &r->window;

	fprintf(f, "%sshadowgate report%s  ", c->bold, c->off);
	if (m) {
		put_text(f, or_empty(m->name));
		fputc('@', f);
		put_text(f, or_empty(m->version));
		fputs(" (", f);
		put_text(f, m->backend ? m->backend : "?");
		if (m->sha256)
			fprintf(f, ", sha256 %.12s", m->sha256);
		fputs(")\n", f);
	} else {
		fputs("no model with predictions in the store: human "
		      "decisions only\n", f);
	}
	fprintf(f, "window      %s .. %s, %lld night%s%s\n",
		w->since ? w->since : "-", w->until ? w->until : "-",
		w->nights, w->nights == 1 ? "" : "s",
		w->all ? " (all cases)" : "");
	text_note(f, w);
}

static void text_counts(FILE *f, const struct sg_report *r)
{
	const struct sg_report_counts *c = &r->counts;
	const struct sg_report_excluded *ex = &c->excluded;
	const struct {
		long long n;
		const char *why;
	} excl[] = {
		{ex->no_decision, "without a decision"},
		{ex->no_prediction, "without a prediction"},
		{ex->prediction_error, "with a prediction error"},
		{ex->no_human_value, "without a human value"},
		{ex->no_model_output, "without a model output"},
	};
	size_t i;
	int first = 1;

	fprintf(f, "cases       %lld compared of %lld in the window",
		c->compared, c->in_window);
	for (i = 0; i < sizeof(excl) / sizeof(excl[0]); i++) {
		if (!excl[i].n)
			continue;
		fprintf(f, "%s%lld %s", first ? ": excluded " : ", ", excl[i].n,
			excl[i].why);
		first = 0;
	}
	fputc('\n', f);
}

static void text_headline(FILE *f, const struct sg_report *r,
			  const struct style *c)
{
	const struct sg_rate *a = &r->agreement;
	const struct sg_report_kappa *k = &r->kappa;
	char b1[NUM_BUF], b2[CI_BUF], b3[NUM_BUF];

	fprintf(f, "%sagreement   %s%s  %lld/%lld  %.0f%% CI %s\n", c->bold,
		fmt4(b1, a->rate), c->off, a->agree, a->n,
		100 * r->confidence, fmt_ci(b2, a->ci95));
	if (strcmp(or_empty(r->decision_type), "label"))
		return;
	fprintf(f, "%skappa       %s%s  SE %s  CI %s\n", c->bold,
		fmt4(b1, k->value), c->off, fmt4(b3, k->se),
		fmt_ci(b2, k->ci95));
	if (isfinite(k->linear_weighted) || isfinite(k->quadratic_weighted))
		fprintf(f, "            weighted: linear %s, quadratic %s\n",
			fmt4(b1, k->linear_weighted),
			fmt4(b3, k->quadratic_weighted));
	if (isfinite(r->ac1.value)) /* a report before AC1 has none */
		fprintf(f, "%sGwet AC1    %s%s  SE %s  CI %s\n", c->bold,
			fmt4(b1, r->ac1.value), c->off, fmt4(b3, r->ac1.se),
			fmt_ci(b2, r->ac1.ci95));
}

static void text_confusion(FILE *f, const struct sg_report_confusion *cf,
			   const struct style *c)
{
	const struct sg_strs *labels = &cf->labels;
	const struct sg_matrix *mat = &cf->matrix;
	size_t k = labels->n, w = 5, *cw, i, j;
	char b[32];

	if (!k)
		return;
	cw = sg_xcalloc(k, sizeof(*cw));
	for (i = 0; i < k; i++) {
		if (width(or_empty(labels->v[i])) > w)
			w = width(or_empty(labels->v[i]));
		cw[i] = width(or_empty(labels->v[i]));
	}
	for (i = 0; i < mat->rows; i++)
		for (j = 0; j < mat->cols && j < k; j++) {
			size_t n = (size_t)snprintf(b, sizeof(b), "%lld",
						    mat->v[i * mat->cols + j]);

			if (n > cw[j])
				cw[j] = n;
		}
	fprintf(f, "\n%sconfusion matrix%s (rows: human, columns: model)\n",
		c->bold, c->off);
	fprintf(f, "  %*s", (int)w, "");
	for (i = 0; i < k; i++) {
		fputs("  ", f);
		put_pad(f, or_empty(labels->v[i]), cw[i], 1);
	}
	fputc('\n', f);
	for (i = 0; i < mat->rows; i++) {
		fputs("  ", f);
		put_pad(f, i < k ? or_empty(labels->v[i]) : "", w, 0);
		for (j = 0; j < mat->cols; j++) {
			snprintf(b, sizeof(b), "%lld", mat->v[i * mat->cols + j]);
			fputs("  ", f);
			put_pad(f, b, j < k ? cw[j] : 0, 1);
		}
		fputc('\n', f);
	}
	free(cw);
}

static void text_class(FILE *f, const char *name, size_t w,
		       const struct sg_report_class *v)
{
	char b1[NUM_BUF], b2[NUM_BUF], b3[NUM_BUF];

	fputs("  ", f);
	put_pad(f, name, w, 0);
	fprintf(f, "  %9s  %9s  %9s  %9lld\n", fmt4(b1, v->precision),
		fmt4(b2, v->recall), fmt4(b3, v->f1), v->support);
}

static void text_per_class(FILE *f, const struct sg_report *r,
			   const struct style *c)
{
	const struct sg_map_class *pc = &r->per_class;
	const struct sg_report_averages *av = r->averages;
	size_t w = 12, i;

	if (!pc->n)
		return;
	for (i = 0; i < pc->n; i++)
		if (width(pc->key[i]) > w)
			w = width(pc->key[i]);
	fprintf(f, "\n%s", c->bold);
	put_pad(f, "per class", w + 2, 0);
	fprintf(f, "  precision     recall         f1    support%s\n",
		c->off);
	for (i = 0; i < pc->n; i++)
		text_class(f, pc->key[i], w, &pc->v[i]);
	if (av) {
		text_class(f, "macro avg", w, &av->macro);
		text_class(f, "weighted avg", w, &av->weighted);
	}
}

static void text_rows(FILE *f, const struct sg_report *r, int nights,
		      const struct style *c)
{
	size_t n, i, w = 5;
	struct sg_row *rows = sg_write_worst_rows(r, nights, 1, &n);
	char b1[NUM_BUF], b2[CI_BUF];

	if (!n) {
		free(rows);
		return;
	}
	for (i = 0; i < n; i++) {
		size_t x = width(rows[i].key) +
			   (nights ? 0 : width(rows[i].group) + 1);

		if (x > w)
			w = x;
	}
	fprintf(f, "\n%s%s, worst first%s\n", c->bold,
		nights ? "nights" : "segments", c->off);
	for (i = 0; i < n; i++) {
		const struct sg_rate *o = rows[i].o;
		struct sg_buf k = SG_BUF_INIT;

		if (!nights)
			sg_buf_addf(&k, "%s=", rows[i].group);
		/* a missing segment value is the empty string, as in the
		 * JSON keys and the gate (no real value is empty) */
		sg_buf_addstr(&k, rows[i].key);
		fprintf(f, "%s  ", o->below_overall ? c->red : "");
		put_pad(f, k.buf, w, 0);
		fprintf(f, "  n %6lld  agree %6lld  %9s  CI %s%s%s\n", o->n,
			o->agree, fmt4(b1, o->rate), fmt_ci(b2, o->ci95),
			o->below_overall ? "  below overall" : "",
			o->below_overall ? c->off : "");
		sg_buf_release(&k);
	}
	free(rows);
}

static void text_regression(FILE *f, const struct sg_report_regression *g,
			    const struct style *c)
{
	const struct sg_report_within *w;
	char b1[NUM_BUF], b2[NUM_BUF], b3[NUM_BUF], b4[CI_BUF];

	if (!g)
		return;
	w = &g->within_tolerance;
	fprintf(f, "\n%sregression%s  n %lld  MAE %s  RMSE %s  bias %s\n",
		c->bold, c->off, g->n, fmt4(b1, g->mae), fmt4(b2, g->rmse),
		fmt4(b3, g->bias));
	fprintf(f, "  within tolerance %g: %lld of %lld, %s, CI %s\n",
		w->tolerance, w->within, w->n, fmt4(b1, w->rate),
		fmt_ci(b4, w->ci95));
}

static void text_baseline(FILE *f, const struct sg_report_baseline *h,
			  const struct style *c)
{
	char b1[NUM_BUF], b2[NUM_BUF], b3[NUM_BUF], b4[NUM_BUF];

	if (!h)
		return;
	fprintf(f, "\n%shuman baseline%s  ", c->bold, c->off);
	if (!h->items) {
		fputs("no case in the window has two raters or more\n", f);
		return;
	}
	fprintf(f, "%lld cases with two raters or more (%lld ratings)\n",
		h->items, h->ratings);
	fprintf(f, "  Fleiss kappa %s, Krippendorff alpha %s, raters agree "
		   "on %s of %lld pairs\n",
		fmt4(b1, h->fleiss_kappa), fmt4(b2, h->krippendorff_alpha),
		fmt_pct(b3, h->pairwise_agreement), h->pairs);
	if (h->model_ratings)
		fprintf(f, "  the model agrees with %s of their %lld ratings "
			   "(on %lld of those cases)\n",
			fmt_pct(b4, h->model_agreement), h->model_ratings,
			h->model_items);
}

static void text_coverage(FILE *f, const struct sg_report_coverage *cv,
			  const struct style *c)
{
	char b1[NUM_BUF], b2[NUM_BUF], b3[CI_BUF];
	double t = cv->recommended_threshold;
	size_t i;

	if (!cv->scored)
		return;
	fprintf(f, "\n%scoverage%s  %lld scored cases; ", c->bold, c->off,
		cv->scored);
	if (isfinite(t))
		fprintf(f, "score >= %g keeps the lower bound >= %g and covers "
			   "%s\n",
			t, cv->target_agreement,
			fmt_pct(b1, cv->recommended_coverage));
	else
		fprintf(f, "no score threshold reaches a lower bound of %g\n",
			cv->target_agreement);
	fputs("  threshold  coverage       n       rate  CI\n", f);
	for (i = 0; i < cv->points.n; i++) {
		const struct sg_report_point *p = &cv->points.v[i];

		if (lround(p->threshold * 20) % 2)
			continue; /* every 0.1 on a terminal */
		fprintf(f, "  %9.2f  %8s  %6lld  %9s  %s\n", p->threshold,
			fmt_pct(b1, p->coverage), p->n, fmt4(b2, p->rate),
			fmt_ci(b3, p->ci95));
	}
}

/* "%+.4g", or "-" when undefined. */
static const char *fmt_signed(char *buf, double v)
{
	if (isfinite(v))
		snprintf(buf, NUM_BUF, "%+.4g", v);
	else
		snprintf(buf, NUM_BUF, "-");
	return buf;
}

static const char *fmt_g(char *buf, double v)
{
	return sg_write_fmt_gn(buf, v, 4);
}

/* software.change: the latest run against the earlier nights' mean. */
static void text_software_change(FILE *f, const struct sg_report_change *ch,
				 const struct style *c)
{
	char b[4][NUM_BUF];
	size_t i;

	fprintf(f, "  latest run (%s) against the mean of %lld run%s on %lld "
		   "earlier night%s:\n",
		ch->night ? ch->night : "?", ch->previous_runs,
		ch->previous_runs == 1 ? "" : "s", ch->previous_nights,
		ch->previous_nights == 1 ? "" : "s");
	fprintf(f, "    %s%-12s  %10s  %13s  %10s  %8s%s\n", c->dim, "metric",
		"latest", "previous_mean", "delta", "relative", c->off);
	for (i = 0; i < SG_WRITE_SW_METRICS; i++) {
		const struct sg_report_delta *m = sg_write_change_metric(ch, i);

		if (isfinite(m->relative))
			snprintf(b[3], NUM_BUF, "%+.1f%%", 100 * m->relative);
		else
			snprintf(b[3], NUM_BUF, "-");
		fprintf(f, "    %-12s  %10s  %13s  %10s  %8s\n",
			sg_write_sw_metrics[i], fmt_g(b[0], m->latest),
			fmt_g(b[1], m->previous_mean),
			fmt_signed(b[2], m->delta), b[3]);
	}
}

/* software.nights as a table, then software.change. */
static void text_software_nights(FILE *f, const struct sg_report_software *s,
				 const struct style *c)
{
	char b[6][NUM_BUF];
	size_t i;

	if (!s->nights.n)
		return;
	fprintf(f, "  %srun night   runs   cases  errors     p50 ms     p95 ms"
		   "     p99 ms    cases/s   peak KiB%s\n",
		c->dim, c->off);
	for (i = 0; i < s->nights.n; i++) {
		const struct sg_report_run_night *v = &s->nights.v[i];

		fprintf(f, "  %-10s  %4lld  %6lld  %6s  %9s  %9s  %9s  %9s  "
			   "%9s\n",
			s->nights.key[i], v->runs, v->cases,
			fmt_pct(b[0], v->error_rate), fmt_g(b[1], v->p50_ms),
			fmt_g(b[2], v->p95_ms), fmt_g(b[3], v->p99_ms),
			fmt_g(b[4], v->throughput), fmt_g(b[5], v->peak_rss_kb));
	}
	if (s->change)
		text_software_change(f, s->change, c);
}

static void text_software(FILE *f, const struct sg_report_software *s,
			  const struct style *c)
{
	char b1[NUM_BUF];

	fprintf(f, "\n%ssoftware%s    ", c->bold, c->off);
	if (isfinite(s->run_id)) {
		fprintf(f, "latest run %lld (%s): %lld cases, %lld scored, "
			   "%lld errors (%s)\n",
			count_of(s->run_id), s->status ? s->status : "?",
			count_of(s->cases), count_of(s->scored),
			count_of(s->errors), fmt_pct(b1, s->error_rate));
		if (isfinite(s->p50_ms))
			fprintf(f, "            latency p50 %.3g ms, p95 %.3g ms, "
				   "p99 %.3g ms",
				s->p50_ms, s->p95_ms, s->p99_ms);
		if (isfinite(s->throughput))
			fprintf(f, ", %.0f cases/s", s->throughput);
		if (isfinite(s->peak_rss_kb))
			fprintf(f, ", peak memory %.1f MiB",
				s->peak_rss_kb / 1024);
		fputc('\n', f);
		if (isfinite(s->p50_ms) && s->latency_method)
			fprintf(f, "            a latency is: %s\n",
				s->latency_method);
		if (isfinite(s->startup_ms))
			fprintf(f, "            model start-up %.0f ms (not in "
				   "the latencies)\n", s->startup_ms);
	} else {
		fputs("no runs recorded (logged predictions)\n", f);
	}
	fprintf(f, "            in the window: %lld predictions, %lld errors "
		   "(%s)\n",
		s->window_predictions, s->window_errors,
		fmt_pct(b1, s->window_error_rate));
	text_software_nights(f, s, c);
}

/* The reference window in one line: "2026-11-01 .. 2026-11-07 (7 nights,
 * 700 cases)", or its note when it holds no case. */
static void text_reference(FILE *f, const struct sg_report_reference *ref)
{
	if (ref->note) {
		put_text(f, ref->note);
		return;
	}
	fprintf(f, "%s .. %s (%lld night%s, %lld cases)",
		ref->since ? ref->since : "(open)",
		ref->until ? ref->until : "(open)", ref->nights,
		ref->nights == 1 ? "" : "s", ref->cases);
	if (ref->overlaps_window)
		fputs(", overlaps the window", f);
}

/* The feature of a night with the largest PSI (psi) or missing rate
 * (!psi), or -1 when none has one. */
static long night_max(const struct sg_map_fnight *fs, int psi)
{
	long best = -1;
	size_t i;

	for (i = 0; i < fs->n; i++) {
		double v = psi ? fs->v[i].psi : fs->v[i].missing_rate;
		double b = best < 0 ? NAN
			   : psi    ? fs->v[best].psi
				    : fs->v[best].missing_rate;

		if (isfinite(v) && (best < 0 || v > b))
			best = (long)i;
	}
	return best;
}

/* inputs.nights: each night's worst feature by PSI and by missing rate. */
static void text_input_nights(FILE *f, const struct sg_report_inputs *in)
{
	char b1[NUM_BUF], b2[NUM_BUF];
	size_t i;

	for (i = 0; i < in->nights.n; i++) {
		const struct sg_map_fnight *fs = &in->nights.v[i].features;
		long p = night_max(fs, 1), m = night_max(fs, 0);

		fprintf(f, "  %s  %4lld cases  max PSI %s", in->nights.key[i],
			in->nights.v[i].cases,
			fmt_g(b1, p >= 0 ? fs->v[p].psi : NAN));
		if (p >= 0) {
			fputs(" (", f);
			put_text(f, fs->key[p]);
			fputc(')', f);
		}
		fprintf(f, ", max missing %s",
			fmt_pct(b2, m >= 0 ? fs->v[m].missing_rate : NAN));
		if (m >= 0) {
			fputs(" (", f);
			put_text(f, fs->key[m]);
			fputc(')', f);
		}
		sg_write_out_of_range(f, fs, &in->features,
				      "; out of the reference range: ",
				      put_text);
		fputc('\n', f);
	}
}

/* Drift against the reference: the window, the ranking, new segment
 * values, night by night. */
static void text_drift(FILE *f, const struct sg_report_inputs *in)
{
	char b1[NUM_BUF];
	size_t i, j;

	fputs("  reference ", f);
	text_reference(f, in->reference);
	fprintf(f, "\n  PSI over %lld bins fixed on the reference's quantiles,"
		   " shares floored at %g; KS p-value %s\n",
		in->psi_bins, in->psi_floor,
		in->ks_pvalue_method ? in->ks_pvalue_method : "asymptotic");
	if (in->ranking.n) {
		fputs("  drift ranking (PSI):", f);
		for (i = 0; i < in->ranking.n; i++) {
			const struct sg_report_feature *x =
				sg_write_feature(&in->features, in->ranking.v[i]);

			fprintf(f, "%s ", i ? "," : "");
			put_text(f, or_empty(in->ranking.v[i]));
			fprintf(f, " %s", fmt_g(b1, x ? x->psi : NAN));
		}
		fputc('\n', f);
	}
	for (i = 0; i < in->segments.n; i++) {
		const struct sg_report_segdrift *g = &in->segments.v[i];

		for (j = 0; j < g->unseen.n; j++) {
			fputs("  new segment value (never in the reference): ",
			      f);
			put_text(f, in->segments.key[i]);
			fputc('=', f);
			put_text(f, or_empty(g->unseen.v[j]));
			fprintf(f, " (%lld cases)\n",
				sg_write_segment_cases(&g->values,
						       g->unseen.v[j]));
		}
	}
	text_input_nights(f, in);
}

static void text_inputs(FILE *f, const struct sg_report_inputs *in,
			const struct style *c)
{
	const struct sg_map_feature *fs = &in->features;
	int drift = in->reference != NULL;
	size_t w = 7, i;
	char b1[NUM_BUF], b2[NUM_BUF], b3[NUM_BUF], b4[NUM_BUF], b5[NUM_BUF];

	if (!fs->n)
		return;
	for (i = 0; i < fs->n; i++)
		if (width(fs->key[i]) > w)
			w = width(fs->key[i]);
	fprintf(f, "\n%s", c->bold);
	put_pad(f, "inputs", w + 2, 0);
	fprintf(f, "  missing          mean           std%s%s\n",
		drift ? "         min         max      PSI      KS  p(KS)" : "",
		c->off);
	for (i = 0; i < fs->n; i++) {
		const struct sg_report_feature *v = &fs->v[i];

		fputs("  ", f);
		put_pad(f, fs->key[i], w, 0);
		fprintf(f, "  %7s  %12.6g  %12.6g",
			fmt_pct(b1, v->missing_rate), v->mean, v->std);
		if (drift)
			fprintf(f, "  %10s  %10s  %7s  %6s  %5s",
				sg_write_fmt_gn(b1, v->min, 6),
				sg_write_fmt_gn(b2, v->max, 6),
				fmt_g(b3, v->psi), fmt_g(b4, v->ks),
				fmt_g(b5, v->ks_pvalue));
		fputc('\n', f);
	}
	if (drift)
		text_drift(f, in);
}

/* outputs.labels: each label's use by the humans and by the model. */
static void text_labels(FILE *f, const struct sg_report_outputs *o,
			const struct style *c)
{
	const struct sg_map_label_use *l = &o->labels;
	const struct sg_report_shift *ls = o->label_shift;
	size_t w = 7, i;
	char b1[NUM_BUF], b2[NUM_BUF];

	for (i = 0; i < l->n; i++)
		if (width(l->key[i]) > w)
			w = width(l->key[i]);
	fprintf(f, "\n%s", c->bold);
	put_pad(f, "outputs", w + 2, 0);
	fprintf(f, "        human          model%s\n", c->off);
	for (i = 0; i < l->n; i++) {
		const struct sg_report_label_use *v = &l->v[i];

		fputs("  ", f);
		put_pad(f, l->key[i], w, 0);
		fprintf(f, "  %6lld %6s  %6lld %6s\n", v->human,
			fmt_pct(b1, v->human_share), v->model,
			fmt_pct(b2, v->model_share));
	}
	if (ls) {
		fprintf(f, "  label shift %s (", fmt_g(b1, ls->value));
		put_text(f, ls->label ? ls->label : "?");
		fprintf(f, "), chi-square %s (df %s)\n",
			fmt_g(b1, o->chi_square ? o->chi_square->statistic : NAN),
			fmt_g(b2, o->chi_square ? o->chi_square->df : NAN));
	}
}

static void text_outputs(FILE *f, const struct sg_report_outputs *o,
			 const struct style *c)
{
	char b1[NUM_BUF], b2[NUM_BUF], b3[NUM_BUF];
	size_t i;

	if (o->labels.n)
		text_labels(f, o, c);
	else if (o->numeric && isfinite(o->human_mean))
		fprintf(f, "\n%soutputs%s     mean human %g, mean model %g\n",
			c->bold, c->off, o->human_mean, o->model_mean);
	else
		return;
	fprintf(f, "  %lld predictions: %lld errors (%s), %lld empty (%s)\n",
		o->predictions, o->errors, fmt_pct(b1, o->error_rate),
		o->empty, fmt_pct(b2, o->empty_rate));
	if (o->score_deciles.n) {
		fputs("  score deciles", f);
		for (i = 0; i < o->score_deciles.n; i++)
			fprintf(f, " %s", fmt_g(b1, o->score_deciles.v[i]));
		fputc('\n', f);
	}
	for (i = 0; i < o->nights.n; i++) {
		const struct sg_report_out_night *v = &o->nights.v[i];

		fprintf(f, "  %s  %4lld predictions, errors %s, label shift %s, "
			   "chi-square %s\n",
			o->nights.key[i], v->predictions,
			fmt_pct(b1, v->error_rate),
			fmt_g(b2, v->label_shift ? v->label_shift->value : NAN),
			fmt_g(b3, v->chi_square ? v->chi_square->statistic
						: NAN));
	}
}

/* outputs.version_change: overall, then night by night. */
static void text_version_change(FILE *f,
				const struct sg_report_version_change *vc,
				const struct style *c)
{
	char b1[NUM_BUF], b2[CI_BUF];
	size_t i;

	if (!vc)
		return;
	fprintf(f, "\n%sversion change%s  against the previous version ",
		c->bold, c->off);
	put_text(f, vc->previous.version ? vc->previous.version : "?");
	if (isfinite(vc->tolerance))
		fprintf(f, " (changed: by more than %g)", vc->tolerance);
	fprintf(f, "\n  changed on %lld of %lld cases scored by both (%s, CI "
		   "%s)\n",
		vc->changed, vc->compared, fmt_pct(b1, vc->rate),
		fmt_ci(b2, vc->ci95));
	for (i = 0; i < vc->nights.n; i++) {
		const struct sg_report_changed *v = &vc->nights.v[i];

		fprintf(f, "  %s  %4lld of %4lld (%s, CI %s)\n",
			vc->nights.key[i], v->changed, v->compared,
			fmt_pct(b1, v->rate), fmt_ci(b2, v->ci95));
	}
}

/* A label or a number as text (256 bytes), "-" when null. */
static void value_text(char *buf, const struct sg_value *v)
{
	if (v->label)
		snprintf(buf, 256, "%.200s", v->label);
	else if (isfinite(v->num))
		snprintf(buf, 256, "%g", v->num);
	else
		snprintf(buf, 256, "-");
}

static void text_examples(FILE *f, const struct sg_report *r,
			  const struct style *c)
{
	const struct sg_arr_example *d = &r->disagreements;
	size_t w[3] = {4, 5, 5}, i;
	char h[256], m[256];

	if (!d->n)
		return;
	for (i = 0; i < d->n; i++) {
		const char *id = d->v[i].case_id;

		value_text(h, &d->v[i].human);
		value_text(m, &d->v[i].model);
		if (id && width(id) > w[0])
			w[0] = width(id);
		if (width(h) > w[1])
			w[1] = width(h);
		if (width(m) > w[2])
			w[2] = width(m);
	}
	fprintf(f, "\n%sdisagreements%s (%s first)\n  %s", c->bold, c->off,
		!strcmp(or_empty(r->decision_type), "numeric")
			? "largest"
			: "most confident",
		c->dim);
	put_pad(f, "case", w[0], 0);
	fputs("  night       ", f);
	put_pad(f, "human", w[1], 0);
	fputs("  ", f);
	put_pad(f, "model", w[2], 0);
	fprintf(f, "  score%s\n", c->off);
	for (i = 0; i < d->n; i++) {
		const struct sg_report_example *e = &d->v[i];

		value_text(h, &e->human);
		value_text(m, &e->model);
		fputs("  ", f);
		put_pad(f, or_empty(e->case_id), w[0], 0);
		fprintf(f, "  %-10s  ", e->night ? e->night : "-");
		put_pad(f, h, w[1], 0);
		fputs("  ", f);
		put_pad(f, m, w[2], 0);
		if (isfinite(e->score))
			fprintf(f, "  %g", e->score);
		fputc('\n', f);
	}
}

int sg_write_text_report(FILE *f, const struct sg_report *r, int color,
			 const char *verdict)
{
	static const struct style plain = {"", "", "", "", ""};
	static const struct style ansi = {"\033[1m", "\033[31m", "\033[32m",
					  "\033[2m", "\033[0m"};
	const struct style *c = color ? &ansi : &plain;

	(void)verdict;
	text_model(f, r, c);
	text_counts(f, r);
	if (r->has_model) {
		fputc('\n', f);
		text_headline(f, r, c);
		text_regression(f, r->regression, c);
		text_confusion(f, &r->confusion, c);
		text_per_class(f, r, c);
		text_rows(f, r, 0, c);
		text_rows(f, r, 1, c);
		text_coverage(f, &r->coverage, c);
	}
	text_baseline(f, r->human_baseline, c);
	if (!r->has_model)
		return 0;
	text_software(f, &r->software, c);
	text_inputs(f, &r->inputs, c);
	text_outputs(f, &r->outputs, c);
	text_version_change(f, r->outputs.version_change, c);
	text_examples(f, r, c);
	if (r->review) {
		fputs("\nreview: who was right\n", f);
		return sg_review_write_block(f, r->review, r->confidence);
	}
	return 0;
}

/* Terminal text: nothing that moves the cursor or reorders the line. */
static const char *tty_text(struct sg_buf *t, const char *s)
{
	sg_buf_reset(t);
	sg_buf_add_text(t, s ? s : "");
	return t->buf;
}

int sg_write_text_gate(FILE *out, const struct sg_gate_result *r,
		       const char *model)
{
	struct sg_buf t1 = SG_BUF_INIT, t2 = SG_BUF_INIT;
	char v[32];
	size_t i;

	(void)model;
	fprintf(out, "verdict: %s\n%s\n", sg_verdict_name(r->verdict),
		tty_text(&t1, r->reason));
	if (r->note)
		fprintf(out, "%s\n", tty_text(&t1, r->note));
	fputc('\n', out);
	for (i = 0; i < r->nchecks; i++) {
		const struct sg_gate_check *c = &r->checks[i];

		sg_write_gate_value(v, sizeof(v), c->value);
		fprintf(out, "  %-10s %-22s %-24s ",
			c->outcome == SG_CHECK_FAIL ? "FAIL"
						    : sg_check_outcome_name(c->outcome),
			c->name, tty_text(&t1, c->subject));
		fprintf(out, "%s\n", tty_text(&t2, c->detail));
	}
	sg_buf_release(&t1);
	sg_buf_release(&t2);
	return 0;
}
