/*
 * svg.c - small SVG charts drawn from numbers: escaping, nice ticks,
 * scales, axes, legends, and the line, interval and heat-map charts of
 * include/sg/svg.h. Knows nothing about reports: the HTML writer decides
 * what each chart shows.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sg/svg.h"

const char *const sg_svg_palette[8] = {
	"#0072b2", "#e69f00", "#009e73", "#cc79a7",
	"#56b4e9", "#d55e00", "#f0e442", "#000000",
};

void sg_xml_escape(struct sg_buf *b, const char *s, int attr)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, len;
	unsigned cp;

	if (!s)
		return;
	n = strlen(s);
	while (n) {
		len = sg_utf8_decode(p, n, &cp);
		if (!len) {
			sg_buf_addstr(b, "\xef\xbf\xbd");
			p++;
			n--;
			continue;
		}
		if (cp == '&')
			sg_buf_addstr(b, "&amp;");
		else if (cp == '<')
			sg_buf_addstr(b, "&lt;");
		else if (cp == '>')
			sg_buf_addstr(b, "&gt;");
		else if (cp == '"' && attr)
			sg_buf_addstr(b, "&quot;");
		else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
			 (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe ||
			 cp == 0xffff)
			sg_buf_addstr(b, "\xef\xbf\xbd");
		else
			sg_buf_add(b, p, len);
		p += len;
		n -= len;
	}
}

/* Heckbert's nice number: 1, 2, 5 or 10 times a power of ten near x,
 * rounded (round != 0) or the next above. */
static double nice_num(double x, int round)
{
	double e = floor(log10(x)), f = x / pow(10.0, e), nf;

	if (round)
		nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
	else
		nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return nf * pow(10.0, e);
}

/* The ticks of an axis: sg_nice_ticks', or 0 and 1 when it has none (a
 * range that is not finite, as a hostile report can give). */
static size_t axis_ticks(double lo, double hi, double *ticks, size_t cap)
{
	size_t nt = sg_nice_ticks(lo, hi, 6, ticks, cap);

	if (nt < 2) {
		ticks[0] = 0.0;
		ticks[1] = 1.0;
		nt = 2;
	}
	return nt;
}

size_t sg_nice_ticks(double lo, double hi, int max_ticks, double *ticks,
		     size_t cap)
{
	double range, step, first, last;
	size_t n = 0, i;

	if (!isfinite(lo) || !isfinite(hi))
		return 0;
	if (lo > hi) {
		double t = lo;

		lo = hi;
		hi = t;
	}
	if (max_ticks < 2)
		max_ticks = 2;
	if (lo == hi) {
		double d = lo == 0.0 ? 1.0 : nice_num(fabs(lo) / 10.0, 1);

		lo -= d;
		hi += d;
	}
	range = nice_num(hi - lo, 0);
	step = nice_num(range / (max_ticks - 1), 1);
	first = floor(lo / step) * step;
	last = ceil(hi / step) * step;
	for (i = 0; first + (double)i * step <= last + step / 2.0; i++) {
		double t = first + (double)i * step;

		/* snap -0 and 1e-17 residues to the decimal they stand for */
		if (fabs(t) < step * 1e-9)
			t = 0.0;
		if (n < cap)
			ticks[n] = t;
		n++;
	}
	return n < cap ? n : cap;
}

double sg_scale_map(const struct sg_scale *s, double x)
{
	if (s->d1 == s->d0)
		return (s->r0 + s->r1) / 2.0;
	return s->r0 + (x - s->d0) * (s->r1 - s->r0) / (s->d1 - s->d0);
}

/* The decimals that tell ticks `step` apart. */
static int tick_decimals(double step)
{
	int d = step > 0.0 ? (int)ceil(-log10(step) - 1e-9) : 0;

	return d < 0 ? 0 : d > 6 ? 6 : d;
}

