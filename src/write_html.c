/*
 * write_html.c - the report as one HTML page (include/sg/html.h): the
 * page, the verdict, agreement and kappa, agreement per night, the
 * confusion matrix and the classes, segments, the human baseline and
 * coverage; write_html_monitor.c adds the monitoring sections and the
 * disagreements, write_html_util.c has the style sheet and the helpers. The charts are svg.c's; this file only
 * decides what each one shows. Reads the typed report, never its JSON.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sg/error.h"
#include "sg/html.h"
#include "write_html_impl.h"

/* ---- the top: what, which model, which window ---- */

static void head(struct html *h)
{
	const struct sg_report *r = h->r;
	struct sg_buf *b = h->b, t = SG_BUF_INIT;

	sg_buf_addstr(&t, "shadowgate report");
	if (r->model) {
		sg_buf_addstr(&t, ": ");
		sg_buf_addstr(&t, r->model->name ? r->model->name : "");
		sg_buf_addch(&t, '@');
		sg_buf_addstr(&t, r->model->version ? r->model->version : "");
	}
	html_head(b, t.buf);
	sg_buf_release(&t);
	sg_buf_addstr(b, "<header>\n<h1>Shadow report");
	if (r->model) {
		sg_buf_addstr(b, ": <bdi>");
		html_text(b, r->model->name);
		sg_buf_addstr(b, "</bdi> version <bdi>");
		html_text(b, r->model->version);
		sg_buf_addstr(b, "</bdi>");
	}
	sg_buf_addstr(b, "</h1>\n<p class=\"meta\">");
	if (r->model) {
		sg_buf_addstr(b, "backend ");
		html_text(b, r->model->backend);
		if (r->model->sha256) {
			sg_buf_addstr(b, ", model file SHA-256 <code>");
			html_text(b, r->model->sha256);
			sg_buf_addstr(b, "</code>");
		}
		sg_buf_addstr(b, "<br>\n");
	}
	sg_buf_addstr(b, "window ");
	html_text(b, r->window.since ? r->window.since : "(undated)");
	sg_buf_addstr(b, " .. ");
	html_text(b, r->window.until ? r->window.until : "(undated)");
	sg_buf_addf(b, ", %lld night%s; %lld cases in the window, %lld "
		       "compared; generated ",
		    r->window.nights, r->window.nights == 1 ? "" : "s",
		    r->counts.in_window, r->counts.compared);
	html_text(b, r->generated_at);
	if (r->window.note) {
		sg_buf_addstr(b, "<br>\n");
		html_text(b, r->window.note);
	}
	sg_buf_addstr(b, "</p>\n</header>\n");
}

/* ---- 1. the verdict ---- */

/* The section holding the chart a check comes from. */
static const char *check_anchor(const char *name)
{
	static const struct {
		const char *part, *anchor;
	} map[] = {
		{"segment", "segments"},   {"night_agreement", "nights"},
		{"night_psi", "psi-nights"}, {"night_missing", "missing"},
		{"recall", "classes"},     {"precision", "classes"},
		{"human", "baseline"},     {"psi", "psi"},
		{"missing", "missing"},    {"error_rate", "software"},
		{"latency", "software"},   {"label_shift", "labels"},
		{"incumbent", "agreement"}, {"kappa", "agreement"},
	};
	size_t i;

	for (i = 0; name && i < sizeof(map) / sizeof(map[0]); i++)
		if (strstr(name, map[i].part))
			return map[i].anchor;
	return "agreement";
}

static const char *outcome_name(int o)
{
	return o == SG_CHECK_FAIL ? "fail"
	       : o == SG_CHECK_PASS ? "pass"
				    : "not judged";
}

/* A check's number: a count of cases as an integer, else 4 decimals. */
static void check_num(struct sg_buf *b, const struct sg_gate_check *c,
		      double v)
{
	html_num(b, v, c->name && strstr(c->name, "cases") ? 0 : 4);
}

/* The gate's checks with this outcome as a table (nothing when none);
 * inside a <details> when folded. */
