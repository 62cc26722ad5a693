/*
 * cli.c - option parsing and the steps every command shares.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg/buf.h"
#include "sg/report.h"
#include "sg/report.h"

enum {
	/* past every character getopt returns (":", "?", "h"), and past
	 * the 1 it returns for an operand ("-" mode) */
	O_DB = 256,
	O_CONFIG,
	O_FORMAT,
	O_QUIET,
	O_VERBOSE,
	O_HELP,
	/* window */
	O_WIN_MODEL,
	O_WIN_SINCE,
	O_WIN_UNTIL,
	O_WIN_LAST,
	/* log */
	O_LOG_FORMAT,
	O_CASE_ID,
	O_DECIDED_AT,
	O_DECISION,
	O_DECISION_TYPE,
	O_RATER,
	O_SEGMENT,
	O_FEATURE,
	O_MODEL_LABEL,
	O_MODEL_SCORE,
	O_DECISIONS_ONLY,
	O_NIGHT_TZ,
	O_NIGHT_STARTS,
	/* model */
	O_MODEL_NAME,
	O_MODEL_VERSION,
	O_MODEL_BACKEND,
	O_MODEL_PATH,
	O_MODEL_LABELS,
	O_MODEL_THRESHOLD,
	O_MODEL_COMMAND,
	O_MODEL_PREDICTIONS,
	O_MODEL_TIMEOUT,
	O_MODEL_BATCH,
	O_MODEL_FEATURE_MAP,
	/* report */
	O_CONFIDENCE,
	O_TOLERANCE,
	O_WINDOW,
	O_TARGET,
	O_LABEL_ORDER,
	O_REF_NIGHTS,
	O_REF_SINCE,
	O_REF_UNTIL,
	/* gate */
	O_MIN_AGREEMENT,
	O_MIN_KAPPA,
	O_MIN_CASES,
	O_ON,
	O_MAX_ERROR_RATE,
	O_MAX_P95,
	O_MIN_SEGMENT_CASES,
	O_MIN_SEGMENT_AGREEMENT,
	O_MIN_RECALL,
	O_MIN_PRECISION,
	O_INCUMBENT,
	O_INCUMBENT_MARGIN,
	O_HUMAN_MARGIN,
	O_MAX_PSI,
	O_MAX_MISSING_RATE,
	O_MAX_LABEL_SHIFT,
	O_LEARN,
	O_LEARN_K,
	O_MIN_NIGHT_AGREEMENT,
	O_MAX_NIGHT_PSI,
	O_MAX_NIGHT_MISSING_RATE,
	O_MIN_NIGHT_CASES
};

struct group_opt {
	unsigned group;
	struct option o;
};

