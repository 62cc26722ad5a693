/*
 * exec_reply.c - the exec backend's replies and the bookkeeping of a
 * batch: the hash of case ids, parsing and checking each reply line,
 * matching it to its outstanding request, finishing cases with their
 * reply or error, and restarting the child after a protocol error or a
 * timeout. The protocol is described in backend_exec.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "exec_impl.h"

static void update_consumed(struct exec_state *s);

static size_t hash_id(const char *id)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211ULL;
	return (size_t)h;
}

const char *sg_exec_case_id(const struct batch *b, size_t i)
{
	return b->ids[i] ? b->ids[i] : "";
}

/*
 * Records case i as finished: an error (msg != NULL) or the reply held in
 * out[i] already. Its latency runs from its request to now.
 */
void sg_exec_finish(struct batch *b, size_t i, const char *msg)
{
	struct exec_req *r = &b->s->req[i];
	struct sg_pred *o = &b->out[i];

	if (r->st == REQ_DONE)
		return;
	if (r->st == REQ_OUT) {
		/* a reply means it has read: note its start-up first */
		if (!b->s->t_ready)
			update_consumed(b->s);
		o->latency_ms = sg_exec_now_ms() - (r->t_sent > b->s->t_ready ?
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
void sg_exec_fail_all(struct batch *b, int which, const char *msg)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->s->req[i].st != REQ_DONE &&
		    (which < 0 || b->s->req[i].st == which))
			sg_exec_finish(b, i, msg);
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
		s->t_progress = sg_exec_now_ms();
		if (!s->t_ready) {
			/* its first read: it has started */
			s->t_ready = s->t_progress;
			if (isnan(s->startup_ms))
				s->startup_ms = s->t_ready - s->t_spawn;
		}
	}
}

/* Starts the clock of the requests the child has read since last time. */
void sg_exec_mark_read(struct batch *b)
{
	struct exec_state *s = b->s;
	struct exec_req *r;
	double now = sg_exec_now_ms();

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
void sg_exec_restart(struct batch *b, const char *msg, int progress)
{
	struct exec_state *s = b->s;
	size_t i, failed = 0;
	char why[600];

	update_consumed(s);
	sg_exec_end_child(s, 0);
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
			sg_exec_finish(b, i, msg);
			failed++;
		}
	}
	b->unread = b->next;
	if (!failed && !progress) {
		sg_exec_fail_all(b, -1, msg);
		return;
	}
	if (++s->restarts >= EXEC_MAX_RESTARTS) {
		snprintf(why, sizeof(why), "not sent: model process failed %d "
			 "times in a row, last: %.500s", s->restarts, msg);
		sg_exec_fail_all(b, -1, why);
	}
}

/* Index of the outstanding request for id, or -1. */
static long find_out(const struct batch *b, const char *id, int *seen)
{
	const struct exec_state *s = b->s;
	size_t i = s->bucket[hash_id(id) & (s->nbucket - 1)];

	*seen = 0;
	for (; i; i = s->req[i - 1].chain) {
		if (strcmp(sg_exec_case_id(b, i - 1), id))
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
	sg_exec_restart(b, msg, 0);
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
		sg_exec_restart(b, msg, 0);
		return 1;
	}
	b->s->restarts = 0;
	b->s->t_progress = sg_exec_now_ms();
	r = &b->s->req[i];
	o = &b->out[i];
	e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (e && !cJSON_IsNull(e)) {
		char *text = cJSON_IsString(e) ? NULL :
			     cJSON_PrintUnformatted(e);

		snprintf(msg, sizeof(msg), "model error: %s",
			 text ? text : e->valuestring);
		free(text);
		sg_exec_finish(b, (size_t)i, msg);
		goto out;
	}
	if (reply_number(j, "score", 0, 1, &o->score, msg, sizeof(msg))) {
		sg_exec_finish(b, (size_t)i, msg);
		goto out;
	}
	o->value = NAN;
	v = cJSON_GetObjectItemCaseSensitive(j, "label");
	if (v && !cJSON_IsNull(v)) {
		r->label = label_text(v);
		if (!r->label) {
			sg_exec_finish(b, (size_t)i, "reply has a label that is "
			       "neither a string nor a finite number");
			goto out;
		}
		o->label = r->label;
		sg_exec_finish(b, (size_t)i, NULL);
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(j, "value");
	if (v && !cJSON_IsNull(v)) {
		if (reply_number(j, "value", 1, 0, &o->value, msg,
				 sizeof(msg)))
			sg_exec_finish(b, (size_t)i, msg);
		else
			sg_exec_finish(b, (size_t)i, NULL);
		goto out;
	}
	sg_exec_finish(b, (size_t)i, "reply has no label, value or error");
out:
	cJSON_Delete(j);
	return 0;
}

/*
 * Reads replies until the pipe would block. Returns 0, 1 when the child
 * closed its output, 2 after a protocol error.
 */
int sg_exec_read_batch(struct batch *b)
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


/* Builds the case id hash for a batch of n. */
void sg_exec_index_batch(struct batch *b)
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
		h = hash_id(sg_exec_case_id(b, i)) & (s->nbucket - 1);
		s->req[i].chain = s->bucket[h];
		s->bucket[h] = i + 1;
	}
}

/* Frees the strings handed out by the last batch. */
void sg_exec_release_batch(struct exec_state *s)
{
	size_t i;

	for (i = 0; i < s->nreq; i++) {
		free(s->req[i].label);
		free(s->req[i].error);
	}
	if (s->req)
		memset(s->req, 0, s->nreq * sizeof(*s->req));
}
