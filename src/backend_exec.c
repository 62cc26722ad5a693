/*
 * backend_exec.c - the `exec` backend: a model in any language, run as a
 * child process and spoken to over pipes in JSON Lines.
 *
 * shadowgate writes one request a line,
 *
 *   {"case_id": "c17", "features": {"income": 5200, "age": null}}
 *
 * (a missing or infinite feature is null) and the program answers one line
 * per request, in any order, matched by case_id:
 *
 *   {"case_id": "c17", "label": "approve", "score": 0.93}
 *   {"case_id": "c17", "value": 1.5}
 *   {"case_id": "c17", "error": "no such customer"}
 *
 * `score` is optional; other keys are ignored. A label is a string or a
 * finite number, a value a finite number, a score a number in [0, 1]; an
 * answer outside that domain (a score written as a string, 2, -1, 1e400)
 * is an error for its case. Up to `inflight` requests
 * are outstanding at once, and one poll() loop writes requests and reads
 * replies and stderr through non-blocking pipes, so neither side can stall
 * on a full pipe.
 *
 * Failures are recorded against cases, never lost:
 *  - a request not answered within timeout_s of the model reading it
 *    gets "timeout after N s" (on Linux, FIONREAD on the pipe tells what
 *    the child has read, so requests waiting in the pipe do not count; elsewhere the clock starts when the request is
 *    written); the process (its whole process group) is killed, the
 *    other requests it had read get an error, and a new process serves
 *    the rest, starting with the requests the old one never read;
 *  - a process that neither reads nor answers for timeout_s while
 *    requests wait (its start-up counts: the timeout is the one the user
 *    set, with no floor) is stalled: the first waiting request gets
 *    "timeout after N s: the model process did not read its request", and
 *    the process is restarted likewise;
 *  - a line that is not a JSON object with a string case_id, or a reply
 *    for a case that is not outstanding, is a protocol error: the
 *    outstanding requests get "garbled reply: <first 80 bytes>" (or
 *    "reply for case 'x', which was not asked") and the process is
 *    restarted;
 *  - when the process exits, the outstanding and unsent cases of the batch
 *    get "model process exited with status N" (or "killed by signal N"),
 *    and the next score call starts a new one.
 * Three restarts in a row without an answer in between end the batch:
 * the remaining cases get an error and are not sent. The count goes on
 * from one score call to the next, so a model that answers nothing
 * costs one timeout in each batch after that, not three. A case's latency runs
 * from queueing its request to reading its reply (or its error); it is
 * NaN for a case that was never sent. The program's start-up is not part
 * of it: a request queued before the process first read its input is
 * timed from that first read, and the time from starting the first
 * process to that read is its start-up time (startup_ms).
 *
 * The child runs in its own process group (so a wrapper shell and what it
 * started are killed together), with SIGPIPE at its default and an empty
 * signal mask; all our descriptors are close-on-exec. SIGPIPE is blocked
 * in this thread while a batch is scored, so a dead child shows as EPIPE.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "backend_exec.h"
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

const struct sg_backend_ops sg_backend_exec;
static void update_consumed(struct exec_state *s);

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Appends what the child wrote on stderr, keeping the last 64 KiB. */
static void keep_stderr(struct exec_state *s, const char *p, size_t n)
{
	struct sg_buf *e = &s->errtext;

	sg_buf_add(e, p, n);
	if (e->len > 2 * EXEC_STDERR_CAP) {
		memmove(e->buf, e->buf + e->len - EXEC_STDERR_CAP,
			EXEC_STDERR_CAP);
		e->len = EXEC_STDERR_CAP;
		e->buf[e->len] = '\0';
	}
}

/* Reads the child's stderr until it would block. */
static void drain_stderr(struct exec_state *s)
{
	char tmp[16384];
	ssize_t r;

	while (s->err >= 0) {
		r = read(s->err, tmp, sizeof(tmp));
		if (r > 0) {
			keep_stderr(s, tmp, (size_t)r);
		} else if (r < 0 && errno == EINTR) {
			continue;
		} else {
			if (r == 0 || errno != EAGAIN)
				close_fd(&s->err);
			break;
		}
	}
}

