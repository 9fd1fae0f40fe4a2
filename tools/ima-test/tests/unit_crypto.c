// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: v2 signatures and key identifiers. */
#include <errno.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "certs.h"
#include "sig.h"
#include "tap.h"
#include "util.h"

static EVP_PKEY *public_part(EVP_PKEY *key)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int len = i2d_PUBKEY(key, &der);
	EVP_PKEY *pub;

	p = der;
	pub = len > 0 ? d2i_PUBKEY(NULL, &p, len) : NULL;
	OPENSSL_free(der);
	return pub;
}

static void round_trip(struct tap *t, const char *name, EVP_PKEY *key, EVP_PKEY *other)
{
	static const char *const algs[] = { "sha1", "sha224", "sha256", "sha384", "sha512" };
	EVP_PKEY *pub = public_part(key);
	uint8_t digest[64], sig[SIG_MAX];
	size_t sig_len = 0;
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(algs); i++) {
		const struct hash_algo *alg = hash_algo_by_name(algs[i]);
		int ok;

		memset(digest, (int)i + 1, sizeof(digest));
		ok = !sig_v2_sign(key, alg, digest, alg->len, sig, &sig_len, err, sizeof(err)) &&
		     sig_v2_verify(pub, alg, digest, alg->len, sig, sig_len);
		tap_ok(t, ok, "%s %s: sign then verify", name, algs[i]);
	}
	digest[0] ^= 1;
	tap_ok(t, !sig_v2_verify(pub, hash_algo_by_name("sha512"), digest, 64, sig, sig_len),
	       "%s: a changed digest does not verify", name);
	digest[0] ^= 1;
	tap_ok(t, !sig_v2_verify(other, hash_algo_by_name("sha512"), digest, 64, sig, sig_len),
	       "%s: a signature does not verify with another key", name);
	sig[sig_len / 2] ^= 0x10;
	tap_ok(t, !sig_v2_verify(pub, hash_algo_by_name("sha512"), digest, 64, sig, sig_len),
	       "%s: a flipped signature bit does not verify", name);
	tap_ok(t, !sig_v2_verify(pub, hash_algo_by_name("sha512"), digest, 64, sig, 1),
	       "%s: a one-byte signature does not verify", name);
	tap_ok(t, sig_key_matches(key, pub) == 1 && sig_key_matches(key, other) == 0,
	       "%s: key/certificate match detection", name);
	EVP_PKEY_free(pub);
}

int main(void)
{
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *ec384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	uint8_t k1[4], k2[4], k3[4];
	struct tap t = { 0 };

	tap_plan(&t, 3 * 10 + 6);
	round_trip(&t, "rsa2048", rsa, ec);
	round_trip(&t, "p256", ec, ec384);
	round_trip(&t, "p384", ec384, rsa);

	tap_ok(&t, !keyid_from_pubkey(rsa, k1) && !keyid_from_pubkey(rsa, k2) &&
	       !memcmp(k1, k2, 4), "keyid of a key is stable");
	tap_ok(&t, !keyid_from_pubkey(ec, k3) && memcmp(k1, k3, 4),
	       "different keys have different keyids");
	tap_ok(&t, !keyid_parse_hex("64e9dd6b", k1) && !memcmp(k1, "\x64\xe9\xdd\x6b", 4),
	       "keyid hex parses");
	tap_ok(&t, !keyid_parse_hex("0xDEADbeef", k1) && !memcmp(k1, "\xde\xad\xbe\xef", 4),
	       "keyid hex with 0x and mixed case parses");
	tap_ok(&t, keyid_parse_hex("64e9dd6", k1) && keyid_parse_hex("64e9dd6bb", k1) &&
	       keyid_parse_hex("64e9dd6g", k1) && keyid_parse_hex("", k1),
	       "bad keyid hex is refused");
	{
		EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		uint8_t sig[SIG_MAX], d[32] = { 0 };
		size_t sl;
		char err[128];

		tap_ok(&t, sig_v2_sign(ed, hash_algo_by_name("sha256"), d, 32, sig, &sl,
				       err, sizeof(err)) == -EINVAL,
		       "an Ed25519 key cannot make an IMA v2 signature: %s", err);
		EVP_PKEY_free(ed);
	}
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ec384);
	return tap_done(&t);
}
