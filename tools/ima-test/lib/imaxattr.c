// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "imaxattr.h"

enum ima_xattr_status ima_xattr_fail(enum ima_xattr_status st, char *why,
				     size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return st;
}

/* Looks up the algorithm byte; sets *st and @why on failure. */
static const struct hash_algo *decode_algo(uint8_t id, enum ima_xattr_status *st,
					   char *why, size_t whylen)
{
	const struct hash_algo *alg = hash_algo_by_id(id);

	if (!alg) {
		*st = ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			   "unknown hash algorithm %u", id);
		return NULL;
	}
	if (!alg->supported) {
		*st = ima_xattr_fail(IMA_XATTR_UNSUPPORTED, why, whylen,
			   "unsupported hash algorithm %s (%u)", alg->name, id);
		return NULL;
	}
	return alg;
}

static enum ima_xattr_status decode_sig(const uint8_t *buf, size_t len,
					struct ima_xattr *x,
					char *why, size_t whylen)
{
	enum ima_xattr_status st = IMA_XATTR_OK;
	size_t size;

	if (len < 2)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "signature truncated (%zu bytes)", len);
	x->sig_version = buf[1];
	/* xattr_verify(): type 03 must be version 2, type 06 version 3 */
	if (buf[0] == IMA_VERITY_DIGSIG && buf[1] != 3)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "fs-verity signature (type 0x06) of version %u, not 3", buf[1]);
	if (buf[0] == EVM_IMA_XATTR_DIGSIG && buf[1] != 2)
		return ima_xattr_fail(IMA_XATTR_UNSUPPORTED, why, whylen,
			    "unsupported signature version %u", buf[1]);
	if (len < IMA_SIG_V2_HDR)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "signature header truncated (%zu of %d bytes)",
			    len, IMA_SIG_V2_HDR);
	size = (size_t)buf[7] << 8 | buf[8];
	if (size == 0)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "empty signature (sig_size 0)");
	if (size != len - IMA_SIG_V2_HDR)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "sig_size %zu does not match the %zu signature bytes present",
			    size, len - IMA_SIG_V2_HDR);
	x->algo = decode_algo(buf[2], &st, why, whylen);
	if (!x->algo)
		return st;
	memcpy(x->keyid, buf + 3, 4);
	x->sig = buf + IMA_SIG_V2_HDR;
	x->sig_len = size;
	return IMA_XATTR_OK;
}

enum ima_xattr_status ima_xattr_decode(const uint8_t *buf, size_t len,
				       struct ima_xattr *x,
				       char *why, size_t whylen)
{
	enum ima_xattr_status st = IMA_XATTR_OK;

	memset(x, 0, sizeof(*x));
	if (len == 0)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen, "empty value");
	if (len > IMA_XATTR_MAX)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "value too large (%zu bytes)", len);
	x->type = buf[0];
	switch (buf[0]) {
	case IMA_XATTR_DIGEST:
		x->algo = hash_algo_by_id(HASH_ALGO_SHA1);
		if (len - 1 != x->algo->len)
			return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
				    "sha1 digest of %zu bytes, expected 20",
				    len - 1);
		/*
		 * ima_get_hash_algo() reads a 21-byte type-01 value whose
		 * last 4 bytes are zero as an MD5 digest (a pre-sha1 legacy
		 * form), so the kernel compares the file's MD5 with it and
		 * denies the file whatever its content.
		 */
		if (!memcmp(buf + 17, "\0\0\0\0", 4))
			return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
				    "sha1 digest ending in 4 zero bytes in the legacy type 01 form: the kernel reads it as MD5 and denies the file (write it as 04 02, digest_ng sha1)");
		x->digest = buf + 1;
		x->digest_len = len - 1;
		return IMA_XATTR_OK;
	case IMA_XATTR_DIGEST_NG:
		if (len < 2)
			return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
				    "digest_ng truncated (no algorithm byte)");
		x->algo = decode_algo(buf[1], &st, why, whylen);
		if (!x->algo)
			return st;
		if (len - 2 != x->algo->len)
			return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
				    "%s digest of %zu bytes, expected %zu",
				    x->algo->name, len - 2, x->algo->len);
		x->digest = buf + 2;
		x->digest_len = len - 2;
		return IMA_XATTR_OK;
	case EVM_IMA_XATTR_DIGSIG:
		return decode_sig(buf, len, x, why, whylen);
	case EVM_XATTR_HMAC:
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "EVM HMAC type 0x02 does not belong in security.ima");
	case EVM_XATTR_PORTABLE_DIGSIG:
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "EVM portable signature type 0x05 does not belong in security.ima");
	case IMA_VERITY_DIGSIG:
		return decode_sig(buf, len, x, why, whylen);
	default:
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "unknown type 0x%02x", buf[0]);
	}
}

size_t ima_xattr_encode_digest(const struct hash_algo *algo,
			       const uint8_t *digest, size_t len,
			       uint8_t *out, size_t cap)
{
	if (!algo || len != algo->len)
		return 0;
	if (algo->id == HASH_ALGO_SHA1) {
		if (cap < 1 + len)
			return 0;
		out[0] = IMA_XATTR_DIGEST;
		memcpy(out + 1, digest, len);
		return 1 + len;
	}
	if (cap < 2 + len)
		return 0;
	out[0] = IMA_XATTR_DIGEST_NG;
	out[1] = (uint8_t)algo->id;
	memcpy(out + 2, digest, len);
	return 2 + len;
}

size_t ima_xattr_encode_digest_ng(const struct hash_algo *algo,
				  const uint8_t *digest, size_t len,
				  uint8_t *out, size_t cap)
{
	if (!algo || len != algo->len || cap < 2 + len)
		return 0;
	out[0] = IMA_XATTR_DIGEST_NG;
	out[1] = (uint8_t)algo->id;
	memcpy(out + 2, digest, len);
	return 2 + len;
}

static size_t encode_sig(uint8_t type, uint8_t version,
			 const struct hash_algo *algo, const uint8_t keyid[4],
			 const uint8_t *sig, size_t sig_len,
			 uint8_t *out, size_t cap)
{
	if (!algo || sig_len == 0 || sig_len > 0xffff ||
	    cap < IMA_SIG_V2_HDR + sig_len)
		return 0;
	out[0] = type;
	out[1] = version;
	out[2] = (uint8_t)algo->id;
	memcpy(out + 3, keyid, 4);
	out[7] = (uint8_t)(sig_len >> 8);
	out[8] = (uint8_t)sig_len;
	memcpy(out + IMA_SIG_V2_HDR, sig, sig_len);
	return IMA_SIG_V2_HDR + sig_len;
}

size_t ima_xattr_encode_sig_v2(const struct hash_algo *algo,
			       const uint8_t keyid[4],
			       const uint8_t *sig, size_t sig_len,
			       uint8_t *out, size_t cap)
{
	return encode_sig(EVM_IMA_XATTR_DIGSIG, 2, algo, keyid, sig, sig_len, out, cap);
}

size_t ima_xattr_encode_sig_v3(const struct hash_algo *algo,
			       const uint8_t keyid[4],
			       const uint8_t *sig, size_t sig_len,
			       uint8_t *out, size_t cap)
{
	return encode_sig(IMA_VERITY_DIGSIG, 3, algo, keyid, sig, sig_len, out, cap);
}
