// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "walk.h"

#define QUEUE_LEN 256
#define MAX_DEPTH 4096

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	char *q[QUEUE_LEN];
	size_t head, count;
	bool done;
	int status;
	walk_file_fn fn;
	void *ctx;
};

struct walker {
	const struct walk_opts *opts;
	struct pool *pool;	/* NULL: run file_fn inline */
	walk_file_fn file_fn;
	walk_skip_fn skip_fn;
	void *ctx;
	int status;
	struct { dev_t dev; ino_t ino; } stack[MAX_DEPTH];
	size_t depth;
	dev_t root_dev;		/* device of the named path being walked */
};

static void *worker_main(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		char *path;
		int st;

		pthread_mutex_lock(&p->lock);
		while (!p->count && !p->done)
			pthread_cond_wait(&p->not_empty, &p->lock);
		if (!p->count) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		path = p->q[p->head];
		p->head = (p->head + 1) % QUEUE_LEN;
		p->count--;
		pthread_cond_signal(&p->not_full);
		pthread_mutex_unlock(&p->lock);

		st = p->fn(p->ctx, path);
		free(path);
		pthread_mutex_lock(&p->lock);
		if (st > p->status)
			p->status = st;
		pthread_mutex_unlock(&p->lock);
	}
}

static void note(struct walker *w, const char *path, const char *why, int st)
{
	st = w->skip_fn(w->ctx, path, why, st);
	if (st > w->status)
		w->status = st;
}

static void submit(struct walker *w, const char *path)
{
	struct pool *p = w->pool;
	char *copy;

	if (!p) {
		int st = w->file_fn(w->ctx, path);

		if (st > w->status)
			w->status = st;
		return;
	}
	copy = strdup(path);
	if (!copy) {
		note(w, path, "out of memory", 2);
		return;
	}
	pthread_mutex_lock(&p->lock);
	while (p->count == QUEUE_LEN)
		pthread_cond_wait(&p->not_full, &p->lock);
	p->q[(p->head + p->count) % QUEUE_LEN] = copy;
	p->count++;
	pthread_cond_signal(&p->not_empty);
	pthread_mutex_unlock(&p->lock);
}

static const char *type_name(mode_t m)
{
	if (S_ISFIFO(m))
		return "skipping special file (fifo)";
	if (S_ISSOCK(m))
		return "skipping special file (socket)";
	if (S_ISCHR(m))
		return "skipping special file (character device)";
	if (S_ISBLK(m))
		return "skipping special file (block device)";
	return "skipping special file";
}

static const char *pseudo_fs(const char *path)
{
	static const struct { unsigned long magic; const char *name; } fs[] = {
		{ PROC_SUPER_MAGIC, "proc" }, { SYSFS_MAGIC, "sysfs" },
		{ DEBUGFS_MAGIC, "debugfs" }, { SECURITYFS_MAGIC, "securityfs" },
		{ TRACEFS_MAGIC, "tracefs" }, { CGROUP_SUPER_MAGIC, "cgroup" },
		{ CGROUP2_SUPER_MAGIC, "cgroup2" }, { DEVPTS_SUPER_MAGIC, "devpts" },
		{ BPF_FS_MAGIC, "bpf" }, { PSTOREFS_MAGIC, "pstore" },
		{ EFIVARFS_MAGIC, "efivarfs" }, { 0x62656570UL, "configfs" },
	};
	struct statfs sfs;

	if (statfs(path, &sfs) < 0)
		return NULL;
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if ((unsigned long)sfs.f_type == fs[i].magic)
			return fs[i].name;
	return NULL;
}

static void visit(struct walker *w, const char *path, bool named);

