/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The signing key's options, one block for sign and sign-hash: --key,
 * --cert, --keyid, --pass-file, and -p, which is refused.
 */
#ifndef IMA_TEST_KEY_OPTS_H
#define IMA_TEST_KEY_OPTS_H

#include <getopt.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "identity.h"
#include "options.h"

struct key_opts {
	struct identity_args id;	/* .pass from IMA_TEST_KEY_PASS */
	const char *pass_file;
};

#define KEY_LONG_OPTIONS \
	{ "key", required_argument, NULL, 'k' }, \
	{ "cert", required_argument, NULL, OPT_CERT }, \
	{ "keyid", required_argument, NULL, OPT_KEYID }, \
	{ "pass", required_argument, NULL, 'p' }, \
	{ "pass-file", required_argument, NULL, OPT_PASS_FILE }
#define KEY_SHORT_OPTIONS "k:p:"

#define KEY_HELP \
	"  -k, --key KEY       private key: a PEM or DER file (RSA or EC), or a\n" \
	"                      pkcs11: URI\n" \
	"      --cert CERT     certificate of KEY: the keyid the kernel finds it by\n" \
	"                      (default: a certificate appended to KEY, if any)\n" \
	"      --keyid HEX     use this 4-byte keyid (8 hex digits)\n" \
	"      --pass-file F   passphrase or PIN of KEY: first line of F\n" \
	"                      (or env IMA_TEST_KEY_PASS; -p PASS is refused:\n" \
	"                      other users could read it)\n"

void key_opts_init(struct key_opts *k);

/* A KEY_LONG_OPTIONS option: 1 handled, 0 not one of them, -1 after a usage error. */
int key_option(struct key_opts *k, int opt, const char *arg);

/*
 * After the options: --key is required (0, or -1 after a usage error).
 */
int key_opts_check(const struct key_opts *k);

/*
 * Keep secrets out of core dumps, read the passphrase and load the key
 * (identity_load()).  0, or -1 after a message; *@key is then NULL.
 */
int key_opts_load(struct key_opts *k, EVP_PKEY **key, uint8_t keyid[4]);

#endif
