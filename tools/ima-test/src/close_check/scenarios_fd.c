// SPDX-License-Identifier: GPL-2.0-only
/*
 * close-check scenarios in one process: each changes the file through one
 * kind of write and ends with the final close by one path.  The scenarios
 * with several processes, sockets or threads are in scenarios_proc.c;
 * the table of all of them is scenarios.c.
 * Each returns with the final close done; the driver checks the new label.
 * See close_check.h for the contract.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "close_check.h"

/*
 * The end of a scenario with one writer: its close(2) is the final close.
 * After an earlier failure @res, just close it and keep that result.
 */
static enum cc_result close_last(struct cc_run *r, int fd, enum cc_result res)
{
	if (res) {
		close(fd);
		return res;
	}
	return cc_closed(r, fd, "close(2)");
}

enum cc_result cc_sc_close(struct cc_run *r)
{
	int fd;
	enum cc_result res = cc_open_and_write(r, "written, before close(2)", &fd);

	return res ? res : cc_closed(r, fd, "close(2)");
}


enum cc_result cc_sc_dup(struct cc_run *r)
{
	size_t len1, len2;
	uint8_t *p1 = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &len1);
	uint8_t *p2 = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &len2);
	enum cc_result res = CC_FAIL;
	int fd = -1, fd2 = -1;

	if (!p1 || !p2) {
		res = cc_fail(r, "out of memory");
		goto out;
	}
	fd = cc_open(r, O_WRONLY);
	if (fd < 0) {
		res = cc_open_failed(r, "O_WRONLY");
		goto out;
	}
	res = cc_write_at(r, fd, cc_rand_off(r, r->m.len), p1, len1, "write");
	if (res)
		goto out;
	fd2 = dup(fd);
	if (fd2 < 0) {
		res = cc_fail(r, "dup: %s", strerror(errno));
		goto out;
	}
	res = cc_closed(r, fd, "close of the first fd");
	fd = -1;
	if (!res)
		res = cc_unchanged(r, "first fd closed, the dup remains");
	if (!res)
		res = cc_write_at(r, fd2, cc_rand_off(r, r->m.len), p2, len2, "write through the dup");
	if (!res)
		res = cc_unchanged(r, "written through the dup");
	if (!res) {
		res = cc_closed(r, fd2, "close of the dup");
		fd2 = -1;
	}
out:
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
	free(p1);
	free(p2);
	return res;
}


/*
 * Two independent opens (two struct files): closing the first is a real
 * final __fput of its file, but not of the last writer of the inode.
 */
enum cc_result cc_sc_two_writers(struct cc_run *r)
{
	size_t len1, len2;
	uint8_t *p1 = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &len1);
	uint8_t *p2 = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &len2);
	enum cc_result res;
	int fd1 = -1, fd2 = -1;

	if (!p1 || !p2) {
		res = cc_fail(r, "out of memory");
		goto out;
	}
	fd1 = cc_open(r, O_WRONLY);
	fd2 = cc_open(r, O_WRONLY);
	if (fd1 < 0 || fd2 < 0) {
		res = cc_open_failed(r, "O_WRONLY, twice");
		goto out;
	}
	res = cc_write_at(r, fd1, cc_rand_off(r, r->m.len), p1, len1, "first writer");
	if (!res)
		res = cc_write_at(r, fd2, cc_rand_off(r, r->m.len), p2, len2, "second writer");
	if (!res) {
		res = cc_closed(r, fd1, "close of the first writer");
		fd1 = -1;
	}
	if (!res)
		res = cc_unchanged(r, "first writer's file released, the second still open");
	if (!res) {
		res = cc_closed(r, fd2, "close of the last writer");
		fd2 = -1;
	}
out:
	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
	free(p1);
	free(p2);
	return res;
}

enum cc_result cc_sc_trunc(struct cc_run *r)
{
	size_t len;
	uint8_t *p = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &len);
	enum cc_result res;
	int fd;

	if (!p)
		return cc_fail(r, "out of memory");
	fd = cc_open(r, O_WRONLY | O_TRUNC);
	if (fd < 0) {
		free(p);
		return cc_open_failed(r, "O_WRONLY|O_TRUNC");
	}
	cc_model_truncate(&r->m, 0);
	res = cc_unchanged(r, "truncated by open, nothing written yet");
	if (!res)
		res = cc_write_at(r, fd, 0, p, len, "write after O_TRUNC");
	if (!res)
		res = cc_unchanged(r, "rewritten, before close(2)");
	free(p);
	return close_last(r, fd, res);
}

