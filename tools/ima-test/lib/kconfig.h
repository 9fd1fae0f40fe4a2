/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The running kernel's build configuration, which tells what no file in
 * securityfs does (the xattrs EVM covers without CONFIG_EVM_ADD_XATTRS,
 * whether IMA's keyring is a trusted one).
 */
#ifndef IMA_TEST_KCONFIG_H
#define IMA_TEST_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Read a kernel config: @given, else /boot/config-$(uname -r), else
 * /proc/config.gz; plain or gzip.  0 with *@text (malloc'ed,
 * NUL-terminated) and @used naming the file; -ENOENT with @err when no
 * default exists; -errno with @err when @given or a default cannot be
 * read, -EINVAL when it is not a kernel config.
 */
int kconfig_read(const char *given, char **text, char *used, size_t usedlen,
		 char *err, size_t errlen);

/* Whether @text sets CONFIG_@opt to y or m ("IMA_APPRAISE"). */
bool kconfig_set(const char *text, const char *opt);

#endif
