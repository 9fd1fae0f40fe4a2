/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Appended signatures ("modsig", the ima-modsig template's last field): a
 * DER PKCS#7/CMS SignedData without content, as the kernel's sign-file and
 * `openssl cms -sign -binary -noattr` write it, over the digest of the file
 * without the signature (the template's d-modsig field).  The signer is
 * found by its whole subject key identifier, or by issuer and serial
 * or by issuer and serial number.  Signed attributes are not supported.
 */
#ifndef IMA_TEST_MODSIG_H
#define IMA_TEST_MODSIG_H

#include <stddef.h>
#include <stdint.h>

#include "certs.h"
#include "hashalgo.h"

enum modsig_status {
	MODSIG_OK,
	MODSIG_BAD,		/* does not verify, or over another algorithm */
	MODSIG_UNKNOWN_KEY,	/* no certificate for the signer */
	MODSIG_MALFORMED,	/* not a SignedData this tool can check */
};

/* Check @sig (@len bytes) over @digest made with @alg.  @why gets a reason. */
enum modsig_status modsig_verify(const uint8_t *sig, size_t len,
				 const struct hash_algo *alg,
				 const uint8_t *digest, size_t digest_len,
				 const struct certset *certs,
				 char *why, size_t whylen);

#endif
