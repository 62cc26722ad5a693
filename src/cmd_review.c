/*
 * cmd_review.c - shadowgate review export | import | status: a seeded,
 * stratified, blind review batch written for people to judge, their
 * verdicts brought back, and the window's review block (the model's and
 * the people's estimated accuracy) printed.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sg/report.h"
#include "sg/review.h"

enum {
	O_DISAGREEMENTS = 1000,
	O_AGREEMENTS,
	O_SEED,
	O_BLIND,
	O_NO_BLIND,
	O_OUTPUT,
	O_REVIEWER
};

static const struct cli_opt review_opts[] = {
	{"disagreements", required_argument, O_DISAGREEMENTS},
	{"agreements", required_argument, O_AGREEMENTS},
	{"seed", required_argument, O_SEED},
	{"blind", no_argument, O_BLIND},
	{"no-blind", no_argument, O_NO_BLIND},
	{"output", required_argument, O_OUTPUT},
	{"reviewer", required_argument, O_REVIEWER},
	{NULL, 0, 0},
};

enum action { A_NONE, A_EXPORT, A_IMPORT, A_STATUS, A_LABELS };

static struct {
	const char *output, *reviewer;
	long disagreements, agreements;
	uint64_t seed;
	int blind;
	int export_only, import_only; /* an option of that action given */
	int output_given;
	enum action action;
} flags;

