// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test apply --hold: label files with their signatures at the moment
 * they are first opened, for the time a package manager runs.
 *
 * Under a policy that requires signatures for exec and mmap, a program or
 * library dpkg has just written carries the hash its final close wrote, so
 * it is refused until its signature is applied, and dpkg runs new programs
 * (maintainer scripts, and the programs they call) long before any hook
 * after dpkg could label them.  Here every open on the file system is a
 * fanotify permission event: the opener waits while the file is hashed,
 * and a file whose content is one of the signed digests gets that
 * signature before the open goes on (and IMA appraises it).  Signatures
 * do not name files, so the content decides, wherever dpkg put the file
 * (its control scripts run from /var/lib/dpkg/tmp.ci).  Every open is
 * allowed: IMA is the one that refuses; this only labels.  Files already
 * carrying a signature, and files seen not to match, are not hashed again.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply_hold.h"
#include "digest.h"
#include "imaxattr.h"
#include "xattr_io.h"
#include "common.h"

/* Files seen not to match any signed digest, by identity and times. */
#define SEEN_SLOTS 4096
struct seen {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct hold {
	struct hold_entry *e;
	size_t n;
	const struct hash_algo *algs[8];
	size_t nalgs;
	bool user_xattr, verbose;
	struct seen seen[SEEN_SLOTS];
	unsigned long held, labelled, hashed;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct hold_entry *x = a, *y = b;

	if (x->alg != y->alg)
		return x->alg < y->alg ? -1 : 1;
	return memcmp(x->digest, y->digest, x->digest_len);
}

static const struct hold_entry *lookup(const struct hold *h, const struct hash_algo *alg,
				       const uint8_t *md, size_t md_len)
{
	struct hold_entry key = { .alg = alg, .digest = md, .digest_len = md_len };

	return bsearch(&key, h->e, h->n, sizeof(*h->e), entry_cmp);
}

static struct seen *seen_slot(struct hold *h, const struct stat *st)
{
	unsigned long long k = (unsigned long long)st->st_dev * 1000003u ^ (unsigned long long)st->st_ino;

