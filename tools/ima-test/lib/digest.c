// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "digest.h"
#include "util.h"

/*
 * One read buffer, one digest context and the fetched digests per thread,
 * kept for the thread's life: a tree of thousands of small files otherwise
 * pays an allocation, a context and OpenSSL 3's implicit fetch (the
 * EVP_sha256() object is looked up again at every init) for each file.
 * 128 KiB stays in the L2 cache the hash reads it from.
 */
#define READ_BUF (128u << 10)

struct scratch {
	EVP_MD_CTX *ctx;
	EVP_MD *md[HASH_ALGO_LAST];
	uint8_t buf[READ_BUF];
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_key_err;

static void scratch_free(void *p)
{
	struct scratch *s = p;

	if (!s)
		return;
	EVP_MD_CTX_free(s->ctx);
	for (size_t i = 0; i < ARRAY_SIZE(s->md); i++)
		EVP_MD_free(s->md[i]);
	free(s);
}

static void scratch_key_make(void)
{
	scratch_key_err = pthread_key_create(&scratch_key, scratch_free);
}

/* This thread's scratch, made on first use; NULL when out of memory. */
static struct scratch *scratch_get(void)
{
	struct scratch *s;

	if (pthread_once(&scratch_once, scratch_key_make) || scratch_key_err)
		return NULL;
	s = pthread_getspecific(scratch_key);
	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->ctx = EVP_MD_CTX_new();
	if (!s->ctx || pthread_setspecific(scratch_key, s)) {
		scratch_free(s);
		return NULL;
	}
	return s;
}

/* @alg's digest, fetched once per thread. */
static const EVP_MD *scratch_md(struct scratch *s, const struct hash_algo *alg)
{
	const EVP_MD *legacy = hash_algo_md(alg);

	if (!legacy || (unsigned int)alg->id >= ARRAY_SIZE(s->md))
		return NULL;
	if (!s->md[alg->id])
		s->md[alg->id] = EVP_MD_fetch(NULL, EVP_MD_get0_name(legacy), NULL);
	return s->md[alg->id];
}

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

int digest_open_at(int dirfd, const char *name, unsigned long long resolve,
		   struct stat *st)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = resolve,
	};
	struct stat again;
	char proc[40];
	long pfd;
	int fd, e;

	pfd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	if (pfd < 0)
		return -errno;
	if (fstat((int)pfd, st) < 0)
		goto fail;
	if (!S_ISREG(st->st_mode)) {
		close((int)pfd);
		return S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%ld", pfd);
	fd = open(proc, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		e = errno == ENOENT ? ENOSYS : errno;	/* no /proc */
		close((int)pfd);
		return -e;
	}
	close((int)pfd);
	if (fstat(fd, &again) < 0 || again.st_dev != st->st_dev || again.st_ino != st->st_ino) {
		close(fd);
		return -ESTALE;
	}
	*st = again;
	return fd;
fail:
	e = errno;
	close((int)pfd);
	return -e;
}

static bool same_version(const struct stat *a, const struct stat *b)
{
	return a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

enum digest_status digest_fd_stat(int fd, const struct stat *st,
				  const struct hash_algo *alg,
				  uint8_t *md, size_t *md_len, int *err)
{
	struct scratch *s = scratch_get();
	const EVP_MD *evp = s ? scratch_md(s, alg) : NULL;
	struct stat before, after;
	unsigned int outl = 0;
	off_t off = 0;

	*err = 0;
	if (!s) {
		*err = ENOMEM;
		return DIGEST_IO_ERROR;
	}
	if (!evp) {
		*err = EINVAL;
		return DIGEST_IO_ERROR;
	}
	if (st) {
		before = *st;
	} else if (fstat(fd, &before) < 0) {
		*err = errno;
		return DIGEST_IO_ERROR;
	}
	if (!EVP_DigestInit_ex(s->ctx, evp, NULL)) {
		*err = ENOMEM;
		return DIGEST_IO_ERROR;
	}
	/* Read-ahead only matters beyond one buffer; a call per small file
	 * is a system call of the per-file cost a tree pays. */
	if (before.st_size > (off_t)READ_BUF)
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		ssize_t n = pread(fd, s->buf, READ_BUF, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			*err = errno;
			return DIGEST_IO_ERROR;
		}
		if (n == 0)
			break;
		if (!EVP_DigestUpdate(s->ctx, s->buf, (size_t)n)) {
			*err = EIO;
			return DIGEST_IO_ERROR;
		}
		off += n;
		/*
		 * A short read of a regular file is its end: no second call
		 * to find it.  Should it not have been (the file grew, or the
		 * file system returns short reads), the size check below
		 * reports the file as changed; nothing is labelled wrong.
		 */
		if ((size_t)n < READ_BUF && off >= before.st_size)
			break;
	}
	if (!EVP_DigestFinal_ex(s->ctx, md, &outl)) {
		*err = EIO;
		return DIGEST_IO_ERROR;
	}
	*md_len = outl;
	if (fstat(fd, &after) < 0) {
		*err = errno;
		return DIGEST_IO_ERROR;
	}
	return (same_version(&before, &after) && off == after.st_size) ?
	       DIGEST_OK : DIGEST_CHANGED;
}

enum digest_status digest_fd(int fd, const struct hash_algo *alg,
			     uint8_t *md, size_t *md_len, int *err)
{
	return digest_fd_stat(fd, NULL, alg, md, md_len, err);
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
