/*
 * config.c - the JSON configuration file: string lists, defaults, and
 * loading a file over them.
 *
 * Parsing is table-driven: each block ("log", "model", ...) is a table of
 * its keys (config_keys.c), each with a type, a range and its place in
 * struct sg_config. The parsed tree is walked twice, once to check every
 * key and once to store the values, so a file with an error leaves the
 * config untouched. Where a bad value or a syntax error is in the text is
 * config_text.c's.
 */
#include "sg/config.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sg/buf.h"
#include "sg/reader.h"
#include "sg/timeutil.h"
#include "config_impl.h"

/* ---- string lists ---- */

/* The slots a list of k - 1 strings and its NULL has: a power of two. */
static size_t strlist_slots(size_t k)
{
	size_t c = 2;

	while (c < k)
		c *= 2;
	return c;
}

void sg_strlist_add(struct sg_strlist *l, const char *s)
{
	/*
	 * One slot more than needed: v[n] stays NULL, as argv wants. The
	 * slots double as the list grows, so adding n strings copies O(n)
	 * pointers (growing one slot at a time copied O(n^2) wherever
	 * realloc moves the block, as it always does under AddressSanitizer).
	 */
	if (!l->v || l->n + 2 > strlist_slots(l->n + 1))
		l->v = sg_xrealloc(l->v,
				   strlist_slots(l->n + 2) * sizeof(*l->v));
	l->v[l->n++] = sg_xstrdup(s);
	l->v[l->n] = NULL;
}

