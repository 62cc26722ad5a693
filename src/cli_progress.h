/*
 * cli_progress.h - the progress line of ingest and run on a terminal.
 *
 * One line on standard error, redrawn at most a few times a second
 * ("\r" then the text then "erase to the end of the line") and cleared by
 * cli_progress_end. The commands set it up only when standard error is a
 * terminal and --quiet was not given; the library only calls back.
 */
#ifndef SG_CLI_PROGRESS_H
#define SG_CLI_PROGRESS_H

#include <stdint.h>

struct cli_progress {
	double t0;              /* when it started (seconds, monotonic) */
	double t_file;          /* when the current file started */
	double last;            /* when the line was last drawn */
	const char *file;       /* the current file (ingest) */
	double last_seen;       /* its last call back */
	uint64_t base_rows;     /* rows of the files before it */
	uint64_t file_rows;     /* its rows so far */
	int drawn;              /* something is on the line */
};

void cli_progress_start(struct cli_progress *p);

/* The ingest callback: ctx is a struct cli_progress. */
void cli_progress_rows(void *ctx, const char *file, uint64_t rows,
		       uint64_t bytes, uint64_t size);

/* The run callback: ctx is a struct cli_progress. */
void cli_progress_cases(void *ctx, long done, long total);

/* Clears the line, if anything was drawn. */
void cli_progress_end(struct cli_progress *p);

#endif
