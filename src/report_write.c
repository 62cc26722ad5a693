/*
 * report_write.c - views of a computed report (a cJSON tree, see
 * report.h): JSON, text for a terminal, Markdown for a CI step summary,
 * CSV; and the sample's CSV / JSON Lines. Writers read only the tree.
 */
#include "sg/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"

/* ---- JSON ---- */

static void json_string(struct sg_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0;

	sg_buf_addch(b, '"');
	while (i < n) {
		unsigned char c = s[i];
		unsigned cp;
		size_t l;

		switch (c) {
		case '"': sg_buf_addstr(b, "\\\""); i++; continue;
		case '\\': sg_buf_addstr(b, "\\\\"); i++; continue;
		case '\b': sg_buf_addstr(b, "\\b"); i++; continue;
		case '\f': sg_buf_addstr(b, "\\f"); i++; continue;
		case '\n': sg_buf_addstr(b, "\\n"); i++; continue;
		case '\r': sg_buf_addstr(b, "\\r"); i++; continue;
		case '\t': sg_buf_addstr(b, "\\t"); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			sg_buf_addf(b, "\\u%04x", c);
			i++;
			continue;
		}
		l = sg_utf8_decode(s + i, n - i, &cp);
		if (!l) {
			sg_buf_addstr(b, "\\ufffd");
			i++;
			continue;
		}
		sg_buf_add(b, s + i, l);
		i += l;
	}
	sg_buf_addch(b, '"');
}

/* The shortest of %.15g, %.16g, %.17g that reads back to d. */
static void fmt_double(char out[40], double d)
{
	int p;

	if (d == 0) {
		snprintf(out, 40, "%s", signbit(d) ? "-0" : "0");
		return;
	}
	for (p = 15; p <= 17; p++) {
		snprintf(out, 40, "%.*g", p, d);
		if (strtod(out, NULL) == d)
			return;
	}
}

static void json_number(struct sg_buf *b, double d)
{
	char num[40];

	if (!isfinite(d)) {
		sg_buf_addstr(b, "null");
		return;
	}
	fmt_double(num, d);
	sg_buf_addstr(b, num);
}

static void indent(struct sg_buf *b, int pretty, int depth)
{
	int i;

	if (!pretty)
		return;
	sg_buf_addch(b, '\n');
	for (i = 0; i < depth; i++)
		sg_buf_addstr(b, "  ");
}

static void json_value(struct sg_buf *b, const cJSON *v, int pretty, int depth)
{
	const cJSON *c;
	int first = 1, obj, flat;

	if (!v || cJSON_IsNull(v) || cJSON_IsInvalid(v)) {
		sg_buf_addstr(b, "null");
	} else if (cJSON_IsFalse(v)) {
		sg_buf_addstr(b, "false");
	} else if (cJSON_IsTrue(v)) {
		sg_buf_addstr(b, "true");
	} else if (cJSON_IsNumber(v)) {
		json_number(b, v->valuedouble);
	} else if (cJSON_IsString(v)) {
		json_string(b, v->valuestring ? v->valuestring : "");
	} else if (cJSON_IsRaw(v)) {
		sg_buf_addstr(b, v->valuestring ? v->valuestring : "null");
	} else {
		obj = cJSON_IsObject(v);
		/* an array of scalars stays on one line: [low, high] */
		flat = !obj;
		for (c = v->child; c && flat; c = c->next)
			flat = !cJSON_IsArray(c) && !cJSON_IsObject(c);
		sg_buf_addch(b, obj ? '{' : '[');
		for (c = v->child; c; c = c->next) {
			if (!first)
				sg_buf_addstr(b, flat && pretty ? ", " : ",");
			first = 0;
			if (!flat)
				indent(b, pretty, depth + 1);
			if (obj) {
				json_string(b, c->string ? c->string : "");
				sg_buf_addstr(b, pretty ? ": " : ":");
			}
			json_value(b, c, pretty, depth + 1);
		}
		if (!first && !flat)
			indent(b, pretty, depth);
		sg_buf_addch(b, obj ? '}' : ']');
	}
}

char *sg_report_json(const cJSON *json, int pretty)
{
	struct sg_buf b = SG_BUF_INIT;

	json_value(&b, json, pretty, 0);
	if (pretty)
		sg_buf_addch(&b, '\n');
	return sg_buf_detach(&b);
}

/* ---- reading the tree ---- */

/* Room for any "%.4f" of a double, and for two of them. */
#define NUM_BUF 320
#define CI_BUF 640

