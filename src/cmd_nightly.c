/*
 * cmd_nightly.c - shadowgate nightly: the whole night from one config.
 *
 * ingest the new log files (a glob; files already ingested are recognised
 * by content) -> run the model on the cases it has not scored -> report
 * over the configured window -> write the reports into DIR/DATE/ -> gate,
 * and exit with the gate's code. report.prometheus_path, when set, gets
 * the headline metrics and the verdict in the Prometheus text format,
 * written atomically (write, then rename). Re-running a night changes nothing in the
 * store and gives the same verdict; a failed step stops the night with
 * exit 3 and leaves the store consistent for the next attempt.
 */
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "sg/backend.h"
#include "sg/buf.h"
#include "sg/compare.h"
#include "sg/gate.h"
#include "sg/html.h"
#include "sg/ingest.h"
#include "sg/report.h"
#include "sg/runner.h"
#include "sg/writer.h"
#include "sg/store.h"

enum { O_DATE = 1000, O_OUT_DIR };

static const struct cli_opt nightly_opts[] = {
	{"date", required_argument, O_DATE},
	{"out-dir", required_argument, O_OUT_DIR},
	{NULL, 0, 0},
};

static struct {
	const char *date;
	const char *out_dir;
} flags;

static void nightly_init(struct cli *c)
{
	(void)c;
	memset(&flags, 0, sizeof(flags));
}

static int nightly_opt(struct cli *c, int id, const char *arg)
{
	if (id == O_DATE) {
		flags.date = arg;
		return sg_report_check_night("--date", arg, &c->diag);
	}
	if (id == O_OUT_DIR)
		flags.out_dir = arg;
	return 0;
}

static int mkdirs(const char *path)
{
	char *p = sg_xstrdup(path), *q;
	int ret = 0;

	for (q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(p, 0777) && errno != EEXIST)
			ret = -1;
		*q = '/';
	}
	if (mkdir(p, 0777) && errno != EEXIST)
		ret = -1;
	free(p);
	return ret;
}

/*
 * Writes the Prometheus text file at path atomically: into .NAME.tmp in
 * the same folder, then renamed over NAME, so node_exporter's textfile
 * collector never reads half a file. The gate's verdict is in it.
 */
static int write_prometheus(struct cli *c, const char *path,
			    const struct sg_report *report,
			    const struct sg_gate_result *res)
{
	struct sg_buf tmp = SG_BUF_INIT;
	const char *slash = strrchr(path, '/');
	FILE *f;
	int ret = 0;

	if (slash)
		sg_buf_addf(&tmp, "%.*s/.%s.tmp", (int)(slash - path), path,
			    slash + 1);
	else
		sg_buf_addf(&tmp, ".%s.tmp", path);
	f = fopen(tmp.buf, "w");
	if (!f) {
		sg_diag_set(&c->diag, tmp.buf, 0, 0,
			    "cannot write the Prometheus file: %s",
			    strerror(errno));
		ret = SG_EIO;
		goto out;
	}
	ret = sg_report_write_prometheus(f, report,
					 sg_verdict_name(res->verdict));
	if (fclose(f) || ret) {
		sg_diag_set(&c->diag, tmp.buf, 0, 0,
			    "cannot write the Prometheus file: %s",
			    strerror(errno));
		unlink(tmp.buf);
		ret = SG_EIO;
		goto out;
	}
	if (rename(tmp.buf, path)) {
		sg_diag_set(&c->diag, path, 0, 0,
			    "cannot write the Prometheus file: %s",
			    strerror(errno));
		unlink(tmp.buf);
		ret = SG_EIO;
	}
out:
	sg_buf_release(&tmp);
	return ret;
}

