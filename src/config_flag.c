/*
 * config_flag.c - the command-line side of the config keys: the flags
 * generated from the key table (one definition of a key's flag, type and
 * range), setting a key from its flag's value, and the number parsers
 * the flags use.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_impl.h"
#include "sg/buf.h"
#include "sg/config.h"
#include "sg/timeutil.h"

/* The shortest text that reads back as x ("0.95", "1000000", "inf"). */
const char *sg_config_fmt_num(double x, char *buf, size_t n)
{
	int prec;

	if (isinf(x))
		snprintf(buf, n, "%s", x < 0 ? "-inf" : "inf");
	else if (x == floor(x) && fabs(x) < 1e16)
		snprintf(buf, n, "%.0f", x);
	else
		for (prec = 1; prec <= 17; prec++) {
			snprintf(buf, n, "%.*g", prec, x);
			if (strtod(buf, NULL) == x)
				break;
		}
	return buf;
}


/* ---- the generated flags ---- */

int sg_config_flag(size_t i, struct sg_config_flag *f)
{
	const struct sg_config_block *top = &sg_config_top_block;
	size_t b, k;

	for (b = 0; b < top->n; b++) {
		const struct sg_config_block *sub = top->keys[b].sub;

		if (top->keys[b].kind != KEY_BLOCK)
			continue;
		for (k = 0; k < sub->n; k++) {
			const struct sg_config_key *key = &sub->keys[k];

			if (!key->flag || i--)
				continue;
			f->name = key->flag;
			f->group = sub->group;
			f->has_arg = key->kind != KEY_BOOL;
			f->key = key;
			return 1;
		}
	}
	return 0;
}

/* "--FLAG: expected A, B or C, found 'x'" */
static int bad_choice(const char *flag, const char *value,
		      const char *const *choices, struct sg_diag *diag)
{
	struct sg_buf b = SG_BUF_INIT;
	size_t i;

	for (i = 0; choices[i]; i++)
		sg_buf_addf(&b, "%s%s", !i ? "" : choices[i + 1] ? ", " : " or ",
			    choices[i]);
	sg_diag_set(diag, NULL, 0, 0, "%s: expected %s, found '%s'", flag,
		    b.buf, value);
	sg_buf_release(&b);
	return SG_EUSAGE;
}

/* A, B,... as a list (empty items dropped), checked as the key's list. */
static int set_list(const struct sg_config_key *k, const char *flag,
		    const char *value, struct sg_strlist *l,
		    struct sg_diag *diag)
{
	struct sg_strlist t = {NULL, 0};
	const char *p = value;
	size_t i;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char *item = sg_xstrndup(p, n);

		if (n)
			sg_strlist_add(&t, item);
		free(item);
		if (!comma)
			break;
		p = comma + 1;
	}
	for (i = 0; i < t.n; i++) {
		if (k->choices && sg_config_choice(k->choices, t.v[i]) < 0) {
			bad_choice(flag, t.v[i], k->choices, diag);
			goto bad;
		}
		if ((k->flags & KEY_DISTINCT) &&
		    sg_strlist_find(&t, t.v[i]) != (long)i) {
			sg_diag_set(diag, NULL, 0, 0, "%s: '%s' appears twice",
				    flag, t.v[i]);
			goto bad;
		}
	}
	sg_strlist_release(l);
	*l = t;
	return 0;
bad:
	sg_strlist_release(&t);
	return SG_EUSAGE;
}

static int set_string(struct sg_config *c, const struct sg_config_key *k,
		      const char *flag, const char *s, void *slot,
		      struct sg_diag *diag)
{
	long idx = 0;

	if (k->choices && !(k->flags & KEY_FLAG_ANY) &&
	    (idx = sg_config_choice(k->choices, s)) < 0)
		return bad_choice(flag, s, k->choices, diag);
	if (k->flags & KEY_NAME_AT_VER) {
		const char *at = strchr(s, '@');

		if (!at || at == s || !at[1]) {
			sg_diag_set(diag, NULL, 0, 0,
				    "%s: expected NAME@VERSION, found '%s'",
				    flag, s);
			return SG_EUSAGE;
		}
	}
	if (k->flags & KEY_NIGHT) {
		double epoch;
		char night[11];
		const char *why = "expected YYYY-MM-DD";

		if (strlen(s) != 10 ||
		    sg_time_parse(s, 10, &epoch, night, &why)) {
			sg_diag_set(diag, NULL, 0, 0,
				    "%s: not a night YYYY-MM-DD: '%s' (%s)",
				    flag, s, why);
			return SG_EUSAGE;
		}
	}
	if (k->flags & (KEY_ZONE | KEY_STARTS)) {
		const char *why;

		if (!(k->flags & KEY_ZONE
			      ? sg_night_rule_set_zone(&c->log.night, s, &why)
			      : sg_night_rule_set_starts(&c->log.night, s,
							 &why)))
			return 0;
		sg_diag_set(diag, NULL, 0, 0, "%s: '%s': %s", flag, s, why);
		return SG_EUSAGE;
	}
	if (k->kind == KEY_CHOICE_INT)
		*(int *)slot = (int)idx;
	else
		sg_config_set_str(slot, s);
	c->log.explicit_mask |= k->mask;
	return 0;
}