/* Moves fd to a number >= 3, keeping it close-on-exec. Returns 0 or -1. */
static int fd_above_stdio(int *fd)
{
	int n;

	if (*fd > 2)
		return 0;
	n = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	if (n < 0)
		return -1;
	close(*fd);
	*fd = n;
	return 0;
}

/*
 * Starts the command with pipes on its stdin, stdout and stderr. Returns
 * 0, or SG_EMODEL with diag set when it cannot be started (no such
 * program, say).
 */
static int spawn_child(struct exec_state *s, struct sg_diag *diag)
{
	int p[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, pipeset;
	int i, e, ret = SG_EMODEL;
	pid_t pid;

	for (i = 0; i < 3; i++) {
		if (pipe2(p[i], O_CLOEXEC)) {
			sg_diag_set(diag, NULL, 0, 0, "cannot start model "
				    "process: pipe: %s", strerror(errno));
			goto out;
		}
	}
	/* the child's ends must not already be 0, 1 or 2 */
	if (fd_above_stdio(&p[0][0]) || fd_above_stdio(&p[1][1]) ||
	    fd_above_stdio(&p[2][1])) {
		sg_diag_set(diag, NULL, 0, 0, "cannot start model process: "
			    "fcntl: %s", strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0][0], 0);
	posix_spawn_file_actions_adddup2(&fa, p[1][1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[2][1], 2);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&pipeset);
	sigaddset(&pipeset, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &pipeset);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETPGROUP);
	e = posix_spawnp(&pid, s->argv[0], &fa, &attr, s->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (e) {
		sg_diag_set(diag, NULL, 0, 0, "cannot start model process "
			    "'%s': %s", s->argv[0], strerror(e));
		goto out;
	}
	s->pid = pid;
	s->in = p[0][1];
	s->out = p[1][0];
	s->err = p[2][0];
	p[0][1] = p[1][0] = p[2][0] = -1;
	fcntl(s->in, F_SETFL, fcntl(s->in, F_GETFL) | O_NONBLOCK);
	fcntl(s->out, F_SETFL, fcntl(s->out, F_GETFL) | O_NONBLOCK);
	fcntl(s->err, F_SETFL, fcntl(s->err, F_GETFL) | O_NONBLOCK);
	s->wdead = 0;
	sg_buf_reset(&s->wbuf);
	s->woff = 0;
	s->wqueued = s->wtotal = s->consumed = 0;
	s->t_progress = now_ms();
	s->t_spawn = s->t_progress;
	s->t_ready = 0;
	sg_buf_reset(&s->rbuf);
	ret = 0;
out:
	for (i = 0; i < 3; i++) {
		close_fd(&p[i][0]);
		close_fd(&p[i][1]);
	}
	return ret;
}

/* The reason a process with wait status `st` ended, in buf. */
static const char *status_text(int st, char *buf, size_t n)
{
	if (WIFEXITED(st))
		snprintf(buf, n, "model process exited with status %d",
			 WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, n, "model process killed by signal %d",
			 WTERMSIG(st));
	else
		snprintf(buf, n, "model process ended with wait status %d",
			 st);
	return buf;
}

/*
 * Ends the child: with grace_ms > 0 waits that long for it to exit on its
 * own, then kills its process group. Closes the pipes, keeps what it
 * wrote on stderr. Returns the wait status, or -1 when it had to be
 * killed after the grace (or there was no child).
 */
static int end_child(struct exec_state *s, long grace_ms)
{
	int st = -1, got = 0;
	long waited = 0, step = 1;
	pid_t r;

	if (!s->pid)
		goto out;
	while (waited < grace_ms) {
		r = waitpid(s->pid, &st, WNOHANG);
		if (r == s->pid || (r < 0 && errno != EINTR)) {
			got = r == s->pid;
			break;
		}
		drain_stderr(s);
		sleep_ms(step);
		waited += step;
		if (step < 20)
			step *= 2;
	}
	/* the group too: what a wrapper script started */
	kill(-s->pid, SIGKILL);
	if (!got) {
		kill(s->pid, SIGKILL);
		while ((r = waitpid(s->pid, &st, 0)) < 0 && errno == EINTR)
			;
		if (grace_ms > 0 || r != s->pid)
			st = -1;
	}
	s->pid = 0;
out:
	drain_stderr(s);
	close_fd(&s->in);
	close_fd(&s->out);
	close_fd(&s->err);
	sg_buf_reset(&s->wbuf);
	s->woff = 0;
	sg_buf_reset(&s->rbuf);
	return st;
}

static size_t hash_id(const char *id)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ULL;
	return (size_t)h;
}

