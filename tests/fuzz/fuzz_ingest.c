/*
 * fuzz_ingest.c - libFuzzer harness for the whole ingest (sg/ingest.h):
 * the input is a log file (CSV, or JSON Lines when its text starts with
 * '{'; either may be gzip-compressed) ingested into a fresh store in a
 * temporary directory, with a mapping that has one segment and two
 * features. sg_ingest must return 0 or a negative SG_E* code, and a
 * failed ingest must leave no batch behind.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "sg/ingest.h"
#include "sg/store.h"

static char dir[256];
static char db[300], log_csv[300], log_jsonl[300];

static void cleanup(void)
{
	char p[320];

	unlink(db);
	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s.lock", db);
	unlink(p);
	unlink(log_csv);
	unlink(log_jsonl);
}

static void rm_dir(void)
{
	cleanup();
	rmdir(dir);
}

static int init(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/sg-fuzz-ingest-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(db, sizeof(db), "%s/store.db", dir);
	snprintf(log_csv, sizeof(log_csv), "%s/log.csv", dir);
	snprintf(log_jsonl, sizeof(log_jsonl), "%s/log.jsonl", dir);
	atexit(rm_dir);
	return 1;
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
	struct sg_store *s = NULL;
	struct sg_config cfg;
	struct sg_diag d;
	const char *path;
	FILE *f;
	int ret;

	if (!ready)
		ready = init();
	cleanup();
	path = looks_jsonl(data, size) ? log_jsonl : log_csv;
	f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f))
		abort();
	if (sg_store_open(&s, db, 0, &d))
		abort();
	sg_config_init(&cfg);
	sg_strlist_add(&cfg.log.segments, "region");
	sg_strlist_add(&cfg.log.features, "income");
	sg_strlist_add(&cfg.log.features, "age");
	memset(&o, 0, sizeof(o));
	o.cfg = &cfg;
	o.max_rejects = -1;
	o.max_rejects_pct = -1;
	o.keep_rejects = 5;
	ret = sg_ingest(s, &path, 1, &o, &sum, &d);
	if (ret > 0 || ret < SG_EVERSION)
		abort();
	if (ret && (count(s, "SELECT count(*) FROM ingest_batches") != 0 ||
		    count(s, "SELECT count(*) FROM cases") != 0))
		abort(); /* half-written */
	sg_ingest_summary_release(&sum);
	sg_config_release(&cfg);
	sg_store_close(s);
	return 0;
}
