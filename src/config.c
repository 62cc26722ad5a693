/*
 * config.c - the JSON configuration file: defaults, loading, and the
 * small number parsers the flags share with it.
 *
 * Parsing is table-driven: each block ("log", "model", ...) is a table of
 * its keys, each with a type, a range and its place in struct sg_config.
 * The parsed tree is walked twice, once to check every key and once to
 * store the values, so a file with an error leaves the config untouched.
 *
 * cJSON keeps no positions. When a key is wrong we find it in the text by
 * scanning the (already valid) JSON in the order cJSON built its tree:
 * the n-th value met in a pre-order walk of the tree is the n-th value in
 * the text, so even the second of two duplicate keys is found exactly.
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
#include "sg/writer.h"

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
	clear_str(&c->report.dir);
	sg_strlist_release(&c->report.label_order);
	clear_str(&c->report.reference_since);
	clear_str(&c->report.reference_until);
	clear_str(&c->report.prometheus_path);

	clear_str(&c->gate.incumbent);
}

/* ---- the key tables ---- */

enum key_kind {
	KEY_BLOCK,      /* an object holding the keys of `sub` */
	KEY_STR,        /* a string (from `choices` if set), stored as char * */
	KEY_CHOICE_INT, /* a string from `choices`, stored as its index (int) */
	KEY_LIST,       /* an array of strings (each from `choices` if set) */
	KEY_NUM,        /* a number in range, stored as double */
	KEY_INT,        /* an integral number in range, stored as long */
	KEY_BOOL,       /* true or false, stored as int */
	KEY_MAP         /* an object of strings: model.feature_map only */
};

#define KEY_DISTINCT (1u << 0)   /* list: no string twice */
#define KEY_NONEMPTY (1u << 1)   /* list: at least one string */
#define KEY_LO_OPEN (1u << 2)    /* number: lo itself is out of range */
#define KEY_HI_OPEN (1u << 3)    /* number: hi itself is out of range */
#define KEY_NAME_AT_VER (1u << 4) /* string: "name@version" */
#define KEY_NIGHT (1u << 5)      /* string: a night "YYYY-MM-DD" */
#define KEY_ZONE (1u << 6)       /* string: log.night_timezone */
#define KEY_STARTS (1u << 7)     /* string: log.night_starts */
/* Paths: relative to the config file's folder (see resolve_path). */
#define KEY_PATH (1u << 8)       /* string: a file or folder */
#define KEY_GLOB (1u << 9)       /* string: a glob pattern of files */
#define KEY_PROGRAM (1u << 10)   /* list: argv; argv[0] when it has a '/' */

struct block;

struct key {
	const char *name;
	enum key_kind kind;
	size_t off;                 /* offsetof(struct sg_config, ...) */
	unsigned flags;
	double lo, hi;              /* KEY_NUM, KEY_INT */
	const char *const *choices; /* NULL-terminated, or NULL */
	unsigned mask;              /* log.explicit_mask bit set when given */
	const struct block *sub;    /* KEY_BLOCK */
};

struct block {
	const char *name; /* NULL for the top level */
	const struct key *keys;
	size_t n;
};

/* The largest integer a JSON number holds exactly (and a long too). */
#define JSON_INT_MAX \
	((double)LONG_MAX < 9007199254740992.0 ? (double)LONG_MAX \
					       : 9007199254740992.0)

#define OFF(field) offsetof(struct sg_config, field)
#define STR(n, f, ...) {.name = n, .kind = KEY_STR, .off = OFF(f), __VA_ARGS__}
#define LIST(n, f, ...) {.name = n, .kind = KEY_LIST, .off = OFF(f), __VA_ARGS__}
#define NUM(n, f, l, h, ...) \
	{.name = n, .kind = KEY_NUM, .off = OFF(f), .lo = l, .hi = h, __VA_ARGS__}
#define INT(n, f, l, h) \
	{.name = n, .kind = KEY_INT, .off = OFF(f), .lo = l, .hi = h}
#define CHOICE_INT(n, f, c) \
	{.name = n, .kind = KEY_CHOICE_INT, .off = OFF(f), .choices = c}
#define BLOCK(n, b) {.name = n, .kind = KEY_BLOCK, .sub = &b}
#define BOOL(n, f) {.name = n, .kind = KEY_BOOL, .off = OFF(f)}
#define TABLE(n, keys) {n, keys, sizeof(keys) / sizeof(keys[0])}

static const char *const log_formats[] = {"csv", "jsonl", NULL};
/* index = enum sg_decision_type */
static const char *const decision_types[] = {"label", "numeric", NULL};
static const char *const backends[] = {"xgboost", "exec", "logged", NULL};
/* index = on_estimate */
static const char *const gate_on[] = {"lower-bound", "estimate", NULL};