static void check_table(struct sg_buf *b, const struct sg_gate_result *g,
			int outcome, int folded)
{
	static const char *const cols[] = {
		"check", "subject", "value", "interval", "judged",
		"threshold", "outcome", "why"};
	size_t i, j, n = 0;

	for (i = 0; i < g->nchecks; i++)
		n += g->checks[i].outcome == outcome;
	if (!n)
		return;
	if (folded)
		sg_buf_addf(b, "<details><summary>%zu check%s %s</summary>\n",
			    n, n == 1 ? "" : "s",
			    outcome == SG_CHECK_PASS ? "passed" : "not judged");
	sg_buf_addstr(b, "<table class=\"checks\">\n<thead><tr>");
	for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++) {
		sg_buf_addstr(b, "<th scope=\"col\">");
		html_text(b, cols[j]);
		sg_buf_addstr(b, "</th>");
	}
	sg_buf_addstr(b, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < g->nchecks; i++) {
		const struct sg_gate_check *c = &g->checks[i];

		if (c->outcome != outcome)
			continue;
		sg_buf_addstr(b, "<tr><td><a href=\"#");
		sg_buf_addstr(b, check_anchor(c->name));
		sg_buf_addstr(b, "\">");
		html_text(b, c->name);
		sg_buf_addstr(b, "</a></td>");
		html_td_text(b, c->subject);
		sg_buf_addstr(b, "<td class=\"n\">");
		check_num(b, c, c->value);
		sg_buf_addstr(b, "</td><td class=\"n\">");
		if (isfinite(c->low) || isfinite(c->high)) {
			sg_buf_addch(b, '[');
			check_num(b, c, c->low);
			sg_buf_addstr(b, ", ");
			check_num(b, c, c->high);
			sg_buf_addch(b, ']');
		} else {
			html_num(b, NAN, 4);
		}
		sg_buf_addstr(b, "</td><td class=\"n\">");
		check_num(b, c, c->judged);
		sg_buf_addstr(b, "</td><td class=\"n\">");
		sg_buf_addstr(b, c->is_max ? "&le; " : "&ge; ");
		check_num(b, c, c->threshold);
		sg_buf_addf(b, "</td><td class=\"o-%s\">",
			    outcome == SG_CHECK_FAIL   ? "fail"
			    : outcome == SG_CHECK_PASS ? "pass"
						       : "not-judged");
		html_text(b, outcome_name(c->outcome));
		sg_buf_addstr(b, "</td>");
		html_td_text(b, c->detail);
		sg_buf_addstr(b, "</tr>\n");
	}
	sg_buf_addstr(b, "</tbody>\n</table>\n");
	if (folded)
		sg_buf_addstr(b, "</details>\n");
}

/* The verdict, its reason and its checks: the failed ones first, then
 * those not judged, then (folded) those passed. */
static void verdict(struct html *h, const char *name)
{
	const struct sg_gate_result *g = h->verdict ? h->gate : NULL;
	struct sg_buf *b = h->b;

	if (g)
		name = sg_verdict_name(g->verdict);
	if (!name && h->gate) {
		sg_buf_addstr(b, "<p class=\"meta\" id=\"policy\">The dashed "
				 "lines are the thresholds of the gate policy in "
				 "force; <code>shadowgate gate</code> gives the "
				 "verdict.</p>\n");
		return;
	}
	if (!name)
		return;
	sg_buf_addstr(b, "<section id=\"verdict\" class=\"verdict v-");
	sg_xml_escape(b, name, 1);
	sg_buf_addstr(b, "\">\n<h2>Verdict: ");
	html_text(b, name);
	sg_buf_addstr(b, "</h2>\n");
	if (!g) {
		sg_buf_addstr(b, "</section>\n");
		return;
	}
	sg_buf_addstr(b, "<p>");
	html_text(b, g->reason);
	sg_buf_addf(b, " (%ld cases; checks judged on the %s)</p>\n",
		    g->cases, g->on_estimate ? "estimate" : "interval's end");
	check_table(b, g, SG_CHECK_FAIL, 0);
	check_table(b, g, SG_CHECK_NOT_JUDGED, 1);
	check_table(b, g, SG_CHECK_PASS, 1);
	sg_buf_addstr(b, "</section>\n");
}

/* ---- 2. agreement, kappa, nights ---- */

static void rate_row(struct sg_buf *b, const char *label,
		     const struct sg_rate *v)
{
	sg_buf_addstr(b, "<tr>");
	html_td_text(b, label);
	html_td_int(b, v->n);
	html_td_int(b, v->agree);
	html_td_num(b, v->rate, 4);
	html_td_num(b, v->ci95[0], 4);
	html_td_num(b, v->ci95[1], 4);
	sg_buf_addstr(b, "</tr>\n");
}

