/*
 * reference.c - the rule that picks a case's reference decision.
 */
#include "sg/reference.h"

#include <math.h>

#include "sg/timeutil.h"

double sg_reference_time(const char *decided_at, size_t n)
{
	char night[11];
	const char *why;
	double e;

	if (!decided_at || !n ||
	    sg_time_parse(decided_at, n, &e, night, &why))
		return -INFINITY;
	return e;
}

int sg_reference_outranks(double ta, long long ida, double tb, long long idb)
{
	return ta > tb || (ta == tb && ida > idb);
}