enum cc_result cc_sc_append(struct cc_run *r)
{
	size_t len;
	uint8_t *p = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &len);
	enum cc_result res = CC_PASS;
	int fd, e;

	if (!p)
		return cc_fail(r, "out of memory");
	fd = cc_open(r, O_WRONLY | O_APPEND);
	if (fd < 0) {
		free(p);
		return cc_open_failed(r, "O_WRONLY|O_APPEND");
	}
	e = cc_write_all(fd, p, len);
	if (e)
		res = cc_fail(r, "append: %s", strerror(-e));
	else if (cc_model_pwrite(&r->m, r->m.len, p, len))
		res = cc_fail(r, "out of memory");
	if (!res)
		res = cc_unchanged(r, "appended, before close(2)");
	free(p);
	return close_last(r, fd, res);
}

enum cc_result cc_sc_pwrite(struct cc_run *r)
{
	size_t len;
	uint8_t *p = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &len);
	enum cc_result res;
	int fd;

	if (!p)
		return cc_fail(r, "out of memory");
	fd = cc_open(r, O_RDWR);
	if (fd < 0) {
		free(p);
		return cc_open_failed(r, "O_RDWR");
	}
	/* two writes: one inside the file, one past its end (a hole) */
	res = cc_write_at(r, fd, cc_rand_off(r, r->m.len), p, len / 2 + 1, "pwrite");
	if (!res)
		res = cc_write_at(r, fd, r->m.len + 1 + cc_rand_off(r, 4096), p, len, "pwrite past EOF");
	if (!res)
		res = cc_unchanged(r, "pwritten, before close(2)");
	free(p);
	return close_last(r, fd, res);
}

enum cc_result cc_sc_writev(struct cc_run *r)
{
	size_t len, off = cc_rand_off(r, r->m.len);
	uint8_t *p = cc_payload(r, 3, CC_PAYLOAD_MAX, &len);
	struct iovec iov[3];
	enum cc_result res = CC_PASS;
	ssize_t n;
	int fd;

	if (!p)
		return cc_fail(r, "out of memory");
	iov[0] = (struct iovec){ p, len / 3 };
	iov[1] = (struct iovec){ p + len / 3, len / 3 };
	iov[2] = (struct iovec){ p + 2 * (len / 3), len - 2 * (len / 3) };
	fd = cc_open(r, O_WRONLY);
	if (fd < 0) {
		free(p);
		return cc_open_failed(r, "O_WRONLY");
	}
	if (lseek(fd, (off_t)off, SEEK_SET) < 0)
		res = cc_fail(r, "lseek: %s", strerror(errno));
	else if ((n = writev(fd, iov, 3)) != (ssize_t)len)
		res = cc_fail(r, "writev: %s", n < 0 ? strerror(errno) : "short write");
	else if (cc_model_pwrite(&r->m, off, p, len))
		res = cc_fail(r, "out of memory");
	if (!res)
		res = cc_unchanged(r, "writev done, before close(2)");
	free(p);
	return close_last(r, fd, res);
}

