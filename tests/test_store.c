#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg/sha256.h"
#include "sg/store.h"
#include "sg/timeutil.h"
#include "src/scan.h"
#include "src/store_impl.h"

static char dbpath[256];

static int setup(void **state)
{
	int fd;

	(void)state;
	snprintf(dbpath, sizeof(dbpath), "/tmp/sg-test-store-XXXXXX");
	fd = mkstemp(dbpath);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(dbpath);
	return 0;
}

static int teardown(void **state)
{
	char p[300];

	(void)state;
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s.lock", dbpath);
	unlink(p);
	return 0;
}

static long count(struct sg_store *s, const char *sql)
{
	sqlite3_stmt *st;
	long n = -1;

	assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * A statement that changes more than 16 MiB of existing pages inside a
 * transaction keeps a statement journal that large; SQLite spills it to a
 * temporary file. With a spill threshold above 128 KiB - 1 (the most the
 * unix VFS writes in one call) that spill failed with SQLITE_FULL,
 * "database or disk is full", on a disk with room to spare.
 */
static void statement_journal_past_16_mib_does_not_fill_the_disk(void **state)
{
	struct sg_store *s = NULL;
	struct sg_diag d;
	int rc;

	(void)state;
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(sqlite3_exec(s->db,
				      "CREATE TABLE big(k INTEGER PRIMARY KEY,"
				      " u INTEGER UNIQUE, x BLOB);"
				      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
				      " SELECT i + 1 FROM n WHERE i < 400)"
				      " INSERT INTO big SELECT i, i,"
				      " zeroblob(60000) FROM n",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sg_store_begin(s, &d), 0);
	/* UNIQUE may abort the UPDATE half-way: a statement journal of
	 * every page it changes, 400 pages of 64 KiB = 25 MiB */
	rc = sqlite3_exec(s->db,
			  "UPDATE big SET u = u + 1000, x = randomblob(60000)",
			  NULL, NULL, NULL);
	assert_string_equal(sqlite3_errstr(rc), sqlite3_errstr(SQLITE_OK));
	assert_int_equal(sg_store_commit(s, &d), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM big WHERE u > 1000"),
			 400);
	sg_store_close(s);
}

static void open_creates_every_table_strict_with_wal(void **state)
{
	struct sg_store *s = NULL;
	struct sg_diag d;
	sqlite3_stmt *st;
	const char *mode;

	(void)state;
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(sg_store_version(s), SG_STORE_VERSION);
	assert_int_equal(count(s, "SELECT count(*) FROM sqlite_schema WHERE "
				  "type = 'table' AND name IN ('cases', "
				  "'decisions', 'ingest_batches', 'rejects', "
				  "'models', 'runs', 'predictions', 'reports', "
				  "'verdicts')"),
			 9);
	/* every table of ours is STRICT */
	assert_int_equal(count(s, "SELECT count(*) FROM pragma_table_list "
				  "WHERE schema = 'main' AND name NOT LIKE "
				  "'sqlite_%' AND strict = 0"),
			 0);
	assert_int_equal(count(s, "PRAGMA foreign_keys"), 1);
	assert_int_equal(sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1,
					    &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	mode = (const char *)sqlite3_column_text(st, 0);
	assert_string_equal(mode, "wal");
	sqlite3_finalize(st);
	sg_store_close(s);
}

static void reopen_keeps_data_and_does_not_migrate_again(void **state)
{
	struct sg_store *s = NULL;
	struct sg_diag d;

	(void)state;
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(sg_store_exec(s,
				       "INSERT INTO models(name, version, "
				       "backend, created_at) VALUES ('m', "
				       "'1', 'logged', 'now')",
				       &d),
			 0);
	sg_store_close(s);
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM models"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM meta WHERE key = "
				  "'created_by'"),
			 1);
	sg_store_close(s);
}

static void newer_store_is_refused_and_left_untouched(void **state)
{
	struct sg_store *s = NULL;
	struct sg_diag d;
	sqlite3 *db;
	char hex1[65], hex2[65];
	uint64_t n1, n2;

	(void)state;
	/* a store "from the future": marked as a store, user_version
	 * beyond ours, rollback journal, a table we do not know */
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE future(x);"
				      "PRAGMA application_id = 1397244999;"
				      "PRAGMA user_version = 99;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sg_sha256_file(dbpath, hex1, &n1, NULL), 0);
	sg_diag_clear(&d);
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), SG_EVERSION);
	assert_null(s);
	assert_non_null(strstr(d.msg, "newer shadowgate"));
	assert_non_null(strstr(d.msg, "99"));
	assert_int_equal(sg_sha256_file(dbpath, hex2, &n2, NULL), 0);
	assert_string_equal(hex1, hex2);
	assert_int_equal(n1, n2);
	/* still a rollback-journal database: nothing switched it to WAL */
	assert_int_equal(access("/dev/null", F_OK), 0);
	{
		char p[300];

		snprintf(p, sizeof(p), "%s-wal", dbpath);
		assert_int_not_equal(access(p, F_OK), 0);
	}
}

