/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * v2 signatures over a file digest, as IMA checks them: RSA PKCS#1 v1.5
 * (with DigestInfo for the hash algorithm) or ECDSA (DER encoded).
 * The key objects may be shared between threads: each call makes its own
 * context.
 */
#ifndef IMA_TEST_SIG_H
#define IMA_TEST_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "hashalgo.h"

#define SIG_MAX 1024	/* RSA 8192 bits */

/*
 * Sign @digest (made with @alg) with @key into @sig (SIG_MAX bytes).
 * 0, or -errno with a reason in @err.
 */
int sig_v2_sign(EVP_PKEY *key, const struct hash_algo *alg,
		const uint8_t *digest, size_t digest_len,
		uint8_t *sig, size_t *sig_len, char *err, size_t errlen);

/* 1 when @sig is a valid signature of @digest by @pub, 0 otherwise. */
int sig_v2_verify(EVP_PKEY *pub, const struct hash_algo *alg,
		  const uint8_t *digest, size_t digest_len,
		  const uint8_t *sig, size_t sig_len);

/* Sign a fixed digest with @key and verify it with @pub: 1 if they are a
 * pair, 0 if not. */
/*
 * For a signature that does not verify over a digest: true when @sig is
 * nevertheless a valid RSA signature by @pub over another @alg digest
 * (the content differs from what was signed).  False for a corrupt
 * signature, another key's, and any ECDSA signature (which cannot tell).
 */
bool sig_v2_signed_other(EVP_PKEY *pub, const struct hash_algo *alg,
			 const uint8_t *sig, size_t sig_len);

int sig_key_matches(EVP_PKEY *key, EVP_PKEY *pub);

#endif
