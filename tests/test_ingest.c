#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg/ingest.h"
#include "sg/report.h"
#include "sg/store.h"
#include "src/store_impl.h"

static char dbpath[256];
static char fx[1024];
static struct sg_store *store;
static struct sg_config cfg;

static const char *fixture(const char *name)
{
	const char *dir = getenv("SG_FIXTURES");

	snprintf(fx, sizeof(fx), "%s/ingest/%s", dir ? dir : "fixtures", name);
	return fx;
}

static int setup(void **state)
{
	struct sg_diag d;
	int fd;

	(void)state;
	snprintf(dbpath, sizeof(dbpath), "/tmp/sg-test-ingest-XXXXXX");
	fd = mkstemp(dbpath);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(dbpath);
	if (sg_store_open(&store, dbpath, 0, &d))
		return -1;
	sg_config_init(&cfg);
	sg_strlist_add(&cfg.log.segments, "region");
	sg_strlist_add(&cfg.log.features, "income");
	sg_strlist_add(&cfg.log.features, "age");
	return 0;
}

static int teardown(void **state)
{
	char p[300];

	(void)state;
	sg_store_close(store);
	store = NULL;
	sg_config_release(&cfg);
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	return 0;
}

static long count(const char *sql)
{
	sqlite3_stmt *st;
	long n = -1;

	assert_int_equal(sqlite3_prepare_v2(store->db, sql, -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static char *text(const char *sql)
{
	static char buf[1024];
	sqlite3_stmt *st;

	buf[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(store->db, sql, -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, sizeof(buf), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

static int ingest(const char *name, struct sg_ingest_summary *sum,
		  long max_rejects, struct sg_diag *d)
{
	struct sg_ingest_opts o;
	const char *paths[1];
	char path[1024];

	snprintf(path, sizeof(path), "%s", fixture(name));
	paths[0] = path;
	memset(&o, 0, sizeof(o));
	o.cfg = &cfg;
	o.max_rejects = max_rejects;
	o.max_rejects_pct = -1;
	o.keep_rejects = 10;
	sg_diag_clear(d);
	return sg_ingest(store, paths, 1, &o, sum, d);
}

static size_t run_bytes; /* sort_run_bytes of ingest_path */

static int ingest_path(const char *path, struct sg_ingest_summary *sum,
		       struct sg_diag *d)
{
	struct sg_ingest_opts o;
	const char *paths[1];

	paths[0] = path;
	memset(&o, 0, sizeof(o));
	o.cfg = &cfg;
	o.sort_run_bytes = run_bytes;
	o.max_rejects = -1;
	o.max_rejects_pct = -1;
	o.keep_rejects = 10;
	sg_diag_clear(d);
	return sg_ingest(store, paths, 1, &o, sum, d);
}

/* A random-looking, unique case id for row i (splitmix64's finaliser). */
static const char *random_id(unsigned long long i)
{
	static char buf[32];
	unsigned long long x = i + 0x9e3779b97f4a7c15ULL;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	snprintf(buf, sizeof(buf), "dec-%016llx", x);
	return buf;
}

static const char *const regions[] = {"north", "south", "east", "west"};

/* A log row of case i on night 2026-11-DD at hour h. */
static void log_row(FILE *f, unsigned long long i, int day, int hour,
		    const char *region, const char *rater, int flip)
{
	const char *dec = (i % 2) ^ (unsigned)flip ? "deny" : "approve";

	fprintf(f, "%s,2026-11-%02dT%02d:00:00Z,%s,%llu,30,%s,%s,%s,0.9\n",
		random_id(i), day, hour, region, i, dec, rater,
		(i % 2) ? "deny" : "approve");
}

static void open_log(FILE **f, char *path)
{
	int fd;

	snprintf(path, 64, "/tmp/sg-test-log-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	*f = fdopen(fd, "w");
	assert_non_null(*f);
	fputs("case_id,decided_at,region,income,age,decision,rater,"
	      "model_decision,model_score\n",
	      *f);
}

/*
 * A file longer than one batch, its nights mixed and its case ids random,
 * goes to the store in key order (by night, then case id) with the same
 * counts as in row order: a second rating, a conflict, a duplicate and a
 * correction of cases met earlier in the file are told apart as always,
 * and the next night's cases are numbered after the first file's. The
 * rows are sorted in memory, or (with a small sort_run_bytes) in many
 * runs on disk, merged: the store is the same either way.
 */
static void stored_in_night_and_case_id_order(void)
{
	struct sg_ingest_summary sum;
	struct sg_diag d;
	char path[64];
	unsigned long long i;
	FILE *f;

	open_log(&f, path);
	for (i = 0; i < 1000; i++)
		log_row(f, i, 1 + (int)(i % 3), 8, regions[i % 4], "ann", 0);
	log_row(f, 10, 2, 8, regions[10 % 4], "bob", 0); /* a second rater */
	log_row(f, 20, 3, 8, "elsewhere", "ann", 0);     /* line 1003: conflict */
	log_row(f, 30, 1, 8, regions[30 % 4], "ann", 0); /* the same row again */
	log_row(f, 40, 2, 9, regions[40 % 4], "ann", 1); /* a later correction */
	fclose(f);
	assert_int_equal(ingest_path(path, &sum, &d), 0);
	unlink(path);
	/* 1000 new cases + bob's rating; one each of the others */
	assert_int_equal(sum.rows_read, 1004);
	assert_int_equal(sum.loaded, 1001);
	assert_int_equal(sum.duplicates, 1);
	assert_int_equal(sum.corrections, 1);
	assert_int_equal(sum.rejected, 1);
	/* the repeated rows carry the same model output: stored once */
	assert_int_equal(sum.predictions, 1000);
	assert_non_null(strstr(sum.reject_msgs[0], ":1003: case 'dec-"));
	sg_ingest_summary_release(&sum);
	/* rejected after the sort: its raw text is read from the file again */
	assert_string_equal(text("SELECT substr(raw, 21) FROM rejects WHERE "
				 "line = 1003"),
			    ",2026-11-03T08:00:00Z,elsewhere,20,30,approve,ann,"
			    "approve,0.9");

	assert_int_equal(count("SELECT count(*) FROM cases"), 1000);
	assert_int_equal(count("SELECT count(*) FROM decisions"), 1002);
	assert_int_equal(count("SELECT count(*) FROM predictions"), 1000);
	/* no two cases out of (night, case id) order */
	assert_int_equal(count("SELECT count(*) FROM cases a JOIN cases b ON "
			       "a.id < b.id WHERE a.night > b.night OR "
			       "(a.night = b.night AND a.case_id > b.case_id)"),
			 0);
	/* case 40 (even: approve) was corrected to deny, case 10 has two */
	assert_int_equal(count("SELECT count(*) FROM decisions d JOIN cases c "
			       "ON c.id = d.case_ref WHERE c.line = 42 AND "
			       "d.is_current AND d.label = 'deny'"),
			 1);
	assert_int_equal(count("SELECT count(*) FROM decisions d JOIN cases c "
			       "ON c.id = d.case_ref WHERE c.line = 12 AND "
			       "d.is_current"),
			 2);

	/* the next night: new cases after the stored ones, a correction */
	open_log(&f, path);
	for (i = 1000; i < 1300; i++)
		log_row(f, i, 4, 8, regions[i % 4], "ann", 0);
	log_row(f, 50, 4, 10, regions[50 % 4], "ann", 1);
	fclose(f);
	assert_int_equal(ingest_path(path, &sum, &d), 0);
	unlink(path);
	assert_int_equal(sum.loaded, 300);
	assert_int_equal(sum.corrections, 1);
	assert_int_equal(sum.rejected, 0);
	sg_ingest_summary_release(&sum);
	assert_int_equal(count("SELECT min(id) > (SELECT max(id) FROM cases "
			       "WHERE night < '2026-11-04') FROM cases WHERE "
			       "night = '2026-11-04'"),
			 1);
	assert_int_equal(count("PRAGMA foreign_keys"), 1);
	assert_int_equal(count("SELECT count(*) FROM pragma_foreign_key_check"),
			 0);
}

static void file_past_one_batch_is_stored_in_night_and_case_id_order(
	void **state)
{
	(void)state;
	run_bytes = 0;
	stored_in_night_and_case_id_order();
}

/* 4 KiB runs: a run is written a batch (256 rows) at a time, so the
 * first file goes to 4 runs, the second to 2 */
static void rows_sorted_in_runs_on_disk_are_stored_in_the_same_order(
	void **state)
{
	(void)state;
	run_bytes = 4096;
	stored_in_night_and_case_id_order();
	run_bytes = 0;
}

/*
 * The file of sorted runs cannot grow (a full $TMPDIR, here a limit on
 * the size of any file the process writes, in a child process): the
 * ingest fails with an I/O error naming the staged rows, whether the run
 * that failed was written by the helper thread or at the end, and stores
 * nothing. The store and its WAL stay below the limit of 16 MiB (the
 * rows would be inserted only after the sort); the runs of 200,000 rows
 * (about 100 bytes each) pass it.
 */
static void runs_that_cannot_be_written_fail_the_ingest(void **state)
{
	struct sg_ingest_summary sum;
	struct sg_diag d;
	char path[64];
	unsigned long long i;
	FILE *f;
	pid_t pid;
	int status;

	(void)state;
	open_log(&f, path);
	for (i = 0; i < 200000; i++)
		log_row(f, i, 1 + (int)(i % 3), 8, regions[i % 4], "ann", 0);
	fclose(f);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit lim = {16 << 20, 16 << 20};
		int rc;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &lim))
			_exit(10);
		run_bytes = 1 << 20;
		rc = ingest_path(path, &sum, &d);
		if (rc != SG_EIO) {
			fprintf(stderr, "# ingest gave %d: %s\n", rc, d.msg);
			_exit(11);
		}
		if (!strstr(d.msg, "cannot write the staged rows"))
			_exit(12);
		if (count("SELECT count(*) FROM cases") != 0)
			_exit(13);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	unlink(path);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* the parent's store is as it was: empty */
	assert_int_equal(count("SELECT count(*) FROM cases"), 0);
}

/*
 * A log past one run with $TMPDIR naming no directory: the ingest fails
 * with an I/O error that names the directory (what there is to mend),
 * and stores nothing.
 */
static void a_missing_tmpdir_is_named(void **state)
{
	const char *dir = "/nonexistent-sg-test-tmpdir";
	struct sg_ingest_summary sum;
	struct sg_diag d;
	char path[64], *old = getenv("TMPDIR");
	unsigned long long i;
	FILE *f;
	int rc;

	(void)state;
	old = old ? strdup(old) : NULL;
	open_log(&f, path);
	for (i = 0; i < 2000; i++)
		log_row(f, i, 1, 8, "north", "ann", 0);
	fclose(f);
	setenv("TMPDIR", dir, 1);
	run_bytes = 4096;
	rc = ingest_path(path, &sum, &d);
	run_bytes = 0;
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
	unlink(path);
	sg_ingest_summary_release(&sum);
	assert_int_equal(rc, SG_EIO);
	assert_string_equal(d.file, dir);
	assert_non_null(strstr(d.msg, "staged rows"));
	assert_non_null(strstr(d.msg, "$TMPDIR"));
	assert_int_equal(count("SELECT count(*) FROM cases"), 0);
}

static void csv_log_loads_cases_decisions_and_logged_predictions(void **state)
{
	struct sg_ingest_summary sum;
	struct sg_diag d;

	(void)state;
	assert_int_equal(ingest("basic.csv", &sum, -1, &d), 0);
	assert_int_equal(sum.rows_read, 5);
	assert_int_equal(sum.loaded, 5);
	assert_int_equal(sum.rejected, 0);
	assert_int_equal(sum.predictions, 5);
	sg_ingest_summary_release(&sum);
	assert_int_equal(count("SELECT count(*) FROM cases"), 5);
	assert_int_equal(count("SELECT count(*) FROM decisions WHERE is_current"),
			 5);
	assert_string_equal(text("SELECT g.segments FROM cases c JOIN"
				 " segment_sets g ON g.id = c.segment_set"
				 " WHERE c.case_id = 'c4'"),
			    "{\"region\":\"west, coast\"}");
	assert_string_equal(text("SELECT night FROM cases WHERE case_id = 'c4'"),
			    "2026-11-21");
	/* income of c4 is 73000.5, the first of two doubles */
	{
		sqlite3_stmt *st;
		double f[2];
		size_t nf;

		assert_int_equal(sqlite3_prepare_v2(
					 store->db,
					 "SELECT features FROM cases WHERE "
					 "case_id IN ('c4', 'c3') ORDER BY case_id",
					 -1, &st, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sg_features_unpack(sqlite3_column_blob(st, 0),
						    (size_t)sqlite3_column_bytes(
							    st, 0),
						    f, 2, &nf),
				 0);
		assert_int_equal(nf, 2);
		assert_true(isnan(f[0])); /* c3: empty income is missing */
		assert_true(f[1] == 35.0);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sg_features_unpack(sqlite3_column_blob(st, 0),
						    (size_t)sqlite3_column_bytes(
							    st, 0),
						    f, 2, &nf),
				 0);
		assert_int_equal(nf, 2);
		assert_true(f[0] == 73000.5);
		assert_true(f[1] == 52.0);
		sqlite3_finalize(st);
	}
	assert_string_equal(text("SELECT m.name || '@' || m.version || ' ' || "
				 "p.label || ' ' || p.score FROM predictions p "
				 "JOIN models m ON m.id = p.model JOIN cases c "
				 "ON c.id = p.case_ref WHERE c.case_id = 'c5'"),
			    "model@logged review 0.41");
	/* a logged prediction's time is its batch's start, not kept per row */
	assert_int_equal(count("SELECT count(*) FROM predictions p JOIN"
			       " ingest_batches b ON b.id = p.batch WHERE"
			       " p.created_at IS NULL AND b.started_at LIKE"
			       " '____-__-__T__:__:__Z'"),
			 5);
}

static void same_file_twice_changes_nothing(void **state)
{
	struct sg_ingest_summary sum;
	struct sg_diag d;

	(void)state;
	assert_int_equal(ingest("basic.csv", &sum, -1, &d), 0);
	sg_ingest_summary_release(&sum);
	assert_int_equal(ingest("basic.csv", &sum, -1, &d), 0);
	assert_int_equal(sum.nfiles, 1);
	assert_true(sum.files[0].skipped);
	assert_int_equal(sum.files[0].prior_batch, 1);
	assert_int_equal(sum.rows_read, 0);
	sg_ingest_summary_release(&sum);
	assert_int_equal(count("SELECT count(*) FROM ingest_batches"), 1);
	assert_int_equal(count("SELECT count(*) FROM decisions"), 5);
}

static void gzip_log_is_the_same_log(void **state)
{
	struct sg_ingest_summary sum;
	struct sg_diag d;

	(void)state;
	assert_int_equal(ingest("basic.csv.gz", &sum, -1, &d), 0);
	assert_int_equal(sum.loaded, 5);
	sg_ingest_summary_release(&sum);
	/* the plain file has other bytes: read, but every row is known */
	assert_int_equal(ingest("basic.csv", &sum, -1, &d), 0);
	assert_int_equal(sum.duplicates, 5);
	assert_int_equal(sum.loaded, 0);
	sg_ingest_summary_release(&sum);
}

static void corrections_raters_and_conflicts_are_told_apart(void **state)
{
	struct sg_ingest_summary sum;
	struct sg_diag d;

	(void)state;
	assert_int_equal(ingest("basic.csv", &sum, -1, &d), 0);
	sg_ingest_summary_release(&sum);
	assert_int_equal(ingest("corrections.csv", &sum, -1, &d), 0);
	/* c1 ann later: correction; c2 ann earlier: correction kept as
	 * history only; c3 cat: a new rater; c4 bob: duplicate; c4 dan with
	 * other features: rejected */
	assert_int_equal(sum.corrections, 2);
	assert_int_equal(sum.loaded, 1);
	assert_int_equal(sum.duplicates, 1);
	assert_int_equal(sum.rejected, 1);
	assert_non_null(strstr(sum.reject_msgs[0], "corrections.csv:6: case 'c4' "
						   "was stored before with "
						   "different features"));
	sg_ingest_summary_release(&sum);
	assert_string_equal(text("SELECT d.label FROM decisions d JOIN cases c ON "
				 "c.id = d.case_ref WHERE c.case_id = 'c1' AND "
				 "d.is_current"),
			    "reject");
	assert_int_equal(count("SELECT count(*) FROM decisions d JOIN cases c ON "
			       "c.id = d.case_ref WHERE c.case_id = 'c1'"),
			 2);
	/* the older correction of c2 is history, the first decision counts */
	assert_string_equal(text("SELECT d.label FROM decisions d JOIN cases c ON "
				 "c.id = d.case_ref WHERE c.case_id = 'c2' AND "
				 "d.is_current"),
			    "reject");
	assert_int_equal(count("SELECT count(*) FROM decisions d JOIN cases c ON "
			       "c.id = d.case_ref WHERE c.case_id = 'c3' AND "
			       "d.is_current"),
			 2);
}

static void each_bad_row_is_rejected_with_line_column_and_reason(void **state)
{
	struct sg_ingest_summary sum;
	struct sg_diag d;
	size_t i;
	const char *want[] = {
		"rejects.csv:2: column 'case_id': missing case id",
		"rejects.csv:3: column 'income': not a number: \"12,5k\"",
		"rejects.csv:4: column 'decided_at': not an ISO-8601 date",
		"rejects.csv:5: expected 7 fields, found 5",
		"rejects.csv:6: column 'region': invalid UTF-8",
		"rejects.csv:7: column 'decision': missing decision",
	};

	(void)state;
	assert_int_equal(ingest("rejects.csv", &sum, -1, &d), 0);
	assert_int_equal(sum.rows_read, 7);
	assert_int_equal(sum.rejected, 6);
	assert_int_equal(sum.loaded, 1);
	assert_int_equal(sum.nreject_msgs, 6);
	for (i = 0; i < 6; i++) {
		const char *m = sum.reject_msgs[i];
		const char *tail = strstr(m, "rejects.csv:");

		assert_non_null(tail);
		if (strncmp(tail, want[i], strlen(want[i]))) {
			print_error("got '%s', want '%s'\n", tail, want[i]);
			fail();
		}
	}
	sg_ingest_summary_release(&sum);
	assert_int_equal(count("SELECT count(*) FROM rejects"), 6);
	assert_int_equal(count("SELECT count(*) FROM rejects WHERE line = 3 AND "
			       "column_name = 'income' AND raw LIKE "
			       "'r2,%12,5k%'"),
			 1);
	/* the reason without the file and line, which have columns */
	assert_string_equal(text("SELECT reason FROM rejects WHERE line = 3"),
			    "column 'income': not a number: \"12,5k\"");
}

static void too_many_rejects_roll_back_everything(void **state)
{
	struct sg_ingest_summary sum;
	struct sg_diag d;

	(void)state;
	assert_int_equal(ingest("basic.csv", &sum, -1, &d), 0);
	sg_ingest_summary_release(&sum);
	assert_int_equal(ingest("rejects.csv", &sum, 3, &d), SG_EDATA);
	assert_non_null(strstr(d.msg, "--max-rejects 3"));
	sg_ingest_summary_release(&sum);
	assert_int_equal(count("SELECT count(*) FROM ingest_batches"), 1);
	assert_int_equal(count("SELECT count(*) FROM rejects"), 0);
	assert_int_equal(count("SELECT count(*) FROM cases"), 5);
	/* at the limit it loads */
	assert_int_equal(ingest("rejects.csv", &sum, 6, &d), 0);
	sg_ingest_summary_release(&sum);
	assert_int_equal(count("SELECT count(*) FROM cases"), 6);
}

static void mapped_column_missing_is_an_error_before_loading(void **state)
{
	struct sg_ingest_summary sum;
	struct sg_diag d;

	(void)state;
	sg_strlist_add(&cfg.log.features, "debt");
	assert_int_equal(ingest("basic.csv", &sum, -1, &d), SG_EUSAGE);
	assert_non_null(strstr(d.msg, "'debt'"));
	sg_ingest_summary_release(&sum);
	assert_int_equal(count("SELECT count(*) FROM ingest_batches"), 0);
	assert_int_equal(count("SELECT count(*) FROM cases"), 0);
}

static void explicit_rater_column_must_exist(void **state)
{
	struct sg_ingest_summary sum;
	struct sg_diag d;

	(void)state;
	sg_config_set_str(&cfg.log.rater, "reviewer");
	cfg.log.explicit_mask |= SG_LOGKEY_RATER;
	assert_int_equal(ingest("basic.csv", &sum, -1, &d), SG_EUSAGE);
	assert_non_null(strstr(d.msg, "column 'reviewer' (log.rater)"));
	sg_ingest_summary_release(&sum);
}

static void jsonl_log_rejects_non_objects_and_nested_values(void **state)
{
	struct sg_ingest_summary sum;
	struct sg_diag d;

	(void)state;
	assert_int_equal(ingest("basic.jsonl", &sum, -1, &d), 0);
	assert_int_equal(sum.rows_read, 6);
	assert_int_equal(sum.loaded, 3);
	assert_int_equal(sum.rejected, 3);
	sg_ingest_summary_release(&sum);
	/* a numeric case id is read as its text */
	assert_int_equal(count("SELECT count(*) FROM cases WHERE case_id = '17'"),
			 1);
	assert_int_equal(count("SELECT count(*) FROM rejects WHERE line = 4 AND "
			       "column_name = 'region'"),
			 1);
	assert_int_equal(count("SELECT count(*) FROM rejects WHERE line = 2"), 1);
	assert_int_equal(count("SELECT count(*) FROM rejects WHERE line = 5"), 1);
}

static void numeric_decisions_store_values(void **state)
{
	struct sg_ingest_summary sum;
	struct sg_diag d;

	(void)state;
	sg_strlist_release(&cfg.log.segments);
	sg_strlist_release(&cfg.log.features);
	cfg.log.decision_type = SG_DECISION_NUMERIC;
	assert_int_equal(ingest("numeric.csv", &sum, -1, &d), 0);
	assert_int_equal(sum.loaded, 2);
	assert_int_equal(sum.rejected, 1);
	assert_int_equal(sum.predictions, 2);
	sg_ingest_summary_release(&sum);
	assert_string_equal(text("SELECT sum(value) FROM decisions"), "13.5");
	assert_string_equal(text("SELECT sum(value) FROM predictions"), "14.5");
	assert_string_equal(text("SELECT value FROM meta WHERE key ="
				 " 'decision_type'"),
			    "numeric");
}

static void exec_sql(const char *sql)
{
	assert_int_equal(sqlite3_exec(store->db, sql, NULL, NULL, NULL),
			 SQLITE_OK);
}

static int type_of_store(void)
{
	struct sg_diag d;
	int type = -2;

	assert_int_equal(sg_decision_type_of_store(store, &type, &d), 0);
	return type;
}

/*
 * The store's decision type is kept in a meta row written with the first
 * decisions, and read from it (a report or the next ingest then need not
 * pass over every decision to find it); a store without the row (from
 * before it was kept) is read from its decisions and gets the row at its
 * next ingest; an ingest that rolls back leaves no row.
 */
static void the_decision_type_is_recorded_with_the_first_decisions(
	void **state)
{
	const char *key = "SELECT value FROM meta WHERE key = 'decision_type'";
	struct sg_ingest_summary sum;
	struct sg_diag d;

	(void)state;
	assert_int_equal(type_of_store(), SG_DECISION_AUTO);
	assert_int_equal(ingest("rejects.csv", &sum, 0, &d), SG_EDATA);
	sg_ingest_summary_release(&sum);
	assert_int_equal(count("SELECT count(*) FROM meta WHERE key ="
			       " 'decision_type'"),
			 0);
	assert_int_equal(ingest("basic.csv", &sum, -1, &d), 0);
	sg_ingest_summary_release(&sum);
	assert_string_equal(text(key), "label");
	assert_int_equal(type_of_store(), SG_DECISION_LABEL);
	/* the row is what is read: set to numbers, the store says numbers */
	exec_sql("UPDATE meta SET value = 'numeric' WHERE key ="
		 " 'decision_type'");
	assert_int_equal(type_of_store(), SG_DECISION_NUMERIC);
	/* without it, the decisions say labels, and the next ingest
	 * (nothing new in it) writes the row again */
	exec_sql("DELETE FROM meta WHERE key = 'decision_type'");
	assert_int_equal(type_of_store(), SG_DECISION_LABEL);
	assert_int_equal(ingest("basic.csv", &sum, -1, &d), 0);
	sg_ingest_summary_release(&sum);
	assert_string_equal(text(key), "label");
}

static void missing_file_is_an_io_error(void **state)
{
	struct sg_ingest_summary sum;
	struct sg_diag d;

	(void)state;
	assert_int_equal(ingest("no-such-file.csv", &sum, -1, &d), SG_EIO);
	assert_non_null(strstr(d.file, "no-such-file.csv"));
	sg_ingest_summary_release(&sum);
}

static void number_parser_rejects_hex_inf_and_trailing_text(void **state)
{
	double v;

	(void)state;
	assert_int_equal(sg_parse_number("1.5e3", 5, &v), 0);
	assert_true(v == 1500.0);
	assert_int_equal(sg_parse_number("-0.25", 5, &v), 0);
	assert_true(v == -0.25);
	assert_int_equal(sg_parse_number("0x10", 4, &v), -1);
	assert_int_equal(sg_parse_number("inf", 3, &v), -1);
	assert_int_equal(sg_parse_number("1e999", 5, &v), -1);
	assert_int_equal(sg_parse_number("12,5k", 5, &v), -1);
	assert_int_equal(sg_parse_number("", 0, &v), -1);
	assert_int_equal(sg_parse_number("1 ", 2, &v), -1);
	assert_true(sg_is_missing("NA", 2));
	assert_true(sg_is_missing("", 0));
	assert_false(sg_is_missing("0", 1));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(csv_log_loads_cases_decisions_and_logged_predictions),
		T(same_file_twice_changes_nothing),
		T(gzip_log_is_the_same_log),
		T(corrections_raters_and_conflicts_are_told_apart),
		T(each_bad_row_is_rejected_with_line_column_and_reason),
		T(too_many_rejects_roll_back_everything),
		T(mapped_column_missing_is_an_error_before_loading),
		T(explicit_rater_column_must_exist),
		T(jsonl_log_rejects_non_objects_and_nested_values),
		T(numeric_decisions_store_values),
		T(the_decision_type_is_recorded_with_the_first_decisions),
		T(missing_file_is_an_io_error),
		T(file_past_one_batch_is_stored_in_night_and_case_id_order),
		T(rows_sorted_in_runs_on_disk_are_stored_in_the_same_order),
		T(runs_that_cannot_be_written_fail_the_ingest),
		T(a_missing_tmpdir_is_named),
		cmocka_unit_test(number_parser_rejects_hex_inf_and_trailing_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
