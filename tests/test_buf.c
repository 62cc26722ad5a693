#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/error.h"

static void buf_grows_and_stays_terminated(void **state)
{
	struct sg_buf b = SG_BUF_INIT;
	int i;

	(void)state;
	assert_string_equal(b.buf, "");
	for (i = 0; i < 1000; i++)
		sg_buf_addch(&b, 'a' + i % 26);
	assert_int_equal(b.len, 1000);
	assert_int_equal(b.buf[1000], '\0');
	assert_int_equal(b.buf[27], 'b');
	sg_buf_release(&b);
	assert_int_equal(b.len, 0);
}

static void buf_addf_formats_long_text(void **state)
{
	struct sg_buf b = SG_BUF_INIT;
	char *s;

	(void)state;
	sg_buf_addf(&b, "%s-%d", "x", 7);
	sg_buf_addf(&b, "%0200d", 5);
	assert_int_equal(b.len, 3 + 200);
	assert_memory_equal(b.buf, "x-7000", 6);
	assert_int_equal(b.buf[b.len - 1], '5');
	s = sg_buf_detach(&b);
	assert_int_equal(strlen(s), 203);
	free(s);
	assert_string_equal(b.buf, "");
}

/* Code points worked out from the UTF-8 bit patterns (RFC 3629 table). */
static void utf8_decode_reads_valid_sequences_and_refuses_the_rest(
	void **state)
{
	const unsigned char *u;
	unsigned cp = 0;

	(void)state;
	u = (const unsigned char *)"A";
	assert_int_equal(sg_utf8_decode(u, 1, &cp), 1);
	assert_int_equal(cp, 0x41);
	u = (const unsigned char *)"\xc3\xa9"; /* 00011 101001 = U+00E9 */
	assert_int_equal(sg_utf8_decode(u, 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	u = (const unsigned char *)"\xe2\x82\xac"; /* 0010 000010 101100 */
	assert_int_equal(sg_utf8_decode(u, 3, &cp), 3);
	assert_int_equal(cp, 0x20ac);
	u = (const unsigned char *)"\xf0\x9f\x98\x80"; /* U+1F600 */
	assert_int_equal(sg_utf8_decode(u, 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	/* cut short, overlong, surrogate, past U+10FFFF, stray, NUL */
	assert_int_equal(sg_utf8_decode((const unsigned char *)"\xc3\xa9", 1,
					&cp), 0);
	assert_int_equal(sg_utf8_decode((const unsigned char *)"\xc0\x80", 2,
					&cp), 0);
	assert_int_equal(sg_utf8_decode((const unsigned char *)"\xe0\x80\x80",
					3, &cp), 0);
	assert_int_equal(sg_utf8_decode((const unsigned char *)"\xed\xa0\x80",
					3, &cp), 0);
	assert_int_equal(
		sg_utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp),
		0);
	assert_int_equal(sg_utf8_decode((const unsigned char *)"\x80", 1, &cp),
			 0);
	assert_int_equal(sg_utf8_decode((const unsigned char *)"\xc3", SIZE_MAX,
					&cp), 0);
}

static void diag_formats_file_line_and_column(void **state)
{
	struct sg_diag d;
	char out[256];

	(void)state;
	sg_diag_clear(&d);
	sg_diag_set(&d, "decisions.csv", 17, 0, "column 'income': not a number");
	assert_string_equal(sg_diag_format(&d, out, sizeof(out)),
			    "decisions.csv:17: column 'income': not a number");
	sg_diag_set(&d, "c.json", 3, 9, "bad");
	assert_string_equal(sg_diag_format(&d, out, sizeof(out)),
			    "c.json:3:9: bad");
	sg_diag_prefix(&d, "config");
	assert_string_equal(d.msg, "config: bad");
	assert_int_equal(sg_exit_status(SG_EUSAGE), 2);
	assert_int_equal(sg_exit_status(SG_ESTORE), 3);
	assert_int_equal(sg_exit_status(SG_OK), 0);
}

/* Every escape written out by hand from RFC 8259 section 7. */
static void json_quote_escapes_what_json_requires(void **state)
{
	static const char in[] = "a\"b\\c\b\f\n\r\t\x01\x7f\xc3\xa9\xff";
	struct sg_buf b = SG_BUF_INIT;

	(void)state;
	/* lenient: BS, FF as \u00XX; DEL, UTF-8 and the stray 0xff as is */
	sg_json_quote(&b, in, sizeof(in) - 1);
	assert_string_equal(b.buf, "\"a\\\"b\\\\c\\u0008\\u000c\\n\\r\\t"
				   "\\u0001\x7f\xc3\xa9\xff\"");
	sg_buf_reset(&b);
	/* strict: BS, FF short; DEL escaped; 0xff (not UTF-8) as U+FFFD */
	sg_json_quote_utf8(&b, in, sizeof(in) - 1);
	assert_string_equal(b.buf, "\"a\\\"b\\\\c\\b\\f\\n\\r\\t"
				   "\\u0001\\u007f\xc3\xa9\\ufffd\"");
	sg_buf_reset(&b);
	/* a NUL inside the length is escaped, not an end */
	sg_json_quote(&b, "a\0b", 3);
	assert_string_equal(b.buf, "\"a\\u0000b\"");
	sg_buf_reset(&b);
	/* a sequence cut short: each of its bytes is one U+FFFD */
	sg_json_quote_utf8(&b, "x\xe2\x82", 3);
	assert_string_equal(b.buf, "\"x\\ufffd\\ufffd\"");
	sg_buf_release(&b);
}

/* Shortest forms as Python's repr() gives them (1/3, 0.1 + 0.2). */
static void json_number_is_shortest_exact_or_null(void **state)
{
	struct sg_buf b = SG_BUF_INIT;

	(void)state;
	sg_buf_add_json_number(&b, NAN);
	sg_buf_addch(&b, ' ');
	sg_buf_add_json_number(&b, INFINITY);
	sg_buf_addch(&b, ' ');
	sg_buf_add_json_number(&b, 0.1);
	sg_buf_addch(&b, ' ');
	sg_buf_add_json_number(&b, -0.0);
	sg_buf_addch(&b, ' ');
	sg_buf_add_json_number(&b, 1.0 / 3);
	sg_buf_addch(&b, ' ');
	sg_buf_add_json_number(&b, 0.1 + 0.2);
	sg_buf_addch(&b, ' ');
	sg_buf_add_json_number(&b, 432);
	assert_string_equal(b.buf, "null null 0.1 -0 0.3333333333333333 "
				   "0.30000000000000004 432");
	sg_buf_release(&b);
}

static void utf8_scan_finds_the_first_bad_byte_or_nul(void **state)
{
	static const struct {
		const char *s;
		size_t n;
		int nul, want;
		size_t bad;
	} t[] = {
		{"plain ascii, longer than eight", 30, 1, 0, 0},
		{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, 1, 0, 0},
		{"abcdefghijk\0z", 13, 1, 2, 11},   /* NUL past the fast path */
		{"abcdefghijk\0z", 13, 0, 0, 0},    /* NUL allowed */
		{"\xe0\x80\x80", 3, 0, 1, 0},       /* overlong */
		{"abcdefgh\xed\xa0\x80", 11, 0, 1, 8}, /* surrogate U+D800 */
		{"ab\xe2\x82", 4, 0, 1, 2},         /* cut short */
		{"a\xf4\x90\x80\x80", 5, 0, 1, 1},  /* above U+10FFFF */
		{"a\x80", 2, 0, 1, 1},              /* stray continuation */
	};
	size_t i, bad;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bad = 99;
		assert_int_equal(sg_utf8_scan((const unsigned char *)t[i].s,
					      t[i].n, &bad, t[i].nul),
				 t[i].want);
		if (t[i].want)
			assert_int_equal(bad, t[i].bad);
	}
	assert_int_equal(sg_utf8_valid("ab\xe2\x82", 4, &bad), 0);
	assert_int_equal(bad, 2);
	assert_int_equal(sg_utf8_valid("\xc3\xa9", 2, NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_stays_terminated),
		cmocka_unit_test(buf_addf_formats_long_text),
		cmocka_unit_test(diag_formats_file_line_and_column),
		cmocka_unit_test(
			utf8_decode_reads_valid_sequences_and_refuses_the_rest),
		cmocka_unit_test(json_quote_escapes_what_json_requires),
		cmocka_unit_test(json_number_is_shortest_exact_or_null),
		cmocka_unit_test(utf8_scan_finds_the_first_bad_byte_or_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
