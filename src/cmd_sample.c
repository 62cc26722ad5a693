/*
 * cmd_sample.c - shadowgate sample: a reproducible, stratified sample of
 * the cases where the model and the human disagree, for review.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sg/report.h"

enum {
	O_DISAGREEMENTS = 1000,
	O_SEED,
	O_OUTPUT
};

static const struct cli_opt sample_opts[] = {
	{"disagreements", required_argument, O_DISAGREEMENTS},
	{"seed", required_argument, O_SEED},
	{"output", required_argument, O_OUTPUT},
	{NULL, 0, 0},
};

static struct {
	const char *output;
	long n;
	uint64_t seed;
} flags;

static void sample_init(struct cli *c)
{
	(void)c;
	memset(&flags, 0, sizeof(flags));
	flags.n = -1;
}

static int parse_seed(struct cli *c, const char *arg)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (!*arg || *end || errno || *arg == '-') {
		sg_diag_set(&c->diag, NULL, 0, 0,
			    "--seed: expected an unsigned integer, found '%s'",
			    arg);
		return SG_EUSAGE;
	}
	flags.seed = (uint64_t)v;
	return 0;
}

static int sample_opt(struct cli *c, int id, const char *arg)
{
	switch (id) {
	case O_DISAGREEMENTS:
		return sg_parse_long("--disagreements", arg, 0, 100000000L,
				     &flags.n, &c->diag);
	case O_SEED:
		return parse_seed(c, arg);
	case O_OUTPUT:
		flags.output = arg;
		return 0;
	}
	return 0;
}

static const char *const formats[] = {"csv", "jsonl", "json", NULL};

static int sample_check(struct cli *c)
{
	if (flags.n < 0)
		return cli_usage_error(c, "--disagreements N is required");
	return 0;
}

static int run_sample(struct cli *c, struct sg_store *s)
{
	struct sg_sample_opts o;
	cJSON *sample = NULL;
	FILE *out = stdout;
	int ret;

	memset(&o, 0, sizeof(o));
	cli_window_opts(c, &o.report);
	o.n = flags.n;
	o.seed = flags.seed;
	ret = sg_sample_build(s, &o, &sample, &c->diag);
	if (ret)
		goto fail;
	if (flags.output) {
		out = fopen(flags.output, "w");
		if (!out) {
			sg_diag_set(&c->diag, flags.output, 0, 0,
				    "cannot write the sample: %s",
				    strerror(errno));
			ret = SG_EIO;
			goto fail;
		}
	}
	ret = sg_sample_write(out, sample, c->format ? c->format : "csv");
	if (out != stdout && fclose(out) && !ret)
		ret = SG_EIO;
	if (ret) {
		sg_diag_set(&c->diag, flags.output, 0, 0,
			    "cannot write the sample: %s",
				    strerror(errno));
		goto fail;
	}
	if (!c->quiet && c->verbose) {
		const cJSON *d = cJSON_GetObjectItem(sample, "disagreements");
		const cJSON *n = cJSON_GetObjectItem(sample, "cases");

		fprintf(stderr, "sampled %d of %.0f disagreements\n",
			cJSON_GetArraySize(n), d ? d->valuedouble : 0.0);
	}
	cJSON_Delete(sample);
	return 0;
fail:
	cJSON_Delete(sample);
	return cli_fail(c, ret);
}

const struct cli_cmd cmd_sample = {
	.name = "sample",
	.fn = run_sample,
	.init = sample_init,
	.check = sample_check,
	.flags = CLI_OPENS_STORE | CLI_NO_ARGS,
	.formats = formats,
	.groups = CLI_STORE | CLI_CONFIG | CLI_OUTPUT | CLI_FORMAT | CLI_REPORT |
		  CLI_LOG | CLI_WINDOW,
	.opts = sample_opts,
	.opt = sample_opt,
	.usage = "shadowgate sample --disagreements N [--seed S] "
		 "[--format csv|jsonl]\n"
		 "                         [--model NAME@VERSION] [--since D] "
		 "[--until D] [--last N]",
	.summary = "a reproducible, stratified sample of the cases where the "
		   "model and the people disagree",
	.help = "options:\n"
		"  --disagreements N      how many disagreeing cases to draw\n"
		"  --seed S               the random seed (default 0); the same "
		"seed gives\n"
		"                         the same sample\n"
		"  --model NAME[@VERSION], --since D, --until D, --last N\n"
		"                         the model and window, as for report\n"
		"  --format csv|jsonl|json  csv (default): case_id, night, "
		"stratum, human,\n"
		"                         model, score, one column per segment "
		"and feature;\n"
		"                         jsonl: a case a line; json: the whole "
		"sample\n"
		"  --output FILE          write there instead of standard "
		"output\n"
		"\nN is spread over the (human label, model label, segments) "
		"cells in\n"
		"proportion to their sizes, at least one per cell while N "
		"allows.\n",
};
