/*
 * shape.c - the walker of shape.h's field tables: a struct to JSON, JSON
 * to a struct (lenient about missing members, strict about types), and
 * freeing what reading or building allocated.
 */
#include "sg/shape.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "sg/json.h"

#define AT(p, off) ((char *)(p) + (off))
#define CAT(p, off) ((const char *)(p) + (off))

static int is_inline(const struct sg_shape *sh)
{
	return sh->n == 1 && !sh->f[0].key;
}

static int present(const struct sg_field *f, const void *p)
{
	int v;

	if (!f->present)
		return 1;
	memcpy(&v, CAT(p, f->present - 1), sizeof(v));
	return v;
}

static void *load_ptr(const void *at)
{
	void *v;

	memcpy(&v, at, sizeof(v));
	return v;
}

static void store_ptr(void *at, void *v)
{
	memcpy(at, &v, sizeof(v));
}

/* ---- to JSON ---- */

static cJSON *field_json(const struct sg_field *f, const void *p);

static cJSON *obj_json(const struct sg_shape *sh, const void *p)
{
	cJSON *o;
	size_t i;

	if (is_inline(sh))
		return field_json(&sh->f[0], p);
	o = cJSON_CreateObject();
	for (i = 0; i < sh->n; i++) {
		const struct sg_field *f = &sh->f[i];

		if (present(f, p))
			cJSON_AddItemToObject(o, f->key, field_json(f, p));
	}
	return o;
}

static cJSON *field_json(const struct sg_field *f, const void *p)
{
	const char *at = CAT(p, f->off);
	struct sg_map_any m;
	struct sg_arr_any a;
	cJSON *o;
	size_t i, j;

	switch (f->kind) {
	case SG_K_NUM: {
		double v;

		memcpy(&v, at, sizeof(v));
		return sg_json_num_item(v);
	}
	case SG_K_INT: {
		long long v;

		memcpy(&v, at, sizeof(v));
		return cJSON_CreateNumber((double)v);
	}
	case SG_K_STR: {
		const char *s = load_ptr(at);

		return s ? cJSON_CreateString(s) : cJSON_CreateNull();
	}
	case SG_K_BOOL: {
		int v;

		memcpy(&v, at, sizeof(v));
		return cJSON_CreateBool(v);
	}
	case SG_K_CI: {
		double v[2];

		memcpy(v, at, sizeof(v));
		if ((f->flags & SG_F_NULLABLE) && isnan(v[0]) && isnan(v[1]))
			return cJSON_CreateNull();
		o = cJSON_CreateArray();
		cJSON_AddItemToArray(o, sg_json_num_item(v[0]));
		cJSON_AddItemToArray(o, sg_json_num_item(v[1]));
		return o;
	}
	case SG_K_OBJ:
		return obj_json(f->sub, at);
	case SG_K_PTR: {
		const void *q = load_ptr(at);

		return q ? obj_json(f->sub, q) : cJSON_CreateNull();
	}
	case SG_K_MAP:
		memcpy(&m, at, sizeof(m));
		if (m.null)
			return cJSON_CreateNull();
		o = cJSON_CreateObject();
		for (i = 0; i < m.n; i++)
			cJSON_AddItemToObject(
				o, m.key[i],
				obj_json(f->sub, (char *)m.v + i * f->sub->size));
		return o;
	case SG_K_ARR:
		memcpy(&a, at, sizeof(a));
		if (a.null)
			return cJSON_CreateNull();
		o = cJSON_CreateArray();
		for (i = 0; i < a.n; i++)
			cJSON_AddItemToArray(
				o, obj_json(f->sub, (char *)a.v + i * f->sub->size));
		return o;
	case SG_K_STRS: {
		struct sg_strs s;

		memcpy(&s, at, sizeof(s));
		if (s.null)
			return cJSON_CreateNull();
		o = cJSON_CreateArray();
		for (i = 0; i < s.n; i++)
			cJSON_AddItemToArray(o, s.v[i] ? cJSON_CreateString(s.v[i])
						       : cJSON_CreateNull());
		return o;
	}
	case SG_K_NUMS: {
		struct sg_nums s;

		memcpy(&s, at, sizeof(s));
		if (s.null)
			return cJSON_CreateNull();
		o = cJSON_CreateArray();
		for (i = 0; i < s.n; i++)
			cJSON_AddItemToArray(o, sg_json_num_item(s.v[i]));
		return o;
	}
	case SG_K_MATRIX: {
		struct sg_matrix mx;

		memcpy(&mx, at, sizeof(mx));
		o = cJSON_CreateArray();
		for (i = 0; i < mx.rows; i++) {
			cJSON *row = cJSON_CreateArray();

			for (j = 0; j < mx.cols; j++)
				cJSON_AddItemToArray(
					row, cJSON_CreateNumber(
						     (double)mx.v[i * mx.cols + j]));
			cJSON_AddItemToArray(o, row);
		}
		return o;
	}
	case SG_K_VALUE: {
		struct sg_value v;

		memcpy(&v, at, sizeof(v));
		return v.label ? cJSON_CreateString(v.label)
			       : sg_json_num_item(v.num);
	}
	}
	return cJSON_CreateNull();
}

