/*
 * write_prometheus.c - the report's headline metrics in the Prometheus
 * text exposition format, for node_exporter's textfile collector.
 */
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/error.h"
#include "write_impl.h"

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
	sg_fmt_double(num, v);
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

int sg_write_prometheus_report(FILE *f, const cJSON *r, int color,
			       const char *verdict)
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

	(void)color;
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
