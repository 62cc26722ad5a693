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
 *
 * This file holds the process and the poll loop; exec_reply.c reads and
 * checks the replies and keeps the batch's books.
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
#include "sg/timeutil.h"
#include "exec_impl.h"
#include "sg/backend.h"
#include "sg/buf.h"

const struct sg_backend_ops sg_backend_exec;

double sg_exec_now_ms(void)
{
	return sg_monotonic_ms();
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
	s->t_progress = sg_exec_now_ms();
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
int sg_exec_end_child(struct exec_state *s, long grace_ms)
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
		sg_sleep_ms(step);
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
		id = sg_exec_case_id(b, i);
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
		s->req[i].t_sent = sg_exec_now_ms();
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
	int st = sg_exec_end_child(b->s, grace_ms);

	if (st == -1)
		snprintf(msg, sizeof(msg), "model process stopped reading "
			 "its input or closed its output");
	else
		status_text(st, msg, sizeof(msg));
	sg_exec_fail_all(b, -1, msg);
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
	sg_exec_finish(b, i, msg);
	snprintf(msg, sizeof(msg), "model process killed: case '%.64s' "
		 "timed out", sg_exec_case_id(b, i));
	sg_exec_restart(b, msg, 1);
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
			sg_exec_fail_all(b, -1, diag->msg);
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
	sg_exec_mark_read(b);
	t = next_timeout(b, &ti, &stall);
	if (t) {
		t -= sg_exec_now_ms();
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
		sg_exec_end_child(s, 0);
		sg_exec_fail_all(b, -1, "poll failed");
		return SG_EMODEL;
	}
	if (r > 0) {
		if (ierr >= 0 && pfd[ierr].revents)
			drain_stderr(s);
		if (iin >= 0 && pfd[iin].revents)
			write_requests(s);
		if (pfd[iout].revents) {
			r = sg_exec_read_batch(b);
			if (r == 1) {
				child_gone(b, EXEC_EXIT_WAIT_MS);
				return 0;
			}
			if (r == 2)
				return 0;
		}
	}
	sg_exec_mark_read(b);
	t = next_timeout(b, &ti, &stall);
	if (t && sg_exec_now_ms() >= t)
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

	sg_exec_release_batch(s);
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
	sg_exec_index_batch(&b);

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
	sg_exec_end_child(s, EXEC_EXIT_WAIT_MS);
	if (s->argv)
		for (i = 0; s->argv[i]; i++)
			free(s->argv[i]);
	free(s->argv);
	if (s->keys)
		for (i = 0; i < s->nfeatures; i++)
			free(s->keys[i]);
	free(s->keys);
	sg_exec_release_batch(s);
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
	double now = sg_exec_now_ms();
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
	sg_exec_index_batch(&b);
	return sg_exec_read_batch(&b);
}

void sg_exec_replies_free(void *state)
{
	exec_close(state);
}