static void open_svg(struct sg_buf *b, const struct sg_chart *c, int w, int h)
{
	sg_buf_addstr(b, "<figure class=\"sg-chart\"");
	if (c->id) {
		sg_buf_addstr(b, " id=\"");
		sg_xml_escape(b, c->id, 1);
		sg_buf_addch(b, '"');
	}
	sg_buf_addstr(b, ">\n<figcaption>");
	sg_xml_escape(b, c->title, 0);
	sg_buf_addf(b, "</figcaption>\n<svg viewBox=\"0 0 %d %d\" width=\"%d\" "
		       "height=\"%d\" role=\"img\"", w, h, w, h);
	if (c->id) {
		sg_buf_addstr(b, " aria-labelledby=\"");
		sg_xml_escape(b, c->id, 1);
		sg_buf_addstr(b, "-title ");
		sg_xml_escape(b, c->id, 1);
		sg_buf_addstr(b, "-desc\"");
	}
	sg_buf_addstr(b, ">\n<title");
	if (c->id) {
		sg_buf_addstr(b, " id=\"");
		sg_xml_escape(b, c->id, 1);
		sg_buf_addstr(b, "-title\"");
	}
	sg_buf_addch(b, '>');
	sg_xml_escape(b, c->title, 0);
	sg_buf_addstr(b, "</title>\n<desc");
	if (c->id) {
		sg_buf_addstr(b, " id=\"");
		sg_xml_escape(b, c->id, 1);
		sg_buf_addstr(b, "-desc\"");
	}
	sg_buf_addch(b, '>');
	sg_xml_escape(b, c->desc, 0);
	sg_buf_addstr(b, "</desc>\n");
}

static void close_svg(struct sg_buf *b)
{
	sg_buf_addstr(b, "</svg>\n</figure>\n");
}

static void text_at(struct sg_buf *b, double x, double y, const char *anchor,
		    const char *cls, const char *s)
{
	sg_buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"", x, y,
		    anchor);
	if (cls)
		sg_buf_addf(b, " class=\"%s\"", cls);
	sg_buf_addch(b, '>');
	sg_xml_escape(b, s, 0);
	sg_buf_addstr(b, "</text>\n");
}

/*
 * A value axis with gridlines across the plot [left, right] x [top,
 * bottom]: vertical (vertical != 0, the values up the left edge) or
 * horizontal (along the bottom edge), its ticks labelled with the
 * decimals that tell them apart, and its label.
 */
static void axis(struct sg_buf *b, const struct sg_scale *s,
		 const double *ticks, size_t nt, int vertical, double left,
		 double right, double top, double bottom, const char *label)
{
	char num[64];
	int dec = nt > 1 ? tick_decimals(ticks[1] - ticks[0]) : 2;
	size_t i;

	sg_buf_addstr(b, "<g class=\"sg-axis\">\n");
	for (i = 0; i < nt; i++) {
		double v = sg_scale_map(s, ticks[i]);

		sg_buf_addf(b, "<line class=\"sg-grid\" x1=\"%.1f\" y1=\"%.1f\" "
			       "x2=\"%.1f\" y2=\"%.1f\"/>\n",
			    vertical ? left : v, vertical ? v : top,
			    vertical ? right : v, vertical ? v : bottom);
		snprintf(num, sizeof(num), "%.*f", dec, ticks[i]);
		if (vertical)
			text_at(b, left - 6, v + 4, "end", NULL, num);
		else
			text_at(b, v, bottom + 16, "middle", NULL, num);
	}
	sg_buf_addf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
		    left, vertical ? top : bottom, vertical ? left : right,
		    bottom);
	if (label && vertical) {
		sg_buf_addf(b, "<text transform=\"translate(14 %.1f) "
			       "rotate(-90)\" text-anchor=\"middle\">",
			    (top + bottom) / 2.0);
		sg_xml_escape(b, label, 0);
		sg_buf_addstr(b, "</text>\n");
	} else if (label) {
		text_at(b, (left + right) / 2.0, bottom + 34, "middle", NULL,
			label);
	}
	sg_buf_addstr(b, "</g>\n");
}

/* The x of category i of n, in the middle of its slot. */
static double cat_x(double left, double right, size_t n, size_t i)
{
	return left + ((double)i + 0.5) * (right - left) / (double)n;
}

static void extend(double *lo, double *hi, double v)
{
	if (!isfinite(v))
		return;
	if (isnan(*lo) || v < *lo)
		*lo = v;
	if (isnan(*hi) || v > *hi)
		*hi = v;
}

void sg_svg_line_chart(struct sg_buf *b, const struct sg_chart *c,
		       const char *const *cats, size_t n,
		       const struct sg_series *series, size_t nseries,
		       const struct sg_hline *hlines, size_t nhlines,
		       double y_min, double y_max)
{
	sg_svg_line_chart_marked(b, c, cats, n, series, nseries, hlines,
				 nhlines, y_min, y_max, n, NULL);
}

