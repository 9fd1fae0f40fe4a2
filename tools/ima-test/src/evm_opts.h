/* SPDX-License-Identifier: GPL-2.0-only */
/* The EVM options shared by sign, verify, audit and close-check. */
#ifndef IMA_TEST_EVM_OPTS_H
#define IMA_TEST_EVM_OPTS_H

#include <getopt.h>

#include "evm.h"

/* Long-only option ids, above common.h's. */
enum {
	OPT_EVM = 0x300,
	OPT_EVM_KEY,
	OPT_UUID,
	OPT_EVM_NO_FSUUID,
	OPT_IMA_HASH,
};

#define EVM_LONG_OPTIONS \
	{ "evm", no_argument, NULL, OPT_EVM }, \
	{ "evm-key", required_argument, NULL, OPT_EVM_KEY }, \
	{ "uuid", required_argument, NULL, OPT_UUID }, \
	{ "no-fsuuid", no_argument, NULL, OPT_EVM_NO_FSUUID }

#define EVM_CHECK_HELP \
	"      --evm           also check security.evm (HMAC with --evm-key,\n" \
	"                      signatures with --cert)\n" \
	"      --evm-key FILE  the EVM HMAC key: raw bytes or hex digits\n" \
	"      --uuid UUID     file system UUID for the HMAC (default: asked\n" \
	"                      of the file system)\n" \
	"      --no-fsuuid     the kernel lacks CONFIG_EVM_ATTR_FSUUID\n"

/*
 * Handle an EVM_LONG_OPTIONS option into @ctx (--evm sets *@on).
 * 1 if handled, 0 if not one of them, -1 after printing an error.
 */
int evm_option(const char *cmd, int opt, const char *arg, struct evm_ctx *ctx,
	       bool *on);

#endif