static void headline(struct sg_buf *b, const char *what, double v, int pct,
		     const double *ci, const char *sub)
{
	sg_buf_addstr(b, "<div>");
	html_text(b, what);
	sg_buf_addstr(b, "<b>");
	if (pct > 0 && isfinite(v))
		sg_buf_addf(b, "%.1f%%", 100 * v);
	else if (pct < 0)
		sg_buf_addf(b, "%.0f", v);
	else if (isfinite(v))
		sg_buf_addf(b, "%.3f", v);
	else
		sg_buf_addstr(b, "undefined");
	sg_buf_addstr(b, "</b>");
	if (ci && isfinite(ci[0]) && isfinite(ci[1])) {
		if (pct)
			sg_buf_addf(b, "95%% CI %.1f%% &ndash; %.1f%%",
				    100 * ci[0], 100 * ci[1]);
		else
			sg_buf_addf(b, "95%% CI %.3f &ndash; %.3f", ci[0],
				    ci[1]);
	}
	if (sub) {
		sg_buf_addstr(b, "<br>");
		html_text(b, sub);
	}
	sg_buf_addstr(b, "</div>\n");
}

static void agreement(struct html *h)
{
	const struct sg_report *r = h->r;
	struct sg_buf *b = h->b;
	struct sg_interval_row rows[2];
	struct sg_hline lines[2];
	size_t nl = 0;
	char sub[128];
	double lo = 0;

	sg_buf_addstr(b, "<section id=\"agreement\">\n<h2>Agreement with the "
			 "people</h2>\n<div class=\"headline\">\n");
	snprintf(sub, sizeof(sub), "%lld of %lld cases", r->agreement.agree,
		 r->agreement.n);
	headline(b, "agreement", r->agreement.rate, 1, r->agreement.ci95, sub);
	snprintf(sub, sizeof(sub), "standard error %.4f", r->kappa.se);
	headline(b, "Cohen's kappa", r->kappa.value, 0, r->kappa.ci95,
		 isfinite(r->kappa.se) ? sub : NULL);
	if (isfinite(r->ac1.value)) {
		snprintf(sub, sizeof(sub), "standard error %.4f", r->ac1.se);
		headline(b, "Gwet's AC1", r->ac1.value, 0, r->ac1.ci95,
			 isfinite(r->ac1.se) ? sub : NULL);
	}
	snprintf(sub, sizeof(sub), "%lld with a decision, %lld scored",
		 r->counts.with_decision, r->counts.with_prediction);
	headline(b, "cases compared", (double)r->counts.compared, -1, NULL,
		 sub);
	sg_buf_addstr(b, "</div>\n");
	rows[0] = (struct sg_interval_row){"agreement", r->agreement.rate,
					   r->agreement.ci95[0],
					   r->agreement.ci95[1], 0, NULL, 0};
	rows[1] = (struct sg_interval_row){"Cohen's kappa", r->kappa.value,
					   r->kappa.ci95[0], r->kappa.ci95[1],
					   0, NULL, 1};
	if (isfinite(r->kappa.ci95[0]) && r->kappa.ci95[0] < 0)
		lo = floor(r->kappa.ci95[0] * 10) / 10;
	if (isfinite(html_threshold(h, "min_agreement")))
		lines[nl++] = (struct sg_hline){
			html_threshold(h, "min_agreement"), "min agreement"};
	if (isfinite(html_threshold(h, "min_kappa")))
		lines[nl++] = (struct sg_hline){html_threshold(h, "min_kappa"),
						"min kappa"};
	sg_svg_interval_chart(
		b,
		&(struct sg_chart){
			"agreement-chart", "Agreement and kappa, with 95% intervals",
			"The share of compared cases where the model's decision "
			"equals the person's (Wilson interval) and Cohen's kappa "
			"(large-sample interval), with the gate's minimums when a "
			"policy is known.",
			"agreement (share of cases) and kappa (no unit)", NULL, 0, 0},
		rows, 2, lines, nl, lo, 1.0, 1);
	html_table_open(b, "agreement-chart", "agreement and kappa",
			(const char *const[]){"statistic", "value", "95% low",
					      "95% high", "standard error",
					      "cases", "agree"},
			7);
	sg_buf_addstr(b, "<tr>");
	html_td_text(b, "agreement");
	html_td_num(b, r->agreement.rate, 4);
	html_td_num(b, r->agreement.ci95[0], 4);
	html_td_num(b, r->agreement.ci95[1], 4);
	html_td_num(b, NAN, 4);
	html_td_int(b, r->agreement.n);
	html_td_int(b, r->agreement.agree);
	sg_buf_addstr(b, "</tr>\n<tr>");
	html_td_text(b, "kappa");
	html_td_num(b, r->kappa.value, 4);
	html_td_num(b, r->kappa.ci95[0], 4);
	html_td_num(b, r->kappa.ci95[1], 4);
	html_td_num(b, r->kappa.se, 4);
	html_td_int(b, r->agreement.n);
	html_td_num(b, NAN, 0);
	sg_buf_addstr(b, "</tr>\n");
	html_table_close(b);
	if (r->has_incumbent && r->incumbent) {
		const struct sg_report_incumbent *in = r->incumbent;

		sg_buf_addstr(b, "<p>Against the incumbent <bdi>");
		html_text(b, in->model);
		sg_buf_addf(b, "</bdi> on the %lld cases both scored: "
			       "candidate %.1f%%, incumbent %.1f%%, "
			       "difference ",
			    in->n, 100 * in->candidate_rate,
			    100 * in->incumbent_rate);
		html_num(b, in->difference, 4);
		sg_buf_addstr(b, ".</p>\n");
	}
	sg_buf_addstr(b, "</section>\n");
}

