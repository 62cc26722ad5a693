#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_stays_terminated),
		cmocka_unit_test(buf_addf_formats_long_text),
		cmocka_unit_test(diag_formats_file_line_and_column),
		cmocka_unit_test(
			utf8_decode_reads_valid_sequences_and_refuses_the_rest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
