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

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
long sg_days_from_civil(long y, unsigned m, unsigned d);

/* Formats a day number as "YYYY-MM-DD" into out (11 bytes). */
void sg_civil_from_days(long days, char out[11]);

#endif
