/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the command front ends: options, usage, exit codes. */
#ifndef IMA_TEST_COMMON_H
#define IMA_TEST_COMMON_H

#include <getopt.h>
#include <stdbool.h>

#include "hashalgo.h"
#include "options.h"
#include "walk.h"

#include "exitcode.h"

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
int tree_option(int opt, const char *arg, struct tree_opts *t);

/* Parse a --hash argument; prints a usage error and returns NULL if bad. */
const struct hash_algo *parse_hash(const char *arg);

/*
 * Messages on stderr, one style for every command: "ima-test COMMAND:
 * MESSAGE" (as util-linux's warnx() prefixes the program).  main() names
 * the command once, before it runs; callers never spell the prefix.
 */
void msg_set_command(const char *name);

/* One line: the prefix, the message and a newline. */
void cmd_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The prefix, @lead and then @text, untrusted, escaped as out.h does. */
void cmd_warnx_escaped(const char *lead, const char *text);

/* cmd_warnx() and a pointer to --help; returns EXIT_TROUBLE (2). */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The usage error for getopt_long()'s '?', run with opterr = 0 so that
 * getopt itself says nothing: names the option that is unknown, ambiguous,
 * missing its argument or given one it does not take, in getopt's words.
 * @shortopts and @longopts are what getopt_long() was given.  Returns
 * EXIT_TROUBLE (2).
 */
int usage_error_option(char **argv, const char *shortopts, const struct option *longopts);

#endif
