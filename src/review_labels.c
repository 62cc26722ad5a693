/*
 * review_labels.c - review export-labels: the window's reviewed cases
 * with a resolved verdict (the majority of their reviewers, as the
 * review block counts them), each with its night, segments, the features
 * it was ingested with, the two decisions, the verdict and how many
 * reviewers gave it: training data with adjudicated labels, as CSV or
 * JSON Lines.
 */
#include "review_impl.h"

/* A window case's resolved verdict (verdict NULL: none). */
struct label {
	char *verdict;
	long agreed, reviewers;
};

struct labels {
	const struct rv_window *w;
	struct label *l;      /* parallel to w->c (sorted by rowid) */
	long tied;
};

static void case_votes(void *ctx, long long case_ref, const struct rv_vote *v,
		       size_t n)
{
	struct labels *x = ctx;
	const struct rv_case *c = rv_window_find(x->w, case_ref);
	struct label *l;
	size_t best;
	long agreed;

	if (!c)
		return;
	if (rv_majority(v, n, &best, &agreed, NULL)) {
		x->tied++;
		return;
	}
	l = &x->l[c - x->w->c];
	l->verdict = sg_xstrdup(v[best].verdict);
	l->agreed = agreed;
	l->reviewers = (long)n;
}

static int write_rows(FILE *f, const cJSON *rows, const cJSON *segcols,
		      const cJSON *featcols, enum sg_review_format format)
{
	static const char *const lead[] = {"case_id", "night"};
	static const char *const tail[] = {"human", "model", "verdict",
					   "agreed", "reviewers"};
	const cJSON *o;

	if (format == SG_REVIEW_CSV) {
		rv_write_csv(f, rows, lead, 2, segcols, featcols, tail, 5);
	} else {
		cJSON_ArrayForEach(o, rows)
		{
			char *t = cJSON_PrintUnformatted(o);

			fputs(t, f);
			fputc('\n', f);
			cJSON_free(t);
		}
	}
	if (fflush(f) || ferror(f))
		return SG_EIO;
	return 0;
}

int sg_review_export_labels(struct sg_store *s,
			    const struct sg_report_opts *opts,
			    enum sg_review_format format, FILE *out,
			    struct sg_review_labels_info *info,
			    struct sg_diag *diag)
{
	struct rv_window w;
	struct labels x;
	struct sg_scan_names *names = NULL;
	long long *order = NULL;
	cJSON *rows = NULL, *segcols = NULL, *featcols = NULL;
	size_t i, n = 0;
	int ret;

	memset(info, 0, sizeof(*info));
	memset(&x, 0, sizeof(x));
	if (format != SG_REVIEW_CSV && format != SG_REVIEW_JSONL) {
		sg_diag_set(diag, NULL, 0, 0,
			    "export-labels writes csv or jsonl");
		return SG_EUSAGE;
	}
	ret = rv_window_collect(&w, s, opts, diag);
	if (ret)
		goto out;
	/* the pass's (night, case) order, kept for the rows */
	n = w.n;
	order = sg_xcalloc(n + 1, sizeof(*order));
	for (i = 0; i < n; i++)
		order[i] = w.c[i].rowid;
	rv_window_sort_rowid(&w);
	x.w = &w;
	x.l = sg_xcalloc(n + 1, sizeof(*x.l));
	ret = rv_votes_each(s, w.r.model.id, case_votes, &x, diag);
	if (ret)
		goto out;
	info->tied = x.tied;
	/* the rows, read before anything is written */
	rows = cJSON_CreateArray();
	segcols = cJSON_CreateArray();
	featcols = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		const struct rv_case *c = rv_window_find(&w, order[i]);
		const struct label *l = &x.l[c - w.c];
		struct rv_row r;

		if (!l->verdict)
			continue;
		r.s = s;
		r.names = &names;
		r.o = cJSON_CreateObject();
		r.segcols = segcols;
		r.featcols = featcols;
		cJSON_AddItemToArray(rows, r.o);
		ret = rv_case_row(&r, c->rowid, diag);
		if (ret)
			goto out;
		cJSON_AddStringToObject(r.o, "human", w.labels.s[c->h]);
		cJSON_AddStringToObject(r.o, "model", w.labels.s[c->m]);
		cJSON_AddStringToObject(r.o, "verdict", l->verdict);
		cJSON_AddNumberToObject(r.o, "agreed", (double)l->agreed);
		cJSON_AddNumberToObject(r.o, "reviewers", (double)l->reviewers);
		info->rows++;
	}
	ret = write_rows(out, rows, segcols, featcols, format);
	if (ret)
		sg_diag_set(diag, NULL, 0, 0, "cannot write the labels");
out:
	if (x.l)
		for (i = 0; i < n; i++)
			free(x.l[i].verdict);
	free(x.l);
	free(order);
	sg_scan_names_close(names);
	cJSON_Delete(rows);
	cJSON_Delete(segcols);
	cJSON_Delete(featcols);
	rv_window_release(&w);
	return ret;
}