static void nights(struct html *h)
{
	const struct sg_report *r = h->r;
	struct sg_buf *b = h->b;
	size_t n = r->nights.n, i;
	double *y, *lo, *hi;
	struct sg_hline lines[2];
	size_t nl = 0;

	if (!n)
		return;
	y = calloc(3 * n, sizeof(*y));
	if (!y)
		return;
	lo = y + n;
	hi = y + 2 * n;
	for (i = 0; i < n; i++) {
		y[i] = r->nights.v[i].rate;
		lo[i] = r->nights.v[i].ci95[0];
		hi[i] = r->nights.v[i].ci95[1];
	}
	if (isfinite(html_threshold(h, "min_night_agreement")))
		lines[nl++] = (struct sg_hline){
			html_threshold(h, "min_night_agreement"),
			"min night agreement"};
	else if (isfinite(html_threshold(h, "min_agreement")))
		lines[nl++] = (struct sg_hline){
			html_threshold(h, "min_agreement"), "min agreement"};
	sg_buf_addstr(b, "<section id=\"nights\">\n<h2>Agreement per "
			 "night</h2>\n");
	sg_svg_line_chart(
		b,
		&(struct sg_chart){
			"nights-chart", "Agreement per night, with 95% intervals",
			"Each night's agreement with the people as a line, its "
			"Wilson interval as a band, and the policy's threshold "
			"when one is known.",
			"night (date of the decisions)",
			"agreement (share of cases)", 0, 0},
		(const char *const *)r->nights.key, n,
		&(struct sg_series){"agreement", y, lo, hi}, 1, lines, nl,
		NAN, NAN);
	free(y);
	html_table_open(b, "nights-chart", "agreement per night",
			(const char *const[]){"night", "cases", "agree", "rate",
					      "95% low", "95% high"},
			6);
	for (i = 0; i < n; i++)
		rate_row(b, r->nights.key[i], &r->nights.v[i]);
	html_table_close(b);
	sg_buf_addstr(b, "</section>\n");
}

/* ---- 3. confusion and classes ---- */

static void confusion(struct html *h)
{
	const struct sg_report *r = h->r;
	const struct sg_report_confusion *c = &r->confusion;
	struct sg_buf *b = h->b, cell = SG_BUF_INIT;
	size_t nr = c->matrix.rows, nc = c->matrix.cols, i, j;
	double *share;
	char **text;
	const char **lab;

	if (!nr || !nc || c->labels.n < nr || c->labels.n < nc)
		return;
	share = calloc(nr * nc, sizeof(*share));
	text = calloc(nr * nc, sizeof(*text));
	lab = calloc(c->labels.n, sizeof(*lab));
	if (!share || !text || !lab)
		goto out;
	for (i = 0; i < c->labels.n; i++)
		lab[i] = c->labels.v[i];
	for (i = 0; i < nr; i++) {
		long long sum = 0;

		for (j = 0; j < nc; j++)
			sum += c->matrix.v[i * nc + j];
		for (j = 0; j < nc; j++) {
			long long v = c->matrix.v[i * nc + j];

			share[i * nc + j] = sum ? (double)v / (double)sum : NAN;
			sg_buf_reset(&cell);
			if (sum)
				sg_buf_addf(&cell, "%lld (%.0f%%)", v,
					    100.0 * (double)v / (double)sum);
			else
				sg_buf_addf(&cell, "%lld", v);
			text[i * nc + j] = sg_buf_detach(&cell);
		}
	}
	sg_buf_addstr(b, "<section id=\"confusion\">\n<h2>Where they "
			 "disagree</h2>\n");
	sg_svg_heat_map(
		b,
		&(struct sg_chart){
			"confusion-chart",
			"Confusion matrix: the person's label (rows) against the "
			"model's (columns)",
			"Each cell: the number of cases with that pair of labels "
			"and its share of the row (the person's label); darker "
			"is a larger share.",
			"model's label", "rows: the person's label (share of the "
					 "row in brackets)",
			0, 0},
		lab, nr, lab, nc, share, (const char *const *)text);
	{
		const char **cols = calloc(nc + 1, sizeof(*cols));

		if (cols) {
			cols[0] = "person \\ model";
			for (j = 0; j < nc; j++)
				cols[j + 1] = lab[j];
			html_table_open(b, "confusion-chart", "confusion matrix",
					cols, nc + 1);
			free(cols);
			for (i = 0; i < nr; i++) {
				sg_buf_addstr(b, "<tr>");
				html_td_text(b, lab[i]);
				for (j = 0; j < nc; j++)
					html_td_int(b, c->matrix.v[i * nc + j]);
				sg_buf_addstr(b, "</tr>\n");
			}
			html_table_close(b);
		}
	}
	sg_buf_addstr(b, "</section>\n");
out:
	if (text)
		for (i = 0; i < nr * nc; i++)
			free(text[i]);
	free(text);
	free(share);
	free(lab);
	sg_buf_release(&cell);
}

