/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the tree walk (lib/walk.c): the walk and its pool of workers
 * (lib/walk_pool.c).  Not for use outside those two files.
 */
#ifndef IMA_TEST_WALK_INT_H
#define IMA_TEST_WALK_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "walk.h"

/*
 * Files wait in a heap, largest first, so that a large file is started as
 * soon as the walk finds it, whatever was queued before it, and the other
 * workers go on with the small ones.  The walk only reads directories and
 * examines entries; the workers open the files (relative to the directory's
 * descriptor, held by a reference) and hash them, so the walk runs far
 * ahead of them: up to QUEUE_MAX files, and as many directory descriptors
 * as the file limit allows.
 */
#define QUEUE_MAX 16384
#define MAX_DEPTH 4096

#define FILE_FLAGS (O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_CLOEXEC)

struct dirref {
	int fd;
	unsigned refs;		/* the walk's while it reads it, one per queued file */
};

struct item {
	struct dirref *dir;	/* NULL: a named path, relative to the cwd */
	char *path;
	size_t name;		/* offset of the entry's name in path */
	struct stat st;		/* as examined */
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct item *heap;
	size_t count, cap;
	unsigned idle;		/* workers waiting for a file */
	bool walker_waits;
	bool done;
	unsigned open_dirs, dir_budget;
};

struct walker {
	const struct walk_opts *opts;
	struct pool *pool;	/* NULL: run file_fn inline */
	walk_file_fn file_fn;
	walk_skip_fn skip_fn;
	void *ctx;
	int status;		/* under pool->lock when there is a pool */
	struct { dev_t dev; ino_t ino; } stack[MAX_DEPTH];
	size_t depth;
	dev_t root_dev;		/* device of the named path being walked */
};

void walk_lock(struct walker *w);
void walk_unlock(struct walker *w);
void walk_add_status(struct walker *w, int st);
void walk_note(struct walker *w, const char *path, const char *why, int st);
/* Open and process one queued file (lib/walk.c). */
void walk_process(struct walker *w, struct item *it);
/* Drop a reference to @d (walk_put_dir_locked: the pool lock is held). */
void walk_put_dir(struct walker *w, struct dirref *d);
void walk_put_dir_locked(struct walker *w, struct dirref *d);
void *walk_worker_main(void *arg);
void walk_submit(struct walker *w, struct dirref *dir, const char *name,
		 const char *path, const struct stat *st);
void walk_reserve_dir(struct walker *w);
void walk_unreserve_dir(struct walker *w);

#endif
