/*
 * intern.h - interning strings into dense ids (intern.c): open addressing
 * over copies, for the report's tables and the store's dictionary of
 * segments strings.
 */
#ifndef SG_INTERN_H
#define SG_INTERN_H

#include <stddef.h>
#include <stdint.h>

/* A slot of the open addressing: what a lookup compares, in one place. */
struct islot {
	uint64_t hash;
	const char *s;   /* the copy, t->s[id - 1] */
	size_t len;
	int id;          /* id + 1, 0 = empty */
};

struct intern {
	char **s;        /* NUL-terminated copies */
	size_t *len;
	uint64_t *hash;
	size_t n, cap;
	struct islot *slot;
	size_t nslot;    /* a power of two */
};

uint64_t sg_fnv1a(const char *s, size_t n);
int sg_intern_find_h(const struct intern *t, const char *s, size_t n,
		     uint64_t h);
uint64_t sg_hash_words(const char *s, size_t n);
int sg_intern_add_h(struct intern *t, const char *s, size_t n, uint64_t h);
int sg_intern_add(struct intern *t, const char *s, size_t n);
void sg_intern_release(struct intern *t);

#endif
