/*
 * store.c - opening, migrating and locking the SQLite store.
 */
#include "sg/store.h"
#include "sg/timeutil.h"
#include "store_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "sg/buf.h"

#define DEFAULT_BUSY_MS 10000

/*
 * The migrations, append-only: migration i brings the schema from version
 * i to i + 1. Never edit one that has shipped; add a new one.
 */
static const char *const migrations[] = {
	/* 0 -> 1: the first schema */
	"CREATE TABLE meta(\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL) STRICT;\n"
	"CREATE TABLE ingest_batches(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  file TEXT NOT NULL,\n"
	"  size INTEGER NOT NULL,\n"
	"  sha256 TEXT NOT NULL UNIQUE,\n"
	"  format TEXT NOT NULL,\n"
	"  rows_read INTEGER NOT NULL,\n"
	"  loaded INTEGER NOT NULL,\n"
	"  corrections INTEGER NOT NULL,\n"
	"  duplicates INTEGER NOT NULL,\n"
	"  rejected INTEGER NOT NULL,\n"
	"  predictions INTEGER NOT NULL,\n"
	"  started_at TEXT NOT NULL,\n"
	"  finished_at TEXT NOT NULL) STRICT;\n"
	"CREATE TABLE feature_sets(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  names TEXT NOT NULL UNIQUE) STRICT;\n"
	"CREATE TABLE cases(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id TEXT NOT NULL UNIQUE,\n"
	"  decided_at TEXT,\n"
	"  night TEXT,\n"
	"  segments TEXT,\n"
	"  feature_set INTEGER REFERENCES feature_sets(id),\n"
	"  features BLOB,\n"
	"  batch INTEGER NOT NULL REFERENCES ingest_batches(id),\n"
	"  line INTEGER NOT NULL) STRICT;\n"
	"CREATE INDEX cases_night ON cases(night);\n"
	"CREATE TABLE decisions(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_ref INTEGER NOT NULL REFERENCES cases(id),\n"
	"  rater TEXT NOT NULL,\n"
	"  label TEXT,\n"
	"  value REAL,\n"
	"  decided_at TEXT,\n"
	"  is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),\n"
	"  batch INTEGER NOT NULL REFERENCES ingest_batches(id),\n"
	"  line INTEGER NOT NULL) STRICT;\n"
	"CREATE UNIQUE INDEX decisions_current ON decisions(case_ref, rater)\n"
	"  WHERE is_current = 1;\n"
	"CREATE INDEX decisions_case ON decisions(case_ref);\n"
	"CREATE TABLE rejects(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  batch INTEGER NOT NULL REFERENCES ingest_batches(id),\n"
	"  file TEXT NOT NULL,\n"
	"  line INTEGER NOT NULL,\n"
	"  column_name TEXT,\n"
	"  reason TEXT NOT NULL,\n"
	"  raw TEXT) STRICT;\n"
	"CREATE TABLE models(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL,\n"
	"  version TEXT NOT NULL,\n"
	"  backend TEXT NOT NULL,\n"
	"  sha256 TEXT,\n"
	"  path TEXT,\n"
	"  labels TEXT,\n"
	"  features TEXT,\n"
	"  created_at TEXT NOT NULL,\n"
	"  UNIQUE(name, version)) STRICT;\n"
	"CREATE TABLE runs(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  model INTEGER NOT NULL REFERENCES models(id),\n"
	"  started_at TEXT NOT NULL,\n"
	"  finished_at TEXT,\n"
	"  status TEXT NOT NULL,\n"
	"  rescore INTEGER NOT NULL DEFAULT 0,\n"
	"  cases INTEGER NOT NULL DEFAULT 0,\n"
	"  scored INTEGER NOT NULL DEFAULT 0,\n"
	"  errors INTEGER NOT NULL DEFAULT 0,\n"
	"  wall_s REAL,\n"
	"  throughput REAL,\n"
	"  p50_ms REAL,\n"
	"  p95_ms REAL,\n"
	"  p99_ms REAL,\n"
	"  latency_method TEXT,\n"
	"  peak_rss_kb INTEGER,\n"
	"  stderr TEXT,\n"
	"  message TEXT) STRICT;\n"
	"CREATE TABLE predictions(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  model INTEGER NOT NULL REFERENCES models(id),\n"
	"  case_ref INTEGER NOT NULL REFERENCES cases(id),\n"
	"  run INTEGER REFERENCES runs(id),\n"
	"  batch INTEGER REFERENCES ingest_batches(id),\n"
	"  label TEXT,\n"
	"  value REAL,\n"
	"  score REAL,\n"
	"  probs BLOB,\n"
	"  latency_ms REAL,\n"
	"  error TEXT,\n"
	"  is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),\n"
	"  created_at TEXT NOT NULL) STRICT;\n"
	"CREATE UNIQUE INDEX predictions_current ON predictions(model, case_ref)\n"
	"  WHERE is_current = 1;\n"
	"CREATE TABLE reports(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  model INTEGER REFERENCES models(id),\n"
	"  since TEXT,\n"
	"  until TEXT,\n"
	"  created_at TEXT NOT NULL,\n"
	"  json TEXT NOT NULL) STRICT;\n"
	"CREATE TABLE verdicts(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  report INTEGER REFERENCES reports(id),\n"
	"  model INTEGER REFERENCES models(id),\n"
	"  policy TEXT NOT NULL,\n"
	"  verdict TEXT NOT NULL CHECK (verdict IN ('go', 'no-go', 'insufficient')),\n"
	"  reason TEXT NOT NULL,\n"
	"  checks TEXT NOT NULL,\n"
	"  created_at TEXT NOT NULL) STRICT;\n",
	/* 1 -> 2: an exec model's start-up time, kept out of the latencies */
	"ALTER TABLE runs ADD COLUMN startup_ms REAL;\n",
	/* 2 -> 3: review batches, the cases they drew, reviewers' verdicts */
	"CREATE TABLE review_batches(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  model INTEGER NOT NULL REFERENCES models(id),\n"
	"  created_at TEXT NOT NULL,\n"
	"  seed TEXT NOT NULL,\n"
	"  since TEXT,\n"
	"  until TEXT,\n"
	"  blind INTEGER NOT NULL CHECK (blind IN (0, 1)),\n"
	"  disagreements INTEGER NOT NULL,\n"
	"  agreements INTEGER NOT NULL) STRICT;\n"
	"CREATE TABLE review_cases(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  batch INTEGER NOT NULL REFERENCES review_batches(id),\n"
	"  case_ref INTEGER NOT NULL REFERENCES cases(id),\n"
	"  stratum INTEGER NOT NULL,\n"
	"  human TEXT NOT NULL,\n"
	"  model TEXT NOT NULL,\n"
	"  why TEXT NOT NULL CHECK (why IN ('disagreement', 'agreement')),\n"
	"  model_side TEXT NOT NULL CHECK (model_side IN ('a', 'b')),\n"
	"  UNIQUE(batch, case_ref)) STRICT;\n"
	"CREATE INDEX review_cases_case ON review_cases(case_ref);\n"
	"CREATE TABLE review_verdicts(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  review_case INTEGER NOT NULL REFERENCES review_cases(id),\n"
	"  batch INTEGER NOT NULL REFERENCES review_batches(id),\n"
	"  reviewer TEXT NOT NULL,\n"
	"  verdict TEXT NOT NULL,\n"
	"  note TEXT,\n"
	"  file TEXT NOT NULL,\n"
	"  line INTEGER NOT NULL,\n"
	"  imported_at TEXT NOT NULL,\n"
	"  UNIQUE(review_case, reviewer)) STRICT;\n",
	/* 3 -> 4: features packed, each value in the bytes it needs
	 * (store_features.c); a prediction from a log has no created_at of
	 * its own, its batch's started_at is when; nor has a case, its first
	 * decision's decided_at is when */
	"UPDATE cases SET features = sg_pack_features(features)\n"
	"  WHERE features IS NOT NULL;\n"
	"CREATE TABLE predictions_4(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  model INTEGER NOT NULL REFERENCES models(id),\n"
	"  case_ref INTEGER NOT NULL REFERENCES cases(id),\n"
	"  run INTEGER REFERENCES runs(id),\n"
	"  batch INTEGER REFERENCES ingest_batches(id),\n"
	"  label TEXT,\n"
	"  value REAL,\n"
	"  score REAL,\n"
	"  probs BLOB,\n"
	"  latency_ms REAL,\n"
	"  error TEXT,\n"
	"  is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),\n"
	"  created_at TEXT CHECK (created_at IS NOT NULL OR batch IS NOT NULL))\n"
	"  STRICT;\n"
	"INSERT INTO predictions_4 SELECT id, model, case_ref, run, batch,\n"
	"  label, value, score, probs, latency_ms, error, is_current,\n"
	"  created_at FROM predictions;\n"
	"DROP TABLE predictions;\n"
	"ALTER TABLE predictions_4 RENAME TO predictions;\n"
	"CREATE UNIQUE INDEX predictions_current ON predictions(model, case_ref)\n"
	"  WHERE is_current = 1;\n"
	/* a case's time is its first decision's, stored from the same row */
	"ALTER TABLE cases DROP COLUMN decided_at;\n",
	/* 4 -> 5: a case keeps the id of its segments string, which a log
	 * repeats row after row (store_segments.c); decisions are read by
	 * case through decisions_current only, as every reading is of the
	 * current ones: decisions_case goes */
	"CREATE TABLE segment_sets(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  segments TEXT NOT NULL UNIQUE) STRICT;\n"
	"INSERT INTO segment_sets(segments) SELECT segments FROM cases\n"
	"  WHERE segments IS NOT NULL GROUP BY segments ORDER BY min(id);\n"
	"ALTER TABLE cases ADD COLUMN segment_set INTEGER\n"
	"  REFERENCES segment_sets(id);\n"
	"UPDATE cases SET segment_set = (SELECT g.id FROM segment_sets g\n"
	"  WHERE g.segments = cases.segments) WHERE segments IS NOT NULL;\n"
	"ALTER TABLE cases DROP COLUMN segments;\n"
	"DROP INDEX decisions_case;\n",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

void sg_now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int sg_store_error(struct sg_store *s, struct sg_diag *diag, const char *what)
{
	int code = sqlite3_errcode(s->db);

	sg_diag_set(diag, s->path, 0, 0, "%s: %s", what, sqlite3_errmsg(s->db));
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return SG_EBUSY;
	return SG_ESTORE;
}

int sg_store_meta_set(struct sg_store *s, const char *key, const char *value,
		      const char *what, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	char msg[96];
	int ret, rc;

	ret = sg_store_prepare(s, &st,
			       "INSERT OR REPLACE INTO meta(key, value)"
			       " VALUES(?1, ?2)",
			       diag);
	if (ret)
		return ret;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	snprintf(msg, sizeof(msg), "cannot record %s", what);
	return sg_store_error(s, diag, msg);
}

int sg_store_exec(struct sg_store *s, const char *sql, struct sg_diag *diag)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		int code = sqlite3_errcode(s->db);

		sg_diag_set(diag, s->path, 0, 0, "%s",
			    err ? err : sqlite3_errmsg(s->db));
		sqlite3_free(err);
		return code == SQLITE_BUSY ? SG_EBUSY : SG_ESTORE;
	}
	return 0;
}

