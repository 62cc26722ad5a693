/*
 * store_impl.h - the inside of the store, private to its files: the
 * definition of struct sg_store (the SQLite connection, the writer lock,
 * the transaction flag) and the helpers the store's files share to
 * prepare statements and turn SQLite errors into diagnostics.
 *
 * Only the store's files (src/store*.c) include this header; code outside
 * the store asks for what it needs through include/sg/store.h.
 */
#ifndef SG_STORE_IMPL_H
#define SG_STORE_IMPL_H

#include <sqlite3.h>

#include "sg/error.h"
#include "sg/store.h"

struct sg_store {
	sqlite3 *db;
	char *path;
	int lock_fd;   /* the writer lock file, -1 when not held */
	int in_tx;
};

/*
 * Prepares a statement, setting diag on failure. Returns 0 or SG_ESTORE.
 */
int sg_store_prepare(struct sg_store *s, sqlite3_stmt **st, const char *sql,
		     struct sg_diag *diag);

/* Sets diag from the connection's last error: "what: sqlite message". */
int sg_store_error(struct sg_store *s, struct sg_diag *diag, const char *what);

#endif
