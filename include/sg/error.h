/*
 * error.h - result codes and caller-owned diagnostics.
 *
 * Fallible library functions return 0 on success or a negative SG_E* code.
 * Details go into an optional struct sg_diag that the caller owns, so the
 * CLI can print "decisions.csv:17: column 'income': not a number".
 */
#ifndef SG_ERROR_H
#define SG_ERROR_H

#include <stdarg.h>

enum sg_err {
	SG_OK = 0,
	SG_EUSAGE = -1,  /* bad flag, bad config: exit 2 */
	SG_EDATA = -2,   /* bad or unreadable input: exit 3 */
	SG_ESTORE = -3,  /* the SQLite store failed: exit 3 */
	SG_ENOMEM = -4,  /* out of memory: exit 3 */
	SG_EIO = -5,     /* a file could not be read or written: exit 3 */
	SG_EMODEL = -6,  /* a model backend failed: exit 3 */
	SG_EBUSY = -7,   /* the store is locked by another writer: exit 3 */
	SG_EVERSION = -8 /* the store is newer than this program: exit 3 */
};

/*
 * A diagnostic: message plus where. `line` and `col` are 1-based, 0 when
 * unknown; `file` is empty when there is no file. `set` is nonzero once
 * something was written.
 */
struct sg_diag {
	char msg[1024];
	char file[512];
	long line;
	long col;
	int set;
};

/* Clears a diagnostic. Accepts NULL. */
void sg_diag_clear(struct sg_diag *d);

/*
 * Records a message (printf format) with its place. Accepts d == NULL
 * (then does nothing). file may be NULL. Returns nothing: callers return
 * their own SG_E* code after calling it.
 */
void sg_diag_set(struct sg_diag *d, const char *file, long line, long col,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Same, prefixing an existing message: "what: <old message>". */
void sg_diag_prefix(struct sg_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Formats "file:line:col: msg" (parts that are unknown are left out) into
 * buf of size n. Returns buf.
 */
char *sg_diag_format(const struct sg_diag *d, char *buf, unsigned long n);

/* The process exit status for an SG_E* code: 0, 2 or 3. */
int sg_exit_status(int err);

/* A short lower-case name for an SG_E* code ("store error"). */
const char *sg_strerror(int err);

#endif