static const char *case_id(const struct batch *b, size_t i)
{
	return b->ids[i] ? b->ids[i] : "";
}

/*
 * Records case i as finished: an error (msg != NULL) or the reply held in
 * out[i] already. Its latency runs from its request to now.
 */
static void finish(struct batch *b, size_t i, const char *msg)
{
	struct exec_req *r = &b->s->req[i];
	struct sg_pred *o = &b->out[i];

	if (r->st == REQ_DONE)
		return;
	if (r->st == REQ_OUT) {
		/* a reply means it has read: note its start-up first */
		if (!b->s->t_ready)
			update_consumed(b->s);
		o->latency_ms = now_ms() - (r->t_sent > b->s->t_ready ?
					    r->t_sent : b->s->t_ready);
		b->nout--;
	} else {
		o->latency_ms = NAN;
	}
	if (msg) {
		free(r->label);
		r->label = NULL;
		r->error = sg_xstrdup(msg);
		o->label = NULL;
		o->value = NAN;
		o->score = NAN;
		o->error = r->error;
	}
	r->st = REQ_DONE;
	b->ndone++;
}

/* Fails every case not yet finished (state `which`, or all if -1). */
static void fail_all(struct batch *b, int which, const char *msg)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->s->req[i].st != REQ_DONE &&
		    (which < 0 || b->s->req[i].st == which))
			finish(b, i, msg);
	if (which < 0)
		b->over = 1;
}

/*
 * Notes how much of what was written the child has read: all of it,
 * less what still waits in the pipe (FIONREAD works on either end of a
 * Linux pipe; where it fails, written counts as read).
 */
static void update_consumed(struct exec_state *s)
{
	uint64_t c = s->wtotal;
	int q;

	if (s->in >= 0 && !ioctl(s->in, FIONREAD, &q) && q >= 0 &&
	    (uint64_t)q <= c)
		c -= (uint64_t)q;
	if (c > s->consumed) {
		s->consumed = c;
		s->t_progress = now_ms();
		if (!s->t_ready) {
			/* its first read: it has started */
			s->t_ready = s->t_progress;
			if (isnan(s->startup_ms))
				s->startup_ms = s->t_ready - s->t_spawn;
		}
	}
}

/* Starts the clock of the requests the child has read since last time. */
static void mark_read(struct batch *b)
{
	struct exec_state *s = b->s;
	struct exec_req *r;
	double now = now_ms();

	update_consumed(s);
	for (; b->unread < b->next; b->unread++) {
		r = &s->req[b->unread];
		if (r->st != REQ_OUT)
			continue;
		if (r->end > s->consumed)
			break;
		if (!r->t_read)
			r->t_read = now;
	}
}

/*
 * Kills the child after a timeout or a protocol error. Requests it never
 * read go back to be sent again; the others outstanding get msg.
 * Ends the batch after too many restarts in a row, or when no case
 * failed (`progress` is 0 and nothing was outstanding), since a new
 * process would fail the same way without the batch moving on.
 */
static void restart(struct batch *b, const char *msg, int progress)
{
	struct exec_state *s = b->s;
	size_t i, failed = 0;
	char why[600];

	update_consumed(s);
	end_child(s, 0);
	for (i = b->oldest; i < b->n; i++) {
		struct exec_req *r = &s->req[i];

		if (r->st != REQ_OUT)
			continue;
		if (r->end > s->consumed) {
			r->st = REQ_UNSENT;
			b->nout--;
			if (i < b->next)
				b->next = i;
		} else {
			finish(b, i, msg);
			failed++;
		}
	}
	b->unread = b->next;
	if (!failed && !progress) {
		fail_all(b, -1, msg);
		return;
	}
	if (++s->restarts >= EXEC_MAX_RESTARTS) {
		snprintf(why, sizeof(why), "not sent: model process failed %d "
			 "times in a row, last: %.500s", s->restarts, msg);
		fail_all(b, -1, why);
	}
}

