// SPDX-License-Identifier: GPL-2.0-only
/*
 * floor: the machine's single-core costs that bound labelling a tree, each
 * measured with nothing but the system calls it names (no hashing).
 *
 *   floor read FILE   copy FILE from the page cache with pread() into a
 *                     128 KiB buffer; prints "read_bytes_per_s R" (best of
 *                     5 passes)
 *   floor files DIR   walk DIR by descriptor and, for every regular file,
 *                     openat + fstat + fgetxattr(security.ima or
 *                     user.ima) + fsetxattr(the same value) + close;
 *                     prints "files N per_file_ns T" (best of 3 passes)
 *
 * What labelling must do besides hashing the bytes: the bench adds the two
 * to the hash rate of openssl speed to state the floor of a run.
 * Exit status: 0 measured, 2 could not.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define BUF (128u << 10)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int read_pass(const char *path, char *buf, double *secs, long long *bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	double t0 = now();
	off_t off = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = pread(fd, buf, BUF, off)) > 0)
		off += n;
	*secs = now() - t0;
	*bytes = off;
	close(fd);
	return n < 0 ? -1 : 0;
}

static long files_pass(int dfd, const char *attr)
{
	char val[1024];
	long count = 0;
	struct dirent *de;
	int copy = dup(dfd);
	DIR *d = copy < 0 ? NULL : fdopendir(copy);

	if (!d)
		return -1;
	rewinddir(d);	/* the copy shares the offset a previous pass left at the end */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && (!de->d_name[1] ||
		    (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (de->d_type == DT_DIR) {
			int sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			long n = sub < 0 ? -1 : files_pass(sub, attr);

			if (sub >= 0)
				close(sub);
			if (n < 0)
				goto fail;
			count += n;
		} else if (de->d_type == DT_REG) {
			struct stat st;
			int fd = openat(dfd, de->d_name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
			ssize_t len;

			if (fd < 0 || fstat(fd, &st) < 0)
				goto fail;
			len = fgetxattr(fd, attr, val, sizeof(val));
			if (len > 0 && fsetxattr(fd, attr, val, (size_t)len, 0) < 0) {
				close(fd);
				goto fail;
			}
			close(fd);
			count++;
		}
	}
	closedir(d);
	return count;
fail:
	closedir(d);
	return -1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "read")) {
		char *buf = malloc(BUF);
		double best = 0, s;
		long long bytes = 0;

		for (int i = 0; buf && i < 5; i++) {
			if (read_pass(argv[2], buf, &s, &bytes) < 0) {
				perror(argv[2]);
				return 2;
			}
			if (!i || s < best)
				best = s;
		}
		free(buf);
		if (!bytes || best <= 0)
			return 2;
		printf("read_bytes_per_s %.0f\n", bytes / best);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "files")) {
		int dfd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		double best = 0;
		long n = 0;

		for (int i = 0; dfd >= 0 && i < 3; i++) {
			double t0 = now(), s;

			n = files_pass(dfd, argv[3]);
			s = now() - t0;
			if (n <= 0) {
				fprintf(stderr, "floor: %s: %s\n", argv[2], n ? strerror(errno) : "no files");
				return 2;
			}
			if (!i || s < best)
				best = s;
		}
		if (dfd < 0) {
			perror(argv[2]);
			return 2;
		}
		printf("files %ld per_file_ns %.0f\n", n, best / n * 1e9);
		return 0;
	}
	fprintf(stderr, "usage: floor read FILE | floor files DIR XATTR\n");
	return 2;
}
