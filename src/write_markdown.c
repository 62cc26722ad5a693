/*
 * write_markdown.c - the Markdown views, for a CI step summary: the typed
 * report and the gate's verdict. Values from the logs are escaped as
 * sg_buf_add_md escapes them.
 */
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/gate.h"
#include "sg/review.h"
#include "write_impl.h"

/* Text for a Markdown table cell: markup escaped (see sg_buf_add_md);
 * NULL as "". */
static void md_text(FILE *f, const char *s)
{
	struct sg_buf t = SG_BUF_INIT;

	sg_buf_add_md(&t, s ? s : "");
	fputs(t.buf, f);
	sg_buf_release(&t);
}

/* A number as "%g", or "–" when undefined. */
static void md_num_g(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%g", v);
	else
		fputs("–", f);
}

static void md_pct(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.1f%%", 100 * v);
	else
		fputs("undefined", f);
}

/* An interval [low, high], in percent or to three decimals. */
static void md_ci(FILE *f, const double ci95[2], int pct)
{
	double lo = ci95[0], hi = ci95[1];

	if (!isfinite(lo) || !isfinite(hi))
		fputs("undefined", f);
	else if (pct)
		fprintf(f, "%.1f%% – %.1f%%", 100 * lo, 100 * hi);
	else
		fprintf(f, "%.3f – %.3f", lo, hi);
}

static void md_rows(FILE *f, const struct sg_report *r, int nights)
{
	size_t n, i;
	struct sg_row *rows = sg_write_worst_rows(r, nights, 0, &n);

	if (!n) {
		free(rows);
		return;
	}
	fprintf(f, "\n#### Worst %s\n\n", nights ? "nights" : "segments");
	fprintf(f, "| %s | n | agreement | CI | |\n",
		nights ? "night" : "segment");
	fputs("|---|---:|---:|---|---|\n", f);
	for (i = 0; i < n && i < 5; i++) {
		const struct sg_rate *o = rows[i].o;

		fputs("| ", f);
		if (!nights) {
			md_text(f, rows[i].group);
			fputs(" = ", f);
		}
		md_text(f, rows[i].key);
		fprintf(f, " | %lld | ", o->n);
		md_pct(f, o->rate);
		fputs(" | ", f);
		md_ci(f, o->ci95, 1);
		fprintf(f, " | %s |\n", o->below_overall ? "⚠️ below overall" : "");
	}
	free(rows);
}

/* A value of a disagreement: a label, a number, or "–" when null. */
static void md_value(FILE *f, const struct sg_value *v)
{
	if (v->label)
		md_text(f, v->label);
	else if (isfinite(v->num))
		fprintf(f, "%g", v->num);
	else
		fputs("–", f);
}

static void md_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.4g", v);
	else
		fputs("–", f);
}

/* software.nights as a table, then software.change in one line. */
static void md_software(FILE *f, const struct sg_report_software *s)
{
	const struct sg_report_change *ch = s->change;
	size_t i, j;
	int n = 0;

	if (!s->nights.n)
		return;
	fputs("\n#### Software by night\n\n| night | runs | cases | errors "
	      "| p50 ms | p95 ms | p99 ms | cases/s | peak KiB |\n"
	      "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n", f);
	for (j = 0; j < s->nights.n; j++) {
		const struct sg_report_run_night *v = &s->nights.v[j];

		fprintf(f, "| %s | %lld | %lld | ", s->nights.key[j], v->runs,
			v->cases);
		md_pct(f, v->error_rate);
		for (i = 1; i < SG_WRITE_SW_METRICS; i++) {
			fputs(" | ", f);
			md_num(f, sg_write_night_metric(v, i));
		}
		fputs(" |\n", f);
	}
	if (s->latency_method)
		fprintf(f, "\nA latency is: %s.", s->latency_method);
	if (isfinite(s->startup_ms))
		fprintf(f, " Model start-up of the latest run: %.0f ms (not in "
			   "the latencies).", s->startup_ms);
	if (s->latency_method || isfinite(s->startup_ms))
		fputc('\n', f);
	if (!ch)
		return;
	fprintf(f, "\nLatest run (%s) against the mean of %lld run%s on %lld "
		   "earlier night%s:",
		ch->night ? ch->night : "?", ch->previous_runs,
		ch->previous_runs == 1 ? "" : "s", ch->previous_nights,
		ch->previous_nights == 1 ? "" : "s");
	for (i = 0; i < SG_WRITE_SW_METRICS; i++) {
		const struct sg_report_delta *m = sg_write_change_metric(ch, i);

		if (!isfinite(m->delta))
			continue;
		fprintf(f, "%s %s %+.4g", n++ ? "," : "", sg_write_sw_metrics[i],
			m->delta);
		if (isfinite(m->relative))
			fprintf(f, " (%+.1f%%)", 100 * m->relative);
	}
	fputs(n ? "\n" : " no metric to compare\n", f);
}

