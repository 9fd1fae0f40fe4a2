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
 * Write @val to @name".sig" in the directory open at @dirfd (AT_FDCWD: the
 * current one), through that descriptor only; @name has no '/': the value goes to a new
 * temporary file beside it (O_EXCL|O_NOFOLLOW|O_NONBLOCK), then is renamed
 * into place, so a reader never sees half a value and no existing inode is
 * written.  An existing @name".sig" that is a symlink, not a regular file
 * (a FIFO, a device) or has more than one link is refused.  0, or -errno
 * with the reason in @err.
 */
int sigfile_write_at(int dirfd, const char *name, const uint8_t *val, size_t len,
		     char *err, size_t errlen);

/* Read @path".sig" into @buf (@cap bytes).  Its length, or -errno
 * (-EFBIG when larger than @cap). */
long sigfile_read(const char *path, uint8_t *buf, size_t cap);

#endif