/* Index of the outstanding request for id, or -1. */
static long find_out(const struct batch *b, const char *id, int *seen)
{
	const struct exec_state *s = b->s;
	size_t i = s->bucket[hash_id(id) & (s->nbucket - 1)];

	*seen = 0;
	for (; i; i = s->req[i - 1].chain) {
		if (strcmp(case_id(b, i - 1), id))
			continue;
		if (s->req[i - 1].st == REQ_OUT)
			return (long)(i - 1);
		if (s->req[i - 1].st == REQ_DONE)
			*seen = 1;
	}
	return -1;
}

/* "garbled reply: " and up to 80 bytes of the line, made printable */
static void garbled(struct batch *b, const char *line, size_t len)
{
	char msg[128];
	size_t i, k = strlen("garbled reply: ");

	memcpy(msg, "garbled reply: ", k);
	for (i = 0; i < len && i < 80; i++)
		msg[k++] = (unsigned char)line[i] < 0x20 ||
			   line[i] == 0x7f ? '?' : line[i];
	msg[k] = '\0';
	restart(b, msg, 0);
}

/* A copy of a label given as a string or a finite number, or NULL. */
static char *label_text(const cJSON *v)
{
	char tmp[40];

	if (cJSON_IsString(v))
		return sg_xstrdup(v->valuestring);
	if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
		snprintf(tmp, sizeof(tmp), "%.15g", v->valuedouble);
		return sg_xstrdup(tmp);
	}
	return NULL;
}

/*
 * Checks a reply's number `key` (a score: lo = 0, hi = 1; a value: no
 * bounds, lo > hi): absent or null gives NAN; a finite number in range
 * gives itself. Anything else (a string, a number that overflows a double
 * such as 1e400, a score outside [0, 1]) returns -1 with the reason in msg.
 */
static int reply_number(const cJSON *j, const char *key, double lo, double hi,
			double *v, char *msg, size_t n)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(j, key);
	char *text;

	*v = NAN;
	if (!it || cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsNumber(it)) {
		text = cJSON_PrintUnformatted(it);
		snprintf(msg, n, "reply has a %s that is not a number: %.80s",
			 key, text ? text : "?");
		free(text);
		return -1;
	}
	if (!isfinite(it->valuedouble)) {
		snprintf(msg, n, "reply has a %s that is not a finite number",
			 key);
		return -1;
	}
	if (lo <= hi && (it->valuedouble < lo || it->valuedouble > hi)) {
		snprintf(msg, n, "reply has a %s of %.17g, outside [%g, %g]", key,
			 it->valuedouble, lo, hi);
		return -1;
	}
	*v = it->valuedouble;
	return 0;
}

/*
 * Handles one reply line. Returns 0, or 1 after a protocol error (the
 * child is gone then).
 */