/*
 * What version 5 changed, as versions 1 to 4 had it: a case's segments
 * string in the row, no segment_sets, an index of decisions by case.
 */
#define AS_VERSION_4                                                       \
	"ALTER TABLE cases DROP COLUMN segment_set;"                       \
	"ALTER TABLE cases ADD COLUMN segments TEXT;"                      \
	"DROP TABLE segment_sets;"                                         \
	"CREATE INDEX decisions_case ON decisions(case_ref);"

/*
 * A store of schema version 1 (a run recorded, no runs.startup_ms) is
 * brought to version 2 when opened: the run is kept, with no start-up
 * time, and a new one can record one.
 */
static void version_1_store_gets_the_startup_column(void **state)
{
	struct sg_store *s = NULL;
	struct sg_diag d;

	(void)state;
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(sg_store_exec(s,
				       "INSERT INTO models(name, version, "
				       "backend, created_at) VALUES ('m', '1', "
				       "'exec', 'now');"
				       "INSERT INTO runs(model, started_at, "
				       "status) VALUES (1, 'now', 'done');"
				       "ALTER TABLE runs DROP COLUMN startup_ms;"
				       "DROP TABLE review_verdicts;"
				       "DROP TABLE review_cases;"
				       "DROP TABLE review_batches;"
				       /* as version 1 had it (version 4
					* drops it) */
				       "ALTER TABLE cases ADD COLUMN decided_at"
				       " TEXT;" AS_VERSION_4
				       "PRAGMA user_version = 1;",
				       &d),
			 0);
	sg_store_close(s);
	s = NULL;
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(sg_store_version(s), SG_STORE_VERSION);
	assert_int_equal(count(s, "SELECT count(*) FROM runs WHERE "
				  "startup_ms IS NULL"),
			 1);
	assert_int_equal(sg_store_exec(s, "UPDATE runs SET startup_ms = 2000",
				       &d),
			 0);
	assert_int_equal(count(s, "SELECT count(*) FROM runs WHERE "
				  "startup_ms = 2000"),
			 1);
	sg_store_close(s);
}

/*
 * A store of schema version 2 (cases, a model and a report, none of the
 * review tables) is brought to the current version when opened: what it held is
 * kept, and a review batch, its case and a verdict can be stored.
 */
