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

#include "sg/compare.h"
#include "sg/ingest.h"
#include "sg/reference.h"

static char dbpath[256];
static struct sg_store *store;

static void load(const char *file, const char *model)
{
	struct sg_ingest_summary sum;
	struct sg_ingest_opts o;
	struct sg_config cfg;
	struct sg_diag d;
	char path[1024];
	const char *paths[1] = {path};
	const char *dir = getenv("SG_FIXTURES");

	snprintf(path, sizeof(path), "%s/compare/%s", dir ? dir : "fixtures",
		 file);
	sg_config_init(&cfg);
	sg_config_set_str(&cfg.model.name, model);
	sg_config_set_str(&cfg.model.version, "1");
	memset(&o, 0, sizeof(o));
	o.cfg = &cfg;
	o.max_rejects = -1;
	o.max_rejects_pct = -1;
	assert_int_equal(sg_ingest(store, paths, 1, &o, &sum, &d), 0);
	sg_ingest_summary_release(&sum);
	sg_config_release(&cfg);
}

static int setup(void **state)
{
	struct sg_diag d;
	int fd;

	(void)state;
	snprintf(dbpath, sizeof(dbpath), "/tmp/sg-test-compare-XXXXXX");
	fd = mkstemp(dbpath);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(dbpath);
	if (sg_store_open(&store, dbpath, 0, &d))
		return -1;
	load("cand.csv", "cand");
	load("inc.csv", "inc");
	return 0;
}

static int teardown(void **state)
{
	char p[300];

	(void)state;
	sg_store_close(store);
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	return 0;
}

/*
 * By hand from fixtures/compare: the incumbent has no prediction for c6,
 * so 5 cases are paired; the candidate agrees on c1 c2 c3 c5 (4/5), the
 * incumbent on c1 c3 (2/5): only the candidate on c2 c5 (b = 2), only the
 * incumbent on none (c = 0).
 */
static void paired_cases_only_and_both_rates(void **state)
{
	struct sg_compare c;
	struct sg_diag d;

	(void)state;
	assert_int_equal(sg_compare_models(store, "cand@1", "inc@1", NULL, NULL,
					   0, 0, &c, &d),
			 0);
	assert_int_equal(c.n, 5);
	assert_int_equal(c.candidate_agree, 4);
	assert_int_equal(c.incumbent_agree, 2);
	assert_true(c.candidate_rate == 0.8);
	assert_true(c.incumbent_rate == 0.4);
	assert_int_equal(c.b, 2);
	assert_int_equal(c.c, 0);
}

/* Only the night 2026-11-21: c4 c5 paired; candidate c5 (1/2), incumbent
 * none (0/2): b = 1 (c5), c = 0. */
static void window_limits_the_nights(void **state)
{
	struct sg_compare c;
	struct sg_diag d;

	(void)state;
	assert_int_equal(sg_compare_models(store, "cand@1", "inc@1",
					   "2026-11-21", "2026-11-21", 0, 0, &c,
					   &d),
			 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.candidate_agree, 1);
	assert_int_equal(c.incumbent_agree, 0);
	assert_int_equal(c.b, 1);
	assert_int_equal(c.c, 0);
	assert_int_equal(sg_compare_models(store, "cand@1", "inc@1",
					   "2026-12-01", NULL, 0, 0, &c, &d),
			 0);
	assert_int_equal(c.n, 0);
	assert_true(isnan(c.candidate_rate));
}

static void unknown_model_is_a_usage_error(void **state)
{
	struct sg_compare c;
	struct sg_diag d;

	(void)state;
	sg_diag_clear(&d);
	assert_int_equal(sg_compare_models(store, "cand@1", "nope@2", NULL,
					   NULL, 0, 0, &c, &d),
			 SG_EUSAGE);
	assert_non_null(strstr(d.msg, "nope@2"));
	assert_int_equal(sg_compare_models(store, "cand", "inc@1", NULL, NULL,
					   0, 0, &c, &d),
			 SG_EUSAGE);
}

/*
 * The reference decision's rule reads offsets as the log's times do:
 * 2026-11-10T12:00:00+0200 and +02 are 10:00 UTC, later than 09:30Z
 * (2026-11-10T00:00Z: 56 * 365 + 14 leap days = 20454 days to 2026-01-01,
 * + 304 (January to October) + 9 = 20767 days, * 86400 = 1794268800 s).
 */
static void reference_reads_every_offset(void **state)
{
	static const char *const t[] = {"2026-11-10T12:00:00+0200",
					"2026-11-10T12:00:00+02",
					"2026-11-10T12:00:00+02:00"};
	double z = sg_reference_time("2026-11-10T09:30:00Z", 20);
	size_t i;

	(void)state;
	assert_true(z == 1794268800.0 + 9.5 * 3600);
	for (i = 0; i < 3; i++) {
		double e = sg_reference_time(t[i], strlen(t[i]));

		assert_true(e == 1794268800.0 + 10 * 3600);
		assert_true(sg_reference_outranks(e, 1, z, 2));
		assert_false(sg_reference_outranks(z, 2, e, 1));
	}
	/* no time, or not a time: the oldest; ties: the higher id */
	assert_true(isinf(sg_reference_time(NULL, 0)));
	assert_true(isinf(sg_reference_time("yesterday", 9)));
	assert_true(sg_reference_outranks(-INFINITY, 1, -INFINITY, 0));
	assert_true(sg_reference_outranks(z, 3, z, 2));
	assert_false(sg_reference_outranks(-INFINITY, 9, z, 2));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(paired_cases_only_and_both_rates),
		T(window_limits_the_nights),
		T(unknown_model_is_a_usage_error),
		cmocka_unit_test(reference_reads_every_offset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