static void classes(struct html *h)
{
	const struct sg_report *r = h->r;
	struct sg_buf *b = h->b, lab = SG_BUF_INIT;
	size_t n = r->per_class.n, i;
	struct sg_interval_row *rows;
	char **names;
	struct sg_hline lines[2];
	size_t nl = 0;

	if (!n)
		return;
	rows = calloc(2 * n, sizeof(*rows));
	names = calloc(2 * n, sizeof(*names));
	if (!rows || !names)
		goto out;
	for (i = 0; i < n; i++) {
		const struct sg_report_class *c = &r->per_class.v[i];

		sg_buf_reset(&lab);
		sg_buf_addstr(&lab, r->per_class.key[i]);
		sg_buf_addstr(&lab, " precision");
		names[2 * i] = sg_buf_detach(&lab);
		sg_buf_addstr(&lab, r->per_class.key[i]);
		sg_buf_addstr(&lab, " recall");
		names[2 * i + 1] = sg_buf_detach(&lab);
		rows[2 * i] = (struct sg_interval_row){
			names[2 * i], c->precision, c->precision_ci95[0],
			c->precision_ci95[1], 0, NULL, 0};
		rows[2 * i + 1] = (struct sg_interval_row){
			names[2 * i + 1], c->recall, c->recall_ci95[0],
			c->recall_ci95[1], 0, NULL, 1};
	}
	if (isfinite(html_threshold(h, "min_precision")))
		lines[nl++] = (struct sg_hline){
			html_threshold(h, "min_precision"), "min precision"};
	if (isfinite(html_threshold(h, "min_recall")))
		lines[nl++] = (struct sg_hline){html_threshold(h, "min_recall"),
						"min recall"};
	sg_buf_addstr(b, "<section id=\"classes\">\n<h2>Per class</h2>\n");
	sg_svg_interval_chart(
		b,
		&(struct sg_chart){
			"classes-chart",
			"Precision and recall per class, with 95% intervals",
			"For each label: precision (of the cases the model gave "
			"it, the share the person gave it too) and recall (of "
			"the cases the person gave it, the share the model gave "
			"it too), each a bar with its Wilson interval (none "
			"when that side never used the label, or in a report "
			"stored before the intervals were kept).",
			"share of cases", NULL, 0, 0},
		rows, 2 * n, lines, nl, 0.0, 1.0, 1);
	html_table_open(b, "classes-chart", "precision and recall per class",
			(const char *const[]){"label", "precision", "95% low",
					      "95% high", "recall", "95% low",
					      "95% high", "F1", "support"},
			9);
	for (i = 0; i < n; i++) {
		const struct sg_report_class *c = &r->per_class.v[i];

		sg_buf_addstr(b, "<tr>");
		html_td_text(b, r->per_class.key[i]);
		html_td_num(b, c->precision, 4);
		html_td_num(b, c->precision_ci95[0], 4);
		html_td_num(b, c->precision_ci95[1], 4);
		html_td_num(b, c->recall, 4);
		html_td_num(b, c->recall_ci95[0], 4);
		html_td_num(b, c->recall_ci95[1], 4);
		html_td_num(b, c->f1, 4);
		html_td_int(b, c->support);
		sg_buf_addstr(b, "</tr>\n");
	}
	html_table_close(b);
	sg_buf_addstr(b, "</section>\n");
out:
	if (names)
		for (i = 0; i < 2 * n; i++)
			free(names[i]);
	free(names);
	free(rows);
	sg_buf_release(&lab);
}

