/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the command front ends: options, usage, exit codes. */
#ifndef IMA_TEST_COMMON_H
#define IMA_TEST_COMMON_H

#include <getopt.h>
#include <stdbool.h>

#include "hashalgo.h"
#include "options.h"
#include "walk.h"

#define EXIT_OK 0
#define EXIT_FINDINGS 1
#define EXIT_TROUBLE 2

/* Options every tree command takes. */
struct tree_opts {
	struct walk_opts walk;
	bool user_xattr;
	bool verbose;
};

#define TREE_LONG_OPTIONS \
	{ "recursive", no_argument, NULL, 'r' }, \
	{ "xattr-user", no_argument, NULL, OPT_XATTR_USER }, \
	{ "follow", no_argument, NULL, OPT_FOLLOW }, \
	{ "one-file-system", no_argument, NULL, 'x' }, \
	{ "jobs", required_argument, NULL, 'j' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "help", no_argument, NULL, 'h' }
#define TREE_SHORT_OPTIONS "rxj:vh"

#define TREE_HELP \
	"  -r, --recursive     descend into directories\n" \
	"      --follow        follow symlinks\n" \
	"  -x, --one-file-system  stay on the file system of each PATH\n" \
	"      --xattr-user    use user.ima instead of security.ima\n" \
	"  -j, --jobs N        worker threads (default: online CPUs)\n" \
	"  -v, --verbose       report every file\n" \
	"  -h, --help          show this help\n"

/*
 * Handle a TREE_LONG_OPTIONS option.  Returns 1 if handled, 0 if @opt is
 * not one of them, -1 after a usage error was printed.
 */
int tree_option(const char *cmd, int opt, const char *arg, struct tree_opts *t);

/* Parse a --hash argument; prints a usage error and returns NULL if bad. */
const struct hash_algo *parse_hash(const char *cmd, const char *arg);

/* "ima-test CMD: MESSAGE" + a pointer to --help on stderr; returns 2. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
