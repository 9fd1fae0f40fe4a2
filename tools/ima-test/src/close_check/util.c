// SPDX-License-Identifier: GPL-2.0-only
/* close-check: the model of a file, labels, handshakes and reasons. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "close_check.h"
#include "digest.h"
#include "xattr_io.h"
#include "util.h"

static enum cc_result cc_reason(struct cc_run *r, enum cc_result res,
				const char *fmt, va_list ap)
{
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	return res;
}

enum cc_result cc_fail(struct cc_run *r, const char *fmt, ...)
{
	enum cc_result res;
	va_list ap;

	va_start(ap, fmt);
	res = cc_reason(r, CC_FAIL, fmt, ap);
	va_end(ap);
	return res;
}

enum cc_result cc_skip(struct cc_run *r, const char *fmt, ...)
{
	enum cc_result res;
	va_list ap;

	va_start(ap, fmt);
	res = cc_reason(r, CC_SKIP, fmt, ap);
	va_end(ap);
	return res;
}

/* xorshift64*: reproducible from --seed, no shared state. */
uint64_t cc_rand(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

uint8_t *cc_payload(struct cc_run *r, size_t min, size_t max, size_t *len)
{
	size_t n = min + (size_t)(cc_rand(&r->rng) % (max - min + 1));
	uint8_t *buf = malloc(n ? n : 1);

	if (!buf)
		return NULL;
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v = cc_rand(&r->rng);

		memcpy(buf + i, &v, n - i < 8 ? n - i : 8);
	}
	*len = n;
	return buf;
}

static int model_reserve(struct cc_model *m, size_t len)
{
	uint8_t *p;
	size_t cap;

	if (len <= m->cap)
		return 0;
	cap = m->cap ? m->cap : 4096;
	while (cap < len)
		cap *= 2;
	p = realloc(m->data, cap);
	if (!p)
		return -ENOMEM;
	m->data = p;
	m->cap = cap;
	return 0;
}

int cc_model_pwrite(struct cc_model *m, size_t off, const uint8_t *buf, size_t len)
{
	if (model_reserve(m, off + len))
		return -ENOMEM;
	if (off > m->len)
		memset(m->data + m->len, 0, off - m->len);
	memcpy(m->data + off, buf, len);
	if (off + len > m->len)
		m->len = off + len;
	return 0;
}

int cc_model_truncate(struct cc_model *m, size_t len)
{
	if (model_reserve(m, len))
		return -ENOMEM;
	if (len > m->len)
		memset(m->data + m->len, 0, len - m->len);
	m->len = len;
	return 0;
}

void cc_model_free(struct cc_model *m)
{
	free(m->data);
	*m = (struct cc_model){ 0 };
}

