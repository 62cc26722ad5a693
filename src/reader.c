/*
 * reader.c - record readers: CSV through libcsv (reader_csv.c), JSON Lines
 * through cJSON (reader_jsonl.c), each behind a struct sg_reader_ops, both
 * over one zlib stream (gzread reads plain files as they are). This file
 * holds what they share: the public entry points, which call the format's
 * ops, the input buffer, the raw text and the record being built.
 *
 * Input is read in large chunks into one buffer (struct sg_in) that is
 * reused for the whole file. Both readers work on physical lines found with
 * memchr:
 *
 *  - CSV feeds libcsv one physical line (or the part of it that is in the
 *    buffer) at a time. libcsv is told that only LF ends a row and that CR
 *    is "space" (trimmed next to field boundaries, kept inside quotes), so
 *    the end-of-row callback can only fire on the last byte fed, and the
 *    line on which a record starts is the line being fed when it starts.
 *    A line that starts a record and has no quote and no CR (most lines
 *    of most logs) is cut at its commas here instead, with the same
 *    callbacks: libcsv's byte-at-a-time state machine was a tenth of the
 *    time of an ingest.
 *  - JSON Lines hands each line, in place in the buffer, to cJSON.
 *
 * Memory stays flat: the buffer grows only to hold one JSON line (at most
 * JSONL_LINE_MAX) or the look-ahead of sg_reader_has_column (PEEK_MAX);
 * a CSV field that grows past SG_FIELD_MAX rejects its record and is read
 * to its end without being kept.
 */
#include "sg/reader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "reader_impl.h"

/* Marks the record rejected, keeping the first reason given. */
void sg_rec_err(struct sg_record *rec, long col, const char *fmt, ...)
{
	va_list ap;

	if (rec->err)
		return;
	rec->err = 1;
	rec->err_col = col;
	va_start(ap, fmt);
	vsnprintf(rec->err_msg, sizeof(rec->err_msg), fmt, ap);
	va_end(ap);
}

/* ---- formats ---- */

static int has_suffix(const char *s, size_t n, const char *sfx)
{
	size_t k = strlen(sfx);

	return n >= k && !strncasecmp(s + n - k, sfx, k);
}

enum sg_format sg_format_guess(const char *path)
{
	size_t n;

	if (!path)
		return SG_FORMAT_GUESS;
	n = strlen(path);
	if (has_suffix(path, n, ".gz"))
		n -= 3;
	if (has_suffix(path, n, ".csv"))
		return SG_FORMAT_CSV;
	if (has_suffix(path, n, ".jsonl") || has_suffix(path, n, ".ndjson") ||
	    has_suffix(path, n, ".json"))
		return SG_FORMAT_JSONL;
	return SG_FORMAT_GUESS;
}

enum sg_format sg_format_parse(const char *name)
{
	if (!name)
		return SG_FORMAT_GUESS;
	if (!strcasecmp(name, "csv"))
		return SG_FORMAT_CSV;
	if (!strcasecmp(name, "jsonl") || !strcasecmp(name, "ndjson"))
		return SG_FORMAT_JSONL;
	return SG_FORMAT_GUESS;
}

/* ---- input ---- */

/* Records a fatal reading error, reported by every later read. */
int sg_in_fail(struct sg_reader *r, int code, const char *fmt, ...)
{
	va_list ap;

	if (r->ioerr)
		return r->ioerr;
	va_start(ap, fmt);
	vsnprintf(r->ioerr_msg, sizeof(r->ioerr_msg), fmt, ap);
	va_end(ap);
	r->ioerr = code;
	return code;
}

/* Turns zlib's error state into a sticky reader error. */
static int gz_fail(struct sg_reader *r, int zerr, const char *msg)
{
	const char *why = msg ? strrchr(msg, ':') : NULL;

	/* zlib says "<path>: <reason>"; keep the reason */
	why = why ? why + 1 : (msg ? msg : "unknown error");
	while (*why == ' ')
		why++;
	if (zerr == Z_ERRNO)
		return sg_in_fail(r, SG_EIO, "read failed: %s", why);
	if (zerr == Z_MEM_ERROR)
		return sg_in_fail(r, SG_ENOMEM, "out of memory");
	return sg_in_fail(r, SG_EDATA, "corrupt gzip stream: %s", why);
}

/*
 * Reads more input after in.end, keeping in.buf[start, end) (it may move
 * to the front of the buffer, or the buffer may grow). Returns 1 when bytes
 * were added, 0 at the end of the input, or a negative SG_E* code.
 */
