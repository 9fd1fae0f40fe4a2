// SPDX-License-Identifier: GPL-2.0-only
/*
 * close-check scenarios: one function per way a file opened for write can
 * see its final close.  Each returns with the final close done (or, for
 * the exec scenario, checked itself while the process still lives); the
 * driver checks the new label.  See close_check.h for the contract.
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

#define PAYLOAD_MIN 1
#define PAYLOAD_MAX 8192

/* A random offset at most the current length (no holes unless asked). */
static size_t rand_off(struct cc_run *r, size_t max)
{
	return (size_t)(cc_rand(&r->rng) % (max + 1));
}

static int open_file(const struct cc_run *r, int flags)
{
	return open(r->path, flags | O_CLOEXEC | O_NOFOLLOW);
}

static enum cc_result open_failed(struct cc_run *r, const char *how)
{
	return cc_fail(r, "open %s (%s): %s", r->path, how, strerror(errno));
}

static enum cc_result closed(struct cc_run *r, int fd, const char *what)
{
	if (close(fd))
		return cc_fail(r, "%s: close: %s", what, strerror(errno));
	return CC_PASS;
}

/*
 * A child process connected by a socketpair: @fn runs in the child with
 * its end of the pair; its return value is the exit status.  The child
 * inherits everything else, including open writers.
 */
typedef int (*child_fn)(struct cc_run *r, int sock, void *arg);

static pid_t child_start(struct cc_run *r, int *sock, child_fn fn, void *arg)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		_exit(fn(r, sv[1], arg));
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return -1;
	}
	*sock = sv[0];
	return pid;
}

/* Handshake failed: the child is gone or stuck; make sure it ends. */
static enum cc_result child_lost(struct cc_run *r, pid_t pid, int sock, const char *when)
{
	enum cc_result res;

	kill(pid, SIGKILL);
	close(sock);
	res = cc_reap(r, pid, "child");
	return cc_fail(r, "%s: lost the child process (%s)", when,
		       res == CC_PASS ? "exited early" : r->why);
}

/* Parent side of "child says it is ready, parent checks, parent says go". */
static enum cc_result child_hold_check(struct cc_run *r, pid_t pid, int sock,
				       const char *when)
{
	enum cc_result res;
	char c;

	if (cc_recv_byte(sock, &c))
		return child_lost(r, pid, sock, when);
	res = cc_unchanged(r, when);
	if (cc_send_byte(sock, 'g')) {
		child_lost(r, pid, sock, when);
		return res ? res : cc_fail(r, "%s: cannot release the child", when);
	}
	close(sock);
	if (res) {
		cc_reap(r, pid, "child");
		return res;
	}
	return cc_reap(r, pid, "child");
}

struct write_job {
	const uint8_t *buf;
	size_t len, off;
};

/* A write job for a process that inherited the writer @fd. */
struct fd_job {
	struct write_job w;
	int fd;
};

static enum cc_result sc_close(struct cc_run *r)
{
	struct write_job w;
	uint8_t *p = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &w.len);
	enum cc_result res;
	int fd;

	if (!p)
		return cc_fail(r, "out of memory");
	fd = open_file(r, O_WRONLY);
	if (fd < 0) {
		free(p);
		return open_failed(r, "O_WRONLY");
	}
	res = cc_write_at(r, fd, rand_off(r, r->m.len), p, w.len, "write");
	if (!res)
		res = cc_unchanged(r, "written, before close(2)");
	free(p);
	if (res) {
		close(fd);
		return res;
	}
	return closed(r, fd, "close(2)");
}

static int exit_child(struct cc_run *r, int sock, void *arg)
{
	const struct write_job *w = arg;
	int fd = open_file(r, O_WRONLY);
	char c;

	if (fd < 0 || cc_pwrite_all(fd, w->buf, w->len, (off_t)w->off))
		return 3;
	if (cc_send_byte(sock, 'w') || cc_recv_byte(sock, &c))
		return 4;
	return 0;	/* exit with the writer still open */
}