/* ---- 4. segments ---- */

/* worst first: the lower rate, undefined last, then the order given;
 * base: the rates the indexes point into */
static int worst_first(const void *a, const void *b, void *base)
{
	const struct sg_rate *v = base;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	double x = v[i].rate, y = v[j].rate;

	if (isnan(x) != isnan(y))
		return isnan(x) ? 1 : -1;
	if (!isnan(x) && x != y)
		return x < y ? -1 : 1;
	return i < j ? -1 : i > j;
}

static void segment_column(struct html *h, const char *col,
			   const struct sg_map_rate *m, size_t ci)
{
	struct sg_buf *b = h->b, t = SG_BUF_INIT;
	size_t n = m->n, i;
	size_t *idx = calloc(n ? n : 1, sizeof(*idx));
	struct sg_interval_row *rows = calloc(n ? n : 1, sizeof(*rows));
	struct sg_hline lines[2];
	size_t nl = 0;
	char id[48];

	if (!idx || !rows)
		goto out;
	for (i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), worst_first, m->v);
	for (i = 0; i < n; i++) {
		const struct sg_rate *v = &m->v[idx[i]];
		const struct sg_gate_check *c;

		sg_buf_reset(&t);
		sg_buf_addf(&t, "%s=%s", col, m->key[idx[i]]);
		c = html_check(h, "min_segment_agreement", t.buf);
		rows[i] = (struct sg_interval_row){
			m->key[idx[i]], v->rate, v->ci95[0], v->ci95[1],
			c && c->outcome == SG_CHECK_NOT_JUDGED,
			c && c->outcome == SG_CHECK_NOT_JUDGED ? "not judged"
			: c && c->outcome == SG_CHECK_FAIL	? "fails"
								: NULL,
			v->below_overall ? 5 : 0};
	}
	lines[nl++] = (struct sg_hline){h->r->agreement.rate, "overall"};
	if (isfinite(html_threshold(h, "min_segment_agreement")))
		lines[nl++] = (struct sg_hline){
			html_threshold(h, "min_segment_agreement"),
			"min segment agreement"};
	snprintf(id, sizeof(id), "segment-%zu", ci);
	sg_buf_reset(&t);
	sg_buf_addstr(&t, "Agreement by ");
	sg_buf_addstr(&t, col);
	sg_buf_addstr(&t, ", worst first, with 95% intervals");
	sg_svg_interval_chart(
		b,
		&(struct sg_chart){
			id, t.buf,
			"A forest plot: each value's agreement as a dot, its "
			"Wilson interval as a line, against the overall rate "
			"(dashed); values below the overall rate in orange, "
			"values the gate did not judge (too few cases) grey.",
			"agreement (share of cases)", NULL, 0, 0},
		rows, n, lines, nl, NAN, NAN, 0);
	html_table_open(b, id, t.buf,
			(const char *const[]){"value", "cases", "agree", "rate",
					      "95% low", "95% high",
					      "below overall", "gate"},
			8);
	for (i = 0; i < n; i++) {
		const struct sg_rate *v = &m->v[idx[i]];

		sg_buf_addstr(b, "<tr>");
		html_td_text(b, m->key[idx[i]]);
		html_td_int(b, v->n);
		html_td_int(b, v->agree);
		html_td_num(b, v->rate, 4);
		html_td_num(b, v->ci95[0], 4);
		html_td_num(b, v->ci95[1], 4);
		html_td_text(b, v->below_overall ? "yes" : "no");
		html_td_text(b, rows[i].note ? rows[i].note : "");
		sg_buf_addstr(b, "</tr>\n");
	}
	html_table_close(b);
out:
	free(idx);
	free(rows);
	sg_buf_release(&t);
}

static void segments(struct html *h)
{
	const struct sg_map_segcol *s = &h->r->segments;
	size_t i;

	if (!s->n)
		return;
	sg_buf_addstr(h->b, "<section id=\"segments\">\n<h2>Segments</h2>\n");
	for (i = 0; i < s->n; i++) {
		sg_buf_addstr(h->b, "<h3>");
		html_text(h->b, s->key[i]);
		sg_buf_addstr(h->b, "</h3>\n");
		segment_column(h, s->key[i], &s->v[i].values, i);
	}
	sg_buf_addstr(h->b, "</section>\n");
}

/* ---- numeric decisions ---- */

