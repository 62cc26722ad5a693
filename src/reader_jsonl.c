/*
 * reader_jsonl.c - the JSON Lines reader (see reader.h) behind
 * sg_reader_jsonl_ops: each physical line parsed in place by cJSON, its
 * values turned into the bound columns' text, and the look-ahead to the
 * first object line that says which columns the log has.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"

/*
 * Parses one line as a JSON value with nothing but white space after it.
 * Returns the tree, or NULL with the 1-based byte of the error in *at.
 */
static cJSON *json_parse_line(const char *p, size_t len, size_t *at)
{
	const char *end = NULL;
	cJSON *v = cJSON_ParseWithLengthOpts(p, len, &end, 0);

	if (!v) {
		*at = end && end >= p ? (size_t)(end - p) + 1 : 1;
		return NULL;
	}
	while (end < p + len &&
	       (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (end < p + len) {
		*at = (size_t)(end - p) + 1;
		cJSON_Delete(v);
		return NULL;
	}
	return v;
}

static int is_blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

/*
 * Writes a number's text: integers below 1e17 in plain digits (exact:
 * doubles that large are integers); other numbers as cJSON prints them,
 * "%.15g" when that reads back as the same double, else "%.17g".
 */
static size_t format_number(char *out, double x)
{
	int n;

	if (x > -1e17 && x < 1e17 && x == (double)(long long)x)
		return (size_t)snprintf(out, NUMTEXT_MAX, "%lld", (long long)x);
	n = snprintf(out, NUMTEXT_MAX, "%.15g", x);
	if (strtod(out, NULL) != x)
		n = snprintf(out, NUMTEXT_MAX, "%.17g", x);
	return (size_t)n;
}

/*
 * Sets bound value i from JSON value v (NULL: absent). Errors carry
 * err_col = i, so their message does not name the column.
 */
static void jsonl_value(struct sg_reader *r, struct sg_record *rec, size_t i,
			const cJSON *v, int line_ok)
{
	char *num = r->numtext + i * NUMTEXT_MAX;
	size_t len, bad;

	r->values[i] = "";
	r->lens[i] = 0;
	if (!v) {
		r->kinds[i] = SG_FIELD_ABSENT;
	} else if (cJSON_IsNull(v)) {
		r->kinds[i] = SG_FIELD_NULL;
	} else if (cJSON_IsBool(v)) {
		r->kinds[i] = SG_FIELD_BOOL;
		r->values[i] = cJSON_IsTrue(v) ? "true" : "false";
		r->lens[i] = cJSON_IsTrue(v) ? 4 : 5;
	} else if (cJSON_IsNumber(v)) {
		r->kinds[i] = SG_FIELD_NUMBER;
		if (!isfinite(v->valuedouble)) {
			sg_rec_err(rec, (long)i, "number out of range");
			return;
		}
		r->lens[i] = format_number(num, v->valuedouble);
		r->values[i] = num;
	} else if (cJSON_IsString(v)) {
		r->kinds[i] = SG_FIELD_STRING;
		len = strlen(v->valuestring);
		if (len > SG_FIELD_MAX) {
			sg_rec_err(rec, (long)i, FIELD_TOO_LONG);
			return;
		}
		if (!line_ok && !sg_utf8_valid(v->valuestring, len, &bad)) {
			sg_rec_err(rec, (long)i, "invalid UTF-8 at byte %zu",
				bad + 1);
			return;
		}
		r->values[i] = v->valuestring;
		r->lens[i] = len;
	} else {
		r->kinds[i] = SG_FIELD_ABSENT;
		sg_rec_err(rec, (long)i, "nested %s is not a value",
			cJSON_IsArray(v) ? "array" : "object");
	}
}

/*
 * Finds an escaped NUL (\u0000) in a line of valid JSON: backslashes only
 * occur in strings there, and one starts an escape when an odd number of
 * them stand in a row. Returns 1 with the 0-based offset of its backslash
 * in *at, else 0.
 */
static int json_escaped_nul(const char *p, size_t len, size_t *at)
{
	const char *s = p, *end = p + len, *b, *e;

	while ((b = memchr(s, '\\', (size_t)(end - s)))) {
		for (e = b; e < end && *e == '\\'; e++)
			;
		if (((e - b) & 1) && end - e >= 5 && !memcmp(e, "u0000", 5)) {
			*at = (size_t)(e - 1 - p);
			return 1;
		}
		s = e;
	}
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Finds a key that an object has twice (cJSON keeps both). Few keys are
 * compared pairwise; many are sorted, so a line of a million keys costs
 * n log n. Returns the key, or NULL.
 */
static const char *json_duplicate_key(struct sg_reader *r, const cJSON *obj)
{
	const cJSON *a, *b;
	size_t n = 0, i;

	for (a = obj->child; a; a = a->next)
		n++;
	if (n <= 16) {
		for (a = obj->child; a; a = a->next)
			for (b = a->next; b; b = b->next)
				if (!strcmp(a->string, b->string))
					return a->string;
		return NULL;
	}
	if (n > r->keys_cap) {
		r->keys_cap = n;
		r->keys = sg_xrealloc(r->keys, n * sizeof(*r->keys));
	}
	for (a = obj->child, i = 0; a; a = a->next)
		r->keys[i++] = a->string;
	qsort(r->keys, n, sizeof(*r->keys), cmp_key);
	for (i = 1; i < n; i++)
		if (!strcmp(r->keys[i - 1], r->keys[i]))
			return r->keys[i];
	return NULL;
}

/* Reads one JSON Lines record: 1, 0 at the end, or a negative SG_E* code. */
static int jsonl_record(struct sg_reader *r, struct sg_record *rec)
{
	size_t off = 0, len = 0, at, bad = 0, i;
	const cJSON *obj = NULL;
	const char *p, *dup;
	int ret, line_ok = 1;

	cJSON_Delete(r->cur);
	r->cur = NULL;
	for (;;) {
		sg_record_reset(r, rec);
		ret = sg_in_line(r, &off, &len);
		if (ret <= 0)
			return ret;
		if (ret == 2) {
			/* too long: keep its head as raw text, skip it */
			ret = sg_in_skip_line(r);
			if (ret < 0)
				return ret;
			sg_raw_finish(r, rec);
			sg_rec_err(rec, -1, "line longer than %d bytes",
				JSONL_LINE_MAX);
			break;
		}
		p = r->in.buf + off;
		if (is_blank(p, len))
			continue;
		sg_raw_add(r, p, len);
		sg_raw_finish(r, rec);
		/*
		 * A NUL, raw or escaped, would cut the string that holds it
		 * (cJSON's strings end at NUL): the line is rejected instead.
		 */
		switch (sg_utf8_scan((const unsigned char *)p, len, &bad, 1)) {
		case 1:
			line_ok = 0;
			break;
		case 2:
			sg_rec_err(rec, -1, "NUL byte at byte %zu", bad + 1);
			/* the bytes after it are checked value by value */
			line_ok = 0;
			break;
		}
		r->cur = json_parse_line(p, len, &at);
		if (!r->cur)
			sg_rec_err(rec, -1, "invalid JSON at byte %zu", at);
		else if (!cJSON_IsObject(r->cur))
			sg_rec_err(rec, -1, "not a JSON object");
		else
			obj = r->cur;
		if (obj && json_escaped_nul(p, len, &at))
			sg_rec_err(rec, -1, "escaped NUL (\\u0000) at byte %zu",
				at + 1);
		if (obj && (dup = json_duplicate_key(r, obj)))
			sg_rec_err(rec, -1, "key '%.64s' appears twice", dup);
		break;
	}
	for (i = 0; i < r->nbound; i++)
		jsonl_value(r, rec, i,
			    obj ? cJSON_GetObjectItemCaseSensitive(obj,
								   r->names[i])
				: NULL,
			    line_ok);
	/* a bad byte outside the bound values (a key, another value) */
	if (!line_ok)
		sg_rec_err(rec, -1, "invalid UTF-8 at byte %zu", bad + 1);
	return 1;
}

/* Finds the first line that is a JSON object, without consuming input. */
static void jsonl_peek(struct sg_reader *r)
{
	struct sg_in *in = &r->in;
	size_t scan = 0, at;

	if (r->peeked)
		return;
	r->peeked = 1;
	for (;;) {
		char *p = in->buf + in->start + scan;
		size_t avail = in->end - in->start - scan;
		char *nl = memchr(p, '\n', avail);
		size_t len = nl ? (size_t)(nl - p) : avail;
		cJSON *v;
		int ret;

		if (!nl) {
			if (in->end - in->start > PEEK_MAX)
				return;
			ret = sg_in_fill(r);
			if (ret < 0)
				return; /* sg_reader_next reports it */
			if (ret > 0)
				continue;
			if (!len)
				return;
			/* at the end too, in_fill may move or grow the buffer */
			p = in->buf + in->start + scan;
		}
		v = len > JSONL_LINE_MAX ? NULL : json_parse_line(p, len, &at);
		if (cJSON_IsObject(v)) {
			r->peek = v;
			return;
		}
		cJSON_Delete(v);
		if (!nl)
			return;
		scan += len + 1;
	}
}

/* ---- the ops ---- */

/* Room for the text of each bound column's number. */
static int jsonl_bind(struct sg_reader *r, struct sg_diag *diag)
{
	(void)diag;
	r->numtext = sg_xmalloc((r->nbound ? r->nbound : 1) * NUMTEXT_MAX);
	return 0;
}

static int jsonl_has_column(struct sg_reader *r, const char *name)
{
	jsonl_peek(r);
	return r->peek && cJSON_GetObjectItemCaseSensitive(r->peek, name);
}

static const char *jsonl_column(struct sg_reader *r, size_t i)
{
	const cJSON *k;

	jsonl_peek(r);
	for (k = r->peek ? r->peek->child : NULL; k && i; k = k->next)
		i--;
	return k ? k->string : NULL;
}

static void jsonl_close(struct sg_reader *r)
{
	cJSON_Delete(r->cur);
	cJSON_Delete(r->peek);
	free(r->numtext);
	free(r->keys);
}

const struct sg_reader_ops sg_reader_jsonl_ops = {
	.name = "jsonl",
	.format = SG_FORMAT_JSONL,
	.bind = jsonl_bind,
	.next = jsonl_record,
	.has_column = jsonl_has_column,
	.column = jsonl_column,
	.close = jsonl_close,
};
