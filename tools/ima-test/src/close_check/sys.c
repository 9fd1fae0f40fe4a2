// SPDX-License-Identifier: GPL-2.0-only
/*
 * close-check: the system interfaces libc does not wrap — one io_uring
 * with raw syscalls (so the static build needs no liburing; with or
 * without an SQPOLL thread), one AIO context, and SCM_RIGHTS fd passing.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <time.h>
#include <linux/aio_abi.h>
#include <linux/io_uring.h>

#include "close_check.h"

struct cc_uring {
	int fd;
	void *sq_ring, *cq_ring;
	size_t sq_ring_len, cq_ring_len;
	struct io_uring_sqe *sqes;
	size_t sqes_len;
	struct io_uring_params p;
};

static int uring_setup(unsigned entries, struct io_uring_params *p)
{
	return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int uring_enter(int fd, unsigned submit, unsigned wait, unsigned flags)
{
	return (int)syscall(__NR_io_uring_enter, fd, submit, wait, flags, NULL, 0);
}

static void *ring_at(void *base, __u32 off)
{
	return (char *)base + off;
}

void cc_uring_free(struct cc_uring *u)
{
	if (!u)
		return;
	if (u->sqes && u->sqes != MAP_FAILED)
		munmap(u->sqes, u->sqes_len);
	if (u->cq_ring && u->cq_ring != MAP_FAILED && u->cq_ring != u->sq_ring)
		munmap(u->cq_ring, u->cq_ring_len);
	if (u->sq_ring && u->sq_ring != MAP_FAILED)
		munmap(u->sq_ring, u->sq_ring_len);
	if (u->fd >= 0)
		close(u->fd);
	free(u);
}

struct cc_uring *cc_uring_open(unsigned setup_flags, int *err)
{
	struct cc_uring *u = calloc(1, sizeof(*u));

	if (!u) {
		*err = -ENOMEM;
		return NULL;
	}
	u->p.flags = setup_flags;
	/* an SQPOLL thread that sleeps soon, so that the wake-up path runs too */
	if (setup_flags & IORING_SETUP_SQPOLL)
		u->p.sq_thread_idle = 10;
	u->fd = uring_setup(4, &u->p);
	if (u->fd < 0) {
		*err = -errno;
		free(u);
		return NULL;
	}
	u->sq_ring_len = u->p.sq_off.array + u->p.sq_entries * sizeof(__u32);
	u->cq_ring_len = u->p.cq_off.cqes + u->p.cq_entries * sizeof(struct io_uring_cqe);
	if (u->p.features & IORING_FEAT_SINGLE_MMAP) {
		if (u->cq_ring_len > u->sq_ring_len)
			u->sq_ring_len = u->cq_ring_len;
		u->cq_ring_len = u->sq_ring_len;
	}
	u->sq_ring = mmap(NULL, u->sq_ring_len, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQ_RING);
	if (u->sq_ring == MAP_FAILED)
		goto fail;
	if (u->p.features & IORING_FEAT_SINGLE_MMAP)
		u->cq_ring = u->sq_ring;
	else
		u->cq_ring = mmap(NULL, u->cq_ring_len, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_CQ_RING);
	if (u->cq_ring == MAP_FAILED)
		goto fail;
	u->sqes_len = u->p.sq_entries * sizeof(struct io_uring_sqe);
	u->sqes = mmap(NULL, u->sqes_len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQES);
	if (u->sqes == MAP_FAILED)
		goto fail;
	return u;
fail:
	*err = -errno;
	cc_uring_free(u);
	return NULL;
}

/*
 * Put one prepared SQE on the ring and enter the kernel: to submit it
 * and, with @wait, to wait for one completion.  0 or -errno.
 */
static int uring_push(struct cc_uring *u, const struct io_uring_sqe *tmpl, bool wait)
{
	_Atomic __u32 *sq_tail = ring_at(u->sq_ring, u->p.sq_off.tail);
	__u32 *sq_mask = ring_at(u->sq_ring, u->p.sq_off.ring_mask);
	__u32 *sq_array = ring_at(u->sq_ring, u->p.sq_off.array);
	__u32 tail = atomic_load_explicit(sq_tail, memory_order_relaxed);
	__u32 idx = tail & *sq_mask;
	unsigned flags = wait ? IORING_ENTER_GETEVENTS : 0;

	u->sqes[idx] = *tmpl;
	sq_array[idx] = idx;
	/*
	 * seq_cst: with SQPOLL, the tail store must be visible before the
	 * thread's NEED_WAKEUP flag is read, or a sleeping thread is missed
	 */
	atomic_store_explicit(sq_tail, tail + 1, memory_order_seq_cst);
	if (u->p.flags & IORING_SETUP_SQPOLL) {
		_Atomic __u32 *sq_flags = ring_at(u->sq_ring, u->p.sq_off.flags);

		if (atomic_load_explicit(sq_flags, memory_order_seq_cst) & IORING_SQ_NEED_WAKEUP)
			flags |= IORING_ENTER_SQ_WAKEUP;
	}
	if (uring_enter(u->fd, 1, wait ? 1 : 0, flags) < 0)
		return -errno;
	return 0;
}

