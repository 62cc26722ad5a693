/*
 * write_util.c - what the typed report's views share: segment and night
 * rows worst first, numbers for people, a feature and a segment value
 * looked up by name, the software metrics by index, the features out of
 * their reference range, and the gate's numbers as its text and Markdown
 * views write them.
 */
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/gate.h"
#include "sg/report_types.h"
#include "write_impl.h"

const char *const sg_write_sw_metrics[SG_WRITE_SW_METRICS] = {
	"error_rate", "p50_ms", "p95_ms", "p99_ms", "throughput",
	"peak_rss_kb"};

static int cmp_worst(const void *pa, const void *pb)
{
	const struct sg_row *a = pa, *b = pb;
	double ar = a->o->rate, br = b->o->rate;
	int an = isfinite(ar), bn = isfinite(br);

	if (a->rank != b->rank)
		return (a->rank > b->rank) - (a->rank < b->rank);

	if (an != bn)
		return bn - an; /* undefined last */
	if (an && ar != br)
		return ar < br ? -1 : 1;
	if (a->o->n != b->o->n)
		return a->o->n > b->o->n ? -1 : 1;
	return 0;
}

/* Room for one more row. */
static struct sg_row *row_add(struct sg_row *rows, size_t cnt, size_t *cap)
{
	if (cnt == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		rows = sg_xrealloc(rows, *cap * sizeof(*rows));
	}
	return rows;
}

struct sg_row *sg_write_worst_rows(const struct sg_report *r, int nights,
				   int grouped, size_t *n)
{
	struct sg_row *rows = NULL;
	size_t cnt = 0, cap = 0, i, j;

	for (i = 0; r->has_model && nights && i < r->nights.n; i++) {
		rows = row_add(rows, cnt, &cap);
		rows[cnt].rank = 0;
		rows[cnt].group = "night";
		rows[cnt].key = r->nights.key[i];
		rows[cnt].o = &r->nights.v[i];
		cnt++;
	}
	for (i = 0; r->has_model && !nights && i < r->segments.n; i++) {
		const struct sg_map_rate *vs = &r->segments.v[i].values;

		for (j = 0; j < vs->n; j++) {
			rows = row_add(rows, cnt, &cap);
			rows[cnt].rank = grouped ? (int)i : 0;
			rows[cnt].group = r->segments.key[i];
			rows[cnt].key = vs->key[j];
			rows[cnt].o = &vs->v[j];
			cnt++;
		}
	}
	if (cnt)
		qsort(rows, cnt, sizeof(*rows), cmp_worst);
	*n = cnt;
	return rows;
}

/* "%.4g" (digits 0: "%.6g"), or "-" when undefined. */
const char *sg_write_fmt_gn(char *buf, double v, int digits)
{
	if (isfinite(v))
		snprintf(buf, NUM_BUF, "%.*g", digits, v);
	else
		snprintf(buf, NUM_BUF, "-");
	return buf;
}

const struct sg_report_feature *
sg_write_feature(const struct sg_map_feature *fs, const char *name)
{
	size_t i;

	for (i = 0; name && i < fs->n; i++)
		if (!strcmp(fs->key[i], name))
			return &fs->v[i];
	return NULL;
}

long long sg_write_segment_cases(const struct sg_map_segshare *values,
				 const char *value)
{
	size_t i;

	for (i = 0; value && i < values->n; i++)
		if (!strcmp(values->key[i], value))
			return values->v[i].cases;
	return 0;
}

int sg_write_out_of_range(FILE *f, const struct sg_map_fnight *night,
			  const struct sg_map_feature *fs, const char *lead,
			  void (*put)(FILE *, const char *))
{
	char b[4][NUM_BUF];
	size_t i;
	int n = 0;

	for (i = 0; i < night->n; i++) {
		const struct sg_report_feature *x =
			sg_write_feature(fs, night->key[i]);
		const struct sg_report_fstat *ref = x ? x->reference : NULL;
		double lo = night->v[i].min, hi = night->v[i].max;
		double rlo = ref ? ref->min : NAN, rhi = ref ? ref->max : NAN;

		if (!isfinite(lo) || !isfinite(rlo) || (lo >= rlo && hi <= rhi))
			continue;
		fputs(n++ ? ", " : lead, f);
		put(f, night->key[i]);
		fprintf(f, " %s .. %s (reference %s .. %s)",
			sg_write_fmt_gn(b[0], lo, 6), sg_write_fmt_gn(b[1], hi, 6),
			sg_write_fmt_gn(b[2], rlo, 6), sg_write_fmt_gn(b[3], rhi, 6));
	}
	return n;
}

double sg_write_night_metric(const struct sg_report_run_night *v, size_t i)
{
	const double m[SG_WRITE_SW_METRICS] = {v->error_rate, v->p50_ms,
					       v->p95_ms, v->p99_ms,
					       v->throughput, v->peak_rss_kb};

	return i < SG_WRITE_SW_METRICS ? m[i] : NAN;
}

const struct sg_report_delta *
sg_write_change_metric(const struct sg_report_change *c, size_t i)
{
	const struct sg_report_delta *m[SG_WRITE_SW_METRICS] = {
		&c->error_rate, &c->p50_ms, &c->p95_ms, &c->p99_ms,
		&c->throughput, &c->peak_rss_kb};

	return i < SG_WRITE_SW_METRICS ? m[i] : NULL;
}

void sg_write_gate_value(char *buf, size_t n, double v)
{
	if (isfinite(v))
		snprintf(buf, n, "%.4f", v);
	else
		snprintf(buf, n, "-");
}

void sg_write_check_value(char *buf, size_t n, const struct sg_gate_check *c,
			  double v)
{
	if (isfinite(v) && !strcmp(c->name, "min_cases"))
		snprintf(buf, n, "%.0f", v);
	else
		sg_write_gate_value(buf, n, v);
}