static const struct group_opt common[] = {
	{0, {"help", no_argument, NULL, O_HELP}},
	{CLI_STORE, {"db", required_argument, NULL, O_DB}},
	{CLI_CONFIG, {"config", required_argument, NULL, O_CONFIG}},
	{CLI_FORMAT, {"format", required_argument, NULL, O_FORMAT}},
	{CLI_WINDOW, {"model", required_argument, NULL, O_WIN_MODEL}},
	{CLI_WINDOW, {"since", required_argument, NULL, O_WIN_SINCE}},
	{CLI_WINDOW, {"until", required_argument, NULL, O_WIN_UNTIL}},
	{CLI_WINDOW, {"last", required_argument, NULL, O_WIN_LAST}},
	{CLI_OUTPUT, {"quiet", no_argument, NULL, O_QUIET}},
	{CLI_OUTPUT, {"verbose", no_argument, NULL, O_VERBOSE}},
	{CLI_LOG, {"log-format", required_argument, NULL, O_LOG_FORMAT}},
	{CLI_LOG, {"case-id", required_argument, NULL, O_CASE_ID}},
	{CLI_LOG, {"decided-at", required_argument, NULL, O_DECIDED_AT}},
	{CLI_LOG, {"decision", required_argument, NULL, O_DECISION}},
	{CLI_LOG, {"decision-type", required_argument, NULL, O_DECISION_TYPE}},
	{CLI_LOG, {"rater", required_argument, NULL, O_RATER}},
	{CLI_LOG, {"segment", required_argument, NULL, O_SEGMENT}},
	{CLI_LOG, {"feature", required_argument, NULL, O_FEATURE}},
	{CLI_LOG, {"model-label", required_argument, NULL, O_MODEL_LABEL}},
	{CLI_LOG, {"model-score", required_argument, NULL, O_MODEL_SCORE}},
	{CLI_LOG, {"decisions-only", no_argument, NULL, O_DECISIONS_ONLY}},
	{CLI_LOG, {"night-timezone", required_argument, NULL, O_NIGHT_TZ}},
	{CLI_LOG, {"night-starts", required_argument, NULL, O_NIGHT_STARTS}},
	{CLI_MODEL, {"model-name", required_argument, NULL, O_MODEL_NAME}},
	{CLI_MODEL, {"model-version", required_argument, NULL, O_MODEL_VERSION}},
	{CLI_MODEL, {"model-backend", required_argument, NULL, O_MODEL_BACKEND}},
	{CLI_MODEL, {"model-path", required_argument, NULL, O_MODEL_PATH}},
	{CLI_MODEL, {"model-labels", required_argument, NULL, O_MODEL_LABELS}},
	{CLI_MODEL,
	 {"model-threshold", required_argument, NULL, O_MODEL_THRESHOLD}},
	{CLI_MODEL, {"model-command", required_argument, NULL, O_MODEL_COMMAND}},
	{CLI_MODEL,
	 {"model-predictions", required_argument, NULL, O_MODEL_PREDICTIONS}},
	{CLI_MODEL, {"model-timeout", required_argument, NULL, O_MODEL_TIMEOUT}},
	{CLI_MODEL, {"model-batch", required_argument, NULL, O_MODEL_BATCH}},
	{CLI_MODEL,
	 {"model-feature-map", required_argument, NULL, O_MODEL_FEATURE_MAP}},
	{CLI_REPORT, {"confidence", required_argument, NULL, O_CONFIDENCE}},
	{CLI_REPORT, {"tolerance", required_argument, NULL, O_TOLERANCE}},
	{CLI_REPORT, {"window-nights", required_argument, NULL, O_WINDOW}},
	{CLI_REPORT,
	 {"target-agreement", required_argument, NULL, O_TARGET}},
	{CLI_REPORT, {"label-order", required_argument, NULL, O_LABEL_ORDER}},
	{CLI_REPORT,
	 {"reference-nights", required_argument, NULL, O_REF_NIGHTS}},
	{CLI_REPORT, {"reference-since", required_argument, NULL, O_REF_SINCE}},
	{CLI_REPORT, {"reference-until", required_argument, NULL, O_REF_UNTIL}},
	{CLI_GATE, {"min-agreement", required_argument, NULL, O_MIN_AGREEMENT}},
	{CLI_GATE, {"min-kappa", required_argument, NULL, O_MIN_KAPPA}},
	{CLI_GATE, {"min-cases", required_argument, NULL, O_MIN_CASES}},
	{CLI_GATE, {"on", required_argument, NULL, O_ON}},
	{CLI_GATE, {"max-error-rate", required_argument, NULL, O_MAX_ERROR_RATE}},
	{CLI_GATE, {"max-p95-latency-ms", required_argument, NULL, O_MAX_P95}},
	{CLI_GATE,
	 {"min-segment-cases", required_argument, NULL, O_MIN_SEGMENT_CASES}},
	{CLI_GATE,
	 {"min-segment-agreement", required_argument, NULL,
	  O_MIN_SEGMENT_AGREEMENT}},
	{CLI_GATE, {"min-recall", required_argument, NULL, O_MIN_RECALL}},
	{CLI_GATE, {"min-precision", required_argument, NULL, O_MIN_PRECISION}},
	{CLI_GATE, {"incumbent", required_argument, NULL, O_INCUMBENT}},
	{CLI_GATE,
	 {"incumbent-margin", required_argument, NULL, O_INCUMBENT_MARGIN}},
	{CLI_GATE, {"human-margin", required_argument, NULL, O_HUMAN_MARGIN}},
	{CLI_GATE, {"max-psi", required_argument, NULL, O_MAX_PSI}},
	{CLI_GATE,
	 {"max-missing-rate", required_argument, NULL, O_MAX_MISSING_RATE}},
	{CLI_GATE,
	 {"max-label-shift", required_argument, NULL, O_MAX_LABEL_SHIFT}},
	{CLI_GATE, {"learn-from-reference", no_argument, NULL, O_LEARN}},
	{CLI_GATE, {"learn-k", required_argument, NULL, O_LEARN_K}},
	{CLI_GATE,
	 {"min-night-agreement", required_argument, NULL,
	  O_MIN_NIGHT_AGREEMENT}},
	{CLI_GATE, {"max-night-psi", required_argument, NULL, O_MAX_NIGHT_PSI}},
	{CLI_GATE,
	 {"max-night-missing-rate", required_argument, NULL,
	  O_MAX_NIGHT_MISSING_RATE}},
	{CLI_GATE,
	 {"min-night-cases", required_argument, NULL, O_MIN_NIGHT_CASES}},
};

