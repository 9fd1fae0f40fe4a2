// SPDX-License-Identifier: GPL-2.0-only
/*
 * IMA key identifiers, and how the kernel finds a key by one.
 *
 * IMA looks a signature's key up with the search string "id:%08x"
 * (security/integrity/digsig_asymmetric.c).  The asymmetric key type
 * treats that as a partial match: the 4 bytes must equal the tail of one
 * of the key's first two ids (crypto/asymmetric_keys/asymmetric_type.c).
 * For an X.509 certificate those ids are (x509_cert_parser.c,
 * x509_public_key.c):
 *   id[0]  the serial number's INTEGER contents followed by the issuer
 *          Name's SEQUENCE contents, both as encoded in the certificate;
 *   id[1]  the subjectKeyIdentifier OCTET STRING contents, if present.
 * Nothing else: a keyid made from a hash of the public key finds the key
 * only when the certificate's subject key identifier ends with it.
 */
#include <errno.h>
#include <string.h>
#include <openssl/x509v3.h>

#include "keyid.h"
#include "util.h"

int keyid_from_pubkey(EVP_PKEY *pkey, uint8_t keyid[4])
{
	const unsigned char *bits = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	X509_PUBKEY *xpk = NULL;
	int len = 0, ret = -EINVAL;

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

/* One DER element at *p (end @end): its tag, contents and where it ends. */
struct der_elem {
	unsigned tag;
	const uint8_t *body;
	size_t len;
	const uint8_t *next;
};

static int der_next(const uint8_t *p, const uint8_t *end, struct der_elem *e)
{
	size_t len = 0, n;

	if (end - p < 2 || (p[0] & 0x1f) == 0x1f)
		return -EINVAL;
	e->tag = p[0];
	if (p[1] < 0x80) {
		len = p[1];
		p += 2;
	} else {
		n = p[1] & 0x7f;
		if (n == 0 || n > 4 || (size_t)(end - p) < 2 + n)
			return -EINVAL;
		for (size_t i = 0; i < n; i++)
			len = len << 8 | p[2 + i];
		p += 2 + n;
	}
	if ((size_t)(end - p) < len)
		return -EINVAL;
	e->body = p;
	e->len = len;
	e->next = p + len;
	return 0;
}

/*
 * Tail of id[0], taken from the certificate as encoded:
 * Certificate ::= SEQUENCE { tbs SEQUENCE { [0] version OPTIONAL,
 * serialNumber INTEGER, signature AlgorithmIdentifier, issuer Name, ... } }
 */
static int serial_issuer_tail(X509 *cert, uint8_t tail[4])
{
	unsigned char *der = NULL;
	const uint8_t *end, *p;
	struct der_elem e, serial, issuer;
	uint8_t id[8];
	size_t n = 0;
	int len = i2d_X509(cert, &der), ret = -EINVAL;

	if (len <= 0)
		return -EINVAL;
	end = der + len;
	if (der_next(der, end, &e) || e.tag != 0x30 ||
	    der_next(e.body, e.next, &e) || e.tag != 0x30)
		goto out;
	end = e.next;
	p = e.body;
	if (der_next(p, end, &serial))
		goto out;
	if (serial.tag == 0xa0 && der_next(serial.next, end, &serial))
		goto out;
	if (serial.tag != 0x02 || der_next(serial.next, end, &e) || e.tag != 0x30 ||
	    der_next(e.next, end, &issuer) || issuer.tag != 0x30)
		goto out;
	/* the last 4 bytes of serial || issuer */
	if (issuer.len >= 4) {
		memcpy(tail, issuer.body + issuer.len - 4, 4);
		ret = 0;
		goto out;
	}
	if (serial.len + issuer.len < 4)
		goto out;
	n = 4 - issuer.len;
	memcpy(id, serial.body + serial.len - n, n);
	memcpy(id + n, issuer.body, issuer.len);
	memcpy(tail, id, 4);
	ret = 0;
out:
	OPENSSL_free(der);
	return ret;
}

int cert_kernel_ids(X509 *cert, struct cert_ids *ids)
{
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(cert);

	memset(ids, 0, sizeof(*ids));
	if (serial_issuer_tail(cert, ids->tail[0]))
		return -EINVAL;
	ids->has[0] = true;
	if (ski && ASN1_STRING_length(ski) >= 4) {
		memcpy(ids->tail[1], ASN1_STRING_get0_data(ski) +
		       ASN1_STRING_length(ski) - 4, 4);
		ids->has[1] = true;
	}
	return 0;
}

bool cert_ids_match(const struct cert_ids *ids, const uint8_t keyid[4])
{
	for (int i = 0; i < 2; i++)
		if (ids->has[i] && !memcmp(ids->tail[i], keyid, 4))
			return true;
	return false;
}

int keyid_from_cert(X509 *cert, uint8_t keyid[4])
{
	struct cert_ids ids;

	if (cert_kernel_ids(cert, &ids))
		return -EINVAL;
	memcpy(keyid, ids.tail[ids.has[1] ? 1 : 0], 4);
	return 0;
}

int keyid_parse_hex(const char *s, uint8_t keyid[4])
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (strlen(s) != 8)
		return -EINVAL;
	return hex_decode(s, 8, keyid);
}