int sg_store_prepare(struct sg_store *s, sqlite3_stmt **st, const char *sql,
		     struct sg_diag *diag)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return sg_store_error(s, diag, "cannot prepare a statement");
	}
	return 0;
}

static int read_user_version(struct sg_store *s, int *v, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return sg_store_error(s, diag, "cannot read the store");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return sg_store_error(s, diag, "cannot read the store");
	}
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int sg_store_version(struct sg_store *s)
{
	int v = -1;

	if (read_user_version(s, &v, NULL))
		return -1;
	return v;
}

/* The tables of the first schema: an earlier shadowgate made all of them. */
#define FIRST_TABLES                                                        \
	"'meta', 'ingest_batches', 'feature_sets', 'cases', 'decisions',"   \
	" 'rejects', 'models', 'runs', 'predictions', 'reports', 'verdicts'"
#define NFIRST_TABLES 11

enum store_kind { STORE_EMPTY, STORE_OURS, STORE_UNMARKED };

/*
 * What the file at s is, read without writing anything: STORE_OURS
 * (application_id is SG_STORE_APPLICATION_ID), STORE_EMPTY (no schema,
 * no application id, user_version 0: a new file), STORE_UNMARKED (a store
 * of an earlier shadowgate: no application id, a schema version and all
 * of the first schema's tables). Anything else is refused with SG_ESTORE,
 * a store of a newer shadowgate with SG_EVERSION. *version is the
 * user_version.
 */
