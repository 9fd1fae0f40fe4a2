// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>

#include "xattr_io.h"

const char *xattr_ima_name(bool user)
{
	return user ? XATTR_IMA_USER : XATTR_IMA_SECURITY;
}

ssize_t xattr_read_ima(int fd, bool user, uint8_t *buf, size_t cap)
{
	ssize_t n = fgetxattr(fd, xattr_ima_name(user), buf, cap);

	return n < 0 ? -errno : n;
}

ssize_t xattr_read_ima_path(const char *path, bool user, bool follow,
			    uint8_t *buf, size_t cap)
{
	ssize_t n = follow ? getxattr(path, xattr_ima_name(user), buf, cap) :
			     lgetxattr(path, xattr_ima_name(user), buf, cap);

	return n < 0 ? -errno : n;
}

int xattr_write_ima(int fd, bool user, const uint8_t *buf, size_t len)
{
	return fsetxattr(fd, xattr_ima_name(user), buf, len, 0) < 0 ? -errno : 0;
}

const char *xattr_write_error(int err, bool user, char *msg, size_t msglen)
{
	const char *name = xattr_ima_name(user);

	switch (err) {
	case EPERM:
	case EACCES:
		snprintf(msg, msglen, "cannot set %s: %s%s", name, strerror(err),
			 user ? "" : " (security.* needs CAP_SYS_ADMIN; try --xattr-user)");
		break;
	case ENOTSUP:
		snprintf(msg, msglen, "cannot set %s: file system does not support it%s",
			 name, user ? "" : " (try --xattr-user, or another file system)");
		break;
	default:
		snprintf(msg, msglen, "cannot set %s: %s", name, strerror(err));
	}
	return msg;
}
