/*
 * timeutil.c - ISO-8601 times and nights as decision logs hold them, time
 * zones, day numbers, and the monotonic clock (include/sg/timeutil.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sg/buf.h"
#include "sg/timeutil.h"


static void put_date(char out[11], long y, long m, long d)
{
	unsigned long uy = (unsigned long)(y < 0 ? 0 : y) % 10000;

	out[0] = (char)('0' + uy / 1000);
	out[1] = (char)('0' + uy / 100 % 10);
	out[2] = (char)('0' + uy / 10 % 10);
	out[3] = (char)('0' + uy % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10 % 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10 % 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

long sg_days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

void sg_civil_from_days(long z, char out[11])
{
	long era, y;
	unsigned doe, yoe, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	put_date(out, y, (long)m, (long)d);
}

static int digits(const char *s, size_t n, size_t at, size_t count, long *out)
{
	long v = 0;
	size_t i;

	if (at + count > n)
		return -1;
	for (i = 0; i < count; i++) {
		char c = s[at + i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return 0;
}

static int leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The fields of an ISO-8601 date or date-time as written. */
struct stamp {
	long y, mo, d, h, mi, sec;
	double frac;
	int has_time;
	int has_offset;          /* 'Z' or +HH:MM */
	long offset;             /* seconds east of UTC */
};

static int parse_stamp(const char *s, size_t n, struct stamp *t,
		       const char **why)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	long y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0;
	double frac = 0, scale = 0.1;
	size_t i = 10;
	int sign = 0, maxd, has_time = 0, has_offset = 0;

	*why = "not an ISO-8601 date (YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM|+HHMM|+HH])";
	if (n < 10 || digits(s, n, 0, 4, &y) || s[4] != '-' ||
	    digits(s, n, 5, 2, &mo) || s[7] != '-' || digits(s, n, 8, 2, &d))
		return -1;
	if (mo < 1 || mo > 12) {
		*why = "month out of range";
		return -1;
	}
	maxd = mdays[mo - 1] + (mo == 2 && leap(y));
	if (d < 1 || d > maxd) {
		*why = "day out of range";
		return -1;
	}
	if (i < n && (s[i] == 'T' || s[i] == ' ')) {
		has_time = 1;
		if (digits(s, n, i + 1, 2, &h) || i + 3 >= n || s[i + 3] != ':' ||
		    digits(s, n, i + 4, 2, &mi))
			return -1;
		i += 6;
		if (i < n && s[i] == ':') {
			if (digits(s, n, i + 1, 2, &sec))
				return -1;
			i += 3;
			if (i < n && (s[i] == '.' || s[i] == ',')) {
				i++;
				if (i >= n || s[i] < '0' || s[i] > '9')
					return -1;
				while (i < n && s[i] >= '0' && s[i] <= '9') {
					frac += (s[i] - '0') * scale;
					scale /= 10;
					i++;
				}
			}
		}
		if (h > 23 || mi > 59 || sec > 60) {
			*why = "time of day out of range";
			return -1;
		}
		if (i < n && s[i] == 'Z') {
			has_offset = 1;
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			has_offset = 1;
			sign = s[i] == '+' ? 1 : -1;
			if (digits(s, n, i + 1, 2, &oh))
				return -1;
			i += 3;
			if (i < n && s[i] == ':')
				i++;
			if (i < n) {
				if (digits(s, n, i, 2, &om))
					return -1;
				i += 2;
			}
			if (oh > 14 || om > 59) {
				*why = "time zone offset out of range";
				return -1;
			}
		}
	}
	if (i != n)
		return -1;
	t->y = y;
	t->mo = mo;
	t->d = d;
	t->h = h;
	t->mi = mi;
	t->sec = sec;
	t->frac = frac;
	t->has_time = has_time;
	t->has_offset = has_offset;
	t->offset = sign * (oh * 3600 + om * 60);
	return 0;
}

/* Seconds since 1970 of the stamp's wall-clock time read as UTC. */
static long long wall_seconds(const struct stamp *t)
{
	return (long long)sg_days_from_civil(t->y, (unsigned)t->mo,
					     (unsigned)t->d) *
		       86400 +
	       t->h * 3600 + t->mi * 60 + t->sec;
}

int sg_time_parse(const char *s, size_t n, double *epoch, char night[11],
		  const char **why)
{
	struct stamp t;

	if (parse_stamp(s, n, &t, why))
		return -1;
	*epoch = (double)(wall_seconds(&t) - t.offset) + t.frac;
	put_date(night, t.y, t.mo, t.d);
	return 0;
}

/* ---- time zones from the system's tz database (TZif files, RFC 8536) ---- */

