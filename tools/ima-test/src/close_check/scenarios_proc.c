// SPDX-License-Identifier: GPL-2.0-only
/*
 * close-check scenarios whose final close is in another process, in the
 * kernel's unix garbage collector, in an exec or in a thread.  Children
 * are connected by a socketpair and hold their writer until the parent has
 * checked that the label did not move, then say "go" and end.
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

pid_t cc_child_start(struct cc_run *r, int *sock, cc_child_fn fn, void *arg)
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

enum cc_result cc_child_hold_check(struct cc_run *r, pid_t pid, int sock,
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

/*
 * A random write job at a random offset and a child to do it: the child's
 * pid, and in *p the payload to free; or -1 with the failure in r->why.
 */
static pid_t job_child_start(struct cc_run *r, struct write_job *w, uint8_t **p,
			     int *sock, cc_child_fn fn)
{
	pid_t pid;

	*p = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &w->len);
	if (!*p) {
		cc_fail(r, "out of memory");
		return -1;
	}
	w->buf = *p;
	w->off = cc_rand_off(r, r->m.len);
	pid = cc_child_start(r, sock, fn, w);
	if (pid < 0) {
		cc_fail(r, "fork: %s", strerror(errno));
		free(*p);
		*p = NULL;
	}
	return pid;
}

static int exit_child(struct cc_run *r, int sock, void *arg)
{
	const struct write_job *w = arg;
	int fd = cc_open(r, O_WRONLY);
	char c;

	if (fd < 0 || cc_pwrite_all(fd, w->buf, w->len, (off_t)w->off))
		return 3;
	if (cc_send_byte(sock, 'w') || cc_recv_byte(sock, &c))
		return 4;
	return 0;	/* exit with the writer still open */
}

enum cc_result cc_sc_exit(struct cc_run *r)
{
	struct write_job w;
	enum cc_result res;
	uint8_t *p;
	int sock;
	pid_t pid;

	pid = job_child_start(r, &w, &p, &sock, exit_child);
	if (pid < 0)
		return CC_FAIL;
	if (cc_model_pwrite(&r->m, w.off, p, w.len))
		res = cc_fail(r, "out of memory");
	else
		res = cc_child_hold_check(r, pid, sock, "child wrote and is alive");
	free(p);
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

enum cc_result cc_sc_fork(struct cc_run *r)
{
	struct fd_job job;
	size_t len1;
	uint8_t *p1 = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &len1);
	uint8_t *p2 = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &job.w.len);
	enum cc_result res;
	int sock, fd;
	pid_t pid;

	if (!p1 || !p2) {
		free(p1);
		free(p2);
		return cc_fail(r, "out of memory");
	}
	fd = cc_open(r, O_WRONLY);
	if (fd < 0) {
		res = cc_open_failed(r, "O_WRONLY");
		goto out;
	}
	res = cc_write_at(r, fd, cc_rand_off(r, r->m.len), p1, len1, "parent write");
	if (res) {
		close(fd);
		goto out;
	}
	job.w.buf = p2;
	job.w.off = cc_rand_off(r, r->m.len);
	job.fd = fd;
	pid = cc_child_start(r, &sock, fork_child, &job);
	close(fd);		/* the parent closes first */
	if (pid < 0) {
		res = cc_fail(r, "fork: %s", strerror(errno));
		goto out;
	}
	if (cc_model_pwrite(&r->m, job.w.off, p2, job.w.len))
		res = cc_fail(r, "out of memory");
	else
		res = cc_child_hold_check(r, pid, sock, "parent closed, the child holds the fd");
out:
	free(p1);
	free(p2);
	return res;
}


static int mmap_exit_child(struct cc_run *r, int sock, void *arg)
{
	void *map;
	size_t maplen;
	char c;
	int fd = cc_open(r, O_RDWR);

	(void)arg;
	if (fd < 0 || cc_map_and_write(r, fd, &map, &maplen) || close(fd))
		return 3;
	if (cc_send_byte(sock, 'w') || cc_recv_byte(sock, &c))
		return 4;
	return 0;	/* exit with the mapping in place */
}

enum cc_result cc_sc_mmap_exit(struct cc_run *r)
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
	pid = cc_child_start(r, &sock, mmap_exit_child, NULL);
	if (pid < 0) {
		cc_model_free(&copy.m);
		return cc_fail(r, "fork: %s", strerror(errno));
	}
	/* mirror the child's write on the parent's model */
	{
		size_t off = cc_rand_off(&copy, copy.m.len - 1), len;
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
	return cc_child_hold_check(r, pid, sock, "child closed its fd, its mapping remains");
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

enum cc_result cc_sc_scm_rights(struct cc_run *r)
{
	struct write_job w;
	size_t len1;
	uint8_t *p1 = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &len1);
	uint8_t *p2 = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &w.len);
	enum cc_result res;
	int sock, fd, e;
	pid_t pid;

	if (!p1 || !p2) {
		free(p1);
		free(p2);
		return cc_fail(r, "out of memory");
	}
	fd = cc_open(r, O_WRONLY);
	if (fd < 0) {
		res = cc_open_failed(r, "O_WRONLY");
		goto out;
	}
	res = cc_write_at(r, fd, cc_rand_off(r, r->m.len), p1, len1, "sender write");
	w.buf = p2;
	w.off = cc_rand_off(r, r->m.len);
	pid = res ? -1 : cc_child_start(r, &sock, scm_child, &w);
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
	res = cc_child_hold_check(r, pid, sock, "sender closed, the receiver holds the fd");
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
enum cc_result cc_sc_scm_gc(struct cc_run *r)
{
	enum cc_result res;
	int sv[2], fd, fds[2], e;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return cc_fail(r, "socketpair: %s", strerror(errno));
	res = cc_open_and_write(r, NULL, &fd);
	if (!res) {
		fds[0] = fd;
		fds[1] = sv[1];
		e = cc_send_fds(sv[0], fds, 2);
		close(fd);
		if (e)
			res = cc_fail(r, "sendmsg SCM_RIGHTS: %s", strerror(-e));
		else
			res = cc_unchanged(r, "fd in flight, both socket ends open");
	}
	/*
	 * The receiving end first: the close of the sending end, which has
	 * no fds in flight and is really released, is what schedules the GC,
	 * and the GC must find the receiver without a user reference.
	 */
	close(sv[1]);
	close(sv[0]);
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
	int fd = cc_open(r, O_WRONLY);
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

enum cc_result cc_sc_exec(struct cc_run *r)
{
	struct write_job w;
	enum cc_result res;
	uint8_t *p;
	int sock;
	pid_t pid;
	char c;

	pid = job_child_start(r, &w, &p, &sock, exec_child);
	if (pid < 0)
		return CC_FAIL;
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

enum cc_result cc_sc_thread(struct cc_run *r)
{
	struct thread_job j = { .err = 0 };
	uint8_t *p = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &j.w.len);
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
	j.w.off = cc_rand_off(r, r->m.len);
	j.sock = sv[1];
	j.fd = cc_open(r, O_WRONLY);
	if (j.fd < 0) {
		res = cc_open_failed(r, "O_WRONLY");
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
		res = cc_fail(r, "writer thread failed (step %d: 3 write, 4 handshake, 5 close)",
			      j.err);
out:
	close(sv[0]);
	close(sv[1]);
	free(p);
	return res;
}

