/*
 * test_timeutil.c - nights under a time zone and a start hour.
 *
 * The expected nights are worked out by hand below from the US rules
 * (2026: EDT from Sun 8 March 02:00 EST = 07:00Z, EST again from Sun
 * 1 November 02:00 EDT = 06:00Z) and Australia's (AEDT, +11, from the
 * first Sunday of October to the first Sunday of April; AEST +10
 * otherwise); every value was also checked with Python's zoneinfo. Epochs
 * are from `date -u -d TIME +%s`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sg/timeutil.h"

static void zone(struct sg_night_rule *r, const char *name, const char *starts)
{
	const char *why;

	sg_night_rule_init(r);
	assert_int_equal(sg_night_rule_set_zone(r, name, &why), 0);
	assert_int_equal(sg_night_rule_set_starts(r, starts, &why), 0);
}

static void expect(const struct sg_night_rule *r, const char *s,
		   const char *want_night, double want_epoch)
{
	double e = -1;
	char night[11] = "";
	const char *why = NULL;

	assert_int_equal(sg_night_parse(r, s, strlen(s), &e, night, &why), 0);
	assert_string_equal(night, want_night);
	if (want_epoch >= 0 && e != want_epoch)
		fail_msg("%s: epoch %.0f, expected %.0f", s, e, want_epoch);
}

static void new_york_nights_follow_local_dates_across_dst(void **state)
{
	struct sg_night_rule r;

	(void)state;
	zone(&r, "America/New_York", NULL);
	/* 03:30Z in November is 22:30 EST (-5) the day before */
	expect(&r, "2026-11-20T03:30:00Z", "2026-11-19", -1);
	/* in July EDT (-4): 03:30Z is 23:30 the day before, 04:30Z 00:30 */
	expect(&r, "2026-07-01T03:30:00Z", "2026-06-30", -1);
	expect(&r, "2026-07-01T04:30:00Z", "2026-07-01", -1);
	/* +HHMM: 01:30+0200 is 23:30Z on 30 June, 19:30 EDT */
	expect(&r, "2026-07-01T01:30:00+0200", "2026-06-30", 1782862200);
	expect(&r, "2026-07-01T01:30+02", "2026-06-30", 1782862200);
	/* no offset: local to the zone; 01:30 EST on 8 March is 06:30Z */
	expect(&r, "2026-03-08T01:30:00", "2026-03-08", 1772951400);
	/* 02:30 does not exist that day: read as EST, so 07:30Z (03:30 EDT),
	 * the same instant as 03:30 EDT itself */
	expect(&r, "2026-03-08T02:30:00", "2026-03-08", 1772955000);
	expect(&r, "2026-03-08T03:30:00", "2026-03-08", 1772955000);
	/* 01:30 on 1 November happens twice: the first, EDT, is 05:30Z; the
	 * second is named with its offset */
	expect(&r, "2026-11-01T01:30:00", "2026-11-01", 1793511000);
	expect(&r, "2026-11-01T01:30:00-05:00", "2026-11-01", 1793514600);
	/* a date alone is its own night, at local midnight (05:00Z) */
	expect(&r, "2026-03-08", "2026-03-08", 1772946000);
	sg_night_rule_release(&r);
}

static void offsets_change_at_the_transition_instant(void **state)
{
	struct sg_tz *z;
	const char *why;

	(void)state;
	assert_int_equal(sg_tz_load(&z, "America/New_York", &why), 0);
	assert_int_equal(sg_tz_offset(z, 1772953199), -5 * 3600); /* 06:59:59Z */
	assert_int_equal(sg_tz_offset(z, 1772953200), -4 * 3600); /* 07:00:00Z */
	sg_tz_free(z);
}

static void a_shift_start_keeps_its_local_hour_on_dst_days(void **state)
{
	struct sg_night_rule r;

	(void)state;
	zone(&r, "America/New_York", "06:00");
	/* 8 March 10:30Z is 06:30 EDT: past 06:00, so that night (taking
	 * six hours off the instant instead would give 23:30 EST, 7 March) */
	expect(&r, "2026-03-08T10:30:00Z", "2026-03-08", -1);
	/* 09:59Z is 05:59 EDT: still the night before */
	expect(&r, "2026-03-08T09:59:00Z", "2026-03-07", -1);
	/* 1 November: 10:30Z is 05:30 EST, 11:00Z is 06:00 EST */
	expect(&r, "2026-11-01T10:30:00Z", "2026-10-31", -1);
	expect(&r, "2026-11-01T11:00:00Z", "2026-11-01", -1);
	/* local times: 05:59 belongs to the night before, 06:00 to its own */
	expect(&r, "2026-11-20T05:59:00", "2026-11-19", -1);
	expect(&r, "2026-11-20T06:00", "2026-11-20", -1);
	sg_night_rule_release(&r);
}

