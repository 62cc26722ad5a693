/*
 * store_segments.c - the dictionary of segments strings (segment_sets):
 * a case keeps the id of its segments string (cases.segment_set), not the
 * string, which a log repeats on row after row ({"region":"east"} in 18
 * bytes, its id in one). The ingest finds or adds a string's id
 * (sg_segset_map_id); the store's readers take a case's string back from
 * the whole dictionary held in memory (sg_store_segsets_load, then
 * sg_store_segset_text): a lookup of an array, not a search of a table per
 * case.
 *
 * Rows of segment_sets are only ever added, in a transaction of their
 * ingest; ids come from SQLite as the largest plus one. A rolled-back
 * ingest may have handed out ids that a later one hands out again with
 * other strings, so the store forgets what it loaded when a transaction
 * rolls back (sg_store_rollback).
 */
#include <stdlib.h>
#include <string.h>

#include "sg/buf.h"
#include "intern.h"
#include "store_impl.h"

/* the ingest's map holds at most this many strings, then starts again */
#define SEGSET_MAP_MAX 65536

int sg_segset_map_id(struct sg_store *s, struct sg_segset_map *m,
		     const char *text, size_t n, long long *id,
		     struct sg_diag *diag)
{
	uint64_t h = sg_hash_words(text, n);
	int k = sg_intern_find_h(&m->t, text, n, h);
	int rc;

	if (k >= 0) {
		*id = m->id[k];
		return 0;
	}
	if (!m->get &&
	    (sg_store_prepare(s, &m->get,
			      "SELECT id FROM segment_sets WHERE segments = ?1",
			      diag) ||
	     sg_store_prepare(s, &m->ins,
			      "INSERT INTO segment_sets(segments) VALUES (?1)",
			      diag)))
		return SG_ESTORE;
	sqlite3_bind_text(m->get, 1, text, (int)n, SQLITE_STATIC);
	rc = sqlite3_step(m->get);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(m->get, 0);
	sqlite3_reset(m->get);
	if (rc == SQLITE_DONE) {
		sqlite3_bind_text(m->ins, 1, text, (int)n, SQLITE_STATIC);
		rc = sqlite3_step(m->ins);
		sqlite3_reset(m->ins);
		if (rc != SQLITE_DONE)
			return sg_store_error(s, diag,
					      "cannot store a segments string");
		*id = sqlite3_last_insert_rowid(s->db);
	} else if (rc != SQLITE_ROW) {
		return sg_store_error(s, diag,
				      "cannot look up a segments string");
	}
	if (m->t.n >= SEGSET_MAP_MAX) {
		/* a log of ever new strings: keep the map's memory bounded */
		sg_intern_release(&m->t);
		memset(&m->t, 0, sizeof(m->t));
	}
	k = sg_intern_add_h(&m->t, text, n, h);
	if ((size_t)k >= m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->id = sg_xrealloc(m->id, m->cap * sizeof(*m->id));
	}
	m->id[k] = *id;
	return 0;
}

void sg_segset_map_release(struct sg_segset_map *m)
{
	sqlite3_finalize(m->get);
	sqlite3_finalize(m->ins);
	sg_intern_release(&m->t);
	free(m->id);
	memset(m, 0, sizeof(*m));
}

int sg_store_segsets_load(struct sg_store *s, struct sg_diag *diag)
{
	struct sg_store_segsets *g = &s->segsets;
	sqlite3_stmt *st = NULL;
	int ret, rc;

	ret = sg_store_prepare(s, &st,
			       "SELECT id, segments FROM segment_sets"
			       " WHERE id > ?1 ORDER BY id",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)g->n);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *t = (const char *)sqlite3_column_text(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);

		if (id < 1 || !t)
			continue;
		if ((size_t)id > g->cap) {
			size_t cap = g->cap ? g->cap : 16;

			while (cap < (size_t)id)
				cap *= 2;
			g->text = sg_xrealloc(g->text, cap * sizeof(*g->text));
			g->len = sg_xrealloc(g->len, cap * sizeof(*g->len));
			memset(g->text + g->cap, 0,
			       (cap - g->cap) * sizeof(*g->text));
			memset(g->len + g->cap, 0,
			       (cap - g->cap) * sizeof(*g->len));
			g->cap = cap;
		}
		free(g->text[id - 1]);
		g->text[id - 1] = sg_xmalloc(len + 1);
		memcpy(g->text[id - 1], t, len + 1);
		g->len[id - 1] = len;
		if ((size_t)id > g->n)
			g->n = (size_t)id;
	}
	if (rc != SQLITE_DONE)
		ret = sg_store_error(s, diag, "cannot read the segments strings");
	sqlite3_finalize(st);
	return ret;
}

const char *sg_store_segset_text(const struct sg_store *s, long long id,
				 size_t *len)
{
	const struct sg_store_segsets *g = &s->segsets;

	*len = 0;
	if (id < 1 || (size_t)id > g->n || !g->text[id - 1])
		return NULL;
	*len = g->len[id - 1];
	return g->text[id - 1];
}

void sg_store_segsets_forget(struct sg_store *s)
{
	struct sg_store_segsets *g = &s->segsets;
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->text[i]);
	free(g->text);
	free(g->len);
	memset(g, 0, sizeof(*g));
}