#define NCOMMON (sizeof(common) / sizeof(common[0]))

struct pending {
	int id;
	const char *arg;
	const char *name;
};

static void split_list(struct sg_strlist *l, const char *arg)
{
	const char *p = arg;

	sg_strlist_release(l);
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char *item = sg_xstrndup(p, n);

		if (n)
			sg_strlist_add(l, item);
		free(item);
		if (!comma)
			break;
		p = comma + 1;
	}
}

/* Splits a command line on blanks (no shell, no quoting). */
static void split_words(struct sg_strlist *l, const char *arg)
{
	const char *p = arg;

	sg_strlist_release(l);
	while (*p) {
		size_t n;
		char *w;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		n = strcspn(p, " \t");
		w = sg_xstrndup(p, n);
		sg_strlist_add(l, w);
		free(w);
		p += n;
	}
}

static int unit(const char *flag, const char *arg, double lo, double hi,
		double *out, struct sg_diag *d)
{
	return sg_parse_double(flag, arg, lo, hi, out, d);
}

static int apply(struct cli *c, const struct pending *p, int *seg_reset,
		 int *feat_reset)
{
	struct sg_config *cfg = &c->cfg;
	struct sg_log_conf *l = &cfg->log;
	struct sg_model_conf *m = &cfg->model;
	struct sg_gate_conf *g = &cfg->gate;
	struct sg_report_conf *r = &cfg->report;
	struct sg_diag *d = &c->diag;
	char flag[64];
	const char *a = p->arg;

	snprintf(flag, sizeof(flag), "--%s", p->name);
	switch (p->id) {
	case O_WIN_MODEL:
		c->win_model = a;
		return 0;
	case O_WIN_SINCE:
		c->win_since = a;
		return sg_report_check_night(flag, a, d);
	case O_WIN_UNTIL:
		c->win_until = a;
		return sg_report_check_night(flag, a, d);
	case O_WIN_LAST:
		/* 0 = every night, as report.window_nights */
		return sg_parse_long(flag, a, 0, 1000000, &c->win_last, d);
	case O_LOG_FORMAT:
		if (strcmp(a, "csv") && strcmp(a, "jsonl")) {
			sg_diag_set(d, NULL, 0, 0,
				    "%s: expected csv or jsonl, found '%s'", flag,
				    a);
			return SG_EUSAGE;
		}
		sg_config_set_str(&l->format, a);
		return 0;
	case O_CASE_ID:
		sg_config_set_str(&l->case_id, a);
		l->explicit_mask |= SG_LOGKEY_CASE_ID;
		return 0;
	case O_DECIDED_AT:
		sg_config_set_str(&l->decided_at, a);
		l->explicit_mask |= SG_LOGKEY_DECIDED_AT;
		return 0;
	case O_DECISION:
		sg_config_set_str(&l->decision, a);
		l->explicit_mask |= SG_LOGKEY_DECISION;
		return 0;
	case O_DECISION_TYPE:
		if (!strcmp(a, "label")) {
			l->decision_type = SG_DECISION_LABEL;
		} else if (!strcmp(a, "numeric")) {
			l->decision_type = SG_DECISION_NUMERIC;
		} else {
			sg_diag_set(d, NULL, 0, 0,
				    "%s: expected label or numeric, found '%s'",
				    flag, a);
			return SG_EUSAGE;
		}
		l->explicit_mask |= SG_LOGKEY_DECISION_TYPE;
		return 0;
	case O_RATER:
		sg_config_set_str(&l->rater, a);
		l->explicit_mask |= SG_LOGKEY_RATER;
		return 0;
	case O_SEGMENT:
		if (!*seg_reset) {
			sg_strlist_release(&l->segments);
			*seg_reset = 1;
		}
		sg_strlist_add(&l->segments, a);
		return 0;
	case O_FEATURE:
		if (!*feat_reset) {
			sg_strlist_release(&l->features);
			*feat_reset = 1;
		}
		sg_strlist_add(&l->features, a);
		return 0;
	case O_MODEL_LABEL:
		sg_config_set_str(&l->model_label, a);
		l->explicit_mask |= SG_LOGKEY_MODEL_LABEL;
		return 0;
	case O_MODEL_SCORE:
		sg_config_set_str(&l->model_score, a);
		l->explicit_mask |= SG_LOGKEY_MODEL_SCORE;
		return 0;
	case O_DECISIONS_ONLY:
		l->decisions_only = 1;
		return 0;
	case O_NIGHT_TZ:
	case O_NIGHT_STARTS: {
		const char *why;

		if (!(p->id == O_NIGHT_TZ
			      ? sg_night_rule_set_zone(&l->night, a, &why)
			      : sg_night_rule_set_starts(&l->night, a, &why)))
			return 0;
		sg_diag_set(d, NULL, 0, 0, "%s: '%s': %s", flag, a, why);
		return SG_EUSAGE;
	}
	case O_MODEL_NAME:
		sg_config_set_str(&m->name, a);
		return 0;
	case O_MODEL_VERSION:
		sg_config_set_str(&m->version, a);
		return 0;
	case O_MODEL_BACKEND:
		sg_config_set_str(&m->backend, a);
		return 0;
	case O_MODEL_PATH:
		sg_config_set_str(&m->path, a);
		return 0;
	case O_MODEL_LABELS:
		split_list(&m->labels, a);
		return 0;
	case O_MODEL_THRESHOLD:
		return unit(flag, a, 0, 1, &m->threshold, d);
	case O_MODEL_COMMAND:
		split_words(&m->command, a);
		return 0;
	case O_MODEL_PREDICTIONS:
		sg_config_set_str(&m->predictions, a);
		return 0;
	case O_MODEL_TIMEOUT:
		return unit(flag, a, 0.001, 86400, &m->timeout_s, d);
	case O_MODEL_BATCH:
		return sg_parse_long(flag, a, 1, 1000000, &m->batch, d);
	case O_MODEL_FEATURE_MAP:
		return sg_config_add_feature_map(m, flag, a, d);
	case O_CONFIDENCE:
		if (unit(flag, a, 0, 1, &r->confidence, d))
			return SG_EUSAGE;
		if (r->confidence <= 0 || r->confidence >= 1) {
			sg_diag_set(d, NULL, 0, 0,
				    "%s: %s is out of range (0, 1)", flag, a);
			return SG_EUSAGE;
		}
		return 0;
	case O_TOLERANCE:
		return unit(flag, a, 0, HUGE_VAL, &r->tolerance, d);
	case O_WINDOW:
		return sg_parse_long(flag, a, 0, 100000, &r->window_nights, d);
	case O_TARGET:
		return unit(flag, a, 0, 1, &r->target_agreement, d);
	case O_LABEL_ORDER:
		split_list(&r->label_order, a);
		return 0;
	case O_REF_NIGHTS:
		/* replaces a reference window of the config file; the last
		 * of the reference flags given wins */
		if (sg_parse_long(flag, a, 0, 100000, &r->reference_nights, d))
			return SG_EUSAGE;
		sg_config_set_str(&r->reference_since, NULL);
		sg_config_set_str(&r->reference_until, NULL);
		return 0;
	case O_REF_SINCE:
	case O_REF_UNTIL:
		if (sg_report_check_night(flag, a, d))
			return SG_EUSAGE;
		sg_config_set_str(p->id == O_REF_SINCE ? &r->reference_since
						       : &r->reference_until,
				  a);
		return 0;
	case O_MIN_AGREEMENT:
		return unit(flag, a, 0, 1, &g->min_agreement, d);
	case O_MIN_KAPPA:
		return unit(flag, a, -1, 1, &g->min_kappa, d);
	case O_MIN_CASES:
		return sg_parse_long(flag, a, 0, 1000000000000L, &g->min_cases, d);
	case O_ON:
		if (!strcmp(a, "lower-bound")) {
			g->on_estimate = 0;
		} else if (!strcmp(a, "estimate")) {
			g->on_estimate = 1;
		} else {
			sg_diag_set(d, NULL, 0, 0,
				    "%s: expected lower-bound or estimate, found "
				    "'%s'",
				    flag, a);
			return SG_EUSAGE;
		}
		return 0;
	case O_MAX_ERROR_RATE:
		return unit(flag, a, 0, 1, &g->max_error_rate, d);
	case O_MAX_P95:
		return unit(flag, a, 0, HUGE_VAL, &g->max_p95_latency_ms, d);
	case O_MIN_SEGMENT_CASES:
		return sg_parse_long(flag, a, 1, 1000000000L, &g->min_segment_cases,
				     d);
	case O_MIN_SEGMENT_AGREEMENT:
		return unit(flag, a, 0, 1, &g->min_segment_agreement, d);
	case O_MIN_RECALL:
		return unit(flag, a, 0, 1, &g->min_recall, d);
	case O_MIN_PRECISION:
		return unit(flag, a, 0, 1, &g->min_precision, d);
	case O_INCUMBENT:
		if (!strchr(a, '@')) {
			sg_diag_set(d, NULL, 0, 0,
				    "%s: expected NAME@VERSION, found '%s'", flag,
				    a);
			return SG_EUSAGE;
		}
		sg_config_set_str(&g->incumbent, a);
		return 0;
	case O_INCUMBENT_MARGIN:
		return unit(flag, a, 0, 1, &g->incumbent_margin, d);
	case O_HUMAN_MARGIN:
		return unit(flag, a, 0, 1, &g->human_margin, d);
	case O_MAX_PSI:
		return unit(flag, a, 0, HUGE_VAL, &g->max_psi, d);
	case O_MAX_MISSING_RATE:
		return unit(flag, a, 0, 1, &g->max_missing_rate, d);
	case O_MAX_LABEL_SHIFT:
		return unit(flag, a, 0, 1, &g->max_label_shift, d);
	case O_LEARN:
		g->learn_from_reference = 1;
		return 0;
	case O_LEARN_K:
		if (unit(flag, a, 0, HUGE_VAL, &g->learn_k, d))
			return SG_EUSAGE;
		if (g->learn_k <= 0) {
			sg_diag_set(d, NULL, 0, 0,
				    "%s: %s is out of range (0, inf)", flag, a);
			return SG_EUSAGE;
		}
		return 0;
	case O_MIN_NIGHT_AGREEMENT:
		return unit(flag, a, 0, 1, &g->min_night_agreement, d);
	case O_MAX_NIGHT_PSI:
		return unit(flag, a, 0, HUGE_VAL, &g->max_night_psi, d);
	case O_MAX_NIGHT_MISSING_RATE:
		return unit(flag, a, 0, 1, &g->max_night_missing_rate, d);
	case O_MIN_NIGHT_CASES:
		return sg_parse_long(flag, a, 1, 1000000000L, &g->min_night_cases,
				     d);
	}
	if (p->id >= 1000 && c->cmd->opt)
		return c->cmd->opt(c, p->id, p->arg);
	return 0;
}

