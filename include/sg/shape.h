/*
 * shape.h - a typed C struct and its JSON, described once: a table of
 * fields (key, kind, offset) per struct type, from which one walker writes
 * the JSON of a struct (sg_shape_to_json), reads a struct back from JSON
 * (sg_shape_from_json) and frees what reading allocated (sg_shape_free).
 * A key is spelled in one place, so what is written is what is read; a
 * misspelt key fails the round trip instead of reading as "not there".
 *
 * Conventions of the kinds:
 *   SG_K_NUM     double; NaN (an undefined statistic) is JSON null.
 *   SG_K_INT     long long, always a number.
 *   SG_K_STR     char * (owned), NULL is null.
 *   SG_K_BOOL    int, true / false.
 *   SG_K_CI      double[2], [low, high]; with SG_F_NULLABLE the whole
 *                interval is null when both ends are NaN.
 *   SG_K_OBJ     an embedded struct of shape `sub`.
 *   SG_K_PTR     a pointer to a struct of shape `sub` (owned), NULL is null.
 *   SG_K_MAP     struct sg_map-like: an object whose keys are data (labels,
 *                nights, segment values), in the order of the arrays.
 *   SG_K_ARR     struct sg_arr-like: an array of structs of shape `sub`.
 *   SG_K_STRS    struct sg_strs: an array of strings.
 *   SG_K_NUMS    struct sg_nums: an array of numbers (NaN is null).
 *   SG_K_MATRIX  struct sg_matrix: an array of rows of integers.
 *   SG_K_VALUE   struct sg_value: a label (a string) or a number.
 * Containers (map, array, strings, numbers) carry `null`: nonzero writes
 * JSON null. With SG_F_NULLABLE an SG_K_OBJ... is not allowed; use SG_K_PTR.
 *
 * A shape whose only field has a NULL key is "inline": its JSON is the
 * JSON of that field, not an object (a map whose values are maps).
 *
 * A field with `present` set (offsetof of an int in the same struct, + 1)
 * is written only when that int is nonzero, and reading sets it when the
 * key is there (several fields may share one int: any of them sets it). Reading is lenient about missing keys (a report
 * stored by an older version lacks newer fields: they read as null, 0 or
 * empty) and strict about types: a member of the wrong type is an error
 * naming its path.
 */
#ifndef SG_SHAPE_H
#define SG_SHAPE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "sg/error.h"

enum sg_kind {
	SG_K_NUM,
	SG_K_INT,
	SG_K_STR,
	SG_K_BOOL,
	SG_K_CI,
	SG_K_OBJ,
	SG_K_PTR,
	SG_K_MAP,
	SG_K_ARR,
	SG_K_STRS,
	SG_K_NUMS,
	SG_K_MATRIX,
	SG_K_VALUE
};

#define SG_F_NULLABLE 1

struct sg_shape;

struct sg_field {
	const char *key;             /* NULL: the inline field of its shape */
	enum sg_kind kind;
	size_t off;
	const struct sg_shape *sub;  /* OBJ, PTR, MAP, ARR: the element */
	int flags;
	size_t present;              /* 0, or offsetof(int) + 1 */
};

struct sg_shape {
	const char *name;            /* for messages */
	size_t size;                 /* sizeof the struct */
	const struct sg_field *f;
	size_t n;
};

/* A map's layout: every SG_MAP(T) has these members in this order. */
#define SG_MAP(T)                                                          \
	{                                                                  \
		size_t n;                                                  \
		char **key;                                                \
		T *v;                                                      \
		int null;                                                  \
	}

#define SG_ARR(T)                                                          \
	{                                                                  \
		size_t n;                                                  \
		T *v;                                                      \
		int null;                                                  \
	}

struct sg_map_any SG_MAP(void);
struct sg_arr_any SG_ARR(void);
struct sg_strs SG_ARR(char *);
struct sg_nums SG_ARR(double);

struct sg_matrix {
	size_t rows, cols;
	long long *v;                /* rows * cols, row by row */
};

struct sg_value {
	char *label;                 /* a label, else ... */
	double num;                  /* ... a number (NaN: null) */
};

#define SG_FIELD(S, k, kind, m) { k, kind, offsetof(S, m), NULL, 0, 0 }
#define SG_FIELDS(S, k, kind, m, sub) { k, kind, offsetof(S, m), sub, 0, 0 }

/* The JSON of the struct at p; NULL only when out of memory. */
cJSON *sg_shape_to_json(const struct sg_shape *sh, const void *p);

/*
 * Fills the struct at p (zeroed first) from j, an object of that shape.
 * Returns 0, or SG_EDATA with diag naming the member's path ("report:
 * outputs.error_rate: expected a number or null"); on error what was read
 * is freed and *p is zero.
 */
int sg_shape_from_json(const struct sg_shape *sh, void *p, const cJSON *j,
		       struct sg_diag *diag);

/* The struct at p as reading {} leaves it: zeroed, its numbers and
 * intervals (and those of its embedded structs) NaN. Allocates nothing. */
void sg_shape_init(const struct sg_shape *sh, void *p);

/* Frees what the struct at p owns (not p itself) and zeroes it. */
void sg_shape_free(const struct sg_shape *sh, void *p);

/* For building a struct by hand: a map's next entry (key copied), zeroed;
 * an array's next element, zeroed. The container grows as needed. */
void *sg_map_add(void *map, size_t size, const char *key);
void *sg_arr_add(void *arr, size_t size);

#endif