cJSON *sg_shape_to_json(const struct sg_shape *sh, const void *p)
{
	return obj_json(sh, p);
}

/* ---- from JSON ---- */

/* The path of the member being read, for messages. */
struct path {
	const char *part[32];
	int n;
};

static int fail(struct sg_diag *diag, const struct sg_shape *root,
		const struct path *pa, const char *what)
{
	struct sg_buf b;
	int i;

	sg_buf_init(&b);
	for (i = 0; i < pa->n; i++) {
		if (i)
			sg_buf_addch(&b, '.');
		sg_buf_addstr(&b, pa->part[i]);
	}
	sg_diag_set(diag, NULL, 0, 0, "%s: %s: expected %s", root->name,
		    b.len ? b.buf : "(top)", what);
	sg_buf_release(&b);
	return SG_EDATA;
}

struct rd {
	const struct sg_shape *root;
	struct path pa;
	struct sg_diag *diag;
};

static int field_read(struct rd *rd, const struct sg_field *f, void *p,
		      const cJSON *j);

/* A whole number a double holds exactly (|v| <= 2^53). */
static int is_int(const cJSON *j)
{
	return cJSON_IsNumber(j) && isfinite(j->valuedouble) &&
	       j->valuedouble == floor(j->valuedouble) &&
	       fabs(j->valuedouble) <= 9007199254740992.0;
}

static void nan_fill(const struct sg_shape *sh, void *p)
{
	static const double nan2[2] = { NAN, NAN };
	size_t i;

	for (i = 0; i < sh->n; i++) {
		const struct sg_field *f = &sh->f[i];

		if (f->kind == SG_K_NUM)
			memcpy(AT(p, f->off), nan2, sizeof(double));
		else if (f->kind == SG_K_CI)
			memcpy(AT(p, f->off), nan2, sizeof(nan2));
		else if (f->kind == SG_K_VALUE)
			memcpy(AT(p, f->off) + offsetof(struct sg_value, num),
			       nan2, sizeof(double));
		else if (f->kind == SG_K_OBJ)
			nan_fill(f->sub, AT(p, f->off));
	}
}

static int obj_read(struct rd *rd, const struct sg_shape *sh, void *p,
		    const cJSON *j)
{
	size_t i;
	int ret;

	memset(p, 0, sh->size);
	nan_fill(sh, p);
	if (is_inline(sh))
		return field_read(rd, &sh->f[0], p, j);
	if (!cJSON_IsObject(j))
		return fail(rd->diag, rd->root, &rd->pa, "an object");
	for (i = 0; i < sh->n; i++) {
		const struct sg_field *f = &sh->f[i];
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, f->key);

		if (f->present && v) {
			/* one flag may govern several fields: any of them
			 * there sets it */
			int there = 1;

			memcpy(AT(p, f->present - 1), &there, sizeof(there));
		}
		if (!v)
			continue;
		if (rd->pa.n < 32)
			rd->pa.part[rd->pa.n] = f->key;
		rd->pa.n++;
		ret = field_read(rd, f, p, v);
		rd->pa.n--;
		if (ret)
			return ret;
	}
	return 0;
}

static char *dup_str(const char *s)
{
	return sg_xstrdup(s);
}

/* Room for n elements, as grow() below expects: a power of two. */
static size_t cap_of(size_t n)
{
	size_t c = 1;

	while (c < n)
		c *= 2;
	return c;
}

