// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "certs.h"
#include "sig.h"
#include "pkcs11_key.h"
#include "util.h"

#define CERT_FILE_MAX (1u << 20)

/* Free a buffer that may have held a secret, wiping it first. */
static void wipe_free(uint8_t *p, size_t len)
{
	if (p)
		OPENSSL_cleanse(p, len);
	free(p);
}

static int slurp_or_err(const char *path, const char *what, uint8_t **buf,
			size_t *len, mode_t *mode, char *err, size_t errlen)
{
	int r = read_file_mode(path, buf, len, CERT_FILE_MAX, mode);

	if (r < 0) {
		snprintf(err, errlen, "%s: cannot read %s: %s", path, what,
			 r == -EINVAL ? "not a regular file" : strerror(-r));
		return r;
	}
	return 0;
}

int cert_load(const char *path, struct cert *c, char *err, size_t errlen)
{
	const ASN1_OCTET_STRING *ski;
	const unsigned char *p;
	uint8_t *data;
	size_t len;
	X509 *x = NULL;

	memset(c, 0, sizeof(*c));
	if (slurp_or_err(path, "certificate", &data, &len, NULL, err, errlen))
		return -EINVAL;
	if (strstr((char *)data, "-----BEGIN")) {
		BIO *bio = BIO_new_mem_buf(data, (int)len);

		if (bio)
			x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		BIO_free(bio);
	} else {
		p = data;
		x = d2i_X509(NULL, &p, (long)len);
	}
	/* a key file with an appended certificate is read here too */
	wipe_free(data, len);
	ERR_clear_error();
	if (!x) {
		snprintf(err, errlen, "%s: not an X.509 certificate (PEM or DER)", path);
		return -EINVAL;
	}
	c->x509 = x;
	c->pub = X509_get0_pubkey(x);
	if (!c->pub || cert_kernel_ids(x, &c->ids) || keyid_from_cert(x, c->keyid)) {
		snprintf(err, errlen, "%s: certificate has an unusable public key", path);
		X509_free(x);
		memset(c, 0, sizeof(*c));
		return -EINVAL;
	}
	if (!key_kernel_usable(c->pub, c->unusable, sizeof(c->unusable)) &&
	    !c->unusable[0])
		snprintf(c->unusable, sizeof(c->unusable), "key the kernel cannot use");
	/* x509_process_extension(): an SKI must be 1..127 bytes (short-form length) */
	ski = X509_get0_subject_key_id(x);
	if (!c->unusable[0] && ski &&
	    (ASN1_STRING_length(ski) < 1 || ASN1_STRING_length(ski) > 127))
		snprintf(c->unusable, sizeof(c->unusable),
			 "subject key identifier of %d bytes: the kernel refuses the certificate",
			 ASN1_STRING_length(ski));
	c->path = strdup(path);
	if (!c->path) {
		snprintf(err, errlen, "%s: out of memory", path);
		X509_free(x);
		return -ENOMEM;
	}
	return 0;
}

void cert_free(struct cert *c)
{
	X509_free(c->x509);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

int certset_add(struct certset *set, const char *path, char *err, size_t errlen)
{
	struct cert *v = realloc(set->v, (set->n + 1) * sizeof(*v));

	if (!v) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	set->v = v;
	if (cert_load(path, &set->v[set->n], err, errlen))
		return -EINVAL;
	set->n++;
	return 0;
}

size_t certset_match(const struct certset *set, const uint8_t keyid[4],
		     const struct cert **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++)
		if (cert_ids_match(&set->v[i].ids, keyid)) {
			if (n < max)
				out[n] = &set->v[i];
			n++;
		}
	return n;
}

int certset_verify(const struct certset *set, const uint8_t keyid[4],
		   const struct hash_algo *alg, const uint8_t *md, size_t md_len,
		   const uint8_t *sig, size_t sig_len, bool *signed_other)
{
	const struct cert *m[8];
	size_t n = certset_match(set, keyid, m, 8);

	*signed_other = false;
	if (!n)
		return -ENOKEY;
	if (n > 8)
		return -E2BIG;
	/* the kernel may pick any certificate that matches: all must verify */
	for (size_t i = 0; i < n; i++)
		if (m[i]->unusable[0] || !sig_v2_verify(m[i]->pub, alg, md, md_len, sig, sig_len)) {
			*signed_other = !m[i]->unusable[0] &&
				sig_v2_signed_other(m[i]->pub, alg, sig, sig_len);
			return 0;
		}
	return 1;
}

void certset_free(struct certset *set)
{
	for (size_t i = 0; i < set->n; i++)
		cert_free(&set->v[i]);
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

struct pass_request {
	const char *pass;
	int asked;
};

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_request *req = u;
	size_t len;

	(void)rwflag;
	req->asked = 1;
	if (!req->pass)
		return -1;	/* pem_password_cb: no passphrase */
	len = strlen(req->pass);
	if (len > (size_t)size)
		return -1;	/* pem_password_cb: too long */
	memcpy(buf, req->pass, len);
	return (int)len;
}

int key_load_private(const char *path, const char *pass, EVP_PKEY **out,
		     mode_t *mode, char *err, size_t errlen)
{
	struct pass_request req = { pass, 0 };
	EVP_PKEY *pkey = NULL;
	uint8_t *data;
	size_t len;
	int type;

	*out = NULL;
	if (pkcs11_uri_is(path)) {
		if (mode)
			*mode = 0;
		return pkcs11_key_load(path, pass, out, err, errlen);
	}
	if (slurp_or_err(path, "key", &data, &len, mode, err, errlen))
		return -EINVAL;
	if (strstr((char *)data, "-----BEGIN")) {
		BIO *bio = BIO_new_mem_buf(data, (int)len);

		if (bio)
			pkey = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, &req);
		BIO_free(bio);
	} else {
		const unsigned char *p = data;

		pkey = d2i_AutoPrivateKey(NULL, &p, (long)len);
	}
	ERR_clear_error();
	if (!pkey) {
		if (req.asked && !pass)
			snprintf(err, errlen, "%s: key is encrypted; give --pass-file or set IMA_TEST_KEY_PASS", path);
		else if (req.asked)
			snprintf(err, errlen, "%s: cannot decrypt key (wrong passphrase?)", path);
		else if (strstr((char *)data, "-----BEGIN CERTIFICATE") ||
			 strstr((char *)data, "PUBLIC KEY-----"))
			snprintf(err, errlen, "%s: is a certificate or public key, not a private key", path);
		else
			snprintf(err, errlen, "%s: not a private key (PEM or DER)", path);
		wipe_free(data, len);
		return -EINVAL;
	}
	wipe_free(data, len);
	type = EVP_PKEY_get_base_id(pkey);
	if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) {
		snprintf(err, errlen, "%s: unsupported key type %s (use RSA or EC)",
			 path, OBJ_nid2sn(type));
		EVP_PKEY_free(pkey);
		return -EOPNOTSUPP;
	}
	*out = pkey;
	return 0;
}

char *pass_file_read(const char *path, char *err, size_t errlen)
{
	uint8_t *data;
	size_t len;
	char *nl;

	if (slurp_or_err(path, "passphrase file", &data, &len, NULL, err, errlen))
		return NULL;
	nl = memchr(data, '\n', len);
	if (nl) {
		OPENSSL_cleanse(nl, len - (size_t)((uint8_t *)nl - data));
		if (nl > (char *)data && nl[-1] == '\r')
			nl[-1] = '\0';
	}
	return (char *)data;
}

void secret_free(char *s)
{
	if (s)
		OPENSSL_cleanse(s, strlen(s));
	free(s);
}
