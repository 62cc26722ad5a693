/*
 * error.c - the result codes' names and the caller-owned diagnostics of
 * include/sg/error.h.
 */
#include "sg/error.h"

#include <stdio.h>
#include <string.h>

void sg_diag_clear(struct sg_diag *d)
{
	if (!d)
		return;
	d->msg[0] = '\0';
	d->file[0] = '\0';
	d->line = 0;
	d->col = 0;
	d->set = 0;
}

void sg_diag_set(struct sg_diag *d, const char *file, long line, long col,
		 const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	snprintf(d->file, sizeof(d->file), "%s", file ? file : "");
	d->line = line;
	d->col = col;
	d->set = 1;
}

void sg_diag_prefix(struct sg_diag *d, const char *fmt, ...)
{
	char head[512], old[sizeof(d->msg)];
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, d->msg, sizeof(old));
	{
		size_t hn = strlen(head), on = d->set ? strlen(old) : 0;
		size_t cap = sizeof(d->msg) - 1, n = 0;

		memcpy(d->msg, head, hn > cap ? cap : hn);
		n = hn > cap ? cap : hn;
		if (d->set && n + 2 <= cap) {
			memcpy(d->msg + n, ": ", 2);
			n += 2;
			if (on > cap - n)
				on = cap - n;
			memcpy(d->msg + n, old, on);
			n += on;
		}
		d->msg[n] = '\0';
	}
	d->set = 1;
}

char *sg_diag_format(const struct sg_diag *d, char *buf, unsigned long n)
{
	int off = 0;

	if (!n)
		return buf;
	buf[0] = '\0';
	if (!d)
		return buf;
	if (d->file[0]) {
		if (d->line > 0 && d->col > 0)
			off = snprintf(buf, n, "%s:%ld:%ld: ", d->file, d->line,
				       d->col);
		else if (d->line > 0)
			off = snprintf(buf, n, "%s:%ld: ", d->file, d->line);
		else
			off = snprintf(buf, n, "%s: ", d->file);
	}
	if (off < 0 || (unsigned long)off >= n)
		return buf;
	snprintf(buf + off, n - (unsigned long)off, "%s",
		 d->set ? d->msg : "unknown error");
	return buf;
}

int sg_exit_status(int err)
{
	if (err == SG_OK)
		return 0;
	if (err == SG_EUSAGE)
		return 2;
	return 3;
}

const char *sg_strerror(int err)
{
	switch (err) {
	case SG_OK: return "ok";
	case SG_EUSAGE: return "usage error";
	case SG_EDATA: return "data error";
	case SG_ESTORE: return "store error";
	case SG_ENOMEM: return "out of memory";
	case SG_EIO: return "input/output error";
	case SG_EMODEL: return "model error";
	case SG_EBUSY: return "store is busy";
	case SG_EVERSION: return "store version error";
	}
	return "unknown error";
}