static const struct key log_keys[] = {
	STR("format", log.format, .choices = log_formats),
	STR("case_id", log.case_id, .mask = SG_LOGKEY_CASE_ID),
	STR("decided_at", log.decided_at, .mask = SG_LOGKEY_DECIDED_AT),
	STR("decision", log.decision, .mask = SG_LOGKEY_DECISION),
	{.name = "decision_type", .kind = KEY_CHOICE_INT,
	 .off = OFF(log.decision_type), .choices = decision_types,
	 .mask = SG_LOGKEY_DECISION_TYPE},
	STR("rater", log.rater, .mask = SG_LOGKEY_RATER),
	LIST("segments", log.segments, .flags = 0),
	LIST("features", log.features, .flags = 0),
	STR("model_label", log.model_label, .mask = SG_LOGKEY_MODEL_LABEL),
	STR("model_score", log.model_score, .mask = SG_LOGKEY_MODEL_SCORE),
	STR("glob", log.glob, .flags = KEY_GLOB),
	BOOL("decisions_only", log.decisions_only),
	STR("night_timezone", log.night.zone, .flags = KEY_ZONE),
	STR("night_starts", log.night.starts, .flags = KEY_STARTS),
};

static const struct key model_keys[] = {
	STR("name", model.name, .flags = 0),
	STR("version", model.version, .flags = 0),
	STR("backend", model.backend, .choices = backends),
	STR("path", model.path, .flags = KEY_PATH),
	LIST("labels", model.labels, .flags = KEY_DISTINCT),
	NUM("threshold", model.threshold, 0, 1, .flags = 0),
	LIST("command", model.command, .flags = KEY_NONEMPTY | KEY_PROGRAM),
	STR("predictions", model.predictions, .flags = KEY_PATH),
	NUM("timeout_s", model.timeout_s, 0, INFINITY, .flags = KEY_LO_OPEN),
	INT("batch", model.batch, 1, 1000000),
	INT("inflight", model.inflight, 1, 4096),
	{.name = "feature_map", .kind = KEY_MAP, .off = OFF(model.map_features)},
};

static const struct key report_keys[] = {
	INT("window_nights", report.window_nights, 0, JSON_INT_MAX),
	NUM("tolerance", report.tolerance, 0, INFINITY, .flags = 0),
	LIST("formats", report.formats, .choices = sg_report_formats),
	STR("dir", report.dir, .flags = KEY_PATH),
	LIST("label_order", report.label_order, .flags = KEY_DISTINCT),
	NUM("confidence", report.confidence, 0, 1,
	    .flags = KEY_LO_OPEN | KEY_HI_OPEN),
	NUM("target_agreement", report.target_agreement, 0, 1, .flags = 0),
	INT("reference_nights", report.reference_nights, 0, JSON_INT_MAX),
	STR("reference_since", report.reference_since, .flags = KEY_NIGHT),
	STR("reference_until", report.reference_until, .flags = KEY_NIGHT),
	STR("prometheus_path", report.prometheus_path, .flags = KEY_PATH),
};

static const struct key gate_keys[] = {
	NUM("min_agreement", gate.min_agreement, 0, 1, .flags = 0),
	NUM("min_kappa", gate.min_kappa, -1, 1, .flags = 0),
	INT("min_cases", gate.min_cases, 0, JSON_INT_MAX),
	CHOICE_INT("on", gate.on_estimate, gate_on),
	NUM("max_error_rate", gate.max_error_rate, 0, 1, .flags = 0),
	NUM("max_p95_latency_ms", gate.max_p95_latency_ms, 0, INFINITY,
	    .flags = 0),
	INT("min_segment_cases", gate.min_segment_cases, 1, JSON_INT_MAX),
	NUM("min_segment_agreement", gate.min_segment_agreement, 0, 1,
	    .flags = 0),
	NUM("min_recall", gate.min_recall, 0, 1, .flags = 0),
	NUM("min_precision", gate.min_precision, 0, 1, .flags = 0),
	STR("incumbent", gate.incumbent, .flags = KEY_NAME_AT_VER),
	NUM("incumbent_margin", gate.incumbent_margin, 0, 1, .flags = 0),
	NUM("human_margin", gate.human_margin, 0, 1, .flags = 0),
	NUM("max_psi", gate.max_psi, 0, INFINITY, .flags = 0),
	NUM("max_missing_rate", gate.max_missing_rate, 0, 1, .flags = 0),
	NUM("max_label_shift", gate.max_label_shift, 0, 1, .flags = 0),
	BOOL("learn_from_reference", gate.learn_from_reference),
	NUM("learn_k", gate.learn_k, 0, INFINITY, .flags = KEY_LO_OPEN),
	NUM("min_night_agreement", gate.min_night_agreement, 0, 1, .flags = 0),
	NUM("max_night_psi", gate.max_night_psi, 0, INFINITY, .flags = 0),
	NUM("max_night_missing_rate", gate.max_night_missing_rate, 0, 1,
	    .flags = 0),
	INT("min_night_cases", gate.min_night_cases, 1, JSON_INT_MAX),
};

