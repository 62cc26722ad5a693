/*
 * reader_csv.c - the CSV reader (RFC 4180, see reader.h) behind
 * sg_reader_csv_ops: libcsv fed one physical line at a time, the plain
 * lines cut at their commas here, and the header that maps the bound
 * names onto fields.
 */
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"

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
		sg_rec_err(r->rec, b, "%s%s", what, pos);
	else if (r->header_mode || col >= r->nheader)
		sg_rec_err(r->rec, -1, "field %zu: %s%s", col + 1, what, pos);
	else
		sg_rec_err(r->rec, -1, "column '%s': %s%s", r->header[col], what,
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
	switch (sg_utf8_scan(s, len, &bad, 1)) {
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

/* Completes a CSV record: field count, values, raw text. */
static int csv_finish(struct sg_reader *r, struct sg_record *rec)
{
	size_t i;

	sg_raw_finish(r, rec);
	if (r->header_mode)
		return 1;
	if (r->nfields != r->nheader)
		sg_rec_err(rec, -1, "expected %zu fields, found %zu", r->nheader,
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

	sg_record_reset(r, rec);
	for (;;) {
		if (in->start == in->end) {
			ret = sg_in_fill(r);
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
			sg_raw_add(r, p, n);
			in->start += n;
			r->line++;
			r->col = 0;
			return csv_finish(r, rec);
		}
		used = csv_parse(&r->csv, p, n, csv_on_field, csv_on_row, r);
		sg_raw_add(r, p, n);
		in->start += n;
		if (used < n) {
			/* CSV_STRICT: a quote in an unquoted field, or text
			 * after a closing quote */
			if (csv_error(&r->csv) != CSV_EPARSE)
				return sg_in_fail(r, SG_ENOMEM, "out of memory");
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
		ret = sg_in_skip_line(r);
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

/* ---- the ops ---- */

static int csv_open(struct sg_reader *r, struct sg_diag *diag)
{
	csv_start(r);
	return csv_read_header(r, diag);
}

/* Maps each bound name onto its header field; a name the header has
 * twice is SG_EUSAGE. */
static int csv_bind(struct sg_reader *r, struct sg_diag *diag)
{
	size_t i, c, c2;

	for (i = 0; i < r->nbound; i++) {
		const char *name = r->names[i];

		for (c = 0; c < r->nheader; c++) {
			if (strcmp(r->header[c], name))
				continue;
			r->col_of[i] = (long)c;
			r->need[c] = 1;
			if (r->bound_of[c] < 0)
				r->bound_of[c] = (long)i;
			break;
		}
		/* which of two columns of that name is meant is anyone's guess */
		for (c2 = c + 1; c < r->nheader && c2 < r->nheader; c2++) {
			if (strcmp(r->header[c2], name))
				continue;
			sg_diag_set(diag, r->path, r->header_line, 0,
				    "column '%s' appears twice in the header "
				    "(fields %zu and %zu)",
				    name, c + 1, c2 + 1);
			return SG_EUSAGE;
		}
	}
	return 0;
}

static int csv_has_column(struct sg_reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nheader; i++)
		if (!strcmp(r->header[i], name))
			return 1;
	return 0;
}

static const char *csv_column(struct sg_reader *r, size_t i)
{
	return i < r->nheader ? r->header[i] : NULL;
}

static void csv_close(struct sg_reader *r)
{
	if (r->csv_live)
		csv_free(&r->csv);
	free(r->header_text);
	free(r->header);
	free(r->bound_of);
	free(r->need);
	free(r->foff);
	free(r->flen);
}

const struct sg_reader_ops sg_reader_csv_ops = {
	.name = "csv",
	.format = SG_FORMAT_CSV,
	.open = csv_open,
	.bind = csv_bind,
	.next = csv_record,
	.has_column = csv_has_column,
	.column = csv_column,
	.close = csv_close,
};
