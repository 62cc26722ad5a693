/*
 * config.h - the shadowgate configuration: a JSON file whose every key is
 * optional, overridden by command-line flags.
 *
 * Strings and arrays here are owned by the struct sg_config and freed by
 * sg_config_release. Unknown keys, wrong types and out-of-range values are
 * errors that name the key path ("gate.min_agreement") and the file.
 */
#ifndef SG_CONFIG_H
#define SG_CONFIG_H

#include <stddef.h>

#include "sg/error.h"
#include "sg/timeutil.h"

struct sg_strlist {
	char **v;
	size_t n;
};

void sg_strlist_add(struct sg_strlist *l, const char *s);
void sg_strlist_release(struct sg_strlist *l);
/* Index of s in l, or -1. */
long sg_strlist_find(const struct sg_strlist *l, const char *s);

enum sg_decision_type { SG_DECISION_LABEL = 0, SG_DECISION_NUMERIC = 1 };

/* The `log` block: how the columns of a decision log are named. */
struct sg_log_conf {
	char *format;        /* "csv", "jsonl" or NULL (guess from name) */
	char *case_id;       /* default "case_id" */
	char *decided_at;    /* default "decided_at" */
	char *decision;      /* default "decision" */
	int decision_type;   /* enum sg_decision_type */
	char *rater;         /* default "rater" */
	struct sg_strlist segments;
	struct sg_strlist features;
	char *model_label;   /* default "model_decision" */
	char *model_score;   /* default "model_score" */
	int decisions_only;  /* read case id, decision, rater, time only */
	/* bit i set: that key was given explicitly (file or flag) */
	unsigned explicit_mask;
	char *glob;          /* nightly: the log files, a glob pattern */
	/* night_timezone and night_starts: how a time becomes its night */
	struct sg_night_rule night;
};

enum {
	SG_LOGKEY_CASE_ID = 1u << 0,
	SG_LOGKEY_DECIDED_AT = 1u << 1,
	SG_LOGKEY_DECISION = 1u << 2,
	SG_LOGKEY_RATER = 1u << 3,
	SG_LOGKEY_MODEL_LABEL = 1u << 4,
	SG_LOGKEY_MODEL_SCORE = 1u << 5,
	SG_LOGKEY_DECISION_TYPE = 1u << 6
};

/* The `model` block. */
struct sg_model_conf {
	char *name;
	char *version;
	char *backend;                /* "xgboost", "exec", "logged" */
	char *path;                   /* model artifact */
	struct sg_strlist labels;     /* class labels, in the model's order */
	double threshold;             /* binary: labels[1] when p > threshold */
	struct sg_strlist command;    /* exec: argv */
	char *predictions;            /* logged: a predictions file */
	double timeout_s;             /* exec: per-request timeout */
	long batch;                   /* rows per scoring batch */
	long inflight;                /* exec: requests in flight */
	/* feature_map: the log column (map_columns[i]) that feeds the
	 * model's feature map_features[i]; a feature not named here is fed
	 * by the column of its own name */
	struct sg_strlist map_features, map_columns;
};

/* The `report` block. */
struct sg_report_conf {
	long window_nights;           /* 0 = all */
	double tolerance;             /* regression agreement tolerance */
	struct sg_strlist formats;
	char *dir;
	struct sg_strlist label_order; /* empty: byte order */
	double confidence;
	double target_agreement;
	/* the reference window of drift: reference_since / reference_until
	 * (inclusive nights, either may be NULL = open) win over
	 * reference_nights (> 0: the first N nights of the store); all unset:
	 * no reference, no drift */
	long reference_nights;
	char *reference_since, *reference_until;
	char *prometheus_path;        /* nightly: the Prometheus text file */
};

/* The `gate` block: thresholds; NaN (or -1 for counts) = not set. */
struct sg_gate_conf {
	double min_agreement;
	double min_kappa;
	long min_cases;
	int on_estimate;              /* enum sg_gate_on: 0 lower bound
				       * (default), 1 estimate, 2 interval */
	double max_error_rate;
	double max_p95_latency_ms;
	long min_segment_cases;
	double min_segment_agreement;
	double min_recall;            /* every class */
	double min_precision;         /* every class */
	char *incumbent;              /* "name@version" */
	double incumbent_margin;
	double human_margin;          /* vs the human baseline; NaN = off */
	/* the review block (issue: who was right): model minus human
	 * accuracy at least this (NaN = off); fewer reviewed cases than
	 * min_reviewed is insufficient evidence (-1 = off) */
	double min_model_minus_human;
	double min_ac1;               /* Gwet's AC1, as min_kappa; NaN = off */
	long min_reviewed;
	double max_psi;               /* any feature's PSI */
	double max_missing_rate;      /* any feature's missing rate */
	double max_label_shift;       /* max |model share - human share| */
	/* learn the monitoring maxima from the reference nights: mean +
	 * learn_k standard deviations of each metric over those nights */
	int learn_from_reference;
	double learn_k;               /* default 3 */
	/* per-night checks, for every night of the window with at least
	 * min_night_cases cases (default 100); NaN = off */
	double min_night_agreement;
	double max_night_psi;
	double max_night_missing_rate;
	long min_night_cases;
	/* gate.on interval: the correction for many checks, enum
	 * sg_multiplicity (0 none, 1 holm, 2 bonferroni) */
	int multiplicity;
	/* policy keys whose checks are shown but kept out of the verdict */
	struct sg_strlist report_only;
};