/*
 * The common start of reading a map (object) or a list (array): 1 when j
 * is null (the container is null), 0 with *n its members, or SG_EDATA
 * when it is of another type (`what` says what was expected).
 */
static int list_open(struct rd *rd, const cJSON *j, int object,
		     const char *what, size_t *n)
{
	const cJSON *e;

	*n = 0;
	if (cJSON_IsNull(j))
		return 1;
	if (object ? !cJSON_IsObject(j) : !cJSON_IsArray(j))
		return fail(rd->diag, rd->root, &rd->pa, what);
	cJSON_ArrayForEach(e, j)
		(*n)++;
	return 0;
}

static int field_read(struct rd *rd, const struct sg_field *f, void *p,
		      const cJSON *j)
{
	char *at = AT(p, f->off);
	int ret = 0;

	switch (f->kind) {
	case SG_K_NUM: {
		double v = NAN;

		if (cJSON_IsNumber(j))
			v = j->valuedouble;
		else if (!cJSON_IsNull(j))
			return fail(rd->diag, rd->root, &rd->pa,
				    "a number or null");
		memcpy(at, &v, sizeof(v));
		return 0;
	}
	case SG_K_INT: {
		long long v;

		if (!is_int(j))
			return fail(rd->diag, rd->root, &rd->pa,
				    "an integer (of at most 2^53)");
		v = (long long)j->valuedouble;
		memcpy(at, &v, sizeof(v));
		return 0;
	}
	case SG_K_STR:
		if (cJSON_IsString(j))
			store_ptr(at, dup_str(j->valuestring));
		else if (!cJSON_IsNull(j))
			return fail(rd->diag, rd->root, &rd->pa,
				    "a string or null");
		return 0;
	case SG_K_BOOL: {
		int v;

		if (!cJSON_IsBool(j))
			return fail(rd->diag, rd->root, &rd->pa, "true or false");
		v = cJSON_IsTrue(j);
		memcpy(at, &v, sizeof(v));
		return 0;
	}
	case SG_K_CI: {
		double v[2] = { NAN, NAN };
		int i;

		if (cJSON_IsNull(j)) {
			memcpy(at, v, sizeof(v));
			return 0;
		}
		if (!cJSON_IsArray(j) || cJSON_GetArraySize(j) != 2)
			return fail(rd->diag, rd->root, &rd->pa,
				    "an interval [low, high]");
		for (i = 0; i < 2; i++) {
			const cJSON *e = cJSON_GetArrayItem(j, i);

			if (cJSON_IsNumber(e))
				v[i] = e->valuedouble;
			else if (!cJSON_IsNull(e))
				return fail(rd->diag, rd->root, &rd->pa,
					    "an interval [low, high]");
		}
		memcpy(at, v, sizeof(v));
		return 0;
	}
	case SG_K_OBJ:
		return obj_read(rd, f->sub, at, j);
	case SG_K_PTR: {
		void *q;

		if (cJSON_IsNull(j))
			return 0;
		q = sg_xmalloc(f->sub->size);
		ret = obj_read(rd, f->sub, q, j);
		if (ret) {
			sg_shape_free(f->sub, q);
			free(q);
			return ret;
		}
		store_ptr(at, q);
		return 0;
	}
	case SG_K_MAP: {
		struct sg_map_any m;
		const cJSON *e;
		size_t n = 0;

		memset(&m, 0, sizeof(m));
		if ((ret = list_open(rd, j, 1, "an object", &n)) != 0) {
			m.null = ret > 0;
			memcpy(at, &m, sizeof(m));
			return ret < 0 ? ret : 0;
		}
		m.key = sg_xmalloc(cap_of(n) * sizeof(*m.key));
		m.v = sg_xmalloc(cap_of(n) * f->sub->size);
		cJSON_ArrayForEach(e, j) {
			char *el = (char *)m.v + m.n * f->sub->size;

			if (rd->pa.n < 32)
				rd->pa.part[rd->pa.n] = e->string;
			rd->pa.n++;
			ret = obj_read(rd, f->sub, el, e);
			rd->pa.n--;
			if (ret) {
				sg_shape_free(f->sub, el);
				break;
			}
			m.key[m.n++] = dup_str(e->string ? e->string : "");
		}
		memcpy(at, &m, sizeof(m));
		return ret;
	}
	case SG_K_ARR: {
		struct sg_arr_any a;
		const cJSON *e;
		size_t n = 0;

		memset(&a, 0, sizeof(a));
		if ((ret = list_open(rd, j, 0, "an array", &n)) != 0) {
			a.null = ret > 0;
			memcpy(at, &a, sizeof(a));
			return ret < 0 ? ret : 0;
		}
		a.v = sg_xmalloc(cap_of(n) * f->sub->size);
		cJSON_ArrayForEach(e, j) {
			char *el = (char *)a.v + a.n * f->sub->size;

			ret = obj_read(rd, f->sub, el, e);
			if (ret) {
				sg_shape_free(f->sub, el);
				break;
			}
			a.n++;
		}
		memcpy(at, &a, sizeof(a));
		return ret;
	}
	case SG_K_STRS: {
		struct sg_strs s;
		const cJSON *e;
		size_t n = 0;

		memset(&s, 0, sizeof(s));
		if ((ret = list_open(rd, j, 0, "an array of strings", &n)) != 0) {
			s.null = ret > 0;
			memcpy(at, &s, sizeof(s));
			return ret < 0 ? ret : 0;
		}
		s.v = sg_xmalloc((n ? n : 1) * sizeof(*s.v));
		cJSON_ArrayForEach(e, j) {
			if (!cJSON_IsString(e) && !cJSON_IsNull(e)) {
				ret = fail(rd->diag, rd->root, &rd->pa,
					   "an array of strings");
				break;
			}
			s.v[s.n++] = cJSON_IsString(e) ? dup_str(e->valuestring)
						       : NULL;
		}
		memcpy(at, &s, sizeof(s));
		return ret;
	}
	case SG_K_NUMS: {
		struct sg_nums s;
		const cJSON *e;
		size_t n = 0;

		memset(&s, 0, sizeof(s));
		if ((ret = list_open(rd, j, 0, "an array of numbers", &n)) != 0) {
			s.null = ret > 0;
			memcpy(at, &s, sizeof(s));
			return ret < 0 ? ret : 0;
		}
		s.v = sg_xmalloc((n ? n : 1) * sizeof(*s.v));
		cJSON_ArrayForEach(e, j) {
			if (!cJSON_IsNumber(e) && !cJSON_IsNull(e)) {
				ret = fail(rd->diag, rd->root, &rd->pa,
					   "an array of numbers");
				break;
			}
			s.v[s.n++] = cJSON_IsNumber(e) ? e->valuedouble : NAN;
		}
		memcpy(at, &s, sizeof(s));
		return ret;
	}
	case SG_K_MATRIX: {
		struct sg_matrix mx;
		const cJSON *row, *e;
		size_t i = 0;

		memset(&mx, 0, sizeof(mx));
		if (!cJSON_IsArray(j))
			return fail(rd->diag, rd->root, &rd->pa,
				    "an array of rows");
		mx.rows = (size_t)cJSON_GetArraySize(j);
		row = cJSON_GetArrayItem(j, 0);
		mx.cols = row && cJSON_IsArray(row)
				  ? (size_t)cJSON_GetArraySize(row)
				  : 0;
		if (mx.rows && mx.cols > SIZE_MAX / sizeof(long long) / mx.rows)
			return fail(rd->diag, rd->root, &rd->pa,
				    "a smaller matrix");
		mx.v = sg_xcalloc(mx.rows && mx.cols ? mx.rows * mx.cols : 1,
				  sizeof(*mx.v));
		cJSON_ArrayForEach(row, j) {
			size_t c = 0;

			if (!cJSON_IsArray(row) ||
			    (size_t)cJSON_GetArraySize(row) != mx.cols) {
				ret = fail(rd->diag, rd->root, &rd->pa,
					   "rows of equal length");
				break;
			}
			cJSON_ArrayForEach(e, row) {
				if (!is_int(e) || e->valuedouble < 0) {
					ret = fail(rd->diag, rd->root, &rd->pa,
						   "counts: integers >= 0");
					break;
				}
				mx.v[i * mx.cols + c++] =
					(long long)e->valuedouble;
			}
			if (ret)
				break;
			i++;
		}
		memcpy(at, &mx, sizeof(mx));
		return ret;
	}
	case SG_K_VALUE: {
		struct sg_value v = { NULL, NAN };

		if (cJSON_IsString(j))
			v.label = dup_str(j->valuestring);
		else if (cJSON_IsNumber(j))
			v.num = j->valuedouble;
		else if (!cJSON_IsNull(j))
			return fail(rd->diag, rd->root, &rd->pa,
				    "a label, a number or null");
		memcpy(at, &v, sizeof(v));
		return 0;
	}
	}
	return 0;
}

