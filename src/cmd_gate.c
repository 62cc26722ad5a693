/*
 * cmd_gate.c - shadowgate gate: may this model take traffic? A policy
 * judges a report (built now from the store, or read from a JSON file) and
 * the verdict is the exit status: 0 go, 1 no-go, 4 insufficient.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sg/buf.h"
#include "sg/compare.h"
#include "sg/gate.h"
#include "sg/report.h"
#include "sg/writer.h"
#include "sg/store.h"

enum {
	O_REPORT = 1000,
	O_OUTPUT,
	O_NO_STORE
};

static const struct cli_opt gate_opts[] = {
	{"report", required_argument, O_REPORT},
	{"output", required_argument, O_OUTPUT},
	{"no-store", no_argument, O_NO_STORE},
	{NULL, 0, 0},
};

static struct {
	const char *report, *output;
	int no_store;
} flags;

static void gate_init(struct cli *c)
{
	(void)c;
	memset(&flags, 0, sizeof(flags));
}

static int gate_opt(struct cli *c, int id, const char *arg)
{
	(void)c;
	switch (id) {
	case O_REPORT:
		flags.report = arg;
		return 0;
	case O_OUTPUT:
		flags.output = arg;
		return 0;
	case O_NO_STORE:
		flags.no_store = 1;
		return 0;
	}
	return 0;
}

static int read_report(struct cli *c, const char *path,
		       struct sg_report **out)
{
	struct sg_buf b = SG_BUF_INIT;
	char chunk[65536];
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	cJSON *tree;
	size_t n;
	int ret;

	*out = NULL;
	if (!f) {
		sg_diag_set(&c->diag, path, 0, 0, "cannot open: %s",
			    strerror(errno));
		return SG_EIO;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sg_buf_add(&b, chunk, n);
	if (f != stdin)
		fclose(f);
	tree = cJSON_ParseWithLength(b.buf, b.len);
	sg_buf_release(&b);
	if (!tree || !cJSON_IsObject(tree) ||
	    !cJSON_GetObjectItem(tree, "agreement")) {
		sg_diag_set(&c->diag, path, 0, 0,
			    "not a shadowgate JSON report (from `shadowgate "
			    "report --format json`)");
		cJSON_Delete(tree);
		return SG_EDATA;
	}
	ret = sg_report_from_json(tree, out, &c->diag);
	cJSON_Delete(tree);
	if (ret) {
		char why[sizeof(c->diag.msg)];

		memcpy(why, c->diag.msg, sizeof(why));
		sg_diag_set(&c->diag, path, 0, 0,
			    "not a shadowgate JSON report: %s", why);
	}
	return ret;
}

static char *model_label(const struct sg_report *report)
{
	struct sg_buf b = SG_BUF_INIT;

	if (!report->model || !report->model->name ||
	    !report->model->version)
		return NULL;
	sg_buf_addf(&b, "%s@%s", report->model->name,
		    report->model->version);
	return sg_buf_detach(&b);
}

static long model_id_of(struct sg_store *s, const struct sg_report *report)
{
	long id = 0;

	if (!s || !report->model || !report->model->name ||
	    !report->model->version)
		return 0;
	/* a store that cannot say is a verdict without its model */
	if (sg_store_find_model(s, report->model->name,
				report->model->version, &id, NULL, NULL))
		return 0;
	return id;
}

static int gate_check(struct cli *c)
{
	if (flags.report && (c->win_model || c->win_since || c->win_until ||
			     c->win_last >= 0))
		return cli_usage_error(c, "--report judges a saved report: it "
					  "takes no --model or window flags");
	return 0;
}

