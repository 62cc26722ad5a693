/*
 * fuzz_time.c - libFuzzer harness for sg_time_parse (sg/timeutil.h) and
 * sg_parse_number / sg_is_missing (sg/ingest.h).
 *
 * Besides not crashing: a parsed time's night is the date as written and
 * round-trips through the day number, and a parsed number is the very
 * double strtod gives for the same text.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg/ingest.h"
#include "sg/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *why = NULL;
	char night[11], back[11], tmp[80];
	double epoch = 0, v = 0;

	if (sg_time_parse(s, size, &epoch, night, &why) == 0) {
		long y = strtol(night, NULL, 10);
		unsigned m = (unsigned)strtoul(night + 5, NULL, 10);
		unsigned dd = (unsigned)strtoul(night + 8, NULL, 10);

		if (size < 10 || memcmp(night, s, 10) || night[10] ||
		    !isfinite(epoch))
			abort();
		sg_civil_from_days(sg_days_from_civil(y, m, dd), back);
		if (strcmp(back, night))
			abort();
	} else if (!why || !*why) {
		abort();
	}
	if (sg_parse_number(s, size, &v) == 0) {
		if (!isfinite(v) || size >= sizeof(tmp))
			abort();
		memcpy(tmp, s, size);
		tmp[size] = '\0';
		if (strlen(tmp) != size || strtod(tmp, NULL) != v ||
		    signbit(strtod(tmp, NULL)) != signbit(v))
			abort();
	}
	(void)sg_is_missing(s, size);
	return 0;
}
