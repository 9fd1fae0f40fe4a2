/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Encoding and decoding of the security.ima value.
 *
 *   digest      01 | sha1 digest (20 bytes; the kernel reads it as MD5
 *               when the last 4 bytes are zero, so that value is refused)
 *   digest_ng   04 | hash_algo | digest
 *   signature   03 | 02 | hash_algo | keyid[4] | sig_size (be16) | sig
 *   fs-verity   06 | 03 | hash_algo | keyid[4] | sig_size (be16) | sig
 *   signature   (version 3: the signature is over the hash of the file id,
 *               see verity.h; hash_algo must be the fs-verity digest's)
 *
 * hash_algo numbers are the kernel's (see hashalgo.h).  The decoder accepts
 * exactly these layouts: every length must agree with the algorithm and the
 * signature size must match the bytes that follow.  It never reads past
 * @len and never allocates, so it may be fed arbitrary bytes.
 */
#ifndef IMA_TEST_IMAXATTR_H
#define IMA_TEST_IMAXATTR_H

#include <stddef.h>
#include <stdint.h>

#include "hashalgo.h"

enum ima_xattr_type {
	IMA_XATTR_DIGEST = 0x01,
	EVM_XATTR_HMAC = 0x02,
	EVM_IMA_XATTR_DIGSIG = 0x03,
	IMA_XATTR_DIGEST_NG = 0x04,
	EVM_XATTR_PORTABLE_DIGSIG = 0x05,
	IMA_VERITY_DIGSIG = 0x06,
};

#define IMA_SIG_V2_HDR 9		/* type, version, algo, keyid[4], size[2] */
#define IMA_XATTR_MAX 4096		/* larger values are rejected as malformed */

enum ima_xattr_status {
	IMA_XATTR_OK = 0,
	IMA_XATTR_MALFORMED,	/* not a valid value of a known layout */
	IMA_XATTR_UNSUPPORTED,	/* valid layout, algorithm/version not handled */
};

struct ima_xattr {
	uint8_t type;			/* enum ima_xattr_type */
	uint8_t sig_version;		/* signatures only */
	const struct hash_algo *algo;
	const uint8_t *digest;		/* digest types: points into the input */
	size_t digest_len;
	uint8_t keyid[4];		/* signatures: as stored (big endian) */
	const uint8_t *sig;		/* signatures: points into the input */
	size_t sig_len;
};

/* Write the printf-style reason to @why (when given) and return @st: the
 * one way the xattr decoders report a malformed value. */
enum ima_xattr_status ima_xattr_fail(enum ima_xattr_status st, char *why,
				     size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Decode @len bytes at @buf into @x.  On IMA_XATTR_MALFORMED or
 * IMA_XATTR_UNSUPPORTED a one-line reason is written to @why (may be NULL).
 * @x's pointers refer into @buf.
 */
enum ima_xattr_status ima_xattr_decode(const uint8_t *buf, size_t len,
				       struct ima_xattr *x,
				       char *why, size_t whylen);

/*
 * The value the kernel writes in fix mode for a file whose digest with
 * @algo is @digest: 01|digest for sha1, 04|algo|digest otherwise.
 * Returns the number of bytes written to @out, 0 if @cap is too small or
 * @len does not match @algo.
 */
size_t ima_xattr_encode_digest(const struct hash_algo *algo,
			       const uint8_t *digest, size_t len,
			       uint8_t *out, size_t cap);

/*
 * The unambiguous value for @digest: 04|algo|digest for every algorithm,
 * sha1 included (the kernel reads the algorithm byte; see
 * ima_get_hash_algo()).  What ima-test writes.  Bytes written, or 0.
 */
size_t ima_xattr_encode_digest_ng(const struct hash_algo *algo,
				  const uint8_t *digest, size_t len,
				  uint8_t *out, size_t cap);

/* A v2 signature value.  Returns bytes written, 0 if it does not fit. */
size_t ima_xattr_encode_sig_v2(const struct hash_algo *algo,
			       const uint8_t keyid[4],
			       const uint8_t *sig, size_t sig_len,
			       uint8_t *out, size_t cap);

/* A version 3 (fs-verity) signature value, type 06.  Bytes written, or 0. */
size_t ima_xattr_encode_sig_v3(const struct hash_algo *algo,
			       const uint8_t keyid[4],
			       const uint8_t *sig, size_t sig_len,
			       uint8_t *out, size_t cap);

#endif
