// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "modsig.h"
#include "sig.h"

static const struct cert *find_signer(const struct certset *certs, CMS_SignerInfo *si)
{
	ASN1_OCTET_STRING *keyid = NULL;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *serial = NULL;

	if (CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial) <= 0)
		return NULL;
	/* The kernel finds a PKCS#7 signer by its whole id, not by a tail. */
	for (size_t i = 0; keyid && i < certs->n; i++) {
		const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(certs->v[i].x509);

		if (ski && !ASN1_OCTET_STRING_cmp(ski, keyid))
			return &certs->v[i];
	}
	if (keyid)
		return NULL;
	for (size_t i = 0; issuer && serial && i < certs->n; i++)
		if (!X509_NAME_cmp(X509_get_issuer_name(certs->v[i].x509), issuer) &&
		    !ASN1_INTEGER_cmp(X509_get0_serialNumber(certs->v[i].x509), serial))
			return &certs->v[i];
	return NULL;
}

enum modsig_status modsig_verify(const uint8_t *sig, size_t len,
				 const struct hash_algo *alg,
				 const uint8_t *digest, size_t digest_len,
				 const struct certset *certs,
				 char *why, size_t whylen)
{
	const unsigned char *p = sig;
	CMS_ContentInfo *cms = len < (1u << 20) ? d2i_CMS_ContentInfo(NULL, &p, (long)len) : NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	CMS_SignerInfo *si;
	X509_ALGOR *dalg = NULL;
	ASN1_OCTET_STRING *s;
	const struct cert *c;
	enum modsig_status r = MODSIG_MALFORMED;
	int nid;

	if (!cms || p != sig + len ||
	    OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		snprintf(why, whylen, "not a DER PKCS#7 SignedData");
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (!sis || sk_CMS_SignerInfo_num(sis) != 1) {
		snprintf(why, whylen, "not exactly one signer");
		goto out;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	if (CMS_signed_get_attr_count(si) > 0) {
		snprintf(why, whylen, "signed attributes are not supported");
		goto out;
	}
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dalg, NULL);
	nid = dalg ? OBJ_obj2nid(dalg->algorithm) : NID_undef;
	if (!alg || nid == NID_undef || strcasecmp(OBJ_nid2sn(nid), alg->name)) {
		snprintf(why, whylen, "signed with %s, the list holds a %s digest",
			 nid == NID_undef ? "?" : OBJ_nid2sn(nid), alg ? alg->name : "?");
		r = MODSIG_BAD;
		goto out;
	}
	c = find_signer(certs, si);
	if (!c) {
		snprintf(why, whylen, "no certificate for the signer");
		r = MODSIG_UNKNOWN_KEY;
		goto out;
	}
	s = CMS_SignerInfo_get0_signature(si);
	if (s && sig_v2_verify(c->pub, alg, digest, digest_len,
			       ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s))) {
		r = MODSIG_OK;
	} else {
		snprintf(why, whylen, "%s signature does not verify with %s", alg->name, c->path);
		r = MODSIG_BAD;
	}
out:
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return r;
}
