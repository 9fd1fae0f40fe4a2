// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the security.ima decoder: any input must decode
 * or be rejected with a reason, without reading out of bounds; what
 * decodes must re-encode to the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "imaxattr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1), out[IMA_XATTR_MAX];
	struct ima_xattr x;
	char why[128];
	size_t n = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);	/* exact-size heap buffer: ASan sees overreads */
	switch (ima_xattr_decode(copy, size, &x, why, sizeof(why))) {
	case IMA_XATTR_OK:
		if (x.type == IMA_XATTR_DIGEST_NG && x.algo->id == HASH_ALGO_SHA1) {
			/* valid, but fix mode itself writes sha1 as type 01 */
			if (x.digest != copy + 2 || x.digest_len != 20 || size != 22)
				abort();
			break;
		}
		if (x.type == IMA_VERITY_DIGSIG)
			n = ima_xattr_encode_sig_v3(x.algo, x.keyid, x.sig, x.sig_len,
						    out, sizeof(out));
		else if (x.type == EVM_IMA_XATTR_DIGSIG)
			n = ima_xattr_encode_sig_v2(x.algo, x.keyid, x.sig, x.sig_len,
						    out, sizeof(out));
		else
			n = ima_xattr_encode_digest(x.algo, x.digest, x.digest_len,
						    out, sizeof(out));
		if (n != size || memcmp(out, copy, size))
			abort();
		break;
	default:
		if (!why[0] || !memchr(why, '\0', sizeof(why)))
			abort();
	}
	free(copy);
	return 0;
}