static void version_2_store_gets_the_review_tables(void **state)
{
	struct sg_store *s = NULL;
	struct sg_diag d;

	(void)state;
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(
		sg_store_exec(s,
			      "INSERT INTO ingest_batches VALUES (1, 'x.csv', 0,"
			      " 'x', 'csv', 1, 1, 0, 0, 0, 0, 'now', 'now');"
			      "INSERT INTO cases(case_id, night, batch, line)"
			      " VALUES ('k1', '2026-11-20', 1, 2);"
			      "INSERT INTO models(name, version, backend,"
			      " created_at) VALUES ('m', '1', 'logged', 'now');"
			      "INSERT INTO reports(model, created_at, json)"
			      " VALUES (1, 'now', '{}');"
			      "DROP TABLE review_verdicts;"
			      "DROP TABLE review_cases;"
			      "DROP TABLE review_batches;"
			      /* as version 2 had it (version 4 drops it) */
			      "ALTER TABLE cases ADD COLUMN decided_at TEXT;"
			      AS_VERSION_4
			      "PRAGMA user_version = 2;",
			      &d),
		0);
	sg_store_close(s);
	s = NULL;
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(sg_store_version(s), SG_STORE_VERSION);
	assert_int_equal(count(s, "SELECT count(*) FROM cases"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM reports"), 1);
	assert_int_equal(
		sg_store_exec(s,
			      "INSERT INTO review_batches(model, created_at,"
			      " seed, blind, disagreements, agreements) VALUES"
			      " (1, 'now', '0', 1, 4, 1);"
			      "INSERT INTO review_cases(batch, case_ref,"
			      " stratum, human, model, why, model_side) VALUES"
			      " (1, 1, 1, 'yes', 'no', 'disagreement', 'b');"
			      "INSERT INTO review_verdicts(review_case, batch,"
			      " reviewer, verdict, file, line, imported_at)"
			      " VALUES (1, 1, 'ana', 'no', 'v.csv', 2, 'now');",
			      &d),
		0);
	assert_int_equal(count(s, "SELECT count(*) FROM review_verdicts"), 1);
	/* a second verdict of one reviewer on one case is refused */
	assert_int_not_equal(
		sg_store_exec(s,
			      "INSERT INTO review_verdicts(review_case, batch,"
			      " reviewer, verdict, file, line, imported_at)"
			      " VALUES (1, 1, 'ana', 'yes', 'v.csv', 3, 'now');",
			      &d),
		0);
	sg_store_close(s);
}

/* The hex of blob (n bytes), for comparing with bytes written by hand. */
static void hex(const unsigned char *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02X", b[i]);
	out[2 * n] = '\0';
}

/*
 * Features are packed as decimals m / 10^k where that gives the double
 * back bit for bit; the bytes worked out by hand (tag = 1 + 2k + sign,
 * then m in LEB128, 7 bits a byte, low first):
 *   52      k 0, m 52 = 0x34                      -> 01 34
 *   -2.5    k 1, sign, m 25 = 0x19                -> 04 19
 *   123.456 k 3, m 123456 = 964 * 128 + 64, 964 = 7 * 128 + 68
 *                                                 -> 07 C0 C4 07
 *   0       -> 01 00; -0 (sign) -> 02 00; missing -> 00
 *   1e-22   k 22, m 1                             -> 2D 01
 *   0.1 + 0.2 (0.30000000000000004: 17 digits, m past 2^53), 1e22 (past
 *   2^53), the least subnormal and infinity stay 8-byte doubles (2F).
 */
static void features_pack_to_the_fewest_bytes_and_back_bit_for_bit(void **state)
{
	double v[] = {52, -2.5, 123.456, 0.0, -0.0, NAN, 1e-22, 0.1 + 0.2,
		      1e22, 5e-324, INFINITY, -INFINITY};
	size_t n = sizeof(v) / sizeof(v[0]), got, i;
	unsigned char b[SG_FEATURES_MAX(12)];
	double back[12];
	char h[2 * sizeof(b) + 1];
	size_t len;

	(void)state;
	len = sg_features_pack(v, 7, b);
	hex(b, len, h);
	assert_string_equal(h, "0134041907C0C40701000200002D01");
	len = sg_features_pack(v, n, b);
	assert_int_equal(len, 15 + 5 * 9);
	for (i = 7; i < n; i++)
		assert_int_equal(b[15 + 9 * (i - 7)], 0x2F);
	assert_int_equal(sg_features_unpack(b, len, back, n, &got), 0);
	assert_int_equal(got, n);
	for (i = 0; i < n; i++) {
		if (isnan(v[i]))
			assert_true(isnan(back[i]));
		else
			assert_memory_equal(&back[i], &v[i], sizeof(double));
	}
	/* more values than room, a cut varint, a cut double, a bad tag */
	assert_int_equal(sg_features_unpack(b, len, back, n - 1, &got), -1);
	assert_int_equal(sg_features_unpack("\x07\xC0", 2, back, n, &got), -1);
	assert_int_equal(sg_features_unpack("\x2F\x01\x02", 3, back, n, &got),
			 -1);
	assert_int_equal(sg_features_unpack("\x30", 1, back, n, &got), -1);
}

/*
 * A store of schema version 2 keeps its features as 8-byte doubles and
 * a created_at on every prediction; when opened it is brought to version
 * 3: every prediction keeps its row, and every case keeps its row (its
 * time is its first decision's: the column goes), its
 * features packed (bytes as in the test above: 73000.5 is k 1, m 730005
 * = (5703 * 128) + 21, 5703 = 44 * 128 + 71 -> 03 95 C7 2C) and read back
 * as the same doubles; a case without features stays without.
 */
static void version_2_store_gets_its_features_packed(void **state)
{
	double f[2] = {73000.5, 52}, g[2] = {NAN, 35};
	struct sg_store *s = NULL;
	sqlite3_stmt *st;
	struct sg_diag d;

	(void)state;
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	/* the tables of version 2 that version 4 changed, as they were */
	assert_int_equal(sg_store_exec(s, "PRAGMA foreign_keys = OFF", &d), 0);
	assert_int_equal(
		sg_store_exec(
			s,
			"DROP TABLE predictions; DROP TABLE cases;"
			"DROP TABLE segment_sets;"
			"CREATE INDEX decisions_case ON decisions(case_ref);"
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
			"CREATE UNIQUE INDEX predictions_current ON\n"
			"  predictions(model, case_ref) WHERE is_current = 1;\n"
			"PRAGMA foreign_keys = ON",
			&d),
		0);
	assert_int_equal(sg_store_exec(s,
				       "INSERT INTO ingest_batches(file, size,"
				       " sha256, format, rows_read, loaded,"
				       " corrections, duplicates, rejected,"
				       " predictions, started_at, finished_at)"
				       " VALUES ('a.csv', 1, 'x', 'csv', 3, 3,"
				       " 0, 0, 0, 0, 'now', 'now');"
				       "INSERT INTO feature_sets(names) VALUES"
				       " ('[\"income\",\"age\"]');",
				       &d),
			 0);
	assert_int_equal(sqlite3_prepare_v2(s->db,
					    "INSERT INTO cases(case_id,"
					    " decided_at, night, feature_set,"
					    " features, batch, line) VALUES"
					    " (?1, '2026-11-20T09:00:00Z',"
					    " '2026-11-20', ?2, ?3, 1, ?4)",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, "c1", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, 1);
	sqlite3_bind_blob(st, 3, f, sizeof(f), SQLITE_STATIC);
	sqlite3_bind_int(st, 4, 2);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, "c2", -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, g, sizeof(g), SQLITE_STATIC);
	sqlite3_bind_int(st, 4, 3);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, "c3", -1, SQLITE_STATIC);
	sqlite3_bind_null(st, 2);
	sqlite3_bind_null(st, 3);
	sqlite3_bind_int(st, 4, 4);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sg_store_exec(s,
				       "INSERT INTO models(name, version,"
				       " backend, created_at) VALUES ('m', '1',"
				       " 'logged', 'now');"
				       "INSERT INTO predictions(model, case_ref,"
				       " batch, label, score, is_current,"
				       " created_at) VALUES (1, 1, 1, 'a', 0.5,"
				       " 0, 'then'), (1, 1, 1, 'b', 0.75, 1,"
				       " 'now');"
				       "INSERT INTO decisions(case_ref, rater,"
				       " label, decided_at, is_current, batch,"
				       " line) VALUES (1, 'r1', 'a',"
				       " '2026-11-20T09:00:00Z', 1, 1, 2);"
				       /* version 3 adds the review tables */
				       "DROP TABLE review_verdicts;"
				       "DROP TABLE review_cases;"
				       "DROP TABLE review_batches;"
				       "PRAGMA user_version = 2",
				       &d),
			 0);
	sg_store_close(s);
	s = NULL;

	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(sg_store_version(s), SG_STORE_VERSION);
	assert_int_equal(count(s, "SELECT count(*) FROM cases"), 3);
	assert_int_equal(count(s, "SELECT count(*) FROM cases WHERE"
				  " case_id = 'c1' AND hex(features) ="
				  " '0395C72C0134'"),
			 1);
	assert_int_equal(count(s, "SELECT count(*) FROM cases WHERE"
				  " case_id = 'c2' AND hex(features) = '000123'"),
			 1);
	assert_int_equal(count(s, "SELECT count(*) FROM cases WHERE"
				  " case_id = 'c3' AND features IS NULL"),
			 1);
	assert_int_equal(count(s, "SELECT count(*) FROM cases WHERE"
				  " night = '2026-11-20'"),
			 3);
	/* a case's time is its first decision's, from the same row */
	assert_int_equal(count(s, "SELECT count(*) FROM pragma_table_info"
				  "('cases') WHERE name = 'decided_at'"),
			 0);
	assert_int_equal(count(s, "SELECT count(*) FROM cases c JOIN decisions"
				  " d ON d.case_ref = c.id AND d.batch ="
				  " c.batch AND d.line = c.line WHERE c.case_id"
				  " = 'c1' AND d.decided_at ="
				  " '2026-11-20T09:00:00Z'"),
			 1);
	/* the predictions keep their rows, times and current one; a new
	 * one from a log may leave created_at to its batch */
	assert_int_equal(count(s, "SELECT count(*) FROM predictions WHERE"
				  " (id, label, score, is_current, created_at)"
				  " IN (VALUES (1, 'a', 0.5, 0, 'then'),"
				  " (2, 'b', 0.75, 1, 'now'))"),
			 2);
	assert_int_equal(sg_store_exec(s,
				       "INSERT INTO predictions(model, case_ref,"
				       " batch, label, is_current) VALUES"
				       " (1, 2, 1, 'a', 1)",
				       &d),
			 0);
	assert_int_not_equal(sg_store_exec(s,
					   "INSERT INTO predictions(model,"
					   " case_ref, label, is_current)"
					   " VALUES (1, 3, 'a', 1)",
					   &d),
			     0);
	assert_int_not_equal(sg_store_exec(s,
					   "INSERT INTO predictions(model,"
					   " case_ref, batch, label, is_current,"
					   " created_at) VALUES (1, 1, 1, 'c', 1,"
					   " 'now')",
					   &d),
			     0); /* one current prediction per model and case */
	assert_int_equal(sqlite3_prepare_v2(s->db,
					    "SELECT features FROM cases"
					    " WHERE case_id = 'c1'",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	{
		double back[2];
		size_t n;

		assert_int_equal(sg_features_unpack(sqlite3_column_blob(st, 0),
						    (size_t)sqlite3_column_bytes(
							    st, 0),
						    back, 2, &n),
				 0);
		assert_int_equal(n, 2);
		assert_memory_equal(back, f, sizeof(f));
	}
	sqlite3_finalize(st);
	sg_store_close(s);
}

/* sg_scan_case_row's callback: keeps the case's segments string */
static void keep_segments(void *ctx, const struct sg_scan_case *c)
{
	char *out = ctx;

	snprintf(out, 64, "%.*s", c->segments ? (int)c->segments_len : 4,
		 c->segments ? c->segments : "NULL");
}

/*
 * A store of schema version 4 keeps each case's segments string in its
 * row; opened, it is brought to version 5: one row of segment_sets per
 * distinct string, numbered in the order the cases first have it (east
 * in c1 = 1, west in c2 = 2), each case pointing to its string's row, a
 * case without segments to none; every case reads back its own string;
 * decisions_case is gone, and the readings by case still use an index.
 */
static void version_4_store_gets_a_dictionary_of_segments(void **state)
{
	struct sg_store *s = NULL;
	struct sg_diag d;
	char seg[64];

	(void)state;
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(
		sg_store_exec(
			s,
			AS_VERSION_4
			"INSERT INTO ingest_batches VALUES (1, 'x.csv', 0,"
			" 'x', 'csv', 4, 4, 0, 0, 0, 0, 'now', 'now');"
			"INSERT INTO cases(case_id, night, segments, batch, line)"
			" VALUES ('c1', '2026-11-20', '{\"region\":\"east\"}', 1, 2),"
			" ('c2', '2026-11-20', '{\"region\":\"west\"}', 1, 3),"
			" ('c3', '2026-11-21', '{\"region\":\"east\"}', 1, 4),"
			" ('c4', '2026-11-21', NULL, 1, 5);"
			"INSERT INTO decisions(case_ref, rater, label, decided_at,"
			" is_current, batch, line) VALUES"
			" (1, 'r', 'a', '2026-11-20T09:00:00Z', 1, 1, 2);"
			"PRAGMA user_version = 4;",
			&d),
		0);
	sg_store_close(s);
	s = NULL;
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(sg_store_version(s), SG_STORE_VERSION);
	assert_int_equal(count(s, "SELECT count(*) FROM segment_sets"), 2);
	assert_int_equal(count(s, "SELECT count(*) FROM segment_sets WHERE"
				  " (id, segments) IN (VALUES"
				  " (1, '{\"region\":\"east\"}'),"
				  " (2, '{\"region\":\"west\"}'))"),
			 2);
	assert_int_equal(count(s, "SELECT count(*) FROM cases WHERE"
				  " (case_id, segment_set) IN (VALUES ('c1', 1),"
				  " ('c2', 2), ('c3', 1))"),
			 3);
	assert_int_equal(count(s, "SELECT count(*) FROM cases WHERE"
				  " case_id = 'c4' AND segment_set IS NULL"),
			 1);
	assert_int_equal(count(s, "SELECT count(*) FROM pragma_table_info"
				  "('cases') WHERE name = 'segments'"),
			 0);
	assert_int_equal(count(s, "SELECT count(*) FROM sqlite_schema WHERE"
				  " name = 'decisions_case'"),
			 0);
	assert_int_equal(count(s, "SELECT count(*) FROM decisions"), 1);
	assert_int_equal(sg_scan_case_row(s, 3, keep_segments, seg, &d), 0);
	assert_string_equal(seg, "{\"region\":\"east\"}");
	assert_int_equal(sg_scan_case_row(s, 2, keep_segments, seg, &d), 0);
	assert_string_equal(seg, "{\"region\":\"west\"}");
	assert_int_equal(sg_scan_case_row(s, 4, keep_segments, seg, &d), 0);
	assert_string_equal(seg, "NULL");
	sg_store_close(s);
}

/* A new segments string and a case of batch 1 at line that has it. */
static void put_case_with_segments(struct sg_store *s, const char *cid,
				   int line, const char *segments)
{
	char sql[512];
	struct sg_diag d;

	snprintf(sql, sizeof(sql),
		 "INSERT INTO segment_sets(segments) VALUES ('%s');"
		 "INSERT INTO cases(case_id, night, segment_set, batch, line)"
		 " VALUES ('%s', '2026-11-20', last_insert_rowid(), 1, %d);",
		 segments, cid, line);
	assert_int_equal(sg_store_exec(s, sql, &d), 0);
}

/*
 * A reading inside a transaction that rolls back may have loaded a
 * segments string the rollback takes away; the next string stored gets
 * the same id (the largest plus one), and a case with it must read the
 * new string, not the one the store had loaded.
 */
static void rolled_back_segments_strings_are_forgotten(void **state)
{
	struct sg_store *s = NULL;
	struct sg_diag d;
	char seg[64];

	(void)state;
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(sg_store_exec(s,
				       "INSERT INTO ingest_batches VALUES (1,"
				       " 'x.csv', 0, 'x', 'csv', 1, 1, 0, 0, 0,"
				       " 0, 'now', 'now');",
				       &d),
			 0);
	assert_int_equal(sg_store_begin(s, &d), 0);
	put_case_with_segments(s, "c1", 2, "{\"region\":\"gone\"}");
	assert_int_equal(sg_scan_case_row(s, 1, keep_segments, seg, &d), 0);
	assert_string_equal(seg, "{\"region\":\"gone\"}");
	sg_store_rollback(s);
	put_case_with_segments(s, "c2", 3, "{\"region\":\"kept\"}");
	assert_int_equal(count(s, "SELECT max(id) FROM segment_sets"), 1);
	assert_int_equal(sg_scan_case_row(s, 1, keep_segments, seg, &d), 0);
	assert_string_equal(seg, "{\"region\":\"kept\"}");
	sg_store_close(s);
}

static void not_a_database_is_a_store_error(void **state)
{
	struct sg_store *s = NULL;
	struct sg_diag d;
	FILE *f = fopen(dbpath, "w");

	(void)state;
	assert_non_null(f);
	fputs("case_id,decision\nthis is not sqlite\n", f);
	fclose(f);
	sg_diag_clear(&d);
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), SG_ESTORE);
	assert_null(s);
	assert_non_null(strstr(d.msg, "not a database"));
}

