/* SPDX-License-Identifier: GPL-2.0-only */
/* The EVM options shared by sign, verify, audit and close-check. */
#ifndef IMA_TEST_EVM_OPTS_H
#define IMA_TEST_EVM_OPTS_H

#include <getopt.h>

#include "evm.h"
#include "options.h"

/* Long-only option ids, above common.h's. */
#define EVM_LONG_OPTIONS \
	{ "evm", no_argument, NULL, OPT_EVM }, \
	{ "evm-key", required_argument, NULL, OPT_EVM_KEY }, \
	{ "kmk", required_argument, NULL, OPT_KMK }, \
	{ "uuid", required_argument, NULL, OPT_UUID }, \
	{ "no-fsuuid", no_argument, NULL, OPT_EVM_NO_FSUUID }

#define EVM_CHECK_HELP \
	"      --evm           also check security.evm (HMAC with --evm-key,\n" \
	"                      signatures with --cert)\n" \
	"      --evm-key FILE  the EVM HMAC key: raw bytes or hex digits, or with\n" \
	"                      --kmk the encrypted key blob keyctl pipe prints\n" \
	"      --kmk FILE      the user key that is the blob's master key (its\n" \
	"                      bytes, as keyctl pipe prints them)\n" \
	"      --uuid UUID     file system UUID for the HMAC (default: asked\n" \
	"                      of the file system)\n" \
	"      --no-fsuuid     the kernel lacks CONFIG_EVM_ATTR_FSUUID\n"

/* The key files given; loaded once all options are read. */
struct evm_key_files {
	const char *key;	/* --evm-key */
	const char *kmk;	/* --kmk: then key is an encrypted key blob */
};

/*
 * Handle an EVM_LONG_OPTIONS option into @ctx (--evm sets *@on), the key
 * files into @files.  1 if handled, 0 if not one of them, -1 after printing
 * an error.
 */
int evm_option(int opt, const char *arg, struct evm_ctx *ctx,
	       bool *on, struct evm_key_files *files);

/*
 * After the options: load the HMAC key of @files into @ctx (and set *@on),
 * first making the process undumpable.  0 (also when no key was given), or
 * -1 after printing an error.
 */
int evm_key_files_load(const struct evm_key_files *files,
		       struct evm_ctx *ctx, bool *on);

#endif