void sg_shape_init(const struct sg_shape *sh, void *p)
{
	memset(p, 0, sh->size);
	nan_fill(sh, p);
}

int sg_shape_from_json(const struct sg_shape *sh, void *p, const cJSON *j,
		       struct sg_diag *diag)
{
	struct rd rd;
	int ret;

	rd.root = sh;
	rd.pa.n = 0;
	rd.diag = diag;
	ret = obj_read(&rd, sh, p, j);
	if (ret)
		sg_shape_free(sh, p);
	return ret;
}

/* ---- freeing ---- */

static void field_free(const struct sg_field *f, void *p)
{
	char *at = AT(p, f->off);
	size_t i;

	switch (f->kind) {
	case SG_K_STR:
		free(load_ptr(at));
		break;
	case SG_K_OBJ:
		sg_shape_free(f->sub, at);
		return;
	case SG_K_PTR: {
		void *q = load_ptr(at);

		if (q) {
			sg_shape_free(f->sub, q);
			free(q);
		}
		break;
	}
	case SG_K_MAP: {
		struct sg_map_any m;

		memcpy(&m, at, sizeof(m));
		for (i = 0; i < m.n; i++) {
			free(m.key[i]);
			sg_shape_free(f->sub, (char *)m.v + i * f->sub->size);
		}
		free(m.key);
		free(m.v);
		break;
	}
	case SG_K_ARR: {
		struct sg_arr_any a;

		memcpy(&a, at, sizeof(a));
		for (i = 0; i < a.n; i++)
			sg_shape_free(f->sub, (char *)a.v + i * f->sub->size);
		free(a.v);
		break;
	}
	case SG_K_STRS: {
		struct sg_strs s;

		memcpy(&s, at, sizeof(s));
		for (i = 0; i < s.n; i++)
			free(s.v[i]);
		free(s.v);
		break;
	}
	case SG_K_NUMS: {
		struct sg_nums s;

		memcpy(&s, at, sizeof(s));
		free(s.v);
		break;
	}
	case SG_K_MATRIX: {
		struct sg_matrix mx;

		memcpy(&mx, at, sizeof(mx));
		free(mx.v);
		break;
	}
	case SG_K_VALUE: {
		struct sg_value v;

		memcpy(&v, at, sizeof(v));
		free(v.label);
		break;
	}
	default:
		return;
	}
}

