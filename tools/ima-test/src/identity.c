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
#include "sig.h"
#include "util.h"

static int check_key(const char *cmd, const char *key, EVP_PKEY *pkey, mode_t mode)
{
	char why[160];

	if (!key_kernel_usable(pkey, why, sizeof(why))) {
		fprintf(stderr, "ima-test %s: %s: %s\n", cmd, key, why);
		return -1;
	}
	if (mode & (S_IRGRP | S_IROTH))
		fprintf(stderr, "ima-test %s: %s: warning: private key readable by %s (mode %04o); "
			"chmod go-rwx it\n", cmd, key,
			mode & S_IROTH ? "every user" : "its group", (unsigned)mode);
	return 0;
}

/*
 * The keyid written must be one the kernel finds the certificate by
 * (cert_ids_match): refused for a --cert, a warning for an appended one.
 */
static int check_keyid(const struct identity_args *a, const struct cert *crt,
		       const uint8_t keyid[4])
{
	char hex[9];

	if (crt->unusable[0]) {
		fprintf(stderr, "ima-test %s: %s: %s %s\n", a->cmd, crt->path,
			a->cert == a->key ? "warning:" : "refused:", crt->unusable);
		return a->cert == a->key ? 0 : -1;
	}
	if (cert_ids_match(&crt->ids, keyid))
		return 0;
	hex_encode(keyid, 4, hex);
	fprintf(stderr, "ima-test %s: %s: %s the kernel will not find %s by keyid %s\n",
		a->cmd, a->cert == a->key ? a->key : a->cert,
		a->cert == a->key ? "warning:" : "refused:", crt->path, hex);
	return a->cert == a->key ? 0 : -1;
}

int identity_load(struct identity_args *a, EVP_PKEY **key, uint8_t keyid[4])
{
	char err[512];
	struct cert crt;
	mode_t mode = 0;

	if (key_load_private(a->key, a->pass, key, &mode, err, sizeof(err))) {
		fprintf(stderr, "ima-test %s: %s\n", a->cmd, err);
		return -1;
	}
	if (check_key(a->cmd, a->key, *key, mode))
		return -1;
	if (keyid_from_pubkey(*key, keyid)) {
		fprintf(stderr, "ima-test %s: %s: cannot derive keyid\n", a->cmd, a->key);
		return -1;
	}
	if (a->keyid && keyid_parse_hex(a->keyid, keyid)) {
		usage_error(a->cmd, "--keyid wants 8 hex digits, not '%s'", a->keyid);
		return -1;
	}
	/* As with evmctl, a certificate appended to the key file names the keyid. */
	if (!a->cert && !cert_load(a->key, &crt, err, sizeof(err))) {
		cert_free(&crt);
		a->cert = a->key;
	}
	if (!a->cert)
		return 0;
	if (cert_load(a->cert, &crt, err, sizeof(err))) {
		fprintf(stderr, "ima-test %s: %s\n", a->cmd, err);
		return -1;
	}
	if (!sig_key_matches(*key, crt.pub)) {
		if (a->cert == a->key)
			fprintf(stderr, "ima-test %s: %s: the appended certificate does not match the key\n",
				a->cmd, a->key);
		else
			fprintf(stderr, "ima-test %s: %s does not match key %s\n", a->cmd, a->cert, a->key);
		cert_free(&crt);
		return -1;
	}
	if (!a->keyid)
		memcpy(keyid, crt.keyid, 4);
	if (check_keyid(a, &crt, keyid)) {
		cert_free(&crt);
		return -1;
	}
	cert_free(&crt);
	return 0;
}
