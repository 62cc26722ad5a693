/*
 * config_text.c - places in a config file's text: the line and column of
 * a value of the parsed tree, and the first syntax error with what was
 * expected there.
 *
 * cJSON keeps no positions. When a key is wrong we find it in the text by
 * scanning the (already valid) JSON in the order cJSON built its tree:
 * the n-th value met in a pre-order walk of the tree is the n-th value in
 * the text, so even the second of two duplicate keys is found exactly.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_impl.h"
#include "sg/error.h"

/* ---- finding a value in the text ---- */

struct scan {
	const char *t;
	size_t len;
	size_t want; /* pre-order index of the value sought */
	size_t seen;
	size_t found;
	int done;
};

static size_t skip_ws(const struct scan *s, size_t i)
{
	/* as cJSON: every byte up to the space is white space */
	while (i < s->len && (unsigned char)s->t[i] <= 32)
		i++;
	return i;
}

static size_t skip_string(const struct scan *s, size_t i)
{
	for (i++; i < s->len && s->t[i] != '"'; i++)
		if (s->t[i] == '\\')
			i++;
	return i + 1;
}

/*
 * Walks the value at t[i], counting it as met at offset `at` (its key's
 * opening quote for an object member, else the value itself). Returns the
 * offset just after the value.
 */
static size_t scan_value(struct scan *s, size_t i, size_t at)
{
	char open, close;

	if (s->seen++ == s->want) {
		s->found = at;
		s->done = 1;
	}
	if (s->done || i >= s->len)
		return i;
	open = s->t[i];
	if (open == '"')
		return skip_string(s, i);
	if (open != '{' && open != '[') {
		while (i < s->len && (unsigned char)s->t[i] > 32 &&
		       !strchr(",]}", s->t[i]))
			i++;
		return i;
	}
	close = open == '{' ? '}' : ']';
	i = skip_ws(s, i + 1);
	if (i < s->len && s->t[i] == close)
		return i + 1;
	while (i < s->len && !s->done) {
		size_t here = i;

		if (open == '{') {
			i = skip_ws(s, skip_string(s, i));
			i = skip_ws(s, i + 1); /* past the ':' */
		}
		i = skip_ws(s, scan_value(s, i, here));
		if (i >= s->len || s->t[i] != ',')
			return i + 1;
		i = skip_ws(s, i + 1);
	}
	return i;
}

/* Counts in *k the nodes before `want` in a pre-order walk from `node`. */
static int preorder_index(const cJSON *node, const cJSON *want, size_t *k)
{
	const cJSON *child;

	if (node == want)
		return 1;
	(*k)++;
	for (child = node->child; child; child = child->next)
		if (preorder_index(child, want, k))
			return 1;
	return 0;
}