void sg_shape_free(const struct sg_shape *sh, void *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < sh->n; i++)
		field_free(&sh->f[i], p);
	memset(p, 0, sh->size);
}

/* ---- building by hand ---- */

/* Room for element n (0-based) of an array grown by powers of two. */
static void *grow(void *v, size_t n, size_t size)
{
	if (n == 0 || (n & (n - 1)) == 0)
		v = sg_xrealloc(v, (n ? 2 * n : 1) * size);
	return v;
}

void *sg_map_add(void *map, size_t size, const char *key)
{
	struct sg_map_any m;
	char *el;

	memcpy(&m, map, sizeof(m));
	m.key = grow(m.key, m.n, sizeof(*m.key));
	m.v = grow(m.v, m.n, size);
	m.key[m.n] = sg_xstrdup(key);
	el = (char *)m.v + m.n * size;
	memset(el, 0, size);
	m.n++;
	memcpy(map, &m, sizeof(m));
	return el;
}

void *sg_arr_add(void *arr, size_t size)
{
	struct sg_arr_any a;
	char *el;

	memcpy(&a, arr, sizeof(a));
	a.v = grow(a.v, a.n, size);
	el = (char *)a.v + a.n * size;
	memset(el, 0, size);
	a.n++;
	memcpy(arr, &a, sizeof(a));
	return el;
}
