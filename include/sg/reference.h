/*
 * reference.h - the reference decision of a case: which of its current
 * human decisions the model is compared with when several raters decided
 * it. One rule, used by the report, the sample, the gate and the
 * comparison with an incumbent:
 *
 *   the latest by decided_at, read as sg_time_parse reads it, offsets
 *   +HH:MM, +HHMM and +HH included (so "2026-11-10T12:00:00+0200", 10:00
 *   UTC, is later than "2026-11-10T09:30:00Z"); a decision without a
 *   time, or with one that does not parse, counts as the oldest; ties:
 *   the highest decisions.id (the one stored last).
 */
#ifndef SG_REFERENCE_H
#define SG_REFERENCE_H

#include <stddef.h>

/*
 * The instant of a decided_at (n bytes, need not be terminated) for
 * ranking decisions: seconds since 1970 UTC, or -INFINITY when it is
 * empty, NULL or not an ISO-8601 time.
 */
double sg_reference_time(const char *decided_at, size_t n);

/*
 * Nonzero when a decision at instant ta with id ida outranks one at tb
 * with id idb as the reference decision (later, or as late and stored
 * later).
 */
int sg_reference_outranks(double ta, long long ida, double tb, long long idb);

#endif
