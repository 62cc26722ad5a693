/*
 * cmd_history.c - shadowgate history: the nights so far. For each night
 * (the last night of a stored report's window) the latest report of each
 * model, its agreement and kappa with their intervals, the change of
 * agreement from the night before, and the verdict; then the runs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "sg/buf.h"
#include "sg/html.h"
#include "sg/report.h"
#include "sg/store.h"

enum { O_MODEL = 1000, O_LAST };

static const struct cli_opt history_opts[] = {
	{"model", required_argument, O_MODEL},
	{"last", required_argument, O_LAST},
	{NULL, 0, 0},
};

static struct {
	const char *model;
	long last;
} flags;

static void history_init(struct cli *c)
{
	(void)c;
	flags.model = NULL;
	flags.last = 0;
}

static int history_opt(struct cli *c, int id, const char *arg)
{
	if (id == O_MODEL) {
		flags.model = arg;
		return 0;
	}
	if (id == O_LAST)
		return sg_parse_long("--last", arg, 0, 100000, &flags.last,
				     &c->diag);
	return 0;
}

static double num_of(const cJSON *v)
{
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void trim_last(cJSON *arr, long last)
{
	while (last > 0 && cJSON_GetArraySize(arr) > last)
		cJSON_DeleteItemFromArray(arr, 0);
}

static void fmt_ci(char *buf, size_t n, const cJSON *o)
{
	const cJSON *ci = cJSON_GetObjectItem(o, "ci95");
	double lo = num_of(cJSON_GetArrayItem(ci, 0));
	double hi = num_of(cJSON_GetArrayItem(ci, 1));

	if (isfinite(lo) && isfinite(hi))
		snprintf(buf, n, "[%.4f, %.4f]", lo, hi);
	else
		snprintf(buf, n, "undefined");
}

static void print_text(const cJSON *nights, const cJSON *runs)
{
	const cJSON *o;
	char a[64], k[64];

	if (!cJSON_GetArraySize(nights))
		printf("no reports yet (run `shadowgate report` or `shadowgate "
		       "nightly`)\n");
	else
		printf("%-10s  %-28s %7s  %-7s %-18s %-7s %-18s %-8s  %s\n",
		       "night", "model", "cases", "agree", "interval", "kappa",
		       "interval", "change", "verdict");
	cJSON_ArrayForEach(o, nights)
	{
		const cJSON *ag = cJSON_GetObjectItem(o, "agreement");
		const cJSON *ka = cJSON_GetObjectItem(o, "kappa");
		const cJSON *v = cJSON_GetObjectItem(o, "verdict");
		double change = num_of(cJSON_GetObjectItem(o, "change"));
		double rate = num_of(cJSON_GetObjectItem(ag, "rate"));
		double kv = num_of(cJSON_GetObjectItem(ka, "value"));
		char ch[32], rs[32], ks[32];

		fmt_ci(a, sizeof(a), ag);
		fmt_ci(k, sizeof(k), ka);
		/* a change that rounds to 0 is +0.0000, not -0.0000 */
		if (isfinite(change))
			snprintf(ch, sizeof(ch), "%+.4f",
				 fabs(change) < 5e-5 ? 0.0 : change);
		else
			snprintf(ch, sizeof(ch), "-");
		if (isfinite(rate))
			snprintf(rs, sizeof(rs), "%.4f", rate);
		else
			snprintf(rs, sizeof(rs), "-");
		if (isfinite(kv))
			snprintf(ks, sizeof(ks), "%.4f", kv);
		else
			snprintf(ks, sizeof(ks), "undef");
		printf("%-10s  %-28s %7.0f  %-7s %-18s %-7s %-18s %-8s  %s\n",
		       cJSON_GetObjectItem(o, "night")->valuestring,
		       cJSON_GetObjectItem(o, "model")->valuestring,
		       num_of(cJSON_GetObjectItem(o, "cases")), rs, a, ks, k, ch,
		       cJSON_IsString(v) ? v->valuestring : "-");
	}
	if (!cJSON_GetArraySize(runs))
		return;
	printf("\n%-5s %-28s %-20s %-8s %8s %8s %7s %10s %10s\n", "run", "model",
	       "started", "status", "cases", "scored", "errors", "p95 ms",
	       "cases/s");
	cJSON_ArrayForEach(o, runs)
	{
		double p95 = num_of(cJSON_GetObjectItem(o, "p95_ms"));
		double tp = num_of(cJSON_GetObjectItem(o, "throughput"));

		char ps[32];

		if (isfinite(p95))
			snprintf(ps, sizeof(ps), "%.3f", p95);
		else
			snprintf(ps, sizeof(ps), "-");
		printf("%-5.0f %-28s %-20s %-8s %8.0f %8.0f %7.0f %10s %10.0f\n",
		       num_of(cJSON_GetObjectItem(o, "run")),
		       cJSON_GetObjectItem(o, "model")->valuestring,
		       cJSON_GetObjectItem(o, "started_at")->valuestring,
		       cJSON_GetObjectItem(o, "status")->valuestring,
		       num_of(cJSON_GetObjectItem(o, "cases")),
		       num_of(cJSON_GetObjectItem(o, "scored")),
		       num_of(cJSON_GetObjectItem(o, "errors")), ps,
		       isfinite(tp) ? tp : 0.0);
	}
}

static const char *const formats[] = {"text", "json", "html", NULL};

static int run_history(struct cli *c, struct sg_store *s)
{
	cJSON *nights, *runs;
	int ret = 0, err1 = 0, err2 = 0;

	err1 = sg_store_history_nights(s, flags.model, &nights, &c->diag);
	err2 = sg_store_history_runs(s, flags.model, &runs, &c->diag);
	trim_last(nights, flags.last);
	trim_last(runs, flags.last);
	if (err1 || err2) {
		ret = cli_fail(c, err1 ? err1 : err2);
	} else if (cli_format_is(c, "json")) {
		cJSON *o = cJSON_CreateObject();
		char *text;

		cJSON_AddItemToObject(o, "nights", nights);
		cJSON_AddItemToObject(o, "runs", runs);
		nights = runs = NULL;
		text = sg_report_json(o, 1);
		fputs(text, stdout);
		free(text);
		cJSON_Delete(o);
	} else if (cli_format_is(c, "html")) {
		if (sg_write_html_history(stdout, nights, runs, 0))
			ret = cli_fail(c, SG_EIO);
	} else {
		print_text(nights, runs);
	}
	cJSON_Delete(nights);
	cJSON_Delete(runs);
	return ret;
}

const struct cli_cmd cmd_history = {
	.name = "history",
	.fn = run_history,
	.init = history_init,
	.flags = CLI_OPENS_STORE | CLI_NO_ARGS,
	.formats = formats,
	.groups = CLI_STORE | CLI_CONFIG | CLI_OUTPUT | CLI_FORMAT,
	.opts = history_opts,
	.opt = history_opt,
	.usage = "shadowgate history [--model NAME[@VERSION]] [--last N] "
		 "[--format text|json|html]",
	.summary = "the nights so far: agreement, kappa, its trend, verdicts "
		   "and runs",
	.help = "options:\n"
		"  --model NAME[@VERSION]  only this model\n"
		"  --last N                only the N latest nights and runs (0 "
		"= all,\n"
		"                          the default)\n"
		"  --format text|json|html\n"
		"                          html: one page with the trend "
		"charts\n",
};
