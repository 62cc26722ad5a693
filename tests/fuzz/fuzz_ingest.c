/*
 * fuzz_ingest.c - libFuzzer harness for the whole ingest (sg/ingest.h):
 * the input is a log file (CSV, or JSON Lines when its text starts with
 * '{'; either may be gzip-compressed) ingested with a mapping that has
 * one segment and two features. sg_ingest must return 0 or a negative
 * SG_E* code, and a failed ingest must leave no batch behind.
 *
 * Fast: one store in memory (":memory:"), opened once and emptied
 * before each input by statements prepared once, and the log in a memfd,
 * opened by its /proc path. No file is written.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "sg/ingest.h"
#include "sg/store.h"
#include "../../src/store_impl.h" /* the raw connection */

static struct sg_store *store;
static sqlite3_stmt *reset[64]; /* what empties the store, in order */
static size_t nreset;
static int memfd = -1;
static char log_path[64];

static void add_reset(const char *sql)
{
	if (nreset == sizeof(reset) / sizeof(reset[0]) ||
	    sqlite3_prepare_v2(store->db, sql, -1, &reset[nreset], NULL) !=
		    SQLITE_OK)
		abort();
	nreset++;
}

/*
 * Opens the store, keeps a copy of its meta table, and prepares the
 * statements that empty it again: every table's rows deleted (foreign
 * keys off meanwhile), the meta table put back as it was made.
 */
static int init(void)
{
	struct sg_diag d;
	sqlite3_stmt *st;
	char sql[160];

	if (sg_store_open(&store, ":memory:", 0, &d))
		abort();
	/*
	 * Pages of 4 KiB, not the 64 KiB of a new store: in memory, every
	 * page is a heap block, and a block that large takes malloc's slow
	 * path each time a page is made.
	 */
	if (sqlite3_exec(store->db,
			 "PRAGMA page_size = 4096; VACUUM;"
			 "CREATE TEMP TABLE meta0 AS SELECT * FROM main.meta",
			 NULL, NULL, NULL) != SQLITE_OK)
		abort();
	add_reset("PRAGMA foreign_keys = OFF");
	if (sqlite3_prepare_v2(store->db,
			       "SELECT name FROM main.sqlite_master WHERE "
			       "type = 'table' AND name NOT LIKE 'sqlite_%'",
			       -1, &st, NULL) != SQLITE_OK)
		abort();
	while (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(sql, sizeof(sql), "DELETE FROM main.\"%s\"",
			 (const char *)sqlite3_column_text(st, 0));
		add_reset(sql);
	}
	sqlite3_finalize(st);
	add_reset("INSERT INTO main.meta SELECT * FROM meta0");
	add_reset("PRAGMA foreign_keys = ON");
	memfd = memfd_create("sg-fuzz-ingest", 0);
	if (memfd < 0)
		abort();
	snprintf(log_path, sizeof(log_path), "/proc/self/fd/%d", memfd);
	return 1;
}

/* Empties the store again (see init). */
static void reset_store(void)
{
	size_t i;

	for (i = 0; i < nreset; i++) {
		int rc = sqlite3_step(reset[i]);

		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			abort();
		sqlite3_reset(reset[i]);
	}
}

static void put_log(const uint8_t *data, size_t size)
{
	size_t off = 0;

	if (ftruncate(memfd, 0))
		abort();
	while (off < size) {
		ssize_t n = pwrite(memfd, data + off, size - off, (off_t)off);

		if (n <= 0)
			abort();
		off += (size_t)n;
	}
}

/* Whether the (maybe gzip-compressed) text starts with '{'. */
static int looks_jsonl(const uint8_t *data, size_t size)
{
	unsigned char head[64];
	size_t n = 0;
	z_stream z;

	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, 31) != Z_OK)
			abort();
		z.next_in = (Bytef *)data;
		z.avail_in = (uInt)size;
		z.next_out = head;
		z.avail_out = sizeof(head);
		(void)inflate(&z, Z_SYNC_FLUSH);
		n = sizeof(head) - z.avail_out;
		inflateEnd(&z);
		data = head;
		size = n;
	}
	while (size && (*data == ' ' || *data == '\n' || *data == '\r' ||
			*data == '\t')) {
		data++;
		size--;
	}
	return size && *data == '{';
}

static long count(struct sg_store *s, const char *sql)
{
	sqlite3_stmt *st;
	long n = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		abort();
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct sg_ingest_summary sum;
	struct sg_ingest_opts o;
	struct sg_config cfg;
	struct sg_diag d;
	const char *path = log_path;
	int ret;

	if (!ready)
		ready = init();
	reset_store();
	put_log(data, size);
	sg_config_init(&cfg);
	/* the name says nothing (a /proc path): the format is given */
	sg_config_set_str(&cfg.log.format,
			  looks_jsonl(data, size) ? "jsonl" : "csv");
	sg_strlist_add(&cfg.log.segments, "region");
	sg_strlist_add(&cfg.log.features, "income");
	sg_strlist_add(&cfg.log.features, "age");
	memset(&o, 0, sizeof(o));
	o.cfg = &cfg;
	o.max_rejects = -1;
	o.max_rejects_pct = -1;
	o.keep_rejects = 5;
	ret = sg_ingest(store, &path, 1, &o, &sum, &d);
	if (ret > 0 || ret < SG_EVERSION)
		abort();
	if (ret && (count(store, "SELECT count(*) FROM ingest_batches") != 0 ||
		    count(store, "SELECT count(*) FROM cases") != 0))
		abort(); /* half-written */
	if (store->in_tx)
		abort(); /* a transaction left open */
	sg_ingest_summary_release(&sum);
	sg_config_release(&cfg);
	return 0;
}
