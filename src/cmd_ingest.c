/*
 * cmd_ingest.c - shadowgate ingest: load decision logs into the store.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_progress.h"
#include "sg/ingest.h"

enum { O_MAX_REJECTS = 1000 };

struct ingest_flags {
	long max_rejects;
	double max_rejects_pct;
};

static const struct cli_opt ingest_opts[] = {
	{"max-rejects", required_argument, O_MAX_REJECTS},
	{NULL, 0, 0},
};

static struct ingest_flags flags;

static int ingest_opt(struct cli *c, int id, const char *arg)
{
	size_t n = strlen(arg);

	if (id != O_MAX_REJECTS)
		return 0;
	if (n && arg[n - 1] == '%') {
		char *num = strndup(arg, n - 1);
		int ret = sg_parse_double("--max-rejects", num, 0, 100,
					  &flags.max_rejects_pct, &c->diag);

		free(num);
		return ret;
	}
	return sg_parse_long("--max-rejects", arg, 0, 1000000000000L,
			     &flags.max_rejects, &c->diag);
}

static void print_json(const struct sg_ingest_summary *s, int ok,
		       const char *error)
{
	cJSON *o = cJSON_CreateObject(), *files = cJSON_CreateArray(),
	      *rej = cJSON_CreateArray();
	char *text;
	size_t i;

	cJSON_AddBoolToObject(o, "ok", ok);
	if (error)
		cJSON_AddStringToObject(o, "error", error);
	cJSON_AddNumberToObject(o, "rows_read", (double)s->rows_read);
	cJSON_AddNumberToObject(o, "loaded", (double)s->loaded);
	cJSON_AddNumberToObject(o, "corrections", (double)s->corrections);
	cJSON_AddNumberToObject(o, "duplicates", (double)s->duplicates);
	cJSON_AddNumberToObject(o, "rejected", (double)s->rejected);
	cJSON_AddNumberToObject(o, "predictions", (double)s->predictions);
	cJSON_AddNumberToObject(o, "seconds", s->seconds);
	cJSON_AddNumberToObject(o, "rows_per_second",
				s->seconds > 0 ? (double)s->rows_read / s->seconds
					       : 0);
	for (i = 0; i < s->nfiles; i++) {
		const struct sg_ingest_file *f = &s->files[i];
		cJSON *fo = cJSON_CreateObject();

		cJSON_AddStringToObject(fo, "file", f->file ? f->file : "");
		cJSON_AddStringToObject(fo, "sha256", f->sha256);
		cJSON_AddNumberToObject(fo, "size", (double)f->size);
		cJSON_AddBoolToObject(fo, "skipped", f->skipped);
		if (f->skipped)
			cJSON_AddNumberToObject(fo, "ingested_as_batch",
						(double)f->prior_batch);
		else if (f->batch)
			cJSON_AddNumberToObject(fo, "batch", (double)f->batch);
		if (f->format)
			cJSON_AddStringToObject(fo, "format", f->format);
		cJSON_AddNumberToObject(fo, "rows_read", (double)f->rows_read);
		cJSON_AddNumberToObject(fo, "loaded", (double)f->loaded);
		cJSON_AddNumberToObject(fo, "corrections",
					(double)f->corrections);
		cJSON_AddNumberToObject(fo, "duplicates", (double)f->duplicates);
		cJSON_AddNumberToObject(fo, "rejected", (double)f->rejected);
		cJSON_AddNumberToObject(fo, "predictions",
					(double)f->predictions);
		cJSON_AddItemToArray(files, fo);
	}
	cJSON_AddItemToObject(o, "files", files);
	for (i = 0; i < s->nreject_msgs; i++)
		cJSON_AddItemToArray(rej, cJSON_CreateString(s->reject_msgs[i]));
	cJSON_AddItemToObject(o, "first_rejects", rej);
	text = cJSON_Print(o);
	puts(text);
	free(text);
	cJSON_Delete(o);
}

/*
 * The rejected rows kept for the summary, and how many more there are (in
 * the rejects table, unless the ingest failed and stored none of them).
 */
static void print_rejects(const struct sg_ingest_summary *s, int failed)
{
	size_t i;

	for (i = 0; i < s->nreject_msgs; i++)
		printf("  rejected %s\n", s->reject_msgs[i]);
	if ((size_t)s->rejected > s->nreject_msgs)
		printf("  ... and %ld more rejected rows%s\n",
		       s->rejected - (long)s->nreject_msgs,
		       failed ? "" : " (see the rejects table)");
}

