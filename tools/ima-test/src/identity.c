// SPDX-License-Identifier: GPL-2.0-only
/*
 * The signing identity of sign and sign-hash: the private key, the checks
 * that the kernel can use it, and the keyid written, which must be one the
 * kernel finds the certificate by.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "certs.h"
#include "common.h"
#include "identity.h"
#include "pkcs11_key.h"
#include "sig.h"
#include "util.h"

static int check_key(const char *key, EVP_PKEY *pkey, mode_t mode)
{
	char why[160];

	if (!key_kernel_usable(pkey, why, sizeof(why))) {
		cmd_warnx("%s: %s", key, why);
		return -1;
	}
	if (mode & (S_IRGRP | S_IROTH))
		cmd_warnx("%s: warning: private key readable by %s (mode %04o); "
			  "chmod go-rwx it", key,
			mode & S_IROTH ? "every user" : "its group", (unsigned)mode);
	return 0;
}

/*
 * The keyid written must be one the kernel finds the certificate by
 * (cert_ids_match): refused for a --cert, a warning for an appended one.
 */
static int check_keyid(const struct identity_args *a, const struct cert *crt,
		       const uint8_t keyid[4], const char *shown)
{
	char hex[9];

	if (crt->unusable[0]) {
		cmd_warnx("%s: %s %s", crt->path,
			a->cert == a->key ? "warning:" : "refused:", crt->unusable);
		return a->cert == a->key ? 0 : -1;
	}
	if (cert_ids_match(&crt->ids, keyid))
		return 0;
	hex_encode(keyid, 4, hex);
	cmd_warnx("%s: %s the kernel will not find %s by keyid %s", a->cert == a->key ? shown : a->cert,
		a->cert == a->key ? "warning:" : "refused:", crt->path, hex);
	return a->cert == a->key ? 0 : -1;
}

/*
 * A token's key has no file to append a certificate to: its keyid comes
 * from the token's public key, or from a --cert that matches it.  Where
 * the two differ the certificate's is written (the kernel finds the
 * certificate by it), with a warning.
 */
static void warn_token_keyid(const struct identity_args *a, const struct cert *crt,
			     const uint8_t token_keyid[4], const char *shown)
{
	char hex[9], thex[9];

	if (!memcmp(crt->keyid, token_keyid, 4))
		return;
	hex_encode(crt->keyid, 4, hex);
	hex_encode(token_keyid, 4, thex);
	cmd_warnx("%s: warning: keyid %s of %s differs from %s, the hash of "
		  "the token's public key; writing %s", shown, hex, a->cert, thex, hex);
}

int identity_load(struct identity_args *a, EVP_PKEY **key, uint8_t keyid[4])
{
	char err[512], shown[256];
	bool token = pkcs11_uri_is(a->key);
	uint8_t token_keyid[4];
	struct cert crt;
	mode_t mode = 0;

	/* only the redacted form of a URI is ever printed */
	pkcs11_uri_redact(a->key, shown, sizeof(shown));
	if (!token)
		snprintf(shown, sizeof(shown), "%s", a->key);
	if (key_load_private(a->key, a->pass, key, &mode, err, sizeof(err))) {
		cmd_warnx("%s", err);
		return -1;
	}
	if (check_key(shown, *key, mode))
		return -1;
	if (keyid_from_pubkey(*key, keyid)) {
		cmd_warnx("%s: cannot derive keyid", shown);
		return -1;
	}
	memcpy(token_keyid, keyid, 4);
	if (a->keyid && keyid_parse_hex(a->keyid, keyid)) {
		usage_error("--keyid wants 8 hex digits, not '%s'", a->keyid);
		return -1;
	}
	/*
	 * As with evmctl, a certificate appended to the key file names the
	 * keyid.  Never for a pkcs11: URI, which is no file name (a file of
	 * that name in the working directory must not choose the keyid).
	 */
	if (!a->cert && !token && !cert_load(a->key, &crt, err, sizeof(err))) {
		cert_free(&crt);
		a->cert = a->key;
	}
	if (!a->cert)
		return 0;
	if (cert_load(a->cert, &crt, err, sizeof(err))) {
		cmd_warnx("%s", err);
		return -1;
	}
	if (!sig_key_matches(*key, crt.pub)) {
		if (a->cert == a->key)
			cmd_warnx("%s: the appended certificate does not match the key", shown);
		else
			cmd_warnx("%s does not match key %s", a->cert, shown);
		cert_free(&crt);
		return -1;
	}
	if (!a->keyid) {
		if (token)
			warn_token_keyid(a, &crt, token_keyid, shown);
		memcpy(keyid, crt.keyid, 4);
	}
	if (check_keyid(a, &crt, keyid, shown)) {
		cert_free(&crt);
		return -1;
	}
	cert_free(&crt);
	return 0;
}
