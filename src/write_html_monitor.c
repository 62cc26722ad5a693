/*
 * write_html_monitor.c - the HTML page's monitoring sections: PSI per
 * feature and per night, missing rates, score deciles, the label shares
 * of the people and the model, latency and error rate by night; and the
 * sample of disagreements as a table. See write_html.c for the page.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "write_html_impl.h"

/* The features in the report's ranking order (most drifted first), else
 * in their order; an array of indexes into inputs.features, *n of them. */
static size_t *feature_order(const struct sg_report_inputs *in, size_t *n)
{
	size_t *idx = calloc(in->features.n ? in->features.n : 1, sizeof(*idx));
	size_t i, j, k = 0;

	*n = 0;
	if (!idx)
		return NULL;
	for (i = 0; i < in->ranking.n; i++)
		for (j = 0; j < in->features.n; j++)
			if (!strcmp(in->ranking.v[i], in->features.key[j])) {
				size_t m;

				for (m = 0; m < k && idx[m] != j; m++)
					;
				if (m == k)
					idx[k++] = j;
				break;
			}
	for (j = 0; j < in->features.n; j++) {
		size_t m;

		for (m = 0; m < k && idx[m] != j; m++)
			;
		if (m == k)
			idx[k++] = j;
	}
	*n = k;
	return idx;
}

static void psi(struct html *h, const size_t *idx, size_t n)
{
	const struct sg_map_feature *fs = &h->r->inputs.features;
	struct sg_buf *b = h->b;
	struct sg_interval_row *rows = calloc(n, sizeof(*rows));
	struct sg_hline line = {html_threshold(h, "max_psi"), "max PSI"};
	double alarm = line.value;
	size_t i, defined = 0;

	if (!rows)
		return;
	for (i = 0; i < n; i++) {
		const struct sg_report_feature *f = &fs->v[idx[i]];

		defined += isfinite(f->psi);
		rows[i] = (struct sg_interval_row){
			fs->key[idx[i]], f->psi, NAN, NAN, 0, NULL,
			isfinite(alarm) && f->psi > alarm ? 5 : 0};
	}
	if (defined) {
		sg_svg_interval_chart(
			b,
			&(struct sg_chart){
				"psi", "Input drift: PSI per feature",
				"The population stability index of each feature "
				"in the window against the reference nights, most "
				"drifted first, against the gate's alarm "
				"threshold when a policy is known.",
				"PSI (no unit; 0 is no drift)", NULL, 0, 0},
			rows, n, &line, 1, 0.0, NAN, 1);
		html_table_open(b, "psi", "PSI per feature",
				(const char *const[]){"feature", "PSI", "KS",
						      "KS p-value"},
				4);
		for (i = 0; i < n; i++) {
			const struct sg_report_feature *f = &fs->v[idx[i]];

			sg_buf_addstr(b, "<tr>");
			html_td_text(b, fs->key[idx[i]]);
			html_td_num(b, f->psi, 4);
			html_td_num(b, f->ks, 4);
			html_td_num(b, f->ks_pvalue, 4);
			sg_buf_addstr(b, "</tr>\n");
		}
		html_table_close(b);
	}
	free(rows);
}

