// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "sig.h"

static int setup(EVP_PKEY_CTX *ctx, EVP_PKEY *key, const struct hash_algo *alg)
{
	const EVP_MD *md = hash_algo_md(alg);

	if (!md || EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0)
		return -EINVAL;
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0)
		return -EINVAL;
	return 0;
}

int sig_v2_sign(EVP_PKEY *key, const struct hash_algo *alg,
		const uint8_t *digest, size_t digest_len,
		uint8_t *sig, size_t *sig_len, char *err, size_t errlen)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
	size_t len = 0;
	int ret = -EINVAL;

	if (!ctx || EVP_PKEY_sign_init(ctx) <= 0 || setup(ctx, key, alg)) {
		snprintf(err, errlen, "cannot sign with %s and this key",
			 alg ? alg->name : "?");
		goto out;
	}
	if (EVP_PKEY_sign(ctx, NULL, &len, digest, digest_len) <= 0 ||
	    len > SIG_MAX) {
		snprintf(err, errlen, "signature would be too large");
		goto out;
	}
	if (EVP_PKEY_sign(ctx, sig, &len, digest, digest_len) <= 0) {
		const char *why = ERR_reason_error_string(ERR_peek_last_error());

		snprintf(err, errlen, "signing failed (%s)", why ? why : "?");
		goto out;
	}
	*sig_len = len;
	ret = 0;
out:
	ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

int sig_v2_verify(EVP_PKEY *pub, const struct hash_algo *alg,
		  const uint8_t *digest, size_t digest_len,
		  const uint8_t *sig, size_t sig_len)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pub, NULL);
	int ok = 0;

	if (ctx && EVP_PKEY_verify_init(ctx) > 0 && !setup(ctx, pub, alg))
		ok = EVP_PKEY_verify(ctx, sig, sig_len, digest, digest_len) == 1;
	ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

bool sig_v2_signed_other(EVP_PKEY *pub, const struct hash_algo *alg,
			 const uint8_t *sig, size_t sig_len)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pub, NULL);
	uint8_t out[SIG_MAX];
	size_t out_len = sizeof(out);
	bool ok = false;

	if (ctx && EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA &&
	    EVP_PKEY_verify_recover_init(ctx) > 0 && !setup(ctx, pub, alg))
		ok = EVP_PKEY_verify_recover(ctx, out, &out_len, sig, sig_len) == 1 &&
		     out_len == alg->len;
	ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

int sig_key_matches(EVP_PKEY *key, EVP_PKEY *pub)
{
	const struct hash_algo *alg = hash_algo_by_id(HASH_ALGO_SHA256);
	uint8_t digest[32], sig[SIG_MAX];
	size_t sig_len;
	char err[128];

	if (EVP_PKEY_eq(key, pub) != 1)
		return 0;
	memset(digest, 0x5a, sizeof(digest));
	if (sig_v2_sign(key, alg, digest, sizeof(digest), sig, &sig_len,
			err, sizeof(err)))
		return 0;
	return sig_v2_verify(pub, alg, digest, sizeof(digest), sig, sig_len);
}
