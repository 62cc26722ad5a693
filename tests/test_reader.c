/*
 * test_reader.c - the CSV and JSON Lines readers.
 *
 * Small inputs are written to temporary files from byte strings in the
 * tests, so that every quote and line end is visible here; the gzip cases
 * read fixtures/reader/ (made with `gzip -k -n` from the plain files next
 * to them). Expected values are worked out by hand from those bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sg/buf.h"
#include "sg/error.h"
#include "sg/reader.h"

static char tmp_path[64];

/* Writes n bytes to a fresh temporary file; returns its path. */
static const char *write_tmp(const void *data, size_t n, const char *suffix)
{
	int fd;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/sg_reader_XXXXXX%s",
		 suffix);
	fd = mkstemps(tmp_path, (int)strlen(suffix));
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	return tmp_path;
}

static const char *write_tmp_str(const char *s, const char *suffix)
{
	return write_tmp(s, strlen(s), suffix);
}

static char *fixture(const char *name)
{
	const char *dir = getenv("SG_FIXTURES");
	struct sg_buf b = SG_BUF_INIT;

	sg_buf_addf(&b, "%s/reader/%s", dir ? dir : "../fixtures", name);
	return sg_buf_detach(&b);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct sg_buf b = SG_BUF_INIT;
	char chunk[4096];
	size_t got;

	assert_non_null(f);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sg_buf_add(&b, chunk, got);
	fclose(f);
	*n = b.len;
	return sg_buf_detach(&b);
}

/* Opens path and binds names; fails the test if either fails. */
static struct sg_reader *open_bound(const char *path, enum sg_format fmt,
				    const char *const *names, size_t n)
{
	struct sg_reader *r = NULL;
	struct sg_diag d;

	sg_diag_clear(&d);
	if (sg_reader_open(&r, path, fmt, &d)) {
		print_error("open %s: %s\n", path, d.msg);
		fail();
	}
	assert_int_equal(sg_reader_bind(r, names, n, NULL), 0);
	return r;
}

static void next_ok(struct sg_reader *r, struct sg_record *rec)
{
	struct sg_diag d;

	sg_diag_clear(&d);
	assert_int_equal(sg_reader_next(r, rec, &d), 1);
}

static void next_end(struct sg_reader *r)
{
	struct sg_record rec;
	struct sg_diag d;

	sg_diag_clear(&d);
	assert_int_equal(sg_reader_next(r, &rec, &d), 0);
	/* and it stays at the end */
	assert_int_equal(sg_reader_next(r, &rec, &d), 0);
}

static void assert_value(const struct sg_record *rec, size_t i,
			 const char *text, enum sg_field_kind kind)
{
	assert_true(i < rec->n);
	assert_int_equal(rec->kinds[i], kind);
	assert_int_equal(rec->lens[i], strlen(text));
	assert_memory_equal(rec->values[i], text, strlen(text) + 1);
}

static void assert_good(const struct sg_record *rec, long line)
{
	if (rec->err)
		print_error("unexpected error: %s\n", rec->err_msg);
	assert_int_equal(rec->err, 0);
	assert_int_equal(rec->line, line);
}

static void assert_rejected(const struct sg_record *rec, long line,
			    long col, const char *msg)
{
	assert_int_equal(rec->err, 1);
	assert_int_equal(rec->line, line);
	assert_int_equal(rec->err_col, col);
	if (!strstr(rec->err_msg, msg))
		print_error("message '%s' lacks '%s'\n", rec->err_msg, msg);
	assert_non_null(strstr(rec->err_msg, msg));
}

static const char *const three[] = {"id", "text", "n"};

/* ---- CSV ---- */

static void csv_quoted_fields_keep_commas_quotes_and_newlines(void **state)
{
	char *path = fixture("quoting.csv");
	struct sg_reader *r = open_bound(path, SG_FORMAT_GUESS, three, 3);
	struct sg_record rec;

	(void)state;
	assert_int_equal(sg_reader_format(r), SG_FORMAT_CSV);
	next_ok(r, &rec);
	assert_good(&rec, 2);
	assert_value(&rec, 1, "a, b", SG_FIELD_STRING);
	next_ok(r, &rec);
	assert_good(&rec, 3);
	assert_value(&rec, 1, "say \"hi\"", SG_FIELD_STRING);
	next_ok(r, &rec);
	assert_good(&rec, 4);
	assert_value(&rec, 0, "3", SG_FIELD_STRING);
	assert_value(&rec, 1, "line one\nline two\nline three",
		     SG_FIELD_STRING);
	assert_value(&rec, 2, "z", SG_FIELD_STRING);
	/* the record after a three-line one starts on line 7 */
	next_ok(r, &rec);
	assert_good(&rec, 7);
	assert_value(&rec, 1, "plain", SG_FIELD_STRING);
	assert_int_equal(rec.raw_len, strlen("4,plain,w"));
	assert_memory_equal(rec.raw, "4,plain,w", rec.raw_len);
	next_end(r);
	sg_reader_close(r);
	free(path);
}

