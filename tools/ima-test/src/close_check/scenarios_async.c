// SPDX-License-Identifier: GPL-2.0-only
/*
 * close-check scenarios whose final close is done by the kernel on the
 * process's behalf: io_uring (inline, from its SQPOLL thread, from an io-wq
 * worker, or when the ring drops a registered file) and AIO (the request's
 * own reference, dropped when it completes).  Where the final __fput()
 * runs differs for each, and each must run it with no locks held.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/io_uring.h>

#include "close_check.h"

static enum cc_result uring_unavailable(struct cc_run *r, int e)
{
	if (e == -ENOSYS)
		return cc_skip(r, "io_uring: %s", strerror(-e));
	return cc_fail(r, "io_uring_setup: %s", strerror(-e));
}

/*
 * Write the file, then close the only writer with IORING_OP_CLOSE on a
 * ring set up with @setup_flags, the SQE marked with @sqe_flags.
 */
static enum cc_result uring_close(struct cc_run *r, unsigned setup_flags,
				  unsigned sqe_flags)
{
	enum cc_result res;
	struct cc_uring *u;
	int fd, e;

	u = cc_uring_open(setup_flags, &e);
	if (!u)
		return uring_unavailable(r, e);
	res = cc_open_and_write(r, "written, before IORING_OP_CLOSE", &fd);
	if (!res) {
		e = cc_uring_close(u, fd, sqe_flags);
		if (e == -EINVAL) {
			close(fd);
			res = cc_skip(r, "IORING_OP_CLOSE not supported");
		} else if (e) {
			res = cc_fail(r, "IORING_OP_CLOSE: %s", strerror(-e));
		}
	}
	cc_uring_free(u);
	return res;
}

/* The submitting task issues the close inline. */
enum cc_result cc_sc_io_uring(struct cc_run *r)
{
	return uring_close(r, 0, 0);
}

/*
 * The SQPOLL thread (iou-sqp-PID) issues the close and runs the final
 * fput() as its own task_work: it is an io_uring worker, not a kernel
 * thread, and it never returns to user space.
 */
enum cc_result cc_sc_io_uring_sqpoll(struct cc_run *r)
{
	return uring_close(r, IORING_SETUP_SQPOLL, 0);
}

/* The writer and the pipe of io_uring-sqpoll-exit's child. */
struct sqpoll_exit_job {
	int fd;		/* the file, open for write */
	int rd, wr;	/* an empty pipe: the parent keeps its only writer */
};

/*
 * The child: an SQPOLL ring, an IORING_OP_SPLICE from the empty pipe into
 * the file, which an io-wq worker issues and which blocks; then the
 * child's own fd is closed, so the request holds the last reference, and
 * the child exits with the request in flight.
 */
static int sqpoll_exit_child(struct cc_run *r, int sock, void *arg)
{
	const struct sqpoll_exit_job *j = arg;
	const struct timespec settle = { .tv_nsec = 100 * 1000 * 1000 };
	struct cc_uring *u;
	char c;
	int e;

	close(j->wr);
	u = cc_uring_open(IORING_SETUP_SQPOLL, &e);
	if (!u)
		return 3;
	if (cc_uring_splice_queued(u, j->rd, j->fd, 4096, r->env->timeout_ms))
		return 5;
	nanosleep(&settle, NULL);	/* the worker takes the pipe and waits on it */
	if (close(j->fd))
		return 6;
	if (cc_send_byte(sock, 'r') || cc_recv_byte(sock, &c))
		return 4;
	return 0;	/* exit with the ring open and the splice in flight */
}

/*
 * The SQPOLL thread ends with its process and cancels the requests still
 * in flight; the cancelled splice drops the last reference to the file.
 * The parent's pipe writer stays open until the child is reaped, so only
 * the cancellation can end the splice.
 */
enum cc_result cc_sc_io_uring_sqpoll_exit(struct cc_run *r)
{
	struct sqpoll_exit_job j;
	enum cc_result res;
	struct cc_uring *u;
	int pipefd[2], sock, e;
	pid_t pid;

	u = cc_uring_open(IORING_SETUP_SQPOLL, &e);
	if (!u)
		return uring_unavailable(r, e);
	cc_uring_free(u);
	if (pipe2(pipefd, O_CLOEXEC))
		return cc_fail(r, "pipe: %s", strerror(errno));
	j.rd = pipefd[0];
	j.wr = pipefd[1];
	res = cc_open_and_write(r, "written, before the child's ring", &j.fd);
	if (res) {
		close(j.rd);
		close(j.wr);
		return res;
	}
	pid = cc_child_start(r, &sock, sqpoll_exit_child, &j);
	close(j.fd);
	close(j.rd);
	if (pid < 0)
		res = cc_fail(r, "fork: %s", strerror(errno));
	else
		res = cc_child_hold_check(r, pid, sock,
					  "the child closed its fd; its splice holds the file");
	close(j.wr);
	return res;
}

/* IOSQE_ASYNC: an io-wq worker (iou-wrk-PID) issues the close. */
enum cc_result cc_sc_io_uring_async(struct cc_run *r)
{
	return uring_close(r, 0, IOSQE_ASYNC);
}

/*
 * A file registered with an io_uring outlives its fd; closing the ring
 * tears the table down from a workqueue, so the final fput runs in a
 * kernel thread after close() returned.
 */
enum cc_result cc_sc_io_uring_fixed(struct cc_run *r)
{
	enum cc_result res;
	struct cc_uring *u;
	int fd, e;

	u = cc_uring_open(0, &e);
	if (!u)
		return uring_unavailable(r, e);
	res = cc_open_and_write(r, NULL, &fd);
	if (!res) {
		e = cc_uring_register(u, fd);
		if (e)
			res = cc_fail(r, "IORING_REGISTER_FILES: %s", strerror(-e));
		close(fd);
		if (!res)
			res = cc_unchanged(r, "fd closed, the file is registered in the ring");
	}
	cc_uring_free(u);	/* closing the ring drops the registered file */
	return res;
}

/*
 * io_submit() of an fsync: the AIO request takes its own reference to the
 * file, and the fd is closed at once, while the fsync is still writing the
 * new content back.  The request's completion, in the workqueue that ran
 * the fsync, then drops the last reference: the final fput() of a kernel
 * thread, handed to the delayed_fput worker.
 */
enum cc_result cc_sc_aio(struct cc_run *r)
{
	unsigned long ctx;
	enum cc_result res;
	int fd, e;

	res = cc_open_and_write(r, "written, before io_submit", &fd);
	if (res)
		return res;
	e = cc_aio_fsync(fd, &ctx);
	if (e) {
		close(fd);
		return e == -ENOSYS ? cc_skip(r, "AIO: %s", strerror(-e)) :
			cc_fail(r, "io_submit(IOCB_CMD_FSYNC): %s", strerror(-e));
	}
	res = cc_closed(r, fd, "fd with an AIO fsync in flight");
	e = cc_aio_wait(ctx, r->env->timeout_ms);
	if (!res && e)
		res = cc_fail(r, "AIO fsync: %s", strerror(-e));
	cc_aio_free(ctx);
	return res;
}
