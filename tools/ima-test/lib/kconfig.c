// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "kconfig.h"

#define CONFIG_MAX (8u << 20)

/* Read @path whole, plain or gzip, into a NUL-terminated @out.  0 or -errno. */
static int read_maybe_gz(const char *path, char **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	size_t len = 0, cap = 1 << 16;
	char *buf;
	gzFile gz;
	int n, e = 0;

	if (fd < 0)
		return -errno;
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return -ENOMEM;
	}
	buf = malloc(cap + 1);
	while (buf && (n = gzread(gz, buf + len, (unsigned)(cap - len))) > 0) {
		len += (size_t)n;
		if (len == cap) {
			char *more = cap < CONFIG_MAX ? realloc(buf, 2 * cap + 1) : NULL;

			if (!more) {
				e = cap < CONFIG_MAX ? -ENOMEM : -EFBIG;
				break;
			}
			buf = more;
			cap *= 2;
		}
	}
	if (!buf)
		e = -ENOMEM;
	else if (!e && n < 0)
		e = -EIO;	/* not gzip after all, or truncated */
	gzclose(gz);
	if (e) {
		free(buf);
		return e;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* Read @path: 0, or -errno with @err; -ENOENT silently unless @given. */
static int read_one(const char *path, bool given, char **text, char *err, size_t errlen)
{
	int e = read_maybe_gz(path, text);

	if (e == -ENOENT && !given)
		return e;
	if (e) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(-e));
		return e == -ENOENT ? -EIO : e;
	}
	if (strncmp(*text, "CONFIG_", 7) && !strstr(*text, "\nCONFIG_")) {
		snprintf(err, errlen, "%s: not a kernel config", path);
		free(*text);
		*text = NULL;
		return -EINVAL;
	}
	return 0;
}

int kconfig_read(const char *given, char **text, char *used, size_t usedlen,
		 char *err, size_t errlen)
{
	char boot[300];
	struct utsname u;
	int e;

	*text = NULL;
	if (given) {
		snprintf(used, usedlen, "%s", given);
		return read_one(given, true, text, err, errlen);
	}
	if (!uname(&u)) {
		snprintf(boot, sizeof(boot), "/boot/config-%s", u.release);
		snprintf(used, usedlen, "%s", boot);
		e = read_one(boot, false, text, err, errlen);
		if (e != -ENOENT)
			return e;
	}
	snprintf(used, usedlen, "/proc/config.gz");
	e = read_one(used, false, text, err, errlen);
	if (e == -ENOENT)
		snprintf(err, errlen, "no kernel config (/boot/config-RELEASE, /proc/config.gz)");
	return e;
}

bool kconfig_set(const char *text, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "CONFIG_", 7) && !strncmp(p + 7, opt, n) && p[7 + n] == '=' &&
		    (p[8 + n] == 'y' || p[8 + n] == 'm'))
			return true;
	return false;
}
