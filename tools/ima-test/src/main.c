// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test: create, check and audit IMA xattrs (evmctl compatible).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "util.h"

static const struct command commands[] = {
	{
		.name = "sign",
		.summary = "write v2 signatures to the IMA xattr",
		.run = cmd_sign,
	},
	{
		.name = "hash",
		.summary = "write content digests to the IMA xattr, as fix mode does",
		.run = cmd_hash,
	},
	{
		.name = "verify",
		.summary = "check IMA xattrs against file contents and certificates",
		.run = cmd_verify,
	},
	{
		.name = "audit",
		.summary = "classify every file; text, JSON lines or a Keylime policy",
		.run = cmd_audit,
	},
	{
		.name = "keys",
		.summary = "add certificates to, or list, an IMA keyring",
		.run = cmd_keys,
	},
	{
		.name = "ready",
		.summary = "list what ima_appraise=enforce would deny under a policy",
		.run = cmd_ready,
	},
	{
		.name = "close-check",
		.summary = "prove security.ima is rewritten on every final close",
		.run = cmd_close_check,
	},
	{
		.name = "log",
		.summary = "verify the IMA measurement list against the TPM and a reference",
		.run = cmd_log,
	},
	{
		.name = "sign-hash",
		.summary = "sign the digests of a sha*sum manifest (evmctl sign_hash)",
		.run = cmd_sign_hash,
	},
	{
		.name = "apply",
		.summary = "set IMA xattrs from FILE.sig files or a sign-hash manifest",
		.run = cmd_apply,
	},
};

static void usage(FILE *fp)
{
	fputs("Usage: ima-test COMMAND [OPTIONS] [PATH...]\n\nCommands:\n", fp);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].summary);
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
	fprintf(stderr, "ima-test: error writing standard output%s%s\n",
		err ? ": " : "", err ? strerror(err) : "");
	return EXIT_TROUBLE;
}

static int run(int argc, char **argv)
{
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
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "ima-test: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_TROUBLE;
}

int main(int argc, char **argv)
{
	return close_stdout(run(argc, argv));
}
