/*
 * test_truncation.c - every prefix of real logs and of a real config, as a
 * file that was cut short (a full disk, a copy interrupted, a gzip stream
 * still being written) would leave it.
 *
 * Each prefix is written to a temporary file and ingested (or read, or
 * loaded as the config). The call must return 0 or a negative SG_E* code,
 * never crash; a failed ingest must leave the store as it was (the batch,
 * case, decision, reject and prediction counts are queried before and
 * after); a successful one adds exactly one batch. Files under 4 KiB are
 * cut at every byte length, bigger ones at ~300 evenly spaced lengths.
 *
 * What is expected of each prefix follows from the formats, not from the
 * code: a plain log cut after its first line end has its header (or first
 * object) whole, so it loads (a cut last row is only a rejected row); a
 * gzip log cut anywhere before its end is a truncated stream and is
 * refused whole; a JSON config cut before its closing brace is a syntax
 * error, and loads once the brace is in.
 *
 * Also here: regression cases for what fuzzing found (tests/fuzz/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "sg/buf.h"
#include "sg/config.h"
#include "sg/gate.h"
#include "sg/ingest.h"
#include "sg/reader.h"
#include "sg/report.h"
#include "sg/store.h"
#include "src/store_impl.h"

/* Cut at every length below this size, else at about CUTS lengths. */
#define EVERY_BYTE_BELOW 4096
#define CUTS 300

static char dir[256];
static char dbpath[300];
static char cutpath[300];
static struct sg_store *store;

/* ---- helpers ---- */

static void fixture_path(char *out, size_t n, const char *rel)
{
	const char *fx = getenv("SG_FIXTURES");

	snprintf(out, n, "%s/%s", fx ? fx : "fixtures", rel);
}

