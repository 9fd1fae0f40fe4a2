// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certs.h"
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

int sigfile_write_at(int dirfd, const char *file, const uint8_t *val, size_t len)
{
	char *name = sig_name(file);
	int fd, err = 0;

	if (!name)
		return -ENOMEM;
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		    0644);
	free(name);
	if (fd < 0)
		return -errno;
	while (len && !err) {
		ssize_t w = write(fd, val, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? -errno : -EIO;
			break;
		}
		val += w;
		len -= (size_t)w;
	}
	if (close(fd) && !err)
		err = -errno;
	return err;
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