static const struct block log_block = TABLE("log", log_keys);
static const struct block model_block = TABLE("model", model_keys);
static const struct block report_block = TABLE("report", report_keys);
static const struct block gate_block = TABLE("gate", gate_keys);

static const struct key top_keys[] = {
	STR("store", store, .flags = KEY_PATH),
	BLOCK("log", log_block),
	BLOCK("model", model_block),
	BLOCK("report", report_block),
	BLOCK("gate", gate_block),
};

static const struct block top_block = TABLE(NULL, top_keys);

/* ---- finding a value in the text ---- */

struct scan {
	const char *t;
	size_t len;
	size_t want; /* pre-order index of the value sought */
	size_t seen;
	size_t found;
	int done;
};

static size_t skip_ws(const struct scan *s, size_t i)
{
	/* as cJSON: every byte up to the space is white space */
	while (i < s->len && (unsigned char)s->t[i] <= 32)
		i++;
	return i;
}

static size_t skip_string(const struct scan *s, size_t i)
{
	for (i++; i < s->len && s->t[i] != '"'; i++)
		if (s->t[i] == '\\')
			i++;
	return i + 1;
}

/*
 * Walks the value at t[i], counting it as met at offset `at` (its key's
 * opening quote for an object member, else the value itself). Returns the
 * offset just after the value.
 */
static size_t scan_value(struct scan *s, size_t i, size_t at)
{
	char open, close;

	if (s->seen++ == s->want) {
		s->found = at;
		s->done = 1;
	}
	if (s->done || i >= s->len)
		return i;
	open = s->t[i];
	if (open == '"')
		return skip_string(s, i);
	if (open != '{' && open != '[') {
		while (i < s->len && (unsigned char)s->t[i] > 32 &&
		       !strchr(",]}", s->t[i]))
			i++;
		return i;
	}
	close = open == '{' ? '}' : ']';
	i = skip_ws(s, i + 1);
	if (i < s->len && s->t[i] == close)
		return i + 1;
	while (i < s->len && !s->done) {
		size_t here = i;

		if (open == '{') {
			i = skip_ws(s, skip_string(s, i));
			i = skip_ws(s, i + 1); /* past the ':' */
		}
		i = skip_ws(s, scan_value(s, i, here));
		if (i >= s->len || s->t[i] != ',')
			return i + 1;
		i = skip_ws(s, i + 1);
	}
	return i;
}

/* Counts in *k the nodes before `want` in a pre-order walk from `node`. */
static int preorder_index(const cJSON *node, const cJSON *want, size_t *k)
{
	const cJSON *child;

	if (node == want)
		return 1;
	(*k)++;
	for (child = node->child; child; child = child->next)
		if (preorder_index(child, want, k))
			return 1;
	return 0;
}

