/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ids of every long-only option of every command, in one enum: ids
 * never collide, and a command's option table and its switch use these
 * names.  Short options are their letter.
 */
#ifndef IMA_TEST_OPTIONS_H
#define IMA_TEST_OPTIONS_H

enum option_id {
	OPT_FIRST = 0x100,	/* above every short option */
	/* tree commands (common.h) */
	OPT_XATTR_USER = OPT_FIRST,
	OPT_FOLLOW,
	/* several commands */
	OPT_CERT,
	OPT_FORMAT,
	OPT_KERNEL_CONFIG,
	/* key options (key_opts.h) */
	OPT_KEYID,
	OPT_PASS_FILE,
	/* EVM options (evm_opts.h) */
	OPT_EVM,
	OPT_EVM_KEY,
	OPT_UUID,
	OPT_EVM_NO_FSUUID,
	OPT_IMA_HASH,
	OPT_KMK,
	/* sign, sign-hash */
	OPT_VERITY,
	OPT_NO_ENABLE,
	OPT_VERITY_HASH,
	/* keys */
	OPT_KEYRING,
	/* apply */
	OPT_HOLD,
	/* audit, verify (scan.c) */
	OPT_HASH_ALGO,
	OPT_BOOT_AGGREGATE,
	OPT_MEASUREMENT_LIST,
	OPT_MANIFEST,
	/* log */
	OPT_LIST,
	OPT_PCRS,
	OPT_REFERENCE,
	OPT_IGNORE_VIOLATIONS,
	OPT_IMA_PCR,
	OPT_ALLOW_UNVERIFIED,
	OPT_PRINT_BOOT_AGGREGATE,
	/* log --quote (log_quote.h) */
	OPT_QUOTE,
	OPT_QUOTE_SIG,
	OPT_QUOTE_AK,
	OPT_QUOTE_NONCE,
	OPT_QUOTE_PCRS,
	/* ready */
	OPT_POLICY,
	OPT_UID,
	OPT_GID,
	OPT_EVM_STATE,
	OPT_MMAP_ANY,
	OPT_ACCESS,
	OPT_EVM_XATTRS,
	OPT_EVM_XATTRS_FILE,
	/* close-check */
	OPT_RANDOM,
	OPT_SEED,
	OPT_TIMEOUT,
	OPT_NO_TRACE,
	OPT_JSON,
};

#endif