/* Submit one prepared SQE and wait for its completion; returns cqe->res. */
static int uring_one(struct cc_uring *u, const struct io_uring_sqe *tmpl)
{
	_Atomic __u32 *cq_head = ring_at(u->cq_ring, u->p.cq_off.head);
	_Atomic __u32 *cq_tail = ring_at(u->cq_ring, u->p.cq_off.tail);
	__u32 *cq_mask = ring_at(u->cq_ring, u->p.cq_off.ring_mask);
	struct io_uring_cqe *cqes = ring_at(u->cq_ring, u->p.cq_off.cqes);
	__u32 head;
	int res = uring_push(u, tmpl, true);

	if (res)
		return res;
	head = atomic_load_explicit(cq_head, memory_order_relaxed);
	if (head == atomic_load_explicit(cq_tail, memory_order_acquire))
		return -EAGAIN;
	res = cqes[head & *cq_mask].res;
	atomic_store_explicit(cq_head, head + 1, memory_order_release);
	return res;
}

int cc_uring_splice_queued(struct cc_uring *u, int in, int out, unsigned len,
			   unsigned timeout_ms)
{
	_Atomic __u32 *sq_head = ring_at(u->sq_ring, u->p.sq_off.head);
	_Atomic __u32 *sq_tail = ring_at(u->sq_ring, u->p.sq_off.tail);
	struct io_uring_sqe sqe;
	double until = cc_now_ms() + timeout_ms;
	int e;

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_SPLICE;
	sqe.fd = out;
	sqe.off = (__u64)-1;
	sqe.splice_fd_in = in;
	sqe.splice_off_in = (__u64)-1;
	sqe.len = len;
	e = uring_push(u, &sqe, false);
	if (e)
		return e;
	while (atomic_load_explicit(sq_head, memory_order_acquire) !=
	       atomic_load_explicit(sq_tail, memory_order_relaxed)) {
		if (cc_now_ms() > until)
			return -ETIMEDOUT;
		usleep(1000);
	}
	return 0;
}

int cc_uring_close(struct cc_uring *u, int fd, unsigned sqe_flags)
{
	struct io_uring_sqe sqe;

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_CLOSE;
	sqe.fd = fd;
	sqe.flags = (__u8)sqe_flags;
	return uring_one(u, &sqe);
}

int cc_uring_register(struct cc_uring *u, int fd)
{
	int fds[1] = { fd };

	if (syscall(__NR_io_uring_register, u->fd, IORING_REGISTER_FILES, fds, 1) < 0)
		return -errno;
	return 0;
}

int cc_send_fds(int sock, const int *fds, int n)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} u;
	char byte = 'f';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n),
	};
	struct cmsghdr *c;

	if (n < 1 || n > 4)
		return -EINVAL;
	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

int cc_recv_fd(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

int cc_aio_fsync(int fd, unsigned long *ctx)
{
	aio_context_t c = 0;
	struct iocb cb, *cbs[1] = { &cb };

	*ctx = 0;
	if (syscall(__NR_io_setup, 1, &c) < 0)
		return -errno;
	memset(&cb, 0, sizeof(cb));
	cb.aio_lio_opcode = IOCB_CMD_FSYNC;
	cb.aio_fildes = (__u32)fd;
	if (syscall(__NR_io_submit, c, 1, cbs) != 1) {
		int e = -errno;

		syscall(__NR_io_destroy, c);
		return e;
	}
	*ctx = c;
	return 0;
}

int cc_aio_wait(unsigned long ctx, unsigned timeout_ms)
{
	struct io_event ev;
	struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };
	long n;

	/* a signal (SIGCHLD of an earlier scenario's child) restarts the wait */
	do
		n = syscall(__NR_io_getevents, (aio_context_t)ctx, 1, 1, &ev, &ts);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 1 ? (int)ev.res : -ETIMEDOUT;
}

void cc_aio_free(unsigned long ctx)
{
	if (ctx)
		syscall(__NR_io_destroy, (aio_context_t)ctx);
}
