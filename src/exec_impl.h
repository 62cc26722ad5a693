/*
 * exec_impl.h - private to the exec backend (backend_exec.c, the process
 * and the poll loop; exec_reply.c, the replies and the batch's
 * bookkeeping): their shared state and the functions each calls of the
 * other.
 */
#ifndef SG_EXEC_IMPL_H
#define SG_EXEC_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sg/backend.h"
#include "sg/buf.h"

#define EXEC_STDERR_CAP (64 * 1024)   /* stderr kept: the last 64 KiB */
#define EXEC_WBUF_LOW (64 * 1024)     /* queue requests below this */
#define EXEC_LINE_MAX (16 * 1024 * 1024) /* longest reply line */
#define EXEC_MAX_RESTARTS 3
#define EXEC_EXIT_WAIT_MS 1000        /* grace before SIGKILL */
#define EXEC_READ_TICK_MS 50          /* how often to look what it read */

enum req_state { REQ_UNSENT = 0, REQ_OUT, REQ_DONE };

struct exec_req {
	int st;          /* enum req_state */
	uint64_t end;    /* stream offset just past its request line */
	double t_sent;   /* ms, when its line was queued */
	double t_read;   /* ms, when the child had read it, or 0 */
	size_t chain;    /* next index + 1 with the same hash, or 0 */
	char *label;     /* owned, handed out until the next score call */
	char *error;     /* owned, likewise */
};

struct exec_state {
	char **argv;            /* NULL-terminated copy of the command */
	char **keys;            /* per feature: "\"name\": " */
	size_t nfeatures;
	double timeout_s;
	size_t inflight;
	pid_t pid;              /* 0: no process */
	int in, out, err;       /* our pipe ends, -1 when closed */
	int wdead;              /* writing to the child failed */
	struct sg_buf wbuf;     /* queued request bytes, from woff */
	size_t woff;
	uint64_t wqueued;       /* bytes queued to this child */
	uint64_t wtotal;        /* bytes written to this child */
	uint64_t consumed;      /* bytes the child has read */
	double t_progress;      /* ms, when it last read or answered */
	double t_spawn;         /* ms, when this process was started */
	double t_ready;         /* ms, when it first read its input, or 0 */
	double startup_ms;      /* the first process's t_ready - t_spawn */
	struct sg_buf rbuf;     /* reply bytes not yet a whole line */
	struct sg_buf errtext;  /* the tail of the child's stderr */
	int restarts;           /* restarts since the last answer */
	struct exec_req *req;   /* the current batch */
	size_t nreq;
	size_t *bucket;         /* hash of case ids: index + 1, or 0 */
	size_t nbucket;
};

/* One score call. */
struct batch {
	struct exec_state *s;
	size_t n;
	const char *const *ids;
	const double *x;
	struct sg_pred *out;
	size_t next;      /* no unsent request below this index */
	size_t oldest;    /* no outstanding request below this index */
	size_t unread;    /* every request below this index was read */
	size_t nout;      /* requests queued and not answered */
	size_t ndone;
	int over;         /* the rest of the batch has failed */
};

/* ---- backend_exec.c ---- */

/* The monotonic clock, in ms. */
double sg_exec_now_ms(void);

/*
 * Ends the child: waits up to grace_ms for it to exit on its own, then
 * kills its process group; closes the pipes. Returns the wait status, or
 * -1 when it had to be killed after the grace (or there was no child).
 */
int sg_exec_end_child(struct exec_state *s, long grace_ms);

/* ---- exec_reply.c ---- */

/* Case i's id; "" for a NULL one. */
const char *sg_exec_case_id(const struct batch *b, size_t i);

/* Records case i as finished: an error (msg != NULL) or the reply held in
 * out[i] already. Its latency runs from its request to now. */
void sg_exec_finish(struct batch *b, size_t i, const char *msg);

/* Fails every case not yet finished (state `which`, or all if -1). */
void sg_exec_fail_all(struct batch *b, int which, const char *msg);

/* Starts the clock of the requests the child has read since last time. */
void sg_exec_mark_read(struct batch *b);

/* Kills the child after a timeout or a protocol error (see exec_reply.c). */
void sg_exec_restart(struct batch *b, const char *msg, int progress);

/* Reads the batch's replies until the pipe would block. Returns 0, 1 when the child
 * closed its output, 2 after a protocol error. */
int sg_exec_read_batch(struct batch *b);

/* Builds the case id hash for a batch. */
void sg_exec_index_batch(struct batch *b);

/* Frees the strings handed out by the last batch. */
void sg_exec_release_batch(struct exec_state *s);

#endif