static void second_writer_lock_times_out_with_busy(void **state)
{
	struct sg_store *a = NULL, *b = NULL;
	struct sg_diag d;

	(void)state;
	assert_int_equal(sg_store_open(&a, dbpath, 0, &d), 0);
	assert_int_equal(sg_store_open(&b, dbpath, 0, &d), 0);
	assert_int_equal(sg_store_lock(a, 100, &d), 0);
	sg_diag_clear(&d);
	assert_int_equal(sg_store_lock(b, 200, &d), SG_EBUSY);
	assert_non_null(strstr(d.msg, "busy"));
	sg_store_unlock(a);
	assert_int_equal(sg_store_lock(b, 200, &d), 0);
	sg_store_close(a);
	sg_store_close(b);
}

static void rollback_leaves_nothing(void **state)
{
	struct sg_store *s = NULL;
	struct sg_diag d;

	(void)state;
	assert_int_equal(sg_store_open(&s, dbpath, 0, &d), 0);
	assert_int_equal(sg_store_begin(s, &d), 0);
	assert_int_equal(sg_store_exec(s,
				       "INSERT INTO models(name, version, "
				       "backend, created_at) VALUES ('m', "
				       "'1', 'logged', 'now')",
				       &d),
			 0);
	sg_store_rollback(s);
	assert_int_equal(count(s, "SELECT count(*) FROM models"), 0);
	sg_store_close(s);
	sg_store_close(NULL);
}