static void print_help(const struct cli_cmd *cmd)
{
	printf("usage: %s\n", cmd->usage);
	if (cmd->summary)
		printf("\n%s\n", cmd->summary);
	if (cmd->help)
		printf("\n%s", cmd->help);
	if (cmd->groups & CLI_STORE)
		printf("  --db PATH              the store (default ./shadowgate.db,"
		       " or $SHADOWGATE_DB,\n"
		       "                         or \"store\" in the config)\n");
	if (cmd->groups & CLI_CONFIG)
		printf("  --config FILE          the JSON config; flags win over"
		       " it\n");
	/* --format is in the command's own options, with its formats */
	if (cmd->groups & CLI_OUTPUT)
		printf("  --quiet, --verbose     say less, or more\n");
	if (cmd->groups & CLI_LOG)
		printf("\nlog mapping (the \"log\" block of the config):\n"
		       "  --log-format csv|jsonl    the log's format (default: "
		       "from the file name)\n"
		       "  --case-id COL             case id column (case_id)\n"
		       "  --decided-at COL          decision time column "
		       "(decided_at)\n"
		       "  --decision COL            the human decision column "
		       "(decision)\n"
		       "  --decision-type label|numeric\n"
		       "  --rater COL               rater id column (rater)\n"
		       "  --segment COL             a segment column; repeat\n"
		       "  --feature COL             a feature column, in the "
		       "model's order; repeat\n"
		       "  --model-label COL         logged shadow output "
		       "(model_decision)\n"
		       "  --model-score COL         its confidence "
		       "(model_score)\n"
		       "  --decisions-only          read only case id, decision, "
		       "rater and time:\n"
		       "                            corrections and ratings of "
		       "stored cases\n"
		       "  --night-timezone ZONE     nights are local dates in "
		       "this IANA zone\n"
		       "  --night-starts HH:MM      the hour a night starts "
		       "(00:00)\n");
	if (cmd->groups & CLI_MODEL)
		printf("\nmodel (the \"model\" block of the config):\n"
		       "  --model-name NAME, --model-version VERSION\n"
		       "  --model-backend xgboost|exec|logged\n"
		       "  --model-path FILE         the model artifact\n"
		       "  --model-labels A,B,...    class labels in the model's "
		       "order\n"
		       "  --model-threshold P       binary: labels[1] when p > P "
		       "(0.5)\n"
		       "  --model-command \"PROG ARG...\"  exec: the program "
		       "(split on blanks)\n"
		       "  --model-predictions FILE  logged: a predictions file\n"
		       "  --model-timeout SECONDS   exec: per-request timeout "
		       "(30)\n"
		       "  --model-batch N           rows per scoring batch "
		       "(16384)\n"
		       "  --model-feature-map FEATURE=COLUMN  the log column "
		       "that feeds a model\n"
		       "                            feature of another name; "
		       "repeat\n");
	if (cmd->groups & CLI_REPORT)
		printf("\nreport (the \"report\" block of the config):\n"
		       "  --confidence C            interval confidence "
		       "(0.95)\n"
		       "  --tolerance T             regression agreement "
		       "|h - m| <= T (0.5)\n"
		       "  --window-nights N         default window in nights "
		       "(7; 0 = all)\n"
		       "  --target-agreement A      coverage target for the "
		       "lower bound (0.95)\n"
		       "  --label-order A,B,...     an order for the labels "
		       "(enables weighted kappa)\n"
		       "  --reference-nights N      drift reference: the first N "
		       "nights of the store\n"
		       "                            (0 = no reference, the "
		       "default)\n"
		       "  --reference-since D, --reference-until D\n"
		       "                            drift reference: these "
		       "nights (inclusive);\n"
		       "                            they replace "
		       "--reference-nights\n");
	if (cmd->groups & CLI_GATE)
		printf("\ngate policy (the \"gate\" block of the config):\n"
		       "  --min-agreement A  --min-kappa K  --min-cases N\n"
		       "  --on lower-bound|estimate\n"
		       "  --max-error-rate R  --max-p95-latency-ms MS\n"
		       "  --min-segment-cases N  --min-segment-agreement A\n"
		       "  --min-recall R  --min-precision P\n"
		       "  --incumbent NAME@VERSION  --incumbent-margin M\n"
		       "  --human-margin M\n"
		       "  --max-psi P  --max-missing-rate R  --max-label-shift S"
		       "\n"
		       "  --learn-from-reference  --learn-k K\n"
		       "  --min-night-agreement A  --max-night-psi P\n"
		       "  --max-night-missing-rate R  --min-night-cases N\n");
	printf("\nexit status: 0 ok/go, 1 no-go, 2 usage or configuration "
	       "error,\n3 data or runtime error, 4 insufficient evidence\n");
}

