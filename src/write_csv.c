/*
 * write_csv.c - the CSV views: the report as one document with a
 * `section` column, and the review sample.
 */
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
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

/*
 * One row: section,name,key,human,model,count,n,agree,rate,ci_low,
 * ci_high,below_overall,value.
 */
static void csv_row(FILE *f, const char *section, const char *name,
		    const char *key, const char *human, const char *model,
		    const cJSON *cnt, const cJSON *acc, const cJSON *value)
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
	sg_write_csv_value(f, cnt);
	fputc(',', f);
	if (acc) {
		sg_write_csv_value(f, get(acc, "n"));
		fputc(',', f);
		sg_write_csv_value(f, get(acc, get(acc, "within") ? "within" : "agree"));
		fputc(',', f);
		sg_write_csv_value(f, get(acc, "rate"));
		fputc(',', f);
		sg_write_csv_value(f, cJSON_GetArrayItem(get(acc, "ci95"), 0));
		fputc(',', f);
		sg_write_csv_value(f, cJSON_GetArrayItem(get(acc, "ci95"), 1));
		fputc(',', f);
		sg_write_csv_value(f, get(acc, "below_overall"));
	} else {
		fputs(",,,,,", f);
	}
	fputc(',', f);
	sg_write_csv_value(f, value);
	fputc('\n', f);
}

int sg_write_csv_report(FILE *f, const cJSON *r, int color,
			const char *verdict)
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

		sg_fmt_double(t, num(v, "threshold"));
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
	(void)color;
	(void)verdict;
	return 0;
}

void sg_write_csv_sample(FILE *f, const cJSON *s)
{
	const cJSON *cols = get(s, "columns"), *segs = get(cols, "segments");
	const cJSON *feats = get(cols, "features"), *c, *k;

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
	cJSON_ArrayForEach(c, get(s, "cases"))
	{
		sg_write_csv_value(f, get(c, "case_id"));
		fputc(',', f);
		sg_write_csv_value(f, get(c, "night"));
		fputc(',', f);
		sg_write_csv_value(f, get(c, "stratum"));
		fputc(',', f);
		sg_write_csv_value(f, get(c, "human"));
		fputc(',', f);
		sg_write_csv_value(f, get(c, "model"));
		fputc(',', f);
		sg_write_csv_value(f, get(c, "score"));
		cJSON_ArrayForEach(k, segs)
		{
			fputc(',', f);
			sg_write_csv_value(f, get(get(c, "segments"), k->valuestring));
		}
		cJSON_ArrayForEach(k, feats)
		{
			fputc(',', f);
			sg_write_csv_value(f, get(get(c, "features"), k->valuestring));
		}
		fputc('\n', f);
	}
}