static size_t bom_len(const char *t, size_t len)
{
	return len >= 3 && !memcmp(t, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

/* Line and column (1-based; the column counts UTF-8 characters). */
static void line_col(const char *t, size_t len, size_t off, long *line,
		     long *col)
{
	size_t i = bom_len(t, len);

	*line = 1;
	*col = 1;
	for (; i < off && i < len; i++) {
		if (t[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)t[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

void sg_config_place(const char *text, size_t len, const cJSON *root,
		     const cJSON *at, long *line, long *col)
{
	struct scan s = {text, len, 0, 0, 0, 0};
	size_t i = bom_len(text, len);

	if (preorder_index(root, at, &s.want)) {
		i = skip_ws(&s, i);
		scan_value(&s, i, i);
		if (s.done)
			line_col(text, len, s.found, line, col);
	}
}

/* ---- syntax errors ---- */

/*
 * cJSON tells where it stopped, which for a bad string is a byte past the
 * string's start, and not what it expected. When it fails, this checker
 * reads the text again: it accepts what cJSON 1.7 accepts (every byte up
 * to the space is white space, numbers as strtod reads them, \uXXXX with
 * bad hex digits as U+0000) and records the first place it cannot go on.
 */
struct check {
	const char *t;
	size_t len;
	size_t off;       /* the place of the first error */
	const char *what; /* what went wrong there; NULL if nothing did */
	int found;        /* say what was found at off */
};

#define CHECK_DEPTH 1000 /* cJSON's CJSON_NESTING_LIMIT */

static int check_fail(struct check *k, size_t off, const char *what, int found)
{
	k->off = off;
	k->what = what;
	k->found = found;
	return -1;
}

static size_t check_ws(const struct check *k, size_t i)
{
	while (i < k->len && (unsigned char)k->t[i] <= 32)
		i++;
	return i;
}

/* As cJSON's parse_hex4: a bad digit makes the whole value 0. */
static unsigned hex4(const char *s)
{
	unsigned h = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			h = h << 4 | (unsigned)(c - '0');
		else if (c >= 'A' && c <= 'F')
			h = h << 4 | (unsigned)(c - 'A' + 10);
		else if (c >= 'a' && c <= 'f')
			h = h << 4 | (unsigned)(c - 'a' + 10);
		else
			return 0;
	}
	return h;
}

static int check_string(struct check *k, size_t *pi)
{
	const char *t = k->t;
	size_t i = *pi, end, j;
	unsigned code;

	for (end = i + 1; end < k->len && t[end] != '"'; end++)
		if (t[end] == '\\')
			end++;
	if (end >= k->len)
		return check_fail(k, i, "unterminated string", 0);
	for (j = i + 1; j < end; j++) {
		if (t[j] != '\\')
			continue;
		switch (t[j + 1]) {
		case 'b': case 'f': case 'n': case 'r': case 't':
		case '"': case '\\': case '/':
			j++;
			break;
		case 'u':
			if (end - j < 6)
				return check_fail(k, j, "invalid escape", 0);
			code = hex4(t + j + 2);
			if (code >= 0xDC00 && code <= 0xDFFF)
				return check_fail(k, j, "invalid escape", 0);
			if (code < 0xD800 || code > 0xDBFF) {
				j += 5;
				break;
			}
			if (end - j < 12 || t[j + 6] != '\\' || t[j + 7] != 'u')
				return check_fail(k, j, "invalid escape", 0);
			code = hex4(t + j + 8);
			if (code < 0xDC00 || code > 0xDFFF)
				return check_fail(k, j, "invalid escape", 0);
			j += 11;
			break;
		default:
			return check_fail(k, j, "invalid escape", 0);
		}
	}
	*pi = end + 1;
	return 0;
}

static int check_number(struct check *k, size_t *pi)
{
	char num[64], *end;
	size_t n = 0;

	while (n < sizeof(num) - 1 && *pi + n < k->len &&
	       strchr("0123456789+-eE.", k->t[*pi + n]))
		n++;
	memcpy(num, k->t + *pi, n);
	num[n] = '\0';
	strtod(num, &end);
	if (end == num)
		return check_fail(k, *pi, "invalid number", 0);
	*pi += (size_t)(end - num);
	return 0;
}

/* Checks the value at t[*pi] (not white space); moves *pi past it. */
static int check_value(struct check *k, size_t *pi, int depth)
{
	const char *t = k->t;
	size_t i = *pi;
	char open, close;

	if (i >= k->len)
		return check_fail(k, i, "expected a value", 1);
	open = t[i];
	if (!strncmp(t + i, "null", 4) || !strncmp(t + i, "true", 4)) {
		*pi = i + 4;
		return 0;
	}
	if (!strncmp(t + i, "false", 5)) {
		*pi = i + 5;
		return 0;
	}
	if (open == '"')
		return check_string(k, pi);
	if (open == '-' || (open >= '0' && open <= '9'))
		return check_number(k, pi);
	if (open != '[' && open != '{')
		return check_fail(k, i, "expected a value", 1);
	if (depth >= CHECK_DEPTH)
		return check_fail(k, i, "nesting too deep", 0);
	close = open == '{' ? '}' : ']';
	i = check_ws(k, i + 1);
	if (i < k->len && t[i] == close) {
		*pi = i + 1;
		return 0;
	}
	for (;;) {
		if (open == '{') {
			if (i >= k->len || t[i] != '"')
				return check_fail(k, i, "expected a string key",
						  1);
			if (check_string(k, &i))
				return -1;
			i = check_ws(k, i);
			if (i >= k->len || t[i] != ':')
				return check_fail(k, i, "expected ':'", 1);
			i = check_ws(k, i + 1);
		}
		if (check_value(k, &i, depth + 1))
			return -1;
		i = check_ws(k, i);
		if (i < k->len && t[i] == ',') {
			i = check_ws(k, i + 1);
			continue;
		}
		if (i < k->len && t[i] == close) {
			*pi = i + 1;
			return 0;
		}
		return check_fail(k, i,
				  open == '{' ? "expected ',' or '}'"
					      : "expected ',' or ']'",
				  1);
	}
}

/*
 * Describes the syntax error in text[0..len) that cJSON met at offset
 * `near` (used when the checker finds nothing, which should not happen).
 */
int sg_config_syntax_error(const char *text, size_t len, size_t near,
			   const char *name, struct sg_diag *diag)
{
	struct check k = {text, len, near, NULL, 0};
	size_t i = bom_len(text, len);
	const char *nul = memchr(text, '\0', len);
	char found[32] = "";
	long line, col;

	if (nul) {
		/* cJSON takes a NUL byte for white space; we do not */
		check_fail(&k, (size_t)(nul - text), "unexpected NUL byte", 0);
	} else {
		i = check_ws(&k, i);
		if (!check_value(&k, &i, 0)) {
			i = check_ws(&k, i);
			if (i < len)
				check_fail(&k, i, "expected the end of the text",
					   1);
		}
	}
	line_col(text, len, k.off, &line, &col);
	if (k.off >= len) {
		sg_diag_set(diag, name, line, col,
			    "syntax error: unexpected end of input");
		return SG_EUSAGE;
	}
	if (k.found) {
		unsigned char ch = (unsigned char)text[k.off];

		if (ch > 32 && ch < 127)
			snprintf(found, sizeof(found), ", found '%c'", ch);
		else
			snprintf(found, sizeof(found), ", found byte 0x%02x",
				 ch);
	}
	sg_diag_set(diag, name, line, col, "syntax error: %s%s",
		    k.what ? k.what : "invalid JSON", found);
	return SG_EUSAGE;
}
