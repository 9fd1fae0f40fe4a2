// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ima-test %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'ima-test %s --help'.\n", cmd);
	return EXIT_TROUBLE;
}

const struct hash_algo *parse_hash(const char *cmd, const char *arg)
{
	const struct hash_algo *alg = hash_algo_by_name(arg);

	if (!alg)
		usage_error(cmd, "unsupported hash algorithm '%s' (use one of %s)",
			    arg, hash_algo_supported_names());
	return alg;
}

int tree_option(const char *cmd, int opt, const char *arg, struct tree_opts *t)
{
	char *end;
	unsigned long n;

	switch (opt) {
	case 'r':
		t->walk.recursive = true;
		return 1;
	case 'x':
		t->walk.one_fs = true;
		return 1;
	case OPT_FOLLOW:
		t->walk.follow = true;
		return 1;
	case OPT_XATTR_USER:
		t->user_xattr = true;
		return 1;
	case 'v':
		t->verbose = true;
		return 1;
	case 'j':
		n = strtoul(arg, &end, 10);
		if (*arg < '0' || *arg > '9' || *end || n < 1 || n > 1024) {
			usage_error(cmd, "--jobs wants a number from 1 to 1024, not '%s'", arg);
			return -1;
		}
		t->walk.jobs = (unsigned)n;
		return 1;
	}
	return 0;
}
