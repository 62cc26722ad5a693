/*
 * sample.c - the stratified sample of disagreements (sg_sample_build): the
 * window's pass in sampling mode keeps the disagreeing cases, grouped into
 * strata of (human label, model label, segments); the sample is spread
 * over them (at least one each while it allows, else proportionally by
 * largest remainder) and drawn with a seeded generator. The sample is a
 * cJSON tree (sg_sample_write prints it); its head (generated_at, model,
 * window, confidence, decision_type) is the typed report's
 * (sg_rep_fill_head), converted with sg_report_to_json.
 */
#include "sg/json.h"
#include "sg/strata.h"
#include "report_impl.h"
#include "rng.h"

/* ---- the sample's JSON ---- */

static void jnum(cJSON *o, const char *k, double v)
{
	sg_json_add_num(o, k, v);
}

static void jlong(cJSON *o, const char *k, long v)
{
	cJSON_AddNumberToObject(o, k, (double)v);
}

static void jstr(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* ---- the sample ---- */

struct stratum {
	int id;               /* in r->strata */
	int h, m, seg;
	size_t size, take, first; /* first: offset in the grouped order */
};

static const struct rep *strat_rep;

static int cmp_str(const struct intern *t, int a, int b)
{
	if (a < 0 || b < 0)
		return (a > b) - (a < b);
	return sg_bytecmp(t->s[a], t->len[a], t->s[b], t->len[b]);
}

static int cmp_stratum(const void *pa, const void *pb)
{
	const struct stratum *a = pa, *b = pb;
	int c = cmp_str(&strat_rep->labels, a->h, b->h);

	if (!c)
		c = cmp_str(&strat_rep->labels, a->m, b->m);
	if (!c)
		c = cmp_str(&strat_rep->segstr, a->seg, b->seg);
	return c;
}

/* sample_case(): the candidate and where its columns go. */
struct sample_row {
	struct rep *r;
	const struct cand *c;
	cJSON *o, *segcols, *featcols;
};

static void sample_row(void *ctx, const struct sg_scan_case *sc)
{
	struct sample_row *sr = ctx;
	struct rep *r = sr->r;
	const struct cand *c = sr->c;
	cJSON *o = sr->o, *seg, *fo, *it;

	jstr(o, "case_id", sc->case_id);
	jstr(o, "night", sc->night);
	if (r->numeric) {
		jnum(o, "human", c->hv);
		jnum(o, "model", c->mv);
	} else {
		jstr(o, "human", r->labels.s[c->h]);
		jstr(o, "model", r->labels.s[c->m]);
	}
	jnum(o, "score", c->score);
	seg = sc->segments ? cJSON_Parse(sc->segments) : NULL;
	if (!cJSON_IsObject(seg)) {
		cJSON_Delete(seg);
		seg = cJSON_CreateObject();
	}
	cJSON_ArrayForEach(it, seg)
	{
		cJSON *k;
		int found = 0;

		cJSON_ArrayForEach(k, sr->segcols)
		{
			if (!strcmp(k->valuestring, it->string))
				found = 1;
		}
		if (!found)
			cJSON_AddItemToArray(sr->segcols,
					     cJSON_CreateString(it->string));
	}
	cJSON_AddItemToObject(o, "segments", seg);
	fo = cJSON_AddObjectToObject(o, "features");
	if (sc->has_features) {
		struct fset *f = sg_rep_feature_set(r, sc->feature_set);
		const char *blob = sc->features;
		size_t n = sc->features_len / sizeof(double);
		size_t i;

		for (i = 0; f && i < n && i < f->n; i++) {
			const char *name = r->featnames.s[f->name[i]];
			cJSON *k;
			double x;
			int found = 0;

			memcpy(&x, blob + i * sizeof(double), sizeof(x));
			jnum(fo, name, x);
			cJSON_ArrayForEach(k, sr->featcols)
			{
				if (!strcmp(k->valuestring, name))
					found = 1;
			}
			if (!found)
				cJSON_AddItemToArray(sr->featcols,
						     cJSON_CreateString(name));
		}
	}
}

static int sample_case(struct rep *r, const struct cand *c, cJSON *arr,
		       cJSON *segcols, cJSON *featcols, struct sg_diag *diag)
{
	struct sample_row sr;

	sr.r = r;
	sr.c = c;
	sr.o = cJSON_CreateObject();
	sr.segcols = segcols;
	sr.featcols = featcols;
	cJSON_AddItemToArray(arr, sr.o);
	return sg_scan_case_row(r->s, c->rowid, sample_row, &sr, diag);
}

int sg_sample_build(struct sg_store *s, const struct sg_sample_opts *opts,
		    cJSON **out, struct sg_diag *diag)
{
	struct rep r;
	struct stratum *strata = NULL;
	size_t ns, i, j, total;
	cJSON *root = NULL, *o, *arr, *segcols, *featcols;
	struct sg_report *head;
	uint64_t state = opts->seed;
	int *rank = NULL, ret;

	*out = NULL;
	ret = sg_rep_prepare(&r, s, &opts->report, diag);
	if (ret)
		goto out;
	if (!r.model.id) {
		sg_diag_set(diag, NULL, 0, 0,
			    "the store has no model predictions to sample "
			    "disagreements from");
		ret = SG_EUSAGE;
		goto out;
	}
	r.sampling = 1;
	ret = sg_rep_scan(&r, diag);
	if (ret)
		goto out;
	ns = r.strata.n;
	total = r.ncands;
	strata = sg_xcalloc(ns + 1, sizeof(*strata));
	for (i = 0; i < ns; i++) {
		const int *key = (const int *)r.strata.s[i];

		strata[i].id = (int)i;
		strata[i].h = key[0];
		strata[i].m = key[1];
		strata[i].seg = key[2];
	}
	for (i = 0; i < total; i++)
		strata[r.cands[i].stratum].size++;
	strat_rep = &r;
	sg_sort(strata, ns, sizeof(*strata), cmp_stratum);
	strat_rep = NULL;
	/* renumber the candidates by stratum rank, grouped in scan order */
	rank = sg_xcalloc(ns + 1, sizeof(int));
	for (i = 0; i < ns; i++)
		rank[strata[i].id] = (int)i;
	for (i = 0; i < total; i++)
		r.cands[i].stratum = rank[r.cands[i].stratum];
	{
		/* counting sort keeps the scan order inside a stratum */
		struct cand *g = sg_xcalloc(total + 1, sizeof(*g));
		size_t *pos = sg_xcalloc(ns + 1, sizeof(size_t));

		for (i = 0, j = 0; i < ns; i++) {
			strata[i].first = j;
			pos[i] = j;
			j += strata[i].size;
		}
		for (i = 0; i < total; i++)
			g[pos[r.cands[i].stratum]++] = r.cands[i];
		free(pos);
		free(r.cands);
		r.cands = g;
	}
	/* at least one a stratum while n allows, then proportional */
	{
		long *size = sg_xcalloc(ns ? ns : 1, sizeof(*size));
		long *take = sg_xcalloc(ns ? ns : 1, sizeof(*take));

		for (i = 0; i < ns; i++)
			size[i] = (long)strata[i].size;
		sg_allocate(size, ns, opts->n, 1, take);
		for (i = 0; i < ns; i++)
			strata[i].take = (size_t)take[i];
		free(size);
		free(take);
	}

	/* the report's head, its counts aside (the sample stays a tree) */
	head = sg_report_new();
	sg_rep_fill_head(&r, head);
	root = sg_report_to_json(head);
	sg_report_free(head);
	cJSON_DeleteItemFromObjectCaseSensitive(root, "counts");
	cJSON_DeleteItemFromObjectCaseSensitive(root, "cases");
	cJSON_DeleteItemFromObjectCaseSensitive(root, "report_version");
	cJSON_DeleteItemFromObjectCaseSensitive(root, "human_baseline");
	jnum(root, "seed", (double)opts->seed);
	jlong(root, "requested", opts->n);
	jlong(root, "disagreements", (long)total);
	jlong(root, "strata", (long)ns);
	o = cJSON_AddObjectToObject(root, "columns");
	segcols = cJSON_AddArrayToObject(o, "segments");
	featcols = cJSON_AddArrayToObject(o, "features");
	arr = cJSON_AddArrayToObject(root, "cases");
	for (i = 0; i < ns; i++) {
		struct cand *c = r.cands + strata[i].first;
		size_t n = strata[i].size, k = strata[i].take;

		/* partial Fisher-Yates over the stratum, then keep the
		 * picked ones in scan order */
		for (j = 0; j < k; j++) {
			size_t x = j + (size_t)sg_uniform(&state, n - j);
			struct cand t = c[j];

			c[j] = c[x];
			c[x] = t;
		}
		{
			/* order the k picked by rowid: small insertion sort */
			size_t a, b;

			for (a = 1; a < k; a++) {
				struct cand t = c[a];

				for (b = a; b > 0 && c[b - 1].rowid > t.rowid;
				     b--)
					c[b] = c[b - 1];
				c[b] = t;
			}
		}
		for (j = 0; j < k; j++) {
			cJSON *last;

			ret = sample_case(&r, &c[j], arr, segcols, featcols,
					  diag);
			if (ret)
				goto out;
			last = cJSON_GetArrayItem(arr,
						  cJSON_GetArraySize(arr) - 1);
			jlong(last, "stratum", (long)i + 1);
		}
	}
	*out = root;
	root = NULL;
	ret = 0;
out:
	free(strata);
	free(rank);
	cJSON_Delete(root);
	sg_rep_release(&r);
	return ret;
}