/* Writes a file atomically: into NAME.tmp, then renamed over NAME. */
static int write_atomic(struct cli *c, const char *dir, const char *name,
			const struct sg_report *report,
			const struct sg_gate_result *res, const char *format,
			const char *model, const cJSON *nights)
{
	struct sg_buf path = SG_BUF_INIT, tmp = SG_BUF_INIT;
	FILE *f;
	int ret = 0;

	sg_buf_addf(&path, "%s/%s", dir, name);
	sg_buf_addf(&tmp, "%s/.%s.tmp", dir, name);
	f = fopen(tmp.buf, "w");
	if (!f) {
		sg_diag_set(&c->diag, tmp.buf, 0, 0, "cannot write: %s",
			    strerror(errno));
		ret = SG_EIO;
		goto out;
	}
	if (report && res && !strcmp(format, "html"))
		/* with the verdict and the trend of the stored nights */
		ret = sg_write_html_page(
			f, report,
			&(struct sg_html_inputs){.gate = res, .verdict = 1,
						 .nights = nights});
	else if (report)
		ret = sg_report_write(f, report, format, 0);
	else
		ret = sg_gate_write(f, res, format, model);
	if (fclose(f) || ret) {
		sg_diag_set(&c->diag, tmp.buf, 0, 0, "cannot write: %s",
			    strerror(errno));
		unlink(tmp.buf);
		ret = SG_EIO;
		goto out;
	}
	if (rename(tmp.buf, path.buf)) {
		sg_diag_set(&c->diag, path.buf, 0, 0, "cannot write: %s",
			    strerror(errno));
		unlink(tmp.buf);
		ret = SG_EIO;
	}
out:
	sg_buf_release(&path);
	sg_buf_release(&tmp);
	return ret;
}

/*
 * The nights so far (nights: sg_store_history_nights of every model) as
 * a page into dir/index.html (atomically, as write_atomic), each night
 * linking to its report.html.
 */
static int write_index(struct cli *c, struct sg_store *s, const char *dir,
		       const cJSON *nights)
{
	struct sg_buf path = SG_BUF_INIT, tmp = SG_BUF_INIT;
	cJSON *runs = NULL;
	FILE *f = NULL;
	int ret;

	ret = sg_store_history_runs(s, NULL, &runs, &c->diag);
	if (ret)
		goto out;
	sg_buf_addf(&path, "%s/index.html", dir);
	sg_buf_addf(&tmp, "%s/.index.html.tmp", dir);
	f = fopen(tmp.buf, "w");
	if (!f || sg_write_html_history(f, nights, runs, 1) | fclose(f) ||
	    rename(tmp.buf, path.buf)) {
		sg_diag_set(&c->diag, f ? path.buf : tmp.buf, 0, 0,
			    "cannot write: %s", strerror(errno));
		if (f)
			unlink(tmp.buf);
		ret = SG_EIO;
	}
out:
	cJSON_Delete(runs);
	sg_buf_release(&path);
	sg_buf_release(&tmp);
	return ret;
}

/* The verdict in a format into dir/gate<the format's extension>. */
static int write_gate_file(struct cli *c, const char *dir,
			   const struct sg_gate_result *res, const char *format,
			   const char *model)
{
	struct sg_buf name = SG_BUF_INIT;
	int ret;

	sg_buf_addf(&name, "gate%s", sg_writer_find(format)->extension);
	ret = write_atomic(c, dir, name.buf, NULL, res, format, model, NULL);
	sg_buf_release(&name);
	return ret;
}

/*
 * Warns when the latest night holds under a tenth of the median night's
 * cases: a night still being logged, or nights cut at the wrong hour.
 */
static int warn_incomplete(struct cli *c, struct sg_store *s)
{
	char last[11];
	long n;
	double median;
	int ret = sg_store_night_sizes(s, last, &n, &median, &c->diag);

	if (ret || !last[0] || !((double)n < median / 10))
		return ret;
	fprintf(stderr,
		"shadowgate nightly: warning: night %s looks incomplete: %ld "
		"cases, the median night has %g (still being logged? is "
		"log.night_timezone right?)\n",
		last, n, median);
	return 0;
}

/* A report's JSON without the time it was made, to compare two; the
 * tree is changed. */