static void review_init(struct cli *c)
{
	(void)c;
	memset(&flags, 0, sizeof(flags));
	flags.disagreements = -1;
	flags.agreements = -1;
	flags.blind = 1;
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

static int review_opt(struct cli *c, int id, const char *arg)
{
	switch (id) {
	case O_DISAGREEMENTS:
		flags.export_only = 1;
		return sg_parse_long("--disagreements", arg, 0, 100000000L,
				     &flags.disagreements, &c->diag);
	case O_AGREEMENTS:
		flags.export_only = 1;
		return sg_parse_long("--agreements", arg, 0, 100000000L,
				     &flags.agreements, &c->diag);
	case O_SEED:
		flags.export_only = 1;
		return parse_seed(c, arg);
	case O_BLIND:
	case O_NO_BLIND:
		flags.export_only = 1;
		flags.blind = id == O_BLIND;
		return 0;
	case O_OUTPUT:
		flags.output_given = 1;
		flags.output = arg;
		return 0;
	case O_REVIEWER:
		flags.import_only = 1;
		flags.reviewer = arg;
		return 0;
	}
	return 0;
}

static const char *const export_formats[] = {"csv", "jsonl", "label-studio",
					     NULL};
static const char *const status_formats[] = {"text", "json", NULL};
static const char *const labels_formats[] = {"csv", "jsonl", NULL};

static int review_check(struct cli *c)
{
	const char *a = c->nargs ? c->args[0] : NULL;

	if (!a)
		return cli_usage_error(c, "expected an action: export, import, "
					  "status or export-labels");
	if (!strcmp(a, "export"))
		flags.action = A_EXPORT;
	else if (!strcmp(a, "import"))
		flags.action = A_IMPORT;
	else if (!strcmp(a, "status"))
		flags.action = A_STATUS;
	else if (!strcmp(a, "export-labels"))
		flags.action = A_LABELS;
	else
		return cli_usage_error(c,
				       "'%s' is not an action of review "
				       "(export, import, status, "
				       "export-labels)",
				       a);
	if (flags.action != A_EXPORT && flags.export_only)
		return cli_usage_error(c, "--disagreements, --agreements, "
					  "--seed, --blind and --no-blind "
					  "belong to review export");
	if (flags.action != A_EXPORT && flags.action != A_LABELS &&
	    flags.output_given)
		return cli_usage_error(c, "--output belongs to review export "
					  "and review export-labels");
	if (flags.action != A_IMPORT && flags.import_only)
		return cli_usage_error(c, "--reviewer belongs to review import");
	if (flags.action == A_IMPORT && c->nargs < 2)
		return cli_usage_error(c, "review import needs a FILE of "
					  "verdicts");
	if (flags.action != A_IMPORT && c->nargs > 1)
		return cli_usage_error(c, "unexpected argument '%s'",
				       c->args[1]);
	if (flags.action == A_IMPORT && c->format)
		return cli_usage_error(c, "review import takes no --format: "
					  "it reads CSV, JSON Lines and Label "
					  "Studio's JSON export as they come");
	if (flags.action == A_EXPORT) {
		if (flags.disagreements < 0)
			return cli_usage_error(c, "--disagreements N is "
						  "required");
		return cli_check_format(c, export_formats);
	}
	if (flags.action == A_STATUS)
		return cli_check_format(c, status_formats);
	if (flags.action == A_LABELS)
		return cli_check_format(c, labels_formats);
	return 0;
}

static int run_export(struct cli *c, struct sg_store *s)
{
	struct sg_review_export_opts o;
	struct sg_review_export_info info;
	enum sg_review_format fmt = SG_REVIEW_CSV;
	FILE *out = stdout;
	int ret;

	memset(&o, 0, sizeof(o));
	cli_window_opts(c, &o.report);
	o.disagreements = flags.disagreements;
	o.agreements = flags.agreements;
	o.seed = flags.seed;
	o.blind = flags.blind;
	if (cli_format_is(c, "jsonl"))
		fmt = SG_REVIEW_JSONL;
	else if (cli_format_is(c, "label-studio"))
		fmt = SG_REVIEW_LABEL_STUDIO;
	if (flags.output) {
		out = fopen(flags.output, "w");
		if (!out) {
			sg_diag_set(&c->diag, flags.output, 0, 0,
				    "cannot write the review queue: %s",
				    strerror(errno));
			return cli_fail(c, SG_EIO);
		}
	}
	ret = sg_review_export(s, &o, fmt, out, &info, &c->diag);
	if (out != stdout && fclose(out) && !ret) {
		sg_diag_set(&c->diag, flags.output, 0, 0,
			    "cannot write the review queue: %s",
			    strerror(errno));
		ret = SG_EIO;
	}
	if (ret)
		return cli_fail(c, ret);
	if (!c->quiet)
		fprintf(stderr,
			"review batch %lld: %ld of %ld disagreements and %ld "
			"of %ld agreements over %ld strata\n",
			info.batch, info.drawn_disagreements,
			info.disagreements, info.drawn_agreements,
			info.agreements, info.strata);
	return 0;
}

static int run_labels(struct cli *c, struct sg_store *s)
{
	struct sg_report_opts o;
	struct sg_review_labels_info info;
	enum sg_review_format fmt = SG_REVIEW_CSV;
	FILE *out = stdout;
	int ret;

	cli_window_opts(c, &o);
	if (cli_format_is(c, "jsonl"))
		fmt = SG_REVIEW_JSONL;
	if (flags.output) {
		out = fopen(flags.output, "w");
		if (!out) {
			sg_diag_set(&c->diag, flags.output, 0, 0,
				    "cannot write the labels: %s",
				    strerror(errno));
			return cli_fail(c, SG_EIO);
		}
	}
	ret = sg_review_export_labels(s, &o, fmt, out, &info, &c->diag);
	if (out != stdout && fclose(out) && !ret) {
		sg_diag_set(&c->diag, flags.output, 0, 0,
			    "cannot write the labels: %s", strerror(errno));
		ret = SG_EIO;
	}
	if (ret)
		return cli_fail(c, ret);
	if (!c->quiet)
		fprintf(stderr,
			"%ld reviewed cases written, %ld left out (their "
			"reviewers tied)\n",
			info.rows, info.tied);
	return 0;
}

static void print_reject(void *ctx, const struct sg_diag *why)
{
	struct cli *c = ctx;
	char buf[2048];

	if (!c->quiet)
		fprintf(stderr, "shadowgate review: rejected %s\n",
			sg_diag_format(why, buf, sizeof(buf)));
}

static int run_import(struct cli *c, struct sg_store *s)
{
	int i, ret;

	for (i = 1; i < c->nargs; i++) {
		struct sg_review_import_info info;

		memset(&info, 0, sizeof(info));
		ret = sg_review_import(s, c->args[i], flags.reviewer,
				       print_reject, c, &info, &c->diag);
		if (ret)
			return cli_fail(c, ret);
		if (!c->quiet)
			printf("%s: %ld rows, %ld verdicts stored, %ld "
			       "unchanged, %ld without a verdict, %ld "
			       "rejected\n",
			       c->args[i], info.rows, info.stored,
			       info.unchanged, info.blank, info.rejected);
	}
	return 0;
}

static int run_status(struct cli *c, struct sg_store *s)
{
	struct sg_report_opts o;
	struct sg_review_result r;
	int ret;

	cli_window_opts(c, &o);
	ret = sg_review_collect(s, &o, &r, &c->diag);
	if (!ret) {
		if (cli_format_is(c, "json")) {
			cJSON *j = sg_review_json(&r);
			char *t = sg_report_json(j, 1);

			fputs(t, stdout);
			fputc('\n', stdout);
			free(t);
			cJSON_Delete(j);
			if (fflush(stdout) || ferror(stdout))
				ret = SG_EIO;
		} else {
			ret = sg_review_write_text(stdout, &r);
		}
		if (ret)
			sg_diag_set(&c->diag, NULL, 0, 0,
				    "cannot write the review block: %s",
				    strerror(errno));
	}
	sg_review_result_release(&r);
	return ret ? cli_fail(c, ret) : 0;
}

static int run_review(struct cli *c, struct sg_store *s)
{
	switch (flags.action) {
	case A_EXPORT:
		return run_export(c, s);
	case A_IMPORT:
		return run_import(c, s);
	case A_LABELS:
		return run_labels(c, s);
	default:
		return run_status(c, s);
	}
}

const struct cli_cmd cmd_review = {
	.name = "review",
	.fn = run_review,
	.init = review_init,
	.check = review_check,
	.flags = CLI_OPENS_STORE,
	.groups = CLI_STORE | CLI_CONFIG | CLI_OUTPUT | CLI_FORMAT | CLI_REPORT |
		  CLI_LOG | CLI_WINDOW,
	.opts = review_opts,
	.opt = review_opt,
	.usage = "shadowgate review export --disagreements N [--agreements M] "
		 "[--seed S]\n"
		 "                         [--blind | --no-blind] "
		 "[--format csv|jsonl|label-studio]\n"
		 "                         [--output FILE] [--model "
		 "NAME@VERSION] [window flags]\n"
		 "       shadowgate review import [--reviewer NAME] FILE...\n"
		 "       shadowgate review status [--model NAME@VERSION] "
		 "[window flags]\n"
		 "                         [--format text|json]\n"
		 "       shadowgate review export-labels [--model "
		 "NAME@VERSION] [window flags]\n"
		 "                         [--format csv|jsonl] [--output "
		 "FILE]",
	.summary = "send a stratified sample to reviewers, bring the verdicts "
		   "back, estimate both accuracies",
	.help = "export options:\n"
		"  --disagreements N      disagreeing cases to draw, shared by "
		"the\n"
		"                         (human label, model label) cells in "
		"proportion,\n"
		"                         at least min(2, cell size) each while "
		"N allows\n"
		"  --agreements M         agreeing cases to draw the same way "
		"(default N/4)\n"
		"  --seed S               the random seed (default 0); the same "
		"seed and\n"
		"                         store give the same batch\n"
		"  --blind, --no-blind    show the two decisions as a and b in "
		"an order\n"
		"                         drawn per case (default), or as human "
		"and model\n"
		"  --format csv|jsonl|label-studio\n"
		"                         the queue: CSV (default), JSON Lines, "
		"or tasks\n"
		"                         for Label Studio's import\n"
		"  --output FILE          write the queue there instead of "
		"standard output\n"
		"import options:\n"
		"  --reviewer NAME        the reviewer of every verdict (else "
		"the file's\n"
		"                         reviewer column, or Label Studio's "
		"completed_by)\n"
		"export-labels options:\n"
		"  --format csv|jsonl     the reviewed cases with a verdict "
		"(the majority\n"
		"                         of their reviewers; ties left out), "
		"their\n"
		"                         segments, features, both decisions, "
		"the verdict\n"
		"                         and how many reviewers gave it: CSV "
		"(default)\n"
		"                         or JSON Lines\n"
		"  --output FILE          write them there instead of standard "
		"output\n"
		"status options:\n"
		"  --format text|json     text (default) or the review block as "
		"JSON\n"
		"all:\n"
		"  --model NAME[@VERSION], --since D, --until D, --last N\n"
		"                         the model and window, as for report\n"
		"  --confidence C         of the intervals (default 0.95)\n",
};