static enum cc_result sc_exit(struct cc_run *r)
{
	struct write_job w;
	uint8_t *p = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &w.len);
	enum cc_result res;
	int sock;
	pid_t pid;

	if (!p)
		return cc_fail(r, "out of memory");
	w.buf = p;
	w.off = rand_off(r, r->m.len);
	pid = child_start(r, &sock, exit_child, &w);
	if (pid < 0) {
		free(p);
		return cc_fail(r, "fork: %s", strerror(errno));
	}
	if (cc_model_pwrite(&r->m, w.off, p, w.len))
		res = cc_fail(r, "out of memory");
	else
		res = child_hold_check(r, pid, sock, "child wrote and is alive");
	free(p);
	return res;
}

static enum cc_result sc_dup(struct cc_run *r)
{
	size_t len1, len2;
	uint8_t *p1 = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &len1);
	uint8_t *p2 = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &len2);
	enum cc_result res = CC_FAIL;
	int fd = -1, fd2 = -1;

	if (!p1 || !p2) {
		res = cc_fail(r, "out of memory");
		goto out;
	}
	fd = open_file(r, O_WRONLY);
	if (fd < 0) {
		res = open_failed(r, "O_WRONLY");
		goto out;
	}
	res = cc_write_at(r, fd, rand_off(r, r->m.len), p1, len1, "write");
	if (res)
		goto out;
	fd2 = dup(fd);
	if (fd2 < 0) {
		res = cc_fail(r, "dup: %s", strerror(errno));
		goto out;
	}
	res = closed(r, fd, "close of the first fd");
	fd = -1;
	if (!res)
		res = cc_unchanged(r, "first fd closed, the dup remains");
	if (!res)
		res = cc_write_at(r, fd2, rand_off(r, r->m.len), p2, len2, "write through the dup");
	if (!res)
		res = cc_unchanged(r, "written through the dup");
	if (!res) {
		res = closed(r, fd2, "close of the dup");
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

static int fork_child(struct cc_run *r, int sock, void *arg)
{
	const struct fd_job *j = arg;
	char c;

	(void)r;
	if (cc_send_byte(sock, 'r') || cc_recv_byte(sock, &c))
		return 4;
	if (cc_pwrite_all(j->fd, j->w.buf, j->w.len, (off_t)j->w.off))
		return 3;
	return close(j->fd) ? 5 : 0;
}

static enum cc_result sc_fork(struct cc_run *r)
{
	struct fd_job job;
	size_t len1;
	uint8_t *p1 = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &len1);
	uint8_t *p2 = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &job.w.len);
	enum cc_result res;
	int sock, fd;
	pid_t pid;

	if (!p1 || !p2) {
		free(p1);
		free(p2);
		return cc_fail(r, "out of memory");
	}
	fd = open_file(r, O_WRONLY);
	if (fd < 0) {
		res = open_failed(r, "O_WRONLY");
		goto out;
	}
	res = cc_write_at(r, fd, rand_off(r, r->m.len), p1, len1, "parent write");
	if (res) {
		close(fd);
		goto out;
	}
	job.w.buf = p2;
	job.w.off = rand_off(r, r->m.len);
	job.fd = fd;
	pid = child_start(r, &sock, fork_child, &job);
	close(fd);		/* the parent closes first */
	if (pid < 0) {
		res = cc_fail(r, "fork: %s", strerror(errno));
		goto out;
	}
	if (cc_model_pwrite(&r->m, job.w.off, p2, job.w.len))
		res = cc_fail(r, "out of memory");
	else
		res = child_hold_check(r, pid, sock, "parent closed, the child holds the fd");
out:
	free(p1);
	free(p2);
	return res;
}

static enum cc_result sc_trunc(struct cc_run *r)
{
	size_t len;
	uint8_t *p = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &len);
	enum cc_result res;
	int fd;

	if (!p)
		return cc_fail(r, "out of memory");
	fd = open_file(r, O_WRONLY | O_TRUNC);
	if (fd < 0) {
		free(p);
		return open_failed(r, "O_WRONLY|O_TRUNC");
	}
	cc_model_truncate(&r->m, 0);
	res = cc_unchanged(r, "truncated by open, nothing written yet");
	if (!res)
		res = cc_write_at(r, fd, 0, p, len, "write after O_TRUNC");
	if (!res)
		res = cc_unchanged(r, "rewritten, before close(2)");
	free(p);
	if (res) {
		close(fd);
		return res;
	}
	return closed(r, fd, "close(2)");
}

