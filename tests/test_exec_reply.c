/*
 * test_exec_reply.c - the exec backend's reply parser on its own
 * (src/backend_exec.h), as the fuzzing harness drives it: reply text in a
 * file, no process behind it. Expected values are read off the text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/backend_exec.h"

static const char *const ids[] = {"a", "b", "c", "d"};

/* Writes text to an unlinked temporary file; returns it, at offset 0. */
static int text_fd(const char *text)
{
	char path[] = "/tmp/sg_exec_reply_XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void replies_fill_cases_in_any_order(void **state)
{
	struct sg_pred out[4];
	void *st = NULL;
	int fd = text_fd("{\"case_id\": \"c\", \"value\": 2.5}\r\n"
			 "\n"
			 "{\"case_id\": \"a\", \"label\": \"yes\", \"score\": 0.75}\n"
			 "{\"case_id\": \"b\", \"error\": \"no features\"}");

	(void)state;
	/* the last line needs no line end */
	assert_int_equal(sg_exec_read_replies(&st, fd, 4, ids, out), 1);
	assert_string_equal(out[0].label, "yes");
	assert_true(out[0].score == 0.75);
	assert_null(out[0].error);
	assert_string_equal(out[1].error, "model error: no features");
	assert_null(out[1].label);
	assert_null(out[2].label);
	assert_true(out[2].value == 2.5);
	/* d got no reply: nothing yet */
	assert_null(out[3].label);
	assert_null(out[3].error);
	sg_exec_replies_free(st);
}

static void a_garbled_line_stops_reading_and_fails_the_cases_read(void **state)
{
	struct sg_pred out[4];
	void *st = NULL;
	int fd = text_fd("{\"case_id\": \"a\", \"label\": 1}\n"
			 "not json\n"
			 "{\"case_id\": \"b\", \"label\": \"no\"}\n");

	(void)state;
	assert_int_equal(sg_exec_read_replies(&st, fd, 4, ids, out), 2);
	/* a number as a label is its text */
	assert_string_equal(out[0].label, "1");
	/* every request had been read, so b, c and d fail with the line */
	assert_string_equal(out[1].error, "garbled reply: not json");
	assert_string_equal(out[3].error, "garbled reply: not json");
	sg_exec_replies_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replies_fill_cases_in_any_order),
		cmocka_unit_test(
			a_garbled_line_stops_reading_and_fails_the_cases_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
