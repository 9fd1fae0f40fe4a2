// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"

#define READ_BUF_MAX (1u << 20)

int digest_open(const char *path, bool follow, struct stat *st)
{
	struct stat sb;
	int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
	int fd;

	if (!follow)
		flags |= O_NOFOLLOW;
	fd = open(path, flags);
	if (fd < 0)
		return errno == ENXIO ? -EINVAL : -errno;
	if (fstat(fd, &sb) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return S_ISDIR(sb.st_mode) ? -EISDIR : -EINVAL;
	}
	if (st)
		*st = sb;
	return fd;
}

static bool same_version(const struct stat *a, const struct stat *b)
{
	return a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

enum digest_status digest_fd(int fd, const struct hash_algo *alg,
			     uint8_t *md, size_t *md_len, int *err)
{
	const EVP_MD *evp = hash_algo_md(alg);
	enum digest_status ret = DIGEST_IO_ERROR;
	struct stat before, after;
	EVP_MD_CTX *ctx = NULL;
	unsigned int outl = 0;
	uint8_t *buf = NULL;
	size_t bufsz;
	off_t off = 0;

	*err = 0;
	if (!evp) {
		*err = EINVAL;
		return DIGEST_IO_ERROR;
	}
	if (fstat(fd, &before) < 0) {
		*err = errno;
		return DIGEST_IO_ERROR;
	}
	bufsz = before.st_size < (off_t)READ_BUF_MAX ?
		(size_t)before.st_size + 4096 : READ_BUF_MAX;
	buf = malloc(bufsz);
	ctx = EVP_MD_CTX_new();
	if (!buf || !ctx || !EVP_DigestInit_ex(ctx, evp, NULL)) {
		*err = ENOMEM;
		goto out;
	}
	/* Read-ahead only matters beyond one buffer; a call per small file
	 * is a system call of the per-file cost a tree pays. */
	if (before.st_size > (off_t)READ_BUF_MAX)
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		ssize_t n = pread(fd, buf, bufsz, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			*err = errno;
			goto out;
		}
		if (n == 0)
			break;
		if (!EVP_DigestUpdate(ctx, buf, (size_t)n)) {
			*err = EIO;
			goto out;
		}
		off += n;
		/*
		 * A short read of a regular file is its end: no second call
		 * to find it.  Should it not have been (the file grew, or the
		 * file system returns short reads), the size check below
		 * reports the file as changed; nothing is labelled wrong.
		 */
		if ((size_t)n < bufsz && off >= before.st_size)
			break;
	}
	if (!EVP_DigestFinal_ex(ctx, md, &outl)) {
		*err = EIO;
		goto out;
	}
	*md_len = outl;
	if (fstat(fd, &after) < 0) {
		*err = errno;
		goto out;
	}
	ret = (same_version(&before, &after) && off == after.st_size) ?
	      DIGEST_OK : DIGEST_CHANGED;
out:
	EVP_MD_CTX_free(ctx);
	free(buf);
	return ret;
}

enum digest_status digest_path(const char *path, bool follow,
			       const struct hash_algo *alg,
			       uint8_t *md, size_t *md_len, int *err)
{
	enum digest_status st;
	int fd = digest_open(path, follow, NULL);

	if (fd < 0) {
		*err = -fd;
		return DIGEST_IO_ERROR;
	}
	st = digest_fd(fd, alg, md, md_len, err);
	close(fd);
	return st;
}
