/*
 * Tests for the SVG charts (src/svg.c): escaping of hostile text, nice
 * ticks and scales worked by hand, and charts that are well-formed XML
 * with every label from the data rendered as text and nothing pointing
 * outside the page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg/svg.h"

static char *escaped(const char *s, int attr)
{
	struct sg_buf b = SG_BUF_INIT;

	sg_xml_escape(&b, s, attr);
	sg_buf_addch(&b, 0);
	return sg_buf_detach(&b);
}

static void escaping(void **state)
{
	char *e;

	(void)state;
	e = escaped("<script>alert(1)</script> & co", 0);
	assert_string_equal(e, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co");
	free(e);
	e = escaped("\" onmouseover=\"x", 1);
	assert_string_equal(e, "&quot; onmouseover=&quot;x");
	free(e);
	/* a quote in text needs no entity */
	e = escaped("say \"hi\"", 0);
	assert_string_equal(e, "say \"hi\"");
	free(e);
	/* invalid UTF-8 and control characters become U+FFFD; UTF-8 stays */
	e = escaped("a\xff" "b\x01" "c r\xc3\xbc" "ckfrage", 0);
	assert_string_equal(e, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c r\xc3\xbc" "ckfrage");
	free(e);
	e = escaped(NULL, 0);
	assert_string_equal(e, "");
	free(e);
}

static void expect_ticks(double lo, double hi, int max, const double *want,
			 size_t n, int line)
{
	double got[32];
	size_t k = sg_nice_ticks(lo, hi, max, got, 32), i;

	if (k != n)
		fail_msg("line %d: %zu ticks, want %zu", line, k, n);
	for (i = 0; i < n; i++)
		if (fabs(got[i] - want[i]) > 1e-12)
			fail_msg("line %d: tick %zu is %.17g, want %.17g", line,
				 i, got[i], want[i]);
}

/*
 * By hand, with Heckbert's rule (range = nice(hi - lo) taken up, step =
 * nice(range / (max - 1)) rounded, from floor(lo / step) to
 * ceil(hi / step) steps):
 *   [0, 1], 6:      range 1, step nice(0.2) = 0.2: 0 .. 1, six ticks
 *   [0.82, 0.97], 6: range nice(0.15) = 0.2, step nice(0.04) = 0.05:
 *                   16 .. 20 steps, 0.80 .. 1.00
 *   [-3, 47], 5:    range nice(50) = 50, step nice(12.5) = 10: -10 .. 50
 *   [5, 5], 6:      widened by nice(0.5) = 0.5 to [4.5, 5.5]: range 1,
 *                   step 0.2, 22 .. 28 steps: 4.4 .. 5.6
 */
static void nice_ticks(void **state)
{
	const double a[] = {0, 0.2, 0.4, 0.6, 0.8, 1.0};
	const double b[] = {0.80, 0.85, 0.90, 0.95, 1.00};
	const double c[] = {-10, 0, 10, 20, 30, 40, 50};
	const double d[] = {4.4, 4.6, 4.8, 5.0, 5.2, 5.4, 5.6};
	double t[4];

	(void)state;
	expect_ticks(0, 1, 6, a, 6, __LINE__);
	expect_ticks(0.82, 0.97, 6, b, 5, __LINE__);
	expect_ticks(-3, 47, 5, c, 7, __LINE__);
	expect_ticks(47, -3, 5, c, 7, __LINE__);
	expect_ticks(5, 5, 6, d, 7, __LINE__);
	assert_int_equal(sg_nice_ticks(NAN, 1, 6, t, 4), 0);
	assert_int_equal(sg_nice_ticks(0, INFINITY, 6, t, 4), 0);
	/* capped at the room given */
	assert_int_equal(sg_nice_ticks(0, 1, 6, t, 4), 4);
}

static void scales(void **state)
{
	/* [0, 1] onto [250, 30] (a y axis, downwards): 0.25 -> 195 */
	struct sg_scale s = {0, 1, 250, 30};
	struct sg_scale flat = {2, 2, 10, 20};

	(void)state;
	assert_true(fabs(sg_scale_map(&s, 0.25) - 195.0) < 1e-12);
	assert_true(fabs(sg_scale_map(&s, 1.0) - 30.0) < 1e-12);
	assert_true(fabs(sg_scale_map(&flat, 7.0) - 15.0) < 1e-12);
}

/*
 * Well-formedness, by a small checker: every '<' opens a tag whose name
 * is a letter run (or a closing tag matching the innermost open one, or a
 * self-closing one), attribute values are double-quoted with no '<' inside,
 * and every tag is closed at the end. A label that escaped as raw markup
 * fails it.
 */
