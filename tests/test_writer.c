/*
 * test_writer.c - the registry of output formats: which names it knows,
 * which of them write a report or a gate, the extensions nightly uses, and
 * what writing in a format it does not know returns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg/error.h"
#include "sg/gate.h"
#include "sg/report.h"
#include "sg/buf.h"
#include "sg/writer.h"

static void assert_names(const char *const *got, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++) {
		assert_non_null(got[i]);
		assert_string_equal(got[i], want[i]);
	}
	assert_null(got[i]);
}

/* the order --help and the error messages give (test_config.c,
 * tests/cli/options.sh): text, the default, first */
static void report_formats_are_the_six_views(void **state)
{
	static const char *const want[] = {"text", "json", "markdown", "csv",
					   "prometheus", "html", NULL};
	size_t i;

	(void)state;
	assert_names(sg_report_formats, want);
	for (i = 0; want[i]; i++) {
		const struct sg_writer_ops *w = sg_writer_find(want[i]);

		assert_non_null(w);
		assert_non_null(w->write_report);
	}
	assert_null(sg_writer_find("junit")->write_report);
}

static void gate_formats_are_text_json_markdown_and_junit(void **state)
{
	static const char *const want[] = {"text", "json", "markdown",
					   "junit", NULL};
	size_t i;

	(void)state;
	assert_names(sg_gate_formats, want);
	for (i = 0; want[i]; i++)
		assert_non_null(sg_writer_find(want[i])->write_gate);
	assert_null(sg_writer_find("csv")->write_gate);
	assert_null(sg_writer_find("prometheus")->write_gate);
}

/* nightly's files, as the man page names them */
static void extensions_name_nightlys_files(void **state)
{
	(void)state;
	assert_string_equal(sg_writer_find("json")->extension, ".json");
	assert_string_equal(sg_writer_find("markdown")->extension, ".md");
	assert_string_equal(sg_writer_find("text")->extension, ".txt");
	assert_string_equal(sg_writer_find("csv")->extension, ".csv");
	assert_string_equal(sg_writer_find("prometheus")->extension, ".prom");
	assert_string_equal(sg_writer_find("junit")->extension, ".xml");
}

static void unknown_format_is_a_usage_error(void **state)
{
	struct sg_gate_result res;
	struct sg_report *r = sg_xcalloc(1, sizeof(*r));
	FILE *f = tmpfile();

	(void)state;
	memset(&res, 0, sizeof(res));
	assert_non_null(f);
	assert_null(sg_writer_find("pdf"));
	assert_null(sg_writer_find("JSON"));
	assert_null(sg_writer_find(NULL));
	assert_int_equal(sg_report_write(f, r, "pdf", 0), SG_EUSAGE);
	assert_int_equal(sg_report_write(f, r, "junit", 0), SG_EUSAGE);
	assert_int_equal(sg_gate_write(f, &res, "csv", NULL), SG_EUSAGE);
	assert_int_equal(sg_gate_write(f, &res, "pdf", NULL), SG_EUSAGE);
	/* nothing was written */
	assert_int_equal(ftell(f), 0);
	fclose(f);
	sg_report_free(r);
}

/* a gate with no format is written as text */
static void no_format_is_text(void **state)
{
	struct sg_gate_result res;
	char buf[256];
	FILE *f = tmpfile();

	(void)state;
	memset(&res, 0, sizeof(res));
	res.verdict = SG_GO;
	res.reason = "all checks pass";
	assert_non_null(f);
	assert_int_equal(sg_gate_write(f, &res, NULL, NULL), 0);
	rewind(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_string_equal(buf, "verdict: go\n");
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_formats_are_the_six_views),
		cmocka_unit_test(gate_formats_are_text_json_markdown_and_junit),
		cmocka_unit_test(extensions_name_nightlys_files),
		cmocka_unit_test(unknown_format_is_a_usage_error),
		cmocka_unit_test(no_format_is_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