static void rules_past_the_last_transition_come_from_the_footer(void **state)
{
	struct sg_night_rule r;

	(void)state;
	/* 2040 is past the file's table: EST5EDT,M3.2.0,M11.1.0 */
	zone(&r, "America/New_York", NULL);
	expect(&r, "2040-07-01T03:30:00Z", "2040-06-30", 2224726200); /* EDT */
	expect(&r, "2040-01-15T04:30:00Z", "2040-01-14", 2210214600); /* EST */
	sg_night_rule_release(&r);
	/* southern: AEST-10AEDT,M10.1.0,M4.1.0/3, summer spans new year */
	zone(&r, "Australia/Sydney", NULL);
	expect(&r, "2040-01-01T13:30:00Z", "2040-01-02", -1); /* +11 00:30 */
	expect(&r, "2040-07-01T13:30:00Z", "2040-07-01", -1); /* +10 23:30 */
	sg_night_rule_release(&r);
}

static void without_a_zone_nights_are_dates_as_written(void **state)
{
	struct sg_night_rule r;
	const char *why;

	(void)state;
	sg_night_rule_init(&r);
	expect(&r, "2026-07-01T01:30:00+0200", "2026-07-01", 1782862200);
	expect(NULL, "2026-07-01T23:59:59-05:00", "2026-07-01", -1);
	/* a start applies to the clock as written: 05:00 - 06:00 */
	assert_int_equal(sg_night_rule_set_starts(&r, "06:00", &why), 0);
	expect(&r, "2026-07-01T05:00:00Z", "2026-06-30", -1);
	expect(&r, "2026-07-01", "2026-07-01", -1);
	sg_night_rule_release(&r);
}

/*
 * A leap second (23:59:60) is the last second of its day: its night is
 * the date it is written on, not the next (its instant is that of the
 * next day's 00:00:00 UTC, as POSIX time counts; epochs from Python's
 * datetime(2027, 1, 1, tzinfo=timezone.utc).timestamp() and 2017's).
 */
static void a_leap_second_stays_in_its_night(void **state)
{
	struct sg_night_rule r;
	const char *why;

	(void)state;
	expect(NULL, "2026-12-31T23:59:60Z", "2026-12-31", 1798761600);
	expect(NULL, "2026-11-20T23:59:60+05:00", "2026-11-20", -1);
	sg_night_rule_init(&r);
	assert_int_equal(sg_night_rule_set_starts(&r, "06:00", &why), 0);
	expect(&r, "2026-07-01T05:59:60Z", "2026-06-30", -1);
	sg_night_rule_release(&r);
	/* in New York, the leap second of 2016 was at 18:59:60 local */
	zone(&r, "America/New_York", NULL);
	expect(&r, "2016-12-31T23:59:60Z", "2016-12-31", 1483228800);
	sg_night_rule_release(&r);
}

static void unknown_zones_and_bad_starts_are_refused(void **state)
{
	struct sg_night_rule r;
	const char *why = NULL;

	(void)state;
	sg_night_rule_init(&r);
	assert_int_equal(sg_night_rule_set_zone(&r, "Mars/Olympus_Mons", &why),
			 -1);
	assert_non_null(strstr(why, "unknown time zone"));
	assert_int_equal(sg_night_rule_set_zone(&r, "../../etc/passwd", &why),
			 -1);
	assert_int_equal(sg_night_rule_set_zone(&r, "/etc/passwd", &why), -1);
	assert_int_equal(sg_night_rule_set_zone(&r, "", &why), -1);
	/* a directory of the database is not a zone */
	assert_int_equal(sg_night_rule_set_zone(&r, "America", &why), -1);
	assert_null(r.tz);
	assert_int_equal(sg_night_rule_set_starts(&r, "6:00", &why), -1);
	assert_int_equal(sg_night_rule_set_starts(&r, "24:00", &why), -1);
	assert_int_equal(sg_night_rule_set_starts(&r, "06:60", &why), -1);
	assert_int_equal(sg_night_rule_set_starts(&r, "23:59", &why), 0);
	assert_int_equal(r.start_min, 23 * 60 + 59);
	sg_night_rule_release(&r);
}

static void rules_describe_themselves(void **state)
{
	struct sg_night_rule r;
	char text[128];

	(void)state;
	sg_night_rule_describe(NULL, text, sizeof(text));
	assert_string_equal(text, "dates as written (no time zone), starting "
				  "00:00");
	zone(&r, "America/New_York", "06:00");
	sg_night_rule_describe(&r, text, sizeof(text));
	assert_string_equal(text, "local dates in America/New_York, starting "
				  "06:00");
	sg_night_rule_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_york_nights_follow_local_dates_across_dst),
		cmocka_unit_test(offsets_change_at_the_transition_instant),
		cmocka_unit_test(a_shift_start_keeps_its_local_hour_on_dst_days),
		cmocka_unit_test(
			rules_past_the_last_transition_come_from_the_footer),
		cmocka_unit_test(without_a_zone_nights_are_dates_as_written),
		cmocka_unit_test(a_leap_second_stays_in_its_night),
		cmocka_unit_test(unknown_zones_and_bad_starts_are_refused),
		cmocka_unit_test(rules_describe_themselves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