static size_t bom_len(const char *t, size_t len)
{
	return len >= 3 && !memcmp(t, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

/* Line and column (1-based; the column counts UTF-8 characters). */
static void line_col(const char *t, size_t len, size_t off, long *line,
		     long *col)
{
	size_t i = bom_len(t, len);

	*line = 1;
	*col = 1;
	for (; i < off && i < len; i++) {
		if (t[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)t[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
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
	if (at) {
		struct scan s = {p->text, p->len, 0, 0, 0, 0};
		size_t i = bom_len(p->text, p->len);

		if (preorder_index(p->root, at, &s.want)) {
			i = skip_ws(&s, i);
			scan_value(&s, i, i);
			if (s.done)
				line_col(p->text, p->len, s.found, &line, &col);
		}
	}
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

/* The shortest text that reads back as x ("0.95", "1000000", "inf"). */
static const char *fmt_num(double x, char *buf, size_t n)
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

static long choice_index(const char *const *choices, const char *s)
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

static void key_path(struct sg_buf *path, const struct block *b,
		     const char *key)
{
	sg_buf_reset(path);
	if (b->name)
		sg_buf_addf(path, "%s.", b->name);
	sg_buf_addstr(path, key);
}

static int unknown_key(const struct parse *p, const struct block *b,
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

static int walk_object(struct parse *p, const struct block *b,
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

static int walk_string(struct parse *p, const struct key *k, const char *path,
		       const cJSON *v, void *slot)
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
	if (k->choices && (idx = choice_index(k->choices, s)) < 0)
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

static int walk_list(struct parse *p, const struct key *k, const char *path,
		     const cJSON *v, struct sg_strlist *l)
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
		if (k->choices && choice_index(k->choices, e->valuestring) < 0)
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

static int walk_number(struct parse *p, const struct key *k, const char *path,
		       const cJSON *v, void *slot)
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
			    fmt_num(x, a, sizeof(a)));
	if (!isfinite(x) || x < k->lo || x > k->hi ||
	    ((k->flags & KEY_LO_OPEN) && x == k->lo) ||
	    ((k->flags & KEY_HI_OPEN) && x == k->hi))
		return fail(p, v, "'%s': %s is out of range %c%s, %s%c", path,
			    fmt_num(x, a, sizeof(a)),
			    k->flags & KEY_LO_OPEN ? '(' : '[',
			    fmt_num(k->lo, lo, sizeof(lo)),
			    fmt_num(k->hi, hi, sizeof(hi)),
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

static int walk_member(struct parse *p, const struct block *b, const cJSON *m)
{
	struct sg_buf path = SG_BUF_INIT;
	const struct key *k = NULL;
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

static int walk_object(struct parse *p, const struct block *b,
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

/* ---- syntax errors ---- */

/*
 * cJSON tells where it stopped, which for a bad string is a byte past the
 * string's start, and not what it expected. When it fails, this checker
 * reads the text again: it accepts what cJSON 1.7 accepts (every byte up
 * to the space is white space, numbers as strtod reads them, \uXXXX with
 * bad hex digits as U+0000) and records the first place it cannot go on.
 */
struct check {
	const char *t;
	size_t len;
	size_t off;       /* the place of the first error */
	const char *what; /* what went wrong there; NULL if nothing did */
	int found;        /* say what was found at off */
};

#define CHECK_DEPTH 1000 /* cJSON's CJSON_NESTING_LIMIT */

static int check_fail(struct check *k, size_t off, const char *what, int found)
{
	k->off = off;
	k->what = what;
	k->found = found;
	return -1;
}

static size_t check_ws(const struct check *k, size_t i)
{
	while (i < k->len && (unsigned char)k->t[i] <= 32)
		i++;
	return i;
}

/* As cJSON's parse_hex4: a bad digit makes the whole value 0. */
static unsigned hex4(const char *s)
{
	unsigned h = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			h = h << 4 | (unsigned)(c - '0');
		else if (c >= 'A' && c <= 'F')
			h = h << 4 | (unsigned)(c - 'A' + 10);
		else if (c >= 'a' && c <= 'f')
			h = h << 4 | (unsigned)(c - 'a' + 10);
		else
			return 0;
	}
	return h;
}

static int check_string(struct check *k, size_t *pi)
{
	const char *t = k->t;
	size_t i = *pi, end, j;
	unsigned code;

	for (end = i + 1; end < k->len && t[end] != '"'; end++)
		if (t[end] == '\\')
			end++;
	if (end >= k->len)
		return check_fail(k, i, "unterminated string", 0);
	for (j = i + 1; j < end; j++) {
		if (t[j] != '\\')
			continue;
		switch (t[j + 1]) {
		case 'b': case 'f': case 'n': case 'r': case 't':
		case '"': case '\\': case '/':
			j++;
			break;
		case 'u':
			if (end - j < 6)
				return check_fail(k, j, "invalid escape", 0);
			code = hex4(t + j + 2);
			if (code >= 0xDC00 && code <= 0xDFFF)
				return check_fail(k, j, "invalid escape", 0);
			if (code < 0xD800 || code > 0xDBFF) {
				j += 5;
				break;
			}
			if (end - j < 12 || t[j + 6] != '\\' || t[j + 7] != 'u')
				return check_fail(k, j, "invalid escape", 0);
			code = hex4(t + j + 8);
			if (code < 0xDC00 || code > 0xDFFF)
				return check_fail(k, j, "invalid escape", 0);
			j += 11;
			break;
		default:
			return check_fail(k, j, "invalid escape", 0);
		}
	}
	*pi = end + 1;
	return 0;
}

static int check_number(struct check *k, size_t *pi)
{
	char num[64], *end;
	size_t n = 0;

	while (n < sizeof(num) - 1 && *pi + n < k->len &&
	       strchr("0123456789+-eE.", k->t[*pi + n]))
		n++;
	memcpy(num, k->t + *pi, n);
	num[n] = '\0';
	strtod(num, &end);
	if (end == num)
		return check_fail(k, *pi, "invalid number", 0);
	*pi += (size_t)(end - num);
	return 0;
}

/* Checks the value at t[*pi] (not white space); moves *pi past it. */
static int check_value(struct check *k, size_t *pi, int depth)
{
	const char *t = k->t;
	size_t i = *pi;
	char open, close;

	if (i >= k->len)
		return check_fail(k, i, "expected a value", 1);
	open = t[i];
	if (!strncmp(t + i, "null", 4) || !strncmp(t + i, "true", 4)) {
		*pi = i + 4;
		return 0;
	}
	if (!strncmp(t + i, "false", 5)) {
		*pi = i + 5;
		return 0;
	}
	if (open == '"')
		return check_string(k, pi);
	if (open == '-' || (open >= '0' && open <= '9'))
		return check_number(k, pi);
	if (open != '[' && open != '{')
		return check_fail(k, i, "expected a value", 1);
	if (depth >= CHECK_DEPTH)
		return check_fail(k, i, "nesting too deep", 0);
	close = open == '{' ? '}' : ']';
	i = check_ws(k, i + 1);
	if (i < k->len && t[i] == close) {
		*pi = i + 1;
		return 0;
	}
	for (;;) {
		if (open == '{') {
			if (i >= k->len || t[i] != '"')
				return check_fail(k, i, "expected a string key",
						  1);
			if (check_string(k, &i))
				return -1;
			i = check_ws(k, i);
			if (i >= k->len || t[i] != ':')
				return check_fail(k, i, "expected ':'", 1);
			i = check_ws(k, i + 1);
		}
		if (check_value(k, &i, depth + 1))
			return -1;
		i = check_ws(k, i);
		if (i < k->len && t[i] == ',') {
			i = check_ws(k, i + 1);
			continue;
		}
		if (i < k->len && t[i] == close) {
			*pi = i + 1;
			return 0;
		}
		return check_fail(k, i,
				  open == '{' ? "expected ',' or '}'"
					      : "expected ',' or ']'",
				  1);
	}
}

/*
 * Describes the syntax error in text[0..len) that cJSON met at offset
 * `near` (used when the checker finds nothing, which should not happen).
 */
static int syntax_error(const char *text, size_t len, size_t near,
			const char *name, struct sg_diag *diag)
{
	struct check k = {text, len, near, NULL, 0};
	size_t i = bom_len(text, len);
	const char *nul = memchr(text, '\0', len);
	char found[32] = "";
	long line, col;

	if (nul) {
		/* cJSON takes a NUL byte for white space; we do not */
		check_fail(&k, (size_t)(nul - text), "unexpected NUL byte", 0);
	} else {
		i = check_ws(&k, i);
		if (!check_value(&k, &i, 0)) {
			i = check_ws(&k, i);
			if (i < len)
				check_fail(&k, i, "expected the end of the text",
					   1);
		}
	}
	line_col(text, len, k.off, &line, &col);
	if (k.off >= len) {
		sg_diag_set(diag, name, line, col,
			    "syntax error: unexpected end of input");
		return SG_EUSAGE;
	}
	if (k.found) {
		unsigned char ch = (unsigned char)text[k.off];

		if (ch > 32 && ch < 127)
			snprintf(found, sizeof(found), ", found '%c'", ch);
		else
			snprintf(found, sizeof(found), ", found byte 0x%02x",
				 ch);
	}
	sg_diag_set(diag, name, line, col, "syntax error: %s%s",
		    k.what ? k.what : "invalid JSON", found);
	return SG_EUSAGE;
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
		return syntax_error(text, len, 0, name, diag);
	/* end is cJSON_GetErrorPtr() on failure, without the global */
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!root) {
		off = end ? (size_t)(end - text) : 0;
		return syntax_error(text, len, off, name, diag);
	}
	off = (size_t)(end - text);
	while (off < len && (unsigned char)text[off] <= 32)
		off++;
	if (off < len) {
		cJSON_Delete(root);
		return syntax_error(text, len, off, name, diag);
	}
	p.root = root;
	if (!cJSON_IsObject(root)) {
		ret = fail(&p, root,
			   "expected an object at the top level, found %s",
			   type_name(root));
		goto out;
	}
	ret = walk_object(&p, &top_block, root);
	if (!ret) {
		p.apply = 1;
		ret = walk_object(&p, &top_block, root);
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
			    key, value, fmt_num(lo, a, sizeof(a)),
			    fmt_num(hi, b, sizeof(b)), isinf(hi) ? ')' : ']');
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
