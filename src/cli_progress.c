/*
 * cli_progress.c - the progress line of ingest and run (see
 * cli_progress.h).
 */
#include "cli_progress.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* How often the line may be redrawn: five times a second. */
#define REDRAW_S 0.2

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_start(struct cli_progress *p)
{
	memset(p, 0, sizeof(*p));
	p->t0 = p->t_file = now_s();
}

/* 1234567 as "1,234,567". */
static void grouped(char *out, size_t n, uint64_t v)
{
	char digits[32];
	size_t len, i, o = 0;

	len = (size_t)snprintf(digits, sizeof(digits), "%llu",
			       (unsigned long long)v);
	for (i = 0; i < len && o + 2 < n; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* " 1:05 left" or " 2:03:04 left"; "" when not known. */
static void time_left(char *out, size_t n, double left)
{
	long s;

	out[0] = '\0';
	if (!(left >= 0) || left > 360000)
		return;
	s = (long)(left + 0.5);
	if (s >= 3600)
		snprintf(out, n, ", %ld:%02ld:%02ld left", s / 3600,
			 s / 60 % 60, s % 60);
	else
		snprintf(out, n, ", %ld:%02ld left", s / 60, s % 60);
}

/* Draws text, cut to the terminal's width so it never wraps. */
static void draw(struct cli_progress *p, const char *text)
{
	struct winsize ws;
	int width = 0;

	if (!ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) && ws.ws_col > 1)
		width = ws.ws_col - 1;
	if (width > 0 && (int)strlen(text) > width)
		fprintf(stderr, "\r%.*s\033[K", width, text);
	else
		fprintf(stderr, "\r%s\033[K", text);
	fflush(stderr);
	p->drawn = 1;
}

/* Whether it is time to draw again (the first call always is). */
static int due(struct cli_progress *p, double now)
{
	if (p->drawn && now - p->last < REDRAW_S)
		return 0;
	p->last = now;
	return 1;
}

void cli_progress_rows(void *ctx, const char *file, uint64_t rows,
		       uint64_t bytes, uint64_t size)
{
	struct cli_progress *p = ctx;
	double now = now_s(), el, rate;
	char n[32], r[32], left[48] = "", pct[16] = "", line[1024];

	if (file != p->file) {
		/* the next file started about when the last one was last seen */
		if (p->file)
			p->t_file = p->last_seen;
		p->base_rows += p->file_rows;
		p->file = file;
	}
	p->file_rows = rows;
	p->last_seen = now;
	if (!due(p, now))
		return;
	el = now - p->t_file;
	rate = now > p->t0 ? (double)(p->base_rows + rows) / (now - p->t0) : 0;
	grouped(n, sizeof(n), rows);
	grouped(r, sizeof(r), (uint64_t)rate);
	if (size && bytes <= size) {
		snprintf(pct, sizeof(pct), ", %.0f%%",
			 100.0 * (double)bytes / (double)size);
		if (bytes && el > 0)
			time_left(left, sizeof(left),
				  el * (double)(size - bytes) / (double)bytes);
	}
	snprintf(line, sizeof(line), "%s: %s rows, %s rows/s%s%s", file, n, r,
		 pct, left);
	draw(p, line);
}

void cli_progress_cases(void *ctx, long done, long total)
{
	struct cli_progress *p = ctx;
	double now = now_s(), el = now - p->t0, rate;
	char d[32], t[32], r[32], left[48] = "", line[256];

	if (!due(p, now))
		return;
	rate = el > 0 ? (double)done / el : 0;
	grouped(d, sizeof(d), (uint64_t)(done > 0 ? done : 0));
	grouped(t, sizeof(t), (uint64_t)(total > 0 ? total : 0));
	grouped(r, sizeof(r), (uint64_t)rate);
	if (rate > 0 && total >= done)
		time_left(left, sizeof(left), (double)(total - done) / rate);
	snprintf(line, sizeof(line), "scored %s of %s cases, %s cases/s, %.0f%%%s",
		 d, t, r, total ? 100.0 * (double)done / (double)total : 100.0,
		 left);
	draw(p, line);
}

void cli_progress_end(struct cli_progress *p)
{
	if (!p->drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->drawn = 0;
}
