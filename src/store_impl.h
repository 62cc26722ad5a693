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

/*
 * The features of a case as cases.features holds them (store_features.c):
 * sg_features_pack writes the n values v in at most SG_FEATURES_MAX(n)
 * bytes at out and returns how many it wrote; the same doubles always
 * give the same bytes, and a NaN is "missing". sg_features_unpack reads
 * them back, bit for bit, into out (room for max values), *n the count.
 * Returns 0, or -1 when the bytes are not such a blob.
 */
#define SG_FEATURES_MAX(n) ((n) * 9)
size_t sg_features_pack(const double *v, size_t n, unsigned char *out);
int sg_features_unpack(const void *blob, size_t len, double *out, size_t max,
		       size_t *n);

/*
 * Registers sg_pack_features(blob) on the connection: the features blob
 * of a store of schema version 2 or less (the doubles as they are) in
 * the current form; NULL stays NULL. The migration to version 3 uses it.
 */
int sg_features_register(sqlite3 *db);

/*
 * The features blob (len bytes) unpacked into scratch, which the result
 * points into (valid until scratch changes); *n the count. NULL when the
 * bytes are not a features blob.
 */
struct sg_buf;
const double *sg_features_read(struct sg_buf *scratch, const void *blob,
			       size_t len, size_t *n);

#endif