static int set_number(const struct sg_config_key *k, const char *flag,
		      const char *value, double *slot, struct sg_diag *diag)
{
	char lo[40], hi[40];
	double x;

	if (sg_parse_double(flag, value, k->lo, k->hi, &x, diag))
		return SG_EUSAGE;
	if (((k->flags & KEY_LO_OPEN) && x == k->lo) ||
	    ((k->flags & KEY_HI_OPEN) && x == k->hi)) {
		sg_diag_set(diag, NULL, 0, 0, "%s: %s is out of range %c%s, %s%c",
			    flag, value, k->flags & KEY_LO_OPEN ? '(' : '[',
			    sg_config_fmt_num(k->lo, lo, sizeof(lo)),
			    sg_config_fmt_num(k->hi, hi, sizeof(hi)),
			    (k->flags & KEY_HI_OPEN) || isinf(k->hi) ? ')'
								      : ']');
		return SG_EUSAGE;
	}
	*slot = x;
	return 0;
}

int sg_config_set_flag(struct sg_config *c, const struct sg_config_flag *f,
		       const char *value, struct sg_diag *diag)
{
	const struct sg_config_key *k = f->key;
	void *slot = (char *)c + k->off;
	char flag[64];

	snprintf(flag, sizeof(flag), "--%s", f->name);
	switch (k->kind) {
	case KEY_STR:
	case KEY_CHOICE_INT:
		return set_string(c, k, flag, value, slot, diag);
	case KEY_LIST:
		return set_list(k, flag, value, slot, diag);
	case KEY_NUM:
		return set_number(k, flag, value, slot, diag);
	case KEY_INT:
		if (sg_parse_long(flag, value, (long)k->lo, (long)k->hi, slot,
				  diag))
			return SG_EUSAGE;
		if (k->flags & KEY_REF_NIGHTS) {
			/* the last of the reference flags given wins */
			sg_config_set_str(&c->report.reference_since, NULL);
			sg_config_set_str(&c->report.reference_until, NULL);
		}
		return 0;
	case KEY_BOOL:
		*(int *)slot = 1;
		return 0;
	case KEY_MAP:
		return sg_config_add_feature_map(&c->model, flag, value, diag);
	case KEY_BLOCK:
	default:
		break;
	}
	sg_diag_set(diag, NULL, 0, 0, "%s: not a flag", flag);
	return SG_EUSAGE;
}

/* ---- flag values ---- */

int sg_parse_double(const char *key, const char *value, double lo, double hi,
		    double *out, struct sg_diag *diag)
{
	char a[40], b[40];
	char *end;
	double x;

	if (!key)
		key = "value";
	if (!value || !*value || isspace((unsigned char)*value))
		goto nan;
	errno = 0;
	x = strtod(value, &end);
	if (*end || isnan(x))
		goto nan;
	if (isinf(x) || x < lo || x > hi) {
		sg_diag_set(diag, NULL, 0, 0, "%s: %s is out of range [%s, %s%c",
			    key, value, sg_config_fmt_num(lo, a, sizeof(a)),
			    sg_config_fmt_num(hi, b, sizeof(b)), isinf(hi) ? ')' : ']');
		return SG_EUSAGE;
	}
	*out = x;
	return 0;
nan:
	sg_diag_set(diag, NULL, 0, 0, "%s: '%s' is not a number", key,
		    value ? value : "");
	return SG_EUSAGE;
}

int sg_parse_long(const char *key, const char *value, long lo, long hi,
		  long *out, struct sg_diag *diag)
{
	char *end;
	long x;

	if (!key)
		key = "value";
	if (!value || !*value || isspace((unsigned char)*value))
		goto nan;
	errno = 0;
	x = strtol(value, &end, 10);
	if (*end)
		goto nan;
	if (errno == ERANGE || x < lo || x > hi) {
		sg_diag_set(diag, NULL, 0, 0,
			    "%s: %s is out of range [%ld, %ld]", key, value, lo,
			    hi);
		return SG_EUSAGE;
	}
	*out = x;
	return 0;
nan:
	sg_diag_set(diag, NULL, 0, 0, "%s: '%s' is not an integer", key,
		    value ? value : "");
	return SG_EUSAGE;
}