static char *stable_text(cJSON *tree)
{
	cJSON_DeleteItemFromObject(tree, "generated_at");
	return sg_report_json(tree, 0);
}

/*
 * Stores the report unless the latest stored report of the same model and
 * window is the same; *id gets the row either way.
 */
static int store_report_once(struct sg_store *s,
			     const struct sg_report *report, long *id,
			     int *reused, struct sg_diag *d)
{
	cJSON *tree = sg_report_to_json(report);
	char *mine = stable_text(tree), *text = NULL;
	long old_id = 0;
	int ret;

	cJSON_Delete(tree);
	*reused = 0;
	ret = sg_store_latest_report(s, report->window.since,
				     report->window.until, &old_id, &text, d);
	if (ret)
		goto out;
	if (old_id) {
		cJSON *old = text ? cJSON_Parse(text) : NULL;
		char *theirs = old ? stable_text(old) : NULL;

		if (theirs && !strcmp(theirs, mine)) {
			*id = old_id;
			*reused = 1;
		}
		free(theirs);
		cJSON_Delete(old);
	}
	if (!*reused)
		ret = sg_report_store(s, report, id, d);
out:
	free(text);
	free(mine);
	return ret;
}

/* Whether the latest verdict on this report is this one. */
static int same_verdict_stored(struct sg_store *s, long report_id,
			       const struct sg_gate_result *res)
{
	cJSON *j = sg_gate_result_json(res);
	char *checks = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "checks"));
	char *verdict = NULL, *had = NULL;
	int same = 0;

	if (!sg_store_latest_verdict(s, report_id, &verdict, &had, NULL) &&
	    verdict && had)
		same = !strcmp(verdict, sg_verdict_name(res->verdict)) &&
		       !strcmp(had, checks);
	free(verdict);
	free(had);
	free(checks);
	cJSON_Delete(j);
	return same;
}

/* -v: what the report step chose: the window, the model, the row. */
static void verbose_report(const struct sg_report *report, const char *date,
			   long id, int reused)
{
	const struct sg_report_window *w = &report->window;
	const struct sg_report_model *m = report->model;

	printf("           window %s .. %s: %lld nights (%s), ending at %s\n",
	       w->since ? w->since : "-", w->until ? w->until : "-",
	       w->nights, w->all ? "every night" : "report.window_nights",
	       date ? "--date" : "the latest night with cases");
	printf("           model %s@%s; report %ld %s\n",
	       m && m->name ? m->name : "-",
	       m && m->version ? m->version : "-", id,
	       reused ? "(the same as the one stored before: not stored again)"
		      : "stored");
}

static int ingest_step(struct cli *c, struct sg_store *s)
{
	struct sg_ingest_summary sum;
	struct sg_ingest_opts o;
	glob_t g;
	size_t i, skipped = 0;
	int ret, gr;

	if (!c->cfg.log.glob) {
		if (!c->quiet)
			printf("  ingest   no log.glob in the config: nothing to "
			       "ingest\n");
		return 0;
	}
	memset(&g, 0, sizeof(g));
	gr = glob(c->cfg.log.glob, 0, NULL, &g);
	if (gr == GLOB_NOMATCH) {
		fprintf(stderr,
			"shadowgate nightly: warning: no log file matches '%s'\n",
			c->cfg.log.glob);
		globfree(&g);
		return 0;
	}
	if (gr) {
		sg_diag_set(&c->diag, c->cfg.path, 0, 0,
			    "cannot list the log files of '%s'", c->cfg.log.glob);
		globfree(&g);
		return SG_EIO;
	}
	memset(&o, 0, sizeof(o));
	o.cfg = &c->cfg;
	o.max_rejects = -1;
	o.max_rejects_pct = -1;
	o.keep_rejects = c->verbose ? 50 : 3;
	ret = sg_ingest(s, (const char *const *)g.gl_pathv, g.gl_pathc, &o,
			&sum, &c->diag);
	if (!ret && !c->quiet) {
		for (i = 0; i < sum.nfiles; i++)
			skipped += sum.files[i].skipped != 0;
		printf("  ingest   %zu files: %zu new (%ld rows: %ld loaded, %ld "
		       "corrections, %ld rejected), %zu already ingested\n",
		       sum.nfiles, sum.nfiles - skipped, sum.rows_read,
		       sum.loaded, sum.corrections, sum.rejected, skipped);
		if (c->verbose)
			printf("           log.glob '%s' matches %zu files\n",
			       c->cfg.log.glob, sum.nfiles);
		for (i = 0; c->verbose && i < sum.nfiles; i++) {
			const struct sg_ingest_file *f = &sum.files[i];

			if (f->skipped)
				printf("           %s: already ingested (batch "
				       "%ld), skipped\n",
				       f->file, f->prior_batch);
			else
				printf("           %s: batch %ld, %ld rows read, "
				       "%ld loaded, %ld corrections, %ld "
				       "duplicates, %ld rejected\n",
				       f->file, f->batch, f->rows_read, f->loaded,
				       f->corrections, f->duplicates,
				       f->rejected);
		}
		for (i = 0; i < sum.nreject_msgs; i++)
			printf("           rejected %s\n", sum.reject_msgs[i]);
	}
	if (ret)
		sg_diag_prefix(&c->diag, "ingest failed");
	sg_ingest_summary_release(&sum);
	globfree(&g);
	return ret;
}

