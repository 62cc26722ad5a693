/*
 * main.c - the shadowgate command line: one table of subcommands, as git's
 * commands[]; main turns the result into the exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg/error.h"

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("shadowgate %s\n", SG_VERSION);
		return 0;
	}
	fprintf(stderr, "usage: shadowgate COMMAND [OPTIONS]\n");
	return 2;
}
