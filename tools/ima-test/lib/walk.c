// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "walk.h"

#define QUEUE_LEN 256
#define MAX_DEPTH 4096

#define FILE_FLAGS (O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_CLOEXEC)

struct item {
	char *path;
	int fd;
	struct stat st;
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct item q[QUEUE_LEN];
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
		struct item it;
		int st;

		pthread_mutex_lock(&p->lock);
		while (!p->count && !p->done)
			pthread_cond_wait(&p->not_empty, &p->lock);
		if (!p->count) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		it = p->q[p->head];
		p->head = (p->head + 1) % QUEUE_LEN;
		p->count--;
		pthread_cond_signal(&p->not_full);
		pthread_mutex_unlock(&p->lock);

		st = p->fn(p->ctx, it.path, it.fd, &it.st);
		if (it.fd >= 0)
			close(it.fd);
		free(it.path);
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

static void note_errno(struct walker *w, const char *path, const char *what, int err)
{
	char why[256];

	snprintf(why, sizeof(why), "%s%s", what, strerror(err));
	note(w, path, why, 2);
}

/* Takes @fd (closed here or by the worker). */
static void submit(struct walker *w, const char *path, int fd, const struct stat *st)
{
	struct pool *p = w->pool;
	struct item it = { .fd = fd, .st = *st };

	if (!p) {
		int s = w->file_fn(w->ctx, path, fd, st);

		if (fd >= 0)
			close(fd);
		if (s > w->status)
			w->status = s;
		return;
	}
	it.path = strdup(path);
	if (!it.path) {
		if (fd >= 0)
			close(fd);
		note(w, path, "out of memory", 2);
		return;
	}
	pthread_mutex_lock(&p->lock);
	while (p->count == QUEUE_LEN)
		pthread_cond_wait(&p->not_full, &p->lock);
	p->q[(p->head + p->count) % QUEUE_LEN] = it;
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

static const char *pseudo_fs(int dfd)
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

	if (fstatfs(dfd, &sfs) < 0)
		return NULL;
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if ((unsigned long)sfs.f_type == fs[i].magic)
			return fs[i].name;
	return NULL;
}

static bool same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * Open @name relative to @dfd as what @st says it is, without following a
 * symlink (unless --follow), and check that the opened object is the one
 * examined.  Returns the fd, or -errno; -ESTALE when the entry was replaced.
 */
static int open_examined(const struct walker *w, int dfd, const char *name,
			 int flags, const struct stat *st)
{
	struct stat got;
	int fd = openat(dfd, name, flags | (w->opts->follow ? 0 : O_NOFOLLOW));

	if (fd < 0)
		return errno == ELOOP || errno == ENOTDIR || errno == ENXIO ? -ESTALE : -errno;
	if (fstat(fd, &got) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (!same_inode(&got, st) || (got.st_mode & S_IFMT) != (st->st_mode & S_IFMT)) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

static void visit(struct walker *w, int dfd, const char *name, const char *path,
		  bool named);

static int cmp_names(const void *a, const void *b)
{
	return strcoll(*(char *const *)a, *(char *const *)b);
}

/* The names in the directory open at @dfd, sorted; NULL on error (errno). */
static char **read_names(int dfd, size_t *n)
{
	char **names = NULL;
	size_t cap = 0;
	struct dirent *de;
	int e = 0, copy = dup(dfd);
	DIR *d = copy < 0 ? NULL : fdopendir(copy);

	*n = 0;
	if (!d) {
		e = errno;
		if (copy >= 0)
			close(copy);
		errno = e;
		return NULL;
	}
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n == cap) {
			char **more = realloc(names, (cap ? 2 * cap : 64) * sizeof(*names));

			if (!more)
				break;
			names = more;
			cap = cap ? 2 * cap : 64;
		}
		if (!(names[*n] = strdup(de->d_name)))
			break;
		(*n)++;
	}
	e = de ? ENOMEM : errno;
	closedir(d);
	if (e) {
		while (*n)
			free(names[--(*n)]);
		free(names);
		errno = e;
		return NULL;
	}
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_names);
	return names ? names : calloc(1, sizeof(*names));
}

/* Walk the directory open at @dfd (examined as @st), named @path. */
static void visit_dir(struct walker *w, int dfd, const char *path,
		      const struct stat *st, bool named)
{
	const char *pseudo;
	char **names;
	size_t n;

	if (!named && w->opts->one_fs && st->st_dev != w->root_dev) {
		note(w, path, "another file system, not entered (--one-file-system)", 0);
		return;
	}
	if ((named || st->st_dev != w->stack[w->depth - 1].dev) &&
	    (pseudo = pseudo_fs(dfd))) {
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
	names = read_names(dfd, &n);
	if (!names) {
		note_errno(w, path, "cannot read directory: ", errno);
		return;
	}
	w->stack[w->depth].dev = st->st_dev;
	w->stack[w->depth].ino = st->st_ino;
	w->depth++;
	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(path), len = plen + strlen(names[i]) + 2;
		char *child = malloc(len);

		if (!child) {
			note(w, path, "out of memory", 2);
		} else {
			bool slash = plen && path[plen - 1] == '/';

			snprintf(child, len, "%s%s%s", path, slash ? "" : "/", names[i]);
			visit(w, dfd, names[i], child, false);
			free(child);
		}
		free(names[i]);
	}
	free(names);
	w->depth--;
}

/* Examine @name in the directory @dfd (AT_FDCWD for a named path). */
static void visit(struct walker *w, int dfd, const char *name, const char *path,
		  bool named)
{
	static const char replaced[] = "replaced while the tree was walked; not examined";
	struct stat st;
	int fd;

	if (fstatat(dfd, name, &st, w->opts->follow ? 0 : AT_SYMLINK_NOFOLLOW) < 0) {
		note_errno(w, path, "", errno);
		return;
	}
	if (named)
		w->root_dev = st.st_dev;
	if (S_ISREG(st.st_mode)) {
		fd = open_examined(w, dfd, name, FILE_FLAGS, &st);
		if (fd == -ESTALE)
			note(w, path, replaced, 2);
		else
			submit(w, path, fd, &st);
	} else if (S_ISDIR(st.st_mode)) {
		if (!w->opts->recursive) {
			note(w, path, "is a directory (use -r)", 2);
			return;
		}
		fd = open_examined(w, dfd, name, DIR_FLAGS, &st);
		if (fd == -ESTALE) {
			note(w, path, replaced, 2);
		} else if (fd == -EMFILE || fd == -ENFILE) {
			note(w, path, "directory tree too deep (too many open files)", 2);
		} else if (fd < 0) {
			note_errno(w, path, "cannot read directory: ", -fd);
		} else {
			visit_dir(w, fd, path, &st, named);
			close(fd);
		}
	} else if (S_ISLNK(st.st_mode)) {
		note(w, path, "symlink not followed (use --follow)", named ? 2 : 0);
	} else {
		note(w, path, type_name(st.st_mode), named ? 2 : 0);
	}
}

/* A directory descriptor is held per level of the walk: allow as many as may. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
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
	raise_fd_limit();
	if (jobs > 1) {
		tids = calloc(jobs, sizeof(*tids));
		for (; tids && started < jobs; started++)
			if (pthread_create(&tids[started], NULL, worker_main, &pool))
				break;
		if (started)
			w->pool = &pool;
	}
	for (size_t i = 0; i < n; i++)
		visit(w, AT_FDCWD, paths[i], paths[i], true);
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
