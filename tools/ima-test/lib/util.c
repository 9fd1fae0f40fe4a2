// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "util.h"

int grow_array(void *v, size_t *cap, size_t need, size_t size, size_t first)
{
	void **vp = v;
	size_t ncap = *cap ? *cap : first;
	void *p;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return -ENOMEM;
	p = realloc(*vp, ncap * size);
	if (!p)
		return -ENOMEM;
	*vp = p;
	*cap = ncap;
	return 0;
}

/* Free a buffer that may have held a secret, wiping it first. */
static void wipe_free(uint8_t *p, size_t len)
{
	if (p)
		OPENSSL_cleanse(p, len);
	free(p);
}

int read_file_mode(const char *path, uint8_t **buf, size_t *len, size_t max,
		    mode_t *mode)
{
	size_t cap = 4096, n = 0;
	uint8_t *p = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), e = 0;
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		e = errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	if (mode)
		*mode = st.st_mode & 07777;
	for (;;) {
		ssize_t r;

		if (n == cap || !p) {
			/* grow by copy, never realloc: the old copy is wiped */
			size_t ncap = p ? cap * 2 : cap;
			uint8_t *q;

			if (ncap > max) {
				e = EFBIG;
				goto fail;
			}
			q = malloc(ncap + 1);
			if (!q) {
				e = ENOMEM;
				goto fail;
			}
			if (p)
				memcpy(q, p, n);
			wipe_free(p, cap);
			p = q;
			cap = ncap;
		}
		r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
fail:
	wipe_free(p, p ? cap : 0);
	close(fd);
	return -e;
}

int read_file(const char *path, uint8_t **buf, size_t *len, size_t max)
{
	return read_file_mode(path, buf, len, max, NULL);
}


void hex_encode(const uint8_t *buf, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[buf[i] >> 4];
		out[2 * i + 1] = digits[buf[i] & 15];
	}
	out[2 * len] = '\0';
}

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;	/* not a digit: no error code */
}

int hex_decode(const char *s, size_t n, uint8_t *out)
{
	if (n % 2)
		return -EINVAL;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int secrets_guard(void)
{
	const struct rlimit none = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &none) || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		return -errno;
	return 0;
}