static int run_step(struct cli *c, struct sg_store *s)
{
	struct sg_run_result r;
	struct sg_run_opts o;
	const char *b = c->cfg.model.backend;
	int ret;

	if (sg_backend_reads_log(b) && !c->cfg.model.predictions) {
		if (!c->quiet)
			printf("  run      logged predictions: nothing to run\n");
		return 0;
	}
	memset(&o, 0, sizeof(o));
	o.cfg = &c->cfg;
	o.max_errors = -1;
	o.lock_wait_ms = 10000;
	ret = sg_run(s, &o, &r, &c->diag);
	if (ret) {
		sg_diag_prefix(&c->diag, "run failed");
	} else if (r.errors && !r.scored) {
		sg_diag_set(&c->diag, NULL, 0, 0,
			    "run failed: every one of %ld cases failed (first: "
			    "%s); they will be retried on the next attempt",
			    r.errors, r.nerror_msgs ? r.error_msgs[0] : "?");
		ret = SG_EMODEL;
	} else if (!c->quiet) {
		if (!r.run_id)
			printf("  run      nothing to score: every case has a "
			       "prediction of %s@%s\n",
			       c->cfg.model.name, c->cfg.model.version);
		else
			printf("  run      %ld cases scored, %ld errors in %.2f s "
			       "(p95 %.3f ms, %s)\n",
			       r.scored, r.errors, r.wall_s, r.p95_ms,
			       r.latency_method ? r.latency_method : "-");
		if (c->verbose && r.run_id) {
			printf("           run %ld of %s@%s (%s%s%.12s): %ld cases "
			       "to score, %.0f cases/s, latency p50 %.3f ms, "
			       "p99 %.3f ms, peak memory %ld KiB\n",
			       r.run_id, c->cfg.model.name, c->cfg.model.version,
			       r.backend ? r.backend : "-",
			       r.sha256[0] ? ", sha256 " : "", r.sha256, r.cases,
			       r.throughput, r.p50_ms, r.p99_ms, r.peak_rss_kb);
			for (size_t i = 0; i < r.nerror_msgs; i++)
				printf("           error: %s\n", r.error_msgs[i]);
		}
	}
	sg_run_result_release(&r);
	return ret;
}