static void regression(struct html *h)
{
	const struct sg_report_regression *g = h->r->regression;
	struct sg_buf *b = h->b;

	if (!g)
		return;
	sg_buf_addstr(b, "<section id=\"regression\">\n<h2>Numeric "
			 "decisions</h2>\n<table>\n<thead><tr><th scope=\"col\">"
			 "cases</th><th scope=\"col\">MAE</th><th scope=\"col\">"
			 "RMSE</th><th scope=\"col\">bias (model &minus; "
			 "person)</th><th scope=\"col\">tolerance</th>"
			 "<th scope=\"col\">within</th><th scope=\"col\">rate"
			 "</th><th scope=\"col\">95% low</th><th scope=\"col\">"
			 "95% high</th></tr></thead>\n<tbody><tr>");
	html_td_int(b, g->n);
	html_td_num(b, g->mae, 4);
	html_td_num(b, g->rmse, 4);
	html_td_num(b, g->bias, 4);
	html_td_num(b, g->within_tolerance.tolerance, 4);
	html_td_int(b, g->within_tolerance.within);
	html_td_num(b, g->within_tolerance.rate, 4);
	html_td_num(b, g->within_tolerance.ci95[0], 4);
	html_td_num(b, g->within_tolerance.ci95[1], 4);
	sg_buf_addstr(b, "</tr></tbody>\n</table>\n</section>\n");
}

/* ---- 5. the human baseline ---- */

static void baseline(struct html *h)
{
	const struct sg_report_baseline *hb = h->r->human_baseline;
	struct sg_buf *b = h->b;
	struct sg_interval_row rows[4];
	double lo = 0;
	size_t i;

	if (!hb)
		return;
	sg_buf_addstr(b, "<section id=\"baseline\">\n<h2>The human "
			 "baseline</h2>\n");
	if (!hb->items) {
		sg_buf_addstr(b, "<p>No case in the window has two raters or "
				 "more.</p>\n</section>\n");
		return;
	}
	rows[0] = (struct sg_interval_row){"people with each other",
					   hb->pairwise_agreement, NAN, NAN,
					   0, NULL, 2};
	rows[1] = (struct sg_interval_row){"model with the people",
					   hb->model_agreement, NAN, NAN, 0,
					   NULL, 0};
	rows[2] = (struct sg_interval_row){"Fleiss' kappa", hb->fleiss_kappa,
					   NAN, NAN, 0, NULL, 3};
	rows[3] = (struct sg_interval_row){"Krippendorff's alpha",
					   hb->krippendorff_alpha, NAN, NAN, 0,
					   NULL, 3};
	for (i = 0; i < 4; i++)
		if (isfinite(rows[i].value) && rows[i].value < lo)
			lo = floor(rows[i].value * 10) / 10;
	sg_svg_interval_chart(
		b,
		&(struct sg_chart){
			"baseline-chart",
			"Does the model agree with people as well as people "
			"agree with each other?",
			"Pairwise agreement between raters on the cases several "
			"decided, the model's agreement with those same raters "
			"on those cases, and the chance-corrected agreement "
			"among the raters. The report has no interval for them.",
			"agreement (share of rating pairs; kappa and alpha "
			"without unit)",
			NULL, 0, 0},
		rows, 4, NULL, 0, lo, 1.0, 1);
	html_table_open(b, "baseline-chart", "the human baseline",
			(const char *const[]){"statistic", "value", "over"},
			3);
	sg_buf_addstr(b, "<tr>");
	html_td_text(b, "pairwise agreement");
	html_td_num(b, hb->pairwise_agreement, 4);
	sg_buf_addf(b, "<td>%lld pairs</td></tr>\n<tr>", hb->pairs);
	html_td_text(b, "model agreement");
	html_td_num(b, hb->model_agreement, 4);
	sg_buf_addf(b, "<td>%lld ratings of %lld cases</td></tr>\n<tr>",
		    hb->model_ratings, hb->model_items);
	html_td_text(b, "Fleiss' kappa");
	html_td_num(b, hb->fleiss_kappa, 4);
	sg_buf_addf(b, "<td>%lld cases</td></tr>\n<tr>", hb->items);
	html_td_text(b, "Krippendorff's alpha");
	html_td_num(b, hb->krippendorff_alpha, 4);
	sg_buf_addf(b, "<td>%lld ratings</td></tr>\n", hb->ratings);
	html_table_close(b);
	sg_buf_addstr(b, "</section>\n");
}

/* ---- 6. coverage ---- */

