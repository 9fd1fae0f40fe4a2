// SPDX-License-Identifier: GPL-2.0-only
/* EVM's state, the xattrs it covers, and its verdict on a file (evm_state.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "evm_check.h"
#include "evm_state.h"
#include "hashalgo.h"
#include "kconfig.h"
#include "util.h"

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

int evm_state_read(const char *path, struct evm_state *s, char *err, size_t errlen)
{
	char text[32], *end;
	unsigned long v;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = read_small(path, text, sizeof(text));
	if (rc == -ENOENT) {
		s->source = EVM_STATE_ABSENT;
		return 0;
	}
	if (rc) {
		s->source = EVM_STATE_UNREADABLE;
		s->err = rc;
		s->active = true;
		return 0;
	}
	errno = 0;
	v = strtoul(text, &end, 10);
	if (end == text || (*end && strcmp(end, "\n")) || errno || v > UINT32_MAX) {
		snprintf(err, errlen, "%s: not an EVM state (want a decimal number)", path);
		return -EINVAL;
	}
	s->source = EVM_STATE_READ;
	s->value = (unsigned)v;
	s->active = (v & (EVM_INIT_HMAC | EVM_INIT_X509)) != 0;
	return 0;
}

void evm_state_force(struct evm_state *s)
{
	s->source = EVM_STATE_FORCED;
	s->active = true;
	s->value |= EVM_INIT_HMAC | EVM_INIT_X509;
}

/* The verdict of evm_check() on a well-formed value. */
static enum evm_appraisal verified(const struct evm_ctx *ctx, int fd, char *why, size_t whylen)
{
	struct evm_result res;

	evm_check(fd, ctx, &res);
	switch (res.cls) {
	case EVM_OK:
		snprintf(why, whylen, "%s verified",
			 res.type == EVM_XATTR_HMAC ? "HMAC" : "EVM signature");
		return EVM_APPRAISE_OK;
	case EVM_MISSING:
		snprintf(why, whylen, "%s", res.detail);
		return EVM_APPRAISE_MISSING;
	case EVM_UNREADABLE:
		snprintf(why, whylen, "%s", res.detail);
		return EVM_APPRAISE_UNREADABLE;
	case EVM_NO_HMAC_KEY:
		snprintf(why, whylen, "HMAC not verified: no --evm-key to check it with, "
			 "and the kernel will");
		return EVM_APPRAISE_INVALID;
	default:
		snprintf(why, whylen, "%s: %s", evm_class_name(res.cls), res.detail);
		return EVM_APPRAISE_INVALID;
	}
}

/* A value of @n bytes (> 0) at @v: its layout, then verified(). */
static enum evm_appraisal check_value(const struct evm_ctx *ctx, unsigned state, int fd,
				      const uint8_t *v, ssize_t n, char *why, size_t whylen)
{
	const char *name = evm_xattr_evm_name(ctx->user_xattr);

	switch (v[0]) {
	case EVM_XATTR_HMAC:
		if (n != EVM_XATTR_HMAC_LEN) {
			snprintf(why, whylen, "%s HMAC of %zd bytes (the kernel wants %d)",
				 name, n, EVM_XATTR_HMAC_LEN);
			return EVM_APPRAISE_INVALID;
		}
		if (!(state & EVM_INIT_HMAC)) {
			snprintf(why, whylen, "%s is an HMAC, but no EVM HMAC key is loaded", name);
			return EVM_APPRAISE_INVALID;
		}
		return verified(ctx, fd, why, whylen);
	case EVM_IMA_XATTR_DIGSIG:
	case EVM_XATTR_PORTABLE_DIGSIG:
		if (n <= SIG_V2_HDR_LEN || v[1] != 2 || v[2] >= HASH_ALGO_LAST ||
		    ((size_t)v[7] << 8 | v[8]) + SIG_V2_HDR_LEN != (size_t)n) {
			snprintf(why, whylen, "%s: malformed signature (type %u, %zd bytes)",
				 name, v[0], n);
			return EVM_APPRAISE_INVALID;
		}
		return verified(ctx, fd, why, whylen);
	default:
		snprintf(why, whylen, "%s of unknown type %u", name, v[0]);
		return EVM_APPRAISE_INVALID;
	}
}

enum evm_appraisal evm_appraise(const struct evm_ctx *ctx, unsigned state, int fd,
				char *why, size_t whylen)
{
	const char *name = evm_xattr_evm_name(ctx->user_xattr);
	uint8_t v[1024];
	ssize_t n = fgetxattr(fd, name, v, sizeof(v));

	if (n < 0 && (errno == ENODATA)) {
		snprintf(why, whylen, "no %s (the kernel's missing-HMAC)", name);
		return EVM_APPRAISE_MISSING;
	}
	if (n < 0 && errno == ERANGE) {
		snprintf(why, whylen, "%s larger than %zu bytes", name, sizeof(v));
		return EVM_APPRAISE_INVALID;
	}
	if (n < 0 && errno == ENOTSUP) {
		/* evm_verifyxattr(): INTEGRITY_UNKNOWN, which IMA lets pass */
		snprintf(why, whylen, "no xattrs on this file system");
		return EVM_APPRAISE_OK;
	}
	if (n < 0) {
		snprintf(why, whylen, "cannot read %s: %s", name, strerror(errno));
		return EVM_APPRAISE_UNREADABLE;
	}
	if (n == 0) {
		snprintf(why, whylen, "empty %s", name);
		return EVM_APPRAISE_INVALID;
	}
	return check_value(ctx, state, fd, v, n, why, whylen);
}

/* --- which xattrs the HMAC covers --- */

/* The id of a full xattr name ("security.selinux"), or -ENOENT. */
static int xattr_id(const char *name, size_t len)
{
	for (int i = 0; i < EVM_X__COUNT; i++) {
		const char *n = evm_xattr_name((enum evm_xattr_id)i);

		if (strlen(n) == len && !strncmp(n, name, len))
			return i;
	}
	return -ENOENT;
}

int evm_xattrs_parse(const char *text, const char *seps, const char *source,
		     unsigned *mask, char *err, size_t errlen)
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
	e = evm_xattrs_parse((const char *)text, "\n", path, mask, err, errlen);
	free(text);
	return e ? e : 1;
}

int evm_xattrs_kernel(const char *sfs, const char *config, unsigned *mask,
		      enum evm_xattrs_source *from, char *config_used, size_t usedlen,
		      char *err, size_t errlen)
{
	char *text = NULL;
	int rc;

	/* absent where the kernel has no CONFIG_EVM_ADD_XATTRS */
	*from = EVM_XATTRS_FROM_LIST;
	rc = from_list_file(sfs, mask, err, errlen);
	if (rc)
		return rc < 0 ? rc : 0;
	*from = EVM_XATTRS_FROM_CONFIG;
	rc = kconfig_read(config, &text, config_used, usedlen, err, errlen);
	if (rc)
		return rc;
	*mask = config_mask(text);
	free(text);
	return 0;
}