enum cc_result cc_sc_copy_file_range(struct cc_run *r)
{
	char src[PATH_MAX + 8];
	size_t len, done = 0, off = cc_rand_off(r, r->m.len);
	uint8_t *p = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &len);
	enum cc_result res = CC_PASS;
	int sfd = -1, fd = -1, e;

	if (!p)
		return cc_fail(r, "out of memory");
	snprintf(src, sizeof(src), "%s.src", r->path);
	sfd = open(src, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (sfd < 0) {
		res = cc_fail(r, "create %s: %s", src, strerror(errno));
		goto out;
	}
	unlink(src);
	e = cc_pwrite_all(sfd, p, len, 0);
	if (e) {
		res = cc_fail(r, "write %s: %s", src, strerror(-e));
		goto out;
	}
	fd = cc_open(r, O_WRONLY);
	if (fd < 0) {
		res = cc_open_failed(r, "O_WRONLY");
		goto out;
	}
	while (done < len) {
		loff_t in = (loff_t)done, outo = (loff_t)(off + done);
		ssize_t n = copy_file_range(sfd, &in, fd, &outo, len - done, 0);

		if (n < 0 && (errno == ENOSYS || errno == EXDEV || errno == EOPNOTSUPP)) {
			res = cc_skip(r, "copy_file_range: %s", strerror(errno));
			goto out;
		}
		if (n <= 0) {
			res = cc_fail(r, "copy_file_range: %s", n ? strerror(errno) : "no progress");
			goto out;
		}
		done += (size_t)n;
	}
	if (cc_model_pwrite(&r->m, off, p, len))
		res = cc_fail(r, "out of memory");
	if (!res)
		res = cc_unchanged(r, "copied into, before close(2)");
	if (!res) {
		res = cc_closed(r, fd, "close(2)");
		fd = -1;
	}
out:
	if (fd >= 0)
		close(fd);
	if (sfd >= 0)
		close(sfd);
	free(p);
	return res;
}

enum cc_result cc_sc_ftruncate(struct cc_run *r)
{
	size_t len = r->m.len;
	enum cc_result res = CC_PASS;
	int fd;

	/* shrink or grow, never to the same length, never to empty */
	if (len > 1 && cc_rand(&r->rng) % 2)
		len = 1 + cc_rand_off(r, len - 2);
	else
		len += 1 + cc_rand_off(r, CC_PAYLOAD_MAX);
	fd = cc_open(r, O_WRONLY);
	if (fd < 0)
		return cc_open_failed(r, "O_WRONLY");
	if (ftruncate(fd, (off_t)len))
		res = cc_fail(r, "ftruncate to %zu: %s", len, strerror(errno));
	else if (cc_model_truncate(&r->m, len))
		res = cc_fail(r, "out of memory");
	if (!res)
		res = cc_unchanged(r, "ftruncated, before close(2)");
	return close_last(r, fd, res);
}

/* Map the whole file shared and overwrite a random range of it. */

enum cc_result cc_sc_munmap(struct cc_run *r)
{
	enum cc_result res;
	size_t maplen;
	void *map;
	int fd;

	fd = cc_open(r, O_RDWR);
	if (fd < 0)
		return cc_open_failed(r, "O_RDWR");
	res = cc_map_and_write(r, fd, &map, &maplen);
	if (res) {
		close(fd);
		return res;
	}
	res = cc_closed(r, fd, "close(2) with the mapping still there");
	if (!res)
		res = cc_unchanged(r, "fd closed, the shared mapping remains");
	if (munmap(map, maplen) && !res)
		res = cc_fail(r, "munmap: %s", strerror(errno));
	return res;
}


enum cc_result cc_sc_dup2(struct cc_run *r)
{
	enum cc_result res;
	int fd, nul;

	res = cc_open_and_write(r, "written, before dup2 over the fd", &fd);
	if (res)
		return res;
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nul < 0) {
		res = cc_fail(r, "open /dev/null: %s", strerror(errno));
		close(fd);
		return res;
	}
	if (dup2(nul, fd) != fd)
		res = cc_fail(r, "dup2: %s", strerror(errno));
	close(nul);
	if (!res)
		close(fd);	/* now /dev/null */
	return res;
}

enum cc_result cc_sc_close_range(struct cc_run *r)
{
	enum cc_result res;
	int fd, fd2, lo, hi;

	res = cc_open_and_write(r, NULL, &fd);
	if (res)
		return res;
	fd2 = dup(fd);
	if (fd2 < 0) {
		res = cc_fail(r, "dup: %s", strerror(errno));
		close(fd);
		return res;
	}
	res = cc_unchanged(r, "two fds, before close_range");
	lo = fd < fd2 ? fd : fd2;
	hi = fd < fd2 ? fd2 : fd;
	if (res || syscall(SYS_close_range, lo, hi, 0)) {
		if (!res)
			res = errno == ENOSYS ? cc_skip(r, "close_range: %s", strerror(errno)) :
				cc_fail(r, "close_range: %s", strerror(errno));
		close(fd);
		close(fd2);
	}
	return res;
}