/* A nights x features strip of PSI, shaded against the alarm (or 0.25). */
static void psi_nights(struct html *h, const size_t *idx, size_t n)
{
	const struct sg_report_inputs *in = &h->r->inputs;
	const struct sg_map_in_night *ns = &in->nights;
	struct sg_buf *b = h->b, t = SG_BUF_INIT;
	double alarm = html_threshold(h, "max_night_psi");
	size_t rows = ns->n, i, j, k, cells;
	double *share;
	char **text;
	const char **cols;
	int width;

	if (!rows || !n)
		return;
	if (!isfinite(alarm) || alarm <= 0)
		alarm = html_threshold(h, "max_psi");
	if (!isfinite(alarm) || alarm <= 0)
		alarm = 0.25;
	cells = rows * n;
	share = calloc(cells, sizeof(*share));
	text = calloc(cells, sizeof(*text));
	cols = calloc(n, sizeof(*cols));
	if (!share || !text || !cols)
		goto out;
	for (j = 0; j < n; j++)
		cols[j] = in->features.key[idx[j]];
	for (i = 0; i < rows; i++)
		for (j = 0; j < n; j++) {
			const struct sg_map_fnight *fn = &ns->v[i].features;
			double v = NAN;

			for (k = 0; k < fn->n; k++)
				if (!strcmp(fn->key[k], cols[j]))
					v = fn->v[k].psi;
			share[i * n + j] = isfinite(v) ? fmin(1.0, v / alarm) : NAN;
			sg_buf_reset(&t);
			if (isfinite(v))
				sg_buf_addf(&t, "%.2f", v);
			text[i * n + j] = sg_buf_detach(&t);
		}
	width = 130 + 56 * (int)n;
	sg_buf_reset(&t);
	sg_buf_addf(&t, "Each cell: a feature's PSI on a night against the "
			"reference; full colour at %.2f and above.",
		    alarm);
	sg_svg_heat_map(
		b,
		&(struct sg_chart){
			"psi-nights", "PSI by night and feature", t.buf,
			"feature", "rows: night (PSI, no unit)",
			width < 640 ? 640 : width, 0},
		(const char *const *)ns->key, rows, cols, n, share,
		(const char *const *)text);
	{
		const char **hc = calloc(n + 1, sizeof(*hc));

		if (hc) {
			hc[0] = "night";
			for (j = 0; j < n; j++)
				hc[j + 1] = cols[j];
			html_table_open(b, "psi-nights", "PSI by night", hc,
					n + 1);
			free(hc);
			for (i = 0; i < rows; i++) {
				sg_buf_addstr(b, "<tr>");
				html_td_text(b, ns->key[i]);
				for (j = 0; j < n; j++) {
					const struct sg_map_fnight *fn =
						&ns->v[i].features;
					double v = NAN;

					for (k = 0; k < fn->n; k++)
						if (!strcmp(fn->key[k], cols[j]))
							v = fn->v[k].psi;
					html_td_num(b, v, 4);
				}
				sg_buf_addstr(b, "</tr>\n");
			}
			html_table_close(b);
		}
	}
out:
	if (text)
		for (i = 0; i < cells; i++)
			free(text[i]);
	free(text);
	free(share);
	free(cols);
	sg_buf_release(&t);
}

static void missing(struct html *h, const size_t *idx, size_t n)
{
	const struct sg_map_feature *fs = &h->r->inputs.features;
	struct sg_buf *b = h->b;
	struct sg_interval_row *rows = calloc(n, sizeof(*rows));
	struct sg_hline line = {html_threshold(h, "max_missing_rate"),
				"max missing rate"};
	size_t i;

	if (!rows)
		return;
	for (i = 0; i < n; i++)
		rows[i] = (struct sg_interval_row){
			fs->key[idx[i]], fs->v[idx[i]].missing_rate, NAN, NAN,
			0, NULL, 4};
	sg_buf_addstr(b, "<div id=\"missing\">\n");
	sg_svg_interval_chart(
		b,
		&(struct sg_chart){
			"missing-chart", "Missing values per feature",
			"The share of the window's cases with no value for each "
			"feature, against the gate's maximum when a policy is "
			"known.",
			"missing rate (share of cases)", NULL, 0, 0},
		rows, n, &line, 1, 0.0, NAN, 1);
	html_table_open(b, "missing-chart", "missing values and summary",
			(const char *const[]){"feature", "cases",
					      "missing rate", "mean", "std",
					      "min", "max"},
			7);
	for (i = 0; i < n; i++) {
		const struct sg_report_feature *f = &fs->v[idx[i]];

		sg_buf_addstr(b, "<tr>");
		html_td_text(b, fs->key[idx[i]]);
		html_td_int(b, f->cases);
		html_td_num(b, f->missing_rate, 4);
		html_td_num(b, f->mean, 4);
		html_td_num(b, f->std, 4);
		html_td_num(b, f->min, 4);
		html_td_num(b, f->max, 4);
		sg_buf_addstr(b, "</tr>\n");
	}
	html_table_close(b);
	sg_buf_addstr(b, "</div>\n");
	free(rows);
}

