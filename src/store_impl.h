/*
 * store_impl.h - the inside of the store, private to its files: the
 * definition of struct sg_store (the SQLite connection, the writer lock,
 * the transaction flag, the dictionary of segments strings as loaded) and
 * the helpers the store's files share to
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

#include "intern.h"

/* segment_sets as loaded (store_segments.c): text[id - 1], NULL a gap */
struct sg_store_segsets {
	char **text;
	size_t *len;
	size_t n, cap; /* n: the largest id loaded */
};

struct sg_store {
	sqlite3 *db;
	char *path;
	int lock_fd;   /* the writer lock file, -1 when not held */
	/*
	 * The database file, read-only, for the WAL flusher
	 * (store_flush.c), -1 until it is needed: closed only after the
	 * connection, since closing any descriptor of the file drops the
	 * POSIX locks SQLite holds on it.
	 */
	int flush_fd;
	int in_tx;
	struct sg_store_segsets segsets;
};

/*
 * Prepares a statement, setting diag on failure. Returns 0 or SG_ESTORE.
 */
int sg_store_prepare(struct sg_store *s, sqlite3_stmt **st, const char *sql,
		     struct sg_diag *diag);

/* Sets diag from the connection's last error: "what: sqlite message". */
int sg_store_error(struct sg_store *s, struct sg_diag *diag, const char *what);

/*
 * Sets the meta row key to value (inside the caller's transaction);
 * `what` names it in the error ("cannot record WHAT"). Returns 0 or
 * SG_ESTORE.
 */
int sg_store_meta_set(struct sg_store *s, const char *key, const char *value,
		      const char *what, struct sg_diag *diag);

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

/*
 * The dictionary of segments strings (store_segments.c). The ingest's
 * side: sg_segset_map_id gives the id of a segments string, found in the
 * map, else in segment_sets, else added there (inside the ingest's
 * transaction). Returns 0 or SG_ESTORE.
 */
struct sg_segset_map {
	struct intern t;
	long long *id; /* by the map's own id */
	size_t cap;
	sqlite3_stmt *get, *ins;
};
int sg_segset_map_id(struct sg_store *s, struct sg_segset_map *m,
		     const char *text, size_t n, long long *id,
		     struct sg_diag *diag);
void sg_segset_map_release(struct sg_segset_map *m);

/*
 * The readers' side: sg_store_segsets_load reads the strings added since
 * the last load (call it inside the reading's transaction, before its
 * first case); sg_store_segset_text then gives a case's string (NULL for
 * no segments or an id not loaded), valid until the store forgets them:
 * at a rollback (sg_store_segsets_forget) or when it is closed.
 */
int sg_store_segsets_load(struct sg_store *s, struct sg_diag *diag);
const char *sg_store_segset_text(const struct sg_store *s, long long id,
				 size_t *len);
void sg_store_segsets_forget(struct sg_store *s);

/*
 * A helper thread that has the kernel write the WAL out to the disk
 * while a long transaction is still writing it (store_flush.c), so its
 * commit's fsync finds little left to wait for. Start it inside the
 * transaction; NULL when it could not start (the transaction goes on
 * without it). Stop accepts NULL.
 */
struct sg_store_flusher;
struct sg_store_flusher *sg_store_flusher_start(struct sg_store *s);
void sg_store_flusher_stop(struct sg_store_flusher *f);

#endif
