/*
 * rng.h - the seeded draws of the sample and the review batches: one
 * splitmix64 stream (Steele, Lea and Flood 2014) and a uniform integer
 * drawn from it without modulo bias. Private to the library.
 */
#ifndef SG_RNG_H
#define SG_RNG_H

#include <stdint.h>

/* The next 64 bits of the stream whose state is *state. */
static inline uint64_t sg_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0, without modulo bias. */
static inline uint64_t sg_uniform(uint64_t *state, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = sg_splitmix64(state);
	while (x >= limit);
	return x % n;
}

#endif
