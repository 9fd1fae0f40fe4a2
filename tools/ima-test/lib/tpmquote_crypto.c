// SPDX-License-Identifier: GPL-2.0-only
/*
 * The attestation key and the quote's signature and PCR digest
 * (lib/tpmquote.h): TPM2B_PUBLIC to an OpenSSL key, and the checks, all
 * through the OpenSSL 3 EVP API.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "tpmquote.h"
#include "util.h"

#define AK_FILE_MAX (1u << 16)

/* TPMA_OBJECT bits */
#define TPMA_FIXED_TPM (1u << 1)
#define TPMA_RESTRICTED (1u << 16)
#define TPMA_DECRYPT (1u << 17)
#define TPMA_SIGN (1u << 18)

/* A bounded big-endian reader, as in tpmquote.c, kept local to this file. */
struct rd {
	const uint8_t *p;
	size_t left;
	bool bad;
};

static uint32_t rd_be(struct rd *r, size_t n)
{
	uint32_t v = 0;

	if (r->bad || n > r->left) {
		r->bad = true;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		v = v << 8 | r->p[i];
	r->p += n;
	r->left -= n;
	return v;
}

/* A TPM2B of at most @max bytes: its bytes stay in the input. */
static const uint8_t *rd_tpm2b(struct rd *r, size_t max, size_t *len)
{
	const uint8_t *p;

	*len = rd_be(r, 2);
	if (r->bad || *len > max || *len > r->left) {
		r->bad = true;
		*len = 0;
		return NULL;
	}
	p = r->p;
	r->p += *len;
	r->left -= *len;
	return p;
}

/* TPMT_SYM_DEF_OBJECT, then the scheme's alg (and its hash) in *@scheme. */
static void rd_sym_and_scheme(struct rd *r, uint16_t *scheme, bool *ecdaa)
{
	if (rd_be(r, 2) != TPM_ALG_NULL)
		rd_be(r, 4);			/* keyBits, mode */
	*scheme = rd_be(r, 2);
	*ecdaa = *scheme == 0x001a;		/* TPM_ALG_ECDAA: hash and count */
	if (*scheme != TPM_ALG_NULL)
		rd_be(r, *ecdaa ? 4 : 2);
}

static int rsa_key(const uint8_t *n, size_t n_len, uint32_t exponent, OSSL_PARAM_BLD *b,
		   BIGNUM **bn)
{
	bn[0] = BN_bin2bn(n, n_len, NULL);
	bn[1] = BN_new();
	if (!bn[0] || !bn[1] || !BN_set_word(bn[1], exponent ? exponent : 65537) ||
	    !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, bn[0]) ||
	    !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, bn[1]))
		return -ENOMEM;
	return 0;
}

static const char *curve_name(uint16_t curve, size_t *field)
{
	switch (curve) {
	case 0x0003: *field = 32; return "P-256";
	case 0x0004: *field = 48; return "P-384";
	case 0x0005: *field = 66; return "P-521";
	}
	return NULL;
}

static EVP_PKEY *from_params(const char *type, OSSL_PARAM_BLD *b)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(b);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pkey = NULL;

	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	ERR_clear_error();
	return pkey;
}