/* A POSIX TZ rule date: Mm.w.d (kind 'M'), Jn (kind 'J') or n (kind 'n'). */
struct rule_date {
	char kind;
	int m, w, d;             /* M: month, week 1..5 (5 = last), weekday */
	int n;                   /* J: 1..365 without Feb 29; n: 0..365 */
	long secs;               /* local time of day of the change */
};

struct sg_tz {
	size_t n;                /* transitions */
	long long *at;           /* their instants, ascending */
	long *off_after;         /* the UTC offset from each one on */
	long off_first;          /* the offset before the first */
	/* the footer's rule, for instants after the last transition */
	int has_rule, rule_dst;
	long std_off, dst_off;   /* seconds east of UTC */
	struct rule_date start, end;
};

static long long floor_div(long long a, long long b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static long long be64(const unsigned char *p)
{
	return (long long)(((uint64_t)be32(p) << 32) | be32(p + 4));
}

/* POSIX TZ string pieces: a zone name, then a [+-]hh[:mm[:ss]] time. */
static const char *tz_name(const char *p)
{
	if (*p == '<') {
		while (*p && *p != '>')
			p++;
		return *p ? p + 1 : NULL;
	}
	if (!isalpha((unsigned char)*p))
		return NULL;
	while (isalpha((unsigned char)*p))
		p++;
	return p;
}

static const char *tz_hms(const char *p, long *out)
{
	long sign = 1, h = 0, m = 0, sec = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p))
		h = h * 10 + (*p++ - '0');
	if (*p == ':') {
		p++;
		while (isdigit((unsigned char)*p))
			m = m * 10 + (*p++ - '0');
		if (*p == ':') {
			p++;
			while (isdigit((unsigned char)*p))
				sec = sec * 10 + (*p++ - '0');
		}
	}
	if (h > 167 || m > 59 || sec > 59)
		return NULL;
	*out = sign * (h * 3600 + m * 60 + sec);
	return p;
}

static const char *tz_num(const char *p, int *out)
{
	int v = 0;

	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p) && v < 1000)
		v = v * 10 + (*p++ - '0');
	*out = v;
	return p;
}

static const char *tz_date(const char *p, struct rule_date *r)
{
	r->secs = 7200;
	if (*p == 'M') {
		r->kind = 'M';
		if (!(p = tz_num(p + 1, &r->m)) || *p != '.' ||
		    !(p = tz_num(p + 1, &r->w)) || *p != '.' ||
		    !(p = tz_num(p + 1, &r->d)))
			return NULL;
		if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d > 6)
			return NULL;
	} else {
		r->kind = *p == 'J' ? 'J' : 'n';
		if (!(p = tz_num(p + (*p == 'J'), &r->n)) || r->n > 365 ||
		    (r->kind == 'J' && r->n < 1))
			return NULL;
	}
	if (*p == '/' && !(p = tz_hms(p + 1, &r->secs)))
		return NULL;
	return p;
}

/* Parses a TZif footer such as "EST5EDT,M3.2.0,M11.1.0"; 0 or -1. */
static int parse_rule(struct sg_tz *z, const char *p)
{
	long off;

	if (!(p = tz_name(p)) || !(p = tz_hms(p, &off)))
		return -1;
	z->std_off = -off;
	z->has_rule = 1;
	if (!*p)
		return 0;
	if (!(p = tz_name(p)))
		return -1;
	z->dst_off = z->std_off + 3600;
	if (*p && *p != ',') {
		if (!(p = tz_hms(p, &off)))
			return -1;
		z->dst_off = -off;
	}
	if (*p != ',' || !(p = tz_date(p + 1, &z->start)) || *p != ',' ||
	    !(p = tz_date(p + 1, &z->end)) || *p)
		return -1;
	z->rule_dst = 1;
	return 0;
}

