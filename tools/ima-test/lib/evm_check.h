/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checking a security.evm value the way the kernel's evm_verifyxattr()
 * does: every outcome is a class, with a one-line reason.
 */
#ifndef IMA_TEST_EVM_CHECK_H
#define IMA_TEST_EVM_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evm.h"

enum evm_class {
	EVM_OK,			/* HMAC matches, or signature verifies */
	EVM_MISSING,		/* no security.evm */
	EVM_INVALID_HMAC,	/* HMAC does not match the file */
	EVM_BAD_SIGNATURE,	/* signature does not verify with its key */
	EVM_UNKNOWN_KEY,	/* no given certificate has the keyid */
	EVM_NO_HMAC_KEY,	/* an HMAC, but no key to check it with */
	EVM_MALFORMED,		/* not a valid security.evm value */
	EVM_UNSUPPORTED,	/* valid layout, version/algorithm not handled */
	EVM_UNREADABLE,		/* xattrs or metadata cannot be read */
	EVM__COUNT
};

/* "ok", "missing", "invalid-hmac", "bad-signature", "unknown-key",
 * "no-hmac-key", "malformed", "unsupported", "unreadable". */
const char *evm_class_name(enum evm_class c);

struct evm_result {
	enum evm_class cls;
	uint8_t type;			/* of the value found, 0 if none */
	bool immutable;			/* a portable signature */
	bool have_keyid;
	uint8_t keyid[4];
	char detail[256];		/* one line, empty when ok */
};

/*
 * Check the security.evm of the open file @fd as the kernel would.
 * Never fails: every outcome is a class.  Thread safe.
 */
void evm_check(int fd, const struct evm_ctx *ctx, struct evm_result *res);

/* The same for the file at @path, never opened (evm_inode_read_path()). */
void evm_check_path(const char *path, const struct evm_ctx *ctx,
		    struct evm_result *res);

/* The same on an already read @in and security.evm value @val. */
void evm_check_inode(const struct evm_ctx *ctx, const struct evm_inode *in,
		     const uint8_t *val, size_t len, struct evm_result *res);

#endif