static enum cc_result sc_append(struct cc_run *r)
{
	size_t len;
	uint8_t *p = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &len);
	enum cc_result res = CC_PASS;
	int fd, e;

	if (!p)
		return cc_fail(r, "out of memory");
	fd = open_file(r, O_WRONLY | O_APPEND);
	if (fd < 0) {
		free(p);
		return open_failed(r, "O_WRONLY|O_APPEND");
	}
	e = cc_write_all(fd, p, len);
	if (e)
		res = cc_fail(r, "append: %s", strerror(-e));
	else if (cc_model_pwrite(&r->m, r->m.len, p, len))
		res = cc_fail(r, "out of memory");
	if (!res)
		res = cc_unchanged(r, "appended, before close(2)");
	free(p);
	if (res) {
		close(fd);
		return res;
	}
	return closed(r, fd, "close(2)");
}

static enum cc_result sc_pwrite(struct cc_run *r)
{
	size_t len;
	uint8_t *p = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &len);
	enum cc_result res;
	int fd;

	if (!p)
		return cc_fail(r, "out of memory");
	fd = open_file(r, O_RDWR);
	if (fd < 0) {
		free(p);
		return open_failed(r, "O_RDWR");
	}
	/* two writes: one inside the file, one past its end (a hole) */
	res = cc_write_at(r, fd, rand_off(r, r->m.len), p, len / 2 + 1, "pwrite");
	if (!res)
		res = cc_write_at(r, fd, r->m.len + 1 + rand_off(r, 4096), p, len, "pwrite past EOF");
	if (!res)
		res = cc_unchanged(r, "pwritten, before close(2)");
	free(p);
	if (res) {
		close(fd);
		return res;
	}
	return closed(r, fd, "close(2)");
}

static enum cc_result sc_writev(struct cc_run *r)
{
	size_t len, off = rand_off(r, r->m.len);
	uint8_t *p = cc_payload(r, 3, PAYLOAD_MAX, &len);
	struct iovec iov[3];
	enum cc_result res = CC_PASS;
	ssize_t n;
	int fd;

