// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "sigfile.h"
#include "util.h"

bool sigfile_is(const char *path)
{
	size_t n = strlen(path), s = strlen(SIGFILE_SUFFIX);

	return n > s && !strcmp(path + n - s, SIGFILE_SUFFIX);
}

static char *sig_name(const char *path)
{
	char *name;

	if (asprintf(&name, "%s" SIGFILE_SUFFIX, path) < 0)
		return NULL;
	return name;
}

/* Refuse to replace @name in @dirfd unless it is absent or a regular file
 * with no other link.  Opened, not stat'ed by name: O_NOFOLLOW refuses a
 * symlink and O_NONBLOCK keeps a FIFO from blocking the run. */
static int check_old(int dirfd, const char *name, char *err, size_t errlen)
{
	struct stat st;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY),
	    e = 0;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		e = -errno;
		snprintf(err, errlen, "%s", e == -ELOOP ? "is a symlink; not replaced" :
			 strerror(-e));
		return e;
	}
	if (fstat(fd, &st)) {
		e = -errno;
		snprintf(err, errlen, "%s", strerror(-e));
	} else if (!S_ISREG(st.st_mode)) {
		e = -EINVAL;
		snprintf(err, errlen, "is not a regular file; not replaced");
	} else if (st.st_nlink > 1) {
		e = -EMLINK;
		snprintf(err, errlen, "has %ju links (a hard link to another file); not replaced",
			 (uintmax_t)st.st_nlink);
	}
	close(fd);
	return e;
}

static int write_all(int fd, const uint8_t *val, size_t len)
{
	while (len) {
		ssize_t w = write(fd, val, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		val += w;
		len -= (size_t)w;
	}
	return 0;
}

/* A new file ".NAME.XXXXXX" in @dirfd, created exclusively; its fd or -errno. */
static int create_temp(int dirfd, const char *name, char **tmp)
{
	for (int tries = 0; tries < 100; tries++) {
		uint32_t r;
		int fd;

		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			return -EIO;
		if (asprintf(tmp, ".%s.%08" PRIx32, name, r) < 0) {
			*tmp = NULL;
			return -ENOMEM;
		}
		fd = openat(dirfd, *tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK |
			    O_CLOEXEC | O_NOCTTY, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
		free(*tmp);
		*tmp = NULL;
	}
	return -EEXIST;
}

int sigfile_write_at(int dirfd, const char *file, const uint8_t *val, size_t len,
		     char *err, size_t errlen)
{
	char *name = sig_name(file), *tmp = NULL;
	int fd, e;

	if (strchr(file, '/')) {
		free(name);
		snprintf(err, errlen, "not a name in the directory");
		return -EINVAL;
	}
	snprintf(err, errlen, "out of memory");
	if (!name)
		return -ENOMEM;
	e = check_old(dirfd, name, err, errlen);
	fd = e ? e : create_temp(dirfd, name, &tmp);
	if (fd < 0) {
		if (!e)
			snprintf(err, errlen, "cannot create a temporary file beside it: %s",
				 strerror(-fd));
		free(name);
		return fd;
	}
	e = write_all(fd, val, len);
	if (close(fd) && !e)
		e = -errno;
	if (!e && renameat(dirfd, tmp, dirfd, name))
		e = -errno;
	if (e) {
		snprintf(err, errlen, "%s", strerror(-e));
		unlinkat(dirfd, tmp, 0);
	}
	free(tmp);
	free(name);
	return e;
}

long sigfile_read(const char *path, uint8_t *buf, size_t cap)
{
	char *name = sig_name(path);
	uint8_t *data;
	size_t len;
	int r;

	if (!name)
		return -ENOMEM;
	r = read_file(name, &data, &len, cap);
	free(name);
	if (r < 0)
		return r;
	if (len > cap) {
		free(data);
		return -EFBIG;
	}
	memcpy(buf, data, len);
	free(data);
	return (long)len;
}
