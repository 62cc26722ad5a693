/*
 * reader.c - record readers: CSV through libcsv, JSON Lines through cJSON,
 * both over one zlib stream (gzread reads plain files as they are).
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

#include <cjson/cJSON.h>
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#include "sg/buf.h"

/* Bytes asked of gzread at a time. */
#define READ_CHUNK (256 * 1024)
/* Longest JSON line; a longer one is rejected and skipped. */
#define JSONL_LINE_MAX (1024 * 1024)
/* How far sg_reader_has_column looks ahead for a JSON object line. */
#define PEEK_MAX (4 * 1024 * 1024)
#define STR_(x) #x
#define STR(x) STR_(x)
#define FIELD_TOO_LONG "field longer than " STR(SG_FIELD_MAX) " bytes"
/* Room for one number's text ("%.17g" needs at most 24 bytes). */
#define NUMTEXT_MAX 32

/* The input buffer: buf[start, end) is read and not yet consumed. */
struct sg_in {
	char *buf;
	size_t start;
	size_t end;
	size_t cap; /* buf holds cap + 1 bytes */
};

struct sg_reader {
	char *path;
	enum sg_format format;
	gzFile gz;
	int eof;
	int ioerr; /* sticky SG_E* code once reading failed */
	char ioerr_msg[256];
	uint64_t nread; /* bytes gzread returned (fallback offset) */
	struct sg_in in;
	long line; /* number of the physical line at in.start */
	size_t col; /* bytes of that line consumed already (CSV) */

	/* bound columns and the arrays handed out in records */
	int bound;
	int started;
	char **names;
	size_t nbound;
	const char **values;
	size_t *lens;
	unsigned char *kinds;

	struct sg_record *rec; /* the record being built */
	struct sg_buf raw;     /* raw text of that record */

	/* CSV */
	struct csv_parser csv;
	int csv_live;
	int header_mode; /* reading the header: keep every field */
	char *header_text;
	char **header;
	size_t nheader;
	long *col_of;        /* per bound column: header index, or -1 */
	long *bound_of;      /* per header column: first bound index, or -1 */
	unsigned char *need; /* per header column: some bound column uses it */
	size_t *foff;        /* per header column: offset in text */
	size_t *flen;        /* per header column: length, SIZE_MAX if unset */
	size_t nfields;      /* fields seen in this record */
	int row_done;
	struct sg_buf text; /* field values of this record */

	/* JSON Lines */
	cJSON *cur;  /* tree of the current line */
	cJSON *peek; /* first object line, for has_column */
	int peeked;
	char *numtext; /* NUMTEXT_MAX bytes per bound column */
	const char **keys; /* the keys of a line, for the duplicate check */
	size_t keys_cap;
	long header_line; /* CSV: the line the header is on */
};

static void rec_err(struct sg_record *rec, long col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Marks the record rejected, keeping the first reason given. */
static void rec_err(struct sg_record *rec, long col, const char *fmt, ...)
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

/* ---- UTF-8 ---- */

/*
 * Checks p[0..n) for UTF-8 validity, and for NUL bytes when nul is set.
 * Returns 0 when fine, else 1 (bad UTF-8) or 2 (a NUL byte) with the
 * offset of the first byte of the bad sequence in *bad.
 */
static int text_scan(const unsigned char *p, size_t n, size_t *bad, int nul)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t high = UINT64_C(0x8080808080808080);
	size_t i = 0;

	while (i < n) {
		unsigned char c, lo = 0x80, hi = 0xbf;
		size_t need, k;
		uint64_t w;

		/* fast path: eight ASCII bytes (and no NUL) at a time */
		while (i + 8 <= n) {
			memcpy(&w, p + i, 8);
			if ((w & high) || (nul && ((w - ones) & ~w & high)))
				break;
			i += 8;
		}
		while (i < n && p[i] < 0x80 && (p[i] || !nul))
			i++;
		if (i >= n)
			break;
		c = p[i];
		if (!c) {
			*bad = i;
			return 2;
		}
		if (c < 0xc2) {
			goto bad; /* continuation byte, or overlong C0/C1 */
		} else if (c < 0xe0) {
			need = 1;
		} else if (c < 0xf0) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0; /* overlong */
			else if (c == 0xed)
				hi = 0x9f; /* surrogates */
		} else if (c < 0xf5) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90; /* overlong */
			else if (c == 0xf4)
				hi = 0x8f; /* above U+10FFFF */
		} else {
			goto bad;
		}
		if (n - i <= need)
			goto bad;
		if (p[i + 1] < lo || p[i + 1] > hi)
			goto bad;
		for (k = 2; k <= need; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xbf)
				goto bad;
		i += need + 1;
	}
	return 0;