int tpmq_public_parse(const uint8_t *p, size_t len, EVP_PKEY **out, char *err, size_t errlen)
{
	struct rd r = { .p = p, .left = len };
	uint16_t type, scheme, curve = 0;
	uint32_t attrs, exponent = 0;
	const uint8_t *x, *y = NULL;
	size_t x_len, y_len = 0, field = 0, plen;
	uint8_t point[1 + 2 * TPMQ_ECC_MAX];
	OSSL_PARAM_BLD *b;
	BIGNUM *bn[2] = { NULL, NULL };
	bool ecdaa;
	int ret = -ENOMEM;

	*out = NULL;
	if (rd_be(&r, 2) != len - 2 || len < 2) {
		snprintf(err, errlen, "TPM2B_PUBLIC: size field does not match the file");
		return -EBADMSG;
	}
	type = rd_be(&r, 2);
	rd_be(&r, 2);					/* nameAlg */
	attrs = rd_be(&r, 4);
	rd_tpm2b(&r, TPMQ_DIGEST_MAX, &x_len);		/* authPolicy */
	if (!r.bad && type != TPM_ALG_RSA && type != TPM_ALG_ECC) {
		snprintf(err, errlen, "TPM2B_PUBLIC: key type 0x%04x is not RSA or ECC", type);
		return -ENOTSUP;
	}
	rd_sym_and_scheme(&r, &scheme, &ecdaa);
	if (type == TPM_ALG_RSA) {
		rd_be(&r, 2);				/* keyBits */
		exponent = rd_be(&r, 4);
		x = rd_tpm2b(&r, TPMQ_RSA_MAX, &x_len);
	} else {
		curve = rd_be(&r, 2);
		if (rd_be(&r, 2) != TPM_ALG_NULL)	/* kdf */
			rd_be(&r, 2);
		x = rd_tpm2b(&r, TPMQ_ECC_MAX, &x_len);
		y = rd_tpm2b(&r, TPMQ_ECC_MAX, &y_len);
	}
	if (r.bad || r.left || !x_len) {
		snprintf(err, errlen, "TPM2B_PUBLIC: truncated, too long or without a key");
		return -EBADMSG;
	}
	if ((attrs & (TPMA_FIXED_TPM | TPMA_RESTRICTED | TPMA_SIGN | TPMA_DECRYPT)) !=
	    (TPMA_FIXED_TPM | TPMA_RESTRICTED | TPMA_SIGN)) {
		snprintf(err, errlen, "TPM2B_PUBLIC: attributes 0x%08x: not a restricted signing "
			 "key fixed to its TPM (fixedTPM|restricted|sign, not decrypt), so what it "
			 "signs need not be a quote", attrs);
		return -EPERM;
	}
	if (ecdaa || (scheme != TPM_ALG_NULL && scheme != TPM_ALG_RSASSA &&
		      scheme != TPM_ALG_RSAPSS && scheme != TPM_ALG_ECDSA)) {
		snprintf(err, errlen, "TPM2B_PUBLIC: signing scheme 0x%04x is not RSASSA, RSAPSS "
			 "or ECDSA", scheme);
		return -ENOTSUP;
	}
	if (type == TPM_ALG_ECC && !curve_name(curve, &field)) {
		snprintf(err, errlen, "TPM2B_PUBLIC: curve 0x%04x is not NIST P-256, P-384 or P-521",
			 curve);
		return -ENOTSUP;
	}
	if (type == TPM_ALG_ECC && (x_len > field || y_len > field || !y_len)) {
		snprintf(err, errlen, "TPM2B_PUBLIC: point coordinates longer than the curve");
		return -EBADMSG;
	}
	if (!(b = OSSL_PARAM_BLD_new()))
		goto out;
	if (type == TPM_ALG_RSA) {
		if (rsa_key(x, x_len, exponent, b, bn))
			goto out;
		*out = from_params("RSA", b);
	} else {
		memset(point, 0, sizeof(point));
		point[0] = 0x04;
		memcpy(point + 1 + field - x_len, x, x_len);
		memcpy(point + 1 + 2 * field - y_len, y, y_len);
		plen = 1 + 2 * field;
		if (!OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME,
						     curve_name(curve, &field), 0) ||
		    !OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, point, plen))
			goto out;
		*out = from_params("EC", b);
	}
	ret = 0;
	if (!*out) {
		snprintf(err, errlen, "TPM2B_PUBLIC: OpenSSL does not take the key (a point off "
			 "the curve, or a bad modulus)");
		ret = -EBADMSG;
	}
out:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	BN_free(bn[0]);
	BN_free(bn[1]);
	OSSL_PARAM_BLD_free(b);
	return ret;
}

int tpmq_ak_load(const char *path, EVP_PKEY **out, bool *checked, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	int r, type;

	*out = NULL;
	*checked = false;
	r = read_file(path, &buf, &len, AK_FILE_MAX);
	if (r) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 r == -EINVAL ? "not a regular file" : strerror(-r));
		return r;
	}
	if (len >= 2 && (size_t)(buf[0] << 8 | buf[1]) == len - 2) {
		char why[256];

		r = tpmq_public_parse(buf, len, out, why, sizeof(why));
		if (r)
			snprintf(err, errlen, "%s: %s", path, why);
		*checked = !r;
		free(buf);
		return r;
	}
	if (memmem(buf, len, "-----BEGIN", 10)) {
		BIO *bio = BIO_new_mem_buf(buf, (int)len);

		*out = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
		BIO_free(bio);
	} else {
		const unsigned char *q = buf;

		*out = d2i_PUBKEY(NULL, &q, (long)len);
		if (*out && q != buf + len) {
			EVP_PKEY_free(*out);
			*out = NULL;
		}
	}
	ERR_clear_error();
	free(buf);
	if (!*out) {
		snprintf(err, errlen, "%s: not a PEM or DER public key, nor a TPM2B_PUBLIC", path);
		return -EBADMSG;
	}
	type = EVP_PKEY_get_base_id(*out);
	if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) {
		snprintf(err, errlen, "%s: an attestation key is RSA or EC", path);
		EVP_PKEY_free(*out);
		*out = NULL;
		return -ENOTSUP;
	}
	return 0;
}

