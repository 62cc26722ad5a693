/*
 * write_csv.c - the CSV views: the typed report as one document with a
 * `section` column, and the review sample (a cJSON tree).
 */
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/report_types.h"
#include "write_impl.h"

void sg_write_csv_field(FILE *f, const char *s)
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
	sg_fmt_double(b, v);
	fputs(b, f);
}

void sg_write_csv_value(FILE *f, const cJSON *v)
{
	if (cJSON_IsString(v))
		sg_write_csv_field(f, v->valuestring);
	else if (cJSON_IsNumber(v))
		csv_num(f, v->valuedouble);
	else if (cJSON_IsBool(v))
		fputs(cJSON_IsTrue(v) ? "true" : "false", f);
}

/* The agreement columns of a row (n, agree, rate, ci_low, ci_high,
 * below_overall): NaN and NULL leave a column empty; below -1: no
 * below_overall. */
struct csv_acc {
	double n, agree, rate;
	const double *ci95;
	int below;
};

static struct csv_acc acc_rate(const struct sg_rate *a, int below)
{
	struct csv_acc c = {(double)a->n, (double)a->agree, a->rate, a->ci95,
			    below ? a->below_overall : -1};

	return c;
}

/*
 * One row: section,name,key,human,model,count,n,agree,rate,ci_low,
 * ci_high,below_overall,value; count and value NaN: empty.
 */
static void csv_row(FILE *f, const char *section, const char *name,
		    const char *key, const char *human, const char *model,
		    double cnt, const struct csv_acc *acc, double value)
{
	sg_write_csv_field(f, section);
	fputc(',', f);
	sg_write_csv_field(f, name);
	fputc(',', f);
	sg_write_csv_field(f, key);
	fputc(',', f);
	sg_write_csv_field(f, human);
	fputc(',', f);
	sg_write_csv_field(f, model);
	fputc(',', f);
	csv_num(f, cnt);
	fputc(',', f);
	if (acc) {
		csv_num(f, acc->n);
		fputc(',', f);
		csv_num(f, acc->agree);
		fputc(',', f);
		csv_num(f, acc->rate);
		fputc(',', f);
		csv_num(f, acc->ci95 ? acc->ci95[0] : NAN);
		fputc(',', f);
		csv_num(f, acc->ci95 ? acc->ci95[1] : NAN);
		fputc(',', f);
		if (acc->below >= 0)
			fputs(acc->below ? "true" : "false", f);
	} else {
		fputs(",,,,,", f);
	}
	fputc(',', f);
	csv_num(f, value);
	fputc('\n', f);
}

/* A label of the confusion matrix, NULL past its end. */
static const char *label_at(const struct sg_strs *l, size_t i)
{
	return i < l->n ? l->v[i] : NULL;
}

