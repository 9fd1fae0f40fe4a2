// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which public keys a Linux 6.12 kernel can check an IMA signature with.
 *
 * RSA: crypto/rsa.c rsa_check_key_length() takes a modulus of 512, 1024,
 * 1536, 2048, 3072 or 4096 bits (512, 1024 and 1536 not in FIPS mode);
 * we accept exactly 1024, 2048, 3072 and 4096.
 * EC: crypto/asymmetric_keys/x509_cert_parser.c accepts an
 * id-ecPublicKey only on a named curve P-192, P-256, P-384 or P-521
 * (anything else is -ENOPKG and the certificate is never loaded).
 * Other key types (Ed25519, SM2, DSA, ...) cannot sign for IMA.
 */
#include <stdio.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>

#include "certs.h"
#include "util.h"

static const int rsa_bits[] = { 1024, 2048, 3072, 4096 };
static const int ec_nids[] = {
	NID_X9_62_prime192v1, NID_X9_62_prime256v1, NID_secp384r1, NID_secp521r1,
};

bool key_kernel_usable(EVP_PKEY *pkey, char *why, size_t whylen)
{
	char group[64];
	int type = EVP_PKEY_get_base_id(pkey), bits, nid;

	if (type == EVP_PKEY_RSA) {
		bits = EVP_PKEY_get_bits(pkey);
		for (size_t i = 0; i < ARRAY_SIZE(rsa_bits); i++)
			if (bits == rsa_bits[i])
				return true;
		snprintf(why, whylen, "RSA key of %d bits: the kernel takes 1024, 2048, 3072 or 4096",
			 bits);
		return false;
	}
	if (type == EVP_PKEY_EC) {
		if (!EVP_PKEY_get_group_name(pkey, group, sizeof(group), NULL)) {
			snprintf(why, whylen, "EC key without a named curve: the kernel takes P-192, P-256, P-384 or P-521");
			return false;
		}
		nid = OBJ_txt2nid(group);
		if (nid == NID_undef)
			nid = EC_curve_nist2nid(group);
		for (size_t i = 0; i < ARRAY_SIZE(ec_nids); i++)
			if (nid == ec_nids[i])
				return true;
		snprintf(why, whylen, "EC key on curve %.32s: the kernel takes P-192, P-256, P-384 or P-521",
			 group);
		return false;
	}
	snprintf(why, whylen, "%s key: the kernel checks IMA signatures with RSA or ECDSA keys only",
		 type == NID_undef ? "unknown" : OBJ_nid2sn(type));
	return false;
}
