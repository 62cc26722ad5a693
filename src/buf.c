/*
 * buf.c - the growable buffer of include/sg/buf.h, and the text helpers
 * built on it: JSON quoting and numbers, UTF-8 decoding and checking,
 * Markdown and terminal escaping.
 */
#include "sg/buf.h"

#include <math.h>
#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char sg_buf_empty[1];

static void die_oom(void)
{
	fputs("shadowgate: out of memory\n", stderr);
	abort();
}

void *sg_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom();
	return p;
}

void *sg_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

void *sg_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die_oom();
	return q;
}

char *sg_xstrdup(const char *s)
{
	return sg_xstrndup(s, strlen(s));
}

char *sg_xstrndup(const char *s, size_t n)
{
	char *p = sg_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void sg_buf_init(struct sg_buf *b)
{
	b->buf = sg_buf_empty;
	b->len = 0;
	b->alloc = 0;
}

void sg_buf_release(struct sg_buf *b)
{
	if (!b)
		return;
	if (b->alloc)
		free(b->buf);
	sg_buf_init(b);
}

void sg_buf_grow(struct sg_buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;
	size_t n;

	if (want <= b->alloc)
		return;
	n = b->alloc ? b->alloc : 64;
	while (n < want)
		n *= 2;
	if (!b->alloc) {
		b->buf = sg_xmalloc(n);
		b->buf[0] = '\0';
	} else {
		b->buf = sg_xrealloc(b->buf, n);
	}
	b->alloc = n;
}

void sg_buf_add(struct sg_buf *b, const void *data, size_t len)
{
	sg_buf_grow(b, len);
	if (len)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void sg_buf_addstr(struct sg_buf *b, const char *s)
{
	sg_buf_add(b, s, strlen(s));
}

void sg_buf_addch(struct sg_buf *b, int c)
{
	sg_buf_grow(b, 1);
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

void sg_buf_vaddf(struct sg_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->buf + b->len, b->alloc ? b->alloc - b->len : 0, fmt,
		      cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n + b->len + 1 > b->alloc) {
		sg_buf_grow(b, (size_t)n);
		vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void sg_buf_addf(struct sg_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sg_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void sg_buf_reset(struct sg_buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->buf[0] = '\0';
}

char *sg_buf_detach(struct sg_buf *b)
{
	char *s;

	if (!b->alloc)
		return sg_xstrdup("");
	s = b->buf;
	sg_buf_init(b);
	return s;
}

void sg_fmt_double(char out[SG_DOUBLE_BUF], double d)
{
	int p;

	if (d == 0) {
		snprintf(out, SG_DOUBLE_BUF, "%s", signbit(d) ? "-0" : "0");
		return;
	}
	for (p = 15; p <= 17; p++) {
		snprintf(out, SG_DOUBLE_BUF, "%.*g", p, d);
		if (strtod(out, NULL) == d)
			return;
	}
}

void sg_buf_add_json_number(struct sg_buf *b, double d)
{
	char num[SG_DOUBLE_BUF];

	if (!isfinite(d)) {
		sg_buf_addstr(b, "null");
		return;
	}
	sg_fmt_double(num, d);
	sg_buf_addstr(b, num);
}

/*
 * The one JSON string escaper. Always escaped: '"', '\\', LF, CR, TAB by
 * their short forms, other C0 controls as \u00XX. strict (the report's
 * printer) also writes BS and FF by their short forms, DEL as \u007f and
 * each byte that is not part of valid UTF-8 as \ufffd; without it those
 * bytes pass as they are.
 */
static void json_quote(struct sg_buf *b, const char *str, size_t n,
		       int strict)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0;

	sg_buf_addch(b, '"');
	while (i < n) {
		unsigned char c = s[i];
		const char *esc = NULL;
		size_t len = 1;
		unsigned cp;

		if (c >= 0x80) {
			if (!strict || (len = sg_utf8_decode(s + i, n - i, &cp))) {
				i += len;
				continue;
			}
			len = 1;
			esc = "\\ufffd";
		} else if (c >= 0x20 && c != '"' && c != '\\' &&
			   (c != 0x7f || !strict)) {
			i++;
			continue;
		}
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = strict ? "\\b" : NULL; break;
		case '\f': esc = strict ? "\\f" : NULL; break;
		}
		sg_buf_add(b, s + start, i - start);
		if (esc) {
			sg_buf_addstr(b, esc);
		} else {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4],
				     hex[c & 15]};
			sg_buf_add(b, u, 6);
		}
		i += len;
		start = i;
	}
	sg_buf_add(b, s + start, n - start);
	sg_buf_addch(b, '"');
}

void sg_json_quote(struct sg_buf *b, const char *s, size_t n)
{
	json_quote(b, s, n, 0);
}

void sg_json_quote_utf8(struct sg_buf *b, const char *s, size_t n)
{
	json_quote(b, s, n, 1);
}

/* ---- text for people ---- */

enum shown { SHOWN_OK, SHOWN_BREAK, SHOWN_BAD };

/*
 * Looks at the character at s (a NUL-terminated string, *s not NUL):
 * returns its length in bytes and, in *how, whether it can be shown as it
 * is, is a line end or tab (LF, CR, TAB, U+2028, U+2029), or cannot be
 * shown safely: another control character (C0, DEL, C1), a bidirectional
 * control (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069),
 * which reorders the text around it on screen, or a byte that is not
 * valid UTF-8 (length 1).
 */
size_t sg_utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len, i;
	unsigned c;

	if (!n)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	*cp = c;
	return len;
}

