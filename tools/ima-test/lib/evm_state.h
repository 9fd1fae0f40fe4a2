/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EVM as the running kernel has it: whether it is initialised, which
 * xattrs its HMAC covers, and the verdict its evm_verifyxattr() gives an
 * appraised file.  Once the kernel holds an EVM key, evm_verifyxattr() runs
 * on every appraisal, and IMA denies a file whose security.evm is missing
 * ("missing-HMAC") or does not verify ("invalid-HMAC"), whatever its
 * security.ima says.
 *
 * <securityfs>/evm reads as the kernel's evm_initialized without its
 * "setup complete" bit: 0x1 an HMAC key (EVM_INIT_HMAC), 0x2 an X.509 key
 * (EVM_INIT_X509), 0x4 metadata writes allowed (EVM_ALLOW_METADATA_WRITES).
 * Only the first two make the kernel check security.evm (evm_key_loaded()).
 */
#ifndef IMA_TEST_EVM_STATE_H
#define IMA_TEST_EVM_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "evm.h"

#define EVM_STATE_SECURITYFS "/sys/kernel/security/evm"
#define EVM_INIT_HMAC	0x1
#define EVM_INIT_X509	0x2

#define EVM_XATTRS_SECURITYFS "/sys/kernel/security/integrity/evm/evm_xattrs"

/* How the state was learnt. */
enum evm_state_source {
	EVM_STATE_ABSENT,	/* no such file: a kernel without EVM */
	EVM_STATE_UNREADABLE,	/* it exists but cannot be read: assumed active */
	EVM_STATE_READ,
	EVM_STATE_FORCED,	/* evm_state_force() */
};

struct evm_state {
	enum evm_state_source source;
	int err;		/* EVM_STATE_UNREADABLE: -errno */
	unsigned value;		/* what the file read as */
	bool active;		/* security.evm is required on appraised files */
};

/*
 * Read the EVM state from @path.  A missing file is a kernel without EVM
 * (inactive); a file that exists but cannot be read is assumed active, so
 * nothing is passed that EVM could deny.  0, or -EINVAL with @err set when
 * the content is not the kernel's.
 */
int evm_state_read(const char *path, struct evm_state *s, char *err, size_t errlen);

/* Model EVM as initialised, with both keys, whatever was read. */
void evm_state_force(struct evm_state *s);

/*
 * The xattr names in @text, separated by any of @seps, as bits of enum
 * evm_xattr_id in *@mask.  0, or -EINVAL with @err (prefixed by @source)
 * naming the first one whose value is not part of the digest computed
 * here, or saying none is named.
 */
int evm_xattrs_parse(const char *text, const char *seps, const char *source,
		     unsigned *mask, char *err, size_t errlen);

/* Where the kernel's xattrs came from. */
enum evm_xattrs_source {
	EVM_XATTRS_FROM_LIST,		/* the kernel's own list */
	EVM_XATTRS_FROM_CONFIG,		/* its build configuration */
};

/*
 * The xattrs the kernel's EVM covers, from its own sources: @sfs (its list;
 * only with CONFIG_EVM_ADD_XATTRS), else its build configuration
 * (evm_config_default_xattrnames, security/integrity/evm/evm_main.c):
 * @config (plain or gzip), or else /boot/config-$(uname -r), then
 * /proc/config.gz.  0 with *@mask and *@from, and for a config
 * @config_used naming the file; -ENOENT when there is no source; -EINVAL
 * or -errno with @err set (a source that cannot be read or parsed, a given
 * @config that does not exist).
 */
int evm_xattrs_kernel(const char *sfs, const char *config, unsigned *mask,
		      enum evm_xattrs_source *from, char *config_used, size_t usedlen,
		      char *err, size_t errlen);

enum evm_appraisal {
	EVM_APPRAISE_OK,
	EVM_APPRAISE_MISSING,		/* the kernel's missing-HMAC */
	EVM_APPRAISE_INVALID,		/* the kernel's invalid-HMAC */
	EVM_APPRAISE_UNREADABLE,
};

/*
 * The EVM check of the appraised file open at @fd, EVM being active with
 * the keys in @state (EVM_INIT_*): the security.evm xattr (user.evm with
 * ctx->user_xattr) exists, has a type the kernel accepts, the size that
 * type has, and verifies: an HMAC with the key in @ctx, a signature with
 * its certificates.  A value that cannot be verified here (no key, no
 * certificate) is EVM_APPRAISE_INVALID: the kernel will check it, and
 * nothing is passed that was not checked.  @why says why, in every case.
 */
enum evm_appraisal evm_appraise(const struct evm_ctx *ctx, unsigned state, int fd,
				char *why, size_t whylen);

#endif