	if (!p)
		return cc_fail(r, "out of memory");
	iov[0] = (struct iovec){ p, len / 3 };
	iov[1] = (struct iovec){ p + len / 3, len / 3 };
	iov[2] = (struct iovec){ p + 2 * (len / 3), len - 2 * (len / 3) };
	fd = open_file(r, O_WRONLY);
	if (fd < 0) {
		free(p);
		return open_failed(r, "O_WRONLY");
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
	if (res) {
		close(fd);
		return res;
	}
	return closed(r, fd, "close(2)");
}

static enum cc_result sc_copy_file_range(struct cc_run *r)
{
	char src[PATH_MAX + 8];
	size_t len, done = 0, off = rand_off(r, r->m.len);
	uint8_t *p = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &len);
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
	fd = open_file(r, O_WRONLY);
	if (fd < 0) {
		res = open_failed(r, "O_WRONLY");
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
		res = closed(r, fd, "close(2)");
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

static enum cc_result sc_ftruncate(struct cc_run *r)
{
	size_t len = r->m.len;
	enum cc_result res = CC_PASS;
	int fd;

	/* shrink or grow, never to the same length, never to empty */
	if (len > 1 && cc_rand(&r->rng) % 2)
		len = 1 + rand_off(r, len - 2);
	else
		len += 1 + rand_off(r, PAYLOAD_MAX);
	fd = open_file(r, O_WRONLY);
	if (fd < 0)
		return open_failed(r, "O_WRONLY");
	if (ftruncate(fd, (off_t)len))
		res = cc_fail(r, "ftruncate to %zu: %s", len, strerror(errno));
	else if (cc_model_truncate(&r->m, len))
		res = cc_fail(r, "out of memory");
	if (!res)
		res = cc_unchanged(r, "ftruncated, before close(2)");
	if (res) {
		close(fd);
		return res;
	}
	return closed(r, fd, "close(2)");
}

/* Map the whole file shared and overwrite a random range of it. */
static enum cc_result map_and_write(struct cc_run *r, int fd, void **map, size_t *maplen)
{
	size_t off = rand_off(r, r->m.len - 1), len;
	uint8_t *p = cc_payload(r, 1, r->m.len - off, &len);

	if (!p)
		return cc_fail(r, "out of memory");
	*maplen = r->m.len;
	*map = mmap(NULL, *maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*map == MAP_FAILED) {
		free(p);
		return cc_fail(r, "mmap MAP_SHARED: %s", strerror(errno));
	}
	memcpy((uint8_t *)*map + off, p, len);
	cc_model_pwrite(&r->m, off, p, len);
	free(p);
	return CC_PASS;
}

static enum cc_result sc_munmap(struct cc_run *r)
{
	enum cc_result res;
	size_t maplen;
	void *map;
	int fd;

	fd = open_file(r, O_RDWR);
	if (fd < 0)
		return open_failed(r, "O_RDWR");
	res = map_and_write(r, fd, &map, &maplen);
	if (res) {
		close(fd);
		return res;
	}
	res = closed(r, fd, "close(2) with the mapping still there");
	if (!res)
		res = cc_unchanged(r, "fd closed, the shared mapping remains");
	if (munmap(map, maplen) && !res)
		res = cc_fail(r, "munmap: %s", strerror(errno));
	return res;
}

static int mmap_exit_child(struct cc_run *r, int sock, void *arg)
{
	void *map;
	size_t maplen;
	char c;
	int fd = open_file(r, O_RDWR);

	(void)arg;
	if (fd < 0 || map_and_write(r, fd, &map, &maplen) || close(fd))
		return 3;
	if (cc_send_byte(sock, 'w') || cc_recv_byte(sock, &c))
		return 4;
	return 0;	/* exit with the mapping in place */
}

static enum cc_result sc_mmap_exit(struct cc_run *r)
{
	struct cc_run copy;
	enum cc_result res;
	int sock;
	pid_t pid;

	/* The child draws the same random range from the same rng state. */
	copy = *r;
	copy.m = (struct cc_model){ 0 };
	if (cc_model_pwrite(&copy.m, 0, r->m.data, r->m.len))
		return cc_fail(r, "out of memory");
	pid = child_start(r, &sock, mmap_exit_child, NULL);
	if (pid < 0) {
		cc_model_free(&copy.m);
		return cc_fail(r, "fork: %s", strerror(errno));
	}
	/* mirror the child's write on the parent's model */
	{
		size_t off = rand_off(&copy, copy.m.len - 1), len;
		uint8_t *p = cc_payload(&copy, 1, copy.m.len - off, &len);

		if (!p || cc_model_pwrite(&r->m, off, p, len))
			res = cc_fail(r, "out of memory");
		else
			res = CC_PASS;
		free(p);
		r->rng = copy.rng;
	}
	cc_model_free(&copy.m);
	if (res) {
		child_lost(r, pid, sock, "setup");
		return res;
	}
	return child_hold_check(r, pid, sock, "child closed its fd, its mapping remains");
}

static int scm_child(struct cc_run *r, int sock, void *arg)
{
	const struct write_job *w = arg;
	int fd = cc_recv_fd(sock);
	char c;

	(void)r;
	if (fd < 0)
		return 3;
	if (cc_pwrite_all(fd, w->buf, w->len, (off_t)w->off))
		return 4;
	if (cc_send_byte(sock, 'r') || cc_recv_byte(sock, &c))
		return 5;
	return close(fd) ? 6 : 0;
}

static enum cc_result sc_scm_rights(struct cc_run *r)
{
	struct write_job w;
	size_t len1;
	uint8_t *p1 = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &len1);
	uint8_t *p2 = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &w.len);
	enum cc_result res;
	int sock, fd, e;
	pid_t pid;

