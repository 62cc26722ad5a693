/*
 * reader_impl.h - private to the record readers (reader.c, reader_csv.c,
 * reader_jsonl.c): the reader's state, the ops table each format fills,
 * and the input, raw-text and record helpers both formats share.
 */
#ifndef SG_READER_IMPL_H
#define SG_READER_IMPL_H

#include <cjson/cJSON.h>
#include <csv.h>
#include <stdint.h>
#include <zlib.h>

#include "sg/buf.h"
#include "sg/reader.h"

struct sg_reader_ops;

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
	const struct sg_reader_ops *ops; /* the format's reader */
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

/*
 * One record format. open runs once the stream is open (CSV reads its
 * header; NULL: nothing to do) and says what failed in diag; bind maps the
 * bound names onto the format's columns (NULL: nothing to map); next reads
 * a record as sg_reader_next does, its fatal error in r->ioerr_msg;
 * has_column and column answer as sg_reader_has_column and
 * sg_reader_column; close frees what the format took (the reader frees
 * the rest).
 */
struct sg_reader_ops {
	const char *name;
	enum sg_format format;
	int (*open)(struct sg_reader *r, struct sg_diag *diag);
	int (*bind)(struct sg_reader *r, struct sg_diag *diag);
	int (*next)(struct sg_reader *r, struct sg_record *rec);
	int (*has_column)(struct sg_reader *r, const char *name);
	const char *(*column)(struct sg_reader *r, size_t i);
	void (*close)(struct sg_reader *r);
};

extern const struct sg_reader_ops sg_reader_csv_ops;
extern const struct sg_reader_ops sg_reader_jsonl_ops;

/* ---- shared by both formats (reader.c) ---- */

/* Marks the record rejected, keeping the first reason given. */
void sg_rec_err(struct sg_record *rec, long col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records a fatal reading error, reported by every later read. */
int sg_in_fail(struct sg_reader *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Reads more input into r->in: returns 1, 0 at the end, or SG_E*. */
int sg_in_fill(struct sg_reader *r);

/* Adds raw record text, up to SG_RAW_MAX bytes in all. */
void sg_raw_add(struct sg_reader *r, const char *s, size_t n);

/* Points the record at the raw text, without the final line end. */
void sg_raw_finish(struct sg_reader *r, struct sg_record *rec);

/* Consumes the input through the next newline (see reader.c). */
int sg_in_skip_line(struct sg_reader *r);

/* Finds and consumes the next physical line (see reader.c). */
int sg_in_line(struct sg_reader *r, size_t *off, size_t *len);

/* Starts a record: the bound arrays, no error, no raw text yet. */
void sg_record_reset(struct sg_reader *r, struct sg_record *rec);

#endif
