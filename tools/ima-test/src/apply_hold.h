/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * apply --hold: while a package manager writes files, hold every open of
 * a file on one file system (fanotify permission events) until the file
 * has the signature its content was signed with, if it was.
 */
#ifndef IMA_TEST_APPLY_HOLD_H
#define IMA_TEST_APPLY_HOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashalgo.h"

/* One signed digest: its xattr value was checked against the certificates. */
struct hold_entry {
	const struct hash_algo *alg;
	const uint8_t *digest;
	size_t digest_len;
	const uint8_t *value;
	size_t value_len;
};

/*
 * Hold the opens of files on the file system of @root until SIGTERM or
 * SIGINT.  Prints "ready" on standard output once every open is held.
 * @e is sorted here.  EXIT_OK, or EXIT_TROUBLE when the holding cannot
 * start (no fanotify permission events in this kernel, no privilege).
 */
int apply_hold(struct hold_entry *e, size_t n, const char *root, bool user_xattr,
	       bool verbose);

#endif