/* outputs.version_change in one line. */
static void md_version_change(FILE *f, const struct sg_report_version_change *vc)
{
	const char *prev = vc ? vc->previous.version : NULL;
	size_t i;

	if (!vc)
		return;
	fputs("\n**Version change** against the previous version ", f);
	md_text(f, prev ? prev : "?");
	if (isfinite(vc->tolerance))
		fprintf(f, " (by more than %g)", vc->tolerance);
	fprintf(f, ": changed on %lld of %lld cases scored by both (",
		vc->changed, vc->compared);
	md_pct(f, vc->rate);
	fputs(", CI ", f);
	md_ci(f, vc->ci95, 1);
	fputc(')', f);
	for (i = 0; i < vc->nights.n; i++)
		fprintf(f, "%s %s %lld of %lld", i ? "," : "; by night:",
			vc->nights.key[i], vc->nights.v[i].changed,
			vc->nights.v[i].compared);
	fputc('\n', f);
}

/* The reference window and the drift ranking. */
static void md_reference(FILE *f, const struct sg_report_inputs *in)
{
	const struct sg_report_reference *ref = in->reference;
	size_t i;

	fputs("\n#### Input drift against the reference\n\n", f);
	if (ref->note) {
		md_text(f, ref->note);
		fputs("\n", f);
	} else {
		fprintf(f, "Reference %s – %s (%lld nights, %lld cases)%s; "
			   "PSI over %lld reference quantile bins (floor "
			   "%g), KS p-value %s.\n",
			ref->since ? ref->since : "…",
			ref->until ? ref->until : "…", ref->nights, ref->cases,
			ref->overlaps_window ? ", overlapping the window" : "",
			in->psi_bins, in->psi_floor,
			in->ks_pvalue_method ? in->ks_pvalue_method
					     : "asymptotic");
	}
	if (!in->ranking.n)
		return;
	fputs("\n| feature | PSI | KS | p | missing | missing "
	      "(reference) |\n|---|---:|---:|---:|---:|---:|\n", f);
	for (i = 0; i < in->ranking.n && i < 10; i++) {
		const struct sg_report_feature *x =
			sg_write_feature(&in->features, in->ranking.v[i]);

		fputs("| ", f);
		md_text(f, in->ranking.v[i]);
		fprintf(f, " | %.4g | %.4g | %.4g | ", x ? x->psi : NAN,
			x ? x->ks : NAN, x ? x->ks_pvalue : NAN);
		md_pct(f, x ? x->missing_rate : NAN);
		fputs(" | ", f);
		md_pct(f, x && x->reference ? x->reference->missing_rate : NAN);
		fputs(" |\n", f);
	}
}

/* Input drift and output metrics: only what is there to say. */
static void md_monitoring(FILE *f, const struct sg_report *r)
{
	const struct sg_report_inputs *in = &r->inputs;
	const struct sg_report_outputs *o = &r->outputs;
	const struct sg_report_shift *ls = o->label_shift;
	size_t i, j;

	if (in->reference) {
		md_reference(f, in);
		for (i = 0; i < in->segments.n; i++) {
			const struct sg_report_segdrift *g = &in->segments.v[i];

			for (j = 0; j < g->unseen.n; j++) {
				fputs("\nNew segment value, never in the reference: ",
				      f);
				md_text(f, in->segments.key[i]);
				fputs(" = ", f);
				md_text(f, g->unseen.v[j]);
				fprintf(f, " (%lld cases)\n",
					sg_write_segment_cases(&g->values,
							       g->unseen.v[j]));
			}
		}
		for (i = 0; i < in->nights.n; i++) {
			char lead[64];

			snprintf(lead, sizeof(lead),
				 "\nOut of the reference range on %.10s: ",
				 in->nights.key[i]);
			if (sg_write_out_of_range(f, &in->nights.v[i].features,
						  &in->features, lead, md_text))
				fputc('\n', f);
		}
	}
	if (o->predictions) {
		fputs("\n**Outputs:** ", f);
		if (ls) {
			fprintf(f, "label shift %.4g (", ls->value);
			md_text(f, ls->label ? ls->label : "?");
			fprintf(f, "), χ² %.4g; ",
				o->chi_square ? o->chi_square->statistic : NAN);
		}
		fputs("errors ", f);
		md_pct(f, o->error_rate);
		fputs(", empty ", f);
		md_pct(f, o->empty_rate);
		fprintf(f, " of %lld predictions\n", o->predictions);
	}
	md_version_change(f, o->version_change);
	md_software(f, &r->software);
}