int sg_write_csv_report(FILE *f, const struct sg_report *r, int color,
			const char *verdict)
{
	const struct sg_report_kappa *k = &r->kappa;
	const struct sg_report_confusion *cf = &r->confusion;
	const struct sg_report_outputs *o = &r->outputs;
	const struct sg_report_regression *g = r->regression;
	struct csv_acc acc;
	size_t i, j;

	(void)color;
	(void)verdict;
	fputs("section,name,key,human,model,count,n,agree,rate,ci_low,ci_high,"
	      "below_overall,value\n", f);
	if (!r->has_model)
		return 0;
	acc = acc_rate(&r->agreement, 0);
	csv_row(f, "agreement", NULL, NULL, NULL, NULL, NAN, &acc, NAN);
	if (r->decision_type && !strcmp(r->decision_type, "label")) {
		/* the kappa with its interval; weighted ones when computed */
		struct csv_acc kc = {NAN, NAN, NAN, k->ci95, -1};

		csv_row(f, "kappa", "cohen", NULL, NULL, NULL, NAN, &kc,
			k->value);
		if (!isnan(k->linear_weighted))
			csv_row(f, "kappa", "linear_weighted", NULL, NULL, NULL,
				NAN, NULL, k->linear_weighted);
		if (!isnan(k->quadratic_weighted))
			csv_row(f, "kappa", "quadratic_weighted", NULL, NULL,
				NULL, NAN, NULL, k->quadratic_weighted);
		if (isfinite(r->ac1.value)) {
			struct csv_acc ac = {NAN, NAN, NAN, r->ac1.ci95, -1};

			csv_row(f, "kappa", "gwet_ac1", NULL, NULL, NULL, NAN,
				&ac, r->ac1.value);
		}
	}
	for (i = 0; i < cf->matrix.rows; i++)
		for (j = 0; j < cf->matrix.cols; j++)
			csv_row(f, "confusion", NULL, NULL,
				label_at(&cf->labels, i),
				label_at(&cf->labels, j),
				(double)cf->matrix.v[i * cf->matrix.cols + j],
				NULL, NAN);
	for (i = 0; i < r->per_class.n; i++) {
		const struct sg_report_class *c = &r->per_class.v[i];
		const char *key = r->per_class.key[i];
		double sup = (double)c->support;

		csv_row(f, "per_class", "precision", key, NULL, NULL, sup, NULL,
			c->precision);
		csv_row(f, "per_class", "recall", key, NULL, NULL, sup, NULL,
			c->recall);
		csv_row(f, "per_class", "f1", key, NULL, NULL, sup, NULL, c->f1);
	}
	for (i = 0; i < r->segments.n; i++) {
		const struct sg_map_rate *vs = &r->segments.v[i].values;

		for (j = 0; j < vs->n; j++) {
			acc = acc_rate(&vs->v[j], 1);
			csv_row(f, "segment", r->segments.key[i], vs->key[j],
				NULL, NULL, NAN, &acc, NAN);
		}
	}
	for (i = 0; i < r->nights.n; i++) {
		acc = acc_rate(&r->nights.v[i], 1);
		csv_row(f, "night", NULL, r->nights.key[i], NULL, NULL, NAN,
			&acc, NAN);
	}
	if (g) {
		const struct sg_report_within *w = &g->within_tolerance;
		struct csv_acc wc = {(double)w->n, (double)w->within, w->rate,
				     w->ci95, -1};

		csv_row(f, "regression", "mae", NULL, NULL, NULL, NAN, NULL,
			g->mae);
		csv_row(f, "regression", "rmse", NULL, NULL, NULL, NAN, NULL,
			g->rmse);
		csv_row(f, "regression", "bias", NULL, NULL, NULL, NAN, NULL,
			g->bias);
		csv_row(f, "regression", "within_tolerance", NULL, NULL, NULL,
			NAN, &wc, w->tolerance);
	}
	for (i = 0; i < r->coverage.points.n; i++) {
		const struct sg_report_point *p = &r->coverage.points.v[i];
		struct csv_acc pc = {(double)p->n, (double)p->agree, p->rate,
				     p->ci95, -1};
		char t[40];

		sg_fmt_double(t, p->threshold);
		csv_row(f, "coverage", NULL, t, NULL, NULL, NAN, &pc,
			p->coverage);
	}
	for (i = 0; i < r->inputs.features.n; i++) {
		const struct sg_report_feature *x = &r->inputs.features.v[i];
		const char *key = r->inputs.features.key[i];
		const struct {
			const char *name;
			double v;
		} fm[] = {{"missing_rate", x->missing_rate}, {"mean", x->mean},
			  {"std", x->std}, {"min", x->min}, {"max", x->max},
			  {"psi", x->psi}, {"ks", x->ks},
			  {"ks_pvalue", x->ks_pvalue}};

		for (j = 0; j < sizeof(fm) / sizeof(fm[0]); j++)
			csv_row(f, "feature", fm[j].name, key, NULL, NULL,
				(double)x->cases, NULL, fm[j].v);
	}
	if (o->label_shift)
		csv_row(f, "output", "label_shift", o->label_shift->label,
			NULL, NULL, NAN, NULL, o->label_shift->value);
	if (o->chi_square)
		csv_row(f, "output", "chi_square", NULL, NULL, NULL,
			o->chi_square->df, NULL, o->chi_square->statistic);
	csv_row(f, "output", "error_rate", NULL, NULL, NULL, (double)o->errors,
		NULL, o->error_rate);
	csv_row(f, "output", "empty_rate", NULL, NULL, NULL, (double)o->empty,
		NULL, o->empty_rate);
	return 0;
}

/* The sample's member k of o (NULL when o or the member is not there). */
static const cJSON *member(const cJSON *o, const char *k)
{
	return o ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

void sg_write_csv_sample(FILE *f, const cJSON *s)
{
	const cJSON *cols = member(s, "columns"), *segs = member(cols, "segments");
	const cJSON *feats = member(cols, "features"), *c, *k;

	fputs("case_id,night,stratum,human,model,score", f);
	cJSON_ArrayForEach(k, segs)
	{
		fputc(',', f);
		sg_write_csv_field(f, k->valuestring);
	}
	cJSON_ArrayForEach(k, feats)
	{
		fputc(',', f);
		sg_write_csv_field(f, k->valuestring);
	}
	fputc('\n', f);
	cJSON_ArrayForEach(c, member(s, "cases"))
	{
		sg_write_csv_value(f, member(c, "case_id"));
		fputc(',', f);
		sg_write_csv_value(f, member(c, "night"));
		fputc(',', f);
		sg_write_csv_value(f, member(c, "stratum"));
		fputc(',', f);
		sg_write_csv_value(f, member(c, "human"));
		fputc(',', f);
		sg_write_csv_value(f, member(c, "model"));
		fputc(',', f);
		sg_write_csv_value(f, member(c, "score"));
		cJSON_ArrayForEach(k, segs)
		{
			fputc(',', f);
			sg_write_csv_value(
				f, member(member(c, "segments"), k->valuestring));
		}
		cJSON_ArrayForEach(k, feats)
		{
			fputc(',', f);
			sg_write_csv_value(
				f, member(member(c, "features"), k->valuestring));
		}
		fputc('\n', f);
	}
}
