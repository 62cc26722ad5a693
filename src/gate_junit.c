/*
 * gate_junit.c - the verdict as JUnit XML (gate.xml), for CI servers.
 *
 * The file is valid against both schemas CI servers hold JUnit files to:
 * the Jenkins xUnit plugin's junit-10.xsd and the Ant JUnit schema
 * (windyroad's JUnit.xsd), copies of which are in tests/. That means a
 * <testsuites> root without attributes around one <testsuite> that has
 * name, tests, failures, errors, skipped, time, timestamp (UTC, without a
 * zone: the Ant schema's pattern), hostname, package and id; <properties>
 * first and <system-out>, <system-err> last; and testcases with name,
 * classname and time and at most one child (failure or skipped), so a
 * passing check's line goes to the suite's <system-out>.
 *
 * Text is UTF-8 with what XML 1.0 cannot carry (control characters other
 * than tab, newline and carriage return; U+FFFE, U+FFFF; bytes that are
 * not UTF-8) replaced by U+FFFD, never written as a character reference.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sg/buf.h"
#include "sg/gate.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* Length of the valid UTF-8 sequence at s that XML 1.0 allows, or 0. */
static size_t xml_char(const unsigned char *s)
{
	unsigned cp = 0;
	size_t n = sg_utf8_decode(s, SIZE_MAX, &cp);

	if (!n || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
	    cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/*
 * Writes s escaped for XML text (attr 0) or an attribute value (attr 1,
 * where tab, newline and carriage return are written as references so a
 * parser keeps them).
 */
static void xml_put(FILE *out, const char *s, int attr)
{
	const unsigned char *p = (const unsigned char *)s;

	while (p && *p) {
		size_t n = xml_char(p);

		if (!n) {
			fputs(REPLACEMENT, out);
			p++;
			continue;
		}
		switch (*p) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs(attr ? "&quot;" : "\"", out); break;
		case '\'': fputs(attr ? "&apos;" : "'", out); break;
		case '\t': fputs(attr ? "&#9;" : "\t", out); break;
		case '\n': fputs(attr ? "&#10;" : "\n", out); break;
		case '\r': fputs("&#13;", out); break;
		default: fwrite(p, 1, n, out);
		}
		p += n;
	}
}

static void put_num(FILE *out, double v)
{
	if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
		fprintf(out, "%.0f", v); /* counts, and 0 and 1 */
	else if (isfinite(v))
		fprintf(out, "%.4f", v);
	else
		fputs("-", out);
}

static const char *outcome_word(int outcome)
{
	return sg_check_outcome_name(outcome);
}

/* One check's own numbers, the body of its failure. */
static void check_body(FILE *out, const struct sg_gate_check *c)
{
	fputs("check: ", out);
	xml_put(out, c->name, 0);
	fputs("\nsubject: ", out);
	xml_put(out, c->subject, 0);
	fputs("\nvalue: ", out);
	put_num(out, c->value);
	fputs("\ninterval: ", out);
	if (isfinite(c->low) || isfinite(c->high)) {
		fputc('[', out);
		put_num(out, c->low);
		fputs(", ", out);
		put_num(out, c->high);
		fputc(']', out);
	} else {
		fputs("-", out);
	}
	fprintf(out, "\nthreshold: %s ", c->is_max ? "<=" : ">=");
	put_num(out, c->threshold);
	fputs("\njudged on: ", out);
	put_num(out, c->judged);
	fprintf(out, "\noutcome: %s\ndetail: ", outcome_word(c->outcome));
	xml_put(out, c->detail, 0);
	fputc('\n', out);
}

int sg_gate_write_junit(FILE *out, const struct sg_gate_result *r,
			const char *model)
{
	size_t i, fails = 0, skipped = 0;
	char host[256] = "", stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	for (i = 0; i < r->nchecks; i++) {
		const struct sg_gate_check *c = &r->checks[i];

		fails += c->outcome == SG_CHECK_FAIL && !c->report_only;
		skipped += c->outcome == SG_CHECK_NOT_JUDGED ||
			   c->outcome == SG_CHECK_UNDECIDED || c->report_only;
	}
	if (gethostname(host, sizeof(host) - 1) || !host[0])
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
	      "  <testsuite name=\"gate",
	      out);
	if (model) {
		fputc(' ', out);
		xml_put(out, model, 1);
	}
	fprintf(out,
		"\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" errors=\"0\""
		" time=\"0\" timestamp=\"%s\" hostname=\"",
		r->nchecks, fails, skipped, stamp);
	xml_put(out, host, 1);
	fputs("\" package=\"shadowgate\" id=\"0\">\n"
	      "    <properties>\n"
	      "      <property name=\"verdict\" value=\"",
	      out);
	xml_put(out, sg_verdict_name(r->verdict), 1);
	fputs("\"/>\n      <property name=\"reason\" value=\"", out);
	xml_put(out, r->reason, 1);
	if (r->note) {
		fputs("\"/>\n      <property name=\"note\" value=\"", out);
		xml_put(out, r->note, 1);
	}
	fputs("\"/>\n    </properties>\n", out);
	for (i = 0; i < r->nchecks; i++) {
		const struct sg_gate_check *c = &r->checks[i];

		fputs("    <testcase classname=\"shadowgate.", out);
		xml_put(out, c->name, 1);
		fputs("\" name=\"", out);
		xml_put(out, c->name, 1);
		fputc(' ', out);
		xml_put(out, c->subject, 1);
		fputs("\" time=\"0\"", out);
		if (c->report_only) {
			/* gate.report_only: out of the verdict, so skipped */
			fprintf(out, ">\n      <skipped message=\"report only (%s): ",
				outcome_word(c->outcome));
			xml_put(out, c->detail, 1);
			fputs("\"/>\n    </testcase>\n", out);
		} else if (c->outcome == SG_CHECK_FAIL) {
			fputs(">\n      <failure message=\"", out);
			xml_put(out, c->detail, 1);
			fputs("\" type=\"", out);
			xml_put(out, c->name, 1);
			fputs("\">", out);
			check_body(out, c);
			fputs("</failure>\n    </testcase>\n", out);
		} else if (c->outcome == SG_CHECK_NOT_JUDGED ||
			   c->outcome == SG_CHECK_UNDECIDED) {
			fputs(">\n      <skipped message=\"", out);
			xml_put(out, c->detail, 1);
			fputs("\"/>\n    </testcase>\n", out);
		} else {
			fputs("/>\n", out);
		}
	}
	fputs("    <system-out>", out);
	for (i = 0; i < r->nchecks; i++) {
		const struct sg_gate_check *c = &r->checks[i];

		fprintf(out, "%s ", outcome_word(c->outcome));
		xml_put(out, c->name, 0);
		fputc(' ', out);
		xml_put(out, c->subject, 0);
		fputs(": ", out);
		xml_put(out, c->detail, 0);
		fputc('\n', out);
	}
	fputs("</system-out>\n    <system-err></system-err>\n"
	      "  </testsuite>\n</testsuites>\n",
	      out);
	return 0;
}
