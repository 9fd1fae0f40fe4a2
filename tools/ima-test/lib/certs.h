/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Keys and certificates: loading, and the 4-byte IMA key identifier.
 *
 * Errors are returned as a one-line message in @err naming the file; no
 * key material or passphrase ever appears in a message.
 */
#ifndef IMA_TEST_CERTS_H
#define IMA_TEST_CERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "hashalgo.h"
#include "keyid.h"
#include "util.h"

/*
 * Can a Linux 6.12 kernel check IMA signatures with @pkey?  RSA of 1024,
 * 2048, 3072 or 4096 bits, or ECDSA on P-192, P-256, P-384 or P-521.
 * When not, a one-line reason goes to @why.
 */
bool key_kernel_usable(EVP_PKEY *pkey, char *why, size_t whylen);

struct cert {
	char *path;
	X509 *x509;
	EVP_PKEY *pub;
	uint8_t keyid[4];	/* keyid_from_cert() */
	struct cert_ids ids;	/* what the kernel finds it by */
	char unusable[128];	/* why the kernel cannot use its key, or "" */
};

struct certset {
	struct cert *v;
	size_t n;
};

/* Load a PEM or DER X.509 certificate.  0, or -errno with @err set. */
int cert_load(const char *path, struct cert *c, char *err, size_t errlen);
void cert_free(struct cert *c);

int certset_add(struct certset *set, const char *path, char *err, size_t errlen);
/*
 * The certificates the kernel could pick for a signature with @keyid
 * (cert_ids_match), in order: up to @max go to @out; returns how many
 * match in all.  Matching is only the kernel's: a keyid made from the
 * public key's hash finds nothing unless the subject key id ends with it.
 */
size_t certset_match(const struct certset *set, const uint8_t keyid[4],
		     const struct cert **out, size_t max);
/*
 * Does the v2 signature @sig, naming @keyid, sign @md (@alg)?  Every
 * certificate the kernel could pick for @keyid must verify it.  1 yes,
 * 0 no (*@signed_other: it is a valid signature of another digest by the
 * key), -ENOKEY no certificate has @keyid, -E2BIG more than 8 do.
 */
int certset_verify(const struct certset *set, const uint8_t keyid[4],
		   const struct hash_algo *alg, const uint8_t *md, size_t md_len,
		   const uint8_t *sig, size_t sig_len, bool *signed_other);
void certset_free(struct certset *set);

/*
 * Load a private key (PEM, PKCS#8 or traditional, possibly encrypted; or
 * DER).  @pass may be NULL.  Only RSA and EC keys are accepted.  0, or -errno
 * with @err set (encrypted key without passphrase, wrong passphrase, not a
 * private key, unsupported key type).  @mode (may be NULL) gets the key
 * file's permission bits.  Every buffer that held the key is cleansed.  A "pkcs11:" URI names a key
 * on a token instead (see pkcs11_key.h); @pass is then its PIN.
 */
int key_load_private(const char *path, const char *pass, EVP_PKEY **out,
		     mode_t *mode, char *err, size_t errlen);

/*
 * A passphrase from the first line of @path (the newline is dropped), in
 * a malloc'ed string to be cleansed and freed with secret_free().
 * NULL with @err set.
 */
char *pass_file_read(const char *path, char *err, size_t errlen);
void secret_free(char *s);

#endif
