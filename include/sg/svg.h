/*
 * svg.h - the project's own small SVG charts, for reports read in a
 * browser: linear scales with "nice" ticks, axes with labels, and three
 * kinds of chart (a line over categories with an interval band and
 * threshold lines; intervals on a row per item, as bars or as a forest
 * plot; a heat map with a number in every cell). Each chart is one
 * self-contained <svg> element with a <title> and a <desc> (its text
 * alternative), labelled axes and a legend, drawn with CSS classes (sg-axis,
 * sg-grid, sg-s0 .. sg-s7 for the series, sg-threshold, sg-muted, sg-heat)
 * so that the page's style sheet chooses the colours, light or dark; the
 * series colours default to the Okabe-Ito palette, which colour-blind
 * readers can tell apart. Every text drawn is escaped, so labels from the
 * logs (a label "<script>", a segment value '" onmouseover=') render as
 * text. Nothing is fetched: no external reference of any kind.
 */
#ifndef SG_SVG_H
#define SG_SVG_H

#include <stddef.h>

#include "sg/buf.h"

/* The Okabe-Ito colours, as "#rrggbb", for series 0 .. 7. */
extern const char *const sg_svg_palette[8];

/*
 * Appends s escaped for XML text (attr 0) or a double-quoted attribute
 * value (attr 1): & < > (and " in attributes) as entities; a byte that is
 * not valid UTF-8 becomes U+FFFD; control characters other than tab and
 * line ends become U+FFFD too (XML cannot hold them). NULL appends
 * nothing.
 */
void sg_xml_escape(struct sg_buf *b, const char *s, int attr);

/*
 * "Nice" tick values covering [lo, hi] (Heckbert, Graphics Gems, 1990):
 * steps of 1, 2 or 5 times a power of ten, about max_ticks of them (at
 * least 2), the first at or below lo and the last at or above hi. Writes
 * up to cap values to ticks and returns how many there are (0 when lo or
 * hi is not finite). lo == hi is widened to one step around the value.
 */
size_t sg_nice_ticks(double lo, double hi, int max_ticks, double *ticks,
		     size_t cap);

/* A linear map of the domain [d0, d1] to the range [r0, r1]. */
struct sg_scale {
	double d0, d1, r0, r1;
};

/* x mapped; the range's middle when the domain is empty (d0 == d1). */
double sg_scale_map(const struct sg_scale *s, double x);

/* What every chart has. */
struct sg_chart {
	const char *id;      /* the svg element's id (for links), or NULL */
	const char *title;   /* shown above the chart and as its <title> */
	const char *desc;    /* its text alternative, <desc> */
	const char *x_label; /* axis labels, with units */
	const char *y_label;
	int width, height;   /* in CSS pixels; 0: 640 x 300 */
};

/* A horizontal reference line across a chart (a threshold, a rate). */
struct sg_hline {
	double value;
	const char *label;
};

/* One series of a line chart: y[i] at category i, an optional band. */
struct sg_series {
	const char *name;
	const double *y;         /* NaN: no point there (the line breaks) */
	const double *low, *high; /* the interval band, or NULL */
};

/*
 * A line chart over n categories (nights, in order) labelled cats[i]: each
 * series a line with dots, its band shaded behind it; hlines drawn dashed
 * with their labels; the y axis from y_min to y_max (NaN: from the data
 * and the lines, widened to nice ticks). At most 8 series.
 */
void sg_svg_line_chart(struct sg_buf *b, const struct sg_chart *c,
		       const char *const *cats, size_t n,
		       const struct sg_series *series, size_t nseries,
		       const struct sg_hline *hlines, size_t nhlines,
		       double y_min, double y_max);

/*
 * The same, with category mark (< n; n or more: none) marked by a dotted
 * vertical line labelled mark_label (NULL: the category's own label), as
 * the night a page is about among the nights around it.
 */
void sg_svg_line_chart_marked(struct sg_buf *b, const struct sg_chart *c,
			      const char *const *cats, size_t n,
			      const struct sg_series *series, size_t nseries,
			      const struct sg_hline *hlines, size_t nhlines,
			      double y_min, double y_max, size_t mark,
			      const char *mark_label);

/* One row of an interval chart. */
struct sg_interval_row {
	const char *label;
	double value;       /* NaN: nothing drawn, the row says "undefined" */
	double low, high;   /* the interval, NaN for none */
	int muted;          /* drawn grey, with `note` after the label */
	const char *note;   /* e.g. "not judged", or NULL */
	int series;         /* colour: sg-s<series> */
};

/*
 * Rows of intervals against a horizontal value axis from x_min to x_max
 * (NaN: from the data): bars == 0 draws a forest plot (a dot at the value,
 * a line over the interval), bars != 0 a bar from x_min to the value with
 * the interval as an error bar. vlines are vertical reference lines (the
 * overall rate, a threshold), dashed and labelled.
 */
void sg_svg_interval_chart(struct sg_buf *b, const struct sg_chart *c,
			   const struct sg_interval_row *rows, size_t n,
			   const struct sg_hline *vlines, size_t nvlines,
			   double x_min, double x_max, int bars);

/*
 * A heat map of rows x cols cells: cell (i, j) shaded by share[i*cols + j]
 * in [0, 1] (NaN: blank) and showing text[i*cols + j] (may be NULL: the
 * share as a percentage). Row labels down the left, column labels along
 * the top.
 */
void sg_svg_heat_map(struct sg_buf *b, const struct sg_chart *c,
		     const char *const *row_labels, size_t rows,
		     const char *const *col_labels, size_t cols,
		     const double *share, const char *const *text);

#endif
