// SPDX-License-Identifier: GPL-2.0-only
/*
 * The close-check scenario table: the one index of every scenario, in the
 * order they run and are reported.  The scenarios themselves are in
 * scenarios_fd.c (one process), scenarios_proc.c (other processes, the
 * unix garbage collector, exec and threads) and scenarios_async.c (closes
 * done by io_uring and AIO on the process's behalf).
 */
#include "close_check.h"
#include "util.h"

const struct cc_scenario cc_scenarios[] = {
	{ .name = "close", .what = "close(2) of the only writer",
	  .run = cc_sc_close },
	{ .name = "exit", .what = "exit without close",
	  .run = cc_sc_exit },
	{ .name = "dup", .what = "dup, then close both",
	  .run = cc_sc_dup },
	{ .name = "fork", .what = "fork, the parent closes first, the child last",
	  .run = cc_sc_fork },
	{ .name = "two-writers", .what = "two opens; the first file released, the second closes last",
	  .run = cc_sc_two_writers },
	{ .name = "trunc", .what = "O_TRUNC rewrite",
	  .run = cc_sc_trunc },
	{ .name = "append", .what = "O_APPEND write",
	  .run = cc_sc_append },
	{ .name = "pwrite", .what = "pwrite inside and past EOF",
	  .run = cc_sc_pwrite },
	{ .name = "writev", .what = "writev",
	  .run = cc_sc_writev },
	{ .name = "copy_file_range", .what = "copy_file_range into the file",
	  .run = cc_sc_copy_file_range },
	{ .name = "ftruncate", .what = "ftruncate",
	  .run = cc_sc_ftruncate },
	{ .name = "munmap", .what = "MAP_SHARED write, close(fd), final fput in munmap",
	  .run = cc_sc_munmap },
	{ .name = "mmap-exit", .what = "MAP_SHARED write, close(fd), exit without munmap",
	  .run = cc_sc_mmap_exit },
	{ .name = "scm-rights", .what = "SCM_RIGHTS to another process, the receiver closes last",
	  .run = cc_sc_scm_rights },
	{ .name = "scm-gc", .what = "SCM_RIGHTS fd left in flight, dropped by the unix GC",
	  .run = cc_sc_scm_gc, .async = true, .kthread = true },
	{ .name = "exec", .what = "O_CLOEXEC fd closed by execve",
	  .run = cc_sc_exec },
	{ .name = "dup2", .what = "dup2 over the fd",
	  .run = cc_sc_dup2 },
	{ .name = "close_range", .what = "close_range over two fds",
	  .run = cc_sc_close_range },
	/* asynchronous: a file with ->flush (overlayfs, NFS) is closed by an
	 * io-wq worker, whose task_work releases it after the CQE is posted */
	{ .name = "io_uring", .what = "IORING_OP_CLOSE",
	  .run = cc_sc_io_uring, .async = true },
	{ .name = "io_uring-fixed", .what = "registered file dropped when the ring is closed",
	  .run = cc_sc_io_uring_fixed, .async = true, .kthread = true },
	{ .name = "io_uring-sqpoll", .what = "IORING_OP_CLOSE issued by the ring's SQPOLL thread",
	  .run = cc_sc_io_uring_sqpoll, .async = true },
	{ .name = "io_uring-async", .what = "IORING_OP_CLOSE with IOSQE_ASYNC, issued by an io-wq worker",
	  .run = cc_sc_io_uring_async, .async = true },
	{ .name = "io_uring-sqpoll-exit",
	  .what = "a splice in flight when the process exits, cancelled by its SQPOLL thread",
	  .run = cc_sc_io_uring_sqpoll_exit, .async = true },
	{ .name = "aio", .what = "fd closed with an AIO fsync in flight; its completion drops the file",
	  .run = cc_sc_aio, .async = true, .kthread = true },
	{ .name = "thread", .what = "a thread of a multi-threaded process closes",
	  .run = cc_sc_thread },
};
const size_t cc_nscenarios = ARRAY_SIZE(cc_scenarios);
