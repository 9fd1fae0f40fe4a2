// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: security.ima encoding and decoding. */
#include <string.h>

#include "imaxattr.h"
#include "tap.h"
#include "util.h"

struct dec_case {
	const char *name;
	const uint8_t *buf;
	size_t len;
	enum ima_xattr_status want;
	const char *why;	/* substring of the reason */
};

static uint8_t sha1v[21] = { 0x01, [20] = 0x5a };
static uint8_t sha1md5[21] = { 0x01, 0x11, 0x22, [16] = 0x33 };
static uint8_t sha256v[34] = { 0x04, 0x04 };
static uint8_t sha512short[65] = { 0x04, 0x06 };
static uint8_t sig_ok[9 + 4] = { 0x03, 0x02, 0x04, 1, 2, 3, 4, 0x00, 0x04, 9, 9, 9, 9 };
static uint8_t sig_long[9 + 4] = { 0x03, 0x02, 0x04, 1, 2, 3, 4, 0x00, 0x05, 9, 9, 9, 9 };
static uint8_t sig_short[9 + 4] = { 0x03, 0x02, 0x04, 1, 2, 3, 4, 0x00, 0x03, 9, 9, 9, 9 };
static uint8_t sig_zero[9] = { 0x03, 0x02, 0x04, 1, 2, 3, 4, 0x00, 0x00 };
static uint8_t sig_v1[9 + 4] = { 0x03, 0x01, 0x04, 1, 2, 3, 4, 0x00, 0x04, 9, 9, 9, 9 };
static uint8_t sig_hdr[5] = { 0x03, 0x02, 0x04, 1, 2 };
static uint8_t sig_algo[9 + 1] = { 0x03, 0x02, 0x63, 1, 2, 3, 4, 0x00, 0x01, 9 };
static uint8_t sig_md5[9 + 1] = { 0x03, 0x02, 0x01, 1, 2, 3, 4, 0x00, 0x01, 9 };
static uint8_t ng_unknown[34] = { 0x04, 0x7f };
static uint8_t ng_sm3[34] = { 0x04, 17 };
static uint8_t t07[21] = { 0x07 };
static uint8_t t02[21] = { 0x02 };
static uint8_t t06[21] = { 0x06 };
static uint8_t v3_ok[9 + 4] = { 0x06, 0x03, 0x04, 1, 2, 3, 4, 0x00, 0x04, 9, 9, 9, 9 };
static uint8_t v3_v2[9 + 4] = { 0x06, 0x02, 0x04, 1, 2, 3, 4, 0x00, 0x04, 9, 9, 9, 9 };
static uint8_t v3_long[9 + 4] = { 0x06, 0x03, 0x04, 1, 2, 3, 4, 0x00, 0x05, 9, 9, 9, 9 };
static uint8_t v3_algo[9 + 1] = { 0x06, 0x03, 0xff, 1, 2, 3, 4, 0x00, 0x01, 9 };
static uint8_t t03v3[9 + 4] = { 0x03, 0x03, 0x04, 1, 2, 3, 4, 0x00, 0x04, 9, 9, 9, 9 };
static uint8_t one[1] = { 0x04 };
static uint8_t sha1long[22] = { 0x01 };

static const struct dec_case cases[] = {
	{ "sha1 digest", sha1v, sizeof(sha1v), IMA_XATTR_OK, NULL },
	{ "sha256 digest_ng", sha256v, sizeof(sha256v), IMA_XATTR_OK, NULL },
	{ "v2 signature", sig_ok, sizeof(sig_ok), IMA_XATTR_OK, NULL },
	{ "empty", sha1v, 0, IMA_XATTR_MALFORMED, "empty value" },
	{ "one byte digest_ng", one, 1, IMA_XATTR_MALFORMED, "truncated" },
	{ "one byte sha1", sha1v, 1, IMA_XATTR_MALFORMED, "0 bytes, expected 20" },
	{ "sha1 ending in 4 zero bytes (kernel: md5)", sha1md5, sizeof(sha1md5), IMA_XATTR_MALFORMED, "reads it as MD5" },
	{ "long sha1", sha1long, sizeof(sha1long), IMA_XATTR_MALFORMED, "21 bytes" },
	{ "short sha512", sha512short, sizeof(sha512short), IMA_XATTR_MALFORMED, "sha512 digest of 63" },
	{ "unknown type 0x07", t07, sizeof(t07), IMA_XATTR_MALFORMED, "unknown type 0x07" },
	{ "evm hmac type", t02, sizeof(t02), IMA_XATTR_MALFORMED, "HMAC" },
	{ "verity type of version 0", t06, sizeof(t06), IMA_XATTR_MALFORMED, "of version 0, not 3" },
	{ "verity signature (version 3)", v3_ok, sizeof(v3_ok), IMA_XATTR_OK, NULL },
	{ "verity type of version 2", v3_v2, sizeof(v3_v2), IMA_XATTR_MALFORMED, "of version 2, not 3" },
	{ "verity sig_size too large", v3_long, sizeof(v3_long), IMA_XATTR_MALFORMED, "sig_size 5" },
	{ "verity unknown algo", v3_algo, sizeof(v3_algo), IMA_XATTR_MALFORMED, "unknown hash algorithm 255" },
	{ "verity header truncated", v3_ok, 8, IMA_XATTR_MALFORMED, "header truncated" },
	{ "type 03 of version 3", t03v3, sizeof(t03v3), IMA_XATTR_UNSUPPORTED, "version 3" },
	{ "digest_ng unknown algo", ng_unknown, sizeof(ng_unknown), IMA_XATTR_MALFORMED, "unknown hash algorithm 127" },
	{ "digest_ng sm3", ng_sm3, sizeof(ng_sm3), IMA_XATTR_UNSUPPORTED, "sm3" },
	{ "sig_size too large", sig_long, sizeof(sig_long), IMA_XATTR_MALFORMED, "sig_size 5" },
	{ "sig_size too small", sig_short, sizeof(sig_short), IMA_XATTR_MALFORMED, "sig_size 3" },
	{ "sig_size zero", sig_zero, sizeof(sig_zero), IMA_XATTR_MALFORMED, "empty signature" },
	{ "sig version 1", sig_v1, sizeof(sig_v1), IMA_XATTR_UNSUPPORTED, "version 1" },
	{ "sig header truncated", sig_hdr, sizeof(sig_hdr), IMA_XATTR_MALFORMED, "header truncated" },
	{ "sig type only", sig_hdr, 1, IMA_XATTR_MALFORMED, "signature truncated" },
	{ "sig unknown algo", sig_algo, sizeof(sig_algo), IMA_XATTR_MALFORMED, "unknown hash algorithm 99" },
	{ "sig md5", sig_md5, sizeof(sig_md5), IMA_XATTR_UNSUPPORTED, "md5" },
	{ "too large", sha1v, IMA_XATTR_MAX + 1, IMA_XATTR_MALFORMED, "too large" },
};