void sg_svg_line_chart_marked(struct sg_buf *b, const struct sg_chart *c,
			      const char *const *cats, size_t n,
			      const struct sg_series *series, size_t nseries,
			      const struct sg_hline *hlines, size_t nhlines,
			      double y_min, double y_max, size_t mark,
			      const char *mark_label)
{
	int w = c->width ? c->width : 640, h = c->height ? c->height : 300;
	double left = 64, right = w - 16, top = 28, bottom = h - 48;
	double lo = NAN, hi = NAN, ticks[32];
	struct sg_scale ys;
	size_t i, j, nt, every;

	if (nseries > 8)
		nseries = 8;
	for (j = 0; j < nseries; j++)
		for (i = 0; i < n; i++) {
			extend(&lo, &hi, series[j].y[i]);
			if (series[j].low)
				extend(&lo, &hi, series[j].low[i]);
			if (series[j].high)
				extend(&lo, &hi, series[j].high[i]);
		}
	for (i = 0; i < nhlines; i++)
		extend(&lo, &hi, hlines[i].value);
	if (!isnan(y_min))
		lo = y_min;
	if (!isnan(y_max))
		hi = y_max;
	if (isnan(lo)) {
		lo = 0.0;
		hi = 1.0;
	}
	nt = axis_ticks(lo, hi, ticks, 32);
	if (isnan(y_min))
		lo = ticks[0];
	if (isnan(y_max))
		hi = ticks[nt - 1];
	ys = (struct sg_scale){lo, hi, bottom, top};
	open_svg(b, c, w, h);
	axis(b, &ys, ticks, nt, 1, left, right, top, bottom, c->y_label);
	/* categories along the bottom, every `every`-th labelled */
	every = n > 12 ? (n + 11) / 12 : 1;
	sg_buf_addstr(b, "<g class=\"sg-axis\">\n");
	sg_buf_addf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
		    left, bottom, right, bottom);
	for (i = 0; i < n; i += every)
		text_at(b, cat_x(left, right, n, i),
			bottom + 16, "middle", NULL, cats[i]);
	if (c->x_label)
		text_at(b, (left + right) / 2.0, bottom + 36, "middle", NULL,
			c->x_label);
	sg_buf_addstr(b, "</g>\n");
	for (j = 0; j < nseries; j++) {
		const struct sg_series *s = &series[j];

		sg_buf_addf(b, "<g class=\"sg-s%zu\">\n", j);
		/* the band and the line, one piece per run of defined points */
		for (i = 0; i < n;) {
			size_t k, end = i;

			while (end < n && isfinite(s->y[end]))
				end++;
			if (end > i && s->low && s->high) {
				sg_buf_addstr(b, "<polygon class=\"sg-band\" points=\"");
				for (k = i; k < end; k++)
					sg_buf_addf(b, "%.1f,%.1f ",
						    cat_x(left, right, n, k),
						    sg_scale_map(&ys, isfinite(s->high[k]) ? s->high[k] : s->y[k]));
				for (k = end; k-- > i;)
					sg_buf_addf(b, "%.1f,%.1f ",
						    cat_x(left, right, n, k),
						    sg_scale_map(&ys, isfinite(s->low[k]) ? s->low[k] : s->y[k]));
				sg_buf_addstr(b, "\"/>\n");
			}
			/* a lone point's band is an error bar */
			if (end == i + 1 && s->low && s->high &&
			    isfinite(s->low[i]) && isfinite(s->high[i]))
				sg_buf_addf(b, "<line class=\"sg-ci\" x1=\"%.1f\" "
					       "y1=\"%.1f\" x2=\"%.1f\" "
					       "y2=\"%.1f\"/>\n",
					    cat_x(left, right, n, i),
					    sg_scale_map(&ys, s->low[i]),
					    cat_x(left, right, n, i),
					    sg_scale_map(&ys, s->high[i]));
			if (end > i) {
				sg_buf_addstr(b, "<polyline class=\"sg-line\" points=\"");
				for (k = i; k < end; k++)
					sg_buf_addf(b, "%.1f,%.1f ",
						    cat_x(left, right, n, k),
						    sg_scale_map(&ys, s->y[k]));
				sg_buf_addstr(b, "\"/>\n");
			}
			i = end < n ? end + 1 : end;
			while (i < n && !isfinite(s->y[i]))
				i++;
		}
		for (i = 0; i < n; i++) {
			if (!isfinite(s->y[i]))
				continue;
			sg_buf_addf(b, "<circle class=\"sg-dot\" cx=\"%.1f\" "
				       "cy=\"%.1f\" r=\"3\"><title>",
				    cat_x(left, right, n, i),
				    sg_scale_map(&ys, s->y[i]));
			sg_xml_escape(b, s->name, 0);
			sg_buf_addstr(b, " ");
			sg_xml_escape(b, cats[i], 0);
			sg_buf_addf(b, ": %.4g</title></circle>\n", s->y[i]);
		}
		/* legend entry, top right, stacked leftwards */
		sg_buf_addf(b, "<rect x=\"%.1f\" y=\"8\" width=\"10\" "
			       "height=\"10\" class=\"sg-key\"/>\n",
			    right - 150.0 * (double)(j + 1));
		text_at(b, right - 150.0 * (double)(j + 1) + 14, 17, "start",
			NULL, s->name);
		sg_buf_addstr(b, "</g>\n");
	}
	for (i = 0; i < nhlines; i++) {
		double y;

		if (!isfinite(hlines[i].value))
			continue;
		y = sg_scale_map(&ys, hlines[i].value);
		sg_buf_addf(b, "<g class=\"sg-threshold\"><line x1=\"%.1f\" "
			       "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			    left, y, right, y);
		text_at(b, right - 4, y - 4, "end", NULL, hlines[i].label);
		sg_buf_addstr(b, "</g>\n");
	}
	if (mark < n) {
		double x = cat_x(left, right, n, mark);

		sg_buf_addf(b, "<g class=\"sg-mark\"><line x1=\"%.1f\" "
			       "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			    x, top, x, bottom);
		if (x > (left + right) / 2)
			text_at(b, x - 4, top + 12, "end", NULL,
				mark_label ? mark_label : cats[mark]);
		else
			text_at(b, x + 4, top + 12, "start", NULL,
				mark_label ? mark_label : cats[mark]);
		sg_buf_addstr(b, "</g>\n");
	}
	close_svg(b);
}

void sg_svg_interval_chart(struct sg_buf *b, const struct sg_chart *c,
			   const struct sg_interval_row *rows, size_t n,
			   const struct sg_hline *vlines, size_t nvlines,
			   double x_min, double x_max, int bars)
{
	int w = c->width ? c->width : 640;
	double row_h = 22, top = 12, lo = NAN, hi = NAN, ticks[32];
	double left, right = w - 24, bottom, labw = 0;
	struct sg_scale xs;
	size_t i, nt;
	int h;

	for (i = 0; i < n; i++) {
		double len = (double)(rows[i].label ? strlen(rows[i].label) : 0) +
			     (rows[i].note ? strlen(rows[i].note) + 3 : 0);

		labw = len > labw ? len : labw;
		extend(&lo, &hi, rows[i].value);
		extend(&lo, &hi, rows[i].low);
		extend(&lo, &hi, rows[i].high);
	}
	for (i = 0; i < nvlines; i++)
		extend(&lo, &hi, vlines[i].value);
	left = 12 + 7 * labw;
	left = left < 80 ? 80 : left > 280 ? 280 : left;
	if (!isnan(x_min))
		lo = x_min;
	if (!isnan(x_max))
		hi = x_max;
	if (isnan(lo)) {
		lo = 0.0;
		hi = 1.0;
	}
	nt = axis_ticks(lo, hi, ticks, 32);
	if (isnan(x_min))
		lo = ticks[0];
	if (isnan(x_max))
		hi = ticks[nt - 1];
	bottom = top + row_h * (double)(n ? n : 1);
	h = (int)bottom + 44;
	xs = (struct sg_scale){lo, hi, left, right};
	open_svg(b, c, w, h);
	axis(b, &xs, ticks, nt, 0, left, right, top, bottom, c->x_label);
	for (i = 0; i < n; i++) {
		const struct sg_interval_row *r = &rows[i];
		double y = top + row_h * ((double)i + 0.5);
		struct sg_buf lab = SG_BUF_INIT;

		sg_buf_addstr(&lab, r->label ? r->label : "");
		if (r->note) {
			sg_buf_addstr(&lab, " (");
			sg_buf_addstr(&lab, r->note);
			sg_buf_addch(&lab, ')');
		}
		sg_buf_addf(b, "<g class=\"%s\">\n",
			    r->muted ? "sg-muted" : "sg-row");
		text_at(b, left - 8, y + 4, "end", NULL, lab.buf ? lab.buf : "");
		sg_buf_release(&lab);
		if (!isfinite(r->value)) {
			text_at(b, left + 4, y + 4, "start", NULL, "undefined");
			sg_buf_addstr(b, "</g>\n");
			continue;
		}
		sg_buf_addf(b, "<g class=\"sg-s%d\">", r->series & 7);
		if (bars)
			sg_buf_addf(b, "<rect class=\"sg-bar\" x=\"%.1f\" "
				       "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
				    left, y - 7,
				    fmax(0.0, sg_scale_map(&xs, r->value) - left),
				    14.0);
		if (isfinite(r->low) && isfinite(r->high))
			sg_buf_addf(b, "<line class=\"sg-ci\" x1=\"%.1f\" "
				       "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
				    sg_scale_map(&xs, r->low), y,
				    sg_scale_map(&xs, r->high), y);
		if (!bars)
			sg_buf_addf(b, "<circle class=\"sg-dot\" cx=\"%.1f\" "
				       "cy=\"%.1f\" r=\"4\"/>",
				    sg_scale_map(&xs, r->value), y);
		sg_buf_addstr(b, "<title>");
		sg_xml_escape(b, r->label, 0);
		sg_buf_addf(b, ": %.4g", r->value);
		if (isfinite(r->low) && isfinite(r->high))
			sg_buf_addf(b, " [%.4g, %.4g]", r->low, r->high);
		sg_buf_addstr(b, "</title></g>\n</g>\n");
	}
	for (i = 0; i < nvlines; i++) {
		double x;

		if (!isfinite(vlines[i].value))
			continue;
		x = sg_scale_map(&xs, vlines[i].value);
		sg_buf_addf(b, "<g class=\"sg-threshold\"><line x1=\"%.1f\" "
			       "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			    x, top, x, bottom);
		text_at(b, x + 3, top + 9 + 12.0 * (double)i, "start", NULL,
			vlines[i].label);
		sg_buf_addstr(b, "</g>\n");
	}
	close_svg(b);
}

void sg_svg_heat_map(struct sg_buf *b, const struct sg_chart *c,
		     const char *const *row_labels, size_t rows,
		     const char *const *col_labels, size_t cols,
		     const double *share, const char *const *text)
{
	int w = c->width ? c->width : 640;
	double cell_h = 28, labw = 0, left, top = 40, right = w - 12, cell_w;
	size_t i, j;
	int h;

	for (i = 0; i < rows; i++) {
		double len = (double)strlen(row_labels[i] ? row_labels[i] : "");

		labw = len > labw ? len : labw;
	}
	left = 16 + 7 * labw;
	left = left < 60 ? 60 : left > 220 ? 220 : left;
	cell_w = cols ? (right - left) / (double)cols : 0;
	h = (int)(top + cell_h * (double)rows) + 28;
	open_svg(b, c, w, h);
	sg_buf_addstr(b, "<g class=\"sg-axis\">\n");
	for (j = 0; j < cols; j++)
		text_at(b, left + cell_w * ((double)j + 0.5), top - 8, "middle",
			NULL, col_labels[j]);
	for (i = 0; i < rows; i++)
		text_at(b, left - 8, top + cell_h * ((double)i + 0.5) + 4, "end",
			NULL, row_labels[i]);
	if (c->x_label)
		text_at(b, (left + right) / 2.0, 14, "middle", NULL, c->x_label);
	if (c->y_label)
		text_at(b, 4, h - 8.0, "start", NULL, c->y_label);
	sg_buf_addstr(b, "</g>\n");
	for (i = 0; i < rows; i++)
		for (j = 0; j < cols; j++) {
			double v = share[i * cols + j];
			double x = left + cell_w * (double)j;
			double y = top + cell_h * (double)i;
			char pct[32];
			const char *t = text ? text[i * cols + j] : NULL;

			if (!t) {
				if (isfinite(v))
					snprintf(pct, sizeof(pct), "%.0f%%",
						 v * 100.0);
				else
					pct[0] = 0;
				t = pct;
			}
			sg_buf_addf(b, "<g><rect class=\"sg-cell\" x=\"%.1f\" "
				       "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
				    x, y, cell_w, cell_h);
			if (isfinite(v))
				sg_buf_addf(b, "<rect class=\"sg-heat\" x=\"%.1f\" "
					       "y=\"%.1f\" width=\"%.1f\" "
					       "height=\"%.1f\" fill-opacity=\"%.3f\"/>",
					    x, y, cell_w, cell_h,
					    v < 0 ? 0.0 : v > 1 ? 1.0 : v);
			sg_buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" "
				       "text-anchor=\"middle\" class=\"%s\">",
				    x + cell_w / 2.0, y + cell_h / 2.0 + 4,
				    isfinite(v) && v > 0.55 ? "sg-on-dark"
							    : "sg-on-light");
			sg_xml_escape(b, t, 0);
			sg_buf_addstr(b, "</text><title>");
			sg_xml_escape(b, row_labels[i], 0);
			sg_buf_addstr(b, " / ");
			sg_xml_escape(b, col_labels[j], 0);
			sg_buf_addstr(b, ": ");
			sg_xml_escape(b, t, 0);
			sg_buf_addstr(b, "</title></g>\n");
		}
	close_svg(b);
}
