/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef IMA_TEST_IDENTITY_H
#define IMA_TEST_IDENTITY_H

#include <stdint.h>
#include <openssl/evp.h>

struct identity_args {
	const char *key, *cert, *keyid, *pass;
};

/*
 * Load the private key @a->key (a file or a pkcs11: URI) into @key and set
 * @keyid: from --keyid, else the certificate (--cert, or one appended to the
 * key file), else the public key.  Refused, with a message: a key the kernel
 * cannot use, a certificate that does not match the key, and a keyid the
 * kernel would not find the given certificate by (a warning only for an
 * appended certificate).  A key file others can read draws a warning.
 * 0, or -1 (@key may then need freeing).
 */
int identity_load(struct identity_args *a, EVP_PKEY **key, uint8_t keyid[4]);

#endif
