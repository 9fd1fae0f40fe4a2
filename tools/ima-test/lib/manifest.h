/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lines of a digest manifest, as sha*sum writes them, and the signed form
 * `sign-hash` prints (the same line, a space, the hex IMA xattr value):
 *
 *     HEX  NAME                  (text mode; "HEX *NAME" binary mode)
 *     \HEX  NAME                 (NAME with "\\", "\n" and "\r" escapes)
 *     HEX  NAME SIGHEX           (signed)
 *
 * The algorithm is the one whose digest length the hex has, or must be
 * @want when one is given.  Pure functions: no I/O.
 */
#ifndef IMA_TEST_MANIFEST_H
#define IMA_TEST_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashalgo.h"
#include "imaxattr.h"

struct manifest_line {
	const struct hash_algo *alg;
	uint8_t digest[HASH_MAX_DIGEST];
	size_t digest_len;
	char *name;		/* decoded file name (malloc'ed) */
	uint8_t *value;		/* signed lines: the xattr value (malloc'ed) */
	size_t value_len;
};

/*
 * Parse the @len bytes at @line (without its newline).  With @is_signed the
 * line must end in a v2 signature of the line's digest algorithm.  0, or
 * -EINVAL with a reason in @err.
 */
int manifest_parse(const char *line, size_t len, bool is_signed,
		   const struct hash_algo *want, struct manifest_line *ml,
		   char *err, size_t errlen);
void manifest_line_free(struct manifest_line *ml);


#endif
