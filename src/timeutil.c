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

int sg_time_parse(const char *s, size_t n, double *epoch, char night[11],
		  const char **why)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	long y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0;
	double frac = 0, scale = 0.1;
	size_t i = 10;
	int sign = 0, maxd;

	*why = "not an ISO-8601 date (YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])";
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
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
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
	*epoch = (double)sg_days_from_civil(y, (unsigned)mo, (unsigned)d) *
			 86400.0 +
		 (double)(h * 3600 + mi * 60 + sec) + frac -
		 sign * (double)(oh * 3600 + om * 60);
	put_date(night, y, mo, d);
	return 0;
}
