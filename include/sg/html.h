/*
 * html.h - the report as one self-contained HTML page: inline CSS and
 * inline SVG charts (svg.h), no script, nothing fetched, readable from
 * file://, offline, as a CI artifact or an e-mail attachment; light or
 * dark as the reader's system prefers, and printable on A4. Every chart
 * has a title, labelled axes, a text alternative and its numbers in a
 * table behind a <details>. Every text from the logs (labels, segment
 * values, feature names, case ids, model names) is escaped.
 */
#ifndef SG_HTML_H
#define SG_HTML_H

#include <stdio.h>

#include <cjson/cJSON.h>

struct sg_gate_result;
struct sg_report;

/*
 * The report's page, as the writer registry calls it (`report --format
 * html`): color is ignored; verdict, when not NULL, is the gate's verdict
 * name, shown at the top without its checks. Returns 0 or SG_EIO.
 */
int sg_write_html_report(FILE *f, const struct sg_report *r, int color,
			 const char *verdict);

/*
 * What a report's page may show besides the report, each part optional
 * (all zero: the page sg_write_html_report writes). Owned by the caller.
 */
struct sg_html_inputs {
	/* The gate's result: its thresholds drawn on the charts, the
	 * segment values it did not judge greyed and marked "not judged".
	 * NULL: no policy known, no threshold drawn. */
	const struct sg_gate_result *gate;
	/* Also the verdict at the top: its reason and every check (failed
	 * first) linked to the chart it comes from (as nightly's page);
	 * 0 when the policy only lends its thresholds (report's page). */
	int verdict;
	/* The nights in the store, as sg_store_history_nights gives them
	 * for the report's model: the latest 60 drawn as the trend of
	 * agreement and kappa, the report's own night (the last of its
	 * window) marked. NULL: no store known, no trend section; an empty
	 * array: a line saying no night is stored yet. */
	const cJSON *nights;
};

/*
 * The report's page with the optional inputs in (NULL: none). Returns 0
 * or SG_EIO.
 */
int sg_write_html_page(FILE *f, const struct sg_report *r,
		       const struct sg_html_inputs *in);

/*
 * The nights so far as a page (`history --format html`, nightly's
 * reports/index.html): agreement and kappa by night with their intervals,
 * a line per model (up to 8, the latest 60 nights), each night's verdict
 * as a coloured mark, and the runs; nights and runs as
 * sg_store_history_nights and sg_store_history_runs give them. link: each
 * night links to NIGHT/report.html. Returns 0 or SG_EIO.
 */
int sg_write_html_history(FILE *f, const cJSON *nights, const cJSON *runs,
			  int link);

#endif
