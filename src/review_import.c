/*
 * review_import.c - sg_review_import: reviewers' verdicts from CSV or JSON
 * Lines (the record readers of reader.h: quoted fields, CRLF, a byte-order
 * mark) or from Label Studio's JSON export (an array of tasks, read task
 * by task so a problem names its line), each stored on the batch case it
 * belongs to (store_review.c). A row that cannot be used is rejected with
 * its file, line and column, and the import carries on.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>

#include "review_impl.h"
#include "sg/reader.h"

struct imp {
	struct sg_store *s;
	const char *path, *reviewer;
	void (*reject)(void *ctx, const struct sg_diag *why);
	void *ctx;
	struct sg_review_import_info *info;
	char now[32];
};

static void reject(struct imp *im, long line, long col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void reject(struct imp *im, long line, long col, const char *fmt, ...)
{
	struct sg_diag d;
	char msg[sizeof(d.msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sg_diag_clear(&d);
	sg_diag_set(&d, im->path, line, col, "%s", msg);
	im->info->rejected++;
	if (im->reject)
		im->reject(im->ctx, &d);
}

/* A batch number ("" or NULL: any batch) into *b; -1 when not one. */
static int parse_batch(const char *t, long long *b)
{
	char *end;
	long long v;

	*b = 0;
	if (!t || !*t)
		return 0;
	errno = 0;
	v = strtoll(t, &end, 10);
	if (errno || *end || v <= 0)
		return -1;
	*b = v;
	return 0;
}

/*
 * One verdict row: stored, or rejected with line and the columns of
 * case_id and reviewer (0 when unknown). An empty verdict is a case not
 * reviewed yet: counted, not stored, not rejected.
 */
static int one_verdict(struct imp *im, long line, const char *case_id,
		       long case_col, const char *verdict,
		       const char *reviewer, long reviewer_col,
		       const char *note, long long batch, struct sg_diag *diag)
{
	struct sg_review_target t;
	struct sg_review_verdict v;
	int changed, ret;

	im->info->rows++;
	if (!case_id || !*case_id) {
		reject(im, line, case_col, "column 'case_id': empty");
		return 0;
	}
	if (!verdict || !*verdict) {
		im->info->blank++;
		return 0;
	}
	if (im->reviewer)
		reviewer = im->reviewer;
	if (!reviewer || !*reviewer) {
		reject(im, line, reviewer_col,
		       "no reviewer for case '%s': give --reviewer or fill "
		       "the reviewer column",
		       case_id);
		return 0;
	}
	ret = sg_store_review_find(im->s, case_id, batch, &t, diag);
	if (ret)
		return ret;
	if (!t.review_case) {
		if (batch > 0)
			reject(im, line, case_col,
			       "case '%s' is not in review batch %lld",
			       case_id, batch);
		else
			reject(im, line, case_col,
			       "case '%s' is in no review batch", case_id);
		return 0;
	}
	v.reviewer = reviewer;
	v.verdict = verdict;
	v.note = note && *note ? note : NULL;
	v.file = im->path;
	v.line = line;
	v.imported_at = im->now;
	ret = sg_store_review_put(im->s, &t, &v, &changed, diag);
	if (ret)
		return ret;
	if (changed)
		im->info->stored++;
	else
		im->info->unchanged++;
	return 0;
}

/* ---- CSV and JSON Lines ---- */

enum { C_CASE, C_VERDICT, C_REVIEWER, C_NOTE, C_BATCH, C_N };

static const char *const col_names[C_N] = {"case_id", "verdict", "reviewer",
					   "note", "batch"};