/* Deciles p10, p50 and p90 of the score by night, or overall. */
static void deciles(struct html *h)
{
	const struct sg_report_outputs *o = &h->r->outputs;
	struct sg_buf *b = h->b;
	static const size_t pick[3] = {1, 5, 9};
	static const char *const names[3] = {"p10", "median", "p90"};
	size_t n = 0, i, k;
	const char **cats;
	double *y;
	struct sg_series s[3];

	for (i = 0; i < o->nights.n; i++)
		n += o->nights.v[i].score_deciles.n == 11;
	if (!n && o->score_deciles.n != 11)
		return;
	if (!n)
		n = 1;
	cats = calloc(n, sizeof(*cats));
	y = calloc(3 * n, sizeof(*y));
	if (!cats || !y)
		goto out;
	if (o->score_deciles.n == 11 && n == 1 &&
	    !(o->nights.n && o->nights.v[0].score_deciles.n == 11)) {
		cats[0] = "window";
		for (k = 0; k < 3; k++)
			y[k * n] = o->score_deciles.v[pick[k]];
	} else {
		size_t m = 0;

		for (i = 0; i < o->nights.n; i++) {
			if (o->nights.v[i].score_deciles.n != 11)
				continue;
			cats[m] = o->nights.key[i];
			for (k = 0; k < 3; k++)
				y[k * n + m] =
					o->nights.v[i].score_deciles.v[pick[k]];
			m++;
		}
	}
	for (k = 0; k < 3; k++)
		s[k] = (struct sg_series){names[k], y + k * n, NULL, NULL};
	sg_svg_line_chart(
		b,
		&(struct sg_chart){
			"deciles", "The model's scores: deciles by night",
			"The 10th percentile, median and 90th percentile of the "
			"model's score (its confidence in its label) on each "
			"night.",
			"night", "score (0 to 1)", 0, 0},
		cats, n, s, 3, NULL, 0, 0.0, 1.0);
	html_table_open(b, "deciles", "score deciles",
			(const char *const[]){"night", "p10", "median", "p90"},
			4);
	for (i = 0; i < n; i++) {
		sg_buf_addstr(b, "<tr>");
		html_td_text(b, cats[i]);
		for (k = 0; k < 3; k++)
			html_td_num(b, y[k * n + i], 4);
		sg_buf_addstr(b, "</tr>\n");
	}
	html_table_close(b);
out:
	free(cats);
	free(y);
}

