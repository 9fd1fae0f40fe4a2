// SPDX-License-Identifier: GPL-2.0-only
/* ima-test audit: classify every file, with a summary. */
#include <stdio.h>

#include "scan.h"

static const char help[] =
	"Usage: ima-test audit [--cert CERT]... [OPTIONS] PATH...\n"
	"Classify every regular file: ok, missing, stale, bad-signature,\n"
	"unknown-key, unsupported-algorithm, malformed, unreadable, changed;\n"
	"then print the counts.  Text output lists the files that are not ok\n"
	"(all of them with -v).\n\n"
	"      --cert CERT     X.509 certificate, PEM or DER (repeatable)\n"
	"      --format FMT    text (default), json (JSON lines and a summary\n"
	"                      object) or keylime (a Keylime runtime policy of\n"
	"                      sha256 digests on stdout, counts on stderr)\n"
	TREE_HELP;

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		TREE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct scan_opts so = { .fmt = OUT_TEXT, .summary = true, .quiet_ok = true };
	char err[512];
	int opt, r;

	optind = 1;
	while ((opt = getopt_long(argc, argv, TREE_SHORT_OPTIONS, opts, NULL)) != -1) {
		r = tree_option("audit", opt, optarg, &so.tree);
		if (r < 0)
			goto trouble;
		if (r)
			continue;
		switch (opt) {
		case OPT_CERT:
			if (certset_add(&so.certs, optarg, err, sizeof(err))) {
				fprintf(stderr, "ima-test audit: %s\n", err);
				goto trouble;
			}
			break;
		case OPT_FORMAT:
			if (scan_parse_format("audit", optarg, &so.fmt))
				goto trouble;
			break;
		case 'h':
			fputs(help, stdout);
			certset_free(&so.certs);
			return EXIT_OK;
		default:
			usage_error("audit", "bad option");
			goto trouble;
		}
	}
	if (optind >= argc) {
		usage_error("audit", "no files given");
		goto trouble;
	}
	r = scan_run(&so, argv + optind, (size_t)(argc - optind));
	certset_free(&so.certs);
	return r;
trouble:
	certset_free(&so.certs);
	return EXIT_TROUBLE;
}
