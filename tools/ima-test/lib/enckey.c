// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "enckey.h"
#include "util.h"

#define AES_BLOCK 16
#define DERIVED_LEN 32		/* sha256: an AES-256 key, an HMAC key */

static void say(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool is_sep(char c)
{
	return c == ' ' || c == '\t';
}

/* The next field of @s[*pos..end): its start and length; the one separator
 * after it is consumed.  An empty field (two separators, or the end) is
 * returned as such, as the kernel's strsep() would. */
static const char *next_field(const char *s, size_t end, size_t *pos, size_t *flen)
{
	size_t start = *pos, i = start;

	while (i < end && !is_sep(s[i]))
		i++;
	*flen = i - start;
	*pos = i < end ? i + 1 : i;
	return s + start;
}

static bool field_is(const char *f, size_t n, const char *word)
{
	return n == strlen(word) && !memcmp(f, word, n);
}

static bool has_prefix(const char *f, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);

	return n >= p && !memcmp(f, prefix, p);
}

static bool printable(const char *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f[i] <= ' ' || f[i] > '~')
			return false;
	return true;
}

int enckey_parse(const char *text, size_t len, struct enckey_blob *b,
		 char *err, size_t errlen)
{
	const char *f, *hex;
	size_t pos = 0, n, hexlen, want, i;

	memset(b, 0, sizeof(*b));
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (!len) {
		say(err, errlen, "empty: an encrypted key blob is 'default user:NAME LEN HEX'");
		return -EINVAL;
	}
	if (len > ENCKEY_BLOB_MAX) {
		say(err, errlen, "%zu bytes: longer than any encrypted key blob", len);
		return -EINVAL;
	}
	if (memchr(text, '\0', len)) {
		say(err, errlen, "binary data: an encrypted key blob is the text "
		    "'default user:NAME LEN HEX' that keyctl pipe prints");
		return -EINVAL;
	}

	f = next_field(text, len, &pos, &n);
	if (field_is(f, n, "ecryptfs") || field_is(f, n, "enc32")) {
		say(err, errlen, "an encrypted key of format '%.*s': only format 'default' "
		    "(an EVM key) is supported", (int)n, f);
		return -EOPNOTSUPP;
	}
	if (field_is(f, n, "load") || field_is(f, n, "new") || field_is(f, n, "update")) {
		say(err, errlen, "starts with the keyctl command '%.*s': give the blob as "
		    "keyctl pipe prints it, 'default user:NAME LEN HEX'", (int)n, f);
		return -EINVAL;
	}
	if (field_is(f, n, "default")) {
		b->format = f;
		b->format_len = n;
		f = next_field(text, len, &pos, &n);
	}
	/* else the older layout, which starts with the master key */
	if (!(has_prefix(f, n, "user:") && n > strlen("user:")) &&
	    !(has_prefix(f, n, "trusted:") && n > strlen("trusted:"))) {
		if (!b->format)
			say(err, errlen, "not an encrypted key blob: it should start with "
			    "format 'default' and master key 'user:NAME'");
		else if (!n)
			say(err, errlen, "no master key after the format");
		else if (printable(f, n) && n <= 64)
			say(err, errlen, "master key '%.*s' is neither user:NAME nor "
			    "trusted:NAME", (int)n, f);
		else
			say(err, errlen, "the master key is neither user:NAME nor trusted:NAME");
		return -EINVAL;
	}
	if (!printable(f, n)) {
		say(err, errlen, "the master key's name has control characters");
		return -EINVAL;
	}
	b->master = f;
	b->master_len = n;

	f = next_field(text, len, &pos, &n);
	b->dlen = 0;
	for (i = 0; i < n && i < 5 && f[i] >= '0' && f[i] <= '9'; i++)
		b->dlen = b->dlen * 10 + (size_t)(f[i] - '0');
	if (!n || i != n || b->dlen < ENCKEY_MIN_DATA || b->dlen > ENCKEY_MAX_DATA) {
		if (!n)
			say(err, errlen, "no decrypted length after the master key");
		else
			say(err, errlen, "the decrypted length is not a number from %d to %d",
			    ENCKEY_MIN_DATA, ENCKEY_MAX_DATA);
		return -EINVAL;
	}
	b->datalen = f;
	b->datalen_len = n;

	hex = next_field(text, len, &pos, &hexlen);
	if (!hexlen) {
		say(err, errlen, "no hex data after the decrypted length");
		return -EINVAL;
	}
	if (pos != len || hex + hexlen != text + len) {
		say(err, errlen, "more fields after the hex data");
		return -EINVAL;
	}
	for (i = 0; i < hexlen; i++) {
		if (hex_digit(hex[i]) < 0) {
			say(err, errlen, "the hex data has a character that is not a hex digit "
			    "(at digit %zu)", i);
			return -EINVAL;
		}
	}
	if (hexlen % 2) {
		say(err, errlen, "the hex data has an odd number of digits (%zu)", hexlen);
		return -EINVAL;
	}
	b->enc_len = (b->dlen + AES_BLOCK - 1) / AES_BLOCK * AES_BLOCK;
	want = 2 * (ENCKEY_IV_LEN + 1 + b->enc_len + ENCKEY_HMAC_LEN);
	if (hexlen != want) {
		say(err, errlen, "%zu hex digits where a %zu-byte key has %zu: "
		    "truncated or damaged blob", hexlen, b->dlen, want);
		return -EINVAL;
	}
	if (hex_decode(hex, 2 * ENCKEY_IV_LEN, b->iv))
		return -EINVAL;
	hex += 2 * ENCKEY_IV_LEN;
	if (hex[0] != '0' || hex[1] != '0') {
		say(err, errlen, "the byte after the IV is not 00: damaged blob");
		return -EINVAL;
	}
	hex += 2;
	if (hex_decode(hex, 2 * b->enc_len, b->enc) ||
	    hex_decode(hex + 2 * b->enc_len, 2 * ENCKEY_HMAC_LEN, b->hmac))
		return -EINVAL;
	return 0;
}

