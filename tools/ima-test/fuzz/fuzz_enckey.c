// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the encrypted key blob parser (lib/enckey.c): any
 * input must parse or be refused with a reason, without reading out of
 * bounds; what parses must hold the lengths the kernel's layout implies;
 * decrypting it with the harness's master key (the one the seed
 * corpus-enckey/valid_hmac was made with) either succeeds or is a named
 * refusal that leaves no decrypted byte behind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "enckey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct enckey_blob b;	/* large */
	uint8_t mk[32], out[128];
	char *copy = malloc(size ? size : 1), why[256];
	int rc;

	if (!copy)
		return 0;
	for (size_t i = 0; i < sizeof(mk); i++)
		mk[i] = (uint8_t)(0xa5 ^ i);
	memcpy(copy, data, size);	/* exact-size heap buffer: ASan sees overreads */
	why[0] = '\0';
	rc = enckey_parse(copy, size, &b, why, sizeof(why));
	if (rc) {
		if ((rc != -EINVAL && rc != -EOPNOTSUPP) || !why[0] ||
		    !memchr(why, '\0', sizeof(why)))
			abort();
		goto out;
	}
	if (b.dlen < ENCKEY_MIN_DATA || b.dlen > ENCKEY_MAX_DATA ||
	    b.enc_len % 16 || b.enc_len < b.dlen || b.enc_len >= b.dlen + 16 ||
	    (b.format && (b.format_len != 7 || memcmp(b.format, "default", 7))) ||
	    !b.master_len || !b.datalen_len)
		abort();
	why[0] = '\0';
	rc = enckey_decrypt(&b, mk, sizeof(mk), out, sizeof(out), why, sizeof(why));
	if (!rc) {
		for (size_t i = b.dlen; i < sizeof(out); i++)
			if (out[i])
				abort();
		goto out;
	}
	if ((rc != -EBADMSG && rc != -ENOKEY && rc != -ENOSPC) || !why[0])
		abort();
	for (size_t i = 0; i < sizeof(out); i++)
		if (out[i])
			abort();
out:
	free(copy);
	return 0;
}
