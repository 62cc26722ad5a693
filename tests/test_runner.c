/*
 * The runner with the real XGBoost backend: features go from the store to
 * the model in the model's order (the store keeps them in the order of
 * the log's mapping, which differs here on purpose) and the predictions
 * stored match XGBoost's own (tests/xgb_expected.h, written by
 * scripts/train_fixture_models.py with the Python package) to 1e-6.
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
#include <unistd.h>

#include "sg_build.h"
#include "sg/ingest.h"
#include "sg/runner.h"
#include "xgb_expected.h"
#include "src/store_impl.h"

#if SG_HAVE_XGBOOST

static char dbpath[256], csvpath[256];
static struct sg_store *store;
static struct sg_config cfg;

static const char *fixture(const char *name)
{
	static char buf[1024];
	const char *dir = getenv("SG_FIXTURES");

	snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : "fixtures", name);
	return buf;
}

static int setup(void **state)
{
	struct sg_diag d;
	int fd;

	(void)state;
	snprintf(dbpath, sizeof(dbpath), "/tmp/sg-test-runner-XXXXXX");
	fd = mkstemp(dbpath);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(dbpath);
	snprintf(csvpath, sizeof(csvpath), "/tmp/sg-test-runner-XXXXXX.csv");
	fd = mkstemps(csvpath, 4);
	if (fd < 0)
		return -1;
	close(fd);
	if (sg_store_open(&store, dbpath, 0, &d))
		return -1;
	sg_config_init(&cfg);
	return 0;
}

static int teardown(void **state)
{
	char p[300];

	(void)state;
	sg_store_close(store);
	sg_config_release(&cfg);
	unlink(dbpath);
	unlink(csvpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s.lock", dbpath);
	unlink(p);
	return 0;
}

/* Writes rows of nf features as a log, features in reverse column order. */
static void write_log(const double *x, size_t rows, size_t nf)
{
	FILE *f = fopen(csvpath, "w");
	size_t i, j;

	assert_non_null(f);
	fputs("case_id,decided_at,decision", f);
	for (j = nf; j-- > 0;)
		fprintf(f, ",f%zu", j);
	fputc('\n', f);
	for (i = 0; i < rows; i++) {
		fprintf(f, "r%zu,2026-11-20,x", i);
		for (j = nf; j-- > 0;) {
			double v = x[i * nf + j];

			if (isnan(v))
				fputs(",", f);
			else
				fprintf(f, ",%.17g", v);
		}
		fputc('\n', f);
	}
	fclose(f);
}

static void ingest_with_features_reversed(size_t nf)
{
	struct sg_ingest_summary sum;
	struct sg_ingest_opts o;
	const char *paths[1] = {csvpath};
	struct sg_diag d;
	char name[8];
	size_t j;

	for (j = nf; j-- > 0;) {
		snprintf(name, sizeof(name), "f%zu", j);
		sg_strlist_add(&cfg.log.features, name);
	}
	memset(&o, 0, sizeof(o));
	o.cfg = &cfg;
	o.max_rejects = -1;
	o.max_rejects_pct = -1;
	assert_int_equal(sg_ingest(store, paths, 1, &o, &sum, &d), 0);
	assert_int_equal(sum.loaded, XGB_NFIX);
	sg_ingest_summary_release(&sum);
	/* the model's order: f0, f1, ... */
	sg_strlist_release(&cfg.log.features);
	for (j = 0; j < nf; j++) {
		snprintf(name, sizeof(name), "f%zu", j);
		sg_strlist_add(&cfg.log.features, name);
	}
}

