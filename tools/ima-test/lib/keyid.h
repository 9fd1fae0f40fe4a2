/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 4-byte IMA key identifier, and how the kernel finds a key by one
 * (keyid.c).
 */
#ifndef IMA_TEST_KEYID_H
#define IMA_TEST_KEYID_H

#include <stdbool.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

/*
 * keyid of a public key: the last 4 bytes of SHA-1 over the public key
 * bits (the BIT STRING contents of SubjectPublicKeyInfo).  0 or -errno.
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
 * key identifier if it has one, otherwise of its serial+issuer id.  0 or -errno.
 */
int keyid_from_cert(X509 *cert, uint8_t keyid[4]);
/* Parse 8 hex digits (optional 0x).  0 or -errno. */
int keyid_parse_hex(const char *s, uint8_t keyid[4]);

#endif