static void sha256_fips_examples(void)
{
	/* FIPS 180-2 appendix B.1, B.2 and B.3, and the empty message */
	struct sg_sha256 c;
	char hex[65], a[1000];
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	sg_sha256_init(&c);
	sg_sha256_update(&c, "abc", 3);
	sg_sha256_final(&c, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
	sg_sha256_init(&c);
	for (size_t i = 0; i < strlen(two); i++)
		sg_sha256_update(&c, two + i, 1);
	sg_sha256_final(&c, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039"
				 "a33ce45964ff2167f6ecedd419db06c1");
	sg_sha256_init(&c);
	sg_sha256_final(&c, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
				 "27ae41e4649b934ca495991b7852b855");
	/* one million 'a', in chunks of 1000 (whole blocks and a tail) */
	memset(a, 'a', sizeof(a));
	sg_sha256_init(&c);
	for (int i = 0; i < 1000; i++)
		sg_sha256_update(&c, a, sizeof(a));
	sg_sha256_final(&c, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
				 "f1809a48a497200e046d39ccc7112cd0");
}

static void sha256_matches_fips_180_examples(void **state)
{
	(void)state;
	sg_sha256_hardware(0);
	sha256_fips_examples();
	/* the processor's SHA instructions, where it has them */
	if (sg_sha256_hardware(1))
		sha256_fips_examples();
}

/*
 * Where the processor has SHA instructions, they give the portable code's
 * digest for every length around the block size and every way of feeding
 * the bytes in (one call, or pieces of 1 to 97 bytes).
 */
static void sha256_hardware_matches_portable(void **state)
{
	unsigned char data[700];
	char want[65], got[65];
	uint32_t x = 2463534242u;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[i] = (unsigned char)x;
	}
	if (!sg_sha256_hardware(1))
		skip(); /* no SHA instructions here: nothing to compare */
	for (size_t n = 0; n <= sizeof(data); n += (n < 200 ? 1 : 37)) {
		for (size_t piece = 1; piece <= 97; piece += 32) {
			struct sg_sha256 c;

			sg_sha256_hardware(0);
			sg_sha256_init(&c);
			sg_sha256_update(&c, data, n);
			sg_sha256_final(&c, want);
			sg_sha256_hardware(1);
			sg_sha256_init(&c);
			for (size_t off = 0; off < n; off += piece)
				sg_sha256_update(&c, data + off,
						 n - off < piece ? n - off
								 : piece);
			sg_sha256_final(&c, got);
			assert_string_equal(got, want);
		}
	}
}

