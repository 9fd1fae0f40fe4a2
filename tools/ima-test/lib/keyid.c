// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <string.h>
#include <openssl/x509v3.h>

#include "certs.h"

int keyid_from_pubkey(EVP_PKEY *pkey, uint8_t keyid[4])
{
	const unsigned char *bits = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	X509_PUBKEY *xpk = NULL;
	int len = 0, ret = -1;

	if (X509_PUBKEY_set(&xpk, pkey) &&
	    X509_PUBKEY_get0_param(NULL, &bits, &len, NULL, xpk) &&
	    EVP_Digest(bits, (size_t)len, md, &mdlen, EVP_sha1(), NULL) &&
	    mdlen >= 4) {
		memcpy(keyid, md + mdlen - 4, 4);
		ret = 0;
	}
	X509_PUBKEY_free(xpk);
	return ret;
}

int keyid_from_cert(X509 *cert, uint8_t keyid[4])
{
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(cert);

	if (ski && ASN1_STRING_length(ski) >= 4) {
		memcpy(keyid, ASN1_STRING_get0_data(ski) +
		       ASN1_STRING_length(ski) - 4, 4);
		return 0;
	}
	return keyid_from_pubkey(X509_get0_pubkey(cert), keyid);
}

int keyid_parse_hex(const char *s, uint8_t keyid[4])
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (strlen(s) != 8)
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned v = 0;

		for (int j = 0; j < 2; j++) {
			int c = tolower((unsigned char)s[2 * i + j]);

			if (!isxdigit(c))
				return -1;
			v = v << 4 | (unsigned)(isdigit(c) ? c - '0' : c - 'a' + 10);
		}
		keyid[i] = (uint8_t)v;
	}
	return 0;
}
