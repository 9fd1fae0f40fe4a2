/*
 * bench-close MODE FILE ITERATIONS [SIZE]: time the final close of a file
 * under IMA appraisal, for the kernel benchmark (bench/run.sh).
 *
 *   write-close  open O_WRONLY|O_CREAT, pwrite SIZE bytes (default 64 KiB)
 *                at offset 0, then time close(): the last writer's close
 *                re-hashes the file and rewrites security.ima (fix mode).
 *   wopen-close  open O_WRONLY, write nothing, time close(): the release
 *                hook runs for a writable file but has nothing to rewrite.
 *   open-close   time open(O_RDONLY) + close() of an appraised file.
 *   ro-close     open O_RDONLY untimed, time close() alone.
 *
 * The first tenth of the iterations warms the caches and is not counted.
 * Prints one line:
 *   MODE n=N median_ns=M p10_ns=A p90_ns=B min_ns=C max_ns=D rewrites=R
 * where rewrites counts the timed closes across which security.ima changed
 * (write-close writes new bytes every iteration, so it must equal N there).
 * Exit status: 0 measured, 2 error.  Static, for the test VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

enum mode { WRITE_CLOSE, WOPEN_CLOSE, OPEN_CLOSE, RO_CLOSE };

struct xattr_value {
	unsigned char buf[512];
	ssize_t len;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void read_ima(const char *path, struct xattr_value *v)
{
	v->len = lgetxattr(path, "security.ima", v->buf, sizeof(v->buf));
}

static int same_ima(const struct xattr_value *a, const struct xattr_value *b)
{
	return a->len == b->len && (a->len < 0 || !memcmp(a->buf, b->buf, (size_t)a->len));
}

static int die(const char *what, const char *path)
{
	fprintf(stderr, "bench-close: %s %s: %s\n", what, path, strerror(errno));
	return 2;
}

/* One iteration; its duration in *ns, whether security.ima changed in *rewrote. */
static int run_once(enum mode mode, const char *path, unsigned char *data, size_t size,
		    long iter, int64_t *ns, int *rewrote)
{
	struct xattr_value before, after;
	int64_t t0, t1;
	int fd;

	if (mode == OPEN_CLOSE) {
		t0 = now_ns();
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return die("open", path);
		if (close(fd))
			return die("close", path);
		t1 = now_ns();
		*ns = t1 - t0;
		*rewrote = 0;
		return 0;
	}
	fd = open(path, mode == RO_CLOSE ? O_RDONLY : O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		return die("open", path);
	if (mode == WRITE_CLOSE) {
		memcpy(data, &iter, sizeof(iter));	/* new content every time */
		if (pwrite(fd, data, size, 0) != (ssize_t)size)
			return die("pwrite", path);
	}
	read_ima(path, &before);
	t0 = now_ns();
	if (close(fd))
		return die("close", path);
	t1 = now_ns();
	read_ima(path, &after);
	*ns = t1 - t0;
	*rewrote = !same_ima(&before, &after);
	return 0;
}

int main(int argc, char **argv)
{
	enum mode mode;
	long n, warm, rewrites = 0;
	size_t size = 65536;
	unsigned char *data;
	int64_t *ns;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: bench-close write-close|wopen-close|open-close|ro-close FILE ITERATIONS [SIZE]\n");
		return 2;
	}
	if (!strcmp(argv[1], "write-close"))
		mode = WRITE_CLOSE;
	else if (!strcmp(argv[1], "wopen-close"))
		mode = WOPEN_CLOSE;
	else if (!strcmp(argv[1], "open-close"))
		mode = OPEN_CLOSE;
	else if (!strcmp(argv[1], "ro-close"))
		mode = RO_CLOSE;
	else {
		fprintf(stderr, "bench-close: unknown mode '%s'\n", argv[1]);
		return 2;
	}
	n = strtol(argv[3], NULL, 10);
	if (argc == 5)
		size = strtoul(argv[4], NULL, 10);
	if (n < 1 || size < sizeof(long)) {
		fprintf(stderr, "bench-close: ITERATIONS must be >= 1 and SIZE >= %zu\n", sizeof(long));
		return 2;
	}
	warm = n / 10;
	data = malloc(size);
	ns = calloc((size_t)n, sizeof(*ns));
	if (!data || !ns) {
		fprintf(stderr, "bench-close: out of memory\n");
		return 2;
	}
	for (size_t i = 0; i < size; i++)
		data[i] = (unsigned char)(i * 131 + 7);

	for (long i = -warm; i < n; i++) {
		int64_t t;
		int rewrote, rc;

		rc = run_once(mode, argv[2], data, size, i, &t, &rewrote);
		if (rc)
			return rc;
		if (i >= 0) {
			ns[i] = t;
			rewrites += rewrote;
		}
	}
	qsort(ns, (size_t)n, sizeof(*ns), cmp_i64);
	printf("%s n=%ld median_ns=%lld p10_ns=%lld p90_ns=%lld min_ns=%lld max_ns=%lld rewrites=%ld\n",
	       argv[1], n, (long long)ns[n / 2], (long long)ns[n / 10], (long long)ns[n * 9 / 10],
	       (long long)ns[0], (long long)ns[n - 1], rewrites);
	free(ns);
	free(data);
	return 0;
}