static void visit_dir(struct walker *w, const char *path, const struct stat *st,
		      bool named)
{
	struct dirent **ents = NULL;
	const char *pseudo;
	int n;

	if (!named && w->opts->one_fs && st->st_dev != w->root_dev) {
		note(w, path, "another file system, not entered (--one-file-system)", 0);
		return;
	}
	if ((named || st->st_dev != w->stack[w->depth - 1].dev) &&
	    (pseudo = pseudo_fs(path))) {
		char why[96];

		snprintf(why, sizeof(why), "skipping pseudo file system (%s)", pseudo);
		note(w, path, why, named ? 2 : 0);
		return;
	}

	for (size_t i = 0; i < w->depth; i++)
		if (w->stack[i].dev == st->st_dev && w->stack[i].ino == st->st_ino) {
			note(w, path, "directory loop, not entered again", 0);
			return;
		}
	if (w->depth == MAX_DEPTH) {
		note(w, path, "directory tree too deep", 2);
		return;
	}
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		char why[256];

		snprintf(why, sizeof(why), "cannot read directory: %s", strerror(errno));
		note(w, path, why, 2);
		return;
	}
	w->stack[w->depth].dev = st->st_dev;
	w->stack[w->depth].ino = st->st_ino;
	w->depth++;
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		size_t len = strlen(path) + strlen(name) + 2;
		char *child;

		if (strcmp(name, ".") && strcmp(name, "..")) {
			child = malloc(len);
			if (!child) {
				note(w, path, "out of memory", 2);
			} else {
				bool slash = path[strlen(path) - 1] == '/';

				snprintf(child, len, "%s%s%s", path, slash ? "" : "/", name);
				visit(w, child, false);
				free(child);
			}
		}
		free(ents[i]);
	}
	free(ents);
	w->depth--;
}

static void visit(struct walker *w, const char *path, bool named)
{
	struct stat st;
	int r = w->opts->follow ? stat(path, &st) : lstat(path, &st);

	if (r < 0) {
		char why[256];

		snprintf(why, sizeof(why), "%s", strerror(errno));
		note(w, path, why, 2);
		return;
	}
	if (named)
		w->root_dev = st.st_dev;
	if (S_ISREG(st.st_mode)) {
		submit(w, path);
	} else if (S_ISDIR(st.st_mode)) {
		if (w->opts->recursive)
			visit_dir(w, path, &st, named);
		else
			note(w, path, "is a directory (use -r)", 2);
	} else if (S_ISLNK(st.st_mode)) {
		note(w, path, "symlink not followed (use --follow)", named ? 2 : 0);
	} else {
		note(w, path, type_name(st.st_mode), named ? 2 : 0);
	}
}

unsigned walk_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

int walk_paths(const struct walk_opts *opts, char *const *paths, size_t n,
	       walk_file_fn file_fn, walk_skip_fn skip_fn, void *ctx)
{
	unsigned jobs = opts->jobs ? opts->jobs : walk_default_jobs();
	struct walker *w = calloc(1, sizeof(*w));
	struct pool pool = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.not_empty = PTHREAD_COND_INITIALIZER,
		.not_full = PTHREAD_COND_INITIALIZER,
		.fn = file_fn, .ctx = ctx,
	};
	pthread_t *tids = NULL;
	unsigned started = 0;
	int status;

	if (!w)
		return 2;
	w->opts = opts;
	w->file_fn = file_fn;
	w->skip_fn = skip_fn;
	w->ctx = ctx;
	if (jobs > 1) {
		tids = calloc(jobs, sizeof(*tids));
		for (; tids && started < jobs; started++)
			if (pthread_create(&tids[started], NULL, worker_main, &pool))
				break;
		if (started)
			w->pool = &pool;
	}
	for (size_t i = 0; i < n; i++)
		visit(w, paths[i], true);
	if (w->pool) {
		pthread_mutex_lock(&pool.lock);
		pool.done = true;
		pthread_cond_broadcast(&pool.not_empty);
		pthread_mutex_unlock(&pool.lock);
		for (unsigned i = 0; i < started; i++)
			pthread_join(tids[i], NULL);
	}
	free(tids);
	status = w->status > pool.status ? w->status : pool.status;
	free(w);
	return status;
}