int cli_usage_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "shadowgate %s: ", c->cmd ? c->cmd->name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c->cmd)
		fprintf(stderr, "usage: %s\n(try 'shadowgate %s --help')\n",
			c->cmd->usage, c->cmd->name);
	return EXIT_USAGE;
}

int cli_fail(struct cli *c, int err)
{
	char buf[2048];

	fprintf(stderr, "shadowgate %s: %s\n", c->cmd ? c->cmd->name : "",
		c->diag.set ? sg_diag_format(&c->diag, buf, sizeof(buf))
			    : sg_strerror(err));
	return sg_exit_status(err);
}

int cli_parse(struct cli *c, const struct cli_cmd *cmd, int argc, char **argv,
	      int *done)
{
	struct option *lo;
	struct pending *pend;
	size_t nlo = 0, npend = 0, i, nextra = 0;
	int ch, ret = 0, seg_reset = 0, feat_reset = 0;
	const char *env;

	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->tty = isatty(2);
	sg_config_init(&c->cfg);
	c->win_last = -1;
	*done = 0;
	if (cmd->init)
		cmd->init(c);
	if (cmd->opts)
		while (cmd->opts[nextra].name)
			nextra++;
	lo = sg_xcalloc(NCOMMON + nextra + 1, sizeof(*lo));
	for (i = 0; i < NCOMMON; i++)
		if (!common[i].group || (common[i].group & cmd->groups))
			lo[nlo++] = common[i].o;
	for (i = 0; i < nextra; i++) {
		lo[nlo].name = cmd->opts[i].name;
		lo[nlo].has_arg = cmd->opts[i].has_arg;
		lo[nlo].flag = NULL;
		lo[nlo].val = cmd->opts[i].id;
		nlo++;
	}
	pend = sg_xcalloc((size_t)argc + 1, sizeof(*pend));
	c->args = sg_xcalloc((size_t)argc + 1, sizeof(*c->args));
	optind = 1;
	opterr = 0;
	/*
	 * "-": options anywhere, as GNU tools take them (even with
	 * POSIXLY_CORRECT set): each operand comes back as ch 1, in order;
	 * "--" ends the options, and what follows it is left from optind.
	 */
	while ((ch = getopt_long(argc, argv, "-:hqv", lo, NULL)) != -1) {
		const char *name = NULL;

		if (ch == 1) {
			c->args[c->nargs++] = optarg;
			continue;
		}
		if (ch == 'h')
			ch = O_HELP;
		else if (ch == 'q' && (cmd->groups & CLI_OUTPUT))
			ch = O_QUIET;
		else if (ch == 'v' && (cmd->groups & CLI_OUTPUT))
			ch = O_VERBOSE;
		else if (ch == 'q' || ch == 'v')
			ch = '?';

		if (ch == ':') {
			ret = cli_usage_error(c, "option '%s' needs a value",
					      argv[optind - 1]);
			*done = 1;
			goto out;
		}
		if (ch == '?') {
			ret = cli_usage_error(c, "unknown option '%s'",
					      argv[optind - 1]);
			*done = 1;
			goto out;
		}
		if (ch == O_HELP) {
			print_help(cmd);
			*done = 1;
			ret = 0;
			goto out;
		}
		for (i = 0; i < nlo; i++)
			if (lo[i].val == ch)
				name = lo[i].name;
		switch (ch) {
		case O_DB:
			c->db_path = optarg;
			break;
		case O_CONFIG:
			c->config_path = optarg;
			break;
		case O_FORMAT:
			c->format = optarg;
			break;
		case O_QUIET:
			c->quiet = 1;
			break;
		case O_VERBOSE:
			c->verbose = 1;
			break;
		default:
			pend[npend].id = ch;
			pend[npend].arg = optarg;
			pend[npend].name = name;
			npend++;
		}
	}
	while (optind < argc)
		c->args[c->nargs++] = argv[optind++];
	if (c->config_path) {
		ret = sg_config_load(&c->cfg, c->config_path, &c->diag);
		if (ret) {
			/* a config file that is missing or unreadable is a
			 * configuration error too, as a bad key is: 2, not 3 */
			cli_fail(c, ret);
			ret = EXIT_USAGE;
			*done = 1;
			goto out;
		}
	}
	for (i = 0; i < npend; i++) {
		ret = apply(c, &pend[i], &seg_reset, &feat_reset);
		if (ret) {
			ret = cli_fail(c, ret);
			*done = 1;
			goto out;
		}
	}
	if (c->win_since && c->win_last > 0) {
		ret = cli_usage_error(c, "--since and --last cannot be used "
					 "together");
		*done = 1;
		goto out;
	}
	if (!c->db_path && (env = getenv("SHADOWGATE_DB")) && *env)
		c->db_path = env;
	if (!c->db_path)
		c->db_path = c->cfg.store ? c->cfg.store : "shadowgate.db";
	ret = 0;
out:
	free(lo);
	free(pend);
	return ret;
}