static long long pragma(struct sg_store *s, const char *sql)
{
	sqlite3_stmt *st;
	long long v;

	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void run_model(const char *model, const char *const *labels,
		      size_t nlabels, struct sg_run_result *r)
{
	struct sg_run_opts o;
	struct sg_diag d;
	size_t i;

	sg_config_set_str(&cfg.model.name, "m");
	sg_config_set_str(&cfg.model.version, "1");
	sg_config_set_str(&cfg.model.backend, "xgboost");
	sg_config_set_str(&cfg.model.path, fixture(model));
	for (i = 0; i < nlabels; i++)
		sg_strlist_add(&cfg.model.labels, labels[i]);
	cfg.model.batch = 3; /* several batches, one partial */
	memset(&o, 0, sizeof(o));
	o.cfg = &cfg;
	o.max_errors = -1;
	sg_diag_clear(&d);
	assert_int_equal(pragma(store, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(pragma(store, "PRAGMA foreign_keys"), 1);
	if (sg_run(store, &o, r, &d)) {
		print_error("%s\n", d.msg);
		fail();
	}
	/* the run's own settings (synchronous NORMAL, no foreign key
	 * checks) are put back when it ends */
	assert_int_equal(pragma(store, "PRAGMA synchronous"), 2);
	assert_int_equal(pragma(store, "PRAGMA foreign_keys"), 1);
}

static void multiclass_predictions_match_xgboost_through_the_store(void **state)
{
	static const char *const labels[] = {"red", "green", "blue"};
	struct sg_run_result r;
	sqlite3_stmt *st;
	size_t i, k;

	(void)state;
	write_log(&xgb_multi_x[0][0], XGB_NFIX, 4);
	ingest_with_features_reversed(4);
	run_model("models/multiclass.json", labels, 3, &r);
	assert_int_equal(r.cases, XGB_NFIX);
	assert_int_equal(r.scored, XGB_NFIX);
	assert_int_equal(r.errors, 0);
	assert_string_equal(r.latency_method, "chunk time / chunk size");
	sg_run_result_release(&r);
	assert_int_equal(sqlite3_prepare_v2(store->db,
					    "SELECT c.case_id, p.label, p.score,"
					    " p.probs FROM predictions p JOIN"
					    " cases c ON c.id = p.case_ref"
					    " ORDER BY c.id",
					    -1, &st, NULL),
			 SQLITE_OK);
	for (i = 0; i < XGB_NFIX; i++) {
		const double *probs;
		size_t best = 0;

		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_bytes(st, 3), 3 * sizeof(double));
		probs = sqlite3_column_blob(st, 3);
		for (k = 0; k < 3; k++) {
			assert_true(fabs(probs[k] - xgb_multi_p[i][k]) < 1e-6);
			if (xgb_multi_p[i][k] > xgb_multi_p[i][best])
				best = k;
		}
		assert_string_equal((const char *)sqlite3_column_text(st, 1),
				    labels[best]);
		assert_true(fabs(sqlite3_column_double(st, 2) -
				 xgb_multi_p[i][best]) < 1e-6);
	}
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static void regression_values_match_xgboost_through_the_store(void **state)
{
	struct sg_run_result r;
	sqlite3_stmt *st;
	size_t i;

	(void)state;
	write_log(&xgb_reg_x[0][0], XGB_NFIX, 3);
	ingest_with_features_reversed(3);
	run_model("models/regression.json", NULL, 0, &r);
	assert_int_equal(r.scored, XGB_NFIX);
	sg_run_result_release(&r);
	assert_int_equal(sqlite3_prepare_v2(store->db,
					    "SELECT p.value, p.label FROM "
					    "predictions p ORDER BY p.case_ref",
					    -1, &st, NULL),
			 SQLITE_OK);
	for (i = 0; i < XGB_NFIX; i++) {
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_true(fabs(sqlite3_column_double(st, 0) - xgb_reg_v[i]) <
			    1e-6);
		assert_int_equal(sqlite3_column_type(st, 1), SQLITE_NULL);
	}
	sqlite3_finalize(st);
}

static void binary_probabilities_match_xgboost_with_missing_values(void **state)
{
	static const char *const labels[] = {"deny", "approve"};
	struct sg_run_result r;
	sqlite3_stmt *st;
	size_t i;

	(void)state;
	/* rows 1, 4 and 7 have missing values (empty fields in the log,
	 * NaN in the store and for the model) */
	write_log(&xgb_binary_x[0][0], XGB_NFIX, 3);
	ingest_with_features_reversed(3);
	run_model("models/binary.json", labels, 2, &r);
	assert_int_equal(r.scored, XGB_NFIX);
	sg_run_result_release(&r);
	assert_int_equal(sqlite3_prepare_v2(store->db,
					    "SELECT probs FROM predictions"
					    " ORDER BY case_ref",
					    -1, &st, NULL),
			 SQLITE_OK);
	for (i = 0; i < XGB_NFIX; i++) {
		const double *p;

		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		p = sqlite3_column_blob(st, 0);
		assert_true(fabs(p[1] - xgb_binary_p[i]) < 1e-6);
	}
	sqlite3_finalize(st);
}

#endif /* SG_HAVE_XGBOOST */

/*
 * The latency percentiles of a run, linear interpolation between closest
 * ranks. Expected values from numpy 1.24.2 (Debian 12's python3-numpy):
 *   np.percentile([0.25, 3.5, 1.0, 7.75, 2.0, 0.5, 12.0], q)
 *     q = 0, 50, 95, 99, 100 -> 0.25, 2.0, 10.724999999999998,
 *                               11.744999999999997, 12.0
 *   np.percentile(np.repeat([4.0, 0.5, 2.25, 9.0], [3, 5, 1, 1]), q)
 *     -> 0.5, 1.375, 6.749999999999995, 8.55, 9.0
 * and by hand for the second: sorted 0.5 x5, 2.25, 4 x3, 9; p95 is at
 * rank 0.95 * 9 = 8.55, between 4 (rank 8) and 9 (rank 9): 4 + 0.55 * 5.
 */
static void latency_percentiles_match_numpy(void **state)
{
	static const double q[] = {0, 50, 95, 99, 100};
	static const double want_v[] = {0.25, 2.0, 10.724999999999998,
					11.744999999999997, 12.0};
	static const double want_r[] = {0.5, 1.375, 6.749999999999995, 8.55,
					 9.0};
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		double v[] = {0.25, 3.5, 1.0, 7.75, 2.0, 0.5, 12.0};
		struct sg_lat_run r[] = {{4.0, 3}, {0.5, 5}, {2.25, 1},
					 {9.0, 1}};

		assert_true(fabs(sg_percentile(v, 7, q[i]) - want_v[i]) <
			    1e-12);
		assert_true(fabs(sg_percentile_runs(r, 4, q[i]) - want_r[i]) <
			    1e-12);
	}
	{
		double one = 5.0;
		struct sg_lat_run r1 = {5.0, 1};

		assert_true(sg_percentile(&one, 1, 95) == 5.0);
		assert_true(sg_percentile_runs(&r1, 1, 95) == 5.0);
		assert_true(isnan(sg_percentile(&one, 0, 50)));
		assert_true(isnan(sg_percentile_runs(&r1, 0, 50)));
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
#if SG_HAVE_XGBOOST
	const struct CMUnitTest tests[] = {
		T(multiclass_predictions_match_xgboost_through_the_store),
		T(regression_values_match_xgboost_through_the_store),
		T(binary_probabilities_match_xgboost_with_missing_values),
		cmocka_unit_test(latency_percentiles_match_numpy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
#else
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(latency_percentiles_match_numpy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
#endif
}
