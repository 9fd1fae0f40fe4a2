// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "out.h"

/* The command being run: set once by main(), before any thread starts. */
static const char *msg_cmd;

void msg_set_command(const char *name)
{
	msg_cmd = name;
}

static void vmessage(const char *fmt, va_list ap)
{
	if (msg_cmd)
		fprintf(stderr, "ima-test %s: ", msg_cmd);
	else
		fputs("ima-test: ", stderr);
	vfprintf(stderr, fmt, ap);
}

void cmd_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cmd_warnx_escaped(const char *lead, const char *text)
{
	if (msg_cmd)
		fprintf(stderr, "ima-test %s: %s", msg_cmd, lead);
	else
		fprintf(stderr, "ima-test: %s", lead);
	text_write_escaped(stderr, text);
	fputc('\n', stderr);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	if (msg_cmd)
		fprintf(stderr, "\nTry 'ima-test %s --help'.\n", msg_cmd);
	else
		fputs("\nTry 'ima-test --help'.\n", stderr);
	return EXIT_TROUBLE;
}

/*
 * The long options "--NAME[=VALUE]" @arg can name (an unambiguous prefix
 * names one): how many, and the last one in *@found.  An exact name is one.
 */
static size_t long_matches(const char *arg, const struct option *longopts,
			   const struct option **found)
{
	size_t len = strcspn(arg + 2, "="), n = 0;

	*found = NULL;
	for (const struct option *o = longopts; o && o->name; o++) {
		if (strncmp(o->name, arg + 2, len))
			continue;
		*found = o;
		if (strlen(o->name) == len)
			return 1;
		n++;
	}
	return n;
}

/* A short option getopt refused: unknown, or missing its argument. */
static int short_option_error(const char *shortopts)
{
	if (optopt <= 0 || optopt > 0xff)
		return usage_error("bad option");
	shortopts += strspn(shortopts, "+-:");
	if (optopt != ':' && strchr(shortopts, optopt))
		return usage_error("option requires an argument -- '%c'", optopt);
	return usage_error("invalid option -- '%c'", optopt);
}

int usage_error_option(char **argv, const char *shortopts, const struct option *longopts)
{
	/* getopt has moved past a long option it refuses, not always past a short one */
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;
	const struct option *o;
	size_t n;

	if (arg && !strncmp(arg, "--", 2) && arg[2]) {
		n = long_matches(arg, longopts, &o);
		if (!optopt && n > 1)
			return usage_error("option '%s' is ambiguous", arg);
		if (!optopt)
			return usage_error("unrecognized option '%s'", arg);
		if (n == 1 && o->val == optopt)
			return usage_error(strchr(arg, '=') ? "option '--%s' doesn't allow an argument" :
					   "option '--%s' requires an argument", o->name);
	}
	if (!optopt)
		return usage_error("unrecognized option '%s'", arg ? arg : "");
	return short_option_error(shortopts);
}

const struct hash_algo *parse_hash(const char *arg)
{
	const struct hash_algo *alg = hash_algo_by_name(arg);

	if (!alg)
		usage_error("unsupported hash algorithm '%s' (use one of %s)",
			    arg, hash_algo_supported_names());
	return alg;
}

int tree_option(int opt, const char *arg, struct tree_opts *t)
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
			usage_error("--jobs wants a number from 1 to 1024, not '%s'", arg);
			return -1;
		}
		t->walk.jobs = (unsigned)n;
		return 1;
	}
	return 0;
}