/* window.note, when there is one, as a quote */
static void md_note(FILE *f, const struct sg_report_window *w)
{
	if (w->note) {
		fputs("\n> ", f);
		md_text(f, w->note);
		fputc('\n', f);
	}
}

/* The headline: agreement, and the kappa of label decisions. */
static void md_headline(FILE *f, const struct sg_report *r)
{
	const struct sg_rate *a = &r->agreement;
	const struct sg_report_kappa *k = &r->kappa;

	fputs("**Agreement ", f);
	md_pct(f, a->rate);
	fprintf(f, "** (%lld of %lld cases, %.0f%% CI ", a->agree, a->n,
		100 * r->confidence);
	md_ci(f, a->ci95, 1);
	fputs(")", f);
	if (r->decision_type && !strcmp(r->decision_type, "label")) {
		fputs(" · **Cohen's κ ", f);
		if (isfinite(k->value))
			fprintf(f, "%.3f", k->value);
		else
			fputs("undefined", f);
		fputs("** (CI ", f);
		md_ci(f, k->ci95, 0);
		fputs(")", f);
		if (isfinite(r->ac1.value)) {
			fprintf(f, " · **Gwet's AC1 %.3f** (CI ", r->ac1.value);
			md_ci(f, r->ac1.ci95, 0);
			fputs(")", f);
		}
	}
	fputs("\n\n", f);
}

static void md_confusion(FILE *f, const struct sg_report_confusion *cf)
{
	const struct sg_strs *l = &cf->labels;
	size_t i, j;

	if (!l->n)
		return;
	fputs("\n#### Confusion matrix (rows: human, columns: model)"
	      "\n\n| human \\\\ model |", f);
	for (i = 0; i < l->n; i++) {
		fputc(' ', f);
		md_text(f, l->v[i]);
		fputs(" |", f);
	}
	fputs("\n|---|", f);
	for (i = 0; i < l->n; i++)
		fputs("---:|", f);
	fputc('\n', f);
	for (i = 0; i < cf->matrix.rows; i++) {
		fputs("| ", f);
		md_text(f, i < l->n ? l->v[i] : NULL);
		fputs(" |", f);
		for (j = 0; j < cf->matrix.cols; j++)
			fprintf(f, " %lld |", cf->matrix.v[i * cf->matrix.cols + j]);
		fputc('\n', f);
	}
}

static void md_coverage(FILE *f, const struct sg_report_coverage *cv)
{
	double t = cv->recommended_threshold;

	if (!cv->scored)
		return;
	fputs("\n**Coverage:** ", f);
	if (isfinite(t)) {
		fprintf(f, "at score ≥ %g the model would decide ", t);
		md_pct(f, cv->recommended_coverage);
		fprintf(f, " of cases with agreement lower bound ≥ %g\n",
			cv->target_agreement);
	} else {
		fprintf(f, "no score threshold reaches an agreement "
			   "lower bound of %g\n",
			cv->target_agreement);
	}
}

static void md_baseline(FILE *f, const struct sg_report_baseline *h)
{
	if (!h || !h->items)
		return;
	fprintf(f, "\n**Human baseline:** %lld cases with several "
		   "raters; raters agree on ",
		h->items);
	md_pct(f, h->pairwise_agreement);
	fputs(" of pairs", f);
	if (h->model_ratings) {
		fputs(", the model agrees with ", f);
		md_pct(f, h->model_agreement);
		fputs(" of their ratings", f);
	}
	fputs(" (Fleiss κ ", f);
	if (isfinite(h->fleiss_kappa))
		fprintf(f, "%.3f", h->fleiss_kappa);
	else
		fputs("undefined", f);
	fputs(", Krippendorff α ", f);
	if (isfinite(h->krippendorff_alpha))
		fprintf(f, "%.3f", h->krippendorff_alpha);
	else
		fputs("undefined", f);
	fputs(")\n", f);
}