static int import_records(struct imp *im, struct sg_diag *diag)
{
	struct sg_reader *rd = NULL;
	struct sg_record rec;
	long colno[C_N];
	size_t i, k;
	int ret, csv;

	ret = sg_reader_open(&rd, im->path, SG_FORMAT_GUESS, diag);
	if (ret)
		return ret;
	csv = sg_reader_format(rd) == SG_FORMAT_CSV;
	for (i = 0; i < 2; i++)
		if (!sg_reader_has_column(rd, col_names[i])) {
			sg_diag_set(diag, im->path, csv ? 1 : 0, 0,
				    "no column '%s' (a verdicts file needs "
				    "case_id and verdict)",
				    col_names[i]);
			ret = SG_EDATA;
			goto out;
		}
	/* the 1-based column of each name in a CSV header, for messages */
	for (i = 0; i < C_N; i++) {
		const char *name;

		colno[i] = 0;
		for (k = 0; csv && (name = sg_reader_column(rd, k)); k++)
			if (!strcmp(name, col_names[i]))
				colno[i] = (long)k + 1;
	}
	ret = sg_reader_bind(rd, col_names, C_N, diag);
	if (ret)
		goto out;
	while ((ret = sg_reader_next(rd, &rec, diag)) == 1) {
		long long batch;

		if (rec.err) {
			im->info->rows++;
			if (rec.err_col >= 0)
				reject(im, rec.line, colno[rec.err_col],
				       "column '%s': %s",
				       col_names[rec.err_col], rec.err_msg);
			else
				reject(im, rec.line, 0, "%s", rec.err_msg);
			continue;
		}
		if (parse_batch(rec.values[C_BATCH], &batch)) {
			im->info->rows++;
			reject(im, rec.line, colno[C_BATCH],
			       "column 'batch': '%s' is not a batch number",
			       rec.values[C_BATCH]);
			continue;
		}
		ret = one_verdict(im, rec.line, rec.values[C_CASE],
				  colno[C_CASE], rec.values[C_VERDICT],
				  rec.values[C_REVIEWER], colno[C_REVIEWER],
				  rec.values[C_NOTE], batch, diag);
		if (ret)
			goto out;
	}
out:
	sg_reader_close(rd);
	return ret < 0 ? ret : 0;
}

/* ---- Label Studio's JSON export ---- */

static long line_at(const char *start, const char *p)
{
	long line = 1;

	for (; start < p; start++)
		line += *start == '\n';
	return line;
}

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* The reviewer of an annotation: completed_by's email, else its id. */
static const char *ls_reviewer(const cJSON *ann, char buf[64])
{
	const cJSON *by = get(ann, "completed_by");

	if (cJSON_IsObject(by)) {
		if (cJSON_IsString(get(by, "email")))
			return get(by, "email")->valuestring;
		by = get(by, "id");
	}
	if (cJSON_IsNumber(by)) {
		snprintf(buf, 64, "label-studio user %.0f", by->valuedouble);
		return buf;
	}
	if (cJSON_IsString(by))
		return by->valuestring;
	return NULL;
}

static int ls_task(struct imp *im, const cJSON *task, long line,
		   struct sg_diag *diag)
{
	const cJSON *data = get(task, "data"), *ann;
	const cJSON *cid = get(data, "case_id"), *bt = get(data, "batch");
	long long batch = 0;
	int ret, any = 0;

	if (!cJSON_IsObject(task) || !cJSON_IsObject(data)) {
		im->info->rows++;
		reject(im, line, 0, "a task with no data object");
		return 0;
	}
	if (!cJSON_IsString(cid)) {
		im->info->rows++;
		reject(im, line, 0, "a task with no data.case_id");
		return 0;
	}
	if (cJSON_IsNumber(bt) && bt->valuedouble >= 1 &&
	    bt->valuedouble < 9e15)
		batch = (long long)bt->valuedouble;
	cJSON_ArrayForEach(ann, get(task, "annotations"))
	{
		const cJSON *r, *choice = NULL, *note = NULL;
		char buf[64];

		if (cJSON_IsTrue(get(ann, "was_cancelled")))
			continue;
		cJSON_ArrayForEach(r, get(ann, "result"))
		{
			const cJSON *v = get(r, "value");
			const char *type = cJSON_GetStringValue(get(r, "type"));

			if (!type)
				continue;
			if (!strcmp(type, "choices") && !choice)
				choice = cJSON_GetArrayItem(get(v, "choices"),
							    0);
			else if (!strcmp(type, "textarea") && !note)
				note = cJSON_GetArrayItem(get(v, "text"), 0);
		}
		any = 1;
		ret = one_verdict(im, line, cid->valuestring, 0,
				  cJSON_GetStringValue(choice),
				  ls_reviewer(ann, buf), 0,
				  cJSON_GetStringValue(note), batch, diag);
		if (ret)
			return ret;
	}
	if (!any) {
		im->info->rows++;
		im->info->blank++;
	}
	return 0;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static int import_label_studio(struct imp *im, const char *text, size_t n,
			       struct sg_diag *diag)
{
	const char *p = text, *end = text + n;
	int ret;

