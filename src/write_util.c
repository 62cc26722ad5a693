/*
 * write_util.c - what the report's views share: segment and night rows
 * worst first, numbers for people, the features out of their reference
 * range, and the gate's numbers as its text and Markdown views write them.
 */
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/gate.h"
#include "write_impl.h"

const char *const sg_write_sw_metrics[SG_WRITE_SW_METRICS] = {
	"error_rate", "p50_ms", "p95_ms", "p99_ms", "throughput",
	"peak_rss_kb"};

static int cmp_worst(const void *pa, const void *pb)
{
	const struct sg_row *a = pa, *b = pb;
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
struct sg_row *sg_write_worst_rows(const cJSON *report, int nights,
				   int grouped, size_t *n)
{
	int rank = 0;
	const cJSON *top = get(report, nights ? "nights" : "segments"), *g, *v;
	struct sg_row *rows = NULL;
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

/* "%.4g" (digits 0: "%.6g"), or "-" when undefined. */
const char *sg_write_fmt_gn(char *buf, double v, int digits)
{
	if (isfinite(v))
		snprintf(buf, NUM_BUF, "%.*g", digits, v);
	else
		snprintf(buf, NUM_BUF, "-");
	return buf;
}

/*
 * The features of a night (inputs.nights.<night>.features) whose values
 * leave the range of their reference (inputs.features.<name>.reference):
 * lead once, then "income 35000 .. 95000 (reference 40000 .. 80000)"
 * for each, comma separated, names written by put. Nothing when none
 * does (or there is no reference range). Returns how many are written.
 */
int sg_write_out_of_range(FILE *f, const cJSON *night, const cJSON *fs,
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
			sg_write_fmt_gn(b[0], lo, 6), sg_write_fmt_gn(b[1], hi, 6),
			sg_write_fmt_gn(b[2], rlo, 6), sg_write_fmt_gn(b[3], rhi, 6));
	}
	return n;
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
