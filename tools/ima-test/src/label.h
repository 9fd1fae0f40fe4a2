/* SPDX-License-Identifier: GPL-2.0-only */
/* What `hash` and `sign` share: hash a file to label it, write the label. */
#ifndef IMA_TEST_LABEL_H
#define IMA_TEST_LABEL_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "digest.h"
#include "out.h"

/*
 * Hash the content of the file the walk opened at @fd (-errno: it could
 * not be) with @alg; the label is then written through the same @fd.  @st
 * is the walk's fstat() of @fd (see walk_file_fn), the change check's start.
 * Returns 0 with the digest in @md; or -1 after reporting the problem on
 * @out, with *status set to this file's exit status.  @verb says what was
 * not done ("written", "signed") to a file that changed while it was being
 * hashed.
 */
int label_digest(struct out *out, const char *path, int fd,
		 const struct stat *st, const struct hash_algo *alg,
		 uint8_t *md, size_t *md_len, const char *verb, int *status);

/*
 * Write @val (@len bytes; 0 if it could not be encoded) as the IMA xattr
 * of the open file @fd.  Returns EXIT_OK, or EXIT_TROUBLE after reporting.
 */
int label_write(struct out *out, const struct tree_opts *tree, const char *path,
		int fd, const uint8_t *val, size_t len);

#endif
