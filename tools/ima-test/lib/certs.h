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

/*
 * keyid of a public key: the last 4 bytes of SHA-1 over the public key
 * bits (the BIT STRING contents of SubjectPublicKeyInfo).  0 or -1.
 */
int keyid_from_pubkey(EVP_PKEY *pkey, uint8_t keyid[4]);
/*
 * The tails of the two ids the kernel gives a certificate's key (see
 * keyid.c): [0] from serial and issuer, always; [1] from the subject key
 * identifier, when it has one of 4 bytes or more.
 */
struct cert_ids {
	bool has[2];
	uint8_t tail[2][4];
};
int cert_kernel_ids(X509 *cert, struct cert_ids *ids);
/* Would the kernel's "id:<keyid>" search find a key with @ids? */
bool cert_ids_match(const struct cert_ids *ids, const uint8_t keyid[4]);
/*
 * keyid that finds @cert in the kernel: the last 4 bytes of its subject
 * key identifier if it has one, otherwise of its serial+issuer id.  0 or -1.
 */
int keyid_from_cert(X509 *cert, uint8_t keyid[4]);
/*
 * Can a Linux 6.12 kernel check IMA signatures with @pkey?  RSA of 1024,
 * 2048, 3072 or 4096 bits, or ECDSA on P-192, P-256, P-384 or P-521.
 * When not, a one-line reason goes to @why.
 */
bool key_kernel_usable(EVP_PKEY *pkey, char *why, size_t whylen);
/* Parse 8 hex digits (optional 0x).  0 or -1. */
int keyid_parse_hex(const char *s, uint8_t keyid[4]);

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

/* Load a PEM or DER X.509 certificate.  0, or -1 with @err set. */
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
void certset_free(struct certset *set);

/*
 * Load a private key (PEM, PKCS#8 or traditional, possibly encrypted; or
 * DER).  @pass may be NULL.  Only RSA and EC keys are accepted.  0, or -1
 * with @err set (encrypted key without passphrase, wrong passphrase, not a
 * private key, unsupported key type).  @mode (may be NULL) gets the key
 * file's permission bits.  Every buffer that held the key is cleansed.  A "pkcs11:" URI names a key
 * on a token instead (see pkcs11_key.h); @pass is then its PIN.
 */
int key_load_private(const char *path, const char *pass, EVP_PKEY **out,
		     mode_t *mode, char *err, size_t errlen);

/*
 * Read a whole (small) file into a malloc'ed buffer, NUL-terminated.
 * Buffers outgrown on the way are cleansed before they are freed, so a
 * caller reading a secret cleanses only the one it gets.  0 or -errno.
 */
int file_slurp(const char *path, uint8_t **buf, size_t *len, size_t max);
/* The same, also giving the file's mode (may be NULL). */
int file_slurp_mode(const char *path, uint8_t **buf, size_t *len, size_t max,
		    mode_t *mode);

/*
 * A passphrase from the first line of @path (the newline is dropped), in
 * a malloc'ed string to be cleansed and freed with secret_free().
 * NULL with @err set.
 */
char *pass_file_read(const char *path, char *err, size_t errlen);
void secret_free(char *s);

#endif
