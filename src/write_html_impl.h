/*
 * write_html_impl.h - private to the HTML writer (write_html.c, the page
 * and its agreement sections; write_html_monitor.c, the monitoring
 * sections and the disagreements; write_html_history.c, the nights so
 * far): the page being written and the helpers of write_html_util.c.
 */
#ifndef SG_WRITE_HTML_IMPL_H
#define SG_WRITE_HTML_IMPL_H

#include <cjson/cJSON.h>

#include "sg/buf.h"
#include "sg/gate.h"
#include "sg/report_types.h"
#include "sg/svg.h"

struct html {
	struct sg_buf *b;
	const struct sg_report *r;
	const struct sg_gate_result *gate; /* NULL: no policy known */
	int verdict;         /* the gate's verdict shown at the top */
	const cJSON *nights; /* the stored nights, or NULL (html.h) */
};

/* The page's start: doctype, head with title (escaped) and the style
 * sheet, then <body><main>; the caller closes them. */
void html_head(struct sg_buf *b, const char *title);

/* The most stored nights a chart of them shows (the latest). */
#define HTML_NIGHTS 60

/*
 * Members of the stored nights' JSON (sg_store_history_nights): the
 * number k of o (NaN when not a number), the string k (NULL when not a
 * string), end i (0 low, 1 high) of o's interval "ci95" (k NULL) or k.
 */
double html_jnum(const cJSON *o, const char *k);
const char *html_jstr(const cJSON *o, const char *k);
double html_jci(const cJSON *o, const char *k, int i);

/* Text from anywhere, escaped; NULL as nothing. */
void html_text(struct sg_buf *b, const char *s);

/* A number with dec decimals, or "–" when undefined. */
void html_num(struct sg_buf *b, double v, int dec);

/* "<td>" cells: escaped text (isolated, so a bidi control cannot reorder
 * the row), a number with dec decimals, a count. */
void html_td_text(struct sg_buf *b, const char *s);
void html_td_num(struct sg_buf *b, double v, int dec);
void html_td_int(struct sg_buf *b, long long v);

/*
 * Opens a chart's data table: <details id="ID-data"> with a summary
 * naming the chart, a table and its header row of ncols column names.
 * html_table_close closes them.
 */
void html_table_open(struct sg_buf *b, const char *id, const char *title,
		     const char *const *cols, size_t ncols);
void html_table_close(struct sg_buf *b);

/* The gate's first check called name (and about subject, when not
 * NULL), or NULL. */
const struct sg_gate_check *html_check(const struct html *h, const char *name,
				       const char *subject);

/* The threshold of the gate's check called name, or NaN. */
double html_threshold(const struct html *h, const char *name);

/* The monitoring sections and the disagreement sample
 * (write_html_monitor.c). */
void html_monitoring(struct html *h);
void html_disagreements(struct html *h);
void html_review(struct html *h);

/* The trend of the stored nights (write_html_trend.c). */
void html_trend(struct html *h);

#endif
