/*
 * writer.c - the registry of output formats (see writer.h) and the entry
 * points that write by a format's name: sg_report_write, sg_gate_write,
 * sg_sample_write. Each format's code is in its own write_<format>.c.
 */
#include "sg/writer.h"

#include <stdlib.h>
#include <string.h>

#include "sg/error.h"
#include "sg/gate.h"
#include "sg/html.h"
#include "sg/report.h"
#include "write_impl.h"

/*
 * The formats, in the order messages and --help list them (the default,
 * text, first): name, nightly's file
 * extension, whether it writes a report (Y/N) and a gate (Y/N). The ops
 * table and the name lists are all made from this one list.
 */
#define WRITERS(X)                            \
	X(text, ".txt", Y, Y)                 \
	X(json, ".json", Y, Y)                \
	X(markdown, ".md", Y, Y)              \
	X(csv, ".csv", Y, N)                  \
	X(prometheus, ".prom", Y, N)          \
	X(html, ".html", Y, N)                \
	X(junit, ".xml", N, Y)

#define REPORT_FN_Y(id) sg_write_##id##_report
#define REPORT_FN_N(id) NULL
#define GATE_FN_Y(id) sg_write_##id##_gate
#define GATE_FN_N(id) NULL
#define NAME_Y(id) #id,
#define NAME_N(id)

#define OPS(id, ext, report, gate) \
	{#id, ext, REPORT_FN_##report(id), GATE_FN_##gate(id)},
#define REPORT_NAME(id, ext, report, gate) NAME_##report(id)
#define GATE_NAME(id, ext, report, gate) NAME_##gate(id)

/* JUnit's gate writer keeps its public name (gate.h) */
#define sg_write_junit_gate sg_gate_write_junit

static const struct sg_writer_ops writers[] = {WRITERS(OPS)};

const char *const sg_report_formats[] = {WRITERS(REPORT_NAME) NULL};
const char *const sg_gate_formats[] = {WRITERS(GATE_NAME) NULL};

const struct sg_writer_ops *sg_writer_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(writers) / sizeof(writers[0]); i++)
		if (!strcmp(writers[i].name, name))
			return &writers[i];
	return NULL;
}

int sg_report_write(FILE *f, const struct sg_report *report,
		    const char *format, int color)
{
	const struct sg_writer_ops *w =
		sg_writer_find(format ? format : "text");
	int ret;

	if (!w || !w->write_report)
		return SG_EUSAGE;
	ret = w->write_report(f, report, color, NULL);
	if (ret)
		return ret;
	if (fflush(f) || ferror(f))
		return SG_EIO;
	return 0;
}

int sg_report_write_prometheus(FILE *f, const struct sg_report *report,
			       const char *verdict)
{
	return sg_writer_find("prometheus")->write_report(f, report, 0,
							  verdict);
}

int sg_gate_write(FILE *out, const struct sg_gate_result *r,
		  const char *format, const char *model)
{
	const struct sg_writer_ops *w =
		sg_writer_find(format ? format : "text");

	if (!w || !w->write_gate)
		return SG_EUSAGE;
	return w->write_gate(out, r, model);
}

int sg_sample_write(FILE *f, const cJSON *sample, const char *format)
{
	const cJSON *c;

	if (!format || !strcmp(format, "csv")) {
		sg_write_csv_sample(f, sample);
	} else if (!strcmp(format, "jsonl")) {
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(sample, "cases"))
		{
			char *t = sg_report_json(c, 0);

			fputs(t, f);
			fputc('\n', f);
			free(t);
		}
	} else if (!strcmp(format, "json")) {
		char *t = sg_report_json(sample, 1);

		fputs(t, f);
		free(t);
	} else {
		return SG_EUSAGE;
	}
	if (fflush(f) || ferror(f))
		return SG_EIO;
	return 0;
}