static void print_text(const struct cli *c, const struct sg_ingest_summary *s,
		       int failed)
{
	size_t i;

	for (i = 0; i < s->nfiles; i++) {
		const struct sg_ingest_file *f = &s->files[i];

		if (f->skipped)
			printf("%s: already ingested (batch %ld, sha256 %.12s...),"
			       " nothing changed\n",
			       f->file, f->prior_batch, f->sha256);
		else if (c->verbose || s->nfiles > 1)
			printf("%s: %ld row%s read, %ld loaded, %ld "
			       "corrections, %ld duplicates, %ld rejected\n",
			       f->file, f->rows_read,
			       f->rows_read == 1 ? "" : "s", f->loaded,
			       f->corrections, f->duplicates, f->rejected);
	}
	printf("ingested %ld row%s: %ld loaded, %ld corrections, "
	       "%ld duplicates, %ld rejected",
	       s->rows_read, s->rows_read == 1 ? "" : "s", s->loaded,
	       s->corrections, s->duplicates, s->rejected);
	if (s->predictions)
		printf(", %ld logged predictions", s->predictions);
	printf(" in %.2f s (%.0f rows/s)\n", s->seconds,
	       s->seconds > 0 ? (double)s->rows_read / s->seconds : 0.0);
	print_rejects(s, failed);
}

static const char *const formats[] = {"text", "json", NULL};

static int ingest_check(struct cli *c)
{
	if (!c->nargs)
		return cli_usage_error(c, "no log files given (use - for "
					  "standard input)");
	return 0;
}

static int run_ingest(struct cli *c, struct sg_store *s)
{
	struct sg_ingest_opts o;
	struct cli_progress bar;
	struct sg_ingest_summary sum;
	int ret;

	memset(&o, 0, sizeof(o));
	o.cfg = &c->cfg;
	o.max_rejects = flags.max_rejects;
	o.max_rejects_pct = flags.max_rejects_pct;
	o.keep_rejects = c->verbose ? 50 : 5;
	if (c->tty && !c->quiet) {
		cli_progress_start(&bar);
		o.progress = cli_progress_rows;
		o.progress_ctx = &bar;
	}
	ret = sg_ingest(s, (const char *const *)c->args, (size_t)c->nargs, &o,
			&sum, &c->diag);
	if (o.progress)
		cli_progress_end(&bar);
	for (size_t i = 0; !ret && !c->quiet && i < sum.nfiles; i++) {
		if (sum.files[i].skipped || !sum.files[i].no_time)
			continue;
		/* once: the first log without a time column */
		fprintf(stderr,
			"shadowgate ingest: note: %s has no time column ('%s'), "
			"so its cases have no night; reports take undated cases "
			"with --window-nights 0\n",
			sum.files[i].file, c->cfg.log.decided_at);
		break;
	}
	if (cli_format_is(c, "json")) {
		char buf[2048];

		print_json(&sum, ret == 0,
			   ret ? sg_diag_format(&c->diag, buf, sizeof(buf))
			       : NULL);
	} else if (!c->quiet) {
		if (!ret || sum.rejected)
			print_text(c, &sum, ret != 0);
	} else if (ret) {
		/* quiet: no summary, but the rejected rows that failed it */
		print_rejects(&sum, 1);
	}
	sg_ingest_summary_release(&sum);
	if (ret)
		return cli_fail(c, ret);
	return 0;
}

static void ingest_init(struct cli *c)
{
	(void)c;
	flags.max_rejects = -1;
	flags.max_rejects_pct = -1;
}

const struct cli_cmd cmd_ingest = {
	.name = "ingest",
	.fn = run_ingest,
	.init = ingest_init,
	.groups = CLI_STORE | CLI_CONFIG | CLI_OUTPUT | CLI_FORMAT | CLI_LOG |
		  CLI_MODEL,
	.check = ingest_check,
	.flags = CLI_CREATES_STORE | CLI_OPENS_STORE,
	.formats = formats,
	.opts = ingest_opts,
	.opt = ingest_opt,
	.usage = "shadowgate ingest [--config FILE] [mapping flags] "
		 "[--max-rejects N|P%] FILE... | -",
	.summary = "load human decision logs (CSV or JSON Lines, optionally "
		   "gzipped) into the store",
	.help = "options:\n"
		"  --max-rejects N|P%     fail (exit 3, nothing loaded) when more "
		"than N rows,\n"
		"                         or more than P percent of them, are "
		"rejected\n"
		"  --format text|json     the summary's format (text)\n",
};
