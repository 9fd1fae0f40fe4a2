// SPDX-License-Identifier: GPL-2.0-only
/* Making EVM portable signatures (see evm.h). */
#include <stdio.h>
#include <stdlib.h>

#include "evm.h"
#include "sig.h"

size_t evm_sign_portable(int fd, const struct evm_ctx *ctx, EVP_PKEY *key,
			 const uint8_t keyid[4], const struct hash_algo *alg,
			 uint8_t *out, size_t cap, char *err, size_t errlen)
{
	struct evm_inode *in = malloc(sizeof(*in));
	uint8_t md[HASH_MAX_DIGEST], sig[SIG_MAX];
	size_t md_len, sig_len, n = 0;

	if (!in) {
		snprintf(err, errlen, "out of memory");
		return 0;
	}
	if (evm_inode_read(fd, ctx, in, err, errlen) ||
	    evm_digest(ctx, in, EVM_XATTR_PORTABLE_DIGSIG, alg, md, &md_len, err, errlen) ||
	    sig_v2_sign(key, alg, md, md_len, sig, &sig_len, err, errlen))
		goto out;
	n = evm_xattr_encode_sig(EVM_XATTR_PORTABLE_DIGSIG, alg, keyid, sig, sig_len,
				 out, cap);
	if (!n)
		snprintf(err, errlen, "EVM signature does not fit");
out:
	free(in);
	return n;
}
