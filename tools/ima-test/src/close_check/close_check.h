/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * close-check: final-close scenarios and what they share.
 *
 * A scenario takes a file whose security.ima is the hash of its content
 * (the "label"), changes the content through one or more writers, checks
 * that the label is untouched while any writer remains (cc_unchanged), and
 * ends with the final close of the last writer by its own path (close(2),
 * exit, munmap, a unix socket dying, ...).  The driver then checks that
 * security.ima is the hash of the new content: at once for paths that
 * finish before the call returns, by polling with a bound for asynchronous
 * ones.  Content changes go through a model of the file (struct cc_model),
 * so the expected hash never needs the file to be opened while a writer
 * holds it (an open could make fix mode rewrite the label by itself).
 */
#ifndef IMA_TEST_CLOSE_CHECK_H
#define IMA_TEST_CLOSE_CHECK_H

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hashalgo.h"
#include "evm.h"
#include "imaxattr.h"

/* What the file's content should be. */
struct cc_model {
	uint8_t *data;
	size_t len, cap;
};

/* Fixed for a whole run. */
struct cc_env {
	const char *dir;
	const struct hash_algo *algo;	/* what the kernel labels with */
	/*
	 * The kernel writes sha1 labels in the legacy 01 form (a kernel
	 * without the ima-fput series); otherwise every label is 04|algo.
	 * Learnt from the first file close-check labels.
	 */
	bool legacy_sha1;
	unsigned timeout_ms;		/* bound for asynchronous paths */
	const struct evm_ctx *evm;	/* also check security.evm, or NULL */
};

/* One scenario run on one file. */
struct cc_run {
	const struct cc_env *env;
	char path[PATH_MAX];
	dev_t dev;			/* of the file, for the tracepoint */
	ino_t ino;
	struct cc_model m;
	uint8_t label[IMA_XATTR_MAX];	/* security.ima before the scenario */
	size_t label_len;
	uint64_t rng;
	unsigned unchanged_checks;	/* cc_unchanged() calls that passed */
	bool final_checked;		/* the scenario ran cc_final_check() */
	char why[512];			/* failure or skip reason */
};

enum cc_result { CC_PASS = 0, CC_FAIL = -1, CC_SKIP = 1 };

struct cc_scenario {
	const char *name;
	const char *what;		/* one line: the final close path */
	bool async;			/* poll for the rewrite */
	bool kthread;			/* expected rewrite context */
	enum cc_result (*run)(struct cc_run *r);
};

/* The scenario table (scenarios.c): the one index of every scenario. */
extern const struct cc_scenario cc_scenarios[];
extern const size_t cc_nscenarios;

