// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>

#include "evmxattr.h"

static enum ima_xattr_status decode_sig(const uint8_t *buf, size_t len,
					struct evm_xattr *x,
					char *why, size_t whylen)
{
	const char *what = buf[0] == EVM_XATTR_PORTABLE_DIGSIG ?
			   "portable signature" : "signature";
	const struct hash_algo *alg;
	size_t size;

	if (len < 2)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "%s truncated (%zu bytes)", what, len);
	if (buf[1] != 2)
		return ima_xattr_fail(IMA_XATTR_UNSUPPORTED, why, whylen,
			    "unsupported %s version %u", what, buf[1]);
	if (len < IMA_SIG_V2_HDR)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "%s header truncated (%zu of %d bytes)",
			    what, len, IMA_SIG_V2_HDR);
	size = (size_t)buf[7] << 8 | buf[8];
	if (size == 0 || len == IMA_SIG_V2_HDR)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "empty %s", what);
	if (size != len - IMA_SIG_V2_HDR)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "sig_size %zu does not match the %zu signature bytes present",
			    size, len - IMA_SIG_V2_HDR);
	alg = hash_algo_by_id(buf[2]);
	if (!alg)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "unknown hash algorithm %u", buf[2]);
	if (!alg->supported)
		return ima_xattr_fail(IMA_XATTR_UNSUPPORTED, why, whylen,
			    "unsupported hash algorithm %s (%u)", alg->name, buf[2]);
	x->algo = alg;
	memcpy(x->keyid, buf + 3, 4);
	x->sig = buf + IMA_SIG_V2_HDR;
	x->sig_len = size;
	return IMA_XATTR_OK;
}

enum ima_xattr_status evm_xattr_decode(const uint8_t *buf, size_t len,
				       struct evm_xattr *x,
				       char *why, size_t whylen)
{
	memset(x, 0, sizeof(*x));
	if (len == 0)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen, "empty value");
	if (len > IMA_XATTR_MAX)
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "value too large (%zu bytes)", len);
	x->type = buf[0];
	switch (buf[0]) {
	case EVM_XATTR_HMAC:
		if (len != EVM_XATTR_HMAC_LEN)
			return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
				    "HMAC of %zu bytes, expected %d",
				    len - 1, EVM_HMAC_LEN);
		x->hmac = buf + 1;
		return IMA_XATTR_OK;
	case EVM_IMA_XATTR_DIGSIG:
	case EVM_XATTR_PORTABLE_DIGSIG:
		return decode_sig(buf, len, x, why, whylen);
	case IMA_XATTR_DIGEST:
	case IMA_XATTR_DIGEST_NG:
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "IMA digest type 0x%02x does not belong in security.evm",
			    buf[0]);
	default:
		return ima_xattr_fail(IMA_XATTR_MALFORMED, why, whylen,
			    "unknown type 0x%02x", buf[0]);
	}
}

size_t evm_xattr_encode_hmac(const uint8_t hmac[EVM_HMAC_LEN],
			     uint8_t *out, size_t cap)
{
	if (cap < EVM_XATTR_HMAC_LEN)
		return 0;
	out[0] = EVM_XATTR_HMAC;
	memcpy(out + 1, hmac, EVM_HMAC_LEN);
	return EVM_XATTR_HMAC_LEN;
}

size_t evm_xattr_encode_sig(uint8_t type, const struct hash_algo *algo,
			    const uint8_t keyid[4],
			    const uint8_t *sig, size_t sig_len,
			    uint8_t *out, size_t cap)
{
	size_t n;

	if (type != EVM_IMA_XATTR_DIGSIG && type != EVM_XATTR_PORTABLE_DIGSIG)
		return 0;
	n = ima_xattr_encode_sig_v2(algo, keyid, sig, sig_len, out, cap);
	if (n)
		out[0] = type;
	return n;
}
