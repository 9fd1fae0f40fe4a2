/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Encoding and decoding of the security.evm value.
 *
 *   HMAC                02 | hmac-sha1 (20 bytes)
 *   signature           03 | 02 | hash_algo | keyid[4] | sig_size (be16) | sig
 *   portable signature  05 | 02 | hash_algo | keyid[4] | sig_size (be16) | sig
 *
 * The decoder accepts exactly these layouts (the kernel's evm_xattr and
 * signature_v2_hdr): the HMAC is 21 bytes, a signature's size field must
 * match the bytes that follow.  It never reads past @len and never
 * allocates, so it may be fed arbitrary bytes.
 */
#ifndef IMA_TEST_EVMXATTR_H
#define IMA_TEST_EVMXATTR_H

#include <stddef.h>
#include <stdint.h>

#include "imaxattr.h"

#define EVM_HMAC_LEN 20			/* hmac(sha1) */
#define EVM_XATTR_HMAC_LEN (1 + EVM_HMAC_LEN)

struct evm_xattr {
	uint8_t type;			/* EVM_XATTR_HMAC, EVM_IMA_XATTR_DIGSIG
					 * or EVM_XATTR_PORTABLE_DIGSIG */
	const uint8_t *hmac;		/* HMAC: points into the input */
	const struct hash_algo *algo;	/* signatures */
	uint8_t keyid[4];
	const uint8_t *sig;		/* signatures: points into the input */
	size_t sig_len;
};

/*
 * Decode @len bytes at @buf into @x.  On IMA_XATTR_MALFORMED or
 * IMA_XATTR_UNSUPPORTED a one-line reason is written to @why (may be NULL).
 */
enum ima_xattr_status evm_xattr_decode(const uint8_t *buf, size_t len,
				       struct evm_xattr *x,
				       char *why, size_t whylen);

/* 02 | @hmac.  Returns bytes written, 0 if it does not fit. */
size_t evm_xattr_encode_hmac(const uint8_t hmac[EVM_HMAC_LEN],
			     uint8_t *out, size_t cap);

/* @type (03 or 05) | 02 | algo | keyid | size | sig.  Bytes written or 0. */
size_t evm_xattr_encode_sig(uint8_t type, const struct hash_algo *algo,
			    const uint8_t keyid[4],
			    const uint8_t *sig, size_t sig_len,
			    uint8_t *out, size_t cap);

#endif
