/*
 * store_compare.c - the store's side of comparing two models: the rows
 * of the cases both scored without error, each current human decision
 * with the two predictions, handed to a callback.
 */
#include <string.h>

#include "sg/store.h"
#include "store_impl.h"

static void read_side(sqlite3_stmt *st, int col,
		      struct sg_compare_side *side)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		side->label = NULL;
		side->label_len = 0;
	} else {
		side->label = (const char *)sqlite3_column_text(st, col);
		side->label_len = (size_t)sqlite3_column_bytes(st, col);
	}
	side->has_value = sqlite3_column_type(st, col + 1) != SQLITE_NULL;
	side->value = side->has_value ? sqlite3_column_double(st, col + 1) : 0;
}

int sg_store_compare_rows(struct sg_store *s, long candidate, long incumbent,
			  const char *since, const char *until,
			  int (*row)(void *ctx,
				     const struct sg_compare_row *r),
			  void *ctx, struct sg_diag *diag)
{
	static const char *const sql =
		"SELECT c.id, d.id, d.decided_at, d.label, d.value,"
		" a.label, a.value, b.label, b.value"
		" FROM cases c JOIN decisions d ON d.case_ref = c.id"
		"  AND d.is_current = 1"
		" JOIN predictions a ON a.case_ref = c.id AND a.model = ?1"
		"  AND a.is_current = 1 AND a.error IS NULL"
		" JOIN predictions b ON b.case_ref = c.id AND b.model = ?2"
		"  AND b.is_current = 1 AND b.error IS NULL"
		" WHERE (?3 IS NULL OR c.night >= ?3)"
		" AND (?4 IS NULL OR c.night <= ?4)"
		" ORDER BY c.id";
	sqlite3_stmt *st = NULL;
	struct sg_compare_row r;
	int ret, rc;

	ret = sg_store_prepare(s, &st, sql, diag);
	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, candidate);
	sqlite3_bind_int64(st, 2, incumbent);
	if (since)
		sqlite3_bind_text(st, 3, since, -1, SQLITE_STATIC);
	if (until)
		sqlite3_bind_text(st, 4, until, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.case_ref = sqlite3_column_int64(st, 0);
		r.decision = sqlite3_column_int64(st, 1);
		r.decided_at = (const char *)sqlite3_column_text(st, 2);
		r.decided_len = r.decided_at
					? (size_t)sqlite3_column_bytes(st, 2)
					: 0;
		read_side(st, 3, &r.human);
		read_side(st, 5, &r.candidate);
		read_side(st, 7, &r.incumbent);
		ret = row(ctx, &r);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = sg_store_error(s, diag, "cannot compare the models");
	sqlite3_finalize(st);
	return ret;
}
