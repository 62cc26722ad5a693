/*
 * ingest_values.c - the values of a log row, without the store: what
 * counts as missing, and numbers read exactly as written (a decimal
 * fast path, strtod otherwise).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sg/ingest.h"

int sg_is_missing(const char *s, size_t n)
{
	if (n == 0)
		return 1;
	if (n == 2 && (!memcmp(s, "NA", 2) || !memcmp(s, "na", 2)))
		return 1;
	if (n == 3 && (!memcmp(s, "NaN", 3) || !memcmp(s, "nan", 3) ||
		       !memcmp(s, "NAN", 3)))
		return 1;
	if (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "NULL", 4)))
		return 1;
	return 0;
}

/* The powers of ten that a double holds exactly. */
static const double exact_pow10[] = {
	1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * The common case of sg_parse_number, without a copy and strtod: a text
 * of the form [+-]digits[.digits][(e|E)[+-]digits] whose significant
 * digits make an integer m <= 2^53 and whose decimal exponent e (the
 * value is m * 10^e) is within [-22, 22]. Then m and 10^|e| are exact
 * doubles and one IEEE multiplication or division rounds m * 10^e
 * correctly: the very double that strtod, itself correctly rounded,
 * returns (Clinger, "How to read floating point numbers accurately",
 * PLDI 1990). Returns 0 with *out set, or -1 when the text is not of that
 * case: then strtod decides (and rejects what is not a number).
 */
static int parse_simple(const char *s, size_t n, double *out)
{
	const char *p = s, *end = s + n;
	uint64_t m = 0;
	int neg = 0, digits = 0, sig = 0, e = 0, ex = 0, eneg = 0;
	double v;

	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		digits++;
		if (!m && *p == '0')
			continue; /* a leading zero */
		if (++sig > 19)
			return -1; /* m might not fit in 64 bits */
		m = m * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++) {
			digits++;
			e--;
			if (!m && *p == '0')
				continue;
			if (++sig > 19)
				return -1;
			m = m * 10 + (uint64_t)(*p - '0');
		}
	}
	if (!digits)
		return -1;
	if (p < end && (*p == 'e' || *p == 'E')) {
		const char *d;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (d = p; p < end && *p >= '0' && *p <= '9'; p++)
			if (ex < 1000)
				ex = ex * 10 + (*p - '0');
		if (p == d)
			return -1;
		e += eneg ? -ex : ex;
	}
	if (p != end || m > (UINT64_C(1) << 53) || e < -22 || e > 22)
		return -1;
	v = (double)m;
	v = e >= 0 ? v * exact_pow10[e] : v / exact_pow10[-e];
	*out = neg ? -v : v;
	return 0;
}

int sg_parse_number(const char *s, size_t n, double *out)
{
	char tmp[64];
	char *end;
	double v;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	if (!parse_simple(s, n, out))
		return 0;
	/* strtod accepts hex, inf and nan: the log must not */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '+' || c == 'e' || c == 'E'))
			return -1;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	v = strtod(tmp, &end);
	if (end != tmp + n || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int sg_parse_score(const char *s, size_t n, double *out)
{
	double v;

	if (sg_parse_number(s, n, &v) || !(v >= 0.0 && v <= 1.0))
		return -1;
	*out = v;
	return 0;
}
