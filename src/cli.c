/*
 * cli.c - option parsing and the steps every command shares.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg/buf.h"
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
	/* the flags that are not one config key's value */
	O_SEGMENT,
	O_FEATURE,
	O_MODEL_COMMAND,
	/* O_KEY + i: the i-th flag of the config's key table (sg_config_flag);
	 * a command's own options start at 1000 */
	O_KEY = 512
};

struct group_opt {
	unsigned group;
	struct option o;
};

/* The options every command of a group has besides the config's keys. */
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
	{CLI_LOG, {"segment", required_argument, NULL, O_SEGMENT}},
	{CLI_LOG, {"feature", required_argument, NULL, O_FEATURE}},
	{CLI_MODEL, {"model-command", required_argument, NULL, O_MODEL_COMMAND}},
};

#define NCOMMON (sizeof(common) / sizeof(common[0]))

/* The option group of a block of config keys. */
static unsigned key_group(enum sg_key_group g)
{
	switch (g) {
	case SG_KEYS_LOG:
		return CLI_LOG;
	case SG_KEYS_MODEL:
		return CLI_MODEL;
	case SG_KEYS_REPORT:
		return CLI_REPORT;
	case SG_KEYS_GATE:
		return CLI_GATE;
	case SG_KEYS_TOP:
	default:
		return 0;
	}
}

struct pending {
	int id;
	const char *arg;
	const char *name;
};

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

static int apply(struct cli *c, const struct pending *p, int *seg_reset,
		 int *feat_reset)
{
	struct sg_log_conf *l = &c->cfg.log;
	struct sg_config_flag f;
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
	case O_MODEL_COMMAND:
		split_words(&c->cfg.model.command, a);
		return 0;
	}
	if (p->id >= O_KEY && p->id < 1000 &&
	    sg_config_flag((size_t)(p->id - O_KEY), &f))
		return sg_config_set_flag(&c->cfg, &f, a, d);
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
		       "  --min-agreement A  --min-kappa K  --min-ac1 A  "
		       "--min-cases N\n"
		       "  --on lower-bound|estimate|interval\n"
		       "  --multiplicity none|holm|bonferroni  --report-only "
		       "KEY,...\n"
		       "  --max-error-rate R  --max-p95-latency-ms MS\n"
		       "  --min-segment-cases N  --min-segment-agreement A\n"
		       "  --min-recall R  --min-precision P\n"
		       "  --incumbent NAME@VERSION  --incumbent-margin M\n"
		       "  --human-margin M  --min-model-minus-human D  "
		       "--min-reviewed N\n"
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
	struct sg_config_flag f;
	size_t nlo = 0, npend = 0, i, nextra = 0, nkeys = 0;
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
	while (sg_config_flag(nkeys, &f))
		nkeys++;
	lo = sg_xcalloc(NCOMMON + nkeys + nextra + 1, sizeof(*lo));
	for (i = 0; i < NCOMMON; i++)
		if (!common[i].group || (common[i].group & cmd->groups))
			lo[nlo++] = common[i].o;
	for (i = 0; i < nkeys; i++) {
		sg_config_flag(i, &f);
		if (!(key_group(f.group) & cmd->groups))
			continue;
		lo[nlo].name = f.name;
		lo[nlo].has_arg = f.has_arg ? required_argument : no_argument;
		lo[nlo].flag = NULL;
		lo[nlo].val = O_KEY + (int)i;
		nlo++;
	}
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

int cli_run(struct cli *c)
{
	const struct cli_cmd *cmd = c->cmd;
	struct sg_store *s = NULL;
	int ret;

	if ((cmd->flags & CLI_NEEDS_CONFIG) && !c->config_path)
		return cli_usage_error(c, "%s needs --config FILE", cmd->name);
	if (cmd->formats && cli_check_format(c, cmd->formats))
		return EXIT_USAGE;
	if ((cmd->flags & CLI_NO_ARGS) && c->nargs)
		return cli_usage_error(c, "unexpected argument '%s'", c->args[0]);
	if (cmd->check && (ret = cmd->check(c)))
		return ret;
	if ((cmd->flags & CLI_OPENS_STORE) && (ret = cli_open_store(c, &s)))
		return ret;
	ret = cmd->fn(c, s);
	sg_store_close(s);
	return ret;
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
