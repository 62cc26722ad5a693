/*
 * write_html_util.c - what the HTML pages share (write_html_impl.h): the
 * style sheet (light and dark, the series colours, A4 print), the page's
 * head, escaped text and numbers in table cells, the data tables behind a
 * chart, and finding the gate's checks.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "write_html_impl.h"

/* Light and dark (prefers-color-scheme), the Okabe-Ito series colours
 * of svg.h, A4 when printed. */
static const char css[] =
	":root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#8a8a8a;"
	"--grid:#e4e4e4;--line:#b0b0b0;--go:#007a5a;--nogo:#c0392b;"
	"--ins:#b26b00;--heat:#0072b2}\n"
	"@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--bg:#17191d;"
	"--muted:#8c8c8c;--grid:#34373d;--line:#5b5f66;--go:#3ccf9f;"
	"--nogo:#ff7b6b;--ins:#f0b94a;--heat:#56b4e9}}\n"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
	"color:var(--fg);background:var(--bg);margin:0}\n"
	"main{max-width:980px;margin:0 auto;padding:8px 18px 40px}\n"
	"h1{font-size:1.45em;margin:.6em 0 .2em}\n"
	"h2{font-size:1.2em;border-bottom:1px solid var(--line);"
	"padding-bottom:2px;margin-top:1.8em}\n"
	"h3{font-size:1.02em;margin-bottom:.2em}\n"
	".meta{color:var(--muted);margin:0}\n"
	"table{border-collapse:collapse;margin:6px 0 10px;"
	"font-variant-numeric:tabular-nums}\n"
	"th,td{border-bottom:1px solid var(--grid);padding:3px 9px;"
	"text-align:left;vertical-align:top}\n"
	"td.n{text-align:right;white-space:nowrap}\n"
	".checks{font-size:.9em}.checks td:last-child{min-width:18em}\n"
	"details{margin:0 0 14px}summary{cursor:pointer;color:var(--muted)}\n"
	".headline{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0}\n"
	".headline div{border:1px solid var(--grid);border-radius:6px;"
	"padding:8px 14px;min-width:150px}\n"
	".headline b{display:block;font-size:1.5em}\n"
	".verdict{border-left:8px solid var(--muted);padding:6px 14px;"
	"margin:12px 0}\n"
	".v-go{border-color:var(--go)}.v-no-go{border-color:var(--nogo)}"
	".v-insufficient{border-color:var(--ins)}\n"
	".verdict h2{border:0;margin:.2em 0}\n"
	"td.mark::before{content:\"\\25cf\\a0\"}td.m-go{color:var(--go)}"
	"td.m-no-go{color:var(--nogo);font-weight:600}"
	"td.m-insufficient{color:var(--ins)}"
	"#nights-data td:not(:last-child){white-space:nowrap}\n"
	".o-fail{color:var(--nogo);font-weight:600}.o-pass{color:var(--go)}"
	".o-not-judged{color:var(--muted)}\n"
	"figure.sg-chart{margin:14px 0 4px}"
	"figcaption{font-weight:600;margin-bottom:2px}\n"
	"svg{max-width:100%;height:auto;"
	"font:12px system-ui,-apple-system,'Segoe UI',sans-serif}\n"
	"svg text{fill:var(--fg)}\n"
	".sg-axis line{stroke:var(--line)}.sg-axis line.sg-grid{stroke:var(--grid)}\n"
	".sg-s0{--c:#0072b2}.sg-s1{--c:#e69f00}.sg-s2{--c:#009e73}"
	".sg-s3{--c:#cc79a7}.sg-s4{--c:#56b4e9}.sg-s5{--c:#d55e00}"
	".sg-s6{--c:#f0e442}.sg-s7{--c:var(--fg)}\n"
	".sg-line{fill:none;stroke:var(--c);stroke-width:2}\n"
	".sg-band{fill:var(--c);fill-opacity:.18;stroke:none}\n"
	".sg-dot,.sg-key{fill:var(--c)}.sg-bar{fill:var(--c);fill-opacity:.7}\n"
	".sg-ci{stroke:var(--c);stroke-width:2}\n"
	".sg-threshold line{stroke:var(--nogo);stroke-dasharray:5 4;"
	"stroke-width:1.5}.sg-threshold text{fill:var(--nogo)}\n"
	".sg-mark line{stroke:var(--fg);stroke-dasharray:2 3}\n"
	".sg-muted g{--c:var(--muted)}.sg-muted text{fill:var(--muted)}\n"
	".sg-cell{fill:none;stroke:var(--grid)}.sg-heat{fill:var(--heat)}\n"
	"svg text.sg-on-dark{fill:#fff}svg text.sg-on-light{fill:var(--fg)}\n"
	"@media print{@page{size:A4;margin:12mm}body{font-size:10.5pt;"
	"background:#fff;color:#000}main{max-width:none;padding:0}"
	"figure,table,.verdict{break-inside:avoid}summary{display:none}}\n";