/* Opens the store itself: gate --report FILE --no-store needs none. */
static int run_gate(struct cli *c, struct sg_store *unused)
{
	struct sg_gate_result res;
	struct sg_report_opts ro;
	struct sg_store *s = NULL;
	struct sg_report *report = NULL;
	char *model = NULL;
	FILE *out = stdout;
	long report_id = 0;
	int ret, status = EXIT_RUNTIME;

	(void)unused;
	memset(&res, 0, sizeof(res));
	if (flags.report) {
		ret = read_report(c, flags.report, &report);
		if (ret)
			return cli_fail(c, ret);
		if (!flags.no_store) {
			ret = cli_open_store(c, &s);
			if (ret) {
				status = ret;
				goto out_status;
			}
		}
	} else {
		ret = cli_open_store(c, &s);
		if (ret)
			return ret;
		cli_window_opts(c, &ro);
		ret = sg_report_compute(s, &ro, &report, &c->diag);
		if (ret) {
			status = cli_fail(c, ret);
			goto out_status;
		}
		if (c->cfg.gate.incumbent) {
			ret = sg_compare_attach(s, report, c->cfg.gate.incumbent,
						c->cfg.report.tolerance,
						&c->diag);
			if (ret) {
				status = cli_fail(c, ret);
				goto out_status;
			}
		}
		if (!flags.no_store) {
			ret = sg_report_store(s, report, &report_id, &c->diag);
			if (ret) {
				status = cli_fail(c, ret);
				goto out_status;
			}
		}
	}
	ret = sg_gate_judge(report, &c->cfg.gate, &res, &c->diag);
	if (ret) {
		status = cli_fail(c, ret);
		goto out_status;
	}
	model = model_label(report);
	if (s && !flags.no_store) {
		ret = sg_gate_store(s, report_id, model_id_of(s, report),
				    &c->cfg.gate, &res, NULL, &c->diag);
		if (ret) {
			status = cli_fail(c, ret);
			goto out_status;
		}
	}
	if (flags.output) {
		out = fopen(flags.output, "w");
		if (!out) {
			sg_diag_set(&c->diag, flags.output, 0, 0,
				    "cannot write: %s", strerror(errno));
			status = cli_fail(c, SG_EIO);
			goto out_status;
		}
	}
	if (!c->quiet || flags.output)
		sg_gate_write(out, &res, c->format ? c->format : "text", model);
	if (out != stdout && fclose(out)) {
		sg_diag_set(&c->diag, flags.output, 0, 0, "cannot write: %s",
			    strerror(errno));
		status = cli_fail(c, SG_EIO);
		goto out_status;
	}
	if (c->quiet && !flags.output)
		fprintf(stderr, "%s\n", res.reason);
	status = res.verdict;
out_status:
	free(model);
	sg_gate_result_release(&res);
	sg_report_free(report);
	sg_store_close(s);
	return status;
}

const struct cli_cmd cmd_gate = {
	.name = "gate",
	.fn = run_gate,
	.init = gate_init,
	.check = gate_check,
	.flags = CLI_NO_ARGS,
	.formats = sg_gate_formats,
	.groups = CLI_STORE | CLI_CONFIG | CLI_OUTPUT | CLI_FORMAT | CLI_GATE |
		  CLI_REPORT | CLI_WINDOW | CLI_LOG,
	.opts = gate_opts,
	.opt = gate_opt,
	.usage = "shadowgate gate [--config FILE] [policy flags] "
		 "[--model NAME@VERSION] [--since D] [--until D] [--last N]\n"
		 "       shadowgate gate [policy flags] --report REPORT.json",
	.summary = "judge a report with the go-live policy; exit 0 go, 1 no-go, "
		   "4 insufficient",
	.help = "options:\n"
		"  --model NAME@VERSION   the model (default: the latest with "
		"predictions)\n"
		"  --since D, --until D   the window, inclusive nights "
		"YYYY-MM-DD\n"
		"  --last N               the N latest nights (default: "
		"report.window_nights;\n"
		"                         0 = all)\n"
		"  --report FILE          judge a saved JSON report instead "
		"(- = stdin)\n"
		"  --output FILE          write the verdict there\n"
		"  --no-store             do not keep the report and verdict in "
		"the store\n"
		"  --format text|json|markdown|junit\n",
};