bool enckey_master_is_user(const struct enckey_blob *b)
{
	return b->master && has_prefix(b->master, b->master_len, "user:");
}

/* sha256 of "AUTH_KEY\0" | mk, or "ENC_KEY\0" | mk | "\0", at least 32 bytes. */
static int derive(const char *label, const uint8_t *mk, size_t mklen,
		  uint8_t out[DERIVED_LEN])
{
	size_t n = strlen("AUTH_KEY") + 1 + mklen;
	uint8_t *buf;
	int ok;

	if (n < DERIVED_LEN)
		n = DERIVED_LEN;
	buf = calloc(1, n);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, label, strlen(label));
	memcpy(buf + strlen(label) + 1, mk, mklen);
	ok = EVP_Digest(buf, n, out, NULL, EVP_sha256(), NULL);
	OPENSSL_cleanse(buf, n);
	free(buf);
	return ok ? 0 : -EIO;
}

/* The bytes the kernel's HMAC covers, in @buf (malloc'ed). */
static int hmac_input(const struct enckey_blob *b, uint8_t **buf, size_t *len)
{
	size_t n = 0, cap = b->format_len + 1 + b->master_len + 1 + b->datalen_len + 1 +
			    ENCKEY_IV_LEN + 1 + b->enc_len;
	uint8_t *p = calloc(1, cap);

	if (!p)
		return -ENOMEM;
	if (b->format) {
		memcpy(p, b->format, b->format_len);
		n = b->format_len + 1;
	}
	memcpy(p + n, b->master, b->master_len);
	n += b->master_len + 1;
	memcpy(p + n, b->datalen, b->datalen_len);
	n += b->datalen_len + 1;
	memcpy(p + n, b->iv, ENCKEY_IV_LEN);
	n += ENCKEY_IV_LEN + 1;		/* the separator stays 0 */
	memcpy(p + n, b->enc, b->enc_len);
	n += b->enc_len;
	*buf = p;
	*len = n;
	return 0;
}

static int hmac_sha256(const uint8_t key[DERIVED_LEN], const uint8_t *data, size_t len,
		       uint8_t md[ENCKEY_HMAC_LEN])
{
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
		OSSL_PARAM_construct_end()
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	size_t out = 0;
	int rc = -EIO;

	if (ctx && EVP_MAC_init(ctx, key, DERIVED_LEN, params) &&
	    EVP_MAC_update(ctx, data, len) &&
	    EVP_MAC_final(ctx, md, &out, ENCKEY_HMAC_LEN) && out == ENCKEY_HMAC_LEN)
		rc = 0;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

static int aes_decrypt(const uint8_t key[DERIVED_LEN], const struct enckey_blob *b,
		       uint8_t *plain)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, m = 0, rc = -EIO;

	if (ctx && EVP_DecryptInit_ex2(ctx, EVP_aes_256_cbc(), key, b->iv, NULL) &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	    EVP_DecryptUpdate(ctx, plain, &n, b->enc, (int)b->enc_len) &&
	    EVP_DecryptFinal_ex(ctx, plain + n, &m) && (size_t)(n + m) == b->enc_len)
		rc = 0;
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int enckey_decrypt(const struct enckey_blob *b, const uint8_t *mk, size_t mklen,
		   uint8_t *out, size_t cap, char *err, size_t errlen)
{
	uint8_t auth[DERIVED_LEN], enc[DERIVED_LEN], md[ENCKEY_HMAC_LEN];
	uint8_t plain[ENCKEY_MAX_DATA], *in = NULL;
	size_t inlen = 0;
	int rc;

	memset(out, 0, cap);
	if (!enckey_master_is_user(b)) {
		say(err, errlen, "its master key '%.*s' is a trusted key: sealed by a TPM, "
		    "it cannot be used outside the kernel (make the EVM key with a "
		    "user: master key to check its HMACs)", (int)b->master_len, b->master);
		return -ENOKEY;
	}
	if (!mklen) {
		say(err, errlen, "the master key is empty");
		return -EINVAL;
	}
	if (b->dlen > cap) {
		say(err, errlen, "it holds %zu bytes, more than the %zu wanted",
		    b->dlen, cap);
		return -ENOSPC;
	}
	rc = derive("AUTH_KEY", mk, mklen, auth);
	if (!rc)
		rc = hmac_input(b, &in, &inlen);
	if (!rc)
		rc = hmac_sha256(auth, in, inlen, md);
	if (rc) {
		say(err, errlen, "cannot check the blob's HMAC (%s)", strerror(-rc));
		goto out;
	}
	if (CRYPTO_memcmp(md, b->hmac, sizeof(md))) {
		say(err, errlen, "the blob's HMAC does not match: wrong master key or "
		    "damaged blob");
		rc = -EBADMSG;
		goto out;
	}
	rc = derive("ENC_KEY", mk, mklen, enc);
	if (!rc)
		rc = aes_decrypt(enc, b, plain);
	if (rc) {
		say(err, errlen, "cannot decrypt the blob (%s)", strerror(-rc));
		goto out;
	}
	memcpy(out, plain, b->dlen);
out:
	OPENSSL_cleanse(auth, sizeof(auth));
	OPENSSL_cleanse(enc, sizeof(enc));
	OPENSSL_cleanse(plain, sizeof(plain));
	if (in) {
		OPENSSL_cleanse(in, inlen);
		free(in);
	}
	return rc;
}
