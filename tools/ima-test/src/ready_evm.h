/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EVM as `ready` models it (lib/evm_state.h): the state the kernel's EVM is
 * in and the xattrs its HMAC covers, with the notes the report's header
 * gives of them.
 */
#ifndef IMA_TEST_READY_EVM_H
#define IMA_TEST_READY_EVM_H

#include <stdbool.h>
#include <stddef.h>

#include "evm.h"
#include "evm_state.h"

struct ready_evm {
	struct evm_state state;	/* .active: security.evm is required on appraised files */
	char xattrs_note[512];	/* the xattrs the HMAC covers, and their source */
	bool user;		/* user.evm instead of security.evm */
	char note[256];		/* the state, for the report header */
	struct evm_ctx ctx;	/* HMAC key (--evm-key), certificates, UUID */
};

/*
 * Read the EVM state from @path (evm_state_read()) and say it in @e->note.
 * 0, or -EINVAL with @err set when the content is not the kernel's.
 */
int ready_evm_state(struct ready_evm *e, const char *path, bool user,
		    char *err, size_t errlen);

/*
 * Where to learn which xattrs EVM covers, in this order: @sfs (the
 * kernel's own list; only with CONFIG_EVM_ADD_XATTRS), @config (a kernel
 * config, plain or gzip) or else /boot/config-$(uname -r), then
 * /proc/config.gz, then @list ("security.selinux,security.ima,...").  A
 * list file or a default config that does not exist is passed over; a
 * given config that does not, a source that cannot be read or parsed, or
 * one naming an xattr whose value is not part of the digest computed
 * here, is an error.
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

#endif
