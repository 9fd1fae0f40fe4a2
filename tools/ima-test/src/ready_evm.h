/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EVM as `ready` models it.  Once the kernel holds an EVM key,
 * evm_verifyxattr() runs on every appraisal, and IMA denies a file whose
 * security.evm is missing ("missing-HMAC") or does not verify
 * ("invalid-HMAC"), whatever its security.ima says.
 *
 * <securityfs>/evm reads as the kernel's evm_initialized without its
 * "setup complete" bit: 0x1 an HMAC key (EVM_INIT_HMAC), 0x2 an X.509 key
 * (EVM_INIT_X509), 0x4 metadata writes allowed (EVM_ALLOW_METADATA_WRITES).
 * Only the first two make the kernel check security.evm (evm_key_loaded()).
 */
#ifndef IMA_TEST_READY_EVM_H
#define IMA_TEST_READY_EVM_H

#include <stdbool.h>
#include <stddef.h>

#include "evm.h"

#define READY_EVM_SECURITYFS "/sys/kernel/security/evm"
#define READY_EVM_INIT_HMAC	0x1
#define READY_EVM_INIT_X509	0x2

#define READY_EVM_XATTRS_SECURITYFS "/sys/kernel/security/integrity/evm/evm_xattrs"

struct ready_evm {
	bool active;		/* security.evm is required on appraised files */
	char xattrs_note[512];	/* the xattrs the HMAC covers, and their source */
	unsigned value;		/* what @path read as */
	bool user;		/* user.evm instead of security.evm */
	char note[256];		/* the state, for the report header */
	struct evm_ctx ctx;	/* HMAC key (--evm-key), certificates, UUID */
};

/*
 * Read the EVM state from @path.  A missing file is a kernel without EVM
 * (inactive); a file that exists but cannot be read is assumed active, so
 * nothing is passed that EVM could deny.  0, or -EINVAL with @err set when
 * the content is not the kernel's.
 */
int ready_evm_state(struct ready_evm *e, const char *path, bool user,
		    char *err, size_t errlen);

/*
 * Where to learn which xattrs EVM covers (evm_config_default_xattrnames,
 * security/integrity/evm/evm_main.c), in this order: @sfs (the kernel's
 * own list; only with CONFIG_EVM_ADD_XATTRS), @config (a kernel config,
 * plain or gzip) or else /boot/config-$(uname -r), then /proc/config.gz,
 * then @list ("security.selinux,security.ima,...").  A list file or a
 * default config that does not exist is passed over; a given config that
 * does not, a source that cannot be read or parsed, or one naming an xattr
 * whose value is not part of the digest computed here, is an error.
 */
struct ready_evm_xattr_sources {
	const char *sfs;
	const char *config;
	const char *list;
};

/*
 * Set @e->ctx.enabled from the first source of @src there is, and say
 * which in @e->xattrs_note.  0; -ENOENT when there is none (with @err
 * saying what to give); -EINVAL or -errno with @err set.
 */
int ready_evm_xattrs(struct ready_evm *e, const struct ready_evm_xattr_sources *src,
		     char *err, size_t errlen);

/* --evm: model EVM as initialised whatever @path said. */
void ready_evm_force(struct ready_evm *e);

enum ready_evm_verdict {
	READY_EVM_OK,
	READY_EVM_MISSING,	/* the kernel's missing-HMAC */
	READY_EVM_INVALID,	/* the kernel's invalid-HMAC */
	READY_EVM_UNREADABLE,
};

/*
 * The EVM check of the appraised file open at @fd, for an active @e: the
 * security.evm xattr exists, has a type the kernel accepts, the size that
 * type has, and verifies: an HMAC with the key in @e->ctx (--evm-key), a
 * signature with its certificates (--cert).  A value that cannot be
 * verified here (no key, no certificate) is READY_EVM_INVALID: the kernel
 * will check it, and ready never passes what it has not checked.
 */
enum ready_evm_verdict ready_evm_verify(const struct ready_evm *e, int fd,
					char *why, size_t whylen);

#endif
