/*
 * intern.c - interning strings into dense ids (struct intern: open
 * addressing over copies), the hashes it uses, and the small sorting
 * helpers of the report's files (sg_sort, sg_bytecmp).
 */
#include "report_impl.h"

/* ---- interning: bytes -> dense id ---- */

uint64_t sg_fnv1a(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

int sg_intern_find_h(const struct intern *t, const char *s, size_t n,
		     uint64_t h)
{
	size_t i;

	if (!t->nslot)
		return -1;
	for (i = h & (t->nslot - 1);; i = (i + 1) & (t->nslot - 1)) {
		const struct islot *e = &t->slot[i];

		if (!e->id)
			return -1;
		if (e->hash == h && e->len == n && !memcmp(e->s, s, n))
			return e->id - 1;
	}
}

static void intern_slot(struct intern *t, size_t id)
{
	size_t j;

	for (j = t->hash[id] & (t->nslot - 1); t->slot[j].id;
	     j = (j + 1) & (t->nslot - 1))
		;
	t->slot[j].hash = t->hash[id];
	t->slot[j].s = t->s[id];
	t->slot[j].len = t->len[id];
	t->slot[j].id = (int)id + 1;
}

static void intern_rehash(struct intern *t)
{
	size_t i;

	t->nslot = t->nslot ? 2 * t->nslot : 64;
	free(t->slot);
	t->slot = sg_xcalloc(t->nslot, sizeof(*t->slot));
	for (i = 0; i < t->n; i++)
		intern_slot(t, i);
}

/*
 * A quicker hash than sg_fnv1a(), eight bytes at a time, for the tables of
 * the pass (labels, segments strings), all of whose lookups go through
 * sg_intern_add_h() with it.
 */
uint64_t sg_hash_words(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w = 0;
	size_t i;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	for (w = 0, i = 0; i < n; i++)
		w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

/* The id of s, whose hash is h, adding it when new. */
int sg_intern_add_h(struct intern *t, const char *s, size_t n, uint64_t h)
{
	int id = sg_intern_find_h(t, s, n, h);

	if (id >= 0)
		return id;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->s = sg_xrealloc(t->s, t->cap * sizeof(*t->s));
		t->len = sg_xrealloc(t->len, t->cap * sizeof(*t->len));
		t->hash = sg_xrealloc(t->hash, t->cap * sizeof(*t->hash));
	}
	id = (int)t->n++;
	t->s[id] = sg_xstrndup(s, n);
	t->len[id] = n;
	t->hash[id] = h;
	if (2 * t->n > t->nslot)
		intern_rehash(t);
	else
		intern_slot(t, (size_t)id);
	return id;
}

/* The id of s, adding it when new. */
int sg_intern_add(struct intern *t, const char *s, size_t n)
{
	return sg_intern_add_h(t, s, n, sg_fnv1a(s, n));
}

void sg_intern_release(struct intern *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->len);
	free(t->hash);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* Byte order of two interned strings (strcmp, but NUL-safe). */
int sg_bytecmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c)
		return c;
	return (an > bn) - (an < bn);
}

/* qsort, which must not be given a NULL array even when n is 0. */
void sg_sort(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}
