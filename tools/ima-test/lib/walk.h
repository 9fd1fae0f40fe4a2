/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Walking the paths given on the command line and handing every regular
 * file to a pool of worker threads.
 *
 * Below a named path the walk goes by file descriptor, never by name: each
 * directory is opened relative to its parent's descriptor with
 * O_DIRECTORY|O_NOFOLLOW, each entry is examined with
 * fstatat(AT_SYMLINK_NOFOLLOW) and each regular file opened relative to its
 * directory with O_NOFOLLOW, and what was opened must have the device and
 * inode that were examined.  A directory swapped for a symlink (rename,
 * renameat2 RENAME_EXCHANGE) while the walk runs therefore cannot lead it
 * out of the tree: the swapped entry is reported, not followed.  The path
 * strings given to the callbacks are for the reader only; the file
 * function must work on the descriptor it is given.
 *
 * Symlinks are not followed unless @follow (then directory loops are cut).
 * Named paths that cannot be processed (missing, a directory without
 * @recursive, a symlink without @follow, a special file) are reported with
 * status EXIT_TROUBLE; special files and symlinks met while recursing are
 * reported with status EXIT_OK (a note).  The statuses are exitcode.h's.
 *
 * The walking thread only reads directories and examines entries; the
 * workers open the files (relative to the directory's descriptor, which
 * stays open while files of it are queued) and take the largest queued
 * file first, so a large file found late still runs beside the small ones.
 *
 * Pseudo file systems (proc, sysfs, debugfs, securityfs, tracefs, cgroup,
 * devpts, bpf, pstore, efivarfs, configfs) are never entered: IMA does not
 * appraise them, and their files can be endless or have side effects on
 * read.  With @one_fs, directories on another file system than the named
 * path's are not entered either.
 */
#ifndef IMA_TEST_WALK_H
#define IMA_TEST_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "exitcode.h"

struct walk_opts {
	bool recursive;
	bool follow;
	bool one_fs;		/* do not descend into other file systems */
	unsigned jobs;		/* worker threads; 0 = online CPUs */
};

/*
 * A file the walk hands over.  @st: when the file could be opened, fstat()
 * of it taken right after it was opened (and before anything read it),
 * whose device and inode are the ones the walk examined; otherwise what the
 * walk examined.  @dirfd and @name: the directory the file was found in,
 * held open by the walk for the call, and the file's name in it (also for
 * a named file DIR/NAME: DIR opened once; AT_FDCWD for a named file
 * without a '/').  Anything written beside the
 * file goes through them, so a directory renamed or replaced by a symlink
 * during the walk cannot send it outside the tree.
 */
struct walk_entry {
	struct stat st;
	int dirfd;
	const char *name;
};

/*
 * Called once per regular file, possibly from several threads at once;
 * returns the file's status (EXIT_OK, EXIT_FINDINGS, EXIT_TROUBLE).  @fd is the
 * file opened O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_NOCTTY (read its content and
 * xattrs through it; the walk closes it), or -errno when it could not be
 * opened.
 */
typedef int (*walk_file_fn)(void *ctx, const char *path, int fd,
			    const struct walk_entry *e);
/*
 * Called for a path that is not handed to the file function, with why it
 * was skipped, from the walking thread or (for a file replaced between
 * examination and opening) from a worker; returns the status to count.
 */
typedef int (*walk_skip_fn)(void *ctx, const char *path, const char *why,
			    int status);

/* Walk @paths; returns the highest status seen. */
int walk_paths(const struct walk_opts *opts, char *const *paths, size_t n,
	       walk_file_fn file_fn, walk_skip_fn skip_fn, void *ctx);

/* Number of online CPUs (at least 1). */
unsigned walk_default_jobs(void);

#endif
