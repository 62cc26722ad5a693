/*
 * main.c - the shadowgate command line: one table of subcommands, as git's
 * commands[]; each command turns its result into the exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sg/backend.h"

static const struct cli_cmd *const commands[] = {
	&cmd_init,
	&cmd_ingest,
	&cmd_run,
	&cmd_report,
	&cmd_sample,
	&cmd_gate,
	&cmd_nightly,
	&cmd_history,
	&cmd_review,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	const char *const *b;
	size_t i;

	fprintf(out,
		"usage: shadowgate COMMAND [OPTIONS] [ARGS]\n"
		"       shadowgate COMMAND --help\n"
		"       shadowgate --version\n\n"
		"Compares a model running in shadow with the human decisions "
		"it would replace,\nand gates go-live on the result.\n\n"
		"commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i]->name,
			commands[i]->summary);
	fprintf(out, "\nmodel backends:");
	for (b = sg_backend_names(); *b; b++)
		fprintf(out, " %s", *b);
	fprintf(out,
		"\n\nexit status: 0 ok/go, 1 no-go, 2 usage or configuration "
		"error,\n3 data or runtime error, 4 insufficient evidence\n");
}

int main(int argc, char **argv)
{
	struct cli c;
	size_t i;
	int ret, done;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("shadowgate %s\n", SG_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			for (i = 0; i < NCOMMANDS; i++)
				if (!strcmp(commands[i]->name, argv[2])) {
					char *hv[] = {argv[2], "--help", NULL};

					ret = cli_parse(&c, commands[i], 2, hv,
							&done);
					cli_release(&c);
					return ret;
				}
		}
		usage(stdout);
		return 0;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i]->name, argv[1]))
			continue;
		ret = cli_parse(&c, commands[i], argc - 1, argv + 1, &done);
		if (!done)
			ret = cli_run(&c);
		cli_release(&c);
		return ret;
	}
	fprintf(stderr, "shadowgate: '%s' is not a command\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
