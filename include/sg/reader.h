/*
 * reader.h - record readers for decision logs: CSV (RFC 4180, through
 * libcsv) and JSON Lines (through cJSON), plain or gzip-compressed (zlib,
 * read as a stream), from a file or standard input ("-").
 *
 * The caller binds the column names it wants; each record then carries one
 * value per bound name. Problems with one row (wrong field count, invalid
 * UTF-8, a field over the length limit, a line that is not a JSON object)
 * do not stop the reader: the record comes back with `err` set, so that the
 * caller can store it as a rejected row and carry on.
 */
#ifndef SG_READER_H
#define SG_READER_H

#include <stddef.h>
#include <stdint.h>

#include "sg/error.h"

/* Longest field accepted; a longer one makes its row rejected. */
#define SG_FIELD_MAX 65536
/* Longest raw row text kept for a rejected row. */
#define SG_RAW_MAX 4096

enum sg_field_kind {
	SG_FIELD_ABSENT = 0, /* column not in this row (JSON) */
	SG_FIELD_NULL,       /* JSON null, or empty CSV field */
	SG_FIELD_STRING,
	SG_FIELD_NUMBER,     /* JSON number; text holds its decimal form */
	SG_FIELD_BOOL        /* JSON true/false; text "true"/"false" */
};

struct sg_record {
	long line;            /* 1-based line where the record starts */
	size_t n;             /* number of bound columns */
	const char **values;  /* values[i]: NUL-terminated, "" when absent */
	const size_t *lens;
	const unsigned char *kinds; /* enum sg_field_kind */
	/* row-level error: err != 0 means the row must be rejected */
	int err;
	long err_col;         /* bound column index of the error, or -1 */
	char err_msg[256];
	const char *raw;      /* raw text of the row (truncated), always set */
	size_t raw_len;
};

struct sg_reader;

enum sg_format { SG_FORMAT_GUESS = 0, SG_FORMAT_CSV, SG_FORMAT_JSONL };

/*
 * Guesses the format from a file name: ".csv", ".jsonl", ".ndjson",
 * ".json", each optionally followed by ".gz". Returns SG_FORMAT_GUESS when
 * nothing matches.
 */
enum sg_format sg_format_guess(const char *path);
/* Parses "csv" / "jsonl" (also "ndjson"); SG_FORMAT_GUESS if unknown. */
enum sg_format sg_format_parse(const char *name);

/*
 * Opens path ("-" = standard input) for reading. gzip is detected from the
 * content, not the name. format SG_FORMAT_GUESS guesses from the name, and
 * falls back to CSV. For CSV the header row is read at once. On failure
 * *out is NULL and diag says why (SG_EIO, or SG_EDATA for a CSV file with
 * no header).
 */
int sg_reader_open(struct sg_reader **out, const char *path,
		   enum sg_format format, struct sg_diag *diag);

/* The format being read. */
enum sg_format sg_reader_format(const struct sg_reader *r);

/*
 * Whether the log has a column of this name: for CSV, in the header; for
 * JSON Lines, a key of the first line that is an object (the reader looks
 * ahead without losing that line). Returns 1 or 0.
 */
int sg_reader_has_column(struct sg_reader *r, const char *name);

/*
 * Chooses the columns each record will carry, in this order. May be called
 * once, before the first sg_reader_next. The names are copied.
 */
int sg_reader_bind(struct sg_reader *r, const char *const *names, size_t n);

/*
 * Reads the next record into *rec. Returns 1 when a record was read (check
 * rec->err), 0 at the end, or a negative SG_E* code when reading cannot go
 * on (an I/O error, a corrupt gzip stream), with diag set. The pointers in
 * *rec stay valid until the next call.
 */
int sg_reader_next(struct sg_reader *r, struct sg_record *rec,
		   struct sg_diag *diag);

/* Bytes read from the file so far (compressed bytes for gzip). */
uint64_t sg_reader_offset(const struct sg_reader *r);

/* Closes and frees. Accepts NULL. */
void sg_reader_close(struct sg_reader *r);

/*
 * Checks that s[0..n) is valid UTF-8 (no overlongs, no surrogates).
 * Returns 1 if valid, else 0 and the 0-based offset of the first bad byte
 * in *bad (when bad is not NULL).
 */
int sg_utf8_valid(const char *s, size_t n, size_t *bad);

#endif
