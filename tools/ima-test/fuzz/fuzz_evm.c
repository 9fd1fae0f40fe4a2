// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the security.evm decoder and check: any input must
 * decode or be rejected with a reason, without reading out of bounds;
 * what decodes must re-encode to the same bytes; and the check of a made-up
 * inode against it must end in a class with a reason, never in a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "evm.h"
#include "evm_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct evm_inode in;	/* large; contents do not matter */
	uint8_t *copy = malloc(size ? size : 1), out[IMA_XATTR_MAX];
	struct evm_result res;
	struct evm_xattr x;
	struct evm_ctx ctx;
	char why[128];
	size_t n = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);	/* exact-size heap buffer: ASan sees overreads */
	switch (evm_xattr_decode(copy, size, &x, why, sizeof(why))) {
	case IMA_XATTR_OK:
		if (x.type == EVM_XATTR_HMAC)
			n = evm_xattr_encode_hmac(x.hmac, out, sizeof(out));
		else
			n = evm_xattr_encode_sig(x.type, x.algo, x.keyid, x.sig, x.sig_len,
						 out, sizeof(out));
		if (n != size || memcmp(out, copy, size))
			abort();
		break;
	default:
		if (!why[0] || !memchr(why, '\0', sizeof(why)))
			abort();
	}
	evm_ctx_init(&ctx);
	ctx.have_key = size & 1;
	in.have[EVM_X_IMA] = true;
	in.len[EVM_X_IMA] = size < EVM_VALUE_MAX ? size : EVM_VALUE_MAX;
	memcpy(in.val[EVM_X_IMA], copy, in.len[EVM_X_IMA]);
	in.have_uuid = size & 2;
	evm_check_inode(&ctx, &in, copy, size, &res);
	if (res.cls >= EVM__COUNT || (res.cls != EVM_OK && !res.detail[0]))
		abort();
	free(copy);
	return 0;
}
