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

/* The most nights the trend shows (the latest). */
#define TREND_NIGHTS 60

static const cJSON *item(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static double num(const cJSON *o, const char *k)
{
	const cJSON *v = item(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = item(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* End i (0 low, 1 high) of the interval of statistic o, NaN for none. */
static double end(const cJSON *o, int i)
{
	const cJSON *v = cJSON_GetArrayItem(item(o, "ci95"), i);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

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
		const cJSON *st = item(o[i], v->what);

		y[i] = num(st, v->key);
		y[n + i] = end(st, 0);
		y[2 * n + i] = end(st, 1);
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
		const char *m = str(e, "model");

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
	first = n > TREND_NIGHTS ? n - TREND_NIGHTS : 0;
	o = all + first;
	n -= first;
	mark = n;
	for (i = 0; i < n; i++) {
		cats[i] = str(o[i], "night") ? str(o[i], "night") : "";
		if (!strcmp(cats[i], until))
			mark = i;
	}
	sg_buf_addf(b, "<p>The latest stored report of each night for this "
		       "model: %zu night%s",
		    n, n == 1 ? "" : "s");
	if (first)
		sg_buf_addf(b, " (the latest %d)", TREND_NIGHTS);
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
		const cJSON *a = item(o[i], "agreement");

		sg_buf_addstr(b, "<tr>");
		html_td_text(b, cats[i]);
		html_td_num(b, num(o[i], "report"), 0);
		html_td_num(b, num(o[i], "cases"), 0);
		html_td_num(b, num(a, "rate"), 4);
		html_td_num(b, end(a, 0), 4);
		html_td_num(b, end(a, 1), 4);
		html_td_text(b, str(o[i], "verdict") ? str(o[i], "verdict")
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
		const cJSON *k = item(o[i], "kappa");

		sg_buf_addstr(b, "<tr>");
		html_td_text(b, cats[i]);
		html_td_num(b, num(k, "value"), 4);
		html_td_num(b, end(k, 0), 4);
		html_td_num(b, end(k, 1), 4);
		sg_buf_addstr(b, "</tr>\n");
	}
	html_table_close(b);
	sg_buf_addstr(b, "</section>\n");
out:
	free(all);
	free(cats);
	sg_buf_release(&model);
}
