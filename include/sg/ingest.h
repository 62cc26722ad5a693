/*
 * ingest.h - loading human decision logs into the store.
 *
 * One call of sg_ingest is one transaction over all its files: a crash,
 * a full disk or Ctrl-C in the middle leaves the store as it was. A file
 * already ingested (same SHA-256) is skipped. Bad rows are stored in the
 * rejects table with file, line, column and reason, and counted.
 */
#ifndef SG_INGEST_H
#define SG_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "sg/config.h"
#include "sg/error.h"
#include "sg/store.h"

struct sg_ingest_opts {
	const struct sg_config *cfg;
	long max_rejects;        /* more rejected rows fail the ingest; -1 off */
	double max_rejects_pct;  /* same as a share of rows read, 0..100; <0 off */
	size_t keep_rejects;     /* how many reject messages to keep (5) */
	/* called now and then with the rows and bytes read of one file */
	void (*progress)(void *ctx, const char *file, uint64_t rows,
			 uint64_t bytes, uint64_t size);
	void *progress_ctx;
	/* memory of the sort of a file's rows, bytes a run: past it, sorted
	 * runs go to a temporary file and are merged; 0: the default
	 * (24 MiB; while one run is written, the next fills another) */
	size_t sort_run_bytes;
};

struct sg_ingest_file {
	char *file;              /* as given; "-" is "<stdin>" */
	char sha256[65];
	uint64_t size;
	int skipped;             /* already ingested: nothing was read */
	long prior_batch;        /* when skipped: the batch that has it */
	long batch;              /* the batch row written, else 0 */
	const char *format;
	long rows_read, loaded, corrections, duplicates, rejected, predictions;
	int no_time;             /* the log has no time column: no nights */
};

struct sg_ingest_summary {
	struct sg_ingest_file *files;
	size_t nfiles;
	/* after a failed ingest (rolled back) loaded, corrections and
	 * predictions are 0, in the files too; rows_read, duplicates and
	 * rejected say how far it got and why */
	long rows_read, loaded, corrections, duplicates, rejected, predictions;
	double seconds;
	char **reject_msgs;       /* the first keep_rejects, formatted */
	size_t nreject_msgs;
};

/*
 * Ingests the files (a path, or "-" for standard input) into s with the
 * mapping of opts->cfg->log. Returns 0 (rejected rows are not an error),
 * SG_EUSAGE when a mapped column is missing from a file (before anything
 * is loaded), SG_EDATA when --max-rejects is exceeded or when every row
 * of a file with rows was rejected (everything rolled back), SG_EIO /
 * SG_ESTORE otherwise; diag says why. sum is filled in
 * either case and must be released with sg_ingest_summary_release.
 */
int sg_ingest(struct sg_store *s, const char *const *paths, size_t n,
	      const struct sg_ingest_opts *opts, struct sg_ingest_summary *sum,
	      struct sg_diag *diag);

void sg_ingest_summary_release(struct sg_ingest_summary *sum);

/* Parses a finite number filling the whole string; 0 or -1. */
int sg_parse_number(const char *s, size_t n, double *out);

/* Parses a model's score: a finite number in [0, 1] (a probability, as
 * the exec protocol requires too; a percentage or a logit is refused);
 * 0 or -1. */
int sg_parse_score(const char *s, size_t n, double *out);

/* Whether a text stands for a missing number: "", NA, NaN, null. */
int sg_is_missing(const char *s, size_t n);

#endif
