/*
 * sha256.c - SHA-256 (FIPS 180-4) of a buffer or a file, to recognise a
 * log or a model artifact by its content (include/sg/sha256.h).
 */
#include "sg/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* The portable compression function: one 64-byte block. */
static void compress_one(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
			      (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^
			      (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0]; b = h[1]; c = h[2]; d = h[3];
	e = h[4]; f = h[5]; g = h[6]; hh = h[7];
	for (i = 0; i < 64; i++) {
		t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		     ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		hh = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void compress_portable(uint32_t h[8], const unsigned char *p,
			      size_t blocks)
{
	while (blocks--) {
		compress_one(h, p);
		p += 64;
	}
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

/*
 * The same compression with the x86 SHA extensions (SHA-NI), after Intel's
 * "Intel SHA Extensions" white paper (Gulley et al., 2013). The state is
 * kept as the ABEF and CDGH halves that sha256rnds2 works on; each step
 * below does four rounds and, from the fifth step on, extends the message
 * schedule by four words (sha256msg1 + W[t-7] + sha256msg2).
 */
__attribute__((target("sha,ssse3,sse4.1"))) static void
compress_shani(uint32_t h[8], const unsigned char *p, size_t blocks)
{
	const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
					    0x0405060700010203ULL);
	__m128i s0, s1, t, abef, cdgh, m[4];
	int g;

	t = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);
	s1 = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);
	t = _mm_shuffle_epi32(t, 0xB1);           /* CDAB */
	s1 = _mm_shuffle_epi32(s1, 0x1B);         /* EFGH */
	s0 = _mm_alignr_epi8(t, s1, 8);           /* ABEF */
	s1 = _mm_blend_epi16(s1, t, 0xF0);        /* CDGH */
	while (blocks--) {
		abef = s0;
		cdgh = s1;
#pragma GCC unroll 16
		for (g = 0; g < 16; g++) {
			__m128i w;

			if (g < 4) {
				w = _mm_shuffle_epi8(
					_mm_loadu_si128((const __m128i *)(
						const void *)(p + 16 * g)),
					mask);
			} else {
				/* m[g&3]: words 4g-16.., m[(g+1)&3]: 4g-12..,
				 * m[(g+2)&3]: 4g-8.., m[(g+3)&3]: 4g-4.. */
				w = _mm_sha256msg1_epu32(m[g & 3],
							 m[(g + 1) & 3]);
				w = _mm_add_epi32(
					w, _mm_alignr_epi8(m[(g + 3) & 3],
							   m[(g + 2) & 3], 4));
				w = _mm_sha256msg2_epu32(w, m[(g + 3) & 3]);
			}
			m[g & 3] = w;
			t = _mm_add_epi32(
				w, _mm_loadu_si128((const __m128i *)(
					   const void *)&K[4 * g]));
			s1 = _mm_sha256rnds2_epu32(s1, s0, t);
			t = _mm_shuffle_epi32(t, 0x0E);
			s0 = _mm_sha256rnds2_epu32(s0, s1, t);
		}
		s0 = _mm_add_epi32(s0, abef);
		s1 = _mm_add_epi32(s1, cdgh);
		p += 64;
	}
	t = _mm_shuffle_epi32(s0, 0x1B);          /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);         /* DCHG */
	s0 = _mm_blend_epi16(t, s1, 0xF0);        /* DCBA */
	s1 = _mm_alignr_epi8(s1, t, 8);           /* HGFE */
	_mm_storeu_si128((__m128i *)(void *)&h[0], s0);
	_mm_storeu_si128((__m128i *)(void *)&h[4], s1);
}

/* Whether this processor has SHA-NI (with the SSSE3 and SSE4.1 it uses). */
static int have_shani(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (!(c & (1u << 9)) || !(c & (1u << 19)))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b >> 29) & 1u;
}
#endif

/* -1: not chosen yet; 0: portable; 1: SHA-NI */
static int impl = -1;

static void choose(int allow)
{
	impl = 0;
#if defined(__x86_64__) && defined(__GNUC__)
	if (allow && have_shani())
		impl = 1;
#else
	(void)allow;
#endif
}

static void compress(uint32_t h[8], const unsigned char *p, size_t blocks)
{
	if (impl < 0)
		choose(1);
#if defined(__x86_64__) && defined(__GNUC__)
	if (impl == 1) {
		compress_shani(h, p, blocks);
		return;
	}
#endif
	compress_portable(h, p, blocks);
}

int sg_sha256_hardware(int allow)
{
	choose(allow);
	return impl;
}

void sg_sha256_init(struct sg_sha256 *c)
{
	static const uint32_t init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
					 0xa54ff53a, 0x510e527f, 0x9b05688c,
					 0x1f83d9ab, 0x5be0cd19};

	memcpy(c->h, init, sizeof(init));
	c->len = 0;
	c->used = 0;
}

void sg_sha256_update(struct sg_sha256 *c, const void *data, size_t n)
{
	const unsigned char *p = data;

	c->len += n;
	if (c->used) {
		size_t take = 64 - c->used < n ? 64 - c->used : n;

		memcpy(c->block + c->used, p, take);
		c->used += take;
		p += take;
		n -= take;
		if (c->used < 64)
			return;
		compress(c->h, c->block, 1);
		c->used = 0;
	}
	if (n >= 64) {
		compress(c->h, p, n / 64);
		p += n / 64 * 64;
		n %= 64;
	}
	memcpy(c->block, p, n);
	c->used = n;
}

void sg_sha256_final(struct sg_sha256 *c, char hex[65])
{
	uint64_t bits = c->len * 8;
	unsigned char pad[72];
	size_t padlen = (c->used < 56 ? 56 : 120) - c->used;
	int i;

	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[padlen + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
	sg_sha256_update(c, pad, padlen + 8);
	for (i = 0; i < 8; i++)
		snprintf(hex + 8 * i, 9, "%08x", c->h[i]);
}

int sg_sha256_file(const char *path, char hex[65], uint64_t *size,
		   struct sg_diag *diag)
{
	static unsigned char buf[1 << 16];
	struct sg_sha256 c;
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		sg_diag_set(diag, path, 0, 0, "cannot open: %s", strerror(errno));
		return SG_EIO;
	}
	sg_sha256_init(&c);
	*size = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		sg_sha256_update(&c, buf, n);
		*size += n;
	}
	if (ferror(f)) {
		sg_diag_set(diag, path, 0, 0, "cannot read: %s", strerror(errno));
		fclose(f);
		return SG_EIO;
	}
	fclose(f);
	sg_sha256_final(&c, hex);
	return 0;
}