int cc_write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int cc_pwrite_all(int fd, const uint8_t *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

enum cc_result cc_write_at(struct cc_run *r, int fd, size_t off,
			   const uint8_t *buf, size_t len, const char *what)
{
	int e = cc_pwrite_all(fd, buf, len, (off_t)off);

	if (e)
		return cc_fail(r, "%s: pwrite %s: %s", what, r->path, strerror(-e));
	if (cc_model_pwrite(&r->m, off, buf, len))
		return cc_fail(r, "%s: out of memory", what);
	return CC_PASS;
}

ssize_t cc_read_label(const struct cc_run *r, uint8_t *buf, size_t cap)
{
	return xattr_read_ima_path(r->path, false, false, buf, cap);
}

size_t cc_expected_label(const struct cc_run *r, uint8_t *out, size_t cap)
{
	const EVP_MD *md = hash_algo_md(r->env->algo);
	uint8_t digest[HASH_MAX_DIGEST];
	unsigned int dlen = 0;

	if (!md || !EVP_Digest(r->m.data ? r->m.data : (const uint8_t *)"", r->m.len,
			       digest, &dlen, md, NULL))
		return 0;
	return cc_encode_label(r->env, digest, dlen, out, cap);
}

size_t cc_encode_label(const struct cc_env *env, const uint8_t *digest, size_t len,
		       uint8_t *out, size_t cap)
{
	if (env->legacy_sha1)
		return ima_xattr_encode_digest(env->algo, digest, len, out, cap);
	return ima_xattr_encode_digest_ng(env->algo, digest, len, out, cap);
}

void cc_label_text(const uint8_t *buf, ssize_t len, char *out, size_t cap)
{
	char hex[2 * IMA_XATTR_MAX + 1];

	if (len < 0) {
		snprintf(out, cap, "%s", len == -ENODATA ? "absent" : strerror((int)-len));
		return;
	}
	hex_encode(buf, (size_t)len, hex);
	snprintf(out, cap, "%.40s%s", hex, strlen(hex) > 40 ? "..." : "");
}

enum cc_result cc_unchanged(struct cc_run *r, const char *when)
{
	uint8_t now[IMA_XATTR_MAX];
	ssize_t n = cc_read_label(r, now, sizeof(now));
	char got[64], was[64];

	if (n == (ssize_t)r->label_len && !memcmp(now, r->label, r->label_len)) {
		r->unchanged_checks++;
		return CC_PASS;
	}
	cc_label_text(now, n, got, sizeof(got));
	cc_label_text(r->label, (ssize_t)r->label_len, was, sizeof(was));
	return cc_fail(r, "security.ima changed while a writer remained (%s): %s, was %s",
		       when, got, was);
}

int cc_send_byte(int fd, char c)
{
	ssize_t n;

	do
		n = write(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

int cc_recv_byte(int fd, char *c)
{
	ssize_t n;

	do
		n = read(fd, c, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

enum cc_result cc_reap(struct cc_run *r, pid_t pid, const char *who)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return cc_fail(r, "waitpid %s: %s", who, strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return CC_PASS;
	if (WIFSIGNALED(st))
		return cc_fail(r, "%s killed by signal %d", who, WTERMSIG(st));
	return cc_fail(r, "%s failed (exit %d)", who, WEXITSTATUS(st));
}

double cc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

size_t cc_rand_off(struct cc_run *r, size_t max)
{
	return (size_t)(cc_rand(&r->rng) % (max + 1));
}

int cc_open(const struct cc_run *r, int flags)
{
	return open(r->path, flags | O_CLOEXEC | O_NOFOLLOW);
}

enum cc_result cc_open_failed(struct cc_run *r, const char *how)
{
	return cc_fail(r, "open %s (%s): %s", r->path, how, strerror(errno));
}

enum cc_result cc_open_and_write(struct cc_run *r, const char *when, int *fd)
{
	size_t len;
	uint8_t *p = cc_payload(r, CC_PAYLOAD_MIN, CC_PAYLOAD_MAX, &len);
	enum cc_result res;

	*fd = -1;
	if (!p)
		return cc_fail(r, "out of memory");
	*fd = cc_open(r, O_WRONLY);
	if (*fd < 0) {
		res = cc_open_failed(r, "O_WRONLY");
		free(p);
		return res;
	}
	res = cc_write_at(r, *fd, cc_rand_off(r, r->m.len), p, len, "write");
	free(p);
	if (!res && when)
		res = cc_unchanged(r, when);
	if (res) {
		close(*fd);
		*fd = -1;
	}
	return res;
}

enum cc_result cc_closed(struct cc_run *r, int fd, const char *what)
{
	if (close(fd))
		return cc_fail(r, "%s: close: %s", what, strerror(errno));
	return CC_PASS;
}

enum cc_result cc_map_and_write(struct cc_run *r, int fd, void **map, size_t *maplen)
{
	size_t off = cc_rand_off(r, r->m.len - 1), len;
	uint8_t *p = cc_payload(r, 1, r->m.len - off, &len);

	if (!p)
		return cc_fail(r, "out of memory");
	*maplen = r->m.len;
	*map = mmap(NULL, *maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*map == MAP_FAILED) {
		free(p);
		return cc_fail(r, "mmap MAP_SHARED: %s", strerror(errno));
	}
	memcpy((uint8_t *)*map + off, p, len);
	cc_model_pwrite(&r->m, off, p, len);
	free(p);
	return CC_PASS;
}

