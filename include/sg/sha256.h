/*
 * sha256.h - SHA-256 (FIPS 180-4), used to recognise a log file or a model
 * artifact by its content.
 */
#ifndef SG_SHA256_H
#define SG_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "sg/error.h"

struct sg_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char block[64];
	size_t used;
};

void sg_sha256_init(struct sg_sha256 *c);
void sg_sha256_update(struct sg_sha256 *c, const void *data, size_t n);
/* Writes the digest as 64 lower-case hex digits plus NUL. */
void sg_sha256_final(struct sg_sha256 *c, char hex[65]);

/*
 * Whether the processor's SHA instructions may be used (they are by
 * default, where the processor has them); returns 1 when they are used
 * from now on, 0 when the portable code is. The digests are the same.
 */
int sg_sha256_hardware(int allow);

/*
 * Hashes a whole file; *size gets its length in bytes. Returns 0, or SG_EIO
 * with diag naming the file.
 */
int sg_sha256_file(const char *path, char hex[65], uint64_t *size,
		   struct sg_diag *diag);

#endif
