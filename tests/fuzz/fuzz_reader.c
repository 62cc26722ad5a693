/*
 * fuzz_reader.c - libFuzzer harness for the record reader (sg/reader.h).
 *
 * The input is read as a log three times: as CSV and as JSON Lines, as
 * given (which may itself be a gzip stream), then wrapped in gzip as one
 * of the two (by the parity of its length: each open costs a few large
 * buffers, which ASan maps and unmaps, so three opens, not four). The
 * bound columns include names that the header or the objects may lack.
 * Every record is read to the end; any return value is fine, a crash or a
 * sanitizer report is not. The file is a memfd opened by its /proc path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "sg/reader.h"

static int memfd = -1;
static char path[64];

static void put_file(const uint8_t *data, size_t size)
{
	size_t off = 0;

	if (memfd < 0) {
		memfd = memfd_create("sg-fuzz-reader", 0);
		if (memfd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	}
	if (ftruncate(memfd, 0))
		abort();
	while (off < size) {
		ssize_t n = pwrite(memfd, data + off, size - off, (off_t)off);

		if (n <= 0)
			abort();
		off += (size_t)n;
	}
}

/* data as a gzip stream in a malloc'd buffer. */
static uint8_t *gzip_wrap(const uint8_t *data, size_t size, size_t *out_len)
{
	z_stream z;
	uLong cap;
	uint8_t *out;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	cap = deflateBound(&z, (uLong)size) + 32;
	out = malloc(cap);
	if (!out)
		abort();
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)size;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

static void read_all(enum sg_format format)
{
	static const char *const cols[] = {
		"case_id", "decided_at", "decision", "no_such_column",
		"income",  "id",         "text",     "case_id",
	};
	struct sg_reader *r = NULL;
	struct sg_record rec;
	struct sg_diag d;
	size_t i, sum = 0;
	int ret;

	if (sg_reader_open(&r, path, format, &d)) {
		sg_reader_close(r);
		return;
	}
	(void)sg_reader_has_column(r, "decision");
	(void)sg_reader_has_column(r, "no_such_column");
	sg_diag_clear(&d);
	ret = sg_reader_bind(r, cols, sizeof(cols) / sizeof(cols[0]), &d);
	if (ret) {
		/* only a CSV header that names a bound column twice */
		if (ret != SG_EUSAGE || format != SG_FORMAT_CSV ||
		    !strstr(d.msg, "appears twice in the header"))
			abort();
		sg_reader_close(r);
		return;
	}
	while ((ret = sg_reader_next(r, &rec, &d)) == 1) {
		/* touch everything the record hands out */
		for (i = 0; i < rec.n; i++) {
			if (strlen(rec.values[i]) > rec.lens[i])
				abort();
			sum += rec.lens[i] + rec.kinds[i];
		}
		if (rec.raw_len > SG_RAW_MAX || rec.raw[rec.raw_len] != '\0')
			abort();
		if (rec.err && !rec.err_msg[0])
			abort();
		sum += rec.raw_len;
	}
	if (ret == 1 || ret > 0)
		abort();
	/* an error is sticky */
	if (ret < 0 && sg_reader_next(r, &rec, &d) != ret)
		abort();
	(void)sg_reader_offset(r);
	sg_reader_close(r);
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *gz;
	size_t gzlen;

	put_file(data, size);
	read_all(SG_FORMAT_CSV);
	read_all(SG_FORMAT_JSONL);
	gz = gzip_wrap(data, size, &gzlen);
	put_file(gz, gzlen);
	free(gz);
	read_all(size & 1 ? SG_FORMAT_JSONL : SG_FORMAT_CSV);
	return 0;
}