static void well_formed(const char *s)
{
	const char *stack[64];
	size_t lens[64], depth = 0;
	const char *p = s;

	while ((p = strchr(p, '<'))) {
		const char *name, *q;
		size_t len;
		int closing = p[1] == '/';

		name = p + 1 + closing;
		for (len = 0; (name[len] >= 'a' && name[len] <= 'z') ||
			      (name[len] >= 'A' && name[len] <= 'Z'); len++)
			;
		if (!len)
			fail_msg("'<' not starting a tag at: %.40s", p);
		q = name + len;
		while (*q && *q != '>') {
			if (*q == '"') {
				const char *end = strchr(q + 1, '"');

				if (!end || memchr(q, '<', (size_t)(end - q)))
					fail_msg("bad attribute at: %.40s", q);
				q = end;
			} else if (*q == '<') {
				fail_msg("'<' inside a tag at: %.40s", q);
			}
			q++;
		}
		if (!*q)
			fail_msg("unterminated tag at: %.40s", p);
		if (closing) {
			if (!depth || lens[depth - 1] != len ||
			    memcmp(stack[depth - 1], name, len))
				fail_msg("mismatched closing tag at: %.40s", p);
			depth--;
		} else if (q[-1] != '/') {
			if (depth == 64)
				fail_msg("too deep");
			stack[depth] = name;
			lens[depth++] = len;
		}
		p = q + 1;
	}
	if (depth)
		fail_msg("%zu tags left open, the innermost %.*s", depth,
			 (int)lens[depth - 1], stack[depth - 1]);
}

static void self_contained(const char *s)
{
	assert_null(strstr(s, "http:"));
	assert_null(strstr(s, "https:"));
	assert_null(strstr(s, "//"));
	assert_null(strstr(s, "url("));
	assert_null(strstr(s, "<script"));
	/* a hostile label may read '" onmouseover="' as text, never as an
	 * attribute inside a tag */
	for (; (s = strchr(s, '<')); s++) {
		const char *end = strchr(s, '>');

		assert_non_null(end);
		for (const char *q = s; q < end; q++)
			if (!strncmp(q, "onmouseover", 11))
				fail_msg("an event attribute in a tag: %.60s", s);
	}
}

static const char *const hostile[] = {
	"<script>alert(1)</script>", "\" onmouseover=\"alert(1)", "a&b",
};

static void line_chart(void **state)
{
	const char *const nights[] = {"2026-11-01", "2026-11-02", "2026-11-03",
				      "2026-11-04"};
	const double y[] = {0.9, 0.85, NAN, 0.88};
	const double lo[] = {0.86, 0.8, NAN, 0.84};
	const double hi[] = {0.93, 0.89, NAN, 0.91};
	const struct sg_series s[] = {{hostile[0], y, lo, hi},
				      {hostile[1], hi, NULL, NULL}};
	const struct sg_hline th = {0.82, hostile[2]};
	const struct sg_chart c = {"agreement-nights", "Agreement by night",
				   "agreement <with> its interval", "night",
				   "agreement (share of cases)", 0, 0};
	struct sg_buf b = SG_BUF_INIT;

	(void)state;
	sg_svg_line_chart(&b, &c, nights, 4, s, 2, &th, 1, NAN, NAN);
	sg_buf_addch(&b, 0);
	well_formed(b.buf);
	self_contained(b.buf);
	assert_non_null(strstr(b.buf, "<title id=\"agreement-nights-title\">"
				    "Agreement by night</title>"));
	assert_non_null(strstr(b.buf, "<desc id=\"agreement-nights-desc\">"
				    "agreement &lt;with&gt; its interval</desc>"));
	assert_non_null(strstr(b.buf, "&lt;script&gt;"));
	assert_non_null(strstr(b.buf, "a&amp;b"));
	/* the NaN night breaks the line: two pieces for the first series,
	 * two for the second */
	{
		size_t n = 0;
		const char *p = b.buf;

		while ((p = strstr(p, "<polyline"))) {
			n++;
			p++;
		}
		assert_int_equal(n, 4);
	}
	/* the last night stands alone: its band is an error bar at x = 64 +
	 * 3.5 * (560 / 4) = 554, and it is the only one */
	assert_non_null(strstr(b.buf, "<line class=\"sg-ci\" x1=\"554.0\""));
	assert_null(strstr(strstr(b.buf, "<line class=\"sg-ci\"") + 1,
			   "<line class=\"sg-ci\""));
	assert_non_null(strstr(b.buf, "night"));
	sg_buf_release(&b);
}