void html_text(struct sg_buf *b, const char *s)
{
	sg_xml_escape(b, s, 0);
}

void html_num(struct sg_buf *b, double v, int dec)
{
	if (isfinite(v))
		sg_buf_addf(b, "%.*f", dec, v);
	else
		sg_buf_addstr(b, "\xe2\x80\x93");
}

void html_td_text(struct sg_buf *b, const char *s)
{
	sg_buf_addstr(b, "<td><bdi>");
	html_text(b, s);
	sg_buf_addstr(b, "</bdi></td>");
}

void html_td_num(struct sg_buf *b, double v, int dec)
{
	sg_buf_addstr(b, "<td class=\"n\">");
	html_num(b, v, dec);
	sg_buf_addstr(b, "</td>");
}

void html_td_int(struct sg_buf *b, long long v)
{
	sg_buf_addf(b, "<td class=\"n\">%lld</td>", v);
}

void html_table_open(struct sg_buf *b, const char *id, const char *title,
		     const char *const *cols, size_t ncols)
{
	size_t i;

	sg_buf_addstr(b, "<details");
	if (id) {
		sg_buf_addstr(b, " id=\"");
		sg_xml_escape(b, id, 1);
		sg_buf_addstr(b, "-data\"");
	}
	sg_buf_addstr(b, "><summary>The numbers: ");
	html_text(b, title);
	sg_buf_addstr(b, "</summary>\n<table>\n<thead><tr>");
	for (i = 0; i < ncols; i++) {
		sg_buf_addstr(b, "<th scope=\"col\">");
		html_text(b, cols[i]);
		sg_buf_addstr(b, "</th>");
	}
	sg_buf_addstr(b, "</tr></thead>\n<tbody>\n");
}

void html_table_close(struct sg_buf *b)
{
	sg_buf_addstr(b, "</tbody>\n</table>\n</details>\n");
}

const struct sg_gate_check *html_check(const struct html *h, const char *name,
				       const char *subject)
{
	size_t i;

	if (!h->gate)
		return NULL;
	for (i = 0; i < h->gate->nchecks; i++) {
		const struct sg_gate_check *c = &h->gate->checks[i];

		if (c->name && !strcmp(c->name, name) &&
		    (!subject || (c->subject && !strcmp(c->subject, subject))))
			return c;
	}
	return NULL;
}

double html_threshold(const struct html *h, const char *name)
{
	const struct sg_gate_check *c = html_check(h, name, NULL);

	return c ? c->threshold : NAN;
}


void html_head(struct sg_buf *b, const char *title)
{
	sg_buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			 "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
			 "content=\"width=device-width, initial-scale=1\">\n"
			 "<title>");
	html_text(b, title);
	sg_buf_addstr(b, "</title>\n<style>\n");
	sg_buf_addstr(b, css);
	sg_buf_addstr(b, "</style>\n</head>\n<body>\n<main>\n");
}

double html_jnum(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

const char *html_jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

double html_jci(const cJSON *o, const char *k, int i)
{
	const cJSON *v = cJSON_GetArrayItem(
		cJSON_GetObjectItemCaseSensitive(o, k ? k : "ci95"), i);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}
