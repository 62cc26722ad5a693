/*
 * write_impl.h - private to the output writers (writer.c, write_*.c): the
 * helpers that more than one format shares, and each format's entry
 * points, which the registry in writer.c lists. The report writers read
 * the typed report (sg/report_types.h); only the review sample is still a
 * cJSON tree. Nothing outside the writers includes it.
 */
#ifndef SG_WRITE_IMPL_H
#define SG_WRITE_IMPL_H

#include <cjson/cJSON.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>

#include "sg/report_types.h"

struct sg_gate_result;
struct sg_gate_check;

/* Room for any "%.4f" of a double, and for two of them. */
#define NUM_BUF 320
#define CI_BUF 640

/* ---- shared by the text and Markdown views (write_util.c) ---- */

/* The metrics of software.change, in its order, as the tables name them. */
#define SG_WRITE_SW_METRICS 6
extern const char *const sg_write_sw_metrics[SG_WRITE_SW_METRICS];

/* The metrics of software.nights.<night> and of software.change, index
 * i (< SG_WRITE_SW_METRICS) in sg_write_sw_metrics' order. */
double sg_write_night_metric(const struct sg_report_run_night *v, size_t i);
const struct sg_report_delta *
sg_write_change_metric(const struct sg_report_change *c, size_t i);

/* A segment or night row, to sort worst first. */
struct sg_row {
	int rank;             /* rows of a lower rank first */
	const char *group, *key;
	const struct sg_rate *o;
};

/*
 * The report's segment values (group = column) or nights, worst first:
 * the lowest rate first, undefined last, then the most cases; grouped:
 * segments column by column. The rows point into r. The caller frees
 * the array; *n rows (none without a model).
 */
struct sg_row *sg_write_worst_rows(const struct sg_report *r, int nights,
				   int grouped, size_t *n);

/* "%.*g" of v with digits into buf (NUM_BUF bytes), or "-" when undefined. */
const char *sg_write_fmt_gn(char *buf, double v, int digits);

/* The feature called name in fs (inputs.features), or NULL. */
const struct sg_report_feature *
sg_write_feature(const struct sg_map_feature *fs, const char *name);

/* The window's cases of a segment value (inputs.segments.<column>.values),
 * 0 when it is not there. */
long long sg_write_segment_cases(const struct sg_map_segshare *values,
				 const char *value);

/*
 * The features of a night (inputs.nights.<night>.features) whose values
 * leave the range of their reference (fs: inputs.features, each with its
 * reference): lead once, then "income 35000 .. 95000 (reference 40000 ..
 * 80000)" for each, comma separated, names written by put. Nothing when
 * none does (or there is no reference range). Returns how many are
 * written.
 */
int sg_write_out_of_range(FILE *f, const struct sg_map_fnight *night,
			  const struct sg_map_feature *fs, const char *lead,
			  void (*put)(FILE *, const char *));

/* A gate number as "%.4f" into buf (n bytes), or "-" when undefined. */
void sg_write_gate_value(char *buf, size_t n, double v);

/* A check's number as written for people: a count of cases as an integer
 * ("432", not "432.0000"), any other as sg_write_gate_value. */
void sg_write_check_value(char *buf, size_t n, const struct sg_gate_check *c,
			  double v);

/* ---- shared by the CSV views (write_csv.c) ---- */

/* A CSV field, quoted when it holds a comma, quote or line end; nothing
 * for NULL. */
void sg_write_csv_field(FILE *f, const char *s);

/* A string, number (shortest exact form; nothing when undefined) or
 * boolean of a cJSON tree (the sample, the review queue) as a CSV field;
 * nothing for any other value. */
void sg_write_csv_value(FILE *f, const cJSON *v);

/* ---- each format's entry points, listed by the registry (writer.c) ---- */

/*
 * A report writer: the typed report r to f. color asks for ANSI colour
 * (text only); verdict, when not NULL, is the gate's verdict for the
 * formats that carry it (Prometheus). Returns 0 or SG_EIO.
 */
int sg_write_json_report(FILE *f, const struct sg_report *r, int color,
			 const char *verdict);
int sg_write_text_report(FILE *f, const struct sg_report *r, int color,
			 const char *verdict);
int sg_write_markdown_report(FILE *f, const struct sg_report *r, int color,
			     const char *verdict);
int sg_write_csv_report(FILE *f, const struct sg_report *r, int color,
			const char *verdict);
int sg_write_prometheus_report(FILE *f, const struct sg_report *r, int color,
			       const char *verdict);

/* A gate writer: the verdict (for model, when not NULL) to f. */
int sg_write_json_gate(FILE *out, const struct sg_gate_result *r,
		       const char *model);
int sg_write_text_gate(FILE *out, const struct sg_gate_result *r,
		       const char *model);
int sg_write_markdown_gate(FILE *out, const struct sg_gate_result *r,
			   const char *model);

/* The sample as CSV (write_csv.c). */
void sg_write_csv_sample(FILE *f, const cJSON *sample);

#endif