static void labels(struct html *h)
{
	const struct sg_report_outputs *o = &h->r->outputs;
	const struct sg_map_label_use *l = &o->labels;
	struct sg_buf *b = h->b, t = SG_BUF_INIT;
	struct sg_interval_row *rows;
	char **names;
	size_t i;

	if (!l->n)
		return;
	rows = calloc(2 * l->n, sizeof(*rows));
	names = calloc(2 * l->n, sizeof(*names));
	if (!rows || !names)
		goto out;
	for (i = 0; i < l->n; i++) {
		sg_buf_addstr(&t, l->key[i]);
		sg_buf_addstr(&t, " (people)");
		names[2 * i] = sg_buf_detach(&t);
		sg_buf_addstr(&t, l->key[i]);
		sg_buf_addstr(&t, " (model)");
		names[2 * i + 1] = sg_buf_detach(&t);
		rows[2 * i] = (struct sg_interval_row){
			names[2 * i], l->v[i].human_share, NAN, NAN, 0, NULL, 2};
		rows[2 * i + 1] = (struct sg_interval_row){
			names[2 * i + 1], l->v[i].model_share, NAN, NAN, 0,
			NULL, 1};
	}
	sg_buf_addstr(b, "<div id=\"labels\">\n");
	if (o->label_shift) {
		sg_buf_addstr(b, "<p>Largest difference in share: ");
		html_num(b, o->label_shift->value, 4);
		sg_buf_addstr(b, " (<bdi>");
		html_text(b, o->label_shift->label);
		sg_buf_addstr(b, "</bdi>).</p>\n");
	}
	sg_svg_interval_chart(
		b,
		&(struct sg_chart){
			"labels-chart", "Label shares: the people and the model",
			"The share of compared cases given each label by the "
			"people (green) and by the model (orange).",
			"share of compared cases", NULL, 0, 0},
		rows, 2 * l->n, NULL, 0, 0.0, 1.0, 1);
	html_table_open(b, "labels-chart", "label shares",
			(const char *const[]){"label", "people", "model",
					      "people share", "model share"},
			5);
	for (i = 0; i < l->n; i++) {
		sg_buf_addstr(b, "<tr>");
		html_td_text(b, l->key[i]);
		html_td_int(b, l->v[i].human);
		html_td_int(b, l->v[i].model);
		html_td_num(b, l->v[i].human_share, 4);
		html_td_num(b, l->v[i].model_share, 4);
		sg_buf_addstr(b, "</tr>\n");
	}
	html_table_close(b);
	sg_buf_addstr(b, "</div>\n");
out:
	if (names)
		for (i = 0; i < 2 * l->n; i++)
			free(names[i]);
	free(names);
	free(rows);
	sg_buf_release(&t);
}

static void software(struct html *h)
{
	const struct sg_report_software *s = &h->r->software;
	const struct sg_report_outputs *o = &h->r->outputs;
	struct sg_buf *b = h->b;
	size_t n = s->nights.n, i;
	double *y;
	struct sg_series lat[3], err;
	struct sg_hline eline = {html_threshold(h, "max_error_rate"),
				 "max error rate"};
	struct sg_hline lline = {html_threshold(h, "max_p95_latency_ms"),
				 "max p95"};

	sg_buf_addstr(b, "<div id=\"software\">\n<h3>The model as software"
			 "</h3>\n<p>");
	sg_buf_addf(b, "%lld predictions in the window, %lld errors (", 
		    s->window_predictions, s->window_errors);
	html_num(b, 100 * s->window_error_rate, 2);
	sg_buf_addf(b, "%%); outputs: %lld errors of %lld predictions, "
		       "error rate ",
		    o->errors, o->predictions);
	html_num(b, o->error_rate, 4);
	if (isfinite(o->error_rate_ci95[0])) {
		sg_buf_addstr(b, " [");
		html_num(b, o->error_rate_ci95[0], 4);
		sg_buf_addstr(b, ", ");
		html_num(b, o->error_rate_ci95[1], 4);
		sg_buf_addch(b, ']');
	}
	sg_buf_addstr(b, ".");
	if (s->latency_method) {
		sg_buf_addstr(b, " A latency is: ");
		html_text(b, s->latency_method);
		sg_buf_addch(b, '.');
	}
	sg_buf_addstr(b, "</p>\n");
	if (!n) {
		sg_buf_addstr(b, "</div>\n");
		return;
	}
	y = calloc(4 * n, sizeof(*y));
	if (!y) {
		sg_buf_addstr(b, "</div>\n");
		return;
	}
	for (i = 0; i < n; i++) {
		y[i] = s->nights.v[i].p50_ms;
		y[n + i] = s->nights.v[i].p95_ms;
		y[2 * n + i] = s->nights.v[i].p99_ms;
		y[3 * n + i] = s->nights.v[i].error_rate;
	}
	lat[0] = (struct sg_series){"p50", y, NULL, NULL};
	lat[1] = (struct sg_series){"p95", y + n, NULL, NULL};
	lat[2] = (struct sg_series){"p99", y + 2 * n, NULL, NULL};
	err = (struct sg_series){"error rate", y + 3 * n, NULL, NULL};
	sg_svg_line_chart(
		b,
		&(struct sg_chart){
			"latency", "Latency per case by night",
			"The 50th, 95th and 99th percentiles of the time to "
			"score one case, over the runs of each night.",
			"night of the run", "latency (ms)", 0, 0},
		(const char *const *)s->nights.key, n, lat, 3, &lline, 1, 0.0,
		NAN);
	sg_svg_line_chart(
		b,
		&(struct sg_chart){
			"error-rate", "Scoring errors by night",
			"The share of cases the model failed to score, over the "
			"runs of each night, against the gate's maximum when a "
			"policy is known.",
			"night of the run", "error rate (share of cases)", 0, 0},
		(const char *const *)s->nights.key, n, &err, 1, &eline, 1, 0.0,
		NAN);
	html_table_open(b, "latency", "runs by night",
			(const char *const[]){"night", "runs", "cases",
					      "errors", "error rate",
					      "p50 ms", "p95 ms", "p99 ms",
					      "cases/s"},
			9);
	for (i = 0; i < n; i++) {
		const struct sg_report_run_night *v = &s->nights.v[i];

		sg_buf_addstr(b, "<tr>");
		html_td_text(b, s->nights.key[i]);
		html_td_int(b, v->runs);
		html_td_int(b, v->cases);
		html_td_int(b, v->errors);
		html_td_num(b, v->error_rate, 4);
		html_td_num(b, v->p50_ms, 3);
		html_td_num(b, v->p95_ms, 3);
		html_td_num(b, v->p99_ms, 3);
		html_td_num(b, v->throughput, 1);
		sg_buf_addstr(b, "</tr>\n");
	}
	html_table_close(b);
	sg_buf_addstr(b, "</div>\n");
	free(y);
}

