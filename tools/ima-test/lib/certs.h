/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Keys and certificates: loading, and the 4-byte IMA key identifier.
 *
 * Errors are returned as a one-line message in @err naming the file; no
 * key material or passphrase ever appears in a message.
 */
#ifndef IMA_TEST_CERTS_H
#define IMA_TEST_CERTS_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

/*
 * keyid of a public key: the last 4 bytes of SHA-1 over the public key
 * bits (the BIT STRING contents of SubjectPublicKeyInfo).  0 or -1.
 */
int keyid_from_pubkey(EVP_PKEY *pkey, uint8_t keyid[4]);
/*
 * keyid as the kernel sees a certificate: the last 4 bytes of its subject
 * key identifier if it has one, otherwise keyid_from_pubkey().  0 or -1.
 */
int keyid_from_cert(X509 *cert, uint8_t keyid[4]);
/* Parse 8 hex digits (optional 0x).  0 or -1. */
int keyid_parse_hex(const char *s, uint8_t keyid[4]);

struct cert {
	char *path;
	X509 *x509;
	EVP_PKEY *pub;
	uint8_t keyid[4];	/* keyid_from_cert() */
	uint8_t keyid_pub[4];	/* keyid_from_pubkey(), what evmctl uses */
};

struct certset {
	struct cert *v;
	size_t n;
};

/* Load a PEM or DER X.509 certificate.  0, or -1 with @err set. */
int cert_load(const char *path, struct cert *c, char *err, size_t errlen);
void cert_free(struct cert *c);

int certset_add(struct certset *set, const char *path, char *err, size_t errlen);
/* The certificate whose keyid (either form) is @keyid, or NULL. */
const struct cert *certset_find(const struct certset *set, const uint8_t keyid[4]);
void certset_free(struct certset *set);

/*
 * Load a private key (PEM, PKCS#8 or traditional, possibly encrypted; or
 * DER).  @pass may be NULL.  Only RSA and EC keys are accepted.  0, or -1
 * with @err set (encrypted key without passphrase, wrong passphrase, not a
 * private key, unsupported key type).  A "pkcs11:" URI names a key on a
 * token instead (see pkcs11_key.h); @pass is then its PIN.
 */
int key_load_private(const char *path, const char *pass, EVP_PKEY **out,
		     char *err, size_t errlen);

/* Read a whole (small) file into a malloc'ed buffer.  0 or -errno. */
int file_slurp(const char *path, uint8_t **buf, size_t *len, size_t max);

#endif
