/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Signature files: FILE.sig holds exactly the IMA xattr value FILE should
 * get (evmctl ima_sign --sigfile, ima_setxattr --sigfile).
 */
#ifndef IMA_TEST_SIGFILE_H
#define IMA_TEST_SIGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIGFILE_SUFFIX ".sig"

/* True when @path names a signature file (ends in ".sig"). */
bool sigfile_is(const char *path);

/*
 * Write @val to @name".sig" in the directory open at @dirfd (AT_FDCWD: @name
 * is a path), replacing it; a symlink there is not followed.  0 or -errno.
 */
int sigfile_write_at(int dirfd, const char *name, const uint8_t *val, size_t len);

/* Read @path".sig" into @buf (@cap bytes).  Its length, or -errno
 * (-EFBIG when larger than @cap). */
long sigfile_read(const char *path, uint8_t *buf, size_t cap);

#endif