void html_monitoring(struct html *h)
{
	const struct sg_report_inputs *in = &h->r->inputs;
	struct sg_buf *b = h->b;
	size_t n = 0, *idx = feature_order(in, &n);

	sg_buf_addstr(b, "<section id=\"monitoring\">\n<h2>Monitoring</h2>\n");
	if (in->reference) {
		sg_buf_addstr(b, "<p class=\"meta\">Reference ");
		if (in->reference->note) {
			html_text(b, in->reference->note);
		} else {
			html_text(b, in->reference->since);
			sg_buf_addstr(b, " .. ");
			html_text(b, in->reference->until);
			sg_buf_addf(b, " (%lld nights, %lld cases)",
				    in->reference->nights,
				    in->reference->cases);
		}
		sg_buf_addstr(b, ".</p>\n");
	}
	if (idx && n) {
		psi(h, idx, n);
		psi_nights(h, idx, n);
		missing(h, idx, n);
	}
	free(idx);
	deciles(h);
	labels(h);
	software(h);
	sg_buf_addstr(b, "</section>\n");
}

static void value_cell(struct sg_buf *b, const struct sg_value *v)
{
	if (v->label) {
		html_td_text(b, v->label);
	} else {
		html_td_num(b, v->num, 4);
	}
}

void html_disagreements(struct html *h)
{
	const struct sg_arr_example *d = &h->r->disagreements;
	struct sg_buf *b = h->b;
	size_t i;

	sg_buf_addstr(b, "<section id=\"disagreements\">\n<h2>A sample of "
			 "the disagreements</h2>\n");
	if (!d->n) {
		sg_buf_addstr(b, "<p>None in the window.</p>\n</section>\n");
		return;
	}
	sg_buf_addstr(b, "<table>\n<thead><tr><th scope=\"col\">case</th>"
			 "<th scope=\"col\">night</th><th scope=\"col\">person"
			 "</th><th scope=\"col\">model</th><th scope=\"col\">"
			 "score</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < d->n; i++) {
		const struct sg_report_example *e = &d->v[i];

		sg_buf_addstr(b, "<tr>");
		html_td_text(b, e->case_id);
		html_td_text(b, e->night);
		value_cell(b, &e->human);
		value_cell(b, &e->model);
		html_td_num(b, e->score, 4);
		sg_buf_addstr(b, "</tr>\n");
	}
	sg_buf_addstr(b, "</tbody>\n</table>\n</section>\n");
}