	return &h->seen[k % SEEN_SLOTS];
}

static bool seen_same(const struct seen *s, const struct stat *st)
{
	return s->dev == st->st_dev && s->ino == st->st_ino && s->size == st->st_size &&
	       s->mtime.tv_sec == st->st_mtim.tv_sec && s->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       s->ctime.tv_sec == st->st_ctim.tv_sec && s->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

static void fd_name(int fd, char *buf, size_t cap)
{
	char link[64];
	ssize_t r;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	r = readlink(link, buf, cap - 1);
	if (r < 0)
		r = snprintf(buf, cap, "(fd %d)", fd);
	buf[r < (ssize_t)cap ? r : (ssize_t)cap - 1] = '\0';
}

/* Label the file open at @fd if its content was signed. */
static void label_signed(struct hold *h, int fd, struct stat *st);

static void label(struct hold *h, int fd)
{
	uint8_t cur[IMA_XATTR_MAX];
	struct ima_xattr x;
	struct stat st;
	char why[160];
	bool leased = false;
	ssize_t len;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return;
	len = xattr_read_ima(fd, h->user_xattr, cur, sizeof(cur));
	if (len > 0 && ima_xattr_decode(cur, (size_t)len, &x, why, sizeof(why)) == IMA_XATTR_OK &&
	    x.type == EVM_IMA_XATTR_DIGSIG)
		return;		/* signed already: IMA judges the signature */
	if (seen_same(seen_slot(h, &st), &st))
		return;
	/*
	 * Not while anyone has the file open for writing, this opener
	 * included (its write access is taken before the event): IMA refuses
	 * every open for writing of a signed file, and dpkg opens what it
	 * extracted for writing again, to fsync it.  The lease is refused
	 * then; held, it also keeps writers off while the file is hashed.
	 */
	if (fcntl(fd, F_SETLEASE, F_RDLCK)) {
		if (errno == EAGAIN)
			return;
	} else {
		leased = true;
	}
	label_signed(h, fd, &st);
	if (leased)
		fcntl(fd, F_SETLEASE, F_UNLCK);
}

/* Give the file at @fd the signature of its content's digest, if any. */
static void label_signed(struct hold *h, int fd, struct stat *st)
{
	uint8_t md[HASH_MAX_DIGEST];
	char why[160], name[4096];
	size_t md_len;
	int err;

	for (size_t i = 0; i < h->nalgs; i++) {
		const struct hold_entry *e;

		h->hashed++;
		if (digest_fd_stat(fd, st, h->algs[i], md, &md_len, &err) != DIGEST_OK)
			return;		/* being written: not what was signed yet */
		e = lookup(h, h->algs[i], md, md_len);
		if (!e)
			continue;
		fd_name(fd, name, sizeof(name));
		err = xattr_write_ima(fd, h->user_xattr, e->value, e->value_len);
		if (err) {
			cmd_warnx("%s: %s", name,
				xattr_write_error(-err, h->user_xattr, why, sizeof(why)));
			return;
		}
		h->labelled++;
		if (h->verbose)
			printf("%s: labelled when opened\n", name);
		return;
	}
	*seen_slot(h, st) = (struct seen){ st->st_dev, st->st_ino, st->st_size,
					   st->st_mtim, st->st_ctim };
}

static int events(struct hold *h, int fan)
{
	/* aligned for the event structures the kernel writes into it */
	static union {
		struct fanotify_event_metadata m;
		char b[64 * 1024];
	} buf;
	const struct fanotify_event_metadata *m;
	ssize_t len = read(fan, &buf, sizeof(buf));

	if (len < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	for (m = &buf.m; FAN_EVENT_OK(m, len); m = FAN_EVENT_NEXT(m, len)) {
		struct fanotify_response r = { .fd = m->fd, .response = FAN_ALLOW };

		if (m->vers != FANOTIFY_METADATA_VERSION)
			return -EPROTO;
		if (m->fd < 0)
			continue;
		h->held++;
		if (m->pid != getpid())
			label(h, m->fd);
		if (write(fan, &r, sizeof(r)) != sizeof(r))
			cmd_warnx("fanotify response: %s", strerror(errno));
		close(m->fd);
	}
	return 0;
}

int apply_hold(struct hold_entry *e, size_t n, const char *root, bool user_xattr, bool verbose)
{
	struct hold *h = calloc(1, sizeof(*h));
	struct pollfd p[2];
	sigset_t stop;
	int fan = -1, sfd = -1, r = EXIT_TROUBLE;

	if (!h) {
		cmd_warnx("out of memory");
		return EXIT_TROUBLE;
	}
	*h = (struct hold){ .e = e, .n = n, .user_xattr = user_xattr, .verbose = verbose };
	qsort(e, n, sizeof(*e), entry_cmp);
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;

		while (j < h->nalgs && h->algs[j] != e[i].alg)
			j++;
		if (j == h->nalgs && h->nalgs < sizeof(h->algs) / sizeof(h->algs[0]))
			h->algs[h->nalgs++] = e[i].alg;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &stop, NULL) || (sfd = signalfd(-1, &stop, SFD_CLOEXEC)) < 0) {
		cmd_warnx("signalfd: %s", strerror(errno));
		goto out;
	}
	fan = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (fan < 0) {
		cmd_warnx("--hold: fanotify_init: %s%s", strerror(errno),
			errno == EINVAL ? " (a kernel without CONFIG_FANOTIFY_ACCESS_PERMISSIONS)" :
			errno == EPERM ? " (needs CAP_SYS_ADMIN)" : "");
		goto out;
	}
	if (fanotify_mark(fan, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_OPEN_PERM, AT_FDCWD, root)) {
		cmd_warnx("--hold: the file system of %s: %s", root,
			strerror(errno));
		goto out;
	}
	cmd_warnx("holding every open on the file system of %s "
		  "(%zu signed digests) until SIGTERM", root, n);
	printf("ready\n");
	fflush(stdout);
	p[0] = (struct pollfd){ .fd = fan, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	for (;;) {
		int err;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			cmd_warnx("poll: %s", strerror(errno));
			goto out;
		}
		if (p[1].revents)
			break;
		err = events(h, fan);
		if (err) {
			cmd_warnx("fanotify: %s", strerror(-err));
			goto out;
		}
	}
	cmd_warnx("held %lu opens, hashed %lu times, labelled %lu files",
		h->held, h->hashed, h->labelled);
	r = EXIT_OK;
out:
	/* closing the group lets every pending open go on */
	if (fan >= 0)
		close(fan);
	if (sfd >= 0)
		close(sfd);
	free(h);
	return r;
}
