/*
 * write_html_history.c - the nights so far as one HTML page (html.h):
 * agreement and kappa by night with their intervals, one line per model,
 * the verdicts as coloured marks, and the runs. The history comes from
 * the store as sg_store_history_nights and sg_store_history_runs give
 * it; the page's style sheet is write_html.c's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sg/error.h"
#include "sg/html.h"
#include "write_html_impl.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether s is a night (YYYY-MM-DD), safe to put in a link. */
static int is_night(const char *s)
{
	size_t i;

	if (!s || strlen(s) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

/* Adds s to the set v (n of them, room for cap) unless it is there. */
static void add_unique(const char **v, size_t *n, size_t cap, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp(v[i], s))
			return;
	if (*n < cap)
		v[(*n)++] = s;
}

/* One chart of a statistic (agreement: kappa == 0) by night, a line per
 * model. */
static void trend(struct sg_buf *b, const cJSON *nights, const char **cats,
		  size_t nc, const char **models, size_t nm, int kappa)
{
	size_t i, j;
	double *v = calloc(3 * nc * (nm ? nm : 1), sizeof(*v));
	struct sg_series s[8];
	const cJSON *o;

	if (!v)
		return;
	for (i = 0; i < 3 * nc * nm; i++)
		v[i] = NAN;
	cJSON_ArrayForEach(o, nights)
	{
		const char *night = html_jstr(o, "night"), *model = html_jstr(o, "model");
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(
			o, kappa ? "kappa" : "agreement");
		size_t m, k;

		for (m = 0; m < nm && (!model || strcmp(models[m], model)); m++)
			;
		for (k = 0; k < nc && (!night || strcmp(cats[k], night)); k++)
			;
		if (m == nm || k == nc)
			continue;
		v[(3 * m) * nc + k] = html_jnum(st, kappa ? "value" : "rate");
		v[(3 * m + 1) * nc + k] = html_jci(st, NULL, 0);
		v[(3 * m + 2) * nc + k] = html_jci(st, NULL, 1);
	}
	for (j = 0; j < nm; j++)
		s[j] = (struct sg_series){models[j], v + 3 * j * nc,
					  v + (3 * j + 1) * nc,
					  v + (3 * j + 2) * nc};
	sg_svg_line_chart(
		b,
		&(struct sg_chart){
			kappa ? "kappa-trend" : "agreement-trend",
			kappa ? "Cohen's kappa by night, with 95% intervals"
			      : "Agreement by night, with 95% intervals",
			kappa ? "Each stored report's kappa (by the last night "
				"of its window), a line per model, its interval "
				"as a band."
			      : "Each stored report's agreement with the people "
				"(by the last night of its window), a line per "
				"model, its Wilson interval as a band.",
			"night (the last of the report's window)",
			kappa ? "kappa (no unit)" : "agreement (share of cases)",
			0, 0},
		cats, nc, s, nm, NULL, 0, NAN, NAN);
	free(v);
}

int sg_write_html_history(FILE *f, const cJSON *nights, const cJSON *runs,
			  int link)
{
	struct sg_buf b = SG_BUF_INIT;
	const char *cats_all[4096], *models[8], **cats = cats_all;
	size_t nc = 0, nm = 0;
	const cJSON *o;
	int ret = 0;

	cJSON_ArrayForEach(o, nights)
	{
		if (html_jstr(o, "night"))
			add_unique(cats_all, &nc, 4096, html_jstr(o, "night"));
		if (html_jstr(o, "model"))
			add_unique(models, &nm, 8, html_jstr(o, "model"));
	}
	qsort(cats_all, nc, sizeof(*cats_all), by_name);
	if (nc > HTML_NIGHTS) {
		cats += nc - HTML_NIGHTS;
		nc = HTML_NIGHTS;
	}
	html_head(&b, "shadowgate: the nights so far");
	sg_buf_addstr(&b, "<header>\n<h1>The nights so far</h1>\n"
			  "<p class=\"meta\">The latest stored report of each "
			  "model and night");
	if (nc)
		sg_buf_addf(&b, ", the charts over the %zu latest nights", nc);
	sg_buf_addstr(&b, ".</p>\n</header>\n");
	if (!nc) {
		sg_buf_addstr(&b, "<p>No reports yet (run <code>shadowgate "
				  "report</code> or <code>shadowgate nightly"
				  "</code>).</p>\n");
	} else {
		sg_buf_addstr(&b, "<section id=\"trend\">\n<h2>Agreement and "
				  "kappa</h2>\n");
		trend(&b, nights, cats, nc, models, nm, 0);
		trend(&b, nights, cats, nc, models, nm, 1);
		sg_buf_addstr(&b, "</section>\n");
	}
	sg_buf_addstr(&b, "<section id=\"nights\">\n<h2>Nights</h2>\n");
	if (cJSON_GetArraySize(nights)) {
		sg_buf_addstr(&b, "<table id=\"nights-data\">\n<thead><tr>"
				  "<th scope=\"col\">night</th><th scope=\"col\">"
				  "model</th><th scope=\"col\">cases</th>"
				  "<th scope=\"col\">agreement</th>"
				  "<th scope=\"col\">95% low</th>"
				  "<th scope=\"col\">95% high</th>"
				  "<th scope=\"col\">kappa</th>"
				  "<th scope=\"col\">95% low</th>"
				  "<th scope=\"col\">95% high</th>"
				  "<th scope=\"col\">change</th>"
				  "<th scope=\"col\">verdict</th>"
				  "<th scope=\"col\">why</th></tr></thead>\n"
				  "<tbody>\n");
		cJSON_ArrayForEach(o, nights)
		{
			const char *night = html_jstr(o, "night");
			const char *v = html_jstr(o, "verdict");
			const cJSON *ag = cJSON_GetObjectItemCaseSensitive(
				o, "agreement");
			const cJSON *ka =
				cJSON_GetObjectItemCaseSensitive(o, "kappa");

			sg_buf_addstr(&b, "<tr><td>");
			if (link && is_night(night)) {
				sg_buf_addf(&b, "<a href=\"%s/report.html\">",
					    night);
				html_text(&b, night);
				sg_buf_addstr(&b, "</a>");
			} else {
				html_text(&b, night);
			}
			sg_buf_addstr(&b, "</td>");
			html_td_text(&b, html_jstr(o, "model"));
			html_td_num(&b, html_jnum(o, "cases"), 0);
			html_td_num(&b, html_jnum(ag, "rate"), 4);
			html_td_num(&b, html_jci(ag, NULL, 0), 4);
			html_td_num(&b, html_jci(ag, NULL, 1), 4);
			html_td_num(&b, html_jnum(ka, "value"), 4);
			html_td_num(&b, html_jci(ka, NULL, 0), 4);
			html_td_num(&b, html_jci(ka, NULL, 1), 4);
			html_td_num(&b, html_jnum(o, "change"), 4);
			if (v) {
				sg_buf_addstr(&b, "<td class=\"mark m-");
				sg_xml_escape(&b, v, 1);
				sg_buf_addstr(&b, "\">");
				html_text(&b, v);
				sg_buf_addstr(&b, "</td>");
			} else {
				sg_buf_addstr(&b, "<td>not gated</td>");
			}
			html_td_text(&b, html_jstr(o, "reason"));
			sg_buf_addstr(&b, "</tr>\n");
		}
		sg_buf_addstr(&b, "</tbody>\n</table>\n");
	}
	sg_buf_addstr(&b, "</section>\n<section id=\"runs\">\n<h2>Runs</h2>\n");
	if (!cJSON_GetArraySize(runs)) {
		sg_buf_addstr(&b, "<p>No runs.</p>\n");
	} else {
		sg_buf_addstr(&b, "<table id=\"runs-data\">\n<thead><tr>"
				  "<th scope=\"col\">run</th><th scope=\"col\">"
				  "model</th><th scope=\"col\">started</th>"
				  "<th scope=\"col\">status</th>"
				  "<th scope=\"col\">cases</th>"
				  "<th scope=\"col\">scored</th>"
				  "<th scope=\"col\">errors</th>"
				  "<th scope=\"col\">p95 ms</th>"
				  "<th scope=\"col\">cases/s</th></tr></thead>\n"
				  "<tbody>\n");
		cJSON_ArrayForEach(o, runs)
		{
			sg_buf_addstr(&b, "<tr>");
			html_td_num(&b, html_jnum(o, "run"), 0);
			html_td_text(&b, html_jstr(o, "model"));
			html_td_text(&b, html_jstr(o, "started_at"));
			html_td_text(&b, html_jstr(o, "status"));
			html_td_num(&b, html_jnum(o, "cases"), 0);
			html_td_num(&b, html_jnum(o, "scored"), 0);
			html_td_num(&b, html_jnum(o, "errors"), 0);
			html_td_num(&b, html_jnum(o, "p95_ms"), 3);
			html_td_num(&b, html_jnum(o, "throughput"), 0);
			sg_buf_addstr(&b, "</tr>\n");
		}
		sg_buf_addstr(&b, "</tbody>\n</table>\n");
	}
	sg_buf_addstr(&b, "</section>\n</main>\n</body>\n</html>\n");
	if (fwrite(b.buf, 1, b.len, f) != b.len)
		ret = SG_EIO;
	sg_buf_release(&b);
	return ret;
}
