/*
 * store_lookup.c - the store's model rows: the one look-up of a model by
 * name and version, and finding or creating a model's row.
 */
#include <stdlib.h>
#include <string.h>

#include "sg/store.h"
#include "store_impl.h"

int sg_store_find_model(struct sg_store *s, const char *name,
			const char *version, long *id, char **sha256,
			struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	*id = 0;
	if (sha256)
		*sha256 = NULL;
	ret = sg_store_prepare(s, &st,
			       "SELECT id, sha256 FROM models"
			       " WHERE name = ?1 AND version = ?2",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *old = (const char *)sqlite3_column_text(st, 1);

		*id = sqlite3_column_int64(st, 0);
		if (sha256 && old) {
			*sha256 = strdup(old);
			if (!*sha256) {
				sg_diag_set(diag, NULL, 0, 0, "out of memory");
				ret = SG_ENOMEM;
			}
		}
	} else if (rc != SQLITE_DONE) {
		ret = sg_store_error(s, diag, "cannot look up the model");
	}
	sqlite3_finalize(st);
	return ret;
}

/* Records the artifact of a model row made without one. */
static int set_artifact(struct sg_store *s, long id, const char *sha256,
			const char *path, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int ret;

	ret = sg_store_prepare(s, &st,
			       "UPDATE models SET sha256 = ?1, path = ?2"
			       " WHERE id = ?3",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sg_store_error(s, diag, "cannot record the model");
	sqlite3_finalize(st);
	return ret;
}

int sg_store_model_id(struct sg_store *s, const char *name,
		      const char *version, const char *backend,
		      const char *sha256, const char *path, long *id,
		      struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	char now[32], *old = NULL;
	int ret;

	ret = sg_store_find_model(s, name, version, id, &old, diag);
	if (ret)
		return ret;
	if (*id) {
		if (sha256 && old && strcmp(old, sha256)) {
			sg_diag_set(diag, path, 0, 0,
				    "model %s@%s was recorded with a different "
				    "artifact (sha256 %.12s..., this file %.12s...); "
				    "a different file is a new version: give it a "
				    "new --model-version",
				    name, version, old, sha256);
			ret = SG_EUSAGE;
		} else if (sha256 && !old) {
			ret = set_artifact(s, *id, sha256, path, diag);
		}
		free(old);
		return ret;
	}
	ret = sg_store_prepare(s, &st,
			       "INSERT INTO models(name, version, backend, sha256,"
			       " path, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			       diag);
	if (ret)
		return ret;
	sg_now_iso(now);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, backend, -1, SQLITE_STATIC);
	if (sha256)
		sqlite3_bind_text(st, 4, sha256, -1, SQLITE_STATIC);
	if (path)
		sqlite3_bind_text(st, 5, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ret = sg_store_error(s, diag, "cannot record the model");
	} else {
		*id = sqlite3_last_insert_rowid(s->db);
		ret = 0;
	}
	sqlite3_finalize(st);
	return ret;
}
