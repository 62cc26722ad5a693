/*
 * write_prometheus.c - the report's headline metrics in the Prometheus
 * text exposition format, for node_exporter's textfile collector, read
 * from the typed report.
 */
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/error.h"
#include "sg/report_types.h"
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

/* A statistic of the model sections: NaN when the report has none. */
static double of_model(const struct sg_report *r, double v)
{
	return r->has_model ? v : NAN;
}

int sg_write_prometheus_report(FILE *f, const struct sg_report *r, int color,
			       const char *verdict)
{
	const struct sg_report_outputs *o = &r->outputs;
	const struct sg_report_software *sw = &r->software;
	const struct sg_map_feature *fs = &r->inputs.features;
	const struct sg_report_version_change *vc = o->version_change;
	const struct {
		const char *name, *help;
		double v;
	} heads[] = {
		{"shadowgate_cases",
		 "Cases compared (a human decision and a model output) in the "
		 "report's window.", (double)r->cases},
		{"shadowgate_agreement_rate",
		 "Share of compared cases where the model agrees with the human "
		 "decision.", of_model(r, r->agreement.rate)},
		{"shadowgate_agreement_lower",
		 "Lower end of the agreement rate's Wilson interval.",
		 of_model(r, r->agreement.ci95[0])},
		{"shadowgate_agreement_upper",
		 "Upper end of the agreement rate's Wilson interval.",
		 of_model(r, r->agreement.ci95[1])},
		{"shadowgate_kappa",
		 "Cohen's kappa of the model against the human decisions.",
		 of_model(r, r->kappa.value)},
		{"shadowgate_ac1",
		 "Gwet's AC1 of the model against the human decisions.",
		 of_model(r, r->ac1.value)},
		{"shadowgate_prediction_error_rate",
		 "Share of the window's predictions that are errors.",
		 of_model(r, o->error_rate)},
		{"shadowgate_label_shift",
		 "Largest absolute difference between the model's and the "
		 "humans' share of a label.",
		 of_model(r, o->label_shift ? o->label_shift->value : NAN)},
	};
	const struct {
		double ms;
		const char *q;
	} lat[] = {{sw->p50_ms, "0.5"}, {sw->p95_ms, "0.95"},
		   {sw->p99_ms, "0.99"}};
	static const char *const verdicts[] = {"go", "no-go", "insufficient"};
	struct sg_buf base = SG_BUF_INIT, b = SG_BUF_INIT;
	size_t i;

	(void)color;
	if (r->model) {
		sg_buf_addstr(&base, "model=\"");
		prom_label_value(&base, r->model->name ? r->model->name : "");
		sg_buf_addstr(&base, "\",version=\"");
		prom_label_value(&base,
				 r->model->version ? r->model->version : "");
		sg_buf_addch(&base, '"');
	}
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		prom_sample(&b, heads[i].name, base.buf, NULL, NULL, heads[i].v);
		prom_family(f, heads[i].name, heads[i].help, &b);
	}
	for (i = 0; r->has_model && i < sizeof(lat) / sizeof(lat[0]); i++)
		prom_sample(&b, "shadowgate_latency_seconds", base.buf,
			    "quantile", lat[i].q, lat[i].ms / 1000);
	/* quantiles computed elsewhere: a summary without _sum and _count */
	prom_typed(f, "shadowgate_latency_seconds", "summary",
		   "Scoring latency of the latest run, by quantile.", &b);
	for (i = 0; r->has_model && i < fs->n; i++)
		prom_sample(&b, "shadowgate_feature_psi", base.buf, "feature",
			    fs->key[i], fs->v[i].psi);
	prom_family(f, "shadowgate_feature_psi",
		    "Population stability index of a feature against the "
		    "reference window.", &b);
	for (i = 0; r->has_model && i < fs->n; i++)
		prom_sample(&b, "shadowgate_feature_missing_rate", base.buf,
			    "feature", fs->key[i], fs->v[i].missing_rate);
	prom_family(f, "shadowgate_feature_missing_rate",
		    "Share of the window's cases where a feature is missing.",
		    &b);
	if (r->has_model && vc)
		prom_sample(&b, "shadowgate_version_change_rate", base.buf,
			    "previous_version", vc->previous.version, vc->rate);
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