	if (!p1 || !p2) {
		free(p1);
		free(p2);
		return cc_fail(r, "out of memory");
	}
	fd = open_file(r, O_WRONLY);
	if (fd < 0) {
		res = open_failed(r, "O_WRONLY");
		goto out;
	}
	res = cc_write_at(r, fd, rand_off(r, r->m.len), p1, len1, "sender write");
	w.buf = p2;
	w.off = rand_off(r, r->m.len);
	pid = res ? -1 : child_start(r, &sock, scm_child, &w);
	if (pid < 0) {
		close(fd);
		if (!res)
			res = cc_fail(r, "fork: %s", strerror(errno));
		goto out;
	}
	e = cc_send_fds(sock, &fd, 1);
	close(fd);		/* the sender is done; the receiver closes last */
	if (e) {
		res = child_lost(r, pid, sock, "sendmsg SCM_RIGHTS");
		goto out;
	}
	if (cc_model_pwrite(&r->m, w.off, p2, w.len)) {
		res = child_lost(r, pid, sock, "out of memory");
		goto out;
	}
	res = child_hold_check(r, pid, sock, "sender closed, the receiver holds the fd");
out:
	free(p1);
	free(p2);
	return res;
}

/*
 * The file and the receiving socket itself are both in flight in that
 * socket's queue: once both ends are closed nothing but the unix garbage
 * collector (a workqueue) can drop them, so the final fput happens in a
 * kernel thread, after close() returned.
 */
static enum cc_result sc_scm_gc(struct cc_run *r)
{
	size_t len;
	uint8_t *p = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &len);
	enum cc_result res;
	int sv[2], fd, fds[2], e;

	if (!p)
		return cc_fail(r, "out of memory");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		free(p);
		return cc_fail(r, "socketpair: %s", strerror(errno));
	}
	fd = open_file(r, O_WRONLY);
	if (fd < 0) {
		res = open_failed(r, "O_WRONLY");
		goto out;
	}
	res = cc_write_at(r, fd, rand_off(r, r->m.len), p, len, "write");
	fds[0] = fd;
	fds[1] = sv[1];
	e = res ? 0 : cc_send_fds(sv[0], fds, 2);
	close(fd);
	if (e)
		res = cc_fail(r, "sendmsg SCM_RIGHTS: %s", strerror(-e));
	if (!res)
		res = cc_unchanged(r, "fd in flight, both socket ends open");
out:
	/*
	 * The receiving end first: the close of the sending end, which has
	 * no fds in flight and is really released, is what schedules the GC,
	 * and the GC must find the receiver without a user reference.
	 */
	close(sv[1]);
	close(sv[0]);
	free(p);
	return res;
}

/*
 * The exec scenario: the child's writer is O_CLOEXEC; after execve the
 * new image reports back and waits, so the label is checked while the
 * process still lives: the rewrite belongs to the exec, not to the exit.
 */
static int exec_child(struct cc_run *r, int sock, void *arg)
{
	const struct write_job *w = arg;
	int fd = open_file(r, O_WRONLY);
	char c, fdarg[16];
	char *argv[] = { "ima-test", "close-check", "--exec-child", fdarg, NULL };

	if (fd < 0 || cc_pwrite_all(fd, w->buf, w->len, (off_t)w->off))
		return 3;
	if (cc_send_byte(sock, 'w') || cc_recv_byte(sock, &c))
		return 4;
	/* the socket must survive the exec */
	if (fcntl(sock, F_SETFD, 0))
		return 5;
	snprintf(fdarg, sizeof(fdarg), "%d", sock);
	execv("/proc/self/exe", argv);
	return 127;
}

int cc_exec_child(int argc, char **argv)
{
	int sock = argc > 2 ? atoi(argv[2]) : -1;
	char c;

	if (sock < 0 || cc_send_byte(sock, 'x') || cc_recv_byte(sock, &c))
		return 4;
	return 0;
}

static enum cc_result sc_exec(struct cc_run *r)
{
	struct write_job w;
	uint8_t *p = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &w.len);
	enum cc_result res;
	int sock;
	pid_t pid;
	char c;

	if (!p)
		return cc_fail(r, "out of memory");
	w.buf = p;
	w.off = rand_off(r, r->m.len);
	pid = child_start(r, &sock, exec_child, &w);
	if (pid < 0) {
		free(p);
		return cc_fail(r, "fork: %s", strerror(errno));
	}
	cc_model_pwrite(&r->m, w.off, p, w.len);
	free(p);
	if (cc_recv_byte(sock, &c))
		return child_lost(r, pid, sock, "before execve");
	res = cc_unchanged(r, "written through an O_CLOEXEC fd, before execve");
	if (cc_send_byte(sock, 'g') || cc_recv_byte(sock, &c))
		return child_lost(r, pid, sock, "execve of /proc/self/exe");
	if (!res)
		res = cc_final_check(r);
	cc_send_byte(sock, 'g');
	close(sock);
	if (cc_reap(r, pid, "exec'd child") && !res)
		res = CC_FAIL;
	return res;
}

