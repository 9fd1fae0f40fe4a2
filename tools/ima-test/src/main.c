// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test: create, check and audit IMA xattrs (evmctl compatible).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "util.h"

/* The COMMAND() entries of every src/cmd_*.c, placed by the linker. */
extern const struct command __start_ima_test_commands[];
extern const struct command __stop_ima_test_commands[];

static const struct command *commands[64];
static size_t ncommands;

static int by_rank(const void *a, const void *b)
{
	const struct command *x = *(const struct command *const *)a;
	const struct command *y = *(const struct command *const *)b;

	return (x->rank > y->rank) - (x->rank < y->rank);
}

static void collect_commands(void)
{
	for (const struct command *c = __start_ima_test_commands;
	     c < __stop_ima_test_commands; c++) {
		if (ncommands == ARRAY_SIZE(commands))
			abort();	/* more commands than main.c has room for */
		commands[ncommands++] = c;
	}
	qsort(commands, ncommands, sizeof(*commands), by_rank);
}

static void usage(FILE *fp)
{
	fputs("Usage: ima-test COMMAND [OPTIONS] [PATH...]\n\nCommands:\n", fp);
	for (size_t i = 0; i < ncommands; i++)
		fprintf(fp, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\n'ima-test COMMAND --help' describes a command.\n"
	      "Exit status: 0 all good, 1 integrity findings, 2 usage or environment error.\n",
	      fp);
}

/*
 * Every command's result ends here: output that could not be written in
 * full (a full disk, a closed pipe) must not end in a success, so a failed
 * write to stdout turns any status into 2.
 */
static int close_stdout(int status)
{
	bool failed = ferror(stdout);
	int err = 0;

	if (fflush(stdout)) {
		failed = true;
		err = errno;
	}
	if (fclose(stdout) && errno != EBADF) {
		failed = true;
		err = err ? err : errno;
	}
	if (!failed)
		return status;
	cmd_warnx("error writing standard output%s%s",
		err ? ": " : "", err ? strerror(err) : "");
	return EXIT_TROUBLE;
}

static int run(int argc, char **argv)
{
	collect_commands();
	if (argc < 2) {
		usage(stderr);
		return EXIT_TROUBLE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("ima-test %s\n", IMA_TEST_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < ncommands; i++)
		if (!strcmp(argv[1], commands[i]->name)) {
			msg_set_command(commands[i]->name);
			return commands[i]->run(argc - 1, argv + 1);
		}
	cmd_warnx("unknown command '%s'", argv[1]);
	usage(stderr);
	return EXIT_TROUBLE;
}

int main(int argc, char **argv)
{
	return close_stdout(run(argc, argv));
}
