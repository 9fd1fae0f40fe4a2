// SPDX-License-Identifier: GPL-2.0-only
/* ima-test verify: check IMA xattrs against content and certificates. */
#include <stdio.h>

#include "commands.h"
#include "evm_opts.h"
#include "scan.h"

static const char help[] =
	"Usage: ima-test verify [--cert CERT]... [OPTIONS] PATH...\n"
	"Check each file's IMA xattr: a digest must match the content, a\n"
	"signature must verify with the certificate holding its keyid.\n\n"
	"      --cert CERT     X.509 certificate, PEM or DER (repeatable)\n"
	"      --format FMT    text (default) or json (JSON lines, then a\n"
	"                      summary object)\n"
	EVM_CHECK_HELP
	TREE_HELP;

static int cmd_verify(int argc, char **argv)
{
	struct scan_opts so = { .fmt = OUT_TEXT, .formats = SCAN_FORMATS_TEXT_JSON };

	return scan_main(help, argc, argv, &so);
}

COMMAND("verify", 30, "check IMA xattrs against file contents and certificates", cmd_verify);
