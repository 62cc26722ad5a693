/*
 * writer.h - the registry of output formats: one entry per format (JSON,
 * text, Markdown, CSV, Prometheus, JUnit), each with the file extension
 * nightly gives it and its report and gate writers. Commands, the config
 * check of report.formats and sg_report_write / sg_gate_write find a
 * format here by name; no other place lists the names.
 */
#ifndef SG_WRITER_H
#define SG_WRITER_H

#include <cjson/cJSON.h>
#include <stdio.h>

struct sg_gate_result;
struct sg_report;

struct sg_writer_ops {
	const char *name;      /* as --format and report.formats spell it */
	const char *extension; /* of nightly's files: report.json, gate.xml */
	/*
	 * Writes the report to f; color: ANSI colour (text only);
	 * verdict: the gate's verdict, or NULL, for the formats that carry
	 * it (Prometheus). Returns 0 or SG_EIO. NULL: not a report format.
	 */
	int (*write_report)(FILE *f, const struct sg_report *report,
			    int color, const char *verdict);
	/*
	 * Writes the gate's verdict (for model, when not NULL) to f. Returns
	 * 0 or a negative SG_E* code. NULL: not a gate format.
	 */
	int (*write_gate)(FILE *f, const struct sg_gate_result *res,
			  const char *model);
};

/* The format called name, or NULL when there is none (or name is NULL). */
const struct sg_writer_ops *sg_writer_find(const char *name);

/*
 * The names of the report formats and of the gate formats, each list in
 * the registry's order and ended by NULL; static, never freed.
 */
extern const char *const sg_report_formats[];
extern const char *const sg_gate_formats[];

#endif