/* Day number (since 1970) of a rule date in year y. */
static long rule_day(const struct rule_date *r, long y)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	long first, day;
	int wd, len;

	if (r->kind == 'J')
		return sg_days_from_civil(y, 1, 1) + r->n - 1 +
		       (leap(y) && r->n >= 60);
	if (r->kind == 'n')
		return sg_days_from_civil(y, 1, 1) + r->n;
	first = sg_days_from_civil(y, (unsigned)r->m, 1);
	wd = (int)((first % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
	len = mdays[r->m - 1] + (r->m == 2 && leap(y));
	day = 1 + (r->d - wd + 7) % 7 + (r->w - 1) * 7;
	while (day > len)
		day -= 7;
	return first + day - 1;
}

static long rule_offset(const struct sg_tz *z, long long t)
{
	long long y, start, end;
	char ymd[11];

	if (!z->rule_dst)
		return z->std_off;
	/* the year of t in standard time */
	sg_civil_from_days((long)floor_div(t + z->std_off, 86400), ymd);
	y = (ymd[0] - '0') * 1000 + (ymd[1] - '0') * 100 +
	    (ymd[2] - '0') * 10 + (ymd[3] - '0');
	start = (long long)rule_day(&z->start, (long)y) * 86400 +
		z->start.secs - z->std_off;
	end = (long long)rule_day(&z->end, (long)y) * 86400 + z->end.secs -
	      z->dst_off;
	if (start < end)
		return t >= start && t < end ? z->dst_off : z->std_off;
	return t >= end && t < start ? z->std_off : z->dst_off;
}

long sg_tz_offset(const struct sg_tz *z, long long t)
{
	size_t lo = 0, hi;

	if (!z->n || t < z->at[0])
		return z->n || !z->has_rule ? z->off_first : rule_offset(z, t);
	if (t >= z->at[z->n - 1] && z->has_rule)
		return rule_offset(z, t);
	hi = z->n; /* the last transition <= t is in [lo, hi) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->off_after[lo];
}

/*
 * The instant of a local wall-clock time (seconds, read as if UTC). A time
 * that happens twice (the hour after DST ends) is its first occurrence; a
 * time skipped by the clocks (the hour DST starts) is read with the offset
 * before the change, so it lands that far after it, as Python's zoneinfo
 * does with fold=0.
 */
long long sg_tz_local_to_utc(const struct sg_tz *z, long long wall)
{
	long before = sg_tz_offset(z, wall - 86400);
	long after = sg_tz_offset(z, wall + 86400);

	if (sg_tz_offset(z, wall - before) == before)
		return wall - before;
	if (sg_tz_offset(z, wall - after) == after)
		return wall - after;
	return wall - before;
}

void sg_tz_free(struct sg_tz *z)
{
	if (!z)
		return;
	free(z->at);
	free(z->off_after);
	free(z);
}

static int valid_zone_name(const char *name)
{
	const char *p;

	if (!*name || *name == '/' || strlen(name) > 200)
		return 0;
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-.", *p))
			return 0;
	for (p = name; *p; p++)
		if (p[0] == '.' && (p == name || p[-1] == '/') &&
		    (p[1] == '.' || p[1] == '/' || !p[1]))
			return 0; /* "." and ".." components */
	return 1;
}

/* Reads a whole (small) file; NULL on failure. */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 8192;
			if (cap > (1u << 22)) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = realloc(buf, cap);
			if (!buf) {
				fclose(f);
				return NULL;
			}
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	*len = n;
	return buf;
}

/* Parses one TZif data block at p (version >= 2: 8-byte times). */
static int parse_tzif(struct sg_tz *z, const unsigned char *p, size_t len,
		      int wide, size_t *used)
{
	uint32_t isut, isstd, leapc, timec, typec, charc;
	size_t tsz = wide ? 8 : 4, need, i;
	const unsigned char *times, *idx, *types;

	if (len < 44 || memcmp(p, "TZif", 4))
		return -1;
	isut = be32(p + 20);
	isstd = be32(p + 24);
	leapc = be32(p + 28);
	timec = be32(p + 32);
	typec = be32(p + 36);
	charc = be32(p + 40);
	if (!typec || typec > 256 || timec > 100000 || leapc > 100000 ||
	    charc > 100000 || isut > 256 || isstd > 256)
		return -1;
	need = 44 + timec * tsz + timec + typec * 6 + charc +
	       leapc * (tsz + 4) + isstd + isut;
	if (need > len)
		return -1;
	*used = need;
	times = p + 44;
	idx = times + timec * tsz;
	types = idx + timec;
	z->n = timec;
	z->at = sg_xcalloc(timec ? timec : 1, sizeof(*z->at));
	z->off_after = sg_xcalloc(timec ? timec : 1, sizeof(*z->off_after));
	z->off_first = (int32_t)be32(types);
	for (i = 0; i < timec; i++) {
		if (idx[i] >= typec)
			return -1;
		z->at[i] = wide ? be64(times + i * 8)
				: (long long)(int32_t)be32(times + i * 4);
		z->off_after[i] = (int32_t)be32(types + idx[i] * 6);
		if (i && z->at[i] <= z->at[i - 1])
			return -1;
	}
	return 0;
}

int sg_tz_load(struct sg_tz **out, const char *name, const char **why)
{
	const char *dir = getenv("TZDIR");
	struct sg_tz *z = NULL;
	unsigned char *buf = NULL;
	size_t len = 0, used = 0;
	char *path = NULL;
	int ret = -1;

	*out = NULL;
	*why = "unknown time zone (not in the system's tz database)";
	if (!valid_zone_name(name)) {
		*why = "not a time zone name (such as America/New_York)";
		return -1;
	}
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	path = sg_xmalloc(strlen(dir) + strlen(name) + 2);
	sprintf(path, "%s/%s", dir, name);
	buf = slurp(path, &len);
	if (!buf)
		goto out;
	z = sg_xcalloc(1, sizeof(*z));
	if (parse_tzif(z, buf, len, 0, &used))
		goto bad;
	if (buf[4] >= '2') {
		const unsigned char *p = buf + used, *nl, *end = buf + len;
		char footer[256];

		free(z->at);
		free(z->off_after);
		z->at = NULL;
		z->off_after = NULL;
		if (parse_tzif(z, p, (size_t)(end - p), 1, &used))
			goto bad;
		p += used;
		if (p < end && *p == '\n' &&
		    (nl = memchr(p + 1, '\n', (size_t)(end - p - 1))) &&
		    nl - p - 1 > 0 && nl - p - 1 < (long)sizeof(footer)) {
			memcpy(footer, p + 1, (size_t)(nl - p - 1));
			footer[nl - p - 1] = '\0';
			if (parse_rule(z, footer)) {
				z->has_rule = 0;
				z->rule_dst = 0;
			}
		}
	}
	*out = z;
	z = NULL;
	ret = 0;
	goto out;
bad:
	*why = "not a valid tz database file";
out:
	sg_tz_free(z);
	free(buf);
	free(path);
	return ret;
}

/* ---- the night rule ---- */

void sg_night_rule_init(struct sg_night_rule *r)
{
	memset(r, 0, sizeof(*r));
}

void sg_night_rule_release(struct sg_night_rule *r)
{
	if (!r)
		return;
	free(r->zone);
	free(r->starts);
	sg_tz_free(r->tz);
	sg_night_rule_init(r);
}

int sg_night_rule_set_zone(struct sg_night_rule *r, const char *name,
			   const char **why)
{
	struct sg_tz *z = NULL;

	if (name && sg_tz_load(&z, name, why))
		return -1;
	free(r->zone);
	sg_tz_free(r->tz);
	r->zone = name ? sg_xstrdup(name) : NULL;
	r->tz = z;
	return 0;
}

int sg_night_rule_set_starts(struct sg_night_rule *r, const char *hhmm,
			     const char **why)
{
	long h, m;

	*why = "not a time of day HH:MM (00:00 to 23:59)";
	if (!hhmm) {
		free(r->starts);
		r->starts = NULL;
		r->start_min = 0;
		return 0;
	}
	if (strlen(hhmm) != 5 || digits(hhmm, 5, 0, 2, &h) || hhmm[2] != ':' ||
	    digits(hhmm, 5, 3, 2, &m) || h > 23 || m > 59)
		return -1;
	free(r->starts);
	r->starts = sg_xstrdup(hhmm);
	r->start_min = (int)(h * 60 + m);
	return 0;
}

void sg_night_rule_describe(const struct sg_night_rule *r, char *out,
			    size_t n)
{
	int m = r ? r->start_min : 0;

	snprintf(out, n, "%s %s, starting %02d:%02d",
		 r && r->zone ? "local dates in" : "dates as written",
		 r && r->zone ? r->zone : "(no time zone)", m / 60, m % 60);
}

int sg_night_parse(const struct sg_night_rule *r, const char *s, size_t n,
		   double *epoch, char night[11], const char **why)
{
	struct stamp t;
	long long wall, utc, local;

	if (parse_stamp(s, n, &t, why))
		return -1;
	wall = wall_seconds(&t);
	if (!r || !r->tz) {
		/* no zone: the clock as written, its offset aside */
		*epoch = (double)(wall - t.offset) + t.frac;
		local = wall;
	} else {
		utc = t.has_offset ? wall - t.offset
				   : sg_tz_local_to_utc(r->tz, wall);
		*epoch = (double)utc + t.frac;
		local = utc + sg_tz_offset(r->tz, utc);
	}
	if (!t.has_time) {
		put_date(night, t.y, t.mo, t.d); /* a date names its night */
		return 0;
	}
	/* a leap second (:60) is the last of its minute, not the first of
	 * the next: its night is that of the second before it */
	if (t.sec == 60)
		local--;
	sg_civil_from_days(
		(long)floor_div(local - (long long)(r ? r->start_min : 0) * 60,
				86400),
		night);
	return 0;
}

double sg_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void sg_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}