struct sg_config {
	char *path;                   /* the config file, or NULL */
	char *store;                  /* default "shadowgate.db" */
	struct sg_log_conf log;
	struct sg_model_conf model;
	struct sg_report_conf report;
	struct sg_gate_conf gate;
};

/* Fills every field with its default. Allocates the default strings. */
void sg_config_init(struct sg_config *c);
void sg_config_release(struct sg_config *c);

/*
 * Reads a JSON config file into c (which sg_config_init prepared), over
 * the defaults. A relative path in the file (store, log.glob, model.path,
 * model.predictions, a model.command program with a '/', report.dir,
 * report.prometheus_path) is stored joined to the file's folder, so it
 * names the same file from any working directory; defaults and flags are
 * left to the working directory. Returns 0, SG_EIO when the file cannot
 * be read, or SG_EUSAGE for a syntax error (with line and column) or a
 * bad key (with its path), described in diag.
 */
int sg_config_load(struct sg_config *c, const char *path, struct sg_diag *diag);

/* Same, from a string already in memory; `name` is used in messages and
 * paths are kept as written. */
int sg_config_parse(struct sg_config *c, const char *text, size_t len,
		    const char *name, struct sg_diag *diag);

/*
 * The name among names[0..n) nearest to name, for "did you mean": one
 * that differs only in case, else the first at the fewest edits (an edit:
 * insert, delete, replace or swap two neighbours) when that is at most 2
 * and fewer than name has characters. NULL when none is that near.
 */
const char *sg_nearest_name(const char *name, const char *const *names,
			    size_t n);

/* Replaces *slot with a copy of value (used by flags). */
void sg_config_set_str(char **slot, const char *value);

/*
 * Parses a number flag value for `key` into *out, checking [lo, hi].
 * Returns 0 or SG_EUSAGE with a message naming the flag.
 */
int sg_parse_double(const char *key, const char *value, double lo, double hi,
		    double *out, struct sg_diag *diag);
int sg_parse_long(const char *key, const char *value, long lo, long hi,
		  long *out, struct sg_diag *diag);

/*
 * Adds "FEATURE=COLUMN" (the value of the flag `flag`) to m's feature
 * map, replacing an entry for FEATURE. Returns 0, or SG_EUSAGE with a
 * message naming the flag when the value has no '=', an empty side, or
 * a column that already feeds another feature.
 */
int sg_config_add_feature_map(struct sg_model_conf *m, const char *flag,
			      const char *value, struct sg_diag *diag);

/*
 * The command-line flags generated from the key table: each key that has
 * one is defined once, with its name, type, range and default, and its
 * flag parses and checks a value as the key in the file does (a list flag
 * takes A,B,...; a relative path stays relative to the working
 * directory). The groups are the blocks of the file.
 */
enum sg_key_group {
	SG_KEYS_TOP,
	SG_KEYS_LOG,
	SG_KEYS_MODEL,
	SG_KEYS_REPORT,
	SG_KEYS_GATE
};

struct sg_config_key;

struct sg_config_flag {
	const char *name;             /* "min-agreement": without the "--" */
	enum sg_key_group group;      /* the key's block */
	int has_arg;                  /* 0: a switch (a boolean key) */
	const struct sg_config_key *key;
};

/*
 * Fills *f with the i-th flag of the key table, in the table's order.
 * Returns 1, or 0 (f untouched) when there are fewer than i + 1 flags.
 */
int sg_config_flag(size_t i, struct sg_config_flag *f);

/*
 * Sets f's key in c from the flag's value (NULL for a switch). A string
 * from a fixed set, NAME@VERSION, a night, a time zone, a number or an
 * integer out of the key's range, and a list with a repeat are refused
 * with SG_EUSAGE and a message naming the flag; c is then unchanged but
 * for that key. report.reference_nights set by its flag drops the
 * reference_since and reference_until of the file. Returns 0 or SG_EUSAGE.
 */
int sg_config_set_flag(struct sg_config *c, const struct sg_config_flag *f,
		       const char *value, struct sg_diag *diag);

#endif
