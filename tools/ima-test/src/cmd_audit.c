// SPDX-License-Identifier: GPL-2.0-only
/* ima-test audit: classify every file, with a summary. */
#include <stdio.h>

#include "commands.h"
#include "evm_opts.h"
#include "scan.h"

static const char help[] =
	"Usage: ima-test audit [--cert CERT]... [OPTIONS] PATH...\n"
	"Classify every regular file: ok, missing, stale, bad-signature,\n"
	"unknown-key, unsupported-algorithm, malformed, unreadable, changed;\n"
	"then print the counts.  Text output lists the files that are not ok\n"
	"(all of them with -v).\n\n"
	"      --cert CERT     X.509 certificate, PEM or DER (repeatable)\n"
	"      --format FMT    text (default), json (JSON lines and a summary\n"
	"                      object) or keylime (a Keylime runtime policy on\n"
	"                      stdout, counts on stderr)\n"
	"  with --format keylime:\n"
	"      --hash-algo ALG digest of the entries, the kernel's ima_hash:\n"
	"                      sha1, sha224, sha256 (default), sha384, sha512\n"
	"      --boot-aggregate HEX  the boot_aggregate entry (default: read\n"
	"                      from the measurement list)\n"
	"      --ima-measurement-list FILE  ASCII measurement list to read it from\n"
	"                      (default /sys/kernel/security/ima/\n"
	"                      ascii_runtime_measurements)\n"
	"                      --cert keys become its verification-keys\n"
	EVM_CHECK_HELP
	TREE_HELP;

static int cmd_audit(int argc, char **argv)
{
	struct scan_opts so = {
		.fmt = OUT_TEXT,
		.formats = SCAN_FORMATS_TEXT_JSON | SCAN_FORMAT(OUT_KEYLIME),
		.summary = true,
		.quiet_ok = true,
	};

	return scan_main(help, argc, argv, &so);
}

COMMAND("audit", 40, "classify every file; text, JSON lines or a Keylime policy", cmd_audit);