static const cJSON *get(const cJSON *o, const char *k)
{
	return o ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

static double num(const cJSON *o, const char *k)
{
	const cJSON *v = get(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static long lnum(const cJSON *o, const char *k)
{
	double d = num(o, k);

	return isfinite(d) ? (long)d : 0;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = get(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double ci(const cJSON *o, int i)
{
	const cJSON *v = cJSON_GetArrayItem(get(o, "ci95"), i);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Display width of UTF-8 text: code points, ignoring continuation bytes. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Text with control characters shown as '?' (see sg_buf_add_text). */
static void put_text(FILE *f, const char *s)
{
	struct sg_buf t = SG_BUF_INIT;

	sg_buf_add_text(&t, s);
	fputs(t.buf, f);
	sg_buf_release(&t);
}

static void put_pad(FILE *f, const char *s, size_t w, int right)
{
	size_t n = width(s);

	if (right)
		for (; n < w; n++)
			fputc(' ', f);
	put_text(f, s);
	if (!right)
		for (; n < w; n++)
			fputc(' ', f);
}

static const char *fmt4(char *buf, double v)
{
	if (isfinite(v))
		snprintf(buf, NUM_BUF, "%.4f", v);
	else
		snprintf(buf, NUM_BUF, "undefined");
	return buf;
}

static const char *fmt_pct(char *buf, double v)
{
	if (isfinite(v))
		snprintf(buf, NUM_BUF, "%.1f%%", 100 * v);
	else
		snprintf(buf, NUM_BUF, "undefined");
	return buf;
}

static const char *fmt_ci(char *buf, const cJSON *o)
{
	double lo = ci(o, 0), hi = ci(o, 1);

	if (isfinite(lo) && isfinite(hi))
		snprintf(buf, CI_BUF, "%.4f .. %.4f", lo, hi);
	else
		snprintf(buf, CI_BUF, "undefined");
	return buf;
}

/* Segment or night rows, to sort worst first. */
struct row {
	int rank;             /* rows of a lower rank first */
	const char *group, *key;
	const cJSON *o;
	double rate;
	long n;
};

static int cmp_worst(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	int an = isfinite(a->rate), bn = isfinite(b->rate);

	if (a->rank != b->rank)
		return (a->rank > b->rank) - (a->rank < b->rank);

	if (an != bn)
		return bn - an; /* undefined last */
	if (an && a->rate != b->rate)
		return a->rate < b->rate ? -1 : 1;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return 0;
}

/*
 * Rows of "segments" (group = column) or "nights", worst first; grouped:
 * segments column by column.
 */
static struct row *worst_rows(const cJSON *report, int nights, int grouped,
			      size_t *n)
{
	int rank = 0;
	const cJSON *top = get(report, nights ? "nights" : "segments"), *g, *v;
	struct row *rows = NULL;
	size_t cnt = 0, cap = 0;

	if (nights) {
		cJSON_ArrayForEach(v, top)
		{
			if (cnt == cap) {
				cap = cap ? 2 * cap : 16;
				rows = sg_xrealloc(rows, cap * sizeof(*rows));
			}
			rows[cnt].rank = 0;
			rows[cnt].group = "night";
			rows[cnt].key = v->string;
			rows[cnt].o = v;
			rows[cnt].rate = num(v, "rate");
			rows[cnt].n = lnum(v, "n");
			cnt++;
		}
	} else {
		cJSON_ArrayForEach(g, top)
		{
			cJSON_ArrayForEach(v, g)
			{
				if (cnt == cap) {
					cap = cap ? 2 * cap : 16;
					rows = sg_xrealloc(rows,
							   cap * sizeof(*rows));
				}
				rows[cnt].rank = grouped ? rank : 0;
				rows[cnt].group = g->string;
				rows[cnt].key = v->string;
				rows[cnt].o = v;
				rows[cnt].rate = num(v, "rate");
				rows[cnt].n = lnum(v, "n");
				cnt++;
			}
			rank++;
		}
	}
	if (cnt)
		qsort(rows, cnt, sizeof(*rows), cmp_worst);
	*n = cnt;
	return rows;
}

static int below(const cJSON *o)
{
	return cJSON_IsTrue(get(o, "below_overall"));
}

/* ---- text ---- */

struct style {
	const char *bold, *red, *green, *dim, *off;
};

/* window.note, when there is one, on a line of its own */
static void text_note(FILE *f, const cJSON *w)
{
	const char *note = str(w, "note");

	if (note) {
		fputs("            ", f);
		put_text(f, note);
		fputc('\n', f);
	}
}

static void text_model(FILE *f, const cJSON *r, const struct style *c)
{
	const cJSON *m = get(r, "model"), *w = get(r, "window");
	const char *sha, *backend = str(m, "backend"), *since, *until;

	fprintf(f, "%sshadowgate report%s  ", c->bold, c->off);
	if (cJSON_IsObject(m)) {
		put_text(f, str(m, "name") ? str(m, "name") : "");
		fputc('@', f);
		put_text(f, str(m, "version") ? str(m, "version") : "");
		fputs(" (", f);
		put_text(f, backend ? backend : "?");
		sha = str(m, "sha256");
		if (sha)
			fprintf(f, ", sha256 %.12s", sha);
		fputs(")\n", f);
	} else {
		fputs("no model with predictions in the store: human "
		      "decisions only\n", f);
	}
	since = str(w, "since");
	until = str(w, "until");
	fprintf(f, "window      %s .. %s, %ld night%s%s\n",
		since ? since : "-", until ? until : "-", lnum(w, "nights"),
		lnum(w, "nights") == 1 ? "" : "s",
		cJSON_IsTrue(get(w, "all")) ? " (all cases)" : "");
	text_note(f, w);
}

static void text_counts(FILE *f, const cJSON *r)
{
	const cJSON *c = get(r, "counts"), *ex = get(c, "excluded"), *v;
	int first = 1;

	fprintf(f, "cases       %ld compared of %ld in the window",
		lnum(c, "compared"), lnum(c, "in_window"));
	cJSON_ArrayForEach(v, ex)
	{
		long n = cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
		const char *k = v->string;

		if (!n)
			continue;
		fprintf(f, "%s%ld %s", first ? ": excluded " : ", ", n,
			!strcmp(k, "no_decision")        ? "without a decision"
			: !strcmp(k, "no_prediction")    ? "without a prediction"
			: !strcmp(k, "prediction_error") ? "with a prediction error"
			: !strcmp(k, "no_human_value")   ? "without a human value"
							 : "without a model output");
		first = 0;
	}
	fputc('\n', f);
}

static void text_headline(FILE *f, const cJSON *r, const struct style *c)
{
	const cJSON *a = get(r, "agreement"), *k = get(r, "kappa");
	double rate = num(a, "rate");
	char b1[NUM_BUF], b2[CI_BUF], b3[NUM_BUF];

	fprintf(f, "%sagreement   %s%s  %ld/%ld  %.0f%% CI %s\n", c->bold,
		fmt4(b1, rate), c->off, lnum(a, "agree"), lnum(a, "n"),
		100 * num(r, "confidence"), fmt_ci(b2, a));
	if (cJSON_IsObject(k) && !strcmp(str(r, "decision_type") ?
					 str(r, "decision_type") : "",
					 "label")) {
		fprintf(f, "%skappa       %s%s  SE %s  CI %s\n", c->bold,
			fmt4(b1, num(k, "value")), c->off,
			fmt4(b3, num(k, "se")), fmt_ci(b2, k));
		if (isfinite(num(k, "linear_weighted")) ||
		    isfinite(num(k, "quadratic_weighted")))
			fprintf(f, "            weighted: linear %s, quadratic "
				   "%s\n",
				fmt4(b1, num(k, "linear_weighted")),
				fmt4(b3, num(k, "quadratic_weighted")));
	}
}

static void text_confusion(FILE *f, const cJSON *r, const struct style *c)
{
	const cJSON *cf = get(r, "confusion"), *labels = get(cf, "labels");
	const cJSON *mat = get(cf, "matrix"), *l, *row, *v;
	int k = cJSON_GetArraySize(labels), i, j;
	size_t w = 5, *cw;
	char b[32];

	if (!k)
		return;
	cw = sg_xcalloc((size_t)k, sizeof(*cw));
	i = 0;
	cJSON_ArrayForEach(l, labels)
	{
		if (width(l->valuestring) > w)
			w = width(l->valuestring);
		cw[i++] = width(l->valuestring);
	}
	cJSON_ArrayForEach(row, mat)
	{
		j = 0;
		cJSON_ArrayForEach(v, row)
		{
			size_t n = (size_t)snprintf(b, sizeof(b), "%ld",
						    (long)v->valuedouble);

			if (j < k && n > cw[j])
				cw[j] = n;
			j++;
		}
	}
	fprintf(f, "\n%sconfusion matrix%s (rows: human, columns: model)\n",
		c->bold, c->off);
	fprintf(f, "  %*s", (int)w, "");
	i = 0;
	cJSON_ArrayForEach(l, labels)
	{
		fputs("  ", f);
		put_pad(f, l->valuestring, cw[i++], 1);
	}
	fputc('\n', f);
	i = 0;
	cJSON_ArrayForEach(row, mat)
	{
		fputs("  ", f);
		put_pad(f, cJSON_GetArrayItem(labels, i)->valuestring, w, 0);
		j = 0;
		cJSON_ArrayForEach(v, row)
		{
			snprintf(b, sizeof(b), "%ld", (long)v->valuedouble);
			fputs("  ", f);
			put_pad(f, b, j < k ? cw[j] : 0, 1);
			j++;
		}
		fputc('\n', f);
		i++;
	}
	free(cw);
}

static void text_per_class(FILE *f, const cJSON *r, const struct style *c)
{
	const cJSON *pc = get(r, "per_class"), *av = get(r, "averages"), *v;
	size_t w = 12;
	char b1[NUM_BUF], b2[NUM_BUF], b3[NUM_BUF];

	if (!cJSON_GetArraySize(pc))
		return;
	cJSON_ArrayForEach(v, pc)
	{
		if (width(v->string) > w)
			w = width(v->string);
	}
	fprintf(f, "\n%s", c->bold);
	put_pad(f, "per class", w + 2, 0);
	fprintf(f, "  precision     recall         f1    support%s\n",
		c->off);
	cJSON_ArrayForEach(v, pc)
	{
		fputs("  ", f);
		put_pad(f, v->string, w, 0);
		fprintf(f, "  %9s  %9s  %9s  %9ld\n",
			fmt4(b1, num(v, "precision")),
			fmt4(b2, num(v, "recall")), fmt4(b3, num(v, "f1")),
			lnum(v, "support"));
	}
	cJSON_ArrayForEach(v, av)
	{
		char name[48];

		snprintf(name, sizeof(name), "%.20s avg", v->string);
		fputs("  ", f);
		put_pad(f, name, w, 0);
		fprintf(f, "  %9s  %9s  %9s  %9ld\n",
			fmt4(b1, num(v, "precision")),
			fmt4(b2, num(v, "recall")), fmt4(b3, num(v, "f1")),
			lnum(v, "support"));
	}
}

static void text_rows(FILE *f, const cJSON *r, int nights,
		      const struct style *c)
{
	size_t n, i, w = 5;
	struct row *rows = worst_rows(r, nights, 1, &n);
	char b1[NUM_BUF], b2[CI_BUF];

	if (!n) {
		free(rows);
		return;
	}
	for (i = 0; i < n; i++) {
		size_t x = width(rows[i].key) +
			   (nights ? 0 : width(rows[i].group) + 1);

		if (x > w)
			w = x;
	}
	fprintf(f, "\n%s%s, worst first%s\n", c->bold,
		nights ? "nights" : "segments", c->off);
	for (i = 0; i < n; i++) {
		struct sg_buf k = SG_BUF_INIT;

		if (!nights)
			sg_buf_addf(&k, "%s=", rows[i].group);
		/* a missing segment value is the empty string, as in the
		 * JSON keys and the gate (no real value is empty) */
		sg_buf_addstr(&k, rows[i].key);
		fprintf(f, "%s  ", below(rows[i].o) ? c->red : "");
		put_pad(f, k.buf, w, 0);
		fprintf(f, "  n %6ld  agree %6ld  %9s  CI %s%s%s\n", rows[i].n,
			lnum(rows[i].o, "agree"), fmt4(b1, rows[i].rate),
			fmt_ci(b2, rows[i].o),
			below(rows[i].o) ? "  below overall" : "",
			below(rows[i].o) ? c->off : "");
		sg_buf_release(&k);
	}
	free(rows);
}

static void text_regression(FILE *f, const cJSON *r, const struct style *c)
{
	const cJSON *g = get(r, "regression"), *w = get(g, "within_tolerance");
	char b1[NUM_BUF], b2[NUM_BUF], b3[NUM_BUF], b4[CI_BUF];

	if (!cJSON_IsObject(g))
		return;
	fprintf(f, "\n%sregression%s  n %ld  MAE %s  RMSE %s  bias %s\n",
		c->bold, c->off, lnum(g, "n"), fmt4(b1, num(g, "mae")),
		fmt4(b2, num(g, "rmse")), fmt4(b3, num(g, "bias")));
	fprintf(f, "  within tolerance %g: %ld of %ld, %s, CI %s\n",
		num(w, "tolerance"), lnum(w, "within"), lnum(w, "n"),
		fmt4(b1, num(w, "rate")), fmt_ci(b4, w));
}

static void text_baseline(FILE *f, const cJSON *r, const struct style *c)
{
	const cJSON *h = get(r, "human_baseline");
	char b1[NUM_BUF], b2[NUM_BUF], b3[NUM_BUF], b4[NUM_BUF];

	if (!cJSON_IsObject(h))
		return;
	fprintf(f, "\n%shuman baseline%s  ", c->bold, c->off);
	if (!lnum(h, "items")) {
		fputs("no case in the window has two raters or more\n", f);
		return;
	}
	fprintf(f, "%ld cases with two raters or more (%ld ratings)\n",
		lnum(h, "items"), lnum(h, "ratings"));
	fprintf(f, "  Fleiss kappa %s, Krippendorff alpha %s, raters agree "
		   "on %s of %ld pairs\n",
		fmt4(b1, num(h, "fleiss_kappa")),
		fmt4(b2, num(h, "krippendorff_alpha")),
		fmt_pct(b3, num(h, "pairwise_agreement")), lnum(h, "pairs"));
	if (lnum(h, "model_ratings"))
		fprintf(f, "  the model agrees with %s of their %ld ratings "
			   "(on %ld of those cases)\n",
			fmt_pct(b4, num(h, "model_agreement")),
			lnum(h, "model_ratings"), lnum(h, "model_items"));
}

static void text_coverage(FILE *f, const cJSON *r, const struct style *c)
{
	const cJSON *cv = get(r, "coverage"), *p;
	char b1[NUM_BUF], b2[NUM_BUF], b3[CI_BUF];
	double t = num(cv, "recommended_threshold");

	if (!cJSON_IsObject(cv) || !lnum(cv, "scored"))
		return;
	fprintf(f, "\n%scoverage%s  %ld scored cases; ", c->bold, c->off,
		lnum(cv, "scored"));
	if (isfinite(t))
		fprintf(f, "score >= %g keeps the lower bound >= %g and covers "
			   "%s\n",
			t, num(cv, "target_agreement"),
			fmt_pct(b1, num(cv, "recommended_coverage")));
	else
		fprintf(f, "no score threshold reaches a lower bound of %g\n",
			num(cv, "target_agreement"));
	fputs("  threshold  coverage       n       rate  CI\n", f);
	cJSON_ArrayForEach(p, get(cv, "points"))
	{
		double th = num(p, "threshold");
		long i = lround(th * 20);

		if (i % 2)
			continue; /* every 0.1 on a terminal */
		fprintf(f, "  %9.2f  %8s  %6ld  %9s  %s\n", th,
			fmt_pct(b1, num(p, "coverage")), lnum(p, "n"),
			fmt4(b2, num(p, "rate")), fmt_ci(b3, p));
	}
}

/* The metrics of software.change, in its order, as the table names them. */
static const char *const sw_metrics[] = {"error_rate", "p50_ms", "p95_ms",
					 "p99_ms", "throughput",
					 "peak_rss_kb"};

/* "%+.4g", or "-" when undefined. */
static const char *fmt_signed(char *buf, double v)
{
	if (isfinite(v))
		snprintf(buf, NUM_BUF, "%+.4g", v);
	else
		snprintf(buf, NUM_BUF, "-");
	return buf;
}

static const char *fmt_g(char *buf, double v);

/* software.nights as a table, then software.change. */
static void text_software_nights(FILE *f, const cJSON *s,
				 const struct style *c)
{
	const cJSON *v, *ch = get(s, "change");
	char b[6][NUM_BUF];
	size_t i;

	if (!cJSON_GetArraySize(get(s, "nights")))
		return;
	fprintf(f, "  %srun night   runs   cases  errors     p50 ms     p95 ms"
		   "     p99 ms    cases/s   peak KiB%s\n",
		c->dim, c->off);
	cJSON_ArrayForEach(v, get(s, "nights"))
	{
		fprintf(f, "  %-10s  %4ld  %6ld  %6s  %9s  %9s  %9s  %9s  %9s\n",
			v->string, lnum(v, "runs"), lnum(v, "cases"),
			fmt_pct(b[0], num(v, "error_rate")),
			fmt_g(b[1], num(v, "p50_ms")),
			fmt_g(b[2], num(v, "p95_ms")),
			fmt_g(b[3], num(v, "p99_ms")),
			fmt_g(b[4], num(v, "throughput")),
			fmt_g(b[5], num(v, "peak_rss_kb")));
	}
	if (!cJSON_IsObject(ch))
		return;
	fprintf(f, "  latest run (%s) against the mean of %ld run%s on %ld "
		   "earlier night%s:\n",
		str(ch, "night") ? str(ch, "night") : "?",
		lnum(ch, "previous_runs"),
		lnum(ch, "previous_runs") == 1 ? "" : "s",
		lnum(ch, "previous_nights"),
		lnum(ch, "previous_nights") == 1 ? "" : "s");
	fprintf(f, "    %s%-12s  %10s  %13s  %10s  %8s%s\n", c->dim, "metric",
		"latest", "previous_mean", "delta", "relative", c->off);
	for (i = 0; i < sizeof(sw_metrics) / sizeof(sw_metrics[0]); i++) {
		const cJSON *m = get(ch, sw_metrics[i]);
		double rel = num(m, "relative");

		if (isfinite(rel))
			snprintf(b[3], NUM_BUF, "%+.1f%%", 100 * rel);
		else
			snprintf(b[3], NUM_BUF, "-");
		fprintf(f, "    %-12s  %10s  %13s  %10s  %8s\n", sw_metrics[i],
			fmt_g(b[0], num(m, "latest")),
			fmt_g(b[1], num(m, "previous_mean")),
			fmt_signed(b[2], num(m, "delta")), b[3]);
	}
}

static void text_software(FILE *f, const cJSON *r, const struct style *c)
{
	const cJSON *s = get(r, "software");
	char b1[NUM_BUF];

	if (!cJSON_IsObject(s))
		return;
	fprintf(f, "\n%ssoftware%s    ", c->bold, c->off);
	if (isfinite(num(s, "run_id"))) {
		fprintf(f, "latest run %ld (%s): %ld cases, %ld scored, %ld "
			   "errors (%s)\n",
			lnum(s, "run_id"), str(s, "status") ? str(s, "status") : "?",
			lnum(s, "cases"), lnum(s, "scored"), lnum(s, "errors"),
			fmt_pct(b1, num(s, "error_rate")));
		if (isfinite(num(s, "p50_ms")))
			fprintf(f, "            latency p50 %.3g ms, p95 %.3g ms, "
				   "p99 %.3g ms",
				num(s, "p50_ms"), num(s, "p95_ms"),
				num(s, "p99_ms"));
		if (isfinite(num(s, "throughput")))
			fprintf(f, ", %.0f cases/s", num(s, "throughput"));
		if (isfinite(num(s, "peak_rss_kb")))
			fprintf(f, ", peak memory %.1f MiB",
				num(s, "peak_rss_kb") / 1024);
		fputc('\n', f);
		if (isfinite(num(s, "p50_ms")) && str(s, "latency_method"))
			fprintf(f, "            a latency is: %s\n",
				str(s, "latency_method"));
		if (isfinite(num(s, "startup_ms")))
			fprintf(f, "            model start-up %.0f ms (not in "
				   "the latencies)\n", num(s, "startup_ms"));
	} else {
		fputs("no runs recorded (logged predictions)\n", f);
	}
	fprintf(f, "            in the window: %ld predictions, %ld errors "
		   "(%s)\n",
		lnum(s, "window_predictions"), lnum(s, "window_errors"),
		fmt_pct(b1, num(s, "window_error_rate")));
	text_software_nights(f, s, c);
}

/* "%.4g" (digits 0: "%.6g"), or "-" when undefined. */
static const char *fmt_gn(char *buf, double v, int digits)
{
	if (isfinite(v))
		snprintf(buf, NUM_BUF, "%.*g", digits, v);
	else
		snprintf(buf, NUM_BUF, "-");
	return buf;
}

static const char *fmt_g(char *buf, double v)
{
	return fmt_gn(buf, v, 4);
}

/* The reference window in one line: "2026-11-01 .. 2026-11-07 (7 nights,
 * 700 cases)", or its note when it holds no case. */
static void text_reference(FILE *f, const cJSON *ref)
{
	const char *note = str(ref, "note");
	const char *since = str(ref, "since"), *until = str(ref, "until");

	if (note) {
		put_text(f, note);
		return;
	}
	fprintf(f, "%s .. %s (%ld night%s, %ld cases)",
		since ? since : "(open)", until ? until : "(open)",
		lnum(ref, "nights"), lnum(ref, "nights") == 1 ? "" : "s",
		lnum(ref, "cases"));
	if (cJSON_IsTrue(get(ref, "overlaps_window")))
		fputs(", overlaps the window", f);
}

/* The feature with the largest `key` in a night's features, or NULL. */
static const cJSON *night_max(const cJSON *features, const char *key)
{
	const cJSON *v, *best = NULL;

	cJSON_ArrayForEach(v, features)
	{
		if (isfinite(num(v, key)) &&
		    (!best || num(v, key) > num(best, key)))
			best = v;
	}
	return best;
}

/*
 * The features of a night (inputs.nights.<night>.features) whose values
 * leave the range of their reference (inputs.features.<name>.reference):
 * lead once, then "income 35000 .. 95000 (reference 40000 .. 80000)"
 * for each, comma separated, names written by put. Nothing when none
 * does (or there is no reference range). Returns how many are written.
 */
static int out_of_range(FILE *f, const cJSON *night, const cJSON *fs,
			const char *lead, void (*put)(FILE *, const char *))
{
	const cJSON *v;
	char b[4][NUM_BUF];
	int n = 0;

	cJSON_ArrayForEach(v, get(night, "features"))
	{
		const cJSON *ref = get(get(fs, v->string), "reference");
		double lo = num(v, "min"), hi = num(v, "max");
		double rlo = num(ref, "min"), rhi = num(ref, "max");

		if (!isfinite(lo) || !isfinite(rlo) || (lo >= rlo && hi <= rhi))
			continue;
		fputs(n++ ? ", " : lead, f);
		put(f, v->string);
		fprintf(f, " %s .. %s (reference %s .. %s)",
			fmt_gn(b[0], lo, 6), fmt_gn(b[1], hi, 6),
			fmt_gn(b[2], rlo, 6), fmt_gn(b[3], rhi, 6));
	}
	return n;
}

static void text_inputs(FILE *f, const cJSON *r, const struct style *c)
{
	const cJSON *in = get(r, "inputs"), *fs = get(in, "features"), *v;
	const cJSON *ref = get(in, "reference"), *g, *u;
	int drift = cJSON_IsObject(ref);
	size_t w = 7;
	char b1[NUM_BUF], b2[NUM_BUF], b3[NUM_BUF], b4[NUM_BUF], b5[NUM_BUF];

	if (!cJSON_GetArraySize(fs))
		return;
	cJSON_ArrayForEach(v, fs)
	{
		if (width(v->string) > w)
			w = width(v->string);
	}
	fprintf(f, "\n%s", c->bold);
	put_pad(f, "inputs", w + 2, 0);
	fprintf(f, "  missing          mean           std%s%s\n",
		drift ? "         min         max      PSI      KS  p(KS)" : "",
		c->off);
	cJSON_ArrayForEach(v, fs)
	{
		fputs("  ", f);
		put_pad(f, v->string, w, 0);
		fprintf(f, "  %7s  %12.6g  %12.6g",
			fmt_pct(b1, num(v, "missing_rate")), num(v, "mean"),
			num(v, "std"));
		if (drift)
			fprintf(f, "  %10s  %10s  %7s  %6s  %5s",
				fmt_gn(b1, num(v, "min"), 6),
				fmt_gn(b2, num(v, "max"), 6),
				fmt_g(b3, num(v, "psi")), fmt_g(b4, num(v, "ks")),
				fmt_g(b5, num(v, "ks_pvalue")));
		fputc('\n', f);
	}
	if (!drift)
		return;
	fputs("  reference ", f);
	text_reference(f, ref);
	fprintf(f, "\n  PSI over %ld bins fixed on the reference's quantiles,"
		   " shares floored at %g; KS p-value %s\n",
		lnum(in, "psi_bins"), num(in, "psi_floor"),
		str(in, "ks_pvalue_method") ? str(in, "ks_pvalue_method")
					    : "asymptotic");
	if (cJSON_GetArraySize(get(in, "ranking"))) {
		int first = 1;

		fputs("  drift ranking (PSI):", f);
		cJSON_ArrayForEach(v, get(in, "ranking"))
		{
			fprintf(f, "%s ", first ? "" : ",");
			put_text(f, v->valuestring);
			fprintf(f, " %s", fmt_g(b1, num(get(fs, v->valuestring),
							 "psi")));
			first = 0;
		}
		fputc('\n', f);
	}
	cJSON_ArrayForEach(g, get(in, "segments"))
	{
		cJSON_ArrayForEach(u, get(g, "unseen"))
		{
			fputs("  new segment value (never in the reference): ",
			      f);
			put_text(f, g->string);
			fputc('=', f);
			put_text(f, u->valuestring);
			fprintf(f, " (%ld cases)\n",
				lnum(get(get(g, "values"), u->valuestring),
				     "cases"));
		}
	}
	cJSON_ArrayForEach(v, get(in, "nights"))
	{
		const cJSON *p = night_max(get(v, "features"), "psi");
		const cJSON *m = night_max(get(v, "features"), "missing_rate");

		fprintf(f, "  %s  %4ld cases  max PSI %s", v->string,
			lnum(v, "cases"), fmt_g(b1, p ? num(p, "psi") : NAN));
		if (p) {
			fputs(" (", f);
			put_text(f, p->string);
			fputc(')', f);
		}
		fprintf(f, ", max missing %s",
			fmt_pct(b2, m ? num(m, "missing_rate") : NAN));
		if (m) {
			fputs(" (", f);
			put_text(f, m->string);
			fputc(')', f);
		}
		out_of_range(f, v, fs, "; out of the reference range: ",
			     put_text);
		fputc('\n', f);
	}
}

static void text_outputs(FILE *f, const cJSON *r, const struct style *c)
{
	const cJSON *o = get(r, "outputs"), *l = get(o, "labels"), *v;
	const cJSON *ls = get(o, "label_shift"), *cs = get(o, "chi_square");
	size_t w = 7;
	char b1[NUM_BUF], b2[NUM_BUF], b3[NUM_BUF];

	if (!cJSON_IsObject(o))
		return;
	if (cJSON_GetArraySize(l)) {
		cJSON_ArrayForEach(v, l)
		{
			if (width(v->string) > w)
				w = width(v->string);
		}
		fprintf(f, "\n%s", c->bold);
		put_pad(f, "outputs", w + 2, 0);
		fprintf(f, "        human          model%s\n", c->off);
		cJSON_ArrayForEach(v, l)
		{
			fputs("  ", f);
			put_pad(f, v->string, w, 0);
			fprintf(f, "  %6ld %6s  %6ld %6s\n", lnum(v, "human"),
				fmt_pct(b1, num(v, "human_share")),
				lnum(v, "model"),
				fmt_pct(b2, num(v, "model_share")));
		}
		if (cJSON_IsObject(ls)) {
			fprintf(f, "  label shift %s (", fmt_g(b1, num(ls, "value")));
			put_text(f, str(ls, "label") ? str(ls, "label") : "?");
			fprintf(f, "), chi-square %s (df %s)\n",
				fmt_g(b1, num(cs, "statistic")),
				fmt_g(b2, num(cs, "df")));
		}
	} else if (isfinite(num(o, "human_mean"))) {
		fprintf(f, "\n%soutputs%s     mean human %g, mean model %g\n",
			c->bold, c->off, num(o, "human_mean"),
			num(o, "model_mean"));
	} else {
		return;
	}
	if (isfinite(num(o, "predictions")))
		fprintf(f, "  %ld predictions: %ld errors (%s), %ld empty (%s)\n",
			lnum(o, "predictions"), lnum(o, "errors"),
			fmt_pct(b1, num(o, "error_rate")), lnum(o, "empty"),
			fmt_pct(b2, num(o, "empty_rate")));
	if (cJSON_GetArraySize(get(o, "score_deciles"))) {
		fputs("  score deciles", f);
		cJSON_ArrayForEach(v, get(o, "score_deciles"))
		{
			fprintf(f, " %s", fmt_g(b1, cJSON_IsNumber(v)
							 ? v->valuedouble
							 : NAN));
		}
		fputc('\n', f);
	}
	cJSON_ArrayForEach(v, get(o, "nights"))
	{
		fprintf(f, "  %s  %4ld predictions, errors %s, label shift %s, "
			   "chi-square %s\n",
			v->string, lnum(v, "predictions"),
			fmt_pct(b1, num(v, "error_rate")),
			fmt_g(b2, num(get(v, "label_shift"), "value")),
			fmt_g(b3, num(get(v, "chi_square"), "statistic")));
	}
}

/* outputs.version_change: overall, then night by night. */
static void text_version_change(FILE *f, const cJSON *r,
				const struct style *c)
{
	const cJSON *vc = get(get(r, "outputs"), "version_change"), *v;
	const char *prev = str(get(vc, "previous"), "version");
	char b1[NUM_BUF], b2[CI_BUF];

	if (!cJSON_IsObject(vc))
		return;
	fprintf(f, "\n%sversion change%s  against the previous version ",
		c->bold, c->off);
	put_text(f, prev ? prev : "?");
	if (isfinite(num(vc, "tolerance")))
		fprintf(f, " (changed: by more than %g)", num(vc, "tolerance"));
	fprintf(f, "\n  changed on %ld of %ld cases scored by both (%s, CI "
		   "%s)\n",
		lnum(vc, "changed"), lnum(vc, "compared"),
		fmt_pct(b1, num(vc, "rate")), fmt_ci(b2, vc));
	cJSON_ArrayForEach(v, get(vc, "nights"))
	{
		fprintf(f, "  %s  %4ld of %4ld (%s, CI %s)\n", v->string,
			lnum(v, "changed"), lnum(v, "compared"),
			fmt_pct(b1, num(v, "rate")), fmt_ci(b2, v));
	}
}

static void value_text(char *buf, const cJSON *v)
{
	if (cJSON_IsString(v))
		snprintf(buf, 256, "%.200s", v->valuestring);
	else if (cJSON_IsNumber(v))
		snprintf(buf, 256, "%g", v->valuedouble);
	else
		snprintf(buf, 256, "-");
}

static void text_examples(FILE *f, const cJSON *r, const struct style *c)
{
	const cJSON *d = get(r, "disagreements"), *e;
	size_t w[3] = {4, 5, 5};
	char h[256], m[256];

	if (!cJSON_GetArraySize(d))
		return;
	cJSON_ArrayForEach(e, d)
	{
		const char *id = str(e, "case_id");

		value_text(h, get(e, "human"));
		value_text(m, get(e, "model"));
		if (id && width(id) > w[0])
			w[0] = width(id);
		if (width(h) > w[1])
			w[1] = width(h);
		if (width(m) > w[2])
			w[2] = width(m);
	}
	fprintf(f, "\n%sdisagreements%s (%s first)\n  %s", c->bold, c->off,
		!strcmp(str(r, "decision_type") ? str(r, "decision_type") : "",
			"numeric")
			? "largest"
			: "most confident",
		c->dim);
	put_pad(f, "case", w[0], 0);
	fputs("  night       ", f);
	put_pad(f, "human", w[1], 0);
	fputs("  ", f);
	put_pad(f, "model", w[2], 0);
	fprintf(f, "  score%s\n", c->off);
	cJSON_ArrayForEach(e, d)
	{
		value_text(h, get(e, "human"));
		value_text(m, get(e, "model"));
		fputs("  ", f);
		put_pad(f, str(e, "case_id") ? str(e, "case_id") : "", w[0], 0);
		fprintf(f, "  %-10s  ",
			str(e, "night") ? str(e, "night") : "-");
		put_pad(f, h, w[1], 0);
		fputs("  ", f);
		put_pad(f, m, w[2], 0);
		if (isfinite(num(e, "score")))
			fprintf(f, "  %g", num(e, "score"));
		fputc('\n', f);
	}
}

static void write_text(FILE *f, const cJSON *r, int color)
{
	static const struct style plain = {"", "", "", "", ""};
	static const struct style ansi = {"\033[1m", "\033[31m", "\033[32m",
					  "\033[2m", "\033[0m"};
	const struct style *c = color ? &ansi : &plain;

	text_model(f, r, c);
	text_counts(f, r);
	if (cJSON_IsObject(get(r, "agreement"))) {
		fputc('\n', f);
		text_headline(f, r, c);
		text_regression(f, r, c);
		text_confusion(f, r, c);
		text_per_class(f, r, c);
		text_rows(f, r, 0, c);
		text_rows(f, r, 1, c);
		text_coverage(f, r, c);
	}
	text_baseline(f, r, c);
	text_software(f, r, c);
	text_inputs(f, r, c);
	text_outputs(f, r, c);
	text_version_change(f, r, c);
	text_examples(f, r, c);
}

/* ---- Markdown ---- */

/* Text for a Markdown table cell: markup escaped (see sg_buf_add_md). */
static void md_text(FILE *f, const char *s)
{
	struct sg_buf t = SG_BUF_INIT;

	sg_buf_add_md(&t, s);
	fputs(t.buf, f);
	sg_buf_release(&t);
}

static void md_pct(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.1f%%", 100 * v);
	else
		fputs("undefined", f);
}

static void md_ci(FILE *f, const cJSON *o, int pct)
{
	double lo = ci(o, 0), hi = ci(o, 1);

	if (!isfinite(lo) || !isfinite(hi))
		fputs("undefined", f);
	else if (pct)
		fprintf(f, "%.1f%% – %.1f%%", 100 * lo, 100 * hi);
	else
		fprintf(f, "%.3f – %.3f", lo, hi);
}

static void md_rows(FILE *f, const cJSON *r, int nights)
{
	size_t n, i;
	struct row *rows = worst_rows(r, nights, 0, &n);

	if (!n) {
		free(rows);
		return;
	}
	fprintf(f, "\n#### Worst %s\n\n", nights ? "nights" : "segments");
	fprintf(f, "| %s | n | agreement | CI | |\n",
		nights ? "night" : "segment");
	fputs("|---|---:|---:|---|---|\n", f);
	for (i = 0; i < n && i < 5; i++) {
		fputs("| ", f);
		if (!nights) {
			md_text(f, rows[i].group);
			fputs(" = ", f);
		}
		md_text(f, rows[i].key);
		fprintf(f, " | %ld | ", rows[i].n);
		md_pct(f, rows[i].rate);
		fputs(" | ", f);
		md_ci(f, rows[i].o, 1);
		fprintf(f, " | %s |\n",
			below(rows[i].o) ? "⚠️ below overall" : "");
	}
	free(rows);
}

static void md_value(FILE *f, const cJSON *v)
{
	if (cJSON_IsString(v))
		md_text(f, v->valuestring);
	else if (cJSON_IsNumber(v))
		fprintf(f, "%g", v->valuedouble);
	else
		fputs("–", f);
}

static void md_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.4g", v);
	else
		fputs("–", f);
}

/* software.nights as a table, then software.change in one line. */
static void md_software(FILE *f, const cJSON *r)
{
	const cJSON *s = get(r, "software"), *ch = get(s, "change"), *v;
	size_t i;
	int n = 0;

	if (!cJSON_GetArraySize(get(s, "nights")))
		return;
	fputs("\n#### Software by night\n\n| night | runs | cases | errors "
	      "| p50 ms | p95 ms | p99 ms | cases/s | peak KiB |\n"
	      "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n", f);
	cJSON_ArrayForEach(v, get(s, "nights"))
	{
		fprintf(f, "| %s | %ld | %ld | ", v->string, lnum(v, "runs"),
			lnum(v, "cases"));
		md_pct(f, num(v, "error_rate"));
		for (i = 1; i < sizeof(sw_metrics) / sizeof(sw_metrics[0]);
		     i++) {
			fputs(" | ", f);
			md_num(f, num(v, sw_metrics[i]));
		}
		fputs(" |\n", f);
	}
	if (str(s, "latency_method"))
		fprintf(f, "\nA latency is: %s.", str(s, "latency_method"));
	if (isfinite(num(s, "startup_ms")))
		fprintf(f, " Model start-up of the latest run: %.0f ms (not in "
			   "the latencies).", num(s, "startup_ms"));
	if (str(s, "latency_method") || isfinite(num(s, "startup_ms")))
		fputc('\n', f);
	if (!cJSON_IsObject(ch))
		return;
	fprintf(f, "\nLatest run (%s) against the mean of %ld run%s on %ld "
		   "earlier night%s:",
		str(ch, "night") ? str(ch, "night") : "?",
		lnum(ch, "previous_runs"),
		lnum(ch, "previous_runs") == 1 ? "" : "s",
		lnum(ch, "previous_nights"),
		lnum(ch, "previous_nights") == 1 ? "" : "s");
	for (i = 0; i < sizeof(sw_metrics) / sizeof(sw_metrics[0]); i++) {
		const cJSON *m = get(ch, sw_metrics[i]);

		if (!isfinite(num(m, "delta")))
			continue;
		fprintf(f, "%s %s %+.4g", n++ ? "," : "", sw_metrics[i],
			num(m, "delta"));
		if (isfinite(num(m, "relative")))
			fprintf(f, " (%+.1f%%)", 100 * num(m, "relative"));
	}
	fputs(n ? "\n" : " no metric to compare\n", f);
}

/* outputs.version_change in one line. */
static void md_version_change(FILE *f, const cJSON *r)
{
	const cJSON *vc = get(get(r, "outputs"), "version_change"), *v;
	const char *prev = str(get(vc, "previous"), "version");
	int n = 0;

	if (!cJSON_IsObject(vc))
		return;
	fputs("\n**Version change** against the previous version ", f);
	md_text(f, prev ? prev : "?");
	if (isfinite(num(vc, "tolerance")))
		fprintf(f, " (by more than %g)", num(vc, "tolerance"));
	fprintf(f, ": changed on %ld of %ld cases scored by both (",
		lnum(vc, "changed"), lnum(vc, "compared"));
	md_pct(f, num(vc, "rate"));
	fputs(", CI ", f);
	md_ci(f, vc, 1);
	fputc(')', f);
	cJSON_ArrayForEach(v, get(vc, "nights"))
	{
		fprintf(f, "%s %s %ld of %ld", n++ ? "," : "; by night:",
			v->string, lnum(v, "changed"), lnum(v, "compared"));
	}
	fputc('\n', f);
}

/* Input drift and output metrics: only what is there to say. */
static void md_monitoring(FILE *f, const cJSON *r)
{
	const cJSON *in = get(r, "inputs"), *ref = get(in, "reference");
	const cJSON *fs = get(in, "features"), *o = get(r, "outputs");
	const cJSON *ls = get(o, "label_shift"), *v, *g, *u;
	int n = 0;

	if (cJSON_IsObject(ref)) {
		fputs("\n#### Input drift against the reference\n\n", f);
		if (str(ref, "note")) {
			md_text(f, str(ref, "note"));
			fputs("\n", f);
		} else {
			const char *since = str(ref, "since");
			const char *until = str(ref, "until");

			fprintf(f, "Reference %s – %s (%ld nights, %ld cases)%s; "
				   "PSI over %ld reference quantile bins (floor "
				   "%g), KS p-value %s.\n",
				since ? since : "…", until ? until : "…",
				lnum(ref, "nights"), lnum(ref, "cases"),
				cJSON_IsTrue(get(ref, "overlaps_window"))
					? ", overlapping the window"
					: "",
				lnum(in, "psi_bins"), num(in, "psi_floor"),
				str(in, "ks_pvalue_method")
					? str(in, "ks_pvalue_method")
					: "asymptotic");
		}
		if (cJSON_GetArraySize(get(in, "ranking"))) {
			fputs("\n| feature | PSI | KS | p | missing | missing "
			      "(reference) |\n|---|---:|---:|---:|---:|---:|\n",
			      f);
			cJSON_ArrayForEach(v, get(in, "ranking"))
			{
				const cJSON *x = get(fs, v->valuestring);

				if (n++ == 10)
					break;
				fputs("| ", f);
				md_text(f, v->valuestring);
				fprintf(f, " | %.4g | %.4g | %.4g | ", num(x, "psi"),
					num(x, "ks"), num(x, "ks_pvalue"));
				md_pct(f, num(x, "missing_rate"));
				fputs(" | ", f);
				md_pct(f, num(get(x, "reference"), "missing_rate"));
				fputs(" |\n", f);
			}
		}
		cJSON_ArrayForEach(g, get(in, "segments"))
		{
			cJSON_ArrayForEach(u, get(g, "unseen"))
			{
				fputs("\nNew segment value, never in the reference: ",
				      f);
				md_text(f, g->string);
				fputs(" = ", f);
				md_text(f, u->valuestring);
				fprintf(f, " (%ld cases)\n",
					lnum(get(get(g, "values"), u->valuestring),
					     "cases"));
			}
		}
		cJSON_ArrayForEach(v, get(in, "nights"))
		{
			char lead[64];

			snprintf(lead, sizeof(lead),
				 "\nOut of the reference range on %.10s: ",
				 v->string);
			if (out_of_range(f, v, fs, lead, md_text))
				fputc('\n', f);
		}
	}
	if (isfinite(num(o, "predictions")) && lnum(o, "predictions")) {
		fputs("\n**Outputs:** ", f);
		if (cJSON_IsObject(ls)) {
			fprintf(f, "label shift %.4g (", num(ls, "value"));
			md_text(f, str(ls, "label") ? str(ls, "label") : "?");
			fprintf(f, "), χ² %.4g; ",
				num(get(o, "chi_square"), "statistic"));
		}
		fputs("errors ", f);
		md_pct(f, num(o, "error_rate"));
		fputs(", empty ", f);
		md_pct(f, num(o, "empty_rate"));
		fprintf(f, " of %ld predictions\n", lnum(o, "predictions"));
	}
	md_version_change(f, r);
	md_software(f, r);
}

/* window.note, when there is one, as a quote */
static void md_note(FILE *f, const cJSON *w)
{
	const char *note = str(w, "note");

	if (note) {
		fputs("\n> ", f);
		md_text(f, note);
		fputc('\n', f);
	}
}

static void write_markdown(FILE *f, const cJSON *r)
{
	const cJSON *m = get(r, "model"), *w = get(r, "window");
	const cJSON *a = get(r, "agreement"), *k = get(r, "kappa");
	const cJSON *cnt = get(r, "counts"), *cf = get(r, "confusion");
	const cJSON *h = get(r, "human_baseline"), *cv = get(r, "coverage");
	const cJSON *l, *row, *v, *e;
	const char *since = str(w, "since"), *until = str(w, "until");
	size_t i;

	fputs("### shadowgate report: ", f);
	if (cJSON_IsObject(m)) {
		md_text(f, str(m, "name") ? str(m, "name") : "");
		fputc('@', f);
		md_text(f, str(m, "version") ? str(m, "version") : "");
	} else {
		fputs("human decisions only (no model)", f);
	}
	fputs("\n\n", f);
	if (cJSON_IsObject(a)) {
		fputs("**Agreement ", f);
		md_pct(f, num(a, "rate"));
		fprintf(f, "** (%ld of %ld cases, %.0f%% CI ", lnum(a, "agree"),
			lnum(a, "n"), 100 * num(r, "confidence"));
		md_ci(f, a, 1);
		fputs(")", f);
		if (cJSON_IsObject(k) && str(r, "decision_type") &&
		    !strcmp(str(r, "decision_type"), "label")) {
			fputs(" · **Cohen's κ ", f);
			if (isfinite(num(k, "value")))
				fprintf(f, "%.3f", num(k, "value"));
			else
				fputs("undefined", f);
			fputs("** (CI ", f);
			md_ci(f, k, 0);
			fputs(")", f);
		}
		fputs("\n\n", f);
	}
	fprintf(f, "Window %s – %s (%ld night%s) · %ld cases in the window, "
		   "%ld compared · generated %s\n",
		since ? since : "–", until ? until : "–", lnum(w, "nights"),
		lnum(w, "nights") == 1 ? "" : "s",
		lnum(cnt, "in_window"), lnum(cnt, "compared"),
		str(r, "generated_at") ? str(r, "generated_at") : "");
	md_note(f, w);
	if (cJSON_IsObject(get(r, "regression"))) {
		const cJSON *g = get(r, "regression");

		fprintf(f, "\nRegression: MAE %g, RMSE %g, bias %g over %ld "
			   "cases\n",
			num(g, "mae"), num(g, "rmse"), num(g, "bias"),
			lnum(g, "n"));
	}
	l = get(cf, "labels");
	if (cJSON_GetArraySize(l)) {
		fputs("\n#### Confusion matrix (rows: human, columns: model)"
		      "\n\n| human \\\\ model |", f);
		cJSON_ArrayForEach(v, l)
		{
			fputc(' ', f);
			md_text(f, v->valuestring);
			fputs(" |", f);
		}
		fputs("\n|---|", f);
		cJSON_ArrayForEach(v, l)
		{
			fputs("---:|", f);
		}
		fputc('\n', f);
		i = 0;
		cJSON_ArrayForEach(row, get(cf, "matrix"))
		{
			fputs("| ", f);
			md_text(f, cJSON_GetArrayItem(l, (int)i)->valuestring);
			fputs(" |", f);
			cJSON_ArrayForEach(v, row)
			{
				fprintf(f, " %ld |", (long)v->valuedouble);
			}
			fputc('\n', f);
			i++;
		}
	}
	md_rows(f, r, 0);
	md_rows(f, r, 1);
	if (cJSON_IsObject(cv) && lnum(cv, "scored")) {
		double t = num(cv, "recommended_threshold");

		fputs("\n**Coverage:** ", f);
		if (isfinite(t)) {
			fprintf(f, "at score ≥ %g the model would decide ", t);
			md_pct(f, num(cv, "recommended_coverage"));
			fprintf(f, " of cases with agreement lower bound ≥ %g\n",
				num(cv, "target_agreement"));
		} else {
			fprintf(f, "no score threshold reaches an agreement "
				   "lower bound of %g\n",
				num(cv, "target_agreement"));
		}
	}
	if (cJSON_IsObject(h) && lnum(h, "items")) {
		fprintf(f, "\n**Human baseline:** %ld cases with several "
			   "raters; raters agree on ",
			lnum(h, "items"));
		md_pct(f, num(h, "pairwise_agreement"));
		fputs(" of pairs", f);
		if (lnum(h, "model_ratings")) {
			fputs(", the model agrees with ", f);
			md_pct(f, num(h, "model_agreement"));
			fputs(" of their ratings", f);
		}
		fputs(" (Fleiss κ ", f);
		if (isfinite(num(h, "fleiss_kappa")))
			fprintf(f, "%.3f", num(h, "fleiss_kappa"));
		else
			fputs("undefined", f);
		fputs(", Krippendorff α ", f);
		if (isfinite(num(h, "krippendorff_alpha")))
			fprintf(f, "%.3f", num(h, "krippendorff_alpha"));
		else
			fputs("undefined", f);
		fputs(")\n", f);
	}
	md_monitoring(f, r);
	if (cJSON_GetArraySize(get(r, "disagreements"))) {
		fputs("\n#### Disagreements\n\n| case | night | human | model "
		      "| score |\n|---|---|---|---|---:|\n", f);
		i = 0;
		cJSON_ArrayForEach(e, get(r, "disagreements"))
		{
			if (i++ == 5)
				break;
			fputs("| ", f);
			md_value(f, get(e, "case_id"));
			fputs(" | ", f);
			md_value(f, get(e, "night"));
			fputs(" | ", f);
			md_value(f, get(e, "human"));
			fputs(" | ", f);
			md_value(f, get(e, "model"));
			fputs(" | ", f);
			md_value(f, get(e, "score"));
			fputs(" |\n", f);
		}
	}
}

/* ---- CSV ---- */

static void csv_field(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_num(FILE *f, double v)
{
	char b[40];

	if (!isfinite(v))
		return;
	fmt_double(b, v);
	fputs(b, f);
}

static void csv_value(FILE *f, const cJSON *v)
{
	if (cJSON_IsString(v))
		csv_field(f, v->valuestring);
	else if (cJSON_IsNumber(v))
		csv_num(f, v->valuedouble);
	else if (cJSON_IsBool(v))
		fputs(cJSON_IsTrue(v) ? "true" : "false", f);
}

/*
 * One row: section,name,key,human,model,count,n,agree,rate,ci_low,
 * ci_high,below_overall,value.
 */
static void csv_row(FILE *f, const char *section, const char *name,
		    const char *key, const char *human, const char *model,
		    const cJSON *cnt, const cJSON *acc, const cJSON *value)
{
	csv_field(f, section);
	fputc(',', f);
	csv_field(f, name);
	fputc(',', f);
	csv_field(f, key);
	fputc(',', f);
	csv_field(f, human);
	fputc(',', f);
	csv_field(f, model);
	fputc(',', f);
	csv_value(f, cnt);
	fputc(',', f);
	if (acc) {
		csv_value(f, get(acc, "n"));
		fputc(',', f);
		csv_value(f, get(acc, get(acc, "within") ? "within" : "agree"));
		fputc(',', f);
		csv_value(f, get(acc, "rate"));
		fputc(',', f);
		csv_value(f, cJSON_GetArrayItem(get(acc, "ci95"), 0));
		fputc(',', f);
		csv_value(f, cJSON_GetArrayItem(get(acc, "ci95"), 1));
		fputc(',', f);
		csv_value(f, get(acc, "below_overall"));
	} else {
		fputs(",,,,,", f);
	}
	fputc(',', f);
	csv_value(f, value);
	fputc('\n', f);
}

static void write_csv(FILE *f, const cJSON *r)
{
	const cJSON *k = get(r, "kappa"), *cf = get(r, "confusion");
	const cJSON *l = get(cf, "labels"), *row, *v, *g;
	static const char *const kappas[] = {"value", "linear_weighted",
					     "quadratic_weighted"};
	static const char *const metrics[] = {"precision", "recall", "f1"};
	size_t i, j;

	fputs("section,name,key,human,model,count,n,agree,rate,ci_low,ci_high,"
	      "below_overall,value\n", f);
	if (cJSON_IsObject(get(r, "agreement")))
		csv_row(f, "agreement", NULL, NULL, NULL, NULL, NULL,
			get(r, "agreement"), NULL);
	if (cJSON_IsObject(k) && str(r, "decision_type") &&
	    !strcmp(str(r, "decision_type"), "label")) {
		/* the kappa with its interval; weighted ones when computed */
		csv_row(f, "kappa", "cohen", NULL, NULL, NULL, NULL, k,
			get(k, "value"));
		for (i = 1; i < 3; i++)
			if (cJSON_IsNumber(get(k, kappas[i])))
				csv_row(f, "kappa", kappas[i], NULL, NULL, NULL,
					NULL, NULL, get(k, kappas[i]));
	}
	i = 0;
	cJSON_ArrayForEach(row, get(cf, "matrix"))
	{
		const char *h = cJSON_GetArrayItem(l, (int)i)->valuestring;

		j = 0;
		cJSON_ArrayForEach(v, row)
		{
			csv_row(f, "confusion", NULL, NULL, h,
				cJSON_GetArrayItem(l, (int)j)->valuestring, v,
				NULL, NULL);
			j++;
		}
		i++;
	}
	cJSON_ArrayForEach(v, get(r, "per_class"))
	{
		for (j = 0; j < 3; j++)
			csv_row(f, "per_class", metrics[j], v->string, NULL,
				NULL, get(v, "support"), NULL,
				get(v, metrics[j]));
	}
	cJSON_ArrayForEach(g, get(r, "segments"))
	{
		cJSON_ArrayForEach(v, g)
		{
			csv_row(f, "segment", g->string, v->string, NULL, NULL,
				NULL, v, NULL);
		}
	}
	cJSON_ArrayForEach(v, get(r, "nights"))
	{
		csv_row(f, "night", NULL, v->string, NULL, NULL, NULL, v, NULL);
	}
	g = get(r, "regression");
	if (cJSON_IsObject(g)) {
		csv_row(f, "regression", "mae", NULL, NULL, NULL, NULL, NULL,
			get(g, "mae"));
		csv_row(f, "regression", "rmse", NULL, NULL, NULL, NULL, NULL,
			get(g, "rmse"));
		csv_row(f, "regression", "bias", NULL, NULL, NULL, NULL, NULL,
			get(g, "bias"));
		csv_row(f, "regression", "within_tolerance", NULL, NULL, NULL,
			NULL, get(g, "within_tolerance"),
			get(get(g, "within_tolerance"), "tolerance"));
	}
	cJSON_ArrayForEach(v, get(get(r, "coverage"), "points"))
	{
		char t[40];

		fmt_double(t, num(v, "threshold"));
		csv_row(f, "coverage", NULL, t, NULL, NULL, NULL, v,
			get(v, "coverage"));
	}
	cJSON_ArrayForEach(v, get(get(r, "inputs"), "features"))
	{
		static const char *const fm[] = {"missing_rate", "mean", "std",
						 "min", "max", "psi", "ks",
						 "ks_pvalue"};

		for (j = 0; j < sizeof(fm) / sizeof(fm[0]); j++)
			csv_row(f, "feature", fm[j], v->string, NULL, NULL,
				get(v, "cases"), NULL, get(v, fm[j]));
	}
	g = get(r, "outputs");
	if (cJSON_IsObject(get(g, "label_shift")))
		csv_row(f, "output", "label_shift",
			str(get(g, "label_shift"), "label"), NULL, NULL, NULL,
			NULL, get(get(g, "label_shift"), "value"));
	if (cJSON_IsObject(get(g, "chi_square")))
		csv_row(f, "output", "chi_square", NULL, NULL, NULL,
			get(get(g, "chi_square"), "df"), NULL,
			get(get(g, "chi_square"), "statistic"));
	if (cJSON_IsObject(g)) {
		csv_row(f, "output", "error_rate", NULL, NULL, NULL,
			get(g, "errors"), NULL, get(g, "error_rate"));
		csv_row(f, "output", "empty_rate", NULL, NULL, NULL,
			get(g, "empty"), NULL, get(g, "empty_rate"));
	}
}

/* ---- Prometheus text exposition ---- */

/* A label value: backslash, double quote and line feed escaped. */
static void prom_label_value(struct sg_buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\')
			sg_buf_addstr(b, "\\\\");
		else if (*s == '"')
			sg_buf_addstr(b, "\\\"");
		else if (*s == '\n')
			sg_buf_addstr(b, "\\n");
		else
			sg_buf_addch(b, *s);
	}
}

/* One sample into b: name{base,key="value"} number; nothing for a value
 * that is not a finite number. */
static void prom_sample(struct sg_buf *b, const char *name, const char *base,
			const char *key, const char *value, double v)
{
	char num[40];

	if (!isfinite(v))
		return;
	sg_buf_addstr(b, name);
	if (*base || key) {
		sg_buf_addch(b, '{');
		sg_buf_addstr(b, base);
		if (key) {
			if (*base)
				sg_buf_addch(b, ',');
			sg_buf_addf(b, "%s=\"", key);
			prom_label_value(b, value);
			sg_buf_addch(b, '"');
		}
		sg_buf_addch(b, '}');
	}
	fmt_double(num, v);
	sg_buf_addf(b, " %s\n", num);
}

/* A metric family: HELP and TYPE, then its samples; nothing when it has
 * no sample. Empties b. */
static void prom_typed(FILE *f, const char *name, const char *type,
		       const char *help, struct sg_buf *b)
{
	if (b->len)
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n%s", name, help, name,
			type, b->buf);
	sg_buf_reset(b);
}

static void prom_family(FILE *f, const char *name, const char *help,
			struct sg_buf *b)
{
	prom_typed(f, name, "gauge", help, b);
}

int sg_report_write_prometheus(FILE *f, const cJSON *r, const char *verdict)
{
	static const struct {
		const char *name, *path[2], *help;
		int ci;   /* -1: the value; 0, 1: an end of ci95 */
	} heads[] = {
		{"shadowgate_cases", {"cases", NULL},
		 "Cases compared (a human decision and a model output) in the "
		 "report's window.", -1},
		{"shadowgate_agreement_rate", {"agreement", "rate"},
		 "Share of compared cases where the model agrees with the human "
		 "decision.", -1},
		{"shadowgate_agreement_lower", {"agreement", NULL},
		 "Lower end of the agreement rate's Wilson interval.", 0},
		{"shadowgate_agreement_upper", {"agreement", NULL},
		 "Upper end of the agreement rate's Wilson interval.", 1},
		{"shadowgate_kappa", {"kappa", "value"},
		 "Cohen's kappa of the model against the human decisions.", -1},
		{"shadowgate_prediction_error_rate", {"outputs", "error_rate"},
		 "Share of the window's predictions that are errors.", -1},
		{"shadowgate_label_shift", {"outputs", NULL},
		 "Largest absolute difference between the model's and the "
		 "humans' share of a label.", -1},
	};
	static const struct {
		const char *key, *q;
	} lat[] = {{"p50_ms", "0.5"}, {"p95_ms", "0.95"}, {"p99_ms", "0.99"}};
	static const char *const verdicts[] = {"go", "no-go", "insufficient"};
	struct sg_buf base = SG_BUF_INIT, b = SG_BUF_INIT;
	const cJSON *m = get(r, "model"), *sw = get(r, "software"), *v;
	const cJSON *fs = get(get(r, "inputs"), "features");
	size_t i;

	if (cJSON_IsObject(m)) {
		sg_buf_addstr(&base, "model=\"");
		prom_label_value(&base, str(m, "name") ? str(m, "name") : "");
		sg_buf_addstr(&base, "\",version=\"");
		prom_label_value(&base, str(m, "version") ? str(m, "version") : "");
		sg_buf_addch(&base, '"');
	}
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		const cJSON *o = get(r, heads[i].path[0]);
		double x;

		if (!strcmp(heads[i].name, "shadowgate_label_shift"))
			x = num(get(o, "label_shift"), "value");
		else if (heads[i].ci >= 0)
			x = ci(o, heads[i].ci);
		else if (heads[i].path[1])
			x = num(o, heads[i].path[1]);
		else
			x = cJSON_IsNumber(o) ? o->valuedouble : NAN;
		prom_sample(&b, heads[i].name, base.buf, NULL, NULL, x);
		prom_family(f, heads[i].name, heads[i].help, &b);
	}
	for (i = 0; i < sizeof(lat) / sizeof(lat[0]); i++)
		prom_sample(&b, "shadowgate_latency_seconds", base.buf,
			    "quantile", lat[i].q, num(sw, lat[i].key) / 1000);
	/* quantiles computed elsewhere: a summary without _sum and _count */
	prom_typed(f, "shadowgate_latency_seconds", "summary",
		   "Scoring latency of the latest run, by quantile.", &b);
	cJSON_ArrayForEach(v, fs)
	{
		prom_sample(&b, "shadowgate_feature_psi", base.buf, "feature",
			    v->string, num(v, "psi"));
	}
	prom_family(f, "shadowgate_feature_psi",
		    "Population stability index of a feature against the "
		    "reference window.", &b);
	cJSON_ArrayForEach(v, fs)
	{
		prom_sample(&b, "shadowgate_feature_missing_rate", base.buf,
			    "feature", v->string, num(v, "missing_rate"));
	}
	prom_family(f, "shadowgate_feature_missing_rate",
		    "Share of the window's cases where a feature is missing.",
		    &b);
	v = get(get(r, "outputs"), "version_change");
	if (cJSON_IsObject(v))
		prom_sample(&b, "shadowgate_version_change_rate", base.buf,
			    "previous_version",
			    str(get(v, "previous"), "version"),
			    num(v, "rate"));
	prom_family(f, "shadowgate_version_change_rate",
		    "Share of the cases scored by this and the previous "
		    "version where the output changed.", &b);
	for (i = 0; verdict && i < 3; i++)
		prom_sample(&b, "shadowgate_gate_verdict", base.buf, "verdict",
			    verdicts[i], !strcmp(verdict, verdicts[i]));
	prom_family(f, "shadowgate_gate_verdict",
		    "The gate's verdict: 1 for the verdict given, 0 for the "
		    "others.", &b);
	sg_buf_release(&base);
	sg_buf_release(&b);
	if (fflush(f) || ferror(f))
		return SG_EIO;
	return 0;
}

int sg_report_write(FILE *f, const cJSON *report, const char *format,
		    int color)
{
	if (!format || !strcmp(format, "text")) {
		write_text(f, report, color);
	} else if (!strcmp(format, "json")) {
		char *t = sg_report_json(report, 1);

		fputs(t, f);
		free(t);
	} else if (!strcmp(format, "markdown")) {
		write_markdown(f, report);
	} else if (!strcmp(format, "csv")) {
		write_csv(f, report);
	} else if (!strcmp(format, "prometheus")) {
		return sg_report_write_prometheus(f, report, NULL);
	} else {
		return SG_EUSAGE;
	}
	if (fflush(f) || ferror(f))
		return SG_EIO;
	return 0;
}

/* ---- the sample ---- */

static void sample_csv(FILE *f, const cJSON *s)
{
	const cJSON *cols = get(s, "columns"), *segs = get(cols, "segments");
	const cJSON *feats = get(cols, "features"), *c, *k;

	fputs("case_id,night,stratum,human,model,score", f);
	cJSON_ArrayForEach(k, segs)
	{
		fputc(',', f);
		csv_field(f, k->valuestring);
	}
	cJSON_ArrayForEach(k, feats)
	{
		fputc(',', f);
		csv_field(f, k->valuestring);
	}
	fputc('\n', f);
	cJSON_ArrayForEach(c, get(s, "cases"))
	{
		csv_value(f, get(c, "case_id"));
		fputc(',', f);
		csv_value(f, get(c, "night"));
		fputc(',', f);
		csv_value(f, get(c, "stratum"));
		fputc(',', f);
		csv_value(f, get(c, "human"));
		fputc(',', f);
		csv_value(f, get(c, "model"));
		fputc(',', f);
		csv_value(f, get(c, "score"));
		cJSON_ArrayForEach(k, segs)
		{
			fputc(',', f);
			csv_value(f, get(get(c, "segments"), k->valuestring));
		}
		cJSON_ArrayForEach(k, feats)
		{
			fputc(',', f);
			csv_value(f, get(get(c, "features"), k->valuestring));
		}
		fputc('\n', f);
	}
}

int sg_sample_write(FILE *f, const cJSON *sample, const char *format)
{
	const cJSON *c;

	if (!format || !strcmp(format, "csv")) {
		sample_csv(f, sample);
	} else if (!strcmp(format, "jsonl")) {
		cJSON_ArrayForEach(c, get(sample, "cases"))
		{
			char *t = sg_report_json(c, 0);

			fputs(t, f);
			fputc('\n', f);
			free(t);
		}
	} else if (!strcmp(format, "json")) {
		char *t = sg_report_json(sample, 1);

		fputs(t, f);
		free(t);
	} else {
		return SG_EUSAGE;
	}
	if (fflush(f) || ferror(f))
		return SG_EIO;
	return 0;
}
