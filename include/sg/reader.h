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
 *
 * CSV follows RFC 4180: fields may be quoted ("a, b", "say ""hi""", line
 * ends inside quotes); rows end in LF or CRLF; spaces are part of a field;
 * a UTF-8 byte-order mark at the start is skipped; blank lines are skipped
 * and are not records; the last row needs no final line end. The first row
 * is the header. A quote in an unquoted field, text after a closing quote,
 * or a quote still open at the end of the file rejects the row (after a
 * misplaced quote, reading starts again on the next physical line). A
 * field that grows past SG_FIELD_MAX rejects its row (reported with the
 * line the row starts on), and the row is still read to its end: a quoted
 * field ends at its closing quote, however many lines later, so no line
 * inside it is taken for a row, and a stray quote that never closes
 * swallows the rest of the file into that one rejected row.
 *
 * JSON Lines: one object a line; blank lines are skipped; a line longer
 * than 1 MiB is rejected and skipped. A line with a NUL in a string (a raw
 * NUL byte or the escape \u0000, which would cut the string) or with a
 * key twice is rejected.
 *
 * Either format may be gzip-compressed, and is read as a stream; memory use
 * does not grow with the size of the input.
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

/*
 * One row. values, lens, kinds have n entries, one per bound column. On a
 * rejected row (err != 0) the values that could be read are still given,
 * the others are "" / SG_FIELD_ABSENT.
 *
 * err_msg never repeats the column name when err_col >= 0 (the caller
 * knows it: "invalid UTF-8 at byte 3"); a problem in a column that is not
 * bound names it ("column 'notes': invalid UTF-8 at byte 3"). Byte
 * positions in messages are 1-based: within the value for a field error,
 * within the line for a line error ("invalid JSON at byte 12").
 *
 * raw is the row's text as read, bytes (not necessarily valid UTF-8, it
 * may be why the row was rejected), without its final line end, cut to
 * SG_RAW_MAX bytes; for a CSV row it includes the line ends inside quoted
 * fields.
 */
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
 * *out is NULL and diag (file = path as given) says why: SG_EIO when the
 * file cannot be opened or read, SG_EDATA for a corrupt gzip stream or a
 * CSV file with no header or a malformed one. An empty CSV file (or one of
 * blank lines only) has no header, so it is an error; an empty JSON Lines
 * file simply has no records.
 */
int sg_reader_open(struct sg_reader **out, const char *path,
		   enum sg_format format, struct sg_diag *diag);

/* The format being read. */
enum sg_format sg_reader_format(const struct sg_reader *r);

/*
 * Whether the log has a column of this name: for CSV, in the header; for
 * JSON Lines, a key of the first line that is an object (the reader looks
 * ahead, at most 4 MiB, without losing that line or any before it).
 * Returns 1 or 0.
 */
int sg_reader_has_column(struct sg_reader *r, const char *name);

/*
 * The i-th column of the log, as sg_reader_has_column sees them (the CSV
 * header; the keys of the first JSON object), or NULL past the last. The
 * string belongs to the reader.
 */
const char *sg_reader_column(struct sg_reader *r, size_t i);

/*
 * Chooses the columns each record will carry, in this order. May be called
 * once, before the first sg_reader_next (else SG_EUSAGE). The names are
 * copied. A name the CSV header lacks is SG_FIELD_ABSENT in every record;
 * a name the CSV header has twice is SG_EUSAGE, with diag naming it.
 * Without a call, records carry no values.
 */
int sg_reader_bind(struct sg_reader *r, const char *const *names, size_t n,
		   struct sg_diag *diag);

/*
 * Reads the next record into *rec. Returns 1 when a record was read (check
 * rec->err), 0 at the end, or a negative SG_E* code when reading cannot go
 * on (SG_EIO for an I/O error, SG_EDATA for a corrupt or truncated gzip
 * stream), with diag set; the error is returned again by later calls. The
 * pointers in *rec stay valid until the next call.
 *
 * Values: a CSV field is SG_FIELD_STRING, or SG_FIELD_NULL when empty
 * (quoted or not). A JSON number's text is its integer digits when it is
 * an integer below 1e17 in magnitude, else "%.15g" when that reads back as
 * the same double, else "%.17g"; a number out of double range, a nested
 * object or array, or a string over SG_FIELD_MAX rejects the row.
 */
int sg_reader_next(struct sg_reader *r, struct sg_record *rec,
		   struct sg_diag *diag);

/*
 * Bytes read from the file so far (compressed bytes for gzip; for a pipe,
 * where that cannot be known, the bytes after decompression).
 */
uint64_t sg_reader_offset(const struct sg_reader *r);

/* Closes and frees. Accepts NULL. */
void sg_reader_close(struct sg_reader *r);

#endif
