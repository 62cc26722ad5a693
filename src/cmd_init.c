/*
 * cmd_init.c - shadowgate init: create (or migrate) the store.
 */
#include <stdio.h>

#include "cli.h"

static int run_init(struct cli *c, struct sg_store *s)
{
	if (!c->quiet)
		printf("store %s is ready (schema version %d)\n", c->db_path,
		       sg_store_version(s));
	return 0;
}

const struct cli_cmd cmd_init = {
	.name = "init",
	.fn = run_init,
	.groups = CLI_STORE | CLI_CONFIG | CLI_OUTPUT,
	.flags = CLI_CREATES_STORE | CLI_OPENS_STORE | CLI_NO_ARGS,
	.usage = "shadowgate init [--db PATH] [--config FILE]",
	.summary = "create the store, or bring it up to this version's schema",
};