static enum cc_result sc_dup2(struct cc_run *r)
{
	size_t len;
	uint8_t *p = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &len);
	enum cc_result res;
	int fd, nul;

	if (!p)
		return cc_fail(r, "out of memory");
	fd = open_file(r, O_WRONLY);
	if (fd < 0) {
		free(p);
		return open_failed(r, "O_WRONLY");
	}
	res = cc_write_at(r, fd, rand_off(r, r->m.len), p, len, "write");
	free(p);
	if (!res)
		res = cc_unchanged(r, "written, before dup2 over the fd");
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nul < 0) {
		close(fd);
		return res ? res : cc_fail(r, "open /dev/null: %s", strerror(errno));
	}
	if (res)
		close(fd);
	else if (dup2(nul, fd) != fd)
		res = cc_fail(r, "dup2: %s", strerror(errno));
	close(nul);
	if (!res)
		close(fd);	/* now /dev/null */
	return res;
}

static enum cc_result sc_close_range(struct cc_run *r)
{
	size_t len;
	uint8_t *p = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &len);
	enum cc_result res;
	int fd, fd2, lo, hi;

	if (!p)
		return cc_fail(r, "out of memory");
	fd = open_file(r, O_WRONLY);
	if (fd < 0) {
		free(p);
		return open_failed(r, "O_WRONLY");
	}
	res = cc_write_at(r, fd, rand_off(r, r->m.len), p, len, "write");
	free(p);
	fd2 = dup(fd);
	if (fd2 < 0) {
		close(fd);
		return res ? res : cc_fail(r, "dup: %s", strerror(errno));
	}
	if (!res)
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

static enum cc_result sc_io_uring(struct cc_run *r)
{
	size_t len;
	uint8_t *p;
	enum cc_result res;
	struct cc_uring *u;
	int fd, e;

	u = cc_uring_open(&e);
	if (!u)
		return e == -ENOSYS ? cc_skip(r, "io_uring: %s", strerror(-e)) :
			cc_fail(r, "io_uring_setup: %s", strerror(-e));
	p = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &len);
	fd = p ? open_file(r, O_WRONLY) : -1;
	if (fd < 0) {
		res = p ? open_failed(r, "O_WRONLY") : cc_fail(r, "out of memory");
		goto out;
	}
	res = cc_write_at(r, fd, rand_off(r, r->m.len), p, len, "write");
	if (!res)
		res = cc_unchanged(r, "written, before IORING_OP_CLOSE");
	if (res) {
		close(fd);
		goto out;
	}
	e = cc_uring_close(u, fd);
	if (e == -EINVAL) {
		close(fd);
		res = cc_skip(r, "IORING_OP_CLOSE not supported");
	} else if (e) {
		res = cc_fail(r, "IORING_OP_CLOSE: %s", strerror(-e));
	}
out:
	cc_uring_free(u);
	free(p);
	return res;
}

/*
 * A file registered with an io_uring outlives its fd; closing the ring
 * tears the table down from a workqueue, so the final fput runs in a
 * kernel thread after close() returned.
 */
static enum cc_result sc_io_uring_fixed(struct cc_run *r)
{
	size_t len;
	uint8_t *p;
	enum cc_result res;
	struct cc_uring *u;
	int fd, e;

	u = cc_uring_open(&e);
	if (!u)
		return e == -ENOSYS ? cc_skip(r, "io_uring: %s", strerror(-e)) :
			cc_fail(r, "io_uring_setup: %s", strerror(-e));
	p = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &len);
	fd = p ? open_file(r, O_WRONLY) : -1;
	if (fd < 0) {
		res = p ? open_failed(r, "O_WRONLY") : cc_fail(r, "out of memory");
		goto out;
	}
	res = cc_write_at(r, fd, rand_off(r, r->m.len), p, len, "write");
	if (!res && (e = cc_uring_register(u, fd)))
		res = cc_fail(r, "IORING_REGISTER_FILES: %s", strerror(-e));
	close(fd);
	if (!res)
		res = cc_unchanged(r, "fd closed, the file is registered in the ring");
