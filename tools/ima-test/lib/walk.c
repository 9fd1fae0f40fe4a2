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

#include "exitcode.h"
#include "walk_int.h"
#include "util.h"

void walk_note(struct walker *w, const char *path, const char *why, int st)
{
	walk_add_status(w, w->skip_fn(w->ctx, path, why, st));
}

static void note_errno(struct walker *w, const char *path, const char *what, int err)
{
	char why[256];

	snprintf(why, sizeof(why), "%s%s", what, strerror(err));
	walk_note(w, path, why, EXIT_TROUBLE);
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
			 int flags, const struct stat *st, struct stat *got)
{
	int fd = openat(dfd, name, flags | (w->opts->follow ? 0 : O_NOFOLLOW));

	if (fd < 0)
		return errno == ELOOP || errno == ENOTDIR || errno == ENXIO ? -ESTALE : -errno;
	if (fstat(fd, got) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (!same_inode(got, st) || (got->st_mode & S_IFMT) != (st->st_mode & S_IFMT)) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

/* Open and process one file; in a worker or, without a pool, in the walk. */
void walk_process(struct walker *w, struct item *it)
{
	struct walk_entry e = {
		.dirfd = it->dir ? it->dir->fd : AT_FDCWD,
		.name = it->path + it->name,
	};
	int fd = open_examined(w, e.dirfd, e.name, FILE_FLAGS, &it->st, &e.st);

	if (fd == -ESTALE) {
		walk_note(w, it->path, "replaced while the tree was walked; not examined", 2);
	} else {
		if (fd < 0)
			e.st = it->st;
		walk_add_status(w, w->file_fn(w->ctx, it->path, fd, &e));
		if (fd >= 0)
			close(fd);
	}
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
	for (size_t i = 0; i < ARRAY_SIZE(fs); i++)
		if ((unsigned long)sfs.f_type == fs[i].magic)
			return fs[i].name;
	return NULL;
}

static void visit(struct walker *w, struct dirref *dir, const char *name,
		  const char *path, bool named);

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
		if (grow_array(&names, &cap, *n + 1, sizeof(*names), 64))
			break;
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

/* Walk the directory @dir (examined as @st), named @path. */
static void visit_dir(struct walker *w, struct dirref *dir, const char *path,
		      const struct stat *st, bool named)
{
	int dfd = dir->fd;
	const char *pseudo;
	char **names;
	size_t n;

	if (!named && w->opts->one_fs && st->st_dev != w->root_dev) {
		walk_note(w, path, "another file system, not entered (--one-file-system)", EXIT_OK);
		return;
	}
	if ((named || st->st_dev != w->stack[w->depth - 1].dev) &&
	    (pseudo = pseudo_fs(dfd))) {
		char why[96];

		snprintf(why, sizeof(why), "skipping pseudo file system (%s)", pseudo);
		walk_note(w, path, why, named ? EXIT_TROUBLE : EXIT_OK);
		return;
	}

	for (size_t i = 0; i < w->depth; i++)
		if (w->stack[i].dev == st->st_dev && w->stack[i].ino == st->st_ino) {
			walk_note(w, path, "directory loop, not entered again", EXIT_OK);
			return;
		}
	if (w->depth == MAX_DEPTH) {
		walk_note(w, path, "directory tree too deep", EXIT_TROUBLE);
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
			walk_note(w, path, "out of memory", EXIT_TROUBLE);
		} else {
			bool slash = plen && path[plen - 1] == '/';

			snprintf(child, len, "%s%s%s", path, slash ? "" : "/", names[i]);
			visit(w, dir, child + strlen(child) - strlen(names[i]), child, false);
			free(child);
		}
		free(names[i]);
	}
	free(names);
	w->depth--;
}

/* Examine @name in the directory @dir (NULL: a named path, from the cwd). */
static void visit(struct walker *w, struct dirref *dir, const char *name,
		  const char *path, bool named)
{
	static const char replaced[] = "replaced while the tree was walked; not examined";
	int dfd = dir ? dir->fd : AT_FDCWD;
	struct dirref *sub;
	struct stat st, opened;
	int fd;

	if (fstatat(dfd, name, &st, w->opts->follow ? 0 : AT_SYMLINK_NOFOLLOW) < 0) {
		note_errno(w, path, "", errno);
		return;
	}
	if (named)
		w->root_dev = st.st_dev;
	if (S_ISREG(st.st_mode)) {
		walk_submit(w, dir, name, path, &st);
	} else if (S_ISDIR(st.st_mode)) {
		if (!w->opts->recursive) {
			walk_note(w, path, "is a directory (use -r)", EXIT_TROUBLE);
			return;
		}
		walk_reserve_dir(w);
		fd = open_examined(w, dfd, name, DIR_FLAGS, &st, &opened);
		sub = fd < 0 ? NULL : calloc(1, sizeof(*sub));
		if (fd < 0 || !sub)
			walk_unreserve_dir(w);
		if (fd == -ESTALE) {
			walk_note(w, path, replaced, EXIT_TROUBLE);
		} else if (fd == -EMFILE || fd == -ENFILE) {
			walk_note(w, path, "directory tree too deep (too many open files)", EXIT_TROUBLE);
		} else if (fd < 0) {
			note_errno(w, path, "cannot read directory: ", -fd);
		} else if (!sub) {
			close(fd);
			walk_note(w, path, "out of memory", EXIT_TROUBLE);
		} else {
			sub->fd = fd;
			sub->refs = 1;
			visit_dir(w, sub, path, &st, named);
			walk_put_dir(w, sub);
		}
	} else if (S_ISLNK(st.st_mode)) {
		walk_note(w, path, "symlink not followed (use --follow)", named ? EXIT_TROUBLE : EXIT_OK);
	} else {
		walk_note(w, path, type_name(st.st_mode), named ? EXIT_TROUBLE : EXIT_OK);
	}
}

/*
 * A named path DIR/NAME: DIR is opened once (following symlinks: the path
 * is the user's) and NAME examined, opened and written beside through that
 * descriptor, as below a named directory.  A path without a '/', or ending
 * in one, or in "." or "..", is examined from the current directory.
 */
static void visit_named(struct walker *w, const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	struct dirref *dir;
	char *parent;
	int fd, e;

	if (!slash || !*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		visit(w, NULL, path, path, true);
		return;
	}
	parent = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (!parent) {
		walk_note(w, path, "out of memory", EXIT_TROUBLE);
		return;
	}
	walk_reserve_dir(w);
	fd = open(parent, DIR_FLAGS);
	e = fd < 0 ? errno : 0;
	free(parent);
	dir = fd < 0 ? NULL : calloc(1, sizeof(*dir));
	if (!dir) {
		walk_unreserve_dir(w);
		if (fd < 0) {
			note_errno(w, path, "", e);
		} else {
			close(fd);
			walk_note(w, path, "out of memory", EXIT_TROUBLE);
		}
		return;
	}
	dir->fd = fd;
	dir->refs = 1;
	visit(w, dir, base, path, true);
	walk_put_dir(w, dir);
}

/*
 * Directory descriptors are held per level of the walk and by queued files:
 * allow as many as may be, and keep some for the workers' files and the
 * commands.  Returns how many directories may be open at once.
 */
static unsigned dir_budget(unsigned jobs)
{
	struct rlimit rl;
	rlim_t reserve;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 64;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1u << 20)
		rl.rlim_cur = 1u << 20;
	/* stdio, a file per worker, the descriptors of the commands */
	reserve = 16 + jobs;
	return rl.rlim_cur > reserve + 8 ? (unsigned)(rl.rlim_cur - reserve) / 2 : 4;
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
	};
	pthread_t *tids = NULL;
	unsigned started = 0;
	int status;

	if (!w)
		return EXIT_TROUBLE;
	w->opts = opts;
	w->file_fn = file_fn;
	w->skip_fn = skip_fn;
	w->ctx = ctx;
	pool.dir_budget = dir_budget(jobs);
	if (jobs > 1) {
		tids = calloc(jobs, sizeof(*tids));
		w->pool = &pool;
		for (; tids && started < jobs; started++)
			if (pthread_create(&tids[started], NULL, walk_worker_main, w))
				break;
		if (!started)
			w->pool = NULL;
	}
	for (size_t i = 0; i < n; i++)
		visit_named(w, paths[i]);
	if (w->pool) {
		pthread_mutex_lock(&pool.lock);
		pool.done = true;
		pthread_cond_broadcast(&pool.not_empty);
		pthread_mutex_unlock(&pool.lock);
		for (unsigned i = 0; i < started; i++)
			pthread_join(tids[i], NULL);
	}
	free(tids);
	free(pool.heap);
	status = w->status;
	free(w);
	return status;
}
