/*
 * write_markdown.c - the Markdown views, for a CI step summary: the report
 * and the gate's verdict. Values from the logs are escaped as
 * sg_buf_add_md escapes them.
 */
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/gate.h"
#include "write_impl.h"

/* Text for a Markdown table cell: markup escaped (see sg_buf_add_md);
 * NULL as "". */
static void md_text(FILE *f, const char *s)
{
	struct sg_buf t = SG_BUF_INIT;

	sg_buf_add_md(&t, s ? s : "");
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
	struct sg_row *rows = sg_write_worst_rows(r, nights, 0, &n);

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
		for (i = 1; i < SG_WRITE_SW_METRICS;
		     i++) {
			fputs(" | ", f);
			md_num(f, num(v, sg_write_sw_metrics[i]));
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
	for (i = 0; i < SG_WRITE_SW_METRICS; i++) {
		const cJSON *m = get(ch, sg_write_sw_metrics[i]);

		if (!isfinite(num(m, "delta")))
			continue;
		fprintf(f, "%s %s %+.4g", n++ ? "," : "", sg_write_sw_metrics[i],
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
			if (sg_write_out_of_range(f, v, fs, lead, md_text))
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

int sg_write_markdown_report(FILE *f, const cJSON *r, int color,
			     const char *verdict)
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
	(void)color;
	(void)verdict;
	return 0;
}

int sg_write_markdown_gate(FILE *out, const struct sg_gate_result *r,
			   const char *model)
{
	char v[32], lo[32], hi[32], th[32];
	size_t i;

	fprintf(out, "### shadowgate gate: **%s**%s",
		sg_verdict_name(r->verdict), model ? " for " : "");
	if (model)
		md_text(out, model);
	fputs("\n\n", out);
	md_text(out, r->reason);
	fputs("\n\n", out);
	if (r->note) {
		md_text(out, r->note);
		fputs("\n\n", out);
	}
	fprintf(out, "| check | subject | value | interval | threshold | "
		     "outcome |\n|---|---|---:|---|---:|---|\n");
	for (i = 0; i < r->nchecks; i++) {
		const struct sg_gate_check *c = &r->checks[i];

		sg_write_check_value(v, sizeof(v), c, c->value);
		sg_write_gate_value(lo, sizeof(lo), c->low);
		sg_write_gate_value(hi, sizeof(hi), c->high);
		sg_write_check_value(th, sizeof(th), c, c->threshold);
		/* the check's name is one of ours ([a-z_]), the
		 * subject holds values from the logs */
		fprintf(out, "| %s | ", c->name);
		md_text(out, c->subject);
		if (isfinite(c->low) || isfinite(c->high))
			fprintf(out, " | %s | [%s, %s] | %s%s | %s%s |\n", v,
				lo, hi, c->is_max ? "<= " : ">= ", th,
				c->outcome == SG_CHECK_FAIL
					? "**fail**"
					: sg_check_outcome_name(c->outcome),
				c->report_only ? " (report only)" : "");
		else
			fprintf(out, " | %s | - | %s%s | %s%s |\n", v,
				c->is_max ? "<= " : ">= ", th,
				c->outcome == SG_CHECK_FAIL
					? "**fail**"
					: sg_check_outcome_name(c->outcome),
				c->report_only ? " (report only)" : "");
	}
	return 0;
}
