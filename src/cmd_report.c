/*
 * cmd_report.c - shadowgate report: agreement of a model version with the
 * human decisions over a window of nights, stored in the reports table and
 * written as text, JSON, Markdown, CSV, the Prometheus text format or an
 * HTML page (with the stored nights' trend and the policy's thresholds).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sg/buf.h"
#include "sg/gate.h"
#include "sg/html.h"
#include "sg/report.h"
#include "sg/writer.h"

enum { O_OUTPUT = 1000, O_NO_STORE };

static const struct cli_opt report_opts[] = {
	{"output", required_argument, O_OUTPUT},
	{"no-store", no_argument, O_NO_STORE},
	{NULL, 0, 0},
};

static struct {
	const char *output;
	int no_store;
} flags;

static void report_init(struct cli *c)
{
	(void)c;
	memset(&flags, 0, sizeof(flags));
}

static int report_opt(struct cli *c, int id, const char *arg)
{
	(void)c;
	switch (id) {
	case O_OUTPUT:
		flags.output = arg;
		return 0;
	case O_NO_STORE:
		flags.no_store = 1;
		return 0;
	}
	return 0;
}

static int use_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(1) && !(nc && *nc);
}

/*
 * The html page, with what a store and a config add to it: the trend of
 * the nights stored for the report's model, and, when the config in force
 * (file or flags) has a gate policy, its thresholds on the charts (the
 * report is judged for them; the verdict is gate's to give).
 */
static int write_html(struct cli *c, struct sg_store *s, FILE *out,
		      const struct sg_report *report)
{
	struct sg_html_inputs in = {0};
	struct sg_gate_result res;
	struct sg_diag quiet = {0};
	struct sg_buf model = SG_BUF_INIT;
	cJSON *nights = NULL;
	int ret, judged;

	judged = !sg_gate_judge(report, &c->cfg.gate, &res, &quiet);
	if (report->model)
		sg_buf_addf(&model, "%s@%s",
			    report->model->name ? report->model->name : "",
			    report->model->version ? report->model->version
						   : "");
	ret = sg_store_history_nights(s, model.buf, &nights, &c->diag);
	if (!ret) {
		in.gate = judged ? &res : NULL;
		in.nights = nights;
		ret = sg_write_html_page(out, report, &in);
		if (!ret && (fflush(out) || ferror(out)))
			ret = SG_EIO;
	}
	if (judged)
		sg_gate_result_release(&res);
	cJSON_Delete(nights);
	sg_buf_release(&model);
	return ret;
}

static int run_report(struct cli *c, struct sg_store *s)
{
	struct sg_report_opts o;
	struct sg_report *report = NULL;
	FILE *out = stdout;
	long id = 0;
	int ret;

	cli_window_opts(c, &o);
	ret = sg_report_compute(s, &o, &report, &c->diag);
	if (ret)
		goto fail;
	if (!flags.no_store) {
		ret = sg_report_store(s, report, &id, &c->diag);
		if (ret)
			goto fail;
		if (c->verbose)
			fprintf(stderr, "stored as report %ld\n", id);
	}
	if (flags.output) {
		out = fopen(flags.output, "w");
		if (!out) {
			sg_diag_set(&c->diag, flags.output, 0, 0,
				    "cannot write the report: %s",
				    strerror(errno));
			ret = SG_EIO;
			goto fail;
		}
	}
	if (c->format && !strcmp(c->format, "html"))
		ret = write_html(c, s, out, report);
	else
		ret = sg_report_write(out, report,
				      c->format ? c->format : "text",
				      out == stdout && use_color());
	if (out != stdout && fclose(out) && !ret)
		ret = SG_EIO;
	if (ret == SG_ESTORE)
		goto fail;
	if (ret) {
		sg_diag_set(&c->diag, flags.output ? flags.output : NULL, 0, 0,
			    "cannot write the report: %s",
				    strerror(errno));
		goto fail;
	}
	sg_report_free(report);
	return 0;
fail:
	sg_report_free(report);
	return cli_fail(c, ret);
}

const struct cli_cmd cmd_report = {
	.name = "report",
	.fn = run_report,
	.init = report_init,
	.flags = CLI_OPENS_STORE | CLI_NO_ARGS,
	.formats = sg_report_formats,
	.groups = CLI_STORE | CLI_CONFIG | CLI_OUTPUT | CLI_FORMAT | CLI_REPORT |
		  CLI_LOG | CLI_WINDOW | CLI_GATE,
	.opts = report_opts,
	.opt = report_opt,
	.usage = "shadowgate report [--model NAME@VERSION] [--since D] "
		 "[--until D] [--last N]\n"
		 "                         [--format text|json|markdown|csv|"
		 "prometheus|html]\n"
		 "                         [--output FILE]\n"
		 "                         [--reference-nights N | "
		 "--reference-since D --reference-until D]\n"
		 "                         [--no-store]",
	.summary = "agreement of a model version with the human decisions "
		   "over a window of nights",
	.help = "options:\n"
		"  --model NAME[@VERSION]  the model version (default: the most "
		"recently\n"
		"                          created model that has predictions)\n"
		"  --since D, --until D    the window's first and last night "
		"(YYYY-MM-DD,\n"
		"                          inclusive); they replace "
		"--window-nights\n"
		"  --last N                the N latest nights that have cases "
		"(default\n"
		"                          --window-nights; 0 there = all)\n"
		"  --format FMT            text (default), json, markdown, csv, "
		"prometheus\n"
		"                          (the text exposition format, for "
		"node_exporter's\n"
		"                          textfile collector) or html (one "
		"page with charts,\n"
		"                          the trend of the stored nights and "
		"the thresholds\n"
		"                          of the gate policy in force: config "
		"or gate flags)\n"
		"  --output FILE           write there instead of standard "
		"output\n"
		"  --no-store              do not save the report in the store\n"
		"\nThe human decision of a case is its current decision; with "
		"several raters,\n"
		"the latest (by decided_at) is the reference and all of them "
		"feed the human\n"
		"baseline. Segments come from --segment / log.segments (default:"
		" every\n"
		"segment column stored). An empty window is not an error.\n"
		"\nWith a reference window (--reference-nights N, or "
		"--reference-since and\n"
		"--reference-until; report.reference_* in the config) each "
		"feature's drift\n"
		"is measured against it: PSI over 10 bins fixed on the "
		"reference's deciles\n"
		"(shares floored at 0.0001) and the two-sample Kolmogorov-Smirnov"
		" statistic\n"
		"with its asymptotic p-value; segment values are compared too, "
		"and every\n"
		"night gets its own input and output metrics.\n",
};
