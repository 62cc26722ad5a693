/*
 * write_text.c - the text views, for a terminal: the report (ANSI colour
 * on request) and the gate's verdict. Values from the logs are shown as
 * sg_buf_add_text shows them, so none can move the cursor.
 */
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/gate.h"
#include "write_impl.h"

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
	struct sg_row *rows = sg_write_worst_rows(r, nights, 1, &n);
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
	for (i = 0; i < SG_WRITE_SW_METRICS; i++) {
		const cJSON *m = get(ch, sg_write_sw_metrics[i]);
		double rel = num(m, "relative");

		if (isfinite(rel))
			snprintf(b[3], NUM_BUF, "%+.1f%%", 100 * rel);
		else
			snprintf(b[3], NUM_BUF, "-");
		fprintf(f, "    %-12s  %10s  %13s  %10s  %8s\n", sg_write_sw_metrics[i],
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

static const char *fmt_g(char *buf, double v)
{
	return sg_write_fmt_gn(buf, v, 4);
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
				sg_write_fmt_gn(b1, num(v, "min"), 6),
				sg_write_fmt_gn(b2, num(v, "max"), 6),
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
		sg_write_out_of_range(f, v, fs, "; out of the reference range: ",
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

int sg_write_text_report(FILE *f, const cJSON *r, int color,
			 const char *verdict)
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
	(void)verdict;
	return 0;
}

/* Terminal text: nothing that moves the cursor or reorders the line. */
static const char *tty_text(struct sg_buf *t, const char *s)
{
	sg_buf_reset(t);
	sg_buf_add_text(t, s ? s : "");
	return t->buf;
}

int sg_write_text_gate(FILE *out, const struct sg_gate_result *r,
		       const char *model)
{
	struct sg_buf t1 = SG_BUF_INIT, t2 = SG_BUF_INIT;
	char v[32];
	size_t i;

	(void)model;
	fprintf(out, "verdict: %s\n%s\n", sg_verdict_name(r->verdict),
		tty_text(&t1, r->reason));
	if (r->note)
		fprintf(out, "%s\n", tty_text(&t1, r->note));
	fputc('\n', out);
	for (i = 0; i < r->nchecks; i++) {
		const struct sg_gate_check *c = &r->checks[i];

		sg_write_gate_value(v, sizeof(v), c->value);
		fprintf(out, "  %-10s %-22s %-24s ",
			c->outcome == SG_CHECK_FAIL ? "FAIL"
						    : sg_check_outcome_name(c->outcome),
			c->name, tty_text(&t1, c->subject));
		fprintf(out, "%s\n", tty_text(&t2, c->detail));
	}
	sg_buf_release(&t1);
	sg_buf_release(&t2);
	return 0;
}
