/*
 * backend_exec.h - the exec backend's reply parser on its own, for the
 * fuzzing harness and tests; not part of the library's interface.
 */
#ifndef SG_BACKEND_EXEC_H
#define SG_BACKEND_EXEC_H

#include <stddef.h>

#include "sg/backend.h"

/*
 * Reads fd (a file, read to its end) as the replies of a model asked for
 * the n cases case_ids, every request sent and read, and handles each
 * line as a score call would: out[0..n) is filled as sg_backend_exec's
 * score fills it (a case that got no reply keeps label NULL, error NULL).
 * No process is started. fd is closed, by a protocol error or by
 * sg_exec_replies_free(*state), which frees what out[] points into.
 * Returns 1 at the end of the text, 2 after a protocol error (a garbled
 * line, a reply for a case not asked; the model would be restarted then),
 * or 0 when fd would block.
 */
int sg_exec_read_replies(void **state, int fd, size_t n,
			 const char *const *case_ids, struct sg_pred *out);

/* Frees the state of sg_exec_read_replies. Accepts NULL. */
void sg_exec_replies_free(void *state);

#endif
