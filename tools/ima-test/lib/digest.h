/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Opening files for inspection and hashing their contents.
 *
 * Files are only ever opened read-only; nothing here writes file data.
 */
#ifndef IMA_TEST_DIGEST_H
#define IMA_TEST_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "hashalgo.h"

enum digest_status {
	DIGEST_OK = 0,
	DIGEST_IO_ERROR,	/* read failed; errno value in *err */
	DIGEST_CHANGED,		/* size, mtime or ctime moved while hashing */
};

/*
 * Open @path read-only for hashing (O_RDONLY|O_NOFOLLOW unless @follow,
 * O_NONBLOCK so FIFOs do not hang, O_CLOEXEC|O_NOCTTY).  Returns an fd on a
 * regular file, or -errno: -ELOOP for a symlink without @follow, -EISDIR for
 * a directory, -EINVAL for any other non-regular file.  @st (may be NULL)
 * receives fstat() of the opened file.
 */
int digest_open(const char *path, bool follow, struct stat *st);

/*
 * Open @name (relative to @dirfd, resolved with the RESOLVE_* flags in
 * @resolve, never following a final symlink) read-only, without ever
 * opening anything but a regular file: the name is first opened O_PATH
 * and its type checked with fstat, and only a regular file is then
 * reopened through /proc/self/fd (so the open cannot reach a device or
 * FIFO put in its place).  Opening a device can have effects of its own
 * (a watchdog starts its timer).  Returns an fd, or -errno: -EISDIR,
 * -EINVAL for other non-regular files (symlinks included), -ENOSYS without
 * openat2 or /proc.  @st receives fstat() of the opened file.
 */
int digest_open_at(int dirfd, const char *name, unsigned long long resolve,
		   struct stat *st);

/*
 * Hash the whole content of the regular file @fd with @alg from offset 0
 * (pread; the file offset is not used), into @md (HASH_MAX_DIGEST bytes).
 * The file's size, mtime and ctime are compared before and after on the
 * same fd: a file that changed while being read gives DIGEST_CHANGED.
 * Thread-safe; each thread keeps one 128 KiB read buffer and one digest
 * context for its life (freed when the thread ends).
 */
enum digest_status digest_fd(int fd, const struct hash_algo *alg,
			     uint8_t *md, size_t *md_len, int *err);

/*
 * digest_fd() where @st (may be NULL) is an fstat() of @fd taken after it
 * was opened and before any of it was read, saving the call: the "before"
 * of the change check.
 */
enum digest_status digest_fd_stat(int fd, const struct stat *st,
				  const struct hash_algo *alg,
				  uint8_t *md, size_t *md_len, int *err);

/* digest_open() + digest_fd() + close(); open errors come back as
 * DIGEST_IO_ERROR with the positive errno in *err. */
enum digest_status digest_path(const char *path, bool follow,
			       const struct hash_algo *alg,
			       uint8_t *md, size_t *md_len, int *err);


#endif