/* ---- the review: who was right, and both accuracies ---- */

void html_review(struct html *h)
{
	const struct sg_report_review *rv = h->r->review;
	const struct sg_report_review_accuracy *ac;
	const struct sg_report_review_disagreements *dg;
	struct sg_buf *b = h->b;
	struct sg_interval_row rows[3];
	size_t i;

	if (!rv)
		return;
	ac = &rv->accuracy;
	dg = &rv->disagreements;
	sg_buf_addstr(b, "<section id=\"review\">\n<h2>Who was right: the "
			 "review</h2>\n");
	sg_buf_addf(b, "<p>%lld cases reviewed", rv->reviewed);
	if (rv->unresolved)
		sg_buf_addf(b, " (%lld more unresolved: the reviewers tied)",
			    rv->unresolved);
	sg_buf_addf(b, "; %lld of them disagreements.</p>\n", dg->reviewed);
	rows[0] = (struct sg_interval_row){"model", ac->model.estimate,
					   ac->model.ci95[0], ac->model.ci95[1],
					   0, NULL, 0};
	rows[1] = (struct sg_interval_row){"people", ac->human.estimate,
					   ac->human.ci95[0], ac->human.ci95[1],
					   0, NULL, 2};
	rows[2] = (struct sg_interval_row){"model minus people",
					   ac->difference.estimate,
					   ac->difference.ci95[0],
					   ac->difference.ci95[1], 0, NULL, 3};
	sg_svg_interval_chart(
		b,
		&(struct sg_chart){
			"review-chart",
			"Estimated accuracy over the window",
			"The accuracy of the model and of the people over the "
			"whole window, estimated from the reviewed sample by "
			"stratum (the cells of the confusion matrix), with its "
			"interval, and the model's minus the people's.",
			"accuracy (share of cases decided right)", NULL, 0, 0},
		rows, 3, NULL, 0, -1.0, 1.0, 1);
	html_table_open(b, "review-chart", "the review",
			(const char *const[]){"stratum (human, model)", "cases",
					      "reviewed", "model right",
					      "human right"},
			5);
	for (i = 0; i < rv->strata.n; i++) {
		const struct sg_report_review_stratum *st = &rv->strata.v[i];

		sg_buf_addstr(b, "<tr>");
		sg_buf_addstr(b, "<td><bdi>");
		html_text(b, st->human);
		sg_buf_addstr(b, "</bdi> \u2192 <bdi>");
		html_text(b, st->model);
		sg_buf_addstr(b, "</bdi></td>");
		html_td_int(b, st->N);
		html_td_int(b, st->n);
		html_td_int(b, st->model_right);
		html_td_int(b, st->human_right);
		sg_buf_addstr(b, "</tr>\n");
	}
	html_table_close(b);
	sg_buf_addstr(b, "<table class=\"sg-table\"><caption>On the reviewed "
			 "disagreements</caption>\n<tr><th>who was right</th>"
			 "<th>cases</th><th>share</th><th>low</th><th>high</th>"
			 "</tr>\n");
	{
		const struct sg_report_review_count *cnt[] = {
			&dg->model_right, &dg->human_right, &dg->neither};
		static const char *const name[] = {"the model", "the people",
						   "neither"};

		for (i = 0; i < 3; i++) {
			sg_buf_addstr(b, "<tr>");
			html_td_text(b, name[i]);
			html_td_int(b, cnt[i]->count);
			html_td_num(b, cnt[i]->rate, 4);
			html_td_num(b, cnt[i]->ci95[0], 4);
			html_td_num(b, cnt[i]->ci95[1], 4);
			sg_buf_addstr(b, "</tr>\n");
		}
	}
	sg_buf_addstr(b, "</table>\n</section>\n");
}
