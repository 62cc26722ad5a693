/*
 * write_html_trend.c - the report page's trend of the stored nights
 * (html.h): agreement and kappa of the report's model by night, the
 * latest 60 of the nights sg_store_history_nights gives, with their
 * intervals, the gate's minimums when a policy is known, and the
 * report's own night marked. The stored nights are read as the store
 * gives them, never from the stored reports a second way.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "write_html_impl.h"

/* One statistic by night: what the chart and its table show. */
struct stat_view {
	const char *id, *title, *desc, *y_label, *what, *key, *threshold,
		*threshold_label;
};

static void stat_chart(struct html *h, const struct stat_view *v,
		       const cJSON *const *o, const char *const *cats,
		       size_t n, size_t mark)
{
	struct sg_buf *b = h->b;
	double *y = calloc(3 * n, sizeof(*y));
	struct sg_hline line = {html_threshold(h, v->threshold),
				v->threshold_label};
	size_t i;

	if (!y)
		return;
	for (i = 0; i < n; i++) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(o[i], v->what);

		y[i] = html_jnum(st, v->key);
		y[n + i] = html_jci(st, NULL, 0);
		y[2 * n + i] = html_jci(st, NULL, 1);
	}
	sg_svg_line_chart_marked(
		b,
		&(struct sg_chart){v->id, v->title, v->desc,
				   "night (the last of the stored report's "
				   "window)",
				   v->y_label, 0, 0},
		cats, n,
		&(struct sg_series){v->what, y, y + n, y + 2 * n}, 1, &line,
		isfinite(line.value) ? 1 : 0, NAN, NAN, mark, "this report");
	free(y);
}

void html_trend(struct html *h)
{
	const struct sg_report *r = h->r;
	struct sg_buf *b = h->b, model = SG_BUF_INIT;
	const char *until = r->window.until ? r->window.until : "";
	const cJSON **all = NULL, **o, *e;
	const char **cats = NULL;
	size_t n = 0, cap, first, i, mark;

	if (!h->nights)
		return;
	if (r->model)
		sg_buf_addf(&model, "%s@%s",
			    r->model->name ? r->model->name : "",
			    r->model->version ? r->model->version : "");
	cap = (size_t)cJSON_GetArraySize(h->nights);
	all = calloc(cap ? cap : 1, sizeof(*all));
	cats = calloc(cap ? cap : 1, sizeof(*cats));
	if (!all || !cats)
		goto out;
	/* the model's nights, in the store's order (by night) */
	cJSON_ArrayForEach(e, h->nights)
	{
		const char *m = html_jstr(e, "model");

		if (n < cap && m && model.buf && !strcmp(m, model.buf))
			all[n++] = e;
	}
	sg_buf_addstr(b, "<section id=\"trend\">\n<h2>The nights in the "
			 "store</h2>\n");
	if (!n) {
		sg_buf_addstr(b, "<p>No night of this model is stored yet: "
				 "the trend starts with the first stored "
				 "report (<code>shadowgate report</code> without "
				 "<code>--no-store</code>, or "
				 "<code>shadowgate nightly</code>).</p>\n"
				 "</section>\n");
		goto out;
	}
	first = n > HTML_NIGHTS ? n - HTML_NIGHTS : 0;
	o = all + first;
	n -= first;
	mark = n;
	for (i = 0; i < n; i++) {
		cats[i] = html_jstr(o[i], "night") ? html_jstr(o[i], "night") : "";
		if (!strcmp(cats[i], until))
			mark = i;
	}
	sg_buf_addf(b, "<p>The latest stored report of each night for this "
		       "model: %zu night%s",
		    n, n == 1 ? "" : "s");
	if (first)
		sg_buf_addf(b, " (the latest %d)", HTML_NIGHTS);
	if (mark < n)
		sg_buf_addstr(b, "; the dotted line marks this report's "
				 "night.</p>\n");
	else
		sg_buf_addstr(b, "; this report's night is not among them "
				 "(not stored).</p>\n");
	stat_chart(h,
		   &(struct stat_view){
			   "trend-chart",
			   "Agreement by stored night, with 95% intervals",
			   "Each stored night's agreement with the people (the "
			   "latest report whose window ends that night) as a "
			   "line, its Wilson interval as a band, the minimum "
			   "agreement when a policy is known, and this "
			   "report's night as a dotted line.",
			   "agreement (share of cases)", "agreement", "rate",
			   "min_agreement", "min agreement"},
		   o, cats, n, mark);
	html_table_open(b, "trend-chart", "agreement by stored night",
			(const char *const[]){"night", "report", "cases",
					      "agreement", "95% low",
					      "95% high", "verdict", "this report"},
			8);
	for (i = 0; i < n; i++) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(o[i], "agreement");

		sg_buf_addstr(b, "<tr>");
		html_td_text(b, cats[i]);
		html_td_num(b, html_jnum(o[i], "report"), 0);
		html_td_num(b, html_jnum(o[i], "cases"), 0);
		html_td_num(b, html_jnum(a, "rate"), 4);
		html_td_num(b, html_jci(a, NULL, 0), 4);
		html_td_num(b, html_jci(a, NULL, 1), 4);
		html_td_text(b, html_jstr(o[i], "verdict") ? html_jstr(o[i], "verdict")
						      : "not gated");
		html_td_text(b, i == mark ? "this report" : "");
		sg_buf_addstr(b, "</tr>\n");
	}
	html_table_close(b);
	stat_chart(h,
		   &(struct stat_view){
			   "trend-kappa-chart",
			   "Cohen's kappa by stored night, with 95% intervals",
			   "Each stored night's Cohen's kappa as a line, its "
			   "large-sample interval as a band, the minimum kappa "
			   "when a policy is known, and this report's night as "
			   "a dotted line.",
			   "kappa (no unit)", "kappa", "value", "min_kappa",
			   "min kappa"},
		   o, cats, n, mark);
	html_table_open(b, "trend-kappa-chart", "kappa by stored night",
			(const char *const[]){"night", "kappa", "95% low",
					      "95% high"},
			4);
	for (i = 0; i < n; i++) {
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(o[i], "kappa");

		sg_buf_addstr(b, "<tr>");
		html_td_text(b, cats[i]);
		html_td_num(b, html_jnum(k, "value"), 4);
		html_td_num(b, html_jci(k, NULL, 0), 4);
		html_td_num(b, html_jci(k, NULL, 1), 4);
		sg_buf_addstr(b, "</tr>\n");
	}
	html_table_close(b);
	sg_buf_addstr(b, "</section>\n");
out:
	free(all);
	free(cats);
	sg_buf_release(&model);
}
