// SPDX-License-Identifier: GPL-2.0-only
/* Checking security.evm values (see evm_check.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <openssl/crypto.h>

#include "evm_check.h"
#include "sig.h"

static const char *const class_names[EVM__COUNT] = {
	[EVM_OK] = "ok",
	[EVM_MISSING] = "missing",
	[EVM_INVALID_HMAC] = "invalid-hmac",
	[EVM_BAD_SIGNATURE] = "bad-signature",
	[EVM_UNKNOWN_KEY] = "unknown-key",
	[EVM_NO_HMAC_KEY] = "no-hmac-key",
	[EVM_MALFORMED] = "malformed",
	[EVM_UNSUPPORTED] = "unsupported",
	[EVM_UNREADABLE] = "unreadable",
};

const char *evm_class_name(enum evm_class c)
{
	return (unsigned int)c < EVM__COUNT ? class_names[c] : "?";
}

static void set(struct evm_result *res, enum evm_class cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set(struct evm_result *res, enum evm_class cls, const char *fmt, ...)
{
	va_list ap;

	res->cls = cls;
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
	va_end(ap);
}

static void check_sig(const struct evm_ctx *ctx, const struct evm_inode *in,
		      const struct evm_xattr *x, struct evm_result *res)
{
	const char *what = x->type == EVM_XATTR_PORTABLE_DIGSIG ?
			   "portable signature" : "signature";
	uint8_t md[HASH_MAX_DIGEST];
	size_t md_len, n;
	const struct cert *m[8];
	char err[200];

	res->have_keyid = true;
	memcpy(res->keyid, x->keyid, 4);
	/* Found the way the kernel finds it; any match may be the one it picks. */
	n = ctx->certs ? certset_match(ctx->certs, x->keyid, m, 8) : 0;
	if (!n || n > 8) {
		set(res, EVM_UNKNOWN_KEY, "EVM %s by keyid %02x%02x%02x%02x: %s", what,
		    x->keyid[0], x->keyid[1], x->keyid[2], x->keyid[3],
		    n ? "more than 8 given certificates have it" :
		    ctx->certs && ctx->certs->n ? "no given certificate has it"
						: "no certificate given (--cert)");
		return;
	}
	if (evm_digest(ctx, in, x->type, x->algo, md, &md_len, err, sizeof(err))) {
		set(res, EVM_BAD_SIGNATURE, "EVM %s: %s", what, err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (m[i]->unusable[0]) {
			set(res, EVM_UNSUPPORTED, "EVM %s: %s: %s", what, m[i]->path, m[i]->unusable);
			return;
		}
		if (!sig_v2_verify(m[i]->pub, x->algo, md, md_len, x->sig, x->sig_len)) {
			set(res, EVM_BAD_SIGNATURE, "EVM %s does not verify with %s", what,
			    m[i]->path);
			return;
		}
	}
}

void evm_check_inode(const struct evm_ctx *ctx, const struct evm_inode *in,
		     const uint8_t *val, size_t len, struct evm_result *res)
{
	uint8_t md[EVM_HMAC_LEN];
	size_t md_len = 0;
	struct evm_xattr x;
	char why[200];

	memset(res, 0, sizeof(*res));
	switch (evm_xattr_decode(val, len, &x, why, sizeof(why))) {
	case IMA_XATTR_OK:
		break;
	case IMA_XATTR_UNSUPPORTED:
		res->type = val[0];
		set(res, EVM_UNSUPPORTED, "security.evm: %s", why);
		return;
	default:
		res->type = len ? val[0] : 0;
		set(res, EVM_MALFORMED, "security.evm: %s", why);
		return;
	}
	res->type = x.type;
	res->immutable = x.type == EVM_XATTR_PORTABLE_DIGSIG;
	if (x.type != EVM_XATTR_HMAC) {
		check_sig(ctx, in, &x, res);
		return;
	}
	if (!ctx->have_key) {
		set(res, EVM_NO_HMAC_KEY, "EVM HMAC present; give --evm-key to check it");
		return;
	}
	if (evm_digest(ctx, in, EVM_XATTR_HMAC, NULL, md, &md_len, why, sizeof(why))) {
		set(res, EVM_UNREADABLE, "EVM HMAC: %s", why);
		return;
	}
	if (md_len != EVM_HMAC_LEN || CRYPTO_memcmp(md, x.hmac, EVM_HMAC_LEN))
		set(res, EVM_INVALID_HMAC,
		    "EVM HMAC does not match the file's xattrs and metadata");
}

/* Check the security.evm of the open @fd, or, when @fd < 0, of @path. */
static void check_file(int fd, const char *path, const struct evm_ctx *ctx,
		       struct evm_result *res)
{
	struct evm_inode *in = malloc(sizeof(*in));
	const char *name = evm_xattr_evm_name(ctx->user_xattr);
	uint8_t val[IMA_XATTR_MAX];
	char err[200];
	ssize_t n;
	int e;

	memset(res, 0, sizeof(*res));
	if (!in) {
		set(res, EVM_UNREADABLE, "out of memory");
		return;
	}
	n = fd >= 0 ? fgetxattr(fd, name, val, sizeof(val)) : lgetxattr(path, name, val, sizeof(val));
	if (n < 0) {
		if (errno == ENODATA)
			set(res, EVM_MISSING, "no %s", name);
		else if (errno == ERANGE)
			set(res, EVM_MALFORMED, "security.evm: value too large");
		else
			set(res, EVM_UNREADABLE, "cannot read %s: %s", name, strerror(errno));
	} else {
		e = fd >= 0 ? evm_inode_read(fd, ctx, in, err, sizeof(err)) :
		    evm_inode_read_path(path, ctx, in, err, sizeof(err));
		if (e)
			set(res, EVM_UNREADABLE, "%s", err);
		else
			evm_check_inode(ctx, in, val, (size_t)n, res);
	}
	OPENSSL_cleanse(in, sizeof(*in));
	free(in);
}

void evm_check(int fd, const struct evm_ctx *ctx, struct evm_result *res)
{
	check_file(fd, NULL, ctx, res);
}

void evm_check_path(const char *path, const struct evm_ctx *ctx, struct evm_result *res)
{
	check_file(-1, path, ctx, res);
}