static int identify(struct sg_store *s, enum store_kind *kind, int *version,
		    struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	long long app, v, objects, first;

	/* one statement, so one snapshot: another process may be creating
	 * the store meanwhile */
	if (sqlite3_prepare_v2(s->db,
			       "SELECT (SELECT application_id FROM"
			       " pragma_application_id),"
			       " (SELECT user_version FROM pragma_user_version),"
			       " (SELECT count(*) FROM sqlite_master),"
			       " (SELECT count(*) FROM sqlite_master"
			       " WHERE type = 'table' AND name IN ("
			       FIRST_TABLES "))",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return sg_store_error(s, diag, "cannot open the store");
	}
	app = sqlite3_column_int64(st, 0);
	v = sqlite3_column_int64(st, 1);
	objects = sqlite3_column_int64(st, 2);
	first = sqlite3_column_int64(st, 3);
	sqlite3_finalize(st);
	*version = (int)v;
	if (app == SG_STORE_APPLICATION_ID)
		*kind = STORE_OURS;
	else if (!app && !v && !objects)
		*kind = STORE_EMPTY;
	else if (!app && v >= 1 && first == NFIRST_TABLES)
		*kind = STORE_UNMARKED;
	else if (app) {
		sg_diag_set(diag, s->path, 0, 0,
			    "not a shadowgate store: an SQLite database with "
			    "application_id %lld (a store has %d); the file was "
			    "left untouched",
			    app, SG_STORE_APPLICATION_ID);
		return SG_ESTORE;
	} else {
		sg_diag_set(diag, s->path, 0, 0,
			    "not a shadowgate store: an SQLite database without "
			    "shadowgate's tables and mark; the file was left "
			    "untouched");
		return SG_ESTORE;
	}
	if (v > NMIGRATIONS) {
		sg_diag_set(diag, s->path, 0, 0,
			    "the store has schema version %lld, written by a "
			    "newer shadowgate (this one knows up to %d); upgrade "
			    "shadowgate, the store was left untouched",
			    v, NMIGRATIONS);
		return SG_EVERSION;
	}
	return 0;
}

/*
 * Brings the store to the current schema and marks it as shadowgate's,
 * in one write transaction (BEGIN IMMEDIATE waits for another writer up
 * to the busy timeout). What the file is, is looked at again inside it:
 * another process may have created the store since it was opened.
 */
static int migrate(struct sg_store *s, struct sg_diag *diag)
{
	enum store_kind kind;
	char sql[64], now[32];
	int v, ret;

	ret = sg_store_begin(s, diag);
	if (ret)
		return ret;
	ret = identify(s, &kind, &v, diag);
	if (ret)
		goto fail;
	if (kind == STORE_OURS && v == NMIGRATIONS) {
		sg_store_rollback(s);
		return 0;
	}
	for (; v < NMIGRATIONS; v++) {
		ret = sg_store_exec(s, migrations[v], diag);
		if (ret) {
			sg_diag_prefix(diag, "migration %d failed", v + 1);
			goto fail;
		}
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", NMIGRATIONS);
	ret = sg_store_exec(s, sql, diag);
	if (ret)
		goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
		 SG_STORE_APPLICATION_ID);
	ret = sg_store_exec(s, sql, diag);
	if (ret)
		goto fail;
	sg_now_iso(now);
	{
		struct sg_buf b = SG_BUF_INIT;

		sg_buf_addf(&b,
			    "INSERT INTO meta(key, value) VALUES"
			    " ('created_by', 'shadowgate %s'), ('created_at', '%s')"
			    " ON CONFLICT(key) DO NOTHING;"
			    "INSERT INTO meta(key, value) VALUES"
			    " ('migrated_by', 'shadowgate %s')"
			    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			    SG_VERSION, now, SG_VERSION);
		ret = sg_store_exec(s, b.buf, diag);
		sg_buf_release(&b);
		if (ret)
			goto fail;
	}
	return sg_store_commit(s, diag);
fail:
	sg_store_rollback(s);
	return ret;
}

/*
 * Before SQLite starts: no memory statistics (they take a global mutex on
 * every allocation, and shadowgate never reads them).
 *
 * Statement journals keep SQLite's default spill threshold (64 KiB) on
 * purpose. When a statement journal outgrows its threshold, SQLite copies
 * it to a temporary file in chunks of the threshold's size, each in one
 * write call, and the unix VFS writes at most 128 KiB - 1 bytes a call
 * (seekAndWriteFd masks the length with 0x1ffff): a threshold of 16 MiB
 * made that write 0 bytes long, which SQLite reports as SQLITE_FULL,
 * "database or disk is full", with the disk far from full and no failing
 * system call. A multi-row INSERT of random case ids into a store of a
 * few million cases journals more than 16 MiB of index pages and failed
 * so. Ingest now writes in key order (store_ingest_stage.c), so its
 * statements touch few pages and their journals stay small.
 * Too late once SQLite is initialised (by another library in the
 * process): then nothing changes.
 */
static void configure_sqlite(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/*
 * A new, empty store gets 64 KiB pages (before WAL is switched on, after
 * which the page size is fixed): a store holds long runs of rows written in
 * order and read in order, where bigger pages mean fewer page splits and
 * fewer pages to walk. An existing store keeps its page size.
 */
static int new_store_page_size(struct sg_store *s, struct sg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	long long pages = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA page_count", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		pages = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (pages != 0)
		return 0;
	return sg_store_exec(s, "PRAGMA page_size = 65536", diag);
}

#define OPEN_RETRY_MS 20

/*
 * The connection's settings, after identify() has found the file to be a
 * store or empty: a new store's page size, WAL, foreign keys, the cache.
 * Returns SG_EBUSY while another process holds a lock it needs.
 */
static int prepare_connection(struct sg_store *s, struct sg_diag *diag)
{
	enum store_kind kind;
	int ret, v;

	ret = identify(s, &kind, &v, diag);
	if (ret)
		return ret;
	ret = new_store_page_size(s, diag);
	if (!ret)
		ret = sg_store_exec(s,
				    "PRAGMA journal_mode = WAL;"
				    "PRAGMA foreign_keys = ON;"
				    "PRAGMA cache_size = -65536;"
				    "PRAGMA temp_store = FILE;",
				    diag);
	if (ret)
		sg_diag_prefix(diag, "cannot open the store");
	return ret;
}

int sg_store_open(struct sg_store **out, const char *path, int busy_ms,
		  struct sg_diag *diag)
{
	struct sg_store *s;
	double deadline;
	int ret;

	*out = NULL;
	if (busy_ms <= 0)
		busy_ms = DEFAULT_BUSY_MS;
	configure_sqlite();
	s = sg_xcalloc(1, sizeof(*s));
	s->path = sg_xstrdup(path);
	s->lock_fd = -1;
	s->flush_fd = -1;
	/*
	 * NOMUTEX: a connection is used by one thread at a time (the runner
	 * hands it between its threads under its own mutex), so SQLite's
	 * per-connection mutex is only overhead.
	 */
	if (sqlite3_open_v2(path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX,
			    NULL) !=
	    SQLITE_OK) {
		sg_diag_set(diag, path, 0, 0, "cannot open the store: %s",
			    s->db ? sqlite3_errmsg(s->db) : "out of memory");
		ret = SG_ESTORE;
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 0);
	sqlite3_busy_timeout(s->db, busy_ms);
	/*
	 * Look before touching anything: a newer store or a database that is
	 * not a store is left as it is. Switching a new store to WAL takes
	 * an exclusive lock without calling the busy handler, so while
	 * another process creates the same store this is tried again until
	 * the busy timeout has passed, as any other write waits.
	 */
	deadline = sg_monotonic_ms() + busy_ms;
	for (;;) {
		ret = prepare_connection(s, diag);
		if (ret != SG_EBUSY || sg_monotonic_ms() >= deadline)
			break;
		sg_sleep_ms(OPEN_RETRY_MS);
	}
	if (ret)
		goto fail;
	if (sg_features_register(s->db)) {
		ret = sg_store_error(s, diag, "cannot open the store");
		goto fail;
	}
	ret = migrate(s, diag);
	if (ret)
		goto fail;
	*out = s;
	return 0;
fail:
	sg_store_close(s);
	return ret;
}

void sg_store_close(struct sg_store *s)
{
	if (!s)
		return;
	if (s->in_tx)
		sg_store_rollback(s);
	sg_store_unlock(s);
	if (s->db)
		sqlite3_close_v2(s->db);
	if (s->flush_fd >= 0)
		close(s->flush_fd);
	sg_store_segsets_forget(s);
	free(s->path);
	free(s);
}

int sg_store_begin(struct sg_store *s, struct sg_diag *diag)
{
	int ret = sg_store_exec(s, "BEGIN IMMEDIATE", diag);

	if (ret == SG_EBUSY)
		sg_diag_set(diag, s->path, 0, 0,
			    "the store is busy: another shadowgate is writing "
			    "to it; try again when it has finished");
	else if (ret)
		sg_diag_prefix(diag, "cannot begin a transaction");
	if (!ret)
		s->in_tx = 1;
	return ret;
}

int sg_store_commit(struct sg_store *s, struct sg_diag *diag)
{
	int ret = sg_store_exec(s, "COMMIT", diag);

	if (ret) {
		sg_diag_prefix(diag, "cannot commit");
		sg_store_rollback(s);
		return ret;
	}
	s->in_tx = 0;
	return 0;
}

void sg_store_rollback(struct sg_store *s)
{
	if (!s || !s->db)
		return;
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
	/* ids it handed out may come again with other strings */
	sg_store_segsets_forget(s);
}

int sg_store_lock(struct sg_store *s, int wait_ms, struct sg_diag *diag)
{
	struct sg_buf p = SG_BUF_INIT;
	int fd, waited = 0;

	if (s->lock_fd >= 0)
		return 0;
	sg_buf_addf(&p, "%s.lock", s->path);
	fd = open(p.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		sg_diag_set(diag, p.buf, 0, 0, "cannot open the lock file: %s",
			    strerror(errno));
		sg_buf_release(&p);
		return SG_EIO;
	}
	for (;;) {
		if (!flock(fd, LOCK_EX | LOCK_NB))
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			sg_diag_set(diag, p.buf, 0, 0, "cannot lock: %s",
				    strerror(errno));
			close(fd);
			sg_buf_release(&p);
			return SG_EIO;
		}
		if (waited >= wait_ms) {
			sg_diag_set(diag, s->path, 0, 0,
				    "the store is busy: another shadowgate run "
				    "holds its lock (waited %.1f s); try again "
				    "when it has finished",
				    wait_ms / 1000.0);
			close(fd);
			sg_buf_release(&p);
			return SG_EBUSY;
		}
		usleep(50 * 1000);
		waited += 50;
	}
	sg_buf_release(&p);
	s->lock_fd = fd;
	return 0;
}

void sg_store_unlock(struct sg_store *s)
{
	if (!s || s->lock_fd < 0)
		return;
	flock(s->lock_fd, LOCK_UN);
	close(s->lock_fd);
	s->lock_fd = -1;
}

long long sg_store_pragma(struct sg_store *s, const char *name, long long def)
{
	sqlite3_stmt *st = NULL;
	char sql[64];
	long long v = def;

	snprintf(sql, sizeof(sql), "PRAGMA %s", name);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

long long sg_store_cache_shrink(struct sg_store *s, int kib)
{
	long long cache = sg_store_pragma(s, "cache_size", 0);
	char sql[64];

	if (cache) {
		snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d", kib);
		sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	}
	return cache;
}

void sg_store_cache_restore(struct sg_store *s, long long cache)
{
	char sql[64];

	if (!cache)
		return;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = %lld", cache);
	sqlite3_exec(s->db, sql, NULL, NULL, NULL);
}
