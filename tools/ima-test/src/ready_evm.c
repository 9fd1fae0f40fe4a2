// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "evm_check.h"
#include "hashalgo.h"
#include "kconfig.h"
#include "util.h"
#include "ready_evm.h"

#define SIG_V2_HDR_LEN	9		/* type, version, algo, keyid[4], size be16 */

/* Up to @cap - 1 bytes of @path, NUL-terminated.  0 or -errno. */
static int read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), e = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	if (n < 0)
		e = -errno;
	else if (n == (ssize_t)cap - 1)
		e = -EFBIG;
	else
		buf[n] = '\0';
	close(fd);
	return e;
}

int ready_evm_state(struct ready_evm *e, const char *path, bool user,
		    char *err, size_t errlen)
{
	char text[32], *end;
	unsigned long v;
	int rc;

	e->active = false;
	e->value = 0;
	e->note[0] = '\0';
	e->user = user;
	e->ctx.user_xattr = user;
	rc = read_small(path, text, sizeof(text));
	if (rc == -ENOENT) {
		snprintf(e->note, sizeof(e->note), "not modelled (%s does not exist)", path);
		return 0;
	}
	if (rc) {
		e->active = true;
		snprintf(e->note, sizeof(e->note),
			 "assumed initialised (cannot read %s: %s): %s is required",
			 path, strerror(-rc), user ? "user.evm" : "security.evm");
		return 0;
	}
	errno = 0;
	v = strtoul(text, &end, 10);
	if (end == text || (*end && strcmp(end, "\n")) || errno || v > UINT32_MAX) {
		snprintf(err, errlen, "%s: not an EVM state (want a decimal number)", path);
		return -EINVAL;
	}
	e->value = (unsigned)v;
	e->active = (v & (READY_EVM_INIT_HMAC | READY_EVM_INIT_X509)) != 0;
	if (e->active)
		snprintf(e->note, sizeof(e->note),
			 "initialised (%s = %lu): %s is required, and counts only if it "
			 "verifies (HMAC with --evm-key, signature with --cert)",
			 path, v, user ? "user.evm" : "security.evm");
	else
		snprintf(e->note, sizeof(e->note), "not initialised (%s = %lu)", path, v);
	return 0;
}

void ready_evm_force(struct ready_evm *e)
{
	e->active = true;
	e->value |= READY_EVM_INIT_HMAC | READY_EVM_INIT_X509;
	snprintf(e->note, sizeof(e->note), "modelled as initialised (--evm): %s is required, "
		 "and counts only if it verifies (HMAC with --evm-key, signature with --cert)",
		 e->user ? "user.evm" : "security.evm");
}

/* The verdict of evm_check() on a well-formed value. */
static enum ready_evm_verdict verified(const struct ready_evm *e, int fd,
				       char *why, size_t whylen)
{
	struct evm_result res;

	evm_check(fd, &e->ctx, &res);
	switch (res.cls) {
	case EVM_OK:
		snprintf(why, whylen, "%s verified", res.type == EVM_XATTR_HMAC ? "HMAC" : "EVM signature");
		return READY_EVM_OK;
	case EVM_MISSING:
		snprintf(why, whylen, "%s", res.detail);
		return READY_EVM_MISSING;
	case EVM_UNREADABLE:
		snprintf(why, whylen, "%s", res.detail);
		return READY_EVM_UNREADABLE;
	case EVM_NO_HMAC_KEY:
		snprintf(why, whylen, "HMAC not verified: no --evm-key to check it with, "
			 "and the kernel will");
		return READY_EVM_INVALID;
	default:
		snprintf(why, whylen, "%s: %s", evm_class_name(res.cls), res.detail);
		return READY_EVM_INVALID;
	}
}

enum ready_evm_verdict ready_evm_verify(const struct ready_evm *e, int fd,
					char *why, size_t whylen)
{
	const char *name = e->user ? "user.evm" : "security.evm";
	uint8_t v[1024];
	ssize_t n = fgetxattr(fd, name, v, sizeof(v));

	if (n < 0 && (errno == ENODATA)) {
		snprintf(why, whylen, "no %s (the kernel's missing-HMAC)", name);
		return READY_EVM_MISSING;
	}
	if (n < 0 && errno == ERANGE) {
		snprintf(why, whylen, "%s larger than %zu bytes", name, sizeof(v));
		return READY_EVM_INVALID;
	}
	if (n < 0 && errno == ENOTSUP) {
		/* evm_verifyxattr(): INTEGRITY_UNKNOWN, which IMA lets pass */
		snprintf(why, whylen, "no xattrs on this file system");
		return READY_EVM_OK;
	}
	if (n < 0) {
		snprintf(why, whylen, "cannot read %s: %s", name, strerror(errno));
		return READY_EVM_UNREADABLE;
	}
	if (n == 0) {
		snprintf(why, whylen, "empty %s", name);
		return READY_EVM_INVALID;
	}
	switch (v[0]) {
	case EVM_XATTR_HMAC:
		if (n != EVM_XATTR_HMAC_LEN) {
			snprintf(why, whylen, "%s HMAC of %zd bytes (the kernel wants %d)",
				 name, n, EVM_XATTR_HMAC_LEN);
			return READY_EVM_INVALID;
		}
		if (!(e->value & READY_EVM_INIT_HMAC)) {
			snprintf(why, whylen, "%s is an HMAC, but no EVM HMAC key is loaded", name);
			return READY_EVM_INVALID;
		}
		return verified(e, fd, why, whylen);
	case EVM_IMA_XATTR_DIGSIG:
	case EVM_XATTR_PORTABLE_DIGSIG:
		if (n <= SIG_V2_HDR_LEN || v[1] != 2 || v[2] >= HASH_ALGO_LAST ||
		    ((size_t)v[7] << 8 | v[8]) + SIG_V2_HDR_LEN != (size_t)n) {
			snprintf(why, whylen, "%s: malformed signature (type %u, %zd bytes)",
				 name, v[0], n);
			return READY_EVM_INVALID;
		}
		return verified(e, fd, why, whylen);
	default:
		snprintf(why, whylen, "%s of unknown type %u", name, v[0]);
		return READY_EVM_INVALID;
	}
}

