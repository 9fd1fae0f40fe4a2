// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the quote parsers (lib/tpmquote.h).  The first
 * byte picks the structure: 0 TPMS_ATTEST (whose selection then also reads
 * the rest as a PCR file), 1 TPMT_SIGNATURE, 2 a PCR file for a fixed
 * selection, 3 TPM2B_PUBLIC.  Any input parses or fails with a message,
 * without reading out of bounds, and what parses keeps its bounds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tpmquote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(int r, const char *err)
{
	if (r && (r != -EBADMSG || !err[0] || !memchr(err, '\0', 256)))
		abort();
}

static void values(const uint8_t *p, size_t len, const struct tpmq_selection *sel)
{
	static struct tpmq_pcr_values v;
	uint8_t md[HASH_MAX_DIGEST];
	char err[256] = "";
	size_t md_len;
	int r = tpmq_pcr_values_parse(p, len, sel, &v, err, sizeof(err));

	check_err(r, err);
	if (r)
		return;
	for (size_t i = 0; i < v.n; i++)
		if (!tpmq_selected(sel, v.v[i].hash, v.v[i].pcr) ||
		    v.v[i].len != tpmq_hash(v.v[i].hash)->len)
			abort();
	if (tpmq_pcr_digest(&v, hash_algo_by_id(HASH_ALGO_SHA256), md, &md_len) || md_len != 32)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tpmq_selection fixed = {
		.n = 2,
		.s = { { TPM_ALG_SHA1, 3, { 0, 4, 0 } }, { TPM_ALG_SHA256, 3, { 1, 4, 0x80 } } },
	};
	uint8_t *copy;
	char err[256] = "";
	int r;

	if (!size)
		return 0;
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);	/* exact size: ASan sees overreads */
	switch (data[0] % 4) {
	case 0: {
		static struct tpmq_attest a;

		r = tpmq_attest_parse(copy, size - 1, &a, err, sizeof(err));
		check_err(r, err);
		if (!r && (a.sel.n > TPMQ_BANKS_MAX || a.extra_len > TPMQ_DATA_MAX ||
			   a.pcr_digest_len > TPMQ_DIGEST_MAX || a.type != TPM_ST_ATTEST_QUOTE))
			abort();
		for (size_t i = 0; !r && i < a.sel.n; i++)
			if (a.sel.s[i].size > TPMQ_SELECT_MAX || !tpmq_hash(a.sel.s[i].hash))
				abort();
		if (!r)
			values(copy, size - 1, &a.sel);
		break;
	}
	case 1: {
		static struct tpmq_signature s;

		r = tpmq_signature_parse(copy, size - 1, &s, err, sizeof(err));
		check_err(r, err);
		if (!r && (!s.a_len || !tpmq_hash(s.hash)))
			abort();
		break;
	}
	case 2:
		values(copy, size - 1, &fixed);
		break;
	case 3: {
		EVP_PKEY *k = NULL;

		r = tpmq_public_parse(copy, size - 1, &k, err, sizeof(err));
		if (r != 0 && r != -EBADMSG && r != -EPERM && r != -ENOTSUP && r != -ENOMEM)
			abort();
		if (!r != !!k || (r && !err[0]))
			abort();
		EVP_PKEY_free(k);
		break;
	}
	}
	free(copy);
	return 0;
}
