// SPDX-License-Identifier: GPL-2.0-only
/* ima-test verify: check IMA xattrs against content and certificates. */
#include <stdio.h>

#include "scan.h"

static const char help[] =
	"Usage: ima-test verify [--cert CERT]... [OPTIONS] PATH...\n"
	"Check each file's IMA xattr: a digest must match the content, a\n"
	"signature must verify with the certificate holding its keyid.\n\n"
	"      --cert CERT     X.509 certificate, PEM or DER (repeatable)\n"
	"      --format FMT    text (default) or json (JSON lines, then a\n"
	"                      summary object)\n"
	TREE_HELP;

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		TREE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct scan_opts so = { .fmt = OUT_TEXT };
	char err[512];
	int opt, r;

	optind = 1;
	while ((opt = getopt_long(argc, argv, TREE_SHORT_OPTIONS, opts, NULL)) != -1) {
		r = tree_option("verify", opt, optarg, &so.tree);
		if (r < 0)
			goto trouble;
		if (r)
			continue;
		switch (opt) {
		case OPT_CERT:
			if (certset_add(&so.certs, optarg, err, sizeof(err))) {
				fprintf(stderr, "ima-test verify: %s\n", err);
				goto trouble;
			}
			break;
		case OPT_FORMAT:
			if (scan_parse_format("verify", optarg, &so.fmt))
				goto trouble;
			break;
		case 'h':
			fputs(help, stdout);
			certset_free(&so.certs);
			return EXIT_OK;
		default:
			usage_error("verify", "bad option");
			goto trouble;
		}
	}
	if (optind >= argc) {
		usage_error("verify", "no files given");
		goto trouble;
	}
	so.summary = so.fmt == OUT_JSON;	/* JSON lines end with a summary object */
	r = scan_run(&so, argv + optind, (size_t)(argc - optind));
	certset_free(&so.certs);
	return r;
trouble:
	certset_free(&so.certs);
	return EXIT_TROUBLE;
}