void cli_release(struct cli *c)
{
	sg_config_release(&c->cfg);
	free(c->args);
	c->args = NULL;
	c->nargs = 0;
}

int cli_open_store(struct cli *c, struct sg_store **s)
{
	struct stat st;
	int ret;

	*s = NULL;
	if (!(c->cmd->flags & CLI_CREATES_STORE) &&
	    ((stat(c->db_path, &st) && (errno == ENOENT || errno == ENOTDIR)) ||
	     (!stat(c->db_path, &st) && S_ISREG(st.st_mode) && !st.st_size))) {
		/* SQLite would create it (or make an empty file a store) */
		sg_diag_set(&c->diag, NULL, 0, 0,
			    "no store at %s (shadowgate init, ingest or nightly "
			    "creates one%s)",
			    c->db_path,
			    !strcmp(c->cmd->name, "gate")
				    ? "; gate --report FILE --no-store judges a "
				      "saved report without one"
				    : "");
		return cli_fail(c, SG_ESTORE);
	}
	ret = sg_store_open(s, c->db_path, 0, &c->diag);
	if (ret)
		return cli_fail(c, ret);
	return 0;
}

int cli_format_is(const struct cli *c, const char *name)
{
	return c->format && !strcmp(c->format, name);
}

int cli_check_format(struct cli *c, const char *const *allowed)
{
	struct sg_buf b = SG_BUF_INIT;
	size_t i;
	int ret;

	if (!c->format)
		return 0;
	for (i = 0; allowed[i]; i++)
		if (!strcmp(c->format, allowed[i]))
			return 0;
	for (i = 0; allowed[i]; i++)
		sg_buf_addf(&b, "%s%s", i ? ", " : "", allowed[i]);
	ret = cli_usage_error(c, "--format: expected one of %s, found '%s'",
			      b.buf, c->format);
	sg_buf_release(&b);
	return ret;
}

void cli_window_opts(struct cli *c, struct sg_report_opts *o)
{
	sg_report_opts_init(o);
	sg_report_opts_from_config(o, &c->cfg);
	o->model = c->win_model;
	o->since = c->win_since;
	o->until = c->win_until;
	if (c->win_last >= 0)
		o->last = c->win_last;
	else if (c->win_since || c->win_until)
		o->last = 0;
}
