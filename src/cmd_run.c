/*
 * cmd_run.c - shadowgate run: score the stored cases with the model.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_progress.h"
#include "sg/json.h"
#include "sg/backend.h"
#include "sg/runner.h"

enum { O_RESCORE = 1000, O_MAX_ERRORS, O_LOCK_WAIT };

static const struct cli_opt run_opts[] = {
	{"rescore", no_argument, O_RESCORE},
	{"max-errors", required_argument, O_MAX_ERRORS},
	{"lock-wait", required_argument, O_LOCK_WAIT},
	{NULL, 0, 0},
};

static struct {
	int rescore;
	long max_errors;
	double lock_wait_s;
} flags;

static void run_init(struct cli *c)
{
	(void)c;
	flags.rescore = 0;
	flags.max_errors = -1;
	flags.lock_wait_s = 10;
}

static int run_opt(struct cli *c, int id, const char *arg)
{
	switch (id) {
	case O_RESCORE:
		flags.rescore = 1;
		return 0;
	case O_MAX_ERRORS:
		return sg_parse_long("--max-errors", arg, 0, 1000000000000L,
				     &flags.max_errors, &c->diag);
	case O_LOCK_WAIT:
		return sg_parse_double("--lock-wait", arg, 0, 86400,
				       &flags.lock_wait_s, &c->diag);
	}
	return 0;
}

static void print_json(const struct cli *c, const struct sg_run_result *r,
		       int ret, const char *error)
{
	cJSON *o = cJSON_CreateObject(), *errs = cJSON_CreateArray();
	char *text;
	size_t i;

	cJSON_AddBoolToObject(o, "ok", ret == 0);
	if (error)
		cJSON_AddStringToObject(o, "error", error);
	cJSON_AddStringToObject(o, "model", c->cfg.model.name ? c->cfg.model.name : "");
	cJSON_AddStringToObject(o, "version",
				c->cfg.model.version ? c->cfg.model.version : "");
	cJSON_AddStringToObject(o, "backend", r->backend ? r->backend : "");
	if (r->sha256[0])
		cJSON_AddStringToObject(o, "sha256", r->sha256);
	else
		cJSON_AddNullToObject(o, "sha256");
	cJSON_AddNumberToObject(o, "run", (double)r->run_id);
	cJSON_AddNumberToObject(o, "cases", (double)r->cases);
	cJSON_AddNumberToObject(o, "scored", (double)r->scored);
	cJSON_AddNumberToObject(o, "errors", (double)r->errors);
	cJSON_AddBoolToObject(o, "stopped", r->stopped);
	sg_json_add_num(o, "wall_s", r->wall_s);
	sg_json_add_num(o, "throughput", r->throughput);
	sg_json_add_num(o, "p50_ms", r->p50_ms);
	sg_json_add_num(o, "p95_ms", r->p95_ms);
	sg_json_add_num(o, "p99_ms", r->p99_ms);
	if (r->latency_method)
		cJSON_AddStringToObject(o, "latency_method", r->latency_method);
	else
		cJSON_AddNullToObject(o, "latency_method");
	sg_json_add_num(o, "startup_ms", r->startup_ms);
	if (r->features_source) {
		cJSON *fa = cJSON_AddArrayToObject(o, "features");

		cJSON_AddStringToObject(o, "features_source",
					r->features_source);
		for (i = 0; i < r->features.n; i++)
			cJSON_AddItemToArray(fa, cJSON_CreateString(
							 r->features.v[i]));
	} else {
		cJSON_AddNullToObject(o, "features_source");
		cJSON_AddNullToObject(o, "features");
	}
	cJSON_AddNumberToObject(o, "peak_rss_kb", (double)r->peak_rss_kb);
	if (r->backend && sg_backend_reads_log(r->backend)) {
		cJSON_AddNumberToObject(o, "unmatched_predictions",
					(double)r->unmatched_predictions);
		cJSON_AddNumberToObject(o, "cases_without_prediction",
					(double)r->cases_without_prediction);
	}
	for (i = 0; i < r->nerror_msgs; i++)
		cJSON_AddItemToArray(errs, cJSON_CreateString(r->error_msgs[i]));
	cJSON_AddItemToObject(o, "first_errors", errs);
	if (r->stderr_text)
		cJSON_AddStringToObject(o, "model_stderr", r->stderr_text);
	text = cJSON_Print(o);
	puts(text);
	free(text);
	cJSON_Delete(o);
}

static void print_text(const struct cli *c, const struct sg_run_result *r)
{
	size_t i;

	fprintf(stderr, "run %ld of %s@%s (%s): %ld cases, %ld scored, %ld "
			"errors in %.2f s (%.0f cases/s)\n",
		r->run_id, c->cfg.model.name, c->cfg.model.version, r->backend,
		r->cases, r->scored, r->errors, r->wall_s, r->throughput);
	if (isfinite(r->p50_ms))
		fprintf(stderr,
			"  latency p50 %.3f ms, p95 %.3f ms, p99 %.3f ms (%s)\n",
			r->p50_ms, r->p95_ms, r->p99_ms, r->latency_method);
	if (isfinite(r->startup_ms))
		fprintf(stderr, "  model start-up %.0f ms (not in the "
				"latencies)\n", r->startup_ms);
	if (r->features_source &&
	    strcmp(r->features_source, "log.features")) {
		fprintf(stderr, "  features from %s:", r->features_source);
		for (i = 0; i < r->features.n; i++)
			fprintf(stderr, "%s %s", i ? "," : "",
				r->features.v[i]);
		fputc('\n', stderr);
	}
	if (sg_backend_reads_log(r->backend))
		fprintf(stderr,
			"  %ld predictions name no stored case; %ld stored cases "
			"have no prediction\n",
			r->unmatched_predictions, r->cases_without_prediction);
	if (c->verbose)
		fprintf(stderr, "  peak memory %ld KiB\n", r->peak_rss_kb);
	for (i = 0; i < r->nerror_msgs; i++)
		fprintf(stderr, "  error: %s\n", r->error_msgs[i]);
	if ((size_t)r->errors > r->nerror_msgs)
		fprintf(stderr, "  ... and %ld more errors\n",
			r->errors - (long)r->nerror_msgs);
	if (r->errors)
		fprintf(stderr, "  failed cases are retried on the next run\n");
	if (r->stderr_text && *r->stderr_text)
		fprintf(stderr, "  the model wrote on stderr (kept in the run "
				"record):\n%s%s",
			r->stderr_text,
			r->stderr_text[strlen(r->stderr_text) - 1] == '\n' ? ""
									   : "\n");
}

static const char *const formats[] = {"text", "json", NULL};

static int run_run(struct cli *c, struct sg_store *s)
{
	struct sg_run_opts o;
	struct cli_progress bar;
	struct sg_run_result r;
	long errors;
	int ret;

	memset(&o, 0, sizeof(o));
	o.cfg = &c->cfg;
	o.rescore = flags.rescore;
	o.max_errors = flags.max_errors;
	o.lock_wait_ms = (int)(flags.lock_wait_s * 1000);
	if (o.lock_wait_ms <= 0)
		o.lock_wait_ms = 1;
	if (c->tty && !c->quiet) {
		cli_progress_start(&bar);
		o.progress = cli_progress_cases;
		o.progress_ctx = &bar;
	}
	ret = sg_run(s, &o, &r, &c->diag);
	if (o.progress)
		cli_progress_end(&bar);
	if (cli_format_is(c, "json")) {
		char buf[2048];

		/* "ok" is false whenever the exit status is not 0 */
		print_json(c, &r, ret ? ret : r.errors ? SG_EMODEL : 0,
			   ret ? sg_diag_format(&c->diag, buf, sizeof(buf)) : NULL);
	} else if ((!c->quiet || ret) && r.run_id) {
		print_text(c, &r);
	} else if (!c->quiet && !ret) {
		fprintf(stderr, "nothing to score: every stored case has a "
				"prediction of %s@%s\n",
			c->cfg.model.name, c->cfg.model.version);
	}
	errors = r.errors;
	sg_run_result_release(&r);
	if (ret)
		return cli_fail(c, ret);
	/* cases that failed are an error of the night, even if the run went
	 * on: the pipeline must know */
	return errors ? EXIT_RUNTIME : 0;
}

const struct cli_cmd cmd_run = {
	.name = "run",
	.fn = run_run,
	.init = run_init,
	.flags = CLI_OPENS_STORE | CLI_NO_ARGS,
	.formats = formats,
	.groups = CLI_STORE | CLI_CONFIG | CLI_OUTPUT | CLI_FORMAT | CLI_MODEL |
		  CLI_LOG,
	.opts = run_opts,
	.opt = run_opt,
	.usage = "shadowgate run [--config FILE] [model flags] [--rescore] "
		 "[--max-errors N]",
	.summary = "score every stored case the model version has not scored "
		   "yet",
	.help = "options:\n"
		"  --rescore              score every case again, into a new run\n"
		"  --max-errors N         stop the run (exit 3) once more than N "
		"cases failed;\n"
		"                         by default it goes on and exits 3 at "
		"the end\n"
		"  --lock-wait SECONDS    how long to wait for another run on the "
		"store (10)\n"
		"  --format text|json     the summary's format (text, on "
		"stderr; json on stdout)\n",
};