static int handle_line(struct batch *b, const char *line, size_t len)
{
	const cJSON *id, *v, *e;
	struct exec_req *r;
	struct sg_pred *o;
	cJSON *j;
	char msg[256];
	long i;
	int seen;

	if (len && line[len - 1] == '\r')
		len--;
	if (!len)
		return 0;
	j = cJSON_ParseWithLength(line, len);
	id = cJSON_GetObjectItemCaseSensitive(j, "case_id");
	if (!cJSON_IsObject(j) || !cJSON_IsString(id)) {
		cJSON_Delete(j);
		garbled(b, line, len);
		return 1;
	}
	i = find_out(b, id->valuestring, &seen);
	if (i < 0) {
		snprintf(msg, sizeof(msg), seen ? "second reply for case "
			 "'%.160s'" : "reply for case '%.160s', which was not "
			 "asked", id->valuestring);
		cJSON_Delete(j);
		restart(b, msg, 0);
		return 1;
	}
	b->s->restarts = 0;
	b->s->t_progress = now_ms();
	r = &b->s->req[i];
	o = &b->out[i];
	e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (e && !cJSON_IsNull(e)) {
		char *text = cJSON_IsString(e) ? NULL :
			     cJSON_PrintUnformatted(e);

		snprintf(msg, sizeof(msg), "model error: %s",
			 text ? text : e->valuestring);
		free(text);
		finish(b, (size_t)i, msg);
		goto out;
	}
	if (reply_number(j, "score", 0, 1, &o->score, msg, sizeof(msg))) {
		finish(b, (size_t)i, msg);
		goto out;
	}
	o->value = NAN;
	v = cJSON_GetObjectItemCaseSensitive(j, "label");
	if (v && !cJSON_IsNull(v)) {
		r->label = label_text(v);
		if (!r->label) {
			finish(b, (size_t)i, "reply has a label that is "
			       "neither a string nor a finite number");
			goto out;
		}
		o->label = r->label;
		finish(b, (size_t)i, NULL);
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(j, "value");
	if (v && !cJSON_IsNull(v)) {
		if (reply_number(j, "value", 1, 0, &o->value, msg,
				 sizeof(msg)))
			finish(b, (size_t)i, msg);
		else
			finish(b, (size_t)i, NULL);
		goto out;
	}
	finish(b, (size_t)i, "reply has no label, value or error");
out:
	cJSON_Delete(j);
	return 0;
}

/*
 * Reads replies until the pipe would block. Returns 0, 1 when the child
 * closed its output, 2 after a protocol error.
 */
static int read_replies(struct batch *b)
{
	struct exec_state *s = b->s;
	char *nl, *p;
	size_t old;
	ssize_t r;

	for (;;) {
		sg_buf_grow(&s->rbuf, 65536);
		r = read(s->out, s->rbuf.buf + s->rbuf.len, 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return 0;
		if (r <= 0) {
			/* a last line without its newline still counts */
			if (s->rbuf.len &&
			    handle_line(b, s->rbuf.buf, s->rbuf.len))
				return 2;
			sg_buf_reset(&s->rbuf);
			return 1;
		}
		old = s->rbuf.len;
		s->rbuf.len += (size_t)r;
		s->rbuf.buf[s->rbuf.len] = '\0';
		p = s->rbuf.buf;
		nl = memchr(p + old, '\n', (size_t)r);
		while (nl) {
			if (handle_line(b, p, (size_t)(nl - p)))
				return 2;
			p = nl + 1;
			nl = memchr(p, '\n',
				    (size_t)(s->rbuf.buf + s->rbuf.len - p));
		}
		if (p != s->rbuf.buf) {
			s->rbuf.len -= (size_t)(p - s->rbuf.buf);
			memmove(s->rbuf.buf, p, s->rbuf.len);
			s->rbuf.buf[s->rbuf.len] = '\0';
		}
		if (s->rbuf.len > EXEC_LINE_MAX) {
			garbled(b, s->rbuf.buf, s->rbuf.len);
			return 2;
		}
	}
}

/* Queues request lines while the window and the buffer allow. */
static void queue_requests(struct batch *b)
{
	struct exec_state *s = b->s;
	struct sg_buf *w = &s->wbuf;
	const double *row;
	const char *id;
	size_t i, f, before;

	while (b->next < b->n && b->nout < s->inflight &&
	       w->len - s->woff < EXEC_WBUF_LOW) {
		i = b->next++;
		if (s->req[i].st != REQ_UNSENT)
			continue;
		before = w->len;
		row = b->x + i * s->nfeatures;
		sg_buf_addstr(w, "{\"case_id\": ");
		id = case_id(b, i);
		sg_json_quote(w, id, strlen(id));
		sg_buf_addstr(w, ", \"features\": {");
		for (f = 0; f < s->nfeatures; f++) {
			if (f)
				sg_buf_addstr(w, ", ");
			sg_buf_addstr(w, s->keys[f]);
			sg_buf_add_json_number(w, row[f]);
		}
		sg_buf_addstr(w, "}}\n");
		s->wqueued += w->len - before;
		s->req[i].end = s->wqueued;
		s->req[i].t_sent = now_ms();
		s->req[i].t_read = 0;
		s->req[i].st = REQ_OUT;
		b->nout++;
	}
}

/* Writes queued bytes until the pipe would block. */
static void write_requests(struct exec_state *s)
{
	ssize_t r;

	while (s->woff < s->wbuf.len) {
		r = write(s->in, s->wbuf.buf + s->woff,
			  s->wbuf.len - s->woff);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			/* EPIPE: the child stopped reading; see the loop */
			s->wdead = 1;
			close_fd(&s->in);
			sg_buf_reset(&s->wbuf);
			s->woff = 0;
			return;
		}
		s->woff += (size_t)r;
		s->wtotal += (uint64_t)r;
	}
	sg_buf_reset(&s->wbuf);
	s->woff = 0;
}

/* The child ended (or stopped reading): fail the rest of the batch. */
static void child_gone(struct batch *b, long grace_ms)
{
	char msg[128];
	int st = end_child(b->s, grace_ms);

	if (st == -1)
		snprintf(msg, sizeof(msg), "model process stopped reading "
			 "its input or closed its output");
	else
		status_text(st, msg, sizeof(msg));
	fail_all(b, -1, msg);
}

/* Builds the case id hash for a batch of n. */
static void index_batch(struct batch *b)
{
	struct exec_state *s = b->s;
	size_t i, h, want = 16;

	while (want < 2 * b->n)
		want *= 2;
	if (want > s->nbucket) {
		free(s->bucket);
		s->bucket = sg_xcalloc(want, sizeof(*s->bucket));
		s->nbucket = want;
	} else {
		memset(s->bucket, 0, s->nbucket * sizeof(*s->bucket));
	}
	for (i = b->n; i-- > 0;) {
		h = hash_id(case_id(b, i)) & (s->nbucket - 1);
		s->req[i].chain = s->bucket[h];
		s->bucket[h] = i + 1;
	}
}

/* Frees the strings handed out by the last batch. */
static void release_batch(struct exec_state *s)
{
	size_t i;

	for (i = 0; i < s->nreq; i++) {
		free(s->req[i].label);
		free(s->req[i].error);
	}
	if (s->req)
		memset(s->req, 0, s->nreq * sizeof(*s->req));
}

/*
 * When the next request times out, in ms (0: none is outstanding): the
 * oldest outstanding one, timeout_s after the child read it, or, if the
 * child has not read it (then it has read none outstanding: it reads in
 * order), when the child has neither read nor answered anything for the
 * stall time since the request was queued. Sets *i to the request and
 * *stall.
 */
static double next_timeout(struct batch *b, size_t *i, int *stall)
{
	struct exec_state *s = b->s;
	const struct exec_req *r;
	double t, stall_ms = s->timeout_s * 1e3;

	while (b->oldest < b->next && s->req[b->oldest].st == REQ_DONE)
		b->oldest++;
	if (b->oldest >= b->next)
		return 0;
	*i = b->oldest;
	r = &s->req[b->oldest];
	*stall = !r->t_read;
	if (r->t_read)
		return r->t_read + s->timeout_s * 1e3;
	t = s->t_progress > r->t_sent ? s->t_progress : r->t_sent;
	return t + stall_ms;
}

/* Times out request i (see next_timeout) and restarts the child. */
static void time_out(struct batch *b, size_t i, int stall)
{
	struct exec_state *s = b->s;
	char msg[160];

	if (stall)
		snprintf(msg, sizeof(msg), "timeout after %g s: the model "
			 "process did not read its request", s->timeout_s);
	else
		snprintf(msg, sizeof(msg), "timeout after %g s", s->timeout_s);
	finish(b, i, msg);
	snprintf(msg, sizeof(msg), "model process killed: case '%.64s' "
		 "timed out", case_id(b, i));
	restart(b, msg, 1);
}

/* One round of the poll loop. Returns 0, or SG_EMODEL (diag set). */
static int step(struct batch *b, struct sg_diag *diag)
{
	struct exec_state *s = b->s;
	struct pollfd pfd[3];
	struct sg_diag own;
	int npfd = 0, iin = -1, iout = -1, ierr = -1, wait = -1, r, stall;
	double t;
	size_t ti = 0;

	if (!s->pid) {
		if (!diag)
			diag = &own;
		if (spawn_child(s, diag)) {
			fail_all(b, -1, diag->msg);
			return SG_EMODEL;
		}
	}
	if (!s->wdead)
		queue_requests(b);
	while (b->oldest < b->next && s->req[b->oldest].st == REQ_DONE)
		b->oldest++;
	if (s->wdead && !b->nout) {
		child_gone(b, EXEC_EXIT_WAIT_MS);
		return 0;
	}
	mark_read(b);
	t = next_timeout(b, &ti, &stall);
	if (t) {
		t -= now_ms();
		wait = t <= 0 ? 0 : t > 1e9 ? 1000000000 : (int)ceil(t);
	}
	/* look again soon at what the child read, to start those clocks */
	if (b->unread < b->next && (wait < 0 || wait > EXEC_READ_TICK_MS))
		wait = EXEC_READ_TICK_MS;
	if (s->in >= 0 && s->woff < s->wbuf.len) {
		iin = npfd;
		pfd[npfd++] = (struct pollfd){s->in, POLLOUT, 0};
	}
	iout = npfd;
	pfd[npfd++] = (struct pollfd){s->out, POLLIN, 0};
	if (s->err >= 0) {
		ierr = npfd;
		pfd[npfd++] = (struct pollfd){s->err, POLLIN, 0};
	}
	r = poll(pfd, (nfds_t)npfd, wait);
	if (r < 0 && errno != EINTR) {
		sg_diag_set(diag, NULL, 0, 0, "poll: %s", strerror(errno));
		end_child(s, 0);
		fail_all(b, -1, "poll failed");
		return SG_EMODEL;
	}
	if (r > 0) {
		if (ierr >= 0 && pfd[ierr].revents)
			drain_stderr(s);
		if (iin >= 0 && pfd[iin].revents)
			write_requests(s);
		if (pfd[iout].revents) {
			r = read_replies(b);
			if (r == 1) {
				child_gone(b, EXEC_EXIT_WAIT_MS);
				return 0;
			}
			if (r == 2)
				return 0;
		}
	}
	mark_read(b);
	t = next_timeout(b, &ti, &stall);
	if (t && now_ms() >= t)
		time_out(b, ti, stall);
	return 0;
}

static int exec_score(void *state, size_t n, const char *const *case_ids,
		      const double *x, struct sg_pred *out,
		      struct sg_diag *diag)
{
	struct exec_state *s = state;
	struct batch b = {0};
	sigset_t pipeset, old, pending;
	struct timespec zero = {0, 0};
	int was_pending, ret = 0;
	size_t i;

	release_batch(s);
	if (n > s->nreq) {
		free(s->req);
		s->req = sg_xcalloc(n, sizeof(*s->req));
		s->nreq = n;
	}
	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].value = NAN;
		out[i].score = NAN;
		out[i].latency_ms = NAN;
	}
	if (!n)
		return 0;
	b.s = s;
	b.n = n;
	b.ids = case_ids;
	b.x = x;
	b.out = out;
	index_batch(&b);

	/* a write to a dead child must give EPIPE, not kill us */
	sigemptyset(&pipeset);
	sigaddset(&pipeset, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipeset, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	while (b.ndone < n && !b.over && !ret)
		ret = step(&b, diag);
	if (!was_pending)
		sigtimedwait(&pipeset, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	drain_stderr(s);
	return ret;
}

static double exec_startup_ms(void *state)
{
	struct exec_state *s = state;

	return s ? s->startup_ms : NAN;
}

static const char *exec_stderr_text(void *state)
{
	struct exec_state *s = state;
	struct sg_buf *e;

	if (!s)
		return NULL;
	e = &s->errtext;
	drain_stderr(s);
	if (e->len > EXEC_STDERR_CAP) {
		memmove(e->buf, e->buf + e->len - EXEC_STDERR_CAP,
			EXEC_STDERR_CAP);
		e->len = EXEC_STDERR_CAP;
		e->buf[e->len] = '\0';
	}
	return e->len ? e->buf : NULL;
}

static void exec_close(void *state)
{
	struct exec_state *s = state;
	size_t i;

	if (!s)
		return;
	/* EOF on its stdin asks the model to exit; then it is killed */
	close_fd(&s->in);
	end_child(s, EXEC_EXIT_WAIT_MS);
	if (s->argv)
		for (i = 0; s->argv[i]; i++)
			free(s->argv[i]);
	free(s->argv);
	if (s->keys)
		for (i = 0; i < s->nfeatures; i++)
			free(s->keys[i]);
	free(s->keys);
	release_batch(s);
	free(s->req);
	free(s->bucket);
	sg_buf_release(&s->wbuf);
	sg_buf_release(&s->rbuf);
	sg_buf_release(&s->errtext);
	free(s);
}

static int exec_open(void **state, const struct sg_model_conf *mc,
		     const char *const *features, size_t nfeatures,
		     struct sg_diag *diag)
{
	struct exec_state *s;
	struct sg_buf k = SG_BUF_INIT;
	size_t i;
	int ret;

	*state = NULL;
	if (!mc->command.n || !mc->command.v || !mc->command.v[0] ||
	    !*mc->command.v[0]) {
		sg_diag_set(diag, NULL, 0, 0, "exec backend: model.command "
			    "is not set");
		return SG_EUSAGE;
	}
	s = sg_xcalloc(1, sizeof(*s));
	s->in = s->out = s->err = -1;
	s->startup_ms = NAN;
	sg_buf_init(&s->wbuf);
	sg_buf_init(&s->rbuf);
	sg_buf_init(&s->errtext);
	s->argv = sg_xcalloc(mc->command.n + 1, sizeof(*s->argv));
	for (i = 0; i < mc->command.n; i++)
		s->argv[i] = sg_xstrdup(mc->command.v[i] ?
					mc->command.v[i] : "");
	s->nfeatures = nfeatures;
	s->keys = sg_xcalloc(nfeatures ? nfeatures : 1, sizeof(*s->keys));
	for (i = 0; i < nfeatures; i++) {
		sg_json_quote(&k, features[i] ? features[i] : "",
			      features[i] ? strlen(features[i]) : 0);
		sg_buf_addstr(&k, ": ");
		s->keys[i] = sg_buf_detach(&k);
	}
	s->timeout_s = mc->timeout_s > 0 ? mc->timeout_s : 30.0;
	s->inflight = mc->inflight > 0 ? (size_t)mc->inflight : 64;
	ret = spawn_child(s, diag);
	if (ret) {
		exec_close(s);
		return ret;
	}
	*state = s;
	return 0;
}

const struct sg_backend_ops sg_backend_exec = {
	.name = "exec",
	.caps = 0,
	.latency = "per request",
	.open = exec_open,
	.score = exec_score,
	.stderr_text = exec_stderr_text,
	.close = exec_close,
	.startup_ms = exec_startup_ms,
};

/* ---- the reply parser on its own, for tests (backend_exec.h) ---- */

int sg_exec_read_replies(void **state, int fd, size_t n,
			 const char *const *case_ids, struct sg_pred *out)
{
	struct exec_state *s = sg_xcalloc(1, sizeof(*s));
	struct batch b = {0};
	double now = now_ms();
	size_t i;

	s->in = s->err = -1;
	s->out = fd;
	s->timeout_s = 30.0;
	s->req = sg_xcalloc(n ? n : 1, sizeof(*s->req));
	s->nreq = n;
	*state = s;
	b.s = s;
	b.n = n;
	b.ids = case_ids;
	b.out = out;
	b.next = b.unread = b.nout = n;
	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].value = NAN;
		out[i].score = NAN;
		out[i].latency_ms = NAN;
		s->req[i].st = REQ_OUT;
		s->req[i].t_sent = now;
		s->req[i].t_read = now;
	}
	index_batch(&b);
	return read_replies(&b);
}

void sg_exec_replies_free(void *state)
{
	exec_close(state);
}