int sg_in_fill(struct sg_reader *r)
{
	struct sg_in *in = &r->in;
	int n, zerr = Z_OK;
	const char *msg;

	if (r->ioerr)
		return r->ioerr;
	if (r->eof)
		return 0;
	if (in->start == in->end)
		in->start = in->end = 0;
	if (in->cap - in->end < READ_CHUNK && in->start) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->cap - in->end < READ_CHUNK) {
		in->cap *= 2;
		in->buf = sg_xrealloc(in->buf, in->cap + 1);
	}
	n = gzread(r->gz, in->buf + in->end, (unsigned)(in->cap - in->end));
	if (n < 0) {
		msg = gzerror(r->gz, &zerr);
		return gz_fail(r, zerr, msg);
	}
	if (n == 0) {
		/* a truncated gzip stream ends quietly: ask */
		msg = gzerror(r->gz, &zerr);
		if (zerr != Z_OK)
			return gz_fail(r, zerr, msg);
		r->eof = 1;
		return 0;
	}
	in->end += (size_t)n;
	r->nread += (uint64_t)n;
	return 1;
}

/* Adds raw record text, up to SG_RAW_MAX bytes in all. */
void sg_raw_add(struct sg_reader *r, const char *s, size_t n)
{
	size_t room = SG_RAW_MAX - r->raw.len;

	if (r->raw.len >= SG_RAW_MAX)
		return;
	sg_buf_add(&r->raw, s, n < room ? n : room);
}

/* Points the record at the raw text, without the final line end. */
void sg_raw_finish(struct sg_reader *r, struct sg_record *rec)
{
	struct sg_buf *b = &r->raw;

	if (b->len && b->buf[b->len - 1] == '\n')
		b->len--;
	if (b->len && b->buf[b->len - 1] == '\r')
		b->len--;
	b->buf[b->len] = '\0';
	rec->raw = b->buf;
	rec->raw_len = b->len;
}

/*
 * Consumes the input up to and including the next newline, adding what it
 * skips to the raw text. Returns 1, 0 at the end of the input, or a
 * negative SG_E* code.
 */
int sg_in_skip_line(struct sg_reader *r)
{
	struct sg_in *in = &r->in;
	int ret;

	for (;;) {
		char *p = in->buf + in->start;
		size_t n = in->end - in->start;
		char *nl = memchr(p, '\n', n);

		if (nl)
			n = (size_t)(nl - p) + 1;
		sg_raw_add(r, p, n);
		in->start += n;
		if (nl) {
			r->line++;
			r->col = 0;
			return 1;
		}
		ret = sg_in_fill(r);
		if (ret <= 0)
			return ret;
	}
}

/*
 * Finds the next physical line and consumes it: in.buf[*off, *off + *len)
 * is the line without its newline, valid until the next in_fill. Returns 1,
 * 2 when the line is longer than JSONL_LINE_MAX (nothing consumed; the
 * caller skips it), 0 at the end of the input, or a negative SG_E* code.
 */
int sg_in_line(struct sg_reader *r, size_t *off, size_t *len)
{
	struct sg_in *in = &r->in;
	size_t scan = 0;
	int ret;

	for (;;) {
		size_t avail = in->end - in->start;
		char *nl = memchr(in->buf + in->start + scan, '\n', avail - scan);

		if (nl) {
			*off = in->start;
			*len = (size_t)(nl - (in->buf + in->start));
			if (*len > JSONL_LINE_MAX)
				return 2;
			in->start += *len + 1;
			r->line++;
			return 1;
		}
		if (avail > JSONL_LINE_MAX)
			return 2;
		scan = avail;
		ret = sg_in_fill(r);
		if (ret < 0)
			return ret;
		if (ret == 0) {
			if (in->start == in->end)
				return 0;
			*off = in->start;
			*len = in->end - in->start;
			in->start = in->end;
			r->line++;
			return 1;
		}
	}
}

/* Skips a UTF-8 byte-order mark at the start of the input. */
static int in_skip_bom(struct sg_reader *r)
{
	struct sg_in *in = &r->in;
	int ret;

	while (in->end - in->start < 3) {
		ret = sg_in_fill(r);
		if (ret < 0)
			return ret;
		if (ret == 0)
			break;
	}
	if (in->end - in->start >= 3 &&
	    !memcmp(in->buf + in->start, "\xef\xbb\xbf", 3))
		in->start += 3;
	return 0;
}

/* ---- records ---- */

void sg_record_reset(struct sg_reader *r, struct sg_record *rec)
{
	size_t i;

	rec->line = r->line;
	rec->n = r->nbound;
	rec->values = r->values;
	rec->lens = r->lens;
	rec->kinds = r->kinds;
	rec->err = 0;
	rec->err_col = -1;
	rec->err_msg[0] = '\0';
	rec->raw = "";
	rec->raw_len = 0;
	r->rec = rec;
	sg_buf_reset(&r->raw);
	sg_buf_reset(&r->text);
	r->nfields = 0;
	r->row_done = 0;
	if (r->format == SG_FORMAT_CSV && !r->header_mode)
		for (i = 0; i < r->nbound; i++)
			if (r->col_of[i] >= 0)
				r->flen[r->col_of[i]] = SIZE_MAX;
}