void sg_strlist_release(struct sg_strlist *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

long sg_strlist_find(const struct sg_strlist *l, const char *s)
{
	size_t i;

	if (!l || !s)
		return -1;
	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return (long)i;
	return -1;
}

/* ---- defaults and lifetime ---- */

int sg_config_add_feature_map(struct sg_model_conf *m, const char *flag,
			      const char *value, struct sg_diag *diag)
{
	const char *eq = strchr(value, '=');
	char *feat;
	long i, j;

	if (!eq || eq == value || !eq[1]) {
		sg_diag_set(diag, NULL, 0, 0, "%s: expected FEATURE=COLUMN, "
			    "found '%s'", flag, value);
		return SG_EUSAGE;
	}
	feat = sg_xstrdup(value);
	feat[eq - value] = '\0';
	i = sg_strlist_find(&m->map_features, feat);
	j = sg_strlist_find(&m->map_columns, eq + 1);
	if (j >= 0 && j != i) {
		sg_diag_set(diag, NULL, 0, 0, "%s: column '%s' feeds both "
			    "'%s' and '%s'", flag, eq + 1,
			    m->map_features.v[j], feat);
		free(feat);
		return SG_EUSAGE;
	}
	if (i >= 0) {
		sg_config_set_str(&m->map_columns.v[i], eq + 1);
	} else {
		sg_strlist_add(&m->map_features, feat);
		sg_strlist_add(&m->map_columns, eq + 1);
	}
	free(feat);
	return 0;
}

void sg_config_set_str(char **slot, const char *value)
{
	char *copy = value ? sg_xstrdup(value) : NULL;

	free(*slot);
	*slot = copy;
}

static void clear_str(char **slot)
{
	free(*slot);
	*slot = NULL;
}

void sg_config_init(struct sg_config *c)
{
	memset(c, 0, sizeof(*c));
	c->store = sg_xstrdup("shadowgate.db");

	c->log.case_id = sg_xstrdup("case_id");
	c->log.decided_at = sg_xstrdup("decided_at");
	c->log.decision = sg_xstrdup("decision");
	c->log.decision_type = SG_DECISION_LABEL;
	c->log.rater = sg_xstrdup("rater");
	c->log.model_label = sg_xstrdup("model_decision");
	c->log.model_score = sg_xstrdup("model_score");

	c->model.threshold = 0.5;
	c->model.timeout_s = 30;
	c->model.batch = 16384;
	c->model.inflight = 64;

	c->report.window_nights = 7;
	c->report.tolerance = 0.5;
	sg_strlist_add(&c->report.formats, "json");
	sg_strlist_add(&c->report.formats, "markdown");
	sg_strlist_add(&c->report.formats, "text");
	sg_strlist_add(&c->report.formats, "html");
	c->report.dir = sg_xstrdup("reports");
	c->report.confidence = 0.95;
	c->report.target_agreement = 0.95;
	c->report.reference_nights = 0;

	c->gate.min_agreement = NAN;
	c->gate.min_kappa = NAN;
	c->gate.min_cases = -1;
	c->gate.on_estimate = 0;
	c->gate.max_error_rate = NAN;
	c->gate.max_p95_latency_ms = NAN;
	c->gate.min_segment_cases = 30;
	c->gate.min_segment_agreement = NAN;
	c->gate.min_recall = NAN;
	c->gate.min_precision = NAN;
	c->gate.incumbent = NULL;
	c->gate.incumbent_margin = 0.0;
	c->gate.human_margin = NAN;
	c->gate.min_model_minus_human = NAN;
	c->gate.min_ac1 = NAN;
	c->gate.min_reviewed = -1;
	c->gate.max_psi = NAN;
	c->gate.max_missing_rate = NAN;
	c->gate.max_label_shift = NAN;
	c->gate.learn_from_reference = 0;
	c->gate.min_night_agreement = NAN;
	c->gate.max_night_psi = NAN;
	c->gate.max_night_missing_rate = NAN;
	c->gate.min_night_cases = 100;
	c->gate.learn_k = 3;
}

void sg_config_release(struct sg_config *c)
{
	if (!c)
		return;
	clear_str(&c->path);
	clear_str(&c->store);

	clear_str(&c->log.format);
	clear_str(&c->log.case_id);
	clear_str(&c->log.decided_at);
	clear_str(&c->log.decision);
	clear_str(&c->log.rater);
	sg_strlist_release(&c->log.segments);
	sg_strlist_release(&c->log.features);
	clear_str(&c->log.model_label);
	clear_str(&c->log.model_score);
	clear_str(&c->log.glob);
	sg_night_rule_release(&c->log.night);

	clear_str(&c->model.name);
	clear_str(&c->model.version);
	clear_str(&c->model.backend);
	clear_str(&c->model.path);
	sg_strlist_release(&c->model.labels);
	sg_strlist_release(&c->model.command);
	clear_str(&c->model.predictions);
	sg_strlist_release(&c->model.map_features);
	sg_strlist_release(&c->model.map_columns);

	sg_strlist_release(&c->report.formats);
	sg_strlist_release(&c->gate.report_only);
	clear_str(&c->report.dir);
	sg_strlist_release(&c->report.label_order);
	clear_str(&c->report.reference_since);
	clear_str(&c->report.reference_until);
	clear_str(&c->report.prometheus_path);

	clear_str(&c->gate.incumbent);
}

/* ---- checking and storing ---- */

struct parse {
	struct sg_config *c;
	const char *text; /* NUL-terminated */
	size_t len;
	const cJSON *root;
	const char *name;
	struct sg_diag *diag;
	int apply; /* 0: check only; 1: store (cannot fail) */
	/* the config file's folder, which relative paths are joined to; NULL
	 * (a text in memory, or a file in the working directory): as written */
	const char *base;
};

static int fail(const struct parse *p, const cJSON *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(const struct parse *p, const cJSON *at, const char *fmt, ...)
{
	char msg[sizeof(((struct sg_diag *)0)->msg)];
	long line = 0, col = 0;
	va_list ap;

	if (!p->diag)
		return SG_EUSAGE;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (at)
		sg_config_place(p->text, p->len, p->root, at, &line, &col);
	sg_diag_set(p->diag, p->name, line, col, "%s", msg);
	return SG_EUSAGE;
}

static const char *type_name(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "an unknown value";
}

long sg_config_choice(const char *const *choices, const char *s)
{
	long i;

	for (i = 0; choices[i]; i++)
		if (!strcmp(choices[i], s))
			return i;
	return -1;
}

static int bad_choice(const struct parse *p, const cJSON *at, const char *path,
		      const char *s, const char *const *choices)
{
	struct sg_buf b = SG_BUF_INIT;
	size_t i;
	int ret;

	for (i = 0; choices[i]; i++)
		sg_buf_addf(&b, "%s%s", i ? ", " : "", choices[i]);
	ret = fail(p, at, "'%s': '%s' is not one of: %s", path, s, b.buf);
	sg_buf_release(&b);
	return ret;
}

/* Optimal string alignment distance: edits, swapping two is one edit. */
#define DIST_MAX 40
static int edit_distance(const char *a, const char *b)
{
	int d[DIST_MAX + 1][DIST_MAX + 1];
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > DIST_MAX || lb > DIST_MAX)
		return INT_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const char *sg_nearest_name(const char *name, const char *const *names,
			    size_t n)
{
	const char *best = NULL;
	int best_d = 3, d;
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(name, names[i]))
			return names[i];
	for (i = 0; i < n; i++) {
		d = edit_distance(name, names[i]);
		if (d < best_d && (size_t)d < strlen(name)) {
			best_d = d;
			best = names[i];
		}
	}
	return best;
}

static void key_path(struct sg_buf *path, const struct sg_config_block *b,
		     const char *key)
{
	sg_buf_reset(path);
	if (b->name)
		sg_buf_addf(path, "%s.", b->name);
	sg_buf_addstr(path, key);
}

static int unknown_key(const struct parse *p, const struct sg_config_block *b,
		       const cJSON *m, const char *path)
{
	const char *best = NULL;
	int best_d = 3;
	size_t i;

	for (i = 0; i < b->n; i++) {
		int d = edit_distance(m->string, b->keys[i].name);

		if (d < best_d) {
			best_d = d;
			best = b->keys[i].name;
		}
	}
	if (best)
		return fail(p, m, "unknown key '%s' (did you mean '%s'?)", path,
			    best);
	return fail(p, m, "unknown key '%s'", path);
}

static int walk_object(struct parse *p, const struct sg_config_block *b,
		       const cJSON *obj);

/*
 * A path written in the config file, as the program must open it: an
 * absolute path, or any path when the file has no folder to speak of,
 * as written; else joined to the file's folder, so the config means the
 * same files whatever the working directory (cron starts anywhere). The
 * join is lexical, as Go's filepath.Join: a leading "./" is dropped and
 * each leading "../" takes the folder's last name off ("a/b" + "../x" is
 * "a/x"). In a glob pattern the folder's own *, ?, [ and \ are escaped,
 * so they match only themselves. Returns a string the caller frees.
 */
static char *resolve_path(const char *base, const char *s, int glob)
{
	struct sg_buf b = SG_BUF_INIT;
	char *dir, *slash;
	const char *q, *last;
	size_t n;

	if (!base || !*s || *s == '/')
		return sg_xstrdup(s);
	dir = sg_xstrdup(base);
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	for (;;) {
		if (s[0] == '.' && s[1] == '/') {
			s += 2;
		} else if (s[0] == '.' && s[1] == '.' &&
			   (s[2] == '/' || !s[2])) {
			slash = strrchr(dir, '/');
			last = slash ? slash + 1 : dir;
			if (strcmp(dir, "/") && (!*last || !strcmp(last, ".") ||
						 !strcmp(last, "..")))
				break; /* nothing to take off: keep the ".." */
			if (!slash)
				dir[0] = '\0';
			else if (slash == dir)
				slash[1] = '\0'; /* "/a" + ".." is "/", as "/.." */
			else
				*slash = '\0';
			s += 2;
		} else {
			break;
		}
		while (*s == '/')
			s++;
	}
	for (q = dir; *q; q++) {
		if (glob && strchr("*?[\\", *q))
			sg_buf_addstr(&b, "\\");
		sg_buf_add(&b, q, 1);
	}
	if (b.len && *s && b.buf[b.len - 1] != '/')
		sg_buf_addstr(&b, "/");
	sg_buf_addstr(&b, *s || b.len ? s : ".");
	free(dir);
	return sg_buf_detach(&b);
}

/*
 * Rejects a string that is not valid UTF-8, naming its key (and index i
 * in a list, when i is not SIZE_MAX).
 */
static int check_utf8(const struct parse *p, const cJSON *v,
		      const char *path, size_t i)
{
	size_t bad;
	char idx[32] = "";

	if (sg_utf8_valid(v->valuestring, strlen(v->valuestring), &bad))
		return 0;
	if (i != SIZE_MAX)
		snprintf(idx, sizeof(idx), "[%zu]", i);
	return fail(p, v, "'%s%s': invalid UTF-8 at byte %zu of the string",
		    path, idx, bad + 1);
}

static int walk_string(struct parse *p, const struct sg_config_key *k,
		       const char *path, const cJSON *v, void *slot)
{
	const char *s, *at;
	long idx = 0;
	int ret;

	if (!cJSON_IsString(v))
		return fail(p, v, "'%s': expected a string, found %s", path,
			    type_name(v));
	s = v->valuestring;
	if ((ret = check_utf8(p, v, path, SIZE_MAX)))
		return ret;
	if (k->choices && (idx = sg_config_choice(k->choices, s)) < 0)
		return bad_choice(p, v, path, s, k->choices);
	if (k->flags & KEY_NAME_AT_VER) {
		at = strchr(s, '@');
		if (!at || at == s || !at[1])
			return fail(p, v,
				    "'%s': '%s' is not of the form name@version",
				    path, s);
	}
	if (k->flags & KEY_NIGHT) {
		double epoch;
		char night[11];
		const char *why = "expected YYYY-MM-DD";

		if (strlen(s) != 10 ||
		    sg_time_parse(s, 10, &epoch, night, &why))
			return fail(p, v, "'%s': '%s' is not a night YYYY-MM-DD "
				    "(%s)", path, s, why);
	}
	if (k->flags & (KEY_ZONE | KEY_STARTS)) {
		struct sg_night_rule probe, *r = &p->c->log.night;
		const char *why;
		int bad;

		sg_night_rule_init(&probe);
		if (!p->apply)
			r = &probe;
		bad = k->flags & KEY_ZONE ? sg_night_rule_set_zone(r, s, &why)
					  : sg_night_rule_set_starts(r, s, &why);
		sg_night_rule_release(&probe);
		if (bad)
			return fail(p, v, "'%s': '%s': %s", path, s, why);
		return 0;
	}
	if (!p->apply)
		return 0;
	if (k->kind == KEY_CHOICE_INT) {
		*(int *)slot = (int)idx;
	} else if (k->flags & (KEY_PATH | KEY_GLOB)) {
		char *r = resolve_path(p->base, s, (k->flags & KEY_GLOB) != 0);

		sg_config_set_str(slot, r);
		free(r);
	} else {
		sg_config_set_str(slot, s);
	}
	p->c->log.explicit_mask |= k->mask;
	return 0;
}

/* Lists up to this long are checked for repeats pairwise, longer sorted. */
#define DISTINCT_PAIRWISE 16

struct nth_string {
	const cJSON *e;
	size_t i;
};

static int cmp_nth_string(const void *pa, const void *pb)
{
	const struct nth_string *a = pa, *b = pb;
	int c = strcmp(a->e->valuestring, b->e->valuestring);

	if (c)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

/*
 * The string of array v (n strings) that repeats an earlier one, the
 * first such in the array, or NULL: what the pairwise check finds, in
 * n log n (sorted by text, then by place).
 */
static const cJSON *second_of_two(const cJSON *v, size_t n)
{
	struct nth_string *a = sg_xmalloc(n * sizeof(*a));
	const cJSON *e, *found = NULL;
	size_t i, at = SIZE_MAX;

	for (e = v->child, i = 0; e; e = e->next, i++) {
		a[i].e = e;
		a[i].i = i;
	}
	qsort(a, n, sizeof(*a), cmp_nth_string);
	for (i = 1; i < n; i++)
		if (a[i].i < at && !strcmp(a[i - 1].e->valuestring,
					   a[i].e->valuestring)) {
			at = a[i].i;
			found = a[i].e;
		}
	free(a);
	return found;
}

static int walk_list(struct parse *p, const struct sg_config_key *k,
		     const char *path, const cJSON *v, struct sg_strlist *l)
{
	const cJSON *e, *o;
	size_t n = 0;
	int ret;

	if (!cJSON_IsArray(v))
		return fail(p, v, "'%s': expected an array of strings, found %s",
			    path, type_name(v));
	for (e = v->child; e; e = e->next, n++) {
		if (!cJSON_IsString(e))
			return fail(p, e, "'%s[%zu]': expected a string, found %s",
				    path, n, type_name(e));
		if (k->choices &&
		    sg_config_choice(k->choices, e->valuestring) < 0)
			return bad_choice(p, e, path, e->valuestring,
					  k->choices);
		ret = check_utf8(p, e, path, n);
		if (ret)
			return ret;
		if ((k->flags & KEY_DISTINCT) && n < DISTINCT_PAIRWISE)
			for (o = v->child; o != e; o = o->next)
				if (!strcmp(o->valuestring, e->valuestring))
					return fail(p, e,
						    "'%s': '%s' appears twice",
						    path, e->valuestring);
	}
	if ((k->flags & KEY_DISTINCT) && n > DISTINCT_PAIRWISE &&
	    (e = second_of_two(v, n)))
		return fail(p, e, "'%s': '%s' appears twice", path,
			    e->valuestring);
	if ((k->flags & KEY_NONEMPTY) && !n)
		return fail(p, v,
			    "'%s': expected a non-empty array, found an empty array",
			    path);
	if (!p->apply)
		return 0;
	sg_strlist_release(l);
	for (e = v->child; e; e = e->next) {
		if ((k->flags & KEY_PROGRAM) && e == v->child &&
		    strchr(e->valuestring, '/')) {
			char *r = resolve_path(p->base, e->valuestring, 0);

			sg_strlist_add(l, r);
			free(r);
			continue;
		}
		sg_strlist_add(l, e->valuestring);
	}
	return 0;
}

static int walk_number(struct parse *p, const struct sg_config_key *k,
		       const char *path, const cJSON *v, void *slot)
{
	char a[40], lo[40], hi[40];
	double x;
	int is_int = k->kind == KEY_INT;

	if (!cJSON_IsNumber(v))
		return fail(p, v, "'%s': expected %s, found %s", path,
			    is_int ? "an integer" : "a number", type_name(v));
	x = v->valuedouble;
	if (is_int && isfinite(x) && x != floor(x))
		return fail(p, v, "'%s': expected an integer, found %s", path,
			    sg_config_fmt_num(x, a, sizeof(a)));
	if (!isfinite(x) || x < k->lo || x > k->hi ||
	    ((k->flags & KEY_LO_OPEN) && x == k->lo) ||
	    ((k->flags & KEY_HI_OPEN) && x == k->hi))
		return fail(p, v, "'%s': %s is out of range %c%s, %s%c", path,
			    sg_config_fmt_num(x, a, sizeof(a)),
			    k->flags & KEY_LO_OPEN ? '(' : '[',
			    sg_config_fmt_num(k->lo, lo, sizeof(lo)),
			    sg_config_fmt_num(k->hi, hi, sizeof(hi)),
			    (k->flags & KEY_HI_OPEN) || isinf(k->hi) ? ')'
								      : ']');
	if (!p->apply)
		return 0;
	if (is_int)
		*(long *)slot = (long)x;
	else
		*(double *)slot = x;
	return 0;
}

/*
 * model.feature_map: {"model feature": "log column", ...}; slot is
 * model.map_features, followed by model.map_columns. A column may feed
 * one feature only.
 */
static int walk_map(struct parse *p, const char *path, const cJSON *v,
		    struct sg_strlist *keys)
{
	struct sg_strlist *vals = &p->c->model.map_columns;
	const cJSON *e, *o;

	if (!cJSON_IsObject(v))
		return fail(p, v, "'%s': expected an object of strings, "
			    "found %s", path, type_name(v));
	for (e = v->child; e; e = e->next) {
		if (!cJSON_IsString(e))
			return fail(p, e, "'%s.%s': expected a string (a log "
				    "column), found %s", path, e->string,
				    type_name(e));
		if (!*e->string || !*e->valuestring)
			return fail(p, e, "'%s': a feature or a column is an "
				    "empty string", path);
		for (o = v->child; o != e; o = o->next) {
			if (!strcmp(o->string, e->string))
				return fail(p, e, "duplicate key '%s.%s'",
					    path, e->string);
			if (!strcmp(o->valuestring, e->valuestring))
				return fail(p, e, "'%s': column '%s' feeds "
					    "both '%s' and '%s'", path,
					    e->valuestring, o->string,
					    e->string);
		}
	}
	if (!p->apply)
		return 0;
	sg_strlist_release(keys);
	sg_strlist_release(vals);
	for (e = v->child; e; e = e->next) {
		sg_strlist_add(keys, e->string);
		sg_strlist_add(vals, e->valuestring);
	}
	return 0;
}

static int walk_member(struct parse *p, const struct sg_config_block *b,
		       const cJSON *m)
{
	struct sg_buf path = SG_BUF_INIT;
	const struct sg_config_key *k = NULL;
	void *slot;
	size_t i;
	int ret;

	key_path(&path, b, m->string);
	for (i = 0; i < b->n && !k; i++)
		if (!strcmp(b->keys[i].name, m->string))
			k = &b->keys[i];
	if (!k) {
		ret = unknown_key(p, b, m, path.buf);
		goto out;
	}
	slot = (char *)p->c + k->off;
	switch (k->kind) {
	case KEY_BLOCK:
		if (!cJSON_IsObject(m))
			ret = fail(p, m, "'%s': expected an object, found %s",
				   path.buf, type_name(m));
		else
			ret = walk_object(p, k->sub, m);
		break;
	case KEY_STR:
	case KEY_CHOICE_INT:
		ret = walk_string(p, k, path.buf, m, slot);
		break;
	case KEY_LIST:
		ret = walk_list(p, k, path.buf, m, slot);
		break;
	case KEY_MAP:
		ret = walk_map(p, path.buf, m, slot);
		break;
	case KEY_BOOL:
		if (!cJSON_IsBool(m))
			ret = fail(p, m, "'%s': expected true or false, found %s",
				   path.buf, type_name(m));
		else
			ret = 0;
		if (!ret && p->apply)
			*(int *)slot = cJSON_IsTrue(m);
		break;
	case KEY_NUM:
	case KEY_INT:
	default:
		ret = walk_number(p, k, path.buf, m, slot);
		break;
	}
out:
	sg_buf_release(&path);
	return ret;
}

static int walk_object(struct parse *p, const struct sg_config_block *b,
		       const cJSON *obj)
{
	const cJSON *m, *o;
	int ret;

	for (m = obj->child; m; m = m->next) {
		for (o = obj->child; o != m; o = o->next) {
			if (!strcmp(o->string, m->string)) {
				struct sg_buf path = SG_BUF_INIT;

				key_path(&path, b, m->string);
				ret = fail(p, m, "duplicate key '%s'", path.buf);
				sg_buf_release(&path);
				return ret;
			}
		}
		ret = walk_member(p, b, m);
		if (ret)
			return ret;
	}
	return 0;
}


/* Parses text[0..len), which has a NUL at text[len]. */
static int parse_terminated(struct sg_config *c, const char *text, size_t len,
			    const char *name, const char *base,
			    struct sg_diag *diag)
{
	struct parse p = {c, text, len, NULL, name, diag, 0, base};
	const char *end = NULL;
	cJSON *root;
	size_t off;
	int ret;

	if (memchr(text, '\0', len))
		return sg_config_syntax_error(text, len, 0, name, diag);
	/* end is cJSON_GetErrorPtr() on failure, without the global */
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!root) {
		off = end ? (size_t)(end - text) : 0;
		return sg_config_syntax_error(text, len, off, name, diag);
	}
	off = (size_t)(end - text);
	while (off < len && (unsigned char)text[off] <= 32)
		off++;
	if (off < len) {
		cJSON_Delete(root);
		return sg_config_syntax_error(text, len, off, name, diag);
	}
	p.root = root;
	if (!cJSON_IsObject(root)) {
		ret = fail(&p, root,
			   "expected an object at the top level, found %s",
			   type_name(root));
		goto out;
	}
	ret = walk_object(&p, &sg_config_top_block, root);
	if (!ret) {
		p.apply = 1;
		ret = walk_object(&p, &sg_config_top_block, root);
	}
out:
	cJSON_Delete(root);
	return ret;
}

int sg_config_parse(struct sg_config *c, const char *text, size_t len,
		    const char *name, struct sg_diag *diag)
{
	struct sg_buf b = SG_BUF_INIT;
	int ret;

	if (len)
		sg_buf_add(&b, text, len);
	ret = parse_terminated(c, b.buf, b.len, name, NULL, diag);
	sg_buf_release(&b);
	return ret;
}

int sg_config_load(struct sg_config *c, const char *path, struct sg_diag *diag)
{
	struct sg_buf b = SG_BUF_INIT;
	char chunk[8192], *base = NULL;
	const char *slash;
	size_t n;
	FILE *f;
	int ret = SG_EIO;

	f = fopen(path, "rb");
	if (!f) {
		sg_diag_set(diag, path, 0, 0, "cannot open config: %s",
			    strerror(errno));
		return SG_EIO;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sg_buf_add(&b, chunk, n);
	if (ferror(f)) {
		sg_diag_set(diag, path, 0, 0, "cannot read config: %s",
			    strerror(errno));
		goto out;
	}
	slash = strrchr(path, '/');
	if (slash) /* "/x.json" is in "/" */
		base = sg_xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	ret = parse_terminated(c, b.buf, b.len, path, base, diag);
	if (!ret)
		sg_config_set_str(&c->path, path);
out:
	fclose(f);
	free(base);
	sg_buf_release(&b);
	return ret;
}