out:
	cc_uring_free(u);	/* closing the ring drops the registered file */
	free(p);
	return res;
}

struct thread_job {
	struct write_job w;
	int fd, sock, err;
};

static void *thread_main(void *arg)
{
	struct thread_job *j = arg;
	char c;

	if (cc_pwrite_all(j->fd, j->w.buf, j->w.len, (off_t)j->w.off))
		j->err = 3;
	else if (cc_send_byte(j->sock, 'w') || cc_recv_byte(j->sock, &c))
		j->err = 4;
	else if (close(j->fd))
		j->err = 5;
	return NULL;
}

static enum cc_result sc_thread(struct cc_run *r)
{
	struct thread_job j = { .err = 0 };
	uint8_t *p = cc_payload(r, PAYLOAD_MIN, PAYLOAD_MAX, &j.w.len);
	enum cc_result res = CC_PASS;
	pthread_t th;
	int sv[2], e;
	char c;

	if (!p)
		return cc_fail(r, "out of memory");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		free(p);
		return cc_fail(r, "socketpair: %s", strerror(errno));
	}
	j.w.buf = p;
	j.w.off = rand_off(r, r->m.len);
	j.sock = sv[1];
	j.fd = open_file(r, O_WRONLY);
	if (j.fd < 0) {
		res = open_failed(r, "O_WRONLY");
		goto out;
	}
	e = pthread_create(&th, NULL, thread_main, &j);
	if (e) {
		close(j.fd);
		res = cc_fail(r, "pthread_create: %s", strerror(e));
		goto out;
	}
	if (cc_recv_byte(sv[0], &c)) {
		res = cc_fail(r, "the thread did not write");
	} else {
		cc_model_pwrite(&r->m, j.w.off, p, j.w.len);
		res = cc_unchanged(r, "a thread wrote, before it closes");
	}
	cc_send_byte(sv[0], 'g');
	pthread_join(th, NULL);
	if (!res && j.err)
		res = cc_fail(r, "writer thread failed (step %d): %s", j.err, strerror(errno));
out:
	close(sv[0]);
	close(sv[1]);
	free(p);
	return res;
}

const struct cc_scenario cc_scenarios[] = {
	{ "close", "close(2) of the only writer", false, false, sc_close },
	{ "exit", "exit without close", false, false, sc_exit },
	{ "dup", "dup, then close both", false, false, sc_dup },
	{ "fork", "fork, the parent closes first, the child last", false, false, sc_fork },
	{ "trunc", "O_TRUNC rewrite", false, false, sc_trunc },
	{ "append", "O_APPEND write", false, false, sc_append },
	{ "pwrite", "pwrite inside and past EOF", false, false, sc_pwrite },
	{ "writev", "writev", false, false, sc_writev },
	{ "copy_file_range", "copy_file_range into the file", false, false, sc_copy_file_range },
	{ "ftruncate", "ftruncate", false, false, sc_ftruncate },
	{ "munmap", "MAP_SHARED write, close(fd), final fput in munmap", false, false, sc_munmap },
	{ "mmap-exit", "MAP_SHARED write, close(fd), exit without munmap", false, false, sc_mmap_exit },
	{ "scm-rights", "SCM_RIGHTS to another process, the receiver closes last", false, false, sc_scm_rights },
	{ "scm-gc", "SCM_RIGHTS fd left in flight, dropped by the unix GC", true, true, sc_scm_gc },
	{ "exec", "O_CLOEXEC fd closed by execve", false, false, sc_exec },
	{ "dup2", "dup2 over the fd", false, false, sc_dup2 },
	{ "close_range", "close_range over two fds", false, false, sc_close_range },
	{ "io_uring", "IORING_OP_CLOSE", false, false, sc_io_uring },
	{ "io_uring-fixed", "registered file dropped when the ring is closed", true, true, sc_io_uring_fixed },
	{ "thread", "a thread of a multi-threaded process closes", false, false, sc_thread },
};
const size_t cc_nscenarios = sizeof(cc_scenarios) / sizeof(cc_scenarios[0]);
