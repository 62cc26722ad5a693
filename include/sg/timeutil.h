/*
 * timeutil.h - ISO-8601 times as they appear in decision logs.
 */
#ifndef SG_TIMEUTIL_H
#define SG_TIMEUTIL_H

#include <stddef.h>

/*
 * Parses an ISO-8601 date or date-time: YYYY-MM-DD, optionally followed by
 * 'T' or ' ' and HH:MM[:SS[.fraction]], optionally followed by 'Z' or an
 * offset +HH:MM / +HHMM / +HH. On success returns 0, *epoch gets the
 * instant in seconds since 1970 UTC (a date alone is its midnight UTC) and
 * night (11 bytes) the date as written, "YYYY-MM-DD". On failure returns
 * -1 and *why a static reason ("month out of range").
 */
int sg_time_parse(const char *s, size_t n, double *epoch, char night[11],
		  const char **why);

/*
 * A time zone read from the system's tz database (TZif files under $TZDIR,
 * else /usr/share/zoneinfo). sg_tz_load returns 0 and *out, or -1 with
 * *why a static reason (an unknown name, a bad file); free with
 * sg_tz_free (accepts NULL).
 */
struct sg_tz;
int sg_tz_load(struct sg_tz **out, const char *name, const char **why);
void sg_tz_free(struct sg_tz *z);

/* The zone's offset east of UTC, in seconds, at instant t. */
long sg_tz_offset(const struct sg_tz *z, long long t);

/*
 * The instant of a local wall-clock time given as seconds read as if it
 * were UTC. A time that happens twice (the hour after DST ends) is its
 * first occurrence; a time the clocks skip (DST starting) is read with
 * the offset before the change.
 */
long long sg_tz_local_to_utc(const struct sg_tz *z, long long wall);

/*
 * How a decision time becomes its night (log.night_timezone and
 * log.night_starts). With no zone, the night is the date of the clock as
 * written; with a zone, the local date in that zone of the instant, and
 * times written without an offset are local to that zone. Either way the
 * start (minutes past midnight, default 0) is taken off the local clock
 * first, so with 06:00 a case at 05:59 belongs to the night before, on
 * DST days too. A date without a time is its own night. The struct owns
 * its strings and zone; sg_night_rule_init zeroes it (no zone, 00:00).
 */
struct sg_night_rule {
	char *zone;              /* IANA name, NULL: dates as written */
	char *starts;            /* "HH:MM" as given, NULL: 00:00 */
	int start_min;
	struct sg_tz *tz;        /* loaded from zone */
};

void sg_night_rule_init(struct sg_night_rule *r);
void sg_night_rule_release(struct sg_night_rule *r);

/* Sets (NULL: clears) the zone, loading it; -1 and *why when unknown. */
int sg_night_rule_set_zone(struct sg_night_rule *r, const char *name,
			   const char **why);

/* Sets (NULL: clears) the start "HH:MM"; -1 and *why when malformed. */
int sg_night_rule_set_starts(struct sg_night_rule *r, const char *hhmm,
			     const char **why);

/*
 * The rule in words, as recorded in a store ("local dates in
 * America/New_York, starting 06:00"); r may be NULL (the default).
 */
void sg_night_rule_describe(const struct sg_night_rule *r, char *out,
			    size_t n);

/*
 * sg_time_parse under a night rule (r may be NULL: the default rule, the
 * same as sg_time_parse): *epoch is the instant, night the night by r.
 */
int sg_night_parse(const struct sg_night_rule *r, const char *s, size_t n,
		   double *epoch, char night[11], const char **why);

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
long sg_days_from_civil(long y, unsigned m, unsigned d);

/* Formats a day number as "YYYY-MM-DD" into out (11 bytes). */
void sg_civil_from_days(long days, char out[11]);

/* Milliseconds of the monotonic clock (for timeouts and durations). */
double sg_monotonic_ms(void);

/* Sleeps ms milliseconds, resuming after a signal. */
void sg_sleep_ms(long ms);

#endif
