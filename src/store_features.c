/*
 * store_features.c - the features of a case as the store keeps them
 * (cases.features): each value in the fewest bytes that give back the
 * very same double.
 *
 * A value is one tag byte, then what the tag says:
 *   0x00            missing (a NaN)
 *   0x01 .. 0x2e    a decimal: tag - 1 = 2k + sign, k in 0 .. 22, then the
 *                   unsigned LEB128 varint m (m < 2^53): the value is
 *                   m / 10^k, negated when sign is 1
 *   0x2f            8 bytes, the double itself (little-endian)
 * A value is written as a decimal only when m / 10^k (m and 10^k exact
 * doubles, so the division is correctly rounded) is the value bit for bit;
 * the smallest such k is taken, so the same doubles always give the same
 * bytes (ingest compares a case's features as bytes). Logs write numbers
 * in decimal, so a value of a log takes 2 to 5 bytes, not 8: a third of a
 * case's row.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sg/buf.h"
#include "store_impl.h"

#define TAG_MISSING 0x00
#define TAG_RAW 0x2f
#define MAX_K 22
#define MAX_EXACT 9007199254740992.0 /* 2^53 */

static const double p10[MAX_K + 1] = {
	1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* The decimal m / 10^k (what the decoder computes). */
static double decimal(uint64_t m, int k)
{
	return (double)m / p10[k];
}

static size_t put_varint(unsigned char *p, uint64_t m)
{
	size_t n = 0;

	while (m >= 0x80) {
		p[n++] = (unsigned char)(m | 0x80);
		m >>= 7;
	}
	p[n++] = (unsigned char)m;
	return n;
}

size_t sg_features_pack(const double *v, size_t n, unsigned char *out)
{
	unsigned char *p = out;
	size_t i;

	for (i = 0; i < n; i++) {
		double a = fabs(v[i]);
		int k, neg = signbit(v[i]) != 0, done = 0;

		if (isnan(v[i])) {
			*p++ = TAG_MISSING;
			continue;
		}
		for (k = 0; k <= MAX_K && isfinite(a) && !done; k++) {
			double x = a * p10[k], r;

			if (x >= MAX_EXACT)
				break;
			r = nearbyint(x);
			/* only a near-integer can be the one: spares a division */
			if (fabs(x - r) > x * 1e-14)
				continue;
			if (decimal((uint64_t)r, k) == a) {
				*p++ = (unsigned char)(1 + 2 * k + neg);
				p += put_varint(p, (uint64_t)r);
				done = 1;
			}
		}
		if (done)
			continue;
		*p++ = TAG_RAW;
		memcpy(p, &v[i], sizeof(double));
		p += sizeof(double);
	}
	return (size_t)(p - out);
}

int sg_features_unpack(const void *blob, size_t len, double *out, size_t max,
		       size_t *n)
{
	const unsigned char *p = blob, *end = p + len;
	size_t i = 0;

	*n = 0;
	while (p < end) {
		unsigned t = *p++;

		if (i == max)
			return -1;
		if (t == TAG_MISSING) {
			out[i++] = NAN;
		} else if (t == TAG_RAW) {
			if (end - p < (ptrdiff_t)sizeof(double))
				return -1;
			memcpy(&out[i++], p, sizeof(double));
			p += sizeof(double);
		} else if (t < TAG_RAW) {
			uint64_t m = 0;
			int shift = 0, k = (int)(t - 1) / 2;
			double x;

			for (;;) {
				if (p == end || shift > 56)
					return -1;
				m |= (uint64_t)(*p & 0x7f) << shift;
				shift += 7;
				if (!(*p++ & 0x80))
					break;
			}
			x = decimal(m, k);
			out[i++] = (t - 1) % 2 ? -x : x;
		} else {
			return -1;
		}
	}
	*n = i;
	return 0;
}

/* sg_pack_features(blob): 8-byte doubles to the packed form. */
static void pack_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *b;
	unsigned char *out;
	double *v;
	size_t i, n, len;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	len = (size_t)sqlite3_value_bytes(argv[0]);
	b = sqlite3_value_blob(argv[0]);
	if (len % sizeof(double)) {
		sqlite3_result_error(ctx, "a features blob whose length is not "
					  "a multiple of 8", -1);
		return;
	}
	n = len / sizeof(double);
	v = sqlite3_malloc64(n ? len : 1);
	out = sqlite3_malloc64(SG_FEATURES_MAX(n) + 1);
	if (!v || !out) {
		sqlite3_free(v);
		sqlite3_free(out);
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (i = 0; i < n; i++)
		memcpy(&v[i], b + i * sizeof(double), sizeof(double));
	sqlite3_result_blob(ctx, out, (int)sg_features_pack(v, n, out),
			    sqlite3_free);
	sqlite3_free(v);
}

int sg_features_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "sg_pack_features", 1,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				       pack_sql, NULL, NULL) == SQLITE_OK
		       ? 0
		       : -1;
}

const double *sg_features_read(struct sg_buf *scratch, const void *blob,
			       size_t len, size_t *n)
{
	*n = 0;
	sg_buf_reset(scratch);
	/* a value takes a byte at least */
	sg_buf_grow(scratch, (len ? len : 1) * sizeof(double));
	if (sg_features_unpack(blob, len, (double *)(void *)scratch->buf, len,
			       n))
		return NULL;
	return (const double *)(void *)scratch->buf;
}
