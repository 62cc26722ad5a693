/*
 * cli.h - what the subcommands share: option parsing (getopt_long), the
 * config file under the flags, opening the store, printing diagnostics.
 * Part of the program, not of the library: this may print and exit.
 */
#ifndef SG_CLI_H
#define SG_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "sg/config.h"
#include "sg/error.h"
#include "sg/store.h"

/* Exit codes, as DESIGN.md: every command. */
enum {
	EXIT_GO = 0,
	EXIT_NOGO = 1,
	EXIT_USAGE = 2,
	EXIT_RUNTIME = 3,
	EXIT_INSUFFICIENT = 4
};

/* Option groups a command accepts besides its own. */
enum {
	CLI_STORE = 1u << 0,  /* --db */
	CLI_CONFIG = 1u << 1, /* --config */
	CLI_LOG = 1u << 2,    /* --case-id, --decision, --segment, ... */
	CLI_MODEL = 1u << 3,  /* --model-name, --model-version, ... */
	CLI_GATE = 1u << 4,   /* --min-agreement, --min-kappa, ... */
	CLI_OUTPUT = 1u << 5, /* --quiet, --verbose */
	CLI_REPORT = 1u << 6, /* --confidence, --tolerance, ... */
	CLI_WINDOW = 1u << 7, /* --model, --since, --until, --last */
	CLI_FORMAT = 1u << 8  /* --format; the command's help says which */
};

/*
 * What a command needs set up before it runs (struct cli_cmd.flags), as
 * git's RUN_SETUP: cli_run does it once, in this order, printing the
 * error and returning its exit status when a step fails.
 */
enum {
	/* opening a missing store creates it (init, ingest, nightly); any
	 * other command refuses a path with no store, creating nothing */
	CLI_CREATES_STORE = 1u << 0,
	/* the store is opened before the command runs and closed after it
	 * (a command without it opens the store itself, if at all) */
	CLI_OPENS_STORE = 1u << 1,
	/* no operands: the first is refused as an unexpected argument */
	CLI_NO_ARGS = 1u << 2,
	/* --config FILE must be given */
	CLI_NEEDS_CONFIG = 1u << 3
};

struct cli;

/* A command's own option: id must be >= 1000. */
struct cli_opt {
	const char *name;
	int has_arg;
	int id;
};

struct cli_cmd {
	const char *name;
	/* the command; s is the open store with CLI_OPENS_STORE, else NULL.
	 * Returns the exit status. */
	int (*fn)(struct cli *c, struct sg_store *s);
	/* sets the command's own defaults before parsing; may be NULL */
	void (*init)(struct cli *c);
	/* checks the command's own options after parsing, before the store
	 * opens; returns 0 or an exit status after printing; may be NULL */
	int (*check)(struct cli *c);
	unsigned groups;
	unsigned flags; /* CLI_CREATES_STORE, CLI_OPENS_STORE, ... */
	/* the --format names the command takes (NULL-terminated), or NULL */
	const char *const *formats;
	const struct cli_opt *opts; /* terminated by {NULL} or NULL */
	/* handles one of opts; returns 0 or SG_EUSAGE with diag set */
	int (*opt)(struct cli *c, int id, const char *arg);
	const char *usage;   /* the synopsis line(s) */
	const char *help;    /* the options text */
	const char *summary; /* one line for `shadowgate --help` */
};

struct cli {
	const struct cli_cmd *cmd;
	struct sg_config cfg;
	const char *db_path;     /* resolved: flag, SHADOWGATE_DB, config */
	const char *config_path;
	const char *format;      /* --format, NULL = default */
	int quiet;
	int verbose;
	int tty;                 /* stderr is a terminal */
	char **args;             /* the operands, wherever they were among
				  * the options, and all after "--" */
	int nargs;
	struct sg_diag diag;
	void *cmd_state;         /* the command's own option values */
	/* CLI_WINDOW: the model and the window of nights */
	const char *win_model, *win_since, *win_until;
	long win_last;           /* -1 when not given */
};

/*
 * Parses argv for cmd: the config file first, then every flag over it.
 * Returns 0, or an exit status (2 after printing the error, 0 after
 * --help) with *done set.
 */
int cli_parse(struct cli *c, const struct cli_cmd *cmd, int argc, char **argv,
	      int *done);
void cli_release(struct cli *c);

/*
 * Runs the command cli_parse set up: the steps its flags ask for (the
 * config given, --format one of its formats, no operands, its own check,
 * the store opened), then its function, then closes the store. Returns
 * the exit status.
 */
int cli_run(struct cli *c);

/*
 * Opens the store the command asked for; prints the error and returns the
 * exit status. A command without CLI_CREATES_STORE gets exit 3 and "no
 * store at PATH" when nothing (or an empty file) is there, and nothing is
 * created.
 */
int cli_open_store(struct cli *c, struct sg_store **s);

/* Prints "shadowgate CMD: <diag>" to stderr; returns the exit status. */
int cli_fail(struct cli *c, int err);

/* Prints an error message (printf) to stderr; returns EXIT_USAGE. */
int cli_usage_error(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Whether --format is one of the comma-free names given; NULL ends. */
int cli_format_is(const struct cli *c, const char *name);

/* Checks --format against the allowed names (NULL-terminated). */
int cli_check_format(struct cli *c, const char *const *allowed);

/*
 * Report options for a command of the CLI_WINDOW group: the config's
 * report block, then the flags. Explicit --since / --until replace the
 * configured window_nights; --last N (the N latest nights) may bound
 * --until.
 */
struct sg_report_opts;
void cli_window_opts(struct cli *c, struct sg_report_opts *o);

/* The subcommands. */
extern const struct cli_cmd cmd_init, cmd_ingest, cmd_run;
extern const struct cli_cmd cmd_report, cmd_sample;
extern const struct cli_cmd cmd_gate, cmd_nightly, cmd_history;
extern const struct cli_cmd cmd_review;

#endif