bad:
	*bad = i;
	return 1;
}

int sg_utf8_valid(const char *s, size_t n, size_t *bad)
{
	size_t at = 0;

	if (!text_scan((const unsigned char *)s, n, &at, 0))
		return 1;
	if (bad)
		*bad = at;
	return 0;
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
static int in_fail(struct sg_reader *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int in_fail(struct sg_reader *r, int code, const char *fmt, ...)
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
		return in_fail(r, SG_EIO, "read failed: %s", why);
	if (zerr == Z_MEM_ERROR)
		return in_fail(r, SG_ENOMEM, "out of memory");
	return in_fail(r, SG_EDATA, "corrupt gzip stream: %s", why);
}

/*
 * Reads more input after in.end, keeping in.buf[start, end) (it may move
 * to the front of the buffer, or the buffer may grow). Returns 1 when bytes
 * were added, 0 at the end of the input, or a negative SG_E* code.
 */
static int in_fill(struct sg_reader *r)
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
static void raw_add(struct sg_reader *r, const char *s, size_t n)
{
	size_t room = SG_RAW_MAX - r->raw.len;

	if (r->raw.len >= SG_RAW_MAX)
		return;
	sg_buf_add(&r->raw, s, n < room ? n : room);
}

/* Points the record at the raw text, without the final line end. */
static void raw_finish(struct sg_reader *r, struct sg_record *rec)
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
static int in_skip_line(struct sg_reader *r)
{
	struct sg_in *in = &r->in;
	int ret;

	for (;;) {
		char *p = in->buf + in->start;
		size_t n = in->end - in->start;
		char *nl = memchr(p, '\n', n);

		if (nl)
			n = (size_t)(nl - p) + 1;
		raw_add(r, p, n);
		in->start += n;
		if (nl) {
			r->line++;
			r->col = 0;
			return 1;
		}
		ret = in_fill(r);
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
static int in_line(struct sg_reader *r, size_t *off, size_t *len)
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
		ret = in_fill(r);
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
		ret = in_fill(r);
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

/* ---- CSV ---- */

/* Only LF ends a row; CR is trimmed like a space, so CRLF works too. */
static int csv_is_term(unsigned char c)
{
	return c == '\n';
}

static int csv_is_space(unsigned char c)
{
	return c == '\r';
}

static void csv_start(struct sg_reader *r)
{
	if (r->csv_live)
		csv_free(&r->csv);
	csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_term_func(&r->csv, csv_is_term);
	csv_set_space_func(&r->csv, csv_is_space);
	csv_set_blk_size(&r->csv, 16384);
	r->csv_live = 1;
}

/*
 * Reports a bad field: in the record, with err_col when the column is
 * bound (then the message leaves the name to the caller), else naming it.
 */
static void csv_field_err(struct sg_reader *r, size_t col, const char *what,
			  size_t at)
{
	long b = col < r->nheader ? r->bound_of[col] : -1;
	char pos[48] = "";

	if (at)
		snprintf(pos, sizeof(pos), " at byte %zu", at);
	if (b >= 0)
		rec_err(r->rec, b, "%s%s", what, pos);
	else if (r->header_mode || col >= r->nheader)
		rec_err(r->rec, -1, "field %zu: %s%s", col + 1, what, pos);
	else
		rec_err(r->rec, -1, "column '%s': %s%s", r->header[col], what,
			pos);
}

/* libcsv's end-of-field callback. */
static void csv_on_field(void *s, size_t len, void *data)
{
	struct sg_reader *r = data;
	struct sg_buf *t = &r->text;
	size_t col = r->nfields++;
	size_t bad;

	if (!r->header_mode && col >= r->nheader)
		return; /* counted; the row is rejected at its end */
	if (len > SG_FIELD_MAX) {
		csv_field_err(r, col, FIELD_TOO_LONG, 0);
		return;
	}
	switch (text_scan(s, len, &bad, 1)) {
	case 1:
		csv_field_err(r, col, "invalid UTF-8", bad + 1);
		return;
	case 2:
		csv_field_err(r, col, "NUL byte", bad + 1);
		return;
	}
	if (!r->header_mode) {
		if (!r->need[col])
			return;
		r->foff[col] = t->len;
		r->flen[col] = len;
	}
	/* the value and its NUL, in one go */
	sg_buf_grow(t, len + 1);
	memcpy(t->buf + t->len, s, len);
	t->len += len;
	t->buf[t->len++] = '\0';
	t->buf[t->len] = '\0';
}

/* libcsv's end-of-row callback: only ever on the last byte fed. */
static void csv_on_row(int c, void *data)
{
	struct sg_reader *r = data;

	(void)c;
	r->row_done = 1;
}

/*
 * The common case without libcsv: a whole physical line p[0, n) (its LF
 * not included) that starts a record and holds no quote and no CR. libcsv
 * (with only LF ending a row and only CR as "space") would cut such a line
 * at each comma, keep every byte of each field, and end the row at the LF:
 * the same callbacks are made here, in the same order, with the same
 * values, straight from the input buffer.
 */
static void csv_plain_line(struct sg_reader *r, char *p, size_t n)
{
	char *end = p + n, *comma;

	while ((comma = memchr(p, ',', (size_t)(end - p)))) {
		csv_on_field(p, (size_t)(comma - p), r);
		p = comma + 1;
	}
	csv_on_field(p, (size_t)(end - p), r);
	csv_on_row('\n', r);
}

static void record_reset(struct sg_reader *r, struct sg_record *rec)
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

/* Completes a CSV record: field count, values, raw text. */
static int csv_finish(struct sg_reader *r, struct sg_record *rec)
{
	size_t i;

	raw_finish(r, rec);
	if (r->header_mode)
		return 1;
	if (r->nfields != r->nheader)
		rec_err(rec, -1, "expected %zu fields, found %zu", r->nheader,
			r->nfields);
	for (i = 0; i < r->nbound; i++) {
		long c = r->col_of[i];

		if (c < 0 || r->flen[c] == SIZE_MAX) {
			r->values[i] = "";
			r->lens[i] = 0;
			r->kinds[i] = SG_FIELD_ABSENT;
			continue;
		}
		r->values[i] = r->text.buf + r->foff[c];
		r->lens[i] = r->flen[c];
		r->kinds[i] = r->flen[c] ? SG_FIELD_STRING : SG_FIELD_NULL;
	}
	return 1;
}

/*
 * Drops the bytes libcsv holds for the field being read, keeping only what
 * its state needs at the field's end: libcsv takes off the trailing
 * "spaces" it counted and, after a quote inside a quoted field (which may
 * be the closing one), that quote too. A count of spaces is kept at one:
 * libcsv only asks whether there were any. The field's value is lost; the
 * record has been rejected already.
 */
static void csv_cut_field(struct csv_parser *p)
{
	if (p->spaces > 1)
		p->spaces = 1;
	if (p->entry_pos > p->spaces + 1)
		p->entry_pos = p->spaces + 1;
}

/*
 * Reads one CSV record (the header too, in header mode). Returns 1, 0 at
 * the end of the input, or a negative SG_E* code.
 */
static int csv_record(struct sg_reader *r, struct sg_record *rec)
{
	struct sg_in *in = &r->in;
	int started = 0, first, ret;
	char *p, *nl = NULL, what[80];
	size_t n, used;

	record_reset(r, rec);
	for (;;) {
		if (in->start == in->end) {
			ret = in_fill(r);
			if (ret < 0)
				return ret;
			if (ret == 0)
				break;
		}
		p = in->buf + in->start;
		n = in->end - in->start;
		first = !started;
		if (!started) {
			/* skip blank lines; leading CRs would be trimmed */
			while (n && *p == '\r') {
				p++;
				n--;
				in->start++;
				r->col++;
			}
			if (!n)
				continue;
			if (*p == '\n') {
				in->start++;
				r->line++;
				r->col = 0;
				continue;
			}
			started = 1;
			rec->line = r->line;
		}
		nl = memchr(p, '\n', n);
		if (nl)
			n = (size_t)(nl - p) + 1;
		if (first && nl && !memchr(p, '"', n - 1) &&
		    !memchr(p, '\r', n - 1)) {
			csv_plain_line(r, p, n - 1);
			raw_add(r, p, n);
			in->start += n;
			r->line++;
			r->col = 0;
			return csv_finish(r, rec);
		}
		used = csv_parse(&r->csv, p, n, csv_on_field, csv_on_row, r);
		raw_add(r, p, n);
		in->start += n;
		if (used < n) {
			/* CSV_STRICT: a quote in an unquoted field, or text
			 * after a closing quote */
			if (csv_error(&r->csv) != CSV_EPARSE)
				return in_fail(r, SG_ENOMEM, "out of memory");
			snprintf(what, sizeof(what),
				 "misplaced quote at line %ld, byte %zu",
				 r->line, r->col + used + 1);
			csv_field_err(r, r->nfields, what, 0);
		}
		if (nl) {
			r->line++;
			r->col = 0;
		} else {
			r->col += n;
		}
		if (used < n)
			goto resync;
		if (r->row_done)
			return csv_finish(r, rec);
		if (r->csv.entry_pos > SG_FIELD_MAX) {
			/*
			 * Too long a field: the record is rejected, but it
			 * is read to its end as RFC 4180 says (a quoted
			 * field ends at its closing quote, however many
			 * lines later), so that no line inside the field is
			 * taken for a row. libcsv's buffer is cut back after
			 * every piece fed, so memory stays bounded.
			 */
			csv_field_err(r, r->nfields, FIELD_TOO_LONG, 0);
			csv_cut_field(&r->csv);
		}
	}
	/* end of input */
	if (!started)
		return 0;
	if (csv_fini(&r->csv, csv_on_field, csv_on_row, r)) {
		csv_field_err(r, r->nfields, "unterminated quoted field", 0);
		csv_start(r);
	}
	return csv_finish(r, rec);

resync:
	/* skip the rest of the physical line, then start afresh */
	if (!nl) {
		ret = in_skip_line(r);
		if (ret < 0)
			return ret;
	}
	csv_start(r);
	return csv_finish(r, rec);
}

/* Reads the header row and sets up the per-column arrays. */
static int csv_read_header(struct sg_reader *r, struct sg_diag *diag)
{
	struct sg_record rec;
	const char *s;
	size_t i;
	int ret;

	r->header_mode = 1;
	ret = csv_record(r, &rec);
	r->header_mode = 0;
	if (ret < 0) {
		sg_diag_set(diag, r->path, 0, 0, "%s", r->ioerr_msg);
		return ret;
	}
	if (ret == 0) {
		sg_diag_set(diag, r->path, 0, 0,
			    "no header row: the file is empty");
		return SG_EDATA;
	}
	if (rec.err) {
		sg_diag_set(diag, r->path, rec.line, 0, "bad header row: %s",
			    rec.err_msg);
		return SG_EDATA;
	}
	r->nheader = r->nfields;
	r->header_line = rec.line;
	r->header_text = sg_buf_detach(&r->text);
	r->header = sg_xcalloc(r->nheader, sizeof(*r->header));
	r->bound_of = sg_xcalloc(r->nheader, sizeof(*r->bound_of));
	r->need = sg_xcalloc(r->nheader, 1);
	r->foff = sg_xcalloc(r->nheader, sizeof(*r->foff));
	r->flen = sg_xcalloc(r->nheader, sizeof(*r->flen));
	for (i = 0, s = r->header_text; i < r->nheader; i++) {
		r->header[i] = (char *)s;
		r->bound_of[i] = -1;
		s += strlen(s) + 1;
	}
	return 0;
}

/* ---- JSON Lines ---- */

/*
 * Parses one line as a JSON value with nothing but white space after it.
 * Returns the tree, or NULL with the 1-based byte of the error in *at.
 */
static cJSON *json_parse_line(const char *p, size_t len, size_t *at)
{
	const char *end = NULL;
	cJSON *v = cJSON_ParseWithLengthOpts(p, len, &end, 0);

	if (!v) {
		*at = end && end >= p ? (size_t)(end - p) + 1 : 1;
		return NULL;
	}
	while (end < p + len &&
	       (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (end < p + len) {
		*at = (size_t)(end - p) + 1;
		cJSON_Delete(v);
		return NULL;
	}
	return v;
}

static int is_blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

/*
 * Writes a number's text: integers below 1e17 in plain digits (exact:
 * doubles that large are integers); other numbers as cJSON prints them,
 * "%.15g" when that reads back as the same double, else "%.17g".
 */
static size_t format_number(char *out, double x)
{
	int n;

	if (x > -1e17 && x < 1e17 && x == (double)(long long)x)
		return (size_t)snprintf(out, NUMTEXT_MAX, "%lld", (long long)x);
	n = snprintf(out, NUMTEXT_MAX, "%.15g", x);
	if (strtod(out, NULL) != x)
		n = snprintf(out, NUMTEXT_MAX, "%.17g", x);
	return (size_t)n;
}

/*
 * Sets bound value i from JSON value v (NULL: absent). Errors carry
 * err_col = i, so their message does not name the column.
 */
static void jsonl_value(struct sg_reader *r, struct sg_record *rec, size_t i,
			const cJSON *v, int line_ok)
{
	char *num = r->numtext + i * NUMTEXT_MAX;
	size_t len, bad;

	r->values[i] = "";
	r->lens[i] = 0;
	if (!v) {
		r->kinds[i] = SG_FIELD_ABSENT;
	} else if (cJSON_IsNull(v)) {
		r->kinds[i] = SG_FIELD_NULL;
	} else if (cJSON_IsBool(v)) {
		r->kinds[i] = SG_FIELD_BOOL;
		r->values[i] = cJSON_IsTrue(v) ? "true" : "false";
		r->lens[i] = cJSON_IsTrue(v) ? 4 : 5;
	} else if (cJSON_IsNumber(v)) {
		r->kinds[i] = SG_FIELD_NUMBER;
		if (!isfinite(v->valuedouble)) {
			rec_err(rec, (long)i, "number out of range");
			return;
		}
		r->lens[i] = format_number(num, v->valuedouble);
		r->values[i] = num;
	} else if (cJSON_IsString(v)) {
		r->kinds[i] = SG_FIELD_STRING;
		len = strlen(v->valuestring);
		if (len > SG_FIELD_MAX) {
			rec_err(rec, (long)i, FIELD_TOO_LONG);
			return;
		}
		if (!line_ok && !sg_utf8_valid(v->valuestring, len, &bad)) {
			rec_err(rec, (long)i, "invalid UTF-8 at byte %zu",
				bad + 1);
			return;
		}
		r->values[i] = v->valuestring;
		r->lens[i] = len;
	} else {
		r->kinds[i] = SG_FIELD_ABSENT;
		rec_err(rec, (long)i, "nested %s is not a value",
			cJSON_IsArray(v) ? "array" : "object");
	}
}

/*
 * Finds an escaped NUL (\u0000) in a line of valid JSON: backslashes only
 * occur in strings there, and one starts an escape when an odd number of
 * them stand in a row. Returns 1 with the 0-based offset of its backslash
 * in *at, else 0.
 */
static int json_escaped_nul(const char *p, size_t len, size_t *at)
{
	const char *s = p, *end = p + len, *b, *e;

	while ((b = memchr(s, '\\', (size_t)(end - s)))) {
		for (e = b; e < end && *e == '\\'; e++)
			;
		if (((e - b) & 1) && end - e >= 5 && !memcmp(e, "u0000", 5)) {
			*at = (size_t)(e - 1 - p);
			return 1;
		}
		s = e;
	}
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Finds a key that an object has twice (cJSON keeps both). Few keys are
 * compared pairwise; many are sorted, so a line of a million keys costs
 * n log n. Returns the key, or NULL.
 */
static const char *json_duplicate_key(struct sg_reader *r, const cJSON *obj)
{
	const cJSON *a, *b;
	size_t n = 0, i;

	for (a = obj->child; a; a = a->next)
		n++;
	if (n <= 16) {
		for (a = obj->child; a; a = a->next)
			for (b = a->next; b; b = b->next)
				if (!strcmp(a->string, b->string))
					return a->string;
		return NULL;
	}
	if (n > r->keys_cap) {
		r->keys_cap = n;
		r->keys = sg_xrealloc(r->keys, n * sizeof(*r->keys));
	}
	for (a = obj->child, i = 0; a; a = a->next)
		r->keys[i++] = a->string;
	qsort(r->keys, n, sizeof(*r->keys), cmp_key);
	for (i = 1; i < n; i++)
		if (!strcmp(r->keys[i - 1], r->keys[i]))
			return r->keys[i];
	return NULL;
}

/* Reads one JSON Lines record: 1, 0 at the end, or a negative SG_E* code. */
static int jsonl_record(struct sg_reader *r, struct sg_record *rec)
{
	size_t off = 0, len = 0, at, bad = 0, i;
	const cJSON *obj = NULL;
	const char *p, *dup;
	int ret, line_ok = 1;

	cJSON_Delete(r->cur);
	r->cur = NULL;
	for (;;) {
		record_reset(r, rec);
		ret = in_line(r, &off, &len);
		if (ret <= 0)
			return ret;
		if (ret == 2) {
			/* too long: keep its head as raw text, skip it */
			ret = in_skip_line(r);
			if (ret < 0)
				return ret;
			raw_finish(r, rec);
			rec_err(rec, -1, "line longer than %d bytes",
				JSONL_LINE_MAX);
			break;
		}
		p = r->in.buf + off;
		if (is_blank(p, len))
			continue;
		raw_add(r, p, len);
		raw_finish(r, rec);
		/*
		 * A NUL, raw or escaped, would cut the string that holds it
		 * (cJSON's strings end at NUL): the line is rejected instead.
		 */
		switch (text_scan((const unsigned char *)p, len, &bad, 1)) {
		case 1:
			line_ok = 0;
			break;
		case 2:
			rec_err(rec, -1, "NUL byte at byte %zu", bad + 1);
			/* the bytes after it are checked value by value */
			line_ok = 0;
			break;
		}
		r->cur = json_parse_line(p, len, &at);
		if (!r->cur)
			rec_err(rec, -1, "invalid JSON at byte %zu", at);
		else if (!cJSON_IsObject(r->cur))
			rec_err(rec, -1, "not a JSON object");
		else
			obj = r->cur;
		if (obj && json_escaped_nul(p, len, &at))
			rec_err(rec, -1, "escaped NUL (\\u0000) at byte %zu",
				at + 1);
		if (obj && (dup = json_duplicate_key(r, obj)))
			rec_err(rec, -1, "key '%.64s' appears twice", dup);
		break;
	}
	for (i = 0; i < r->nbound; i++)
		jsonl_value(r, rec, i,
			    obj ? cJSON_GetObjectItemCaseSensitive(obj,
								   r->names[i])
				: NULL,
			    line_ok);
	/* a bad byte outside the bound values (a key, another value) */
	if (!line_ok)
		rec_err(rec, -1, "invalid UTF-8 at byte %zu", bad + 1);
	return 1;
}

/* Finds the first line that is a JSON object, without consuming input. */
static void jsonl_peek(struct sg_reader *r)
{
	struct sg_in *in = &r->in;
	size_t scan = 0, at;

	if (r->peeked)
		return;
	r->peeked = 1;
	for (;;) {
		char *p = in->buf + in->start + scan;
		size_t avail = in->end - in->start - scan;
		char *nl = memchr(p, '\n', avail);
		size_t len = nl ? (size_t)(nl - p) : avail;
		cJSON *v;
		int ret;

		if (!nl) {
			if (in->end - in->start > PEEK_MAX)
				return;
			ret = in_fill(r);
			if (ret < 0)
				return; /* sg_reader_next reports it */
			if (ret > 0)
				continue;
			if (!len)
				return;
			/* at the end too, in_fill may move or grow the buffer */
			p = in->buf + in->start + scan;
		}
		v = len > JSONL_LINE_MAX ? NULL : json_parse_line(p, len, &at);
		if (cJSON_IsObject(v)) {
			r->peek = v;
			return;
		}
		cJSON_Delete(v);
		if (!nl)
			return;
		scan += len + 1;
	}
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
	r->format = format == SG_FORMAT_JSONL ? SG_FORMAT_JSONL
					      : SG_FORMAT_CSV;
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
	if (r->format == SG_FORMAT_CSV) {
		csv_start(r);
		ret = csv_read_header(r, diag);
		if (ret)
			goto out;
	}
	ret = 0;
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
	size_t i;

	if (r->format == SG_FORMAT_CSV) {
		for (i = 0; i < r->nheader; i++)
			if (!strcmp(r->header[i], name))
				return 1;
		return 0;
	}
	jsonl_peek(r);
	return r->peek && cJSON_GetObjectItemCaseSensitive(r->peek, name);
}

const char *sg_reader_column(struct sg_reader *r, size_t i)
{
	const cJSON *k;

	if (r->format == SG_FORMAT_CSV)
		return i < r->nheader ? r->header[i] : NULL;
	jsonl_peek(r);
	for (k = r->peek ? r->peek->child : NULL; k && i; k = k->next)
		i--;
	return k ? k->string : NULL;
}

int sg_reader_bind(struct sg_reader *r, const char *const *names, size_t n,
		   struct sg_diag *diag)
{
	size_t i, c, c2;

	if (r->bound || r->started)
		return SG_EUSAGE;
	r->bound = 1;
	r->nbound = n;
	r->names = sg_xcalloc(n ? n : 1, sizeof(*r->names));
	r->values = sg_xrealloc(r->values, (n ? n : 1) * sizeof(*r->values));
	r->lens = sg_xrealloc(r->lens, (n ? n : 1) * sizeof(*r->lens));
	r->kinds = sg_xrealloc(r->kinds, n ? n : 1);
	r->col_of = sg_xcalloc(n ? n : 1, sizeof(*r->col_of));
	r->numtext = sg_xmalloc((n ? n : 1) * NUMTEXT_MAX);
	for (i = 0; i < n; i++) {
		r->names[i] = sg_xstrdup(names[i]);
		r->values[i] = "";
		r->lens[i] = 0;
		r->kinds[i] = SG_FIELD_ABSENT;
		r->col_of[i] = -1;
		for (c = 0; c < r->nheader; c++) {
			if (strcmp(r->header[c], names[i]))
				continue;
			r->col_of[i] = (long)c;
			r->need[c] = 1;
			if (r->bound_of[c] < 0)
				r->bound_of[c] = (long)i;
			break;
		}
		/* which of two columns of that name is meant is anyone's guess */
		for (c2 = c + 1; c < r->nheader && c2 < r->nheader; c2++) {
			if (strcmp(r->header[c2], names[i]))
				continue;
			sg_diag_set(diag, r->path, r->header_line, 0,
				    "column '%s' appears twice in the header "
				    "(fields %zu and %zu)",
				    names[i], c + 1, c2 + 1);
			return SG_EUSAGE;
		}
	}
	return 0;
}

int sg_reader_next(struct sg_reader *r, struct sg_record *rec,
		   struct sg_diag *diag)
{
	int ret;

	r->started = 1;
	if (r->format == SG_FORMAT_CSV)
		ret = csv_record(r, rec);
	else
		ret = jsonl_record(r, rec);
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
	if (r->gz)
		gzclose(r->gz);
	if (r->csv_live)
		csv_free(&r->csv);
	cJSON_Delete(r->cur);
	cJSON_Delete(r->peek);
	for (i = 0; r->names && i < r->nbound; i++)
		free(r->names[i]);
	free(r->names);
	free(r->values);
	free(r->lens);
	free(r->kinds);
	free(r->col_of);
	free(r->numtext);
	free(r->keys);
	free(r->header_text);
	free(r->header);
	free(r->bound_of);
	free(r->need);
	free(r->foff);
	free(r->flen);
	sg_buf_release(&r->raw);
	sg_buf_release(&r->text);
	free(r->in.buf);
	free(r->path);
	free(r);
}
