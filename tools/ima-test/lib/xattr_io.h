/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading and writing the IMA xattr: security.ima, or user.ima for
 * unprivileged testing (--xattr-user).
 */
#ifndef IMA_TEST_XATTR_IO_H
#define IMA_TEST_XATTR_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define XATTR_IMA_SECURITY "security.ima"
#define XATTR_IMA_USER "user.ima"

const char *xattr_ima_name(bool user);

/*
 * Read the IMA xattr of an open file into @buf (@cap bytes, use
 * IMA_XATTR_MAX).  Returns its length, or -errno: -ENODATA when the file
 * has none, -ERANGE when it is larger than @cap, -ENOTSUP when the file
 * system has no such xattrs.
 */
ssize_t xattr_read_ima(int fd, bool user, uint8_t *buf, size_t cap);

/* The same by path (symlinks followed only with @follow). */
ssize_t xattr_read_ima_path(const char *path, bool user, bool follow,
			    uint8_t *buf, size_t cap);

/* Set the IMA xattr of an open file (an O_RDONLY fd is enough).  0 or -errno. */
int xattr_write_ima(int fd, bool user, const uint8_t *buf, size_t len);

/*
 * A user-facing explanation of a failed write, with a hint where one helps
 * (e.g. "not permitted ... try --xattr-user").  Never NULL.
 */
const char *xattr_write_error(int err, bool user, char *msg, size_t msglen);

#endif