static void md_examples(FILE *f, const struct sg_arr_example *d)
{
	size_t i;

	if (!d->n)
		return;
	fputs("\n#### Disagreements\n\n| case | night | human | model "
	      "| score |\n|---|---|---|---|---:|\n", f);
	for (i = 0; i < d->n && i < 5; i++) {
		const struct sg_report_example *e = &d->v[i];

		fputs("| ", f);
		if (e->case_id)
			md_text(f, e->case_id);
		else
			fputs("–", f);
		fputs(" | ", f);
		if (e->night)
			md_text(f, e->night);
		else
			fputs("–", f);
		fputs(" | ", f);
		md_value(f, &e->human);
		fputs(" | ", f);
		md_value(f, &e->model);
		fputs(" | ", f);
		md_num_g(f, e->score);
		fputs(" |\n", f);
	}
}

int sg_write_markdown_report(FILE *f, const struct sg_report *r, int color,
			     const char *verdict)
{
	const struct sg_report_model *m = r->model;
	const struct sg_report_window *w = &r->window;

	(void)color;
	(void)verdict;
	fputs("### shadowgate report: ", f);
	if (m) {
		md_text(f, m->name ? m->name : "");
		fputc('@', f);
		md_text(f, m->version ? m->version : "");
	} else {
		fputs("human decisions only (no model)", f);
	}
	fputs("\n\n", f);
	if (r->has_model)
		md_headline(f, r);
	fprintf(f, "Window %s – %s (%lld night%s) · %lld cases in the window, "
		   "%lld compared · generated %s\n",
		w->since ? w->since : "–", w->until ? w->until : "–",
		w->nights, w->nights == 1 ? "" : "s", r->counts.in_window,
		r->counts.compared, r->generated_at ? r->generated_at : "");
	md_note(f, w);
	if (r->has_model && r->regression)
		fprintf(f, "\nRegression: MAE %g, RMSE %g, bias %g over %lld "
			   "cases\n",
			r->regression->mae, r->regression->rmse,
			r->regression->bias, r->regression->n);
	if (r->has_model) {
		md_confusion(f, &r->confusion);
		md_rows(f, r, 0);
		md_rows(f, r, 1);
		md_coverage(f, &r->coverage);
	}
	md_baseline(f, r->human_baseline);
	if (r->has_model) {
		md_monitoring(f, r);
		md_examples(f, &r->disagreements);
	}
	if (r->review)
		return sg_review_write_markdown(f, r->review, r->confidence);
	return 0;
}

int sg_write_markdown_gate(FILE *out, const struct sg_gate_result *r,
			   const char *model)
{
	char v[32], lo[32], hi[32], th[32];
	size_t i;

	fprintf(out, "### shadowgate gate: **%s**%s",
		sg_verdict_name(r->verdict), model ? " for " : "");
	if (model)
		md_text(out, model);
	fputs("\n\n", out);
	md_text(out, r->reason);
	fputs("\n\n", out);
	if (r->note) {
		md_text(out, r->note);
		fputs("\n\n", out);
	}
	fprintf(out, "| check | subject | value | interval | threshold | "
		     "outcome |\n|---|---|---:|---|---:|---|\n");
	for (i = 0; i < r->nchecks; i++) {
		const struct sg_gate_check *c = &r->checks[i];

		sg_write_check_value(v, sizeof(v), c, c->value);
		sg_write_gate_value(lo, sizeof(lo), c->low);
		sg_write_gate_value(hi, sizeof(hi), c->high);
		sg_write_check_value(th, sizeof(th), c, c->threshold);
		/* the check's name is one of ours ([a-z_]), the
		 * subject holds values from the logs */
		fprintf(out, "| %s | ", c->name);
		md_text(out, c->subject);
		if (isfinite(c->low) || isfinite(c->high))
			fprintf(out, " | %s | [%s, %s] | %s%s | %s%s |\n", v,
				lo, hi, c->is_max ? "<= " : ">= ", th,
				c->outcome == SG_CHECK_FAIL
					? "**fail**"
					: sg_check_outcome_name(c->outcome),
				c->report_only ? " (report only)" : "");
		else
			fprintf(out, " | %s | - | %s%s | %s%s |\n", v,
				c->is_max ? "<= " : ">= ", th,
				c->outcome == SG_CHECK_FAIL
					? "**fail**"
					: sg_check_outcome_name(c->outcome),
				c->report_only ? " (report only)" : "");
	}
	return 0;
}