static void csv_bom_is_skipped_and_crlf_line_ends_are_removed(void **state)
{
	const char *path = write_tmp_str(
		"\xef\xbb\xbfid,text,n\r\n"
		"1,\"two\r\nlines\",\"q\"\r\n"
		"2,  spaced  ,x\r\n",
		".csv");
	struct sg_reader *r = open_bound(path, SG_FORMAT_CSV, three, 3);
	struct sg_record rec;

	(void)state;
	assert_int_equal(sg_reader_has_column(r, "id"), 1);
	next_ok(r, &rec);
	assert_good(&rec, 2);
	assert_value(&rec, 0, "1", SG_FIELD_STRING);
	/* a line end inside quotes is data, kept as written */
	assert_value(&rec, 1, "two\r\nlines", SG_FIELD_STRING);
	assert_value(&rec, 2, "q", SG_FIELD_STRING);
	assert_int_equal(rec.raw_len, strlen("1,\"two\r\nlines\",\"q\""));
	next_ok(r, &rec);
	assert_good(&rec, 4);
	/* RFC 4180: spaces are part of the field */
	assert_value(&rec, 1, "  spaced  ", SG_FIELD_STRING);
	assert_value(&rec, 2, "x", SG_FIELD_STRING);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void csv_lf_and_crlf_files_give_the_same_records(void **state)
{
	const char *lf = "id,text,n\n1,a,b\n2,\"c\",\"\"\n";
	const char *crlf = "id,text,n\r\n1,a,b\r\n2,\"c\",\"\"\r\n";
	const char *inputs[] = {lf, crlf};
	size_t k;

	(void)state;
	for (k = 0; k < 2; k++) {
		const char *path = write_tmp_str(inputs[k], ".csv");
		struct sg_reader *r = open_bound(path, SG_FORMAT_CSV, three, 3);
		struct sg_record rec;

		next_ok(r, &rec);
		assert_good(&rec, 2);
		assert_value(&rec, 2, "b", SG_FIELD_STRING);
		next_ok(r, &rec);
		assert_good(&rec, 3);
		assert_value(&rec, 1, "c", SG_FIELD_STRING);
		assert_value(&rec, 2, "", SG_FIELD_NULL);
		next_end(r);
		sg_reader_close(r);
		unlink(path);
	}
}

static void csv_empty_file_fails_to_open_as_having_no_header(void **state)
{
	const char *inputs[] = {"", "\xef\xbb\xbf", "\n\r\n\n"};
	size_t k;

	(void)state;
	for (k = 0; k < 3; k++) {
		const char *path = write_tmp_str(inputs[k], ".csv");
		struct sg_reader *r = (struct sg_reader *)&k;
		struct sg_diag d;

		sg_diag_clear(&d);
		assert_int_equal(sg_reader_open(&r, path, SG_FORMAT_CSV, &d),
				 SG_EDATA);
		assert_null(r);
		assert_string_equal(d.file, path);
		assert_non_null(strstr(d.msg, "no header"));
		unlink(path);
	}
}

static void csv_header_only_gives_no_records(void **state)
{
	const char *inputs[] = {"id,text,n\n", "id,text,n", "id,text,n\r\n\n"};
	size_t k;

	(void)state;
	for (k = 0; k < 3; k++) {
		const char *path = write_tmp_str(inputs[k], ".csv");
		struct sg_reader *r = open_bound(path, SG_FORMAT_CSV, three, 3);

		assert_int_equal(sg_reader_has_column(r, "n"), 1);
		assert_int_equal(sg_reader_has_column(r, "x"), 0);
		next_end(r);
		sg_reader_close(r);
		unlink(path);
	}
}

static void csv_last_line_without_newline_is_a_record(void **state)
{
	const char *path = write_tmp_str("id,text,n\n1,a,b\n2,\"c\",d", ".csv");
	struct sg_reader *r = open_bound(path, SG_FORMAT_CSV, three, 3);
	struct sg_record rec;

	(void)state;
	next_ok(r, &rec);
	assert_good(&rec, 2);
	next_ok(r, &rec);
	assert_good(&rec, 3);
	assert_value(&rec, 1, "c", SG_FIELD_STRING);
	assert_value(&rec, 2, "d", SG_FIELD_STRING);
	assert_int_equal(rec.raw_len, 7);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void csv_unterminated_quote_at_end_is_rejected(void **state)
{
	const char *path =
		write_tmp_str("id,text,n\n1,a,b\n2,\"open\nstill open", ".csv");
	struct sg_reader *r = open_bound(path, SG_FORMAT_CSV, three, 3);
	struct sg_record rec;

	(void)state;
	next_ok(r, &rec);
	assert_good(&rec, 2);
	next_ok(r, &rec);
	assert_rejected(&rec, 3, 1, "unterminated quoted field");
	assert_value(&rec, 0, "2", SG_FIELD_STRING);
	assert_int_equal(rec.raw_len, strlen("2,\"open\nstill open"));
	assert_memory_equal(rec.raw, "2,\"open\nstill open", rec.raw_len);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void csv_wrong_field_count_is_rejected_and_reading_goes_on(void **state)
{
	const char *path = write_tmp_str(
		"id,text,n\n1,a\n2,a,b,c\n3,a,b\n", ".csv");
	struct sg_reader *r = open_bound(path, SG_FORMAT_CSV, three, 3);
	struct sg_record rec;

	(void)state;
	next_ok(r, &rec);
	assert_rejected(&rec, 2, -1, "expected 3 fields, found 2");
	assert_string_equal(rec.err_msg, "expected 3 fields, found 2");
	/* what was there is still given, what was not is absent */
	assert_value(&rec, 0, "1", SG_FIELD_STRING);
	assert_value(&rec, 2, "", SG_FIELD_ABSENT);
	assert_memory_equal(rec.raw, "1,a", 3);
	next_ok(r, &rec);
	assert_rejected(&rec, 3, -1, "expected 3 fields, found 4");
	next_ok(r, &rec);
	assert_good(&rec, 4);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void csv_invalid_utf8_is_rejected_naming_the_column(void **state)
{
	const char *path = write_tmp_str("id,text,n,other\n"
					 "1,ok\xc3\xa9,b,c\n"
					 "2,a\xc3(,b,c\n"
					 "3,a,b,\xff\n",
					 ".csv");
	struct sg_reader *r = open_bound(path, SG_FORMAT_CSV, three, 3);
	struct sg_record rec;

	(void)state;
	next_ok(r, &rec);
	assert_good(&rec, 2);
	assert_value(&rec, 1, "ok\xc3\xa9", SG_FIELD_STRING);
	/* bound column: err_col says which, the message does not repeat it */
	next_ok(r, &rec);
	assert_rejected(&rec, 3, 1, "invalid UTF-8 at byte 2");
	assert_string_equal(rec.err_msg, "invalid UTF-8 at byte 2");
	/* a column that is not bound is named in the message */
	next_ok(r, &rec);
	assert_rejected(&rec, 4, -1, "column 'other': invalid UTF-8 at byte 1");
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void csv_nul_byte_is_rejected(void **state)
{
	static const char in[] = "id,text,n\n1,a\0b,c\n2,a,b\n";
	const char *path = write_tmp(in, sizeof(in) - 1, ".csv");
	struct sg_reader *r = open_bound(path, SG_FORMAT_CSV, three, 3);
	struct sg_record rec;

	(void)state;
	next_ok(r, &rec);
	assert_rejected(&rec, 2, 1, "NUL byte at byte 2");
	next_ok(r, &rec);
	assert_good(&rec, 3);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void csv_overlong_field_is_rejected_and_reading_goes_on(void **state)
{
	struct sg_buf b = SG_BUF_INIT;
	const char *path;
	struct sg_reader *r;
	struct sg_record rec;
	size_t i;

	(void)state;
	sg_buf_addstr(&b, "id,text,n\n1,");
	for (i = 0; i < SG_FIELD_MAX + 1; i++)
		sg_buf_addch(&b, 'x');
	sg_buf_addstr(&b, ",b\n2,");
	for (i = 0; i < SG_FIELD_MAX; i++)
		sg_buf_addch(&b, 'y');
	sg_buf_addstr(&b, ",b\n3,a,b\n");
	path = write_tmp(b.buf, b.len, ".csv");
	r = open_bound(path, SG_FORMAT_CSV, three, 3);
	next_ok(r, &rec);
	assert_rejected(&rec, 2, 1, "field longer than 65536 bytes");
	assert_int_equal(rec.raw_len, SG_RAW_MAX);
	assert_memory_equal(rec.raw, "1,xxx", 5);
	/* exactly SG_FIELD_MAX is fine */
	next_ok(r, &rec);
	assert_good(&rec, 3);
	assert_int_equal(rec.lens[1], SG_FIELD_MAX);
	next_ok(r, &rec);
	assert_good(&rec, 4);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
	sg_buf_release(&b);
}

static void csv_stray_quote_swallows_the_rest_into_one_rejected_row(
	void **state)
{
	struct sg_buf b = SG_BUF_INIT;
	const char *path;
	struct sg_reader *r;
	struct sg_record rec;
	size_t i;

	(void)state;
	/*
	 * An opening quote that never closes, then 20000 plain lines (over
	 * 64 KiB): as RFC 4180 reads it, they are all inside the field, so
	 * the file has one row after the header, rejected.
	 */
	sg_buf_addstr(&b, "id,text,n\n1,\"oops,b\n");
	for (i = 0; i < 20000; i++)
		sg_buf_addf(&b, "%zu,a,b\n", i + 2);
	path = write_tmp(b.buf, b.len, ".csv");
	r = open_bound(path, SG_FORMAT_CSV, three, 3);
	next_ok(r, &rec);
	assert_rejected(&rec, 2, 1, "field longer than 65536 bytes");
	next_end(r);
	sg_reader_close(r);
	unlink(path);
	sg_buf_release(&b);
}

/* Peak resident memory of this process so far, in KiB. */
static long peak_kib(void)
{
	struct rusage u;

	assert_int_equal(getrusage(RUSAGE_SELF, &u), 0);
	return u.ru_maxrss;
}

static void csv_oversized_quoted_field_hides_its_lines_in_flat_memory(
	void **state)
{
	/* 24 MiB of field, 32 bytes a line: 786432 lines inside quotes */
	const size_t lines = 24 * 1024 * 1024 / 32;
	const char *line = "smuggled1,2026-11-20,approve,ma\n";
	const char *path;
	struct sg_reader *r;
	struct sg_record rec;
	long before, after;
	size_t i;
	FILE *f;
	int fd;

	(void)state;
	assert_int_equal(strlen(line), 32);
	snprintf(tmp_path, sizeof(tmp_path), "/tmp/sg_reader_XXXXXX.csv");
	fd = mkstemps(tmp_path, 4);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	/* written in pieces, so the test itself holds no copy of the field */
	fputs("id,text,n\n1,a,b\n2,\"", f);
	for (i = 0; i < lines; i++)
		fputs(line, f);
	/* an escaped quote, then the closing one; the genuine next row */
	fputs("say \"\"hi\"\"\",b\n3,c,d\n", f);
	assert_int_equal(fclose(f), 0);
	path = tmp_path;

	before = peak_kib();
	r = open_bound(path, SG_FORMAT_CSV, three, 3);
	next_ok(r, &rec);
	assert_good(&rec, 2);
	/* the field's row starts on line 3 and is the only one rejected */
	next_ok(r, &rec);
	assert_rejected(&rec, 3, 1, "field longer than 65536 bytes");
	assert_int_equal(rec.raw_len, SG_RAW_MAX);
	/*
	 * the field's row ends on line 3 + 786432 (one line end a smuggled
	 * line), and the genuine next row is on the line after that
	 */
	next_ok(r, &rec);
	assert_good(&rec, 3 + (long)lines + 1);
	assert_value(&rec, 0, "3", SG_FIELD_STRING);
	assert_value(&rec, 1, "c", SG_FIELD_STRING);
	next_end(r);
	sg_reader_close(r);
	after = peak_kib();
	/* the field was not held: well under its 24 MiB (24576 KiB) */
	if (after - before >= 8192)
		print_error("peak memory grew by %ld KiB\n", after - before);
	assert_true(after - before < 8192);
	unlink(path);
}

static void csv_misplaced_quote_is_rejected_and_next_line_read(void **state)
{
	const char *path = write_tmp_str("id,text,n\n"
					 "1,ab\"c,x\n"
					 "2,\"ab\"c,x\n"
					 "3,a,b\n",
					 ".csv");
	struct sg_reader *r = open_bound(path, SG_FORMAT_CSV, three, 3);
	struct sg_record rec;

	(void)state;
	next_ok(r, &rec);
	assert_rejected(&rec, 2, 1, "misplaced quote at line 2, byte 5");
	assert_memory_equal(rec.raw, "1,ab\"c,x", rec.raw_len);
	next_ok(r, &rec);
	assert_rejected(&rec, 3, 1, "misplaced quote at line 3, byte 7");
	next_ok(r, &rec);
	assert_good(&rec, 4);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void csv_empty_field_is_null_and_unknown_column_absent(void **state)
{
	const char *const names[] = {"n", "missing", "id"};
	const char *path = write_tmp_str("id,text,n\n,,\n\n\n5,,\"\"\n", ".csv");
	struct sg_reader *r = open_bound(path, SG_FORMAT_CSV, names, 3);
	struct sg_record rec;

	(void)state;
	next_ok(r, &rec);
	assert_good(&rec, 2);
	assert_int_equal(rec.n, 3);
	assert_value(&rec, 0, "", SG_FIELD_NULL);
	assert_value(&rec, 1, "", SG_FIELD_ABSENT);
	assert_value(&rec, 2, "", SG_FIELD_NULL);
	/* blank lines are not records; line numbers still count them */
	next_ok(r, &rec);
	assert_good(&rec, 5);
	assert_value(&rec, 0, "", SG_FIELD_NULL);
	assert_value(&rec, 2, "5", SG_FIELD_STRING);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void csv_bad_header_fails_to_open(void **state)
{
	const char *path = write_tmp_str("id,\"te\"xt,n\n1,a,b\n", ".csv");
	struct sg_reader *r = NULL;
	struct sg_diag d;

	(void)state;
	sg_diag_clear(&d);
	assert_int_equal(sg_reader_open(&r, path, SG_FORMAT_CSV, &d),
			 SG_EDATA);
	assert_null(r);
	assert_int_equal(d.line, 1);
	assert_non_null(strstr(d.msg, "header"));
	unlink(path);
}

static void csv_raw_text_is_truncated_to_raw_max(void **state)
{
	struct sg_buf b = SG_BUF_INIT;
	const char *path;
	struct sg_reader *r;
	struct sg_record rec;
	size_t i;

	(void)state;
	sg_buf_addstr(&b, "id,text,n\n1,");
	for (i = 0; i < 3 * SG_RAW_MAX; i++)
		sg_buf_addch(&b, 'a' + i % 26);
	sg_buf_addstr(&b, ",x,extra\n");
	path = write_tmp(b.buf, b.len, ".csv");
	r = open_bound(path, SG_FORMAT_CSV, three, 3);
	next_ok(r, &rec);
	assert_rejected(&rec, 2, -1, "expected 3 fields, found 4");
	assert_int_equal(rec.raw_len, SG_RAW_MAX);
	assert_memory_equal(rec.raw, b.buf + 10, SG_RAW_MAX);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
	sg_buf_release(&b);
}

/* Records that straddle the reader's buffer keep their values and lines. */
static void csv_records_across_buffer_boundaries_keep_lines(void **state)
{
	struct sg_buf b = SG_BUF_INIT, want = SG_BUF_INIT;
	const char *path;
	struct sg_reader *r;
	struct sg_record rec;
	long line = 2, i;

	(void)state;
	sg_buf_addstr(&b, "id,text,n\n");
	for (i = 0; i < 60000; i++) {
		if (i % 7 == 3)
			sg_buf_addf(&b, "%ld,\"multi\nline \"\"%ld\"\"\",%ld\r\n",
				    i, i, i * 3);
		else
			sg_buf_addf(&b, "%ld,plain %ld,%ld\n", i, i, i * 3);
	}
	path = write_tmp(b.buf, b.len, ".csv");
	r = open_bound(path, SG_FORMAT_CSV, three, 3);
	for (i = 0; i < 60000; i++) {
		next_ok(r, &rec);
		assert_good(&rec, line);
		sg_buf_reset(&want);
		if (i % 7 == 3) {
			sg_buf_addf(&want, "multi\nline \"%ld\"", i);
			line += 2;
		} else {
			sg_buf_addf(&want, "plain %ld", i);
			line++;
		}
		assert_value(&rec, 1, want.buf, SG_FIELD_STRING);
		sg_buf_reset(&want);
		sg_buf_addf(&want, "%ld", i * 3);
		assert_value(&rec, 2, want.buf, SG_FIELD_STRING);
	}
	next_end(r);
	assert_int_equal(sg_reader_offset(r), b.len);
	sg_reader_close(r);
	unlink(path);
	sg_buf_release(&b);
	sg_buf_release(&want);
}

/* ---- JSON Lines ---- */

static void jsonl_values_keep_their_kinds(void **state)
{
	const char *const names[] = {"s", "i", "neg", "big", "frac", "tiny",
				     "huge", "z", "t", "f", "nul", "third",
				     "id", "exp", "neg_frac"};
	const char *path = write_tmp_str(
		"{\"s\": \"caf\\u00e9 \\\"x\\\"\", \"i\": 42, \"neg\": -7,"
		" \"big\": 999999999999999, \"frac\": 0.1, \"tiny\": 2.5e-7,"
		" \"huge\": 1e15, \"z\": -0.0, \"t\": true, \"f\": false,"
		" \"nul\": null, \"third\": 0.3333333333333333,"
		" \"id\": 12345678901234567, \"exp\": 1e300,"
		" \"neg_frac\": -25e-1}\n",
		".jsonl");
	struct sg_reader *r = open_bound(path, SG_FORMAT_GUESS, names, 15);
	struct sg_record rec;

	(void)state;
	assert_int_equal(sg_reader_format(r), SG_FORMAT_JSONL);
	next_ok(r, &rec);
	assert_good(&rec, 1);
	assert_value(&rec, 0, "caf\xc3\xa9 \"x\"", SG_FIELD_STRING);
	assert_value(&rec, 1, "42", SG_FIELD_NUMBER);
	assert_value(&rec, 2, "-7", SG_FIELD_NUMBER);
	assert_value(&rec, 3, "999999999999999", SG_FIELD_NUMBER);
	/* non-integers: 15 digits when they read back exactly */
	assert_value(&rec, 4, "0.1", SG_FIELD_NUMBER);
	assert_value(&rec, 5, "2.5e-07", SG_FIELD_NUMBER);
	/* from 1e15 on, integers as %.17g writes them */
	assert_value(&rec, 6, "1000000000000000", SG_FIELD_NUMBER);
	assert_value(&rec, 7, "0", SG_FIELD_NUMBER);
	assert_value(&rec, 8, "true", SG_FIELD_BOOL);
	assert_value(&rec, 9, "false", SG_FIELD_BOOL);
	assert_value(&rec, 10, "", SG_FIELD_NULL);
	/* not exact in 15 digits: 17 (16 would do; cJSON prints 17 too) */
	assert_value(&rec, 11, "0.33333333333333331", SG_FIELD_NUMBER);
	/* beyond 2^53: the double nearest to the text */
	assert_value(&rec, 12, "12345678901234568", SG_FIELD_NUMBER);
	assert_value(&rec, 13, "1e+300", SG_FIELD_NUMBER);
	assert_value(&rec, 14, "-2.5", SG_FIELD_NUMBER);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void jsonl_bad_lines_are_rejected_and_reading_goes_on(void **state)
{
	const char *const names[] = {"a", "b"};
	const char *path = write_tmp_str("{\"a\": 1}\n"
					 "[1, 2]\n"
					 "\"text\"\n"
					 "{\"a\": 1,}\n"
					 "{\"a\": 1} {\"a\": 2}\n"
					 "{\"a\": {\"x\": 1}, \"b\": 2}\n"
					 "{\"a\": 1, \"b\": [2]}\n"
					 "{\"b\": 3}\n",
					 ".jsonl");
	struct sg_reader *r = open_bound(path, SG_FORMAT_JSONL, names, 2);
	struct sg_record rec;

	(void)state;
	next_ok(r, &rec);
	assert_good(&rec, 1);
	next_ok(r, &rec);
	assert_rejected(&rec, 2, -1, "not a JSON object");
	assert_value(&rec, 0, "", SG_FIELD_ABSENT);
	assert_memory_equal(rec.raw, "[1, 2]", rec.raw_len);
	next_ok(r, &rec);
	assert_rejected(&rec, 3, -1, "not a JSON object");
	next_ok(r, &rec);
	assert_rejected(&rec, 4, -1, "invalid JSON at byte");
	next_ok(r, &rec);
	/* trailing text after the object */
	assert_rejected(&rec, 5, -1, "invalid JSON at byte 10");
	next_ok(r, &rec);
	assert_rejected(&rec, 6, 0, "nested object");
	assert_value(&rec, 1, "2", SG_FIELD_NUMBER);
	next_ok(r, &rec);
	assert_rejected(&rec, 7, 1, "nested array");
	/* a key missing from a line is absent */
	next_ok(r, &rec);
	assert_good(&rec, 8);
	assert_value(&rec, 0, "", SG_FIELD_ABSENT);
	assert_value(&rec, 1, "3", SG_FIELD_NUMBER);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void jsonl_blank_lines_are_skipped_and_counted(void **state)
{
	const char *const names[] = {"a"};
	const char *path = write_tmp_str("\n  \n{\"a\": \"x\"}\r\n\t\n\n"
					 "{\"a\": \"y\"}",
					 ".ndjson");
	struct sg_reader *r = open_bound(path, SG_FORMAT_GUESS, names, 1);
	struct sg_record rec;

	(void)state;
	next_ok(r, &rec);
	assert_good(&rec, 3);
	assert_value(&rec, 0, "x", SG_FIELD_STRING);
	assert_int_equal(rec.raw_len, strlen("{\"a\": \"x\"}"));
	next_ok(r, &rec);
	assert_good(&rec, 6);
	assert_value(&rec, 0, "y", SG_FIELD_STRING);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void jsonl_empty_file_has_no_records(void **state)
{
	const char *path = write_tmp_str("", ".jsonl");
	struct sg_reader *r = open_bound(path, SG_FORMAT_JSONL, NULL, 0);

	(void)state;
	assert_int_equal(sg_reader_has_column(r, "a"), 0);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void jsonl_has_column_peeks_without_losing_lines(void **state)
{
	const char *const names[] = {"case_id", "score"};
	const char *path = write_tmp_str("\n"
					 "not json\n"
					 "{\"case_id\": \"c1\", \"score\": 0.5}\n"
					 "{\"case_id\": \"c2\"}\n",
					 ".jsonl");
	struct sg_reader *r = NULL;
	struct sg_record rec;
	struct sg_diag d;

	(void)state;
	sg_diag_clear(&d);
	assert_int_equal(sg_reader_open(&r, path, SG_FORMAT_JSONL, &d), 0);
	assert_int_equal(sg_reader_has_column(r, "case_id"), 1);
	assert_int_equal(sg_reader_has_column(r, "score"), 1);
	assert_int_equal(sg_reader_has_column(r, "rater"), 0);
	assert_int_equal(sg_reader_bind(r, names, 2, NULL), 0);
	/* the bad line before the first object is still read */
	next_ok(r, &rec);
	assert_rejected(&rec, 2, -1, "invalid JSON at byte 1");
	next_ok(r, &rec);
	assert_good(&rec, 3);
	assert_value(&rec, 0, "c1", SG_FIELD_STRING);
	assert_value(&rec, 1, "0.5", SG_FIELD_NUMBER);
	next_ok(r, &rec);
	assert_good(&rec, 4);
	assert_value(&rec, 1, "", SG_FIELD_ABSENT);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void jsonl_invalid_utf8_is_rejected(void **state)
{
	const char *const names[] = {"a", "b"};
	const char *path = write_tmp_str("{\"a\": \"x\xed\xa0\x80\", \"b\": 1}\n"
					 "{\"a\": \"x\", \"k\xc0\xaf\": 1}\n"
					 "{\"a\": \"\\ud800\"}\n",
					 ".jsonl");
	struct sg_reader *r = open_bound(path, SG_FORMAT_JSONL, names, 2);
	struct sg_record rec;

	(void)state;
	/* an encoded surrogate in a bound value */
	next_ok(r, &rec);
	assert_rejected(&rec, 1, 0, "invalid UTF-8 at byte 2");
	assert_value(&rec, 1, "1", SG_FIELD_NUMBER);
	/* an overlong in a key: the byte in the line */
	next_ok(r, &rec);
	assert_rejected(&rec, 2, -1, "invalid UTF-8 at byte 14");
	/* a lone surrogate escape is not valid JSON text */
	next_ok(r, &rec);
	assert_int_equal(rec.err, 1);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void jsonl_nul_in_a_string_rejects_the_line(void **state)
{
	const char *const names[] = {"id", "b"};
	/* sizeof - 1: the raw NUL on line 2 is part of the data */
	static const char data[] = "{\"id\": \"j\\u00001\", \"b\": 1}\n"
				   "{\"id\": \"j\0" "2\", \"b\": 1}\n"
				   "{\"id\": \"j3\", \"x\": \"\\u0000\"}\n"
				   "{\"id\": \"j4\", \"k\\u0000\": 1}\n"
				   "{\"id\": \"a\\\\u0000\", \"b\": 1}\n"
				   "{\"id\": \"a\\\\\\u0000\"}\n"
				   "{\"id\": \"j7\", \"b\": \"\\u00001\"}\n";
	const char *path = write_tmp(data, sizeof(data) - 1, ".jsonl");
	struct sg_reader *r = open_bound(path, SG_FORMAT_JSONL, names, 2);
	struct sg_record rec;

	(void)state;
	/* {"id": "j\u00001"...: the backslash is byte 10 */
	next_ok(r, &rec);
	assert_rejected(&rec, 1, -1, "escaped NUL (\\u0000) at byte 10");
	/* {"id": "j<NUL>2"...: the NUL is byte 10 */
	next_ok(r, &rec);
	assert_rejected(&rec, 2, -1, "NUL byte at byte 10");
	/* in a value that is not bound: {"id": "j3", "x": "\u0000"}, 20 */
	next_ok(r, &rec);
	assert_rejected(&rec, 3, -1, "escaped NUL (\\u0000) at byte 20");
	/* in a key: {"id": "j4", "k\u0000": 1}, byte 16 */
	next_ok(r, &rec);
	assert_rejected(&rec, 4, -1, "escaped NUL (\\u0000) at byte 16");
	/* an escaped backslash, then the text u0000: no NUL */
	next_ok(r, &rec);
	assert_good(&rec, 5);
	assert_value(&rec, 0, "a\\u0000", SG_FIELD_STRING);
	/* three backslashes: an escaped one, then \u0000 at byte 12 */
	next_ok(r, &rec);
	assert_rejected(&rec, 6, -1, "escaped NUL (\\u0000) at byte 12");
	/* {"id": "j7", "b": "\u00001"}: a bound value, byte 20 */
	next_ok(r, &rec);
	assert_rejected(&rec, 7, -1, "escaped NUL (\\u0000) at byte 20");
	next_end(r);
	sg_reader_close(r);
	unlink(path);
}

static void jsonl_key_given_twice_rejects_the_line(void **state)
{
	const char *const names[] = {"id", "b"};
	struct sg_buf b = SG_BUF_INIT;
	const char *path;
	struct sg_reader *r;
	struct sg_record rec;
	int i;

	(void)state;
	sg_buf_addstr(&b, "{\"id\": \"1\", \"b\": 1, \"id\": \"2\"}\n"
			  "{\"id\": \"3\", \"x\": 1, \"y\": 2, \"x\": 3}\n"
			  "{\"id\": \"4\", \"ID\": \"4\"}\n");
	/* 40 keys (sorted, not compared pairwise), k17 twice; then none */
	sg_buf_addstr(&b, "{\"id\": \"5\"");
	for (i = 0; i < 40; i++)
		sg_buf_addf(&b, ", \"k%d\": %d", i == 39 ? 17 : i, i);
	sg_buf_addstr(&b, "}\n{\"id\": \"6\"");
	for (i = 0; i < 40; i++)
		sg_buf_addf(&b, ", \"k%d\": %d", i, i);
	sg_buf_addstr(&b, "}\n");
	path = write_tmp(b.buf, b.len, ".jsonl");
	r = open_bound(path, SG_FORMAT_JSONL, names, 2);
	next_ok(r, &rec);
	assert_rejected(&rec, 1, -1, "key 'id' appears twice");
	next_ok(r, &rec);
	assert_rejected(&rec, 2, -1, "key 'x' appears twice");
	/* keys are case-sensitive */
	next_ok(r, &rec);
	assert_good(&rec, 3);
	next_ok(r, &rec);
	assert_rejected(&rec, 4, -1, "key 'k17' appears twice");
	next_ok(r, &rec);
	assert_good(&rec, 5);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
	sg_buf_release(&b);
}

static void csv_mapped_column_named_twice_is_a_usage_error(void **state)
{
	const char *path = write_tmp_str("\nid,x,text,x,id,n\n1,a,b,c,d,e\n",
					 ".csv");
	const char *const ok_names[] = {"text", "n"};
	struct sg_reader *r = NULL;
	struct sg_diag d;

	(void)state;
	sg_diag_clear(&d);
	assert_int_equal(sg_reader_open(&r, path, SG_FORMAT_CSV, &d), 0);
	/* the header is on line 2; id is fields 1 and 5 */
	assert_int_equal(sg_reader_bind(r, three, 3, &d), SG_EUSAGE);
	assert_string_equal(d.msg, "column 'id' appears twice in the header "
				   "(fields 1 and 5)");
	assert_int_equal(d.line, 2);
	sg_reader_close(r);
	/* a column named twice but not mapped is no one's business */
	r = open_bound(path, SG_FORMAT_CSV, ok_names, 2);
	sg_reader_close(r);
	unlink(path);
}

static void jsonl_overlong_line_is_rejected_and_reader_resyncs(void **state)
{
	const char *const names[] = {"a"};
	struct sg_buf b = SG_BUF_INIT;
	const char *path;
	struct sg_reader *r;
	struct sg_record rec;
	size_t i;

	(void)state;
	sg_buf_addstr(&b, "{\"a\": 1}\n{\"a\": \"");
	for (i = 0; i < 3 * 1024 * 1024; i++)
		sg_buf_addch(&b, 'x');
	sg_buf_addstr(&b, "\"}\n{\"a\": \"");
	for (i = 0; i < SG_FIELD_MAX + 1; i++)
		sg_buf_addch(&b, 'y');
	sg_buf_addstr(&b, "\"}\n{\"a\": 3}\n");
	path = write_tmp(b.buf, b.len, ".jsonl");
	r = open_bound(path, SG_FORMAT_JSONL, names, 1);
	next_ok(r, &rec);
	assert_good(&rec, 1);
	next_ok(r, &rec);
	assert_rejected(&rec, 2, -1, "line longer than 1048576 bytes");
	assert_int_equal(rec.raw_len, SG_RAW_MAX);
	assert_memory_equal(rec.raw, "{\"a\": \"xxx", 10);
	next_ok(r, &rec);
	assert_rejected(&rec, 3, 0, "field longer than 65536 bytes");
	next_ok(r, &rec);
	assert_good(&rec, 4);
	assert_value(&rec, 0, "3", SG_FIELD_NUMBER);
	next_end(r);
	sg_reader_close(r);
	unlink(path);
	sg_buf_release(&b);
}

static void jsonl_records_across_buffer_boundaries_keep_lines(void **state)
{
	const char *const names[] = {"id", "v"};
	struct sg_buf b = SG_BUF_INIT, want = SG_BUF_INIT;
	const char *path;
	struct sg_reader *r;
	struct sg_record rec;
	long i;

	(void)state;
	for (i = 0; i < 50000; i++)
		sg_buf_addf(&b, "{\"id\": %ld, \"v\": \"value %ld\"}\n", i, i);
	path = write_tmp(b.buf, b.len, ".jsonl");
	r = open_bound(path, SG_FORMAT_JSONL, names, 2);
	for (i = 0; i < 50000; i++) {
		next_ok(r, &rec);
		assert_good(&rec, i + 1);
		sg_buf_reset(&want);
		sg_buf_addf(&want, "value %ld", i);
		assert_value(&rec, 1, want.buf, SG_FIELD_STRING);
	}
	next_end(r);
	sg_reader_close(r);
	unlink(path);
	sg_buf_release(&b);
	sg_buf_release(&want);
}

/* ---- gzip, standard input, opening ---- */

static void check_decisions(struct sg_reader *r, int json)
{
	struct sg_record rec;

	next_ok(r, &rec);
	assert_good(&rec, json ? 1 : 2);
	assert_value(&rec, 0, "c1", SG_FIELD_STRING);
	assert_value(&rec, 2, "52000", json ? SG_FIELD_NUMBER : SG_FIELD_STRING);
	next_ok(r, &rec);
	assert_value(&rec, 1, "decline, manual", SG_FIELD_STRING);
	assert_value(&rec, 2, "", SG_FIELD_NULL);
	next_ok(r, &rec);
	assert_good(&rec, json ? 3 : 4);
	assert_value(&rec, 1, "refer \"senior\"", SG_FIELD_STRING);
	assert_value(&rec, 2, "61000.5",
		     json ? SG_FIELD_NUMBER : SG_FIELD_STRING);
	next_end(r);
}

static const char *const dec_names[] = {"case_id", "decision", "income"};

static void gzip_files_read_like_plain_ones(void **state)
{
	const char *names[] = {"decisions.csv", "decisions.csv.gz",
			       "decisions.jsonl", "decisions.jsonl.gz"};
	size_t k;

	(void)state;
	for (k = 0; k < 4; k++) {
		char *path = fixture(names[k]);
		struct sg_reader *r =
			open_bound(path, SG_FORMAT_GUESS, dec_names, 3);

		assert_int_equal(sg_reader_format(r),
				 k < 2 ? SG_FORMAT_CSV : SG_FORMAT_JSONL);
		check_decisions(r, k >= 2);
		assert_true(sg_reader_offset(r) > 0);
		sg_reader_close(r);
		free(path);
	}
}

/* Reads to the end; returns the last sg_reader_next result. */
static int drain(struct sg_reader *r, struct sg_diag *d)
{
	struct sg_record rec;
	int ret;

	while ((ret = sg_reader_next(r, &rec, d)) == 1)
		;
	return ret;
}

static void corrupt_gzip_gives_a_data_error_naming_the_file(void **state)
{
	char *good = fixture("decisions.jsonl.gz");
	size_t n;
	char *bytes = slurp(good, &n);
	struct sg_reader *r = NULL;
	struct sg_diag d;
	const char *path;
	int ret;

	(void)state;
	/* a changed byte in the CRC-32 trailer */
	bytes[n - 8] ^= 0x55;
	path = write_tmp(bytes, n, ".jsonl.gz");
	sg_diag_clear(&d);
	/* the file is small: the first read, in open, meets the error */
	assert_int_equal(sg_reader_open(&r, path, SG_FORMAT_GUESS, &d),
			 SG_EDATA);
	assert_null(r);
	assert_string_equal(d.file, path);
	assert_string_equal(d.msg, "corrupt gzip stream: incorrect data check");
	unlink(path);

	/* a stream cut short: zlib reports it only when asked */
	path = write_tmp(bytes, n / 2, ".csv.gz");
	sg_diag_clear(&d);
	ret = sg_reader_open(&r, path, SG_FORMAT_CSV, &d);
	if (ret == 0) {
		ret = drain(r, &d);
		sg_reader_close(r);
	}
	assert_int_equal(ret, SG_EDATA);
	assert_string_equal(d.file, path);
	assert_non_null(strstr(d.msg, "gzip"));
	unlink(path);
	free(bytes);
	free(good);
}

static void dash_reads_standard_input(void **state)
{
	char *path = fixture("decisions.csv.gz");
	int saved = dup(0), fd = open(path, O_RDONLY);
	struct sg_reader *r;

	(void)state;
	assert_true(saved >= 0 && fd >= 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	/* no name to guess from: CSV */
	r = open_bound("-", SG_FORMAT_GUESS, dec_names, 3);
	check_decisions(r, 0);
	sg_reader_close(r);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	free(path);
}

static void missing_file_fails_with_an_io_error(void **state)
{
	struct sg_reader *r = NULL;
	struct sg_diag d;

	(void)state;
	sg_diag_clear(&d);
	assert_int_equal(sg_reader_open(&r, "/nonexistent/x.csv",
					SG_FORMAT_GUESS, &d),
			 SG_EIO);
	assert_null(r);
	assert_string_equal(d.file, "/nonexistent/x.csv");
	assert_non_null(strstr(d.msg, "cannot open"));
	sg_diag_clear(&d);
	assert_int_equal(sg_reader_open(&r, "/tmp", SG_FORMAT_JSONL, &d),
			 SG_EIO);
	assert_null(r);
	sg_reader_close(NULL);
}

static void bind_is_allowed_once_before_reading(void **state)
{
	char *path = fixture("decisions.csv");
	struct sg_reader *r = open_bound(path, SG_FORMAT_GUESS, dec_names, 3);

	(void)state;
	assert_int_equal(sg_reader_bind(r, dec_names, 3, NULL), SG_EUSAGE);
	sg_reader_close(r);
	free(path);
}

/* ---- helpers ---- */

static void utf8_valid_rejects_overlongs_surrogates_and_beyond(void **state)
{
	static const struct {
		const char *s;
		int ok;
		size_t bad;
	} t[] = {
		{"plain ascii text, longer than eight", 1, 0},
		{"\x7f\xc2\x80\xdf\xbf", 1, 0},         /* U+7F, U+80, U+7FF */
		{"\xe0\xa0\x80\xef\xbf\xbf", 1, 0},     /* U+800, U+FFFF */
		{"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 1, 0}, /* U+10000..10FFFF */
		{"\xed\x9f\xbf\xee\x80\x80", 1, 0},     /* U+D7FF, U+E000 */
		{"abc\xc0\xaf", 0, 3},                  /* overlong '/' */
		{"abc\xc1\xbf", 0, 3},
		{"\xe0\x9f\xbf", 0, 0},                 /* overlong 3-byte */
		{"\xf0\x8f\xbf\xbf", 0, 0},             /* overlong 4-byte */
		{"ok \xed\xa0\x80", 0, 3},              /* U+D800 */
		{"\xed\xbf\xbf", 0, 0},                 /* U+DFFF */
		{"\xf4\x90\x80\x80", 0, 0},             /* U+110000 */
		{"\xf5\x80\x80\x80", 0, 0},
		{"\xff", 0, 0},
		{"12345678\x80", 0, 8},                 /* lone continuation */
		{"\xc3", 0, 0},                         /* truncated */
		{"\xe2\x82", 0, 0},
		{"x\xe2\x82(", 0, 1},
	};
	size_t i, bad;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bad = 999;
		assert_int_equal(sg_utf8_valid(t[i].s, strlen(t[i].s), &bad),
				 t[i].ok);
		if (!t[i].ok)
			assert_int_equal(bad, t[i].bad);
	}
	assert_int_equal(sg_utf8_valid("", 0, NULL), 1);
	assert_int_equal(sg_utf8_valid("\0", 1, NULL), 1);
}

static void format_is_guessed_from_the_name_and_parsed(void **state)
{
	(void)state;
	assert_int_equal(sg_format_guess("a/b.csv"), SG_FORMAT_CSV);
	assert_int_equal(sg_format_guess("b.CSV.gz"), SG_FORMAT_CSV);
	assert_int_equal(sg_format_guess("b.jsonl"), SG_FORMAT_JSONL);
	assert_int_equal(sg_format_guess("b.ndjson.gz"), SG_FORMAT_JSONL);
	assert_int_equal(sg_format_guess("b.json"), SG_FORMAT_JSONL);
	assert_int_equal(sg_format_guess("b.txt"), SG_FORMAT_GUESS);
	assert_int_equal(sg_format_guess("b.gz"), SG_FORMAT_GUESS);
	assert_int_equal(sg_format_guess("-"), SG_FORMAT_GUESS);
	assert_int_equal(sg_format_parse("csv"), SG_FORMAT_CSV);
	assert_int_equal(sg_format_parse("jsonl"), SG_FORMAT_JSONL);
	assert_int_equal(sg_format_parse("ndjson"), SG_FORMAT_JSONL);
	assert_int_equal(sg_format_parse("xml"), SG_FORMAT_GUESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_quoted_fields_keep_commas_quotes_and_newlines),
		cmocka_unit_test(csv_bom_is_skipped_and_crlf_line_ends_are_removed),
		cmocka_unit_test(csv_lf_and_crlf_files_give_the_same_records),
		cmocka_unit_test(csv_empty_file_fails_to_open_as_having_no_header),
		cmocka_unit_test(csv_header_only_gives_no_records),
		cmocka_unit_test(csv_last_line_without_newline_is_a_record),
		cmocka_unit_test(csv_unterminated_quote_at_end_is_rejected),
		cmocka_unit_test(csv_wrong_field_count_is_rejected_and_reading_goes_on),
		cmocka_unit_test(csv_invalid_utf8_is_rejected_naming_the_column),
		cmocka_unit_test(csv_nul_byte_is_rejected),
		cmocka_unit_test(csv_overlong_field_is_rejected_and_reading_goes_on),
		cmocka_unit_test(
			csv_stray_quote_swallows_the_rest_into_one_rejected_row),
		cmocka_unit_test(
			csv_oversized_quoted_field_hides_its_lines_in_flat_memory),
		cmocka_unit_test(csv_misplaced_quote_is_rejected_and_next_line_read),
		cmocka_unit_test(csv_empty_field_is_null_and_unknown_column_absent),
		cmocka_unit_test(csv_bad_header_fails_to_open),
		cmocka_unit_test(csv_raw_text_is_truncated_to_raw_max),
		cmocka_unit_test(csv_records_across_buffer_boundaries_keep_lines),
		cmocka_unit_test(jsonl_values_keep_their_kinds),
		cmocka_unit_test(jsonl_bad_lines_are_rejected_and_reading_goes_on),
		cmocka_unit_test(jsonl_blank_lines_are_skipped_and_counted),
		cmocka_unit_test(jsonl_empty_file_has_no_records),
		cmocka_unit_test(jsonl_has_column_peeks_without_losing_lines),
		cmocka_unit_test(jsonl_invalid_utf8_is_rejected),
		cmocka_unit_test(jsonl_nul_in_a_string_rejects_the_line),
		cmocka_unit_test(jsonl_key_given_twice_rejects_the_line),
		cmocka_unit_test(
			csv_mapped_column_named_twice_is_a_usage_error),
		cmocka_unit_test(jsonl_overlong_line_is_rejected_and_reader_resyncs),
		cmocka_unit_test(jsonl_records_across_buffer_boundaries_keep_lines),
		cmocka_unit_test(gzip_files_read_like_plain_ones),
		cmocka_unit_test(corrupt_gzip_gives_a_data_error_naming_the_file),
		cmocka_unit_test(dash_reads_standard_input),
		cmocka_unit_test(missing_file_fails_with_an_io_error),
		cmocka_unit_test(bind_is_allowed_once_before_reading),
		cmocka_unit_test(utf8_valid_rejects_overlongs_surrogates_and_beyond),
		cmocka_unit_test(format_is_guessed_from_the_name_and_parsed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