int sg_utf8_scan(const unsigned char *p, size_t n, size_t *bad, int nul)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t high = UINT64_C(0x8080808080808080);
	size_t i = 0, len;
	unsigned cp;
	uint64_t w;

	while (i < n) {
		/* fast path: eight ASCII bytes (and no NUL) at a time */
		while (i + 8 <= n) {
			memcpy(&w, p + i, 8);
			if ((w & high) || (nul && ((w - ones) & ~w & high)))
				break;
			i += 8;
		}
		while (i < n && p[i] < 0x80 && (p[i] || !nul))
			i++;
		if (i >= n)
			break;
		if (!p[i]) {
			*bad = i;
			return 2;
		}
		len = sg_utf8_decode(p + i, n - i, &cp);
		if (!len) {
			*bad = i;
			return 1;
		}
		i += len;
	}
	return 0;
}

int sg_utf8_valid(const char *s, size_t n, size_t *bad)
{
	size_t at = 0;

	if (!sg_utf8_scan((const unsigned char *)s, n, &at, 0))
		return 1;
	if (bad)
		*bad = at;
	return 0;
}

static size_t shown_char(const unsigned char *s, enum shown *how)
{
	unsigned cp = 0;
	size_t len = sg_utf8_decode(s, SIZE_MAX, &cp);

	*how = SHOWN_OK;
	if (!len) {
		*how = SHOWN_BAD;
		return 1;
	}
	if (cp == '\n' || cp == '\r' || cp == '\t' || cp == 0x2028 ||
	    cp == 0x2029)
		*how = SHOWN_BREAK;
	else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c ||
		 cp == 0x200e || cp == 0x200f ||
		 (cp >= 0x202a && cp <= 0x202e) ||
		 (cp >= 0x2066 && cp <= 0x2069))
		*how = SHOWN_BAD;
	return len;
}

void sg_buf_add_md(struct sg_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	enum shown how;
	size_t n;

	while (*s) {
		n = shown_char(s, &how);
		if (how == SHOWN_BREAK) {
			sg_buf_addch(b, ' ');
		} else if (how == SHOWN_BAD) {
			sg_buf_addstr(b, "\xef\xbf\xbd"); /* U+FFFD */
		} else {
			if (n == 1 && strchr("\\`*_[]<>|~#&", *s))
				sg_buf_addch(b, '\\');
			sg_buf_add(b, s, n);
		}
		s += n;
	}
}

void sg_buf_add_text(struct sg_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	enum shown how;
	size_t n;

	while (*s) {
		n = shown_char(s, &how);
		if (how == SHOWN_OK)
			sg_buf_add(b, s, n);
		else
			sg_buf_addch(b, '?');
		s += n;
	}
}