/* --- which xattrs the HMAC covers --- */

/* The id of a full xattr name ("security.selinux"), or -1. */
static int xattr_id(const char *name, size_t len)
{
	for (int i = 0; i < EVM_X__COUNT; i++) {
		const char *n = evm_xattr_name((enum evm_xattr_id)i);

		if (strlen(n) == len && !strncmp(n, name, len))
			return i;
	}
	return -1;
}

/* Names separated by any of @seps into *@mask.  0, or -EINVAL naming the
 * first unknown one in @err. */
static int parse_names(const char *text, const char *seps, unsigned *mask,
		       const char *source, char *err, size_t errlen)
{
	*mask = 0;
	for (const char *p = text; *p; ) {
		size_t n = strcspn(p, seps);
		int id = xattr_id(p, n);

		if (n && id < 0) {
			snprintf(err, errlen, "%s: EVM covers '%.*s', whose value is not "
				 "part of the digest computed here", source, (int)n, p);
			return -EINVAL;
		}
		if (n)
			*mask |= 1u << id;
		p += n;
		p += strspn(p, seps);
	}
	if (!*mask) {
		snprintf(err, errlen, "%s: no xattr named", source);
		return -EINVAL;
	}
	return 0;
}

/* evm_config_default_xattrnames: an LSM's xattr counts when it is built in,
 * active or not. */
static unsigned config_mask(const char *text)
{
	unsigned mask = 1u << EVM_X_CAPS;

	if (kconfig_set(text, "SECURITY_SELINUX"))
		mask |= 1u << EVM_X_SELINUX;
	if (kconfig_set(text, "SECURITY_SMACK"))
		mask |= 1u << EVM_X_SMACK;
	if (kconfig_set(text, "EVM_EXTRA_SMACK_XATTRS"))
		mask |= 1u << EVM_X_SMACKEXEC | 1u << EVM_X_SMACKTRANSMUTE | 1u << EVM_X_SMACKMMAP;
	if (kconfig_set(text, "SECURITY_APPARMOR"))
		mask |= 1u << EVM_X_APPARMOR;
	if (kconfig_set(text, "IMA_APPRAISE"))
		mask |= 1u << EVM_X_IMA;
	return mask;
}

/* The kernel's own list: 1 used, 0 absent, -errno error. */
static int from_list_file(const char *path, unsigned *mask, char *err, size_t errlen)
{
	uint8_t *text = NULL;
	size_t len;
	int e = read_file(path, &text, &len, 1 << 16);

	if (e == -ENOENT)
		return 0;
	if (e) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(-e));
		return e;
	}
	e = parse_names((const char *)text, "\n", mask, path, err, errlen);
	free(text);
	return e ? e : 1;
}

int ready_evm_xattrs(struct ready_evm *e, const struct ready_evm_xattr_sources *src,
		     char *err, size_t errlen)
{
	char used_buf[300], *text = NULL;
	const char *used = NULL;
	unsigned mask = 0;
	size_t n;
	unsigned listed = 0;
	int rc;

	/* a bad list is an error whether or not it is needed */
	if (src->list && parse_names(src->list, ",", &listed, "--evm-xattrs", err, errlen))
		return -EINVAL;
	/* absent where the kernel has no CONFIG_EVM_ADD_XATTRS */
	rc = from_list_file(src->sfs, &mask, err, errlen);
	if (rc > 0)
		used = src->sfs;
	if (!rc) {
		rc = kconfig_read(src->config, &text, used_buf, sizeof(used_buf), err, errlen);
		if (!rc) {
			mask = config_mask(text);
			free(text);
			used = used_buf;
			rc = 1;
		} else if (rc == -ENOENT) {
			rc = 0;
		}
	}
	if (!rc && src->list) {
		mask = listed;
		used = "--evm-xattrs";
		rc = 1;
	}
	if (!rc) {
		snprintf(err, errlen, "cannot tell which xattrs EVM covers: no %s, no kernel "
			 "config (/boot/config-RELEASE, /proc/config.gz); give --kernel-config "
			 "FILE or --evm-xattrs LIST", src->sfs);
		return -ENOENT;
	}
	if (rc < 0)
		return rc;
	e->ctx.enabled = mask;
	n = (size_t)snprintf(e->xattrs_note, sizeof(e->xattrs_note), "EVM covers ");
	for (int i = 0; i < EVM_X__COUNT && n < sizeof(e->xattrs_note); i++)
		if (mask & (1u << i))
			n += (size_t)snprintf(e->xattrs_note + n, sizeof(e->xattrs_note) - n, "%s,",
					      evm_xattr_name((enum evm_xattr_id)i));
	if (n < sizeof(e->xattrs_note))
		snprintf(e->xattrs_note + n - 1, sizeof(e->xattrs_note) - n + 1, " (from %s%s)",
			 used, src->list && strcmp(used, "--evm-xattrs") ?
			 "; --evm-xattrs not used: that source comes first" : "");
	return 0;
}