static void line_chart_marks_one_category(void **state)
{
	const char *const nights[] = {"2026-11-01", "2026-11-02", "2026-11-03",
				      "2026-11-04"};
	const double y[] = {0.9, 0.85, 0.8, 0.88};
	const struct sg_series s = {"agreement", y, NULL, NULL};
	const struct sg_chart c = {"trend", "Agreement by night", "a trend",
				   "night", "agreement", 0, 0};
	struct sg_buf b = SG_BUF_INIT;

	(void)state;
	/* 640 x 300: the plot spans x 64 .. 624 and y 28 .. 252; category 2
	 * of 4 is at 64 + 2.5 * (560 / 4) = 414, right of the middle (344),
	 * so its label ends 4 px left of the line */
	sg_svg_line_chart_marked(&b, &c, nights, 4, &s, 1, NULL, 0, NAN, NAN,
				 2, "this <report>");
	sg_buf_addch(&b, 0);
	well_formed(b.buf);
	assert_non_null(strstr(b.buf, "<g class=\"sg-mark\"><line x1=\"414.0\" "
				    "y1=\"28.0\" x2=\"414.0\" y2=\"252.0\"/>"));
	assert_non_null(strstr(b.buf, "<text x=\"410.0\" y=\"40.0\" "
				    "text-anchor=\"end\">this &lt;report&gt;"
				    "</text>"));
	sg_buf_release(&b);
	/* no mark: index n or more, and the plain chart */
	sg_svg_line_chart_marked(&b, &c, nights, 4, &s, 1, NULL, 0, NAN, NAN,
				 4, "x");
	sg_buf_addch(&b, 0);
	assert_null(strstr(b.buf, "sg-mark"));
	sg_buf_release(&b);
	sg_svg_line_chart(&b, &c, nights, 4, &s, 1, NULL, 0, NAN, NAN);
	sg_buf_addch(&b, 0);
	assert_null(strstr(b.buf, "sg-mark"));
	sg_buf_release(&b);
}

static void interval_and_heat(void **state)
{
	const struct sg_interval_row rows[] = {
		{hostile[0], 0.7, 0.6, 0.8, 0, NULL, 0},
		{hostile[1], 0.9, 0.8, 0.95, 1, "not judged", 1},
		{"empty", NAN, NAN, NAN, 0, NULL, 0},
	};
	const struct sg_hline overall = {0.85, "overall 0.85"};
	const struct sg_chart c = {"seg", "Segments", "forest plot", "agreement",
				   NULL, 0, 0};
	const char *const labels[] = {hostile[0], "deny", hostile[1]};
	const double share[] = {0.9, 0.1, NAN, 0.2, 0.8, 0, 0, 0.5, 0.5};
	const char *const text[] = {"9", "1", NULL, "2", "8", "0", "0", "5", "5"};
	struct sg_buf b = SG_BUF_INIT;

	(void)state;
	sg_svg_interval_chart(&b, &c, rows, 3, &overall, 1, NAN, NAN, 0);
	sg_svg_interval_chart(&b, &c, rows, 3, &overall, 1, 0, 1, 1);
	sg_svg_heat_map(&b, &c, labels, 3, labels, 3, share, text);
	sg_svg_heat_map(&b, &c, labels, 3, labels, 3, share, NULL);
	sg_buf_addch(&b, 0);
	well_formed(b.buf);
	self_contained(b.buf);
	assert_non_null(strstr(b.buf, "(not judged)"));
	assert_non_null(strstr(b.buf, "undefined"));
	assert_non_null(strstr(b.buf, "class=\"sg-muted\""));
	/* shares as percentages when no text is given */
	assert_non_null(strstr(b.buf, ">90%</text>"));
	sg_buf_release(&b);
}

/*
 * Values no axis can span (a hostile report's 1e308 and -1e308: their
 * range is infinite) gave no ticks, and the chart read the tick before
 * the first. The axis falls back to 0 .. 1 and the chart is drawn.
 */
static void chart_of_values_no_axis_spans_is_drawn(void **state)
{
	const struct sg_interval_row rows[] = {
		{"huge", 1e308, -1e308, 1e308, 0, NULL, 0},
	};
	const struct sg_chart c = {"x", "X", "values beyond range", "x", NULL,
				   0, 0};
	struct sg_buf b = SG_BUF_INIT;

	(void)state;
	sg_svg_interval_chart(&b, &c, rows, 1, NULL, 0, NAN, NAN, 0);
	assert_non_null(strstr(b.buf, "</svg>"));
	assert_non_null(strstr(b.buf, ">0<"));
	sg_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chart_of_values_no_axis_spans_is_drawn),
		cmocka_unit_test(escaping),
		cmocka_unit_test(nice_ticks),
		cmocka_unit_test(scales),
		cmocka_unit_test(line_chart),
		cmocka_unit_test(line_chart_marks_one_category),
		cmocka_unit_test(interval_and_heat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