	p = skip_ws(p, end);
	if (p == end || *p != '[') {
		sg_diag_set(diag, im->path, line_at(text, p), 0,
			    "not a Label Studio export: expected a JSON array "
			    "of tasks");
		return SG_EDATA;
	}
	p = skip_ws(p + 1, end);
	if (p < end && *p == ']')
		return 0;
	for (;;) {
		const char *after = NULL;
		long line = line_at(text, p);
		cJSON *task = cJSON_ParseWithLengthOpts(p, (size_t)(end - p),
							&after, 0);

		if (!task) {
			const char *at = cJSON_GetErrorPtr();

			if (!at || at < p || at > end)
				at = p;
			sg_diag_set(diag, im->path, line_at(text, at), 0,
				    "invalid JSON in the task that starts on "
				    "line %ld",
				    line);
			return SG_EDATA;
		}
		ret = ls_task(im, task, line, diag);
		cJSON_Delete(task);
		if (ret)
			return ret;
		p = skip_ws(after, end);
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == ']')
			break;
		sg_diag_set(diag, im->path, line_at(text, p), 0,
			    "expected ',' or ']' after a task");
		return SG_EDATA;
	}
	p = skip_ws(p + 1, end);
	if (p != end) {
		sg_diag_set(diag, im->path, line_at(text, p), 0,
			    "text after the array of tasks");
		return SG_EDATA;
	}
	return 0;
}

/*
 * The whole file into *text when it is a JSON array (its first byte after
 * a byte-order mark and blanks is '['); else *text NULL, read as records.
 */
static int read_if_array(const char *path, char **text, size_t *n,
			 struct sg_diag *diag)
{
	FILE *f;
	struct sg_buf b = SG_BUF_INIT;
	char chunk[65536];
	size_t got;
	int c;

	*text = NULL;
	*n = 0;
	if (!strcmp(path, "-"))
		return 0;
	f = fopen(path, "rb");
	if (!f) {
		sg_diag_set(diag, path, 0, 0, "cannot open: %s",
			    strerror(errno));
		return SG_EIO;
	}
	c = getc(f);
	if (c == 0xef && getc(f) == 0xbb && getc(f) == 0xbf)
		c = getc(f);
	while (c == ' ' || c == '\t' || c == '\r' || c == '\n')
		c = getc(f);
	if (c != '[') {
		fclose(f);
		return 0;
	}
	rewind(f);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sg_buf_add(&b, chunk, got);
	if (ferror(f)) {
		sg_diag_set(diag, path, 0, 0, "cannot read: %s",
			    strerror(errno));
		fclose(f);
		sg_buf_release(&b);
		return SG_EIO;
	}
	fclose(f);
	*n = b.len;
	*text = sg_buf_detach(&b);
	if (*n >= 3 && !memcmp(*text, "\xef\xbb\xbf", 3))
		memset(*text, ' ', 3);
	return 0;
}

int sg_review_import(struct sg_store *s, const char *path,
		     const char *reviewer,
		     void (*rej)(void *ctx, const struct sg_diag *why),
		     void *ctx, struct sg_review_import_info *info,
		     struct sg_diag *diag)
{
	struct imp im;
	char *text = NULL;
	size_t n;
	int ret;

	memset(&im, 0, sizeof(im));
	im.s = s;
	im.path = path;
	im.reviewer = reviewer && *reviewer ? reviewer : NULL;
	im.reject = rej;
	im.ctx = ctx;
	im.info = info;
	sg_now_iso(im.now);
	ret = read_if_array(path, &text, &n, diag);
	if (ret)
		return ret;
	ret = sg_store_begin(s, diag);
	if (ret) {
		free(text);
		return ret;
	}
	if (text)
		ret = import_label_studio(&im, text, n, diag);
	else
		ret = import_records(&im, diag);
	free(text);
	if (ret) {
		sg_store_rollback(s);
		return ret;
	}
	return sg_store_commit(s, diag);
}
