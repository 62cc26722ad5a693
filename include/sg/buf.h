/*
 * buf.h - a growable byte buffer that is always NUL-terminated, in the
 * manner of git's strbuf.
 *
 * A struct sg_buf initialised with SG_BUF_INIT (or sg_buf_init) holds no
 * memory; len never counts the trailing NUL; buf is never NULL after init.
 * Growth failures abort the process: buffers hold small texts and an
 * allocation failure there is not recoverable in a useful way.
 */
#ifndef SG_BUF_H
#define SG_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct sg_buf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char sg_buf_empty[];
#define SG_BUF_INIT {sg_buf_empty, 0, 0}

void sg_buf_init(struct sg_buf *b);
/* Frees the contents; the buffer is empty and usable again. Accepts NULL. */
void sg_buf_release(struct sg_buf *b);
/* Makes room for `extra` more bytes plus the NUL. */
void sg_buf_grow(struct sg_buf *b, size_t extra);
void sg_buf_add(struct sg_buf *b, const void *data, size_t len);
void sg_buf_addstr(struct sg_buf *b, const char *s);
void sg_buf_addch(struct sg_buf *b, int c);
void sg_buf_addf(struct sg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sg_buf_vaddf(struct sg_buf *b, const char *fmt, va_list ap);
/* Sets len to 0 keeping the memory. */
void sg_buf_reset(struct sg_buf *b);
/* Hands the string over to the caller (free() it); b is empty again. */
char *sg_buf_detach(struct sg_buf *b);

/* Allocation helpers that abort on failure. */
void *sg_xmalloc(size_t n);
void *sg_xcalloc(size_t n, size_t size);
void *sg_xrealloc(void *p, size_t n);
char *sg_xstrdup(const char *s);
char *sg_xstrndup(const char *s, size_t n);

/* Room for sg_fmt_double's text of any double. */
#define SG_DOUBLE_BUF 40

/*
 * d as the shortest of "%.15g", "%.16g", "%.17g" that reads back to d
 * ("-0" for negative zero), into out. d must be finite.
 */
void sg_fmt_double(char out[SG_DOUBLE_BUF], double d);

/* Appends d as a JSON number (as sg_fmt_double), or null when d is NaN or
 * infinite. */
void sg_buf_add_json_number(struct sg_buf *b, double d);

/*
 * Appends s[0..n) as a JSON string literal (with quotes) to b: '"', '\\',
 * LF, CR and TAB by their short forms, other control characters below
 * U+0020 (NUL too) as \u00XX; every other byte as it is.
 */
void sg_json_quote(struct sg_buf *b, const char *s, size_t n);

/*
 * As sg_json_quote, for text that may not be UTF-8 (the report's JSON):
 * also BS and FF by their short forms, DEL as \u007f, and each byte that
 * is not part of a valid UTF-8 sequence as \ufffd, so the result is
 * always valid JSON in UTF-8.
 */
void sg_json_quote_utf8(struct sg_buf *b, const char *s, size_t n);

/*
 * Appends s for Markdown (a table cell, a heading, a line of text): the
 * characters that are markup (\ ` * _ [ ] < > | ~ # &) behind a
 * backslash, so that they show as themselves; line ends and tabs (also
 * U+2028, U+2029) as spaces, so that a value stays on its line; other
 * control characters, bidirectional controls (U+061C, U+200E, U+200F,
 * U+202A to U+202E, U+2066 to U+2069) and bytes that are not UTF-8 as
 * U+FFFD.
 */
void sg_buf_add_md(struct sg_buf *b, const char *s);

/*
 * The UTF-8 sequence at s, of which n bytes are left: returns its length
 * (1 to 4) and its code point in *cp, or 0 when it is not valid UTF-8
 * (a stray or missing continuation byte, an overlong form, a surrogate,
 * past U+10FFFF, or cut short by n). A NUL-terminated string may pass
 * SIZE_MAX for n: NUL is never a continuation byte.
 */
size_t sg_utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

/*
 * Checks p[0..n) for UTF-8 validity as sg_utf8_decode judges it, and for
 * NUL bytes when nul is set. Returns 0 when fine, else 1 (bad UTF-8) or 2
 * (a NUL byte) with the 0-based offset of the first byte of the bad
 * sequence in *bad. Runs of ASCII are checked eight bytes at a time.
 */
int sg_utf8_scan(const unsigned char *p, size_t n, size_t *bad, int nul);

/*
 * Checks that s[0..n) is valid UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF; NUL is valid). Returns 1 if valid, else 0 and the 0-based
 * offset of the first byte of the first invalid sequence in *bad (when bad
 * is not NULL).
 */
int sg_utf8_valid(const char *s, size_t n, size_t *bad);

/*
 * Appends s for a terminal: control characters (line ends and tabs too),
 * bidirectional controls and bytes that are not UTF-8 as '?', one for
 * each character, so that a value can neither move the cursor nor
 * reorder the line.
 */
void sg_buf_add_text(struct sg_buf *b, const char *s);

#endif