/* The DER ECDSA-Sig-Value of r and s into *@der (OPENSSL_free it). */
static int ecdsa_der(const struct tpmq_signature *s, unsigned char **der)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(s->a, s->a_len, NULL), *ss = BN_bin2bn(s->b, s->b_len, NULL);
	int n = -1;

	*der = NULL;
	if (sig && r && ss && ECDSA_SIG_set0(sig, r, ss)) {
		r = ss = NULL;		/* owned by sig */
		n = i2d_ECDSA_SIG(sig, der);
	}
	BN_free(r);
	BN_free(ss);
	ECDSA_SIG_free(sig);
	return n;
}

int tpmq_signature_verify(EVP_PKEY *ak, const struct tpmq_signature *s,
			  const uint8_t *msg, size_t len, char *err, size_t errlen)
{
	const struct hash_algo *alg = tpmq_hash(s->hash);
	const EVP_MD *md = hash_algo_md(alg);
	bool rsa = EVP_PKEY_get_base_id(ak) == EVP_PKEY_RSA;
	unsigned char digest[EVP_MAX_MD_SIZE], *der = NULL;
	const unsigned char *sig = s->a;
	unsigned int dlen;
	size_t sig_len = s->a_len;
	EVP_PKEY_CTX *ctx = NULL;
	int r = -ENOMEM, ok;

	if (!md || rsa != (s->sig_alg != TPM_ALG_ECDSA)) {
		snprintf(err, errlen, "a %s signature cannot come from this %s key",
			 s->sig_alg == TPM_ALG_ECDSA ? "ECDSA" : "RSA", rsa ? "RSA" : "EC");
		return -ENOTSUP;
	}
	if (!EVP_Digest(msg, len, digest, &dlen, md, NULL))
		goto out;
	if (s->sig_alg == TPM_ALG_ECDSA) {
		int n = ecdsa_der(s, &der);

		if (n <= 0)
			goto out;
		sig = der;
		sig_len = (size_t)n;
	}
	ctx = EVP_PKEY_CTX_new(ak, NULL);
	if (!ctx || EVP_PKEY_verify_init(ctx) <= 0 || EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0)
		goto out;
	if (s->sig_alg == TPM_ALG_RSASSA && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0)
		goto out;
	if (s->sig_alg == TPM_ALG_RSAPSS &&
	    (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_AUTO) <= 0))
		goto out;
	ok = EVP_PKEY_verify(ctx, sig, sig_len, digest, dlen);
	r = ok == 1 ? 0 : -EBADMSG;
	if (r)
		snprintf(err, errlen, "the %s/%s signature does not verify with the attestation key",
			 s->sig_alg == TPM_ALG_RSASSA ? "RSASSA" :
			 s->sig_alg == TPM_ALG_RSAPSS ? "RSAPSS" : "ECDSA", alg->name);
out:
	if (r == -ENOMEM)
		snprintf(err, errlen, "OpenSSL could not set up the %s check", alg->name);
	ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	OPENSSL_free(der);
	return r;
}

int tpmq_pcr_digest(const struct tpmq_pcr_values *v, const struct hash_algo *alg,
		    uint8_t *md, size_t *md_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;
	int ok;

	ok = ctx && hash_algo_md(alg) && EVP_DigestInit_ex(ctx, hash_algo_md(alg), NULL);
	for (size_t i = 0; ok && i < v->n; i++)
		ok = EVP_DigestUpdate(ctx, v->v[i].v, v->v[i].len);
	ok = ok && EVP_DigestFinal_ex(ctx, md, &n);
	EVP_MD_CTX_free(ctx);
	*md_len = n;
	return ok ? 0 : -1;
}