/* ---- the reader ---- */

int sg_reader_open(struct sg_reader **out, const char *path,
		   enum sg_format format, struct sg_diag *diag)
{
	struct sg_reader *r;
	int ret = SG_EIO;
	int fd;

	*out = NULL;
	r = sg_xcalloc(1, sizeof(*r));
	r->path = sg_xstrdup(path);
	if (format == SG_FORMAT_GUESS)
		format = sg_format_guess(path);
	r->ops = format == SG_FORMAT_JSONL ? &sg_reader_jsonl_ops
					   : &sg_reader_csv_ops;
	r->format = r->ops->format;
	r->line = 1;
	sg_buf_init(&r->raw);
	sg_buf_init(&r->text);
	r->values = sg_xcalloc(1, sizeof(*r->values));
	r->lens = sg_xcalloc(1, sizeof(*r->lens));
	r->kinds = sg_xcalloc(1, 1);
	r->in.cap = 2 * READ_CHUNK;
	r->in.buf = sg_xmalloc(r->in.cap + 1);

	errno = 0;
	if (!strcmp(path, "-")) {
		fd = dup(STDIN_FILENO);
		if (fd >= 0) {
			r->gz = gzdopen(fd, "rb");
			if (!r->gz)
				close(fd);
		}
	} else {
		r->gz = gzopen(path, "rb");
	}
	if (!r->gz) {
		sg_diag_set(diag, path, 0, 0, "cannot open: %s",
			    errno ? strerror(errno) : "out of memory");
		goto out;
	}
	gzbuffer(r->gz, 128 * 1024);
	ret = in_skip_bom(r);
	if (ret) {
		sg_diag_set(diag, path, 0, 0, "%s", r->ioerr_msg);
		goto out;
	}
	ret = r->ops->open ? r->ops->open(r, diag) : 0;
out:
	if (ret) {
		sg_reader_close(r);
		return ret;
	}
	*out = r;
	return 0;
}

enum sg_format sg_reader_format(const struct sg_reader *r)
{
	return r->format;
}

int sg_reader_has_column(struct sg_reader *r, const char *name)
{
	return r->ops->has_column(r, name);
}

const char *sg_reader_column(struct sg_reader *r, size_t i)
{
	return r->ops->column(r, i);
}

int sg_reader_bind(struct sg_reader *r, const char *const *names, size_t n,
		   struct sg_diag *diag)
{
	size_t i;

	if (r->bound || r->started)
		return SG_EUSAGE;
	r->bound = 1;
	r->nbound = n;
	r->names = sg_xcalloc(n ? n : 1, sizeof(*r->names));
	r->values = sg_xrealloc(r->values, (n ? n : 1) * sizeof(*r->values));
	r->lens = sg_xrealloc(r->lens, (n ? n : 1) * sizeof(*r->lens));
	r->kinds = sg_xrealloc(r->kinds, n ? n : 1);
	r->col_of = sg_xcalloc(n ? n : 1, sizeof(*r->col_of));
	for (i = 0; i < n; i++) {
		r->names[i] = sg_xstrdup(names[i]);
		r->values[i] = "";
		r->lens[i] = 0;
		r->kinds[i] = SG_FIELD_ABSENT;
		r->col_of[i] = -1;
	}
	return r->ops->bind ? r->ops->bind(r, diag) : 0;
}

int sg_reader_next(struct sg_reader *r, struct sg_record *rec,
		   struct sg_diag *diag)
{
	int ret;

	r->started = 1;
	ret = r->ops->next(r, rec);
	if (ret < 0)
		sg_diag_set(diag, r->path, 0, 0, "%s", r->ioerr_msg);
	return ret;
}

uint64_t sg_reader_offset(const struct sg_reader *r)
{
	z_off_t off = r->gz ? gzoffset(r->gz) : -1;

	return off < 0 ? r->nread : (uint64_t)off;
}

void sg_reader_close(struct sg_reader *r)
{
	size_t i;

	if (!r)
		return;
	if (r->ops)
		r->ops->close(r);
	if (r->gz)
		gzclose(r->gz);
	for (i = 0; r->names && i < r->nbound; i++)
		free(r->names[i]);
	free(r->names);
	free(r->values);
	free(r->lens);
	free(r->kinds);
	free(r->col_of);
	sg_buf_release(&r->raw);
	sg_buf_release(&r->text);
	free(r->in.buf);
	free(r->path);
	free(r);
}