static void coverage(struct html *h)
{
	const struct sg_report_coverage *c = &h->r->coverage;
	struct sg_buf *b = h->b, cats = SG_BUF_INIT;
	size_t n = c->points.n, i;
	double *v;
	char **cat;
	struct sg_series s[2];
	struct sg_hline line = {c->target_agreement, "target agreement"};

	if (!n)
		return;
	v = calloc(4 * n, sizeof(*v));
	cat = calloc(n, sizeof(*cat));
	if (!v || !cat)
		goto out;
	for (i = 0; i < n; i++) {
		const struct sg_report_point *p = &c->points.v[i];

		v[i] = p->rate;
		v[n + i] = p->ci95[0];
		v[2 * n + i] = p->ci95[1];
		v[3 * n + i] = p->coverage;
		sg_buf_reset(&cats);
		sg_buf_addf(&cats, "%.2f%s", p->threshold,
			    p->threshold == c->recommended_threshold ? " *"
								     : "");
		cat[i] = sg_buf_detach(&cats);
	}
	s[0] = (struct sg_series){"agreement", v, v + n, v + 2 * n};
	s[1] = (struct sg_series){"coverage", v + 3 * n, NULL, NULL};
	sg_buf_addstr(b, "<section id=\"coverage\">\n<h2>Coverage against "
			 "confidence</h2>\n<p>");
	if (isfinite(c->recommended_threshold))
		sg_buf_addf(b, "Recommended threshold %.2f (marked *): the "
			       "model decides %.1f%% of the cases alone and "
			       "meets the target agreement %.1f%% on them.",
			    c->recommended_threshold,
			    100 * c->recommended_coverage,
			    100 * c->target_agreement);
	else
		sg_buf_addf(b, "No threshold meets the target agreement "
			       "%.1f%%.",
			    100 * c->target_agreement);
	sg_buf_addf(b, " %lld cases have a score.</p>\n", c->scored);
	sg_svg_line_chart(
		b,
		&(struct sg_chart){
			"coverage-chart",
			"Coverage and agreement by confidence threshold",
			"For each threshold on the model's score: the share of "
			"cases the model would decide alone (coverage) and its "
			"agreement with the people on them, with its Wilson "
			"interval as a band, against the target agreement.",
			"confidence threshold (score at least)",
			"share of cases", 0, 0},
		(const char *const *)cat, n, s, 2, &line, 1, 0.0, 1.0);
	html_table_open(b, "coverage-chart", "coverage",
			(const char *const[]){"threshold", "coverage", "cases",
					      "agree", "rate", "95% low",
					      "95% high"},
			7);
	for (i = 0; i < n; i++) {
		const struct sg_report_point *p = &c->points.v[i];

		sg_buf_addstr(b, "<tr>");
		html_td_num(b, p->threshold, 4);
		html_td_num(b, p->coverage, 4);
		html_td_int(b, p->n);
		html_td_int(b, p->agree);
		html_td_num(b, p->rate, 4);
		html_td_num(b, p->ci95[0], 4);
		html_td_num(b, p->ci95[1], 4);
		sg_buf_addstr(b, "</tr>\n");
	}
	html_table_close(b);
	sg_buf_addstr(b, "</section>\n");
out:
	if (cat)
		for (i = 0; i < n; i++)
			free(cat[i]);
	free(cat);
	free(v);
	sg_buf_release(&cats);
}

static int page(FILE *f, const struct sg_report *r,
		const struct sg_html_inputs *in, const char *verdict_name)
{
	struct sg_buf b = SG_BUF_INIT;
	struct html h = {&b, r, in ? in->gate : NULL, in && in->verdict,
			 in ? in->nights : NULL};
	int ret = 0;

	head(&h);
	verdict(&h, verdict_name);
	if (!r->has_model) {
		sg_buf_addstr(&b, "<p>No model in this report: nothing was "
				  "compared.</p>\n");
	} else {
		agreement(&h);
		nights(&h);
		html_trend(&h);
		confusion(&h);
		classes(&h);
		segments(&h);
		regression(&h);
	}
	baseline(&h);
	if (r->has_model) {
		coverage(&h);
		html_monitoring(&h);
		html_disagreements(&h);
		html_review(&h);
	}
	sg_buf_addstr(&b, "<footer class=\"meta\"><p>Written by shadowgate "
			  "from the report of ");
	html_text(&b, r->generated_at);
	sg_buf_addstr(&b, ".</p></footer>\n</main>\n</body>\n</html>\n");
	if (fwrite(b.buf, 1, b.len, f) != b.len)
		ret = SG_EIO;
	sg_buf_release(&b);
	return ret;
}

int sg_write_html_report(FILE *f, const struct sg_report *r, int color,
			 const char *verdict)
{
	(void)color;
	return page(f, r, NULL, verdict);
}

int sg_write_html_page(FILE *f, const struct sg_report *r,
		       const struct sg_html_inputs *in)
{
	return page(f, r, in, NULL);
}