static int run_nightly(struct cli *c, struct sg_store *s)
{
	struct sg_gate_result res;
	struct sg_report_opts ro;
	struct sg_buf dir = SG_BUF_INIT;
	struct sg_report *report = NULL;
	cJSON *nights = NULL;
	char night[11], *model = NULL;
	long report_id = 0;
	int ret, reused = 0, status = EXIT_RUNTIME;
	size_t i;

	memset(&res, 0, sizeof(res));
	if (!c->quiet)
		printf("shadowgate nightly (%s, store %s)\n", c->config_path,
		       c->db_path);
	ret = ingest_step(c, s);
	if (ret)
		goto fail;
	ret = run_step(c, s);
	if (ret)
		goto fail;

	if (flags.date) {
		snprintf(night, sizeof(night), "%s", flags.date);
	} else {
		ret = sg_store_latest_night(s, night, &c->diag);
		if (ret)
			goto fail;
		ret = warn_incomplete(c, s);
		if (ret)
			goto fail;
	}
	sg_report_opts_init(&ro);
	sg_report_opts_from_config(&ro, &c->cfg);
	if (night[0])
		ro.until = night;
	if (c->cfg.model.name && c->cfg.model.version) {
		struct sg_buf m = SG_BUF_INIT;

		sg_buf_addf(&m, "%s@%s", c->cfg.model.name, c->cfg.model.version);
		model = sg_buf_detach(&m);
		ro.model = model;
	}
	ret = sg_report_compute(s, &ro, &report, &c->diag);
	if (ret) {
		sg_diag_prefix(&c->diag, "report failed");
		goto fail;
	}
	if (c->cfg.gate.incumbent) {
		ret = sg_compare_attach(s, report, c->cfg.gate.incumbent,
					c->cfg.report.tolerance, &c->diag);
		if (ret) {
			sg_diag_prefix(&c->diag, "comparison with the incumbent "
						 "failed");
			goto fail;
		}
	}
	ret = store_report_once(s, report, &report_id, &reused, &c->diag);
	if (ret)
		goto fail;
	if (!c->quiet) {
		printf("  report   agreement %.4f [%.4f, %.4f], kappa %.4f "
		       "[%.4f, %.4f] on %lld cases\n",
		       report->agreement.rate, report->agreement.ci95[0],
		       report->agreement.ci95[1], report->kappa.value,
		       report->kappa.ci95[0], report->kappa.ci95[1],
		       report->cases);
	}
	if (c->verbose && !c->quiet)
		verbose_report(report, flags.date, report_id, reused);
	ret = sg_gate_judge(report, &c->cfg.gate, &res, &c->diag);
	if (ret) {
		status = cli_fail(c, ret);
		goto out;
	}
	if (!same_verdict_stored(s, report_id, &res)) {
		long mid = 0;

		/* a store that cannot say is a verdict without its model */
		if (model && sg_store_find_model(s, c->cfg.model.name,
						 c->cfg.model.version, &mid,
						 NULL, NULL))
			mid = 0;
		ret = sg_gate_store(s, report_id, mid, &c->cfg.gate, &res, NULL,
				    &c->diag);
		if (ret)
			goto fail;
	}

	sg_buf_addf(&dir, "%s/%s", flags.out_dir ? flags.out_dir
						 : c->cfg.report.dir,
		    night[0] ? night : "no-night");
	if (mkdirs(dir.buf)) {
		sg_diag_set(&c->diag, dir.buf, 0, 0,
			    "cannot create the report folder: %s",
			    strerror(errno));
		ret = SG_EIO;
		goto fail;
	}
	/* the stored nights, tonight's report among them, for the html
	 * page's trend and the index */
	if (sg_strlist_find(&c->cfg.report.formats, "html") >= 0) {
		ret = sg_store_history_nights(s, NULL, &nights, &c->diag);
		if (ret)
			goto fail;
	}
	for (i = 0; i < c->cfg.report.formats.n; i++) {
		const char *f = c->cfg.report.formats.v[i];
		const struct sg_writer_ops *w = sg_writer_find(f);
		struct sg_buf name = SG_BUF_INIT;

		if (!w || !w->write_report)
			continue;
		sg_buf_addf(&name, "report%s", w->extension);
		if (!strcmp(f, "prometheus")) {
			struct sg_buf p = SG_BUF_INIT;

			sg_buf_addf(&p, "%s/%s", dir.buf, name.buf);
			ret = write_prometheus(c, p.buf, report, &res);
			sg_buf_release(&p);
		} else {
			ret = write_atomic(c, dir.buf, name.buf, report, &res,
					   f, NULL, nights);
		}
		sg_buf_release(&name);
		if (ret)
			goto fail;
	}
	if (c->cfg.report.prometheus_path) {
		ret = write_prometheus(c, c->cfg.report.prometheus_path, report,
				       &res);
		if (ret)
			goto fail;
	}
	if (nights) {
		ret = write_index(c, s, flags.out_dir ? flags.out_dir
						      : c->cfg.report.dir,
				  nights);
		if (ret)
			goto fail;
	}
	ret = write_gate_file(c, dir.buf, &res, "junit", model);
	if (!ret)
		ret = write_gate_file(c, dir.buf, &res, "json", model);
	if (!ret)
		ret = write_gate_file(c, dir.buf, &res, "markdown", model);
	if (ret)
		goto fail;
	if (!c->quiet) {
		/* segment values and labels shown as sg_buf_add_text does */
		struct sg_buf t = SG_BUF_INIT;

		sg_buf_add_text(&t, res.reason);
		printf("  gate     %s\n", t.buf);
		/* -v: every check, the passed and the not judged too */
		for (i = 0; i < res.nchecks; i++) {
			if (res.checks[i].outcome != SG_CHECK_FAIL && !c->verbose)
				continue;
			sg_buf_reset(&t);
			sg_buf_add_text(&t, res.checks[i].subject);
			sg_buf_addstr(&t, "): ");
			sg_buf_add_text(&t, res.checks[i].detail);
			printf("           %s %s (%s\n",
			       res.checks[i].outcome == SG_CHECK_FAIL ? "FAIL"
			       : res.checks[i].outcome == SG_CHECK_PASS
				       ? "pass"
				       : "not judged",
			       res.checks[i].name, t.buf);
		}
		sg_buf_release(&t);
		printf("  reports  %s/ (report and gate in each format; "
		       "gate.xml is JUnit)\n",
		       dir.buf);
		if (c->cfg.report.prometheus_path)
			printf("  metrics  %s (Prometheus text format)\n",
			       c->cfg.report.prometheus_path);
		printf("verdict: %s (exit %d)\n", sg_verdict_name(res.verdict),
		       res.verdict);
	} else {
		printf("%s\n", sg_verdict_name(res.verdict));
	}
	status = res.verdict;
	goto out;
fail:
	status = cli_fail(c, ret);
	if (status == 0)
		status = EXIT_RUNTIME;
	fprintf(stderr, "shadowgate nightly: the night stopped; the store is "
			"consistent, run it again once fixed\n");
out:
	cJSON_Delete(nights);
	free(model);
	sg_buf_release(&dir);
	sg_gate_result_release(&res);
	sg_report_free(report);
	return status;
}

const struct cli_cmd cmd_nightly = {
	.name = "nightly",
	.fn = run_nightly,
	.init = nightly_init,
	.groups = CLI_STORE | CLI_CONFIG | CLI_OUTPUT | CLI_LOG | CLI_MODEL |
		  CLI_REPORT | CLI_GATE,
	.flags = CLI_CREATES_STORE | CLI_OPENS_STORE | CLI_NO_ARGS |
		 CLI_NEEDS_CONFIG,
	.opts = nightly_opts,
	.opt = nightly_opt,
	.usage = "shadowgate nightly --config FILE [--date YYYY-MM-DD] "
		 "[--out-dir DIR]",
	.summary = "the whole night: ingest new logs, run the model, report, "
		   "gate; exit with the verdict",
	.help = "options:\n"
		"  --date D               the night to report up to (default: "
		"the latest night\n"
		"                         with cases); names the report folder\n"
		"  --out-dir DIR          where the DATE/ folders go (default: "
		"report.dir)\n",
};