/* Reads a whole fixture into a malloc'd buffer. */
static char *slurp(const char *rel, size_t *len)
{
	char path[1024];
	char *buf = NULL;
	long n;
	FILE *f;

	fixture_path(path, sizeof(path), rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void put(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	if (len)
		assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The i-th of the lengths a file of size n is cut at: 0 .. n, ascending. */
static size_t ncuts(size_t n)
{
	return n < EVERY_BYTE_BELOW ? n + 1 : CUTS + 1;
}

static size_t cut_at(size_t n, size_t i)
{
	if (n < EVERY_BYTE_BELOW)
		return i;
	return (size_t)((double)n * (double)i / CUTS);
}

static void unlink_store(void)
{
	char p[320];

	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s.lock", dbpath);
	unlink(p);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct sg_diag d;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/sg-test-truncation-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/store.db", dir);
	if (sg_store_open(&store, dbpath, 0, &d))
		return -1;
	/* this test is about atomicity, not durability: spare the fsyncs */
	return sg_store_exec(store, "PRAGMA synchronous = OFF", &d) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	sg_store_close(store);
	store = NULL;
	unlink_store();
	if (cutpath[0])
		unlink(cutpath);
	rmdir(dir);
	return 0;
}

static long count(const char *sql)
{
	sqlite3_stmt *st;
	long n = -1;

	assert_int_equal(sqlite3_prepare_v2(store->db, sql, -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* What a half-written ingest would change. */
struct counts {
	long batches, cases, decisions, rejects, predictions;
};

static void get_counts(struct counts *c)
{
	c->batches = count("SELECT count(*) FROM ingest_batches");
	c->cases = count("SELECT count(*) FROM cases");
	c->decisions = count("SELECT count(*) FROM decisions");
	c->rejects = count("SELECT count(*) FROM rejects");
	c->predictions = count("SELECT count(*) FROM predictions");
}

static int ok_or_refused(int ret)
{
	return ret == 0 || ret == SG_EUSAGE || ret == SG_EDATA;
}

enum expect {
	PLAIN, /* loads once the first line end is in */
	GZIP   /* refused until the last byte is in */
};

/*
 * Cuts fixture rel (written as NAME, whose suffix gives the format) at
 * every length and ingests each prefix into the store with cfg's mapping.
 */
static void ingest_prefixes(const char *rel, const char *name,
			    const struct sg_config *cfg, enum expect expect)
{
	struct sg_ingest_summary sum;
	struct sg_ingest_opts o;
	struct counts before, after;
	struct sg_diag d;
	const char *paths[1];
	const char *nl;
	size_t len, i, n, first_line;
	char *data = slurp(rel, &len);
	int ret, loaded = 0;

	nl = memchr(data, '\n', len);
	assert_non_null(nl);
	first_line = (size_t)(nl - data);
	snprintf(cutpath, sizeof(cutpath), "%s/%s", dir, name);
	paths[0] = cutpath;
	memset(&o, 0, sizeof(o));
	o.cfg = cfg;
	o.max_rejects = -1;
	o.max_rejects_pct = -1;
	o.keep_rejects = 2;
	for (i = 0; i < ncuts(len); i++) {
		n = cut_at(len, i);
		put(cutpath, data, n);
		get_counts(&before);
		sg_diag_clear(&d);
		ret = sg_ingest(store, paths, 1, &o, &sum, &d);
		if (!ok_or_refused(ret))
			fail_msg("%s cut at %zu: ingest returned %d: %s", rel, n,
				 ret, d.msg);
		if (ret && !d.set)
			fail_msg("%s cut at %zu: error %d without a message",
				 rel, n, ret);
		get_counts(&after);
		if (ret) {
			if (memcmp(&before, &after, sizeof(before)))
				fail_msg("%s cut at %zu: failed ingest (%s) "
					 "left the store changed",
					 rel, n, d.msg);
		} else {
			assert_int_equal(sum.nfiles, 1);
			assert_int_equal(after.batches,
					 before.batches +
						 !sum.files[0].skipped);
			loaded += !sum.files[0].skipped;
		}
		/* a cut that leaves only rejected rows fails (exit 3) */
		if (expect == PLAIN && n >= first_line && ret &&
		    !(ret == SG_EDATA && sum.rows_read > 0 &&
		      sum.rejected == sum.rows_read &&
		      strstr(d.msg, "every row was rejected")))
			fail_msg("%s cut at %zu (after its first line): "
				 "ingest returned %d: %s",
				 rel, n, ret, d.msg);
		if (expect == GZIP && n < len && !ret)
			fail_msg("%s cut at %zu of %zu: a truncated gzip "
				 "stream was loaded",
				 rel, n, len);
		if (expect == GZIP && n == len && ret)
			fail_msg("%s whole: ingest returned %d: %s", rel, ret,
				 d.msg);
		sg_ingest_summary_release(&sum);
	}
	assert_true(loaded > 0);
	assert_int_equal(count("SELECT count(*) FROM pragma_integrity_check"
			       " WHERE integrity_check != 'ok'"),
			 0);
	unlink(cutpath);
	free(data);
}

/* The mapping of fixtures/ingest: one segment, two features. */
static void ingest_conf(struct sg_config *c)
{
	sg_config_init(c);
	sg_strlist_add(&c->log.segments, "region");
	sg_strlist_add(&c->log.features, "income");
	sg_strlist_add(&c->log.features, "age");
}

/* ---- the logs ---- */

static void cut_csv_log_loads_or_is_refused_whole(void **state)
{
	struct sg_config c;

	(void)state;
	ingest_conf(&c);
	ingest_prefixes("ingest/basic.csv", "cut.csv", &c, PLAIN);
	sg_config_release(&c);
}

static void cut_jsonl_log_loads_or_is_refused_whole(void **state)
{
	struct sg_config c;

	(void)state;
	ingest_conf(&c);
	ingest_prefixes("ingest/basic.jsonl", "cut.jsonl", &c, PLAIN);
	sg_config_release(&c);
}

static void cut_gzip_log_is_refused_whole(void **state)
{
	struct sg_config c;

	(void)state;
	ingest_conf(&c);
	ingest_prefixes("ingest/basic.csv.gz", "cut.csv.gz", &c, GZIP);
	sg_config_release(&c);
}

static void cut_log_of_rejected_rows_loads_or_is_refused_whole(void **state)
{
	struct sg_config c;

	(void)state;
	ingest_conf(&c);
	ingest_prefixes("ingest/rejects.csv", "cut.csv", &c, PLAIN);
	sg_config_release(&c);
}

static void cut_quoted_fields_load_or_are_refused_whole(void **state)
{
	struct sg_config c;

	(void)state;
	sg_config_init(&c);
	sg_config_set_str(&c.log.case_id, "id");
	sg_config_set_str(&c.log.decision, "text");
	ingest_prefixes("reader/quoting.csv", "cut.csv", &c, PLAIN);
	sg_config_release(&c);
}

static void cut_demo_gzip_log_is_refused_whole(void **state)
{
	struct sg_config c;
	struct sg_diag d;
	char path[1024];

	(void)state;
	sg_config_init(&c);
	fixture_path(path, sizeof(path), "demo/shadowgate.json");
	assert_int_equal(sg_config_load(&c, path, &d), 0);
	ingest_prefixes("demo/logs/claims-2026-11-16.csv.gz", "cut.csv.gz", &c,
			GZIP);
	sg_config_release(&c);
}

/* The reader on its own: every cut of a file of quoted fields. */
static void reader_reads_every_cut_of_quoted_fields(void **state)
{
	static const char *const cols[] = {"id", "text", "n", "absent"};
	struct sg_reader *r;
	struct sg_record rec;
	struct sg_diag d;
	size_t len, n, i;
	char *data = slurp("reader/quoting.csv", &len);
	int ret, rows;

	(void)state;
	snprintf(cutpath, sizeof(cutpath), "%s/cut.csv", dir);
	for (n = 0; n <= len; n++) {
		put(cutpath, data, n);
		ret = sg_reader_open(&r, cutpath, SG_FORMAT_CSV, &d);
		if (ret) {
			/* only a file without a whole header may fail */
			assert_int_equal(ret, SG_EDATA);
			assert_null(r);
			continue;
		}
		assert_int_equal(sg_reader_bind(r, cols, 4, NULL), 0);
		rows = 0;
		while ((ret = sg_reader_next(r, &rec, &d)) == 1) {
			assert_int_equal(rec.n, 4);
			for (i = 0; i < rec.n; i++)
				assert_int_equal(strlen(rec.values[i]),
						 rec.lens[i]);
			assert_int_equal(rec.kinds[3], SG_FIELD_ABSENT);
			rows++;
		}
		assert_int_equal(ret, 0);
		/* 4 records, the third over three lines */
		assert_true(rows <= 4);
		if (n == len)
			assert_int_equal(rows, 4);
		sg_reader_close(r);
	}
	unlink(cutpath);
	free(data);
}

/* ---- the config ---- */

static void cut_config_is_a_syntax_error_until_its_last_brace(void **state)
{
	struct sg_config c;
	struct sg_diag d;
	size_t len, n, whole;
	char *data = slurp("config/full.json", &len);
	int ret;

	(void)state;
	whole = (size_t)(strrchr(data, '}') - data) + 1;
	snprintf(cutpath, sizeof(cutpath), "%s/cut.json", dir);
	for (n = 0; n <= len; n++) {
		put(cutpath, data, n);
		sg_config_init(&c);
		sg_diag_clear(&d);
		ret = sg_config_load(&c, cutpath, &d);
		if (n < whole && ret != SG_EUSAGE)
			fail_msg("config cut at %zu: returned %d, not a syntax "
				 "error",
				 n, ret);
		if (n >= whole && ret)
			fail_msg("config cut at %zu: returned %d: %s", n, ret,
				 d.msg);
		if (ret)
			assert_true(d.set);
		sg_config_release(&c);
	}
	unlink(cutpath);
	free(data);
}

/* ---- regressions found by fuzzing ---- */

/*
 * A JSON Lines file whose first object line has no final line end and
 * fills more than half of the reader's first buffer: looking for a column
 * made the buffer grow while a pointer into it was held.
 */
static void has_column_survives_a_long_last_line_without_line_end(void **state)
{
	static const char *const cols[] = {"a"};
	const size_t pad = 300 * 1000;
	struct sg_reader *r;
	struct sg_record rec;
	struct sg_diag d;
	char *text = malloc(pad + 16);
	size_t n;

	(void)state;
	assert_non_null(text);
	n = (size_t)sprintf(text, "{\"a\": 7");
	memset(text + n, ' ', pad);
	n += pad;
	text[n++] = '}';
	snprintf(cutpath, sizeof(cutpath), "%s/long.jsonl", dir);
	put(cutpath, text, n);
	free(text);
	assert_int_equal(sg_reader_open(&r, cutpath, SG_FORMAT_JSONL, &d), 0);
	assert_int_equal(sg_reader_has_column(r, "a"), 1);
	assert_int_equal(sg_reader_has_column(r, "b"), 0);
	assert_int_equal(sg_reader_bind(r, cols, 1, NULL), 0);
	assert_int_equal(sg_reader_next(r, &rec, &d), 1);
	assert_int_equal(rec.err, 0);
	assert_string_equal(rec.values[0], "7");
	assert_int_equal(sg_reader_next(r, &rec, &d), 0);
	sg_reader_close(r);
	unlink(cutpath);
}

static void policy_all(struct sg_gate_conf *g)
{
	memset(g, 0, sizeof(*g)); /* the members not set below */
	g->min_agreement = 0.8;
	g->min_kappa = 0.6;
	g->min_ac1 = 0.6;
	g->min_cases = 100;
	g->on_estimate = 0;
	g->max_error_rate = 0.02;
	g->max_p95_latency_ms = 250;
	g->min_segment_cases = 30;
	g->min_segment_agreement = 0.75;
	g->min_recall = 0.7;
	g->min_precision = 0.7;
	g->incumbent = NULL;
	g->incumbent_margin = 0;
	g->human_margin = 0.05;
	g->min_model_minus_human = -0.01;
	g->min_reviewed = 10;
	g->max_psi = 0.2;
	g->max_missing_rate = 0.1;
	g->max_label_shift = 0.1;
	g->learn_from_reference = 0;
	g->learn_k = 3;
	g->min_night_agreement = 0.7;
	g->max_night_psi = 0.2;
	g->max_night_missing_rate = 0.1;
	g->min_night_cases = 100;
}

/*
 * Counts in a hostile report beyond the range of a long (or infinite, or
 * made NaN by inf - inf) were cast to long: undefined behaviour. A report
 * is read into typed counts now, and such a count is refused there, the
 * message naming the member, before the gate sees it.
 */
static void report_with_counts_out_of_range_is_refused(void **state)
{
	static const char *const reports[][2] = {
		{"{\"cases\": 1e300, \"agreement\": {}}", "report: cases: "},
		{"{\"cases\": 5, \"confusion\": {\"labels\": [\"a\", \"b\"],"
		 " \"matrix\": [[1e86, 1], [2, 3]]}}",
		 "report: confusion.matrix: "},
		{"{\"cases\": -1e300}", "report: cases: "},
		{"{\"cases\": 50, \"confusion\": {\"labels\": [\"a\", \"b\"],"
		 " \"matrix\": [[1, -1], [1, 1]]}}",
		 "report: confusion.matrix: "},
		{"{\"cases\": 500, \"counts\": {\"prediction_errors\": 1e999,"
		 " \"with_prediction\": 10}}",
		 "report: counts.prediction_errors: "},
		{"{\"cases\": 500, \"counts\": {\"prediction_errors\": 1e30,"
		 " \"with_prediction\": 1e30}}",
		 "report: counts.with_prediction: "},
		{"{\"cases\": 2.5}", "report: cases: "},
	};
	static struct sg_report not_null;
	struct sg_report *r;
	struct sg_diag d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		cJSON *rep = cJSON_Parse(reports[i][0]);

		assert_non_null(rep);
		memset(&d, 0, sizeof(d));
		r = &not_null; /* set to NULL on error */
		assert_int_equal(sg_report_from_json(rep, &r, &d), SG_EDATA);
		assert_null(r);
		if (strncmp(d.msg, reports[i][1], strlen(reports[i][1])))
			fail_msg("report %zu: '%s'", i, d.msg);
		cJSON_Delete(rep);
	}
}

/*
 * A confusion matrix of k labels was read with cJSON_GetArrayItem inside
 * two loops over k: k^3 list steps, minutes for a report of 8 KiB with
 * k = 2000. Now each cell is visited once.
 */
static void gate_judges_a_wide_confusion_matrix_in_time(void **state)
{
	const size_t k = 1000;
	struct sg_gate_conf g;
	struct sg_gate_result r;
	struct sg_diag d;
	struct sg_report *rep = sg_xcalloc(1, sizeof(*rep));
	char name[32];
	clock_t t0;
	size_t i, judged = 0;

	(void)state;
	rep->cases = 5000;
	rep->has_model = 1;
	rep->agreement.rate = rep->agreement.ci95[0] =
		rep->agreement.ci95[1] = NAN;
	rep->kappa.value = rep->kappa.ci95[0] = rep->kappa.ci95[1] = NAN;
	rep->confusion.labels.v = sg_xcalloc(k, sizeof(char *));
	for (i = 0; i < k; i++) {
		snprintf(name, sizeof(name), "label%zu", i);
		rep->confusion.labels.v[i] = sg_xstrdup(name);
	}
	rep->confusion.labels.n = k;
	rep->confusion.matrix.rows = rep->confusion.matrix.cols = k;
	rep->confusion.matrix.v = sg_xcalloc(k * k, sizeof(long long));
	policy_all(&g);
	t0 = clock();
	assert_int_equal(sg_gate_judge(rep, &g, &r, &d), 0);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 10.0);
	/* k recall and k precision checks, none with a case to judge */
	for (i = 0; i < r.nchecks; i++)
		if (!strcmp(r.checks[i].name, "min_recall") ||
		    !strcmp(r.checks[i].name, "min_precision")) {
			assert_int_equal(r.checks[i].outcome,
					 SG_CHECK_NOT_JUDGED);
			judged++;
		}
	assert_int_equal(judged, 2 * k);
	sg_gate_result_release(&r);
	sg_report_free(rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			cut_csv_log_loads_or_is_refused_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(
			cut_jsonl_log_loads_or_is_refused_whole, setup,
			teardown),
		cmocka_unit_test_setup_teardown(cut_gzip_log_is_refused_whole,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			cut_log_of_rejected_rows_loads_or_is_refused_whole,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			cut_quoted_fields_load_or_are_refused_whole, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			cut_demo_gzip_log_is_refused_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(
			reader_reads_every_cut_of_quoted_fields, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			cut_config_is_a_syntax_error_until_its_last_brace,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			has_column_survives_a_long_last_line_without_line_end,
			setup, teardown),
		cmocka_unit_test(report_with_counts_out_of_range_is_refused),
		cmocka_unit_test(gate_judges_a_wide_confusion_matrix_in_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