/* util.c */
enum cc_result cc_fail(struct cc_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum cc_result cc_skip(struct cc_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
uint64_t cc_rand(uint64_t *state);
/* Random bytes of random length in [min, max]; malloc'ed, NULL on ENOMEM. */
uint8_t *cc_payload(struct cc_run *r, size_t min, size_t max, size_t *len);
int cc_model_pwrite(struct cc_model *m, size_t off, const uint8_t *buf, size_t len);
int cc_model_truncate(struct cc_model *m, size_t len);
void cc_model_free(struct cc_model *m);
/* write() or pwrite() all of @len; 0 or -errno. */
int cc_write_all(int fd, const uint8_t *buf, size_t len);
int cc_pwrite_all(int fd, const uint8_t *buf, size_t len, off_t off);
/* Apply a write to the file and the model, or fail with @what. */
enum cc_result cc_write_at(struct cc_run *r, int fd, size_t off,
			   const uint8_t *buf, size_t len, const char *what);
/* Read security.ima by path: length, or -errno. */
ssize_t cc_read_label(const struct cc_run *r, uint8_t *buf, size_t cap);
/* The value fix mode must write for the model's content; 0 on error. */
size_t cc_expected_label(const struct cc_run *r, uint8_t *out, size_t cap);
/* The label this kernel writes for @digest (see cc_env.legacy_sha1). */
size_t cc_encode_label(const struct cc_env *env, const uint8_t *digest, size_t len,
		       uint8_t *out, size_t cap);
/* A label for a message: its first 20 bytes in hex, or why there is none. */
void cc_label_text(const uint8_t *buf, ssize_t len, char *out, size_t cap);
/* Fail unless security.ima still equals the label from before. */
enum cc_result cc_unchanged(struct cc_run *r, const char *when);
/*
 * Check now that security.ima is the hash of the model's content; for a
 * scenario that must look before it lets its processes go.  Defined in
 * run.c.
 */
enum cc_result cc_final_check(struct cc_run *r);
/* Pipe/socket handshakes between the processes of a scenario. */
int cc_send_byte(int fd, char c);
int cc_recv_byte(int fd, char *c);
/*
 * scenarios_proc.c: a child process connected by a socketpair: @fn runs
 * in the child with its end of the pair; its return value is the exit
 * status.  The child inherits everything else, including open writers.
 * Returns the pid, or -1 (errno).
 */
typedef int (*cc_child_fn)(struct cc_run *r, int sock, void *arg);
pid_t cc_child_start(struct cc_run *r, int *sock, cc_child_fn fn, void *arg);
/*
 * The parent's side of "the child says it is ready, the parent checks the
 * label is unchanged (@when in messages), the parent says go"; then the
 * child is reaped.
 */
enum cc_result cc_child_hold_check(struct cc_run *r, pid_t pid, int sock,
				   const char *when);
/* Wait for @pid; 0 when it exited with status 0, else -1 and a reason. */
enum cc_result cc_reap(struct cc_run *r, pid_t pid, const char *who);
/* Monotonic milliseconds. */
double cc_now_ms(void);

/* sys.c: raw io_uring for one close. */
struct cc_uring;
/*
 * Set up a ring with IORING_SETUP_* @setup_flags (IORING_SETUP_SQPOLL: a
 * kernel-side submission thread); NULL with -errno in *err (ENOSYS: no
 * io_uring).
 */
struct cc_uring *cc_uring_open(unsigned setup_flags, int *err);
/* IORING_OP_CLOSE of @fd with IOSQE_* @sqe_flags; the result of the CQE. */
int cc_uring_close(struct cc_uring *u, int fd, unsigned sqe_flags);
/*
 * IORING_OP_SPLICE of up to @len bytes from the pipe @in to @out at its
 * file position, queued without waiting for the completion: 0 once the
 * kernel has taken the SQE off the ring (an SQPOLL thread within
 * @timeout_ms), or -errno.
 */
int cc_uring_splice_queued(struct cc_uring *u, int in, int out, unsigned len,
			   unsigned timeout_ms);
/* Register @fd as fixed file 0.  0 or -errno. */
int cc_uring_register(struct cc_uring *u, int fd);
void cc_uring_free(struct cc_uring *u);

/*
 * sys.c: an AIO fsync of @fd submitted with io_submit(); the kernel's
 * request holds its own reference to the file until it completes, from a
 * workqueue.  *ctx is the AIO context, for cc_aio_wait().  0 or -errno.
 */
int cc_aio_fsync(int fd, unsigned long *ctx);
/* Wait up to @timeout_ms for the request's completion; its result. */
int cc_aio_wait(unsigned long ctx, unsigned timeout_ms);
void cc_aio_free(unsigned long ctx);

/* sys.c: SCM_RIGHTS. */
int cc_send_fds(int sock, const int *fds, int n);
int cc_recv_fd(int sock);

/* trace.c: the ima:ima_update_xattr tracepoint, if present. */
struct cc_trace {
	bool available;
	bool enabled_by_us;		/* the event was off: turn it off again */
	bool turned_on;			/* tracing_on was 0: set it back */
	char reason[160];		/* why it is unavailable */
};
/* One ima_update_xattr line of the trace. */
struct cc_trace_rec {
	unsigned major, minor;
	unsigned long ino;
	int rc;
	bool kthread;
	char result[16];		/* "rewritten", or why not */
	char task[64];			/* comm-pid of the rewriting task */
};
/* The events for one file since the last clear. */
struct cc_trace_event {
	bool found;
	unsigned count;
	unsigned rewritten;		/* rc 0, result "rewritten" */
	int rc;				/* of the last event */
	bool kthread;
	char result[16];
	char task[64];
	bool bad;			/* an event that is not a rewrite */
	int bad_rc;
	char bad_result[16];
};
void cc_trace_start(struct cc_trace *t);
void cc_trace_clear(const struct cc_trace *t);
/* Parse one line of the trace file; false unless it is an ima_update_xattr event. */
bool cc_trace_parse(const char *line, struct cc_trace_rec *rec);
/* Add @rec to @ev when it is about the file @dev, @ino. */
void cc_trace_add(struct cc_trace_event *ev, const struct cc_trace_rec *rec, dev_t dev, ino_t ino);
/* Find the rewrite events for the file @dev, @ino since the last clear. */
void cc_trace_lookup(const struct cc_trace *t, dev_t dev, ino_t ino, struct cc_trace_event *ev);
/* Disable the event and restore tracing_on, if close-check changed them. */
void cc_trace_stop(struct cc_trace *t);

/* The driver (cmd_close_check.c, run.c). */
struct cc_opts {
	unsigned long iterations;
	bool random, json, trace;
	uint64_t seed;
	const char *only;
	unsigned timeout_ms;
	bool evm_on;			/* --evm-key given */
	struct evm_ctx evm;
};

/* What one scenario did over all its runs. */
struct cc_stats {
	unsigned long runs, passed, failed, skipped;
	unsigned long async_runs;
	double lat_sum, lat_max;
	char why[600];			/* first failure, or skip reason */
	struct cc_trace_event ev;	/* from the first traced run */
	bool traced;
	unsigned long traced_runs;	/* runs whose rewrite was traced */
};

struct cc_state {
	struct cc_env env;
	struct cc_opts opts;
	struct cc_trace trace;
	struct cc_stats *stats;
	bool *selected;
	unsigned long closes;		/* final closes whose label was checked */
	unsigned long files;
};


/* Run every selected scenario opts.iterations times, each on a fresh file. */
void cc_run_sequential(struct cc_state *s, uint64_t *rng);
/* opts.iterations runs of scenarios drawn at random, reusing one file. */
void cc_run_random(struct cc_state *s, uint64_t *rng);

/* Scenario building blocks (util.c). */
#define CC_PAYLOAD_MIN 1
#define CC_PAYLOAD_MAX 8192

struct write_job {
	const uint8_t *buf;
	size_t len, off;
};

/* A write job for a process that inherited the writer @fd. */
struct fd_job {
	struct write_job w;
	int fd;
};

/* A random offset at most @max (no holes unless asked). */
size_t cc_rand_off(struct cc_run *r, size_t max);
/* open() of the scenario's file, O_CLOEXEC|O_NOFOLLOW added. */
int cc_open(const struct cc_run *r, int flags);
enum cc_result cc_open_failed(struct cc_run *r, const char *how);
/*
 * The opening steps most scenarios share: a random payload, an O_WRONLY
 * writer, the payload written at a random offset (file and model, "write"
 * in messages) and, if @when is not NULL, cc_unchanged(r, @when).  On
 * CC_PASS *fd is the open writer; otherwise it is closed and *fd is -1.
 */
enum cc_result cc_open_and_write(struct cc_run *r, const char *when, int *fd);
enum cc_result cc_closed(struct cc_run *r, int fd, const char *what);
/* Map the whole file shared and overwrite a random range (file and model). */
enum cc_result cc_map_and_write(struct cc_run *r, int fd, void **map, size_t *maplen);

/* The scenarios (scenarios_fd.c, scenarios_proc.c; indexed by scenarios.c). */
#define CC_SCENARIO(name) enum cc_result cc_sc_##name(struct cc_run *r);
CC_SCENARIO(close) CC_SCENARIO(exit) CC_SCENARIO(dup) CC_SCENARIO(fork)
CC_SCENARIO(trunc) CC_SCENARIO(append) CC_SCENARIO(pwrite) CC_SCENARIO(writev)
CC_SCENARIO(copy_file_range) CC_SCENARIO(ftruncate) CC_SCENARIO(munmap)
CC_SCENARIO(mmap_exit) CC_SCENARIO(scm_rights) CC_SCENARIO(scm_gc)
CC_SCENARIO(exec) CC_SCENARIO(dup2) CC_SCENARIO(close_range)
CC_SCENARIO(io_uring) CC_SCENARIO(io_uring_fixed) CC_SCENARIO(thread)
CC_SCENARIO(two_writers) CC_SCENARIO(io_uring_sqpoll) CC_SCENARIO(io_uring_async)
CC_SCENARIO(io_uring_sqpoll_exit)
CC_SCENARIO(aio)
#undef CC_SCENARIO

/* Entry of the hidden sub-command the exec scenario runs after execve. */
int cc_exec_child(int argc, char **argv);

#endif