static void time_parse_accepts_iso_forms_and_rejects_bad_dates(void **state)
{
	double e;
	char night[11];
	const char *why;

	(void)state;
	assert_int_equal(sg_time_parse("2026-11-20", 10, &e, night, &why), 0);
	assert_string_equal(night, "2026-11-20");
	/* 2026-11-20T00:00:00Z: `date -u -d 2026-11-20 +%s` */
	assert_true(e == 1795132800.0);
	assert_int_equal(sg_time_parse("2026-11-20T10:30:00+02:00", 25, &e,
				       night, &why),
			 0);
	assert_true(e == 1795132800.0 + 8.5 * 3600);
	assert_int_equal(sg_time_parse("2024-02-29 23:59:59.5Z", 22, &e, night,
				       &why),
			 0);
	assert_int_equal(sg_time_parse("2023-02-29", 10, &e, night, &why), -1);
	assert_string_equal(why, "day out of range");
	assert_int_equal(sg_time_parse("2026-13-01", 10, &e, night, &why), -1);
	assert_int_equal(sg_time_parse("20/11/2026", 10, &e, night, &why), -1);
	assert_int_equal(sg_time_parse("2026-11-20T25:00", 16, &e, night, &why),
			 -1);
	assert_int_equal(sg_time_parse("2026-11-20x", 11, &e, night, &why), -1);
	assert_int_equal(sg_time_parse("", 0, &e, night, &why), -1);
	sg_civil_from_days(sg_days_from_civil(2026, 11, 20) + 11, night);
	assert_string_equal(night, "2026-12-01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			open_creates_every_table_strict_with_wal, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			statement_journal_past_16_mib_does_not_fill_the_disk,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			reopen_keeps_data_and_does_not_migrate_again, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			newer_store_is_refused_and_left_untouched, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			version_1_store_gets_the_startup_column, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			version_2_store_gets_the_review_tables, setup,
			teardown),
		cmocka_unit_test(
			features_pack_to_the_fewest_bytes_and_back_bit_for_bit),
		cmocka_unit_test_setup_teardown(
			version_2_store_gets_its_features_packed, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			version_4_store_gets_a_dictionary_of_segments, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			rolled_back_segments_strings_are_forgotten, setup,
			teardown),
		cmocka_unit_test_setup_teardown(not_a_database_is_a_store_error,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			second_writer_lock_times_out_with_busy, setup,
			teardown),
		cmocka_unit_test_setup_teardown(rollback_leaves_nothing, setup,
						teardown),
		cmocka_unit_test(sha256_matches_fips_180_examples),
		cmocka_unit_test(sha256_hardware_matches_portable),
		cmocka_unit_test(
			time_parse_accepts_iso_forms_and_rejects_bad_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