#define NCASES (int)(ARRAY_SIZE(cases))

int main(void)
{
	static uint8_t big[IMA_XATTR_MAX + 1];
	const struct hash_algo *sha1 = hash_algo_by_name("sha1");
	const struct hash_algo *sha256 = hash_algo_by_name("sha256");
	uint8_t d[64], out[IMA_XATTR_MAX];
	struct ima_xattr x;
	struct tap t = { 0 };
	char why[256];
	size_t n;

	tap_plan(&t, NCASES + 13);
	for (int i = 0; i < NCASES; i++) {
		const uint8_t *buf = cases[i].len > sizeof(sha1long) &&
				     cases[i].buf == sha1v ? big : cases[i].buf;
		enum ima_xattr_status st;

		why[0] = '\0';
		st = ima_xattr_decode(buf, cases[i].len, &x, why, sizeof(why));
		tap_ok(&t, st == cases[i].want &&
		       (!cases[i].why || strstr(why, cases[i].why)),
		       "decode %s: status %d, \"%s\"", cases[i].name, st, why);
	}

	for (int i = 0; i < 64; i++)
		d[i] = (uint8_t)i;
	n = ima_xattr_encode_digest(sha1, d, 20, out, sizeof(out));
	tap_ok(&t, n == 21 && out[0] == 0x01 && !memcmp(out + 1, d, 20), "encode sha1 as 01|digest");
	n = ima_xattr_encode_digest_ng(sha1, d, 20, out, sizeof(out));
	tap_ok(&t, n == 22 && out[0] == 0x04 && out[1] == 0x02 && !memcmp(out + 2, d, 20),
	       "encode_ng writes sha1 as 04|02|digest");
	n = ima_xattr_encode_digest(sha256, d, 32, out, sizeof(out));
	tap_ok(&t, n == 34 && out[0] == 0x04 && out[1] == 0x04 && !memcmp(out + 2, d, 32),
	       "encode sha256 as 04|04|digest");
	tap_ok(&t, ima_xattr_encode_digest(sha256, d, 20, out, sizeof(out)) == 0,
	       "encode refuses a digest of the wrong length");
	tap_ok(&t, ima_xattr_encode_digest(sha256, d, 32, out, 33) == 0,
	       "encode refuses a short buffer");
	tap_ok(&t, ima_xattr_decode(out, 0, &x, NULL, 0) == IMA_XATTR_MALFORMED,
	       "decode with no reason buffer");

	n = ima_xattr_encode_sig_v2(sha256, (const uint8_t *)"\xaa\xbb\xcc\xdd", d, 64,
				    out, sizeof(out));
	tap_ok(&t, n == 73 && !memcmp(out, "\x03\x02\x04\xaa\xbb\xcc\xdd\x00\x40", 9),
	       "encode v2 signature header");
	tap_ok(&t, ima_xattr_decode(out, n, &x, why, sizeof(why)) == IMA_XATTR_OK &&
	       x.sig_len == 64 && x.sig == out + 9 && x.algo == sha256 &&
	       !memcmp(x.keyid, "\xaa\xbb\xcc\xdd", 4), "v2 signature round trip");
	tap_ok(&t, ima_xattr_encode_sig_v2(sha256, d, d, 0, out, sizeof(out)) == 0,
	       "encode refuses an empty signature");
	for (size_t cut = 0; cut < n; cut++)
		if (ima_xattr_decode(out, cut, &x, why, sizeof(why)) == IMA_XATTR_OK)
			break;
		else if (cut == n - 1)
			n = 0;
	tap_ok(&t, n == 0, "every truncation of a signature is rejected");
	tap_ok(&t, hash_algo_by_id(23) == NULL && hash_algo_by_id(-1) == NULL,
	       "hash ids outside hash_info are unknown");
	tap_ok(&t, hash_algo_by_name("md5") == NULL && hash_algo_by_name("sha384")->id == 5,
	       "hash names map to supported algorithms only");
	tap_ok(&t, hash_algo_by_name("sha224")->id == 7 && hash_algo_by_name("sha512")->len == 64,
	       "sha224 and sha512 ids and lengths");
	return tap_done(&t);
}
